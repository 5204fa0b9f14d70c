import { signPayload } from '@sessionhub/github';

/** The `issues.labeled` delivery GitHub sends when `label` is put on an issue (the fields the receiver reads). */
export function labeledPayload(options: {
  repo: string;
  issue: { number: number; title: string; body: string };
  label: string;
  sender: string;
}): string {
  const [owner = '', name = ''] = options.repo.split('/');
  return JSON.stringify({
    action: 'labeled',
    issue: {
      ...options.issue,
      state: 'open',
      labels: [{ name: options.label }],
      user: { login: options.sender, type: 'User' },
    },
    label: { name: options.label, color: 'ededed' },
    repository: { full_name: options.repo, name, owner: { login: owner } },
    sender: { login: options.sender, type: 'User' },
  });
}

/** Posts a delivery as GitHub does, signed with `secret` (`null`: unsigned); returns the HTTP status. */
export async function postDelivery(
  url: string,
  event: string,
  id: string,
  body: string,
  secret: string | null,
): Promise<number> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': id,
  };
  if (secret !== null) headers['x-hub-signature-256'] = signPayload(secret, body);
  return (await fetch(url, { method: 'POST', headers, body })).status;
}
