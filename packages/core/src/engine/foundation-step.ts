import { statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  applyFoundationUpdate,
  compareVersions,
  type Instruction,
  nextVersion,
  parseFoundation,
} from '@sessionhub/format';
import type { ExecutionReport } from '../model/report.js';
import type { Store } from '../ports/store.js';
import type { Redactor } from './redaction.js';
import type { StepContext } from './step-context.js';

/** What the foundation step writes to the log. */
export interface FoundationOutput {
  version: string;
  previousVersion?: string;
  path: string;
}

/** Whether a successful session should update the Foundation document: it asks to, and the file exists. */
export async function wantsFoundationUpdate(
  instruction: Instruction,
  workspace: string,
  path: string,
): Promise<boolean> {
  const fu = instruction.foundationUpdate;
  if (!fu.version && !fu.addToLog) return false;
  // Synchronous: a single stat is cheaper than a thread-pool round trip.
  return statSync(join(workspace, path), { throwIfNoEntry: false })?.isFile() ?? false;
}

/**
 * Applies the instruction's FOUNDATION UPDATE to the workspace's Foundation document and records the
 * new version in the store. Idempotent: a document already at the target version with its log entry
 * is left alone, and a version already recorded for this session is not recorded twice.
 */
export async function updateFoundation(
  ctx: StepContext,
  args: {
    store: Store;
    sessionId: string;
    workspace: string;
    path: string;
    instruction: Instruction;
    report?: ExecutionReport;
    now: () => number;
    redact: Redactor;
  },
): Promise<FoundationOutput> {
  const { instruction, path } = args;
  const file = join(args.workspace, path);
  const text = await readFile(file, 'utf8');
  const target = instruction.foundationUpdate.version ?? instruction.version;
  const doc = parseFoundation(text).document;
  const logged = doc.log.some((e) => compareVersions(e.version, target) === 0);
  const applied = doc.version !== undefined && compareVersions(doc.version, target) === 0 && logged;
  let previousVersion = doc.version?.text;
  let newText = text;
  if (applied) {
    const older = doc.log.filter((e) => compareVersions(e.version, target) < 0).map((e) => e.version);
    older.sort(compareVersions);
    previousVersion = older[older.length - 1]?.text;
  } else {
    const at = new Date(args.now()).toISOString();
    newText = args.redact(
      applyFoundationUpdate(text, {
        version: target,
        entry: {
          name: instruction.name,
          date: at.slice(0, 10),
          status: 'completed',
          achievements: instruction.objectives.map((o) => o.text),
          ...(args.report ? { summary: args.report.summary } : {}),
        },
        next: nextVersion(target, 'minor'),
      }),
    );
    ctx.signal.throwIfAborted();
    // Write then rename, so a crash never leaves a half-written document.
    const tmp = `${file}.sessionhub-${args.sessionId}.tmp`;
    await writeFile(tmp, newText, 'utf8');
    await rename(tmp, file);
  }
  // Committed: the store calls below run to their end whatever the session's signal says.
  const recorded = await args.store.listFoundationVersions({ path });
  if (!recorded.some((v) => v.sessionId === args.sessionId && v.version === target.text)) {
    await args.store.addFoundationVersion({
      version: target.text,
      ...(previousVersion ? { previousVersion } : {}),
      sessionId: args.sessionId,
      path,
      text: args.redact(newText),
      at: new Date(args.now()).toISOString(),
    });
  }
  const output: FoundationOutput = previousVersion
    ? { version: target.text, previousVersion, path }
    : { version: target.text, path };
  ctx.record({ type: 'foundation.updated', sessionId: args.sessionId, ...output });
  return output;
}
