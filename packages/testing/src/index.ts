/**
 * @sessionhub/testing: loopback fakes that speak real wire formats, for testing code built on SessionHub.
 * The fake Messages API refuses what the real one refuses (see `REQUEST_RULES`).
 *
 * @see docs/testing.md: scripted conversations, faults, prompt caching and the table of request rules.
 * @packageDocumentation
 */
export { type CacheOptions, type InputUsage, PromptCache, uncachedUsage } from './cache.js';
export { FakeOptionError, FakeScriptError } from './errors.js';
export type { Fault, FaultKind } from './faults.js';
export * from './github/index.js';
export * from './openai/index.js';
export { REQUEST_RULES, type RequestRule, type RuleInput, validateRequest } from './request-rules.js';
export {
  type ErrorReply,
  type MessageReply,
  match,
  messageText,
  type Reply,
  reply,
  type Script,
  type ScriptTurn,
  type ToolCall,
  type TurnMatcher,
} from './script.js';
export type { FakeServerOptions, RecordedBase, ScriptedFake, ScriptMismatch } from './scripted-fake.js';
export { type FakeAnthropic, type FakeAnthropicOptions, type RecordedRequest, startFakeAnthropic } from './server.js';
export { encodeSse, messageEvents, type SseEvent, type WireMessageResponse } from './sse.js';
export { approxTokens } from './tokens.js';
export * from './wire.js';
