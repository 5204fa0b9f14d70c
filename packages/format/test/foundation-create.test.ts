import * as format from '@sessionhub/format';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  applyFoundationUpdate,
  createFoundation,
  FoundationDocumentSchema,
  FoundationLogEntrySchema,
  FoundationUpdateError,
  FoundationUpdateInputSchema,
  FoundationVersionMarkerSchema,
  parseFoundation,
} from '../src/foundation/index.js';

describe('createFoundation', () => {
  it('writes the canonical layout', () => {
    expect(
      createFoundation({ title: 'Acme', version: 'v2.22a', description: 'Acme schedules jobs.\nSmall and fast.' }),
    ).toBe(
      [
        '# Acme',
        '',
        '**Current Version:** 2.22A',
        '',
        '## Metadata',
        '',
        '- Version: 2.22A',
        '- Next Session: 2.23',
        '',
        '## Overview',
        '',
        'Acme schedules jobs.',
        'Small and fast.',
        '',
        '## Session Log',
        '',
        '---',
        '',
        'Version v2.22A | Session 2.22A | Next 2.23',
        '',
      ].join('\n'),
    );
  });

  it('round-trips through parseFoundation: title, version, next session, every marker, an empty log', () => {
    const text = createFoundation({ title: 'Harbor CLI', version: '1.9', nextSession: '1.10', eol: '\r\n' });
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    const { document, diagnostics } = parseFoundation(text);
    expect(document.title).toBe('Harbor CLI');
    expect(document.version?.text).toBe('1.9');
    expect(document.nextSession?.text).toBe('1.10');
    expect(document.markers.map((m) => `${m.kind}/${m.role}`)).toEqual([
      'current-version-line/current',
      'metadata/current',
      'metadata/next',
      'footer/current',
      'footer/current',
      'footer/next',
    ]);
    expect(document.log).toEqual([]);
    expect(document.logSection).toEqual({ startLine: 10, endLine: 10 });
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([['foundation-log-empty', 'info']]);
  });

  it('stays canonical under updates: the entry goes into the Session Log above the footer', () => {
    let text = createFoundation({ title: 'Acme', version: '0.1' });
    text = applyFoundationUpdate(text, {
      version: '0.2',
      next: '0.3',
      entry: { name: 'Bootstrap', date: '2025-04-01', achievements: ['Repo layout', 'CI'] },
    });
    text = applyFoundationUpdate(text, {
      version: '0.2.1',
      next: '0.3',
      entry: { name: 'Hotfix', date: '2025-04-02', status: 'failed' },
    });
    expect(text).toBe(
      [
        '# Acme',
        '',
        '**Current Version:** 0.2.1',
        '',
        '## Metadata',
        '',
        '- Version: 0.2.1',
        '- Next Session: 0.3',
        '',
        '## Session Log',
        '',
        '### Session 0.2: Bootstrap (2025-04-01)',
        '',
        '**Status:** completed',
        '',
        '**Key Achievements:**',
        '',
        '- Repo layout',
        '- CI',
        '',
        '### Session 0.2.1: Hotfix (2025-04-02)',
        '',
        '**Status:** failed',
        '',
        '---',
        '',
        'Version v0.2.1 | Session 0.2.1 | Next 0.3',
        '',
      ].join('\n'),
    );
    expect(parseFoundation(text).diagnostics).toEqual([]);
    expect(parseFoundation(text).document.logStyle).toBe('blocks');
  });

  it('rejects a bad version, a next session that is not ahead and an empty title with typed errors', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(FoundationUpdateError);
        return (error as FoundationUpdateError).code;
      }
      return 'no error';
    };
    expect(code(() => createFoundation({ title: 'A', version: '1' }))).toBe('foundation.bad_version');
    expect(code(() => createFoundation({ title: 'A', version: '1.2', nextSession: '1.1' }))).toBe(
      'foundation.next_not_ahead',
    );
    expect(code(() => createFoundation({ title: ' \n ', version: '1.2' }))).toBe('foundation.bad_entry');
  });
});

describe('Foundation schemas', () => {
  it('validate what parseFoundation returns and convert to JSON Schema', () => {
    const { document } = parseFoundation(createFoundation({ title: 'Acme', version: '0.1' }));
    expect(FoundationDocumentSchema.parse(document)).toEqual(document);
    for (const schema of [
      FoundationDocumentSchema,
      FoundationLogEntrySchema,
      FoundationVersionMarkerSchema,
      FoundationUpdateInputSchema,
    ]) {
      const json = z.toJSONSchema(schema) as { type?: string; properties?: object };
      expect(json.type).toBe('object');
      expect(Object.keys(json.properties ?? {}).length).toBeGreaterThan(1);
    }
    expect(FoundationUpdateInputSchema.safeParse({ version: '2.3', entry: {} }).success).toBe(false);
  });
});

describe('package entry point', () => {
  it('re-exports the Foundation API from @sessionhub/format', () => {
    expect(format.parseFoundation).toBe(parseFoundation);
    expect(format.applyFoundationUpdate).toBe(applyFoundationUpdate);
    expect(format.createFoundation).toBe(createFoundation);
    expect(format.FoundationUpdateError).toBe(FoundationUpdateError);
    expect(new FoundationUpdateError('foundation.bad_version', 'x')).toBeInstanceOf(format.SessionHubError);
    expect(format.FoundationDocumentSchema).toBe(FoundationDocumentSchema);
  });
});
