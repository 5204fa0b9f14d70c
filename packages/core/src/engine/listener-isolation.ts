import type { EventEmitter } from 'eventemitter3';

type Listener = (...args: never[]) => unknown;

/**
 * Makes every listener of `emitter` unable to break whoever emits: each listener added with `on`,
 * `addListener` or `once` runs inside a try/catch, so a throwing listener neither stops the other
 * listeners of the same event nor reaches the engine. Errors go to `onError`. Removing a listener by
 * the function that was added keeps working.
 */
// biome-ignore lint/suspicious/noExplicitAny: any event map.
export function isolateListeners<E extends EventEmitter<any>>(
  emitter: E,
  onError: (error: unknown, args: unknown[]) => void,
): E {
  const wrapped = new WeakMap<Listener, Listener>();
  const wrap = (fn: Listener): Listener => {
    let safe = wrapped.get(fn);
    if (!safe) {
      safe = function (this: unknown, ...args: never[]) {
        try {
          return fn.apply(this, args);
        } catch (error) {
          try {
            onError(error, args);
          } catch {
            // An error handler that throws has nowhere left to report to.
          }
          return undefined;
        }
      };
      wrapped.set(fn, safe);
    }
    return safe;
  };
  const e = emitter as unknown as Record<string, (...a: unknown[]) => unknown>;
  const on = e.on!.bind(emitter);
  const once = e.once!.bind(emitter);
  const off = e.off!.bind(emitter);
  e.on = (event, fn, ctx) => on(event, wrap(fn as Listener), ctx);
  e.addListener = e.on;
  e.once = (event, fn, ctx) => once(event, wrap(fn as Listener), ctx);
  e.off = (event, fn, ctx, onceOnly) => off(event, fn ? (wrapped.get(fn as Listener) ?? fn) : fn, ctx, onceOnly);
  e.removeListener = e.off;
  return emitter;
}
