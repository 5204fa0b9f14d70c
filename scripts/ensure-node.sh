#!/usr/bin/env bash
# Prints the directory to put first on PATH so that `node` is >= 22.
# Installs node@24 from the npm registry into .tools/ when the machine's node is older.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$major" -ge 22 ]; then
  dirname "$(command -v node)"
  exit 0
fi
if [ ! -x "$root/.tools/bin/node" ]; then
  echo "node $(node --version 2>/dev/null || echo none) is older than 22: installing node@24 into .tools/" >&2
  (cd "$root" && npm install -g --prefix "$root/.tools" --no-fund --no-audit node@24 >&2)
fi
echo "$root/.tools/bin"
