# Shared by bench/*.sh (sourced): paths, the release build of hpobench, and bench/.venv.
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
RESULTS="$BENCH/results"
PY="$BENCH/.venv/bin/python"
mkdir -p "$RESULTS"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMEXPR_NUM_THREADS=1

# Builds hpobench in release mode and creates bench/.venv with Optuna 5.0 when missing.
bench_setup() {
  (cd "$ROOT" && swift build -c release --product hpobench)
  if [[ ! -x "$PY" ]] || ! "$PY" -c "import optuna" 2>/dev/null; then
    python3 -m venv "$BENCH/.venv"
    "$PY" -m pip install -q -r "$BENCH/requirements.txt"
  fi
}

# The hpobench binary of the release build.
hpobench_bin() {
  echo "$(cd "$ROOT" && swift build -c release --show-bin-path)/hpobench"
}

# "_quick" when the arguments contain --quick, else "".
quick_suffix() {
  for a in "$@"; do [[ "$a" == "--quick" ]] && { echo "_quick"; return; }; done
  echo ""
}
