import Anthropic from '@anthropic-ai/sdk';
import { redact } from '@sessionhub/actor-kit';
import { ProviderError } from '@sessionhub/core';

/** What the caller knows about the call: its secrets, signal and where it went. */
export interface ProviderErrorContext {
  /** Credentials to keep out of messages and causes. */
  secrets?: readonly string[];
  signal?: AbortSignal;
  /** The API base URL; said (without credentials) in `provider.connection` errors. */
  baseURL?: string;
}

/**
 * Maps anything the SDK throws to a {@link ProviderError} with a stable code:
 * `provider.cancelled`, `provider.rate_limited`, `provider.overloaded`, `provider.server_error`,
 * `provider.connection`, `provider.timeout`, `provider.auth`, `provider.bad_request`,
 * `provider.bad_response` (a malformed stream) or `provider.error`. Credentials never appear in the
 * message or the cause; a connection error names the base URL and the system's error code.
 */
export function toProviderError(err: unknown, ctx: ProviderErrorContext): ProviderError {
  if (ProviderError.isInstance(err)) return err;
  const secrets = ctx.secrets ?? [];
  const make = (code: string, text: string, retryable: boolean, status?: number) =>
    new ProviderError(code, redact(text, secrets), { cause: sanitizeCause(err, secrets), status, retryable });
  const raw = err instanceof Error ? err.message : String(err);

  if (err instanceof Anthropic.APIUserAbortError || ctx.signal?.aborted) {
    return make('provider.cancelled', 'the model call was cancelled', true);
  }
  if (err instanceof Anthropic.APIConnectionTimeoutError)
    return make('provider.timeout', `model call to ${where(ctx.baseURL)} timed out: ${raw}`, true);
  if (err instanceof Anthropic.APIConnectionError) {
    const code = causeCode(err) ?? (hasCredentials(ctx.baseURL) ? 'URL_HAS_CREDENTIALS' : undefined);
    const hint =
      code === 'URL_HAS_CREDENTIALS' ? ' (fetch refuses a base URL with user:password; pass the key as apiKey)' : '';
    return make(
      'provider.connection',
      `connection to the model API at ${where(ctx.baseURL)} failed${code ? ` (${code})` : ''}: ${raw}${hint}`,
      true,
    );
  }
  if (err instanceof Anthropic.APIError) {
    const status = err.status;
    const type = errorType(err.error);
    if (status === 429) return make('provider.rate_limited', `rate limited after retries: ${raw}`, true, status);
    if (status === 529 || type === 'overloaded_error')
      return make('provider.overloaded', `model API overloaded after retries: ${raw}`, true, status);
    if ((status !== undefined && status >= 500) || type === 'api_error')
      return make('provider.server_error', `model API server error after retries: ${raw}`, true, status);
    if (status === 401 || status === 403)
      return make('provider.auth', `model API refused the credentials: ${raw}`, false, status);
    if (status !== undefined && status >= 400)
      return make('provider.bad_request', `model API rejected the request: ${raw}`, false, status);
    return make('provider.error', raw, true, status);
  }
  // Errors raised while reading a stream: a cut connection or an unreadable event.
  if (/terminated|socket|ECONNRESET|premature|aborted|other side closed/i.test(raw)) {
    return make('provider.connection', `the model stream from ${where(ctx.baseURL)} was cut: ${raw}`, true);
  }
  if (err instanceof SyntaxError || /JSON|parse|unexpected event/i.test(raw)) {
    return make('provider.bad_response', `the model stream could not be read: ${raw}`, true);
  }
  return make('provider.error', raw, true);
}

/** A base URL without user, password, query or fragment. */
export function safeBaseURL(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(an unreadable base URL)';
  }
}

const hasCredentials = (url: string | undefined): boolean => {
  try {
    const u = new URL(url ?? '');
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
};

const where = (baseURL: string | undefined): string => (baseURL ? safeBaseURL(baseURL) : 'the default base URL');

/** The first system error code (`ECONNREFUSED`, `ENOTFOUND`, `ERR_SSL_...`, `CERT_HAS_EXPIRED`) in an error's cause chain. */
export function causeCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    const errors = (current as { errors?: unknown }).errors; // AggregateError of happy-eyeballs attempts
    if (Array.isArray(errors) && errors.length) {
      const inner = causeCode(errors[0]);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function errorType(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const inner = (body as { error?: { type?: unknown } }).error;
  return typeof inner?.type === 'string' ? inner.type : undefined;
}

/** A plain cause without request headers, safe to store and print. */
function sanitizeCause(err: unknown, secrets: readonly string[]): Error {
  if (!(err instanceof Error)) return new Error(redact(String(err), secrets));
  const code = causeCode(err);
  const cause = new Error(redact(`${err.message}${code ? ` (${code})` : ''}`, secrets));
  cause.name = err.name;
  return cause;
}
