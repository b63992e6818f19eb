# Shared by scripts/demo and scripts/test: create .venv once and install jxc into it.
# Usage: . scripts/_venv.sh <extras>   (extras: "" for runtime only, "dev" for tests)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
extras="${1:-}"
py="${PYTHON:-python3}"
if [ ! -x "$root/.venv/bin/python" ]; then
  "$py" -m venv "$root/.venv"
  "$root/.venv/bin/python" -m pip install --quiet --upgrade pip
fi
stamp="$root/.venv/.jxc-installed-${extras:-runtime}"
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ]; then
  if [ -n "$extras" ]; then spec=".[${extras}]"; else spec="."; fi
  (cd "$root" && "$root/.venv/bin/python" -m pip install --quiet -e "$spec")
  touch "$stamp"
fi
export PATH="$root/.venv/bin:$PATH"
