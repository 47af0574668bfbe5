#!/bin/sh
# A language-agnostic objective: any program that prints [hpotop] lines works. This one is a
# POSIX shell script that "trains" for 20 steps on the params it is given as arguments
# (--x=… --y=… --kernel=…), using awk for the arithmetic.
for arg in "$@"; do
  case "$arg" in
    --x=*) x="${arg#--x=}" ;;
    --y=*) y="${arg#--y=}" ;;
    --kernel=*) kernel="${arg#--kernel=}" ;;
  esac
done
case "$kernel" in
  rbf) offset=0 ;;
  linear) offset=0.5 ;;
  *) echo "unknown kernel: $kernel" >&2; exit 2 ;;
esac
step=1
while [ $step -le 20 ]; do
  awk -v x="$x" -v y="$y" -v o="$offset" -v s="$step" 'BEGIN {
    loss = (x - 1) ^ 2 + (y + 2) ^ 2 / 10 + o + 5 / s
    printf "[hpotop] step=%d loss=%.6f\n", s, loss
  }'
  step=$((step + 1))
done
awk -v x="$x" -v y="$y" -v o="$offset" 'BEGIN { printf "[hpotop] loss=%.6f\n", (x - 1) ^ 2 + (y + 2) ^ 2 / 10 + o + 0.25 }'
