#!/usr/bin/env bash
# Quality: simple regret of TPE and random search on six test functions, 20 seeds x 200 trials,
# hpotop and Optuna 5.0 (TPE default = multivariate, and TPE independent). Two runs at a time.
#   bash bench/quality.sh [--quick]        (~10 min; --quick ~1 min)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
q="$(quick_suffix "$@")"
BIN="${HPOBENCH:-$(hpobench_bin)}"
if [[ -n "$q" ]]; then args=(--seeds 3 --trials 60); else args=(); fi

if [[ "${SKIP_OPTUNA:-0}" != 1 ]]; then
  echo "== quality: Optuna (bench/optuna/quality.py, 2 jobs)"
  (cd "$BENCH/optuna" && "$PY" quality.py --jobs 2 "$@")
fi
echo "== quality: hpotop (hpobench quality, 2 jobs)"
"$BIN" quality --jobs 2 "${args[@]}" > "$RESULTS/hpotop_quality$q.json"
"$PY" "$BENCH/report.py" quality $([[ -n "$q" ]] && echo --quick)
