import type { SessionEvent } from '@sessionhub/core';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The OBJECTIVES items of an instruction's text, indented: what the planner asked for, in its words. */
function objectives(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^\W*OBJECTIVES\W*:?\W*$/i.test(l.trim()));
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^[A-Z][A-Z ]+:/.test(line.trim())) break;
    if (line.trim() !== '') out.push(`  ${line.trim()}`);
  }
  return out;
}

/**
 * One human line for a session event, or undefined for events a reader does not need (claims, step
 * brackets, model messages). Used by the plain and the TTY output.
 */
export function eventLine(e: SessionEvent): string | undefined {
  switch (e.type) {
    case 'state.changed':
      return `phase: ${e.to}`;
    case 'planner.reask':
      return `planner re-asked (${e.attempt}): ${e.diagnostics[0]?.message ?? 'its instruction was refused'}`;
    case 'instruction.accepted':
      return [
        `${e.fix ? 'fix instruction' : 'instruction'}: Session ${e.version}: ${e.name}`,
        ...objectives(e.text),
      ].join('\n');
    case 'approval.requested':
      return e.budget
        ? `paused at the ${e.budget.budget} budget (${e.budget.actual} > ${e.budget.limit}): approve with a raise`
        : 'waiting for approval';
    case 'approval.resolved':
      return `approval: ${e.approved ? 'approved' : `rejected${e.reason ? ` (${e.reason})` : ''}`}`;
    case 'executor.progress':
      // A model message is either the executor's own words (shown) or a call's usage (`data.usage`: in the status line).
      if (e.kind === 'message') return e.data?.usage || e.message.trim() === '' ? undefined : `executor: ${e.message}`;
      return `${e.kind === 'tool_call' ? 'tool' : e.kind === 'file_change' ? 'file' : e.kind === 'output' ? 'output' : 'result'}: ${e.message.split('\n')[0]}`;
    case 'verifier.gate': {
      const r = e.result;
      const first = r.failures[0];
      const why = r.passed
        ? ''
        : first
          ? ` — ${first.file ? `${first.file}${first.line ? `:${first.line}` : ''}: ` : ''}${first.message}`
          : '';
      return `gate ${r.name}: ${r.passed ? 'passed' : 'FAILED'} in ${seconds(r.durationMs)}${why}`;
    }
    case 'foundation.created':
      return `Foundation document created at ${e.path} (${e.version})`;
    case 'foundation.updated':
      return `Foundation ${e.path}: ${e.previousVersion ?? '(none)'} → ${e.version}`;
    case 'step.failed':
      return `step ${e.stepId} stopped: ${e.error.code}: ${e.error.message}`;
    case 'session.finished':
      return `session ${e.state}${e.error ? `: ${e.error.code}: ${e.error.message}` : ''}`;
    default:
      return undefined;
  }
}
