"""Makes Tests/HPOTests/Fixtures/cmaes_warm_start.json with the `cmaes` package (0.13.1):
`get_warm_start_mgd` on fixed source solutions (3-d, values with ties), for CMAWarmStartTests.

    /tmp/cmaes-venv/bin/python bench/cmaes/make_warm_start_fixture.py
"""
import json
import os

import numpy as np
from cmaes import get_warm_start_mgd

rng = np.random.default_rng(7)
xs = rng.uniform(0, 1, size=(40, 3))
values = [float(np.round(np.sum((x - np.array([0.2, 0.6, 0.4])) ** 2), 2)) for x in xs]
mean, sigma, cov = get_warm_start_mgd([(x, v) for x, v in zip(xs, values)], gamma=0.1, alpha=0.1)
out = {"solutions": [{"x": x.tolist(), "value": v} for x, v in zip(xs, values)],
       "mean": mean.tolist(), "sigma": sigma, "cov": cov.reshape(-1).tolist()}
path = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "HPOTests", "Fixtures", "cmaes_warm_start.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(path, sigma)
