#!/usr/bin/env bash
# bench/entities/bbc-heldout.sh SET [list] - precision and recall of the
# entity extractor on ten BBC articles (set "a", "b" or "c", below) that
# were not looked at while the heuristic was developed (docs/entities.md
# tells what was tuned after each set was measured). Copies them from
# ../shared/corpora/bbc into a scratch directory and scores them against
# the hand judgments in bbc-heldout-SET-judgments.tsv and, for set c, the
# gold list bbc-heldout-c-gold.tsv (recall; sets a and b have none). With
# "list", prints the extracted entities instead.
#
# The extractor's lexicon (names that only start sentences) is an index of
# the whole BBC corpus, $BUILD/entities/bbc.idx, built when missing, as
# if the articles were indexed with the rest of the corpus; NO_LEXICON=1
# scores without it. The build directory is $BUILD (default: build/ of
# this checkout); GAZETTE_SHARED_CORPORA overrides the corpora directory.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
BBC=${GAZETTE_SHARED_CORPORA:-$ROOT/../shared/corpora}/bbc
GOLD=/dev/null
case "${1:-}" in
    a) FILES=(business/100 business/300 entertainment/100 entertainment/300
              politics/100 politics/300 sport/100 sport/300 tech/100
              tech/300) ;;
    b) FILES=(business/200 business/400 entertainment/200 entertainment/350
              politics/200 politics/400 sport/200 sport/450 tech/200
              tech/350) ;;
    c) FILES=(business/120 business/420 entertainment/120 entertainment/220
              politics/120 politics/220 sport/120 sport/420 tech/120
              tech/320)
       GOLD=$HERE/bbc-heldout-c-gold.tsv ;;
    *) echo "usage: $0 a|b|c [list]" >&2; exit 2 ;;
esac

[ -d "$BBC" ] || { echo "no BBC corpus at $BBC" >&2; exit 2; }
if [ -z "${NO_LEXICON:-}" ]; then
    LEXICON=$BUILD/entities/bbc.idx
    if [ ! -e "$LEXICON" ]; then
        mkdir -p "$BUILD/entities"
        "$BUILD/bin/gazette-index" --quiet --db "$LEXICON" "$BBC"
    fi
    export ENTITY_LEXICON=$LEXICON
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for f in "${FILES[@]}"; do
    mkdir -p "$TMP/$(dirname "$f")"
    cp "$BBC/$f.txt" "$TMP/$f.txt"
done
if [ "${2:-}" = list ]; then
    "$BUILD/bin/entity_report" list "$TMP"
else
    "$BUILD/bin/entity_report" score "$HERE/bbc-heldout-$1-judgments.tsv" \
        "$GOLD" "$TMP" 0 0
fi
