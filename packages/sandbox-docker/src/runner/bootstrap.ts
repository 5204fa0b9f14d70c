import { RUNNER_SCRIPT } from './runner-script.js';

/**
 * The container's command line runs this small script (`node -e RUNNER_BOOTSTRAP`) instead of the runner itself:
 * it reads the runner's source as the first line of its stdin (a JSON string, {@link RUNNER_SOURCE_LINE}) and
 * runs it, then the runner reads its requests from the rest of stdin. The engine stores, copies and parses a
 * container's command line several times on create and start (dockerd's config, containerd's spec, runc's
 * config.json): with the ~23 KB runner in it, a cold create took ~7 ms longer here (150 alternating pairs); the
 * same bytes over the attached stdin, which the runner reads anyway, cost next to nothing.
 *
 * Runs as CommonJS under `node -e` (so `require` is global) and writes nothing itself: the runner's `ready` is the
 * first line on stdout.
 */
export const RUNNER_BOOTSTRAP = `'use strict';
(() => {
  const chunks = [];
  const onEnd = () => process.exit(0);
  const onData = (chunk) => {
    const nl = chunk.indexOf(10);
    if (nl < 0) { chunks.push(chunk); return; }
    process.stdin.removeListener('data', onData);
    process.stdin.removeListener('end', onEnd);
    chunks.push(chunk.subarray(0, nl));
    if (nl + 1 < chunk.length) process.stdin.unshift(chunk.subarray(nl + 1));
    const source = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    require('node:vm').runInThisContext(source, { filename: 'sessionhub-runner.js' });
  };
  process.stdin.on('data', onData);
  process.stdin.on('end', onEnd);
})();
`;

/** The first line the host writes to a runner started with {@link RUNNER_BOOTSTRAP}: the runner's source. */
export const RUNNER_SOURCE_LINE = `${JSON.stringify(RUNNER_SCRIPT)}\n`;
