import { describeEscapeSuite } from '@sessionhub/core/testing';
import { afterAll } from 'vitest';
import { bubblewrapProvider } from './support/sandbox.js';
import { directSandbox, throughClaudeCodeTools } from './support/tool-sandbox.js';

const provider = bubblewrapProvider();
afterAll(() => provider.close());

// Every attempt's commands run through Claude Code's Bash tool, inside the bubblewrap sandbox. Claude Code
// itself needs more room than the default contract: its threads count against pids, its memory against memoryMb.
// The verifier's gates are the verifier's commands, not Claude Code's: they run in the sandbox directly.
describeEscapeSuite(
  'claude-code tools (bubblewrap)',
  async (workspace, contract) =>
    throughClaudeCodeTools(await provider.create({ workspace, limits: contract.limits, network: contract.network })),
  { contract: { pids: 256, memoryMb: 512 }, timeoutMs: 180_000, unwrap: directSandbox },
);
