#!/usr/bin/env bash
# Optuna 5.0's own CLI test suite (tests/test_cli.py, unmodified) with `optuna` running hpotop.
#
#   bench/optuna-cli-tests.sh [path/to/hpotop] [extra pytest args…]
#
# Downloads the optuna 5.0.0 sdist (never copied into this repo) and a venv with optuna 5.0.0,
# pytest and fakeredis into $HPOTOP_CLI_TESTS_DIR (default /tmp/hpotop-optuna-cli-tests, reused
# between runs), puts a shim `optuna` -> hpotop first on PATH, runs pytest on tests/test_cli.py,
# and prints "optuna CLI tests: P/T passed". Exit status: pytest's.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
hpotop=${1:-$root/.build/debug/hpotop}
shift || true
[ -x "$hpotop" ] || { echo "no hpotop binary at $hpotop (swift build first)" >&2; exit 2; }
hpotop=$(cd "$(dirname "$hpotop")" && pwd)/$(basename "$hpotop")
work=${HPOTOP_CLI_TESTS_DIR:-/tmp/hpotop-optuna-cli-tests}
mkdir -p "$work"

if ! "$work/venv/bin/python" -c "import optuna, pytest, fakeredis, pandas; assert optuna.__version__ == '5.0.0'" 2>/dev/null; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install -q --disable-pip-version-check optuna==5.0.0 pytest fakeredis pandas
fi
if [ ! -f "$work/optuna-5.0.0/tests/test_cli.py" ]; then
  "$work/venv/bin/pip" download -q --disable-pip-version-check --no-binary :all: --no-deps optuna==5.0.0 -d "$work/dl"
  tar xzf "$work/dl/optuna-5.0.0.tar.gz" -C "$work"
fi

mkdir -p "$work/bin"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$hpotop" > "$work/bin/optuna"
chmod +x "$work/bin/optuna"

cd "$work/optuna-5.0.0"
# The sdist's tests import the installed optuna (the venv's), while `optuna` on PATH is hpotop.
# HPOTOP_STORAGE/OPTUNA_STORAGE are cleared: the tests check the no-storage error.
set +e
env -u HPOTOP_STORAGE -u OPTUNA_STORAGE PATH="$work/bin:$PATH" \
  "$work/venv/bin/python" -m pytest tests/test_cli.py -q -p no:cacheprovider -o addopts="" "$@" \
  > "$work/last-run.txt" 2>&1
status=$?
set -e
summary=$(tail -n 1 "$work/last-run.txt")
passed=$(grep -oE '[0-9]+ passed' <<<"$summary" | grep -oE '[0-9]+' || echo 0)
total=0
for n in $(grep -oE '[0-9]+ (passed|failed|error|errors|skipped)' <<<"$summary" | grep -oE '[0-9]+'); do
  total=$((total + n))
done
grep -E '^(FAILED|ERROR) ' "$work/last-run.txt" || true
echo "optuna CLI tests: $passed/$total passed ($summary; full log $work/last-run.txt)"
exit $status
