#!/usr/bin/env bash
# bench/index-bench.sh - indexing speed, memory and index size of
# gazette-index against its peers, side by side in one run.
#
#   bench/index-bench.sh [RUNS]      (default 3 runs of each, medians)
#   bench/index-bench.sh --report DIR  (the tables again, from the
#                                       results.tsv and *.size kept in DIR)
#
# Corpora: ../shared/corpora/20news-bydate (18 846 Usenet posts, each file
# renamed NAME.txt so every tool reads it as plain text) and
# ../shared/corpora/aclimdb (50 000 reviews + 4 url lists), extracted to a
# temporary directory. Tools, each building a fresh index of the same
# *.txt files:
#   gazette -j1      gazette-index -j1 (no threads, one database)
#   gazette -jN      gazette-index -j$(nproc) (N threads, N shards)
#   omindex          Xapian Omega's indexer (xapian-omega 1.4.22)
#   xapian loop      bench/peers/xapian_index.c: the raw single-threaded
#                    TermGenerator loop (same free-text terms as Gazette)
#   lucene           bench/peers/LuceneIndex.java, Lucene 8 EnglishAnalyzer
#   sqlite           bench/peers/sqlite_index.c, SQLite FTS5 porter
# Figures: wall time (median of RUNS), documents/s, MB/s, peak RSS
# (/usr/bin/time %M, median), CPU seconds (user+sys), index size on disk,
# and for the Xapian ones its size after xapian-compact; then the no-op
# rerun of gazette -jN and omindex (median of RUNS), and the ratios of
# Gazette's rates to each peer's. Runs alternate between the tools, so a
# busy machine slows all alike; quote ratios from one run.
# Environment: CORPORA="20news aclimdb" (default both), TOOLS (default all
# six: "gazette-j1 gazette-jN omindex xapian lucene sqlite"),
# GAZETTE_SHARED_CORPORA (default ../shared/corpora beside the checkout),
# GAZETTE_BENCH_BIN (default build/bin: gazette-index, xapian_index,
# sqlite_index).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NPROC=$(nproc)
CORPORA=${CORPORA:-20news aclimdb}
TOOLS=${TOOLS:-gazette-j1 gazette-jN omindex xapian lucene sqlite}

median() { sort -g | awk '{a[NR]=$1} END {if (NR) print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# ---------------------------------------------------------------- report
report() {
field() {   # median of column $3 for corpus $1, tool $2
    awk -F'\t' -v c="$1" -v t="$2" -v k="$3" '$1 == c && $2 == t && $k != "-" {print $k}' \
        "$RESULTS" | median
}
echo
echo "Indexing, median of $RUNS runs ($(date -u +%Y-%m-%d), $NPROC cores, commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"
for corpus in $CORPORA; do
    read -r docs bytes < "$WORK/$corpus.size"
    echo
    echo "### $corpus: $docs files, $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1048576}') MiB"
    echo
    echo "| tool | wall s | docs/s | MB/s | CPU s | peak RSS MiB | index MiB | compacted MiB |"
    echo "|---|---|---|---|---|---|---|---|"
    for tool in $TOOLS; do
        wall=$(field "$corpus" "$tool" 4)
        rss=$(field "$corpus" "$tool" 5)
        cpu=$(field "$corpus" "$tool" 6)
        size=$(field "$corpus" "$tool" 7)
        compact=$(field "$corpus" "$tool" 8)
        awk -v t="$tool" -v w="$wall" -v r="$rss" -v c="$cpu" -v s="$size" \
            -v k="$compact" -v d="$docs" -v b="$bytes" 'BEGIN {
            printf "| %s | %.1f | %.0f | %.2f | %.1f | %.0f | %.0f | %s |\n",
                t, w, d / w, b / 1e6 / w, c, r / 1024, s / 1024,
                k == "" ? "-" : sprintf("%.0f", k / 1024) }'
    done
    for tool in gazette-jN omindex; do
        echo "$TOOLS" | grep -qw -- "$tool" || continue
        printf '| %s no-op rerun | %s | | | | %.0f | | |\n' "$tool" \
            "$(field "$corpus" "$tool-noop" 4)" \
            "$(awk -v r="$(field "$corpus" "$tool-noop" 5)" 'BEGIN {print r / 1024}')"
    done
    echo
    echo "Rate ratios (Gazette docs/s divided by the peer's; > 1: Gazette faster):"
    echo
    header="| | "; line="|---|"
    for peer in $TOOLS; do
        case $peer in gazette*) continue ;; esac
        header="$header$peer | "; line="$line---|"
    done
    echo "$header"; echo "$line"
    for g in gazette-j1 gazette-jN; do
        echo "$TOOLS" | grep -qw -- "$g" || continue
        row="| $g | "
        for peer in $TOOLS; do
            case $peer in gazette*) continue ;; esac
            row="$row$(awk -v a="$(field "$corpus" "$g" 4)" -v b="$(field "$corpus" "$peer" 4)" \
                'BEGIN {printf "%.2f", b / a}') | "
        done
        echo "$row"
    done
done
echo
echo "raw figures: every run (corpus tool run wall rss cpu size_kb compact_kb):"
cat "$RESULTS"
}

if [ "${1:-}" = "--report" ]; then
    WORK=$2
    RESULTS="$WORK/results.tsv"
    RUNS=$(awk -F'\t' '{print $3}' "$RESULTS" | sort -n | tail -n 1)
    CORPORA=$(cut -f1 "$RESULTS" | uniq | tr '\n' ' ')
    report
    exit 0
fi
RUNS=${1:-3}
SHARED=${GAZETTE_SHARED_CORPORA:-$ROOT/../shared/corpora}
BIN=${GAZETTE_BENCH_BIN:-$ROOT/build/bin}
LUCENE_CP=/usr/share/java/lucene-core-8.7.0.jar:/usr/share/java/lucene-analyzers-common-8.7.0.jar

say() { printf '==> %s\n' "$*" >&2; }

[ -x "$BIN/gazette-index" ] && [ -x "$BIN/xapian_index" ] || "$ROOT/scripts/dev" build
"$ROOT/bench/setup.sh"
for f in "$SHARED/20news-bydate/20news-bydate.tar.gz" "$SHARED/aclimdb/aclImdb_v1_labeled.tar.gz"; do
    [ -f "$f" ] || { echo "missing $f (set GAZETTE_SHARED_CORPORA)" >&2; exit 66; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gazette-index-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/classes"
javac -d "$WORK/classes" -cp "$LUCENE_CP" "$ROOT/bench/peers/LuceneIndex.java"

extract() {   # extract corpus $1 to $WORK/$1, print its root
    case $1 in
    20news)
        mkdir -p "$WORK/20news"
        tar -xzf "$SHARED/20news-bydate/20news-bydate.tar.gz" -C "$WORK/20news"
        # list first: renaming while find walks would rename some twice
        find "$WORK/20news" -type f -print0 > "$WORK/20news.list"
        perl -0 -ne 'chomp; rename($_, "$_.txt") or die "$_: $!\n"' "$WORK/20news.list"
        echo "$WORK/20news" ;;
    aclimdb)
        tar -xzf "$SHARED/aclimdb/aclImdb_v1_labeled.tar.gz" -C "$WORK"
        echo "$WORK/aclImdb" ;;
    esac
}

# Command line of tool $1 indexing corpus $2 into $3.
command_for() {
    case $1 in
    gazette-j1) echo "$BIN/gazette-index -j1 --quiet --db $3 $2" ;;
    gazette-jN) echo "$BIN/gazette-index -j$NPROC --quiet --db $3 $2" ;;
    omindex) echo "omindex --db $3 --url / $2" ;;
    xapian) echo "$BIN/xapian_index $2 $3" ;;
    lucene) echo "java -cp $WORK/classes:$LUCENE_CP LuceneIndex $2 $3" ;;
    sqlite) echo "$BIN/sqlite_index $2 $3" ;;
    esac
}


# The database directories of Xapian index $1 (a sharded one lists its
# shards in XAPIANDB).
xapian_parts() {
    if [ -f "$1/XAPIANDB" ]; then
        sed -n "s|^auto |$1/|p" "$1/XAPIANDB"
    else
        echo "$1"
    fi
}

RESULTS="$WORK/results.tsv"    # corpus tool run wall rss cpu size_kb compact_kb
: > "$RESULTS"
for corpus in $CORPORA; do
    say "extracting $corpus"
    dir=$(extract "$corpus")
    docs=$(find "$dir" -type f -name '*.txt' | wc -l)
    bytes=$(find "$dir" -type f -name '*.txt' -printf '%s\n' | awk '{s+=$1} END {print s}')
    echo "$corpus: $docs files, $bytes bytes of *.txt" >&2
    echo "$docs $bytes" > "$WORK/$corpus.size"
    for run in $(seq "$RUNS"); do
        for tool in $TOOLS; do
            db="$WORK/db-$corpus-$tool"
            rm -rf "$db" "$db".*
            sync
            say "$corpus run $run: $tool"
            /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" \
                $(command_for "$tool" "$dir" "$db") >/dev/null 2>"$WORK/err" \
                || { [ $? -eq 1 ] && [ "${tool#gazette}" != "$tool" ]; } \
                || { cat "$WORK/err" >&2; exit 70; }
            read -r wall rss user sys < <(tail -n 1 "$WORK/time")
            size=$(du -sk "$db" | cut -f1)
            compact=-
            case $tool in
            gazette*|omindex|xapian)
                if [ "$run" -eq 1 ]; then
                    # shellcheck disable=SC2046
                    xapian-compact -m $(xapian_parts "$db") "$WORK/compact" >/dev/null
                    compact=$(du -sk "$WORK/compact" | cut -f1)
                    rm -rf "$WORK/compact"
                fi ;;
            esac
            cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$corpus" "$tool" "$run" \
                "$wall" "$rss" "$cpu" "$size" "$compact" >> "$RESULTS"
        done
    done
    # No-op reruns on the last indexes built.
    for tool in gazette-jN omindex; do
        echo "$TOOLS" | grep -qw -- "$tool" || continue
        db="$WORK/db-$corpus-$tool"
        cmd=$(command_for "$tool" "$dir" "$db")
        $cmd >/dev/null 2>&1 || true    # warm the page cache
        for run in $(seq "$RUNS"); do
            /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" $cmd >/dev/null 2>&1 || true
            read -r wall rss user sys < <(tail -n 1 "$WORK/time")
            printf '%s\t%s-noop\t%s\t%s\t%s\t-\t-\t-\n' "$corpus" "$tool" "$run" \
                "$wall" "$rss" >> "$RESULTS"
        done
    done
    rm -rf "$dir" "$WORK"/db-"$corpus"-*
done

report
