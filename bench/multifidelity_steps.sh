#!/usr/bin/env bash
# Issue 17: multi-fidelity at equal compute. Counting ones and the learning-curve task, 1 and 4
# simulated asynchronous workers, hpotop BOHB / TPE + Hyperband vs Optuna TPE + Hyperband in the
# same run, regret at 10/25/50/100% of the Optuna run's steps (the cap). Time budget: about
# 8 min for 20 seeds alone on 2 cores (Optuna ~4 min, hpotop bohb + bohb_s5 ~4 min, release build).
# Usage: bash bench/multifidelity_steps.sh [SEEDS] [METHODS]
# REUSE_OPTUNA=1 keeps recorded Optuna results (bench/results/mfsteps_optuna_*.json) when present:
# Optuna's side is deterministic per seed and does not change with hpotop's methods.
# bench/results/mfsteps_reused_<task>_w<W>.json, when present, adds recorded rows of hpotop methods
# whose code has not changed (bohb_plain, tpe_hyperband) to the report without rerunning them.
source "$(dirname "$0")/lib.sh"
SEEDS="${1:-20}"
METHODS="${2:-bohb,bohb_s5}"
bench_venv
bench_build hpobench
O=() H=()
for task in counting_ones learning_curve; do
  for w in 1 4; do
    if [[ "${REUSE_OPTUNA:-0}" != 1 || ! -s "$RESULTS/mfsteps_optuna_${task}_w$w.json" ]]; then
      (cd "$BENCH/optuna" && "$PY" bench_mf_steps.py optuna --task "$task" --workers "$w" --seeds "$SEEDS" \
        --out "$RESULTS/mfsteps_optuna_${task}_w$w.json")
    fi
    "$BIN/hpobench" mfsteps --task "$task" --workers "$w" --seeds "$SEEDS" --methods "$METHODS" \
      > "$RESULTS/mfsteps_hpotop_${task}_w$w.json"
    O+=("$RESULTS/mfsteps_optuna_${task}_w$w.json") H+=("$RESULTS/mfsteps_hpotop_${task}_w$w.json")
    if [[ -s "$RESULTS/mfsteps_reused_${task}_w$w.json" ]]; then H+=("$RESULTS/mfsteps_reused_${task}_w$w.json"); fi
  done
done
(cd "$BENCH/optuna" && "$PY" bench_mf_steps.py report --optuna "${O[@]}" --hpotop "${H[@]}" \
  --json "$RESULTS/mfsteps.json" --md "$RESULTS/mfsteps.md")
bench_readme_section mfsteps "Multi-fidelity at equal steps (issue 17)" "bash bench/multifidelity_steps.sh" "$RESULTS/mfsteps.md"
