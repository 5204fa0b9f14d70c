import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '@sessionhub/core';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../store-postgres/test/support/cluster.js';
import { createFleet, FleetError, startWorker } from '../src/index.js';
import { engineParts } from './support/parts.js';

async function rejection(promise: Promise<unknown>): Promise<FleetError> {
  const error = await promise.then(
    () => expect.unreachable('the call must reject'),
    (e: unknown) => e,
  );
  expect(FleetError.isInstance(error), String(error)).toBe(true);
  return error as FleetError;
}

describe('the queue’s PostgreSQL unreachable at start', () => {
  it('createFleet and startWorker reject with fleet.unavailable naming host, port, database and the cause, never the password', async () => {
    const port = await freePort();
    const queue = { connectionString: `postgres://app:hunter2@127.0.0.1:${port}/sessions` };
    const root = await mkdtemp(join(tmpdir(), 'sessionhub-fleet-'));
    try {
      const errors = [
        await rejection(createFleet({ store: new MemoryStore(), queue })),
        await rejection(
          startWorker({ ...engineParts({ workspaceRoot: root, executorMs: 1 }), store: new MemoryStore(), queue }),
        ),
      ];
      for (const error of errors) {
        expect(error.code).toBe('fleet.unavailable');
        expect(error.message).toContain(`127.0.0.1:${port}/sessions`);
        expect(error.message).toContain('ECONNREFUSED');
        expect(error.message).not.toContain('hunter2');
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
