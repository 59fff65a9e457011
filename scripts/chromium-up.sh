#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing (playwright drives
# it through executable_path; playwright's own browser download is not used).
set -uo pipefail
command -v chromium >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "» installing chromium (Debian) for the browser tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq chromium >&2
fi
command -v chromium >/dev/null && exit 0
echo "» chromium is not available: the browser tests will be skipped" >&2
exit 1
