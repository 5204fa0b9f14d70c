/** Recognising the target version and the add-to-log request among FOUNDATION UPDATE items. */

/** Items longer than this are never read as a version or log request (keeps matching cheap). */
const MAX_RECOGNIZED_LENGTH = 200;

// Bounded, unambiguous patterns: every repeated group starts with a space and its words contain none.
const VERSION_ITEM =
  /^(?:update|bump|set|move|change|increment|advance)(?: [\w.'’-]+){0,6}? to (?:version |v(?:ersion)?\.? )?(v?\d[\w.]*?)\.?$/i;
const LOG_ITEM = /^(?:add|append|record|log)(?: [\w.'’-]+){0,6}? (?:session )?log(?: entry)?\.?$/i;

/** Canonical spellings written by the serializer and required by strict mode. */
export const CANONICAL_VERSION_ITEM_PREFIX = 'Update to version ';
export const CANONICAL_LOG_ITEM = 'Add session to log';

/**
 * If `text` asks to move the Foundation to a version (`Update to version 2.3`, `Update Foundation to v2.3`,
 * `Bump version to 2.3`), the version as written; otherwise `undefined`.
 */
export function matchFoundationVersionItem(text: string): string | undefined {
  if (text.length > MAX_RECOGNIZED_LENGTH) return undefined;
  const m = VERSION_ITEM.exec(collapse(text));
  return m ? m[1] : undefined;
}

/** Whether `text` asks to add the session to the Foundation's session log (`Add session to log`, `Add to session log`). */
export function isFoundationLogItem(text: string): boolean {
  if (text.length > MAX_RECOGNIZED_LENGTH) return false;
  const t = collapse(text);
  if (!/\blog\b/i.test(t)) return false;
  return LOG_ITEM.test(t) && /\bsession\b/i.test(t);
}

function collapse(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}
