import { describeStoreConformance } from '@sessionhub/core/testing';
import { fileCluster, freshSchema, openIn, PG_SKIP, skipWithReason } from './support/pg.js';

// The shared suite, unchanged, against a real PostgreSQL server: one throwaway cluster for the
// file, a fresh schema (namespace) per case.
if (PG_SKIP) skipWithReason('Store conformance: postgres');
else {
  const cluster = fileCluster();
  describeStoreConformance(
    'postgres',
    {
      setup: async () => {
        await cluster.get();
      },
      create: async () => {
        const c = await cluster.get();
        const schema = freshSchema();
        return { store: await openIn(c, schema), reopen: () => openIn(c, schema) };
      },
      teardown: () => cluster.stop(),
    },
    { timeoutMs: 30_000 },
  );
}
