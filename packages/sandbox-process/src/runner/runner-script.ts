/**
 * The in-sandbox runner: one long-lived Node process per sandbox (inside bubblewrap, or a plain
 * child process when unisolated) that receives requests as JSON lines on stdin and answers as JSON
 * lines on stdout. It spawns every command in its own session, streams output back in base64
 * chunks capped per stream, and kills the whole tree on timeout or cancel. Plain JavaScript in a
 * string because it runs under the host's `node` binary bind-mounted into the sandbox (`node -e`).
 *
 * Protocol (one JSON object per line):
 *   host -> runner: {id, op:'exec', argv, cwd, env, stdin, max, timeoutMs} | {id, op:'kill'}
 *   runner -> host: {t:'ready'} | {id, t:'out', s:'stdout'|'stderr', d:base64}
 *                 | {id, t:'exit', code, signal, timedOut, cut:{stdout,stderr}, error?}
 */
export const RUNNER_SCRIPT = String.raw`
'use strict';
const cp = require('node:child_process');
const fs = require('node:fs');
const BASE_ENV = JSON.parse(process.env.SESSIONHUB_BASE_ENV || '{}');
const PREFIX = JSON.parse(process.env.SESSIONHUB_PREFIX || '[]');
const running = new Map();
function send(msg) { process.stdout.write(JSON.stringify(msg) + '\n'); }

function procTable(tag) {
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

// Kills a command's tree: its process group, every descendant by parent links, every process in
// its session and every process still carrying its SESSIONHUB_EXEC_ID (daemons that called setsid).
function killTree(pid, tag) {
  for (let round = 0; round < 3; round++) {
    try { process.kill(-pid, 'SIGKILL'); } catch (e) { /* gone */ }
    const table = procTable(tag);
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

function exec(msg) {
  const env = Object.assign({}, BASE_ENV, msg.env, { SESSIONHUB_EXEC_ID: msg.id });
  const argv = PREFIX.concat(msg.argv);
  let child;
  try {
    child = cp.spawn(argv[0], argv.slice(1), { cwd: msg.cwd, env: env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    send({ id: msg.id, t: 'exit', code: 127, signal: null, timedOut: false, cut: { stdout: false, stderr: false }, error: String(e && e.message || e) });
    return;
  }
  const state = { child: child, timedOut: false, cut: { stdout: false, stderr: false }, done: false, used: { stdout: 0, stderr: 0 }, open: 2, exit: null, timer: null, grace: null };
  running.set(msg.id, state);
  const finish = (code, signal, error) => {
    if (state.done) return;
    state.done = true;
    running.delete(msg.id);
    clearTimeout(state.timer);
    clearTimeout(state.grace);
    child.stdout.destroy();
    child.stderr.destroy();
    send({ id: msg.id, t: 'exit', code: code, signal: signal, timedOut: state.timedOut, cut: state.cut, error: error });
  };
  for (const s of ['stdout', 'stderr']) {
    child[s].on('data', (buf) => {
      const room = msg.max - state.used[s];
      if (room <= 0) { if (buf.length > 0) state.cut[s] = true; return; }
      const part = buf.length > room ? buf.subarray(0, room) : buf;
      if (part.length < buf.length) state.cut[s] = true;
      state.used[s] += part.length;
      send({ id: msg.id, t: 'out', s: s, d: part.toString('base64') });
    });
    child[s].on('error', () => undefined);
    child[s].on('close', () => {
      state.open--;
      if (state.open === 0 && state.exit) finish(state.exit.code, state.exit.signal);
    });
  }
  child.on('error', (e) => {
    if (!state.exit) finish(127, null, String(e && e.message || e));
  });
  child.on('exit', (code, signal) => {
    state.exit = { code: code, signal: signal };
    if (state.open === 0) return finish(code, signal);
    // A background process may keep the pipes open: report shortly after the command itself ended.
    state.grace = setTimeout(() => finish(code, signal), 100);
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(msg.stdin ? Buffer.from(msg.stdin, 'base64') : undefined);
  if (msg.timeoutMs > 0) {
    state.timer = setTimeout(() => {
      state.timedOut = true;
      killTree(child.pid, msg.id);
    }, msg.timeoutMs);
  }
}

let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  buffered += text;
  let nl;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    if (line.trim() === '') continue;
    let msg;
    try { msg = JSON.parse(line); } catch (e) { continue; }
    if (msg.op === 'exec') exec(msg);
    else if (msg.op === 'kill') {
      const state = running.get(msg.id);
      if (state && state.child.pid) killTree(state.child.pid, msg.id);
    }
  }
});
// The host closing our stdin means the sandbox is going away.
process.stdin.on('end', () => {
  for (const [id, state] of running) if (state.child.pid) killTree(state.child.pid, id);
  process.exit(0);
});
send({ t: 'ready' });
`;
