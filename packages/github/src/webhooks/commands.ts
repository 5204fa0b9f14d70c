/** A command in an issue or pull request comment. */
export type CommentCommand =
  | { command: 'run' }
  | { command: 'approve' }
  | { command: 'rate'; rating: number; note: string }
  | { command: 'unknown'; word: string };

/**
 * The `/sessionhub <command>` at the start of a line of `body`, if any (`prefix` default `/sessionhub`).
 * `/sessionhub rate 4 great work` rates 1..5 with a note.
 */
export function parseCommand(body: string, prefix = '/sessionhub'): CommentCommand | undefined {
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (line !== prefix && !line.startsWith(`${prefix} `)) continue;
    const [word = '', ...rest] = line.slice(prefix.length).trim().split(/\s+/);
    if (word === 'run' || word === 'approve') return { command: word };
    if (word === 'rate') {
      const rating = Number(rest[0]);
      if (Number.isInteger(rating) && rating >= 1 && rating <= 5)
        return { command: 'rate', rating, note: rest.slice(1).join(' ') };
    }
    return { command: 'unknown', word };
  }
  return undefined;
}
