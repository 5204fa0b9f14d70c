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
 * neither signal nor debug it) and execs the argv (a failed exec exits 127 or 126 with the reason on stderr).
 * The parent ignores the catchable stop and termination signals a command's process group gets, waits for the
 * child, reaps the orphans already gone, and writes one line to fd 3:
 *
 *   R <exit code> <signal number> <CPU µs of waited-for descendants> <ru_maxrss KiB> <wchar delta>
 *
 * CPU and peak memory are `getrusage(RUSAGE_CHILDREN)`; bytes written are the growth of `wchar` in
 * `/proc/self/io` from just before the wait (the wrapper writes nothing itself meanwhile), into which Linux adds
 * the I/O counters of every child it reaps. The syscall numbers come
 * from {@link meterSyscalls}, because Perl has no getrusage builtin and perl-base ships no `syscall.ph`.
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
sub wchar { open(my $f, '<', '/proc/self/io') or return 0; local $/; my $t = <$f>; $t =~ /^wchar: (\d+)/m ? $1 : 0 }
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
  syswrite(STDERR, "$ARGV[0]: $!\n");
  exit($e == 2 ? 127 : 126);
}
oom('0');
my $w0 = wchar();
waitpid($pid, 0);
my $st = $?;
1 while waitpid(-1, 1) > 0;
my $buf = "\0" x 256;
syscall($ru + 0, -1, $buf);
my @r = unpack('l!5', $buf);
my $cpu = ($r[0] + $r[2]) * 1000000 + $r[1] + $r[3];
syswrite($ch, join(' ', 'R', $st >> 8, $st & 127, $cpu, $r[4], wchar() - $w0) . "\n");
exit 0;
`;

/**
 * The wrapper's syscall numbers (getrusage, prctl, setgroups, setresgid, setresuid) by Node's `process.arch`,
 * as runner source: the runner turns measuring off on an architecture without an entry.
 */
export const METER_SYSCALLS_SOURCE = '{ x64: [98, 157, 116, 119, 117], arm64: [165, 167, 159, 149, 147] }';
