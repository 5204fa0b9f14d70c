/**
 * Finding version texts inside a line. `parseVersion` reads a whole string; here we need positions of
 * version-shaped tokens (`v2.22A`, `2.25A.1`) inside prose, headings, table cells and footers.
 */

import type { SessionVersion } from '../types.js';
import { parseVersion } from '../version.js';

/** A version written somewhere in a line. */
export interface VersionToken {
  /** 0-based start in the line (the `v` prefix included). */
  start: number;
  end: number;
  raw: string;
  version: SessionVersion;
}

/**
 * A version-shaped token: optional `v`, then two or more dot-separated numbers, each with up to two
 * letters. Not glued to a word or number before it, and not followed by a letter, a digit or `.digit`.
 */
export const VERSION_TOKEN_SOURCE = String.raw`(?<![\w.])[vV]?\d+[A-Za-z]{0,2}(?:\.\d+[A-Za-z]{0,2})+(?![A-Za-z0-9]|\.\d)`;

/** Every version token in `text`, left to right. */
export function findVersionTokens(text: string): VersionToken[] {
  const found: VersionToken[] = [];
  for (const m of text.matchAll(new RegExp(VERSION_TOKEN_SOURCE, 'g'))) {
    const version = parseVersion(m[0]);
    if (version) found.push({ start: m.index, end: m.index + m[0].length, raw: m[0], version });
  }
  return found;
}

/** Spells `version` the way `raw` was spelled: same `v`/`V` prefix (or none). */
export function spellLike(raw: string, version: SessionVersion): string {
  const prefix = raw.startsWith('v') ? 'v' : raw.startsWith('V') ? 'V' : '';
  return prefix + version.text;
}
