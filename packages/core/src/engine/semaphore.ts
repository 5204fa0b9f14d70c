import { CancelledError } from '../errors.js';

/** A counting semaphore with a FIFO queue; waiting can be cancelled. */
export class Semaphore {
  private active = 0;
  private readonly queue: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];

  constructor(private readonly limit: number) {}

  /** Waits for a slot. Rejects with the signal's reason when aborted while queued. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new CancelledError());
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const i = this.queue.indexOf(entry);
        if (i >= 0) this.queue.splice(i, 1);
        reject(signal?.reason ?? new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(entry);
    });
  }

  /** Frees a slot, handing it to the next waiter. */
  release(): void {
    const next = this.queue.shift();
    if (next) next.resolve();
    else this.active--;
  }
}
