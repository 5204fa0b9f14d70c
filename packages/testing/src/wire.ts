/**
 * The slice of the Messages API wire format the fake reads and writes.
 * Plain JSON shapes; deliberately independent of `@anthropic-ai/sdk`.
 */

/** A `cache_control` marker as clients send it. */
export interface WireCacheControl {
  type: 'ephemeral';
  ttl?: string;
}

/** A content block of a request or a reply (text, tool_use, tool_result, or anything else). */
export interface WireBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: string | WireBlock[];
  is_error?: boolean;
  cache_control?: WireCacheControl | null;
  [key: string]: unknown;
}

/** One message of a request's conversation. */
export interface WireMessage {
  /** `system` messages inside `messages` are what Claude Code sends for its environment notes. */
  role: 'user' | 'assistant' | 'system';
  content: string | WireBlock[];
}

/** A tool definition as clients send it. */
export interface WireTool {
  name: string;
  description?: string;
  input_schema?: unknown;
  cache_control?: WireCacheControl | null;
  [key: string]: unknown;
}

/** The body of `POST /v1/messages`. */
export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  messages: WireMessage[];
  system?: string | WireBlock[];
  tools?: WireTool[];
  stream?: boolean;
  temperature?: number;
  [key: string]: unknown;
}

/** Token usage the fake reports, with the cache fields the real API uses. */
export interface WireUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** The cache writes split by TTL, as the real API reports them. */
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** Why the (fake) model stopped. */
export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn';

/** The error types of the real API, each paired with its HTTP status by {@link errorStatus}. */
export type WireErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

const STATUS: Record<WireErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/** The HTTP status the real API sends with an error type. */
export function errorStatus(type: WireErrorType): number {
  return STATUS[type];
}

/** The real error body: `{ type: "error", error: { type, message } }`. */
export function errorBody(
  type: WireErrorType,
  message: string,
): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type, message } };
}
