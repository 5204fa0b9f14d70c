export {
  CommandVerifier,
  type CommandVerifierOptions,
  type GateCommand,
} from './command-verifier.js';
export { EXTRA_SECRET_PATTERNS, type ExtraSecretPattern } from './extra-secret-rule.js';
export { excerpt, parseFailures } from './failure-parsers.js';
export { PROTECTED_PATHS_GATE, type ProtectedPaths } from './protected-paths.js';
export { scanText, secretScanGate } from './secret-scan.js';
