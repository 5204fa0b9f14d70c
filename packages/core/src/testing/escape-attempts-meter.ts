import { type EscapeAttempt, short } from './escape-kit.js';

/*
 * Attempts on the resident measurer every command of SessionHub's sandboxes is started by (see meter-script.ts
 * in the sandbox runner): it reports a command's exit and resource use, so forging its report would forge both.
 */

/**
 * Shell that sets `$W` to the pid of the nearest ancestor that is a resident measurer (recognised by a word of
 * its script in its command line, split here so this command's own line does not match). Walks up from `$$`,
 * so it works through an agent's shell too, where `$PPID` is not the measurer.
 */
const FIND_MEASURER =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
  'W=; p=$$; while [ "${p:-1}" -gt 1 ]; do ' +
  'if command grep -aq "oom_score""_adj" "/proc/$p/cmdline" 2>/dev/null; then W=$p; break; fi; ' +
  'p=$(sed "s/.*) //" "/proc/$p/stat" 2>/dev/null | cut -d" " -f2); done; echo "measurer=$W"; ';

export const METER_ATTEMPTS: readonly EscapeAttempt[] = [
  {
    name: "forge a command's exit or resource report through its measurer (/proc/PID/fd/3, mem)",
    run: async (ctx) => {
      const result = await ctx.sandbox.exec(
        `${FIND_MEASURER}printf 'R 0 0 0 0 0\\n' > /proc/$W/fd/3 2>/dev/null && echo WROTE; ` +
          '(exec 4</proc/$W/mem) 2>/dev/null && echo MEMOPEN; (exec 4>/proc/$W/mem) 2>/dev/null && echo MEMOPEN; exit 5',
        { timeoutMs: 15_000 },
      );
      const found = /measurer=\d+/.test(result.stdout);
      const reached = /WROTE|MEMOPEN/.test(result.stdout);
      return {
        blocked: found && !reached && result.exitCode !== 0,
        detail: `${short(result.stdout.replace(/\n/g, ' '), 60)}; exit ${result.exitCode}; cpuMs ${result.resources?.cpuMs ?? 'none'}`,
      };
    },
  },
  {
    name: 'kill the resident measurer to hide what a command used',
    run: async (ctx) => {
      const outcome = await ctx.sandbox
        .exec(`${FIND_MEASURER}kill -9 "$W" 2>&1; sleep 1; echo SURVIVED; exit 0`, { timeoutMs: 15_000 })
        .then(
          (r) => {
            // Blocked either way: the kill failed and the command stays measured, or it worked and the
            // command ended as killed (its result unmeasured, never a clean success).
            const blocked = r.resources !== undefined || r.exitCode !== 0;
            return {
              blocked,
              detail: `exit ${r.exitCode}, ${r.resources ? 'measured' : 'unmeasured'}: ${short(r.stdout.replace(/\n/g, ' '), 60)}`,
            };
          },
          (error: unknown) => ({ blocked: true, detail: `rejected (${short(String(error), 60)})` }),
        );
      return outcome;
    },
  },
];
