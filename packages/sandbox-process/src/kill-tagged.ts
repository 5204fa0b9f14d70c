import { readdirSync, readFileSync } from 'node:fs';

/** The parent pid of a process, from `/proc/<pid>/stat` (after the command name, which may hold spaces). */
function parentOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * SIGKILLs every host process whose environment carries `NAME=value` (e.g. the sandbox id), in a
 * few rounds so children forked meanwhile are caught too. The last resort of an unisolated sandbox,
 * whose commands may have left their process group with `setsid`. Children of this process (the runner) are
 * spared.
 */
export function killTagged(name: string, value: string): number {
  const needle = Buffer.from(`${name}=${value}\0`);
  let killed = 0;
  for (let round = 0; round < 3; round++) {
    let found = 0;
    let entries: string[] = [];
    try {
      entries = readdirSync('/proc');
    } catch {
      return killed;
    }
    for (const entry of entries) {
      // This process's own children are spared: the sandbox's runner carries the tag (its commands inherit it),
      // and `killAll` must leave it running (`dispose` kills it before calling this).
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid || parentOf(entry) === process.pid) continue;
      try {
        if (!readFileSync(`/proc/${entry}/environ`).includes(needle)) continue;
        process.kill(Number(entry), 'SIGKILL');
        found++;
      } catch {
        // exited, or not ours to read
      }
    }
    killed += found;
    if (found === 0) break;
  }
  return killed;
}
