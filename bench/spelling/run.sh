#!/bin/sh
# run.sh - how often "did you mean" is wrong and how often it fixes a typo,
# on the BBC News corpus (docs/search.md has the figures).
#
#   bench/spelling/run.sh
#
# Indexes ../shared/corpora/bbc (GAZETTE_SHARED_CORPORA overrides the
# corpora) into $BUILD/spelling/bbc.idx when that index is missing, then
# runs through libgazette (spell_eval):
#   correct.txt    correctly spelt news queries: any suggestion is false;
#   misspelt.tsv   typos made from real words of the corpus (seeded edits,
#                  make-misspellings.sh): the suggestion must be the query
#                  as meant (case aside).
# Prints both rates and leaves every answer in $BUILD/spelling/*.out.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${GAZETTE_BUILD:-$ROOT/build}
CORPORA=${GAZETTE_SHARED_CORPORA:-$ROOT/../shared/corpora}
WORK=$BUILD/spelling
mkdir -p "$WORK"
[ -x "$BUILD/bin/spell_eval" ] || { echo "run.sh: build first" >&2; exit 2; }
if [ ! -e "$WORK/bbc.idx" ]; then
    "$BUILD/bin/gazette-index" --quiet --db "$WORK/bbc.idx" "$CORPORA/bbc"
fi
"$BUILD/bin/spell_eval" "$WORK/bbc.idx" "$HERE/correct.txt" > "$WORK/correct.out"
"$BUILD/bin/spell_eval" "$WORK/bbc.idx" "$HERE/misspelt.tsv" > "$WORK/misspelt.out"

awk -F '\t' '{ n++; if ($2 != "") { f++; print "  false: " $1 " -> " $2 } }
    END { printf "correct queries: %d, false suggestions: %d (%.1f %%)\n",
                 n, f, 100 * f / n }' "$WORK/correct.out"
paste "$HERE/misspelt.tsv" "$WORK/misspelt.out" |
awk -F '\t' '{
        n++; kind[$3]++
        if (tolower($5) == tolower($2)) { ok++; fixed[$3]++ }
        else if ($5 == "") { none++; print "  none:  " $1 " (" $2 ")" }
        else { wrong++; print "  wrong: " $1 " -> " $5 " (" $2 ")" }
    }
    END {
        printf "misspelt queries: %d, corrected: %d (%.1f %%), no suggestion: %d, wrong suggestion: %d\n",
               n, ok, 100 * ok / n, none, wrong
        for (k in kind)
            printf "  %s: %d of %d\n", k, fixed[k], kind[k]
    }'
