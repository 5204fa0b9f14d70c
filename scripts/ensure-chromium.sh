#!/usr/bin/env bash
# Installs Debian's chromium when it is missing: the @sessionhub/inspector browser tests
# drive it through playwright-core (executablePath /usr/bin/chromium; never a browser download).
set -euo pipefail
if command -v chromium >/dev/null || [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "installing: chromium"
if ! apt-cache show chromium >/dev/null 2>&1; then
  apt-get update -qq
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
}
