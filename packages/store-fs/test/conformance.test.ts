import { describeStoreConformance } from '@sessionhub/core/testing';
import { openFsStore } from '../src/index.js';
import { tempDir } from './helpers.js';

// The shared Store contract, on a real directory.
describeStoreConformance('fs', async () => {
  const { dir, remove } = await tempDir();
  return { store: await openFsStore({ dir }), reopen: () => openFsStore({ dir }), cleanup: remove };
});
