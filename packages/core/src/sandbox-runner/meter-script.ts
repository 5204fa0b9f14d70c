/**
 * The measuring wrapper the runner starts every command through, so each command's resource use can be
 * reported (see docs/sandboxes.md, "Per-command resource use"). Node cannot read a child's rusage; this tiny
 * Perl program (Perl is essential on Debian, and both sandboxes see the host's `/usr`) can:
 *
 *   perl -e METER_SCRIPT <getrusage> <prctl> <setgroups> <setresgid> <setresuid> <uid|-> <gid|-> <argv...>
 *
 * It starts with an empty environment (so nothing a command's environment holds, such as `PERL5OPT`, can
 * change what it runs), reads the command's environment from its fd 3 (`K=V\0...\0`, then one more `\0`),
 * marks fd 3 close-on-exec, becomes a child subreaper, forks with `oom_score_adj` raised to 1000 for the child
 * (it lowers its own back: the command, not the wrapper, is the OOM killer's first choice), in the child drops
 * to `uid:gid` when given (it is started as root by the Docker runner, so commands of another uid can
 * neither signal nor debug it) and execs the argv (a failed exec exits 127 or 126 with
 * `spawn <file> <ERRNO>: <reason>` on stderr).
 * The parent ignores the catchable stop and termination signals a command's process group gets, waits for the
 * child, reaps the orphans already gone, and writes one line to fd 3:
 *
 *   R <exit code> <signal number> <CPU µs> <ru_maxrss KiB> <ru_oublock>
 *
 * All three measures are `getrusage(RUSAGE_CHILDREN)`, which covers every descendant the wrapper or its
 * descendants waited for: CPU time, the largest resident set, and output blocks (512-byte units of file pages
 * dirtied on block-backed filesystems). getrusage needs no `/proc`, which the wrapper cannot read for itself when
 * it runs non-dumpable. The syscall numbers come from {@link METER_SYSCALLS_SOURCE}, because Perl has no getrusage builtin and perl-base ships no `syscall.ph`.
 *
 * @module
 */

/** The wrapper's Perl source; no module is loaded, so it runs from a binary its user cannot read. */
export const METER_SCRIPT = String.raw`
my ($ru, $pc, $sg, $srg, $sru, $uid, $gid) = splice(@ARGV, 0, 7);
open(my $ch, '+<&=3') or exit 125;
my $env = '';
until ($env eq "\0" || substr($env, -2) eq "\0\0") {
  my $n = sysread($ch, $env, 65536, length $env);
  exit 125 unless $n;
}
%ENV = ();
for my $kv (split /\0/, $env) {
  my $i = index($kv, '=');
  $ENV{substr($kv, 0, $i)} = substr($kv, $i + 1) if $i > 0;
}
fcntl($ch, 2, 1);
$SIG{$_} = sub {} for qw(HUP INT QUIT TERM USR1 USR2 ALRM PIPE TSTP TTIN TTOU);
syscall($pc + 0, 36, 1, 0, 0, 0);
sub oom { if (open(my $o, '>', '/proc/self/oom_score_adj')) { syswrite($o, $_[0]); close($o) } }
oom('1000');
my $pid = fork();
if (!defined $pid) { syswrite(STDERR, "cannot start the command: $!\n"); exit 126 }
if ($pid == 0) {
  if ($uid ne '-') {
    if (syscall($sg + 0, 0, 0) != 0 || syscall($srg + 0, $gid + 0, $gid + 0, $gid + 0) != 0
        || syscall($sru + 0, $uid + 0, $uid + 0, $uid + 0) != 0) {
      syswrite(STDERR, "cannot drop to $uid:$gid: $!\n");
      exit 126;
    }
  }
  { exec { $ARGV[0] } @ARGV; }
  my $e = $! + 0;
  my %name = (2 => 'ENOENT', 7 => 'E2BIG', 8 => 'ENOEXEC', 13 => 'EACCES', 20 => 'ENOTDIR', 21 => 'EISDIR', 40 => 'ELOOP');
  syswrite(STDERR, "spawn $ARGV[0] " . ($name{$e} || "errno $e") . ": $!\n");
  exit($e == 2 ? 127 : 126);
}
oom('0');
waitpid($pid, 0);
my $st = $?;
1 while waitpid(-1, 1) > 0;
my $buf = "\0" x 256;
syscall($ru + 0, -1, $buf);
my @r = unpack('l!13', $buf);
my $cpu = ($r[0] + $r[2]) * 1000000 + $r[1] + $r[3];
syswrite($ch, join(' ', 'R', $st >> 8, $st & 127, $cpu, $r[4], $r[12]) . "\n");
exit 0;
`;

/**
 * The wrapper's syscall numbers (getrusage, prctl, setgroups, setresgid, setresuid) by Node's `process.arch`,
 * as runner source: the runner turns measuring off on an architecture without an entry.
 */
export const METER_SYSCALLS_SOURCE = '{ x64: [98, 157, 116, 119, 117], arm64: [165, 167, 159, 149, 147] }';
