import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyFoundationUpdate, createFoundation, parseFoundation } from '../src/foundation/index.js';
import { insertedLines, withMarkersRewritten } from './fixtures/foundation/edit-check.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/foundation/${name}`, import.meta.url), 'utf8');
const FIXTURES = [
  'project-foundation.md.txt',
  'table-log.md.txt',
  'crlf-list-log.md.txt',
  'no-log.md.txt',
  'reverse-log.md.txt',
].map(fixture);

/** Words that look like the things the reader looks for, so neutral lines still exercise it. */
const WORD = fc.constantFrom(
  'the',
  'Version',
  'version',
  'Session',
  'Next',
  'log',
  'plan',
  'release',
  '3.1',
  'v4.0',
  '2.22A',
  '2025-01-01',
  'done',
  'failed',
  '✅',
  '(',
  ')',
  '*',
  '**',
  '-',
  '|',
  ':',
  '·',
  'é',
  '\t',
  'Version:',
  '1.2.3.4.5.6.7.8.9.10',
  '#',
  '```',
  '>',
);
const RAW_LINE = fc.array(WORD, { maxLength: 8 }).map((words) => words.join(' '));

/** A line that states no version marker and cannot change the document's structure. */
function isNeutral(line: string): boolean {
  if (/^\s*(?:#|```|~~~|\|)/.test(line)) return false;
  if (parseFoundation(`# T\n\n${line}\n`).document.markers.length > 0) return false;
  if (parseFoundation(`## Session Log\n\n${line}\n`).document.log.length > 0) return false;
  return true;
}
const NEUTRAL_LINE = RAW_LINE.filter(isNeutral);

/** `base` with `extra` lines put at the given positions (never between two table rows). */
function sprinkle(base: string, extra: { at: number; line: string }[]): string {
  const crlf = base.includes('\r\n');
  const bom = base.startsWith('\uFEFF');
  const lines = (bom ? base.slice(1) : base).split('\n');
  for (const { at, line } of extra) {
    const k = at % lines.length;
    const neighbours = [lines[k - 1] ?? '', lines[k] ?? ''];
    if (neighbours.some((l) => /^\s*\|/.test(l))) continue;
    lines.splice(k, 0, crlf ? `${line}\r` : line);
  }
  return (bom ? '\uFEFF' : '') + lines.join('\n');
}

describe('applyFoundationUpdate properties', () => {
  it('neutral lines sprinkled anywhere survive an update; only markers change and one block is inserted', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXTURES),
        fc.array(fc.record({ at: fc.nat(200), line: NEUTRAL_LINE }), { maxLength: 12 }),
        (base, extra) => {
          const text = sprinkle(base, extra);
          const before = parseFoundation(text).document;
          // Neutral lines change neither what the document states nor its log.
          const plain = parseFoundation(base).document;
          const shape = (d: typeof before) => d.markers.map((m) => `${m.kind}/${m.role}/${m.raw}`);
          expect(shape(before)).toEqual(shape(plain));
          expect(before.log.map((e) => e.version.text)).toEqual(plain.log.map((e) => e.version.text));
          const version = `${before.version!.parts[0]!.number}.${before.version!.parts[1]!.number + 1}`;
          const out = applyFoundationUpdate(text, {
            version,
            entry: { name: 'Prop', date: '2025-02-02', achievements: ['x'] },
          });
          const inserted = insertedLines(withMarkersRewritten(text, version), out);
          expect(inserted.length).toBeGreaterThan(0);
          const after = parseFoundation(out).document;
          expect(after.version?.text).toBe(version);
          expect(after.log.filter((e) => e.version.text === version)).toHaveLength(1);
          expect(after.log).toHaveLength(before.log.length + 1);
        },
      ),
      { numRuns: 150, seed: 20251126 },
    );
  });

  it('parseFoundation never throws and reports 1-based positions inside the text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(RAW_LINE, fc.string()), { maxLength: 30 }), (lines) => {
        const text = lines.join('\n');
        const { diagnostics, document } = parseFoundation(text);
        expect(diagnostics.map((d) => d.code)).not.toContain('foundation-unreadable');
        const count = text.split('\n').length;
        for (const d of diagnostics) expect(d.line >= 1 && d.line <= count && d.column >= 1).toBe(true);
        for (const m of document.markers) expect(m.line >= 1 && m.line <= count && m.column >= 1).toBe(true);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('canonical layout properties', () => {
  const VERSION = fc
    .tuple(fc.nat(30), fc.nat(40), fc.constantFrom('', 'A', 'B', 'H'), fc.option(fc.nat(9), { nil: undefined }))
    .map(([major, minor, letter, patch]) => `${major}.${minor}${letter}${patch === undefined ? '' : `.${patch}`}`);
  const TITLE = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,30}[A-Za-z0-9]$/);

  it('createFoundation round-trips through parseFoundation with no warnings', () => {
    fc.assert(
      fc.property(TITLE, VERSION, (title, version) => {
        const { document, diagnostics } = parseFoundation(createFoundation({ title, version }));
        expect(document.title).toBe(title);
        expect(document.version?.text).toBe(version);
        expect(diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('repeated updates keep a canonical document canonical (same as writing it in one go)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.boolean(), (steps, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        let text = createFoundation({ title: 'Acme', version: '1.0', eol });
        for (let k = 1; k <= steps; k++) {
          text = applyFoundationUpdate(text, {
            version: `1.${k}`,
            next: `1.${k + 1}`,
            entry: {
              name: `Step ${k}`,
              date: `2025-01-0${k}`,
              status: k % 2 ? 'completed' : 'failed',
              achievements: k % 3 ? [`a${k}`] : [],
            },
          });
        }
        const { document, diagnostics } = parseFoundation(text);
        expect(diagnostics).toEqual([]);
        expect(document.log.map((e) => e.name)).toEqual(Array.from({ length: steps }, (_, k) => `Step ${k + 1}`));
        // The document equals the canonical one for its final state: header, metadata, blocks, footer.
        const blocks = document.log.map((e) =>
          [
            `### Session ${e.version.text}: ${e.name} (${e.date})`,
            '',
            `**Status:** ${e.status}`,
            ...(e.achievements.length ? ['', '**Key Achievements:**', '', ...e.achievements.map((a) => `- ${a}`)] : []),
            '',
          ].join(eol),
        );
        const fresh = createFoundation({ title: 'Acme', version: `1.${steps}`, nextSession: `1.${steps + 1}`, eol });
        expect(text).toBe(
          fresh.replace(`## Session Log${eol}${eol}`, `## Session Log${eol}${eol}${blocks.join(eol)}${eol}`),
        );
      }),
      { numRuns: 40, seed: 3 },
    );
  });
});
