#!/usr/bin/env bash
# Issue 25, the running side: TPE's cost per trial at 3000 and 10,000 trials (memory, SQLite),
# trivial command trials per second with `hpotop run -j 4` on SQLite, and the end of a run
# (`-j 4` on 4 trials), against Optuna 5.0 in the same run. ~8 min on the shared 2 cores.
#   bash bench/engine.sh [THROUGHPUT_TRIALS [OPTUNA_TPE_TRIALS [OPTUNA_SQLITE_TRIALS]]]
#   (defaults 1000, 3000 and a sixth of OPTUNA_TPE_TRIALS; Optuna's throughput run takes 200 trials)
# HPOTOP_BENCH_BIN=DIR takes hpotop, hpotop-supervise and hpobench from DIR instead of building.
# HPOTOP_BENCH_OPTUNA_OVERHEAD=FILE reuses Optuna's TPE overhead JSON recorded earlier the same day
# (its run to 10,000 trials takes over 20 minutes; WAVE2 allows a recorded run of the day).
# PostgreSQL with 8 workers is `bash bench/postgres.sh` (it needs the PostgreSQL trait).
source "$(dirname "$0")/lib.sh"
TRIALS="${1:-1000}"
OPTUNA_TPE="${2:-3000}"
OPTUNA_SQLITE="${3:-$((OPTUNA_TPE / 6))}"
bench_venv
if [[ -n "${HPOTOP_BENCH_BIN:-}" ]]; then BIN="$HPOTOP_BENCH_BIN"; else bench_build hpotop hpotop-supervise hpobench; fi
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
rm -f "$RESULTS"/engine_*.json
for i in 1 2 3; do
  "$BIN/hpobench" throughput --hpotop "$BIN/hpotop" --dir "$SCRATCH/t$i" --trials 4 --jobs 4 > "$RESULTS/engine_tail_hpotop_$i.json"
  "$BIN/hpobench" throughput --hpotop "$BIN/hpotop" --dir "$SCRATCH/h$i" --trials "$TRIALS" --jobs 4 \
    > "$RESULTS/engine_throughput_hpotop_$i.json"
done
"$BIN/hpobench" overhead --samplers tpe --storages memory,sqlite --trials 10000 --repeats 1 --sqlite-trials 3000 \
  --dir "$SCRATCH" > "$RESULTS/engine_overhead_hpotop.json"
(cd "$BENCH/optuna" && "$PY" bench_throughput.py optuna --trials 200 --jobs 4 --dir "$SCRATCH/o" \
  --out "$RESULTS/engine_throughput_optuna.json")
if [[ -n "${HPOTOP_BENCH_OPTUNA_OVERHEAD:-}" ]]; then
  cp "$HPOTOP_BENCH_OPTUNA_OVERHEAD" "$RESULTS/engine_overhead_optuna.json"
else
  (cd "$BENCH/optuna" && TMPDIR="$SCRATCH" "$PY" bench_engine.py overhead --memory-trials "$OPTUNA_TPE" \
    --sqlite-trials "$OPTUNA_SQLITE" --out "$RESULTS/engine_overhead_optuna.json")
fi
(cd "$BENCH/optuna" && "$PY" bench_engine.py report --dir "$RESULTS" --md "$RESULTS/engine.md")
bench_readme_section engine "Engine at scale: TPE per trial, command trials per second (issue 25)" "bash bench/engine.sh" "$RESULTS/engine.md"
