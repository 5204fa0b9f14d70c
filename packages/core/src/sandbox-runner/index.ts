/**
 * `@sessionhub/core/sandbox-runner`: the runner that sandbox adapters start inside their sandbox
 * ({@link runnerScript}, run with `node -e`) and the host side of its protocol ({@link RunnerConnection}),
 * shared by `@sessionhub/sandbox-docker` and `@sessionhub/sandbox-process` so that exec, output capping,
 * timeouts and tree killing are written once; the workspace check both make ({@link resolveWorkspaceDir}),
 * the hand-over of a workspace to an unprivileged sandbox user ({@link chownTree}), the disk cap of a
 * workspace ({@link WorkspaceDiskCap}) and the reaper of caps a dead process left mounted ({@link reapDiskCaps}).
 * For adapter authors; an application never needs it.
 * See docs/sandboxes.md, "One runner, two sandboxes".
 * @packageDocumentation
 */
export { chownTree } from './chown-tree.js';
export { type DiskCapOptions, WorkspaceDiskCap } from './disk-cap.js';
export { type ReapDiskCapsOptions, reapDiskCaps } from './disk-cap-reaper.js';
export { killAllThrough } from './kill-all.js';
export { RunnerConnection, type RunnerExecRequest, type RunnerReply } from './runner-connection.js';
export { type RunnerSpawnRequest, spawnThrough } from './runner-process.js';
export { runnerScript } from './runner-script.js';
export { resolveWorkspaceDir } from './workspace-dir.js';
