#!/usr/bin/env bash
# Issue 7: counting ones, hpotop BOHB / TPE / random + Hyperband vs Optuna random / TPE + Hyperband,
# 20 seeds, in the same run. ~15 min here. Usage: bash bench/multifidelity.sh [SEEDS]
source "$(dirname "$0")/lib.sh"
SEEDS="${1:-20}"
bench_venv
bench_build hpobench
"$BIN/hpobench" multifidelity --seeds "$SEEDS" --methods bohb,bohb_nowindow,bohb_noboot,tpe_hyperband,random_hyperband > "$RESULTS/multifidelity_hpotop.json"
(cd "$BENCH/optuna" && "$PY" bench_multifidelity.py optuna --seeds "$SEEDS" --out "$RESULTS/multifidelity_optuna.json")
(cd "$BENCH/optuna" && "$PY" bench_multifidelity.py report --optuna "$RESULTS/multifidelity_optuna.json" \
  --hpotop "$RESULTS/multifidelity_hpotop.json" --json "$RESULTS/multifidelity.json" --md "$RESULTS/multifidelity.md")
bench_readme_section multifidelity "Multi-fidelity: counting ones (issue 7)" "bash bench/multifidelity.sh" "$RESULTS/multifidelity.md"
