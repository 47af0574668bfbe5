#!/usr/bin/env bash
# GPU check for issue 22 on a lent GPU machine (one script, ≤ 5 minutes there).
#
#   bench/gpu-check.sh kit   # here: release build (--static-swift-stdlib), stripped, xz-compressed,
#                            # with libsqlite3/libncursesw/libtinfo beside it → bench/gpu-kit/
#   bench/gpu-check.sh run   # on the GPU machine (device tool, carry: ["bench/gpu-kit"]):
#                            # runs a study with resources: {gpus: auto} and a real PyTorch objective
#                            # when torch with CUDA is there (else a sleeping one), captures the
#                            # dashboard (tmux, or the dashboard's SVG renderer without tmux) and
#                            # nvidia-smi in the same second, and checks the OOM reason of trial 0,
#                            # which asks for 64 TiB.
# Results go to $OUT (or bench/results/gpu-check/ when $OUT is unset).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kit="$here/gpu-kit"

if [ "${1:-}" = kit ]; then
  cd "$here/.."
  swift build -c release --static-swift-stdlib --product hpotop 2>&1 | tail -2
  rm -rf "$kit" && mkdir -p "$kit/lib"
  bin="$(swift build -c release --show-bin-path)/hpotop"
  strip -o "$kit/hpotop" "$bin"
  xz -T0 -9 "$kit/hpotop"
  for lib in libsqlite3.so.0 libncursesw.so.6 libtinfo.so.6; do
    path="$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')"
    [ -n "$path" ] && cp -L "$path" "$kit/lib/"
  done
  du -sh "$kit"
  exit 0
fi
[ "${1:-}" = run ] || { echo "usage: $0 kit|run" >&2; exit 2; }

out="${OUT:-$here/results/gpu-check}"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'tmux kill-session -t gpu-check 2>/dev/null || true; rm -rf "$work"' EXIT
xz -dc "$kit/hpotop.xz" > "$work/hpotop" && chmod +x "$work/hpotop"
# Carried libraries only where the machine lacks them.
if ldd "$work/hpotop" | grep -q "not found"; then export LD_LIBRARY_PATH="$kit/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
ldd "$work/hpotop" > "$out/ldd.txt" 2>&1 || true
export TERM=xterm-256color HPOTOP_GPU_LEASE_DIR="$work/leases"
nvidia-smi -L > "$out/gpus.txt" 2>&1 || { echo "no nvidia-smi here" | tee "$out/verdict.txt"; exit 1; }

cd "$work"
if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  objective=torch
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' > "$out/torch.txt"
  cat > train.py <<'PY'
import os, sys, time, torch
width = int(float(sys.argv[1])); lr = float(sys.argv[2])
dev = torch.device("cuda")  # CUDA_VISIBLE_DEVICES names the one GPU hpotop leased
if os.environ["HPOTOP_TRIAL_NUMBER"] == "0":
    time.sleep(3)
    torch.empty(2**44, device=dev)  # 64 TiB of float32: a real CUDA out-of-memory error
model = torch.nn.Sequential(torch.nn.Linear(512, width), torch.nn.ReLU(), torch.nn.Linear(width, 1)).to(dev)
opt = torch.optim.SGD(model.parameters(), lr=lr)
x = torch.randn(8192, 512, device=dev); y = x[:, :1].sin()
for step in range(12):
    t = time.time()
    while time.time() - t < 1.5:  # keep the GPU busy for a visible utilisation
        opt.zero_grad(); loss = torch.nn.functional.mse_loss(model(x), y); loss.backward(); opt.step()
    print(f"[hpotop] step={step} loss={loss.item()}", flush=True)
print(f"[hpotop] loss={loss.item()}", flush=True)
PY
  command='[python3, train.py, "{width}", "{lr}"]'
else
  objective=sleep
  echo "torch with CUDA not found: the objective only sleeps (GPU strip and leases still checked)" > "$out/torch.txt"
  printf '#!/bin/sh\nsleep 20\necho "[hpotop] loss=1"\n' > train.sh && chmod +x train.sh
  command='[./train.sh, "{width}", "{lr}"]'
fi
# Trial 0 asks for 64 TiB: a real CUDA out-of-memory error from the installed PyTorch.
cat > gpu.yaml <<EOF2
name: gpu-check
metric: {name: loss, direction: minimize}
params:
  width: {type: categorical, choices: [256, 1024, 4096]}
  lr: {type: float, low: 1.0e-4, high: 1.0e-1, log: true}
n_trials: 5
resources: {gpus: auto, gpus_per_trial: 1}
objective: {command: $command, args: ""}
EOF2

snap() {  # the dashboard and nvidia-smi in the same second
  local tag="$1"
  { date -u +%T.%N; nvidia-smi --query-gpu=index,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw --format=csv,noheader,nounits; } > "$out/nvidia-smi-$tag.txt"
  { date -u +%T.%N; tmux capture-pane -p -t gpu-check; } > "$out/screen-$tag.txt"
}
if command -v tmux >/dev/null; then
  tmux new-session -d -s gpu-check -x 200 -y 50 "cd $work && $work/hpotop run gpu.yaml 2> run.log; sleep 600"
  sleep 25; snap 200x50
  tmux resize-window -t gpu-check -x 80 -y 24; sleep 3; snap 80x24
  tmux resize-window -t gpu-check -x 200 -y 50
  # The dashboard stays open after the study ends: wait until all five trials are finished.
  for _ in $(seq 90); do
    "$work/hpotop" trials --storage sqlite:///gpu-check.db --study-name gpu-check -f json 2>/dev/null \
      | python3 -c 'import json,sys; t=json.load(sys.stdin); sys.exit(0 if len(t) >= 5 and all(x["state"] != "RUNNING" for x in t) else 1)' \
      && break
    sleep 2
  done
  snap end
else
  # No tmux: the same view drawn by the dashboard's SVG renderer (demo study; GPU strip readings).
  nvidia-smi > "$out/nvidia-smi-svg.txt"
  "$work/hpotop" demo --svg "$out/dashboard.svg" --after 20 --size 200x50 --gpus auto > "$out/svg.log" 2>&1 || true
  "$work/hpotop" run gpu.yaml --no-tui > "$out/run.log" 2>&1 || true
fi
"$work/hpotop" trials --storage sqlite:///gpu-check.db --study-name gpu-check -f json --all > "$out/trials.json"
python3 - "$out" "$objective" <<'PY' | tee "$out/verdict.txt"
import json, sys
out, objective = sys.argv[1], sys.argv[2]
trials = json.load(open(f"{out}/trials.json"))
ok = True
for t in trials:
    sa = t.get("system_attrs", {})
    gpus, usage, reason = sa.get("hpotop:gpus"), sa.get("hpotop:gpu_usage"), sa.get("hpotop:fail_reason")
    print(f"trial {t['number']} {t['state']} gpus={gpus} usage={usage} reason={reason}")
    ok &= bool(gpus)
    if objective == "torch" and t["number"] == 0:
        ok &= bool(reason and reason.startswith("CUDA out of memory on GPU"))
print("GPU CHECK", "PASSED" if ok and trials else "FAILED")
PY
