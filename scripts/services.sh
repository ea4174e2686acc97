#!/usr/bin/env bash
# Starts PostgreSQL and Redis on 127.0.0.1 for the PostgreSQL + Redis test run and the two-instance
# test, installing Debian's packages first where they are missing (CI machines start bare).
# Prints the environment to use: eval "$(bash scripts/services.sh)"
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null || ! command -v redis-server >/dev/null; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >&2
fi

version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then pg_createcluster "$version" main >&2; fi
pg_ctlcluster "$version" main start >&2 || true
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -q && break; sleep 1; done
su postgres -c "psql -qtc \"select 1 from pg_roles where rolname = 'lg'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create user lg with password 'lg' superuser\"" >&2

if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no >&2
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.2; done
fi

echo "export TEST_DATABASE_URL=postgresql://lg:lg@127.0.0.1:5432/postgres"
echo "export REDIS_URL=redis://127.0.0.1:6379"
