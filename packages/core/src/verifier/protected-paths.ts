import type { GateResult } from '../model/report.js';
import type { Sandbox } from '../ports/sandbox.js';

/**
 * What a verifier does about changes the executor made to the paths that decide whether a gate passes: test
 * files, test configuration, the scripts a gate command runs.
 */
export interface ProtectedPaths {
  /** Git pathspecs (glob magic, e.g. `**\/*.test.ts`, `vitest.config.*`, `package.json`). */
  paths: string[];
  /**
   * The commit the session started from. Default `HEAD`; pin the commit id when the executor may commit, since
   * a commit of its own moves `HEAD` onto the changed versions.
   */
  baseRef?: string;
  /**
   * `report` (default): the verdict gets a passing `protected-paths` gate listing every changed protected path.
   * `fail`: that gate fails when any changed. `base`: the gates run against the base commit's versions of the
   * changed protected paths (files the executor added are set aside), and the executor's versions are put
   * back afterwards, so nothing it did is lost; the gate lists them and passes.
   */
  policy?: 'report' | 'fail' | 'base';
}

/** The name of the gate that reports changes to protected paths. */
export const PROTECTED_PATHS_GATE = 'protected-paths';

const GIT = 'git -c core.hooksPath=/dev/null -c core.fsmonitor=false -c diff.external= --no-pager';

/**
 * Lists changed protected paths with git INSIDE the sandbox (never on the host: the workspace's git
 * configuration is the executor's to write). Prints one path a line: tracked files that differ from the base
 * (or were deleted) and untracked files, each matched by the pathspecs.
 */
const LIST = `set -e
base="$1"; shift
${GIT} rev-parse --verify --quiet "$base^{commit}" >/dev/null
${GIT} diff --name-only --no-renames "$base" -- "$@"
${GIT} ls-files --others -- "$@"`;

/** Sets the executor's versions aside in $1 (a tar), then puts the base versions in place. */
const TO_BASE = `set -e
stash="$1"; base="$2"; shift 2
: > "$stash.list"
for p in "$@"; do if [ -e "$p" ] || [ -L "$p" ]; then printf '%s\\n' "$p" >> "$stash.list"; fi; done
tar -cf "$stash" -T "$stash.list"
for p in "$@"; do
  if ${GIT} cat-file -e "$base:$p" 2>/dev/null; then ${GIT} checkout "$base" -- "$p"; else rm -rf -- "$p"; fi
done`;

/** Removes the base versions again and restores the executor's from the tar. */
const TO_EXECUTOR = `set -e
stash="$1"; shift
for p in "$@"; do rm -rf -- "$p"; done
tar -xf "$stash"
rm -f "$stash" "$stash.list"`;

function failed(name: string, message: string, output: string): GateResult {
  return { name, passed: false, durationMs: 0, output, failures: [{ message }] };
}

/**
 * Runs `gates` under a {@link ProtectedPaths} policy: finds the changed protected paths, swaps in the base
 * versions for `base`, runs the gates, swaps back, and adds the `protected-paths` gate (first) to what the
 * gates returned. When git cannot tell what changed (no repository in the sandbox, an unknown base), that gate
 * fails: a verdict must not pass on tests nobody could check.
 */
export async function withProtectedPaths(
  sandbox: Sandbox,
  policy: ProtectedPaths,
  signal: AbortSignal,
  gates: () => Promise<GateResult[]>,
  emitGate?: (result: GateResult) => void,
): Promise<GateResult[]> {
  const emit = (result: GateResult): GateResult => {
    emitGate?.(result);
    return result;
  };
  const started = Date.now();
  const base = policy.baseRef ?? 'HEAD';
  const mode = policy.policy ?? 'report';
  const pathspecs = policy.paths.map((p) => `:(glob)${p}`);
  const listed = await sandbox.exec(['/bin/sh', '-c', LIST, 'sh', base, ...pathspecs], { signal, timeoutMs: 60_000 });
  if (listed.exitCode !== 0) {
    const output = `${listed.stdout}${listed.stderr}`.trim();
    return [
      emit(failed(PROTECTED_PATHS_GATE, `cannot list changes to protected paths against ${base}`, output)),
      ...(await gates()),
    ];
  }
  const changed = [...new Set(listed.stdout.split('\n').filter((line) => line !== ''))].sort();
  const passed = !(mode === 'fail' && changed.length > 0);
  const note =
    changed.length === 0
      ? `no protected path changed since ${base}`
      : `${changed.length} protected path(s) changed since ${base}${mode === 'base' ? '; gates ran against the base versions' : ''}:\n${changed.join('\n')}`;
  const gate = (): GateResult =>
    emit({
      name: PROTECTED_PATHS_GATE,
      passed,
      durationMs: Date.now() - started,
      output: note,
      failures: passed ? [] : changed.map((file) => ({ message: 'protected path changed', file })),
    });
  if (mode !== 'base' || changed.length === 0) {
    const reported = gate();
    return [reported, ...(await gates())];
  }

  const stash = `/tmp/sessionhub-protected-${Date.now()}-${Math.random().toString(36).slice(2)}.tar`;
  const swapped = await sandbox.exec(['/bin/sh', '-c', TO_BASE, 'sh', stash, base, ...changed], {
    signal,
    timeoutMs: 60_000,
  });
  if (swapped.exitCode !== 0) {
    return [
      emit(
        failed(
          PROTECTED_PATHS_GATE,
          'cannot put the base versions in place',
          `${swapped.stdout}${swapped.stderr}`.trim(),
        ),
      ),
    ];
  }
  const reported = gate();
  const outcome = await gates().then(
    (results) => ({ results }),
    (error: unknown) => ({ error }),
  );
  const back = await sandbox.exec(['/bin/sh', '-c', TO_EXECUTOR, 'sh', stash, ...changed], { timeoutMs: 60_000 });
  if (back.exitCode !== 0) {
    // The session's work must not be lost silently: fail loudly with where the copy is.
    throw new Error(`could not restore the executor's versions of protected paths (kept in ${stash}): ${back.stderr}`);
  }
  if ('error' in outcome) throw outcome.error;
  return [reported, ...outcome.results];
}
