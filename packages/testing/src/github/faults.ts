/**
 * A fault the fake GitHub API serves instead of an answer. `operationId` limits it to one operation
 * (e.g. `issues/create-comment`); without it, the next request of any operation gets it.
 */
export type GitHubFault = { operationId?: string } & (
  | { kind: 'secondary_rate_limit'; retryAfterS?: number }
  | { kind: 'rate_limit'; resetInS?: number }
  | { kind: 'server_error'; status?: 500 | 502 | 503 | 504 }
  | { kind: 'not_found' }
  | { kind: 'validation_failed'; message?: string }
);

/** The answer a fault gives. */
export function faultAnswer(
  fault: GitHubFault,
  now: number,
): { status: number; body: unknown; headers: Record<string, string> } {
  const docs = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
  switch (fault.kind) {
    case 'secondary_rate_limit':
      return {
        status: 403,
        headers: { 'retry-after': String(fault.retryAfterS ?? 1) },
        body: {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000.',
          documentation_url: docs,
          status: '403',
        },
      };
    case 'rate_limit': {
      const reset = Math.ceil(now / 1000) + (fault.resetInS ?? 1);
      return {
        status: 403,
        headers: {
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': '5000',
          'x-ratelimit-reset': String(reset),
        },
        body: { message: 'API rate limit exceeded for installation.', documentation_url: docs, status: '403' },
      };
    }
    case 'server_error':
      return { status: fault.status ?? 502, headers: {}, body: { message: 'Server Error' } };
    case 'not_found':
      return {
        status: 404,
        headers: {},
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
      };
    case 'validation_failed':
      return {
        status: 422,
        headers: {},
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'Issue', code: 'custom', message: fault.message ?? 'Validation Failed' }],
          documentation_url: 'https://docs.github.com/rest',
          status: '422',
        },
      };
  }
}
