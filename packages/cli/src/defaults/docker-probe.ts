import { request } from 'node:http';

/** What a look at the Docker engine found. */
export interface DockerProbe {
  /** The engine answered `/_ping`. */
  engine: boolean;
  /** The sandbox image is present (`false` when the engine did not answer). */
  image: boolean;
  /** Why Docker cannot be used, when it cannot. */
  reason?: string;
}

function socketPath(env: NodeJS.ProcessEnv): string | undefined {
  const host = env.DOCKER_HOST;
  if (!host) return '/var/run/docker.sock';
  return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
}

function get(socket: string, path: string, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, method: 'GET', signal, timeout: 2_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('the Docker engine did not answer within 2 s')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Asks the Docker engine (over its unix socket, `DOCKER_HOST` or `/var/run/docker.sock`) whether it answers and
 * has `image`. Loads no Docker client. Never throws: what is wrong goes to `reason`.
 */
export async function probeDocker(
  image: string,
  opts: { signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
): Promise<DockerProbe> {
  const socket = socketPath(opts.env ?? process.env);
  if (!socket) return { engine: false, image: false, reason: 'DOCKER_HOST is not a unix socket (unsupported here)' };
  const signal = opts.signal ?? new AbortController().signal;
  try {
    const ping = await get(socket, '/_ping', signal);
    if (ping !== 200) return { engine: false, image: false, reason: `the Docker engine answered ${ping} to /_ping` };
  } catch (cause) {
    return { engine: false, image: false, reason: `no Docker engine at ${socket} (${(cause as Error).message})` };
  }
  const status = await get(socket, `/images/${encodeURIComponent(image)}/json`, signal).catch(() => 0);
  return status === 200
    ? { engine: true, image: true }
    : { engine: true, image: false, reason: `image ${image} is not built` };
}
