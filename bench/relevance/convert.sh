#!/bin/sh
# convert.sh - turn one judged test collection into Gazette articles plus a
# query file and a TREC qrels file.
#
#   bench/relevance/convert.sh NAME SRC_DIR OUT_DIR
#
# NAME is one of time cacm cisi cranfield med adi; SRC_DIR is its folder in
# shared/corpora (read in place, never modified). Writes:
#   OUT_DIR/docs/<docno>.txt  one article per document: a "Title:" header
#                             when the collection has titles, then the text.
#                             <docno> is the number the judgments use, so a
#                             hit's id "<docno>.txt" maps straight to qrels.
#   OUT_DIR/queries.tsv       "<qid>\t<query text on one line>"
#   OUT_DIR/qrels             "<qid> 0 <docno> <grade>", grade > 0 relevant
#
# Per-collection traps (see each SOURCE.md):
#   time       TIME.REL numbers are positions in the original 425-document
#              file: record k of TIME.ALL is docno k for k <= 370, k+2 after.
#   cranfield  qrels qid is the query's position in cran.qry, not its .I;
#              codes 1..4 become grades 4..1 (1 = complete answer is the
#              best), code -1 ("no interest") is dropped (non-relevant).
#   cacm/cisi  queries without judgments are left out of queries.tsv.
# SMART collections: body = .W, then .K keywords and .A authors when present
# (CACM query 2 asks for authors by name); .X/.N/.B/.C are not text.
# Only POSIX sh and awk are used, so ctest can run it anywhere.
set -eu

usage() { echo "usage: $0 time|cacm|cisi|cranfield|med|adi SRC_DIR OUT_DIR" >&2; exit 64; }
[ $# -eq 3 ] || usage
name=$1 src=$2 out=$3
[ -d "$src" ] || { echo "$0: no such directory: $src" >&2; exit 66; }
mkdir -p "$out/docs"

# cat a file that may be stored gzip-compressed as FILE.gz, without \r.
text() {
    if [ -f "$1" ]; then cat "$1"; else gzip -dc "$1.gz"; fi | tr -d '\r'
}

# SMART tagged documents: .I id, then fields .T .W .K .A ...
smart_docs() {
    awk -v dir="$out/docs" '
    function flush() {
        if (id == "") return
        f = dir "/" id ".txt"
        if (t != "") printf "Title: %s\n\n", t > f
        printf "%s\n", b k a > f
        close(f)
        t = b = k = a = ""
    }
    /^\.I[ \t]/ { flush(); id = $2 + 0; field = ""; next }
    /^\.[A-Z]([ \t]|$)/ { field = substr($1, 2, 1); next }
    {
        line = $0
        gsub(/[ \t]+/, " ", line)
        sub(/^ /, "", line); sub(/ $/, "", line)
        if (line == "") next
        if (field == "T") t = (t == "" ? line : t " " line)
        else if (field == "W") b = b line "\n"
        else if (field == "K") k = k line "\n"
        else if (field == "A") a = a line "\n"
    }
    END { flush() }'
}

# SMART queries: .I id, .W text (other fields ignored). With pos=1 the qid
# is the query's 1-based position (Cranfield).
smart_queries() {
    awk -v pos="${1:-0}" '
    function flush() {
        if (id == "") return
        gsub(/[ \t]+/, " ", q); sub(/^ /, "", q); sub(/ $/, "", q)
        printf "%s\t%s\n", id, q
        q = ""
    }
    /^\.I[ \t]/ { flush(); n++; id = pos ? n : $2 + 0; field = ""; next }
    /^\.[A-Z]([ \t]|$)/ { field = substr($1, 2, 1); next }
    field == "W" { q = q " " $0 }
    END { flush() }'
}

# Keep only queries that have at least one relevant judgment.
judged_only() {
    awk 'NR == FNR { if ($4 > 0) judged[$1] = 1; next } ($1 in judged)' \
        "$out/qrels" -
}

case $name in
time)
    text "$src/TIME.ALL" | awk -v dir="$out/docs" '
        function flush() { if (f != "") { printf "%s", body > f; close(f) } body = "" }
        /^\*TEXT/ { flush(); k++; f = dir "/" (k <= 370 ? k : k + 2) ".txt"; next }
        /^\*STOP/ { flush(); f = ""; next }
        NF { line = $0; gsub(/[ \t]+/, " ", line); sub(/^ /, "", line)
             body = body line "\n" }
        END { flush() }'
    awk '{ for (i = 2; i <= NF; i++) print $1, 0, $i, 1 }' "$src/TIME.REL" > "$out/qrels"
    text "$src/TIME.QUE" | awk '
        function flush() {
            if (id == "") return
            gsub(/[ \t]+/, " ", q); sub(/^ /, "", q); sub(/ $/, "", q)
            printf "%s\t%s\n", id, q; q = ""; id = ""
        }
        /^\*FIND/ { flush(); id = $2 + 0; next }
        /^\*STOP/ { flush(); next }
        { q = q " " $0 }
        END { flush() }' | judged_only > "$out/queries.tsv"
    ;;
cacm)
    text "$src/cacm.all" | smart_docs
    awk '{ print $1 + 0, 0, $2 + 0, 1 }' "$src/qrels.text" > "$out/qrels"
    text "$src/query.text" | smart_queries | judged_only > "$out/queries.tsv"
    ;;
cisi)
    text "$src/CISI.ALL" | smart_docs
    awk '{ print $1 + 0, 0, $2 + 0, 1 }' "$src/CISI.REL" > "$out/qrels"
    text "$src/CISI.QRY" | smart_queries | judged_only > "$out/queries.tsv"
    ;;
cranfield)
    text "$src/cran.all.1400" | smart_docs
    awk '$3 >= 1 && $3 <= 4 { print $1 + 0, 0, $2 + 0, 5 - $3 }' \
        "$src/cranqrel" > "$out/qrels"
    text "$src/cran.qry" | smart_queries 1 | judged_only > "$out/queries.tsv"
    ;;
med)
    text "$src/MED.ALL" | smart_docs
    awk '{ print $1 + 0, 0, $3 + 0, 1 }' "$src/MED.REL" > "$out/qrels"
    text "$src/MED.QRY" | smart_queries | judged_only > "$out/queries.tsv"
    ;;
adi)
    text "$src/ADI.ALL" | smart_docs
    awk '{ print $1 + 0, 0, $2 + 0, 1 }' "$src/ADI.REL" > "$out/qrels"
    text "$src/ADI.QRY" | smart_queries | judged_only > "$out/queries.tsv"
    ;;
*) usage ;;
esac
