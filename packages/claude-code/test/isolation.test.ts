import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '@sessionhub/core';
import { DockerSandboxProvider, isDockerAvailable } from '@sessionhub/sandbox-docker';
import { type FakeAnthropic, match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it } from 'vitest';
import { ClaudeCodeExecutor, claudeCodeMounts } from '../src/index.js';
import { executeInput, progressLog } from './support/fixtures.js';
import { createSandbox, held } from './support/sandbox.js';

// The key: the fake accepts only it, so every answered call proves the proxy added it; nothing inside may see it.
const KEY = 'sk-ant-isolation-canary-5d2e91';

/** A TCP listener on the host's 127.0.0.1 that counts connections: nothing in the sandbox may reach it. */
async function hostListener(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    accepted: () => accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The escape attempts Claude Code's Bash makes, one labelled line each, and then the work itself. */
function attempts(hostPort: number, fakePort: number, outside: string): string {
  // The key is assembled at run time, so that the command's own text (which Claude Code keeps in its
  // transcript under $HOME) does not contain it.
  const [head, tail] = [KEY.slice(0, 12), KEY.slice(12)];
  return [
    `k='${head}'; k="$k"'${tail}'`,
    `echo "ENV=$(env | grep -c "$k")"`,
    `echo "PROC=$(cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c "$k")"`,
    `echo "FILES=$(grep -rl "$k" /tmp /workspace /etc "$HOME" 2>/dev/null | wc -l)"`,
    // The proxy's socket, found the way any command could find it.
    'S=$(ls /workspace/.sessionhub-model-*.sock | head -n 1); [ -S "$S" ] && echo SOCKET=found',
    `echo "MODELS=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$S" http://localhost/v1/models)"`,
    `echo "COMPLETE=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$S" -X POST http://localhost/v1/complete -d '{}')"`,
    `echo "ABSOLUTE=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$S" --request-target http://127.0.0.1:${hostPort}/ http://localhost/)"`,
    `echo "CONNECT=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$S" -X CONNECT --request-target 127.0.0.1:${hostPort} http://localhost/)"`,
    `echo "LOOPBACK=$(curl -s -m 3 -o /dev/null -w '%{http_code}' http://127.0.0.1:${hostPort}/)"`,
    `echo "FAKE=$(curl -s -m 3 -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:${fakePort}/v1/messages)"`,
    `echo pwned > '${join(outside, 'pwned.txt')}' 2>/dev/null; echo pwned > /etc/pwned 2>/dev/null; echo "OUTSIDE=$?"`,
    'echo done > result.txt',
  ].join('; ');
}

/** The text of the tool result the fake received in request `i`. */
function toolResultSent(fake: FakeAnthropic, i: number): string {
  const messages =
    ((fake.requests[i]?.body ?? {}) as { messages?: { role: string; content: unknown }[] }).messages ?? [];
  return JSON.stringify(messages.at(-1)?.content ?? '');
}

async function isolatedRun(box: Sandbox): Promise<void> {
  const host = await hostListener();
  held({ close: host.close });
  const outside = await mkdtemp(join(tmpdir(), 'sessionhub-claude-outside-'));
  held({ close: () => rm(outside, { recursive: true, force: true }) });
  const fake = held(await startFakeAnthropic({ apiKey: KEY, script: [] }));
  const fakePort = Number(new URL(fake.url).port);
  fake.setScript([
    {
      match: match.lastUserContains('Session 1.1'),
      reply: reply.toolUse('Bash', { command: attempts(host.port, fakePort, outside) }),
    },
    { match: match.toolResult({ name: 'Bash', isError: false }), reply: reply.text('Done.') },
  ]);
  const log = progressLog();
  const report = await new ClaudeCodeExecutor({
    apiKey: KEY,
    baseURL: fake.url,
    permissionMode: 'bypassPermissions',
    maxRetries: 0,
  }).execute(executeInput(), box, { signal: AbortSignal.timeout(60_000), emit: log.emit });

  fake.assertDone();
  const seen = toolResultSent(fake, 1);
  const value = (name: string) => new RegExp(`${name}=(\\w*)`).exec(seen)?.[1];
  // The key is nowhere inside: not in the environment, not in any process's, not in a file.
  expect([value('ENV'), value('PROC'), value('FILES')], `the tool result sent: ${seen.slice(0, 2000)}`).toEqual([
    '0',
    '0',
    '0',
  ]);
  // The proxy refuses everything but Messages API requests, and forwards to its one upstream only.
  expect(value('SOCKET')).toBe('found');
  expect([value('MODELS'), value('COMPLETE'), value('ABSOLUTE')]).toEqual(['403', '403', '403']);
  expect(value('CONNECT')).not.toBe('200');
  // Without the proxy there is no network: neither the host listener nor the fake is reachable.
  expect([value('LOOPBACK'), value('FAKE')]).toEqual(['000', '000']);
  expect(host.accepted()).toBe(0);
  expect(existsSync(join(outside, 'pwned.txt'))).toBe(false);
  expect(value('OUTSIDE')).not.toBe('0');
  // The work itself is done.
  expect(await readFile(join(box.workspace, 'result.txt'), 'utf8')).toBe('done\n');
  expect(report.changedFiles).toEqual(['result.txt']);
  const proxy = log.events.find((e) => e.message.startsWith('model proxy:'));
  expect(proxy?.data).toMatchObject({ proxy: { requests: 2 } });
  const refused = (proxy?.data as { proxy?: { refused?: number } } | undefined)?.proxy?.refused ?? 0;
  expect(refused).toBeGreaterThanOrEqual(3);
  expect(JSON.stringify(log.events)).not.toContain(KEY);
}

const docker = await isDockerAvailable();

describe('Claude Code inside the sandbox: the key stays out, the proxy is the only way out', {
  timeout: 90_000,
}, () => {
  it('bubblewrap: Bash cannot read the key, reach past the proxy or write outside, and the work is done', async () => {
    await isolatedRun(await createSandbox());
  });

  it.skipIf(!docker)('docker: the same attempts, all blocked, and the work is done', async () => {
    const provider = new DockerSandboxProvider({ hostMounts: claudeCodeMounts(), defaults: { memoryMb: 2048 } });
    held({ close: () => provider.close() });
    const workspace = await mkdtemp(join(tmpdir(), 'sessionhub-claude-docker-'));
    held({ close: () => rm(workspace, { recursive: true, force: true }) });
    const box = await provider.create({ workspace });
    held({ close: () => box.dispose() });
    await isolatedRun(box);
  });
});
