#!/usr/bin/env bash
# Builds the base sandbox image locally: no registry is needed (none is reachable in CI).
#
# The image is a tiny rootfs made with `docker import`: /etc with passwd/group (a `sandbox` user,
# uid 65534), /tmp with mode 1777 (the tmpfs mounted there takes this mode on engine 20.10), an
# empty /workspace and /usr. The host's /usr is bind-mounted read-only at run time; the adapter
# reads which host paths to mount from the image label `io.sessionhub.host-mounts`.
# /bin, /lib, /lib64 mirror the host: a symlink into usr/ on merged-/usr hosts (Debian 12),
# otherwise an empty directory that is added to the mount label.
#
# Idempotent and fast when the image already exists with the same recipe hash.
set -euo pipefail

IMAGE="${SESSIONHUB_SANDBOX_IMAGE:-sessionhub/sandbox-base:1}"
log() { printf 'build-image: %s\n' "$*" >&2; }

docker info >/dev/null 2>&1 || {
  log "ERROR: the docker engine does not answer; run scripts/ensure-docker.sh first"
  exit 1
}

host_mounts="/usr"
layout=""
for d in bin lib lib64; do
  if [ -L "/$d" ]; then
    layout="$layout $d->$(readlink "/$d")"
  elif [ -d "/$d" ]; then
    layout="$layout $d=dir"
    host_mounts="$host_mounts,/$d"
  fi
done

recipe_hash="$( (cat "$0"; echo "$layout"; ls -l /etc/alternatives 2>/dev/null) | sha256sum | cut -c1-16)"
existing="$(docker image inspect --format '{{ index .Config.Labels "io.sessionhub.recipe" }}' "$IMAGE" 2>/dev/null || true)"
if [ "$existing" = "$recipe_hash" ]; then
  log "$IMAGE is up to date (recipe $recipe_hash)"
  exit 0
fi

stage="$(mktemp -d /tmp/sessionhub-rootfs.XXXXXX)"
trap 'rm -rf "$stage"' EXIT
cd "$stage"
mkdir -p etc tmp workspace usr home/sandbox opt/sessionhub proc sys dev run var/tmp
chmod 1777 tmp var/tmp
chmod 0777 home/sandbox
# /sbin stays a real directory: the engine bind-mounts its init at /sbin/docker-init before /usr.
mkdir sbin
for d in bin lib lib64; do
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$d"; elif [ -d "/$d" ]; then mkdir "$d"; fi
done
cat > etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
sandbox:x:65534:65534:sandbox:/home/sandbox:/bin/sh
PASSWD
cat > etc/group <<'GROUP'
root:x:0:
sandbox:x:65534:
GROUP
printf 'hosts: files dns\npasswd: files\ngroup: files\n' > etc/nsswitch.conf
# Debian reaches many tools (awk, nc, editor, ...) through /etc/alternatives symlinks into /usr.
if [ -d /etc/alternatives ]; then cp -a /etc/alternatives etc/alternatives; fi
: > etc/hosts
: > etc/resolv.conf

tar --numeric-owner --owner=0 --group=0 -C "$stage" -cf - . |
  docker import \
    --change "LABEL io.sessionhub.recipe=$recipe_hash" \
    --change "LABEL io.sessionhub.host-mounts=$host_mounts" \
    --change "LABEL io.sessionhub.base=1" \
    --change "ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/tmp" \
    --change "USER 65534:65534" \
    --change "WORKDIR /workspace" \
    --change 'CMD ["/bin/sh"]' \
    - "$IMAGE" >/dev/null
log "built $IMAGE (recipe $recipe_hash, host mounts: $host_mounts)"
