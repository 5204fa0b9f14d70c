import type { NewSessionEvent } from '../../model/events.js';
import type { GateResult, HostResources } from '../../model/report.js';
import type { Session, SessionInput, SessionState } from '../../model/session.js';
import type { FoundationVersion, Template } from '../../model/template.js';
import type { Usage } from '../../model/usage.js';
import type { Outcome } from '../../outcomes/outcome.js';

/** A fixed base instant so every seeded timestamp is deterministic. */
export const BASE_TIME = Date.UTC(2026, 2, 2, 9, 0, 0); // Monday 2026-03-02 09:00 UTC

/** The ISO time `minutes` after {@link BASE_TIME}. */
export function isoAt(minutes: number): string {
  return new Date(BASE_TIME + minutes * 60_000).toISOString();
}

/** The ISO time `days` days (and `hours`) after {@link BASE_TIME}. */
export function isoDay(days: number, hours = 0): string {
  return isoAt(days * 24 * 60 + hours * 60);
}

/** A usage with the given token counts and cost. */
export function usageOf(input: number, output: number, costUsd: number, cacheRead = 0, cacheWrite = 0): Usage {
  return {
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    costUsd,
  };
}

/** A complete session with no `undefined` fields. */
export function makeSession(id: string, overrides: Partial<Session> = {}): Session {
  return {
    id,
    state: 'created',
    input: { kind: 'request', request: `request for ${id}` },
    createdAt: isoAt(0),
    updatedAt: isoAt(0),
    tags: [],
    usage: usageOf(0, 0, 0),
    fixAttempts: 0,
    ...overrides,
  };
}

/** A complete template. */
export function makeTemplate(id: string, overrides: Partial<Template> = {}): Template {
  return {
    id,
    name: `template-${id}`,
    description: `description of ${id}`,
    text: 'Add an endpoint for {{resource}} that returns {{count}} items.',
    variables: [
      { name: 'resource', type: 'string', required: true, description: 'what to list' },
      { name: 'count', type: 'number', required: false, default: 10 },
      { name: 'dryRun', type: 'boolean', required: false, default: false },
    ],
    tags: ['api'],
    createdAt: isoAt(0),
    updatedAt: isoAt(0),
    ...overrides,
  };
}

/** A Foundation version. */
export function makeFoundationVersion(version: string, overrides: Partial<FoundationVersion> = {}): FoundationVersion {
  return {
    version,
    sessionId: 's-foundation',
    path: 'FOUNDATION.md',
    text: `# Foundation\n\nCurrent Version: ${version}\n`,
    at: isoAt(0),
    ...overrides,
  };
}

/** A gate result, with the host resources its command took when given. */
export function gate(name: string, passed: boolean, messages: string[] = [], resources?: HostResources): GateResult {
  return {
    name,
    passed,
    durationMs: 120,
    output: passed ? 'ok' : messages.join('\n'),
    failures: messages.map((message, i) => ({ message, file: `src/file${i}.ts`, line: i + 1 })),
    ...(resources ? { resources } : {}),
  };
}

/** Host resources of `commands` commands, the other figures derived from `n` (fractional CPU time). */
export function resourcesOf(commands: number, n: number): HostResources {
  return { commands, cpuMs: 37.25 * n, peakMemoryBytes: 1_048_576 * (n % 5) + 65_536 * n, bytesWritten: 4096 * n };
}

/** One event of every type, for round-trip checks. */
export function oneEventOfEachType(sessionId: string): NewSessionEvent[] {
  return [
    { type: 'session.created', sessionId, input: { kind: 'template', template: 'tpl', variables: { a: 1, b: 'x' } } },
    { type: 'state.changed', sessionId, from: 'created', to: 'planning' },
    { type: 'step.started', sessionId, stepId: 'plan:0', step: 'plan', attempt: 0 },
    {
      type: 'step.finished',
      sessionId,
      stepId: 'plan:0',
      step: 'plan',
      output: { text: 'plan', nested: [1, { b: null }] },
    },
    { type: 'step.failed', sessionId, stepId: 'execute:1', step: 'execute', error: { code: 'x.y', message: 'boom' } },
    {
      type: 'planner.reask',
      sessionId,
      attempt: 1,
      diagnostics: [{ code: 'boundary.code', severity: 'error', message: 'no code', line: 3, column: 7 }],
    },
    { type: 'instruction.accepted', sessionId, text: '# Instruction\n', version: '1.2', name: 'Do it', fix: false },
    { type: 'approval.requested', sessionId },
    { type: 'approval.resolved', sessionId, approved: true, reason: 'looks right' },
    { type: 'executor.progress', sessionId, kind: 'tool_call', message: 'edit', data: { path: 'a.ts', n: 2 } },
    { type: 'verifier.gate', sessionId, attempt: 0, result: gate('tests', false, ['Expected 1 to be 2']) },
    { type: 'usage.recorded', sessionId, phase: 'execution', usage: usageOf(100, 50, 0.25, 10, 5) },
    { type: 'foundation.updated', sessionId, version: '1.3', previousVersion: '1.2', path: 'FOUNDATION.md' },
    { type: 'session.finished', sessionId, state: 'failed', error: { code: 'verify.failed', message: 'gates failed' } },
    {
      type: 'outcome.recorded',
      sessionId,
      outcome: { kind: 'rating', value: 2, source: 'github', by: 'ana', note: 'close, not there', url: 'https://x/1' },
    },
  ];
}

/** A session of the analytics scenario and the events of its run. */
export interface ScenarioSession {
  session: Session;
  /** Batches appended in order; the suite waits a moment between batches so step durations differ. */
  batches: NewSessionEvent[][];
}

interface ScenarioSpec {
  id: string;
  day: number;
  hour: number;
  templateId?: string;
  state: SessionState;
  /** Gate runs per verification attempt. */
  gates?: GateResult[][];
  /** Ends with this error on `session.finished`. */
  error?: string;
  approve?: boolean;
  foundation?: boolean;
  tags?: string[];
  /** The first execute step is started twice, as after a resume. */
  resumed?: boolean;
  /** What it was started from (default: its template when it has one, else a free request). */
  kind?: 'issue' | 'request';
  /** The model of the planning call and, when different, of the execution calls (none: usage names no model). */
  models?: [planning: string, execution?: string];
  /** Outcomes recorded after the session ended, in order. */
  outcomes?: Outcome[];
  /** The execute reports and `tests` gate results carry host resources. */
  measured?: boolean;
  /** The planning call's model had no known price (`usage.costUnknown`). */
  unpriced?: boolean;
}

const SONNET = 'claude-sonnet-4-6';
const OPUS = 'claude-opus-4-1';
const GPT = 'gpt-5-mini';
const merged: Outcome = { kind: 'merged', source: 'github', url: 'https://github.com/o/r/pull/1' };
const rating = (value: number, by?: string): Outcome => ({
  kind: 'rating',
  value,
  source: 'github',
  ...(by ? { by } : {}),
});

const SPECS: ScenarioSpec[] = [
  {
    id: 'an-01',
    models: [SONNET],
    measured: true,
    outcomes: [merged, rating(5, 'ana'), rating(4, 'bo'), rating(3, 'ana')],
    day: 0,
    hour: 1,
    templateId: 'tpl-api',
    state: 'succeeded',
    gates: [[gate('tests', true), gate('lint', true)]],
    foundation: true,
  },
  {
    id: 'an-02',
    models: [SONNET, OPUS],
    measured: true,
    outcomes: [rating(1, 'ana')],
    day: 0,
    hour: 5,
    templateId: 'tpl-api',
    state: 'failed',
    gates: [
      [gate('tests', false, ['Expected 3 to equal 4 in /repo/src/a.test.ts']), gate('lint', true)],
      [
        gate('tests', false, ['Expected 10 to equal 2 in /repo/src/b.test.ts']),
        gate('types', false, ["Property 'x' does not exist on type 'Y'"]),
      ],
    ],
    error: 'Verification failed after 2 attempts',
  },
  {
    id: 'an-03',
    models: [GPT],
    outcomes: [{ kind: 'closed', source: 'github', by: 'maintainer' }],
    day: 1,
    hour: 2,
    templateId: 'tpl-docs',
    state: 'succeeded',
    approve: true,
    gates: [[gate('tests', true)]],
  },
  { id: 'an-04', kind: 'issue', day: 1, hour: 8, state: 'cancelled', error: 'Session cancelled by user 42' },
  {
    id: 'an-05',
    unpriced: true,
    models: [OPUS],
    measured: true,
    day: 2,
    hour: 3,
    templateId: 'tpl-fix',
    state: 'failed',
    gates: [
      [
        gate('lint', false, ['Unexpected any at line 12', 'Unexpected any at line 40']),
        gate('secrets', false, ['Secret found: "AKIA1234"']),
      ],
    ],
    error: 'Verification failed after 3 attempts',
  },
  {
    id: 'an-06',
    models: [SONNET, OPUS],
    measured: true,
    outcomes: [merged, rating(2), { kind: 'reverted', source: 'github', note: 'broke prod' }, rating(1)],
    day: 3,
    hour: 0,
    templateId: 'tpl-api',
    state: 'succeeded',
    approve: true,
    foundation: true,
    resumed: true,
    gates: [[gate('tests', true), gate('types', true)]],
  },
  { id: 'an-07', models: [GPT], day: 6, hour: 14, templateId: 'tpl-docs', state: 'executing', tags: ['docs'] },
  {
    id: 'an-08',
    models: [GPT],
    kind: 'issue',
    measured: true,
    outcomes: [{ kind: 'rolled_back', source: 'deploy' }, merged, rating(4, 'cy')],
    day: 7,
    hour: 0,
    templateId: 'tpl-fix',
    state: 'succeeded',
    gates: [[gate('tests', false, ['Timeout of 5000ms exceeded in ./test/slow.test.ts'])], [gate('tests', true)]],
  },
  {
    id: 'an-09',
    kind: 'issue',
    models: [SONNET],
    day: 9,
    hour: 12,
    state: 'failed',
    error: 'Provider error 529: overloaded (request id 0x7f3a9c)',
  },
  { id: 'an-10', day: 13, hour: 4, templateId: 'tpl-api', state: 'created' },
  {
    id: 'an-11',
    kind: 'request',
    measured: true,
    outcomes: [{ kind: 'closed', source: 'github' }],
    day: 30,
    hour: 6,
    templateId: 'tpl-api',
    state: 'failed',
    gates: [
      [
        gate('types', false, ["Property 'z' does not exist on type 'Q'"]),
        gate('lint', false, ['Unexpected any at line 7']),
      ],
    ],
    error: 'Verification failed after 1 attempts',
  },
  {
    id: 'an-12',
    models: [OPUS, SONNET],
    outcomes: [rating(5, 'cy'), { kind: 'merged', source: 'github' }],
    day: 31,
    hour: 1,
    templateId: 'tpl-docs',
    state: 'succeeded',
    gates: [[gate('tests', true)]],
  },
];

/** A usage naming `model`, or the usage as it is without one. */
function withModel(usage: Usage, model: string | undefined): Usage {
  return model ? { ...usage, model } : usage;
}

/**
 * A rich deterministic analytics scenario: three templates and sessions without one, every
 * terminal state plus running ones, two months of days, gates failing in several ways with
 * messages that share signatures, every phase, and usage with fractional costs; every request kind, one or
 * two models a session (or none), pull-request outcomes that replace each other (merged then reverted),
 * ratings that replace a rater's earlier one and anonymous ones, and host resources of executions and gates.
 */
export function analyticsScenario(): ScenarioSession[] {
  return SPECS.map((spec, index) => {
    const sessionId = spec.id;
    const at = isoDay(spec.day, spec.hour);
    const input: SessionInput =
      spec.kind === 'issue'
        ? {
            kind: 'issue',
            issue: {
              host: 'github',
              repo: 'o/r',
              number: index + 1,
              title: `Issue ${index + 1}`,
              body: '',
              labels: [],
            },
          }
        : spec.templateId && spec.kind !== 'request'
          ? { kind: 'template', template: spec.templateId, variables: { n: index + 1 } }
          : { kind: 'request', request: `request for ${sessionId}` };
    const session = makeSession(sessionId, {
      state: spec.state,
      input,
      createdAt: at,
      updatedAt: at,
      name: `Scenario session ${index + 1}`,
      instruction: `Scenario instruction number ${index + 1}`,
      tags: spec.tags ?? [],
      ...(spec.templateId ? { templateId: spec.templateId } : {}),
      ...(spec.error ? { error: { code: 'scenario.error', message: spec.error } } : {}),
    });
    const batches: NewSessionEvent[][] = [];
    const push = (...events: NewSessionEvent[]) => batches.push(events);
    const n = index + 1;
    push(
      { type: 'session.created', sessionId, input: session.input },
      { type: 'state.changed', sessionId, from: 'created', to: 'planning' },
    );
    push({ type: 'step.started', sessionId, stepId: 'plan:0', step: 'plan', attempt: 0 });
    push(
      { type: 'step.finished', sessionId, stepId: 'plan:0', step: 'plan', output: { n } },
      {
        type: 'usage.recorded',
        sessionId,
        phase: 'planning',
        usage: withModel(
          // A model without a known price (as for an-05's): its cost is counted as 0 and flagged.
          { ...usageOf(1000 + n * 10, 200 + n, 0.01 * n, 50 * n, 7), ...(spec.unpriced ? { costUnknown: true } : {}) },
          spec.models?.[0],
        ),
      },
    );
    if (spec.approve) {
      push(
        { type: 'step.started', sessionId, stepId: 'approve:0', step: 'approve', attempt: 0 },
        { type: 'approval.requested', sessionId },
      );
      push(
        { type: 'approval.resolved', sessionId, approved: true },
        { type: 'step.finished', sessionId, stepId: 'approve:0', step: 'approve', output: null },
      );
    }
    const attempts = spec.gates ?? [];
    if (spec.state === 'executing') {
      // Still running: an execute step started but never finished does not count.
      push({ type: 'step.started', sessionId, stepId: 'execute:0', step: 'execute', attempt: 0 });
    }
    attempts.forEach((gates, attempt) => {
      if (spec.resumed && attempt === 0) {
        // A crash after the step started: the resumed engine starts it again under the same id.
        push({ type: 'step.started', sessionId, stepId: 'execute:0', step: 'execute', attempt });
      }
      push({ type: 'step.started', sessionId, stepId: `execute:${attempt}`, step: 'execute', attempt });
      push(
        { type: 'executor.progress', sessionId, kind: 'file_change', message: `changed file ${attempt}` },
        {
          type: 'step.finished',
          sessionId,
          stepId: `execute:${attempt}`,
          step: 'execute',
          output: spec.measured ? { attempt, resources: resourcesOf(3 + attempt, n + attempt) } : { attempt },
        },
        {
          type: 'usage.recorded',
          sessionId,
          phase: 'execution',
          usage: withModel(
            usageOf(5000 + n * 100, 900 + attempt, 0.1 + 0.07 * n, 300, 40 + attempt),
            spec.models?.[1] ?? spec.models?.[0],
          ),
        },
      );
      push({ type: 'step.started', sessionId, stepId: `verify:${attempt}`, step: 'verify', attempt });
      const measuredGate = (result: GateResult): GateResult =>
        spec.measured && result.name === 'tests' ? { ...result, resources: resourcesOf(1, n * 2 + attempt) } : result;
      push(
        ...gates.map(
          (result): NewSessionEvent => ({ type: 'verifier.gate', sessionId, attempt, result: measuredGate(result) }),
        ),
        {
          type: 'step.finished',
          sessionId,
          stepId: `verify:${attempt}`,
          step: 'verify',
          output: { passed: gates.every((g) => g.passed) },
        },
      );
    });
    if (spec.foundation) {
      push({ type: 'step.started', sessionId, stepId: 'foundation:0', step: 'foundation', attempt: 0 });
      push(
        {
          type: 'foundation.updated',
          sessionId,
          version: `1.${n}`,
          previousVersion: `1.${n - 1}`,
          path: 'FOUNDATION.md',
        },
        { type: 'step.finished', sessionId, stepId: 'foundation:0', step: 'foundation', output: { version: `1.${n}` } },
        { type: 'usage.recorded', sessionId, phase: 'foundation', usage: usageOf(300, 20, 0.003) },
      );
    }
    if (spec.state === 'succeeded' || spec.state === 'failed' || spec.state === 'cancelled') {
      push({
        type: 'session.finished',
        sessionId,
        state: spec.state,
        ...(spec.error ? { error: { code: 'scenario.error', message: spec.error } } : {}),
      });
    }
    for (const outcome of spec.outcomes ?? []) push({ type: 'outcome.recorded', sessionId, outcome });
    return { session, batches };
  });
}
