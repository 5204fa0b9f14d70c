/**
 * The resident measurer the runner starts every command through, so each command's resource use can be
 * reported (see docs/sandboxes.md, "Per-command resource use"). Node cannot read a child's rusage; this tiny
 * Perl program (Perl is essential on Debian, and both sandboxes see the host's `/usr`) can:
 *
 *   perl -e METER_SCRIPT <wait4> <rt_sigprocmask> <signalfd4> <setgroups> <setresgid> <setresuid> <setsid>
 *        <dup3> <write> <close> <close_range> <uid|-> <gid|-> <slots>
 *
 * One perl serves `slots` commands, so no command pays for an interpreter start (`resident-meter.ts` starts
 * the next one when the slots are used up). It starts with an empty environment (so nothing a command's
 * environment holds, such as `PERL5OPT`, can change what it runs). Its fd 3 is the runner's control socket;
 * slot `i` is its fds `4+4i` to `7+4i`: the command's stdin, stdout and stderr and the slot's channel, all
 * socketpairs the runner made when it started this perl (none of them can be reopened through `/proc`).
 *
 * It forks the **command processes** of slots 0 and 1 at once and, for each line on fd 3 (the runner took a
 * slot), the one of the next free slot, so two are ready before their commands come and no fork is on a
 * command's path. That fork waits until no command runs (or a running one has had 20 ms), unless a taken slot
 * has no process yet: where a fork costs milliseconds (a Firecracker VM), a fork beside a short command
 * slowed it by as much. One process per command and no more, for the same reason (a wrapper waiting for the
 * command, as an earlier design had, doubled the cost of a short command there). Once forked, the measurer
 * keeps only the slot's channel, for the report. A command process:
 *
 * - starts a session of its own (the runner signals and kills a command's tree through it), puts the slot's
 *   streams on its fds 0 to 2, closes every other descriptor but the slot's channel, marks the channel
 *   close-on-exec (commands never hold it) and writes `P <pid>` on it;
 * - waits for its command on the channel (`<length>\n` and then `cwd\0argc\0argv...\0K=V\0...`), makes the
 *   `K=V` pairs its whole environment, raises its own `oom_score_adj` to 1000 (the command, not the measurer,
 *   is the OOM killer's first choice), enters its cwd, drops to `uid:gid` when given (the Docker runner starts
 *   the measurer as root, so commands of another uid can neither signal nor debug it) and execs the argv (a
 *   failed exec or cwd exits 127 or 126 with `spawn <file> <ERRNO>: <reason>` on stderr).
 *
 * The measurer blocks `SIGCHLD` and reads it from a signalfd (a command's end is never missed between two
 * reads of the control socket; command processes unblock it before their exec). For each command process that
 * ended it writes one line on that slot's channel and closes it:
 *
 *   R <exit code> <signal number> <CPU µs> <ru_maxrss KiB> <ru_oublock>
 *
 * All three measures are the `wait4` rusage of the command's process, which covers it and every descendant
 * it or its descendants waited for: CPU time, the largest resident set, and output blocks (512-byte units of
 * file pages dirtied on block-backed filesystems). No `/proc` is read. Once its control socket is at its end
 * (the runner started the next measurer), it exits as soon as its last command did. The syscall numbers come
 * from {@link METER_SYSCALLS_SOURCE}, because Perl has no `wait4` builtin and perl-base ships no `syscall.ph`.
 *
 * @module
 */

/** The measurer's Perl source; no module is loaded, so it runs from a binary its user cannot read. */
export const METER_SCRIPT = String.raw`
my ($w4, $mask, $sfd4, $sg, $srg, $sru, $ss, $dup3, $wr, $cl, $clr, $uid, $gid, $slots) = @ARGV;
$SIG{$_} = sub {} for qw(HUP INT QUIT TERM USR1 USR2 ALRM PIPE TSTP TTIN TTOU);
my $chld = pack('Q', 1 << 16);
syscall($mask + 0, 0, $chld, 0, 8) == 0 or exit 125;
my $sfd = syscall($sfd4 + 0, -1, $chld, 8, 0x80800);
exit 125 if $sfd < 0;
my $last = 3 + 4 * $slots;
my $top = $sfd > $last ? $sfd : $last;
my $next = 4;
my %channel;
open(my $ctl, '<&=3') or exit 125;
open(my $sig, '<&=', $sfd) or exit 125;
prefork() for 1 .. 2;
my ($open, $due, $taken, $running) = (1, 0, 0, 0);
while ($open || %channel || $due > 0) {
  my $rin = '';
  vec($rin, 3, 1) = 1 if $open;
  vec($rin, $sfd, 1) = 1;
  my $wait = !$due ? undef : ($taken >= ($next - 4) / 4 || !$running) ? 0 : 0.02;
  my $ready = select(my $rout = $rin, undef, undef, $wait);
  next if $ready < 0;
  if ($ready == 0) { prefork(); $due--; next }
  if (vec($rout, $sfd, 1)) { sysread($sig, my $info, 4096); reap() }
  next unless $open && vec($rout, 3, 1);
  my $n = sysread($ctl, my $buf, 4096);
  next if !defined $n && $! + 0 == 4;
  if (!$n) {
    ($open, $due) = (0, $taken - ($next - 4) / 4);
    $due = 0 if $due < 0;
    close($ctl);
    next;
  }
  my $lines = ($buf =~ tr/\n//);
  ($due, $taken, $running) = ($due + $lines, $taken + $lines, $running + $lines);
}
exit 0;

sub prefork {
  return if $next > $last;
  my $f = $next;
  $next += 4;
  my $pid = fork();
  command($f) if defined $pid && $pid == 0;
  syscall($cl + 0, $_) for $f .. $f + 2;
  if (defined $pid) { $channel{$pid} = $f } else { syscall($cl + 0, $f + 3) }
}

sub reap {
  for (;;) {
    my ($st, $ru) = ("\0" x 4, "\0" x 256);
    my $pid = syscall($w4 + 0, -1, $st, 1, $ru);
    next if $pid < 0 && $! + 0 == 4;
    return if $pid <= 0;
    my $f = delete $channel{$pid};
    next unless defined $f;
    $running-- if ($f - 4) / 4 < $taken;
    my $s = unpack('i', $st);
    my @r = unpack('l!13', $ru);
    my $line = join(' ', 'R', ($s >> 8) & 255, $s & 127, ($r[0] + $r[2]) * 1000000 + $r[1] + $r[3], $r[4], $r[12]) . "\n";
    1 while syscall($wr + 0, $f + 3, $line, length $line) < 0 && $! + 0 == 4;
    syscall($cl + 0, $f + 3);
  }
}

sub command {
  my ($f) = @_;
  syscall($ss + 0);
  for my $i (0 .. 2) { exit 125 if syscall($dup3 + 0, $f + $i, $i, 0) < 0 }
  for my $r ([3, $f + 2], [$f + 4, $top]) {
    next if syscall($clr + 0, $r->[0], $r->[1], 0) == 0;
    syscall($cl + 0, $_) for $r->[0] .. $r->[1];
  }
  open(my $ch, '+<&=', $f + 3) or exit 125;
  fcntl($ch, 2, 1);
  syscall($mask + 0, 1, $chld, 0, 8);
  syswrite($ch, "P $$\n");
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
 * The measurer's syscall numbers (wait4, rt_sigprocmask, signalfd4, setgroups, setresgid, setresuid, setsid,
 * dup3, write, close, close_range) by Node's `process.arch`, as runner source: the runner turns measuring off on an
 * architecture without an entry.
 */
export const METER_SYSCALLS_SOURCE =
  '{ x64: [61, 14, 289, 116, 119, 117, 112, 292, 1, 3, 436], arm64: [260, 135, 74, 159, 149, 147, 157, 24, 64, 57, 436] }';
