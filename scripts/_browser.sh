# What the browser tests (tests/browser) need: Debian's Chromium, a CJK font, and a built console.
# Sourced by scripts/test after _venv.sh (which installs the Python `playwright` package from the
# dev extras; Playwright's own browser download is never used). Idempotent, and instant when all is there.
# JXC_SKIP_BROWSER=1 skips this (and the browser tests).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

_jxc_apt_install() {
  local sudo=""
  if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
  echo "installing Debian packages for the browser tests: $* …" >&2
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
    echo "refreshing the package lists (apt-get update) and retrying …" >&2
    $sudo apt-get update -qq >/dev/null
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}

if [ "${JXC_SKIP_BROWSER:-}" != "1" ]; then
  echo "== browser test prerequisites (Debian chromium, a CJK font, web/dist)" >&2
  if [ ! -x /usr/bin/chromium ]; then
    _jxc_apt_install chromium fonts-noto-cjk
  fi
  if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    _jxc_apt_install fontconfig fonts-noto-cjk  # without a CJK font Chinese renders as boxes
  fi
  . "$root/scripts/_console.sh"
  if [ ! -f "$root/web/dist/index.html" ]; then
    echo "warning: the web console (web/dist) is not built: the browser tests will fail" >&2
  fi
fi
unset -f _jxc_apt_install
