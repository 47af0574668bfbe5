#!/usr/bin/env python3
"""Issue 18: the PBT toy table for bench/README.md from `hpobench pbt` JSON (and Ray Tune's
`pbt_ray.py` JSON when given). Medians with quartiles; a seed that never reached the target
counts as not reached (its steps are left out of the quartiles, the count says how many)."""
import json
import sys


def quantile(xs, q):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def cell(xs, fmt="{:.4g}"):
    if not xs:
        return "–"
    return (fmt + " [" + fmt + ", " + fmt + "]").format(quantile(xs, 0.5), quantile(xs, 0.25), quantile(xs, 0.75))


def main():
    main_run = json.load(open(sys.argv[1]))
    names = {"pbt2": "PBT, population 2", "pbt8": "PBT, population 8", "random": "random search, fixed h",
             "tpe": "TPE, fixed h"}
    print(f"Total steps per method and seed: {main_run['total_steps']} (random search and TPE: trials of "
          f"{main_run['trial_steps']} steps from θ₀); {main_run['seeds']} seeds; target Q ≥ {main_run['target']}.\n")
    print("| method | steps to Q ≥ 1.19, median [p25, p75] | reached | final Q, median [p25, p75] | wall s per seed (median) |")
    print("|---|---|---|---|---|")
    for key in ["pbt2", "pbt8", "random", "tpe"]:
        m = main_run["methods"].get(key)
        if not m:
            continue
        reached = [s for s in m["steps_to_target"] if s is not None]
        print(f"| {names[key]} | {cell(reached, '{:.0f}')} | {len(reached)}/{len(m['steps_to_target'])} | "
              f"{cell(m['final_q'], '{:.6f}')} | {quantile(m['wall_s'], 0.5):.2f} |")
    if len(sys.argv) > 2:
        print("\nRay Tune side by side (same toy, settings and steps per member; Ray's wall time includes "
              "its start, as a user waits for it):\n")
        print("| population, steps per member | hpotop final Q | Ray Tune final Q | hpotop wall s | Ray Tune wall s | seeds (hpotop / Ray) |")
        print("|---|---|---|---|---|---|")
        for path_h, path_r in zip(sys.argv[2::2], sys.argv[3::2]):
            h = json.load(open(path_h))
            r = json.load(open(path_r))
            key = f"pbt{r['population']}"
            hm = h["methods"][key]
            print(f"| {r['population']}, {r['member_steps']} | {cell(hm['final_q'], '{:.6f}')} | {cell(r['final_q'], '{:.6f}')} | "
                  f"{quantile(hm['wall_s'], 0.5):.2f} | {quantile(r['wall_s'], 0.5):.1f} | {len(hm['final_q'])} / {len(r['final_q'])} |")


if __name__ == "__main__":
    main()
