#!/bin/sh
# loo.sh - leave-one-collection-out check of a parameter grid.
#
#   bench/relevance/loo.sh GRID.txt [TABLE.tsv]
#
# GRID.txt is tune.sh's output over several parameter sets. For each
# collection, the parameter set with the best mean MAP over the OTHER
# collections is chosen, and its MAP on the held-out collection printed:
# what the tuning would have given on a collection it never saw. With
# TABLE.tsv (run.sh's build/relevance/table.tsv) the best peer's MAP on
# that collection is printed beside it.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 GRID.txt [TABLE.tsv]" >&2; exit 64; }
awk -v table="${2:-}" '
BEGIN {
    if (table != "")
        while ((getline line < table) > 0) {
            split(line, f, "\t")
            if (f[2] != "gazette" && f[3] > best[f[1]]) best[f[1]] = f[3]
        }
}
NR == 1 { nc = NF - 3; for (i = 1; i <= nc; i++) coll[i] = $(i + 1); next }
{ nr++; name[nr] = $1; for (i = 1; i <= nc; i++) map[nr, i] = $(i + 1) }
END {
    print "| held out | params chosen on the other collections | held-out MAP | best peer |"
    print "|---|---|---:|---:|"
    for (h = 1; h <= nc; h++) {
        bestrow = 0; bestmean = -1
        for (r = 1; r <= nr; r++) {
            s = 0
            for (i = 1; i <= nc; i++) if (i != h) s += map[r, i]
            if (s > bestmean) { bestmean = s; bestrow = r }
        }
        printf "| %s | %s | %.4f | %s |\n", coll[h], name[bestrow], map[bestrow, h],
            (coll[h] in best) ? sprintf("%.4f", best[coll[h]]) : "-"
    }
}' "$1"
