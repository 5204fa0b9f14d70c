import { describe, expect, it } from 'vitest';
import { SessionHubError } from '../src/errors.js';
import { FoundationUpdateError } from '../src/foundation/errors.js';
import { InvalidVersionError } from '../src/version.js';

/** Two classes named alike, as two copies of one package define them. */
function copyOfClasses() {
  class StoreError extends SessionHubError {}
  class ConflictError extends StoreError {}
  class SandboxError extends SessionHubError {}
  return { StoreError, ConflictError, SandboxError };
}

describe('SessionHubError.isInstance', () => {
  const a = copyOfClasses();
  const b = copyOfClasses();

  it('recognises a class from another copy, where instanceof does not', () => {
    const error = new a.StoreError('store.not_found', 'missing');
    expect(error).not.toBeInstanceOf(b.StoreError);
    expect(b.StoreError.isInstance(error)).toBe(true);
    expect(SessionHubError.isInstance(error)).toBe(true);
    expect(b.SandboxError.isInstance(error)).toBe(false);
  });

  it('follows the subclass chain: a subclass is an instance of its parents, not the reverse', () => {
    const child = new a.ConflictError('store.conflict', 'taken');
    expect(b.ConflictError.isInstance(child)).toBe(true);
    expect(b.StoreError.isInstance(child)).toBe(true);
    expect(b.ConflictError.isInstance(new a.StoreError('store.conflict', 'taken'))).toBe(false);
  });

  it('keeps instanceof, name and code, and narrows the type', () => {
    const error: unknown = new FoundationUpdateError('foundation.bad_entry', 'no name');
    expect(error).toBeInstanceOf(FoundationUpdateError);
    expect(error).toBeInstanceOf(SessionHubError);
    if (!FoundationUpdateError.isInstance(error)) throw new Error('not recognised');
    expect([error.code, error.name]).toEqual(['foundation.bad_entry', 'FoundationUpdateError']);
    expect(InvalidVersionError.isInstance(error)).toBe(false);
  });

  it('is false for anything that is not a SessionHub error', () => {
    const lookalike = Object.assign(new Error('x'), { name: 'StoreError', code: 'store.not_found' });
    for (const value of [undefined, null, 0, 'StoreError', {}, lookalike, Object.create(null)]) {
      expect(SessionHubError.isInstance(value)).toBe(false);
      expect(a.StoreError.isInstance(value)).toBe(false);
    }
  });

  it('keeps markers out of copies: they are not enumerable', () => {
    const error = new a.StoreError('store.not_found', 'missing');
    expect(Object.getOwnPropertySymbols(error).map(String)).toEqual([
      'Symbol(sessionhub.error)',
      'Symbol(sessionhub.error:StoreError)',
    ]);
    const copy = { ...error };
    expect(Object.getOwnPropertySymbols(copy)).toEqual([]);
    expect(SessionHubError.isInstance(copy)).toBe(false);
  });
});
