#!/usr/bin/env bash
# Issue 8: Pareto front of 10,000 trials (2 and 3 objectives) vs Optuna study.best_trials, and the
# dashboard analysis infos at 10,000 trials. ~2 min here.
source "$(dirname "$0")/lib.sh"
bench_venv
bench_build hpobench
DATA="$RESULTS/data"
(cd "$BENCH/optuna" && "$PY" bench_pareto.py data --dir "$DATA")
"$BIN/hpobench" pareto --data "$DATA" > "$RESULTS/pareto_hpotop.json"
"$BIN/hpobench" infos > "$RESULTS/infos_hpotop.json"
(cd "$BENCH/optuna" && "$PY" bench_pareto.py optuna --out "$RESULTS/pareto_optuna.json")
(cd "$BENCH/optuna" && "$PY" bench_pareto.py report --optuna "$RESULTS/pareto_optuna.json" \
  --hpotop "$RESULTS/pareto_hpotop.json" --infos "$RESULTS/infos_hpotop.json" \
  --json "$RESULTS/pareto.json" --md "$RESULTS/pareto.md")
bench_readme_section pareto "Pareto front at 10,000 trials, and dashboard infos (issue 8)" "bash bench/pareto.sh" "$RESULTS/pareto.md"
