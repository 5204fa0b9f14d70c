import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AnthropicExecutor, AnthropicPlanner } from '@sessionhub/anthropic';
import { executeInputOf } from '@sessionhub/core/testing';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { match, reply, startFakeAnthropic } from '@sessionhub/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createSessionTracing } from '../src/index.js';

const KEY = 'sk-ant-span-secret-456';
const INSTRUCTION = `Session 1.1: Notes
OBJECTIVES:
1. A notes file exists
REQUIREMENTS:
- It says hello
FOUNDATION UPDATE:
- Update to version 1.1
VALIDATION:
- The notes file says hello
`;

describe('AnthropicExecutor with a tracer: model-call and tool-call spans (GenAI conventions)', () => {
  it('one chat span per call with token counts, one execute_tool span per tool call, no key in any attribute', async () => {
    const fake = await startFakeAnthropic({
      apiKey: KEY,
      script: [
        { reply: reply.toolUse('write_file', { path: 'notes.txt', content: 'hello\n' }) },
        { match: match.toolResult({ name: 'write_file' }), reply: reply.text(`done, ${KEY} stays secret`) },
      ],
    });
    onTestFinished(() => fake.close());
    const provider = new ProcessSandboxProvider({ isolation: 'bubblewrap' });
    onTestFinished(() => provider.close());
    const dir = await mkdtemp(join(tmpdir(), 'sessionhub-otel-actor-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const sandbox = await provider.create({ workspace: dir });
    onTestFinished(() => sandbox.dispose());
    const exporter = new InMemorySpanExporter();
    const tracing = createSessionTracing({
      tracer: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('t'),
    });
    await new AnthropicExecutor({ apiKey: KEY, baseURL: fake.url, tracer: tracing.tracer }).execute(
      executeInputOf(INSTRUCTION, { sessionId: 'ses_spans' }),
      sandbox,
      { signal: AbortSignal.timeout(20_000), emit: () => {} },
    );
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual([
      'chat claude-sonnet-4-6',
      'execute_tool write_file',
      'chat claude-sonnet-4-6',
    ]);
    expect(spans[0]!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.finish_reasons': ['tool_use'],
      'gen_ai.usage.output_tokens': fake.requests[0]!.usage!.output_tokens,
      'sessionhub.session.id': 'ses_spans',
    });
    expect(spans[1]!.attributes).toMatchObject({
      'gen_ai.tool.name': 'write_file',
      'gen_ai.operation.name': 'execute_tool',
    });
    for (const s of spans) expect(JSON.stringify([s.attributes, s.status, s.events])).not.toContain(KEY);
  });

  it('AnthropicPlanner: a chat span per call, nested under the running plan step of an instrumented session', async () => {
    const fake = await startFakeAnthropic({ apiKey: KEY, script: [{ reply: reply.text(INSTRUCTION) }] });
    onTestFinished(() => fake.close());
    const exporter = new InMemorySpanExporter();
    const tracing = createSessionTracing({
      tracer: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('t'),
    });
    // The session's own events, as a hub would emit them, open the session and its plan step.
    const emitter = new EventEmitter();
    tracing.instrument({ emitter: emitter as never });
    const at = new Date().toISOString();
    emitter.emit('event', { type: 'session.created', sessionId: 'ses_plan', seq: 1, at, input: { request: 'x' } });
    emitter.emit('event', {
      type: 'step.started',
      sessionId: 'ses_plan',
      seq: 2,
      at,
      stepId: 'plan:0',
      step: 'plan',
      attempt: 0,
    });
    await new AnthropicPlanner({ apiKey: KEY, baseURL: fake.url, tracer: tracing.tracer }).plan(
      { sessionId: 'ses_plan', kind: 'initial', request: 'notes', library: [] },
      { signal: AbortSignal.timeout(10_000) },
    );
    emitter.emit('event', {
      type: 'step.finished',
      sessionId: 'ses_plan',
      seq: 3,
      at,
      stepId: 'plan:0',
      step: 'plan',
      output: {},
    });
    emitter.emit('event', { type: 'session.finished', sessionId: 'ses_plan', seq: 4, at, state: 'succeeded' });
    tracing.close();
    const spans = exporter.getFinishedSpans();
    const chat = spans.find((s) => s.name === 'chat claude-sonnet-4-6');
    const step = spans.find((s) => s.name === 'step plan');
    expect(chat?.parentSpanContext?.spanId).toBe(step?.spanContext().spanId);
    expect(chat?.attributes).toMatchObject({
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.provider.name': 'anthropic',
    });
    for (const s of spans) expect(JSON.stringify([s.attributes, s.status])).not.toContain(KEY);
  });
});
