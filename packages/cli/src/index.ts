/**
 * `sessionhub`: the command line of SessionHub, and the wiring it runs on, for apps that embed SessionHub with
 * the same defaults in one call ({@link createDefaultHub}), and the record/replay cassettes.
 *
 * @see docs/cli.md
 * @packageDocumentation
 */
export type { Cassette, CassetteExchange, RequestKey } from './cassette/format.js';
export { normalizeText, requestKey } from './cassette/format.js';
export { CassetteRecorder } from './cassette/recorder.js';
export { type Divergence, type Replay, readCassette, startReplay } from './cassette/replay.js';
export { CliError } from './cli-error.js';
export { CONFIG_DIR, CONFIG_FILES, type LoadedConfig, loadConfig, parseConfig } from './config/load-config.js';
export { configSchema, type GateConfig, gateSchema, type SessionHubConfig } from './config/schema.js';
export {
  type ChooseSandboxOptions,
  chooseSandbox,
  SANDBOX_IMAGE,
  type SandboxChoice,
  type SandboxKind,
} from './defaults/choose-sandbox.js';
export {
  createDefaultHub,
  DEFAULT_STORE_PATH,
  type DefaultHub,
  type DefaultHubOptions,
} from './defaults/create-default-hub.js';
export { DEFAULT_GATE_TIMEOUT_MS, detectGates, GATE_SCRIPTS } from './defaults/detect-gates.js';
export { commitsOf, type GitRecord } from './defaults/git-record.js';
export { EXIT, type ExitCode } from './exit-codes.js';
