/** Longest signature kept; longer ones are cut (after normalising). */
export const ERROR_SIGNATURE_MAX_LENGTH = 200;

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;
// 0x-prefixed hex, or bare hex runs of 7+ characters holding at least one digit and one letter (commit shas, ids).
const HEX = /\b(?:0x[0-9a-f]+|(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,})\b/g;
const QUOTED = /"[^"\n]*"|'[^'\n]*'|`[^`\n]*`/g;
// Absolute (`/a/b`, `C:\a`), relative (`./a`, `../a`) and multi-segment (`src/a.ts`) paths.
// A multi-segment path must hold a letter, so `1/2` stays a pair of numbers.
const PATH = /(?:[a-z]:\\|\.{1,2}\/|\/)?(?=[\w.@/\\-]*[a-z_])(?:[\w.@-]+[/\\])+[\w.@-]+[/\\]?|(?<![\w.])\/[\w.@-]+/g;
const NUMBER = /\d+(?:\.\d+)?/g;

/**
 * Normalises a failure message so that the same failure with different details groups together.
 * Steps, in this order:
 * 1. lower-case;
 * 2. UUIDs and hex ids (`0x1f`, or 7+ hex characters mixing digits and letters) → `<id>`;
 * 3. quoted strings (`"…"`, `'…'`, `` `…` ``) → `<s>`;
 * 4. paths (`/abs/file`, `./rel`, `dir/file.ts`, `c:\dir\file`) → `<path>`;
 * 5. numbers (integers and decimals) → `<n>`;
 * 6. whitespace runs → one space, trimmed;
 * 7. cut to {@link ERROR_SIGNATURE_MAX_LENGTH} characters (then trimmed again).
 *
 * @example errorSignature('Expected 3 to be 4 in /src/a.test.ts') === 'expected <n> to be <n> in <path>'
 */
export function errorSignature(message: string): string {
  const normalised = message
    .toLowerCase()
    .replace(UUID, '<id>')
    .replace(HEX, '<id>')
    .replace(QUOTED, '<s>')
    .replace(PATH, '<path>')
    .replace(NUMBER, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
  return normalised.slice(0, ERROR_SIGNATURE_MAX_LENGTH).trim();
}
