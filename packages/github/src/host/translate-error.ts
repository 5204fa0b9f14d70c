import { GitHostError } from '../errors.js';

interface RequestErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function isRequestError(error: unknown): error is RequestErrorLike {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';
}

function hostMessage(error: RequestErrorLike): string {
  const data = error.response?.data as { message?: unknown; errors?: unknown } | undefined;
  const base = typeof data?.message === 'string' ? data.message : error.message;
  const details = Array.isArray(data?.errors)
    ? data.errors
        .map((e) =>
          typeof e === 'string' ? e : typeof e?.message === 'string' ? e.message : [e?.field, e?.code].join(' '),
        )
        .filter(Boolean)
    : [];
  return details.length > 0 ? `${base}: ${details.join('; ')}` : base;
}

function resetAt(headers: Record<string, string | number | undefined> | undefined): number | undefined {
  const retryAfter = Number(headers?.['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Date.now() + retryAfter * 1000;
  const reset = Number(headers?.['x-ratelimit-reset']);
  return Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
}

/**
 * Turns what Octokit threw (after its retry and throttling plugins gave up) into a {@link GitHostError}
 * with the port's code. `what` names the call for the message, e.g. `getIssue owner/repo#1`.
 */
export function translateError(error: unknown, what: string): unknown {
  if (GitHostError.isInstance(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  if (!isRequestError(error)) {
    return new GitHostError('git_host.unavailable', `${what}: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
    });
  }
  const headers = error.response?.headers;
  const message = `${what}: ${hostMessage(error)}`;
  const options = { cause: error, status: error.status };
  const limited =
    error.status === 429 ||
    (error.status === 403 && (/rate limit/i.test(message) || String(headers?.['x-ratelimit-remaining']) === '0'));
  if (limited) {
    const at = resetAt(headers);
    return new GitHostError('git_host.rate_limited', message, { ...options, ...(at ? { resetAt: at } : {}) });
  }
  switch (error.status) {
    case 401:
      return new GitHostError('git_host.unauthorized', message, options);
    case 403:
      return new GitHostError('git_host.forbidden', message, options);
    case 404:
    case 410:
      return new GitHostError('git_host.not_found', message, options);
    case 422:
      return new GitHostError('git_host.validation_failed', message, options);
    default:
      return new GitHostError(
        error.status >= 500 ? 'git_host.unavailable' : 'git_host.validation_failed',
        message,
        options,
      );
  }
}
