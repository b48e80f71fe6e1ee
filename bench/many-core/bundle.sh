#!/usr/bin/env bash
# Packs what bench/many-core/run.sh needs on a machine without .NET (called by `dotnet cake --target=Bench-Bundle`):
#
#   bash bench/many-core/bundle.sh PUBLISH BENCH OUT
#
# PUBLISH: the published programs (artifacts/publish); BENCH: the published harness; OUT gets
# dotnet-runtime.tar.xz (the dotnet host and the two shared frameworks the programs run on, the versions this
# machine runs) and programs.tar.xz (publish/ and bench/).
set -euo pipefail

publish=$(cd "$1" && pwd); benchdir=$(cd "$2" && pwd)
out=$(mkdir -p "$3" && cd "$3" && pwd)
root=$(dirname "$(readlink -f "$(command -v dotnet)")")
version() { dotnet --list-runtimes | awk -v f="$1" '$1 == f && $2 ~ /^10\./ { v = $2 } END { if (v == "") exit 1; print v }'; }
core=$(version Microsoft.NETCore.App); asp=$(version Microsoft.AspNetCore.App)
fxr=$(ls "$root/host/fxr" | sort -V | tail -n 1)

export XZ_OPT="-6 -T0"
tar -C "$root" --transform 's,^,dotnet/,' -cJf "$out/dotnet-runtime.tar.xz" \
  dotnet "host/fxr/$fxr" "shared/Microsoft.NETCore.App/$core" "shared/Microsoft.AspNetCore.App/$asp"
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
cp -r "$publish" "$stage/publish"; cp -r "$benchdir" "$stage/bench"
tar -C "$stage" -cJf "$out/programs.tar.xz" publish bench
echo "runtime: Microsoft.NETCore.App $core, Microsoft.AspNetCore.App $asp, hostfxr $fxr"
du -h "$out"/*.tar.xz
