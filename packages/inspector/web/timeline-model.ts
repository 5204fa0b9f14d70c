import type { SessionEvent, Usage } from '@sessionhub/core';

/** A column of the timeline: the two actors, the verifier, and the engine between them. */
export type Lane = 'planner' | 'executor' | 'verifier' | 'engine';

/** One row of the timeline: a phase header spanning the lanes, or one event in its lane. */
export type Row =
  | { kind: 'phase'; key: string; title: string; phase: PhaseBlock }
  | {
      kind: 'item';
      key: string;
      lane: Lane;
      tone: 'ok' | 'bad' | 'wait' | 'plain';
      label: string;
      event: SessionEvent;
    };

/** One run of a step: planning, approval, an execution, a verification or the Foundation update. */
export interface PhaseBlock {
  stepId: string;
  step: string;
  attempt: number;
  startedAt: string;
  endedAt?: string;
  failed?: boolean;
  usage: Usage;
}

const emptyUsage = (): Usage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd: 0,
});

function addUsage(a: Usage, b: Usage): void {
  a.inputTokens += b.inputTokens;
  a.outputTokens += b.outputTokens;
  a.cacheReadTokens += b.cacheReadTokens ?? 0;
  a.cacheWriteTokens += b.cacheWriteTokens ?? 0;
  a.costUsd += b.costUsd;
}

function phaseTitle(step: string, attempt: number): string {
  switch (step) {
    case 'plan':
      return attempt === 0 ? 'Planning' : `Fix round ${attempt} · planning`;
    case 'approve':
      return 'Approval';
    case 'execute':
      return attempt === 0 ? 'Execution' : `Fix round ${attempt} · execution`;
    case 'verify':
      return attempt === 0 ? 'Verification' : `Fix round ${attempt} · verification`;
    case 'foundation':
      return 'Foundation update';
    default:
      return step;
  }
}

const first = (text: string) => text.split('\n', 1)[0] ?? '';

/** An event's lane, tone and one-line label; `undefined` for events the timeline leaves out (claim renewals). */
function itemOf(e: SessionEvent): Omit<Extract<Row, { kind: 'item' }>, 'key' | 'kind' | 'event'> | undefined {
  switch (e.type) {
    case 'session.created': {
      const i = e.input;
      const what =
        i.kind === 'request'
          ? i.request
          : i.kind === 'template'
            ? `template ${i.template}`
            : `issue #${i.issue.number} ${i.issue.title}`;
      return { lane: 'planner', tone: 'plain', label: `Request: ${first(what)}` };
    }
    case 'state.changed':
      return { lane: 'engine', tone: 'plain', label: `${e.from} → ${e.to}` };
    case 'planner.reask':
      return {
        lane: 'planner',
        tone: 'bad',
        label: `Re-ask ${e.attempt}: ${e.diagnostics.length} lint finding(s) · ${e.diagnostics[0]?.code ?? ''}`,
      };
    case 'instruction.accepted':
      return {
        lane: 'planner',
        tone: 'ok',
        label: `${e.fix ? 'Fix instruction' : 'Instruction'} accepted: Session ${e.version}: ${e.name}`,
      };
    case 'approval.requested':
      return {
        lane: 'engine',
        tone: 'wait',
        label: e.budget
          ? `Paused at the ${e.budget.budget} budget (${e.budget.actual} > ${e.budget.limit}): waiting for approval`
          : 'Waiting for approval',
      };
    case 'approval.resolved':
      return {
        lane: 'engine',
        tone: e.approved ? 'ok' : 'bad',
        label: e.approved ? 'Approved' : `Rejected${e.reason ? `: ${e.reason}` : ''}`,
      };
    case 'budget.raised':
      return { lane: 'engine', tone: 'plain', label: 'Budget raised' };
    case 'session.claimed':
      return undefined;
    case 'session.released':
      return { lane: 'engine', tone: 'wait', label: `Released by ${e.owner}` };
    case 'foundation.created':
      return { lane: 'engine', tone: 'plain', label: `Foundation created at ${e.path} (${e.version})` };
    case 'foundation.skipped':
      return { lane: 'engine', tone: 'plain', label: `Foundation skipped: ${e.reason}` };
    case 'executor.progress':
      return {
        lane: 'executor',
        tone: e.kind === 'tool_result' && e.data?.isError ? 'bad' : 'plain',
        label: `${e.kind.replace('_', ' ')}: ${first(e.message)}`,
      };
    case 'verifier.gate':
      return {
        lane: 'verifier',
        tone: e.result.passed ? 'ok' : 'bad',
        label: `${e.result.passed ? '✓' : '✗'} ${e.result.name}${e.result.passed ? '' : ` · ${e.result.failures.length} failure(s)`}`,
      };
    case 'usage.recorded':
      return undefined;
    case 'foundation.updated':
      return { lane: 'engine', tone: 'ok', label: `Foundation ${e.previousVersion ?? '–'} → ${e.version} (${e.path})` };
    case 'step.started':
      return e.step === 'execute'
        ? { lane: 'engine', tone: 'plain', label: 'Handoff: instruction → executor' }
        : undefined;
    case 'step.finished': {
      const out = e.output as { summary?: string; changedFiles?: string[]; passed?: boolean } | undefined;
      if (e.step === 'execute')
        return {
          lane: 'executor',
          tone: 'ok',
          label: `Report: ${first(out?.summary ?? '')} · ${out?.changedFiles?.length ?? 0} file(s) changed`,
        };
      if (e.step === 'verify')
        return {
          lane: 'verifier',
          tone: out?.passed ? 'ok' : 'bad',
          label: `Verdict: ${out?.passed ? 'passed' : 'failed'}`,
        };
      return undefined;
    }
    case 'step.failed':
      return {
        lane: e.step === 'verify' ? 'verifier' : e.step === 'execute' ? 'executor' : 'engine',
        tone: 'bad',
        label: `${e.stepId} failed: ${e.error.code}: ${first(e.error.message)}`,
      };
    case 'session.finished':
      return {
        lane: 'engine',
        tone: e.state === 'succeeded' ? 'ok' : 'bad',
        label: `Session ${e.state}${e.error ? `: ${e.error.code}` : ''}`,
      };
  }
}

/** The timeline of a log: rows in log order, a phase header at every step start, usage summed per phase. */
export function buildTimeline(events: readonly SessionEvent[]): { rows: Row[]; phases: PhaseBlock[] } {
  const rows: Row[] = [];
  const phases: PhaseBlock[] = [];
  const open = new Map<string, PhaseBlock>();
  let current: PhaseBlock | undefined;
  for (const e of events) {
    if (e.type === 'step.started' && !open.has(e.stepId)) {
      current = { stepId: e.stepId, step: e.step, attempt: e.attempt, startedAt: e.at, usage: emptyUsage() };
      open.set(e.stepId, current);
      phases.push(current);
      rows.push({ kind: 'phase', key: `p${e.seq}`, title: phaseTitle(e.step, e.attempt), phase: current });
    } else if (e.type === 'step.finished' || e.type === 'step.failed') {
      const block = open.get(e.stepId);
      if (block) {
        block.endedAt = e.at;
        block.failed = e.type === 'step.failed';
      }
    } else if (e.type === 'usage.recorded' && current) {
      addUsage(current.usage, e.usage);
    }
    const item = itemOf(e);
    if (item) rows.push({ kind: 'item', key: `e${e.seq}`, event: e, ...item });
  }
  return { rows, phases };
}

/** Tokens and cost per phase kind (planning, execution, ...) over the whole log. */
export function usageByPhase(events: readonly SessionEvent[]): Array<{ phase: string; usage: Usage }> {
  const by = new Map<string, Usage>();
  for (const e of events) {
    if (e.type !== 'usage.recorded') continue;
    const u = by.get(e.phase) ?? emptyUsage();
    addUsage(u, e.usage);
    by.set(e.phase, u);
  }
  return [...by].map(([phase, usage]) => ({ phase, usage }));
}

/** The instruction split at its section headings (`OBJECTIVES:`, `REQUIREMENTS:`, ...), title first. */
export function instructionSections(text: string): Array<{ heading: string; body: string }> {
  const out: Array<{ heading: string; body: string[] }> = [];
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z ]+):\s*$/.exec(line.trim());
    if (m?.[1]) out.push({ heading: m[1], body: [] });
    else if (out.length === 0) out.push({ heading: 'TITLE', body: [line] });
    else out[out.length - 1]?.body.push(line);
  }
  return out.map((s) => ({ heading: s.heading, body: s.body.join('\n').trim() }));
}
