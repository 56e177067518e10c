#!/bin/sh
# bench/setup.sh - install the Debian packages the benchmarks need and that
# the build and tests (scripts/dev) do not: the peers and the timer.
#   sqlite3 + libsqlite3-dev   SQLite FTS5 peer (C program against libsqlite3)
#   liblucene8-java            Lucene 8 jars (core, analyzers-common)
#   default-jdk-headless       javac/java for bench/peers/LuceneEval.java
#   xapian-omega               omindex, the indexing peer
#   hyperfine                  one-shot and no-op rerun timings
# (quest and xapian-compact come with xapian-tools, which scripts/dev
# installs.) Every script in bench/ runs this first.
#   gawk is not needed: the converter uses POSIX awk (mawk on Debian).
set -eu
PACKAGES="sqlite3 libsqlite3-dev liblucene8-java default-jdk-headless xapian-omega hyperfine"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "Missing packages. Install them with:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "==> installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
