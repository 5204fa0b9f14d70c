/** Recognising the instruction header: `Session 2.3: Name`, `Emergency Session 0.11 - Name`, `## Session v2.3: Name`. */
import type { SessionVersion } from '../types.js';
import { parseVersion } from '../version.js';
import { cleanText } from './lines.js';

/** A header line that reads as a session version plus a name. */
export interface HeaderMatch {
  ok: true;
  kind: 'standard' | 'emergency';
  version: SessionVersion;
  name: string;
  /** Index in the line text where the version token starts. */
  versionIndex: number;
  /** Index in the line text where the name starts. */
  nameIndex: number;
  /** Whether the line is exactly `Session X.Y: Name` (or `Emergency Session X.Y: Name`). */
  canonical: boolean;
}

/** A line that starts like a header but cannot be read as one. */
export interface HeaderProblem {
  ok: false;
  code: 'bad-version' | 'missing-name';
  /** Index in the line text the problem points at. */
  index: number;
  token: string;
}

const SESSION_PREFIX = /^(?:(emergency)[ \t]+)?session[ \t]+/i;

/**
 * Reads `text` as a header line, lenient about markup (a Markdown `#` heading, `**bold**`), case, a `v` prefix
 * and the separator (`:`, `-`, `–`, `—`). Returns `undefined` when the line does not start like a header at all.
 */
export function matchHeader(text: string): HeaderMatch | HeaderProblem | undefined {
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  const first = text.charCodeAt(i) | 0x20;
  // Cheap rejection: a header starts with "s", "e", "#" or "*".
  if (first !== 0x73 && first !== 0x65 && text.charCodeAt(i) !== 35 && text.charCodeAt(i) !== 42) return undefined;
  const indent = i;
  let markup = false;
  if (text.charCodeAt(i) === 35) {
    let h = 0;
    while (text.charCodeAt(i) === 35 && h < 7) {
      i++;
      h++;
    }
    if (h > 6 || !(text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) return undefined;
    while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
    markup = true;
  }
  // Bold markers are dropped in place (the same length of spaces keeps indices valid for columns).
  let line = text;
  if (line.startsWith('**', i)) {
    line = line.replaceAll('**', '  ');
    while (line.charCodeAt(i) === 32) i++;
    markup = true;
  }
  const rest = line.slice(i, i + 40);
  const prefix = SESSION_PREFIX.exec(rest);
  if (!prefix) return undefined;
  const kind = prefix[1] ? 'emergency' : 'standard';
  const versionIndex = i + prefix[0].length;
  let j = versionIndex;
  while (j < line.length && isTokenChar(line.charCodeAt(j))) j++;
  const token = line.slice(versionIndex, j);
  const c0 = token.charCodeAt(0);
  const startsLikeVersion =
    (c0 >= 48 && c0 <= 57) || ((c0 | 0x20) === 0x76 && token.charCodeAt(1) >= 48 && token.charCodeAt(1) <= 57);
  if (!startsLikeVersion) return undefined;
  const version = parseVersion(token);
  if (!version) return { ok: false, code: 'bad-version', index: versionIndex, token };
  let k = j;
  while (line.charCodeAt(k) === 32 || line.charCodeAt(k) === 9) k++;
  const sep = line[k];
  if (sep !== ':' && sep !== '-' && sep !== '–' && sep !== '—')
    return { ok: false, code: 'missing-name', index: k, token };
  let nameIndex = k + 1;
  while (line.charCodeAt(nameIndex) === 32 || line.charCodeAt(nameIndex) === 9) nameIndex++;
  let nameEnd = line.length;
  while (nameEnd > nameIndex && (line.charCodeAt(nameEnd - 1) === 32 || line.charCodeAt(nameEnd - 1) === 9)) nameEnd--;
  if (text.charCodeAt(indent) === 35) {
    // Closing hashes of a Markdown heading are not part of the name.
    let h = nameEnd;
    while (h > nameIndex && line.charCodeAt(h - 1) === 35) h--;
    if (h < nameEnd && h > nameIndex && (line.charCodeAt(h - 1) === 32 || line.charCodeAt(h - 1) === 9)) {
      nameEnd = h - 1;
      while (nameEnd > nameIndex && (line.charCodeAt(nameEnd - 1) === 32 || line.charCodeAt(nameEnd - 1) === 9))
        nameEnd--;
    }
  }
  const name = cleanText(line.slice(nameIndex, nameEnd));
  if (name.length === 0) return { ok: false, code: 'missing-name', index: nameIndex, token };
  const expectedPrefix = kind === 'emergency' ? 'Emergency Session ' : 'Session ';
  const canonical =
    !markup &&
    indent === 0 &&
    prefix[0] === expectedPrefix &&
    token === version.text &&
    j === k &&
    sep === ':' &&
    nameIndex === k + 2 &&
    nameEnd === text.length;
  return { ok: true, kind, version, name, versionIndex, nameIndex, canonical };
}

/** The canonical header line for a version and name. */
export function canonicalHeader(kind: 'standard' | 'emergency', version: SessionVersion, name: string): string {
  return `${kind === 'emergency' ? 'Emergency ' : ''}Session ${version.text}: ${name}`;
}

function isTokenChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46;
}
