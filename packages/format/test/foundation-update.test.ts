import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SessionHubError } from '../src/errors.js';
import { applyFoundationUpdate, FoundationUpdateError, parseFoundation } from '../src/foundation/index.js';
import { insertedLines, withMarkersRewritten } from './fixtures/foundation/edit-check.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/foundation/${name}`, import.meta.url), 'utf8');
const entry = {
  name: 'Scheduler Hardening, part B',
  date: '2025-06-21',
  achievements: ['Lease renewal under load', 'Chaos suite green'],
};

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('applyFoundationUpdate keeps every other byte', () => {
  it('on the drifting PROJECT FOUNDATION document: markers bumped together, a block appended in style', () => {
    const text = fixture('project-foundation.md.txt');
    const out = applyFoundationUpdate(text, { version: '2.22B', next: '2.23', entry });
    const inserted = insertedLines(withMarkersRewritten(text, '2.22B', '2.23'), out);
    expect(inserted.join('\n')).toContain(
      [
        '### Session 2.22B: Scheduler Hardening, part B (2025-06-21)',
        '',
        '**Status:** ✅ Completed',
        '',
        '**Key Achievements:**',
        '- Lease renewal under load',
        '- Chaos suite green',
      ].join('\n'),
    );
    // The entry follows the log's own separator (a rule between blocks) and lands before the footer.
    expect(out).toContain('- Retries with jitter for transient storage errors\n\n---\n\n### Session 2.22B');
    expect(out.endsWith('- Chaos suite green\n\n---\n\n*Version v2.22B | Session 2.22B | Next 2.23*\n')).toBe(true);
    const { document, diagnostics } = parseFoundation(out);
    expect(document.version?.text).toBe('2.22B');
    expect(new Set(document.markers.filter((m) => m.role === 'current').map((m) => m.version.text))).toEqual(
      new Set(['2.22B']),
    );
    expect(document.log.at(-1)).toMatchObject({
      name: entry.name,
      date: '2025-06-21',
      status: 'completed',
      achievements: entry.achievements,
    });
    expect(diagnostics).toEqual([]);
  });

  it('on a table log: one row in the table, the <br> style kept, pipes escaped', () => {
    const text = fixture('table-log.md.txt');
    const out = applyFoundationUpdate(text, {
      version: '0.13',
      next: '0.14',
      entry: {
        name: 'Ledger | Export',
        date: '2025-03-30',
        status: 'failed',
        achievements: ['PDF export', 'CSV tweaks'],
      },
    });
    const inserted = insertedLines(withMarkersRewritten(text, '0.13', '0.14'), out);
    expect(inserted).toEqual(['| 0.13 | 2025-03-30 | Ledger \\| Export | Failed | PDF export<br>CSV tweaks |']);
    const { document } = parseFoundation(out);
    expect(document.log.at(-1)).toMatchObject({
      name: 'Ledger | Export',
      status: 'failed',
      achievements: ['PDF export', 'CSV tweaks'],
    });
    expect(document.nextSession?.text).toBe('0.14');
  });

  it('on a CRLF document with a BOM: BOM and CRLF kept, new lines written with CRLF', () => {
    const text = fixture('crlf-list-log.md.txt');
    const out = applyFoundationUpdate(text, { version: '1.8', next: '1.9', entry });
    expect(out.startsWith('\uFEFF# Harbor CLI - Foundation v1.8\r\n')).toBe(true);
    const inserted = insertedLines(withMarkersRewritten(text, '1.8', '1.9'), out);
    expect(inserted).toEqual([
      '- **1.8** (2025-06-21) - Scheduler Hardening, part B - completed\r',
      '  - Lease renewal under load\r',
      '  - Chaos suite green\r',
    ]);
    expect(out.replace(/\r\n/g, '').includes('\n')).toBe(false);
    expect(out.endsWith('_Version v1.8 · Session 1.8 · Next 1.9_\r\n')).toBe(true);
  });

  it('on a document without a log: the canonical Session Log section is added at the end', () => {
    const text = fixture('no-log.md.txt');
    const out = applyFoundationUpdate(text, { version: '0.5', entry });
    insertedLines(withMarkersRewritten(text, '0.5'), out);
    const appended = [
      '',
      '## Session Log',
      '',
      '### Session 0.5: Scheduler Hardening, part B (2025-06-21)',
      '',
      '**Status:** completed',
      '',
      '**Key Achievements:**',
      '',
      '- Lease renewal under load',
      '- Chaos suite green',
      '',
    ].join('\n');
    expect(out).toBe(withMarkersRewritten(text, '0.5') + appended);
    expect(parseFoundation(out).document.log).toHaveLength(1);
    expect(parseFoundation(out).document.title).toBe('Orchid Design System Foundation');
  });

  it('on a newest-first log: the entry goes on top, spaced like the others', () => {
    const text = fixture('reverse-log.md.txt');
    const out = applyFoundationUpdate(text, {
      version: '2.30',
      next: '2.31',
      entry: { ...entry, name: 'Edge caching' },
    });
    const inserted = insertedLines(withMarkersRewritten(text, '2.30', '2.31'), out);
    expect(inserted).toEqual([
      '### 2.30 — Edge caching — 2025-06-21',
      '- **Status:** Done',
      '- Lease renewal under load',
      '- Chaos suite green',
      '',
    ]);
    const log = parseFoundation(out).document.log;
    expect(log.map((e) => e.version.text)).toEqual(['2.30', '2.29.2H', '2.29.2G', '2.25A.1', '2.9.1']);
    expect(parseFoundation(out).diagnostics).toEqual([]);
  });

  it('keeps a missing final newline missing, and a v prefix where each marker had one', () => {
    const text =
      '# T v1.2\n\n**Current Version:** 1.2\n\n## Session Log\n\n- 1.2 (2025-01-01): One\n\n*Version v1.2 | Session 1.2*';
    const out = applyFoundationUpdate(text, {
      version: '1.3',
      entry: { name: 'Two', date: '2025-01-02', status: 'done' },
    });
    expect(out).toBe(
      '# T v1.3\n\n**Current Version:** 1.3\n\n## Session Log\n\n- 1.2 (2025-01-01): One\n- 1.3 (2025-01-02): Two\n\n*Version v1.3 | Session 1.3*',
    );
  });

  it('adds a Current Version line under the title when the document states none', () => {
    const out = applyFoundationUpdate('# T\n\nText.\n', {
      version: '0.1',
      entry: { name: 'Start', date: '2025-01-01' },
    });
    expect(out.startsWith('# T\n\n**Current Version:** 0.1\n\nText.\n\n## Session Log\n')).toBe(true);
    expect(parseFoundation(out).document.version?.text).toBe('0.1');
  });

  it('writes the first row of a table log that has only its header', () => {
    const text =
      '# T\n\nCurrent Version: 1.0\n\n## Session Log\n\n| Session | Date | Name | Status |\n|---|---|---|---|\n\n## Notes\n';
    const out = applyFoundationUpdate(text, { version: '1.1', entry: { name: 'First', date: '2025-02-03' } });
    expect(insertedLines(withMarkersRewritten(text, '1.1'), out)).toEqual(['| 1.1 | 2025-02-03 | First | completed |']);
  });
});

describe('applyFoundationUpdate versions', () => {
  const doc = (v: string) => `# T\n\nCurrent Version: ${v}\n\n## Session Log\n\n- ${v} (2025-01-01): Earlier\n`;
  const bump = (from: string, to: string) =>
    applyFoundationUpdate(doc(from), { version: to, entry: { name: 'Next', date: '2025-01-02' } });

  it.each([
    ['2.22A', '2.22B'],
    ['2.9', '2.10'],
    ['2.22', '2.22A'],
    ['2.25A', '2.25A.1'],
    ['2.29.2G', '2.29.2H'],
    ['0.12', 'v0.13'],
  ])('%s → %s moves forward', (from, to) => {
    const out = bump(from, to);
    expect(parseFoundation(out).document.version?.text).toBe(to.replace(/^v/, ''));
  });

  it.each([
    ['2.10', '2.9'],
    ['2.3', '2.3'],
    ['2.22B', '2.22A'],
    ['2.3', 'v2.3'],
  ])('%s → %s is foundation.version_not_forward', (from, to) => {
    const error = thrown(() => bump(from, to));
    expect(error).toBeInstanceOf(FoundationUpdateError);
    expect(error).toBeInstanceOf(SessionHubError);
    expect((error as FoundationUpdateError).code).toBe('foundation.version_not_forward');
  });

  it('compares with the newest log entry too, when the markers lag behind it', () => {
    const text = '# T\n\nCurrent Version: 1.1\n\n## Session Log\n\n- 1.2 (2025-01-01): Ahead\n';
    expect(
      (thrown(() => applyFoundationUpdate(text, { version: '1.2', entry: { name: 'x' } })) as FoundationUpdateError)
        .code,
    ).toBe('foundation.version_not_forward');
  });

  it.each(['2', 'two.three', '', '2.3-beta', 'v'])('%j is foundation.bad_version', (bad) => {
    const error = thrown(() => bump('1.0', bad)) as FoundationUpdateError;
    expect(error).toBeInstanceOf(FoundationUpdateError);
    expect(error.code).toBe('foundation.bad_version');
  });

  it('rejects an unreadable or backward next pointer and an unnamed entry, leaving nothing half done', () => {
    const text = doc('1.0');
    expect(
      (
        thrown(() =>
          applyFoundationUpdate(text, { version: '1.1', next: 'soon', entry: { name: 'x' } }),
        ) as FoundationUpdateError
      ).code,
    ).toBe('foundation.bad_version');
    expect(
      (
        thrown(() =>
          applyFoundationUpdate(text, { version: '1.1', next: '1.1', entry: { name: 'x' } }),
        ) as FoundationUpdateError
      ).code,
    ).toBe('foundation.next_not_ahead');
    expect(
      (thrown(() => applyFoundationUpdate(text, { version: '1.1', entry: { name: '  ' } })) as FoundationUpdateError)
        .code,
    ).toBe('foundation.bad_entry');
  });
});

describe('applyFoundationUpdate next pointer', () => {
  const text = '# T\n\n- Version: 1.0\n- Next Session: 1.1\n\n## Session Log\n\n## Other\n\nVersion v1.0 | Next v1.1\n';

  it('rewrites every next pointer when next is given', () => {
    const out = applyFoundationUpdate(text, { version: '1.1', next: '1.2', entry: { name: 'A', date: '2025-01-01' } });
    expect(out).toContain('- Next Session: 1.2\n');
    expect(out).toContain('Version v1.1 | Next v1.2\n');
    expect(parseFoundation(out).document.nextSession?.text).toBe('1.2');
  });

  it('leaves next pointers alone without next (and parse then reports them as not ahead)', () => {
    const out = applyFoundationUpdate(text, { version: '1.1', entry: { name: 'A', date: '2025-01-01' } });
    expect(out).toContain('- Next Session: 1.1\n');
    expect(out).toContain('Version v1.1 | Next v1.1\n');
    expect(parseFoundation(out).diagnostics.map((d) => d.code)).toContain('foundation-next-not-ahead');
  });

  it('puts the first entry of an empty log section inside that section', () => {
    const out = applyFoundationUpdate(text, { version: '1.1', entry: { name: 'A', date: '2025-01-01' } });
    expect(out).toContain('## Session Log\n\n### Session 1.1: A (2025-01-01)\n\n**Status:** completed\n\n## Other');
  });
});

describe('applyFoundationUpdate in other real-world log shapes', () => {
  it('a newest-first table: the row goes right under the header', () => {
    const text = [
      '# T',
      '',
      '**Version:** 3.2',
      '',
      '## Changelog',
      '',
      '| # | When | Focus | Result |',
      '|:-:|------|-------|--------|',
      '| **v3.2** | 2025-05-02 | Search | ✅ |',
      '| **v3.1** | 2025-05-01 | Indexing | ❌ |',
      '',
    ].join('\n');
    const out = applyFoundationUpdate(text, { version: '3.3', entry: { name: 'Ranking', date: '2025-05-03' } });
    expect(insertedLines(withMarkersRewritten(text, '3.3'), out)).toEqual(['| **v3.3** | 2025-05-03 | Ranking | ✅ |']);
    expect(out).toContain('|:-:|------|-------|--------|\n| **v3.3** |');
    expect(parseFoundation(out).document.log.map((e) => [e.version.text, e.status])).toEqual([
      ['3.3', 'completed'],
      ['3.2', 'completed'],
      ['3.1', 'failed'],
    ]);
  });

  it('blocks with a bulleted status, a sub-heading for achievements and extra fields', () => {
    const text = [
      '# T',
      '',
      '- Current Version: 1.4',
      '',
      '## Session Log',
      '',
      '### Earlier sessions',
      '- 1.1: Setup ✅',
      '- 1.2: Models ✅',
      '',
      '### 📅 Session 1.3 — Billing (May 2, 2025)',
      '- Status: ✅ COMPLETE',
      '- Duration: 2h',
      '#### Key Achievements',
      '* Stripe webhooks',
      '* Invoices as PDF',
      '',
      '### 📅 Session 1.4 — Refunds (May 9, 2025)',
      '- Status: ✅ COMPLETE',
      '- Duration: 1h',
      '#### Key Achievements',
      '* Partial refunds',
      '',
      '## Appendix',
      '',
    ].join('\n');
    const before = parseFoundation(text).document;
    expect(before.log.map((e) => [e.version.text, e.name, e.date, e.status])).toEqual([
      ['1.1', 'Setup', '', 'completed'],
      ['1.2', 'Models', '', 'completed'],
      ['1.3', 'Billing', '2025-05-02', 'completed'],
      ['1.4', 'Refunds', '2025-05-09', 'completed'],
    ]);
    expect(before.log[2]!.achievements).toEqual(['Stripe webhooks', 'Invoices as PDF']);
    const out = applyFoundationUpdate(text, {
      version: '1.5',
      entry: { name: 'Coupons', date: '2025-05-16', achievements: ['Percent coupons', 'Expiry dates'] },
    });
    expect(insertedLines(withMarkersRewritten(text, '1.5'), out)).toHaveLength(6);
    // The copy keeps the layout (emoji, dash, bullet status, sub-heading, `*` bullets) but not Duration.
    expect(out).toContain(
      [
        '* Partial refunds',
        '',
        '### 📅 Session 1.5 — Coupons (2025-05-16)',
        '- Status: ✅ COMPLETE',
        '#### Key Achievements',
        '* Percent coupons',
        '* Expiry dates',
        '',
        '## Appendix',
      ].join('\n'),
    );
  });

  it('bold paragraph entries without bullets', () => {
    const text = [
      '# PROJECT FOUNDATION v2.22A - Atlas',
      '',
      '## Session Log',
      '',
      '**Session 2.21 - Name** (2025-01-01) ✅',
      '- a',
      '- b',
      '',
      '**Session 2.22A - Other** (2025-01-02) ✅',
      '- c',
      '',
      'Older sessions are archived in the wiki.',
      '',
    ].join('\n');
    const { document } = parseFoundation(text);
    expect(document.title).toBe('PROJECT FOUNDATION - Atlas');
    expect(document.log.map((e) => [e.version.text, e.name, e.status, e.date, e.achievements])).toEqual([
      ['2.21', 'Name', 'completed', '2025-01-01', ['a', 'b']],
      ['2.22A', 'Other', 'completed', '2025-01-02', ['c']],
    ]);
    const out = applyFoundationUpdate(text, {
      version: '2.22B',
      entry: { name: 'New', date: '2025-02-02', achievements: ['x'] },
    });
    expect(insertedLines(withMarkersRewritten(text, '2.22B'), out)).toHaveLength(3);
    expect(out).toContain('- c\n\n**Session 2.22B - New** (2025-02-02) ✅\n- x\n\nOlder sessions');
  });
});

describe('applyFoundationUpdate on every fixture in every encoding variant', () => {
  const names = [
    'project-foundation.md.txt',
    'table-log.md.txt',
    'crlf-list-log.md.txt',
    'no-log.md.txt',
    'reverse-log.md.txt',
  ];
  const variants: [string, (t: string) => string][] = [
    ['as is', (t) => t],
    ['LF', (t) => t.replace(/\r\n/g, '\n')],
    ['CRLF', (t) => t.replace(/\r\n/g, '\n').replace(/\n/g, '\r\n')],
    ['BOM', (t) => (t.startsWith('\uFEFF') ? t : `\uFEFF${t}`)],
    ['no final newline', (t) => t.replace(/\r?\n$/, '')],
    ['CRLF, no final newline', (t) => t.replace(/\r\n/g, '\n').replace(/\n/g, '\r\n').replace(/\r\n$/, '')],
  ];
  for (const name of names) {
    for (const [label, variant] of variants) {
      it(`${name}, ${label}`, () => {
        const text = variant(fixture(name));
        const current = parseFoundation(text).document.version!;
        const version = `${current.parts[0]!.number}.${current.parts[1]!.number + 1}`;
        const out = applyFoundationUpdate(text, {
          version,
          next: `${current.parts[0]!.number}.${current.parts[1]!.number + 2}`,
          entry,
        });
        const crlf = text.includes('\r\n');
        insertedLines(
          withMarkersRewritten(text, version, `${current.parts[0]!.number}.${current.parts[1]!.number + 2}`),
          out,
        );
        expect(out.startsWith('\uFEFF')).toBe(text.startsWith('\uFEFF'));
        expect(/\n$/.test(out)).toBe(/\n$/.test(text));
        if (crlf) expect(/(^|[^\r])\n/.test(out)).toBe(false);
        else expect(out.includes('\r')).toBe(false);
        const after = parseFoundation(out);
        expect(after.document.version?.text).toBe(version);
        expect(after.document.log.some((e) => e.version.text === version && e.name === entry.name)).toBe(true);
      });
    }
  }
});
