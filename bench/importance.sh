#!/usr/bin/env bash
# Issue 8: fANOVA / MDI importances vs analytic Sobol indices, hpotop at n = 100, 1000, 5000 and
# Optuna (fANOVA at 100 and 1000 only, one call: ~100 s each at 1000). ~7 min here.
source "$(dirname "$0")/lib.sh"
bench_venv
bench_build hpobench
DATA="$RESULTS/data"
(cd "$BENCH/optuna" && "$PY" bench_importance.py data --dir "$DATA")
"$BIN/hpobench" importance --data "$DATA" > "$RESULTS/importance_hpotop.json"
(cd "$BENCH/optuna" && "$PY" bench_importance.py optuna --out "$RESULTS/importance_optuna.json")
(cd "$BENCH/optuna" && "$PY" bench_importance.py report --optuna "$RESULTS/importance_optuna.json" \
  --hpotop "$RESULTS/importance_hpotop.json" --json "$RESULTS/importance.json" --md "$RESULTS/importance.md")
bench_readme_section importance "Hyperparameter importance: fANOVA and MDI (issue 8)" "bash bench/importance.sh" "$RESULTS/importance.md"
