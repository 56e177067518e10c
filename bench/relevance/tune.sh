#!/bin/sh
# tune.sh - score ranking parameter sets on the collections already
# converted and indexed by run.sh (in $RELEVANCE_WORK, default
# build/relevance), without the peers.
#
#   bench/relevance/tune.sh "PARAMS" ["PARAMS"...]
#
# RELEVANCE_DEPTH (default 1000) is how many hits each query fetches: use
# 10 to time a results page rather than a 1000-deep run.
# PARAMS is gz_tune's -p syntax, e.g. "k1=1.2,b=0.75,prfd=0" ("" = the
# library defaults). Prints per parameter set one line: MAP of each
# collection, their mean, and the median query latency in ms over all.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${GAZETTE_BUILD:-$ROOT/build}
WORK=${RELEVANCE_WORK:-$BUILD/relevance}
COLLECTIONS=${RELEVANCE_COLLECTIONS:-time cacm cisi cranfield med adi}
DEPTH=${RELEVANCE_DEPTH:-1000}
printf '%-44s' params
for c in $COLLECTIONS; do printf ' %9s' "$c"; done
printf ' %9s %8s\n' mean p50ms
for p in "$@"; do
    printf '%-44s' "${p:-defaults}"
    : > "$WORK/tune.lat"
    for c in $COLLECTIONS; do
        d=$WORK/$c
        [ -d "$d/gz-index" ] || { echo "tune.sh: run run.sh first ($d)" >&2; exit 1; }
        # shellcheck disable=SC2086
        "$BUILD/bin/gz_tune" -k "$DEPTH" ${p:+-p "$p"} -l "$d/tune.lat" "$d/gz-index" \
            "$d/queries.tsv" > "$d/tune.run" 2>/dev/null
        cat "$d/tune.lat" >> "$WORK/tune.lat"
        "$BUILD/bin/rel_eval" "$d/qrels" "$d/tune.run" | cut -f2
    done | awk '{ printf " %9.4f", $1; s += $1; n++ } END { printf " %9.4f", s / n }'
    sort -n "$WORK/tune.lat" | awk '{ v[NR] = $1 } END { printf " %8.2f\n", v[int((NR + 1) / 2)] / 1000 }'
done
