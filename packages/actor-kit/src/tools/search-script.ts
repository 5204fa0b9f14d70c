/**
 * The program the `search` tool runs INSIDE the sandbox (`node -e`), so a model-supplied pattern never
 * runs on the host: a catastrophic regex costs at most the command timeout, and cancelling kills it.
 *
 * argv: JSON `{ pattern, regex, caseSensitive, max, dir, maxFileBytes, maxLineChars, skip }`.
 * Prints `path:line: text` per hit, then `[stopped at N results]` when it stopped early.
 * Exit code 2 with the message on stderr: the pattern is not a valid regular expression.
 * Plain JavaScript (no TypeScript), kept small: it is sent as an argument of every search.
 */
export const SEARCH_SCRIPT = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const o = JSON.parse(process.argv[1]);
let test;
if (o.regex) {
  let re;
  try { re = new RegExp(o.pattern, o.caseSensitive ? '' : 'i'); }
  catch (e) { process.stderr.write(String(e.message)); process.exit(2); }
  test = (line) => re.test(line);
} else {
  const needle = o.caseSensitive ? o.pattern : o.pattern.toLowerCase();
  test = (line) => (o.caseSensitive ? line : line.toLowerCase()).includes(needle);
}
const cut = (s) => Array.from(s).slice(0, o.maxLineChars).join('');
const out = [];
let hits = 0;
function walk(dir) {
  let entries;
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (hits >= o.max) return;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) { if (!o.skip.includes(e.name)) walk(full); continue; }
    if (!e.isFile()) continue;
    let text;
    try { if (fs.statSync(full).size > o.maxFileBytes) continue; text = fs.readFileSync(full, 'utf8'); } catch { continue; }
    if (text.includes('\u0000')) continue;
    const lines = text.split('\n');
    const rel = path.relative(process.cwd(), full).split(path.sep).join('/');
    for (let i = 0; i < lines.length && hits < o.max; i++) {
      if (test(lines[i])) { out.push(rel + ':' + (i + 1) + ': ' + cut(lines[i])); hits++; }
    }
  }
}
walk(o.dir);
if (hits >= o.max) out.push('[stopped at ' + o.max + ' results]');
process.stdout.write(out.length ? out.join('\n') : 'no matches');
`;
