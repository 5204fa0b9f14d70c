/** The longest delay `setTimeout` takes; longer ones fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `fire` once `delayMs` have passed, for any delay: a delay above Node's 2^31−1 ms timer limit
 * is waited out in chained segments, and an infinite one never fires. The timer does not keep the
 * process alive. Returns a function that stops it.
 */
export function longTimer(delayMs: number, fire: () => void): () => void {
  if (!Number.isFinite(delayMs)) return () => undefined;
  let remaining = Math.max(0, delayMs);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    const segment = Math.min(remaining, MAX_TIMER_MS);
    remaining -= segment;
    timer = setTimeout(remaining > 0 ? arm : fire, segment);
    timer.unref?.();
  };
  arm();
  return () => clearTimeout(timer);
}

/** Calls `tick` every `periodMs` (clamped to the timer limit) without keeping the process alive. */
export function interval(periodMs: number, tick: () => void): () => void {
  const timer = setInterval(tick, Math.min(Math.max(1, periodMs), MAX_TIMER_MS));
  timer.unref?.();
  return () => clearInterval(timer);
}
