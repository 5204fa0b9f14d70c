import { runnerScript } from '@sessionhub/core/sandbox-runner';

/**
 * What the container's runner adds to the shared runner of `@sessionhub/core/sandbox-runner` (which owns
 * exec, output capping, timeouts, cancel and tree killing): privilege separation, command working
 * directories resolved inside the workspace, and the file API with the workspace-containment check. File
 * operations run in the container as the sandbox user, so they can never reach further than a command can.
 *
 * Extra ops: {id, op:'read', path} -> {t:'ok', data:base64} | {id, op:'write', path, data:base64}
 *          | {id, op:'list', path, recursive} -> {t:'ok', entries} | {id, op:'remove', path}
 */
const CONTAINER_EXTENSION = String.raw`
const ROOT = process.env.SESSIONHUB_WORKSPACE || '/workspace';
delete BASE_ENV.SESSIONHUB_WORKSPACE;
delete BASE_ENV.SESSIONHUB_UID;
delete BASE_ENV.SESSIONHUB_GID;
// Privilege separation: started as container root with only CAP_SETUID/CAP_SETGID, the runner
// keeps real uid 0 but works with effective uid/gid of the sandbox user (files it writes belong to
// that user, and it may signal the commands), and runs every command fully as that user. Commands
// then cannot ptrace it, read its /proc fds (its protocol pipes) or environment, or signal it.
const UID = Number(process.env.SESSIONHUB_UID);
const GID = Number(process.env.SESSIONHUB_GID);
if (process.getuid() === 0 && UID > 0 && GID >= 0) {
  process.setgroups([GID]);
  process.setegid(GID);
  process.seteuid(UID);
  // The resident measurer starts as root and each command's process drops to the sandbox user before its exec,
  // so no command can signal, debug or read the measurer (see meter-script.ts in core).
  HOOKS.user = function () { return { uid: UID, gid: GID }; };
  HOOKS.spawn = function (file, args, options, asRunner) {
    if (!asRunner) {
      options.uid = UID;
      options.gid = GID;
    }
    process.seteuid(0);
    try { return cp.spawn(file, args, options); } finally { process.seteuid(UID); }
  };
}

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

HOOKS.cwd = function (msg) {
  const cwd = resolveInside(msg.cwd || '', true).abs;
  if (!fs.statSync(cwd).isDirectory()) throw Object.assign(new Error('cwd is not a directory: ' + msg.cwd), { code: 'ENOTDIR' });
  return cwd;
};

const NOFOLLOW = fs.constants.O_NOFOLLOW;

OPS.read = function (msg) {
  const r = resolveInside(msg.path, false);
  const fd = fs.openSync(r.abs, fs.constants.O_RDONLY | NOFOLLOW);
  try {
    if (!fs.fstatSync(fd).isFile()) throw Object.assign(new Error('not a file: ' + msg.path), { code: 'EISDIR' });
    send({ id: msg.id, t: 'ok', data: fs.readFileSync(fd).toString('base64') });
  } finally { fs.closeSync(fd); }
};

OPS.write = function (msg) {
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
};

OPS.list = function (msg) {
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
};

OPS.remove = function (msg) {
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
};
`;

/** The in-container runner: the shared runner with the container extension, run as the container's main process. */
export const RUNNER_SCRIPT = runnerScript(CONTAINER_EXTENSION);
