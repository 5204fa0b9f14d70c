/**
 * The in-container runner: one long-lived Node process per container, started once, that receives
 * requests as JSON lines on its stdin (the container's attached stdin) and answers as JSON lines on
 * stdout. It spawns every command in its own session/process group, streams output back in base64
 * chunks capped per stream, kills the whole tree on timeout or cancel, and serves the file API with
 * the workspace-containment check. It is plain JavaScript in a string because it runs under whatever
 * `node` binary is bind-mounted into the container (`node -e`), never through this package's build.
 *
 * Protocol (one JSON object per line):
 *   host -> runner: {id, op: 'exec'|'cancel'|'read'|'write'|'list'|'remove', ...}
 *   runner -> host: {t:'ready'} | {id, t:'out', s:'stdout'|'stderr', d:base64}
 *                 | {id, t:'exit', code, signal, timedOut, truncated, ms} | {id, t:'ok', ...} | {id, t:'err', code, message}
 */
export const RUNNER_SCRIPT = String.raw`
'use strict';
const cp = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const ROOT = process.env.SESSIONHUB_WORKSPACE || '/workspace';
const BASE_ENV = Object.assign({}, process.env);
delete BASE_ENV.SESSIONHUB_WORKSPACE;
delete BASE_ENV.SESSIONHUB_UID;
delete BASE_ENV.SESSIONHUB_GID;
// Privilege separation: started as container root with only CAP_SETUID/CAP_SETGID, the runner
// keeps real uid 0 but works with effective uid/gid of the sandbox user (files it writes belong to
// that user, and it may signal the commands), and runs every command fully as that user. Commands
// then cannot ptrace it, read its /proc fds (its protocol pipes) or environment, or signal it.
const UID = Number(process.env.SESSIONHUB_UID);
const GID = Number(process.env.SESSIONHUB_GID);
const SEPARATED = process.getuid() === 0 && UID > 0 && GID >= 0;
if (SEPARATED) {
  process.setgroups([GID]);
  process.setegid(GID);
  process.seteuid(UID);
}
const running = new Map();

function send(msg) { process.stdout.write(JSON.stringify(msg) + '\n'); }
function fail(id, code, message) { send({ id: id, t: 'err', code: code, message: message }); }
class Refused extends Error { constructor(code, message) { super(message); this.code = code; } }

// Resolves a workspace-relative path to a canonical absolute path without symlinks, following
// symlinks by hand so that a link pointing out of the workspace is refused even when its target
// does not exist in the container. The container boundary is the real wall: a symlink swapped
// after this check can only reach the container's own read-only filesystem, never the host.
function resolveInside(rel, allowRoot) {
  if (typeof rel !== 'string') throw new Refused('sandbox.invalid_path', 'path must be a string');
  if (rel.indexOf('\0') >= 0) throw new Refused('sandbox.invalid_path', 'path contains a NUL byte');
  if (path.isAbsolute(rel)) throw new Refused('sandbox.path_escape', 'absolute path refused: ' + rel);
  let queue = rel.split('/');
  let stack = [];
  let hops = 0;
  while (queue.length > 0) {
    const part = queue.shift();
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) throw new Refused('sandbox.path_escape', 'path leaves the workspace: ' + rel);
      stack.pop();
      continue;
    }
    const candidate = ROOT + '/' + stack.concat([part]).join('/');
    let st = null;
    try { st = fs.lstatSync(candidate); } catch (e) { st = null; }
    if (st !== null && st.isSymbolicLink()) {
      if (++hops > 40) throw new Refused('sandbox.path_escape', 'too many symlinks: ' + rel);
      const target = fs.readlinkSync(candidate);
      if (path.isAbsolute(target)) {
        const norm = path.posix.normalize(target);
        if (norm !== ROOT && norm.indexOf(ROOT + '/') !== 0) {
          throw new Refused('sandbox.path_escape', 'symlink points out of the workspace: ' + rel);
        }
        stack = [];
        queue = norm.slice(ROOT.length).split('/').concat(queue);
      } else {
        queue = target.split('/').concat(queue);
      }
      continue;
    }
    stack.push(part);
  }
  if (stack.length === 0 && !allowRoot) throw new Refused('sandbox.invalid_path', 'path names the workspace root');
  return { abs: stack.length === 0 ? ROOT : ROOT + '/' + stack.join('/'), rel: stack.join('/') };
}

function fsError(id, e) {
  if (e instanceof Refused) return fail(id, e.code, e.message);
  const code = e && e.code === 'ENOENT' ? 'sandbox.not_found'
    : e && e.code === 'EISDIR' ? 'sandbox.is_directory'
    : e && e.code === 'ENOTDIR' ? 'sandbox.not_directory'
    : e && e.code === 'ELOOP' ? 'sandbox.path_escape'
    : 'sandbox.io';
  fail(id, code, String(e && e.message || e));
}

const NOFOLLOW = fs.constants.O_NOFOLLOW;

function opRead(msg) {
  const r = resolveInside(msg.path, false);
  const fd = fs.openSync(r.abs, fs.constants.O_RDONLY | NOFOLLOW);
  try {
    if (!fs.fstatSync(fd).isFile()) throw Object.assign(new Error('not a file: ' + msg.path), { code: 'EISDIR' });
    send({ id: msg.id, t: 'ok', data: fs.readFileSync(fd).toString('base64') });
  } finally { fs.closeSync(fd); }
}

function opWrite(msg) {
  const r = resolveInside(msg.path, false);
  const parent = path.posix.dirname(r.rel);
  if (parent !== '.' && parent !== '') {
    const parts = parent.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const dir = resolveInside(parts.slice(0, i).join('/'), false).abs;
      try { fs.mkdirSync(dir); } catch (e) { if (e.code !== 'EEXIST') throw e; }
    }
  }
  const again = resolveInside(msg.path, false);
  const fd = fs.openSync(again.abs, fs.constants.O_WRONLY | fs.constants.O_CREAT | NOFOLLOW, 0o644);
  try {
    if (!fs.fstatSync(fd).isFile()) throw Object.assign(new Error('not a file: ' + msg.path), { code: 'EISDIR' });
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, Buffer.from(msg.data, 'base64'));
  } finally { fs.closeSync(fd); }
  send({ id: msg.id, t: 'ok' });
}

function opList(msg) {
  const r = resolveInside(msg.path || '', true);
  const out = [];
  const walk = (abs, rel) => {
    for (const d of fs.readdirSync(abs, { withFileTypes: true })) {
      const childAbs = abs + '/' + d.name;
      const childRel = rel === '' ? d.name : rel + '/' + d.name;
      const st = fs.lstatSync(childAbs);
      const type = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : 'file';
      out.push({ path: childRel, type: type, size: type === 'file' ? st.size : 0 });
      if (msg.recursive && type === 'directory') walk(childAbs, childRel);
    }
  };
  if (!fs.statSync(r.abs).isDirectory()) throw Object.assign(new Error('not a directory: ' + msg.path), { code: 'ENOTDIR' });
  walk(r.abs, r.rel);
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  send({ id: msg.id, t: 'ok', entries: out });
}

function opRemove(msg) {
  // The last component is not followed: removing a symlink removes the link, not its target.
  const parent = path.posix.dirname(msg.path);
  const base = path.posix.basename(msg.path);
  if (base === '..' || base === '.' || base === '') {
    throw new Refused('sandbox.invalid_path', 'cannot remove: ' + msg.path);
  }
  const p = resolveInside(parent === '.' ? '' : parent, true);
  if (path.isAbsolute(msg.path)) throw new Refused('sandbox.path_escape', 'absolute path refused: ' + msg.path);
  fs.lstatSync(p.abs + '/' + base);
  fs.rmSync(p.abs + '/' + base, { recursive: true, force: false });
  send({ id: msg.id, t: 'ok' });
}

function readProcTable(tag) {
  const table = [];
  const needle = tag ? Buffer.from(tag + '\0') : null;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync('/proc/' + name + '/stat', 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      let tagged = false;
      if (needle) { try { tagged = fs.readFileSync('/proc/' + name + '/environ').includes(needle); } catch (e) { /* not ours */ } }
      table.push({ pid: Number(name), ppid: Number(f[1]), pgrp: Number(f[2]), sid: Number(f[3]), tagged: tagged });
    } catch (e) { /* exited meanwhile */ }
  }
  return table;
}

// Kills the command's whole tree: its process group and session, every descendant found through
// parent links (which also catches children that started their own session), and every process
// still carrying the command's SESSIONHUB_EXEC_ID in its environment (which also catches daemons
// that called setsid and were re-parented to init).
function killTree(pid, tag) {
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

function opExec(msg) {
  const started = Date.now();
  let cwd = ROOT;
  try {
    cwd = resolveInside(msg.cwd || '', true).abs;
    if (!fs.statSync(cwd).isDirectory()) throw Object.assign(new Error('cwd is not a directory: ' + msg.cwd), { code: 'ENOTDIR' });
  } catch (e) { return fsError(msg.id, e); }
  const tag = 'SESSIONHUB_EXEC_ID=' + String(msg.id) + '-' + String(started);
  const env = Object.assign({}, BASE_ENV, msg.env || {}, { SESSIONHUB_EXEC_ID: tag.slice(tag.indexOf('=') + 1) });
  let child;
  try {
    const options = { cwd: cwd, env: env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] };
    if (SEPARATED) { options.uid = UID; options.gid = GID; process.seteuid(0); }
    try { child = cp.spawn(msg.argv[0], msg.argv.slice(1), options); } finally { if (SEPARATED) process.seteuid(UID); }
  } catch (e) {
    return send({ id: msg.id, t: 'exit', code: 127, signal: null, timedOut: false, truncated: false, ms: Date.now() - started, error: String(e.message) });
  }
  const job = { child: child, tag: tag, timedOut: false, truncated: false, done: false, timer: null, grace: null };
  running.set(msg.id, job);
  const max = typeof msg.maxBytes === 'number' ? msg.maxBytes : Infinity;
  const seen = { stdout: 0, stderr: 0 };
  const pump = (name, stream) => {
    stream.on('data', (buf) => {
      if (seen[name] >= max) { job.truncated = true; return; }
      let chunk = buf;
      if (seen[name] + buf.length > max) { chunk = buf.subarray(0, max - seen[name]); job.truncated = true; }
      seen[name] += chunk.length;
      if (chunk.length > 0) send({ id: msg.id, t: 'out', s: name, d: chunk.toString('base64') });
    });
    stream.on('error', () => {});
  };
  pump('stdout', child.stdout);
  pump('stderr', child.stderr);
  child.stdin.on('error', () => {});
  if (typeof msg.stdin === 'string') child.stdin.end(msg.stdin); else child.stdin.end();
  // Make the command, not the runner, the first choice of the OOM killer.
  if (child.pid) { try { fs.writeFileSync('/proc/' + child.pid + '/oom_score_adj', '1000'); } catch (e) { /* best effort */ } }
  if (typeof msg.timeoutMs === 'number' && msg.timeoutMs > 0) {
    job.timer = setTimeout(() => { job.timedOut = true; if (child.pid) killTree(child.pid, tag); }, msg.timeoutMs);
  }
  let exitCode = null;
  let exitSignal = null;
  const finish = (errText) => {
    if (job.done) return;
    job.done = true;
    clearTimeout(job.timer);
    clearTimeout(job.grace);
    running.delete(msg.id);
    const out = { id: msg.id, t: 'exit', code: exitCode, signal: exitSignal, timedOut: job.timedOut, truncated: job.truncated, ms: Date.now() - started };
    if (errText) out.error = errText;
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

function handle(msg) {
  try {
    switch (msg.op) {
      case 'exec': return opExec(msg);
      case 'cancel': {
        const job = running.get(msg.target);
        if (job && job.child.pid) { job.cancelled = true; killTree(job.child.pid, job.tag); }
        return send({ id: msg.id, t: 'ok' });
      }
      case 'read': return opRead(msg);
      case 'write': return opWrite(msg);
      case 'list': return opList(msg);
      case 'remove': return opRemove(msg);
      case 'ping': return send({ id: msg.id, t: 'ok' });
      default: return fail(msg.id, 'sandbox.protocol', 'unknown op ' + msg.op);
    }
  } catch (e) { fsError(msg.id, e); }
}

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  pending += text;
  let nl;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    if (line.length === 0) continue;
    let msg;
    try { msg = JSON.parse(line); } catch (e) { continue; }
    handle(msg);
  }
});
process.stdin.on('end', () => {
  for (const job of running.values()) { if (job.child.pid) killTree(job.child.pid, job.tag); }
  process.exit(0);
});
process.on('SIGTERM', () => process.exit(0));
send({ t: 'ready', pid: process.pid });
`;
