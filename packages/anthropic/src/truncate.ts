/**
 * Cuts a text longer than `max` characters, keeping its head and tail around a marker that says
 * how much was dropped (the tail often holds the error that matters).
 */
export function truncateMiddle(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const head = Math.floor(max * 0.6);
  const tail = max - head;
  const dropped = text.length - head - tail;
  return {
    text: `${text.slice(0, head)}\n[... ${dropped} characters truncated by SessionHub ...]\n${text.slice(text.length - tail)}`,
    truncated: true,
  };
}
