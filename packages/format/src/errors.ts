/** The marker every SessionHub error carries, shared by every copy of every SessionHub package. */
const BASE_MARKER = Symbol.for('sessionhub.error');

/**
 * The marker of one error class, keyed on its name: `Symbol.for('sessionhub.error:StoreError')`.
 * `Symbol.for` returns the same symbol in every copy of the package (ESM and CJS builds, two versions).
 */
function classMarker(name: string): symbol {
  return Symbol.for(`sessionhub.error:${name}`);
}

/** Any SessionHub error class, whatever its constructor takes. */
type SessionHubErrorClass<T extends SessionHubError = SessionHubError> = abstract new (...args: never[]) => T;

/**
 * Base of every error SessionHub throws, in every package. `code` is stable and safe to branch on.
 *
 * Use {@link SessionHubError.isInstance} (on this class or any subclass) rather than `instanceof` where an
 * error may come from another copy of a package: `instanceof` fails when an app loads an ESM and a CJS copy,
 * or two versions, while `isInstance` recognises the error by markers that every copy shares.
 */
export class SessionHubError extends Error {
  /** Stable machine-readable code, e.g. `store.not_found`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    markInstance(this, new.target);
  }

  /**
   * Whether `value` is an error of this class (or a subclass), from any copy of SessionHub: works across
   * the ESM and CJS builds and across versions, where `instanceof` does not. The class is recognised by
   * its name, so `StoreError.isInstance(e)` is true for a `StoreError` built by another copy of core (the
   * name of every error class is therefore unique across SessionHub packages).
   *
   * @example
   * try { await hub.resume(id, { signal }) } catch (error) {
   *   if (StoreError.isInstance(error) && error.code === 'store.not_found') { ... }
   * }
   */
  static isInstance<T extends SessionHubErrorClass>(this: T, value: unknown): value is InstanceType<T> {
    if (typeof value !== 'object' || value === null) return false;
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class isInstance was called on (StoreError.isInstance).
    const marker = (this as SessionHubErrorClass) === SessionHubError ? BASE_MARKER : classMarker(this.name);
    return (value as Record<symbol, unknown>)[marker] === true;
  }

  /** A plain object for storing on a session. */
  toInfo(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

/**
 * Sets the base marker and one marker per class from `leaf` up to {@link SessionHubError}, so every
 * subclass is recognised without code of its own. Non-enumerable: markers stay out of equality and JSON.
 */
function markInstance(error: SessionHubError, leaf: SessionHubErrorClass): void {
  const mark = (marker: symbol) => Object.defineProperty(error, marker, { value: true });
  mark(BASE_MARKER);
  for (let ctor: unknown = leaf; ctor !== SessionHubError && typeof ctor === 'function'; ) {
    mark(classMarker(ctor.name));
    ctor = Object.getPrototypeOf(ctor);
  }
}
