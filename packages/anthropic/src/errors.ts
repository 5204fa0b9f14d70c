import Anthropic from '@anthropic-ai/sdk';
import { ProviderError } from '@sessionhub/core';

/** Replaces every occurrence of the secret in a text. */
export function redact(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
}

/**
 * Maps anything the SDK throws to a {@link ProviderError} with a stable code:
 * `provider.cancelled`, `provider.rate_limited`, `provider.overloaded`, `provider.server_error`,
 * `provider.connection`, `provider.timeout`, `provider.auth`, `provider.bad_request`,
 * `provider.bad_response` (a malformed stream) or `provider.error`. The API key never appears in the message.
 */
export function toProviderError(err: unknown, ctx: { apiKey?: string; signal?: AbortSignal }): ProviderError {
  if (err instanceof ProviderError) return err;
  const message = (text: string) => redact(text, ctx.apiKey);
  const make = (code: string, text: string, retryable: boolean, status?: number) =>
    new ProviderError(code, message(text), { cause: sanitizeCause(err, ctx.apiKey), status, retryable });
  const raw = err instanceof Error ? err.message : String(err);

  if (err instanceof Anthropic.APIUserAbortError || ctx.signal?.aborted) {
    return make('provider.cancelled', 'the model call was cancelled', true);
  }
  if (err instanceof Anthropic.APIConnectionTimeoutError)
    return make('provider.timeout', `model call timed out: ${raw}`, true);
  if (err instanceof Anthropic.APIConnectionError)
    return make('provider.connection', `connection to the model API failed: ${raw}`, true);
  if (err instanceof Anthropic.APIError) {
    const status = err.status;
    const type = errorType(err.error);
    if (status === 429) return make('provider.rate_limited', `rate limited after retries: ${raw}`, true, status);
    if (status === 529 || type === 'overloaded_error')
      return make('provider.overloaded', `model API overloaded after retries: ${raw}`, true, status);
    if (status !== undefined && status >= 500)
      return make('provider.server_error', `model API server error after retries: ${raw}`, true, status);
    if (status === 401 || status === 403)
      return make('provider.auth', `model API refused the credentials: ${raw}`, false, status);
    if (status !== undefined && status >= 400)
      return make('provider.bad_request', `model API rejected the request: ${raw}`, false, status);
    return make('provider.error', raw, true, status);
  }
  // Errors raised while reading a stream: a cut connection or an unreadable event.
  if (/terminated|socket|ECONNRESET|premature|aborted|other side closed/i.test(raw)) {
    return make('provider.connection', `the model stream was cut: ${raw}`, true);
  }
  if (err instanceof SyntaxError || /JSON|parse|unexpected event/i.test(raw)) {
    return make('provider.bad_response', `the model stream could not be read: ${raw}`, true);
  }
  return make('provider.error', raw, true);
}

function errorType(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const inner = (body as { error?: { type?: unknown } }).error;
  return typeof inner?.type === 'string' ? inner.type : undefined;
}

/** A plain cause without request headers, safe to store and print. */
function sanitizeCause(err: unknown, apiKey: string | undefined): Error {
  if (!(err instanceof Error)) return new Error(redact(String(err), apiKey));
  const cause = new Error(redact(err.message, apiKey));
  cause.name = err.name;
  return cause;
}
