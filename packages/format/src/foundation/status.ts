/** Reading and writing a session's status in the words (and emoji) people use. */

/** The statuses SessionHub recognises; anything else is kept as free text. */
export const KNOWN_STATUSES = ['completed', 'failed', 'in-progress', 'partial', 'cancelled'] as const;

const STATUS_PATTERNS: { status: string; re: RegExp }[] = [
  {
    status: 'completed',
    re: /✅|✔️?|☑️?|\b(?:completed?|done|success(?:ful)?|succeeded|finished|shipped|merged|passed|delivered)\b/i,
  },
  { status: 'failed', re: /❌|✖️?|\b(?:fail(?:ed|ure|s)?|broken)\b/i },
  { status: 'in-progress', re: /🚧|⏳|🔄|\b(?:in[- ]progress|wip|ongoing|started|active)\b/i },
  { status: 'partial', re: /⚠️?|\bpartial(?:ly)?\b/i },
  { status: 'cancelled', re: /\b(?:cancell?ed|abandoned|skipped|aborted|reverted|rolled back)\b/i },
];

/** Position of a status word or emoji inside a line. */
export interface StatusToken {
  start: number;
  end: number;
  raw: string;
  status: string;
}

/** The earliest status word or emoji in `text`. */
export function findStatus(text: string): StatusToken | undefined {
  let best: StatusToken | undefined;
  for (const { status, re } of STATUS_PATTERNS) {
    const m = re.exec(text);
    if (m && (!best || m.index < best.start)) best = { start: m.index, end: m.index + m[0].length, raw: m[0], status };
  }
  return best;
}

/** A known status for `text` when it states one, else `text` trimmed (free text is kept). */
export function normalizeStatus(text: string): string {
  const trimmed = text.trim();
  return findStatus(trimmed)?.status ?? trimmed;
}

const EMOJI: Record<string, string> = {
  completed: '✅',
  failed: '❌',
  'in-progress': '🚧',
  partial: '⚠️',
};

/**
 * Spells `status` for a log whose other entries spelled theirs as `examples` (raw texts): reuses an
 * example with the same meaning (`✅ Complete` for `completed`), else mirrors an example's emoji and
 * capitalisation, else writes the status as given.
 */
export function spellStatus(status: string, examples: string[]): string {
  const wanted = normalizeStatus(status);
  const same = [...examples].reverse().find((raw) => raw.trim() !== '' && normalizeStatus(raw) === wanted);
  if (same !== undefined) return same.trim();
  const sample = examples.at(-1)?.trim() ?? '';
  if (sample === '') return status;
  const word = /^[A-Z]/.test(sample.replace(/^\W+/u, '')) ? capitalize(status) : status;
  const emoji = EMOJI[wanted];
  if (/^\p{Extended_Pictographic}/u.test(sample) && /\s/.test(sample)) return emoji ? `${emoji} ${word}` : word;
  if (/^\p{Extended_Pictographic}+$/u.test(sample)) return emoji ?? word;
  return word;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
