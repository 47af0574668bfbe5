#!/usr/bin/env bash
# Issue 18: population-based training on the toy of Jaderberg et al. 2017, through the engine and
# SQLite storage `hpotop run` uses: PBT (population 2 and 8) vs random search and TPE over fixed h
# at the same total steps, 20 seeds; then Ray Tune's PBT on the same toy side by side.
# Time budget: about 8 min for hpotop (debug build on 2 busy cores; release is faster), about
# 10 min for Ray Tune (a few seeds: each run starts Ray and multiplexes the members on 2 CPUs).
# Ray lives outside the repo: RAY_PYTHON=/path/to/venv/bin/python (a venv with "ray[tune]").
# Usage: RAY_PYTHON=/work/venv-ray/bin/python bash bench/pbt.sh [SEEDS] [RAY_SEEDS]
source "$(dirname "$0")/lib.sh"
PY="${PY:-python3}"  # the report needs only the standard library
SEEDS="${1:-20}"
RAY_SEEDS="${2:-3}"
bench_build hpobench
nice "$BIN/hpobench" pbt --seeds "$SEEDS" > "$RESULTS/pbt_toy.json"
ARGS=("$RESULTS/pbt_toy.json")
if [ -n "${RAY_PYTHON:-}" ]; then
  for pop in 2 8; do
    nice "$BIN/hpobench" pbt --seeds "$SEEDS" --methods "pbt$pop" --total-steps $((200 * pop)) > "$RESULTS/pbt_toy_ray_side_$pop.json"
    nice "$RAY_PYTHON" "$BENCH/pbt_ray.py" --population "$pop" --member-steps 200 --seeds "$RAY_SEEDS" --out "$RESULTS/pbt_ray_$pop.json"
    ARGS+=("$RESULTS/pbt_toy_ray_side_$pop.json" "$RESULTS/pbt_ray_$pop.json")
  done
fi
python3 "$BENCH/pbt_report.py" "${ARGS[@]}" > "$RESULTS/pbt.md"
bench_readme_section pbt "Population-based training on the paper's toy (issue 18)" "bash bench/pbt.sh" "$RESULTS/pbt.md"
