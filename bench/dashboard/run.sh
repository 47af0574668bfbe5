#!/bin/sh
# Dashboard bench: frame time (view build + diff) and RSS at 200x50 for 1k/10k/100k trials,
# and `watch` start-up (first poll + first frame) on a 100k-trial SQLite study.
# Goals: <= 16 ms/frame, <= 300 MB RSS, <= 1.5 s start-up.
# usage: bench/dashboard/run.sh [path/to/hpotop]   (default: a release build)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-}
if [ -z "$BIN" ]; then
  (cd "$ROOT" && swift build -c release --product hpotop >/dev/null)
  BIN="$ROOT/.build/release/hpotop"
fi
for n in 1000 10000 100000; do
  /usr/bin/time -f "  max RSS %M KB" "$BIN" bench-frame --trials "$n" --frames 30 --width 200 --height 50
done
DB=$(mktemp -d)/bench100k.db
"$BIN" bench-frame --trials 100000 --write-sqlite "$DB"
for i in 1 2 3; do
  /usr/bin/time -f "  max RSS %M KB" "$BIN" bench-frame --startup "$DB" --width 200 --height 50
done
rm -f "$DB" "$DB-wal" "$DB-shm"
