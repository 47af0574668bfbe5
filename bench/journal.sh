#!/usr/bin/env bash
# Journal-file throughput: 8 worker processes on one Optuna journal file, hpotop vs Optuna 5.0,
# random sampler on an instant objective (Branin), so the journal (lock, append, replay) is what
# is measured. Then 4 hpotop + 4 Optuna workers on one file together.
#   bash bench/journal.sh [TRIALS]   (default 800; about a minute here)
# Prints trials per second (wall clock from the first start to the last exit) for each setup.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
TRIALS=${1:-800}
HPOTOP=${HPOTOP:-$root/.build/release/hpotop}
[ -x "$HPOTOP" ] || HPOTOP=$root/.build/debug/hpotop
PY=${PY:-$root/.venv/bin/python}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cat > "$scratch/branin.yaml" <<YAML
name: branin
objective: {builtin: branin}
sampler: {name: random, seed: 1}
n_trials: $TRIALS
YAML
cat > "$scratch/optuna_worker.py" <<'PY'
import sys, math, optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
optuna.logging.set_verbosity(optuna.logging.WARNING)
path, n = sys.argv[1], int(sys.argv[2])
study = optuna.create_study(study_name="branin", storage=JournalStorage(JournalFileBackend(path)),
                            sampler=optuna.samplers.RandomSampler(), load_if_exists=True)
def branin(t):
    x0, x1 = t.suggest_float("x0", -5, 10), t.suggest_float("x1", 0, 15)
    return (x1 - 5.1 / (4 * math.pi ** 2) * x0 ** 2 + 5 / math.pi * x0 - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x0) + 10
study.optimize(branin, callbacks=[optuna.study.MaxTrialsCallback(n, states=None)])
PY
now() { date +%s.%N; }
rate() { "$PY" -c "import sys; print(f'{int(sys.argv[1]) / (float(sys.argv[3]) - float(sys.argv[2])):.1f}')" "$@"; }
count() { "$HPOTOP" trials --storage "$1" --study-name branin -f json | "$PY" -c "import json,sys; t=json.load(sys.stdin); n=[r['number'] for r in t]; assert len(n)==len(set(n)); print(len(t))"; }

run_setup() {  # name hpotop_workers optuna_workers
  local file="$scratch/$1.log" pids=()
  : > "$file"
  "$HPOTOP" create-study --storage "$file" --study-name branin > /dev/null
  local t0; t0=$(now)
  for _ in $(seq "$2"); do "$HPOTOP" worker "$scratch/branin.yaml" --storage "$file" --no-tui > /dev/null 2>&1 & pids+=($!); done
  for _ in $(seq "$3"); do "$PY" "$scratch/optuna_worker.py" "$file" "$TRIALS" & pids+=($!); done
  wait "${pids[@]}"
  local t1; t1=$(now)
  local n; n=$(count "$file")
  echo "| $1 | $2 | $3 | $n | $(rate "$n" "$t0" "$t1") |"
}
echo "| setup | hpotop workers | Optuna workers | trials | trials/s |"
echo "|---|---|---|---|---|"
run_setup hpotop 8 0
run_setup optuna 0 8
run_setup mixed 4 4
