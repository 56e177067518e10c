#!/usr/bin/env bash
# bench/entities/bbc-heldout.sh SET [list] - precision of the entity
# extractor on ten BBC articles (set "a" or "b", below) that were not looked
# at while the heuristic was developed (docs/entities.md tells what was
# tuned after set a was measured). Copies them from ../shared/corpora/bbc
# into a scratch directory and scores them against the hand judgments in
# bbc-heldout-SET-judgments.tsv (no recall: there is no gold list for
# them). With "list", prints the extracted entities instead. The build
# directory is $BUILD (default: build/ of this checkout).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
BBC=$ROOT/../shared/corpora/bbc
case "${1:-}" in
    a) FILES=(business/100 business/300 entertainment/100 entertainment/300
              politics/100 politics/300 sport/100 sport/300 tech/100
              tech/300) ;;
    b) FILES=(business/200 business/400 entertainment/200 entertainment/350
              politics/200 politics/400 sport/200 sport/450 tech/200
              tech/350) ;;
    *) echo "usage: $0 a|b [list]" >&2; exit 2 ;;
esac

[ -d "$BBC" ] || { echo "no BBC corpus at $BBC" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for f in "${FILES[@]}"; do
    mkdir -p "$TMP/$(dirname "$f")"
    cp "$BBC/$f.txt" "$TMP/$f.txt"
done
if [ "${2:-}" = list ]; then
    "$BUILD/tests/entity_report" list "$TMP"
else
    "$BUILD/tests/entity_report" score "$HERE/bbc-heldout-$1-judgments.tsv" \
        /dev/null "$TMP" 0 0
fi
