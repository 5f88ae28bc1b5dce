#!/bin/sh
# The project's Anvil (linked as .tools/bin/anvil by tools/setup-toolchain.sh, next to the native binary from npm,
# .tools/bin/anvil-native): every chain started through PATH — by Brownie, `furusato`, the tests, `make demo`,
# `make portal`, `make bench` — goes through here.
#
# Anvil keeps the state of its recent blocks in memory and writes each older block's state to
# ~/.foundry/anvil/tmp/anvil-state-*/, which it never deletes: not on exit, not on SIGTERM. One `make test` left
# gigabytes there, and the runs of a working day filled a 250 GB disk (see ../shared/notes/toolchain.md).
# `--prune-history 500` keeps the last 500 blocks' state in memory, so an eth_call at a recent block still works,
# and writes nothing to disk.
#
# A command line that already chooses how history is kept, or runs a subcommand (`anvil completions`), is passed on
# unchanged.
native="$(dirname "$0")/anvil-native"
for arg in "$@"; do
  case "$arg" in
    --prune-history | --prune-history=* | --max-persisted-states | --max-persisted-states=* | --cache-path | --cache-path=*)
      exec "$native" "$@"
      ;;
  esac
done
case "${1:-}" in
  "" | -*) exec "$native" --prune-history 500 "$@" ;;
  *) exec "$native" "$@" ;;
esac
