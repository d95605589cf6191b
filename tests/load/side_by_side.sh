#!/usr/bin/env bash
# Two versions of the app under the same load at the same time: each git ref is exported to
# a temporary folder and gets its own server and its own run_load.py, started together, so
# both see the same machine (a loaded machine's figures compare only within one run).
# Each line of the output is prefixed with its ref.
#
#   bash tests/load/side_by_side.sh main HEAD                                # 10 sessions, 4 x 30 s
#   bash tests/load/side_by_side.sh main HEAD --sessions 10,50 --duration 20  # any run_load.py options
#
# The load client is the checked-out one (tests/load/ of the working tree) for both refs,
# so a change to the client does not count as a change to the app.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
A="$1"
B="$2"
shift 2
OPTIONS=("$@")
if [ ${#OPTIONS[@]} -eq 0 ]; then OPTIONS=(--sessions 10,10,10,10 --duration 30 --no-heavy-link); fi
WORK="$(mktemp -d /tmp/side_by_side.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
dir_of() { echo "$WORK/$(echo "$1" | tr -c 'A-Za-z0-9_\n' _)"; }

for ref in "$A" "$B"; do
    dir="$(dir_of "$ref")"
    mkdir -p "$dir"
    git -C "$ROOT" archive "$ref" | tar -x -C "$dir"
    cp "$ROOT"/tests/load/*.py "$dir/tests/load/"
done

echo "machine: $(nproc) cores, $(uptime)"
for ref in "$A" "$B"; do
    dir="$(dir_of "$ref")"
    (cd "$dir" && python tests/load/run_load.py "${OPTIONS[@]}" 2>&1 | grep "sessions:" | sed "s|^|$ref: |") &
done
wait
echo "end: $(uptime)"
