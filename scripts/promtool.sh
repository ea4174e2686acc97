#!/usr/bin/env bash
# Installs Debian's prometheus package for `promtool` (the alert rules' check, test/tooling/alerts.test.ts)
# if it is missing (needs root or sudo, and Debian's package mirror). The package's own service is not used.
set -euo pipefail
if command -v promtool >/dev/null 2>&1; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/tmp/promtool-install.log 2>&1
$SUDO apt-get install -y -qq --no-install-recommends prometheus >>/tmp/promtool-install.log 2>&1 || { cat /tmp/promtool-install.log >&2; exit 1; }
command -v promtool >/dev/null
