/* hyphens.c - the forms of the words of a hyphenated query word.
 *
 * Xapian's parser reads a word joined by '-' (or '/', '.', ':', '\\',
 * '@') as a phrase of its parts, and a phrase's words are searched as
 * written: the stemmed terms carry no positions. So "e-mail" did not
 * find "e-mails", nor "anti-terror" "anti-terrorism". Each part of such
 * a phrase is searched also as the other words of the index that have
 * its stem (at most GZ_MAX_WORD_FORMS forms a part), weighed as one word
 * (xap_query_phrase_forms). A quoted phrase is still searched as written
 * (docs/search.md, "Hyphenated words").
 */
#include "search_private.h"

#include <stdlib.h>
#include <string.h>

#include "ascii.h"

/* The shortest part (and start of a part, bytes) whose words are looked
 * at: the walk over "co" of "co-operation" read every word in "co" (6 M
 * instructions, a quarter of the whole search, on the BBC corpus). */
#define FORMS_MIN_START 3
/* The most words a part's walk looks at, so that a common start ("con")
 * costs a bounded time in any index. */
#define FORMS_MAX_VISITED 1000

/* The rewrite of one query (gz_hyphen_forms). */
typedef struct hyphen_ctx {
    gazette_index_t *index;
    const char *text;      /* the normalised query text */
    int joined;            /* the phrase being rewritten is a joined word */
    size_t plen;           /* the length of its terms' prefix */
    char *forms[GZ_MAX_WORD_FORMS];   /* the forms of the last call */
    size_t nforms;
    /* the walk over the words starting as the part does */
    const char *term;      /* the part's term */
    const char *stem;      /* its stem */
    size_t max;
    size_t visited;
    xap_status status;
} hyphen_ctx;

/* A byte that joins the parts of a word into a phrase for Xapian's
 * parser (its is_phrase_generator). */
static int is_joiner(char c)
{
    return c != '\0' && strchr(".-/:\\@", c) != NULL;
}

/* A byte of a word: an ASCII letter or digit, or part of a UTF-8
 * character. */
static int is_word_byte(unsigned char c)
{
    return gz_ascii_isalpha(c) || gz_ascii_isdigit(c) || c >= 0x80;
}

/* The length of the prefix of `term`: its leading capitals (Xapian's
 * terms are lower case, their prefixes upper case). */
static size_t prefix_length(const char *term)
{
    size_t n = 0;
    while (gz_ascii_isupper((unsigned char)term[n]))
        n++;
    return n;
}

/* 1 when `text` at `at` writes the `n` words `words` (terms less `plen`
 * bytes of prefix) joined by joiners, as one word (ASCII case aside). */
static int joined_at(const char *text, const char *const *words, size_t n,
                     size_t plen)
{
    const char *p = text;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && !is_joiner(*p))
            return 0;
        while (i > 0 && is_joiner(*p))
            p++;
        const char *w = words[i] + plen;
        size_t len = strlen(w);
        for (size_t k = 0; k < len; k++)
            if (gz_ascii_tolower((unsigned char)p[k]) != (unsigned char)w[k])
                return 0;
        p += len;
    }
    return !is_word_byte((unsigned char)*p);
}

/* 1 when the phrase of the `n` terms `terms`, all of prefix length
 * `plen`, is written in `text` as a joined word outside double quotes
 * (a quoted phrase is searched as written). */
static int written_joined(const char *text, const char *const *terms,
                          size_t n, size_t plen)
{
    int quoted = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        if (quoted || (p > text && is_word_byte((unsigned char)p[-1])))
            continue;
        if (joined_at(p, terms, n, plen))
            return 1;
    }
    return 0;
}

/* 1 when the part `word` is worth its forms: three bytes or more, no
 * digit (numbers have none), no apostrophe (a possessive is searched
 * as written). */
static int has_forms(const char *word)
{
    if (strlen(word) < FORMS_MIN_START)
        return 0;
    for (const char *p = word; *p; p++)
        if (gz_ascii_isdigit((unsigned char)*p) || *p == '\'')
            return 0;
    return 1;
}

static void forms_free(hyphen_ctx *c)
{
    for (size_t i = 0; i < c->nforms; i++)
        free(c->forms[i]);
    c->nforms = 0;
}

/* xap_database_each_term callback: keep a word of the part's stem, stop
 * once the forms are full, FORMS_MAX_VISITED words were read or a read
 * failed. */
static int keep_form(const char *term, size_t len, uint32_t freq, void *ctx)
{
    (void)len;
    (void)freq;
    hyphen_ctx *c = ctx;
    if (++c->visited > FORMS_MAX_VISITED)
        return 1;
    if (strcmp(term, c->term) == 0)
        return 0;
    char *stem = NULL;
    c->status = xap_stem_word(c->index->stem, term + c->plen, &stem);
    if (c->status == XAP_OK && strcmp(stem, c->stem) == 0) {
        c->forms[c->nforms] = strdup(term);
        if (!c->forms[c->nforms])
            c->status = XAP_ERR_NOMEM;
        else
            c->nforms++;
    }
    free(stem);
    return c->status != XAP_OK || c->nforms >= c->max;
}

/* The bytes of `word` the walk starts from, given its `stem`: what they
 * share, less the stem's last character when the word holds it whole
 * and it is longer than 3 bytes, as a shorter form may end otherwise
 * ("studies", stem "studi", has the form "study"; "hope" has "hoping");
 * a stem of 3 bytes or fewer is kept whole, as fewer than
 * FORMS_MIN_START would not be walked at all. 0 when too short to walk. */
static size_t walk_start(const char *word, const char *stem)
{
    size_t n = 0;
    while (word[n] && word[n] == stem[n])
        n++;
    if (stem[n] == '\0' && n > 3)
        n--;
    while (n > 0 && ((unsigned char)word[n] & 0xC0) == 0x80)
        n--;   /* a whole UTF-8 character */
    return n >= FORMS_MIN_START ? n : 0;
}

/* The forms of the term `term` (its prefix `plen` bytes) into c->forms:
 * the index's words that start as it does and have its stem. */
static xap_status walk_forms(hyphen_ctx *c, const char *term, size_t max)
{
    const char *word = term + c->plen;
    char *stem = NULL;
    char start[GZ_TERM_BUF];
    xap_status s = xap_stem_word(c->index->stem, word, &stem);
    size_t n = s == XAP_OK ? walk_start(word, stem) : 0;
    if (n && c->plen + n < sizeof start) {
        memcpy(start, term, c->plen + n);
        start[c->plen + n] = '\0';
        c->term = term;
        c->stem = stem;
        c->max = max;
        c->visited = 0;
        c->status = XAP_OK;
        s = xap_database_each_term(c->index->db, start, keep_form, c);
        if (s == XAP_OK)
            s = c->status;
    }
    free(stem);
    return s;
}

/* xap_phrase_forms_fn: the forms of part `at` of a phrase that the query
 * writes as a joined word; none for any other phrase. */
static xap_status part_forms(const char *const *terms, size_t n, size_t at,
                             const char **forms, size_t max, size_t *nforms,
                             void *ctx)
{
    hyphen_ctx *c = ctx;
    forms_free(c);
    *nforms = 0;
    if (at == 0) {
        c->plen = prefix_length(terms[0]);
        c->joined = 1;
        for (size_t i = 1; i < n; i++)
            c->joined &= prefix_length(terms[i]) == c->plen &&
                         strncmp(terms[i], terms[0], c->plen) == 0;
        c->joined = c->joined && written_joined(c->text, terms, n, c->plen);
    }
    if (!c->joined || !has_forms(terms[at] + c->plen))
        return XAP_OK;
    if (max > GZ_MAX_WORD_FORMS - 1)
        max = GZ_MAX_WORD_FORMS - 1;
    xap_status s = walk_forms(c, terms[at], max);
    for (size_t i = 0; s == XAP_OK && i < c->nforms; i++)
        forms[i] = c->forms[i];
    *nforms = s == XAP_OK ? c->nforms : 0;
    return s;
}

/* gz_hyphen_forms - see search_private.h. */
xap_status gz_hyphen_forms(gazette_index_t *index, const char *text,
                           xap_query **q)
{
    /* Over a remote index Xapian's server sends every word of a walk's
     * start before the first is read, so FORMS_MAX_VISITED bounds
     * nothing there (a hundred parts in "con" held a search for minutes):
     * its joined words are searched as written. */
    if (!*q || !strpbrk(text, ".-/:\\@") || !index->language ||
        strcmp(index->language, "none") == 0 ||
        gz_index_searches_remote(index))
        return XAP_OK;
    hyphen_ctx c = {.index = index, .text = text};
    xap_query *out = NULL;
    xap_status s = xap_query_phrase_forms(*q, part_forms,
                                          GZ_MAX_WORD_FORMS - 1, &c, &out);
    forms_free(&c);
    if (s == XAP_OK) {
        xap_query_free(*q);
        *q = out;
    }
    return s;
}
