#!/usr/bin/env node
// Packs every publishable workspace package under packages/ into a tarball, in dependency order
// (a package after the @sessionhub packages it depends on), so SessionHub can be installed into an
// app from a clone before the packages are on a registry:
//
//   npm run pack                      # tarballs in dist-packs/
//   npm install /path/to/sessionhub/dist-packs/*.tgz
//
// A package without a build is built first (`npm run build -w <name>`). Options:
//   --build       build every packed package first, even one with a dist/ (after pulling changes)
//   --out <dir>   write the tarballs there instead of dist-packs/ (relative to the repository root)
//   <folder> ...  pack only these package folders (e.g. `core format`) and what they depend on
// The last line printed is one JSON object: { "dir": <absolute dir>, "tarballs": [<file names in dependency
// order>], "packages": [{ "name", "version", "file" }, ...] (the same order) }.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
let outDir = join(root, 'dist-packs');
let rebuild = false;
const only = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') outDir = resolve(root, args[++i] ?? '');
  else if (args[i] === '--build') rebuild = true;
  else only.push(args[i]);
}

/** Every publishable package under packages/: name → { dir, folder, internal deps }. */
function workspacePackages() {
  const packages = new Map();
  for (const folder of readdirSync(join(root, 'packages')).sort()) {
    const manifestPath = join(root, 'packages', folder, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.private) continue;
    packages.set(manifest.name, {
      name: manifest.name,
      folder,
      dir: join(root, 'packages', folder),
      deps: Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }),
    });
  }
  return packages;
}

/** The packages in dependency order; with `folders`, only those and what they depend on. */
function packOrder(packages, folders) {
  const byFolder = new Map([...packages.values()].map((p) => [p.folder, p]));
  const unknown = folders.filter((f) => !byFolder.has(f));
  if (unknown.length > 0) {
    throw new Error(`unknown package folder(s): ${unknown.join(', ')} (have: ${[...byFolder.keys()].join(', ')})`);
  }
  const roots = folders.length > 0 ? folders.map((f) => byFolder.get(f)) : [...packages.values()];
  const order = [];
  const visiting = new Set();
  const visit = (pkg) => {
    if (order.includes(pkg)) return;
    if (visiting.has(pkg.name)) throw new Error(`dependency cycle through ${pkg.name}`);
    visiting.add(pkg.name);
    for (const dep of pkg.deps) if (packages.has(dep)) visit(packages.get(dep));
    visiting.delete(pkg.name);
    order.push(pkg);
  };
  for (const pkg of roots) visit(pkg);
  return order;
}

function npm(npmArgs) {
  const result = spawnSync('npm', npmArgs, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`npm ${npmArgs.join(' ')} failed (exit ${result.status})`);
  return result.stdout;
}

try {
  const order = packOrder(workspacePackages(), only);
  for (const pkg of order) {
    if (!rebuild && existsSync(join(pkg.dir, 'dist'))) continue;
    console.error(`building ${pkg.name}${rebuild ? '' : ' (no dist/)'}`);
    npm(['run', 'build', '-w', pkg.name]);
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const packages = [];
  for (const pkg of order) {
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', outDir, '-w', pkg.name]));
    console.error(`${pkg.name}: ${packed.filename} (${packed.entryCount} files, ${packed.size} bytes)`);
    packages.push({ name: packed.name, version: packed.version, file: packed.filename });
  }
  console.log(JSON.stringify({ dir: outDir, tarballs: packages.map((p) => p.file), packages }));
} catch (error) {
  console.error(`pack: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
