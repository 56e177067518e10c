#!/bin/sh
# run.sh - the relevance table: Gazette and its peers on the six judged
# collections, scored by one evaluator (rel_eval).
#
#   bench/relevance/run.sh [COLLECTION...]      (default: all six)
#
# Environment:
#   GAZETTE_BUILD           build tree with gz_eval & co (default: build)
#   GAZETTE_SHARED_CORPORA  the corpora (default: ../shared/corpora next to
#                           the source tree)
#   RELEVANCE_WORK          scratch directory (default: $BUILD/relevance)
#   RELEVANCE_ENGINES       engines to run (default: "gazette xapian sqlite
#                           lucene")
#
# For each collection: convert.sh writes articles, queries and qrels;
# gazette-index indexes the articles; gz_eval runs every judged query
# through libgazette (default settings); the peers index the same articles
# and run the same queries; rel_eval scores every run file. Prints one
# markdown table (MAP, P@10, nDCG@10, median query latency) and a MAP
# summary, and leaves the run files in the work directory.
# Runs bench/setup.sh first, which installs what the peers need (sqlite3,
# Lucene, a JDK).
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${GAZETTE_BUILD:-$ROOT/build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
CORPORA=${GAZETTE_SHARED_CORPORA:-$ROOT/../shared/corpora}
WORK=${RELEVANCE_WORK:-$BUILD/relevance}
ENGINES=${RELEVANCE_ENGINES:-gazette xapian sqlite lucene}
[ $# -gt 0 ] || set -- time cacm cisi cranfield med adi

LUCENE_CP=/usr/share/java/lucene-core-8.7.0.jar:/usr/share/java/lucene-analyzers-common-8.7.0.jar

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

case $ENGINES in *sqlite*|*lucene*) "$ROOT/bench/setup.sh" || die "bench/setup.sh could not install the peers" ;; esac
for tool in gz_eval rel_eval xapian_peer; do
    [ -x "$BUILD/bin/$tool" ] || die "$BUILD/bin/$tool missing: build first (cmake --build $BUILD)"
done
mkdir -p "$WORK"

# Compile the Lucene harness once per run (it is small).
if echo "$ENGINES" | grep -qw lucene; then
    for jar in $(echo "$LUCENE_CP" | tr ':' ' '); do
        [ -f "$jar" ] || die "$jar missing: run bench/setup.sh"
    done
    mkdir -p "$WORK/lucene-classes"
    javac -d "$WORK/lucene-classes" -cp "$LUCENE_CP" "$ROOT/bench/peers/LuceneEval.java"
fi
if echo "$ENGINES" | grep -qw sqlite; then
    [ -x "$BUILD/bin/sqlite_peer" ] || die "sqlite_peer not built: run bench/setup.sh, then reconfigure"
fi

# p50 of the "p50 N us" line an engine printed on stderr, in milliseconds.
p50_ms() { awk '/p50/ { for (i = 1; i < NF; i++) if ($i == "p50") printf "%.2f", $(i + 1) / 1000 }' "$1"; }

# run_engine ENGINE DIR: write DIR/ENGINE.run and DIR/ENGINE.err
run_engine() {
    e=$1 d=$2
    case $e in
    gazette)
        rm -rf "$d/gz-index"
        # -j1: under -j N the names that start sentences depend on what
        # the other threads have written yet (docs/entities.md), and the
        # figures would move by a few 0.0001 from run to run.
        "$BUILD/bin/gazette-index" --quiet -j1 --db "$d/gz-index" "$d/docs"
        "$BUILD/bin/gz_eval" -l "$d/gazette.lat" "$d/gz-index" "$d/queries.tsv" ;;
    xapian)
        "$BUILD/bin/xapian_peer" "$d/docs" "$d/xapian-index" "$d/queries.tsv" ;;
    sqlite)
        "$BUILD/bin/sqlite_peer" "$d/docs" "$d/queries.tsv" ;;
    lucene)
        java -cp "$WORK/lucene-classes:$LUCENE_CP" LuceneEval "$d/docs" "$d/queries.tsv" ;;
    *) die "unknown engine $e" ;;
    esac > "$d/$e.run" 2> "$d/$e.err" || { cat "$d/$e.err" >&2; die "$e failed on $d"; }
}

table=$WORK/table.tsv
: > "$table"
for c in "$@"; do
    [ -d "$CORPORA/$c" ] || die "no collection $CORPORA/$c"
    d=$WORK/$c
    rm -rf "$d/docs"
    say "$c: converting"
    "$ROOT/bench/relevance/convert.sh" "$c" "$CORPORA/$c" "$d"
    for e in $ENGINES; do
        say "$c: $e"
        run_engine "$e" "$d"
        "$BUILD/bin/rel_eval" "$d/qrels" "$d/$e.run" |
            awk -v c="$c" -v e="$e" -v p="$(p50_ms "$d/$e.err")" \
                -F '\t' '{ print c "\t" e "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" p }' >> "$table"
    done
done

# The table, then MAP per collection with the best peer and the margin.
awk -F '\t' -v engines="$ENGINES" '
BEGIN { ne = split(engines, eng, " ") }
{
    if (!($1 in seen)) { seen[$1] = 1; coll[++nc] = $1 }
    map[$1, $2] = $3; p10[$1, $2] = $4; ndcg[$1, $2] = $5; nq[$1] = $6; lat[$1, $2] = $7
}
END {
    print "| collection | queries | engine | MAP | P@10 | nDCG@10 | p50 ms |"
    print "|---|---:|---|---:|---:|---:|---:|"
    for (i = 1; i <= nc; i++) for (j = 1; j <= ne; j++) {
        c = coll[i]; e = eng[j]
        printf "| %s | %d | %s | %.4f | %.4f | %.4f | %s |\n", c, nq[c], e, map[c, e], p10[c, e], ndcg[c, e], lat[c, e]
    }
    print ""
    printf "| MAP |"; for (j = 1; j <= ne; j++) printf " %s |", eng[j]; print " best peer | gazette vs best peer |"
    printf "|---|"; for (j = 1; j <= ne; j++) printf "---:|"; print "---:|---:|"
    for (i = 1; i <= nc; i++) {
        c = coll[i]; best = -1
        printf "| %s |", c
        for (j = 1; j <= ne; j++) {
            printf " %.4f |", map[c, eng[j]]
            sum[eng[j]] += map[c, eng[j]]
            if (eng[j] != "gazette" && map[c, eng[j]] > best) best = map[c, eng[j]]
        }
        bestsum += best
        if (best > 0) printf " %.4f | %+.1f%% |\n", best, 100 * (map[c, "gazette"] / best - 1)
        else print " - | - |"
    }
    printf "| mean |"
    for (j = 1; j <= ne; j++) printf " %.4f |", sum[eng[j]] / nc
    if (bestsum > 0) printf " %.4f | %+.1f%% |\n", bestsum / nc, 100 * (sum["gazette"] / bestsum - 1)
    else print " - | - |"
}' "$table"
