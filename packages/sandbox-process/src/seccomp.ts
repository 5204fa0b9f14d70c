import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The syscalls every process of a bubblewrap sandbox is denied (EPERM), by architecture. */
const DENIED: Record<string, { arch: number; syscalls: Record<string, number> }> = {
  x64: {
    arch: 0xc000003e, // AUDIT_ARCH_X86_64
    syscalls: { ptrace: 101, process_vm_readv: 310, process_vm_writev: 311, perf_event_open: 298, pidfd_getfd: 438 },
  },
  arm64: {
    arch: 0xc00000b7, // AUDIT_ARCH_AARCH64
    syscalls: { ptrace: 117, process_vm_readv: 270, process_vm_writev: 271, perf_event_open: 241, pidfd_getfd: 438 },
  },
};

const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_JGE_K = 0x35;
const BPF_RET_K = 0x06;
const RET_ALLOW = 0x7fff0000;
const RET_EPERM = 0x00050001;
/** Syscall numbers with this bit set are the x32 ABI on x86_64: refused as a whole. */
const X32_BIT = 0x40000000;

/** The names of the syscalls {@link seccompProgram} denies on this machine's architecture. */
export function deniedSyscalls(arch: string = process.arch): string[] {
  return Object.keys(DENIED[arch]?.syscalls ?? {});
}

/**
 * A classic-BPF seccomp program (the bytes `bwrap --seccomp FD` loads): `ptrace`, `process_vm_readv`,
 * `process_vm_writev`, `pidfd_getfd` and `perf_event_open` fail with EPERM, so no process in the sandbox can
 * debug, read or write another's memory (the runner's above all); a syscall of another ABI (i386, x32) fails
 * the same way, so they cannot be reached through a compat entry point. Everything else is allowed.
 * `undefined` on an architecture without a table.
 */
export function seccompProgram(arch: string = process.arch): Buffer | undefined {
  const table = DENIED[arch];
  if (!table) return undefined;
  const numbers = Object.values(table.syscalls);
  const ops: Array<[number, number, number, number]> = [];
  ops.push([BPF_LD_W_ABS, 0, 0, 4]); // seccomp_data.arch
  ops.push([BPF_JEQ_K, 1, 0, table.arch]);
  ops.push([BPF_RET_K, 0, 0, RET_EPERM]);
  ops.push([BPF_LD_W_ABS, 0, 0, 0]); // seccomp_data.nr
  // Jump offsets count from the next instruction; the deny return is the last one.
  const denyAt = 4 + (arch === 'x64' ? 1 : 0) + numbers.length + 1;
  if (arch === 'x64') ops.push([BPF_JGE_K, denyAt - (ops.length + 1), 0, X32_BIT]);
  for (const nr of numbers) ops.push([BPF_JEQ_K, denyAt - (ops.length + 1), 0, nr]);
  ops.push([BPF_RET_K, 0, 0, RET_ALLOW]);
  ops.push([BPF_RET_K, 0, 0, RET_EPERM]);
  const buffer = Buffer.alloc(ops.length * 8);
  ops.forEach(([code, jt, jf, k], i) => {
    buffer.writeUInt16LE(code, i * 8);
    buffer.writeUInt8(jt, i * 8 + 2);
    buffer.writeUInt8(jf, i * 8 + 3);
    buffer.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return buffer;
}

/** A descriptor kept open on the written program (its file is already removed); `null` without a table. */
let programFd: number | null | undefined;

/**
 * A file descriptor open on the seccomp program, for the `stdio` of the bwrap child (bwrap reads it from
 * there). The program is written once per process to a private temp file, which is opened and removed at once
 * (with its directory: nothing is left in the temp dir); each call opens a new descriptor on it through
 * `/proc/self/fd` (its own file offset, so every bwrap reads the whole program), which the caller closes once the
 * child started. `undefined` when the architecture has no table.
 */
export function openSeccompProgram(): number | undefined {
  if (programFd === undefined) {
    const program = seccompProgram();
    if (!program) programFd = null;
    else {
      const dir = mkdtempSync(join(tmpdir(), 'sessionhub-seccomp-'));
      try {
        const file = join(dir, 'filter.bpf');
        writeFileSync(file, program, { mode: 0o600 });
        programFd = openSync(file, 'r');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return programFd === null ? undefined : openSync(`/proc/self/fd/${programFd}`, 'r');
}
