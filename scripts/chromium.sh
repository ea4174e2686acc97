#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests if it is missing (needs root or sudo, and Debian's
# package mirror). Playwright's own browser download is not used: these machines cannot reach it.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/tmp/chromium-install.log 2>&1
$SUDO apt-get install -y -qq --no-install-recommends chromium >>/tmp/chromium-install.log 2>&1 || { cat /tmp/chromium-install.log >&2; exit 1; }
command -v chromium >/dev/null
