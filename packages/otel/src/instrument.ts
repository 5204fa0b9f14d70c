import { type Context, context, type Span, type SpanOptions, type Tracer, trace } from '@opentelemetry/api';
import type { SessionEvent } from '@sessionhub/core';
import { SessionSpans } from './session-spans.js';

/** The part of a `SessionHub` this module reads: its event emitter. */
export interface EventSource {
  emitter: {
    on(event: 'event', listener: (e: SessionEvent) => void): unknown;
    off(event: 'event', listener: (e: SessionEvent) => void): unknown;
  };
}

/** Options of {@link instrumentSessionHub}. */
export interface InstrumentOptions {
  /** Where spans go. Default: `trace.getTracer('@sessionhub/otel')` of the global provider (a no-op until one is registered). */
  tracer?: Tracer;
}

/** Session tracing: a tracer for the actors and the hubs whose events become spans. */
export interface SessionTracing {
  /**
   * A tracer for the actors' `tracer` option (`AnthropicExecutor`, `AiSdkExecutor`, ...): a span whose attributes carry
   * `sessionhub.session.id` of an open session nests under that session's running step; any other span is
   * started as the wrapped tracer would. Usable before any hub exists.
   */
  readonly tracer: Tracer;
  /** Listens to `hub.emitter`: its sessions, steps and gates become spans. */
  instrument(hub: EventSource): void;
  /** Stops listening to every hub and ends the spans still open. */
  close(): void;
}

/**
 * Creates session tracing without touching the engine: each instrumented hub's stored events become a session span,
 * step spans and gate spans (see `SessionSpans`), following the OpenTelemetry GenAI conventions; model-call and
 * tool-call spans come from the actors given `tracing.tracer`. Only `@opentelemetry/api` is used: with no tracer
 * provider registered every span is a no-op.
 *
 * @example
 * ```ts
 * const tracing = createSessionTracing();
 * const hub = createSessionHub({ executor: new AnthropicExecutor({ tracer: tracing.tracer }), ... });
 * tracing.instrument(hub);
 * ```
 * @see docs/tracing.md
 */
export function createSessionTracing(options: InstrumentOptions = {}): SessionTracing {
  const base = options.tracer ?? trace.getTracer('@sessionhub/otel');
  const spans = new SessionSpans(base);
  const listener = (e: SessionEvent): void => spans.handle(e);
  const hubs = new Set<EventSource>();
  const contextFor = (opts: SpanOptions | undefined, ctx: Context | undefined): Context => {
    const id = opts?.attributes?.['sessionhub.session.id'];
    const parent = typeof id === 'string' ? spans.parentOf(id) : undefined;
    return parent ? trace.setSpan(ctx ?? context.active(), parent) : (ctx ?? context.active());
  };
  const tracer: Tracer = {
    startSpan: (name, opts, ctx) => base.startSpan(name, opts, contextFor(opts, ctx)),
    startActiveSpan: ((name: string, ...rest: unknown[]) => {
      const fn = rest.pop() as (span: Span) => unknown;
      const opts = rest[0] as SpanOptions | undefined;
      const ctx = contextFor(opts, rest[1] as Context | undefined);
      const span = base.startSpan(name, opts, ctx);
      return context.with(trace.setSpan(ctx, span), fn, undefined, span);
    }) as Tracer['startActiveSpan'],
  };
  return {
    tracer,
    instrument(hub) {
      if (hubs.has(hub)) return;
      hubs.add(hub);
      hub.emitter.on('event', listener);
    },
    close() {
      for (const hub of hubs) hub.emitter.off('event', listener);
      hubs.clear();
      spans.endAll();
    },
  };
}

/** {@link createSessionTracing} and `instrument(hub)` in one call, for actors that need no tracer of their own. */
export function instrumentSessionHub(hub: EventSource, options: InstrumentOptions = {}): SessionTracing {
  const tracing = createSessionTracing(options);
  tracing.instrument(hub);
  return tracing;
}
