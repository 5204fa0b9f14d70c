import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as testing from '@sessionhub/core/testing';
import * as doubles from '@sessionhub/core/testing/doubles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Builds core (and format, its one workspace dependency) into a temp app outside the repository,
// with only the runtime dependencies resolvable (vitest is not), and loads the built entries there
// in a plain Node child process: the way an app installing the package would.
const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DOUBLES = ['ScriptedPlanner', 'ScriptedExecutor', 'ScriptedVerifier', 'sampleInstruction', 'executeInputOf'];

let app = '';
/** Core's runtime dependencies other than @sessionhub/format (which the test builds): linked from the repository. */
let runtimeDeps: string[] = [];
const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec);

async function buildInto(pkg: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  const manifest = await readFile(join(root, 'packages', pkg, 'package.json'), 'utf8');
  await writeFile(join(target, 'package.json'), manifest);
  const tsup = join(root, 'node_modules', '.bin', 'tsup');
  await run(tsup, ['--out-dir', join(target, 'dist'), '--no-dts', '--no-sourcemap', '--silent'], {
    cwd: join(root, 'packages', pkg),
  });
}

/** Runs `code` with plain Node (no source condition) in the temp app; returns stdout. */
async function node(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, args, { cwd: app, env: { PATH: process.env.PATH ?? '' } });
  return stdout.trim();
}

/** Every bare module specifier the built file `entry` reaches through relative imports. */
async function bareImportsOf(entry: string): Promise<Set<string>> {
  const bare = new Set<string>();
  const seen = new Set<string>();
  const queue = [entry];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, spec] of (await readFile(file, 'utf8')).matchAll(pattern)) {
      if (spec?.startsWith('.')) queue.push(resolve(dirname(file), spec));
      else if (spec) bare.add(spec);
    }
  }
  return bare;
}

beforeAll(async () => {
  app = await mkdtemp(join(tmpdir(), 'sessionhub-core-entries-'));
  const modules = join(app, 'node_modules');
  await mkdir(join(modules, '@sessionhub'), { recursive: true });
  const manifest = JSON.parse(await readFile(join(root, 'packages', 'core', 'package.json'), 'utf8'));
  runtimeDeps = Object.keys(manifest.dependencies).filter((dep) => dep !== '@sessionhub/format');
  for (const dep of runtimeDeps) {
    await mkdir(dirname(join(modules, dep)), { recursive: true });
    await symlink(join(root, 'node_modules', dep), join(modules, dep), 'dir');
  }
  await buildInto('format', join(modules, '@sessionhub', 'format'));
  await buildInto('core', join(modules, '@sessionhub', 'core'));
}, 120_000);

afterAll(async () => {
  if (app) await rm(app, { recursive: true, force: true });
});

describe('@sessionhub/core/testing/doubles: plain doubles without a test runner', () => {
  it('is not resolvable to vitest in the temp app (the premise of the checks below)', async () => {
    const out = await node([
      '-e',
      'try { require.resolve("vitest"); console.log("found") } catch { console.log("missing") }',
    ]);
    expect(out).toBe('missing');
  });

  it('loads with require() from CommonJS and runs a scripted planner', async () => {
    const script = `
      const d = require('@sessionhub/core/testing/doubles');
      const planner = new d.ScriptedPlanner();
      planner.plan({ request: 'greet', nextVersion: '2.4' }, { signal: new AbortController().signal })
        .then((r) => console.log(JSON.stringify({ exports: Object.keys(d), first: r.text.split('\\n')[0] })));`;
    const out = JSON.parse(await node(['-e', script]));
    expect(out.exports).toEqual(expect.arrayContaining(DOUBLES));
    expect(out.first).toBe('Session 2.4: Friendly Greeting');
  });

  it('loads with import from ESM', async () => {
    const script = `
      import { executeInputOf, sampleInstruction } from '@sessionhub/core/testing/doubles';
      console.log(executeInputOf(sampleInstruction({ version: '3.1' })).instruction.version.text);`;
    expect(await node(['--input-type=module', '-e', script])).toBe('3.1');
  });

  it('reaches no test runner in its built graph, ESM or CJS', async () => {
    const dist = join(app, 'node_modules', '@sessionhub', 'core', 'dist', 'testing');
    for (const entry of ['doubles.js', 'doubles.cjs']) {
      const bare = [...(await bareImportsOf(join(dist, entry)))].filter((s) => !isBuiltin(s));
      expect(
        bare.every((s) => ['@sessionhub/format', ...runtimeDeps].includes(s)),
        `${entry}: ${bare}`,
      ).toBe(true);
    }
  });

  it('is what the suites entry re-exports, while only the suites entry imports vitest', async () => {
    const dist = join(app, 'node_modules', '@sessionhub', 'core', 'dist');
    expect([...(await bareImportsOf(join(dist, 'testing.js')))]).toContain('vitest');
  });
});

describe('@sessionhub/core/testing: the suites, plus every double', () => {
  it('keeps exporting the doubles (the same objects) next to the describe* suites', () => {
    expect(testing.ScriptedPlanner).toBe(doubles.ScriptedPlanner);
    expect(testing.ScriptedExecutor).toBe(doubles.ScriptedExecutor);
    expect(testing.ScriptedVerifier).toBe(doubles.ScriptedVerifier);
    expect(testing.sampleInstruction).toBe(doubles.sampleInstruction);
    expect(testing.executeInputOf).toBe(doubles.executeInputOf);
    expect(testing.sessionOf).toBe(doubles.sessionOf);
    expect(typeof testing.describeStoreConformance).toBe('function');
    expect(typeof testing.describeSandboxConformance).toBe('function');
    expect(typeof testing.describeEscapeSuite).toBe('function');
  });
});
