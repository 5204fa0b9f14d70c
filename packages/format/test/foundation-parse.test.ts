import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FoundationDocumentSchema, parseFoundation } from '../src/foundation/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/foundation/${name}`, import.meta.url), 'utf8');
const codes = (text: string) => parseFoundation(text).diagnostics.map((d) => d.code);
const summary = (text: string) =>
  parseFoundation(text).document.markers.map((m) => `${m.kind}/${m.role} ${m.line}:${m.column} ${m.raw}`);

describe('parseFoundation on a long drifting PROJECT FOUNDATION document', () => {
  const text = fixture('project-foundation.md.txt');
  const { document, diagnostics } = parseFoundation(text);

  it('finds the title, the highest marker as the version and the next session', () => {
    expect(document.title).toBe('🏗️ PROJECT FOUNDATION - Atlas Workflow Platform');
    expect(document.version?.text).toBe('2.22A');
    expect(document.nextSession?.text).toBe('2.23');
    expect(FoundationDocumentSchema.parse(document)).toEqual(document);
  });

  it('finds every marker with its position, and none inside code fences, prose or the log', () => {
    expect(summary(text)).toEqual([
      'current-version-line/current 3:22 v2.22A',
      'metadata/current 13:12 2.21',
      'metadata/next 16:17 2.23',
      'footer/current 93:10 v2.20',
      'footer/current 93:26 2.20',
      'footer/next 93:38 2.21',
    ]);
    const lines = text.split('\n');
    for (const m of document.markers) expect(lines[m.line - 1]!.slice(m.column - 1)).toMatch(new RegExp(`^${m.raw}`));
  });

  it('reports the drift once, at the first lagging marker, listing every marker', () => {
    const drift = diagnostics.filter((d) => d.code === 'foundation-version-drift');
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({ severity: 'warning', line: 13, column: 12 });
    for (const where of ['line 3:22', 'line 13:12', 'line 93:10', 'line 93:26'])
      expect(drift[0]!.message).toContain(where);
    expect(diagnostics.find((d) => d.code === 'foundation-next-drift')).toMatchObject({ line: 93, column: 38 });
    expect(diagnostics.map((d) => d.code).sort()).toEqual(['foundation-next-drift', 'foundation-version-drift']);
  });

  it('reads the block log: version, ISO date, name, status, achievements, summary, lines', () => {
    expect(document.logStyle).toBe('blocks');
    expect(document.logSection).toEqual({ startLine: 46, endLine: 89 });
    expect(document.log.map((e) => [e.version.text, e.date, e.name, e.status, e.line, e.endLine])).toEqual([
      ['2.19', '2025-05-20', 'Worker Memory Limits', 'completed', 48, 55],
      ['2.20', '2025-06-01', 'Scheduler Leader Election', 'completed', 59, 69],
      ['2.21', '2025-06-07', 'Queue Backpressure', 'partial', 73, 79],
      ['2.22A', '2025-06-14', 'Scheduler Hardening, part A', 'completed', 83, 89],
    ]);
    expect(document.log[1]!.achievements).toEqual([
      'Leader election through PostgreSQL advisory locks',
      'Failover measured under 4 s in the chaos suite',
      'Metrics for lease renewals',
    ]);
    expect(document.log[1]!.summary).toBe('Replaced the single scheduler process with a leased leader.');
  });
});

describe('parseFoundation on a table log', () => {
  const text = fixture('table-log.md.txt');
  const { document, diagnostics } = parseFoundation(text);

  it('reads markers from a Current Version line, a key/value table and a footer, all agreeing', () => {
    expect(document.title).toBe('Ledgerly Foundation Document');
    expect(document.version?.text).toBe('0.12');
    expect(document.nextSession?.text).toBe('0.13');
    expect(summary(text)).toEqual([
      'current-version-line/current 3:18 0.12',
      'metadata/current 12:13 0.12',
      'metadata/next 13:18 0.13',
      'footer/current 34:9 v0.12',
      'footer/current 34:25 0.12',
      'footer/next 34:37 0.13',
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('reads rows by column name, minors of 10 and more, month-name dates, <br> and ; lists', () => {
    expect(document.logStyle).toBe('table');
    expect(document.log.map((e) => [e.version.text, e.date, e.name, e.status])).toEqual([
      ['0.9', '2025-03-02', 'Journal Model', 'completed'],
      ['0.10', '2025-03-09', 'Accounts API', 'completed'],
      ['0.11', '2025-03-16', 'Reports', 'failed'],
      ['0.12', '2025-03-23', 'Reports, second try', 'completed'],
    ]);
    expect(document.log[3]!.achievements).toEqual([
      'Materialised balances',
      'trial balance under 50 ms',
      'Export to CSV',
    ]);
  });
});

describe('parseFoundation on a CRLF document with a BOM and a bullet-list log', () => {
  const text = fixture('crlf-list-log.md.txt');
  const { document, diagnostics } = parseFoundation(text);

  it('really is CRLF with a BOM (guards the fixture against checkout conversion)', () => {
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(
      text
        .split('\n')
        .slice(0, -1)
        .every((l) => l.endsWith('\r')),
    ).toBe(true);
  });

  it('finds the titled version and positions without counting the BOM or the CR', () => {
    expect(document.title).toBe('Harbor CLI - Foundation');
    expect(document.version?.text).toBe('1.7');
    expect(summary(text)).toEqual([
      'heading/current 1:27 v1.7',
      'metadata/current 3:12 1.7',
      'metadata/current 4:17 1.7',
      'metadata/next 5:17 1.8',
      'footer/current 24:10 v1.7',
      'footer/current 24:25 1.7',
      'footer/next 24:36 1.8',
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('reads list entries with sub-bullet achievements', () => {
    expect(document.logStyle).toBe('list');
    expect(document.log.map((e) => [e.version.text, e.date, e.name, e.status, e.achievements.length])).toEqual([
      ['1.5', '2025-01-10', 'Registry auth', 'completed', 2],
      ['1.6', '2025-01-17', 'Parallel layer copy', 'completed', 1],
      ['1.7', '2025-01-24', 'Progress output', 'completed', 2],
    ]);
    expect(document.log[2]!.achievements).toEqual(['One progress bar per layer', 'Quiet mode for CI']);
  });
});

describe('parseFoundation on a document without a log', () => {
  const { document, diagnostics } = parseFoundation(fixture('no-log.md.txt'));

  it('reads the version from the title and the Current Version line, and reports the missing log', () => {
    expect(document.title).toBe('Orchid Design System Foundation');
    expect(document.version?.text).toBe('0.4');
    expect(document.nextSession?.text).toBe('0.5');
    expect(document.markers.map((m) => m.kind)).toEqual(['heading', 'current-version-line', 'metadata']);
    expect(document.log).toEqual([]);
    expect(document.logSection).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(['foundation-no-log']);
  });
});

describe('parseFoundation on a newest-first log with letter splits and patch versions', () => {
  const { document, diagnostics } = parseFoundation(fixture('reverse-log.md.txt'));

  it('orders 2.29.2H > 2.29.2G > 2.25A.1 > 2.9.1 and reads it as newest first without complaint', () => {
    expect(document.version?.text).toBe('2.29.2H');
    expect(document.nextSession?.text).toBe('2.30');
    expect(document.log.map((e) => e.version.text)).toEqual(['2.29.2H', '2.29.2G', '2.25A.1', '2.9.1']);
    expect(document.log.map((e) => e.status)).toEqual(['completed', 'completed', 'completed', 'failed']);
    expect(document.log[2]!.name).toBe('Emergency fix for header parsing');
    expect(diagnostics).toEqual([]);
  });
});

describe('parseFoundation diagnostics', () => {
  it('reports a document that states no version, and falls back to the newest log entry', () => {
    const text = '# X\n\n## Session Log\n\n- Session 1.2: Two (2025-01-02) - done\n- Session 1.3: Three - done\n';
    const { document, diagnostics } = parseFoundation(text);
    expect(document.version?.text).toBe('1.3');
    expect(diagnostics.map((d) => d.code)).toEqual(['foundation-no-version']);
  });

  it('reports entries out of order and duplicates, at their lines', () => {
    const text = [
      '# X',
      'Current Version: 1.4',
      '## Session Log',
      '### Session 1.1: A',
      '### Session 1.3: C',
      '### Session 1.2: B',
      '### Session 1.4: D',
      '### Session 1.4: D again',
    ].join('\n');
    const diagnostics = parseFoundation(text).diagnostics;
    expect(diagnostics.filter((d) => d.code === 'foundation-log-out-of-order').map((d) => d.line)).toEqual([6]);
    expect(diagnostics.filter((d) => d.code === 'foundation-log-duplicate-version').map((d) => d.line)).toEqual([8]);
  });

  it('reports a log that is ahead of the stated version, and a next pointer that is not ahead', () => {
    const text = '# X\n\n- Version: 1.2\n- Next Session: 1.2\n\n## Session Log\n\n- 1.3 (2025-01-01): Ahead\n';
    expect(codes(text).sort()).toEqual(['foundation-log-ahead-of-version', 'foundation-next-not-ahead']);
  });

  it('reports a missing title as info and never throws on odd input', () => {
    expect(parseFoundation('').diagnostics.map((d) => d.code)).toEqual([
      'foundation-no-title',
      'foundation-no-version',
      'foundation-no-log',
    ]);
    for (const odd of [
      '\uFEFF',
      '\r\n\r\n',
      '```\n# T\n',
      '| | |\n|-|-|\n',
      '## Session Log\n|a|\n|-|\n|1.2|',
      '#'.repeat(9),
    ]) {
      expect(() => parseFoundation(odd)).not.toThrow();
    }
  });

  it('accepts the many spellings of a Current Version line', () => {
    for (const line of [
      'Current Version: 2.3',
      '**Current Version:** 2.3',
      '**Current Version**: v2.3',
      '> **Current Version:** `2.3`',
      '- __Current Version:__ 2.3 (Session name)',
    ]) {
      const markers = parseFoundation(`# T\n\n${line}\n`).document.markers;
      expect(markers.map((m) => [m.kind, m.version.text])).toEqual([['current-version-line', '2.3']]);
    }
  });

  it('does not take versions in prose, lists of plans or code for markers', () => {
    const text = [
      '# T',
      '',
      'We moved to version 2.3 last week; the 3.0 release is planned.',
      '- Support Python 3.12 and 3.13',
      '    Version: 9.9',
      '```md',
      'Current Version: 9.9',
      '```',
    ].join('\n');
    expect(parseFoundation(text).document.markers).toEqual([]);
  });

  it('keeps same-level entry headings in the log and stops at the next other heading', () => {
    const text = [
      '# T',
      '## Session Log',
      '## Session 1.1: One (2025-01-01)',
      '- did one',
      '## Session 1.2 - Two',
      '**Status:** [DONE]',
      '## Appendix',
      '- Version: 1.2',
    ].join('\n');
    const { document, diagnostics } = parseFoundation(text);
    expect(document.log.map((e) => [e.version.text, e.name, e.status, e.achievements])).toEqual([
      ['1.1', 'One', '', ['did one']],
      ['1.2', 'Two', 'completed', []],
    ]);
    expect(document.logSection).toEqual({ startLine: 2, endLine: 6 });
    expect(document.markers.map((m) => m.line)).toEqual([8]);
    expect(diagnostics).toEqual([]);
  });

  it('reads statuses in headings only where they cannot be part of the name', () => {
    const text = [
      '# T',
      'Version: 1.3',
      '## Session Log',
      '### Session 1.1: Fix failed logins (2025-01-01) ✅',
      '### Session 1.2: Done-button redesign [FAILED]',
      '### Session 1.3: Retry queue - in progress',
    ].join('\n');
    const log = parseFoundation(text).document.log;
    expect(log.map((e) => [e.name, e.status])).toEqual([
      ['Fix failed logins', 'completed'],
      ['Done-button redesign', 'failed'],
      ['Retry queue', 'in-progress'],
    ]);
  });
});
