#!/usr/bin/env python3
"""Markdown tables for bench/scale_dash.sh from its key=value log (bench/results/scale_dash.txt)."""
import re
import statistics
import sys


def parse(path):
    rows = []
    for line in open(path):
        parts = line.split()
        if not parts:
            continue
        row = {"what": parts[0]}
        for k, v in re.findall(r"(\w+)=(\S+)", line):
            row.setdefault(k, v)
        rows.append(row)
    return rows


def f(x, unit=""):
    return "–" if x is None else f"{x:g}{unit}"


def rng(vals, scale=1.0, digits=2):
    vals = [float(v) * scale for v in vals if v is not None]
    if not vals:
        return "–"
    lo, hi = min(vals), max(vals)
    return f"{lo:.{digits}f}" if lo == hi else f"{lo:.{digits}f}–{hi:.{digits}f}"


def main():
    rows = parse(sys.argv[1])
    out = []
    watch = [r for r in rows if r["what"] == "watch"]
    ns = sorted({int(r["n"]) for r in watch})
    out.append("`watch` start-up on a study file (`hpotop bench-frame --startup`, 200×50; times from process "
               "start; \"key\" = Down answered, update + frame, between two pages; range over the runs):\n")
    out.append("| binary | trials | first rows (s) | rows in the first frame | whole load (s) | CPU s to first rows / whole load | pages | UI step max (ms; CPU) | key max (ms; CPU) | incremental poll (ms) | max RSS (MB) |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for which in ("base", "new"):
        for n in ns:
            rs = [r for r in watch if r["bin"] == which and int(r["n"]) == n]
            if not rs:
                continue
            rss = [int(r["maxrss_kb"]) / 1024 for r in rs if "maxrss_kb" in r]
            if which == "new":
                out.append(f"| new | {n} | {rng([r['first_rows_ms'] for r in rs], 1e-3)} | {rs[0]['first_rows']} | "
                           f"{rng([r['whole_load_ms'] for r in rs], 1e-3)} | "
                           f"{rng([r['cpu_first_rows_s'] for r in rs])} / {rng([r['cpu_whole_load_s'] for r in rs])} | {rs[0]['polls']} | "
                           f"{rng([r['ui_step_max_ms'] for r in rs], 1, 0)}; {rng([r['ui_step_cpu_max_ms'] for r in rs], 1, 0)} | "
                           f"{rng([r['key_max_ms'] for r in rs], 1, 0)}; {rng([r['key_cpu_max_ms'] for r in rs], 1, 0)} | "
                           f"{rng([r['incremental_poll_ms'] for r in rs], 1, 1)} | {rng(rss, 1, 0)} |")
            else:
                # The old bench-frame: "first frame X ms; full load Y ms; …; incremental poll Z ms".
                lines = [l for l in open(sys.argv[1]) if l.startswith("watch bin=base") and f"n={n} " in l]
                first = [re.search(r"first frame ([\d.]+) ms", l) for l in lines]
                full = [re.search(r"full load ([\d.]+) ms", l) for l in lines]
                inc = [re.search(r"incremental poll ([\d.]+) ms", l) for l in lines]
                whole = [float(a.group(1)) + float(b.group(1)) for a, b in zip(first, full) if a and b]
                cpu = [float(m.group(1)) + float(m.group(2)) for m in (re.search(r"user_s=([\d.]+) sys_s=([\d.]+)", l) for l in lines) if m]
                out.append(f"| old (one load) | {n} | {rng([w / 1000 for w in whole])} | {n} | {rng([w / 1000 for w in whole])} | "
                           f"– / {rng(cpu)} (process) | 1 | – | – | "
                           f"{rng([m.group(1) for m in inc if m], 1, 0)} | {rng(rss, 1, 0)} |")
    frames = [l for l in open(sys.argv[1]) if l.startswith("watch bin=new") and "median" in l]
    if frames:
        out.append("\nFrame time on the loaded study (view + diff, 200×50, 30 frames per tab, every 10th after a new "
                   "snapshot revision; wall median / p95, then CPU time of the drawing thread median / p95, ms):\n")
        tabs = None
        table = []
        cell = re.compile(r"(\w[\w ]*?)\s+median\s+([\d.]+) ms\s+p95\s+([\d.]+) ms\s+cpu_median\s+([\d.]+) ms\s+cpu_p95\s+([\d.]+) ms")
        for l in frames:
            n = re.search(r"n=(\d+)", l).group(1)
            cells = cell.findall(l.split("key_cpu_max_ms=")[-1])
            names = [re.sub(r"^[\d.]+\s+", "", c[0]).strip() for c in cells]
            tabs = tabs or names
            table.append(f"| {n} | " + " | ".join(f"{m} / {p} · cpu {cm} / {cp}" for _, m, p, cm, cp in cells) + " |")
        out.append("| trials | " + " | ".join(tabs) + " |")
        out.append("|---:|" + "---|" * len(tabs))
        out += table
    cli = [r for r in rows if r["what"] in ("trials_json", "export_csv")]
    if cli:
        out.append("\nScripting output on the 100k study (wall seconds of the command, output to /dev/null; range of 3 runs):\n")
        out.append("| command | binary | seconds | CPU s | max RSS (MB) |")
        out.append("|---|---|---:|---:|---:|")
        for what, label in (("trials_json", "`trials -f json`"), ("export_csv", "`export -f csv`")):
            for which in ("base", "new"):
                rs = [r for r in cli if r["what"] == what and r["bin"] == which]
                if rs:
                    out.append(f"| {label} | {'old' if which == 'base' else 'new'} | {rng([r['seconds'] for r in rs])} | "
                               f"{rng([r['cpu_s'] for r in rs])} | {rng([r['rss_mb'] for r in rs], 1, 0)} |")
        for r in rows:
            if r["what"] == "optuna_load":
                out.append(f"| Optuna 5.0 `load_study(...).trials` | – | {float(r['seconds']):.2f} | {float(r['cpu_s']):.2f} | {r['rss_mb']} |")
    same = [l.strip() for l in open(sys.argv[1]) if l.startswith("identical")]
    if same:
        out.append("\nOld and new output compared byte for byte: " + "; ".join(
            re.sub(r'^identical what="(.*)" n=(\d+) (\w+)$', r"`\1` on \2 trials: \3", l) for l in same) + ".")
    gens = [r for r in rows if r["what"] == "generate"]
    if gens:
        out.append("\nGenerating the studies (bench/gen_study.py): " + ", ".join(
            f"{r['n']} trials in {float(r['seconds']):.0f} s" for r in gens) + ".")
    out = goals(rows, frames_lines(sys.argv[1])) + [""] + out + ["", NOTES]
    print("\n".join(out))


NOTES = """Notes:
- `watch` loads a big study newest first: 2000 trials, then pages of older ones (doubling, at most
  500k) while keys and scrolling work; until the last page the header says `loading N%…`, every
  count is `≥n` and the best is `best so far`, and the range hint, return on search and Mean±sd
  column wait for the whole study (see docs/DECISIONS.md, 2026-12-05). "first rows" is the first
  frame with the newest 2000 rows; "whole load" the frame after the last page.
- The "UI step" column frees the replaced snapshot on a background queue, as the dashboard's
  loop does (`RetiredSnapshot`).
- "old" is the binary before this change (one load of every trial, then the first rows).
- CPU columns are the process's user + system seconds (for frames and the UI step: the drawing
  thread's), which the other agents on this 2-core machine do not inflate; the wall columns are
  what a user would have seen at the load average printed above. A goal marked "met in CPU time"
  is blocked only by the shared CPU: its work fits the budget on one free core.
- `trials -f json` / `export -f csv` on SQLite read the study a page of 10,000 trials at a time in
  one read transaction and write each row as it is built (the columns come from the trials that
  first carry each param or attr key, one grouped query), so memory holds a page, not the study;
  table and yaml output, PostgreSQL and journal files load every trial first. The output is byte
  for byte the old one (compared above when an old binary is given)."""


def frames_lines(path):
    return [l for l in open(path) if l.startswith("watch bin=new") and "median" in l]


def ms_to_s(x):
    return None if x is None else x / 1000


def goals(rows, frames):
    """The issue's goal table: each goal, the wall time measured (worst run), the CPU time, a verdict."""
    def worst(what, n, key, which="new"):
        vals = [float(r[key]) for r in rows if r["what"] == what and r.get("bin", which) == which
                and int(r.get("n", 0)) == n and key in r]
        return max(vals) if vals else None
    watch_ns = sorted({int(r["n"]) for r in rows if r["what"] == "watch"})
    small, big = (watch_ns + [None, None])[:2] if len(watch_ns) >= 2 else (watch_ns[0] if watch_ns else None, None)
    g = []

    def row(label, goal, wall, cpu, unit="s"):
        if wall is None:
            return
        verdict = "met" if wall <= goal else ("met in CPU time; wall time missed (CPU shared)" if cpu is not None and cpu <= goal else "missed")
        cpu_text = "–" if cpu is None else f"{cpu:.2f}" if unit == "s" else f"{cpu:.1f}"
        wall_text = f"{wall:.2f}" if unit == "s" else f"{wall:.1f}"
        g.append(f"| {label} | ≤ {goal:g} {unit} | {wall_text} | {cpu_text} | {verdict} |")

    if small:
        row(f"`watch` {small}: first screen with rows", 0.3, ms_to_s(worst("watch", small, "first_rows_ms")),
            worst("watch", small, "cpu_first_rows_s"))
        row(f"`watch` {small}: whole study loaded", 1.0, ms_to_s(worst("watch", small, "whole_load_ms")),
            worst("watch", small, "cpu_whole_load_s"))
    if big:
        row(f"`watch` {big}: first rows", 0.5, ms_to_s(worst("watch", big, "first_rows_ms")),
            worst("watch", big, "cpu_first_rows_s"))
        row(f"`watch` {big}: whole load", 8.0, ms_to_s(worst("watch", big, "whole_load_ms")),
            worst("watch", big, "cpu_whole_load_s"))
        rss = worst("watch", big, "maxrss_kb")
        if rss is not None:
            g.append(f"| `watch` {big}: max RSS | ≤ 1500 MB | {rss / 1024:.0f} MB | – | {'met' if rss / 1024 <= 1500 else 'missed'} |")
    cell = re.compile(r"(\w[\w ]*?)\s+median\s+([\d.]+) ms\s+p95\s+([\d.]+) ms\s+cpu_median\s+([\d.]+) ms\s+cpu_p95\s+([\d.]+) ms")
    for l in frames:
        n = int(re.search(r"n=(\d+)", l).group(1))
        if n != big:
            continue
        cells = cell.findall(l.split("key_cpu_max_ms=")[-1])
        if cells:
            row(f"frame time at {n} trials, 200×50 (p95, worst tab)", 16, max(float(c[2]) for c in cells),
                max(float(c[4]) for c in cells), "ms")
    for what, label in (("trials_json", "`trials -f json`"), ("export_csv", "`export -f csv`")):
        if small:
            row(f"{label}, {small}", 1.5, worst(what, small, "seconds"), worst(what, small, "cpu_s"))
    if not g:
        return []
    return ["Goals of issue 25 (worst run; CPU = user + system seconds of the process, or of the drawing "
            "thread for frames — what the step costs when it has a core to itself):\n",
            "| goal | target | wall | CPU | verdict |", "|---|---:|---:|---:|---|"] + g


if __name__ == "__main__":
    main()
