import { SandboxError } from '@sessionhub/core';
import Dockerode from 'dockerode';

/** Connects to the engine and checks that it answers; `sandbox.unavailable` when it does not. */
export async function connectEngine(options?: Dockerode.DockerOptions): Promise<Dockerode> {
  const docker = new Dockerode(options);
  try {
    await docker.ping();
  } catch (cause) {
    throw new SandboxError(
      'sandbox.unavailable',
      `the Docker engine does not answer (${cause instanceof Error ? cause.message : String(cause)}); run packages/sandbox-docker/scripts/ensure-docker.sh`,
      { cause },
    );
  }
  return docker;
}

/** Whether a Docker engine answers with the given options; never throws. */
export async function isDockerAvailable(options?: Dockerode.DockerOptions): Promise<boolean> {
  try {
    await new Dockerode(options).ping();
    return true;
  } catch {
    return false;
  }
}

/** The HTTP status of a dockerode error, if any. */
export function engineStatus(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'statusCode' in error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    return typeof status === 'number' ? status : undefined;
  }
  return undefined;
}
