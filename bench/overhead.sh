#!/usr/bin/env bash
# Overhead: ask + 6 suggests + tell in ms per trial (objective excluded), Random and TPE, in
# memory and on a fresh SQLite file, hpotop and Optuna 5.0, one run at a time.
#   bash bench/overhead.sh [--quick]       (~12 min, most of it Optuna; --quick ~1 min)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
q="$(quick_suffix "$@")"
BIN="${HPOBENCH:-$(hpobench_bin)}"
if [[ -n "$q" ]]; then
  args=(--trials 300 --repeat-trials 120 --repeats 2 --sqlite-trials 120)
else
  args=(--trials 10000 --repeat-trials 1000 --repeats 3 --sqlite-trials 3000)
fi

echo "== overhead: hpotop (hpobench overhead)"
"$BIN" overhead "${args[@]}" --dir "${BENCH_TMP:-${TMPDIR:-/tmp}}" > "$RESULTS/hpotop_overhead$q.json"
if [[ "${SKIP_OPTUNA:-0}" != 1 ]]; then
  echo "== overhead: Optuna (bench/optuna/overhead.py)"
  (cd "$BENCH/optuna" && TMPDIR="${BENCH_TMP:-${TMPDIR:-/tmp}}" "$PY" overhead.py "$@")
fi
"$PY" "$BENCH/report.py" overhead $([[ -n "$q" ]] && echo --quick)
