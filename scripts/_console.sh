# Build the web console into web/dist when its sources changed (best effort: the CLI, the API
# and the demo work without it; `jxc serve` serves the console when web/dist exists).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
web="$root/web"
stamp="$web/dist/.built-from"
current="$(cd "$web" && find src index.html package.json package-lock.json vite.config.ts tsconfig.json -type f \
  -exec sha256sum {} + 2>/dev/null | sort | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$current" ]; then
  return 0 2>/dev/null || exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "note: npm not found — skipping the web console build (install Node.js 20 to get it)" >&2
  return 0 2>/dev/null || exit 0
fi
echo "building the web console (web/dist) …" >&2
if (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && npm run --silent build >/dev/null); then
  echo "$current" > "$stamp"
else
  echo "note: the web console build failed — the CLI and API still work; see web/README.md" >&2
fi
