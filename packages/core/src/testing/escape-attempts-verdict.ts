import { join } from 'node:path';
import { emptyUsage } from '../model/usage.js';
import type { Sandbox } from '../ports/sandbox.js';
import type { VerifyInput } from '../ports/verifier.js';
import { CommandVerifier, type GateCommand } from '../verifier/command-verifier.js';
import type { ProtectedPaths } from '../verifier/protected-paths.js';
import {
  type EscapeAttempt,
  type EscapeContext,
  type EscapeOutcome,
  short,
  sleep,
  stillWriting,
  waitForFile,
} from './escape-kit.js';

/*
 * Attempts on the verdict: reaching the runner (debugger, memory, its channel), forging a later command's
 * result, surviving into the verifier's gates, and changing what a gate runs.
 */

/**
 * Shell that sets `$RUNNER` to the pid of the sandbox's runner: the process whose program is `node` and whose
 * command line holds the runner script (recognised by a word of it, split here so this command's own line does
 * not match; bwrap and docker-init carry the script in their arguments too, but their program is not node), or
 * the bootstrap that reads the script from stdin and runs it as `sessionhub-runner.js` (Docker's runner).
 * `command grep -a`: an agent's shell may replace grep with a tool that skips files holding NUL bytes.
 */
const FIND_RUNNER =
  'RUNNER=; for p in /proc/[0-9]*; do case "$(tr "\\0" "\\n" < "$p/cmdline" 2>/dev/null | head -n 1)" in *node) ' +
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
  'if command grep -aqE "SESSIONHUB_KILL""_SCOPE|sessionhub""-runner[.]js" "$p/cmdline" 2>/dev/null; then RUNNER=${p#/proc/}; break; fi;; esac; done; ';

/** Runs a Python script in the sandbox with the runner's pid as its argument. */
function againstRunner(ctx: EscapeContext, script: string): Promise<{ stdout: string; stderr: string }> {
  return ctx.sandbox.exec(`${FIND_RUNNER}echo "runner=$RUNNER"; python3 -c '${script}' "$RUNNER" 2>&1`, {
    timeoutMs: 15_000,
  });
}

const PTRACE = `import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
pid = int(sys.argv[1])
if libc.ptrace(16, pid, None, None) == 0:
    print("ATTACHED"); libc.ptrace(17, pid, None, None)
else:
    print("ptrace errno %d" % ctypes.get_errno())`;

const MEMORY = `import ctypes, sys
pid = int(sys.argv[1]); out = []; addr = 0x400000
try:
    for line in open("/proc/%d/maps" % pid):
        f = line.split()
        if f[1].startswith("r"): addr = int(f[0].split("-")[0], 16); break
except Exception as e: out.append("maps %s" % type(e).__name__)
try:
    m = open("/proc/%d/mem" % pid, "r+b"); m.seek(addr); out.append("MEMREAD %d" % len(m.read(16)))
except Exception as e: out.append("mem %s" % type(e).__name__)
class iov(ctypes.Structure): _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
libc = ctypes.CDLL(None, use_errno=True); buf = ctypes.create_string_buffer(16)
local = iov(ctypes.cast(buf, ctypes.c_void_p), 16); remote = iov(addr, 16)
n = libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
out.append("VMREAD %d" % n if n > 0 else "process_vm_readv errno %d" % ctypes.get_errno())
n = libc.process_vm_writev(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
out.append("VMWRITE %d" % n if n > 0 else "process_vm_writev errno %d" % ctypes.get_errno())
print("; ".join(out))`;

/** A runner reply claiming that request `id` exited 0. */
const forged = (id: number) =>
  JSON.stringify({
    id,
    t: 'exit',
    code: 0,
    signal: null,
    timedOut: false,
    cut: { stdout: false, stderr: false },
    ms: 1,
  });

function input(): VerifyInput {
  return {
    sessionId: 'escape-suite',
    attempt: 0,
    instruction: {} as VerifyInput['instruction'],
    text: '',
    report: { summary: '', changedFiles: [], usage: emptyUsage() },
  };
}

function verify(sandbox: Sandbox, gates: GateCommand[], protect?: ProtectedPaths) {
  return new CommandVerifier({ gates, secretScan: false, ...(protect ? { protect } : {}) }).verify(input(), sandbox, {
    signal: new AbortController().signal,
  });
}

const GIT = 'git -c user.email=escape@example.invalid -c user.name=escape -c init.defaultBranch=main';

/** Makes a git repository in the workspace whose `check.sh` (the gate) fails; resolves with the base commit. */
async function repoWithFailingCheck(ctx: EscapeContext): Promise<string> {
  const made = await ctx.sandbox.exec(
    `${GIT} init -q . && printf 'expect=fail\\n' > test.conf && ` +
      `printf '. ./test.conf\\n[ "$expect" = pass ] || { echo "check failed: expect=$expect"; exit 1; }\\n' > check.sh && ` +
      `${GIT} add check.sh test.conf && ${GIT} commit -qm base && ${GIT} rev-parse HEAD`,
    { timeoutMs: 20_000 },
  );
  const sha = /^[0-9a-f]{40}$/m.exec(made.stdout)?.[0];
  if (!sha) throw new Error(`could not make the repository: ${short(made.stdout + made.stderr, 200)}`);
  return sha;
}

/** Runs the failing `check.sh` gate under a `base` protected-paths policy after `tamper` ran as the executor. */
async function tamperAttempt(ctx: EscapeContext, tamper: string, pinBase: boolean): Promise<EscapeOutcome> {
  const sha = await repoWithFailingCheck(ctx);
  await ctx.sandbox.exec(tamper, { timeoutMs: 20_000 });
  const before = await ctx.sandbox.readFile('check.sh');
  const conf = await ctx.sandbox.readFile('test.conf');
  const verdict = await verify(ctx.gateSandbox, [{ name: 'tests', command: 'sh check.sh' }], {
    paths: ['check.sh', 'test.conf'],
    policy: 'base',
    ...(pinBase ? { baseRef: sha } : {}),
  });
  const reported = verdict.gates.find((g) => g.name === 'protected-paths');
  const surfaced = reported !== undefined && /check\.sh|test\.conf/.test(reported.output);
  // Nothing of the executor's is lost: its versions are back in place after the verdict.
  const kept =
    (await ctx.sandbox.readFile('check.sh')) === before && (await ctx.sandbox.readFile('test.conf')) === conf;
  const tests = verdict.gates.find((g) => g.name === 'tests');
  return {
    blocked: !verdict.passed && surfaced && kept,
    detail: `verdict ${verdict.passed ? 'PASSED' : 'failed'}; tests gate ${tests?.passed ? 'PASSED' : 'failed'}; change ${surfaced ? 'surfaced' : 'NOT SURFACED'}; executor's files ${kept ? 'kept' : 'LOST'}`,
  };
}

export const VERDICT_ATTEMPTS: readonly EscapeAttempt[] = [
  {
    name: 'attach a debugger to the runner (ptrace, gdb)',
    run: async (ctx) => {
      const py = await againstRunner(ctx, PTRACE);
      const gdb = await ctx.sandbox.exec(
        `${FIND_RUNNER}if command -v gdb >/dev/null; then gdb -p "$RUNNER" -batch -ex 'print $pc' 2>&1; else echo 'no gdb'; fi`,
        { timeoutMs: 30_000 },
      );
      const attached = py.stdout.includes('ATTACHED') || /\$1 = \(void/.test(gdb.stdout);
      const found = /runner=(\d+)/.test(py.stdout);
      return {
        blocked: found && !attached,
        detail: `python: ${short(py.stdout, 40)}; gdb: ${short(
          gdb.stdout
            .split('\n')
            .filter((l) => /ptrace|\$1|no gdb/.test(l))
            .join(' '),
          60,
        )}`,
      };
    },
  },
  {
    name: "read or write the runner's memory (/proc/PID/mem, process_vm_*)",
    run: async (ctx) => {
      const result = await againstRunner(ctx, MEMORY);
      const found = /runner=(\d+)/.test(result.stdout);
      const reached = /MEMREAD [1-9]|VMREAD|VMWRITE/.test(result.stdout);
      return { blocked: found && !reached, detail: short(result.stdout, 160) };
    },
  },
  {
    name: "write a forged result into the runner's channel (/proc/PID/fd)",
    run: async (ctx) => {
      const result = await ctx.sandbox.exec(
        `${FIND_RUNNER}echo "runner=$RUNNER"; for fd in 0 1 2; do printf '%s\\n' '${forged(1)}' > /proc/$RUNNER/fd/$fd 2>/dev/null && echo "WROTE $fd"; done; ` +
          'ls -l /proc/$RUNNER/fd 2>&1 | head -5',
        { timeoutMs: 10_000 },
      );
      const wrote = result.stdout.includes('WROTE');
      const found = /runner=(\d+)/.test(result.stdout);
      const next = await ctx.sandbox.exec('exit 7', { timeoutMs: 10_000 });
      return {
        blocked: found && !wrote && next.exitCode === 7,
        detail: `${wrote ? 'WROTE INTO THE CHANNEL' : 'channel not writable'}; next command exit ${next.exitCode}; ${short(result.stdout, 80)}`,
      };
    },
  },
  {
    name: "a leftover process forges a later command's result",
    run: async (ctx) => {
      // For 4 s it writes "exit 0" replies for the first request ids into every descriptor it can open.
      const lines = [1, 2, 3, 4, 5, 6].map(forged).join('\\n');
      await ctx.sandbox.exec(
        `nohup sh -c 'end=$(($(date +%s) + 4)); n=0; while [ $(date +%s) -lt $end ]; do ` +
          `for p in /proc/[0-9]*; do for fd in 0 1 2; do printf "%b\\n" '"'"'${lines}'"'"' > $p/fd/$fd 2>/dev/null && n=$((n+1)); done; done; ` +
          `echo $n > forged.count; done' >/dev/null 2>&1 &`,
        { timeoutMs: 10_000 },
      );
      await sleep(300);
      const result = await ctx.sandbox.exec(`sleep 1; echo REAL-${ctx.mark}; exit 3`, { timeoutMs: 15_000 });
      const count = await ctx.sandbox.readFile('forged.count').catch(() => '?');
      const honest = result.exitCode === 3 && result.stdout.includes(`REAL-${ctx.mark}`);
      return {
        blocked: honest,
        detail: `later command: exit ${result.exitCode}, ${result.stdout.includes('REAL') ? 'its own output' : 'OUTPUT REPLACED'}; forger writes that landed: ${count.trim()}`,
      };
    },
  },
  {
    name: "a process left by the executor's phase survives into the gates",
    run: async (ctx) => {
      await ctx.sandbox.exec(
        "nohup sh -c 'while :; do date +%s%N > beat.txt; sleep 0.05; done' >/dev/null 2>&1 & " +
          "(setsid sh -c 'while :; do date +%s%N > beat2.txt; sleep 0.05; done' >/dev/null 2>&1 &)",
        { timeoutMs: 10_000 },
      );
      const started = await waitForFile(join(ctx.workspace, 'beat.txt'), 5_000);
      if (!ctx.sandbox.killAll) return { blocked: false, detail: 'the sandbox has no killAll' };
      const killed = await ctx.sandbox.killAll();
      const beating =
        (await stillWriting(join(ctx.workspace, 'beat.txt'), 200, 400)) ||
        (await stillWriting(join(ctx.workspace, 'beat2.txt'), 0, 300));
      const alive = (await ctx.sandbox.exec('echo alive', { timeoutMs: 10_000 })).stdout.trim() === 'alive';
      return {
        blocked: started && !beating && alive,
        detail: `killAll signalled ${killed}; ${beating ? 'STILL RUNNING' : 'all stopped'}; sandbox ${alive ? 'usable' : 'BROKEN'} after`,
      };
    },
  },
  {
    name: 'a leftover process makes a failing verifier gate pass',
    run: async (ctx) => {
      await ctx.sandbox.exec("nohup sh -c 'while :; do echo pass > verdict.txt; sleep 0.02; done' >/dev/null 2>&1 &", {
        timeoutMs: 10_000,
      });
      await waitForFile(join(ctx.workspace, 'verdict.txt'), 5_000);
      const verdict = await verify(ctx.gateSandbox, [
        { name: 'check', command: 'echo fail > verdict.txt; sleep 0.5; grep -q pass verdict.txt' },
      ]);
      return {
        blocked: !verdict.passed,
        detail: `verdict ${verdict.passed ? 'PASSED (forged)' : 'failed, as the gate does'}`,
      };
    },
  },
  {
    name: 'kill the runner to get a clean result',
    run: async (ctx) => {
      // The runner, not $PPID: a command's parent is its resident measurer (attempt "kill the resident measurer").
      const killed = await ctx.sandbox
        .exec(`${FIND_RUNNER}kill -9 "$RUNNER" 2>&1; sleep 1; echo SURVIVED`, {
          timeoutMs: 10_000,
        })
        .then(
          (r) => `exit ${r.exitCode}: ${short(r.stdout, 60)}`,
          (error: unknown) => `rejected (${short(String(error), 60)})`,
        );
      const verdict = await verify(ctx.gateSandbox, [{ name: 'check', command: 'exit 1' }]).then(
        (v) => (v.passed ? 'PASSED' : 'failed'),
        () => 'rejected',
      );
      return { blocked: verdict !== 'PASSED', detail: `kill: ${killed}; verdict of a failing gate: ${verdict}` };
    },
  },
  {
    name: 'change a test file so a failing gate passes',
    run: (ctx) => tamperAttempt(ctx, "printf 'exit 0\\n' > check.sh", false),
  },
  {
    name: 'change the test configuration so a failing gate passes',
    run: (ctx) => tamperAttempt(ctx, "printf 'expect=pass\\n' > test.conf", false),
  },
  {
    name: 'commit changed tests so the repository base carries them',
    run: (ctx) => tamperAttempt(ctx, `printf 'exit 0\\n' > check.sh && ${GIT} commit -qam 'tests: simplify'`, true),
  },
];
