/**
 * A process that mounts a workspace disk cap and then waits to be killed: `disk-cap-holder.ts <workspace>
 * <stateRoot>`. Prints `mounted` once the cap is over the workspace and a file was written through it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkspaceDiskCap } from '../../src/sandbox-runner/index.js';

const [workspace, stateRoot] = process.argv.slice(2);
if (!workspace || !stateRoot) throw new Error('usage: disk-cap-holder.ts <workspace> <stateRoot>');
await WorkspaceDiskCap.mount(workspace, { sizeMb: 16, stateRoot });
await writeFile(join(workspace, 'written-while-capped.txt'), 'kept\n');
console.log('mounted');
setInterval(() => undefined, 60_000);
