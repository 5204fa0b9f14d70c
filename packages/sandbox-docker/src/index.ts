/**
 * @sessionhub/sandbox-docker: a SessionHub `Sandbox` on the Docker Engine API (dockerode), with
 * network off by default, CPU/memory/pids limits, a warm pool and an orphan reaper.
 * @packageDocumentation
 */
export { CONTAINER_NODE, CONTAINER_WORKSPACE } from './container-spec.js';
export { DEFAULT_MAX_OUTPUT_BYTES, DockerSandbox } from './docker-sandbox.js';
export { isDockerAvailable } from './engine.js';
export { MANAGED_BY } from './labels.js';
export { DEFAULT_IMAGE, DEFAULT_LIMITS, type DockerSandboxProviderOptions } from './options.js';
export { DockerSandboxProvider } from './provider.js';
export type { ReapResult } from './reaper.js';
