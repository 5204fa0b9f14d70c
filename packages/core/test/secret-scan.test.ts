import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandVerifier, emptyUsage, scanText } from '@sessionhub/core';
import { sampleInstruction } from '@sessionhub/core/testing';
import { parseInstruction } from '@sessionhub/format';
import { describe, expect, it } from 'vitest';
import { DirSandboxProvider, tempDir } from './support/dir-sandbox.js';
import { fakeCredentials } from './support/secret-corpus.js';

const signal = new AbortController().signal;
const instruction = parseInstruction(sampleInstruction()).instruction!;
const corpus = fakeCredentials();
const byKind = (kind: string) => corpus.find((c) => c.kind === kind)!;

function input(changedFiles: string[]) {
  return {
    sessionId: 's',
    attempt: 0,
    instruction,
    text: '',
    report: { summary: '', changedFiles, usage: emptyUsage() },
  };
}

/** The value a corpus item leaks: the quoted value of its assignment, or the value of its `NAME=value` line. */
function leakedValue(text: string): string {
  return /= '([^']+)'/.exec(text)?.[1] ?? /^[A-Za-z_]+=(.+)$/m.exec(text.split('\n').slice(2).join('\n'))?.[1] ?? text;
}

describe('secret scan: recall on real-shaped fake credentials', () => {
  it('finds every credential of the corpus except the two shapes neither scanner knows', async () => {
    const missed: string[] = [];
    for (const item of corpus)
      if ((await scanText(item.text, { file: item.file })).length === 0) missed.push(item.kind);
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(missed).toEqual(['Twilio API key', 'Azure storage connection string']);
  });

  it('finds what secretlint alone misses: AWS key ids, EC and Ed25519 keys, Google keys, admin keys, assignments', async () => {
    for (const kind of [
      'AWS access key id',
      'EC private key (SEC1)',
      'Ed25519 private key (PKCS#8)',
      'Google API key',
      'Anthropic admin key',
      'Password assignment',
    ]) {
      const item = byKind(kind);
      expect(await scanText(item.text, { file: item.file }), kind).toHaveLength(1);
    }
  });

  it('reports the line a credential starts on, one failure per line, never quoting the value', async () => {
    const aws = byKind('AWS access key id');
    const failures = await scanText(aws.text, { file: aws.file });
    expect(failures).toEqual([{ file: aws.file, line: 3, message: 'possible AWSAccessKeyID (aws)' }]);
    const key = byKind('EC private key (SEC1)');
    const text = `# deploy notes\n\n${key.text}`;
    expect(await scanText(text)).toEqual([{ line: 3, message: 'possible PrivateKeyBody (sessionhub-extra)' }]);
    for (const item of corpus) {
      for (const f of await scanText(item.text, { file: item.file }))
        expect(f.message).not.toContain(leakedValue(item.text));
    }
  });
});

describe('secret scan: disable comments', () => {
  it('silences a line marked secretlint-disable-line, for the preset and the extra rule alike', async () => {
    const aws = leakedValue(byKind('AWS access key id').text);
    const password = leakedValue(byKind('Password assignment').text);
    const text = [
      `const id = '${aws}'; // secretlint-disable-line`,
      `const password = '${password}'; // secretlint-disable-line`,
      `const again = '${aws}';`,
      `const password2 = { password: '${password}' };`,
    ].join('\n');
    expect(await scanText(text)).toEqual([
      { line: 3, message: 'possible AWSAccessKeyID (aws)' },
      { line: 4, message: 'possible HardCodedCredential (sessionhub-extra)' },
    ]);
  });
});

describe('secret scan: false positives on ordinary code', () => {
  it('does not flag plain English, placeholders or ordinary code', async () => {
    const text = [
      'If the token expires, return to the login page and export the report.',
      'const password = form.get("password");',
      'apiKey: process.env.API_KEY,',
      'const sketch = "sk-short";',
      "const PEM_HEADER = '-----BEGIN RSA PRIVATE KEY-----';",
      '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----',
      'DATABASE_URL=postgres://localhost:5432/app',
    ].join('\n');
    expect(await scanText(text)).toEqual([]);
  });

  it("flags nothing in this repository's own package sources", async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const files: string[] = [];
    for (const pkg of await readdir(root)) {
      const src = join(root, pkg, 'src');
      const entries = await readdir(src, { recursive: true }).catch(() => [] as string[]);
      files.push(...entries.filter((e) => e.endsWith('.ts')).map((e) => join(src, e)));
    }
    expect(files.length).toBeGreaterThan(150);
    const flagged: string[] = [];
    for (const file of files) {
      const failures = await scanText(await readFile(file, 'utf8'), { file });
      flagged.push(...failures.map((f) => `${f.file}:${f.line}: ${f.message}`));
    }
    expect(flagged).toEqual([]);
  });
});

describe('secret-scan gate', () => {
  it('fails on changed files that hold credentials, by file and line, and skips deleted and untouched files', async () => {
    const sb = await new DirSandboxProvider().create({ workspace: await tempDir() });
    const github = byKind('GitHub classic token');
    const key = byKind('RSA private key (PKCS#1)');
    await sb.writeFile(github.file, github.text);
    await sb.writeFile(key.file, key.text);
    await sb.writeFile('notes.md', 'The api key is stored in the vault; never commit a token.\n');
    await sb.writeFile('untouched.ts', github.text);
    const verifier = new CommandVerifier({ gates: [] });
    const verdict = await verifier.verify(input([github.file, key.file, 'notes.md', 'deleted.txt']), sb, { signal });
    expect(verdict.passed).toBe(false);
    const gate = verdict.gates[0]!;
    expect(gate.name).toBe('secret-scan');
    expect(gate.failures).toEqual([
      { file: github.file, line: 3, message: 'possible GITHUB_TOKEN (github)' },
      { file: key.file, line: 1, message: 'possible PrivateKey (privatekey)' },
    ]);
    expect(gate.output).toContain('scanned 3 changed file(s): 2 possible secret(s)');
    expect(gate.output).not.toContain(leakedValue(github.text));
  });

  it('passes when the changed files hold no credential', async () => {
    const sb = await new DirSandboxProvider().create({ workspace: await tempDir() });
    await sb.writeFile('greeting.ts', 'export const greeting = (name: string) => "Hello, " + name;\n');
    const verdict = await new CommandVerifier({ gates: [] }).verify(input(['greeting.ts']), sb, { signal });
    expect(verdict.gates).toEqual([
      expect.objectContaining({
        name: 'secret-scan',
        passed: true,
        failures: [],
        output: 'scanned 1 changed file(s): no secrets found',
      }),
    ]);
  });
});
