import {
  createSessionHub,
  MemoryStore,
  PortError,
  SessionHubError,
  type SessionHubOptions,
  SUPPORTED_PORT_VERSIONS,
} from '@sessionhub/core';
import { ScriptedExecutor, ScriptedPlanner, ScriptedVerifier } from '@sessionhub/core/testing';
import { describe, expect, it } from 'vitest';
import { DirSandboxProvider, tempDir } from './support/dir-sandbox.js';

type VersionedPort = keyof typeof SUPPORTED_PORT_VERSIONS;

/** Real ports that pass the check: the in-memory store, the scripted actors and a directory sandbox. */
async function validOptions(): Promise<SessionHubOptions> {
  return {
    planner: new ScriptedPlanner(),
    executor: new ScriptedExecutor({ writes: { 'greeting.txt': 'Hello, Ada\n' } }),
    verifier: new ScriptedVerifier(),
    store: new MemoryStore(),
    sandbox: new DirSandboxProvider(),
    workspace: await tempDir(),
    env: {},
  };
}

/** The same port object with its own `specificationVersion` shadowing the real one (methods kept). */
function withVersion(port: object, specificationVersion: unknown): object {
  return Object.assign(Object.create(port) as object, { specificationVersion });
}

/** Runs `createSessionHub` and returns what it threw. */
function creationError(options: SessionHubOptions): unknown {
  try {
    createSessionHub(options);
  } catch (error) {
    return error;
  }
  throw new Error('createSessionHub accepted the options');
}

const PORTS = Object.keys(SUPPORTED_PORT_VERSIONS) as VersionedPort[];

describe('port versions are checked when a hub is created', () => {
  it('accepts the current version of every port and runs a session', async () => {
    const options = await validOptions();
    const hub = createSessionHub(options);
    const result = await (await hub.run({ request: 'Greet visitors by name' })).result;
    expect(result.session.state).toBe('succeeded');
  });

  it.each(PORTS)('refuses a %s with specificationVersion 2, naming it and the supported versions', async (port) => {
    const options = await validOptions();
    const error = creationError({ ...options, [port]: withVersion(options[port], 2) });
    expect(PortError.isInstance(error)).toBe(true);
    expect(SessionHubError.isInstance(error)).toBe(true);
    const e = error as PortError;
    expect(e.code).toBe('port.unsupported_version');
    expect(e.port).toBe(port);
    expect(e.supported).toEqual([1]);
    expect(e.message).toContain(`${port} "${(options[port] as { name: string }).name}"`);
    expect(e.message).toContain('specificationVersion 2');
    expect(e.message).toContain(`supports ${port} specificationVersion 1`);
  });

  it.each(PORTS)('refuses a %s without a specificationVersion', async (port) => {
    const options = await validOptions();
    const error = creationError({ ...options, [port]: withVersion(options[port], undefined) });
    expect(PortError.isInstance(error)).toBe(true);
    expect((error as PortError).code).toBe('port.unsupported_version');
    expect((error as PortError).port).toBe(port);
    expect((error as PortError).message).toContain('has no specificationVersion');
  });

  it('refuses a version given as a string ("1" is not 1)', async () => {
    const options = await validOptions();
    const error = creationError({ ...options, planner: withVersion(options.planner, '1') as never });
    expect((error as PortError).code).toBe('port.unsupported_version');
    expect((error as PortError).message).toContain('specificationVersion "1"');
  });

  it('refuses a port that is not an object, or lacks a method of its version', async () => {
    const options = await validOptions();
    const missing = creationError({ ...options, executor: undefined as never });
    expect((missing as PortError).code).toBe('port.invalid');
    expect((missing as PortError).port).toBe('executor');

    const partial = { specificationVersion: 1, name: 'partial', getSession: async () => undefined };
    const lacking = creationError({ ...options, store: partial as never });
    expect((lacking as PortError).code).toBe('port.invalid');
    expect((lacking as PortError).port).toBe('store');
    expect((lacking as PortError).message).toContain('createSession()');
    expect((lacking as PortError).message).toContain('close()');
  });

  it('refuses a workspace that is neither a directory path nor a function', async () => {
    const options = await validOptions();
    for (const workspace of ['', 42, null]) {
      const error = creationError({ ...options, workspace: workspace as never });
      expect((error as PortError).code).toBe('port.invalid');
      expect((error as PortError).port).toBe('workspace');
    }
    expect(() => createSessionHub({ ...options, workspace: async () => options.workspace as string })).not.toThrow();
  });
});
