#!/usr/bin/env bash
# Vendors Mermaid (npm package mermaid@11, dist/mermaid.min.js) into .venv/share/runbooks,
# so the site draws decision flows without fetching anything at view time. Optional: without
# npm the flows are shown as their Mermaid source.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
target=.venv/share/runbooks/mermaid.min.js
[ -s "$target" ] && exit 0
command -v npm >/dev/null || { echo "» npm not found: decision flows stay text" >&2; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "» vendoring mermaid for the site" >&2
if (cd "$tmp" && npm pack mermaid@11 --silent >/dev/null 2>&1) && \
   tar -xzf "$tmp"/mermaid-*.tgz -C "$tmp" package/dist/mermaid.min.js; then
  mkdir -p "$(dirname "$target")"
  mv "$tmp/package/dist/mermaid.min.js" "$target"
else
  echo "» could not fetch mermaid: decision flows stay text" >&2
fi
