#!/usr/bin/env bash
# Runs a command with Node >= 22 first on PATH: the machine's node when it is new enough, otherwise
# node@24 from the npm registry, installed once into .tools/ (see ensure-node.sh).
set -euo pipefail
dir="$(bash "$(dirname "$0")/ensure-node.sh")"
PATH="$dir:$PATH" exec "$@"
