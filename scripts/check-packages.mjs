#!/usr/bin/env node
// Runs publint and @arethetypeswrong/cli on every built workspace package under packages/.
// Resolution is checked for node16+ and bundlers (the packages need Node >= 22, so node10 is out of scope).
// Fails when a package has no build, or when either tool reports a problem.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const only = process.argv.slice(2);

const failures = [];
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const pkgDir = join(root, 'packages', dir);
  const manifestPath = join(pkgDir, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.private || (only.length > 0 && !only.includes(dir))) continue;
  if (!existsSync(join(pkgDir, 'dist'))) {
    failures.push(`${manifest.name}: no dist/ (run npm run build first)`);
    continue;
  }
  for (const [tool, args] of [
    ['publint', ['--strict', pkgDir]],
    ['attw', ['--pack', pkgDir, '--profile', 'node16', '--format', 'table-flipped']],
  ]) {
    console.log(`\n== ${tool} ${manifest.name}`);
    const result = spawnSync(bin(tool), args, { stdio: 'inherit', cwd: root });
    if (result.status !== 0) failures.push(`${manifest.name}: ${tool} failed`);
  }
}
if (failures.length > 0) {
  console.error(`\ncheck:packages found problems:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('\ncheck:packages: every package passes publint and attw');
