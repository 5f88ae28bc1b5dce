#!/usr/bin/env bash
# Links the local chain and the Solidity compiler where Brownie and py-solc-x look for them:
#   .tools/bin/anvil-native            the native Anvil binary shipped in npm's @foundry-rs/anvil-<platform>
#   .tools/bin/anvil                   tools/anvil.sh: that binary with block history kept in memory, none on disk
#   .tools/solcx/solc-v<version>       the compiler py-solc-x finds through SOLCX_BINARY_PATH:
#                                      a native solc of the same version if SOLC=/path/to/solc is given (or `solc`
#                                      on PATH reports that version), else tools/solc-js.cjs over npm's solc-js.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=$(node -p "require('./package.json').devDependencies.solc")
mkdir -p .tools/bin .tools/solcx

anvil=$(ls -d node_modules/@foundry-rs/anvil-*/bin/anvil 2>/dev/null | head -n 1 || true)
if [ -z "$anvil" ]; then
  echo "setup-toolchain: no native Anvil under node_modules/@foundry-rs (run npm ci; is this platform supported?)" >&2
  exit 1
fi
ln -sfn "$root/$anvil" .tools/bin/anvil-native
ln -sfn "$root/tools/anvil.sh" .tools/bin/anvil

# Foundry's forge (npm @foundry-rs/forge, the same release as Anvil) runs the invariant suite (tests/invariants).
forge=$(ls -d node_modules/@foundry-rs/forge-*/bin/forge 2>/dev/null | head -n 1 || true)
if [ -z "$forge" ]; then
  echo "setup-toolchain: no native forge under node_modules/@foundry-rs (run npm ci; is this platform supported?)" >&2
  exit 1
fi
ln -sfn "$root/$forge" .tools/bin/forge

target=.tools/solcx/solc-v$version
rm -f "$target"
native=${SOLC:-$(command -v solc || true)}
if [ -n "$native" ] && "$native" --version 2>/dev/null | grep -q "Version: $version+"; then
  ln -s "$native" "$target"
  echo "setup-toolchain: using native solc $version at $native"
else
  printf '#!/bin/sh\nexec node "%s/tools/solc-js.cjs" "$@"\n' "$root" > "$target"
  chmod +x "$target"
  echo "setup-toolchain: using solc-js $version from npm (tools/solc-js.cjs)"
fi
"$target" --version | tail -n 1
"$root/.tools/bin/anvil" --version | head -n 1
"$root/.tools/bin/forge" --version | head -n 1
