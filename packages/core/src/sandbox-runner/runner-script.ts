/**
 * The runner both sandbox adapters start inside their sandbox: one long-lived Node process that receives
 * requests as JSON lines on its stdin and answers as JSON lines on its stdout. It spawns every command in its
 * own session and process group, streams output back in base64 chunks capped per stream, and kills the whole
 * tree on timeout or cancel. Plain JavaScript in a string, because it runs under whatever `node` binary is
 * visible inside the sandbox (`node -e`), never through a package build.
 *
 * Protocol (one JSON object per line; `id` is chosen by the host and echoed back):
 *   host -> runner: {id, op:'exec', argv, cwd, env, stdin?:base64, keepStdin?, maxBytes?, timeoutMs?}
 *                 | {id, op:'cancel', target} | {id, op:'ping'} | an op an extension adds
 *                 | {id, op:'stdin', target, d:base64} | {id, op:'stdinEnd', target} | {id, op:'signal', target, sig}
 *   (`keepStdin` leaves a command's stdin open for `stdin` / `stdinEnd`: a long-lived interactive process)
 *   runner -> host: {t:'ready', pid} | {id, t:'out', s:'stdout'|'stderr', d:base64}
 *                 | {id, t:'exit', code, signal, timedOut, cut:{stdout, stderr}, ms, error?,
 *                      res?:{cpuMs, peakMemoryBytes, bytesWritten}}
 *                 | {id, t:'ok', ...} | {id, t:'err', code, message}
 *
 *                 | {id, op:'killAll'} -> {id, t:'ok', killed}
 *
 * Its environment configures it: `SESSIONHUB_BASE_ENV` (JSON: the environment of every command; default the
 * runner's own), `SESSIONHUB_PREFIX` (JSON argv put before every command, e.g. `prlimit`) and
 * `SESSIONHUB_KILL_SCOPE`: what `killAll` may kill. `namespace` (the runner has a pid namespace of its own:
 * Docker, bubblewrap) kills every process but the runner and its ancestors; `tagged` (the default, for a
 * runner that shares the host's /proc) kills only the runner's descendants and processes carrying one of its
 * `SESSIONHUB_EXEC_ID` tags. `SESSIONHUB_METER` names the perl of the resident measurer every command is
 * started through (`meter-script.ts`, `resident-meter.ts`: its exit reply then carries `res`), or is `off`; by
 * default the first of `/usr/bin/perl` and `/bin/perl`, and without one commands run unmeasured.
 *
 * @module
 */

import { METER_SCRIPT, METER_SYSCALLS_SOURCE } from './meter-script.js';
import { RESIDENT_METER_SOURCE } from './resident-meter.js';

/** Everything before an extension: helpers, the exec and cancel ops, and the hooks an extension may replace. */
const HEAD = String.raw`
'use strict';
const cp = require('node:child_process');
const { EventEmitter } = require('node:events');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const BASE_ENV = process.env.SESSIONHUB_BASE_ENV ? JSON.parse(process.env.SESSIONHUB_BASE_ENV) : Object.assign({}, process.env);
delete BASE_ENV.SESSIONHUB_BASE_ENV;
delete BASE_ENV.SESSIONHUB_PREFIX;
delete BASE_ENV.SESSIONHUB_KILL_SCOPE;
delete BASE_ENV.SESSIONHUB_METER;
const PREFIX = JSON.parse(process.env.SESSIONHUB_PREFIX || '[]');
const KILL_SCOPE = process.env.SESSIONHUB_KILL_SCOPE === 'namespace' ? 'namespace' : 'tagged';
const running = new Map();

// The resident measurer (meter-script.ts): $SESSIONHUB_METER names its perl, 'off' turns measuring off, and
// by default the first perl found is used. Without one (or on an unknown architecture) commands run unmeasured.
const METER_SCRIPT = ${JSON.stringify(METER_SCRIPT)};
const METER_SYSCALLS = ${METER_SYSCALLS_SOURCE}[process.arch];
const METER_PERL = (function () {
  const wanted = process.env.SESSIONHUB_METER;
  if (wanted === 'off' || !METER_SYSCALLS) return null;
  for (const candidate of wanted ? [wanted] : ['/usr/bin/perl', '/bin/perl']) {
    try { fs.accessSync(candidate, fs.constants.X_OK); return candidate; } catch (e) { /* next */ }
  }
  return null;
})();
const SIGNAL_NAMES = {};
for (const name of Object.keys(os.constants.signals)) SIGNAL_NAMES[os.constants.signals[name]] = name;

function send(msg) { process.stdout.write(JSON.stringify(msg) + '\n'); }
function fail(id, code, message) { send({ id: id, t: 'err', code: code, message: message }); }
class Refused extends Error { constructor(code, message) { super(message); this.code = code; } }

// Answers a failed request: a Refused keeps its code, a Node error is mapped to a sandbox code.
function fsError(id, e) {
  if (e instanceof Refused) return fail(id, e.code, e.message);
  const code = e && e.code === 'ENOENT' ? 'sandbox.not_found'
    : e && e.code === 'EISDIR' ? 'sandbox.is_directory'
    : e && e.code === 'ENOTDIR' ? 'sandbox.not_directory'
    : e && e.code === 'ELOOP' ? 'sandbox.path_escape'
    : e && (e.code === 'EACCES' || e.code === 'EPERM') ? 'sandbox.permission_denied'
    : 'sandbox.io';
  fail(id, code, String(e && e.message || e));
}

// What an extension may replace: where a command runs, how it is spawned (asRunner: the process keeps the
// runner's own credentials; that is the resident measurer, which drops to user() itself), and the user
// commands run as (null: the runner's own).
const HOOKS = {
  cwd: function (msg) { return msg.cwd; },
  spawn: function (file, args, options, asRunner) { return cp.spawn(file, args, options); },
  user: function () { return null; },
};
${RESIDENT_METER_SOURCE}

function readProcTable(tag) {
  const table = [];
  const needle = Buffer.from('SESSIONHUB_EXEC_ID=' + tag + '\0');
  let names = [];
  try { names = fs.readdirSync('/proc'); } catch (e) { return table; }
  for (const name of names) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync('/proc/' + name + '/stat', 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      let tagged = false;
      try { tagged = fs.readFileSync('/proc/' + name + '/environ').includes(needle); } catch (e) { /* not ours */ }
      table.push({ pid: Number(name), ppid: Number(f[1]), pgrp: Number(f[2]), sid: Number(f[3]), tagged: tagged });
    } catch (e) { /* exited meanwhile */ }
  }
  return table;
}

// Kills a command's whole tree: its process group and session, every descendant found through parent
// links (which also catches children that started their own session), and every process still carrying
// the command's SESSIONHUB_EXEC_ID (which also catches daemons that called setsid and were re-parented).
function killTree(pid, tag) {
  if (!pid) return;
  for (let round = 0; round < 3; round++) {
    try { process.kill(-pid, 'SIGKILL'); } catch (e) { /* gone */ }
    const table = readProcTable(tag);
    const doomed = new Set([pid]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const p of table) {
        if (p.pid === process.pid || doomed.has(p.pid)) continue;
        if (p.sid === pid || p.pgrp === pid || p.tagged || doomed.has(p.ppid)) { doomed.add(p.pid); grew = true; }
      }
    }
    for (const p of doomed) { try { process.kill(p, 'SIGKILL'); } catch (e) { /* gone */ } }
    if (doomed.size <= 1 && round > 0) break;
  }
}

// Ends a job's command tree on timeout or cancel. A measured command is still reported (its measurer, outside
// the tree, reaps it); one whose process has not reported its pid yet is stopped when it does (its 'spawn').
function stopJob(job) {
  killTree(job.child.pid, job.tag);
}

// Parses the measurer's report line (see meter-script.ts): exit code, signal, CPU µs, max RSS KiB, output blocks.
function meterReport(text) {
  const m = /^R (\d+) (\d+) (\d+) (\d+) (\d+)$/m.exec(text);
  if (!m) return null;
  const sig = Number(m[2]);
  return {
    code: sig === 0 ? Number(m[1]) : null,
    signal: sig === 0 ? null : (SIGNAL_NAMES[sig] || 'SIG' + sig),
    res: { cpuMs: Number(m[3]) / 1000, peakMemoryBytes: Number(m[4]) * 1024, bytesWritten: Number(m[5]) * 512 },
  };
}

function opExec(msg) {
  const started = Date.now();
  let cwd;
  try { cwd = HOOKS.cwd(msg); } catch (e) { return fsError(msg.id, e); }
  // Unique per runner, command and start, so that runners sharing a /proc never kill each other's commands.
  const tag = process.pid + '-' + String(msg.id) + '-' + started;
  const env = Object.assign({}, BASE_ENV, msg.env || {}, { SESSIONHUB_EXEC_ID: tag });
  const argv = PREFIX.concat(msg.argv);
  const cut = { stdout: false, stderr: false };
  const meter = METER_PERL !== null;
  let child;
  try {
    if (meter) {
      child = spawnMetered(argv, cwd, env);
    } else {
      child = HOOKS.spawn(argv[0], argv.slice(1), { cwd: cwd, env: env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] }, false);
    }
  } catch (e) {
    return send({ id: msg.id, t: 'exit', code: 127, signal: null, timedOut: false, cut: cut, ms: Date.now() - started, error: String(e && e.message || e) });
  }
  const job = { child: child, tag: tag, meter: meter, signals: [], timedOut: false, cancelled: false, done: false, timer: null, grace: null };
  running.set(msg.id, job);
  const max = typeof msg.maxBytes === 'number' ? msg.maxBytes : Infinity;
  const seen = { stdout: 0, stderr: 0 };
  for (const name of ['stdout', 'stderr']) {
    child[name].on('data', (buf) => {
      const room = max - seen[name];
      if (room <= 0) { if (buf.length > 0) cut[name] = true; return; }
      const chunk = buf.length > room ? buf.subarray(0, room) : buf;
      if (chunk.length < buf.length) cut[name] = true;
      seen[name] += chunk.length;
      if (chunk.length > 0) send({ id: msg.id, t: 'out', s: name, d: chunk.toString('base64') });
    });
    child[name].on('error', () => {});
  }
  child.stdin.on('error', () => {});
  // A measured command's process reports its pid once forked (mostly before the command comes): what came for
  // the command before that is done now.
  if (meter) {
    child.on('spawn', () => {
      if (job.timedOut || job.cancelled) return stopJob(job);
      for (const sig of job.signals.splice(0)) { try { process.kill(-child.pid, sig); } catch (e) { /* gone */ } }
    });
  }
  if (!msg.keepStdin) child.stdin.end(typeof msg.stdin === 'string' ? Buffer.from(msg.stdin, 'base64') : undefined);
  // Make the command, not the runner, the first choice of the OOM killer (a measured command does it itself).
  if (child.pid && !meter) { try { fs.writeFileSync('/proc/' + child.pid + '/oom_score_adj', '1000'); } catch (e) { /* best effort */ } }
  if (typeof msg.timeoutMs === 'number' && msg.timeoutMs > 0) {
    job.timer = setTimeout(() => { job.timedOut = true; stopJob(job); }, msg.timeoutMs);
  }
  let exitCode = null;
  let exitSignal = null;
  const finish = (errText) => {
    if (job.done) return;
    job.done = true;
    clearTimeout(job.timer);
    clearTimeout(job.grace);
    running.delete(msg.id);
    // The measurer's report (its 'exit' carried the command's end). A command without one lost its measurer
    // (killed, by a command): nothing it started may run on unmeasured, and the result is killed, never a
    // success.
    const measured = meter ? child.measured : null;
    if (meter && !measured && child.pid) killTree(child.pid, tag);
    if (measured && (job.timedOut || job.cancelled)) exitCode = null;
    const out = { id: msg.id, t: 'exit', code: exitCode, signal: exitSignal, timedOut: job.timedOut, cut: cut, ms: Date.now() - started };
    if (measured) out.res = measured.res;
    const error = errText || (meter ? child.error : null);
    if (error) out.error = error;
    send(out);
  };
  child.on('error', (e) => {
    exitCode = e.code === 'ENOENT' ? 127 : 126;
    finish(String(e.message));
  });
  child.on('exit', (code, signal) => {
    exitCode = code;
    exitSignal = signal;
    if (job.timedOut || job.cancelled) { exitCode = null; killTree(child.pid, tag); }
    // A background process may keep the pipes open: do not wait for it past a short grace.
    job.grace = setTimeout(() => { child.stdout.destroy(); child.stderr.destroy(); finish(); }, 100);
  });
  child.on('close', () => finish());
}

// The runner and its ancestors (bwrap's init, tini): what killAll never touches.
function ancestors() {
  const keep = new Set([process.pid]);
  let pid = process.pid;
  for (let i = 0; i < 64 && pid > 1; i++) {
    try {
      const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      keep.add(pid);
    } catch (e) { break; }
  }
  return keep;
}

// Kills every process left over from earlier commands (see KILL_SCOPE), in rounds until none is found, so a
// verifier's gates start with nothing of the executor's phase running. Answers with how many were signalled.
function opKillAll(msg) {
  for (const job of running.values()) job.cancelled = true;
  const keep = ancestors();
  const tagPrefix = Buffer.from('SESSIONHUB_EXEC_ID=' + process.pid + '-');
  const seen = new Set();
  let round = 0;
  const sweep = () => {
    let found = 0;
    let names = [];
    try { names = fs.readdirSync('/proc'); } catch (e) { names = []; }
    const live = [];
    for (const name of names) {
      if (!/^[0-9]+$/.test(name)) continue;
      const pid = Number(name);
      if (keep.has(pid)) continue;
      try {
        const stat = fs.readFileSync('/proc/' + name + '/stat', 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (f[0] !== 'Z') live.push({ pid: pid, ppid: Number(f[1]), tagged: false });
      } catch (e) { /* exited meanwhile */ }
    }
    // The resident measurers, and the command processes they keep ready (their children that are no running
    // command), are no command's; a command whose pid is not known yet is cancelled, so it is stopped once known.
    const measurers = meterPids();
    const commands = new Set();
    for (const job of running.values()) { if (job.child.pid) commands.add(job.child.pid); }
    const ready = new Set(live.filter((p) => measurers.has(p.ppid) && !commands.has(p.pid)).map((p) => p.pid));
    const table = live.filter((p) => !measurers.has(p.pid) && !ready.has(p.pid));
    if (KILL_SCOPE !== 'namespace') {
      for (const p of table) {
        try { p.tagged = fs.readFileSync('/proc/' + p.pid + '/environ').includes(tagPrefix); } catch (e) { /* not ours */ }
      }
    }
    const doomed = new Set();
    let grew = true;
    while (grew) {
      grew = false;
      for (const p of table) {
        if (doomed.has(p.pid)) continue;
        if (KILL_SCOPE === 'namespace' || p.tagged || p.ppid === process.pid || measurers.has(p.ppid) || doomed.has(p.ppid)) { doomed.add(p.pid); grew = true; }
      }
    }
    for (const pid of doomed) { try { process.kill(pid, 'SIGKILL'); seen.add(pid); found++; } catch (e) { /* gone */ } }
    if ((found === 0 && round > 0) || ++round >= 10) return send({ id: msg.id, t: 'ok', killed: seen.size });
    setTimeout(sweep, 20);
  };
  sweep();
}

const OPS = {
  exec: opExec,
  killAll: opKillAll,
  cancel: function (msg) {
    const job = running.get(msg.target);
    if (job) { job.cancelled = true; stopJob(job); }
    send({ id: msg.id, t: 'ok' });
  },
  ping: function (msg) { send({ id: msg.id, t: 'ok' }); },
  stdin: function (msg) {
    const job = running.get(msg.target);
    if (job && !job.child.stdin.destroyed) job.child.stdin.write(Buffer.from(msg.d || '', 'base64'));
    send({ id: msg.id, t: 'ok' });
  },
  stdinEnd: function (msg) {
    const job = running.get(msg.target);
    if (job) job.child.stdin.end();
    send({ id: msg.id, t: 'ok' });
  },
  // A signal to a command's process group (SIGKILL takes its whole tree, as cancel does).
  signal: function (msg) {
    const job = running.get(msg.target);
    const sig = /^SIG[A-Z0-9]+$/.test(msg.sig) ? msg.sig : 'SIGTERM';
    if (job && sig === 'SIGKILL') { job.cancelled = true; stopJob(job); }
    else if (job && job.child.pid) { try { process.kill(-job.child.pid, sig); } catch (e) { /* gone */ } }
    else if (job && job.meter) job.signals.push(sig);
    send({ id: msg.id, t: 'ok' });
  },
};
`;

/** Everything after an extension: the request loop, shutdown, and `ready`. */
const MAIN = String.raw`
function handle(msg) {
  const op = Object.prototype.hasOwnProperty.call(OPS, msg.op) ? OPS[msg.op] : null;
  if (!op) return fail(msg.id, 'sandbox.protocol', 'unknown op ' + msg.op);
  try { op(msg); } catch (e) { fsError(msg.id, e); }
}

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  pending += text;
  let nl;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    if (line.trim() === '') continue;
    let msg;
    try { msg = JSON.parse(line); } catch (e) { continue; }
    handle(msg);
  }
});
// The host closing our stdin means the sandbox is going away.
process.stdin.on('end', () => {
  for (const job of running.values()) { if (job.child.pid) killTree(job.child.pid, job.tag); }
  process.exit(0);
});
process.on('SIGTERM', () => process.exit(0));
send({ t: 'ready', pid: process.pid });
`;

/**
 * The runner's source, for `node -e`. `extension` is JavaScript run before the first request: it may add
 * ops (`OPS.read = function (msg) { ... }`, answering with `send`/`fail`, throwing `Refused` or an fs error),
 * replace `HOOKS.cwd(msg)` (returns the absolute directory a command runs in) or `HOOKS.spawn(file, args,
 * options)`, and adjust `BASE_ENV`.
 */
export function runnerScript(extension = ''): string {
  return `${HEAD}\n${extension}\n${MAIN}`;
}
