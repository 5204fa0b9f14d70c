import { createRequire } from 'node:module';
import { signPayload } from '../src/index.js';

interface ExampleGroup {
  name: string;
  examples: Record<string, unknown>[];
}

/** A webhook payload, whose fields tests change freely. */
// biome-ignore lint/suspicious/noExplicitAny: example payloads are untyped JSON edited by tests.
export type Payload = Record<string, any>;

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleGroup[];

/** A real payload of `@octokit/webhooks-examples` (`event`, `action`), deep-copied, with `change` applied. */
export function examplePayload(event: string, action: string, change: (payload: Payload) => void = () => {}): Payload {
  const found = examples.find((g) => g.name === event)?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event}.${action}`);
  const payload = structuredClone(found) as Payload;
  change(payload);
  return payload;
}

/** The headers GitHub sends with a delivery, signed with `secret` (or with `signature` as given). */
export function deliveryHeaders(
  event: string,
  id: string,
  body: string,
  secret: string | undefined,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': id,
    'x-github-hook-id': '1',
    ...(secret === undefined ? {} : { 'x-hub-signature-256': signPayload(secret, body) }),
  };
}
