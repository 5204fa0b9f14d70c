import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Sandbox, SandboxProcess } from '@sessionhub/core';
import type { McpServerConfig } from './config.js';
import { McpServerError } from './errors.js';

/**
 * The MCP stdio transport over a process started inside the sandbox with `Sandbox.spawn`: newline-delimited
 * JSON-RPC on its stdin and stdout, so the server is as isolated as any command. The last stderr lines are kept
 * for error messages. Closing kills the process's whole tree.
 */
export class SandboxStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private process: SandboxProcess | undefined;
  private readonly buffer = new ReadBuffer();
  private stderrTail = '';
  private closed = false;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly config: McpServerConfig,
    private readonly signal: AbortSignal,
  ) {}

  /** The end of the server's stderr (at most 2 000 characters). */
  get stderr(): string {
    return this.stderrTail;
  }

  /** The exit code, or the signal that ended the server, once it exited. */
  get exit(): string | undefined {
    const p = this.process;
    if (!p || (p.exitCode === null && p.signalCode === null)) return undefined;
    return p.exitCode !== null ? `exit code ${p.exitCode}` : `signal ${p.signalCode}`;
  }

  async start(): Promise<void> {
    if (!this.sandbox.spawn)
      throw new McpServerError(
        'mcp.unsupported_sandbox',
        `MCP server "${this.config.name}" needs a sandbox with spawn (long-running processes); ${this.sandbox.isolation} sandbox "${this.sandbox.id}" has none`,
      );
    const p = this.sandbox.spawn(this.config.command, {
      ...(this.config.cwd ? { cwd: this.config.cwd } : {}),
      ...(this.config.env ? { env: this.config.env } : {}),
      signal: this.signal,
    });
    this.process = p;
    p.stdout.on('data', (chunk: Buffer) => {
      this.buffer.append(chunk);
      for (;;) {
        let message: JSONRPCMessage | null;
        try {
          message = this.buffer.readMessage();
        } catch (err) {
          this.onerror?.(err as Error);
          continue;
        }
        if (!message) break;
        this.onmessage?.(message);
      }
    });
    p.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    p.stdin.on('error', (err: Error) => this.onerror?.(err));
    p.once('error', (err) => this.onerror?.(err));
    p.once('exit', () => this.finish());
  }

  send(message: JSONRPCMessage): Promise<void> {
    const p = this.process;
    if (!p || this.closed) return Promise.reject(new Error('the MCP server is not running'));
    return new Promise((ok) => {
      if (p.stdin.write(serializeMessage(message))) ok();
      else p.stdin.once('drain', ok);
    });
  }

  async close(): Promise<void> {
    const p = this.process;
    if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.clear();
    this.onclose?.();
  }
}
