#!/usr/bin/env python3
"""Issue 18: Ray Tune's PopulationBasedTraining on the toy of Jaderberg et al. 2017, the same
settings as `hpobench pbt` (θ₀ = (0.9, 0.9), h = (1, 0) / (0, 1) repeated, step size 0.01,
perturbation_interval 4, quantile_fraction 0.25, resample_probability 0.25, h0/h1 resampled from
U(0, 1), the same steps per member). Ray lives outside the repo: run this with the python of a
venv that has `ray[tune]` (bench/pbt.sh takes it from $RAY_PYTHON).

Usage: pbt_ray.py --population 2 --member-steps 2000 --seeds 5 --out results.json
Prints per seed the best member's final Q and the wall time of tuner.fit() (Ray's start
included, as a user waits for it)."""
import argparse
import json
import os
import tempfile
import time

import ray
from ray import tune
from ray.tune.schedulers import PopulationBasedTraining

try:  # Ray ≥ 2.40 moved these to ray.tune
    from ray.tune import Checkpoint, get_checkpoint, report
except ImportError:  # pragma: no cover
    from ray.train import Checkpoint, get_checkpoint, report

INTERVAL = 4


def toy(config):
    theta, step = [0.9, 0.9], 0
    checkpoint = get_checkpoint()
    if checkpoint:
        with checkpoint.as_directory() as d:
            with open(os.path.join(d, "state.json")) as f:
                s = json.load(f)
            theta, step = s["theta"], s["step"]
    member_steps = config["member_steps"]
    while step < member_steps:
        theta = [theta[0] + 0.01 * (-2 * config["h0"] * theta[0]), theta[1] + 0.01 * (-2 * config["h1"] * theta[1])]
        step += 1
        q = 1.2 - (theta[0] * theta[0] + theta[1] * theta[1])
        if step % INTERVAL == 0 or step == member_steps:
            with tempfile.TemporaryDirectory() as d:
                with open(os.path.join(d, "state.json"), "w") as f:
                    json.dump({"theta": theta, "step": step}, f)
                report({"q": q, "step": step}, checkpoint=Checkpoint.from_directory(d))
        else:
            report({"q": q, "step": step})


def run(population, member_steps, seed, storage):
    import random
    import numpy as np
    random.seed(seed)
    np.random.seed(seed)
    pbt = PopulationBasedTraining(
        time_attr="training_iteration", metric="q", mode="max", perturbation_interval=INTERVAL,
        quantile_fraction=0.25, resample_probability=0.25,
        hyperparam_mutations={"h0": tune.uniform(0, 1), "h1": tune.uniform(0, 1)})
    space = {
        "h0": tune.grid_search([1.0, 0.0]),
        "h1": tune.sample_from(lambda spec: 1.0 - spec.config["h0"]),
        "member_steps": member_steps,
    }
    tuner = tune.Tuner(
        toy, param_space=space,
        tune_config=tune.TuneConfig(scheduler=pbt, num_samples=population // 2, reuse_actors=True),
        run_config=tune.RunConfig(name=f"pbt{population}_{seed}", storage_path=storage, verbose=0,
                                  stop={"training_iteration": member_steps}))
    started = time.time()
    results = tuner.fit()
    wall = time.time() - started
    best = max(r.metrics.get("q", float("-inf")) for r in results)
    if os.environ.get("RAY_PBT_DEBUG"):
        print([(r.config.get("h0"), r.config.get("h1"), r.metrics.get("q"), r.metrics.get("step")) for r in results], flush=True)
    return best, wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--population", type=int, default=2)
    ap.add_argument("--member-steps", type=int, default=2000)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    storage = tempfile.mkdtemp(prefix="ray-pbt-")
    out = {"population": a.population, "member_steps": a.member_steps, "ray": ray.__version__, "final_q": [], "wall_s": []}
    for seed in range(a.seeds):
        q, wall = run(a.population, a.member_steps, seed, storage)
        out["final_q"].append(q)
        out["wall_s"].append(wall)
        print(f"ray pbt{a.population} seed {seed}: final Q {q}, {wall:.1f} s", flush=True)
        with open(a.out, "w") as f:  # after every seed: a long run stopped early keeps its seeds
            json.dump(out, f)


if __name__ == "__main__":
    main()
