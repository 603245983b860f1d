#!/usr/bin/env bash
# Debian packages the project needs beyond Python: gettext (msgfmt, to compile the
# translations) always; chromium (end-to-end tests) when called with --browser.
# Installs only what is missing, and only as root with apt-get; otherwise it says what to do.
set -euo pipefail
want=()
command -v msgfmt >/dev/null || want+=(gettext)
if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  want+=(chromium fonts-noto-cjk)
fi
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "== installing ${want[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}" >/dev/null
else
  echo "missing Debian packages: ${want[*]} (install them, e.g. sudo apt-get install ${want[*]})" >&2
  [[ " ${want[*]} " == *" gettext "* ]] && exit 1
fi
exit 0
