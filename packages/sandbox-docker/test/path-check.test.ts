import { SandboxError } from '@sessionhub/core';
import { describe, expect, it } from 'vitest';
import { checkRelativePath } from '../src/path-check.js';

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof SandboxError ? error.code : 'other';
  }
}

// The host-side first line of the file API (no Docker needed); symlinks are the runner's job and
// are covered by the conformance and escape suites.
describe('checkRelativePath', () => {
  it('accepts paths that stay inside the workspace', () => {
    for (const p of ['a.txt', 'a/b/c.txt', './a', 'a/../b', 'a/./b/../c', 'dir/']) {
      expect(
        codeOf(() => checkRelativePath(p, false)),
        p,
      ).toBeUndefined();
    }
  });

  it('refuses absolute paths and .. that leaves the root', () => {
    for (const p of ['/etc/passwd', '../x', 'a/../../x', '..', './../x', 'C:\\x']) {
      expect(
        codeOf(() => checkRelativePath(p, false)),
        p,
      ).toBe('sandbox.path_escape');
    }
  });

  it('names the root only where the root is allowed', () => {
    expect(codeOf(() => checkRelativePath('', true))).toBeUndefined();
    expect(codeOf(() => checkRelativePath('.', true))).toBeUndefined();
    expect(codeOf(() => checkRelativePath('', false))).toBe('sandbox.invalid_path');
    expect(codeOf(() => checkRelativePath('a\0b', false))).toBe('sandbox.invalid_path');
  });
});
