import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { InspectorError } from '../errors.js';

/** What the page may do: only this origin's scripts, styles and API; no inline script, no frames, no plugins. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** The package's `dist/web`, found from this module in `src/server` (source) or `dist` (build). */
export function defaultAssetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'web');
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), 'web');
}

/** Serves the prebuilt page (`index.html`, `app.js`, `app.css`), read once. */
export function assetRoutes(app: Hono, assetsDir: string): void {
  const cache = new Map<string, string>();
  const read = (name: string): string => {
    const hit = cache.get(name);
    if (hit !== undefined) return hit;
    const file = join(assetsDir, name);
    if (!existsSync(file)) {
      throw new InspectorError(
        'inspector.assets_missing',
        `the inspector page is not built (${file} is missing): run npm run build -w @sessionhub/inspector`,
      );
    }
    const text = readFileSync(file, 'utf8');
    cache.set(name, text);
    return text;
  };
  for (const [name, type] of Object.entries(TYPES)) {
    app.get(name === 'index.html' ? '/' : `/${name}`, (c) =>
      c.body(read(name), 200, {
        'content-type': type,
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-cache',
      }),
    );
  }
}
