/* spelling.c - "did you mean": when to offer Xapian's correction. */
#include "search_private.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "query_text.h"

/* The spelling suggestion in the words the person typed (see
 * gz_query_restore_corrections); "" when Xapian corrected nothing. */
/* A word of a query is "rare" next to its correction when the correction
 * is in this many times more articles: "did you mean" is for words the
 * index hardly has, not for "aid" when "said" is more common. */
#define RARE_RATIO 10

/* The next white-space separated word of *p, trimmed of punctuation that
 * the parser does not index ("(word", "word\")"): [*start, *start+*len).
 * Advances *p; returns 0 at the end. */
static int next_word(const char **p, const char **start, size_t *len)
{
    while (**p && isspace((unsigned char)**p))
        (*p)++;
    if (!**p)
        return 0;
    const char *w = *p;
    while (**p && !isspace((unsigned char)**p))
        (*p)++;
    const char *e = *p;
    while (w < e && ispunct((unsigned char)*w))
        w++;
    while (e > w && ispunct((unsigned char)e[-1]))
        e--;
    *start = w;
    *len = (size_t)(e - w);
    return 1;
}

/* Articles holding the unprefixed term [w, w+n) (0 when unknown). */
static uint32_t word_freq(gazette_index_t *index, const char *w, size_t n)
{
    char term[GZ_TERM_BUF];
    uint32_t tf = 0;
    if (n == 0 || n >= sizeof term)
        return 0;
    memcpy(term, w, n);
    term[n] = '\0';
    if (xap_database_termfreq(index->db, term, &tf) != XAP_OK)
        return 0;
    return tf;
}

/* 1 when each word Xapian corrected in `text` is rare next to its
 * correction in `corrected` (word for word; texts of different lengths
 * cannot be compared and are trusted). */
static int corrections_worth_it(gazette_index_t *index, const char *text,
                                const char *corrected)
{
    const char *p = text, *q = corrected, *a, *b;
    size_t an, bn;
    for (;;) {
        int more_a = next_word(&p, &a, &an), more_b = next_word(&q, &b, &bn);
        if (!more_a || !more_b)
            return 1;
        if (an == bn && memcmp(a, b, an) == 0)
            continue;
        uint64_t had = word_freq(index, a, an), alt = word_freq(index, b, bn);
        if (had * RARE_RATIO >= alt)
            return 0;
    }
}

xap_status gz_suggest(gazette_index_t *index, const char *query,
                      const char *text, gazette_results_t *r)
{
    char *corrected = NULL;
    xap_status s = xap_queryparser_corrected_query(index->qp, &corrected);
    if (s == XAP_OK && *corrected &&
        corrections_worth_it(index, text, corrected)) {
        r->suggestion = gz_query_restore_corrections(query, text, corrected);
        if (!r->suggestion)
            s = XAP_ERR_NOMEM;
    }
    free(corrected);
    return s;
}

/* The spelling suggestion for the whole of `text` (the query was parsed in
 * pieces): one more parse, kept only for its correction, so that the
 * suggestion keeps the typed fields and dates in place. A text Xapian
 * cannot parse whole gets no suggestion. */
xap_status gz_suggest_whole(gazette_index_t *index, const char *query,
                            const char *text, unsigned flags,
                            gazette_results_t *r)
{
    xap_query *whole = NULL;
    xap_status s = xap_queryparser_parse(index->qp, text, flags, NULL, &whole);
    xap_query_free(whole);
    if (s == XAP_ERR_QUERY_PARSE)
        return XAP_OK;
    return s == XAP_OK ? gz_suggest(index, query, text, r) : s;
}
