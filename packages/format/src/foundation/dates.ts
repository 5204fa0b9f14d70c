/** Recognising the dates people write in session logs and turning them into ISO `YYYY-MM-DD`. */

/** A date found in a line. */
export interface DateToken {
  start: number;
  end: number;
  raw: string;
  /** ISO `YYYY-MM-DD`. */
  iso: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;

const PATTERNS: { re: RegExp; toIso: (m: RegExpExecArray) => string | undefined }[] = [
  { re: /(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/, toIso: (m) => iso(m[1], m[2], m[3]) },
  { re: /(?<!\d)(\d{4})\/(\d{1,2})\/(\d{1,2})(?!\d)/, toIso: (m) => iso(m[1], m[2], m[3]) },
  {
    re: new RegExp(String.raw`\b(${MONTH})\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`, 'i'),
    toIso: (m) => iso(m[3], monthNumber(m[1]), m[2]),
  },
  {
    re: new RegExp(String.raw`\b(\d{1,2})(?:st|nd|rd|th)?\s+(${MONTH}),?\s+(\d{4})\b`, 'i'),
    toIso: (m) => iso(m[3], monthNumber(m[2]), m[1]),
  },
];

/** The first recognisable date in `text`, if any. */
export function findDate(text: string): DateToken | undefined {
  let best: DateToken | undefined;
  for (const { re, toIso } of PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    const value = toIso(m);
    if (value && (!best || m.index < best.start)) {
      best = { start: m.index, end: m.index + m[0].length, raw: m[0], iso: value };
    }
  }
  return best;
}

/** ISO form of `text` when it holds exactly one recognisable date (surrounding emphasis allowed), else the trimmed text. */
export function normalizeDate(text: string): string {
  const trimmed = text.trim();
  const found = findDate(trimmed);
  if (found && trimmed.replace(found.raw, '').replace(/[*_`()[\]\s]/g, '') === '') return found.iso;
  return trimmed;
}

/** Today's date in UTC as `YYYY-MM-DD`. */
export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

function monthNumber(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const index = MONTHS.indexOf(name.slice(0, 3).toLowerCase());
  return index === -1 ? undefined : String(index + 1);
}

function iso(y: string | undefined, m: string | undefined, d: string | undefined): string | undefined {
  if (!y || !m || !d) return undefined;
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return undefined; // e.g. 2025-02-30
  return `${y.padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
