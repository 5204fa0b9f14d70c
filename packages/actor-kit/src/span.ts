import type { Attributes, Span, Tracer } from '@opentelemetry/api';

// Numeric values of the API's enums, so this module needs only the API's types at run time.
const SPAN_KIND_INTERNAL = 0;
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

/**
 * Runs `fn` inside a span when a tracer is given (a no-op otherwise): the span ends when `fn` settles, an error
 * is recorded on it with status ERROR. Attributes follow the OpenTelemetry GenAI conventions; the session id is
 * `sessionhub.session.id`, which `@sessionhub/otel`'s session tracer uses to nest the span under its phase.
 */
export async function inSpan<T>(
  tracer: Tracer | undefined,
  name: string,
  attributes: Attributes,
  fn: (span: Span | undefined) => Promise<T>,
  kind: 'client' | 'internal' = 'client',
): Promise<T> {
  if (!tracer) return fn(undefined);
  const span = tracer.startSpan(name, { kind: kind === 'client' ? SPAN_KIND_CLIENT : SPAN_KIND_INTERNAL, attributes });
  try {
    return await fn(span);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    span.setAttribute('error.type', typeof code === 'string' ? code : err instanceof Error ? err.name : 'error');
    span.setStatus({ code: STATUS_ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}
