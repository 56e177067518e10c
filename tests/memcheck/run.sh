#!/bin/sh
# tests/memcheck/run.sh [--suite] BUILD_DIR [TEST...] - valgrind memcheck.
#
# run.sh BUILD_DIR (quick, about 10 minutes): what runs our code
# in-process: the unit tests that do not start other programs, every
# fuzz target replaying its seeds and regressions (all readers, dates,
# entities, the query path), both programs on a copy of corpus/sample
# (first run, rerun, changed files, --full, --dry-run, searches with every
# output option) and the two examples. Prints one line per run and a
# total.
#
# run.sh --suite BUILD_DIR [TEST...] (the whole ctest suite, about an
# hour on two cores): every ctest test (or the named ones) but the quality
# measurements, each under valgrind, and every program a test starts too
# (tests/memcheck/suite.sh). Prints one line per test and the totals; the logs
# stay in BUILD_DIR/memcheck-suite/TEST/.
#
# Both exit 1 when any run had a memcheck error or a definite or indirect
# leak (libxapian's own, listed in xapian.supp, excepted). Slow (valgrind
# is 20-50x): a development check, not part of ctest.

if [ "${1:-}" = --suite ]; then
    shift
    exec "$(dirname "$0")/suite.sh" "$@"
fi
set -u
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=$build/bin
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gazette-memcheck-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export GAZETTE_SOURCE_DIR="$src" GAZETTE_BINARY_DIR="$build"
failed=0 runs=0

vg() {
    name=$1
    shift
    runs=$((runs + 1))
    log="$tmp/$runs.log"
    valgrind --tool=memcheck --leak-check=full \
        --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --error-exitcode=99 \
        --suppressions="$src/tests/memcheck/xapian.supp" \
        --log-file="$log" "$@" >"$tmp/out" 2>&1
    rc=$?
    errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -1)
    if [ -z "$errors" ] || [ "$rc" -eq 99 ] || [ "$errors" -ne 0 ]; then
        failed=$((failed + 1))
        echo "FAIL  $name: ${errors:-?} errors (log kept: $build/memcheck-$runs.log)"
        cp "$log" "$build/memcheck-$runs.log"
    else
        echo "ok    $name (exit $rc, 0 errors, no leak)"
    fi
}

for t in test_shim test_corpus test_api test_gen_corpus; do
    vg "$t" "$bin/$t"
done
for t in "$bin"/fuzz_*_replay; do
    name=$(basename "$t" _replay)
    set -- "$src/tests/fuzz/regressions/$name" "$src/tests/fuzz/seeds/$name"
    dirs=""
    for d in "$@"; do [ -d "$d" ] && dirs="$dirs $d"; done
    # shellcheck disable=SC2086
    vg "$name replay" "$t" $dirs
done

cp -r "$src/corpus/sample" "$tmp/c"
db=$tmp/idx
vg "gazette-index first run" "$bin/gazette-index" -q --db "$db" "$tmp/c"
vg "gazette-index rerun" "$bin/gazette-index" -q --db "$db" "$tmp/c"
printf 'Extra\n\nAn extra article about Gaza aid.\n' >"$tmp/c/world/extra.txt"
rm "$tmp/c/sport/"*.txt.gz 2>/dev/null
vg "gazette-index changes" "$bin/gazette-index" -q --max-remove 0 --db "$db" "$tmp/c"
vg "gazette-index --dry-run" "$bin/gazette-index" -q --dry-run --db "$db" "$tmp/c"
vg "gazette-index --full" "$bin/gazette-index" -q --full --max-remove 0 --db "$db" "$tmp/c"
vg "gazette-query topic" "$bin/gazette-query" --db "$db" '"humanitarian pauses"'
vg "gazette-query entity json" "$bin/gazette-query" --db "$db" --json entity:Hezbollah
vg "gazette-query facets" "$bin/gazette-query" --db "$db" --facet source \
    --facet year --facet tag --facet entity --facet author --sort date gaza
vg "gazette-query explain" "$bin/gazette-query" --db "$db" --explain 'title:truce OR US'
vg "gazette-query spelling" "$bin/gazette-query" --db "$db" 'humanitrian pauzes'
vg "gazette-query dates" "$bin/gazette-query" --db "$db" --duplicates 'date:2023-11..2023-12 blinken'
vg "gazette-query bad query" "$bin/gazette-query" --db "$db" 'gaza AND'
[ -x "$bin/example_search" ] && vg "example_search" "$bin/example_search" "$db" gaza
[ -x "$bin/example_feed" ] && vg "example_feed" "$bin/example_feed" "$tmp/feed-idx"
echo "memcheck: $runs runs, $failed with errors or leaks"
[ "$failed" -eq 0 ]
