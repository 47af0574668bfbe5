#!/usr/bin/env python3
"""A real training run for hpotop: a small neural network (pure Python, no packages) learns
the two-moons data set, generated here, and reports its validation loss after every epoch.

hpotop passes the params as --name=value arguments (and in HPOTOP_PARAMS) and reads lines
starting with [hpotop] from stdout. When hpotop prunes the trial it sends SIGTERM: the script
finishes the current batch, says so, and exits cleanly.

Checkpoints (hpotop's checkpoint protocol): after every epoch the network and its epoch go to
$HPOTOP_CHECKPOINT_DIR/model.json; when $HPOTOP_RESTORE_FROM is set the run starts from the
model saved there, and under PBT it trains up to $HPOTOP_STOP_STEP epochs (pbt.yaml).
"""
import argparse
import json
import math
import os
import random
import signal
import sys

stop_requested = False


def on_sigterm(signum, frame):
    global stop_requested
    stop_requested = True


def two_moons(n, noise, rng):
    points = []
    for i in range(n):
        t = math.pi * rng.random()
        if i % 2 == 0:
            x, y, label = math.cos(t), math.sin(t), 0.0
        else:
            x, y, label = 1.0 - math.cos(t), 0.5 - math.sin(t), 1.0
        points.append((x + rng.gauss(0, noise), y + rng.gauss(0, noise), label))
    return points


def sigmoid(z):
    if z < -60:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


class Network:
    """One hidden tanh layer, sigmoid output, trained with SGD and momentum."""

    def __init__(self, hidden, rng):
        scale = 1.0 / math.sqrt(2)
        self.w1 = [[rng.gauss(0, scale) for _ in range(2)] for _ in range(hidden)]
        self.b1 = [0.0] * hidden
        self.w2 = [rng.gauss(0, 1.0 / math.sqrt(hidden)) for _ in range(hidden)]
        self.b2 = 0.0
        self.velocity = None

    def forward(self, x, y):
        h = [math.tanh(w[0] * x + w[1] * y + b) for w, b in zip(self.w1, self.b1)]
        return h, sigmoid(sum(a * w for a, w in zip(h, self.w2)) + self.b2)

    def loss(self, data):
        total = 0.0
        for x, y, label in data:
            _, p = self.forward(x, y)
            p = min(max(p, 1e-12), 1 - 1e-12)
            total -= label * math.log(p) + (1 - label) * math.log(1 - p)
        return total / len(data)

    def state(self):
        return {"w1": self.w1, "b1": self.b1, "w2": self.w2, "b2": self.b2, "velocity": self.velocity}

    def load(self, state):
        self.w1, self.b1, self.w2, self.b2 = state["w1"], state["b1"], state["w2"], state["b2"]
        self.velocity = state["velocity"]

    def train_batch(self, batch, lr, momentum, weight_decay):
        hidden = len(self.w2)
        g_w1 = [[0.0, 0.0] for _ in range(hidden)]
        g_b1 = [0.0] * hidden
        g_w2 = [0.0] * hidden
        g_b2 = 0.0
        for x, y, label in batch:
            h, p = self.forward(x, y)
            d_out = p - label
            g_b2 += d_out
            for j in range(hidden):
                g_w2[j] += d_out * h[j]
                d_h = d_out * self.w2[j] * (1 - h[j] * h[j])
                g_w1[j][0] += d_h * x
                g_w1[j][1] += d_h * y
                g_b1[j] += d_h
        n = len(batch)
        grads = [g_w1[j][k] / n + weight_decay * self.w1[j][k] for j in range(hidden) for k in range(2)]
        grads += [g / n for g in g_b1] + [g_w2[j] / n + weight_decay * self.w2[j] for j in range(hidden)] + [g_b2 / n]
        if self.velocity is None:
            self.velocity = [0.0] * len(grads)
        self.velocity = [momentum * v - lr * g for v, g in zip(self.velocity, grads)]
        i = 0
        for j in range(hidden):
            for k in range(2):
                self.w1[j][k] += self.velocity[i]; i += 1
        for j in range(hidden):
            self.b1[j] += self.velocity[i]; i += 1
        for j in range(hidden):
            self.w2[j] += self.velocity[i]; i += 1
        self.b2 += self.velocity[i]


def save_checkpoint(net, epoch):
    """Saves the model and its epoch in $HPOTOP_CHECKPOINT_DIR (written whole, then renamed)."""
    folder = os.environ.get("HPOTOP_CHECKPOINT_DIR")
    if not folder:
        return
    path = os.path.join(folder, "model.json")
    with open(path + ".tmp", "w") as f:
        json.dump({"epoch": epoch, "model": net.state()}, f)
    os.replace(path + ".tmp", path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--weight_decay", type=float, default=1e-4)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, on_sigterm)

    rng = random.Random(0)  # the same data for every trial
    data = two_moons(600, 0.2, rng)
    train, val = data[:400], data[400:]
    net = Network(args.hidden, random.Random(1))
    first = 1
    restore = os.environ.get("HPOTOP_RESTORE_FROM")
    if restore and os.path.exists(os.path.join(restore, "model.json")):
        with open(os.path.join(restore, "model.json")) as f:
            saved = json.load(f)
        net.load(saved["model"])
        first = saved["epoch"] + 1
    last = int(os.environ.get("HPOTOP_STOP_STEP", args.epochs))
    loss = net.loss(val)
    for epoch in range(first, last + 1):
        order = list(range(len(train)))
        random.Random(epoch).shuffle(order)
        for start in range(0, len(order), args.batch_size):
            net.train_batch([train[i] for i in order[start:start + args.batch_size]],
                            args.lr, args.momentum, args.weight_decay)
            if stop_requested:
                print(f"stopping at epoch {epoch}: hpotop pruned this trial", flush=True)
                return 0
        loss = net.loss(val)
        if not math.isfinite(loss):
            print("[hpotop] val_loss=nan", flush=True)  # diverged: the trial fails with a reason
            return 0
        accuracy = sum((net.forward(x, y)[1] > 0.5) == (label == 1.0) for x, y, label in val) / len(val)
        save_checkpoint(net, epoch)
        print("[hpotop] " + json.dumps({"step": epoch, "val_loss": loss, "val_accuracy": accuracy}), flush=True)
    print(f"[hpotop] val_loss={loss}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
