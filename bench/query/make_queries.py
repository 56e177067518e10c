#!/usr/bin/env python3
"""make_queries.py - a seeded query set drawn from a corpus's own words.

    make_queries.py [--seed N] [--words N] [--phrases N] DOCS_DIR > QUERIES.tsv

DOCS_DIR holds the converted articles ("*.txt", an optional "Title: ..."
first line, then the text), read in name order. Writes "<qid>\t<query>"
lines: first --words queries of one to three words (default 300), then
--phrases quoted phrases of two or three consecutive words (default 50).

Words are drawn from a random article, then a random word of it, so common
words come up as often as they do in text; a word must be alphabetic, 3 to
15 letters, not an English function word, and in at least 3 articles (a
query that finds nothing measures nothing). Phrases are consecutive such
words of one article. The same seed and corpus give the same queries.
"""
import argparse
import os
import random
import re
import sys

# Words that say nothing on their own (the engines' stoplists differ; a
# query made only of them would measure stoplist handling, not search).
FUNCTION_WORDS = set("""
a about above after again against all also am an and any are as at be because
been before being below between both but by can could did do does doing down
during each either etc for from further had has have having he her here hers
herself him himself his how i if in into is it its itself just may me might
more most must my myself no nor not of off on once only or other our ours
ourselves out over own same shall she should so some such than that the their
theirs them themselves then there these they this those through to too under
until up upon us very was we were what when where whether which while who whom
whose why will with within without would you your yours yourself yourselves
""".split())

WORD = re.compile(r"[A-Za-z]+")


def usable(w):
    return 3 <= len(w) <= 15 and w not in FUNCTION_WORDS


def read_docs(path):
    docs = []
    for name in sorted(os.listdir(path)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(path, name), encoding="utf-8",
                  errors="replace") as f:
            words = [w.lower() for w in WORD.findall(f.read())]
        if words and words[0] == "title":
            words = words[1:]
        docs.append(words)
    return docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--phrases", type=int, default=50)
    ap.add_argument("docs")
    a = ap.parse_args()
    docs = read_docs(a.docs)
    if not docs:
        sys.exit("make_queries.py: no *.txt in " + a.docs)
    df = {}
    for words in docs:
        for w in set(words):
            df[w] = df.get(w, 0) + 1
    rng = random.Random(a.seed)

    def good(w):
        return usable(w) and df.get(w, 0) >= 3

    def random_word():
        while True:
            words = rng.choice(docs)
            if words:
                w = rng.choice(words)
                if good(w):
                    return w

    qid = 0
    for _ in range(a.words):
        n = rng.randint(1, 3)
        qid += 1
        print("w%d\t%s" % (qid, " ".join(random_word() for _ in range(n))))
    qid = 0
    while qid < a.phrases:
        words = rng.choice(docs)
        n = rng.randint(2, 3)
        if len(words) < n:
            continue
        at = rng.randrange(len(words) - n + 1)
        run = words[at:at + n]
        if all(good(w) for w in run):
            qid += 1
            print('p%d\t"%s"' % (qid, " ".join(run)))


if __name__ == "__main__":
    main()
