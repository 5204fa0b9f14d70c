export { CommandVerifier, type CommandVerifierOptions, type GateCommand } from './command-verifier.js';
export { EXTRA_SECRET_PATTERNS, type ExtraSecretPattern } from './extra-secret-rule.js';
export { excerpt, parseFailures } from './failure-parsers.js';
export { scanText, secretScanGate } from './secret-scan.js';
