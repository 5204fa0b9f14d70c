/**
 * The resident measurer the runner starts every command through, so each command's resource use can be
 * reported (see docs/sandboxes.md, "Per-command resource use"). Node cannot read a child's rusage; this tiny
 * Perl program (Perl is essential on Debian, and both sandboxes see the host's `/usr`) can:
 *
 *   perl -e METER_SCRIPT <getrusage> <prctl> <setgroups> <setresgid> <setresuid> <setsid> <dup3> <close>
 *        <close_range> <exit_group> <uid|-> <gid|-> <slots>
 *
 * One perl serves `slots` commands, so no command pays for an interpreter start (`resident-meter.ts` starts
 * the next one when the slots are used up). It starts with an empty environment (so nothing a command's
 * environment holds, such as `PERL5OPT`, can change what it runs). Its fd 3 is the runner's control socket;
 * slot `i` is its fds `4+4i` to `7+4i`: the command's stdin, stdout and stderr and the slot's channel, all
 * socketpairs the runner made when it started this perl (none of them can be reopened through `/proc`). It
 * forks the **wrappers** of slots 0 and 1 at once and, for each line on fd 3 (the runner took a slot), the
 * wrapper of the next free slot, so two wrappers are ready before their commands come (back-to-back commands
 * too) and no fork is on a command's path; it
 * closes its own copies of a slot once forked, so a slot serves one command and its streams end when that
 * command's do. The wrapper:
 *
 * - starts a session of its own (the runner signals and kills a command's tree through it), puts the slot's
 *   streams on its fds 0 to 2, closes every other descriptor but the slot's channel, marks the channel
 *   close-on-exec (commands never hold it) and writes `P <pid>` on it;
 * - becomes a child subreaper and forks the command's process at once, so that no fork is left on the
 *   command's path either. That process waits for its command on the channel (`<length>\n` and then
 *   `cwd\0argc\0argv...\0K=V\0...`), makes the `K=V` pairs its whole environment, raises its own
 *   `oom_score_adj` to 1000 (the command, not the measurer, is the OOM killer's first choice), enters its cwd,
 *   drops to `uid:gid` when given (the Docker runner starts the measurer as root, so commands of another uid
 *   can neither signal nor debug it) and execs the argv (a failed exec or cwd exits 127 or 126 with
 *   `spawn <file> <ERRNO>: <reason>` on stderr);
 * - ignores the catchable stop and termination signals a command's process group gets, waits for the
 *   command, reaps the orphans already gone, and writes one line on the channel before it exits:
 *
 *   R <exit code> <signal number> <CPU µs> <ru_maxrss KiB> <ru_oublock>
 *
 *   or `E <exit code>` when it could not start the command (nothing measured), and exits at once (no
 *   interpreter tear-down: nothing is left to flush).
 *
 * All three measures are the wrapper's `getrusage(RUSAGE_CHILDREN)`, which covers every descendant it or its
 * descendants waited for: CPU time, the largest resident set, and output blocks (512-byte units of file pages
 * dirtied on block-backed filesystems). A forked wrapper starts with nothing counted, so each command's figures
 * are its own. getrusage needs no `/proc`, which the wrapper cannot read for itself when it runs non-dumpable.
 * The syscall numbers come from {@link METER_SYSCALLS_SOURCE}, because Perl has no getrusage builtin and
 * perl-base ships no `syscall.ph`.
 *
 * @module
 */

/** The measurer's Perl source; no module is loaded, so it runs from a binary its user cannot read. */
export const METER_SCRIPT = String.raw`
my ($ru, $pc, $sg, $srg, $sru, $ss, $dup3, $cl, $clr, $ex, $uid, $gid, $slots) = @ARGV;
$SIG{$_} = sub {} for qw(HUP INT QUIT TERM USR1 USR2 ALRM PIPE TSTP TTIN TTOU);
$SIG{CHLD} = 'IGNORE';
my $last = 3 + 4 * $slots;
my $next = 4;
open(my $ctl, '<&=3') or exit 125;
prefork() for 1 .. 2;
for (;;) {
  my $n = sysread($ctl, my $buf, 4096);
  if (!defined $n) { next if $! + 0 == 4; exit 0 }
  exit 0 if $n == 0;
  prefork() for 1 .. ($buf =~ tr/\n//);
}

sub prefork {
  return if $next > $last;
  my $f = $next;
  $next += 4;
  my $pid = fork();
  measure($f) if defined $pid && $pid == 0;
  syscall($cl + 0, $_) for $f .. $f + 3;
}

sub measure {
  my ($f) = @_;
  $SIG{CHLD} = 'DEFAULT';
  close($ctl);
  syscall($ss + 0);
  for my $i (0 .. 2) { exit 125 if syscall($dup3 + 0, $f + $i, $i, 0) < 0 }
  for my $r ([3, $f + 2], [$f + 4, $last]) {
    next if syscall($clr + 0, $r->[0], $r->[1], 0) == 0;
    syscall($cl + 0, $_) for $r->[0] .. $r->[1];
  }
  open(my $ch, '+<&=', $f + 3) or exit 125;
  fcntl($ch, 2, 1);
  syswrite($ch, "P $$\n");
  syscall($pc + 0, 36, 1, 0, 0, 0);
  my $pid = fork();
  if (!defined $pid) { syswrite(STDERR, "cannot start the command: $!\n"); syswrite($ch, "E 126\n"); syscall($ex + 0, 126) }
  command($ch) if $pid == 0;
  waitpid($pid, 0);
  my $st = $?;
  1 while waitpid(-1, 1) > 0;
  my $rb = "\0" x 256;
  syscall($ru + 0, -1, $rb);
  my @r = unpack('l!13', $rb);
  my $cpu = ($r[0] + $r[2]) * 1000000 + $r[1] + $r[3];
  syswrite($ch, join(' ', 'R', $st >> 8, $st & 127, $cpu, $r[4], $r[12]) . "\n");
  syscall($ex + 0, 0);
}

sub command {
  my ($ch) = @_;
  my ($in, $at, $want) = ('', -1, 0);
  until ($at > 0 && length($in) >= $at + 1 + $want) {
    my $n = sysread($ch, $in, 65536, length $in);
    next if !defined $n && $! + 0 == 4;
    exit 125 unless $n;
    ($at, $want) = (index($in, "\n"), substr($in, 0, index($in, "\n"))) if $at < 0 && index($in, "\n") > 0;
  }
  my @f = split /\0/, substr($in, $at + 1, $want), -1;
  my ($cwd, $argc) = splice(@f, 0, 2);
  my @argv = splice(@f, 0, $argc);
  %ENV = ();
  for my $kv (@f) {
    my $i = index($kv, '=');
    $ENV{substr($kv, 0, $i)} = substr($kv, $i + 1) if $i > 0;
  }
  if (open(my $o, '>', '/proc/self/oom_score_adj')) { syswrite($o, '1000'); close($o) }
  spawn_failed($argv[0], 'cannot enter ' . $cwd) unless chdir($cwd);
  if ($uid ne '-') {
    if (syscall($sg + 0, 0, 0) != 0 || syscall($srg + 0, $gid + 0, $gid + 0, $gid + 0) != 0
        || syscall($sru + 0, $uid + 0, $uid + 0, $uid + 0) != 0) {
      syswrite(STDERR, "cannot drop to $uid:$gid: $!\n");
      exit 126;
    }
  }
  { exec { $argv[0] } @argv; }
  spawn_failed($argv[0], '');
}

sub spawn_failed {
  my ($file, $what) = @_;
  my $e = $! + 0;
  my %name = (2 => 'ENOENT', 7 => 'E2BIG', 8 => 'ENOEXEC', 13 => 'EACCES', 20 => 'ENOTDIR', 21 => 'EISDIR', 40 => 'ELOOP');
  syswrite(STDERR, "spawn $file " . ($name{$e} || "errno $e") . ': ' . ($what ? "$what: " : '') . "$!\n");
  exit($e == 2 ? 127 : 126);
}
`;

/**
 * The measurer's syscall numbers (getrusage, prctl, setgroups, setresgid, setresuid, setsid, dup3, close,
 * close_range, exit_group) by Node's `process.arch`, as runner source: the runner turns measuring off on an
 * architecture without an entry.
 */
export const METER_SYSCALLS_SOURCE =
  '{ x64: [98, 157, 116, 119, 117, 112, 292, 3, 436, 231], arm64: [165, 167, 159, 149, 147, 157, 24, 57, 436, 94] }';
