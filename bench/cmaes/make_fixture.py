"""Makes Tests/HPOTests/Fixtures/cmaes_fixture.json with the `cmaes` package (0.13.1).

Each case runs the package's optimizer on a fixed function with a fixed seed and records, per
generation, the solutions told and the state after the tell; CMAESTests replays the same
solutions through hpotop's CMAState and compares. Cases: plain CMA, separable (SepCMA), margin
(CMAwM, two discrete coordinates) and a BIPOP run (CMA restarts by the rule hpotop uses,
`CMARun.restart`, with its random draws recorded; `cmaes`' should_stop decides when).

    python3 -m venv /tmp/cmaes-venv && /tmp/cmaes-venv/bin/pip install cmaes==0.13.1 numpy
    /tmp/cmaes-venv/bin/python bench/cmaes/make_fixture.py
"""
import json
import math
import os

import numpy as np
from cmaes import CMA, CMAwM, SepCMA

D = 4
BOUNDS = np.array([[0.0, 1.0]] * D)
SHIFT = np.array([0.3, 0.7, 0.55, 0.2])


def sphere(x):
    return float(np.sum((np.asarray(x) - SHIFT) ** 2))


def rastrigin(x):
    z = 10 * (np.asarray(x) - 0.5)
    return float(10 * len(z) + np.sum(z * z - 10 * np.cos(2 * np.pi * z)))


def cov_of(opt):
    return opt._C.reshape(-1).tolist()


def run_plain(cls, gens, seed, separable=False):
    opt = cls(mean=np.full(D, 0.5), sigma=1 / 6, bounds=BOUNDS, seed=seed, n_max_resampling=10 * D)
    out = {"mean0": [0.5] * D, "sigma0": 1 / 6, "popsize": opt.population_size, "generations": []}
    for _ in range(gens):
        sols = [(opt.ask(), None) for _ in range(opt.population_size)]
        sols = [(x, sphere(x)) for x, _ in sols]
        rec = {"xs": [x.tolist() for x, _ in sols], "values": [v for _, v in sols]}
        opt.tell(sols)
        rec.update(mean=opt._mean.tolist(), sigma=float(opt._sigma), cov=opt._C.tolist() if separable else cov_of(opt),
                   pc=opt._pc.tolist(), p_sigma=opt._p_sigma.tolist(), should_stop=bool(opt.should_stop()))
        out["generations"].append(rec)
    return out


def run_margin(gens, seed):
    steps = np.array([0.0, 0.25, 0.1, 0.0])
    opt = CMAwM(mean=np.full(D, 0.5), sigma=1 / 6, bounds=BOUNDS, steps=steps, seed=seed, n_max_resampling=10 * D)
    out = {"mean0": [0.5] * D, "sigma0": 1 / 6, "popsize": opt.population_size, "steps": steps.tolist(),
           "margin": opt.margin, "generations": []}
    for _ in range(gens):
        sols, encoded = [], []
        for _ in range(opt.population_size):
            x_eval, x_tell = opt.ask()
            encoded.append(x_eval.tolist())
            sols.append((x_tell, sphere(x_eval)))
        rec = {"xs": [x.tolist() for x, _ in sols], "encoded": encoded, "values": [v for _, v in sols]}
        opt.tell(sols)
        rec.update(mean=opt._cma._mean.tolist(), sigma=float(opt._cma._sigma), cov=cov_of(opt._cma),
                   a=opt._A.tolist())
        out["generations"].append(rec)
    return out


def restart(book, strategy, inc, u1, u2):
    """The same rule as hpotop's CMARun.restart."""
    spent = book["popsize"] * book["generation"]
    if book["small"]:
        book["small_evals"] += spent
    else:
        book["large_evals"] += spent
    large_popsize = book["popsize0"] * inc ** book["large_restarts"]
    if book["small_evals"] < book["large_evals"]:
        book["small"] = True
        ratio = large_popsize / (2 * book["popsize0"])
        popsize = max(book["popsize0"], math.floor(book["popsize0"] * max(ratio, 1) ** (u1 * u1)))
        return popsize, book["sigma0"] * 10 ** (-2 * u2)
    book["small"] = False
    book["large_restarts"] += 1
    return book["popsize0"] * inc ** book["large_restarts"], book["sigma0"]


def run_bipop(seed, restarts, max_gens):
    rng = np.random.RandomState(seed)
    opt = CMA(mean=np.full(D, 0.5), sigma=1 / 6, bounds=BOUNDS, seed=seed, n_max_resampling=10 * D)
    book = {"popsize0": opt.population_size, "sigma0": 1 / 6, "small_evals": 0, "large_evals": 0,
            "large_restarts": 0, "small": False}
    out = {"mean0": [0.5] * D, "sigma0": 1 / 6, "popsize": opt.population_size, "generations": []}
    n_restarts = 0
    for _ in range(max_gens):
        sols = [(opt.ask(), None) for _ in range(opt.population_size)]
        sols = [(x, rastrigin(x)) for x, _ in sols]
        rec = {"xs": [x.tolist() for x, _ in sols], "values": [v for _, v in sols]}
        opt.tell(sols)
        stop = bool(opt.should_stop())
        rec.update(mean=opt._mean.tolist(), sigma=float(opt._sigma), should_stop=stop)
        if stop:
            book["popsize"], book["generation"] = opt.population_size, opt.generation
            u1, u2 = float(rng.uniform()), float(rng.uniform())
            popsize, sigma = restart(book, "bipop", 2, u1, u2)
            mean = rng.uniform(size=D)
            rec["restart"] = {"u1": u1, "u2": u2, "popsize": int(popsize), "sigma": sigma, "mean": mean.tolist(),
                              "small": book["small"], "small_evals": book["small_evals"],
                              "large_evals": book["large_evals"]}
            opt = CMA(mean=mean, sigma=sigma, bounds=BOUNDS, seed=seed + n_restarts + 1, population_size=popsize,
                      n_max_resampling=10 * D)
            n_restarts += 1
        out["generations"].append(rec)
        if n_restarts >= restarts:
            break
    return out


def main():
    fixture = {
        "package": "cmaes 0.13.1",
        "functions": {"sphere": "sum((x - shift)^2), shift = " + str(SHIFT.tolist()),
                      "rastrigin": "10 d + sum(z^2 - 10 cos(2 pi z)), z = 10 (x - 0.5)"},
        "plain": run_plain(CMA, 25, 1),
        "separable": run_plain(SepCMA, 25, 2, separable=True),
        "margin": run_margin(25, 3),
        "bipop": run_bipop(4, 3, 2000),
    }
    path = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "HPOTests", "Fixtures", "cmaes_fixture.json")
    with open(path, "w") as f:
        json.dump(fixture, f)
    print(path, sum(len(c["generations"]) for k, c in fixture.items() if isinstance(c, dict) and "generations" in c))


if __name__ == "__main__":
    main()
