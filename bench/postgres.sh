#!/usr/bin/env bash
# Trials/s of 8 workers on trivial objectives: hpotop on PostgreSQL vs hpotop on SQLite, and
# vs Python Optuna 5.0 (psycopg2) on the same PostgreSQL server, in the same run.
# Writes the table between <!-- postgres --> and <!-- /postgres --> in bench/README.md, and the
# raw lines to bench/results/postgres.txt.
#   bash bench/postgres.sh [TRIALS]      (default 800 trials per engine; ~2 min after the build)
# Environment:
#   HPOTOP_BIN=path       measure this hpotop (built with --traits PostgreSQL) instead of building
#   HPOTOP_OLD_BIN=path   also measure an older build on PostgreSQL, alternating with the new
#                         one in every round (same minutes, same load)
#   ROUNDS=n              rounds of (PostgreSQL, SQLite[, old PostgreSQL]) (default 1)
#   OPTUNA=0              leave out Python Optuna (about 90 s at 800 trials)
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-800}
workers=8
rounds=${ROUNDS:-1}
py=${HPOTOP_PYTHON:-.venv/bin/python}
with_optuna=${OPTUNA:-1}
[ "$with_optuna" = 0 ] || $py -c "import optuna, psycopg2" 2>/dev/null \
  || { echo "bench: $py needs optuna and psycopg2-binary (or OPTUNA=0)" >&2; exit 1; }
if [ -n "${HPOTOP_BIN:-}" ]; then
  bin=$HPOTOP_BIN
else
  echo "bench: building hpotop (release, --traits PostgreSQL)…" >&2
  swift build -c release --traits PostgreSQL --product hpotop >/dev/null
  bin=$(swift build -c release --traits PostgreSQL --show-bin-path)/hpotop
fi
old=${HPOTOP_OLD_BIN:-}
work=$(mktemp -d /tmp/hpotop-bench-pg.XXXX)
chmod 1777 "$work"  # the postgres user writes the cluster and its logs here
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap '.ci/pg-throwaway stop "$work/pg"; rm -rf "$work"' EXIT
admin=$(.ci/pg-throwaway start "$work/pg" "$port")
base=${admin%/postgres}
postmaster=$(head -1 "$work/pg/postmaster.pid")
tick=$(getconf CLK_TCK)

cat > "$work/b.yaml" <<YAML
name: bench
metric: {name: value, direction: minimize}
sampler: {name: random, seed: 1}
n_trials: $trials
objective: {builtin: branin}
YAML

now() { date +%s.%N; }
# CPU seconds the server's exited backends used so far (the postmaster reaps them; every
# worker's connections close when it exits).
server_cpu() { awk -v t="$tick" '{ print ($16 + $17) / t }' "/proc/$postmaster/stat"; }
# Runs $workers copies of "$@" at once; sets `wall` and `cpu` (the workers' user+sys seconds).
run_workers() {
  local t0 t1 times
  t0=$(now)
  times=$( { TIMEFORMAT='%U %S'; time ( for _ in $(seq $workers); do "$@" >/dev/null 2>&1 & done; wait ); } 2>&1 )
  t1=$(now)
  wall=$(echo "$t1 - $t0" | bc -l)
  cpu=$(echo "$times" | awk 'END { print $1 + $2 }')
}
results=()
n_db=0
# measure LABEL STORAGE BINARY: one hpotop run of $trials trials on a fresh database or file.
measure() {
  local label=$1 storage=$2 hp=$3 url count s0 s1
  n_db=$((n_db + 1))
  if [ "$storage" = PostgreSQL ]; then
    psql -q "$admin" -c "CREATE DATABASE hpotop_bench_$n_db"
    url="$base/hpotop_bench_$n_db"
  else
    url="sqlite:///$work/bench_$n_db.db"
  fi
  "$hp" create-study --storage "$url" --study-name bench --skip-if-exists >/dev/null
  s0=$(server_cpu)
  run_workers "$hp" worker "$work/b.yaml" --storage "$url"
  s1=$(server_cpu)
  if [ "$storage" = PostgreSQL ]; then
    count=$(psql -tAq "$url" -c "SELECT count(*) FROM trials WHERE state = 'COMPLETE'")
  else
    count=$(sqlite3 "$work/bench_$n_db.db" "SELECT count(*) FROM trials WHERE state = 'COMPLETE'")
  fi
  results+=("$label|$storage|$count|$wall|$cpu|$(echo "$s1 - $s0" | bc -l)")
  echo "bench: ${results[-1]}" >&2
}

for r in $(seq "$rounds"); do
  measure "hpotop worker ×$workers" PostgreSQL "$bin"
  measure "hpotop worker ×$workers" "SQLite (WAL)" "$bin"
  [ -z "$old" ] || measure "hpotop worker ×$workers, old build" PostgreSQL "$old"
done

if [ "$with_optuna" != 0 ]; then
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
  psql -q "$admin" -c "CREATE DATABASE optuna_bench"
  ourl="postgresql+psycopg2://postgres@127.0.0.1:$port/optuna_bench"
  $py -c "import optuna; optuna.create_study(study_name='bench', storage='$ourl')" 2>/dev/null
  s0=$(server_cpu)
  run_workers "$py" "$work/optuna_worker.py" "$ourl" $((trials / workers))
  s1=$(server_cpu)
  count=$(psql -tAq "$base/optuna_bench" -c "SELECT count(*) FROM trials WHERE state = 'COMPLETE'")
  results+=("Optuna 5.0 ×$workers|PostgreSQL (same server)|$count|$wall|$cpu|$(echo "$s1 - $s0" | bc -l)")
fi

load=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p bench/results
{ echo "# $(date -u +%FT%TZ) bash bench/postgres.sh $trials (ROUNDS=$rounds) load $load"
  echo "# label|storage|complete trials|wall s|workers' CPU s|server CPU s"
  printf '%s\n' "${results[@]}"; } >> bench/results/postgres.txt
rows=""
for line in "${results[@]}"; do
  IFS='|' read -r label storage count wall cpu scpu <<< "$line"
  rows+="| $label | $storage | $count | $(printf %.1f "$wall") | $(printf %.0f "$(echo "$count / $wall" | bc -l)") | $(printf %.1f "$(echo "1000 * $cpu / $count" | bc -l)") | $(printf %.1f "$(echo "1000 * $scpu / $count" | bc -l)") |"$'\n'
done
table=$(cat <<MD
Measured $(date -u '+%Y-%m-%d %H:%M') UTC by \`$( [ -n "$old" ] && echo "HPOTOP_OLD_BIN=… " )ROUNDS=$rounds bash bench/postgres.sh $trials\`:
$workers worker processes, random sampler, Branin (instant objective), $trials trials per run,
each run on a fresh database or file; PostgreSQL 15 throwaway server (fsync off) on loopback;
hpotop release build with \`--traits PostgreSQL\`. Load average at the end: $load. CPU ms
per trial: the workers' user+sys, and the server backends' (both sides share the 2 cores).

| engine | storage | trials | seconds | trials/s | workers' CPU ms/trial | server CPU ms/trial |
|---|---|---:|---:|---:|---:|---:|
${rows%$'\n'}
MD
)
echo "$table"
python3 - "$table" <<'PY'
import re, sys
p = "bench/README.md"
s = open(p).read()
m = re.search(r"<!-- postgres -->.*?<!-- /postgres -->", s, flags=re.S)
notes = ""
if m and "<!-- postgres-notes -->" in m.group(0):
    notes = "\n" + m.group(0)[m.group(0).index("<!-- postgres-notes -->"):].replace("<!-- /postgres -->", "").rstrip("\n")
block = "<!-- postgres -->\n## PostgreSQL: 8 workers\n\n" + sys.argv[1] + "\n" + notes + "\n<!-- /postgres -->"
if m:
    s = s[:m.start()] + block + s[m.end():]
else:
    s = s.rstrip("\n") + "\n\n" + block + "\n"
open(p, "w").write(s)
PY
