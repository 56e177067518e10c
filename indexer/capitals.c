/* capitals.c - the capitals terms of an article (capitals.h). */
#include "capitals.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "address.h"
#include "buf.h"
#include "schema.h"

/* A word of the text: [start, start+len), its case, and whether a
 * sentence starts with it. */
typedef struct cap_word {
    const char *start;
    size_t len;
    size_t letters, uppers, lowers, chars;
    int first_upper;        /* its first character is a capital */
    int sentence_initial;
    int acronym;            /* "U.S.": the letters without the dots */
} cap_word;

/* The code point at p (< end) in *cp and its length; a byte that does not
 * start valid UTF-8 counts as one character that is not a letter. */
static size_t next_char(const char *p, const char *end, int32_t *cp)
{
    if ((unsigned char)*p < 0x80) {   /* most text: no decoding */
        *cp = (unsigned char)*p;
        return 1;
    }
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)p,
                                          end - p, cp);
    if (n <= 0) {
        *cp = -1;
        return 1;
    }
    return (size_t)n;
}

/* Xapian's character classes (its TermGenerator decides what a word is),
 * answered here for ASCII, where a letter, a digit or '_' (connector
 * punctuation) is a word character, from a table: asking Xapian for each
 * character was most of this file's cost, and three tests per character
 * much of the rest. tests/test_entities.c checks the answers against
 * Xapian's for all of ASCII (gz_capitals_char_class). */
#define D_ GZ_CHAR_WORD
#define U_ (GZ_CHAR_WORD | GZ_CHAR_UPPER)
#define L_ (GZ_CHAR_WORD | GZ_CHAR_LOWER)
static const unsigned char ASCII_CLASS[128] = {
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 00 */
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 10 */
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 20 */
    D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, 0,  0,  0,  0,  0,  0,  /* 0-9 */
    0,  U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, /* @A-O */
    U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, 0,  0,  0,  0,  D_, /* P-Z_ */
    0,  L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, /* `a-o */
    L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, 0,  0,  0,  0,  0}; /* p-z */
#undef D_
#undef U_
#undef L_

/* GZ_CHAR_* bits of `cp` (-1: a byte that is not UTF-8: none). */
static int char_class(int32_t cp)
{
    if (cp >= 0 && cp < 0x80)
        return ASCII_CLASS[cp];
    if (cp < 0)
        return 0;
    return (xap_unicode_is_wordchar((uint32_t)cp) ? GZ_CHAR_WORD : 0) |
           (xap_unicode_is_upper((uint32_t)cp) ? GZ_CHAR_UPPER : 0) |
           (xap_unicode_is_lower((uint32_t)cp) ? GZ_CHAR_LOWER : 0);
}

static int is_word(int32_t cp)
{
    if (cp >= 0 && cp < 0x80)
        return ASCII_CLASS[cp] & GZ_CHAR_WORD;
    return cp >= 0 && xap_unicode_is_wordchar((uint32_t)cp);
}

int gz_capitals_char_class(int32_t cp)
{
    return char_class(cp);
}

static int is_apostrophe(int32_t cp)
{
    return cp == '\'' || cp == 0x2019;
}

/* Characters after which the next word starts a sentence (opening quotes
 * and brackets: quoted speech and asides start with a capital too). */
static int starts_sentence_after(int32_t cp)
{
    return cp == '.' || cp == '!' || cp == '?' || cp == ':' || cp == '"' ||
           cp == '\n' || cp == '(' || cp == '[' || cp == 0x201C ||
           cp == 0x2018 || cp == 0x2026 || cp == 0x2014;
}

/* "U.S.", "U.N.", "U.S.A" at p: single ASCII capitals joined by dots and
 * not followed by a word character, as Xapian's TermGenerator reads an
 * acronym. Returns the bytes it covers (0 when it is not one). */
static size_t dotted_acronym(const char *p, const char *end)
{
    const char *q = p;
    size_t letters = 0;
    while (q < end && *q >= 'A' && *q <= 'Z') {
        letters++;
        q++;
        if (q + 1 < end && *q == '.' && q[1] >= 'A' && q[1] <= 'Z') {
            q++;
            continue;
        }
        break;
    }
    if (letters < 2 || q == p + 1)
        return 0;
    if (q < end && *q == '.')
        q++;
    int32_t cp;
    if (q < end && (next_char(q, end, &cp), is_word(cp)))
        return 0;
    return (size_t)(q - p);
}

/* The next word at or after *p (advanced past it); 0 at the end of the
 * text. *boundary tracks whether a sentence starts before the word. */
static int next_word(const char **p, const char *end, int *boundary,
                     cap_word *w)
{
    int32_t cp = 0;
    while (*p < end) {
        size_t n = next_char(*p, end, &cp);
        if (is_word(cp))
            break;
        if (starts_sentence_after(cp))
            *boundary = 1;
        *p += n;
    }
    if (*p >= end)
        return 0;
    memset(w, 0, sizeof *w);
    w->start = *p;
    w->sentence_initial = *boundary;
    *boundary = 0;
    size_t acro = dotted_acronym(*p, end);
    if (acro) {
        w->len = acro;
        w->acronym = 1;
        *p += acro;
        /* "U.S." may end a sentence as well ("... in the U.S. The ..."):
         * the next word is taken as a possible sentence start. */
        if ((*p)[-1] == '.')
            *boundary = 1;
        return 1;
    }
    const char *q = *p;
    /* A word is CJK text, or none of it: it ends where the other starts,
     * as the TermGenerator of an index of CJK n-grams splits words
     * ("NATO加盟国" has the capitals term "nato", not the whole run). */
    int cjk = gz_cjk_at(q, (size_t)(end - q));
    while (q < end) {
        size_t n = next_char(q, end, &cp);
        int cls = char_class(cp);
        if ((cls & GZ_CHAR_WORD) && gz_is_cjk(cp) != cjk)
            break;
        if (cls & GZ_CHAR_WORD) {
            int up = (cls & GZ_CHAR_UPPER) != 0;
            int low = (cls & GZ_CHAR_LOWER) != 0;
            if (w->chars == 0)
                w->first_upper = up;
            w->chars++;
            w->letters += up || low;
            w->uppers += up;
            w->lowers += low;
            q += n;
            continue;
        }
        /* An apostrophe inside a word: "O'Brien" goes on, a closing
         * possessive "'s" ends it. */
        int32_t next = 0;
        if (is_apostrophe(cp) && q + n < end &&
            (next_char(q + n, end, &next), is_word(next)) &&
            gz_is_cjk(next) == cjk) {
            const char *after = q + n + 1;
            int32_t after_cp = 0;
            if ((next == 's' || next == 'S') &&
                (after >= end ||
                 (next_char(after, end, &after_cp), !is_word(after_cp))))
                break;
            q += n;
            continue;
        }
        break;
    }
    w->len = (size_t)(q - *p);
    *p = q;
    if (*p < end) {
        /* skip a possessive so it does not look like a word of its own */
        int32_t a = 0, s = 0;
        size_t n = next_char(*p, end, &a);
        if (is_apostrophe(a) && *p + n < end) {
            size_t m = next_char(*p + n, end, &s);
            if (s == 's' || s == 'S')
                *p += n + m;
        }
    }
    return 1;
}

/* The prefix of the capitals term of the word (capitals.h), or NULL when
 * its capitals say nothing. */
static const char *capitals_prefix(const cap_word *w, int only_all_caps)
{
    if (w->acronym ||
        (w->chars >= 2 && w->letters >= 1 && w->lowers == 0))
        return GZ_PREFIX_UPPER;
    if (only_all_caps || w->uppers == 0)
        return NULL;
    /* A sentence starts with a capital whatever the word: only a capital
     * after the first letter ("McCain", "iPod") still says something. */
    return !w->sentence_initial || w->uppers > (size_t)w->first_upper
               ? GZ_PREFIX_CAPS : NULL;
}

/* The capitals term of `w` into `term` (GZ_TERM_BUF bytes): `prefix` +
 * word lower-cased, dots of an acronym left out. Returns its length, 0
 * when out of memory. */
static size_t capitals_term(const cap_word *w, const char *prefix,
                            char *term)
{
    char word[GZ_TERM_BUF];
    size_t n = 0, i = 0;
    unsigned char bytes = 0;   /* the bytes of word OR-ed together */
    for (; i < w->len && n + 1 < sizeof word; i++)
        if (!(w->acronym && w->start[i] == '.')) {
            word[n++] = w->start[i];
            bytes |= (unsigned char)w->start[i];
        }
    /* Cut inside a character (the next byte continues it): drop the part
     * copied, so that the word stays UTF-8. */
    if (i < w->len && ((unsigned char)w->start[i] & 0xC0) == 0x80) {
        while (n > 0 && ((unsigned char)word[n - 1] & 0xC0) == 0x80)
            n--;
        if (n > 0)
            n--;
    }
    /* An ASCII word (most are) short enough to need no hash: lower-cased
     * here as Xapian lower-cases ASCII, with no call and no copies. */
    size_t plen = strlen(prefix);
    if (bytes < 0x80 && plen <= GZ_MAX_TERM_BYTES &&
        n <= GZ_MAX_TERM_BYTES - plen) {
        memcpy(term, prefix, plen);
        for (size_t i = 0; i < n; i++) {
            char c = word[i];
            term[plen + i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        term[plen + n] = '\0';
        return plen + n;
    }
    char *lower = NULL;
    size_t len = 0;
    if (xap_unicode_tolower_utf8(word, n, &lower, &len) != XAP_OK)
        return 0;
    char *value = malloc(len + 1);
    if (!value) {
        free(lower);
        return 0;
    }
    memcpy(value, lower, len);
    value[len] = '\0';
    size_t tlen = gz_make_term(prefix, value, term, GZ_TERM_BUF);
    free(value);
    free(lower);
    return tlen;
}

/* How a title is written: 2 in capitals (no term at all), 1 in Title
 * Case (three or more words after the first, at least three quarters of
 * them capitalised: only words in capitals count), else 0. Words of
 * addresses are not counted, as in a text (add_text). */
static int title_style(const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    int boundary = 1;
    size_t words = 0, capitalised = 0, shouted = 0, long_words = 0;
    cap_word w;
    gz_address_scan addresses;
    gz_address_scan_init(&addresses, text, len);
    for (int first = 1; next_word(&p, end, &boundary, &w); first = 0) {
        if (gz_address_has_word(&addresses, w.start))
            continue;
        if (w.letters >= 2) {
            long_words++;
            shouted += w.lowers == 0;
        }
        /* short function words ("of", "in") stay lower case in Title Case */
        if (first || w.letters < 4)
            continue;
        words++;
        capitalised += w.first_upper;
    }
    if (long_words >= 2 && shouted * 2 > long_words)
        return 2;
    return words >= 3 && capitalised * 4 >= words * 3;
}

/* Add `term` to `doc`. Markers add nothing to the document's length
 * (wdf 0), so BM25 ranks every other term exactly as before (a wdf of 1
 * for capitals stopwords such as "IS" moved ADI's MAP); the query gives
 * them their weight (query/search.c). */
static xap_status add_marker(xap_document *doc, const char *term)
{
    return xap_document_add_term(doc, term, 0);
}

/* A title's terms: its style first (title_style), then its words. */
static xap_status add_title(xap_document *doc, const char *text, size_t len)
{
    int style = title_style(text, len);
    if (style == 2)
        return XAP_OK;
    const char *p = text, *end = text + len;
    int boundary = 1;
    cap_word w;
    xap_status s = XAP_OK;
    gz_address_scan addresses;
    gz_address_scan_init(&addresses, text, len);
    while (s == XAP_OK && next_word(&p, end, &boundary, &w)) {
        if (gz_address_has_word(&addresses, w.start))
            continue;
        const char *prefix = capitals_prefix(&w, style == 1);
        if (!prefix)
            continue;
        char term[GZ_TERM_BUF];
        s = capitals_term(&w, prefix, term) ? add_marker(doc, term)
                                            : XAP_ERR_NOMEM;
    }
    return s;
}

/* A text's terms, in one pass: they are kept (NUL-separated, in
 * `pending`) while the words are counted, and added only when the text
 * is not mostly in capitals: when most of its words of two or more
 * letters are (teletype archives such as the TIME collection), capitals
 * say nothing and it gets none, but GZ_TERM_TEXT_IN_CAPITALS instead, so
 * that a query word in capitals still finds its words. The words of
 * e-mail addresses and host names (address.h) are neither terms nor
 * counted: "CS.BERKELEY.EDU" in a signature is no acronym, and no sign of
 * a text in capitals. */
static xap_status add_text(xap_document *doc, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    int boundary = 1;
    size_t words = 0, shouted = 0;
    cap_word w;
    gz_buf pending = {0};
    gz_address_scan addresses;
    gz_address_scan_init(&addresses, text, len);
    while (next_word(&p, end, &boundary, &w)) {
        if (gz_address_has_word(&addresses, w.start))
            continue;
        if (w.letters >= 2) {
            words++;
            shouted += w.lowers == 0;
        }
        const char *prefix = capitals_prefix(&w, 0);
        if (!prefix)
            continue;
        char term[GZ_TERM_BUF];
        size_t n = capitals_term(&w, prefix, term);
        if (!n) {
            pending.failed = 1;
            break;
        }
        gz_buf_put(&pending, term, n + 1);
    }
    xap_status s = pending.failed ? XAP_ERR_NOMEM : XAP_OK;
    if (s == XAP_OK && shouted * 2 > words)
        s = add_marker(doc, GZ_TERM_TEXT_IN_CAPITALS);
    else if (s == XAP_OK)
        for (size_t at = 0; s == XAP_OK && at < pending.len;
             at += strlen(pending.data + at) + 1)
            s = add_marker(doc, pending.data + at);
    gz_buf_free(&pending);
    return s;
}

xap_status gz_capitals_add(xap_document *doc, const char *text, size_t len,
                           int is_title)
{
    return is_title ? add_title(doc, text, len) : add_text(doc, text, len);
}
