/**
 * `uncheckable-validation`: a VALIDATION (or SUCCESS CRITERIA) item that only praises the result
 * ("Works well", "Code is clean") and names nothing a verifier could observe or measure.
 */
import { isBlank, listMarker } from '../text.js';
import type { LintDocument, LintFinding } from '../types.js';

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
export function isUncheckable(item: string): boolean {
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
function itemsOf(doc: LintDocument, startLine: number, endLine: number): Item[] {
  const items: Item[] = [];
  for (let n = startLine; n <= endLine; n++) {
    const line = doc.lines[n - 1];
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
export function checkUncheckableValidation(doc: LintDocument): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const span of doc.sections) {
    if (!CHECKED_SECTIONS.has(span.title)) continue;
    for (const item of itemsOf(doc, span.startLine, span.endLine)) {
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
