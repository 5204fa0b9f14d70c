/**
 * Real Chromium for the page tests: Debian's `/usr/bin/chromium` driven by playwright-core (never a browser
 * download; `scripts/ensure-chromium.sh` installs it). In CI (`CI=true`) a missing browser fails the tests;
 * elsewhere they are skipped with the reason in their name.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.SESSIONHUB_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Screenshots go here (gitignored); CI keeps them as artifacts. */
export const ARTIFACTS = join(packageDir, 'test-artifacts');

/** Why the browser tests cannot run here, or `undefined` when they can. Throws in CI (`CI=true`). */
export function browserMissing(path = CHROMIUM, ci = process.env.CI): string | undefined {
  if (existsSync(path)) return undefined;
  const reason = `${path} is missing (install it: scripts/ensure-chromium.sh)`;
  if (ci === 'true') throw new Error(`CI needs Chromium for the inspector tests: ${reason}`);
  return reason;
}

/** Builds the page into dist/web (esbuild, well under a second), so the tests see the current sources. */
export function buildPage(): void {
  execFileSync(process.execPath, [join(packageDir, 'scripts', 'build-web.mjs')], { stdio: 'pipe' });
}

export function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}
