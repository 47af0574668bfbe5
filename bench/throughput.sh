#!/usr/bin/env bash
# Issue 6: trivial subprocess trials per second, `hpotop run -j 4` on SQLite vs Optuna
# study.optimize(n_jobs=4) with subprocess.run on SQLite, same trial count. Usage:
# bash bench/throughput.sh [TRIALS]   (default 1000; ~2 min here)
source "$(dirname "$0")/lib.sh"
TRIALS="${1:-1000}"
bench_venv
bench_build hpotop hpotop-supervise hpobench
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
runs=()
for i in 1 2 3; do
  "$BIN/hpobench" throughput --hpotop "$BIN/hpotop" --dir "$SCRATCH/h$i" --trials "$TRIALS" --jobs 4 \
    > "$RESULTS/throughput_hpotop_$i.json"
  runs+=("$RESULTS/throughput_hpotop_$i.json")
done
(cd "$BENCH/optuna" && "$PY" bench_throughput.py optuna --trials "$TRIALS" --jobs 4 --dir "$SCRATCH/o" \
  --out "$RESULTS/throughput_optuna.json")
(cd "$BENCH/optuna" && "$PY" bench_throughput.py report --optuna "$RESULTS/throughput_optuna.json" \
  --hpotop "${runs[@]}" --json "$RESULTS/throughput.json" --md "$RESULTS/throughput.md")
bench_readme_section throughput "Throughput: trivial subprocess trials, 4 workers, SQLite (issue 6)" "bash bench/throughput.sh" "$RESULTS/throughput.md"
