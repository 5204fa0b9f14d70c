import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const demoDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

describe('npm run demo', () => {
  it('parses both samples, prints the canonical form and the boundary findings', () => {
    const out = execFileSync(tsx, ['--conditions=@sessionhub/source', 'src/main.ts'], {
      cwd: demoDir,
      encoding: 'utf8',
    });
    expect(out).toContain('Session 2.3: Export reports as CSV — 2 objectives, 3 requirements, 2 validation items');
    // The lenient sample (heading, bold label, `2)` numbering) comes out canonical.
    expect(out).toContain('OBJECTIVES:\n1. Users can export any report as a CSV file\n2. Large reports export');
    expect(out).toContain('Lint: respects the Two-Actor boundary');
    expect(out).toContain('bad-instruction.txt:5:11 warning [no-library-names]');
    expect(out).toContain('bad-instruction.txt:5:35 warning [no-file-paths]');
    expect(out).toContain('bad-instruction.txt:6:8 warning [no-shell-commands]');
    expect(out).toContain('bad-instruction.txt:8:21 error [foundation-version-mismatch]');
    expect(out).toContain('bad-instruction.txt:10:3 warning [uncheckable-validation]');
    expect(out).toContain('1 boundary error(s) found across 2 samples');
  }, 60_000);
});
