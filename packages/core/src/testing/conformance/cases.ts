import { describe, it } from 'vitest';

/** One named conformance case. */
export interface ConformanceCase<C> {
  /** Section it belongs to, e.g. `events`. */
  group: string;
  /** Stable name, used to skip it. */
  name: string;
  run(context: C): Promise<void>;
}

/** Options every conformance suite takes. */
export interface ConformanceOptions {
  /**
   * Cases that clearly do not apply to the adapter, by case name, each with the reason shown in
   * the test report. Unknown names throw, so a typo never skips silently.
   */
  skip?: Record<string, string>;
  /** Per-case timeout in milliseconds. */
  timeoutMs?: number;
}

/**
 * Registers cases as vitest tests grouped by section; `runCase` provides each one's fresh context, and is
 * handed `skip` to mark the running case skipped (with a note in the report) from inside it.
 */
export function registerCases<C>(
  suiteName: string,
  cases: readonly ConformanceCase<C>[],
  options: ConformanceOptions,
  runCase: (testCase: ConformanceCase<C>, skip: (note: string) => never) => Promise<void>,
): void {
  const skip = options.skip ?? {};
  const known = new Set(cases.map((c) => c.name));
  const unknown = Object.keys(skip).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`${suiteName}: cannot skip unknown conformance cases: ${unknown.map((n) => `"${n}"`).join(', ')}`);
  }
  describe(suiteName, () => {
    const groups = [...new Set(cases.map((c) => c.group))];
    for (const group of groups) {
      describe(group, () => {
        for (const testCase of cases.filter((c) => c.group === group)) {
          const reason = skip[testCase.name];
          if (reason !== undefined) it.skip(`${testCase.name} [skipped by adapter: ${reason}]`, () => {});
          else
            it(
              testCase.name,
              // A case that finds the adapter without an optional capability it tests skips itself, with a note.
              (ctx) => runCase(testCase, (note) => ctx.skip(note) as never),
              options.timeoutMs,
            );
        }
      });
    }
  });
}
