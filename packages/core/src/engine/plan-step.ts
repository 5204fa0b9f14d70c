import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nextVersion, parseFoundation } from '@sessionhub/format';
import type { Template } from '../model/template.js';
import type { PlanInput, Planner } from '../ports/planner.js';
import { checkError, checkInstruction } from './boundary.js';
import type { ResolvedPolicy } from './options.js';
import type { StepContext } from './step-runner.js';
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
 * Asks the planner for an instruction and enforces the actor boundary: an instruction with lint
 * errors is sent back with its diagnostics, at most `maxPlannerReasks` times, then the step fails
 * with a `BoundaryViolationError` naming the first broken rule.
 */
export async function planWithPlanner(
  ctx: StepContext,
  planner: Planner,
  policy: ResolvedPolicy,
  input: PlanInput,
): Promise<PlanOutput> {
  let ask = input;
  for (let attempt = 0; ; attempt++) {
    const result = await planner.plan(ask, { signal: ctx.signal });
    ctx.addUsage('planning', result.usage);
    const check = checkInstruction(result.text, policy.lintRules);
    if (check.ok) {
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
    if (attempt >= policy.maxPlannerReasks) throw checkError(check);
    ctx.record({
      type: 'planner.reask',
      sessionId: input.sessionId,
      attempt: attempt + 1,
      diagnostics: check.diagnostics.map((d) => ({
        code: d.code,
        severity: d.severity,
        message: d.message,
        line: d.line,
        column: d.column,
      })),
    });
    ask = { ...input, rejected: { text: result.text, diagnostics: check.diagnostics } };
    if (ctx.signal.aborted) throw ctx.signal.reason;
  }
}

/** A template session's plan: the filled template, linted like any planner output (no re-asks). */
export function planFromTemplate(
  ctx: StepContext,
  sessionId: string,
  template: Template,
  variables: Record<string, unknown>,
  policy: ResolvedPolicy,
): PlanOutput {
  const text = fillTemplate(template, variables);
  const check = checkInstruction(text, policy.lintRules);
  if (!check.ok) throw checkError(check);
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
