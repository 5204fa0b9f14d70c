import type { SessionEvent, Usage } from '@sessionhub/core';
import { eventLine } from './event-line.js';

/** Where a command's output goes: live events, notices and the final report. */
export interface Reporter {
  /** A stored session event, as it happens. */
  event(e: SessionEvent): void;
  /** A line from the CLI itself (sandbox choice, where things are). */
  notice(message: string): void;
  /** The final report: `text` for people, `data` for `--json`. */
  report(text: string, data: Record<string, unknown>): void;
  /** Stops any live display. */
  close(): void;
}

/** Output mode: `tty` (live status line), `plain` (one line per event), `json` (NDJSON). */
export type OutputMode = 'tty' | 'plain' | 'json';

/** `--json` wins; else a TTY stdout gets live progress; else plain lines. */
export function outputMode(opts: { json?: boolean }, stream: NodeJS.WriteStream = process.stdout): OutputMode {
  if (opts.json) return 'json';
  return stream.isTTY ? 'tty' : 'plain';
}

/** NDJSON: every event as stored, and CLI lines as `{ "type": "cli.notice" | "cli.report", ... }`. */
export class JsonReporter implements Reporter {
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}
  event(e: SessionEvent): void {
    this.out.write(`${JSON.stringify(e)}\n`);
  }
  notice(message: string): void {
    this.out.write(`${JSON.stringify({ type: 'cli.notice', message })}\n`);
  }
  report(_text: string, data: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify({ type: 'cli.report', ...data })}\n`);
  }
  close(): void {}
}

/** Plain lines without a TTY: one line per event worth reading. */
export class PlainReporter implements Reporter {
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}
  event(e: SessionEvent): void {
    const line = eventLine(e);
    if (line) this.out.write(`${line}\n`);
  }
  notice(message: string): void {
    this.out.write(`${message}\n`);
  }
  report(text: string): void {
    this.out.write(`${text}\n`);
  }
  close(): void {}
}

const usageTokens = (u: Usage) => u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;

/**
 * Live progress on a terminal: each event line scrolls above a status line (phase, tool calls, gates, tokens,
 * cost, elapsed) redrawn in place every second and at every event.
 */
export class TtyReporter implements Reporter {
  private phase = 'starting';
  private tokens = 0;
  private cost = 0;
  private tools = 0;
  private gates = '';
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
  }

  event(e: SessionEvent): void {
    if (e.type === 'state.changed') this.phase = e.to;
    if (e.type === 'usage.recorded') {
      this.tokens += usageTokens(e.usage);
      this.cost += e.usage.costUsd;
    }
    if (e.type === 'executor.progress' && e.kind === 'tool_call') this.tools++;
    if (e.type === 'verifier.gate') this.gates += e.result.passed ? '✓' : '✗';
    const line = eventLine(e);
    if (line) this.print(line);
    else this.draw();
  }

  notice(message: string): void {
    this.print(message);
  }

  report(text: string): void {
    this.clearLine();
    this.out.write(`${text}\n`);
  }

  close(): void {
    clearInterval(this.timer);
    this.clearLine();
  }

  private print(line: string): void {
    this.clearLine();
    this.out.write(`${line}\n`);
    this.draw();
  }

  private clearLine(): void {
    this.out.write('\r\x1b[2K');
  }

  private draw(): void {
    const elapsed = ((Date.now() - this.started) / 1000).toFixed(0);
    const status =
      `▶ ${this.phase} · ${this.tools} tool calls · gates ${this.gates || '-'} · ` +
      `${this.tokens} tokens · $${this.cost.toFixed(4)} · ${elapsed}s`;
    this.clearLine();
    this.out.write(`\x1b[1m${status}\x1b[0m`);
  }
}

/** The reporter for a mode. */
export function createReporter(mode: OutputMode): Reporter {
  if (mode === 'json') return new JsonReporter();
  if (mode === 'tty') return new TtyReporter();
  return new PlainReporter();
}
