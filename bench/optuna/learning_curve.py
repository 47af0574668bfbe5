"""The learning-curve task of the multi-fidelity bench (issue 17), defined identically in Swift
(`Sources/HPO/Objectives/LearningCurveTask.swift`, builtin objective `learning_curve`); a test
(`LearningCurveParityTests`) checks both on fixed points.

A simulated training run of at most 81 epochs, reported at steps 1..81 (step = epochs consumed):

    loss(t) = floor + (2.3 - floor) * exp(-t / tau) + sigma(t) * z(seed, trial, t)

`floor` (the level it converges to) and `tau` (its speed) depend on five params; a larger
learning rate converges faster to a worse floor, so curves cross and early rungs mislead.
`z` is a standard normal made from SplitMix64 hashes of (seed, trial number, t) by Box-Muller,
so both languages produce the same bits (libm's exp/log/cos/pow). sigma(t) = 0.01 + 0.03/sqrt(t).

Regret = noise-free loss at 81 epochs of the incumbent - LC_OPT (the noise-free minimum,
computed by `python learning_curve.py optimum` and written below).
"""

from __future__ import annotations

import math

EPOCHS = 81
START = 2.3
BATCHES = [16, 32, 64, 128, 256]
MASK = (1 << 64) - 1
# min over the space of loss_true (see `optimum()`); both languages use this constant.
LC_OPT = 0.10263612145937441


def space():
    """(name, kind, args) in suggest order: lr log float, batch categorical, layers int, dropout, wd log."""
    return [
        ("lr", "float_log", (1e-4, 1.0)),
        ("batch_size", "categorical", BATCHES),
        ("layers", "int", (1, 6)),
        ("dropout", "float", (0.0, 0.5)),
        ("weight_decay", "float_log", (1e-6, 1e-2)),
    ]


def suggest(trial):
    return {
        "lr": trial.suggest_float("lr", 1e-4, 1.0, log=True),
        "batch_size": trial.suggest_categorical("batch_size", BATCHES),
        "layers": trial.suggest_int("layers", 1, 6),
        "dropout": trial.suggest_float("dropout", 0.0, 0.5),
        "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True),
    }


def profile(p):
    """(floor, tau) of a configuration."""
    lr_off = math.log10(p["lr"]) + 2.5
    layers = float(p["layers"])
    batch = float(p["batch_size"])
    d = p["dropout"] - 0.05 * layers
    wd = math.log10(p["weight_decay"]) + 4.0
    lb = math.log2(batch / 64.0)
    floor = (0.10 + 0.05 * lr_off * lr_off + 0.02 * (layers - 4.0) * (layers - 4.0) + 0.4 * d * d
             + 0.02 * wd * wd + 0.01 * lb * lb)
    tau = (6.0 * math.pow(10.0, max(-1.0, min(1.0, -0.5 * lr_off))) * math.pow(batch / 64.0, 0.5)
           * (1.0 + 0.15 * layers) * (1.0 + 2.0 * p["dropout"]))
    return floor, tau


def _splitmix(x):
    x = (x + 0x9E3779B97F4A7C15) & MASK
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def noise(seed, number, t):
    """A standard normal draw that depends only on (seed, trial number, step)."""
    key = ((seed * 0x9E3779B97F4A7C15) ^ (number * 0xC2B2AE3D27D4EB4F) ^ (t * 0x165667B19E3779F9)) & MASK
    u1 = (_splitmix(key) >> 11) * 2.0 ** -53
    u2 = (_splitmix(key ^ 0xD6E8FEB86659FD93) >> 11) * 2.0 ** -53
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


def loss_true(p, t=EPOCHS):
    floor, tau = profile(p)
    return floor + (START - floor) * math.exp(-t / tau)


def loss(p, seed, number, t):
    return loss_true(p, t) + (0.01 + 0.03 / math.sqrt(t)) * noise(seed, number, t)


def optimum():
    """The noise-free minimum at 81 epochs: per (batch, layers), a grid over (log lr, dropout,
    log wd), refined by a shrinking pattern search (pure Python, no scipy)."""
    best = (math.inf, None)
    for b in BATCHES:
        for layers in range(1, 7):
            def f(v):
                lr, d, wd = v
                if not (-4 <= lr <= 0 and 0 <= d <= 0.5 and -6 <= wd <= -2):
                    return 10.0
                return loss_true({"lr": 10 ** lr, "batch_size": b, "layers": layers, "dropout": d,
                                  "weight_decay": 10 ** wd})
            x = min(((-4 + 0.1 * i, 0.02 * j, -6 + 0.5 * k) for i in range(41) for j in range(26) for k in range(9)), key=f)
            x, fx, step = list(x), f(x), 0.05
            while step > 1e-12:
                moved = False
                for i in range(3):
                    for s in (step, -step):
                        y = list(x)
                        y[i] += s
                        fy = f(y)
                        if fy < fx:
                            x, fx, moved = y, fy, True
                if not moved:
                    step /= 2
            if fx < best[0]:
                best = (fx, {"lr": 10 ** x[0], "batch_size": b, "layers": layers, "dropout": x[1],
                             "weight_decay": 10 ** x[2]})
    return best


if __name__ == "__main__":
    import json
    import sys

    if sys.argv[1:2] == ["optimum"]:
        print(repr(optimum()))
    elif sys.argv[1:2] == ["points"]:
        # stdin: JSON [{"params": {...}, "seed": s, "number": n, "t": [steps]}]; stdout: the values.
        out = []
        for q in json.load(sys.stdin):
            out.append({"true": loss_true(q["params"]), "curve": [loss(q["params"], q["seed"], q["number"], t) for t in q["t"]]})
        print(json.dumps(out))
