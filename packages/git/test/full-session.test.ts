import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnthropicExecutor, AnthropicPlanner } from '@sessionhub/anthropic';
import { CommandVerifier, createSessionHub, MemoryStore, type SessionEvent, type Verifier } from '@sessionhub/core';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { match, reply, type Script, startFakeAnthropic } from '@sessionhub/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createGitWorkspaces, type GitWorkspaces } from '../src/index.js';
import { git, makeRepo, signal, tempDirs } from './helpers.js';

/**
 * One whole createSessionHub session on a git workspace: the real engine, the real Anthropic
 * planner and executor over HTTP to the loopback fake, a CommandVerifier in a real process sandbox,
 * and `workspaces.resolver` as the engine's `workspace`. The engine does not call the
 * WorkspaceProvider port yet (docs/git.md says where it will): until then the verifier below makes the
 * call the engine's `commit:<n>` step will make, at the same point (after a passing verdict, before
 * the Foundation step), and the test makes the Foundation commit and `close` from the engine's log.
 */

const tmp = tempDirs();
const provider = new ProcessSandboxProvider({ allowUnisolated: true });
afterAll(() => provider.close());

const REQUEST = 'Greet visitors by name';
const FOUNDATION =
  '# Greeter Foundation\n\nCurrent Version: 1.0\n\n## Session Log\n- 1.0 (2026-01-01) Project Setup: completed. Created the project.\n';
const CHECK =
  "import { greet } from './greet.mjs';\nif (!greet('Ada').includes('Ada')) process.exit(1);\nconsole.log('ok');\n";
const INSTRUCTION = `Session 1.1: Greeting Module
OBJECTIVES:
1. Visitors are greeted by name
REQUIREMENTS:
- The greeting starts with Hello and mentions the name it was given
FOUNDATION UPDATE:
- Update to version 1.1
- Add session to log
VALIDATION:
- The project's check passes
NOT INCLUDED:
- Greetings in other languages
`;

const planner = match.systemContains('You are the Planner');
const executor = match.hasTools('list_files', 'write_file', 'run_command');
const conversation: Script = [
  { name: 'plan', match: [planner, match.lastUserContains(REQUEST)], reply: reply.text(INSTRUCTION) },
  {
    name: 'write',
    match: [executor, match.lastUserContains('Session 1.1: Greeting Module')],
    reply: reply.toolUse('run_command', {
      command: `printf '%s\\n' 'export const greet = (n) => "Hello, " + n + "!";' > greet.mjs`,
    }),
  },
  {
    name: 'report',
    match: [executor, match.toolResult({ name: 'run_command', isError: false })],
    reply: reply.text('Added greet.mjs.'),
  },
];

/** A verifier that commits after a passing verdict, as the engine's `commit:<n>` step will. */
function committing(inner: Verifier, workspaces: GitWorkspaces, store: MemoryStore, shas: string[]): Verifier {
  return {
    specificationVersion: 1,
    name: `${inner.name}+git`,
    async verify(input, sandbox, opts) {
      const verdict = await inner.verify(input, sandbox, opts);
      if (verdict.passed) {
        const session = await store.getSession(input.sessionId);
        if (session === undefined) throw new Error(`session ${input.sessionId} is not in the store`);
        const commit = await workspaces.commitVerified(
          session,
          { instructionText: input.text, verdict, attempt: input.attempt },
          { signal: opts.signal },
        );
        if (commit.sha) shas.push(commit.sha);
      }
      return verdict;
    },
  };
}

describe('a full createSessionHub session on a git worktree', () => {
  it('ends with the session branch holding the work commit and then the Foundation commit', async () => {
    const root = tmp();
    const repo = makeRepo(root, { 'FOUNDATION.md': FOUNDATION, 'check.mjs': CHECK });
    const workspaces = await createGitWorkspaces({ repository: repo, workspacesDir: join(root, 'ws') });
    const fake = await startFakeAnthropic({ script: conversation });
    const store = new MemoryStore();
    const shas: string[] = [];
    try {
      const model = { apiKey: 'sk-ant-git-test', baseURL: fake.url, maxRetries: 0 };
      const hub = createSessionHub({
        planner: new AnthropicPlanner(model),
        executor: new AnthropicExecutor(model),
        verifier: committing(
          new CommandVerifier({ gates: [{ name: 'check', command: 'node check.mjs', timeoutMs: 30_000 }] }),
          workspaces,
          store,
          shas,
        ),
        store,
        sandbox: provider,
        workspace: workspaces.resolver,
        policy: { maxFixAttempts: 0 },
      });
      const handle = await hub.run({ request: REQUEST });
      const result = await handle.result;
      expect(result.error).toBeUndefined();
      expect(result.session.state).toBe('succeeded');
      const dir = workspaces.dirOf(result.session.id);
      expect(readFileSync(join(dir, 'FOUNDATION.md'), 'utf8')).toContain('Current Version: 1.1');

      // The engine's part after its Foundation step: commit the document from the step's logged output, then close.
      const events: SessionEvent[] = await store.readEvents(result.session.id);
      const foundation = events.find((e) => e.type === 'step.finished' && e.stepId === 'foundation:0');
      const output = (foundation as { output: { version: string; previousVersion?: string; path: string } }).output;
      const fcommit = await workspaces.commitFoundation(result.session, output, { signal: signal() });
      await workspaces.close(result.session, { outcome: 'succeeded' }, { signal: signal() });

      const branch = (await workspaces.findBranch(result.session.id, { signal: signal() })) as string;
      expect(branch).toMatch(/^sessionhub\/1\.1-greeting-module-[0-9a-f]{10}$/);
      expect(git(repo, 'log', '--format=%s', `main..${branch}`).split('\n')).toEqual([
        'Foundation 1.1: update FOUNDATION.md',
        'Session 1.1: Greeting Module',
      ]);
      expect(git(repo, 'rev-parse', `${branch}~1`)).toBe(shas[0]);
      expect(git(repo, 'rev-parse', branch)).toBe(fcommit.sha);
      expect(git(repo, 'show', '--name-only', '--format=', `${branch}~1`)).toBe('greet.mjs');
      expect(git(repo, 'show', '--name-only', '--format=', branch)).toBe('FOUNDATION.md');
      expect(git(repo, 'log', '-1', '--format=%B', `${branch}~1`)).toContain(
        `SessionHub-Session: ${result.session.id}`,
      );
      // The user's checkout is untouched; the worktree is gone.
      expect(git(repo, 'status', '--porcelain')).toBe('');
      expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });
});
