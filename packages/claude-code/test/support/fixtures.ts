import type { ExecuteInput, ExecutorProgress } from '@sessionhub/core';
import type { Instruction } from '@sessionhub/format';

/** An instruction text in the canonical layout, for executor tests. */
export const INSTRUCTION_TEXT = `Session 1.1: Greeting File

OBJECTIVES:
- Provide a greeting file for visitors

REQUIREMENTS:
- The greeting file says hello

FOUNDATION UPDATE:
- Update to version 1.1
- Add this session to the session log

VALIDATION:
- hello.txt exists and says hello
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
  name: 'Greeting File',
  kind: 'standard',
  objectives: [{ text: 'Provide a greeting file for visitors', children: [] }],
  requirements: [{ text: 'The greeting file says hello', children: [] }],
  foundationUpdate: { addToLog: true, items: [] },
  validation: [{ text: 'hello.txt exists and says hello', children: [] }],
  successCriteria: [],
  notIncluded: [],
  extraSections: [],
};

/** The executor input for {@link INSTRUCTION_TEXT}. */
export function executeInput(attempt = 0): ExecuteInput {
  return { sessionId: 'ses_test', attempt, instruction: INSTRUCTION, text: INSTRUCTION_TEXT };
}

/** Collects progress events, calling `onEvent` for each. */
export function progressLog(onEvent?: (p: ExecutorProgress) => void): {
  events: ExecutorProgress[];
  emit: (p: ExecutorProgress) => void;
} {
  const events: ExecutorProgress[] = [];
  return {
    events,
    emit: (p) => {
      events.push(p);
      onEvent?.(p);
    },
  };
}
