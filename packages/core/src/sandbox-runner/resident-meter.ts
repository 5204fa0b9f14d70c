/**
 * The runner's side of the resident measurer (`meter-script.ts`), as runner source: `spawnMetered(argv, cwd,
 * env)` starts a command through the next slot of the live measurer and returns a `MeteredProcess`, an emitter
 * the runner handles as it would a child process. A measurer serves `METER_SLOTS` commands (one `spawn` of perl
 * and its `4 * METER_SLOTS` socketpairs, shared by that many commands); the next one is started when the last
 * slot is taken, and one that died (a command may kill it under bubblewrap, same uid) is replaced at the next
 * command. `meterPids()` lists the live measurers, which `killAll` leaves alone with the command processes
 * each keeps ready (waiting for their command) in its next two slots.
 *
 * Needs `cp`, `EventEmitter`, `HOOKS`, `METER_PERL`, `METER_SCRIPT`, `METER_SYSCALLS` and `meterReport` of the
 * runner's head.
 *
 * @module
 */

/** Runner source: the measurer pool and the process-like view of one measured command. */
export const RESIDENT_METER_SOURCE = String.raw`
const METER_SLOTS = 64;
const meterHosts = new Set();
let meterHost = null;

// Starts a measurer: its fd 3 is the control socket (one line per slot taken), slot i its fds 4+4i.. (stdin,
// stdout, stderr, channel). A slot's channel is read from the start: its command process's pid comes before its command.
function startMeterHost() {
  const user = HOOKS.user();
  const ids = user ? [String(user.uid), String(user.gid)] : ['-', '-'];
  const stdio = ['ignore', 'ignore', 'ignore', 'pipe'];
  for (let i = 0; i < 4 * METER_SLOTS; i++) stdio.push('pipe');
  const args = ['-e', METER_SCRIPT].concat(METER_SYSCALLS.map(String), ids, [String(METER_SLOTS)]);
  const child = HOOKS.spawn(METER_PERL, args, { cwd: '/', env: {}, detached: true, stdio: stdio }, true);
  const host = { child: child, free: [] };
  for (const stream of child.stdio) { if (stream) stream.on('error', () => {}); }
  for (let i = 0; i < METER_SLOTS; i++) {
    const slot = { index: i, streams: child.stdio.slice(4 + 4 * i, 8 + 4 * i), pid: 0, report: '', closed: false, proc: null };
    const channel = slot.streams[3];
    channel.on('data', (buf) => {
      if (slot.report.length < 4096) slot.report += buf.toString('utf8');
      const m = slot.pid ? null : /^P (\d+)\n/.exec(slot.report);
      if (m) { slot.pid = Number(m[1]); if (slot.proc) slot.proc.started(); }
    });
    channel.on('close', () => { slot.closed = true; if (slot.proc) slot.proc.ended(); });
    host.free.push(slot);
  }
  meterHosts.add(host);
  const gone = () => retireMeterHost(host, true);
  child.on('error', gone);
  child.on('exit', gone);
  return host;
}

// No more commands through this measurer: its unused slots are closed, and it exits once it read its control
// socket to the end and its last command ended.
function retireMeterHost(host, dead) {
  if (meterHost === host) meterHost = null;
  if (dead) meterHosts.delete(host);
  for (const slot of host.free.splice(0)) { for (const s of slot.streams) s.destroy(); }
  host.child.stdio[3].end();
}

// The pids of the live measurers (killAll spares them and the command processes they keep ready).
function meterPids() {
  const pids = new Set();
  for (const host of meterHosts) { if (host.child.pid) pids.add(host.child.pid); }
  return pids;
}

// A command started through a measurer slot, seen as the runner sees a child process: pid (0 until its process
// reported it, then 'spawn'), stdin, stdout, stderr, 'exit' when the slot's channel closed (with the command's
// end from the measurer's report, or SIGKILL without one: the measurer was killed), 'close' once the output
// streams closed too. measured is what the report says: { code, signal, res }, or null.
class MeteredProcess extends EventEmitter {
  constructor(slot) {
    super();
    this.slot = slot;
    this.pid = slot.pid;
    this.stdin = slot.streams[0];
    this.stdout = slot.streams[1];
    this.stderr = slot.streams[2];
    this.measured = null;
    this.error = null;
    this.open = 3;
    this.stdout.on('close', () => this.closed());
    this.stderr.on('close', () => this.closed());
    slot.proc = this;
    if (slot.closed) process.nextTick(() => this.ended());
  }

  started() {
    this.pid = this.slot.pid;
    this.emit('spawn');
  }

  ended() {
    const report = this.slot.report;
    this.measured = meterReport(report);
    if (this.measured) this.emit('exit', this.measured.code, this.measured.signal);
    else if (this.pid) this.emit('exit', null, 'SIGKILL');
    else { this.error = 'cannot start the command: its measurer is gone'; this.emit('exit', 126, null); }
    this.stdin.destroy();
    this.closed();
  }

  closed() {
    if (--this.open === 0) this.emit('close');
  }
}

// Starts argv in cwd with env (the whole environment) through the next slot of the live measurer, starting one
// if needed: the command goes to the slot's waiting process on its channel.
function spawnMetered(argv, cwd, env) {
  for (const arg of [cwd].concat(argv)) {
    if (typeof arg !== 'string' || arg.indexOf('\0') >= 0) throw new TypeError('argv and cwd must be strings without NUL bytes');
  }
  if (meterHost === null) meterHost = startMeterHost();
  const host = meterHost;
  const slot = host.free.shift();
  const fields = [cwd, String(argv.length)].concat(argv);
  for (const key of Object.keys(env)) {
    const value = env[key];
    if (key === '' || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0 || value === undefined || value === null) continue;
    fields.push(key + '=' + String(value).split('\0').join(''));
  }
  const block = Buffer.from(fields.join('\0'));
  slot.streams[3].write(Buffer.concat([Buffer.from(block.length + '\n'), block]));
  host.child.stdio[3].write(slot.index + '\n');
  // The next measurer starts now, while this command runs; one that cannot start is retried at the next command.
  if (host.free.length === 0) {
    retireMeterHost(host, false);
    try { meterHost = startMeterHost(); } catch (e) { meterHost = null; }
  }
  return new MeteredProcess(slot);
}
`;
