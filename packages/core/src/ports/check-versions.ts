import type { SessionHubOptions } from '../engine/options.js';
import { SessionHubError } from '../errors.js';

/** The ports a hub is given, by their `SessionHubOptions` field. */
export type PortName = 'planner' | 'executor' | 'verifier' | 'store' | 'sandbox' | 'workspace';

/**
 * The ports that carry a `specificationVersion`, with the methods each must have. Optional methods (the
 * store's `appendEventsAndUpdate`) are not listed: an adapter without them is valid at the same version.
 */
const VERSIONED_PORTS = {
  planner: ['plan'],
  executor: ['execute'],
  verifier: ['verify'],
  store: [
    'createSession',
    'getSession',
    'updateSession',
    'listSessions',
    'appendEvents',
    'readEvents',
    'searchLibrary',
    'putTemplate',
    'getTemplate',
    'listTemplates',
    'deleteTemplate',
    'addFoundationVersion',
    'listFoundationVersions',
    'analytics',
    'close',
  ],
  sandbox: ['create'],
} as const satisfies Record<Exclude<PortName, 'workspace'>, readonly string[]>;

/** A `WorkspaceProvider` given as the `workspace` option (which may also be a directory or a function, not versioned). */
export const SUPPORTED_WORKSPACE_PROVIDER_VERSIONS: readonly number[] = [1];
const WORKSPACE_PROVIDER_METHODS = ['open', 'commitVerified', 'commitFoundation', 'close'] as const;

/**
 * The `specificationVersion`s this core accepts for each port. Today every port has one version; when a
 * port gets a v2, its v1 stays accepted here and is adapted to v2 (see docs/writing-adapters.md).
 */
export const SUPPORTED_PORT_VERSIONS: Readonly<Record<keyof typeof VERSIONED_PORTS, readonly number[]>> = {
  planner: [1],
  executor: [1],
  verifier: [1],
  store: [1],
  sandbox: [1],
};

/**
 * A port handed to {@link createSessionHub} that this core cannot use: `port.unsupported_version` when its
 * `specificationVersion` is missing or not one of `supported`, `port.invalid` when it is not an object
 * with the port's methods (or, for `workspace`, not a directory string, a function or a workspace provider).
 */
export class PortError extends SessionHubError {
  constructor(
    code: 'port.unsupported_version' | 'port.invalid',
    message: string,
    /** The `SessionHubOptions` field holding the port. */
    readonly port: PortName,
    /** The versions this core supports for the port (empty for a `workspace` that is not a provider object). */
    readonly supported: readonly number[],
  ) {
    super(code, message);
  }
}

/**
 * Checks every port of `options` before a hub uses it: each versioned port must be an object with the
 * methods the engine calls and a `specificationVersion` in {@link SUPPORTED_PORT_VERSIONS}; the
 * workspace must be a `WorkspaceProvider` (checked the same way), a non-empty directory string or a function. Called by the `SessionHub` constructor.
 *
 * @throws {PortError} naming the first port that fails, with the versions supported.
 */
export function checkPortVersions(options: SessionHubOptions): void {
  for (const port of Object.keys(VERSIONED_PORTS) as Array<keyof typeof VERSIONED_PORTS>) {
    checkPort(
      port,
      (options as unknown as Record<string, unknown>)[port],
      SUPPORTED_PORT_VERSIONS[port],
      VERSIONED_PORTS[port],
    );
  }
  const workspace: unknown = options.workspace;
  if (typeof workspace === 'object' && workspace !== null) {
    checkPort('workspace', workspace, SUPPORTED_WORKSPACE_PROVIDER_VERSIONS, WORKSPACE_PROVIDER_METHODS);
    return;
  }
  if (!(typeof workspace === 'function' || (typeof workspace === 'string' && workspace.length > 0))) {
    throw new PortError(
      'port.invalid',
      `workspace must be a directory path or a function returning one, got ${describe(workspace)}`,
      'workspace',
      [],
    );
  }
}

function checkPort(port: PortName, value: unknown, supported: readonly number[], methods: readonly string[]): void {
  const versions = supported.join(', ');
  if (typeof value !== 'object' || value === null) {
    throw new PortError(
      'port.invalid',
      `${port} must be a ${port} port object, got ${describe(value)}`,
      port,
      supported,
    );
  }
  const record = value as Record<string, unknown>;
  const name = typeof record.name === 'string' ? ` "${record.name}"` : '';
  const version = record.specificationVersion;
  if (typeof version !== 'number' || !supported.includes(version)) {
    const found = version === undefined ? 'no specificationVersion' : `specificationVersion ${describe(version)}`;
    throw new PortError(
      'port.unsupported_version',
      `${port}${name} has ${found}; this version of @sessionhub/core supports ${port} specificationVersion ${versions}`,
      port,
      supported,
    );
  }
  const missing = methods.filter((method) => typeof record[method] !== 'function');
  if (missing.length > 0) {
    throw new PortError(
      'port.invalid',
      `${port}${name} lacks ${missing.map((m) => `${m}()`).join(', ')} of ${port} specificationVersion ${version}`,
      port,
      supported,
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return String(value);
  return typeof value === 'function' ? 'a function' : `${typeof value} ${String(value)}`;
}
