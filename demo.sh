#!/usr/bin/env bash
# The main job: sets up .venv, shows and lints the sample runbooks, runs the demo runbook
# (docs/local-health.md, works on any Linux machine) against a local HTTP server,
# recording telemetry in the default SQLite store, runs the test cases of the Kubernetes
# sample (docs/api-scale-out.md, against a local fake API server), then builds the site
# with that telemetry and serves it on http://127.0.0.1:8000/ (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"

step() { printf '\n\033[1m» %s\033[0m\n' "$*"; }

step "runner list"
runner list
step "runner show docs/db-debug.md"
runner show docs/db-debug.md
step "runner lint"
runner lint

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory docs >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
  sleep 0.1
done

step "runner exec local-health --yes --param URL=http://127.0.0.1:$port/"
runner exec local-health --yes --param "URL=http://127.0.0.1:$port/"

step "the run, as recorded in ${RUNNER_STORE:-the default store}"
python3 - <<'PY'
from runner.telemetry import default_location, open_store
import os
store = open_store()
run = store.runs()[-1]
print(f"store: {os.environ.get('RUNNER_STORE') or default_location()}")
print(f"run {run['id']}: {run['runbook_id']} {run['outcome']} (exit {run['exit_code']}),"
      f" {len(store.runs())} run(s) recorded in all")
for s in store.steps(run["id"]):
    print(f"  {s['step_id']:<14} {s['status']:<10} {s['duration_s']:.3f}s")
PY

step "runner test docs/api-scale-out.md  (Kubernetes steps, against a fake cluster)"
runner test docs/api-scale-out.md

step "runner site build  (the site, with the telemetry just recorded)"
kill "$server" 2>/dev/null || true
runner site build
step "runner site serve  → http://${RUNNER_SITE_ADDR:-127.0.0.1:8000}/  (Ctrl-C to stop)"
exec runner site serve --dev-addr "${RUNNER_SITE_ADDR:-127.0.0.1:8000}"
