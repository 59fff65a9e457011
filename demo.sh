#!/usr/bin/env bash
# The main job: sets up .venv, then lists, shows and lints the sample runbooks.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
set -x
runner list
runner show docs/db-debug.md
runner show runbooks/high-cpu.yml
runner show docs/local-health.md --json
runner lint
