#!/usr/bin/env bash
# Install hpotop with its shell completions and man page under a prefix, or remove them.
#
#   scripts/install.sh [--prefix DIR] [--binary PATH] [--uninstall]
#
#   --prefix DIR   where to install (default: $PREFIX, else ~/.local); writes
#                    DIR/bin/hpotop
#                    DIR/bin/hpotop-supervise (the trial supervisor, when built beside hpotop)
#                    DIR/share/man/man1/hpotop.1
#                    DIR/share/bash-completion/completions/hpotop
#                    DIR/share/zsh/site-functions/_hpotop
#                    DIR/share/fish/vendor_completions.d/hpotop.fish
#   --binary PATH  install this already-built hpotop (and the hpotop-supervise beside it, if
#                  any) instead of building (default: a release build of both here first)
#   --uninstall    remove exactly those files (and nothing else)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${PREFIX:-$HOME/.local}"
binary=""
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --binary=*) binary="${1#--binary=}"; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

files=(
  "bin/hpotop"
  "bin/hpotop-supervise"
  "share/man/man1/hpotop.1"
  "share/bash-completion/completions/hpotop"
  "share/zsh/site-functions/_hpotop"
  "share/fish/vendor_completions.d/hpotop.fish"
)

if [ "$uninstall" = 1 ]; then
  for f in "${files[@]}"; do
    if [ -e "$prefix/$f" ]; then rm -f "$prefix/$f" && echo "removed $prefix/$f"; fi
  done
  exit 0
fi

if [ -z "$binary" ]; then
  echo "building hpotop (release; the first build fetches the dependencies and takes minutes)…" >&2
  (cd "$ROOT" && swift build -c release --product hpotop >&2 && swift build -c release --product hpotop-supervise >&2)
  binary="$(cd "$ROOT" && swift build -c release --show-bin-path)/hpotop"
fi
[ -x "$binary" ] || { echo "install.sh: no executable hpotop at '$binary'" >&2; exit 2; }

mkdir -p "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" \
  "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
# Copy to a temporary name and move, so a running hpotop is never overwritten in place.
cp "$binary" "$prefix/bin/.hpotop.new" && chmod 755 "$prefix/bin/.hpotop.new" && mv -f "$prefix/bin/.hpotop.new" "$prefix/bin/hpotop"
# The small trial supervisor runs each trial where it lies next to hpotop (hpotop falls back to
# its own `hpotop __supervise` without it, at ~8 ms more CPU per trial).
supervise="$(dirname "$binary")/hpotop-supervise"
if [ -x "$supervise" ]; then
  cp "$supervise" "$prefix/bin/.hpotop-supervise.new" && chmod 755 "$prefix/bin/.hpotop-supervise.new" \
    && mv -f "$prefix/bin/.hpotop-supervise.new" "$prefix/bin/hpotop-supervise"
fi
"$prefix/bin/hpotop" generate-manual > "$prefix/share/man/man1/hpotop.1"
"$prefix/bin/hpotop" --generate-completion-script bash > "$prefix/share/bash-completion/completions/hpotop"
"$prefix/bin/hpotop" --generate-completion-script zsh > "$prefix/share/zsh/site-functions/_hpotop"
"$prefix/bin/hpotop" --generate-completion-script fish > "$prefix/share/fish/vendor_completions.d/hpotop.fish"
for f in "${files[@]}"; do [ -e "$prefix/$f" ] && echo "installed $prefix/$f"; done
echo "$("$prefix/bin/hpotop" --version)"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "note: $prefix/bin is not on PATH; add it, e.g. echo 'export PATH=\"$prefix/bin:\$PATH\"' >> ~/.bashrc" ;;
esac
