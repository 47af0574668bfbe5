#!/usr/bin/env bash
# Issue 25, the reading side: big studies open at once. Usage:
#   bash bench/scale_dash.sh [--quick]     (~10 min here; --quick: 10k/100k trials, README untouched)
# Generates a 100k- and a 1M-trial study in Optuna's SQLite schema (bench/gen_study.py: 4 params
# and up to 10 intermediate values per trial; kept in $HPOTOP_BENCH_SCRATCH, default
# /tmp/hpotop-bench-scale, and reused), then with the release build:
#   - `watch` start-up (`hpotop bench-frame --startup`): first rows, whole load, the UI
#     thread's longest step while loading, RSS; frame times per tab on the loaded study;
#   - `trials -f json` and `export -f csv` on 100k (wall time, 3 runs), output sizes;
#   - Optuna's counterpart: `optuna.load_study(...).trials` on the same file.
# Set HPOTOP_BASE_BIN to an older hpotop binary to time it in the same run (old vs new).
source "$(dirname "$0")/lib.sh"
QUICK=""
[[ "${1:-}" == "--quick" ]] && QUICK=1
bench_venv
bench_build hpotop
SCRATCH="${HPOTOP_BENCH_SCRATCH:-/tmp/hpotop-bench-scale}"
mkdir -p "$SCRATCH"
SMALL=100000; BIG=1000000
[[ -n "$QUICK" ]] && { SMALL=10000; BIG=100000; }
OUT="$RESULTS/scale_dash${QUICK:+_quick}.txt"
: > "$OUT"
log() { echo "$*" | tee -a "$OUT"; }

for n in "$SMALL" "$BIG"; do
  db="$SCRATCH/study_$n.db"
  if [[ ! -f "$db" ]]; then
    start=$(date +%s.%N)
    "$PY" "$BENCH/gen_study.py" "$db" --trials "$n"
    log "generate n=$n seconds=$(echo "$(date +%s.%N) - $start" | bc)"
  fi
done

# Wall seconds of a command (output to /dev/null), its max RSS in MB and CPU seconds (user + sys).
timed() {
  /usr/bin/time -f "%e %M %U %S" -o "$SCRATCH/time.txt" "$@" > /dev/null
  read -r secs kb user sys < "$SCRATCH/time.txt"
  echo "seconds=$secs rss_mb=$((kb / 1024)) cpu_s=$(echo "$user + $sys" | bc)"
}

for bin in "$BIN/hpotop" ${HPOTOP_BASE_BIN:+"$HPOTOP_BASE_BIN"}; do
  which=new; [[ "$bin" != "$BIN/hpotop" ]] && which=base
  for n in "$SMALL" "$BIG"; do
    runs=3; [[ "$n" == "$BIG" ]] && runs=1
    for i in $(seq "$runs"); do
      frames=0; [[ "$which" == new && "$i" == 1 ]] && frames=30
      if [[ "$which" == new ]]; then
        line=$(/usr/bin/time -f "maxrss_kb=%M user_s=%U sys_s=%S" "$bin" bench-frame --startup "$SCRATCH/study_$n.db" \
          --width 200 --height 50 --frames "$frames" 2>&1 | tr '\n' ' ')
      else
        line=$(/usr/bin/time -f "maxrss_kb=%M user_s=%U sys_s=%S" "$bin" bench-frame --startup "$SCRATCH/study_$n.db" \
          --width 200 --height 50 2>&1 | tr '\n' ' ')
      fi
      log "watch bin=$which n=$n run=$i $line"
    done
  done
  for i in 1 2 3; do
    log "trials_json bin=$which n=$SMALL run=$i $(timed "$bin" trials -f json --storage "sqlite:///$SCRATCH/study_$SMALL.db" --study-name big)"
    log "export_csv bin=$which n=$SMALL run=$i $(timed "$bin" export -f csv --storage "sqlite:///$SCRATCH/study_$SMALL.db" --study-name big)"
  done
done
if [[ -n "${HPOTOP_BASE_BIN:-}" ]]; then
  for f in "trials -f json" "export -f csv"; do
    # shellcheck disable=SC2086
    if cmp -s <("$BIN/hpotop" $f --storage "sqlite:///$SCRATCH/study_$SMALL.db" --study-name big) \
              <("$HPOTOP_BASE_BIN" $f --storage "sqlite:///$SCRATCH/study_$SMALL.db" --study-name big); then
      log "identical what=\"$f\" n=$SMALL yes"
    else
      log "identical what=\"$f\" n=$SMALL NO"
    fi
  done
fi
log "optuna_load n=$SMALL $(timed "$PY" -c "import optuna, sys; optuna.logging.set_verbosity(optuna.logging.WARNING); \
len(optuna.load_study(study_name='big', storage='sqlite:///' + sys.argv[1]).trials)" "$SCRATCH/study_$SMALL.db")"

"$PY" "$BENCH/scale_dash_report.py" "$OUT" > "$RESULTS/scale_dash${QUICK:+_quick}.md"
cat "$RESULTS/scale_dash${QUICK:+_quick}.md"
if [[ -z "$QUICK" ]]; then
  bench_readme_section scale_dash "Big studies: \`watch\`, \`trials\`, \`export\` at 100k and 1M trials (issue 25)" \
    "bash bench/scale_dash.sh" "$RESULTS/scale_dash.md"
fi
