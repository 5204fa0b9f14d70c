/**
 * `uncheckable-validation`: a VALIDATION (or SUCCESS CRITERIA) item that only praises the result
 * ("Works well", "Code is clean") and names nothing a verifier could observe or measure.
 */
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { isBlank, listMarker } from '../text.js';

/** Sections whose items must be checkable. */
const CHECKED_SECTIONS = new Set(['VALIDATION', 'SUCCESS CRITERIA']);

/** Judgements with no observable check behind them. */
const VAGUE = new RegExp(
  [
    // "works" with nothing after it, or with a judgement: "Everything works", "Works well".
    String.raw`\b(?:works?|working|functions?)(?=\s*(?:$|[.!,;]|\s(?:well|fine|properly|correctly|great|nicely|smoothly|perfectly|flawlessly|as\s+(?:expected|intended|designed)|ok(?:ay)?)\b))`,
    // Plain judgements that are words of their own ("fine" but not "fine-grained").
    String.raw`\b(?:nicely|clean(?:er)?|better|best\s+practices?|properly|correctly|robust(?:ly)?|intuitive|user-friendly|maintainable|readable|elegant(?:ly)?|smooth(?:ly)?|fast(?:er)?|quick(?:ly|er)?|efficient(?:ly)?|performant|high[- ]quality|as\s+expected|perfect(?:ly)?|optimal(?:ly)?|seamless(?:ly)?|reliable|scalable|easy|polished|bug[- ]free|no\s+bugs|acceptable|reasonable|appropriate(?:ly)?|sensible|secure|all\s+good)\b(?!-)`,
    // Words that are judgements only as a predicate: "is good", "looks fine", but not "the OK button".
    String.raw`\b(?:is|are|be|been|looks?|seems?|feels?|stays?|remains?|everything|all)\s+(?:very\s+|really\s+|pretty\s+)?(?:good|great|nice|fine|ok(?:ay)?|solid)\b(?!-)`,
  ].join('|'),
  'i',
);

/**
 * Something a verifier can observe or measure: a number, quoted text, or an observable outcome verb.
 * Verbs that are also common nouns ("the export", "the update") are listed only in past forms.
 */
const CONCRETE = new RegExp(
  [
    String.raw`\d|"[^"]+"|“[^”]+”|\`[^\`]+\`|(?:^|\s)'[^']+'(?=\s|$|[.,;:])`,
    String.raw`\b(?:shows?|showing|shown|displays?|displayed|returns?|returned|respond(?:s|ed)?|pass(?:es|ed)?|fail(?:s|ed)?|exits?|exited|contains?|lists?|listed|opens?|opened|closes?|closed|redirects?|redirected|rejects?|rejected|accepts?|accepted|prints?|printed|reports?|saves?|saved|loads?|loaded|appears?|visible|hidden|disabled|enabled|receives?|received|sends?|sent|logs?|logged|creates?|created|deletes?|deleted|removed|match(?:es|ed)?|equals?|produces?|produced|raises?|throws?|thrown|downloads?|downloaded|uploaded|exported|imported|copies|copied|navigates?|persists?|persisted|survives?|restores?|restored|resets?|expires?|expired|includes?|included|sorted|ordered|filtered|highlighted|emits?|emitted|writes?|written|stored|compiles?|succeeds?|succeeded|started|stopped|changed|updated|becomes?|warns?|notifie[sd]|confirms?|confirmed|prompts?|asks?|blocked|blocks|refuses?|refused|announced|read\s+aloud|within|under|below|above|at\s+(?:least|most)|(?:less|more|fewer)\s+than|typechecks?|type-checks?|lint(?:er|s)?|builds?|tests?)\b`,
  ].join('|'),
  'i',
);

/** Whether an item's text has no observable check. */
function isUncheckable(item: string): boolean {
  const text = item.replace(/^\[[ xX]\]\s*/, '').trim();
  if (text === '' || text.endsWith(':')) return false;
  return VAGUE.test(text) && !CONCRETE.test(text);
}

interface Item {
  line: number;
  column: number;
  text: string;
}

/** Items of a section: a list marker starts one, following unmarked lines continue it. */
function itemsOf(view: LintView, startLine: number, endLine: number): Item[] {
  const items: Item[] = [];
  for (let n = startLine; n <= endLine; n++) {
    const line = view.lines[n - 1];
    if (!line?.inInstruction || line.inCodeBlock || line.heading || isBlank(line.text)) continue;
    const marker = listMarker(line.text);
    const last = items[items.length - 1];
    if (marker) {
      items.push({ line: n, column: marker.contentOffset + 1, text: line.text.slice(marker.contentOffset) });
    } else if (last) {
      last.text += ` ${line.text.trim()}`;
    } else {
      const column = line.text.length - line.text.trimStart().length + 1;
      items.push({ line: n, column, text: line.text.trim() });
    }
  }
  return items;
}

/** Reports validation items that cannot be checked. */
function checkUncheckableValidation(view: LintView): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const span of view.sections) {
    if (!CHECKED_SECTIONS.has(span.title)) continue;
    for (const item of itemsOf(view, span.startLine, span.endLine)) {
      if (!isUncheckable(item.text)) continue;
      findings.push({
        line: item.line,
        column: item.column,
        message: `${span.title} item cannot be checked: "${item.text.trim().slice(0, 60)}".`,
      });
    }
  }
  return findings;
}

/** `uncheckable-validation`: validation items with no observable check. */
export const uncheckableValidation = defineLintRule({
  id: 'uncheckable-validation',
  defaultSeverity: 'warning',
  summary: 'validation items with no observable check',
  description:
    'A VALIDATION or SUCCESS CRITERIA item that only judges the result ("works well", "clean", "fast") and names nothing a verifier can observe: no number, no quoted text, no visible outcome, no test or build that passes.',
  hint: 'Name an observable check: a test or command that passes, what a user sees, or a number to meet.',
  examples: {
    context: 'validation',
    bad: ['- Works well', '- Code is clean', '- Everything is good', '- The UI is intuitive'],
    good: ['- All tests pass', '- The login page shows an error for a wrong password', '- Response time under 200 ms'],
  },
  notes: [
    'An item is reported when it uses a judgement **and** names nothing observable.',
    'Judgements: "works" with nothing after it or with well / fine / properly / as expected; clean, better, best practices, robust, intuitive, user-friendly, maintainable, readable, fast, quick, efficient, high quality, seamless, reliable, scalable, easy, polished, bug-free, acceptable, secure, ...; and good / great / nice / fine / OK / solid only as a predicate ("is good", "looks fine"), so "the OK button" and "fine-grained" are not judgements.',
    'Observable: a number, quoted text, or an outcome verb (shows, returns, passes, fails, rejects, lists, opens, closes, saves, exported, ...), or a test, build, lint or typecheck run. "The page loads fast: under 1 s", "The typecheck is clean" and "Works offline: saved reports still open" are checkable.',
    'Nouns that are also verbs ("the export", "the update") count as observable only in past forms, so "The export is fast" is reported.',
    'Items ending in `:` introduce sub-items and are skipped. Checked in VALIDATION and SUCCESS CRITERIA only.',
  ],
  check: checkUncheckableValidation,
});
