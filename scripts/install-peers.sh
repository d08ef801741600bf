#!/usr/bin/env bash
# Installs the tools `npm run bench:peers` compares against, pinned, once per machine, outside the
# project's own dependencies (they are large and only the benchmark needs them). Prints the prefix.
set -euo pipefail
PREFIX="${GROUNDCHECK_PEERS_HOME:-$HOME/.cache/groundcheck-peers}/v1"
if [ -x "$PREFIX/node_modules/.bin/knip" ] && [ -x "$PREFIX/node_modules/.bin/eslint" ] && [ -x "$PREFIX/node_modules/.bin/depcheck" ]; then
  echo "$PREFIX"; exit 0
fi
mkdir -p "$PREFIX"
echo '{"name":"groundcheck-peers","private":true}' > "$PREFIX/package.json"
echo "installing peer tools into $PREFIX" >&2
( cd "$PREFIX" && npm install --no-audit --no-fund --loglevel=error \
    knip@6.44.2 eslint@9.39.5 eslint-plugin-import@2.32.0 eslint-plugin-n@18.5.0 depcheck@1.4.7 \
    @typescript-eslint/parser@8.73.0 typescript@6.0.3 >&2 )
echo "$PREFIX"
