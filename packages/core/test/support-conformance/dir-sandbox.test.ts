import { describeSandboxConformance } from '../../src/testing/sandbox-conformance.js';
import { DirSandbox } from '../support/dir-sandbox.js';

// Checks the sandbox conformance suite itself against a small real (but unisolated) sandbox.
describeSandboxConformance('directory (suite self-check)', (workspace) => DirSandbox.create(workspace));
