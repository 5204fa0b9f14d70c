#!/usr/bin/env bash
# Runs the store-fs benchmark of one or more checkouts, each run on a freshly made ext4 file system
# (no journal, like the project VM's disk) on a loop device, alternating checkouts round by round.
# Why: how fast ext4 without a journal hands out inodes depends on what was deleted on it in the last
# 60-360 s (see README, "Benchmark figures"); on a shared disk, a run that starts after another run's
# cleanup imports several times slower with the same code (4-19x measured). A fresh file system
# gives every run the same state.
# Run as root (mkfs, mount), from any directory; needs ~6 GB free under $TMPDIR for the image.
#   packages/store-fs/scripts/bench-fresh-fs.sh [rounds=3] /work/before /work/main
# Prints each run's last line (the benchmark's JSON), prefixed with the checkout.
set -euo pipefail
# The bench needs Node >= 22: use the repository's own (scripts/ensure-node.sh puts it in .tools/bin) when present.
repo=$(cd "$(dirname "$0")/../../.." && pwd)
[ -x "$repo/.tools/bin/node" ] && export PATH="$repo/.tools/bin:$PATH"
rounds=3
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then rounds=$1; shift; fi
(($# > 0)) || { echo "usage: $0 [rounds] <checkout>..." >&2; exit 2; }
work=$(mktemp -d)
image="$work/fs.img"
mnt="$work/mnt"
mkdir "$mnt"
cleanup() {
  mountpoint -q "$mnt" && umount "$mnt"
  rm -rf "$work"
}
trap cleanup EXIT
for ((round = 1; round <= rounds; round++)); do
  for checkout in "$@"; do
    mountpoint -q "$mnt" && umount "$mnt"
    rm -f "$image"
    truncate -s 6G "$image"
    mkfs.ext4 -q -F -N 600000 -O ^has_journal "$image"
    mount -o loop "$image" "$mnt"
    chmod 1777 "$mnt"
    if ! out=$(cd "$checkout" && TMPDIR="$mnt" npm run bench --silent -w @sessionhub/store-fs 2>&1); then
      echo "$checkout: the bench failed:" >&2
      tail -n 20 <<<"$out" >&2
      exit 1
    fi
    echo "$checkout $(tail -n 1 <<<"$out")"
  done
done
