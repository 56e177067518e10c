#!/usr/bin/env python3
"""Snippets of phrases: count the hits whose snippet has no phrase marked
while the article's text has the phrase (a quality measurement, not a test).

The queries: the 100 commonest hyphenated words of the corpus (searched as
typed, so with the forms of their parts, docs/search.md "Hyphenated words")
and the 50 commonest two-word phrases of words of four letters or more that
are no stop words (searched in quotes). For each, the first --limit hits of
gazette-query --json: a hit whose body holds the phrase (its words side by
side, in order, a part's forms approximated by any ending) and whose snippet
marks nothing that spans two words is a miss.

  bench/snippets/phrase_misses.py --query build/bin/gazette-query \
      --db /tmp/bbc.idx --corpus ../shared/corpora/bbc [--list]
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

STOP = set("""that this with from have been were will would there their they
which about after could should these those than them when what where while
also into over more most said says very just only such some other said""".split())


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def articles(corpus):
    for folder, _, files in sorted(os.walk(corpus)):
        for name in sorted(files):
            if name.endswith(".txt") and name != "README.TXT":
                yield os.path.join(folder, name)


def common_queries(corpus, nhyphen, nphrase):
    hyphens, pairs = collections.Counter(), collections.Counter()
    for path in articles(corpus):
        text = read(path)
        hyphens.update(m.lower() for m in
                       re.findall(r"\b[A-Za-z]+-[A-Za-z]+\b(?!-)", text))
        for sentence in re.split(r"[^A-Za-z ]+", text):
            words = sentence.lower().split()
            for a, b in zip(words, words[1:]):
                if len(a) >= 4 and len(b) >= 4 and a not in STOP \
                        and b not in STOP:
                    pairs[(a, b)] += 1
    hy = [w for w, _ in sorted(hyphens.items(),
                               key=lambda kv: (-kv[1], kv[0]))[:nhyphen]]
    ph = ['"%s %s"' % p for p, _ in sorted(pairs.items(),
                                           key=lambda kv: (-kv[1], kv[0]))
          [:nphrase]]
    return hy + ph


def phrase_pattern(query):
    parts = re.findall(r"[a-z]+", query.lower())
    # a hyphenated word's parts take forms: any ending (approximate)
    ending = r"\w*" if not query.startswith('"') else ""
    return re.compile(r"\b" + r"\W+".join(re.escape(p) + ending
                                          for p in parts) + r"\b",
                      re.IGNORECASE)


def body_of(path):
    text = read(path)
    # line 1 is the headline (the title), then the body
    return text.split("\n", 1)[1] if "\n" in text else ""


def marks_phrase(hit):
    snippet = hit.get("snippet", "").encode("utf-8")
    for start, end in hit.get("highlights", []):
        if re.search(rb"\w\W+\w", snippet[start:end]):
            return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--query", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--hyphens", type=int, default=100)
    ap.add_argument("--phrases", type=int, default=50)
    ap.add_argument("--list", action="store_true", help="print each miss")
    a = ap.parse_args()
    totals = collections.Counter()
    for query in common_queries(a.corpus, a.hyphens, a.phrases):
        kind = "phrase" if query.startswith('"') else "hyphen"
        out = subprocess.run([a.query, "--db", a.db, "--json", "-n",
                              str(a.limit), query], capture_output=True,
                             check=True).stdout
        pattern = phrase_pattern(query)
        for line in out.splitlines():
            hit = json.loads(line)
            if hit.get("type") != "hit":
                continue
            totals[kind + " hits"] += 1
            if not pattern.search(body_of(os.path.join(a.corpus,
                                                       hit["path"]))):
                continue
            totals[kind + " with phrase"] += 1
            if not marks_phrase(hit):
                totals[kind + " misses"] += 1
                if a.list:
                    print("MISS %s %s: %s" % (query, hit["path"],
                                              hit.get("snippet", "")))
    for kind in ("hyphen", "phrase"):
        print("%s: %d hits, %d with the phrase in the body, %d misses" %
              (kind, totals[kind + " hits"], totals[kind + " with phrase"],
               totals[kind + " misses"]))


if __name__ == "__main__":
    sys.exit(main())
