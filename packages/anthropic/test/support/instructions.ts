/** A planner answer that keeps every boundary rule. */
export const GOOD_INSTRUCTION = `Session 1.1: Greeting Module
OBJECTIVES:
1. Visitors are greeted by name
REQUIREMENTS:
- The greeting mentions the name it was given
- An empty name gets a friendly generic greeting
FOUNDATION UPDATE:
- Update to version 1.1
- Add session to log
VALIDATION:
- The project's automated tests pass
- A greeting for Ada mentions Ada
COMPLEXITY: simple
COMMIT: 'Greet visitors by name'
`;

/** A planner answer that writes code: the linter's `no-code-block` rule refuses it. */
export const CODE_WRITING_INSTRUCTION = GOOD_INSTRUCTION.replace(
  'REQUIREMENTS:\n',
  'REQUIREMENTS:\n- Add this helper:\n\n```js\nexport const greet = (n) => "Hello, " + n;\n```\n\n',
);
