import { CommandVerifier, emptyUsage, type ProtectedPaths } from '@sessionhub/core';
import { sampleInstruction } from '@sessionhub/core/testing';
import { parseInstruction } from '@sessionhub/format';
import { describe, expect, it } from 'vitest';
import { DirSandboxProvider, tempDir } from './support/dir-sandbox.js';

const instruction = parseInstruction(sampleInstruction()).instruction!;
const signal = new AbortController().signal;
const GIT = 'git -c user.email=t@example.invalid -c user.name=t -c init.defaultBranch=main';

/** A git repository whose test (`check.sh`) fails at the base commit; then the executor makes it pass. */
async function tamperedRepo() {
  const sandbox = await new DirSandboxProvider().create({ workspace: await tempDir() });
  const made = await sandbox.exec(
    `${GIT} init -q . && printf 'exit 1\\n' > check.sh && printf 'one\\n' > src.txt && ${GIT} add . && ${GIT} commit -qm base && ` +
      `printf 'exit 0\\n' > check.sh && printf 'two\\n' > src.txt && printf 'exit 0\\n' > extra.test.sh`,
  );
  expect(made.exitCode).toBe(0);
  return sandbox;
}

function verify(sandbox: Awaited<ReturnType<typeof tamperedRepo>>, protect: ProtectedPaths) {
  return new CommandVerifier({ gates: [{ name: 'tests', command: 'sh check.sh' }], secretScan: false, protect }).verify(
    {
      sessionId: 's',
      attempt: 0,
      instruction,
      text: sampleInstruction(),
      report: { summary: '', changedFiles: [], usage: emptyUsage() },
    },
    sandbox,
    { signal },
  );
}

describe('CommandVerifier protect: changes to what a gate runs are surfaced', () => {
  it("policy 'report' lists changed protected paths (not other files) in a passing protected-paths gate", async () => {
    const verdict = await verify(await tamperedRepo(), { paths: ['check.sh', '**/*.test.sh'] });
    expect(verdict.gates.map((g) => [g.name, g.passed])).toEqual([
      ['protected-paths', true],
      ['tests', true],
    ]);
    expect(verdict.gates[0]?.output).toContain('check.sh');
    expect(verdict.gates[0]?.output).toContain('extra.test.sh');
    expect(verdict.gates[0]?.output).not.toContain('src.txt');
  });

  it("policy 'fail' fails the verdict, naming each changed file", async () => {
    const verdict = await verify(await tamperedRepo(), { paths: ['check.sh'], policy: 'fail' });
    expect(verdict.passed).toBe(false);
    expect(verdict.gates[0]?.failures).toEqual([{ message: 'protected path changed', file: 'check.sh' }]);
  });

  it("policy 'base' runs the gates on the base versions and puts the executor's back", async () => {
    const sandbox = await tamperedRepo();
    const verdict = await verify(sandbox, { paths: ['check.sh', '**/*.test.sh'], policy: 'base' });
    expect(verdict.gates.map((g) => [g.name, g.passed])).toEqual([
      ['protected-paths', true],
      ['tests', false],
    ]);
    expect(await sandbox.readFile('check.sh')).toBe('exit 0\n');
    expect(await sandbox.readFile('extra.test.sh')).toBe('exit 0\n');
    expect(await sandbox.readFile('src.txt')).toBe('two\n');
  });

  it('fails the protected-paths gate when there is no repository to compare with', async () => {
    const sandbox = await new DirSandboxProvider().create({ workspace: await tempDir() });
    await sandbox.writeFile('check.sh', 'exit 0\n');
    const verdict = await verify(sandbox, { paths: ['check.sh'] });
    expect(verdict.passed).toBe(false);
    expect(verdict.gates[0]).toMatchObject({ name: 'protected-paths', passed: false });
  });
});
