#!/bin/sh
# Makes sure PostgreSQL's server binaries (initdb, pg_ctl, postgres) are installed, for the tests of
# @sessionhub/store-postgres and @sessionhub/fleet. Those tests start their own throwaway cluster
# (initdb + pg_ctl as the `postgres` user, unix socket in a temp directory, 127.0.0.1 and a free
# port): nothing else needs to run. Installs Debian's `postgresql` package when missing (needs root
# and apt); prints where the binaries are.
set -eu

find_initdb() {
  command -v initdb 2>/dev/null && return 0
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir/initdb"; return 0; }
  done
  return 1
}

if ! initdb=$(find_initdb); then
  echo "ensure-postgres: initdb not found, installing Debian's postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  initdb=$(find_initdb) || { echo "ensure-postgres: postgresql installed but initdb still not found" >&2; exit 1; }
fi
if ! id postgres >/dev/null 2>&1; then
  echo "ensure-postgres: no 'postgres' user (the server refuses to run as root)" >&2
  exit 1
fi
echo "ensure-postgres: $(dirname "$initdb") ($("$initdb" --version))"
