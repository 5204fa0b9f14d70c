import type { Sandbox } from '../ports/sandbox.js';
import { type ConformanceOptions, registerCases } from './conformance/cases.js';
import { SANDBOX_CASES } from './conformance/sandbox-cases.js';
import { withSandboxCaseContext } from './conformance/sandbox-context.js';
import { RESOURCE_CASES } from './conformance/sandbox-resource-cases.js';

// `ConformanceOptions` is exported (once, for both suites) from store-conformance.ts.

/** Makes a sandbox over `workspaceDir`, an existing empty host directory; called once per case. */
export type SandboxFactory = (workspaceDir: string) => Promise<Sandbox>;

/** Names of every sandbox conformance case, for `options.skip`. */
export const SANDBOX_CONFORMANCE_CASES: readonly string[] = SANDBOX_CASES.map((c) => c.name);

/**
 * Names of the per-command resource cases (`ExecResult.resources`). The field is optional in the port: a
 * sandbox that does not measure its commands skips these by name, with its reason, in `options.skip`.
 */
export const SANDBOX_RESOURCE_CASES: readonly string[] = RESOURCE_CASES.map((c) => c.name);

/** Default per-case timeout: the process-tree cases wait a few seconds on purpose. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Registers the sandbox conformance suite with vitest: the behaviour every {@link Sandbox} adapter
 * must show, tested through the port (and the host workspace directory it exposes). Call it at the
 * top level of a test file.
 *
 * For each case the suite creates a temp directory holding `workspace/` (passed to `factory`) and
 * a sibling `outside/secret.txt` that nothing may reach, sets a canary variable in the host
 * `process.env` that commands must not see, and afterwards disposes the sandbox and removes the
 * directory. Commands used: `sh`, `printf`, `echo`, `cat`, `env`, `wc`, `head`, `tr`, `sleep`,
 * `mkdir`, `true`, `dd`, `perl` and `/dev/zero`. Skip a case only when it clearly cannot apply, by name with a reason.
 *
 * @example
 * describeSandboxConformance('process', (workspace) => provider.create({ workspace }));
 */
export function describeSandboxConformance(
  name: string,
  factory: SandboxFactory,
  options: ConformanceOptions = {},
): void {
  const withTimeout = { ...options, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  registerCases(`Sandbox conformance: ${name}`, SANDBOX_CASES, withTimeout, (testCase) =>
    withSandboxCaseContext(factory, (context) => testCase.run(context)),
  );
}
