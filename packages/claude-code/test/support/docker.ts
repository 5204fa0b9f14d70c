import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isDockerAvailable } from '@sessionhub/sandbox-docker';

const run = promisify(execFile);
// The sandbox package's own idempotent image build (`npm run sandbox:image -w @sessionhub/sandbox-docker`).
const buildScript = fileURLToPath(new URL('../../../sandbox-docker/scripts/build-image.sh', import.meta.url));

/**
 * Whether the Docker variant of a test runs here. With `CI=true` a missing engine or image is not a
 * reason to skip: the test then runs and fails loudly. Elsewhere it skips and the reason is in its name.
 */
export async function dockerReadiness(): Promise<{ ready: boolean; reason: string }> {
  const ci = process.env.CI === 'true';
  if (!(await isDockerAvailable())) {
    return ci ? { ready: true, reason: '' } : { ready: false, reason: 'Docker engine not reachable' };
  }
  try {
    await run('bash', [buildScript]);
  } catch (err) {
    return ci
      ? { ready: true, reason: '' }
      : { ready: false, reason: `sandbox image not buildable: ${String(err).slice(0, 200)}` };
  }
  return { ready: true, reason: '' };
}
