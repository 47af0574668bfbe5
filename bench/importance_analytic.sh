#!/usr/bin/env bash
# Issue 23: importances vs analytic Sobol indices (Ishigami, Sobol G d=6; 1000 random trials,
# seeds 0-9). hpotop (~1 min) and Optuna's fANOVA (1-8 min per call here: 20 calls do not fit a
# few minutes, so Optuna's side appends one line per call to importance_analytic_optuna.jsonl and
# the report uses the calls present; OPTUNA=1 runs them in this run).
source "$(dirname "$0")/lib.sh"
bench_venv
bench_build hpobench
DATA="$RESULTS/data/importance_analytic"
(cd "$BENCH/optuna" && "$PY" importance_analytic.py data --dir "$DATA")
"$BIN/hpobench" importance-analytic --data "$DATA" > "$RESULTS/importance_analytic_hpotop.json"
if [ "${OPTUNA:-0}" = 1 ]; then
  (cd "$BENCH/optuna" && "$PY" importance_analytic.py optuna --out "$RESULTS/importance_analytic_optuna.jsonl")
fi
(cd "$BENCH/optuna" && "$PY" importance_analytic.py report --optuna "$RESULTS/importance_analytic_optuna.jsonl" \
  --hpotop "$RESULTS/importance_analytic_hpotop.json" --json "$RESULTS/importance_analytic.json" \
  --md "$RESULTS/importance_analytic.md")
bench_readme_section importance-analytic "Importances against analytic Sobol indices (issue 23)" \
  "bash bench/importance_analytic.sh" "$RESULTS/importance_analytic.md"
