import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStoreConformance } from '@sessionhub/core/testing';
import { openSqliteStore } from '../src/index.js';

// The shared suite, unchanged, over a real database file in a fresh temp directory per case.
describeStoreConformance('sqlite (better-sqlite3)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sessionhub-sqlite-'));
  return {
    store: await openSqliteStore({ path: join(dir, 'store.db'), driver: 'better-sqlite3' }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describeStoreConformance('sqlite (node:sqlite)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sessionhub-sqlite-'));
  return {
    store: await openSqliteStore({ path: join(dir, 'store.db'), driver: 'node:sqlite' }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
