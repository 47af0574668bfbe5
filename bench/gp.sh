#!/usr/bin/env bash
# GP and auto (issue 16): hpotop's gp (100 trials) and auto (200 trials, told trials take 10 min)
# on the six functions, 20 seeds, one function per run; gp's CPU time per trial (one run at a
# time); then the bench/README.md tables against Optuna TPE's recorded runs and Optuna GPSampler.
#   bash bench/gp.sh            (~6 min on a loaded 2-core machine, session 6)
# Optuna GPSampler's time needs torch: TORCH_PY=/path/to/venv/bin/python (a venv outside the
# repo with torch, scipy, greenlet and optuna 5.0) runs bench/optuna/gp_timing.py; without it the
# timing table is left out.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BIN="${HPOBENCH:-$(hpobench_bin)}"
OUT="$RESULTS/gp"
mkdir -p "$OUT"
for f in branin hartmann6 rosenbrock4 ackley5 styblinski_tang4 mixed; do
  nice -n 19 "$BIN" quality --functions "$f" --samplers gp --seeds 20 --trials 100 --jobs 2 > "$OUT/gp-100-$f.json"
  nice -n 19 "$BIN" quality --functions "$f" --samplers auto --seeds 20 --trials 200 --jobs 2 > "$OUT/auto-200-$f.json"
done
nice -n 19 "$BIN" quality --samplers gp --seeds 3 --trials 100 --jobs 1 > "$OUT/timing.json"
timing=()
if [[ -n "${TORCH_PY:-}" ]]; then
  (cd "$BENCH/optuna" && nice -n 19 "$TORCH_PY" gp_timing.py --seeds 3 --trials 100 > "$OUT/optuna_gp_timing.json")
  timing=(--optuna-gp "$OUT/optuna_gp_timing.json" --timing "$OUT/timing.json")
fi
"$PY" "$BENCH/gp_quality.py" "$OUT"/gp-100-*.json "$OUT"/auto-200-*.json "${timing[@]}" --check-optuna-seeds 1
