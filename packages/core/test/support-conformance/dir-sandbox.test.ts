import { describeSandboxConformance, SANDBOX_RESOURCE_CASES } from '../../src/testing/sandbox-conformance.js';
import { DirSandbox } from '../support/dir-sandbox.js';

// The directory sandbox runs commands without the measuring runner, so it reports no resources.
const unmeasured = Object.fromEntries(
  SANDBOX_RESOURCE_CASES.map((name) => [name, 'the directory sandbox does not measure its commands']),
);

// Checks the sandbox conformance suite itself against a small real (but unisolated) sandbox.
describeSandboxConformance('directory (suite self-check)', (workspace) => DirSandbox.create(workspace), {
  skip: unmeasured,
});
