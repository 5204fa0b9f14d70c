import { type Attributes, context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { SessionEvent } from '@sessionhub/core';

/** The open spans of one session: the session's own and its running steps by step id. */
interface OpenSession {
  span: Span;
  /** Whether the tracer records: a non-recording session span means every span of the session would be a no-op. */
  recording: boolean;
  steps: Map<string, Span>;
  /** The most recently started step still open: where actor spans of the session nest. */
  current: string | undefined;
  usage: { input: number; output: number; costUsd: number };
}

/**
 * Turns a hub's stored events into spans: one `invoke_agent sessionhub` span per session, a `step <kind>` span per
 * step (plan, execute, verify, ...) and a `gate <name>` span per verifier gate, timed by the events' own timestamps.
 * Only ids, names, states, counts and error codes become attributes: no instruction text, tool input or output.
 */
export class SessionSpans {
  private readonly open = new Map<string, OpenSession>();

  constructor(private readonly tracer: Tracer) {}

  /** The span actor spans of `sessionId` nest under (its running step, else the session), if the session is open. */
  parentOf(sessionId: string): Span | undefined {
    const s = this.open.get(sessionId);
    if (!s) return undefined;
    return (s.current && s.steps.get(s.current)) || s.span;
  }

  /** Ends every open span (listening stopped). */
  endAll(): void {
    for (const [id, s] of this.open) {
      for (const span of s.steps.values()) span.end();
      s.span.end();
      this.open.delete(id);
    }
  }

  handle(e: SessionEvent): void {
    const known = this.open.get(e.sessionId);
    // A tracer that records nothing (no provider registered) gets one span per session and nothing else.
    if (known && !known.recording) {
      if (e.type === 'session.finished' || e.type === 'session.released') {
        known.span.end();
        this.open.delete(e.sessionId);
      }
      return;
    }
    const at = new Date(e.at);
    const s = known ?? this.start(e, at);
    if (!s.recording) return;
    switch (e.type) {
      case 'step.started': {
        s.steps.get(e.stepId)?.end(at); // a step started again after a resume
        const parent = trace.setSpan(context.active(), s.span);
        const span = this.tracer.startSpan(
          `step ${e.step}`,
          {
            kind: SpanKind.INTERNAL,
            startTime: at,
            attributes: {
              'sessionhub.session.id': e.sessionId,
              'sessionhub.step.id': e.stepId,
              'sessionhub.step.kind': e.step,
              'sessionhub.step.attempt': e.attempt,
            },
          },
          parent,
        );
        s.steps.set(e.stepId, span);
        s.current = e.stepId;
        return;
      }
      case 'step.finished':
      case 'step.failed': {
        const span = s.steps.get(e.stepId);
        if (!span) return;
        if (e.type === 'step.failed') failed(span, e.error.code, e.error.message);
        span.end(at);
        s.steps.delete(e.stepId);
        if (s.current === e.stepId) s.current = undefined;
        return;
      }
      case 'verifier.gate': {
        const parentSpan = this.parentOf(e.sessionId) ?? s.span;
        const gate = this.tracer.startSpan(
          `gate ${e.result.name}`,
          {
            kind: SpanKind.INTERNAL,
            startTime: new Date(at.getTime() - e.result.durationMs),
            attributes: {
              'sessionhub.session.id': e.sessionId,
              'sessionhub.gate.name': e.result.name,
              'sessionhub.gate.passed': e.result.passed,
              'sessionhub.gate.attempt': e.attempt,
              'sessionhub.gate.failures': e.result.failures.length,
            },
          },
          trace.setSpan(context.active(), parentSpan),
        );
        if (!e.result.passed) failed(gate, 'gate.failed', `gate ${e.result.name} failed`);
        gate.end(at);
        return;
      }
      case 'usage.recorded': {
        s.usage.input += e.usage.inputTokens + e.usage.cacheReadTokens + e.usage.cacheWriteTokens;
        s.usage.output += e.usage.outputTokens;
        s.usage.costUsd += e.usage.costUsd;
        return;
      }
      case 'instruction.accepted':
        s.span.setAttributes({ 'sessionhub.instruction.name': e.name, 'sessionhub.instruction.version': e.version });
        return;
      case 'session.finished':
      case 'session.released': {
        for (const span of s.steps.values()) span.end(at);
        const attributes: Attributes = {
          'gen_ai.usage.input_tokens': s.usage.input,
          'gen_ai.usage.output_tokens': s.usage.output,
          'sessionhub.usage.cost_usd': s.usage.costUsd,
          'sessionhub.session.state': e.type === 'session.finished' ? e.state : 'paused',
        };
        s.span.setAttributes(attributes);
        if (e.type === 'session.finished' && e.error) failed(s.span, e.error.code, e.error.message);
        s.span.end(at);
        this.open.delete(e.sessionId);
        return;
      }
      default:
        return;
    }
  }

  private start(e: SessionEvent, at: Date): OpenSession {
    const span = this.tracer.startSpan(
      'invoke_agent sessionhub',
      {
        kind: SpanKind.INTERNAL,
        startTime: at,
        root: true,
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.name': 'sessionhub',
          'gen_ai.conversation.id': e.sessionId,
          'sessionhub.session.id': e.sessionId,
        },
      },
      context.active(),
    );
    const s: OpenSession = {
      span,
      recording: span.isRecording(),
      steps: new Map(),
      current: undefined,
      usage: { input: 0, output: 0, costUsd: 0 },
    };
    this.open.set(e.sessionId, s);
    return s;
  }
}

function failed(span: Span, code: string, message: string): void {
  span.setAttribute('error.type', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
