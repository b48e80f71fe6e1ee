#!/usr/bin/env bash
# Issue 16's many-core cells on a machine without .NET (docs/benchmarks.md#many-core).
#
#   bash bench/many-core/run.sh BUNDLE OUT [--quick]
#
# BUNDLE is what `dotnet cake --target=Bench-Bundle` wrote (artifacts/bench-bundle): the shared .NET runtime
# and the framework-dependent programs, each an xz tarball. Everything is unpacked into a temporary folder,
# which is removed at the end. Each run's console output and JSON go to OUT. The core split is derived from
# the cores this script may use: a quarter each for the echo backend, the load generator and the proxy, the
# rest for the workers (proxy + workers: the system under test). Below 4 cores nothing can be isolated and
# the runs are a functional check only.
set -euo pipefail

bundle=$(cd "$1" && pwd)
out=$(mkdir -p "$2" && cd "$2" && pwd)
quick=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tar -xJf "$bundle/dotnet-runtime.tar.xz" -C "$work"
tar -xJf "$bundle/programs.tar.xz" -C "$work"
export DOTNET_ROOT="$work/dotnet" PATH="$work/dotnet:$PATH" DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
ulimit -n "$(ulimit -Hn)" || true

mapfile -t cores < <(python3 - <<'PY'
import os
print("\n".join(str(c) for c in sorted(os.sched_getaffinity(0))))
PY
)
n=${#cores[@]}
range() { local list=("${cores[@]:$1:$2}"); local IFS=,; echo "${list[*]}"; }
if (( n >= 4 )); then
  q=$(( n / 4 ))
  backend=$(range 0 "$q"); load=$(range "$q" "$q"); proxy=$(range $(( 2 * q )) "$q")
  workers=$(range $(( 3 * q )) $(( n - 3 * q ))); sut=$(range $(( 2 * q )) $(( n - 2 * q )))
elif (( n >= 2 )); then
  # Too few cores to isolate anything: a functional pass only (the harness prints which groups share).
  backend=${cores[0]}; load=${cores[0]}; proxy=${cores[1]}; workers=${cores[0]}; sut=${cores[1]}
else
  echo "run.sh: needs at least 2 cores, has $n" >&2
  exit 2
fi

duration=8; rounds=2; streams=2000,10000
if [[ "$quick" == "--quick" ]]; then duration=2; rounds=1; streams=200; fi

{
  echo "cores: $n (${cores[*]}); backend $backend, load $load, proxy $proxy, workers $workers (system under test $sut)"
  echo "ulimit -n: $(ulimit -n)"
  dotnet --list-runtimes
} | tee "$out/machine.txt"

bench() {
  local name=$1; shift
  echo "=== $name: $*" | tee "$out/$name.txt"
  local rc=0
  dotnet "$work/bench/rxrelay-bench.dll" --publish-dir "$work/publish" --out "$out/$name.json" "$@" >> "$out/$name.txt" 2>&1 || rc=$?
  echo "=== $name: exit $rc" | tee -a "$out/$name.txt"
  tail -n 60 "$out/$name.txt"
}

# Goal 1: the proxy alone on a quarter of the cores, 8 workers on another, YARP on the proxy's cores.
bench proxy-alone --cpus "backend=$backend,load=$load,proxy=$proxy,workers=$workers" --workers 8 \
  --only yarp,rxrelay --cells chat:64,chat:256 --rounds "$rounds" --duration "$duration" --warmup 2 --no-scale
# Goal 2: one worker, proxy and worker sharing the upper half; YARP on the same cores.
bench one-worker --cpus "backend=$backend,load=$load,sut=$sut" \
  --only direct,yarp,rxrelay --cells chat:1,chat:64,chat:256 --rounds "$rounds" --duration "$duration" --warmup 2 --no-scale
# Goal 4: many slow streams through one proxy (8 workers), pinned as in goal 1.
bench streams --streams "$streams" --cpus "backend=$backend,load=$load,proxy=$proxy,workers=$workers" --workers 8
