import type { ExecuteInput } from '@sessionhub/core';
import { executeInputOf, recordProgress } from '@sessionhub/core/testing';

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

/** The executor input for {@link INSTRUCTION_TEXT}. */
export function executeInput(attempt = 0): ExecuteInput {
  return executeInputOf(INSTRUCTION_TEXT, { attempt });
}

/** Collects progress events. */
export const progressLog = recordProgress;
