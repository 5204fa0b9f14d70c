export { CommandVerifier, type CommandVerifierOptions, type GateCommand } from './command-verifier.js';
export { excerpt, parseFailures } from './failure-parsers.js';
export { EXTRA_SECRET_PATTERNS, scanText, secretScanGate } from './secret-scan.js';
