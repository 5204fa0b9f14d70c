import { describeSandboxConformance } from '@sessionhub/core/testing';
import { DirSandbox } from './support/dir-sandbox.js';

// The test double the executor tests run on must behave like a real Sandbox through the port.
describeSandboxConformance('DirSandbox (test support)', (workspace) => DirSandbox.over(workspace));
