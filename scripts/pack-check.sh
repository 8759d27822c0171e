#!/usr/bin/env bash
# npm pack, a global install into a temporary prefix, and the installed CLI run from outside the repository:
# help, version, completion, a help example (demo), and `kubectl ciltune` as a kubectl plugin.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/ciltune-pack.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$repo"
tgz=$(npm pack --silent --pack-destination "$work" | tail -1)
npm i -g --silent --no-audit --no-fund --prefix "$work/prefix" "$work/$tgz" >/dev/null
export PATH="$work/prefix/bin:$PATH" HOME="$work/home" XDG_CACHE_HOME="$work/cache"
mkdir -p "$HOME" && cd "$HOME"
step() { echo "\$ $*" >&2; "$@"; }
step command -v ciltune kubectl-ciltune
step ciltune --version
step ciltune -h | head -8
step ciltune help doctor | grep -E 'ciltune doctor (--from ./capture|-n cilium-system)'
step ciltune completion fish | grep -c '^complete -c ciltune'
step ciltune autocomplete bash | grep -m1 'ciltune autocomplete'
test -s "$XDG_CACHE_HOME/ciltune/autocomplete/functions/bash/ciltune.bash" && echo "bash completion cache written"
step ciltune demo --quiet -o json --fail-on none | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(`demo: schemaVersion ${r.schemaVersion}, ${r.findings.length} findings`)})'
test -s "$work/prefix/lib/node_modules/ciltune/schema/report.schema.json" && echo "schema/report.schema.json shipped"
step kubectl plugin list 2>/dev/null | grep kubectl-ciltune
step kubectl ciltune version
step kubectl ciltune doctor --from "$work/prefix/lib/node_modules/ciltune/fixtures/synthetic-healthy" | head -2
echo "pack-check: OK"
