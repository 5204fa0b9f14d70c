#!/usr/bin/env bash
# Makes a Docker engine answer on this machine. Idempotent: installs docker.io only when the
# binaries are missing, starts dockerd only when the socket does not answer, then waits for it.
# Used by .ci/run before the Docker tests; safe to run again and again on a dev machine.
set -euo pipefail

WAIT_SECONDS="${SESSIONHUB_DOCKER_WAIT_SECONDS:-60}"
DOCKERD_LOG="${SESSIONHUB_DOCKERD_LOG:-/tmp/sessionhub-dockerd.log}"

log() { printf 'ensure-docker: %s\n' "$*" >&2; }
fail() { log "ERROR: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    fail "need root to run: $*"
  fi
}

if ! command -v docker >/dev/null 2>&1 || ! command -v dockerd >/dev/null 2>&1; then
  log "docker/dockerd missing: installing docker.io from apt"
  as_root apt-get update -q || fail "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io || fail "apt-get install docker.io failed"
fi

if docker info >/dev/null 2>&1; then
  log "engine already answering ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
  exit 0
fi

if pgrep -x dockerd >/dev/null 2>&1; then
  log "dockerd is running but not answering yet; waiting"
else
  log "starting dockerd in the background (log: $DOCKERD_LOG)"
  # setsid + nohup: dockerd outlives this script and the CI step that called it.
  as_root setsid nohup dockerd >"$DOCKERD_LOG" 2>&1 </dev/null &
fi

deadline=$(( $(date +%s) + WAIT_SECONDS ))
until docker info >/dev/null 2>&1; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "last lines of $DOCKERD_LOG:"
    tail -n 30 "$DOCKERD_LOG" >&2 2>/dev/null || true
    fail "docker engine did not answer within ${WAIT_SECONDS}s"
  fi
  sleep 0.5
done
log "engine ready ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
