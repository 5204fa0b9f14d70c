import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_IMAGE, isDockerAvailable } from '../src/index.js';

const run = promisify(execFile);
const buildScript = fileURLToPath(new URL('../scripts/build-image.sh', import.meta.url));

/** Whether Docker tests run here, and if not, why (shown in the test names). */
export interface DockerTestEnv {
  ready: boolean;
  reason: string;
}

/**
 * Checks the engine and builds the base image when it is missing (the script is idempotent and
 * fast when the image exists). In CI (`CI=true`) a missing engine is a failure, so `ready` is then
 * true anyway and the tests fail loudly on their first engine call; elsewhere they skip, and the
 * reason is in their names.
 */
export async function dockerTestEnv(): Promise<DockerTestEnv> {
  const ci = process.env.CI === 'true';
  if (!(await isDockerAvailable())) {
    const reason = 'Docker engine not reachable (run packages/sandbox-docker/scripts/ensure-docker.sh)';
    if (ci) return { ready: true, reason: `CI=true: must not skip although ${reason}` };
    console.warn(`[sandbox-docker] skipping Docker tests: ${reason}`);
    return { ready: false, reason };
  }
  try {
    await run('bash', [buildScript], { env: { ...process.env, SESSIONHUB_SANDBOX_IMAGE: DEFAULT_IMAGE } });
  } catch (error) {
    const reason = `cannot build ${DEFAULT_IMAGE}: ${String(error)}`;
    if (ci) return { ready: true, reason };
    console.warn(`[sandbox-docker] skipping Docker tests: ${reason}`);
    return { ready: false, reason };
  }
  return { ready: true, reason: '' };
}

/** Suffix for suite names: empty when Docker runs, the skip reason otherwise. */
export function skipNote(env: DockerTestEnv): string {
  return env.ready ? '' : ` [skipped: ${env.reason}]`;
}
