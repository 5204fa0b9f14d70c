import { StringDecoder } from 'node:string_decoder';
import { SandboxError } from '../errors.js';
import type { HostResources } from '../model/report.js';
import { type ExecOptions, type ExecResult, TRUNCATION_MARKER } from '../ports/sandbox.js';

/** A message the runner sends back (see {@link runnerScript} for the protocol). */
export interface RunnerReply {
  id?: number;
  t: 'ready' | 'out' | 'exit' | 'ok' | 'err';
  s?: 'stdout' | 'stderr';
  d?: string;
  code?: number | string | null;
  signal?: string | null;
  timedOut?: boolean;
  /** Which streams were cut at the cap. */
  cut?: { stdout: boolean; stderr: boolean };
  ms?: number;
  /** What the command used, when the runner measured it (see `meter-script.ts`). */
  res?: { cpuMs: number; peakMemoryBytes: number; bytesWritten: number };
  message?: string;
  error?: string;
  /** What an extension's op answers with. */
  [field: string]: unknown;
}

/** A command for the runner: its argv and working directory as the runner sees them. */
export interface RunnerExecRequest extends Pick<ExecOptions, 'stdin' | 'timeoutMs' | 'signal' | 'onOutput'> {
  argv: string[];
  /** What the runner's `HOOKS.cwd` reads: an absolute directory by default, or what an extension expects. */
  cwd: string;
  env: Record<string, string>;
  /** Cap per stream; the rest is cut and the result marked `truncated`. */
  maxOutputBytes: number;
}

/**
 * The host side of the runner protocol over any byte transport: the adapter writes lines with `write`, feeds
 * the runner's stdout to {@link receive} and reports the end of the transport with {@link close}. Requests are
 * matched to replies by a numeric id.
 */
export class RunnerConnection {
  private nextId = 1;
  private readonly listeners = new Map<number, (reply: RunnerReply) => void>();
  private buffer = '';
  private readonly decoder = new StringDecoder('utf8');
  private closedReason: SandboxError | undefined;
  private readyResolve: (() => void) | undefined;
  private readyReject: ((error: Error) => void) | undefined;
  /** Resolves when the runner printed `ready`; rejects if the connection closes first. */
  readonly ready: Promise<void>;

  constructor(private readonly write: (line: string) => void) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => undefined);
  }

  /** Whether the connection is gone; {@link closedReason} says why. */
  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Why the connection closed. */
  get reason(): SandboxError | undefined {
    return this.closedReason;
  }

  /** Feeds bytes the runner wrote to its stdout. */
  receive(chunk: Buffer | string): void {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
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

  /** Ends the connection: `ready` and every request in flight fail with `error`. Idempotent. */
  close(error: SandboxError): void {
    if (this.closedReason) return;
    this.closedReason = error;
    this.readyReject?.(error);
    const reply: RunnerReply = { t: 'err', code: error.code, message: error.message };
    for (const listener of [...this.listeners.values()]) listener(reply);
    this.listeners.clear();
  }

  /** Sends a request; `listener` sees every reply with its id until it returns `true` (done). */
  send(request: Record<string, unknown>, listener: (reply: RunnerReply) => boolean): number {
    if (this.closedReason) throw this.closedReason;
    const id = this.nextId++;
    this.listeners.set(id, (reply) => {
      if (listener(reply)) this.listeners.delete(id);
    });
    this.write(`${JSON.stringify({ ...request, id })}\n`);
    return id;
  }

  /** One request, one `ok` reply; an `err` reply rejects with a `SandboxError` of its code. */
  call(request: Record<string, unknown>): Promise<RunnerReply> {
    return new Promise((resolve, reject) => {
      try {
        this.send(request, (reply) => {
          if (reply.t === 'err') reject(replyError(reply));
          else resolve(reply);
          return true;
        });
      } catch (error) {
        reject(error);
      }
    });
  }

  /**
   * Runs one command and resolves with its result: output decoded as UTF-8 (streamed to `onOutput` as it
   * comes), a cut stream ending in `TRUNCATION_MARKER`, a spawn error appended to stderr. Aborting `signal`
   * cancels the command (the runner kills its tree) and rejects with the signal's reason.
   */
  exec(request: RunnerExecRequest): Promise<ExecResult> {
    const { signal, onOutput } = request;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<ExecResult>((resolve, reject) => {
      const text = { stdout: '', stderr: '' };
      const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
      let requestId = 0;
      const onAbort = (): void => {
        this.call({ op: 'cancel', target: requestId }).catch(() => undefined);
      };
      const listener = (reply: RunnerReply): boolean => {
        if (reply.t === 'out' && reply.s && reply.d !== undefined) {
          const data = decoders[reply.s].write(Buffer.from(reply.d, 'base64'));
          text[reply.s] += data;
          if (data && onOutput) notify(onOutput, reply.s, data);
          return false;
        }
        signal?.removeEventListener('abort', onAbort);
        if (reply.t === 'err') reject(replyError(reply));
        else if (signal?.aborted) reject(signal.reason);
        else {
          const cut = reply.cut ?? { stdout: false, stderr: false };
          for (const stream of ['stdout', 'stderr'] as const) {
            const rest = decoders[stream].end();
            text[stream] += rest;
            if (rest && onOutput) notify(onOutput, stream, rest);
            if (cut[stream]) text[stream] += TRUNCATION_MARKER;
          }
          resolve({
            exitCode: typeof reply.code === 'number' ? reply.code : null,
            stdout: text.stdout,
            stderr: reply.error ? `${text.stderr}${reply.error}\n` : text.stderr,
            timedOut: reply.timedOut === true,
            truncated: cut.stdout || cut.stderr,
            durationMs: reply.ms ?? 0,
            ...resourcesOf(reply),
          });
        }
        return true;
      };
      try {
        requestId = this.send(
          {
            op: 'exec',
            argv: request.argv,
            cwd: request.cwd,
            env: request.env,
            stdin: request.stdin === undefined ? undefined : Buffer.from(request.stdin).toString('base64'),
            maxBytes: request.maxOutputBytes,
            timeoutMs: request.timeoutMs,
          },
          listener,
        );
      } catch (error) {
        reject(error);
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** `{ resources }` of one command from an exit reply's `res`, or nothing when it was not measured. */
export function resourcesOf(reply: RunnerReply): { resources?: HostResources } {
  const res = reply.res;
  if (typeof res !== 'object' || res === null) return {};
  const { cpuMs, peakMemoryBytes, bytesWritten } = res;
  const valid = [cpuMs, peakMemoryBytes, bytesWritten].every(
    (n) => typeof n === 'number' && Number.isFinite(n) && n >= 0,
  );
  return valid ? { resources: { commands: 1, cpuMs, peakMemoryBytes, bytesWritten } } : {};
}

function replyError(reply: RunnerReply): SandboxError {
  return new SandboxError(typeof reply.code === 'string' ? reply.code : 'sandbox.io', reply.message ?? 'failed');
}

/** Calls an output listener; a failing listener must not break the command. */
function notify(onOutput: NonNullable<ExecOptions['onOutput']>, stream: 'stdout' | 'stderr', data: string): void {
  try {
    onOutput({ stream, data });
  } catch {
    // ignored
  }
}
