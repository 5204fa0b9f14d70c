/**
 * Opens a SQLite store in a child process (run as another user by the read-only tests) and prints
 * one JSON line (core's `runOpenWorker`). Args: JSON `{ path, readonly?, write?, createDirectory? }`; with `write`,
 * it also tries to create a session.
 */
import { runOpenWorker } from '@sessionhub/core/testing';
import { openSqliteStore } from '../../src/index.js';

const args = JSON.parse(process.argv[2] ?? '{}') as {
  path: string;
  readonly?: boolean;
  write?: boolean;
  createDirectory?: boolean;
};
await runOpenWorker(
  ({ readonly }) => openSqliteStore({ path: args.path, readonly, createDirectory: args.createDirectory }),
  args,
);
