#!/usr/bin/env bash
# Makes sure the local PostgreSQL server (127.0.0.1:5432, trust auth, database "test")
# that the telemetry tests use is running; starts the Debian cluster when it is not.
set -uo pipefail
ready() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }
ready && exit 0
if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "» starting PostgreSQL $version" >&2
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  for _ in $(seq 50); do ready && break; sleep 0.2; done
fi
if ready; then
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" \
    | grep -q 1 || createdb -h 127.0.0.1 -U postgres test
  exit 0
fi
echo "» PostgreSQL is not available on 127.0.0.1:5432: its tests will be skipped" >&2
exit 1
