import { join } from 'node:path';
import { describeStoreConformance } from '@sessionhub/core/testing';
import { openSqliteStore, type SqliteDriverName } from '../src/index.js';
import { tempDir } from './helpers.js';

// The shared suite, unchanged, over a real database file in a fresh temp directory per case.
for (const driver of ['better-sqlite3', 'node:sqlite'] as SqliteDriverName[]) {
  describeStoreConformance(`sqlite (${driver})`, async () => {
    const { dir, remove } = await tempDir();
    const path = join(dir, 'store.db');
    return {
      store: await openSqliteStore({ path, driver }),
      reopen: () => openSqliteStore({ path, driver }),
      cleanup: remove,
    };
  });
}
