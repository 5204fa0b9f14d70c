import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { environmentProblem } from '../cli-error.js';
import { pathExists } from '../path-exists.js';

const run = promisify(execFile);

/** The TypeScript compiler's files the demo's typecheck gate needs (its package, `bin`, `tsc` and the `lib.*.d.ts`). */
export async function copyTypeScript(into: string): Promise<void> {
  const target = join(into, 'node_modules', 'typescript');
  if (await pathExists(join(target, 'package.json'))) return;
  let source: string;
  try {
    source = dirname(createRequire(import.meta.url).resolve('typescript/package.json'));
  } catch {
    throw environmentProblem(
      'cli.demo_unavailable',
      'the demo needs the typescript package',
      'run npm ci in the SessionHub clone',
    );
  }
  const wanted = (name: string) =>
    name === 'tsc.js' || name === '_tsc.js' || (name.startsWith('lib.') && name.endsWith('.d.ts'));
  await mkdir(join(target, 'lib'), { recursive: true });
  await cp(join(source, 'package.json'), join(target, 'package.json'));
  await cp(join(source, 'bin'), join(target, 'bin'), { recursive: true });
  await Promise.all(
    (await readdir(join(source, 'lib'))).filter(wanted).map((f) => cp(join(source, 'lib', f), join(target, 'lib', f))),
  );
}

const GIT_IDENTITY = [
  '-c',
  'user.name=SessionHub Demo',
  '-c',
  'user.email=demo@sessionhub.invalid',
  '-c',
  'commit.gpgSign=false',
];

/** Copies the example project to a fresh temp directory and makes it a git repository with one commit. */
export async function prepareProject(source: string): Promise<string> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'sessionhub-demo-')));
  const project = join(root, 'tally');
  await cp(source, project, { recursive: true, filter: (src) => !src.includes(`${'/'}node_modules`) });
  await run('git', ['init', '-q', '-b', 'main'], { cwd: project });
  await run('git', ['add', '-A'], { cwd: project });
  await run('git', [...GIT_IDENTITY, 'commit', '-q', '-m', 'Tally 1.0'], { cwd: project });
  return project;
}
