#!/usr/bin/env bash
# bench/speed.sh - the whole speed benchmark in one run: indexing, then
# querying, each side by side with its peers on the same machine and load.
#
#   bench/speed.sh [RUNS]      (default 3)
#
# 1. bench/index-bench.sh RUNS: 20 Newsgroups and aclImdb indexed by
#    gazette-index -j1 and -j$(nproc), omindex, the raw Xapian loop,
#    Lucene 8 and SQLite FTS5 (RUNS runs each, medians); the no-op rerun
#    of gazette-index and omindex; rates, memory, sizes and ratios.
# 2. bench/query-bench.sh --rounds RUNS: 300 queries of one to three words
#    and 50 phrases through libgazette, the raw Xapian API, Lucene 8 and
#    SQLite FTS5, facets, and gazette-query against quest one-shot.
# Both tables go to stdout (markdown, as in docs/performance.md), progress
# to stderr. Each script's header lists its environment variables; both
# are passed through. On two cores RUNS=1 takes about 15 minutes and
# each further run about 10 more.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUNS=${1:-3}
case $RUNS in
    ''|*[!0-9]*|0) echo "usage: bench/speed.sh [RUNS]" >&2; exit 64 ;;
esac

echo "## Indexing"
echo
"$HERE/index-bench.sh" "$RUNS"
echo
echo "## Querying"
echo
"$HERE/query-bench.sh" --rounds "$RUNS"
