#!/usr/bin/env bash
# bench/noop-rerun.sh - time a no-op rerun of gazette-index against omindex
# (Debian xapian-omega) over the 50 000 reviews of ../shared/corpora/aclimdb.
#
#   bench/noop-rerun.sh [RUNS]     (default 7 timed reruns of each)
#
# Extracts the corpus to a temporary directory, builds a Gazette index and an
# omindex index of the same files, then times reruns that find nothing to do,
# alternating the two tools, and prints the medians and their ratio. Runs
# bench/setup.sh first (omindex, hyperfine; a loop with date +%s.%N times
# the runs where hyperfine is still missing). Builds Gazette
# (build/) when its binary is missing. Not a test: takes a few minutes.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${1:-7}
TARBALL="$ROOT/../shared/corpora/aclimdb/aclImdb_v1_labeled.tar.gz"
INDEX="$ROOT/build/bin/gazette-index"

say() { printf '==> %s\n' "$*" >&2; }

[ -f "$TARBALL" ] || { echo "missing $TARBALL" >&2; exit 66; }
"$ROOT/bench/setup.sh"
[ -x "$INDEX" ] || "$ROOT/scripts/dev" build

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gazette-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
say "extracting aclImdb to $WORK"
tar -xzf "$TARBALL" -C "$WORK"
CORPUS="$WORK/aclImdb"
echo "files: $(find "$CORPUS" -type f -name '*.txt' | wc -l) .txt"

say "initial gazette-index build"
/usr/bin/time -f "gazette-index build: %e s, %M KiB max RSS" \
    "$INDEX" --quiet --db "$WORK/gazette.db" "$CORPUS" || [ $? -eq 1 ]
say "initial omindex build"
/usr/bin/time -f "omindex build: %e s, %M KiB max RSS" \
    omindex --db "$WORK/omega.db" --url / "$CORPUS" >/dev/null

GZ_CMD="$INDEX --quiet --db $WORK/gazette.db $CORPUS"
OM_CMD="omindex --db $WORK/omega.db --url / $CORPUS"

# Both must really be no-ops: show what one rerun of each reports.
"$INDEX" --db "$WORK/gazette.db" "$CORPUS"
omindex -v --db "$WORK/omega.db" --url / "$CORPUS" | tail -n 3

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs "$RUNS" --export-json "$WORK/h.json" \
        -n gazette-index "$GZ_CMD" -n omindex "$OM_CMD" >&2
    GZ=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$WORK/h.json")
    OM=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][1]["median"])' "$WORK/h.json")
else
    : > "$WORK/gz.times"; : > "$WORK/om.times"
    $GZ_CMD; $OM_CMD >/dev/null     # warm-up, page cache
    for _ in $(seq "$RUNS"); do
        t0=$(date +%s.%N); $GZ_CMD; t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b - a}' >> "$WORK/gz.times"
        t0=$(date +%s.%N); $OM_CMD >/dev/null; t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b - a}' >> "$WORK/om.times"
    done
    echo "gazette-index runs (s): $(tr '\n' ' ' < "$WORK/gz.times")"
    echo "omindex runs (s):       $(tr '\n' ' ' < "$WORK/om.times")"
    GZ=$(median < "$WORK/gz.times")
    OM=$(median < "$WORK/om.times")
fi
printf 'no-op rerun over 50000 files, median of %s runs:\n' "$RUNS"
printf '  gazette-index  %.3f s\n  omindex        %.3f s\n' "$GZ" "$OM"
awk -v g="$GZ" -v o="$OM" 'BEGIN {printf "  omindex / gazette-index = %.2f\n", o / g}'
