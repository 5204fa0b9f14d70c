#!/usr/bin/env node
// Builds the inspector's page into dist/web: one minified ES module (Preact + htm + the views), its CSS and index.html.
// `npm run build` runs it after tsup (which cleans dist/); tests that open the page run it when dist/web is missing.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, 'web', 'main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  platform: 'browser',
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(root, 'web', 'index.html'), join(out, 'index.html'));
copyFileSync(join(root, 'web', 'app.css'), join(out, 'app.css'));
console.log(`inspector page: ${out} (app.js ${statSync(join(out, 'app.js')).size} bytes)`);
