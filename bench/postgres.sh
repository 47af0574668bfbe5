#!/usr/bin/env bash
# Trials/s of 8 workers on trivial objectives: hpotop on PostgreSQL vs hpotop on SQLite, and
# vs Python Optuna 5.0 (psycopg2) on the same PostgreSQL server, in the same run.
# Writes the table between <!-- postgres --> and <!-- /postgres --> in bench/README.md.
#   bash bench/postgres.sh [TRIALS]      (default 800 trials per engine; ~2 min after the build)
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-800}
workers=8
py=${HPOTOP_PYTHON:-.venv/bin/python}
$py -c "import optuna, psycopg2" 2>/dev/null || { echo "bench: $py needs optuna and psycopg2-binary" >&2; exit 1; }
echo "bench: building hpotop (release, --traits PostgreSQL)…" >&2
swift build -c release --traits PostgreSQL --product hpotop >/dev/null
bin=$(swift build -c release --traits PostgreSQL --show-bin-path)/hpotop
work=$(mktemp -d /tmp/hpotop-bench-pg.XXXX)
chmod 1777 "$work"  # the postgres user writes the cluster and its logs here
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap '.ci/pg-throwaway stop "$work/pg"; rm -rf "$work"' EXIT
admin=$(.ci/pg-throwaway start "$work/pg" "$port")
base=${admin%/postgres}
psql -q "$admin" -c "CREATE DATABASE hpotop_bench" -c "CREATE DATABASE optuna_bench"

cat > "$work/b.yaml" <<YAML
name: bench
metric: {name: value, direction: minimize}
sampler: {name: random, seed: 1}
n_trials: $trials
objective: {builtin: branin}
YAML

now() { date +%s.%N; }
run_hpotop() {  # storage URL → seconds for $trials trials with $workers processes
  local url=$1
  "$bin" create-study --storage "$url" --study-name bench --skip-if-exists >/dev/null
  local t0; t0=$(now)
  for _ in $(seq $workers); do "$bin" worker "$work/b.yaml" --storage "$url" 2>/dev/null & done
  wait
  echo "$(now) - $t0" | bc -l
}
cat > "$work/optuna_worker.py" <<'PY'
import sys, optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
url, n = sys.argv[1], int(sys.argv[2])
study = optuna.create_study(study_name="bench", storage=url, load_if_exists=True,
                            sampler=optuna.samplers.RandomSampler())
def branin(t):
    import math
    x = t.suggest_float("x1", -5, 10); y = t.suggest_float("x2", 0, 15)
    return (y - 5.1 / (4 * math.pi ** 2) * x * x + 5 / math.pi * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10
study.optimize(branin, n_trials=n)
PY
run_optuna() {
  local url=$1
  $py -c "import optuna; optuna.create_study(study_name='bench', storage='$url')" 2>/dev/null
  local t0; t0=$(now)
  for _ in $(seq $workers); do $py "$work/optuna_worker.py" "$url" $((trials / workers)) & done
  wait
  echo "$(now) - $t0" | bc -l
}
count() { psql -tAq "$1" -c "SELECT count(*) FROM trials WHERE state = 'COMPLETE'"; }

t_pg=$(run_hpotop "$base/hpotop_bench")
n_pg=$(count "$base/hpotop_bench")
t_sq=$(run_hpotop "sqlite:///$work/bench.db")
n_sq=$(sqlite3 "$work/bench.db" "SELECT count(*) FROM trials WHERE state = 'COMPLETE'" 2>/dev/null || echo "$trials")
t_op=$(run_optuna "postgresql+psycopg2://postgres@127.0.0.1:$port/optuna_bench")
n_op=$(count "$base/optuna_bench")
rate() { printf "%.0f" "$(echo "$1 / $2" | bc -l)"; }
r_pg=$(rate "$n_pg" "$t_pg"); r_sq=$(rate "$n_sq" "$t_sq"); r_op=$(rate "$n_op" "$t_op")
table=$(cat <<MD
Measured $(date -u +%Y-%m-%d) by \`bash bench/postgres.sh $trials\`: $workers worker processes, random
sampler, Branin (instant objective), $trials trials per engine; PostgreSQL 15 throwaway server
(fsync off) on loopback; hpotop release build with \`--traits PostgreSQL\`.

| engine | storage | trials | seconds | trials/s |
|---|---|---:|---:|---:|
| hpotop worker ×$workers | PostgreSQL | $n_pg | $(printf %.1f "$t_pg") | $r_pg |
| hpotop worker ×$workers | SQLite (WAL) | $n_sq | $(printf %.1f "$t_sq") | $r_sq |
| Optuna 5.0 ×$workers | PostgreSQL (same server) | $n_op | $(printf %.1f "$t_op") | $r_op |

hpotop/Optuna on PostgreSQL: $(printf %.1f "$(echo "$r_pg / $r_op" | bc -l)")×; hpotop PostgreSQL/SQLite: $(printf %.2f "$(echo "$r_pg / $r_sq" | bc -l)")×.
MD
)
echo "$table"
python3 - "$table" <<'PY'
import re, sys
p = "bench/README.md"
s = open(p).read()
block = "<!-- postgres -->\n## PostgreSQL: 8 workers\n\n" + sys.argv[1] + "\n<!-- /postgres -->"
if "<!-- postgres -->" in s:
    s = re.sub(r"<!-- postgres -->.*?<!-- /postgres -->", lambda m: block, s, flags=re.S)
else:
    s = s.rstrip("\n") + "\n\n" + block + "\n"
open(p, "w").write(s)
PY
