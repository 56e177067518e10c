#!/usr/bin/env bash
# bench/huge-line.sh - peak RSS of gazette-index on 50 MB single lines of
# distinct words (docs/performance.md, "One huge line").
#
#   bench/huge-line.sh [MB] [SEED]     (default 50 MB, seed 1)
#
# Writes, in a temporary directory, a .txt that is one line of distinct
# words (w in base 26, the alphabet shuffled by SEED) and an HTML page whose
# one <p> is that line, one of each kind alone and two of each (the second
# with SEED+1), then runs gazette-index -j1 on the single files and -j2 on
# the pairs, at the default --memory and at --memory 16, and prints each
# run's peak RSS from /usr/bin/time -v. Builds Gazette (build/) when its
# binary is missing. Not a test: takes a few minutes.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MB=${1:-50}
SEED=${2:-1}
INDEX="$ROOT/build/bin/gazette-index"
[ -x "$INDEX" ] || "$ROOT/scripts/dev" build
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian: time)" >&2; exit 69; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gazette-hugeline.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

python3 - "$MB" "$SEED" "$WORK" <<'PY'
import os, random, sys
mb, seed, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]

def line(size, seed):
    letters = list('abcdefghijklmnopqrstuvwxyz')
    random.Random(seed).shuffle(letters)
    words, n, w = [], 0, 0
    while n < size:
        v, s = w, []
        while True:
            s.append(letters[v % 26])
            v //= 26
            if not v:
                break
        words.append(''.join(s))
        n += len(words[-1]) + 1
        w += 1
    return ' '.join(words)

for d in ('txt1', 'html1', 'txt2', 'html2'):
    os.makedirs(os.path.join(work, d))
for i in (0, 1):
    t = line(mb << 20, seed + i)
    h = ('<html><head><title>Big</title></head><body><p>' + t +
         '</p></body></html>\n')
    for kind, text in (('txt', t), ('html', h)):
        with open(os.path.join(work, f'{kind}2', f'big{i}.{kind}'), 'w') as f:
            f.write(text)
        if i == 0:
            with open(os.path.join(work, f'{kind}1', f'big.{kind}'), 'w') as f:
                f.write(text)
PY

printf '%-8s %-4s %-12s %12s\n' corpus jobs memory 'peak RSS KiB'
for c in txt1 html1 txt2 html2; do
    j=1
    case $c in *2) j=2 ;; esac
    for m in default 16; do
        opt=()
        [ "$m" = default ] || opt=(--memory "$m")
        rm -rf "$WORK/db" "$WORK/db.lock"
        /usr/bin/time -v "$INDEX" -j"$j" --quiet "${opt[@]}" --db "$WORK/db" \
            "$WORK/$c" >/dev/null 2>"$WORK/time.txt" ||
            { cat "$WORK/time.txt" >&2; exit 1; }
        rss=$(awk '/Maximum resident/ {print $NF}' "$WORK/time.txt")
        printf '%-8s %-4s %-12s %12s\n' "$c" "-j$j" "$m" "$rss"
    done
done
