import { SandboxError } from '@sessionhub/core';
import type Dockerode from 'dockerode';
import { type ContainerSpec, containerCreateOptions } from './container-spec.js';
import { engineStatus } from './engine.js';
import { RUNNER_SOURCE_LINE } from './runner/bootstrap.js';
import { type AttachedStream, RunnerClient } from './runner/runner-client.js';

/** A started container with its runner connected. */
export interface StartedContainer {
  container: Dockerode.Container;
  runner: RunnerClient;
}

/**
 * Creates and attaches a container, hands its bootstrap the runner's source, starts it and waits for the runner;
 * removes it on any failure.
 */
export async function startContainer(
  docker: Dockerode,
  spec: ContainerSpec,
  signal?: AbortSignal,
): Promise<StartedContainer> {
  signal?.throwIfAborted();
  let container: Dockerode.Container;
  try {
    container = await docker.createContainer(containerCreateOptions(spec));
  } catch (cause) {
    if (engineStatus(cause) === 404) {
      throw new SandboxError(
        'sandbox.image_missing',
        `image ${spec.image} is not present; build it with: npm run sandbox:image -w @sessionhub/sandbox-docker`,
        { cause },
      );
    }
    throw new SandboxError('sandbox.unavailable', `cannot create a container: ${String(cause)}`, { cause });
  }
  try {
    const stream = (await container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    })) as unknown as AttachedStream;
    const runner = new RunnerClient(stream, (s, out, err) =>
      docker.modem.demuxStream(s as unknown as NodeJS.ReadableStream, out, err),
    );
    // The bootstrap on the command line runs the first line of stdin: the runner itself. Written before the start
    // (the engine holds attached stdin until the process runs), so it is there when node has booted.
    stream.write(RUNNER_SOURCE_LINE);
    await container.start();
    const aborted = new Promise<never>((_, reject) => {
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    await Promise.race([runner.ready, aborted]);
    return { container, runner };
  } catch (cause) {
    await container.remove({ force: true }).catch(() => undefined);
    if (cause instanceof SandboxError && cause.code === 'sandbox.crashed') {
      throw new SandboxError(
        'sandbox.runner_failed',
        `the in-container runner did not start (does the image provide a glibc the host node binary can use?): ${cause.message}`,
        { cause },
      );
    }
    if (cause instanceof SandboxError || (cause instanceof Error && cause.name === 'AbortError')) throw cause;
    throw new SandboxError('sandbox.unavailable', `cannot start a container: ${String(cause)}`, { cause });
  }
}
