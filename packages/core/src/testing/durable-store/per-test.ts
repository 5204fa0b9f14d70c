import { afterEach, expect } from 'vitest';
import { tempDir } from './fixtures.js';

/**
 * Registers (with vitest's `afterEach`) the removal of every temp directory made during a test,
 * and returns the function that makes one. Call it at the top level of a test file.
 */
export function tempDirsPerTest(prefix?: string): () => Promise<string> {
  let made: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const remove of made) await remove();
    made = [];
  });
  return async () => {
    const { dir, remove } = await tempDir(prefix);
    made.push(remove);
    return dir;
  };
}

/** The error `promise` rejects with; asserts (with vitest) that it does reject, with an `Error`. */
export async function rejection(promise: Promise<unknown>): Promise<{ name?: string; code?: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').toBeInstanceOf(Error);
  return error as { name?: string; code?: string; message: string };
}
