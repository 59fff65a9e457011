#!/usr/bin/env bash
# The whole test suite: sets up .venv, then lint, format, types and tests.
# Extra arguments go to pytest (e.g. ./test.sh -k parse -x).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
scripts/bootstrap.sh
scripts/postgres-up.sh || true  # PostgreSQL tests skip, saying why, when it cannot start
scripts/chromium-up.sh || true  # so do the browser tests without Debian's chromium
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p build
echo "» ruff" >&2
ruff check .
ruff format --check .
echo "» mypy" >&2
mypy
echo "» pytest" >&2
pytest "$@"
echo "» runner test (the sample runbooks' own test cases)" >&2
runner test --junit build/runbook-tests.xml
