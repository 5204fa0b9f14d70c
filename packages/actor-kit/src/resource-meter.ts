import { addHostResources, emptyHostResources, type HostResources, type Sandbox } from '@sessionhub/core';

/** A sandbox whose commands' resource use is summed: see {@link meterSandbox}. */
export interface MeteredSandbox {
  /** The same sandbox; every `exec` through it is counted. */
  sandbox: Sandbox;
  /** The sum so far over the commands the sandbox measured (`commands` counts them). */
  total(): HostResources;
}

/**
 * Wraps a sandbox so that the `resources` of every `exec` result add up, for an executor's
 * `ExecutionReport.resources`. Everything else is the sandbox's own (methods called on it, so adapters that
 * keep private state work). A command whose result carries no `resources` (a sandbox that cannot measure, or
 * a measurement that was lost) is left out of the sum rather than counted as zero.
 */
export function meterSandbox(sandbox: Sandbox): MeteredSandbox {
  let total = emptyHostResources();
  const exec: Sandbox['exec'] = async (command, opts) => {
    const result = await sandbox.exec(command, opts);
    if (result.resources) total = addHostResources(total, result.resources);
    return result;
  };
  // Each method is bound once, not at every access (a tool's call reads `readFile`, `stat` and the like per turn).
  const bound = new WeakMap<object, unknown>();
  const metered = new Proxy(sandbox, {
    get(target, key) {
      if (key === 'exec') return exec;
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      let method = bound.get(value);
      if (method === undefined) {
        method = value.bind(target);
        bound.set(value, method);
      }
      return method;
    },
  });
  return { sandbox: metered, total: () => total };
}
