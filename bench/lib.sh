# Shared helpers for the bench/*.sh scripts (source it; it sets ROOT, BENCH, RESULTS, PY, BIN).
#   bench_venv     create bench/.venv from bench/requirements.txt if missing, set PY
#   bench_build P  release-build product P (hpotop, hpobench), set BIN to the bin directory
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
RESULTS="$BENCH/results"
mkdir -p "$RESULTS"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMEXPR_NUM_THREADS=1

bench_venv() {
  if [ -n "${HPOTOP_BENCH_PYTHON:-}" ]; then PY="$HPOTOP_BENCH_PYTHON"; return; fi
  PY="$BENCH/.venv/bin/python"
  if [ ! -x "$PY" ]; then
    echo "creating bench/.venv (optuna 5.0.0 …)" >&2
    python3 -m venv "$BENCH/.venv"
    if [ -f "$BENCH/requirements.txt" ]; then
      "$BENCH/.venv/bin/pip" install -q -r "$BENCH/requirements.txt"
    else
      "$BENCH/.venv/bin/pip" install -q optuna==5.0.0 numpy scipy scikit-learn pandas
    fi
  fi
}

bench_build() {
  (cd "$ROOT" && for p in "$@"; do swift build -c release --product "$p" >&2; done)
  BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)"
}

# Insert or replace the section between <!-- NAME --> and <!-- /NAME --> of bench/README.md
# with a "## TITLE" heading, the command line, the load average, and the contents of file FILE.
bench_readme_section() {
  local name="$1" title="$2" cmd="$3" file="$4"
  "$PY" - "$BENCH/README.md" "$name" "$file" "$title" "$cmd" <<'PYEOF'
import sys, os, time
path, name, src, title, cmd = sys.argv[1:6]
load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
body = (f"## {title}\n\n`{cmd}` — last run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"load average at the end {load} (2 cores, shared with other jobs: wall times are pessimistic).\n\n"
        + open(src).read().rstrip("\n"))
text = open(path).read()
start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
block = f"{start}\n{body}\n{end}"
if start in text and end in text:
    i, j = text.index(start), text.index(end) + len(end)
    text = text[:i] + block + text[j:]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w").write(text)
PYEOF
}
