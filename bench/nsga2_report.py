"""Report of bench/nsga2.sh: per problem and checkpoint, each arm's hypervolume as median
[quartiles] over the seeds, the one-sided Mann-Whitney p that hpotop's default beats Optuna's
NSGAIISampler (and its own Optuna-like breeding), and the repeated configurations per run.

Usage: python nsga2_report.py HPOTOP_JSON OPTUNA_JSON   (markdown on stdout)
"""

import json
import statistics
import sys

from stats import mann_whitney_greater


def quartiles(xs):
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return statistics.median(xs), q[0], q[2]


def main():
    runs = json.load(open(sys.argv[1]))["runs"] + json.load(open(sys.argv[2]))["runs"]
    arms = ["nsga2", "nsga2_dups", "optuna_nsga2"]
    label = {"nsga2": "hpotop nsga2", "nsga2_dups": "hpotop, eliminate_duplicates: false",
             "optuna_nsga2": "Optuna NSGAIISampler"}
    problems = sorted({r["problem"] for r in runs})
    seeds = len({r["seed"] for r in runs})
    print(f"Hypervolume (reference (1.1, 11); the true front's is 11.7667), median [quartiles] of {seeds} seeds;"
          " p: one-sided Mann-Whitney that hpotop's default is larger. Repeats: trials whose"
          " configuration an earlier trial had, mean per run of 500.\n")
    print("| problem | trials | " + " | ".join(label[a] for a in arms) + " | p vs Optuna | p vs eliminate_duplicates: false |")
    print("|---|---|" + "---|" * (len(arms) + 2))
    for p in problems:
        for n in ("200", "500"):
            hv = {a: [r["hypervolume"][n] for r in runs if r["problem"] == p and r["sampler"] == a] for a in arms}
            cells = []
            for a in arms:
                m, q1, q3 = quartiles(hv[a])
                cells.append(f"{m:.4f} [{q1:.4f}, {q3:.4f}]")
            p_opt = mann_whitney_greater(hv["nsga2"], hv["optuna_nsga2"])
            p_dup = mann_whitney_greater(hv["nsga2"], hv["nsga2_dups"])
            print(f"| {p} | {n} | " + " | ".join(cells) + f" | {p_opt:.3f} | {p_dup:.3f} |")
    print("\n| problem | " + " | ".join(label[a] for a in arms) + " |")
    print("|---|" + "---|" * len(arms))
    for p in problems:
        reps = [statistics.mean(r["repeats"] for r in runs if r["problem"] == p and r["sampler"] == a) for a in arms]
        print(f"| {p} | " + " | ".join(f"{x:.1f}" for x in reps) + " |")


if __name__ == "__main__":
    main()
