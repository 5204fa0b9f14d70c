import type { ExecuteInput } from '@sessionhub/core';
import { executeInputOf, recordProgress } from '@sessionhub/core/testing';

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

/** The executor input for {@link INSTRUCTION_TEXT}. */
export function executeInput(attempt = 0): ExecuteInput {
  return executeInputOf(INSTRUCTION_TEXT, { attempt });
}

/** Collects progress events. */
export const progressLog = recordProgress;
