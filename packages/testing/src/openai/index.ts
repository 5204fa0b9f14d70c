/**
 * A loopback fake of the OpenAI Chat Completions API (`POST /v1/chat/completions`): JSON and SSE, tool calls,
 * the real error shape, rate limits and faults, strict about what the real API rejects (`CHAT_REQUEST_RULES`).
 * @module
 */
export { buildCompletion, type ChatCompletion, completionChunks } from './completion.js';
export { type ChatFault, checkChatFault } from './faults.js';
export { CHAT_REQUEST_RULES, type ChatRequestRule, validateChatRequest } from './rules.js';
export {
  type ChatErrorReply,
  type ChatMessageReply,
  type ChatReply,
  type ChatScript,
  type ChatScriptTurn,
  type ChatTurnMatcher,
  chatMatch,
  chatReply,
} from './script.js';
export { type ChatRecordedRequest, type FakeOpenAI, type FakeOpenAIOptions, startFakeOpenAI } from './server.js';
export type { ChatFinishReason, ChatMessage, ChatRequestBody, ChatToolCall, ChatUsage } from './wire.js';
