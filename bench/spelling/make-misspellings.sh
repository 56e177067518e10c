#!/bin/sh
# make-misspellings.sh BBC_DIR [SEED] - write misspelt queries made from
# real words of the BBC corpus to stdout, as "typed<TAB>expected<TAB>edit".
#
# Words: lower-case runs of letters in the corpus (not parts of words with
# an apostrophe, such as "shouldn"), 5 to 12 letters, seen at least 20
# times (so they are real, common words).
# For 120 of them, picked with awk's rand() seeded with SEED (default 12),
# one edit each, in turn: a deleted letter, two neighbours swapped, a
# letter replaced, a letter inserted (never the first letter, as typing
# slips rarely hit it). An edit that makes a word the corpus has is tried
# again elsewhere. Every other query gets a second, correct word, so that
# a fix must also leave the rest of the query alone ("tsunmai aid").
#
# The committed misspelt.tsv was made with Debian 12's mawk 1.3.4 (awk's
# rand() differs between awk implementations).
set -eu
BBC=${1:?usage: make-misspellings.sh BBC_DIR [SEED]}
SEED=${2:-12}
find "$BBC" -name '*.txt' -exec cat {} + |
    tr 'A-Z' 'a-z' | tr -cs "a-z'" '\n' | grep -v "'" | sort | uniq -c |
    awk -v seed="$SEED" '
    { count[$2] = $1 }
    END {
        n = 0
        for (w in count)
            if (count[w] >= 20 && length(w) >= 5 && length(w) <= 12)
                cand[n++] = w
        # a fixed order before the seeded picks
        for (i = 1; i < n; i++) {
            v = cand[i]; j = i - 1
            while (j >= 0 && cand[j] > v) { cand[j + 1] = cand[j]; j-- }
            cand[j + 1] = v
        }
        srand(seed)
        letters = "abcdefghijklmnopqrstuvwxyz"
        kinds[0] = "deletion"; kinds[1] = "transposition"
        kinds[2] = "substitution"; kinds[3] = "insertion"
        made = 0
        while (made < 120) {
            w = cand[int(rand() * n)]
            if (w in used) continue
            kind = kinds[made % 4]
            typo = ""
            for (try = 0; try < 20 && typo == ""; try++) {
                L = length(w)
                p = 2 + int(rand() * (L - 1))      # 2..L, 1-based
                c = substr(letters, 1 + int(rand() * 26), 1)
                if (kind == "deletion")
                    t = substr(w, 1, p - 1) substr(w, p + 1)
                else if (kind == "transposition") {
                    if (p >= L || substr(w, p, 1) == substr(w, p + 1, 1))
                        continue
                    t = substr(w, 1, p - 1) substr(w, p + 1, 1) \
                        substr(w, p, 1) substr(w, p + 2)
                } else if (kind == "substitution") {
                    if (c == substr(w, p, 1)) continue
                    t = substr(w, 1, p - 1) c substr(w, p + 1)
                } else
                    t = substr(w, 1, p - 1) c substr(w, p)
                if (!(t in count)) typo = t
            }
            if (typo == "") continue
            used[w] = 1
            typed = typo; expected = w
            if (made % 2 == 1) {
                do { o = cand[int(rand() * n)] } while (o == w)
                typed = typed " " o; expected = expected " " o
            }
            print typed "\t" expected "\t" kind
            made++
        }
    }'
