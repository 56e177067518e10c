/* spelling.c - "did you mean": which words of a query to correct.
 *
 * Xapian's QueryParser corrects every word it can, by the spelling table
 * alone: "aid" becomes "said" (a more frequent word one letter away),
 * "Lebanon" becomes "lebanon's". Gazette decides word by word, on the
 * words as typed, with the index's own counts (docs/search.md has the
 * rules and bench/spelling/ the measured rates):
 *   - only plain words are looked at: no operator, field, wildcard,
 *     number, word in capitals ("ID" is not "did") or word of one or two
 *     letters;
 *   - a word the index already has (the word itself or its stem, in more
 *     than RARE_WORD articles, or in an author's name, a tag or a source) is
 *     spelt right: "aid", "Lebanon", "Fiona" (but see the last rule); in a
 *     phrase or beside NEAR/ADJ, searched unstemmed, the word itself only;
 *   - the correction is Xapian's spelling suggestion for the word, kept
 *     only when it does not have the same stem ("lebanon's") and, for a
 *     word the index has at all, is one slip away from it (one_slip) and
 *     in at least CLEARLY_MORE times as many articles, and never for a
 *     name (written_as_name);
 *   - a word in no article's text but in an author's name, a tag or a
 *     source is offered as that field ("Fiona" gives "author:fiona")
 *     where it can be written so (fields_for); a tag or a source only as
 *     the whole query;
 *   - a word of an author: value that no author has is corrected to the
 *     author's word a slip away (two for a long word) in the most
 *     articles (gz_nearest_author_word), else not at all: the spelling
 *     data hold no names, and a word of the text under author: finds no
 *     author ("author:fionnd" was offered "author:found");
 *   - a word in no article that the rules above leave alone is offered
 *     as the author's word so found, in its field, where one can be
 *     written ("Fionna" gives "author:fiona").
 * The search itself always runs the query as typed.
 */
#include "buf.h"
#include "ascii.h"
#include "query_limits.h"
#include "search_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "fold.h"
#include "schema.h"

/* A word in at most this many articles (as typed or by its stem) may be
 * a misspelling; a word in more is taken as spelt right. Typos are rare
 * in edited news: a word that several articles use is a word. */
#define RARE_WORD 1

/* A correction of a word the index has must be in at least this many
 * times as many articles. */
#define CLEARLY_MORE 10

/* Words shorter than this (in characters) are never corrected: two
 * letters are a correction away from too many words. */
#define MIN_LETTERS 3

/* Xapian's limit on how far a correction may be (edits). */
#define MAX_EDITS 2

/* A word of an author: value of at least this many code points may be
 * corrected to an author's word two slips away, a shorter one only one
 * slip away: two edits of a short name reach too many others. */
#define LONG_NAME 8

/* The most author's words with the typed word's first letter that the
 * walk for a misspelt author looks at (in byte order), so that an
 * archive of many authors costs a bounded time (the bound is
 * gz_nearest_author_word's argument, for a test to lower). */
#define AUTHOR_WORDS_VISITED 2000

/* The longest word (in code points) compared letter by letter; a longer
 * one is never a slip from another. */
#define MAX_COMPARED 64

/* The code point at p (< end), its length in *n; -1 for a byte that does
 * not start valid UTF-8. */
static int32_t char_at(const char *p, const char *end, size_t *n)
{
    int32_t cp = -1;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p,
                                          end - p, &cp);
    *n = k > 0 ? (size_t)k : 1;
    return k > 0 ? cp : -1;
}

static int is_letter(int32_t cp)
{
    return cp >= 0 && (xap_unicode_is_upper((uint32_t)cp) ||
                       xap_unicode_is_lower((uint32_t)cp));
}

/* 1 for an apostrophe as Xapian's term generator reads one between
 * letters (its check_infix): '\'' and U+2019, U+201B, which it indexes as
 * '\'' ("Israel’s" is the term "israel's"). */
static int is_apostrophe(int32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x201B;
}

/* A word of the query as typed: [start, start+len), its letters and
 * capitals; `plain` when it is a word that may be corrected. */
typedef struct typed_word {
    const char *start;
    size_t len, letters, uppers;
    int plain;
} typed_word;

/* 1 when [w, w+n) is one of the query operators in capitals. */
static int is_operator(const char *w, size_t n)
{
    static const char *const ops[] = {"AND", "OR", "NOT", "XOR", "NEAR",
                                      "ADJ"};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (n == strlen(ops[i]) && memcmp(w, ops[i], n) == 0)
            return 1;
    return 0;
}

/* 1 when [w, w+n) names a text field (title:, author:), whose value is
 * words of the text: '"tony blaire"' is corrected under title: as it is
 * alone. Filters (tag:, source:...) hold values, not words, and caps:
 * and upper: words in capitals, which are never corrected. */
static int names_text_field(const char *w, size_t n)
{
    const gz_field *f = gz_field_by_name(w, n);
    return f && f->kind == GZ_KIND_TEXT;
}

/* The next word of the query at *p (advanced past it); 0 at the end. A
 * word is a run of letters with apostrophes inside; whatever touches it
 * other than white space, quotes, parentheses, a +/- sign before it and
 * closing punctuation after it makes it something else (a field, a
 * wildcard, a number, "U.S.", "e-mail"), not a plain word. The value
 * of a field is skipped, but for a text field's, whose words come next
 * ("title:blaire", 'title:"tony blaire"', "title:(tony blaire)"). */
static int next_typed_word(const char **p, const char *end, typed_word *w)
{
    size_t n;
    while (*p < end) {
        int32_t cp = char_at(*p, end, &n);
        if (is_letter(cp) || cp == '_' ||
            (cp >= '0' && cp <= '9') || cp < 0)
            break;
        if (cp > 0x7F) {   /* other non-ASCII: part of no plain word */
            *p += n;
            continue;
        }
        (*p)++;
    }
    if (*p >= end)
        return 0;
    memset(w, 0, sizeof *w);
    w->start = *p;
    w->plain = 1;
    const char *q = *p;
    while (q < end) {
        int32_t cp = char_at(q, end, &n);
        if (is_letter(cp)) {
            w->letters++;
            w->uppers += xap_unicode_is_upper((uint32_t)cp) != 0;
            q += n;
            continue;
        }
        size_t m;
        if (is_apostrophe(cp) && q + n < end &&
            is_letter(char_at(q + n, end, &m))) {
            q += n;
            continue;
        }
        if (cp == '_' || (cp >= '0' && cp <= '9') || cp < 0) {
            w->plain = 0;
            q += n;
            continue;
        }
        break;
    }
    w->len = (size_t)(q - *p);
    if (q < end && strchr(":*.-/@&", *q))
        w->plain = 0;   /* field:, wildcard, "U.S.", compound, address */
    /* skip the rest of a token that is not a plain word; a text field's
     * value is words, taken one by one from the next call */
    if (q < end && *q == ':' && names_text_field(w->start, w->len)) {
        q++;
    } else if (q < end && *q == ':') {
        q++;
        if (q < end && *q == '"') {
            const char *close = memchr(q + 1, '"', (size_t)(end - q - 1));
            q = close ? close + 1 : end;
        } else {
            while (q < end && !gz_ascii_isspace((unsigned char)*q) && *q != ')')
                q++;
        }
    } else if (!w->plain) {
        while (q < end && !gz_ascii_isspace((unsigned char)*q) && *q != ')' &&
               *q != '"')
            q++;
    }
    *p = q;
    if (w->letters < MIN_LETTERS || is_operator(w->start, w->len) ||
        (w->uppers == w->letters && w->letters >= 2))
        w->plain = 0;   /* short, an operator, or written in capitals */
    return 1;
}

/* Articles holding `term`, in *tf. A failed read is the search's
 * failure, never "no article": a damaged block met here gave no
 * suggestion, or another one, and said nothing of the damage (the
 * suggestion is part of the search, as its facets and counts are, which
 * fail it on damage too); a commit that overtook the search
 * (XAP_ERR_DB_MODIFIED) has the whole search run again at the new
 * revision (search_locked). */
static xap_status term_freq(gazette_index_t *index, const char *term,
                            uint32_t *tf)
{
    *tf = 0;
    return xap_database_termfreq(index->db, term, tf);
}

/* Z + the stem of `word` into `buf` (GZ_TERM_BUF bytes); "" on error. */
static void stem_term(gazette_index_t *index, const char *word, char *buf)
{
    char *stem = NULL;
    buf[0] = '\0';
    if (xap_stem_word(index->stem, word, &stem) == XAP_OK &&
        strlen(stem) + 2 <= GZ_TERM_BUF)
        snprintf(buf, GZ_TERM_BUF, "%s%s", GZ_STEM_PREFIX, stem);
    free(stem);
}

/* `word` with each typographic apostrophe made '\'', in place: the
 * index and the spelling table have "israel's" only, so "israel’s"
 * would be a word the index lacks, stemmed apart from "israel's", and
 * offered "israel's" as its correction. */
static void plain_apostrophes(char *word)
{
    char *out = word;
    const char *end = word + strlen(word);
    for (const char *p = word; p < end;) {
        size_t n;
        if (is_apostrophe(char_at(p, end, &n))) {
            *out++ = '\'';
            p += n;
        } else {
            *out++ = *p++;
        }
    }
    *out = '\0';
}

/* The word `w` folded, lower-cased and with its apostrophes as the index
 * has it, in a new string (NULL when out of memory). */
static char *index_form(const typed_word *w)
{
    char *folded = NULL, *lower = NULL;
    size_t flen = 0;
    if (gz_fold_accents(w->start, w->len, &folded, &flen, NULL) != 0)
        return NULL;
    if (xap_unicode_tolower_utf8(folded, flen, &lower, NULL) != XAP_OK)
        lower = NULL;
    free(folded);
    if (lower)
        plain_apostrophes(lower);
    return lower;
}

/* *named 1 when an article the index has `word` in writes it as a name:
 * with a capital where no sentence starts, or in capitals
 * (GZ_PREFIX_CAPS, GZ_PREFIX_UPPER). A rare word is then a name, not a
 * typo: "Thani" (of "Sheikh Tamim bin Hamad Al Thani") was offered
 * "than", "Hamad" "hamas" and "São" "say", each finding its article as
 * typed. */
static xap_status written_as_name(gazette_index_t *index, const char *word,
                                  int *named)
{
    char term[GZ_TERM_BUF];
    static const char *const prefixes[] = {GZ_PREFIX_CAPS, GZ_PREFIX_UPPER};
    xap_status s = XAP_OK;
    *named = 0;
    for (size_t i = 0; s == XAP_OK && !*named &&
                       i < sizeof prefixes / sizeof *prefixes; i++) {
        uint32_t tf = 0;
        if ((size_t)snprintf(term, sizeof term, "%s%s", prefixes[i], word) <
            sizeof term)
            s = term_freq(index, term, &tf);
        *named = tf > 0;
    }
    return s;
}

/* The fields a word of the query may be written in (gz_suggest). */
enum {
    MAY_AUTHOR = 1,   /* author: (free text, as the word was) */
    MAY_TAG = 2,      /* tag:, a filter: only for a query of the word alone */
    MAY_SOURCE = 4    /* source:, a filter too */
};

/* The field (MAY_AUTHOR, MAY_TAG or MAY_SOURCE) in which `word` is a word
 * of an author's name, a tag or a source of some article, in *field; 0
 * when none. Such a word is no typo, though no article's text may have
 * it ("Fiona", of "Author: Fiona MacLeod" in corpus/sample, was offered
 * "final", the tag "rock" "back", and "sport", the source of five
 * articles of the folder sport/, "short"). */
static xap_status field_holding(gazette_index_t *index, const char *word,
                                int *field)
{
    static const struct {
        const char *prefix;
        int field;
    } fields[] = {{GZ_PREFIX_AUTHOR, MAY_AUTHOR},
                  {GZ_PREFIX_TAG, MAY_TAG},
                  {GZ_PREFIX_SOURCE, MAY_SOURCE}};
    char term[GZ_TERM_BUF];
    xap_status s = XAP_OK;
    *field = 0;
    for (size_t i = 0; s == XAP_OK && !*field &&
                       i < sizeof fields / sizeof *fields; i++) {
        uint32_t tf = 0;
        snprintf(term, sizeof term, "%s%s", fields[i].prefix, word);
        s = term_freq(index, term, &tf);
        *field = tf > 0 ? fields[i].field : 0;
    }
    return s;
}

/* The code points of the UTF-8 `word` into cp[0..max); their number,
 * or max + 1 when there are more (a byte that starts no valid sequence
 * counts as one). */
static size_t code_points(const char *word, int32_t *cp, size_t max)
{
    const char *p = word, *end = word + strlen(word);
    size_t n = 0;
    while (p < end && n <= max) {
        size_t k;
        int32_t c = char_at(p, end, &k);
        if (n < max)
            cp[n] = c;
        n++;
        p += k;
    }
    return n;
}

/* The slips of the keyboard (letters left out, added, changed, or two
 * neighbours swapped: the optimal string alignment distance) between the
 * code points a[0..m) and b[0..n), when at most `max`; max + 1 when more,
 * or when the first letters differ (a typo spares the first letter). */
static unsigned slips_apart(const int32_t *a, size_t m, const int32_t *b,
                            size_t n, unsigned max)
{
    if (m == 0 || n == 0 || m > MAX_COMPARED || n > MAX_COMPARED ||
        a[0] != b[0] || (m > n ? m - n : n - m) > max)
        return max + 1;
    unsigned rows[3][MAX_COMPARED + 1];
    unsigned *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= n; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= m; i++) {
        unsigned least = cur[0] = (unsigned)i;
        for (size_t j = 1; j <= n; j++) {
            unsigned d = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && before[j - 2] + 1 < d)
                d = before[j - 2] + 1;
            cur[j] = d;
            if (d < least)
                least = d;
        }
        if (least > max)
            return max + 1;
        unsigned *oldest = before;
        before = prev;
        prev = cur;
        cur = oldest;
    }
    return prev[n] <= max ? prev[n] : max + 1;
}

/* 1 when `alt` is `word` after one slip of the keyboard that spares the
 * first letter (slips_apart). A word the index has is sometimes a typo
 * that reached an article, but a candidate two edits away, or with
 * another first letter, is then mostly another real word: in the 47
 * articles of corpus/sample, "snow" was offered "now", "soar" "far",
 * "canal" "final", "stones" "states", and "rays" "days". */
static int one_slip(const char *word, const char *alt)
{
    int32_t a[MAX_COMPARED], b[MAX_COMPARED];
    size_t m = code_points(word, a, MAX_COMPARED);
    size_t n = code_points(alt, b, MAX_COMPARED);
    return slips_apart(a, m, b, n, 1) <= 1;
}

/* `word` searched in `field` (MAY_AUTHOR: "author:fiona"), in a new
 * string in *out; XAP_ERR_NOMEM when out of memory. */
static xap_status in_field(int field, const char *word, char **out)
{
    const char *name = field == MAY_AUTHOR ? "author"
                       : field == MAY_TAG ? "tag"
                                          : "source";
    size_t n = strlen(name) + 1 + strlen(word) + 1;
    if (!(*out = malloc(n)))
        return XAP_ERR_NOMEM;
    snprintf(*out, n, "%s:%s", name, word);
    return XAP_OK;
}

/* Xapian's spelling suggestion for `word` (the index form of a rare
 * word, in `had` articles, `stem` its Z term, in `had_stem`) when the
 * rules at the top of this file keep it: a new string in *out, or NULL.
 * `unstemmed` as for correct_text_word. */
static xap_status suggested(gazette_index_t *index, const char *word,
                            const char *stem, uint32_t had,
                            uint32_t had_stem, int unstemmed, char **out)
{
    char alt_stem[GZ_TERM_BUF];
    char *alt = NULL;
    int named = 0;
    uint32_t alt_had = 0;
    if (strlen(word) >= 64)
        return XAP_OK;
    xap_status s = had ? written_as_name(index, word, &named) : XAP_OK;
    if (s == XAP_OK && !named)
        s = xap_database_spelling_suggestion(index->db, word, MAX_EDITS,
                                             &alt);
    if (s == XAP_OK && alt && *alt && strcmp(alt, word) != 0) {
        stem_term(index, alt, alt_stem);
        uint32_t base = had > had_stem ? had : had_stem;
        /* A word the index does not have at all may take any correction
         * it has; a rare one only a far more common one, a slip away. */
        uint32_t need = base ? CLEARLY_MORE * base : 1;
        int other_stem = strcmp(alt_stem, stem) != 0 || (unstemmed && !had);
        if (other_stem && (!base || one_slip(word, alt)))
            s = term_freq(index, alt, &alt_had);
        if (s == XAP_OK && alt_had >= need) {
            *out = alt;
            alt = NULL;
        }
    }
    free(alt);
    return s;
}

/* The walk over the authors' words for a misspelt one
 * (gz_nearest_author_word). */
typedef struct author_walk {
    int32_t word[MAX_COMPARED];   /* the typed word's code points */
    size_t letters;
    unsigned max_slips;
    size_t visited, visited_at_most;
    char *best;                   /* the nearest so far (no prefix) */
    unsigned best_slips;
    uint32_t best_articles;
    int out_of_memory;
} author_walk;

/* xap_database_each_term callback: keep the author's word `term` when
 * it is nearer the typed word than the best so far, or as near and in
 * more articles (the first in byte order of equals); stop after
 * a->visited_at_most words, or out of memory. */
static int weigh_author_word(const char *term, size_t len, uint32_t articles,
                             void *ctx)
{
    (void)len;
    author_walk *a = ctx;
    if (++a->visited > a->visited_at_most)
        return 1;
    const char *name = term + strlen(GZ_PREFIX_AUTHOR);
    int32_t cp[MAX_COMPARED];
    size_t n = code_points(name, cp, MAX_COMPARED);
    unsigned slips = slips_apart(a->word, a->letters, cp, n, a->max_slips);
    if (slips == 0 || slips > a->max_slips ||
        (a->best && (slips > a->best_slips ||
                     (slips == a->best_slips &&
                      articles <= a->best_articles))))
        return 0;
    char *copy = strdup(name);
    free(a->best);
    a->best = copy;
    a->best_slips = slips;
    a->best_articles = articles;
    a->out_of_memory = !copy;
    return a->out_of_memory;
}

/* The author's word nearest `word` (index form), which no author has: a
 * slip away, two for a word of LONG_NAME letters or more, in the most
 * articles, looking at the first `visited_at_most` authors' words with
 * its first letter (a slip spares it; gz_suggest gives
 * AUTHOR_WORDS_VISITED). A new string in *out, or NULL. Not over a
 * remote index, whose server would send every author's word with that
 * letter whatever the bound (as for the forms of hyphenated words,
 * hyphens.c). */
xap_status gz_nearest_author_word(gazette_index_t *index, const char *word,
                                  size_t visited_at_most, char **out)
{
    author_walk a = {.max_slips = 1, .visited_at_most = visited_at_most};
    char start[sizeof GZ_PREFIX_AUTHOR + 4];   /* + one UTF-8 character */
    size_t first, plen = strlen(GZ_PREFIX_AUTHOR);
    *out = NULL;
    a.letters = code_points(word, a.word, MAX_COMPARED);
    if (a.letters == 0 || a.letters > MAX_COMPARED ||
        gz_index_searches_remote(index))
        return XAP_OK;
    if (a.letters >= LONG_NAME)
        a.max_slips = 2;
    char_at(word, word + strlen(word), &first);
    memcpy(start, GZ_PREFIX_AUTHOR, plen);
    memcpy(start + plen, word, first);
    start[plen + first] = '\0';
    xap_status s = xap_database_each_term(index->db, start,
                                          weigh_author_word, &a);
    if (s == XAP_OK && a.out_of_memory)
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK)
        *out = a.best;
    else
        free(a.best);
    return s;
}

/* `word` (index form), which no article has, as the author's word a
 * slip or two away (gz_nearest_author_word) in its field: "Fionna" gives
 * "author:fiona". A new string in *out, or NULL when none is that near. */
static xap_status as_author_word(gazette_index_t *index, const char *word,
                                 char **out)
{
    char *name = NULL;
    xap_status s =
        gz_nearest_author_word(index, word, AUTHOR_WORDS_VISITED, &name);
    if (s == XAP_OK && name)
        s = in_field(MAY_AUTHOR, name, out);
    free(name);
    return s;
}

/* The correction of `word` (index form, `stem` its Z term) by the
 * rules at the top of this file for a word of the text: a new string in
 * *out, or NULL when the word stays. A word in no
 * article's text but in an author's name, a tag or a source becomes that
 * field ("author:fiona") when `may_fields` (MAY_AUTHOR, MAY_TAG,
 * MAY_SOURCE) allows it: the word as typed finds nothing. So is a word
 * in no article at all with no correction from the text, as the
 * author's word near it (as_author_word) where MAY_AUTHOR allows: only
 * such a word walks the authors' words, so a query of words the index
 * has costs nothing more. A word
 * searched `unstemmed` (in a phrase, beside NEAR or ADJ) is spelt right
 * only as itself, not by its stem: "blaire" of '"tony blaire"' finds
 * nothing there though its stem "blair" is everywhere; and when no
 * article has it, a correction with its stem ("blair") is one. */
static xap_status correct_text_word(gazette_index_t *index, const char *word,
                                    const char *stem, int may_fields,
                                    int unstemmed, char **out)
{
    uint32_t had = 0, had_stem = 0;
    int field = 0;
    xap_status s = term_freq(index, word, &had);
    if (s == XAP_OK && *stem && !unstemmed)
        s = term_freq(index, stem, &had_stem);
    int rare = had <= RARE_WORD && had_stem <= RARE_WORD;
    if (s == XAP_OK && rare)
        s = field_holding(index, word, &field);
    if (s == XAP_OK && (field & may_fields) && !had && !had_stem)
        s = in_field(field, word, out);
    else if (s == XAP_OK && rare && !field)
        s = suggested(index, word, stem, had, had_stem, unstemmed, out);
    if (s == XAP_OK && !*out && !had && !had_stem && !field &&
        (may_fields & MAY_AUTHOR))
        s = as_author_word(index, word, out);
    return s;
}

/* `word` as a term of an author's name, after `stem_prefix` ("" or
 * GZ_STEM_PREFIX), into `term` (GZ_TERM_BUF bytes); 0 when too long to
 * be one. */
static int author_term(char *term, const char *stem_prefix, const char *word)
{
    return (size_t)snprintf(term, GZ_TERM_BUF, "%s%s%s", stem_prefix,
                            GZ_PREFIX_AUTHOR, word) < GZ_TERM_BUF;
}

/* The correction of `word` (index form, `stem` its Z term) of an
 * author: value: the author's word a slip or two away
 * (gz_nearest_author_word) in *out (a new string); NULL when an author
 * has the word (or, unless `unstemmed`, its stem), which then finds its
 * articles as typed, or when no author's word is that near. Never a word
 * of the text only: under author: it finds nobody, or somebody else
 * ("author:fionnd" was offered "author:found"). */
static xap_status correct_author_word(gazette_index_t *index,
                                      const char *word, const char *stem,
                                      int unstemmed, char **out)
{
    char term[GZ_TERM_BUF];
    uint32_t had = 0;
    xap_status s = XAP_OK;
    if (author_term(term, "", word))
        s = term_freq(index, term, &had);
    if (s == XAP_OK && !had && !unstemmed && *stem &&
        author_term(term, GZ_STEM_PREFIX, stem + strlen(GZ_STEM_PREFIX)))
        s = term_freq(index, term, &had);
    if (s == XAP_OK && !had)
        s = gz_nearest_author_word(index, word, AUTHOR_WORDS_VISITED, out);
    return s;
}

/* The correction of one plain word, as correct_author_word has it when
 * `in_author` (of an author: value), else as correct_text_word has it: a
 * new string in *out, or NULL when the word stays. */
static xap_status correct_word(gazette_index_t *index, const typed_word *w,
                               int may_fields, int unstemmed, int in_author,
                               char **out)
{
    *out = NULL;
    char *word = index_form(w);
    if (!word)
        return XAP_ERR_NOMEM;
    char stem[GZ_TERM_BUF];
    stem_term(index, word, stem);
    xap_status s =
        in_author
            ? correct_author_word(index, word, stem, unstemmed, out)
            : correct_text_word(index, word, stem, may_fields, unstemmed, out);
    free(word);
    return s;
}

/* 1 for a quotation mark that opens or closes a phrase, as the query's
 * normalisation reads one (query_text.c): '"', U+201C, U+201D, U+201E.
 * Its length in *n. */
static int is_quote(const char *p, const char *end, size_t *n)
{
    int32_t cp = char_at(p, end, n);
    return cp == '"' || cp == 0x201C || cp == 0x201D || cp == 0x201E;
}

/* 1 when [at, at + len) in `query` stands beside NEAR or ADJ, which
 * take words of the text: a field's word is far from them (a field is
 * indexed apart), and a filter is refused there. */
static int beside_proximity(const char *query, const char *at, size_t len)
{
    const char *end = query + strlen(query), *p = at + len, *q;
    while (p < end && gz_ascii_isspace((unsigned char)*p))
        p++;
    for (q = p; q < end && !gz_query_ends_token(*q); q++)
        ;
    if (gz_query_is_proximity(p, (size_t)(q - p)))
        return 1;
    for (q = at; q > query && gz_ascii_isspace((unsigned char)q[-1]); q--)
        ;
    for (p = q; p > query && !gz_query_ends_token(p[-1]); p--)
        ;
    return gz_query_is_proximity(p, (size_t)(q - p));
}

/* Where `at` in `query` stands (enclosing): inside a phrase, a field's
 * group ("title:(a b)"), both or neither. */
enum { IN_PHRASE = 1, IN_FIELD_GROUP = 2 };
static int enclosing(const char *query, const char *at)
{
    int in_phrase = 0;
    size_t depth = 0, field_depth = 0;   /* depth of the outer field group */
    for (const char *p = query; p < at;) {
        size_t n = 1;
        if (is_quote(p, at, &n))
            in_phrase = !in_phrase;
        else if (!in_phrase && *p == '(') {
            depth++;
            if (!field_depth && p > query && p[-1] == ':')
                field_depth = depth;
        } else if (!in_phrase && *p == ')' && depth) {
            if (depth == field_depth)
                field_depth = 0;
            depth--;
        }
        p += n;
    }
    return (in_phrase ? IN_PHRASE : 0) | (field_depth ? IN_FIELD_GROUP : 0);
}

/* The fields (MAY_AUTHOR, MAY_TAG, MAY_SOURCE) the word `w` of `query`
 * may be written in: none inside a phrase or a field's group, beside
 * NEAR or ADJ, or touching anything but white space, brackets and a sign
 * before it ("rock?" would search the tag "rock?"); a tag or a source,
 * each a filter of the whole query ("rock snow" would find only articles
 * tagged rock), only for a query of the word alone. */
static int fields_for(const char *query, const typed_word *w)
{
    const char *end = query + strlen(query), *after = w->start + w->len;
    char before = w->start > query ? w->start[-1] : ' ';
    if (!gz_ascii_isspace((unsigned char)before) && !strchr("(+-", before))
        return 0;
    if (after < end && !gz_ascii_isspace((unsigned char)*after) &&
        *after != ')')
        return 0;
    if (enclosing(query, w->start) ||
        beside_proximity(query, w->start, w->len))
        return 0;
    const char *first = query, *last = end;
    while (first < end && gz_ascii_isspace((unsigned char)*first))
        first++;
    while (last > first && gz_ascii_isspace((unsigned char)last[-1]))
        last--;
    return first == w->start && last == after
               ? MAY_AUTHOR | MAY_TAG | MAY_SOURCE
               : MAY_AUTHOR;
}

/* The field the word `w` names, its value next after the colon; NULL
 * when it names none. */
static const gz_field *names_field(const typed_word *w, const char *end)
{
    const char *colon = w->start + w->len;
    return colon < end && *colon == ':' ? gz_field_by_name(w->start, w->len)
                                        : NULL;
}

/* The end of a field's value starting at `value` (< end when any): past
 * the closing quote of a phrase, the closing bracket of a group, else
 * the end of the word. */
static const char *value_end(const char *value, const char *end)
{
    size_t n = 0, depth = 0;
    int quoted = 0;
    const char *p = value;
    if (p < end && is_quote(p, end, &n)) {
        for (p += n; p < end && !is_quote(p, end, &n); p += n)
            ;
        return p < end ? p + n : end;
    }
    if (p >= end || *p != '(') {
        while (p < end && !gz_ascii_isspace((unsigned char)*p) && *p != ')')
            p++;
        return p;
    }
    for (; p < end; p += n) {
        n = 1;
        if (is_quote(p, end, &n))
            quoted = !quoted;
        else if (!quoted && *p == '(')
            depth++;
        else if (!quoted && *p == ')' && --depth == 0)
            return p + 1;
    }
    return end;
}

xap_status gz_suggest(gazette_index_t *index, const char *query,
                      gazette_results_t *r)
{
    gz_buf out = {0};
    const char *p = query, *end = query + strlen(query), *copied = query;
    /* the last author: value and the last other field's value, each
     * [from, until): a word is of the one of them that holds it and
     * started last ("author:(fionna title:macleud)": a title word;
     * "title:(storm author:fionna)": an author's) */
    const char *author_from = query, *author_until = query;
    const char *other_from = query, *other_until = query;
    int changed = 0;
    typed_word w;
    xap_status s = XAP_OK;
    while (s == XAP_OK && next_typed_word(&p, end, &w)) {
        /* in a phrase "author:" is two words of the text, as parsed */
        const gz_field *f = enclosing(query, w.start) & IN_PHRASE
                                ? NULL
                                : names_field(&w, end);
        int author = f && strcmp(f->prefix, GZ_PREFIX_AUTHOR) == 0;
        if (f) {
            *(author ? &author_from : &other_from) = w.start;
            *(author ? &author_until : &other_until) =
                value_end(w.start + w.len + 1, end);
        }
        if (!w.plain)
            continue;
        char *alt = NULL;
        /* the parser searches these words as typed, not stemmed */
        int unstemmed = (enclosing(query, w.start) & IN_PHRASE) ||
                        beside_proximity(query, w.start, w.len);
        s = correct_word(index, &w, fields_for(query, &w), unstemmed,
                         w.start < author_until &&
                             (w.start >= other_until ||
                              other_from < author_from),
                         &alt);
        if (!alt)
            continue;
        gz_buf_put(&out, copied, (size_t)(w.start - copied));
        gz_buf_put(&out, alt, strlen(alt));
        copied = w.start + w.len;
        changed = 1;
        free(alt);
    }
    if (s == XAP_OK && changed) {
        gz_buf_put(&out, copied, (size_t)(end - copied));
        if (out.failed)
            s = XAP_ERR_NOMEM;
        else if (out.len <= GAZETTE_MAX_QUERY_BYTES) {   /* else unsearchable */
            r->suggestion = out.data;
            out.data = NULL;
        }
    }
    free(out.data);
    return s;
}
