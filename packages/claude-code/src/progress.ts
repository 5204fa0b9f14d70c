import { isAbsolute, relative, sep } from 'node:path';
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import type { ExecutorProgress, Usage } from '@sessionhub/core';
import { redact, redactValue } from './redact.js';

/** Claude Code tools that write files, and the input field naming the file. */
const FILE_TOOLS: Record<string, string> = {
  Write: 'file_path',
  Edit: 'file_path',
  MultiEdit: 'file_path',
  NotebookEdit: 'notebook_path',
};

const MAX_SUMMARY = 200;

function cut(text: string, max = MAX_SUMMARY): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

interface Block {
  type?: unknown;
  text?: unknown;
  name?: unknown;
  id?: unknown;
  input?: unknown;
  tool_use_id?: unknown;
  content?: unknown;
  is_error?: unknown;
}

function blocks(content: unknown): Block[] {
  return Array.isArray(content) ? content.filter((b): b is Block => typeof b === 'object' && b !== null) : [];
}

function field(input: unknown, key: string): string | undefined {
  const v = input && typeof input === 'object' ? (input as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** A one-line summary of a tool call's input: the file or command it is about, never whole file contents. */
export function summarizeInput(tool: string, input: unknown): string {
  const path = field(input, 'file_path') ?? field(input, 'notebook_path') ?? field(input, 'path');
  if (tool === 'Write') return `${path ?? '?'} (${field(input, 'content')?.length ?? 0} chars)`;
  if (tool === 'Bash') return cut(field(input, 'command') ?? '');
  if (path) return cut(path);
  const pattern = field(input, 'pattern');
  if (pattern) return cut(pattern);
  return cut(JSON.stringify(input ?? {}));
}

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  return blocks(content)
    .map((b) => (typeof b.text === 'string' ? b.text : ''))
    .join('\n');
}

/** A workspace-relative path for a file a tool named, or `undefined` when it lies outside the workspace. */
export function workspacePath(workspace: string, file: string): string | undefined {
  const rel = relative(workspace, isAbsolute(file) ? file : `${workspace}${sep}${file}`);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/**
 * Turns Claude Code's messages into progress events and remembers the files its edit tools wrote.
 * Every text it emits has the secrets replaced.
 */
export class ProgressMapper {
  /** Workspace-relative paths named by successful Write/Edit calls. */
  readonly writtenFiles = new Set<string>();
  /** The last assistant text, a fallback summary. */
  lastText = '';
  private readonly pending = new Map<string, { tool: string; file?: string }>();
  /** Model calls (message ids) whose usage was already reported. */
  private readonly reportedCalls = new Set<string>();

  constructor(
    private readonly workspace: string,
    private readonly secrets: readonly (string | undefined)[],
    private readonly emit: (p: ExecutorProgress) => void,
    private readonly reportUsage?: (usage: Usage) => void,
  ) {}

  /**
   * Reports a model call's usage the first time one of its messages arrives. Claude Code hands its
   * messages on as the call streams, with the usage of `message_start`: the input and cache tokens are
   * final, the output tokens are not yet counted, and the cost is not known (Claude Code's own estimate
   * arrives with the result, which the final report carries).
   */
  private reportCall(message: { id?: unknown; usage?: unknown; model?: unknown }): void {
    if (!this.reportUsage || typeof message.id !== 'string' || this.reportedCalls.has(message.id)) return;
    const u = message.usage as Record<string, unknown> | undefined;
    if (!u) return;
    this.reportedCalls.add(message.id);
    const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0);
    this.reportUsage({
      inputTokens: n(u.input_tokens),
      outputTokens: n(u.output_tokens),
      cacheReadTokens: n(u.cache_read_input_tokens),
      cacheWriteTokens: n(u.cache_creation_input_tokens),
      costUsd: 0,
      ...(typeof message.model === 'string' && message.model !== '' ? { model: message.model } : {}),
    });
  }

  private send(p: ExecutorProgress): void {
    this.emit({
      kind: p.kind,
      message: redact(p.message, this.secrets),
      ...(p.data ? { data: redactValue(p.data, this.secrets) } : {}),
    });
  }

  /** Handles one SDK message. */
  handle(m: SDKMessage): void {
    if (m.type === 'system' && m.subtype === 'init') {
      this.send({
        kind: 'output',
        message: `Claude Code ${m.claude_code_version} started (model ${m.model}, permission mode ${m.permissionMode})`,
        data: { model: m.model, permissionMode: m.permissionMode, tools: m.tools },
      });
      return;
    }
    if (m.type === 'system' && m.subtype === 'api_retry') {
      const status = m.error_status ?? 'no status';
      this.send({
        kind: 'output',
        message: `model call failed (${status} ${m.error}); retry ${m.attempt} of ${m.max_retries} in ${m.retry_delay_ms} ms`,
        data: { status: m.error_status, error: m.error, attempt: m.attempt },
      });
      return;
    }
    if (m.type === 'assistant') {
      this.reportCall(m.message as { id?: unknown; usage?: unknown });
      for (const b of blocks(m.message.content)) {
        if (b.type === 'text' && typeof b.text === 'string' && b.text.trim()) {
          this.lastText = b.text;
          this.send({ kind: 'message', message: b.text });
        } else if (b.type === 'tool_use' && typeof b.name === 'string') {
          const id = typeof b.id === 'string' ? b.id : '';
          const fileKey = FILE_TOOLS[b.name];
          const rawFile = fileKey ? field(b.input, fileKey) : undefined;
          const file = rawFile ? workspacePath(this.workspace, rawFile) : undefined;
          this.pending.set(id, { tool: b.name, ...(file ? { file } : {}) });
          const summary = summarizeInput(b.name, b.input);
          this.send({ kind: 'tool_call', message: `${b.name} ${summary}`, data: { tool: b.name, id, input: summary } });
        }
      }
      return;
    }
    if (m.type === 'user') {
      for (const b of blocks(m.message.content)) {
        if (b.type !== 'tool_result') continue;
        const id = typeof b.tool_use_id === 'string' ? b.tool_use_id : '';
        const call = this.pending.get(id);
        this.pending.delete(id);
        const isError = b.is_error === true;
        const tool = call?.tool ?? 'unknown';
        this.send({
          kind: 'tool_result',
          message: `${tool} ${isError ? 'failed' : 'ok'}: ${cut(toolResultText(b.content))}`,
          data: { tool, id, isError },
        });
        if (call?.file && !isError) {
          this.writtenFiles.add(call.file);
          this.send({ kind: 'file_change', message: call.file, data: { path: call.file, tool } });
        }
      }
    }
  }
}
