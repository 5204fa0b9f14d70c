/**
 * The scaffolding the scripted model fakes share (the Messages API fake and the OpenAI Chat Completions fake):
 * option checks, the loopback HTTP server, and the conversation state behind the handle (script cursor, queued
 * faults, mismatches, `assertDone`). Each fake keeps its own wire format.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeOptionError, FakeScriptError } from './errors.js';
import { readBody } from './http.js';
import { redactHeaders } from './request-checks.js';

/** A request that did not match its scripted turn. */
export interface ScriptMismatch {
  requestIndex: number;
  turn: number;
  turnName?: string;
  expected: string;
  received: string;
}

/** What every running scripted fake offers; `S` is its script type, `F` its fault type. */
export interface ScriptedFake<S, F> {
  /** Base URL for the client's `baseURL`. */
  readonly url: string;
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** Every script mismatch so far. */
  readonly mismatches: readonly ScriptMismatch[];
  /**
   * Queues a fault for the next request(s) (`times`, default 1). A reply function may call it to fault the
   * request after the one it answers (how a test stalls at a chosen point).
   * Throws `FakeOptionError` (`fake.invalid_fault`) for a fault that cannot be served.
   */
  enqueueFault(fault: F, times?: number): void;
  /** Replaces the script and rewinds to its first turn. */
  setScript(script: S): void;
  /** Throws a {@link FakeScriptError} on any mismatch, unanswered turn or unserved fault. */
  assertDone(): void;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/** Options every scripted fake takes besides its script and faults. */
export interface FakeServerOptions {
  /** Code points per streamed text or arguments delta, at least 1. Default 24. */
  chunkChars?: number;
  /** Port to listen on (127.0.0.1). Default 0: a free port chosen by the system. */
  port?: number;
}

/** The options with their defaults; throws `FakeOptionError` (`fake.invalid_option`) for one it cannot honour. */
export function checkServerOptions(options: FakeServerOptions): Required<FakeServerOptions> {
  const chunkChars = options.chunkChars ?? 24;
  if (!Number.isInteger(chunkChars) || chunkChars < 1) {
    throw new FakeOptionError('fake.invalid_option', `chunkChars must be an integer ≥ 1, got ${chunkChars}`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new FakeOptionError('fake.invalid_option', `port must be an integer from 0 to 65535, got ${port}`);
  }
  return { chunkChars, port };
}

/** A started loopback server. */
export interface LoopbackServer {
  readonly port: number;
  /** Drops open connections and stops listening. */
  close(): Promise<void>;
}

/**
 * Serves `handle` on 127.0.0.1:`port`. A handler that throws gets `internalError` (before the response started)
 * or a destroyed connection (after).
 */
export async function listenLoopback(
  port: number,
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  internalError: (res: ServerResponse, err: unknown) => void,
): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) internalError(res, err);
      else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** What every fake records of a request (API keys in `headers` replaced by `[redacted]`). */
export interface RecordedBase {
  index: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  stream: boolean;
  /** Status the fake answered with (set once the response starts). */
  status?: number;
  /** Whether the client went away before the response ended. */
  aborted: boolean;
}

/**
 * Records a request as it arrives (appended to `requests` with the fields of {@link RecordedBase} and `extra`;
 * `aborted` set when the client leaves before the response ends), then reads its whole body.
 */
export async function recordRequest<R extends RecordedBase>(
  req: IncomingMessage,
  res: ServerResponse,
  requests: R[],
  extra: Omit<R, keyof RecordedBase>,
): Promise<{ record: R; raw: string }> {
  const record = {
    index: requests.length,
    method: req.method ?? '',
    path: req.url ?? '',
    headers: redactHeaders(req.headers),
    stream: false,
    aborted: false,
    ...extra,
  } as R;
  requests.push(record);
  res.on('close', () => {
    if (!res.writableFinished) record.aborted = true;
  });
  return { record, raw: await readBody(req) };
}

/** The request body parsed as a JSON object, or `undefined` when it is not one. */
export function parseJsonObject<B extends object>(raw: string): B | undefined {
  try {
    const body: unknown = JSON.parse(raw);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as B) : undefined;
  } catch {
    return undefined;
  }
}

/** What a scripted turn needs for {@link Conversation}: a name and matchers of request bodies `B`. */
export interface TurnShape<B> {
  name?: string;
  match?: TurnCheck<B> | TurnCheck<B>[];
}

/** A matcher: `undefined` when the request matches, else what was received. */
export interface TurnCheck<B> {
  readonly description: string;
  check(request: B): string | undefined;
}

/**
 * The state of a scripted conversation: the script and its cursor, the queued faults, the mismatches.
 * `label` names the fake in `assertDone`'s error (`fake-anthropic`, `fake-openai`).
 */
export class Conversation<T extends TurnShape<B>, B, F extends { kind: string }> {
  readonly mismatches: ScriptMismatch[] = [];
  private readonly faults: F[];
  private script: T[];
  private cursor = 0;

  constructor(
    private readonly label: string,
    options: { script?: T[]; faults?: F[] },
    private readonly checkFault: (fault: F) => void,
  ) {
    for (const fault of options.faults ?? []) checkFault(fault);
    this.script = options.script ?? [];
    this.faults = [...(options.faults ?? [])];
  }

  /** The turn the next request is answered by, without moving on (for faults that cut its reply short). */
  get current(): { turn: T | undefined; index: number } {
    return { turn: this.script[this.cursor], index: this.cursor };
  }

  /** The next queued fault, taken off the queue. */
  nextFault(): F | undefined {
    return this.faults.shift();
  }

  enqueueFault(fault: F, times = 1): void {
    this.checkFault(fault);
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  setScript(next: T[]): void {
    this.script = next;
    this.cursor = 0;
  }

  /**
   * Takes the next turn for request `requestIndex` when all its matchers accept `body` (the cursor moves on);
   * otherwise records the mismatch and returns it with the text of the fake's 400 answer (the cursor stays).
   */
  take(requestIndex: number, body: B): { turn: T; index: number } | { mismatch: ScriptMismatch; message: string } {
    const index = this.cursor;
    const turn = this.script[index];
    const named = turn?.name ? { turnName: turn.name } : {};
    const refused = turn
      ? firstRefusal(turn, body)
      : { expected: 'a scripted turn', received: 'a request after the script ended' };
    if (refused) {
      const mismatch: ScriptMismatch = { requestIndex, turn: index, ...named, ...refused };
      this.mismatches.push(mismatch);
      const message = `${this.label} script mismatch at ${turnLabel(mismatch)}: expected ${refused.expected}; received ${refused.received}`;
      return { mismatch, message };
    }
    this.cursor++;
    return { turn: turn as T, index };
  }

  /** Throws a {@link FakeScriptError} listing every mismatch, every turn never requested and every fault never served. */
  assertDone(): void {
    const problems = [
      ...this.mismatches.map(
        (m) => `request ${m.requestIndex} at ${turnLabel(m)}: expected ${m.expected}; received ${m.received}`,
      ),
      ...this.script
        .slice(this.cursor)
        .map((t, i) => `${turnLabel({ turn: this.cursor + i, turnName: t.name })} was never requested`),
      ...(this.faults.length
        ? [`${this.faults.length} fault(s) never served: ${this.faults.map((f) => f.kind).join(', ')}`]
        : []),
    ];
    if (problems.length) {
      throw new FakeScriptError(
        this.mismatches.length ? 'fake.script_mismatch' : 'fake.script_unfinished',
        `${this.label} script not completed as written:\n- ${problems.join('\n- ')}`,
      );
    }
  }
}

/** A mismatch label: `turn 3 (report)`. */
function turnLabel(m: Pick<ScriptMismatch, 'turn' | 'turnName'>): string {
  return `turn ${m.turn}${m.turnName ? ` (${m.turnName})` : ''}`;
}

function firstRefusal<B>(turn: TurnShape<B>, body: B): { expected: string; received: string } | undefined {
  const matchers = turn.match === undefined ? [] : Array.isArray(turn.match) ? turn.match : [turn.match];
  for (const m of matchers) {
    const received = m.check(body);
    if (received !== undefined) return { expected: m.description, received };
  }
  return undefined;
}
