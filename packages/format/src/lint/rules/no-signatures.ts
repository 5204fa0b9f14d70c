/**
 * `no-signatures`: function or type signatures. Recognised by token shape (`name(param: Type)`,
 * `(a, b) =>`, `def name(`, `name(): Type`, `getUser(`, `Promise<Result>`), never by words such as
 * "function", "return" or "returns".
 */
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { escapeRegExp, lintableLines } from '../text.js';

/** A type after `:` in a signature: a primitive, a capitalized name, an object or tuple type. */
const TYPE =
  '(?:string|number|boolean|any|unknown|void|never|object|bigint|symbol|null|undefined|int|float|str|bool|bytes|u8|u32|u64|i32|i64|usize|[A-Z][\\w.]*|\\{|\\[)';

/**
 * Each shape with the characters it cannot match without (`needs`: every one of them must be in the
 * line; `needsOne`: at least one): a line of prose has no `(`, `=>`, `<`, so most lines skip every pattern.
 */
const SIGNATURE_SHAPES: readonly {
  re: RegExp;
  what: string;
  needs: readonly string[];
  needsOne?: readonly string[];
}[] = [
  {
    re: /\b(?:async\s+)?(?:function\*?|def|func|fn|fun)\s+[A-Za-z_$][\w$]*\s*(?:<[^<>]*>)?\(/,
    what: 'function declaration',
    needs: ['('],
  },
  {
    re: /\b(?:public|private|protected|static)\s+(?:static\s+)?(?:async\s+)?[\w<>[\]]+\s+[A-Za-z_$][\w$]*\s*\(/,
    what: 'method declaration',
    needs: ['('],
  },
  {
    // One of the first parameters has a type: `(rows: Row[])`, `(a, b?: string)`. Bounded, so it stays linear.
    re: new RegExp(
      `(?<![\\w$])[A-Za-z_$][\\w$]*\\s*(?:<[^<>()]*>)?\\(\\s*(?:[\\w$]+\\??(?:\\s*:\\s*[^(),:]*)?,\\s*){0,8}[\\w$]+\\??\\s*:\\s*${TYPE}`,
    ),
    what: 'typed parameter list',
    needs: ['(', ':'],
  },
  {
    // The type must end the clause: "Size(MB): Total size of the export" is a column description.
    re: new RegExp(
      `(?<![\\w$])[A-Za-z_$][\\w$]*(?:<[^<>()]*>)?\\((?!e?s\\))[^()]*\\)\\s*:\\s*${TYPE}(?:[\\w<>[\\]|.]*)(?=\\s*(?:$|[,;.{|=)]))`,
    ),
    what: 'return type',
    needs: ['(', ')', ':'],
  },
  { re: /(?<![\w$])[A-Za-z_$][\w$]*\([^()]*\)\s*->\s*[\w[]/, what: 'return type', needs: ['->'] },
  { re: /\([^()]*\)\s*=>/, what: 'arrow function', needs: ['=>'] },
  { re: /\b[A-Za-z_$][\w$]*\s*=>\s*[{(]/, what: 'arrow function', needs: ['=>'] },
  { re: /\b[A-Za-z_$][\w$]*\([^()]*\)\s*\{/, what: 'function body', needs: ['(', '{'] },
  {
    re: /\b(?:interface|type)\s+[A-Z]\w*\s*(?:<[^<>]*>)?\s*(?:=|\{)/,
    what: 'type declaration',
    needs: [],
    needsOne: ['=', '{'],
  },
  { re: /\b[A-Z]\w*<[\w<>, [\]|'"]{0,100}[\w\]>]>/, what: 'generic type', needs: ['<', '>'] },
  { re: /\b[a-z]{2}[a-z0-9]*[A-Z][\w$]*\(/, what: 'function name', needs: ['('] },
  { re: /\b[a-z][a-z0-9]*_[a-z0-9_]+\(/, what: 'function name', needs: ['('] },
  { re: /\b[a-z_$][\w$]*\.[a-z_$][\w$]*\([^()]*\)/, what: 'method call', needs: ['(', ')'] },
  { re: /\b[A-Za-z_$][\w$]*\(\)/, what: 'function call', needs: ['()'] },
];

/**
 * What a line must hold before any shape is tried: one of each shape's first `needs` (or of its `needsOne`; a
 * shape with neither lets every line through). Prose holds none, and is passed over with one scan.
 */
const ANY_NEED = new RegExp(
  [...new Set(SIGNATURE_SHAPES.flatMap((s) => (s.needs.length > 0 ? [s.needs[0] as string] : (s.needsOne ?? ['']))))]
    .map(escapeRegExp)
    .join('|'),
);

function holdsAll(text: string, needs: readonly string[]): boolean {
  for (const c of needs) if (!text.includes(c)) return false;
  return true;
}

function holdsOne(text: string, needs: readonly string[]): boolean {
  for (const c of needs) if (text.includes(c)) return true;
  return false;
}

/** The first signature-shaped code in one (masked) line. */
function findSignature(text: string): { index: number; code: string; what: string } | undefined {
  if (!ANY_NEED.test(text)) return undefined;
  let best: { index: number; code: string; what: string } | undefined;
  for (const { re, what, needs, needsOne } of SIGNATURE_SHAPES) {
    if (!holdsAll(text, needs)) continue;
    if (needsOne && !holdsOne(text, needsOne)) continue;
    const m = re.exec(text);
    if (m && (best === undefined || m.index < best.index)) best = { index: m.index, code: m[0].trim(), what };
  }
  return best;
}

/** Reports function, method and type signatures. */
function checkSignatures(view: LintView): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const line of lintableLines(view)) {
    const found = findSignature(line.scan);
    if (!found) continue;
    findings.push({
      line: line.number,
      column: found.index + 1,
      message: `Gives a signature (${found.what}): \`${found.code.slice(0, 60)}\`.`,
    });
  }
  return findings;
}

/** `no-signatures`: function, method and type signatures. */
export const noSignatures = defineLintRule({
  id: 'no-signatures',
  defaultSeverity: 'warning',
  summary: 'function, method and type signatures',
  description:
    'A function, method or type signature: `name(param: Type)`, `name(): Type`, `(a) =>`, `def name(`, `getUser(`, `obj.method()`, `Promise<Result>`.',
  hint: 'Describe inputs and outcomes in words ("given a list of rows, the total is shown"); the executor designs the interfaces.',
  examples: {
    context: 'requirements',
    bad: [
      '- Add exportCsv(rows: Row[]): string',
      '- Implement function total(items) {',
      '- Save on change with (draft) => save(draft)',
      '- Call api.fetchUser(id) on load',
    ],
    good: [
      '- The function of the page is to list sessions',
      '- Return to the previous screen',
      '- Show the item(s) the user picked',
      '- If the export fails, the user sees why',
    ],
  },
  notes: [
    'Only code shapes count, never the words "function", "return", "returns" or "type": a name directly followed by parentheses that hold `param: Type`, a return type after `):` or `->`, `(args) =>`, `name(args) {`, `def`/`function`/`fn` + name + `(`, `interface X {`, `type X =`, generics (`Promise<Result>`), camelCase or snake_case calls (`getUser(`, `parse_rows(`), method calls (`user.save()`) and empty calls (`save()`). "item(s)" and "(see below)" are English.',
  ],
  check: checkSignatures,
});
