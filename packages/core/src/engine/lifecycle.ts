import { BudgetExceededError, SessionHubError, TemplateError } from '../errors.js';
import type { ExecutionReport, Verdict } from '../model/report.js';
import type { SessionInput } from '../model/session.js';
import { parseAccepted } from './boundary.js';
import { type FoundationOutput, updateFoundation, wantsFoundationUpdate } from './foundation-step.js';
import { libraryContext } from './library-context.js';
import type { ResolvedPolicy, SessionHubOptions } from './options.js';
import { type PlanOutput, planFromTemplate, plannedVersion, planWithPlanner, readFoundation } from './plan-step.js';
import type { Redactor } from './redaction.js';
import type { SessionResources } from './resources.js';
import { prepareWorkspace } from './workspace-check.js';
import type { WriteAheadRunner } from './write-ahead-runner.js';

/** What the lifecycle produced so far, for the session's result. */
export interface LifecycleOutcome {
  report?: ExecutionReport;
  verdict?: Verdict;
  foundation?: FoundationOutput;
}

/** What the lifecycle of one session needs, from `driveSession`. */
export interface LifecycleDeps {
  options: SessionHubOptions;
  policy: ResolvedPolicy;
  /** Every step goes through it: the session's only writer. */
  runner: WriteAheadRunner;
  /** The session's working copy and sandbox, created on first use. */
  resources: SessionResources;
  /** Filled in as steps finish. */
  outcome: LifecycleOutcome;
  redact: Redactor;
  /** Whether the session waits for approval after its plan (its log's choice, else the policy). */
  requireApproval: boolean;
  /** Waits for the decision on the initial plan (`onApproval`, or `approve`/`reject` on this engine). */
  waitForApproval: (instructionText: string, signal: AbortSignal) => Promise<{ approved: boolean; reason?: string }>;
  /** Tells the engine the decision taken by `waitForApproval` is in the store. */
  decisionRecorded: () => void;
}

/** The words a planner is given for a session input. */
export function requestText(input: SessionInput): string {
  if (input.kind === 'request') return input.request;
  if (input.kind === 'issue') return `${input.issue.title}\n\n${input.issue.body}`;
  return input.template;
}

/**
 * The session lifecycle, read top to bottom: plan → (approve) → execute → verify → (commit) → (fix plan →
 * execute → verify)* → foundation → (foundation commit). Each step goes through `WriteAheadRunner.step`, so
 * on resume finished steps return their logged output and only the in-flight step runs again. Throws the
 * error that stops the session (`driveSession` decides whether it ends or pauses).
 */
export async function runLifecycle(d: LifecycleDeps): Promise<void> {
  const { runner, options, policy, outcome } = d;
  const sessionId = runner.sessionId;
  const input = runner.session.input;
  const request = requestText(input);
  // Whether the session goes on without a Foundation document (`policy.foundation: 'skip'`): it has no Foundation step.
  let foundationSkipped = runner.foundationSkipped;

  let plan = await runner.step<PlanOutput>(
    { id: 'plan:0', kind: 'plan', attempt: 0, state: 'planning' },
    async (ctx) => {
      // Before the first model call: a missing workspace or Foundation document fails (or is handled) here.
      const foundation = await prepareWorkspace(ctx, sessionId, await d.resources.workspace(), policy);
      foundationSkipped = foundation === undefined;
      if (input.kind === 'template') {
        const template = await options.store.getTemplate(input.template, { signal: ctx.signal });
        if (!template) throw new TemplateError('template.not_found', `template "${input.template}" not found`);
        return accept(runner, planFromTemplate(ctx, sessionId, template, input.variables, policy, foundation?.version));
      }
      const library = await libraryContext(options.store, request, policy.libraryContextSize, ctx.signal);
      const nextVersion = plannedVersion(foundation?.version);
      const planned = await planWithPlanner(ctx, options.planner, policy, {
        sessionId,
        kind: 'initial',
        request,
        library,
        ...(input.kind === 'issue' ? { issue: input.issue } : {}),
        ...(nextVersion ? { nextVersion } : {}),
        ...(foundation ? { foundation } : {}),
      });
      return accept(runner, planned);
    },
  );
  accept(runner, plan);

  if (d.requireApproval) {
    const decision = await runner.step(
      {
        id: 'approve:0',
        kind: 'approve',
        attempt: 0,
        state: 'awaiting_approval',
        startEvents: [{ type: 'approval.requested', sessionId }],
      },
      async (ctx) => {
        const answer = await d.waitForApproval(plan.text, ctx.signal);
        ctx.record({ type: 'approval.resolved', sessionId, ...answer });
        return answer;
      },
    );
    // A decision is durable before whoever made it hears that it was accepted.
    await runner.flush();
    d.decisionRecorded();
    if (!decision.approved) {
      throw new SessionHubError(
        'approval.rejected',
        `instruction rejected${decision.reason ? `: ${decision.reason}` : ''}`,
      );
    }
  }

  for (let attempt = 0; ; attempt++) {
    const instruction = parseAccepted(plan.text);
    const text = plan.text;
    const report = await runner.step<ExecutionReport>(
      { id: `execute:${attempt}`, kind: 'execute', attempt, state: 'executing' },
      async (ctx) => {
        const sandbox = await d.resources.sandbox();
        const meter = ctx.meter('execution');
        const r = await options.executor.execute({ sessionId, attempt, instruction, text }, sandbox, {
          signal: ctx.signal,
          reportUsage: meter.report,
          emit: (p) =>
            ctx.appendLive({
              type: 'executor.progress',
              sessionId,
              kind: p.kind,
              message: p.message,
              ...(p.data ? { data: p.data } : {}),
            }),
        });
        meter.settle(r.usage);
        // Keep only the report's own fields: nothing else an executor returns reaches the log.
        return {
          summary: String(r.summary),
          changedFiles: [...r.changedFiles],
          usage: r.usage,
          ...(r.turns !== undefined ? { turns: r.turns } : {}),
          ...(r.resources !== undefined ? { resources: r.resources } : {}),
        };
      },
    );
    outcome.report = report;
    runner.session.summary = report.summary;

    const verdict = await runner.step<Verdict>(
      { id: `verify:${attempt}`, kind: 'verify', attempt, state: 'verifying' },
      async (ctx) => {
        const sandbox = await d.resources.sandbox();
        const emitted = new Set<string>();
        const v = await options.verifier.verify({ sessionId, attempt, instruction, text, report }, sandbox, {
          signal: ctx.signal,
          emitGate: (result) => {
            emitted.add(result.name);
            ctx.appendLive({ type: 'verifier.gate', sessionId, attempt, result });
          },
        });
        for (const result of v.gates) {
          if (!emitted.has(result.name)) ctx.record({ type: 'verifier.gate', sessionId, attempt, result });
        }
        return { passed: v.passed && v.gates.every((g) => g.passed), gates: v.gates };
      },
    );
    outcome.verdict = verdict;
    if (verdict.passed) {
      // The verified work becomes a commit, its sha in the log before the engine moves on. A failing
      // attempt is never committed; a fix round's passing one is, under its own attempt number.
      const provider = d.resources.provider;
      if (provider) {
        await runner.step<CommitOutput>(
          { id: `commit:${attempt}`, kind: 'commit', attempt, state: 'verifying' },
          async (ctx) => {
            const change = { instructionText: text, verdict, attempt };
            const { sha } = await provider.commitVerified(runner.session, change, { signal: ctx.signal });
            return { sha };
          },
        );
      }
      break;
    }
    if (attempt >= policy.maxFixAttempts) {
      throw new BudgetExceededError('fix_attempts', policy.maxFixAttempts, attempt + 1);
    }

    const fixAttempt = attempt + 1;
    plan = await runner.step<PlanOutput>(
      { id: `plan:${fixAttempt}`, kind: 'plan', attempt: fixAttempt, state: 'fixing' },
      async (ctx) => {
        const foundation = await readFoundation(await d.resources.workspace(), policy.foundationPath);
        const planned = await planWithPlanner(ctx, options.planner, policy, {
          sessionId,
          kind: 'fix',
          request,
          library: [],
          nextVersion: instruction.version.text,
          failed: { instructionText: text, verdict, attempt: fixAttempt },
          ...(input.kind === 'issue' ? { issue: input.issue } : {}),
          ...(foundation ? { foundation } : {}),
        });
        return accept(runner, planned);
      },
    );
    accept(runner, plan);
  }

  const instruction = parseAccepted(plan.text);
  const workspace = await d.resources.workspace();
  const updates =
    runner.known('foundation:0') ||
    (!foundationSkipped && (await wantsFoundationUpdate(instruction, workspace, policy.foundationPath)));
  if (updates) {
    outcome.foundation = await runner.step<FoundationOutput>(
      { id: 'foundation:0', kind: 'foundation', attempt: 0, state: 'verifying', commits: true },
      (ctx) =>
        updateFoundation(ctx, {
          store: options.store,
          sessionId,
          workspace,
          path: policy.foundationPath,
          instruction,
          ...(outcome.report ? { report: outcome.report } : {}),
          now: options.now ?? Date.now,
          redact: d.redact,
        }),
    );
    const provider = d.resources.provider;
    const f = outcome.foundation;
    if (provider && f) {
      await runner.step<CommitOutput>(
        { id: 'foundation-commit:0', kind: 'commit', attempt: 0, state: 'verifying', commits: true, settled: true },
        async (ctx) => {
          const change = {
            path: f.path,
            version: f.version,
            ...(f.previousVersion ? { previousVersion: f.previousVersion } : {}),
          };
          const { sha } = await provider.commitFoundation(runner.session, change, { signal: ctx.signal });
          return { sha };
        },
      );
    }
  }
}

/** Output of a `commit` step: the commit's id, or `null` when there was nothing to commit. */
export interface CommitOutput {
  sha: string | null;
}

/** Mirrors an accepted instruction onto the session record (also when a budget ends the session next). */
function accept(runner: WriteAheadRunner, plan: PlanOutput): PlanOutput {
  const instruction = parseAccepted(plan.text);
  runner.session.instruction = plan.text;
  runner.session.name = instruction.name;
  runner.session.version = instruction.version.text;
  return plan;
}
