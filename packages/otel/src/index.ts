/**
 * @sessionhub/otel: OpenTelemetry spans for SessionHub: a span per session, step and gate derived from a hub's
 * events, and a tracer for the actors' model-call and tool-call spans, nested by session id. Depends only on
 * `@opentelemetry/api`.
 *
 * @see docs/tracing.md
 * @packageDocumentation
 */
export {
  createSessionTracing,
  type EventSource,
  type InstrumentOptions,
  instrumentSessionHub,
  type SessionTracing,
} from './instrument.js';
export { SessionSpans } from './session-spans.js';
