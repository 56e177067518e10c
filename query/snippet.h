/*
 * snippet.h - plain-text snippets built on Xapian's MSet::snippet.
 */
#ifndef GAZETTE_SNIPPET_H
#define GAZETTE_SNIPPET_H

#include <stddef.h>

#include "xapian_shim.h"

/* The words of a query that a snippet highlights, to find where in a body
 * the matches are before Xapian builds the snippet (see snippet.c). */
typedef struct gz_snippet_words {
    char **text;          /* lower-case ASCII: a whole word or a stem */
    unsigned char *stem;  /* 1: text[i] is a stem (matches the words that
                             stem to it) */
    unsigned char *form;  /* GZ_FORM_* of each word (NULL: all
                             GZ_FORM_ANY), gz_snippet_words_forms */
    size_t n;
    int whole_text;       /* 1: give Xapian the whole text (the query has
                             a wildcard or a word this search cannot
                             find) */
    /* The query's tight phrases (NULL and 0 when it has none, or with
     * whole_text), whose words Xapian highlights only side by side:
     * phrase k is the words phrase_word[phrase_start[k]] up to
     * phrase_word[phrase_start[k + 1]] (indexes into text). */
    size_t *phrase_word;
    size_t *phrase_start;   /* nphrases + 1 entries */
    size_t nphrases;
    unsigned char *alone;   /* with phrases: 1 when the query also has
                               text[i] outside a phrase, highlighted
                               wherever it stands */
} gz_snippet_words;

/* The words of query `q` (the unprefixed and stemmed terms Xapian's
 * snippets highlight) into `w`; `wildcard` non-zero when the query text
 * has a wildcard. Free with gz_snippet_words_free. Returns XAP_OK or
 * XAP_ERR_NOMEM. */
xap_status gz_snippet_words_of(const xap_query *q, int wildcard,
                               gz_snippet_words *w);
void gz_snippet_words_free(gz_snippet_words *w);

/*
 * Words searched in capitals (docs/search.md, "Acronyms and capitals";
 * query/capitals.c): "IT" is its markers (`XUit`) AND the plain term
 * `it`, "AIDS" is (`XUaids` OR `XCaids`) AND `Zaid`. Xapian's snippets
 * and matching terms take such a plain term wherever the article has it,
 * even in an article found by another word that has no marker, so "It
 * rained" highlighted "It" for "IT department". A term the query has
 * only there is a match only where the text writes it as its markers
 * ask.
 */
enum {
    GZ_FORM_ANY = 0,      /* any case */
    GZ_FORM_CAPITAL = 1,  /* with a capital ("Aids", "AIDS"): a caps:
                             marker (XC) */
    GZ_FORM_UPPER = 2     /* no lower-case letter ("IT", "U.S."): upper:
                             markers (XU) alone */
};

/* The terms that a query has only as the plain term of a word searched
 * in capitals: pairs of such a term (as renamed) and one of its marker
 * terms; a term with several markers has several pairs. */
typedef struct gz_capitals_terms {
    char **term;
    char **marker;
    size_t n;
} gz_capitals_terms;

/* The capitals terms of `q` (what xap_query_snippet_parts with
 * XAP_SNIPPET_PARTS_NO_EXCLUDED keeps of it, each term renamed by
 * `rename` as there) into `out`; free with gz_capitals_terms_free.
 * Relies on capitals.c putting a word's markers right before its plain
 * term. Returns XAP_OK, XAP_ERR_NOMEM or the shim's status. */
xap_status gz_capitals_terms_of(const xap_query *q,
                                const char *(*rename)(const char *term,
                                                      void *ctx),
                                void *ctx, gz_capitals_terms *out);
void gz_capitals_terms_free(gz_capitals_terms *c);
/* The GZ_FORM_* `term` (renamed) asks for: GZ_FORM_ANY when the query
 * has it other than as the plain term of a word in capitals. */
unsigned gz_capitals_form(const gz_capitals_terms *c, const char *term);
/* 1 when `c` pairs `term` with the marker `marker`. */
int gz_capitals_marker_of(const gz_capitals_terms *c, const char *term,
                          const char *marker);

/* Set w->form from `c` (the same query's terms). XAP_OK or
 * XAP_ERR_NOMEM. */
xap_status gz_snippet_words_forms(gz_snippet_words *w,
                                  const gz_capitals_terms *c);

/* The stemmer to give gz_snippet_make for snippets of the query whose
 * words are `words` (read, not kept), in
 * `language`: Xapian's, or for English one that leaves alone the words
 * that cannot stem to a query word (snippet.c), which makes the same
 * snippets for less. Free with xap_stem_free. Returns XAP_OK or the
 * shim's status. */
xap_status gz_snippet_stemmer_new(const char *language,
                                  const gz_snippet_words *words,
                                  xap_stem **out);

/* Build a one-line plain-text snippet of about `length` bytes of `body`
 * around the matches of `mset`'s query, whose words are `words` (`stem`
 * stems them, to find which words of `body` stem to them), with
 * Xapian's snippet `flags` (XAP_SNIPPET_CJK_NGRAM for an index of CJK
 * n-grams, else 0); matches that touch ("[北][京]", CJK characters
 * each matched alone) are one highlight ("北京"). A word of a query
 * word in capitals not written as it asks (words->form) is no highlight,
 * nor does it choose the passage. Xapian's
 * HTML escaping is undone and runs of white space become one space. Text
 * with accents is given to Xapian folded as the index is (fold.h), so
 * that "Zurich" highlights "Zürich", and the snippet is then copied from
 * the original words. On
 * success *out is a new malloc()ed string without any markers, and
 * *highlights a new malloc()ed array of *nhighlights [start, end)
 * byte-offset pairs (2 * n entries) of the matched words in *out (NULL
 * when none); the caller frees both. */
xap_status gz_snippet_make(const xap_mset *mset, const xap_stem *stem,
                           const gz_snippet_words *words, unsigned flags,
                           const char *body, size_t body_len, size_t length,
                           char **out, size_t **highlights,
                           size_t *nhighlights);

/* The match set whose statistics snippets are made with, for the query
 * on `enq`, into *stats (new; the caller frees it). `enq` then weighs
 * every term alike (Xapian's BoolWeight), for good. Xapian's snippets
 * prefer the words of greater "max part", a bound on what a word adds
 * to a weight that it sums over the shards holding the word: a word in
 * both shards of a -j2 index counted twice, one in a single shard once,
 * and 1 snippet in about 200 differed from the -j1 index's. Alike, every
 * word counts the same however the archive is split; the passage is
 * then the one with the most matches, as the region given to Xapian is
 * chosen (find_region). */
xap_status gz_snippet_stats(xap_enquire *enq, xap_mset **stats);

/* The start of `body` as a plain-text snippet of at most about `length`
 * bytes (white space folded, cut after a whole word, "..." when cut): for
 * an article that matched by its title alone. New malloc()ed string, or
 * NULL when out of memory. */
char *gz_snippet_lead(const char *body, size_t body_len, size_t length);

/* `plain` with `hi_start`/`hi_end` inserted around each of the `n`
 * highlight pairs (as made by gz_snippet_make). New malloc()ed string, or
 * NULL when out of memory. */
char *gz_snippet_mark(const char *plain, const size_t *highlights, size_t n,
                      const char *hi_start, const char *hi_end);

#endif
