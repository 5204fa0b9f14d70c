import type { ExecuteInput, ExecutorProgress } from '@sessionhub/core';
import type { Instruction } from '@sessionhub/format';

/** An instruction text in the canonical layout, for executor tests. */
export const INSTRUCTION_TEXT = `Session 1.1: Greeting Module

OBJECTIVES:
- Provide a greeting for a given name

REQUIREMENTS:
- The greeting mentions the name it was given

FOUNDATION UPDATE:
- Update to version 1.1
- Add this session to the session log

VALIDATION:
- The project's tests pass
`;

/** A hand-built instruction matching {@link INSTRUCTION_TEXT} (the executor only reads `text`). */
export const INSTRUCTION: Instruction = {
  version: {
    text: '1.1',
    parts: [
      { number: 1, letter: '' },
      { number: 1, letter: '' },
    ],
  },
  name: 'Greeting Module',
  kind: 'standard',
  objectives: [{ text: 'Provide a greeting for a given name', children: [] }],
  requirements: [{ text: 'The greeting mentions the name it was given', children: [] }],
  foundationUpdate: { addToLog: true, items: [] },
  validation: [{ text: "The project's tests pass", children: [] }],
  successCriteria: [],
  notIncluded: [],
  extraSections: [],
};

/** The executor input for {@link INSTRUCTION_TEXT}. */
export function executeInput(attempt = 0): ExecuteInput {
  return { sessionId: 'ses_test', attempt, instruction: INSTRUCTION, text: INSTRUCTION_TEXT };
}

/** Collects progress events. */
export function progressLog(): { events: ExecutorProgress[]; emit: (p: ExecutorProgress) => void } {
  const events: ExecutorProgress[] = [];
  return { events, emit: (p) => events.push(p) };
}
