import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  compareVersions,
  type Diagnostic,
  FoundationUpdateError,
  type Instruction,
  nextVersion,
  parseFoundation,
  parseVersion,
} from '@sessionhub/format';
import { BoundaryViolationError } from '../errors.js';
import type { Template } from '../model/template.js';
import type { PlanInput, Planner } from '../ports/planner.js';
import { checkError, checkInstruction } from './boundary.js';
import type { ResolvedPolicy } from './options.js';
import type { StepContext } from './step-context.js';
import { fillTemplate } from './templates.js';

/** What a plan step writes to the log: the accepted instruction text. */
export interface PlanOutput {
  text: string;
  fix: boolean;
}

/** The Foundation document as the planner sees it, when the workspace has one. */
export async function readFoundation(
  workspace: string,
  path: string,
): Promise<{ path: string; text: string; version?: string } | undefined> {
  const file = join(workspace, path);
  // A synchronous existence check skips a thread-pool round trip in the common no-document case.
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const version = parseFoundation(text).document.version?.text;
  return version ? { path, text, version } : { path, text };
}

/**
 * Asks the planner for an instruction and checks it where it is accepted: the format, the actor
 * boundary, and that its version moves forward from the Foundation's current version. An instruction
 * that fails is sent back with its diagnostics; the engine owns ONE budget of re-asks per plan
 * (`maxPlannerReasks`), so a plan costs at most `1 + maxPlannerReasks` planner calls. Then the step
 * fails with a `BoundaryViolationError` naming the first broken rule (or `InstructionFormatError`).
 */
export async function planWithPlanner(
  ctx: StepContext,
  planner: Planner,
  policy: ResolvedPolicy,
  input: PlanInput,
): Promise<PlanOutput> {
  let ask = input;
  for (let attempt = 0; ; attempt++) {
    const meter = ctx.meter('planning');
    const result = await planner.plan(ask, { signal: ctx.signal, reportUsage: meter.report });
    meter.settle(result.usage);
    const check = checkInstruction(result.text, policy.lintRules);
    const diagnostics = check.ok
      ? versionDiagnostics(check.instruction, input.foundation?.version, input.nextVersion)
      : check.diagnostics;
    if (check.ok && diagnostics.length === 0) {
      ctx.record({
        type: 'instruction.accepted',
        sessionId: input.sessionId,
        text: result.text,
        version: check.instruction.version.text,
        name: check.instruction.name,
        fix: input.kind === 'fix',
      });
      return { text: result.text, fix: input.kind === 'fix' };
    }
    if (attempt >= policy.maxPlannerReasks) {
      throw check.ok ? new BoundaryViolationError(diagnostics[0]!.code, diagnostics) : checkError(check);
    }
    ctx.record({
      type: 'planner.reask',
      sessionId: input.sessionId,
      attempt: attempt + 1,
      diagnostics: diagnostics.map((d) => ({
        code: d.code,
        severity: d.severity,
        message: d.message,
        line: d.line,
        column: d.column,
      })),
    });
    ask = { ...input, rejected: { text: result.text, diagnostics } };
    if (ctx.signal.aborted) throw ctx.signal.reason;
  }
}

/**
 * The diagnostic of an instruction whose version (or FOUNDATION UPDATE version) does not move forward
 * from the Foundation's current version: caught where the instruction is accepted, not after execution.
 */
export function versionDiagnostics(
  instruction: Instruction,
  current: string | undefined,
  next: string | undefined,
): Diagnostic[] {
  const currentVersion = current ? parseVersion(current) : undefined;
  if (!currentVersion) return [];
  const target = instruction.foundationUpdate.version ?? instruction.version;
  if (compareVersions(target, currentVersion) > 0) return [];
  return [
    {
      code: 'foundation.version_not_forward',
      severity: 'error',
      message: `Version ${target.text} does not move forward from the Foundation's current version ${current}${
        next ? `; write version ${next}` : ''
      }.`,
      line: 1,
      column: 1,
    },
  ];
}

/** A template session's plan: the filled template, linted like any planner output (no re-asks). */
export function planFromTemplate(
  ctx: StepContext,
  sessionId: string,
  template: Template,
  variables: Record<string, unknown>,
  policy: ResolvedPolicy,
  foundationVersion: string | undefined,
): PlanOutput {
  const text = fillTemplate(template, variables);
  const check = checkInstruction(text, policy.lintRules);
  if (!check.ok) throw checkError(check);
  const [notForward] = versionDiagnostics(check.instruction, foundationVersion, undefined);
  if (notForward) throw new FoundationUpdateError('foundation.version_not_forward', notForward.message);
  ctx.record({
    type: 'instruction.accepted',
    sessionId,
    text,
    version: check.instruction.version.text,
    name: check.instruction.name,
    fix: false,
  });
  return { text, fix: false };
}

/** The version a planner should give its instruction: the Foundation's next minor version. */
export function plannedVersion(foundationVersion: string | undefined): string | undefined {
  if (!foundationVersion) return undefined;
  try {
    return nextVersion(foundationVersion, 'minor').text;
  } catch {
    return undefined;
  }
}
