import { PassThrough } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { SandboxError } from '@sessionhub/core';

/** A message the runner sends back (see runner-script.ts for the protocol). */
export interface RunnerReply {
  id?: number;
  t: 'ready' | 'out' | 'exit' | 'ok' | 'err';
  s?: 'stdout' | 'stderr';
  d?: string;
  code?: number | string | null;
  signal?: string | null;
  timedOut?: boolean;
  truncated?: boolean;
  ms?: number;
  message?: string;
  error?: string;
  data?: string;
  entries?: Array<{ path: string; type: 'file' | 'directory' | 'symlink'; size: number }>;
}

type Listener = (reply: RunnerReply) => void;

/** A duplex byte stream to the container: what `container.attach({ hijack: true })` returns. */
export interface AttachedStream {
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  on(event: 'close' | 'end', cb: () => void): unknown;
  on(event: 'error', cb: (error: Error) => void): unknown;
}

/**
 * Host side of the runner protocol: JSON lines written to the container's stdin, replies read
 * from its demultiplexed stdout. Requests are matched to replies by a numeric id.
 */
export class RunnerClient {
  private nextId = 1;
  private readonly listeners = new Map<number, Listener>();
  private buffer = '';
  private readonly decoder = new StringDecoder('utf8');
  private closedReason: SandboxError | undefined;
  private readyResolve: (() => void) | undefined;
  private readyReject: ((error: Error) => void) | undefined;
  /** Resolves when the runner printed `ready`. */
  readonly ready: Promise<void>;
  /** Runner diagnostics (its stderr), kept short for error messages. */
  stderrTail = '';

  constructor(
    private readonly stream: AttachedStream,
    demux: (stream: AttachedStream, stdout: PassThrough, stderr: PassThrough) => void,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => undefined);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    demux(stream, stdout, stderr);
    stream.on('end', () => this.fail('the sandbox runner stream ended'));
    stream.on('close', () => this.fail('the sandbox runner stream closed'));
    stream.on('error', (error) => this.fail(`the sandbox runner stream failed: ${error.message}`));
  }

  /** Whether the connection to the runner is gone. */
  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Sends a request; `listener` sees every reply with its id until it returns `true` (done). */
  send(request: Record<string, unknown>, listener: (reply: RunnerReply) => boolean): number {
    if (this.closedReason) throw this.closedReason;
    const id = this.nextId++;
    this.listeners.set(id, (reply) => {
      if (listener(reply)) this.listeners.delete(id);
    });
    this.stream.write(`${JSON.stringify({ ...request, id })}\n`);
    return id;
  }

  /** One request, one `ok` or `err` reply. */
  call(request: Record<string, unknown>): Promise<RunnerReply> {
    return new Promise((resolve, reject) => {
      try {
        this.send(request, (reply) => {
          if (reply.t === 'err') {
            reject(
              new SandboxError(typeof reply.code === 'string' ? reply.code : 'sandbox.io', reply.message ?? 'failed'),
            );
          } else resolve(reply);
          return true;
        });
      } catch (error) {
        reject(error);
      }
    });
  }

  /** Ends the stream; the runner exits when its stdin closes. */
  close(): void {
    this.fail('the sandbox was disposed', 'sandbox.disposed');
    this.stream.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer += this.decoder.write(chunk);
    let nl = this.buffer.indexOf('\n');
    while (nl >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      nl = this.buffer.indexOf('\n');
      if (line.length === 0) continue;
      let reply: RunnerReply;
      try {
        reply = JSON.parse(line) as RunnerReply;
      } catch {
        continue;
      }
      if (reply.t === 'ready') this.readyResolve?.();
      else if (reply.id !== undefined) this.listeners.get(reply.id)?.(reply);
    }
  }

  private fail(message: string, code = 'sandbox.crashed'): void {
    if (this.closedReason) return;
    const detail = this.stderrTail.trim() ? `${message}: ${this.stderrTail.trim().slice(-500)}` : message;
    this.closedReason = new SandboxError(code, detail);
    this.readyReject?.(this.closedReason);
    const err: RunnerReply = { t: 'err', code, message: detail };
    for (const listener of [...this.listeners.values()]) listener(err);
    this.listeners.clear();
  }
}
