/**
 * Cutting text for the model without splitting a UTF-16 surrogate pair: half an emoji is a lone
 * surrogate, which the Messages API refuses (`no low surrogate in string`) with a non-retryable 400.
 */

const isHigh = (code: number | undefined): boolean => code !== undefined && code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number | undefined): boolean => code !== undefined && code >= 0xdc00 && code <= 0xdfff;

/** An end index at or below `end` that does not fall between the two halves of a pair. */
function safeEnd(text: string, end: number): number {
  return end > 0 && end < text.length && isHigh(text.charCodeAt(end - 1)) && isLow(text.charCodeAt(end))
    ? end - 1
    : end;
}

/** A start index at or above `start` that does not fall between the two halves of a pair. */
function safeStart(text: string, start: number): number {
  return start > 0 && start < text.length && isHigh(text.charCodeAt(start - 1)) && isLow(text.charCodeAt(start))
    ? start + 1
    : start;
}

/** The first `max` UTF-16 units of a text, one fewer when the cut would split a pair. */
export function headOf(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, safeEnd(text, max));
}

/** The text with `…` appended when it was longer than `max` (cut on a code-point boundary). */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${headOf(text, max)}…`;
}

/**
 * Cuts a text longer than `max` characters, keeping its head and tail around a marker that says
 * how much was dropped (the tail often holds the error that matters). Never splits a surrogate pair.
 */
export function truncateMiddle(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const head = safeEnd(text, Math.floor(max * 0.6));
  const tailStart = safeStart(text, text.length - (max - Math.floor(max * 0.6)));
  const dropped = tailStart - head;
  return {
    text: `${text.slice(0, head)}\n[... ${dropped} characters truncated by SessionHub ...]\n${text.slice(tailStart)}`,
    truncated: true,
  };
}

/** The last `max` UTF-16 units of a text, one fewer when the cut would split a pair. */
export function tailOf(text: string, max: number): string {
  return text.length <= max ? text : text.slice(safeStart(text, text.length - max));
}
