#!/usr/bin/env bash
# Runs hpotop's benchmarks against Optuna 5.0 in the same run and rewrites bench/README.md.
#
#   bash bench/run.sh [SECTION|all] [--quick]
#
# Each section is one script, bench/<section>.sh, which runs the Optuna side (bench/optuna/),
# then hpobench, writes bench/results/*.json and calls bench/report.py for its README section.
# --quick runs a tiny smoke version of each section (results *_quick.json, README untouched).
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SECTIONS=(quality overhead)
# Sections with their own arguments (seed counts); `all` runs them with their defaults.
# postgres needs the PostgreSQL trait and a server: run it by name (bash bench/run.sh postgres).
MORE=(multifidelity importance pareto throughput engine)

what="${1:-all}"
shift || true
source "$BENCH/common.sh"
bench_setup

if [[ "$what" == "all" ]]; then
  for s in "${SECTIONS[@]}"; do bash "$BENCH/$s.sh" "$@"; done
  if [[ "${1:-}" != "--quick" ]]; then
    for s in "${MORE[@]}"; do bash "$BENCH/$s.sh"; done
    bash "$BENCH/dashboard/run.sh"
    # Issue 25, reading side: watch/trials/export on 100k- and 1M-trial studies (~10 min).
    bash "$BENCH/scale_dash.sh"
  fi
elif [[ -f "$BENCH/$what.sh" && "$what" != "run" && "$what" != "common" ]]; then
  bash "$BENCH/$what.sh" "$@"
else
  echo "usage: bench/run.sh [${SECTIONS[*]} ${MORE[*]} postgres|all] [--quick]" >&2
  exit 2
fi
