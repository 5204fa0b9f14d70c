import { PassThrough } from 'node:stream';
import { SandboxError } from '@sessionhub/core';
import { RunnerConnection } from '@sessionhub/core/sandbox-runner';

/** A duplex byte stream to the container: what `container.attach({ hijack: true })` returns. */
export interface AttachedStream {
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  on(event: 'close' | 'end', cb: () => void): unknown;
  on(event: 'error', cb: (error: Error) => void): unknown;
}

/**
 * The runner protocol (a {@link RunnerConnection}) over the container's attached stream: requests written
 * to its stdin, replies read from its demultiplexed stdout, its stderr kept for error messages.
 */
export class RunnerClient {
  /** The protocol: `exec`, `call`, `ready`. */
  readonly connection: RunnerConnection;
  /** Runner diagnostics (its stderr), kept short for error messages. */
  stderrTail = '';

  constructor(
    private readonly stream: AttachedStream,
    demux: (stream: AttachedStream, stdout: PassThrough, stderr: PassThrough) => void,
  ) {
    this.connection = new RunnerConnection((line) => stream.write(line));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (chunk: Buffer) => this.connection.receive(chunk));
    stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    demux(stream, stdout, stderr);
    stream.on('end', () => this.fail('the sandbox runner stream ended'));
    stream.on('close', () => this.fail('the sandbox runner stream closed'));
    stream.on('error', (error) => this.fail(`the sandbox runner stream failed: ${error.message}`));
  }

  /** Resolves when the runner printed `ready`. */
  get ready(): Promise<void> {
    return this.connection.ready;
  }

  /** Ends the stream; the runner exits when its stdin closes. */
  close(): void {
    this.fail('the sandbox was disposed', 'sandbox.disposed');
    this.stream.destroy();
  }

  private fail(message: string, code = 'sandbox.crashed'): void {
    const detail = this.stderrTail.trim() ? `${message}: ${this.stderrTail.trim().slice(-500)}` : message;
    this.connection.close(new SandboxError(code, detail));
  }
}
