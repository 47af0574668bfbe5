#!/usr/bin/env bash
# NSGA-II: hpotop's nsga2 (children that repeat a trial bred again, the default), the same with
# eliminate_duplicates false (Optuna's breeding), and Optuna 5.0's NSGAIISampler, on ZDT1 in a
# continuous space (d = 10) and on a grid (d = 4): hypervolume after 200 and 500 trials, and the
# trials that repeated a configuration. 20 seeds, ~2 min here.
#   SEEDS=20 bash bench/nsga2.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_venv
bench_build hpobench
SEEDS="${SEEDS:-20}"
echo "== nsga2: hpotop (hpobench nsga2, seeds 0..+$SEEDS)"
"$BIN/hpobench" nsga2 --seeds "$SEEDS" > "$RESULTS/hpotop_nsga2.json" 2>/dev/null
echo "== nsga2: Optuna (bench/optuna/nsga2_quality.py, 2 jobs)"
(cd "$BENCH/optuna" && "$PY" nsga2_quality.py --seeds "$SEEDS" --out optuna_nsga2.json)
"$PY" "$BENCH/nsga2_report.py" "$RESULTS/hpotop_nsga2.json" "$BENCH/optuna/results/optuna_nsga2.json" > "$RESULTS/nsga2.md"
cat "$RESULTS/nsga2.md"
bench_readme_section nsga2 "NSGA-II: children that repeat a trial, and the front (ZDT1)" "bash bench/nsga2.sh" "$RESULTS/nsga2.md"
