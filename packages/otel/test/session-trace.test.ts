import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenAI } from '@ai-sdk/openai';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { AiSdkExecutor, AiSdkPlanner } from '@sessionhub/ai-sdk';
import { CommandVerifier, createSessionHub, MemoryStore } from '@sessionhub/core';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { chatMatch, chatReply, startFakeOpenAI } from '@sessionhub/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createSessionTracing } from '../src/index.js';

const KEY = 'sk-openai-trace-secret-123';
const INSTRUCTION = `Session 1.1: Greeting Module
OBJECTIVES:
1. Visitors are greeted by name
REQUIREMENTS:
- The greeting mentions the name it was given
FOUNDATION UPDATE:
- Update to version 1.1
- Add session to log
VALIDATION:
- The project's automated tests pass
COMPLEXITY: simple
COMMIT: 'Greet visitors by name'
`;

async function tracedSession() {
  const workspace = await realpath(await mkdtemp(join(tmpdir(), 'sessionhub-otel-')));
  onTestFinished(() => rm(workspace, { recursive: true, force: true }));
  await writeFile(
    join(workspace, 'FOUNDATION.md'),
    '# Greeter\n\nCurrent Version: 1.0\n\n## Session Log\n- 1.0 (2026-01-01) Setup: completed. Started.\n',
  );
  await writeFile(
    join(workspace, 'check.mjs'),
    "import { greet } from './greet.mjs';\nif (!greet('Ada').includes('Ada')) process.exit(1);\nconsole.log('ok');\n",
  );
  const fake = await startFakeOpenAI({
    apiKey: KEY,
    script: [
      { match: chatMatch.systemContains('You are the Planner'), reply: chatReply.text(INSTRUCTION) },
      {
        reply: chatReply.toolCall('write_file', {
          path: 'greet.mjs',
          content: 'export const greet = (n) => "Hello, " + n;\n',
        }),
      },
      {
        match: chatMatch.toolResult({ name: 'write_file' }),
        reply: chatReply.text(`Wrote greet.mjs (key ${KEY} never leaks).`),
      },
    ],
  });
  onTestFinished(() => fake.close());
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const sandbox = new ProcessSandboxProvider({ isolation: 'bubblewrap' });
  onTestFinished(() => sandbox.close());
  const hubOptions = {
    verifier: new CommandVerifier({ gates: [{ name: 'check', command: 'node check.mjs', timeoutMs: 10_000 }] }),
    store: new MemoryStore(),
    sandbox,
    workspace,
    policy: { secrets: [KEY] },
  };
  const model = createOpenAI({ apiKey: KEY, baseURL: fake.url }).chat('gpt-4.1');
  const tracing = createSessionTracing({ tracer: provider.getTracer('test') });
  const hub = createSessionHub({
    ...hubOptions,
    planner: new AiSdkPlanner({ model, secrets: [KEY], tracer: tracing.tracer }),
    executor: new AiSdkExecutor({ model, secrets: [KEY], tracer: tracing.tracer }),
  });
  tracing.instrument(hub);
  const handle = await hub.run({ request: 'Greet visitors by name' }, { signal: AbortSignal.timeout(25_000) });
  const result = await handle.result;
  tracing.close();
  await provider.forceFlush();
  return { result, spans: exporter.getFinishedSpans(), sessionId: handle.id };
}

const parentOf = (span: ReadableSpan, all: ReadableSpan[]) =>
  all.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);

describe('instrumentSessionHub: a full session as an OpenTelemetry span tree (in-memory exporter)', () => {
  it('session → steps → model calls, tool calls and gates, with GenAI attributes and no secret anywhere', async () => {
    const { result, spans, sessionId } = await tracedSession();
    expect(result.session.state).toBe('succeeded');
    const byName = (name: string) => spans.filter((s) => s.name === name);

    const [session] = byName('invoke_agent sessionhub');
    expect(session).toBeDefined();
    expect(session!.parentSpanContext).toBeUndefined();
    expect(session!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.conversation.id': sessionId,
      'sessionhub.session.state': 'succeeded',
      'sessionhub.instruction.name': 'Greeting Module',
    });
    expect(session!.attributes['gen_ai.usage.output_tokens']).toBe(result.session.usage.outputTokens);

    const steps = spans.filter((s) => s.name.startsWith('step '));
    expect(steps.map((s) => s.name)).toEqual(expect.arrayContaining(['step plan', 'step execute', 'step verify']));
    for (const step of steps) expect(parentOf(step, spans)).toBe(session);

    const chats = byName('chat gpt-4.1');
    expect(chats).toHaveLength(3);
    expect(chats.map((c) => parentOf(c, spans)?.name)).toEqual(['step plan', 'step execute', 'step execute']);
    expect(chats[0]!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4.1',
      'gen_ai.response.finish_reasons': ['stop'],
      'sessionhub.session.id': sessionId,
    });
    expect(chats[0]!.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);

    const [tool] = byName('execute_tool write_file');
    expect(tool?.attributes).toMatchObject({
      'gen_ai.tool.name': 'write_file',
      'gen_ai.operation.name': 'execute_tool',
    });
    expect(parentOf(tool!, spans)?.name).toBe('step execute');

    const [gate] = byName('gate check');
    expect(gate?.attributes).toMatchObject({ 'sessionhub.gate.passed': true });
    expect(parentOf(gate!, spans)?.name).toBe('step verify');

    for (const s of spans) expect(JSON.stringify({ a: s.attributes, e: s.events, st: s.status })).not.toContain(KEY);
  });

  it('a failed model call puts the typed error on its span, its step and the session', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const fake = await startFakeOpenAI({
      apiKey: KEY,
      faults: [{ kind: 'error', status: 401, errorType: 'invalid_request_error', code: 'invalid_api_key' }],
    });
    onTestFinished(() => fake.close());
    const workspace = await realpath(await mkdtemp(join(tmpdir(), 'sessionhub-otel-')));
    onTestFinished(() => rm(workspace, { recursive: true, force: true }));
    const sandbox = new ProcessSandboxProvider({ isolation: 'bubblewrap' });
    onTestFinished(() => sandbox.close());
    const model = createOpenAI({ apiKey: KEY, baseURL: fake.url }).chat('gpt-4.1');
    const tracing = createSessionTracing({ tracer: provider.getTracer('test') });
    const hub = createSessionHub({
      planner: new AiSdkPlanner({ model, secrets: [KEY], tracer: tracing.tracer }),
      executor: new AiSdkExecutor({ model, secrets: [KEY] }),
      verifier: new CommandVerifier({ gates: [] }),
      store: new MemoryStore(),
      sandbox,
      workspace,
    });
    tracing.instrument(hub);
    const result = await (await hub.run({ request: 'x' })).result;
    tracing.close();
    expect(result.error?.code).toBe('provider.auth');
    const spans = exporter.getFinishedSpans();
    for (const name of ['chat gpt-4.1', 'step plan', 'invoke_agent sessionhub']) {
      const span = spans.find((s) => s.name === name);
      expect(span?.status.code, name).toBe(2);
      expect(span?.attributes['error.type'], name).toBe('provider.auth');
    }
  });
});
