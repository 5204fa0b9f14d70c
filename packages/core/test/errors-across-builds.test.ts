/**
 * Error identity across two copies of the packages: an app that loads both the ESM and the CJS build of
 * `@sessionhub/format` and `@sessionhub/core` gets two copies of every error class. `instanceof` fails
 * across them; `isInstance` must not. Builds both packages with their own tsup config into a temporary
 * `node_modules` (the checkout's `dist/` is left alone), then checks in a plain Node process that loads them
 * through their `exports` maps, exactly as an installed app would.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const tsup = join(root, 'node_modules/tsup/dist/cli-default.js');

/** One error built by one copy, checked against every error class of both copies. */
interface Check {
  from: 'esm' | 'cjs';
  thrown: string;
  name: string;
  target: string;
  /** `error instanceof Target` in the copy that built it: the ground truth. */
  sameInstanceof: boolean;
  sameIsInstance: boolean;
  otherInstanceof: boolean;
  otherIsInstance: boolean;
}

/**
 * Runs in plain Node: loads the ESM and the CJS builds of both packages, builds one error of every
 * exported error class with each copy, and asks both copies about it.
 */
const checker = `
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/');
const load = async (kind) => {
  const get = (pkg) => (kind === 'esm' ? import('@sessionhub/' + pkg) : require('@sessionhub/' + pkg));
  const all = { ...(await get('format')), ...(await get('core')) };
  const base = all.SessionHubError;
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v === base || (typeof v === 'function' && v.prototype instanceof base)));
};
const copies = { esm: await load('esm'), cjs: await load('cjs') };
const checks = [];
for (const [from, other] of [['esm', 'cjs'], ['cjs', 'esm']]) {
  for (const [thrown, Cls] of Object.entries(copies[from])) {
    const error = new Cls('test.code', 'a message', 'third');
    for (const [target, Same] of Object.entries(copies[from])) {
      const Other = copies[other][target];
      checks.push({ from, thrown, name: error.name, target,
        sameInstanceof: error instanceof Same, sameIsInstance: Same.isInstance(error),
        otherInstanceof: error instanceof Other, otherIsInstance: Other.isInstance(error) });
    }
  }
}
const notErrors = [null, undefined, 'StoreError', 42, new Error('plain'), { code: 'store.not_found', name: 'StoreError' }];
const falsePositives = notErrors.filter((v) => copies.cjs.StoreError.isInstance(v) || copies.esm.SessionHubError.isInstance(v)).length;
console.log(JSON.stringify({ checks, falsePositives }));
`;

let checks: Check[] = [];
let falsePositives = -1;
let app = '';

beforeAll(async () => {
  // Under the checkout's node_modules, so the packages' own dependencies (zod, ...) resolve as installed.
  const cache = join(root, 'node_modules/.cache');
  await mkdir(cache, { recursive: true });
  app = await mkdtemp(join(cache, 'sessionhub-error-identity-'));
  for (const pkg of ['format', 'core']) {
    const installed = join(app, 'node_modules/@sessionhub', pkg);
    await run(process.execPath, [tsup, '--no-dts', '--out-dir', join(installed, 'dist')], {
      cwd: join(root, 'packages', pkg),
    });
    await copyFile(join(root, 'packages', pkg, 'package.json'), join(installed, 'package.json'));
  }
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', checker], { cwd: app });
  ({ checks, falsePositives } = JSON.parse(stdout) as { checks: Check[]; falsePositives: number });
}, 120_000);

afterAll(async () => {
  if (app) await rm(app, { recursive: true, force: true });
});

describe('error identity across the ESM and CJS builds', () => {
  it('covers every error class of format and core, each named for its export', () => {
    const thrown = new Set(checks.map((c) => c.thrown));
    for (const name of [
      'SessionHubError',
      'InvalidVersionError',
      'FoundationUpdateError',
      'InvalidLintInputError',
      'InstructionFormatError',
      'BoundaryViolationError',
      'SandboxError',
      'ProviderError',
      'StoreError',
      'BudgetExceededError',
      'TemplateError',
      'CancelledError',
      'SessionStateError',
    ]) {
      expect(thrown, name).toContain(name);
    }
    for (const c of checks) expect(c.name, `${c.from} ${c.thrown}`).toBe(c.thrown);
  });

  it('the two copies are distinct: instanceof fails across them', () => {
    expect(checks.filter((c) => c.otherInstanceof)).toEqual([]);
  });

  it('isInstance of the other copy agrees with instanceof of the same copy, for every pair of classes', () => {
    expect(checks.length).toBeGreaterThan(13 * 13);
    const wrong = checks.filter((c) => c.otherIsInstance !== c.sameInstanceof || c.sameIsInstance !== c.sameInstanceof);
    expect(wrong).toEqual([]);
    // Not vacuous: a StoreError from the CJS copy is recognised by the ESM copy's StoreError and base, and nothing else.
    const cjsStore = checks.filter((c) => c.from === 'cjs' && c.thrown === 'StoreError' && c.otherIsInstance);
    expect(cjsStore.map((c) => c.target).sort()).toEqual(['SessionHubError', 'StoreError']);
  });

  it('isInstance is false for values that are not SessionHub errors', () => {
    expect(falsePositives).toBe(0);
  });
});
