#!/usr/bin/env bash
# bench/query-bench.sh - query latency of libgazette and gazette-query
# against the raw Xapian API, Lucene 8, SQLite FTS5 and Xapian's quest,
# side by side on the same corpus and queries.
#
#   bench/query-bench.sh [--rounds N] [--oneshot N] [--scale] [--shards]
#                        [--work DIR] [--keep]
#
#   --rounds N   timed rounds over the query list (default 3; a query's
#                latency is its median over the rounds)
#   --oneshot N  queries timed one-shot (process start to exit) with
#                hyperfine, gazette-query against quest (default 20)
#   --scale      also measure on aclImdb at 50 000 and at 500 000 articles
#                (the 50 000 reviews replicated 10 times, each copy's text
#                marked so duplicates do not collapse): builds a 500 000
#                article index, which takes long (see docs/performance.md)
#   --shards     also measure 20 Newsgroups split in two shards (the first
#                ten groups and the last ten, each indexed alone): searched
#                as one through a stub file of local paths, and through
#                two xapian-tcpsrv on loopback (docs/scaling.md)
#   --work DIR   scratch directory (default: a new one under $TMPDIR)
#   --keep       keep the scratch directory
#
# Environment: GAZETTE_BUILD (default build), GAZETTE_SHARED_CORPORA
# (default ../shared/corpora beside the source tree).
#
# Corpus: ../shared/corpora/20news-bydate, each post converted to a
# "Title: <Subject>" line and its body (the converted text is what every
# engine indexes). Queries (bench/query/make_queries.py, seeded): 300 of one
# to three words drawn from the corpus's own text and 50 quoted phrases of
# two or three consecutive words. Engines:
#   xapian   the raw Xapian API on the Gazette index with Gazette's ranking
#            (bench/query/xapian_qbench.c): parse, top 10, read each hit
#   same     libgazette ranking exactly as xapian (feedback, spelling,
#            duplicate collapsing and snippets off): what the library adds
#   default  libgazette defaults: feedback, spelling, collapsing, snippets
#   features the raw Xapian API offering the same features its own way
#            (xapian_qbench -m features: RSet/ESet feedback, the parser's
#            spelling correction, collapse key, MSet::snippet of the text)
#   facets   the defaults with --facet source, against xapian counting the
#            same facet (a ValueCountMatchSpy over every match)
#   lucene   Lucene 8.7 EnglishAnalyzer, BM25, in memory
#   sqlite   SQLite FTS5 porter unicode61, bm25(), in memory
#   oneshot  gazette-query (snippets on) and quest, one process per query
# and, with --scale, xapian and default on aclImdb 50k and 500k.
# Prints the tables of docs/performance.md (query section) on stdout and
# progress on stderr. Not a test: timing depends on the machine's load.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${GAZETTE_BUILD:-$ROOT/build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
CORPORA=${GAZETTE_SHARED_CORPORA:-$ROOT/../shared/corpora}
LUCENE_CP=/usr/share/java/lucene-core-8.7.0.jar:/usr/share/java/lucene-analyzers-common-8.7.0.jar
ROUNDS=3 ONESHOT=20 SCALE=0 SHARDS=0 WORK= KEEP=0

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'query-bench.sh: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --oneshot) ONESHOT=$2; shift 2 ;;
    --scale) SCALE=1; shift ;;
    --shards) SHARDS=1; shift ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//;$d'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
    esac
done

for tool in gazette-index gazette-query gz_qbench xapian_qbench sqlite_qbench; do
    [ -x "$BUILD/bin/$tool" ] || die "$BUILD/bin/$tool missing: build first (scripts/dev build)"
done
"$ROOT/bench/setup.sh" || die "bench/setup.sh could not install the peers"
for tool in quest hyperfine javac java python3 xapian-compact; do
    command -v "$tool" >/dev/null || die "$tool not found (scripts/dev installs xapian-tools, bench/setup.sh the rest)"
done
[ -f "$CORPORA/20news-bydate/20news-bydate.tar.gz" ] || die "no $CORPORA/20news-bydate"

if [ -z "$WORK" ]; then
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/gazette-qbench.XXXXXX")
    [ "$KEEP" = 1 ] || trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK"
say "work directory $WORK"

# ------------------------------------------------------------------ corpora

# 20 Newsgroups: WORK/20news/<group>/<split>-<number>.txt (the group is the
# article's source, for the facet), and a flat view for the peers.
prepare_20news() {
    local d=$WORK/20news
    [ -d "$d/flat" ] && return 0
    say "20news: extracting and converting"
    mkdir -p "$d/raw"
    tar -xzf "$CORPORA/20news-bydate/20news-bydate.tar.gz" -C "$d/raw"
    python3 - "$d/raw" "$d/docs" "$d/flat" <<'EOF'
import os, sys
raw, docs, flat = sys.argv[1:4]
os.makedirs(flat, exist_ok=True)
for split in ("20news-bydate-train", "20news-bydate-test"):
    for group in sorted(os.listdir(os.path.join(raw, split))):
        os.makedirs(os.path.join(docs, group), exist_ok=True)
        for name in sorted(os.listdir(os.path.join(raw, split, group))):
            text = open(os.path.join(raw, split, group, name), "rb").read()
            text = text.decode("latin-1")
            head, _, body = text.partition("\n\n")
            subject = ""
            for line in head.split("\n"):
                if line.lower().startswith("subject:"):
                    subject = line[8:].strip()
            rel = os.path.join(group, "%s-%s.txt" % (split[14:], name))
            with open(os.path.join(docs, rel), "w", encoding="utf-8") as f:
                f.write("Title: %s\n\n%s" % (subject or "(no subject)", body))
            os.symlink(os.path.join(docs, rel),
                       os.path.join(flat, rel.replace("/", "-")))
EOF
    rm -rf "$d/raw"
}

# aclImdb: WORK/imdb/c50k (the 50 000 reviews) and, with --scale,
# WORK/imdb/c500k/rep0..rep9 (each review once per copy, " copyN" added).
prepare_imdb() {
    local d=$WORK/imdb
    [ -d "$d/c50k" ] && return 0
    [ -f "$CORPORA/aclimdb/aclImdb_v1_labeled.tar.gz" ] || die "no $CORPORA/aclimdb"
    say "aclImdb: extracting"
    mkdir -p "$d"
    tar -xzf "$CORPORA/aclimdb/aclImdb_v1_labeled.tar.gz" -C "$d"
    mkdir -p "$d/c50k"
    mv "$d/aclImdb/train" "$d/aclImdb/test" "$d/c50k/"
    rm -rf "$d/aclImdb" "$d"/c50k/*/urls_*.txt
    python3 - "$d/c50k" "$d/flat50k" <<'EOF'
import os, sys
src, flat = sys.argv[1:3]
os.makedirs(flat, exist_ok=True)
for root, _, files in os.walk(src):
    for f in files:
        p = os.path.join(root, f)
        os.symlink(p, os.path.join(flat, os.path.relpath(p, src).replace("/", "-")))
EOF
}

prepare_imdb500k() {
    local d=$WORK/imdb
    [ -d "$d/c500k" ] && return 0
    say "aclImdb: 10 marked copies (500 000 files)"
    python3 - "$d/c50k" "$d/c500k" 10 <<'EOF'
import os, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for r in range(n):
    for root, _, files in os.walk(src):
        out = os.path.join(dst, "rep%d" % r, os.path.relpath(root, src))
        os.makedirs(out, exist_ok=True)
        for f in files:
            data = open(os.path.join(root, f), "rb").read()
            with open(os.path.join(out, f), "wb") as o:
                o.write(data + b" copy%d\n" % r)
EOF
}

# index ROOT DB: gazette-index, timed.
index() {
    [ -e "$2" ] && return 0
    say "indexing $1 -> $2"
    /usr/bin/time -f "  %e s, %M KiB max RSS" \
        "$BUILD/bin/gazette-index" --quiet --db "$2" "$1" || [ $? -eq 1 ]
}

# The 500 000-article index: the ten copies as one corpus (ids
# rep0/train/pos/..., unique), one index like the 50k one.
index500k() {
    local db=$WORK/imdb/i500k.idx
    [ -e "$db" ] && return 0
    say "indexing 500 000 articles (long)"
    index "$WORK/imdb/c500k" "$db"
}

# ------------------------------------------------------------------ running

results=$WORK/results.tsv
: > "$results"

# record NAME: read "...: N queries, p50 X us, p99 Y us, mean Z us" on stdin
record() {
    awk -v name="$1" '/queries, p50/ {
        for (i = 1; i <= NF; i++) {
            if ($i == "p50") p50 = $(i + 1)
            if ($i == "p99") p99 = $(i + 1)
        }
        printf "%s\t%s\t%s\n", name, p50, p99 }' >> "$results"
}

# run NAME COMMAND...: run a latency program, record its summary line.
run() {
    local name=$1
    shift
    say "$name"
    "$@" 2> "$WORK/$name.err" || { cat "$WORK/$name.err" >&2; die "$name failed"; }
    tee -a "$WORK/log" < "$WORK/$name.err" | record "$name"
}

# Compile the Lucene harness.
mkdir -p "$WORK/lucene"
javac -d "$WORK/lucene" -cp "$LUCENE_CP" "$ROOT/bench/query/LuceneQBench.java"

prepare_20news
N20=$WORK/20news
index "$N20/docs" "$N20/gazette.idx"
python3 "$ROOT/bench/query/make_queries.py" "$N20/flat" > "$N20/queries.tsv"

run xapian "$BUILD/bin/xapian_qbench" -r "$ROUNDS" -o "$WORK/xapian.res" \
    "$N20/gazette.idx" "$N20/queries.tsv"
run same "$BUILD/bin/gz_qbench" -m same -r "$ROUNDS" -o "$WORK/same.res" \
    "$N20/gazette.idx" "$N20/queries.tsv"
run default "$BUILD/bin/gz_qbench" -m default -r "$ROUNDS" \
    "$N20/gazette.idx" "$N20/queries.tsv"
run features "$BUILD/bin/xapian_qbench" -m features -r "$ROUNDS" \
    "$N20/gazette.idx" "$N20/queries.tsv"
run xapian_facets "$BUILD/bin/xapian_qbench" -m facets -r "$ROUNDS" \
    "$N20/gazette.idx" "$N20/queries.tsv"
run facets "$BUILD/bin/gz_qbench" -m default -f source -r "$ROUNDS" \
    "$N20/gazette.idx" "$N20/queries.tsv"
run lucene java -cp "$WORK/lucene:$LUCENE_CP" LuceneQBench "$N20/flat" \
    "$N20/queries.tsv" "$ROUNDS"
run sqlite "$BUILD/bin/sqlite_qbench" -r "$ROUNDS" "$N20/flat" \
    "$N20/queries.tsv"
same_hits=$(paste "$WORK/xapian.res" "$WORK/same.res" |
            awk -F '\t' '$2 == $4 { n++ } END { printf "%d/%d", n, NR }')

# One-shot: hyperfine per query, gazette-query (snippets on) against quest
# on the same index, the first ONESHOT word queries and 5 phrases.
say "one-shot: gazette-query and quest, $ONESHOT + 5 queries"
{ head -n "$ONESHOT" "$N20/queries.tsv"; grep -m 5 '^p' "$N20/queries.tsv"; } |
while IFS=$'\t' read -r qid q; do
    hyperfine --shell=none --warmup 2 --runs 10 --style none \
        --export-json "$WORK/oneshot-$qid.json" \
        "$BUILD/bin/gazette-query --db $N20/gazette.idx $(printf '%q' "$q")" \
        "quest -d $N20/gazette.idx $(printf '%q' "$q")" > /dev/null 2>&1 ||
        die "hyperfine failed on $qid"
done
python3 - "$WORK" >> "$results" <<'EOF'
import glob, json, statistics, sys
gz, qu = [], []
for f in sorted(glob.glob(sys.argv[1] + "/oneshot-*.json")):
    r = json.load(open(f))["results"]
    gz.append(r[0]["median"] * 1e6)
    qu.append(r[1]["median"] * 1e6)
def pct(v, p):
    v = sorted(v)
    return v[max(0, min(len(v) - 1, int(-(-p * len(v) // 100)) - 1))]
print("gazette-query\t%.0f\t%.0f" % (pct(gz, 50), pct(gz, 99)))
print("quest\t%.0f\t%.0f" % (pct(qu, 50), pct(qu, 99)))
print("oneshot_ratio\t%.3f\t%.3f" % (statistics.median(g / q for g, q in zip(gz, qu)),
                                     max(g / q for g, q in zip(gz, qu))))
EOF

# Two shards of 20 Newsgroups, searched as one locally (a stub file of
# "auto" paths) and remotely (two xapian-tcpsrv on loopback, a stub file
# of "remote" lines); each shard alone too, for the per-shard figures.
if [ "$SHARDS" = 1 ]; then
    mkdir -p "$N20/shard-a" "$N20/shard-b"
    n=0
    for g in "$N20"/docs/*/; do
        n=$((n + 1))
        [ "$n" -le 10 ] && half=a || half=b
        # hard links: gazette-index does not follow symlinks out of a root
        [ -e "$N20/shard-$half/$(basename "$g")" ] ||
            cp -rl "$g" "$N20/shard-$half/"
    done
    index "$N20/shard-a" "$N20/a.idx"
    index "$N20/shard-b" "$N20/b.idx"
    ports=()
    pids=()
    for half in a b; do
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        # its own session: xapian-tcpsrv signals its whole process group
        # when it stops, which would take this script with it
        setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" \
            "$N20/$half.idx" > "$WORK/tcpsrv-$half.log" 2>&1 &
        pids+=($!)
        ports+=("$port")
    done
    trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
    for port in "${ports[@]}"; do
        for _ in $(seq 50); do
            python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" \
                2>/dev/null && break
            sleep 0.2
        done
    done
    printf 'auto %s\nauto %s\n' "$N20/a.idx" "$N20/b.idx" > "$N20/local2.stub"
    printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "${ports[@]}" \
        > "$N20/remote2.stub"
    printf 'remote 127.0.0.1:%s\n' "${ports[0]}" > "$N20/remote-a.stub"
    for m in same default; do
        run "${m}_shard_a" "$BUILD/bin/gz_qbench" -m "$m" -r "$ROUNDS" \
            "$N20/a.idx" "$N20/queries.tsv"
        run "${m}_local2" "$BUILD/bin/gz_qbench" -m "$m" -r "$ROUNDS" \
            "$N20/local2.stub" "$N20/queries.tsv"
        run "${m}_remote_a" "$BUILD/bin/gz_qbench" -m "$m" -r "$ROUNDS" \
            "$N20/remote-a.stub" "$N20/queries.tsv"
        run "${m}_remote2" "$BUILD/bin/gz_qbench" -m "$m" -r "$ROUNDS" \
            "$N20/remote2.stub" "$N20/queries.tsv"
    done
    kill "${pids[@]}" 2>/dev/null || true
fi

if [ "$SCALE" = 1 ]; then
    prepare_imdb
    I=$WORK/imdb
    index "$I/c50k" "$I/i50k.idx"
    python3 "$ROOT/bench/query/make_queries.py" "$I/flat50k" > "$I/queries.tsv"
    run xapian_50k "$BUILD/bin/xapian_qbench" -r "$ROUNDS" "$I/i50k.idx" "$I/queries.tsv"
    run same_50k "$BUILD/bin/gz_qbench" -m same -r "$ROUNDS" "$I/i50k.idx" "$I/queries.tsv"
    run default_50k "$BUILD/bin/gz_qbench" -m default -r "$ROUNDS" "$I/i50k.idx" "$I/queries.tsv"
    prepare_imdb500k
    index500k
    run xapian_500k "$BUILD/bin/xapian_qbench" -r "$ROUNDS" "$I/i500k.idx" "$I/queries.tsv"
    run same_500k "$BUILD/bin/gz_qbench" -m same -r "$ROUNDS" "$I/i500k.idx" "$I/queries.tsv"
    run default_500k "$BUILD/bin/gz_qbench" -m default -r "$ROUNDS" "$I/i500k.idx" "$I/queries.tsv"
fi

# ------------------------------------------------------------------ tables

say "tables"
awk -F '\t' -v same_hits="$same_hits" '
{ p50[$1] = $2; p99[$1] = $3 }
function ms(us) { return sprintf("%.2f", us / 1000) }
function row(label, name, base) {
    if (!(name in p50)) return
    printf "| %s | %s | %s | %.2f | %.2f |\n", label, ms(p50[name]), ms(p99[name]),
           p50[name] / p50[base], p99[name] / p99[base]
}
END {
    print "| 20 Newsgroups, 350 queries, top 10 | p50 ms | p99 ms | p50 / xapian | p99 / xapian |"
    print "|---|---:|---:|---:|---:|"
    row("raw Xapian API, Gazette ranking", "xapian", "xapian")
    row("libgazette, same ranking (" same_hits " identical pages)", "same", "xapian")
    row("libgazette, defaults", "default", "xapian")
    row("raw Xapian API with the same features", "features", "xapian")
    row("Lucene 8.7", "lucene", "xapian")
    row("SQLite FTS5", "sqlite", "xapian")
    row("raw Xapian API + source facet", "xapian_facets", "xapian_facets")
    row("libgazette, defaults + source facet", "facets", "xapian_facets")
    print ""
    print "| ratio | p50 | p99 |"
    print "|---|---:|---:|"
    printf "| libgazette defaults / raw Xapian with the same features | %.2f | %.2f |\n", p50["default"] / p50["features"], p99["default"] / p99["features"]
    printf "| libgazette defaults / Lucene | %.2f | %.2f |\n", p50["default"] / p50["lucene"], p99["default"] / p99["lucene"]
    printf "| libgazette defaults / SQLite FTS5 | %.2f | %.2f |\n", p50["default"] / p50["sqlite"], p99["default"] / p99["sqlite"]
    printf "| facets: libgazette / raw Xapian | %.2f | %.2f |\n", p50["facets"] / p50["xapian_facets"], p99["facets"] / p99["xapian_facets"]
    print ""
    print "| one-shot, process start to exit | p50 ms | p99 ms |"
    print "|---|---:|---:|"
    printf "| gazette-query (snippets on) | %s | %s |\n", ms(p50["gazette-query"]), ms(p99["gazette-query"])
    printf "| quest | %s | %s |\n", ms(p50["quest"]), ms(p99["quest"])
    printf "| gazette-query / quest, per query: median %.2f, worst %.2f | | |\n", p50["oneshot_ratio"], p99["oneshot_ratio"]
    if ("same_local2" in p50) {
        print ""
        print "| 20 Newsgroups, 350 queries | same ranking p50 / p99 ms | defaults p50 / p99 ms |"
        print "|---|---:|---:|"
        split("same:default", m, ":")
        n = split("shard_a:one shard (the first ten groups), local;local2:both shards through a stub file, local;remote_a:one shard through xapian-tcpsrv;remote2:both shards through two xapian-tcpsrv", rows, ";")
        printf "| one index of all 20 groups, local | %s / %s | %s / %s |\n", ms(p50["same"]), ms(p99["same"]), ms(p50["default"]), ms(p99["default"])
        for (i = 1; i <= n; i++) {
            split(rows[i], kv, ":")
            printf "| %s | %s / %s | %s / %s |\n", kv[2],
                ms(p50["same_" kv[1]]), ms(p99["same_" kv[1]]),
                ms(p50["default_" kv[1]]), ms(p99["default_" kv[1]])
        }
    }
    if ("xapian_50k" in p50) {
        print ""
        print "| aclImdb | raw Xapian p50 / p99 ms | libgazette same p50 / p99 ms | defaults p50 / p99 ms | same / xapian p50 | defaults / xapian p50 |"
        print "|---|---:|---:|---:|---:|---:|"
        split("50k 500k", sizes, " ")
        for (i = 1; i <= 2; i++) {
            s = sizes[i]
            printf "| %s articles | %s / %s | %s / %s | %s / %s | %.2f | %.2f |\n", s,
                ms(p50["xapian_" s]), ms(p99["xapian_" s]), ms(p50["same_" s]), ms(p99["same_" s]),
                ms(p50["default_" s]), ms(p99["default_" s]),
                p50["same_" s] / p50["xapian_" s], p50["default_" s] / p50["xapian_" s]
        }
    }
}' "$results"
