#!/usr/bin/env bash
# Installs code-server 4.100.3 (a real VS Code 1.100 workbench that runs on Node 20) for the
# end-to-end test, once per machine, into $GROUNDCHECK_E2E_HOME. Prints the code-server path.
set -euo pipefail
VERSION=4.100.3
HOME_DIR="${GROUNDCHECK_E2E_HOME:-$HOME/.cache/groundcheck-e2e}"
PREFIX="$HOME_DIR/code-server-$VERSION"
BIN="$PREFIX/node_modules/.bin/code-server"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

need=()
[ "${GROUNDCHECK_E2E_NO_APT:-}" = 1 ] || command -v chromium >/dev/null || need+=(chromium) # the e2e test's browser only
command -v rg >/dev/null || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [ ${#need[@]} -gt 0 ] && [ "${GROUNDCHECK_E2E_NO_APT:-}" = 1 ]; then
  # npm start never asks for root: it says what is missing (scripts/start.ts checks first).
  echo "code-server needs: ${need[*]} (Debian/Ubuntu: sudo apt-get install ${need[*]})" >&2
  exit 3
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi

# @vscode/ripgrep downloads a prebuilt rg from GitHub at install time; hand it Debian's instead.
RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE"
tar -czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg

mkdir -p "$PREFIX"
echo '{"name":"groundcheck-e2e-code-server","private":true}' > "$PREFIX/package.json"
echo "installing code-server@$VERSION into $PREFIX (a few minutes)" >&2
( cd "$PREFIX" && npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --loglevel=error "code-server@$VERSION" >&2 )
echo "$BIN"
