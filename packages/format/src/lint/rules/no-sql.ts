/**
 * `no-sql`: SQL statements and schemas. Recognised by clause structure (`SELECT ... FROM`,
 * `INSERT INTO t VALUES`, `CREATE TABLE t (`), not by the words "select", "create table" or "delete".
 */
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { lintableLines } from '../text.js';

const NAME = '[\\w."`\\[\\]]+';
/** SQL column types, for lower-case CREATE TABLE. */
const COLUMN_TYPE =
  '(?:INT|INTEGER|TEXT|VARCHAR|CHAR|BOOLEAN|BOOL|REAL|FLOAT|DOUBLE|NUMERIC|DECIMAL|DATE|DATETIME|TIMESTAMP|TIMESTAMPTZ|BLOB|SERIAL|BIGSERIAL|BIGINT|SMALLINT|UUID|JSON|JSONB)\\b';
/** A WHERE condition: a column and a comparison operator. */
const COMPARISON = '[\\w."`]+\\s*(?:=|<>|!=|<=|>=|<|>|\\bLIKE\\b|\\bIN\\s*\\(|\\bIS\\s+(?:NOT\\s+)?NULL\\b)';

const SQL_SHAPES: readonly RegExp[] = [
  // Upper-case keywords, as SQL is written: SELECT id, name FROM users. (Gaps are bounded so a long line stays linear.)
  /\bSELECT\s+(?:DISTINCT\s+)?\S.{0,200}?\s+FROM\s+[\w."`[\]]+/,
  // Any case, when the column list can only be SQL: select * from t / select count(*) from t / select a.b from t
  /\bselect\s+(?:distinct\s+)?(?:\*|count\(|[a-z_]\w*\.[a-z_]\w*|[a-z_]\w*\s*,\s*[a-z_]\w*\s*(?:,|\s+from\b)).{0,200}?\bfrom\s+\w+(?=\s*(?:$|;|`|\)|\bwhere\b|\bjoin\b|\border\s+by\b|\bgroup\s+by\b|\blimit\b))/i,
  // Any case, with a WHERE comparison: select name from users where id = 1
  /\bselect\s+\S.{0,200}?\s+from\s+\w+\s+where\s+[\w.]+\s*(?:=|<>|!=|<=|>=|<|>|\blike\b|\bin\s*\(|\bis\s+(?:not\s+)?null)/i,
  new RegExp(`\\bINSERT\\s+INTO\\s+${NAME}\\s*(?:\\([^)]{0,300}\\)\\s*)?(?:VALUES|SELECT)\\b`, 'i'),
  // CREATE TABLE as written (upper case), or in any case when a typed column follows: create table t (id int
  new RegExp(`\\bCREATE\\s+(?:TEMP(?:ORARY)?\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${NAME}\\s*\\(`),
  new RegExp(
    `\\bcreate\\s+(?:temp(?:orary)?\\s+)?table\\s+(?:if\\s+not\\s+exists\\s+)?${NAME}\\s*\\(\\s*[\\w"\`]+\\s+${COLUMN_TYPE}`,
    'i',
  ),
  // "Create index cards on the board" is English: the index needs upper case or a column list.
  new RegExp(`\\bCREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${NAME}\\s+ON\\s+${NAME}`),
  new RegExp(`\\bcreate\\s+(?:unique\\s+)?index\\s+${NAME}\\s+on\\s+${NAME}\\s*\\(`, 'i'),
  new RegExp(`\\bUPDATE\\s+${NAME}\\s+SET\\s+[\\w."\`]+\\s*=`, 'i'),
  // "delete from history where the item is old" is English: WHERE needs a comparison.
  new RegExp(`\\bDELETE\\s+FROM\\s+${NAME}(?:\\s+WHERE\\s+${COMPARISON}|\\s*;)`, 'i'),
  new RegExp(`\\bALTER\\s+TABLE\\s+${NAME}\\s+(?:ADD|DROP|RENAME|ALTER)\\b`),
  new RegExp(
    `\\balter\\s+table\\s+${NAME}\\s+(?:(?:add|drop|alter)\\s+(?:column|constraint)|rename\\s+(?:to|column))\\b`,
    'i',
  ),
  /\bDROP\s+(?:TABLE|INDEX|VIEW|DATABASE)\s+(?:IF\s+EXISTS\s+)?[\w."`]+/,
  /\bJOIN\s+\w+(?:\s+\w+)?\s+ON\s+\w+\.\w+\s*=/i,
];

/**
 * The keyword each shape starts with, lower-cased: a shape can only match a line that contains it in
 * some casing, so a line without any of these keywords (the rule's vocabulary) skips every pattern.
 */
const SHAPE_KEYWORDS: readonly string[] = SQL_SHAPES.map((re) => {
  const keyword = /^\\b\(?\??:?([A-Za-z]+)/.exec(re.source)?.[1];
  if (!keyword) throw new Error(`no leading keyword in ${re.source}`);
  return keyword.toLowerCase();
});

/** The first SQL statement in one (masked) line, given with the vocabulary words it holds. */
function findSql(text: string, present: ReadonlySet<string>): { index: number; statement: string } | undefined {
  if (present.size === 0) return undefined;
  let best: { index: number; statement: string } | undefined;
  for (let i = 0; i < SQL_SHAPES.length; i++) {
    const re = SQL_SHAPES[i] as RegExp;
    if (!present.has(SHAPE_KEYWORDS[i] as string)) continue;
    const m = re.exec(text);
    if (m && (best === undefined || m.index < best.index)) best = { index: m.index, statement: m[0] };
  }
  return best;
}

/** Reports SQL statements and schema definitions. */
function checkSql(view: LintView): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const line of lintableLines(view)) {
    const found = findSql(line.scan, line.vocabulary);
    if (!found) continue;
    findings.push({
      line: line.number,
      column: found.index + 1,
      message: `SQL in the instruction: \`${found.statement.slice(0, 60)}\`.`,
    });
  }
  return findings;
}

/** `no-sql`: SQL statements and schemas. */
export const noSql = defineLintRule({
  id: 'no-sql',
  defaultSeverity: 'warning',
  summary: 'SQL statements and schemas',
  description:
    'An SQL statement or schema, recognised by clause structure (`SELECT ... FROM`, `INSERT INTO t VALUES`, `CREATE TABLE t (`, `UPDATE t SET c =`, `DELETE FROM t WHERE`), not by the words alone.',
  hint: 'Describe the data that must be kept or found; the executor designs storage and queries.',
  examples: {
    context: 'requirements',
    bad: [
      '- Load SELECT id, name FROM users WHERE active = 1',
      '- Add CREATE TABLE sessions (id TEXT PRIMARY KEY)',
      "- Seed with insert into sessions values (1, 'x')",
    ],
    good: [
      '- Select the items from the list',
      '- Create a table of results for the report',
      '- Users can delete their account',
      '- Update the settings page',
    ],
  },
  notes: [
    'Clause structure, never the words alone.',
    'Upper-case `SELECT ... FROM t` counts as written. In lower or mixed case a SELECT counts only when its column list can only be SQL (`*`, `count(`, `a.b`, `a, b`) and the clause ends after the table, or when it has a `WHERE col =` comparison.',
    '`INSERT INTO t VALUES` / `INSERT INTO t (a, b) VALUES`, and `UPDATE t SET c =`, in any case.',
    '`CREATE TABLE t (` in upper case, or in any case when a typed column follows (`create table runs (id int`); `CREATE INDEX i ON t` in upper case, or in any case with a column list.',
    '`DELETE FROM t WHERE` followed by a comparison, or `DELETE FROM t;`. `ALTER TABLE` in upper case, or with `add column`, `drop column`, `rename to`. `DROP TABLE` in upper case. `JOIN t ON a.b =`.',
    'So "Select the items from the list", "Create a table of results", "Create index cards on the board", "Users can delete their account" and "delete from history where the item is old" are English.',
  ],
  vocabulary: SHAPE_KEYWORDS,
  check: checkSql,
});
