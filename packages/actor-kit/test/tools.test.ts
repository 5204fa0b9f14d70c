import { CancelledError, type ExecutorProgress } from '@sessionhub/core';
import { releaseAfterTest, tempSandboxes } from '@sessionhub/core/testing';
import { ProcessSandboxProvider } from '@sessionhub/sandbox-process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EXECUTOR_TOOLS, runToolCall, type ToolContext, ToolInputError } from '../src/index.js';

// The real embedded sandbox, bubblewrap required: the tools act only through the Sandbox port.
const sandboxes = tempSandboxes(() => new ProcessSandboxProvider({ isolation: 'bubblewrap' }), {
  prefix: 'sessionhub-actor-kit-',
});

async function context(files: Record<string, string>) {
  const sandbox = releaseAfterTest(onTestFinished, await sandboxes.create(files));
  const changed: string[] = [];
  const progress: ExecutorProgress[] = [];
  const ctx: ToolContext = {
    sandbox,
    signal: new AbortController().signal,
    emit: (p) => progress.push(p),
    changed: (p) => changed.push(p),
    maxCommandOutputBytes: 64 * 1024,
    commandTimeoutMs: 20_000,
    maxCommandTimeoutMs: 60_000,
    maxReadFileBytes: 256 * 1024,
  };
  return { ctx, changed, progress };
}

const run = (name: string, input: Record<string, unknown>, ctx: ToolContext) => {
  const tool = EXECUTOR_TOOLS.find((t) => t.definition.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool.run(input, ctx);
};

describe('the six executor tools, on a real sandbox', () => {
  it('are defined once each, in a stable order, with an object input schema naming their required fields', () => {
    expect(EXECUTOR_TOOLS.map((t) => t.definition.name)).toEqual([
      'read_file',
      'write_file',
      'edit_file',
      'list_files',
      'search',
      'run_command',
    ]);
    for (const { definition } of EXECUTOR_TOOLS) {
      expect(definition.input_schema.type).toBe('object');
      for (const field of definition.input_schema.required ?? [])
        expect(Object.keys(definition.input_schema.properties ?? {})).toContain(field);
    }
  });

  it('write, edit, read, list, search and run inside the workspace, recording what changed', async () => {
    const { ctx, changed, progress } = await context({ 'notes.txt': 'one two\n' });
    await run('write_file', { path: 'src/greet.txt', content: 'hello NAME\nbye NAME\n' }, ctx);
    await run('edit_file', { path: 'src/greet.txt', old_text: 'NAME', new_text: 'Ada', replace_all: true }, ctx);
    expect(await run('read_file', { path: 'src/greet.txt' }, ctx)).toContain('hello Ada');
    expect(await run('list_files', { recursive: true }, ctx)).toContain('src/greet.txt');
    expect(await run('search', { pattern: 'bye Ada' }, ctx)).toContain('src/greet.txt:2');
    expect(await run('run_command', { command: 'wc -w < notes.txt' }, ctx)).toContain('2');
    expect(changed).toEqual(['src/greet.txt', 'src/greet.txt']);
    expect(progress.some((p) => p.kind === 'file_change')).toBe(true);
  });

  it('turn unusable input into a ToolInputError the model can act on, leaving the file as it was', async () => {
    const { ctx } = await context({ 'a.txt': 'x x\n' });
    await expect(run('edit_file', { path: 'a.txt', old_text: 'x', new_text: 'y' }, ctx)).rejects.toThrow(
      ToolInputError,
    );
    await expect(run('read_file', { path: 42 }, ctx)).rejects.toThrow('"path" must be a string');
    await expect(run('search', { pattern: '(', regex: true }, ctx)).rejects.toThrow('invalid regular expression');
    expect(await run('read_file', { path: 'a.txt' }, ctx)).toContain('x x');
  });

  it('read_file never reads a file above maxReadFileBytes whole, by any path to it, and reads a line range of it', async () => {
    const big = Array.from({ length: 30_000 }, (_, i) => `line ${i + 1} of a long log`).join('\n');
    const { ctx } = await context({ 'logs/big.log': big, 'logs/small.txt': 'small\n' });
    await ctx.sandbox.exec(['ln', '-s', 'logs/big.log', 'link.log'], { signal: ctx.signal });
    await ctx.sandbox.exec(['mkdir', 'sub'], { signal: ctx.signal });
    // A symlink to it and a path through `..` name the same file: each is refused whole, as the file itself is.
    for (const path of ['logs/big.log', 'link.log', 'sub/../logs/big.log', './logs//big.log']) {
      await expect(run('read_file', { path }, ctx), path).rejects.toThrow(
        `is ${Buffer.byteLength(big)} bytes, above the ${256 * 1024}-byte read limit`,
      );
    }
    expect(await run('read_file', { path: 'link.log', offset: 29_999, limit: 5 }, ctx)).toBe(
      `[lines 29999-30003 of a ${Buffer.byteLength(big)}-byte file]\nline 29999 of a long log\nline 30000 of a long log`,
    );
    expect(await run('read_file', { path: 'sub/../logs/small.txt' }, ctx)).toBe('small\n');
  });

  it.each([
    ['without readFileCapped (it asks stat for the size, then reads)', ['readFileCapped']],
    ['without readFileCapped or stat (it lists the directory, then reads)', ['readFileCapped', 'stat']],
  ])('read_file on a sandbox %s still refuses a large file whole', async (_, hidden) => {
    const { ctx } = await context({ 'logs/big.log': 'x'.repeat(300 * 1024), 'logs/small.txt': 'small\n' });
    // The same real sandbox seen through the port without its optional methods, as an adapter that lacks them.
    const sandbox = new Proxy(ctx.sandbox, {
      get: (target, key) => {
        if (hidden.includes(String(key))) return undefined;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const without = { ...ctx, sandbox };
    expect(without.sandbox.readFileCapped).toBeUndefined();
    await expect(run('read_file', { path: 'logs/big.log' }, without)).rejects.toThrow('above the');
    expect(await run('read_file', { path: 'logs/big.log', offset: 2, limit: 1 }, without)).toContain(
      `of a ${300 * 1024}-byte file]`,
    );
    expect(await run('read_file', { path: 'logs/small.txt' }, without)).toBe('small\n');
  });
});

describe('runToolCall: one model tool call, with its events', () => {
  const opts = (ctx: ToolContext, maxOutputChars = 10_000) => ({
    tools: EXECUTOR_TOOLS,
    ctx,
    turn: 3,
    sessionId: 's-1',
    tracer: undefined,
    maxOutputChars,
  });

  it('runs the tool and emits tool_call then tool_result; long output keeps its head and tail', async () => {
    const { ctx, progress } = await context({ 'big.txt': `${'a'.repeat(5000)}END\n` });
    const result = await runToolCall({ id: 'c1', name: 'read_file', input: { path: 'big.txt' } }, opts(ctx, 1000));
    expect(result.isError).toBe(false);
    expect(result.text).toContain('characters truncated by SessionHub');
    expect(result.text).toContain('END');
    expect(progress.map((p) => p.kind)).toEqual(['tool_call', 'tool_result']);
    expect(progress[0]?.data).toMatchObject({ tool: 'read_file', id: 'c1', turn: 3 });
    expect(progress[1]?.data).toMatchObject({ isError: false, truncated: true });
  });

  it('an unknown tool, unreadable input or a failing tool is an error result the model can read', async () => {
    const { ctx } = await context({});
    const unknown = await runToolCall({ id: 'c2', name: 'rm_rf', input: {} }, opts(ctx));
    expect(unknown).toEqual({
      isError: true,
      text: expect.stringContaining('unknown tool "rm_rf"; use one of read_file'),
    });
    const unreadable = await runToolCall(
      { id: 'c3', name: 'write_file', input: {}, inputError: 'JSON parse error' },
      opts(ctx),
    );
    expect(unreadable.text).toBe('error: the tool input could not be read: JSON parse error');
    expect(await ctx.sandbox.list(undefined, { signal: ctx.signal })).toEqual([]);
    const missing = await runToolCall({ id: 'c4', name: 'read_file', input: { path: 'nope.txt' } }, opts(ctx));
    expect(missing.isError).toBe(true);
  });

  it('a cancelled session is a CancelledError, not an error result', async () => {
    const { ctx } = await context({});
    const controller = new AbortController();
    const cancelled = { ...ctx, signal: controller.signal };
    const running = runToolCall({ id: 'c5', name: 'run_command', input: { command: 'sleep 30' } }, opts(cancelled));
    setTimeout(() => controller.abort(), 200);
    await expect(running).rejects.toBeInstanceOf(CancelledError);
  });
});
