/**
 * Opens a directory store in a child process (run as another user by the read-only test) and
 * prints one JSON line (core's `runOpenWorker`). Args: JSON `{ dir, readonly?, write? }`; with
 * `write`, it also tries to create a session.
 */
import { runOpenWorker } from '@sessionhub/core/testing';
import { openFsStore } from '../../src/index.js';

const args = JSON.parse(process.argv[2] ?? '{}') as { dir: string; readonly?: boolean; write?: boolean };
await runOpenWorker(({ readonly }) => openFsStore({ dir: args.dir, readonly }), args);
