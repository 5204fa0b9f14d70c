/** Removes one Markdown fence wrapping the whole answer (models add them despite being told not to). */
export function unwrapFence(text: string): string {
  const m = /^```[\w-]*\n([\s\S]*?)\n```\s*$/.exec(text.trim());
  return m ? `${m[1]!.trim()}\n` : `${text.trim()}\n`;
}
