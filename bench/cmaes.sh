#!/usr/bin/env bash
# CMA-ES: hpotop's cmaes (and with IPOP restarts) against Optuna 5.0 CmaEsSampler on sphere,
# Rosenbrock and Rastrigin at 10 and 20 dimensions, best value after 200/500/1000 trials, and the
# engine's time per trial at trial 1000. Optuna's CmaEsSampler needs the `cmaes` package:
# CMAES_PYTHONPATH points at a folder holding it (pip install --target DIR --no-deps cmaes==0.13.1).
#   SEEDS=20 bash bench/cmaes.sh        (~20 min with 20 seeds on 2 free cores; 10 seeds ~10 min)
#   FIRST_SEED=20 SEEDS=20 bash bench/cmaes.sh   (more seeds: writes *_s20.json next to the files of
#                                                 seeds 0-19; report.py merges them by seed)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
SEEDS="${SEEDS:-20}"
FIRST_SEED="${FIRST_SEED:-0}"
SUFFIX=""
[[ "$FIRST_SEED" != 0 ]] && SUFFIX="_s$FIRST_SEED"
BIN="${HPOBENCH:-$(hpobench_bin)}"
echo "== cmaes: hpotop (hpobench cmaes, 2 jobs, seeds $FIRST_SEED..+$SEEDS)"
"$BIN" cmaes --first-seed "$FIRST_SEED" --seeds "$SEEDS" --jobs 2 --samplers cmaes,cmaes_ipop > "$RESULTS/hpotop_cmaes$SUFFIX.json"
echo "== cmaes: hpotop IPOP against none on Rastrigin, long enough for a restart (5000 / 10000 trials)"
"$BIN" cmaes --functions rastrigin --dims 10 --samplers cmaes,cmaes_ipop --first-seed "$FIRST_SEED" --seeds "$SEEDS" --trials 5000 --jobs 2 > "$RESULTS/ipop10.tmp"
"$BIN" cmaes --functions rastrigin --dims 20 --samplers cmaes,cmaes_ipop --first-seed "$FIRST_SEED" --seeds "$SEEDS" --trials 10000 --jobs 2 > "$RESULTS/ipop20.tmp"
"$PY" - "$RESULTS" "$SUFFIX" <<'PYEOF'
import json, os, sys
r = sys.argv[1]
runs = [x for n in ("ipop10.tmp", "ipop20.tmp") for x in json.load(open(os.path.join(r, n)))["runs"]]
json.dump({"engine": "hpotop", "benchmark": "cmaes ipop vs none, rastrigin, longer runs", "runs": runs},
          open(os.path.join(r, f"hpotop_ipop_long{sys.argv[2]}.json"), "w"), indent=1)
for n in ("ipop10.tmp", "ipop20.tmp"):
    os.remove(os.path.join(r, n))
PYEOF
echo "== cmaes: Optuna (bench/optuna/cmaes_quality.py, 2 jobs, seeds $FIRST_SEED..+$SEEDS)"
(cd "$BENCH/optuna" && PYTHONPATH="${CMAES_PYTHONPATH:-}" "$PY" cmaes_quality.py --jobs 2 --first-seed "$FIRST_SEED" \
  --seeds "$SEEDS" --out "optuna_cmaes$SUFFIX.json")
echo "== cmaes: when the termination rules of a run without restarts fire on Rastrigin (cmaes package, 40 seeds)"
(cd "$BENCH/cmaes" && PYTHONPATH="${CMAES_PYTHONPATH:-}" "$PY" restart_criteria.py --seeds 40 --out "$RESULTS/cmaes_restart_criteria.json")
"$PY" "$BENCH/cmaes/report.py" --timing "results/hpotop_cmaes$SUFFIX.json,optuna/results/optuna_cmaes$SUFFIX.json"
