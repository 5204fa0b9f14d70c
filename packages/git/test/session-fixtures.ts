import type { Session, Verdict } from '@sessionhub/core';

/** A session record as the engine holds it. */
export function sessionOf(id: string, over: Partial<Session> = {}): Session {
  const now = new Date(0).toISOString();
  return {
    id,
    state: 'executing',
    input: { kind: 'request', request: 'do it' },
    createdAt: now,
    updatedAt: now,
    tags: [],
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
    fixAttempts: 0,
    version: '1.1',
    name: 'Add pagination',
    ...over,
  } as Session;
}

/** A passing verdict of two gates. */
export const PASSED: Verdict = {
  passed: true,
  gates: [
    { name: 'typecheck', passed: true, durationMs: 1, output: '', failures: [] },
    { name: 'test', passed: true, durationMs: 1, output: '', failures: [] },
  ],
};

/** A failing verdict. */
export const FAILED: Verdict = {
  passed: false,
  gates: [{ name: 'test', passed: false, durationMs: 1, output: 'FAIL', failures: [{ message: 'x' }] }],
};

/** An instruction text as a planner writes it. */
export const INSTRUCTION = `Session 1.1: Add pagination

OBJECTIVES:
- List endpoints return pages of at most 50 items
- Clients can ask for the next page

REQUIREMENTS:
- Existing clients keep working

FOUNDATION UPDATE:
- Version 1.1 with a session log entry

VALIDATION:
- The test suite passes
`;
