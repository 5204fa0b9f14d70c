import { redact } from '@sessionhub/actor-kit';
import { ProviderError } from '@sessionhub/core';
import { APICallError, RetryError } from 'ai';

/**
 * Maps what the AI SDK throws to a {@link ProviderError} with a stable code: `provider.cancelled`,
 * `provider.rate_limited` (429), `provider.overloaded` (529), `provider.server_error` (5xx),
 * `provider.auth` (401/403), `provider.bad_request` (other 4xx), `provider.connection` (no response, a cut
 * stream), `provider.bad_response` (an unreadable answer) or `provider.error`. A `RetryError` (the SDK's
 * retries used up) is judged by its last error. Secrets never reach the message or the cause.
 */
export function toProviderError(
  err: unknown,
  ctx: { secrets: readonly string[]; signal?: AbortSignal },
): ProviderError {
  if (ProviderError.isInstance(err)) return err;
  const last = RetryError.isInstance(err) ? err.lastError : err;
  const make = (code: string, text: string, retryable: boolean, status?: number) =>
    new ProviderError(code, redact(text, ctx.secrets), {
      cause: plainCause(last, ctx.secrets),
      retryable,
      ...(status !== undefined ? { status } : {}),
    });
  const raw = last instanceof Error ? last.message : String(last);
  if (ctx.signal?.aborted || (last instanceof Error && last.name === 'AbortError'))
    return make('provider.cancelled', 'the model call was cancelled', true);
  if (APICallError.isInstance(last)) {
    const status = last.statusCode;
    if (status === 429) return make('provider.rate_limited', `rate limited after retries: ${raw}`, true, status);
    if (status === 529) return make('provider.overloaded', `model API overloaded after retries: ${raw}`, true, status);
    if (status !== undefined && status >= 500)
      return make('provider.server_error', `model API server error after retries: ${raw}`, true, status);
    if (status === 401 || status === 403)
      return make('provider.auth', `model API refused the credentials: ${raw}`, false, status);
    if (status !== undefined && status >= 400)
      return make('provider.bad_request', `model API rejected the request: ${raw}`, false, status);
    if (status === undefined) return make('provider.connection', `connection to the model API failed: ${raw}`, true);
    return make('provider.error', raw, last.isRetryable, status);
  }
  if (/terminated|socket|ECONNRESET|ECONNREFUSED|premature|other side closed|fetch failed/i.test(raw))
    return make('provider.connection', `the model API connection failed or was cut: ${raw}`, true);
  if (last instanceof SyntaxError || /JSON|parse|Invalid JSON response|type validation/i.test(raw))
    return make('provider.bad_response', `the model's answer could not be read: ${raw}`, true);
  return make('provider.error', raw, true);
}

function plainCause(err: unknown, secrets: readonly string[]): Error {
  const cause = new Error(redact(err instanceof Error ? err.message : String(err), secrets));
  if (err instanceof Error) cause.name = err.name;
  return cause;
}
