#!/usr/bin/env bash
# CMA-ES: hpotop's cmaes (and with IPOP restarts) against Optuna 5.0 CmaEsSampler on sphere,
# Rosenbrock and Rastrigin at 10 and 20 dimensions, best value after 200/500/1000 trials, and the
# engine's time per trial at trial 1000. Optuna's CmaEsSampler needs the `cmaes` package:
# CMAES_PYTHONPATH points at a folder holding it (pip install --target DIR --no-deps cmaes==0.13.1).
#   SEEDS=20 bash bench/cmaes.sh        (~20 min with 20 seeds on 2 free cores; 10 seeds ~10 min)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
SEEDS="${SEEDS:-20}"
BIN="${HPOBENCH:-$(hpobench_bin)}"
echo "== cmaes: hpotop (hpobench cmaes, 2 jobs, $SEEDS seeds)"
"$BIN" cmaes --seeds "$SEEDS" --jobs 2 --samplers cmaes,cmaes_ipop > "$RESULTS/hpotop_cmaes.json"
echo "== cmaes: Optuna (bench/optuna/cmaes_quality.py, 2 jobs, $SEEDS seeds)"
(cd "$BENCH/optuna" && PYTHONPATH="${CMAES_PYTHONPATH:-}" "$PY" cmaes_quality.py --jobs 2 --seeds "$SEEDS")
"$PY" "$BENCH/cmaes/report.py"
