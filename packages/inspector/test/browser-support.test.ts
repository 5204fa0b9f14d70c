import { describe, expect, it } from 'vitest';
import { browserMissing } from './support/browser.js';

describe('the browser tests without a browser', () => {
  it('are skipped with the reason outside CI', () => {
    // An empty value, not undefined: undefined would fall back to process.env.CI (true in CI).
    expect(browserMissing('/no/such/chromium', '')).toBe(
      '/no/such/chromium is missing (install it: scripts/ensure-chromium.sh)',
    );
  });

  it('fail in CI', () => {
    expect(() => browserMissing('/no/such/chromium', 'true')).toThrow(/CI needs Chromium for the inspector tests/);
  });

  it('run when the browser is there', () => {
    expect(browserMissing(process.execPath, 'true')).toBeUndefined();
  });
});
