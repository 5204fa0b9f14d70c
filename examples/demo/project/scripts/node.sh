#!/bin/sh
# Runs the sandbox's Node: a Docker sandbox mounts the host's at /opt/sessionhub/node; a bubblewrap
# sandbox (and the host) has it first on PATH.
if [ -x /opt/sessionhub/node ]; then exec /opt/sessionhub/node "$@"; fi
exec node "$@"
