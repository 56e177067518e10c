/* query_text.c - query string rewriting (query_text.h). */
#include "buf.h"
#include "ascii.h"
#include "calendar.h"
#include "query_text.h"
#include "query_limits.h"

#include "fold.h"
#include "schema.h"
#include "xapian_shim.h"
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* Append [s, s+n) with accents folded as the indexer folds them (fold.h)
 * and lower-cased as Xapian lower-cases terms (all of Unicode, so
 * "ÉLYSÉE" is stemmed like "elysee"). */
static void put_lower(gz_buf *b, const char *s, size_t n)
{
    char *folded = NULL, *lower = NULL;
    size_t flen = 0, len = 0;
    if (gz_fold_accents(s, n, &folded, &flen, NULL) != 0 ||
        xap_unicode_tolower_utf8(folded, flen, &lower, &len) != XAP_OK) {
        free(folded);
        b->failed = 1;   /* only fails when out of memory */
        return;
    }
    gz_buf_put(b, lower, len);
    free(lower);
    free(folded);
}

/* Append [s, s+n) with accents folded and every letter upper-cased, so
 * that Xapian's parser, which lower-cases terms itself, leaves the word
 * unstemmed (it stems only words that start in lower case). */
static void put_upper(gz_buf *b, const char *s, size_t n)
{
    char *folded = NULL;
    size_t flen = 0;
    if (gz_fold_accents(s, n, &folded, &flen, NULL) != 0) {
        b->failed = 1;
        return;
    }
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)folded;
    for (size_t i = 0; i < flen;) {
        int32_t cp = 0;
        utf8proc_ssize_t k = utf8proc_iterate(p + i,
                                              (utf8proc_ssize_t)(flen - i),
                                              &cp);
        if (k <= 0) {
            gz_buf_put(b, folded + i, 1);
            i++;
            continue;
        }
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t e = utf8proc_encode_char(
            (int32_t)xap_unicode_toupper((uint32_t)cp), enc);
        gz_buf_put(b, (const char *)enc, (size_t)e);
        i += (size_t)k;
    }
    free(folded);
}

/* 1 when [s, s+n) is a QueryParser operator written in capitals. */
static int is_operator(const char *s, size_t n)
{
    static const char *const words[] = {"AND", "OR", "NOT", "XOR", "NEAR",
                                        "ADJ"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t w = strlen(words[i]);
        if (n < w || memcmp(s, words[i], w) != 0)
            continue;
        if (n == w)
            return 1;
        /* NEAR/3, ADJ/5 */
        if (w >= 3 && s[w] == '/' && n > w + 1 && (s[0] == 'N' || s[0] == 'A')
            && strspn(s + w + 1, "0123456789") >= n - w - 1)
            return 1;
    }
    return 0;
}

/* Parse one end of a date range [s, s+n) into YYYYMMDD in `out` (9 bytes):
 * the first day it covers when `is_end` is 0, else the last. Returns 0, or
 * -1 when it is not a date. */
static int date_bound(const char *s, size_t n, int is_end, char out[9])
{
    char tmp[16];
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    int y = 0, m = 0, d = 0, used = 0;
    if (n == 8 && strspn(tmp, "0123456789") == 8)
        sscanf(tmp, "%4d%2d%2d%n", &y, &m, &d, &used);
    else if (n == 10)
        sscanf(tmp, "%4d-%2d-%2d%n", &y, &m, &d, &used);
    else if (n == 7)
        sscanf(tmp, "%4d-%2d%n", &y, &m, &used);
    else if (n == 4)
        sscanf(tmp, "%4d%n", &y, &used);
    if (used != (int)n || y < 1 || (n >= 7 && (m < 1 || m > 12)))
        return -1;
    if (n == 4)
        m = is_end ? 12 : 1;
    if (n == 4 || n == 7)
        d = is_end ? gz_days_in_month(y, m) : 1;
    if (d < 1 || d > gz_days_in_month(y, m))
        return -1;
    char tmp2[32];   /* roomy: -Wformat-truncation cannot bound d */
    snprintf(tmp2, sizeof tmp2, "%04d%02d%02d", y % 10000, m % 100, d % 100);
    memcpy(out, tmp2, 9);
    return 0;
}

/* The length of the typographic double quote at `p` (U+201C, U+201D or
 * U+201E, which plain_quotes makes '"'): 3, or 0 when there is none. */
static size_t typographic_quote_length(const char *p)
{
    return (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
                   ((unsigned char)p[2] == 0x9C ||
                    (unsigned char)p[2] == 0x9D || (unsigned char)p[2] == 0x9E)
               ? 3
               : 0;
}

/* Where [s, s+n), a piece of the query as normalise reads it, stands in
 * `user`, the query gz_query_normalise was given (as typed, but for a
 * query all in capitals, lower-cased before): its first span that
 * reads as [s, s+n) once its typographic quotes are made '"' (a '"' of
 * the piece matching either), the piece's last '"' possibly missing (a
 * field's quote never closed is closed by normalise_field_quote). NULL
 * when there is none, as when the piece was rewritten
 * ('date:(2023-13 OR 2024)' is read as '(date:2023-13 OR date:2024)');
 * else the span's length in *shown_n. */
static const char *find_as_typed(const char *user, const char *s, size_t n,
                                 size_t *shown_n)
{
    if (!user || n == 0)
        return NULL;
    for (const char *start = user; *start; start++) {
        const char *u = start;
        size_t i = 0;
        for (; i < n; i++) {
            size_t q = typographic_quote_length(u);
            if (s[i] == '"' && q)
                u += q;
            else if (*u && *u == s[i])
                u++;
            else if (!(s[i] == '"' && i + 1 == n))
                break;
        }
        if (i == n) {
            *shown_n = (size_t)(u - start);
            return start;
        }
    }
    return NULL;
}

/* `text` (len bytes) folded and lower-cased as put_lower makes it, into
 * *out (malloc()ed, NUL-terminated, *out_len bytes) with *map (out_len
 * + 1 entries): the offset in `text` of the character each byte of
 * *out came from. Lower-cased a character at a time, as
 * xap_unicode_tolower_utf8 does, to keep the map. Returns 0, or -1 when
 * out of memory (nothing allocated). */
static int lower_with_map(const char *text, size_t len, char **out,
                          size_t *out_len, size_t **map)
{
    char *folded = NULL;
    size_t flen = 0, *fmap = NULL;
    if (gz_fold_accents(text, len, &folded, &flen, &fmap) != 0)
        return -1;
    /* each character, of 1 byte or more, lower-cases to at most 4 */
    char *lower = malloc(4 * flen + 1);
    size_t *lmap = malloc((4 * flen + 1) * sizeof *lmap);
    size_t n = 0;
    for (size_t i = 0; lower && lmap && i < flen;) {
        uint32_t cp = 0;
        size_t k = gz_utf8_next((const unsigned char *)folded + i,
                                (const unsigned char *)folded + flen, &cp);
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t e = (unsigned char)folded[i] >= 0x80 && k == 1
                                 ? 0   /* not UTF-8: copied as it is */
                                 : utf8proc_encode_char(
                                       (int32_t)xap_unicode_tolower(cp), enc);
        if (e <= 0) {
            e = 1;
            enc[0] = (utf8proc_uint8_t)folded[i];
        }
        for (utf8proc_ssize_t j = 0; j < e; j++) {
            lower[n] = (char)enc[j];
            lmap[n++] = fmap[i];
        }
        i += k;
    }
    if (lower && lmap) {
        lower[n] = '\0';
        lmap[n] = len;
    }
    free(folded);
    free(fmap);
    if (!lower || !lmap) {
        free(lower);
        free(lmap);
        return -1;
    }
    *out = lower;
    *out_len = n;
    *map = lmap;
    return 0;
}

/* gz_query_as_typed - see query_text.h. */
int gz_query_as_typed(const char *typed, const char *piece, size_t n,
                      const char **at, size_t *at_n)
{
    char *lower = NULL;
    size_t len = 0, *map = NULL;
    *at = NULL;
    if (lower_with_map(typed, strlen(typed), &lower, &len, &map) != 0)
        return -1;
    /* first a span that starts a word, as the piece does, then any */
    for (int anywhere = 0; anywhere < 2 && !*at && n > 0; anywhere++)
        for (size_t k = 0; k + n <= len; k++) {
            unsigned char before = k ? (unsigned char)lower[k - 1] : ' ';
            if (memcmp(lower + k, piece, n) != 0 ||
                (!anywhere && (before >= 0x80 || before == '_' ||
                               gz_ascii_isalnum(before))))
                continue;
            *at = typed + map[k];
            *at_n = map[k + n] - map[k];
            break;
        }
    free(lower);
    free(map);
    return 0;
}

/* The piece [field, value+vlen) of the query as normalise reads it, a
 * field and its value, as the user typed it (find_as_typed), for a
 * message: the piece, or when only its value is found, the field as read
 * and the value as typed, or else the piece as read. A new malloc()ed
 * string, or NULL when out of memory. */
static char *field_as_typed(const char *user, const char *field,
                            const char *value, size_t vlen)
{
    gz_buf b = {0};
    size_t n = 0;
    const char *whole = find_as_typed(user, field,
                                      (size_t)(value - field) + vlen, &n);
    if (whole) {
        gz_buf_put(&b, whole, n);
    } else {
        const char *v = find_as_typed(user, value, vlen, &n);
        gz_buf_put(&b, field, (size_t)(value - field));
        if (v)
            gz_buf_put(&b, v, n);
        else
            gz_buf_put(&b, value, vlen);
    }
    gz_buf_put(&b, "", 0);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

/* Rewrite the value of a date: field, [typed, typed+typed_n) after the
 * field's name at `field` (its sign left out), as "date:A..B". A quoted
 * value ('date:"2023-11"', normalise reads it with the field) is the date
 * inside the quotes, as year:"2024" is the year; a message shows the
 * field and value as the user typed them (`user`, field_as_typed):
 * 'date:“2023-13”' with its typographic quotes. */
static int put_date(gz_buf *b, const char *field, const char *typed,
                    size_t typed_n, const char *user, char *err,
                    size_t errlen)
{
    const char *v = typed;
    size_t n = typed_n;
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v++;
        n -= 2;
    }
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (v[i] == '.' && v[i + 1] == '.') {
            dots = v + i;
            break;
        }
    const char *lo = v, *hi = v;
    size_t lo_n = dots ? (size_t)(dots - v) : n;
    size_t hi_n = dots ? n - lo_n - 2 : n;
    if (dots)
        hi = dots + 2;
    char a[9] = "", z[9] = "";
    int unread = (lo_n && date_bound(lo, lo_n, 0, a) != 0) ||
                 (hi_n && date_bound(hi, hi_n, 1, z) != 0) ||
                 (!lo_n && !hi_n);
    if (unread || (*a && *z && strcmp(a, z) > 0)) {
        /* as read when out of memory */
        char *shown = field_as_typed(user, field, typed, typed_n);
        int shown_n = shown ? (int)strlen(shown)
                            : (int)(typed + typed_n - field);
        if (unread)
            snprintf(err, errlen,
                     "cannot read the date in '%.*s' (write date:YYYY-MM-DD "
                     "or date:YYYYMMDD, date:YYYY-MM, date:YYYY, or a range "
                     "such as date:2023-11-01..2023-11-30 with either end "
                     "optional)",
                     shown_n, shown ? shown : field);
        else
            snprintf(err, errlen,
                     "the date range '%.*s' ends before it starts (write the "
                     "earlier date first)", shown_n, shown ? shown : field);
        free(shown);
        return -1;
    }
    gz_buf_put(b, "date:", 5);
    gz_buf_put(b, a, strlen(a));
    gz_buf_put(b, "..", 2);
    gz_buf_put(b, z, strlen(z));
    return 0;
}

/* Check the value of a year: field: [value, value+vlen) within the
 * token, or when the token ends at the colon, the quoted value after it
 * (`year:"2024"`). The index has one term a year, Y and four digits
 * (YYYY, from 0001): anything else would match nothing, silently, so it
 * is refused as a bad date is. A group (`year:(2023 OR 2024)`) is
 * written as its filters before (expand_filter_groups); a quote never
 * closed is left to the lenient reading of stray quotes. Returns
 * 0, or -1 with a one-line message naming the field and value in `err`. */
static int check_year(const char *field, const char *value, size_t vlen,
                      const char *user, char *err, size_t errlen)
{
    const char *v = value, *shown_end = value + vlen;
    size_t len = vlen;
    if (vlen == 0 && *value == '"') {
        const char *close = strchr(value + 1, '"');
        if (!close)
            return 0;
        v = value + 1;
        len = (size_t)(close - v);
        shown_end = close + 1;
    }
    if (len == 4 && strspn(v, "0123456789") >= 4 && memcmp(v, "0000", 4) != 0)
        return 0;
    char *shown = field_as_typed(user, field, value,
                                 (size_t)(shown_end - value));
    snprintf(err, errlen,
             "cannot read the year in '%.*s' (write year:YYYY, such as "
             "year:2024, or date:A..B for a range of dates)",
             shown ? (int)strlen(shown) : (int)(shown_end - field),
             shown ? shown : field);
    free(shown);
    return -1;
}

/* Length of the token at `s`: up to white space, a parenthesis or a
 * double quote. */
static size_t token_length(const char *s)
{
    size_t n = 0;
    while (s[n] && !gz_ascii_isspace((unsigned char)s[n]) && s[n] != '(' &&
           s[n] != ')' && s[n] != '"')
        n++;
    return n;
}

/* How the value of `field` ([field, field+flen)) is folded: the schema
 * says (free text like Xapian's terms, filters as the writer folds them). */
static gz_fold field_fold(const char *field, size_t flen)
{
    const gz_field *f = gz_field_by_name(field, flen);
    return f ? f->fold : GZ_FOLD_TEXT;
}

/* An entity name as gz_entity_term keys it: white space runs made one
 * space (none just inside the quotes), U+2019 made an apostrophe, then
 * lower-cased. */
static void put_entity(gz_buf *b, const char *s, size_t n)
{
    gz_buf tmp = {0};
    gz_buf_put(&tmp, "", 0);
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (gz_ascii_isspace(c)) {
            space = 1;
            continue;
        }
        int at_edge = tmp.len == 0 || c == '"' ||
                      (tmp.len && tmp.data[tmp.len - 1] == '"');
        if (space && !at_edge)
            gz_buf_put(&tmp, " ", 1);
        space = 0;
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x99) {
            gz_buf_put(&tmp, "'", 1);
            i += 2;
        } else {
            gz_buf_put(&tmp, s + i, 1);
        }
    }
    if (tmp.failed)
        b->failed = 1;
    else
        put_lower(b, tmp.data, tmp.len);
    free(tmp.data);
}

/* 1 when [s, s+n) holds two dots in a row. */
static int has_dot_run(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == '.' && s[i + 1] == '.')
            return 1;
    return 0;
}

/* Length of the run of dots at `s` (at most n bytes) when it is two or
 * more dots, else 0. */
static size_t dot_run_length(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] == '.')
        k++;
    return k >= 2 ? k : 0;
}

/* [s, s+n) with each run of two or more dots made spaces, into a new
 * buffer: an ellipsis ("ceasefire... talks") or "1..2" in free text is a
 * word separator. Xapian's parser, which has a range for date:, reads any
 * other "A..B" as a range it does not know and refuses the query. */
static char *dots_to_spaces(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    memcpy(out, s, n);
    out[n] = '\0';
    for (size_t i = 0; i < n;) {
        size_t k = dot_run_length(out + i, n - i);
        if (k)
            memset(out + i, ' ', k);
        i += k ? k : 1;
    }
    return out;
}

/* 1 when byte `c` belongs to a word for the acronyms below (a letter, a
 * digit, '_' or any byte of a multi-byte character). */
static int acronym_wordbyte(unsigned char c)
{
    return c >= 0x80 || gz_ascii_isalnum(c) || c == '_';
}

/* The length of the run of single ASCII letters joined by dots that
 * starts [t, t+n) ("U.S." of "U.S. aid", the last dot optional; capitals
 * only unless `any_case`); *letters counts its letters. */
static size_t dotted_run(const char *t, size_t n, int any_case,
                         size_t *letters)
{
    size_t i = 0;
    *letters = 0;
    while (i < n && (gz_ascii_isupper((unsigned char)t[i]) ||
                     (any_case && gz_ascii_islower((unsigned char)t[i])))) {
        ++*letters;
        i++;
        if (i < n && t[i] == '.')
            i++;
        else
            break;
    }
    return i;
}

/* gz_query_acronym_length - see query_text.h. Xapian's indexer reads
 * only capitals so as a word ("us"); lower-case letters ("e.g.", "a.m.",
 * "u.s.") it indexes letter by letter, so a phrase keeps them so too. */
size_t gz_query_acronym_length(const char *s, size_t i, size_t n)
{
    if (i > 0 && (acronym_wordbyte((unsigned char)s[i - 1]) || s[i - 1] == '.'))
        return 0;
    size_t letters, len = dotted_run(s + i, n - i, 0, &letters);
    if (letters < 2 ||
        (i + len < n && acronym_wordbyte((unsigned char)s[i + len])))
        return 0;
    return len;
}

/* Append [s, s+n) of text (a phrase, a text field's value, a word of
 * free text) as put_lower does, each dotted acronym made one word:
 * "U.S." is "us", as the indexer made it, not the phrase "u s"; so is
 * one joined to a word, "U.S.-led" being the phrase "us led" that the
 * indexer wrote. */
static void put_text(gz_buf *b, const char *s, size_t n)
{
    if (!memchr(s, '.', n)) {   /* no acronym: the common word, no copy */
        put_lower(b, s, n);
        return;
    }
    gz_buf plain = {0};
    gz_buf_put(&plain, "", 0);
    for (size_t i = 0; i < n;) {
        size_t k = gz_query_acronym_length(s, i, n);
        for (size_t j = i; j < i + k; j++)
            if (s[j] != '.')
                gz_buf_put(&plain, s + j, 1);
        if (!k)
            gz_buf_put(&plain, s + i, 1);
        i += k ? k : 1;
    }
    if (plain.failed)
        b->failed = 1;
    else
        put_lower(b, plain.data, plain.len);
    free(plain.data);
}

static void put_value(gz_buf *b, const char *s, size_t n, gz_fold how)
{
    if ((how == GZ_FOLD_TEXT || how == GZ_FOLD_CAPITALS) &&
        has_dot_run(s, n)) {
        char *spaced = dots_to_spaces(s, n);
        if (!spaced) {
            b->failed = 1;
            return;
        }
        put_value(b, spaced, n, how);
        free(spaced);
        return;
    }
    if (how == GZ_FOLD_TEXT) {
        put_text(b, s, n);
        return;
    }
    if (how == GZ_FOLD_ENTITY) {
        put_entity(b, s, n);
        return;
    }
    if (how == GZ_FOLD_CAPITALS) {
        put_upper(b, s, n);
        return;
    }
    /* GZ_FOLD_EXACT, and GZ_FOLD_VALUE as typed: the field's query
     * (value_query, query/index.c) folds it and also searches the term
     * an index written before folding holds. */
    for (size_t i = 0; i < n; i++) {
        char c = how == GZ_FOLD_ASCII
                     ? (char)gz_ascii_tolower((unsigned char)s[i])
                     : s[i];
        gz_buf_put(b, &c, 1);
    }
}

/* An exact filter's value (id:, url:) too long for a term: the
 * indexer stored its hashed form (gz_make_term), so search for that.
 * Returns 1 when it wrote the value, 0 when the value is short enough to
 * go as it is. */
static int put_long_exact(gz_buf *b, const gz_field *field, const char *value,
                          size_t vlen)
{
    const char *prefix = field->prefix;
    if (strlen(prefix) + vlen <= GZ_MAX_TERM_BYTES || vlen >= 65536)
        return 0;
    char *whole = malloc(vlen + 1);
    if (!whole) {
        b->failed = 1;
        return 1;
    }
    memcpy(whole, value, vlen);
    whole[vlen] = '\0';
    char term[GZ_TERM_BUF];
    size_t n = gz_make_term(prefix, whole, term, sizeof term);
    free(whole);
    gz_buf_put(b, term + strlen(prefix), n - strlen(prefix));
    return 1;
}

/* A quoted value of an exact filter, [q, q+n) with its quotes
 * (id:"s/a b.txt"), too long for a term: as put_long_exact, the term
 * the indexer stored, quoted, each '"' in it doubled. Returns 1 when it
 * wrote the value, 0 when it is short enough to go as it is. */
static int put_long_quoted_exact(gz_buf *b, const gz_field *field,
                                 const char *q, size_t n)
{
    const char *prefix = field->prefix;
    size_t end = n >= 2 && q[n - 1] == '"' ? n - 1 : n;
    if (strlen(prefix) + end <= GZ_MAX_TERM_BYTES + 1 || end >= 65536)
        return 0;   /* the value, unquoted, is at most end - 1 bytes */
    char *whole = malloc(end);
    if (!whole) {
        b->failed = 1;
        return 1;
    }
    size_t vlen = 0;
    for (size_t i = 1; i < end; i++) {
        whole[vlen++] = q[i];
        if (q[i] == '"' && i + 1 < end && q[i + 1] == '"')
            i++;
    }
    whole[vlen] = '\0';
    if (strlen(prefix) + vlen <= GZ_MAX_TERM_BYTES) {
        free(whole);
        return 0;
    }
    char term[GZ_TERM_BUF];
    size_t tn = gz_make_term(prefix, whole, term, sizeof term);
    free(whole);
    gz_buf_put(b, "\"", 1);
    for (size_t i = strlen(prefix); i < tn; i++)
        gz_buf_put(b, term[i] == '"' ? "\"\"" : term + i,
                   term[i] == '"' ? 2 : 1);
    gz_buf_put(b, "\"", 1);
    return 1;
}

/* 1 when [t, t+n) is "U.S."-style: two or more single ASCII letters
 * joined by dots, the last dot optional; capitals only unless
 * `any_case`. */
static int dotted_letters(const char *t, size_t n, int any_case)
{
    size_t letters;
    return dotted_run(t, n, any_case, &letters) == n && letters >= 2;
}

static int is_dotted_acronym(const char *t, size_t n)
{
    return dotted_letters(t, n, 0);
}

/* 1 when [t, t+n) is a word written in capitals: two or more word
 * characters, a letter among them, none in lower case ("US", "WHO",
 * "G7", "ZÜRICH"); or a dotted acronym ("U.S."). */
static int is_capitals_word(const char *t, size_t n)
{
    if (is_dotted_acronym(t, n))
        return 1;
    size_t chars = 0, uppers = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)t;
    for (size_t i = 0; i < n;) {
        int32_t cp = 0;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i),
                                              &cp);
        if (k <= 0 || !xap_unicode_is_wordchar((uint32_t)cp) ||
            xap_unicode_is_lower((uint32_t)cp))
            return 0;
        uppers += xap_unicode_is_upper((uint32_t)cp) != 0;
        chars++;
        i += (size_t)k;
    }
    return chars >= 2 && uppers >= 1;
}

/* The token after [t, t+n), skipping white space (length in *len). */
static const char *token_after(const char *t, size_t n, size_t *len)
{
    const char *p = t + n;
    while (gz_ascii_isspace((unsigned char)*p))
        p++;
    *len = token_length(p);
    return p;
}

/* Rewrite a word written in capitals, [t, t+n) with its +/- sign
 * [t, t+sign): "caps:US" or "upper:US", the word where the text writes it
 * with capitals (indexer/capitals.h, query/capitals.c), so "US" does not
 * match "us", "IT" not "it", "ID" not "IDs". `known` picks the field, or
 * says to search the plain word as before (the index never writes the
 * word with capitals, so it cannot tell its senses apart). Trailing
 * punctuation (not an acronym's dot) is kept outside. Returns 1 when it
 * wrote the token. */
static int put_capitals(gz_buf *b, const char *t, size_t n, size_t sign,
                        gz_caps_known_fn known, void *ctx)
{
    size_t core = n;
    while (core > sign && strchr(",;:!?", t[core - 1]))
        core--;
    if (core > sign && t[core - 1] == '.' &&
        !is_dotted_acronym(t + sign, core - sign))
        core--;
    const char *w = t + sign;
    size_t wn = core - sign;
    if (wn == 0 || !is_capitals_word(w, wn))
        return 0;
    const char *field = "caps";
    if (known) {
        gz_buf term = {0};
        gz_buf_put(&term, "", 0);
        for (size_t i = 0; i < wn; i++)
            if (!(w[i] == '.' && is_dotted_acronym(w, wn)))
                gz_buf_put(&term, w + i, 1);
        gz_buf lower = {0};
        gz_buf_put(&lower, "", 0);
        if (!term.failed)
            put_lower(&lower, term.data, term.len);
        field = lower.failed ? NULL : known(lower.data, lower.len, ctx);
        int failed = term.failed || lower.failed;
        free(term.data);
        free(lower.data);
        if (failed) {
            b->failed = 1;
            return 1;
        }
        if (!field)
            return 0;
    }
    gz_buf_put(b, t, sign);
    gz_buf_put(b, field, strlen(field));
    gz_buf_put(b, ":", 1);
    put_upper(b, w, wn);
    gz_buf_put(b, t + core, n - core);
    return 1;
}

/* Rewrite one token [t, t+n); *next_case says how to fold a quoted value
 * that follows a bare "field:" token. `plain_only`: the token is an
 * operand of NEAR or ADJ, or a word of a field's group ("title:(...)"),
 * which take plain words only. */
static int put_token(gz_buf *b, const char *t, size_t n, gz_fold *next_case,
                     int plain_only, gz_caps_known_fn known, void *ctx,
                     const char *user, char *err, size_t errlen);

/* Rewrite a token [t, t+n) of free text (or of a text field, title:
 * author: caps: upper:) that holds a run of two or more dots: the dots
 * separate words, so "ceasefire...talks" is two words and "title:a..b"
 * is title:a title:b, each with the token's sign. A token of dots alone
 * (or "title:...") writes nothing. */
static int put_dotted_token(gz_buf *b, const char *t, size_t n,
                            size_t head, gz_fold *next_case, int plain_only,
                            gz_caps_known_fn known, void *ctx,
                            const char *user, char *err, size_t errlen)
{
    size_t fsign = (n > 0 && (t[0] == '+' || t[0] == '-')) ? 1 : 0;
    int first = 1;
    for (size_t i = head; i < n;) {
        size_t k = dot_run_length(t + i, n - i);
        if (k) {
            i += k;
            continue;
        }
        size_t end = i;
        while (end < n && !dot_run_length(t + end, n - end))
            end++;
        /* sign, "field:" (t[fsign..head)) and the piece */
        gz_buf piece = {0};
        gz_buf_put(&piece, t, fsign);
        gz_buf_put(&piece, t + fsign, head - fsign);
        gz_buf_put(&piece, t + i, end - i);
        if (piece.failed) {
            free(piece.data);
            b->failed = 1;
            return 0;
        }
        if (!first)
            gz_buf_put(b, " ", 1);
        first = 0;
        int rc = put_token(b, piece.data, piece.len, next_case, plain_only,
                           known, ctx, user, err, errlen);
        free(piece.data);
        if (rc != 0)
            return rc;
        i = end;
    }
    *next_case = GZ_FOLD_TEXT;
    return 0;
}

static int put_token(gz_buf *b, const char *t, size_t n, gz_fold *next_case,
                     int plain_only, gz_caps_known_fn known, void *ctx,
                     const char *user, char *err, size_t errlen)
{
    *next_case = GZ_FOLD_TEXT;
    if (is_operator(t, n)) {
        gz_buf_put(b, t, n);
        return 0;
    }
    size_t fsign = (n > 0 && (t[0] == '+' || t[0] == '-')) ? 1 : 0;
    const char *colon = memchr(t + fsign, ':', n - fsign);
    if (has_dot_run(t, n)) {
        /* Dots stay in the values of date: (a range), year: (refused),
         * and the exact filters, whose terms Xapian takes whole. */
        const gz_field *f =
            colon ? gz_field_by_name(t + fsign, (size_t)(colon - t) - fsign)
                  : NULL;
        if (!f || f->kind == GZ_KIND_TEXT || f->kind == GZ_KIND_CAPITALS)
            return put_dotted_token(b, t, n,
                                    f ? (size_t)(colon - t) + 1 : fsign,
                                    next_case, plain_only, known, ctx, user,
                                    err, errlen);
    }
    if (colon) {
        size_t flen = (size_t)(colon - t) - fsign;
        const char *field = t + fsign;
        const char *value = colon + 1;
        size_t vlen = n - (size_t)(value - t);
        const gz_field *f = gz_field_by_name(field, flen);
        if (f && f->kind == GZ_KIND_DATE) {
            gz_buf_put(b, t, fsign);
            return put_date(b, field, value, vlen, user, err, errlen);
        }
        if (f && strcmp(f->prefix, GZ_PREFIX_YEAR) == 0 &&
            check_year(field, value, vlen, user, err, errlen) != 0)
            return -1;
        gz_fold how = field_fold(field, flen);
        if (f)
            put_value(b, t, (size_t)(value - t), GZ_FOLD_ASCII);   /* "Tag:" */
        else   /* no field: a word Xapian joins to the next ("U.S.:x") */
            put_text(b, t, (size_t)(value - t));
        if (how == GZ_FOLD_EXACT &&
            put_long_exact(b, gz_field_by_name(field, flen), value, vlen))
            return 0;
        put_value(b, value, vlen, how);
        if (vlen == 0)
            *next_case = how;
        return 0;
    }
    size_t sign = (n > 1 && (t[0] == '+' || t[0] == '-')) ? 1 : 0;
    if (!plain_only && put_capitals(b, t, n, sign, known, ctx))
        return 0;
    if (dotted_letters(t + sign, n - sign, 1)) {   /* "u.s.", "+U.S." in a
                                       group: the word "us", not the phrase
                                       "u s" */
        gz_buf_put(b, t, sign);
        for (size_t i = sign; i < n; i++)
            if (t[i] != '.')
                put_lower(b, t + i, 1);
        return 0;
    }
    put_text(b, t, n);   /* "U.S.-led", "anti-U.S.": "us-led", "anti-us" */
    return 0;
}

/* 1 when `t` (n bytes), after an optional sign, is a known field name
 * followed by ':' and nothing else. */
static int is_bare_field(const char *t, size_t n)
{
    size_t sign = (n > 0 && (t[0] == '+' || t[0] == '-')) ? 1 : 0;
    return n > sign + 1 && t[n - 1] == ':' &&
           gz_field_by_name(t + sign, n - sign - 1) != NULL;
}

/* 1 when `t` (n bytes) is a bare date field ("date:", "-date:"). */
static int is_bare_date_field(const char *t, size_t n)
{
    size_t sign = (n > 0 && (t[0] == '+' || t[0] == '-')) ? 1 : 0;
    const gz_field *f = is_bare_field(t, n)
                            ? gz_field_by_name(t + sign, n - sign - 1)
                            : NULL;
    return f && f->kind == GZ_KIND_DATE;
}

/* 1 when `t` (n bytes) is a bare field or one followed by '*' only:
 * "title:" or "title:*" alone, which Xapian would search as the word
 * "title" (a wildcard needs letters before '*'). */
static int is_empty_field(const char *t, size_t n)
{
    size_t sign = (n > 0 && (t[0] == '+' || t[0] == '-')) ? 1 : 0;
    while (n > sign && t[n - 1] == '*')
        n--;
    return is_bare_field(t, n);
}

/* 1 when `t` (n bytes) is a bare field and a group follows it (`t[n]` is
 * '('): "title:(WHO outbreak)", whose words take the field. */
static int is_field_group(const char *t, size_t n)
{
    return t[n] == '(' && is_bare_field(t, n);
}

/* The length of an empty group at `p`: "(" then only white space and
 * empty quotes up to ")" (included) or the end; 0 when `p` starts no
 * empty group. */
static size_t empty_group_length(const char *p)
{
    if (*p != '(')
        return 0;
    size_t n = 1;
    for (;;) {   /* blanks and empty quotes ("title:(\"\")") */
        while (p[n] && gz_ascii_isspace((unsigned char)p[n]))
            n++;
        if (p[n] != '"')
            break;
        size_t q = n + 1;
        while (p[q] && gz_ascii_isspace((unsigned char)p[q]))
            q++;
        if (p[q] != '"')
            break;   /* a phrase, or a quote never closed */
        n = q + 1;
    }
    if (p[n] == ')')
        return n + 1;
    return p[n] ? 0 : n;
}

/* Follow character `c` of a query: a parenthesis opens or closes one
 * level of *depth; closing the level of a field's group (*group, the
 * depth of "field:(...)", 0 outside one) leaves the group. */
static void follow_parenthesis(char c, int *depth, int *group)
{
    if (c == '(') {
        ++*depth;
    } else if (c == ')' && *depth > 0) {
        if (*depth == *group)
            *group = 0;
        --*depth;
    }
}

/* The length of the quoted text at `p` (a double quote): up to and with
 * its closing quote, or to the end when it is never closed. */
static size_t quoted_length(const char *p)
{
    const char *close = strchr(p + 1, '"');
    return close ? (size_t)(close - p) + 1 : strlen(p);
}

/* The length of the quoted value of a filter field at `p` (a double
 * quote): up to and with its closing quote, a doubled quote being a quote
 * in the value (Xapian's escape: id:"s/quo""te.txt", also at its end:
 * id:"s/m""" is 's/m"'), or to the end when it is never closed. */
static size_t filter_value_length(const char *p)
{
    const char *close = strchr(p + 1, '"');
    while (close && close[1] == '"')
        close = strchr(close + 2, '"');
    return close ? (size_t)(close - p) + 1 : strlen(p);
}

/* The position of a double quote that is never closed, or NULL. */
static const char *unclosed_quote(const char *query)
{
    const char *open = NULL;
    for (const char *p = query; *p; p++)
        if (*p == '"')
            open = open ? NULL : p;
    return open;
}

/* The length of an empty quoted value at `p`: a double quote, only white
 * space, and the closing quote (not doubled), or the end of the query
 * when that quote is the `stray` one, never closed; 0 when `p` starts no
 * such value. */
static size_t empty_quotes_length(const char *p, const char *stray)
{
    if (*p != '"')
        return 0;
    size_t n = 1;
    while (p[n] && gz_ascii_isspace((unsigned char)p[n]))
        n++;
    if (p == stray)
        return p[n] ? 0 : n;
    if (p[n] == '"' && p[n + 1] == '"' && p + n + 1 != stray)
        return 0;   /* a doubled quote, Xapian's escape: id:"""a" is '"a' */
    return p[n] == '"' ? n + 1 : 0;
}

/* The filter field (source: tag: entity: url: id: year: date:) of `t`
 * (n bytes) when it is bare, with or without a sign, and a group follows
 * it; else NULL. */
static const gz_field *filter_group_field(const char *t, size_t n)
{
    if (!is_field_group(t, n))
        return NULL;
    size_t sign = (t[0] == '+' || t[0] == '-') ? 1 : 0;
    const gz_field *f = gz_field_by_name(t + sign, n - sign - 1);
    return f->kind == GZ_KIND_FILTER || f->kind == GZ_KIND_DATE ? f : NULL;
}

/* Read the group of a filter field, `t` (n bytes, "source:" with its
 * sign) then "(" at t[n]. Its values, joined by spaces or OR, are
 * written to `any` as "field:v1 OR field:v2" and to `each` as "field:v1
 * field:v2" with the sign before each; empty quotes are no value.
 * *values is set to their number, *end past the ")" (or to the end of
 * the query, a group never closed). Returns 0, or -1 with a one-line
 * reason in `err` when the group holds anything but values: another
 * operator, a group, a sign, a field. */
static int read_filter_group(const char *t, size_t n, const char *stray,
                             gz_buf *any, gz_buf *each, size_t *values,
                             const char **end, char *err, size_t errlen)
{
    size_t sign = (t[0] == '+' || t[0] == '-') ? 1 : 0;
    const char *q = t + n + 1;
    int after_or = 0, bad = 0, seen = 0;   /* seen: a value, empty or not */
    *values = 0;
    for (;;) {
        while (gz_ascii_isspace((unsigned char)*q) || (*q && q == stray))
            q++;
        if (!*q || *q == ')')
            break;
        size_t vn;
        if (*q == '"') {
            /* not the stray quote; "" inside is a quote (Xapian's
             * escape: id:"s/quo""te.txt") */
            vn = filter_value_length(q);
        } else if (*q == '(') {
            bad = 1;
            break;
        } else {
            vn = token_length(q);
            const char *colon = memchr(q, ':', vn);
            if (is_operator(q, vn)) {
                bad = vn != 2 || !seen || after_or;   /* only "OR" */
                after_or = 1;
                q += vn;
                if (bad)
                    break;
                continue;
            }
            if (*q == '+' || *q == '-' ||
                (colon && gz_field_by_name(q, (size_t)(colon - q)))) {
                bad = 1;
                break;
            }
        }
        seen = 1;
        after_or = 0;
        size_t blank = 1;
        while (*q == '"' && blank < vn &&
               gz_ascii_isspace((unsigned char)q[blank]))
            blank++;
        if (*q == '"' && blank == vn - 1) {   /* "" or "  " */
            q += vn;
            continue;
        }
        if (*values) {
            gz_buf_put(any, " OR ", 4);
            gz_buf_put(each, " ", 1);
        }
        gz_buf_put(any, t + sign, n - sign);
        gz_buf_put(any, q, vn);
        gz_buf_put(each, t, n);
        gz_buf_put(each, q, vn);
        ++*values;
        q += vn;
    }
    if (bad || after_or) {
        const char *close = strchr(q, ')');
        const char *shown = close ? close + 1 : q + strlen(q);
        snprintf(err, errlen,
                 "cannot read the group '%.*s': a filter's group holds "
                 "values joined by spaces or OR, any of which matches "
                 "(%.*s(A OR B)); put AND, NOT, NEAR or a group between "
                 "whole filters (%.*sA AND %.*sB)",
                 (int)(shown - t), t, (int)(n - sign), t + sign,
                 (int)(n - sign), t + sign, (int)(n - sign), t + sign);
        return -1;
    }
    *end = *q ? q + 1 : q;
    return 0;
}

/* Rewrite the groups of the filter fields, "source:(world OR sport)" or
 * "tag:(a b)", as filters matching any of the values (Xapian would take
 * the first value for the filter and search the others as words,
 * matching nothing in silence):
 *   - one value is the filter alone: "tag:(a)" is "tag:a";
 *   - else "(tag:a OR tag:b)", with the field's sign before it
 *     ("-tag:(a b)" is "-(tag:a OR tag:b)"), which gz_query_split_filters
 *     takes for one filter (two tag: filters side by side would require
 *     both tags); an operator beside it takes it for one operand ("aid
 *     NOT source:(a b)" is "aid NOT (source:a OR source:b)");
 *   - inside parentheses, with no operator beside it, where Xapian
 *     would make "(...)" an optional part of the query: the filters side
 *     by side for a field of one value an article (source: url: id:
 *     year: date:), which Xapian joins with OR, and for tag: or entity:
 *     a refusal asking to take the group out of the parentheses.
 * A group with other operators or nesting is refused: returns NULL with
 * the reason in `err` (err[0] == '\0' when out of memory), else a new
 * string. Quoted text is copied as it is. */
static char *expand_filter_groups(const char *query, char *err,
                                  size_t errlen)
{
    gz_buf b = {0};
    gz_buf_put(&b, "", 0);
    const char *stray = unclosed_quote(query);
    const char *prev = NULL;   /* the previous token, none after ( or ) */
    size_t prev_n = 0;
    int depth = 0;
    for (const char *p = query; *p && !b.failed;) {
        size_t n = 0;
        if (*p == '"' && p != stray) {
            n = quoted_length(p);
        } else if (p != stray) {
            n = token_length(p);
        }
        if (n == 0) {   /* white space, a parenthesis, the stray quote */
            if (*p == '(' || *p == ')')
                prev = NULL;
            int no_group = 0;
            follow_parenthesis(*p, &depth, &no_group);
            gz_buf_put(&b, p, 1);
            p++;
            continue;
        }
        const gz_field *f = *p == '"' ? NULL : filter_group_field(p, n);
        if (!f || empty_group_length(p + n)) {
            gz_buf_put(&b, p, n);
            prev = p;
            prev_n = n;
            p += n;
            continue;
        }
        gz_buf any = {0}, each = {0};
        gz_buf_put(&any, "", 0);
        gz_buf_put(&each, "", 0);
        const char *end = NULL;
        size_t values = 0;
        int rc = read_filter_group(p, n, stray, &any, &each, &values, &end,
                                   err, errlen);
        size_t next_n = 0;
        const char *next = rc == 0 ? token_after(end, 0, &next_n) : p;
        int joined = (prev && is_operator(prev, prev_n)) ||
                     is_operator(next, next_n);
        if (rc == 0 && values > 1 && depth > 0 && !joined && !f->exclusive) {
            snprintf(err, errlen,
                     "cannot read '%.*s' inside parentheses with no "
                     "operator beside it: take it out of them, or join it "
                     "to a word with AND (word AND %.*s)", (int)(end - p),
                     p, (int)(end - p), p);
            rc = -1;
        }
        size_t sign = (p[0] == '+' || p[0] == '-') ? 1 : 0;
        /* Values of a field an article has one of (source:, year:...)
         * side by side are what Xapian ORs as one filter, wherever they
         * stand: a bracketed OR of them beside an operator would be a
         * subquery, not a filter ("aid source:(a b) NOT x" matched every
         * article of a or b). Not with a sign beside an operator: after
         * AND, "-source:a -source:b" reads "a but not b". */
        int side_by_side = f->exclusive && !(sign && joined);
        if (rc == 0 && (values < 2 || side_by_side ||
                        (depth > 0 && !joined))) {
            gz_buf_put(&b, each.data, each.len);
        } else if (rc == 0) {
            gz_buf_put(&b, p, sign);
            gz_buf_put(&b, "(", 1);
            gz_buf_put(&b, any.data, any.len);
            gz_buf_put(&b, ")", 1);
        }
        if (any.failed || each.failed)
            b.failed = 1;
        free(any.data);
        free(each.data);
        if (rc != 0) {
            free(b.data);
            return NULL;
        }
        prev = NULL;
        p = end;
    }
    if (b.failed) {
        free(b.data);
        err[0] = '\0';
        return NULL;
    }
    return b.data;
}

/* 1 when the token ending at `end` (from white space or a '(' before it)
 * is a field and its ':' ("tag:", "-title:"). */
static int field_before(const char *query, const char *end)
{
    const char *t = end;
    while (t > query && !gz_ascii_isspace((unsigned char)t[-1]) &&
           t[-1] != '(')
        t--;
    return is_bare_field(t, (size_t)(end - t));
}

/* The filter field (source: tag: entity: url: id: year:) whose ':'
 * ends right before `at` in `query` ("id:", "-tag:"), or NULL: a quote at
 * `at` opens its value. */
static const gz_field *filter_field_before(const char *query, const char *at)
{
    if (at == query || at[-1] != ':' || !field_before(query, at))
        return NULL;
    const char *t = at - 1;
    while (t > query && !gz_ascii_isspace((unsigned char)t[-1]) &&
           t[-1] != '(')
        t--;
    if (*t == '+' || *t == '-')
        t++;
    const gz_field *f = gz_field_by_name(t, (size_t)(at - 1 - t));
    return f && f->kind == GZ_KIND_FILTER ? f : NULL;
}

/* 1 when `at` in `query` is inside a field's group (tag:(gaza "x"). */
static int in_field_group(const char *query, const char *at)
{
    int depth = 0;
    for (const char *t = at; t > query; t--) {
        if (t[-1] == ')')
            depth++;
        else if (t[-1] == '(' && depth-- == 0)
            return field_before(query, t - 1);
    }
    return 0;
}

/* 1 when the unclosed quote `stray` of `query` opens the value of a field
 * (tag:"world cup, title:"gaza truce), or a value in a field's group
 * (tag:(gaza "middle east)). */
static int opens_field_value(const char *query, const char *stray)
{
    return field_before(query, stray) || in_field_group(query, stray);
}

static char *normalise(const char *typed, gz_caps_known_fn known, void *ctx,
                       const char *user, char *err, size_t errlen);

/* A token of the query for bracket_chains: where it is, and what. */
typedef struct chain_token {
    const char *at;
    size_t len;
    enum { CT_WORD, CT_PROXIMITY, CT_OTHER } kind;   /* OTHER: a bracket, a
                                                        quoted text, AND... */
    int empty_group;   /* a bracket of a group holding nothing: "(())" */
} chain_token;

/* 1 when [s, s+n) has a letter or a digit (of any script). */
static int has_word_char(const char *s, size_t n)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i),
                                              &c);
        if (k <= 0)
            return 1;   /* not UTF-8: let Xapian judge */
        utf8proc_category_t cat = utf8proc_category(c);
        if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
            (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO))
            return 1;
        i += (size_t)k;
    }
    return 0;
}

/* Mark the brackets of groups that hold nothing but such groups ("()",
 * "(())"), and quoted texts without a word ("(())" in quotes), on which
 * Xapian's grammar fails beside other words. */
static void mark_empty_groups(const char *q, chain_token *t, size_t n)
{
    for (size_t i = 0; i < n; i++)   /* a field's value stays ('id:"-"') */
        if (t[i].at[0] == '"' && t[i].len >= 2 && t[i].kind == CT_OTHER &&
            (t[i].at == q || t[i].at[-1] != ':') &&
            !in_field_group(q, t[i].at) && !has_word_char(t[i].at, t[i].len))
            t[i].empty_group = 1;
    for (size_t i = 0; i < n; i++) {
        if (t[i].kind != CT_OTHER || t[i].at[0] != ')')
            continue;
        size_t k = i;
        while (k > 0 && t[k - 1].empty_group)
            k--;
        if (k > 0 && t[k - 1].kind == CT_OTHER && t[k - 1].at[0] == '(')
            t[k - 1].empty_group = t[i].empty_group = 1;
    }
}

/* The tokens of `q` into *out (malloc()ed; *n of them); -1 when out of
 * memory. */
static int chain_tokens(const char *q, chain_token **out, size_t *n)
{
    size_t cap = 16;
    chain_token *t = malloc(cap * sizeof *t);
    /* A quote never closed is dropped later, unless it opens a field's
     * value: the words after it are words. */
    const char *stray = unclosed_quote(q);
    if (stray && opens_field_value(q, stray))
        stray = NULL;
    *n = 0;
    for (const char *p = q; t && *p;) {
        if (gz_ascii_isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        if (p == stray) {   /* as white space: normalise drops it */
            p++;
            continue;
        }
        chain_token k = {p, token_length(p), CT_WORD, 0};
        if (*p == '"') {
            k.len = filter_field_before(q, p) ? filter_value_length(p)
                                              : quoted_length(p);
            k.kind = CT_OTHER;
        } else if (k.len == 0) {   /* a bracket */
            k.len = 1;
            k.kind = CT_OTHER;
        } else if (gz_query_is_proximity(p, k.len)) {
            k.kind = CT_PROXIMITY;
        } else if (is_operator(p, k.len)) {
            k.kind = CT_OTHER;
        }
        if (*n == cap) {
            chain_token *grown = realloc(t, 2 * cap * sizeof *t);
            if (!grown) {
                free(t);
                t = NULL;
                break;
            }
            t = grown;
            cap *= 2;
        }
        t[(*n)++] = k;
        p += k.len;
    }
    *out = t;
    return t ? 0 : -1;
}

/* 1 when tokens [i, j] of `t` (n tokens) are all a bracketed group holds. */
static int alone_in_brackets(const chain_token *t, size_t n, size_t i,
                             size_t j)
{
    return i > 0 && j + 1 < n && t[i - 1].at[0] == '(' &&
           t[i - 1].kind == CT_OTHER && t[j + 1].at[0] == ')' &&
           t[j + 1].kind == CT_OTHER;
}

/* `q` with each run of words joined by NEAR or ADJ (NEAR/n, ADJ/n) in
 * brackets, unless brackets hold it alone already: "gaza NEAR truce
 * hamas" is "(gaza NEAR truce) hamas"; and without empty groups ("gaza
 * (()) truce"). Xapian's grammar fails on both beside other words, and
 * would then search every word, NEAR included, as a plain word. A new
 * string into *out (NULL when out of memory). */
static void bracket_chains(const char *q, char **out)
{
    chain_token *t = NULL;
    size_t n = 0;
    *out = NULL;
    if (chain_tokens(q, &t, &n) != 0)
        return;
    mark_empty_groups(q, t, n);
    gz_buf b = {0};
    gz_buf_put(&b, "", 0);
    const char *copied = q;   /* q is copied up to here */
    for (size_t i = 0; i < n; i++) {
        if (t[i].empty_group) {   /* left out */
            gz_buf_put(&b, copied, (size_t)(t[i].at - copied));
            gz_buf_put(&b, " ", 1);
            copied = t[i].at + t[i].len;
            continue;
        }
        if (t[i].kind != CT_WORD && is_operator(t[i].at, t[i].len) &&
            t[i].at[t[i].len] == '(') {   /* "NOT(": Xapian wants a space */
            const char *end = t[i].at + t[i].len;
            gz_buf_put(&b, copied, (size_t)(end - copied));
            gz_buf_put(&b, " ", 1);
            copied = end;
            continue;
        }
        size_t j = i;
        while (j + 2 < n && t[j].kind == CT_WORD &&
               t[j + 1].kind == CT_PROXIMITY && t[j + 2].kind == CT_WORD)
            j += 2;
        if (j == i || alone_in_brackets(t, n, i, j)) {
            i = j;
            continue;
        }
        /* a sign stays before the brackets: "+(gaza NEAR truce)" */
        size_t sign = t[i].at[0] == '+' || t[i].at[0] == '-';
        gz_buf_put(&b, copied, (size_t)(t[i].at - copied) + sign);
        gz_buf_put(&b, "(", 1);
        copied = t[j].at + t[j].len;
        gz_buf_put(&b, t[i].at + sign, (size_t)(copied - t[i].at) - sign);
        gz_buf_put(&b, ")", 1);
        i = j;
    }
    gz_buf_put(&b, copied, strlen(copied));
    free(t);
    if (b.failed)
        free(b.data);
    else
        *out = b.data;
}

/* `q` with the typographic double quotes (U+201C, U+201D and the low
 * U+201E of German) made ASCII, in place: Xapian reads the first two as
 * '"' anyway, and the rewriting here pairs quotes by the ASCII one. */
static void plain_quotes(char *q)
{
    char *w = q;
    for (const char *p = q; *p;) {
        if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
            ((unsigned char)p[2] == 0x9C || (unsigned char)p[2] == 0x9D ||
             (unsigned char)p[2] == 0x9E)) {
            *w++ = '"';
            p += 3;
        } else {
            *w++ = *p++;
        }
    }
    *w = '\0';
}

static char *normalise_field_quote(const char *query, gz_caps_known_fn known,
                                   void *ctx, const char *user, char *err,
                                   size_t errlen);

char *gz_query_normalise(const char *typed, gz_caps_known_fn known,
                         void *ctx, char *err, size_t errlen)
{
    char *quoted = strdup(typed), *chained = NULL;
    err[0] = '\0';
    if (quoted) {
        plain_quotes(quoted);
        bracket_chains(quoted, &chained);
    }
    free(quoted);
    if (!chained)
        return NULL;
    char *out = normalise_field_quote(chained, known, ctx, typed, err, errlen);
    free(chained);
    return out;
}

/* gz_query_normalise, once quotes and chains are done. */
static char *normalise_field_quote(const char *query, gz_caps_known_fn known,
                                   void *ctx, const char *user, char *err,
                                   size_t errlen)
{
    /* A field's value left unquoted is read as quoted up to the first ')'
     * after it (the end of the field's group) or to the end: dropping its
     * quote, as for a stray one, would leave the field with nothing after
     * it, and the words unfiltered. */
    const char *stray = unclosed_quote(query);
    if (!stray || !opens_field_value(query, stray))
        return normalise(query, known, ctx, user, err, errlen);
    size_t n = strlen(query);
    const char *close = strchr(stray, ')');
    size_t at = close ? (size_t)(close - query) : n;
    char *closed = malloc(n + 2);
    if (!closed) {
        err[0] = '\0';
        return NULL;
    }
    memcpy(closed, query, at);
    closed[at] = '"';
    memcpy(closed + at + 1, query + at, n - at + 1);
    char *out = normalise(closed, known, ctx, user, err, errlen);
    free(closed);
    return out;
}

static char *normalise(const char *typed, gz_caps_known_fn known, void *ctx,
                       const char *user, char *err, size_t errlen)
{
    gz_buf b = {0};
    err[0] = '\0';
    char *query = expand_filter_groups(typed, err, errlen);
    if (!query)
        return NULL;
    gz_buf_put(&b, "", 0);
    gz_fold next_case = GZ_FOLD_TEXT;
    int after_proximity = 0;   /* the last token was NEAR or ADJ */
    /* The depth of parentheses, and that of a field's group
     * ("title:(...)", 0 outside one): a word in capitals inside it stays
     * a plain word of that field ("title:(WHO outbreak)" is "title:WHO
     * title:outbreak"), as "caps:WHO" there would search the acronym
     * anywhere, the field lost. */
    int depth = 0, group = 0;
    /* Xapian would read everything after an unclosed quote as one phrase,
     * which rarely matches: the stray quote is dropped instead. */
    const char *stray = unclosed_quote(query);
    for (const char *p = query; *p && !b.failed;) {
        if (p == stray) {
            gz_buf_put(&b, " ", 1);
            p++;
            continue;
        }
        if (*p == '"') {
            /* A quoted phrase, or the quoted value of a field. */
            const gz_field *filter = filter_field_before(query, p);
            size_t n = filter ? filter_value_length(p) : quoted_length(p);
            if (!filter || filter->fold != GZ_FOLD_EXACT ||
                !put_long_quoted_exact(&b, filter, p, n))
                put_value(&b, p, n, next_case);
            next_case = GZ_FOLD_TEXT;
            p += n;
            continue;
        }
        size_t n = token_length(p);
        if (n == 0) {   /* white space or a parenthesis */
            /* A ')' closing nothing, which Xapian's grammar fails on, is
             * read leniently like an unclosed '(': left out. */
            int stray_close = *p == ')' && depth == 0;
            follow_parenthesis(*p, &depth, &group);
            gz_buf_put(&b, stray_close ? " " : p, 1);
            next_case = GZ_FOLD_TEXT;
            p++;
            continue;
        }
        /* "title:" alone, or before an empty group ("title:(", which
         * Xapian would search as the word "title") or empty quotes
         * ('source:""', a filter matching nothing; 'title:""', which
         * Xapian also searched as the word "title"); "title:(a b)" is
         * Xapian's field grouping */
        if (is_empty_field(p, n) && empty_quotes_length(p + n, stray)) {
            p += n + empty_quotes_length(p + n, stray);
            continue;
        }
        if (is_empty_field(p, n) && p[n] != '"' &&
            (p[n] != '(' || empty_group_length(p + n))) {
            p += n + empty_group_length(p + n);
            continue;
        }
        /* "NEAR/x", "ADJ/+3": a window asked for, but none given */
        if ((!p[n] || gz_ascii_isspace((unsigned char)p[n])) &&
            gz_query_malformed_window(p, n, err, errlen)) {
            free(b.data);
            free(query);
            return NULL;
        }
        /* 'date:"2023-11"': the quotes hold the field's value, which
         * put_date reads whole ("date:" alone is no date); with anything
         * stuck after them ('date:"2023-11"gaza'), so that it refuses
         * them together as typed */
        if (p[n] == '"' && p + n != stray && is_bare_date_field(p, n)) {
            n += quoted_length(p + n);
            n += token_length(p + n);
        }
        size_t next_n = 0;
        const char *next = token_after(p, n, &next_n);
        int plain_only = after_proximity ||
                         gz_query_is_proximity(next, next_n) || group;
        if (put_token(&b, p, n, &next_case, plain_only, known, ctx, user, err,
                      errlen) != 0) {
            free(b.data);
            free(query);
            return NULL;
        }
        if (!group && is_field_group(p, n))
            group = depth + 1;
        after_proximity = gz_query_is_proximity(p, n);
        p += n;
    }
    free(query);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

/* Length of the token at `s` (not white space): up to white space outside
 * double quotes, so `tag:"world cup"` and a quoted phrase are one token. */
static size_t split_token_length(const char *s)
{
    size_t n = 0;
    int quoted = 0;
    for (; s[n] && (quoted || !gz_ascii_isspace((unsigned char)s[n])); n++)
        if (s[n] == '"')
            quoted = !quoted;
    return n;
}

/* 1 when [t, t+n) is a filter token: [+-]field:value with a filter field. */
static int is_filter_token(const char *t, size_t n)
{
    if (n > 0 && (t[0] == '+' || t[0] == '-')) {
        t++;
        n--;
    }
    const char *colon = memchr(t, ':', n);
    if (!colon || colon == t + n - 1)
        return 0;
    const gz_field *f = gz_field_by_name(t, (size_t)(colon - t));
    return f && (f->kind == GZ_KIND_FILTER || f->kind == GZ_KIND_DATE);
}

/* Parenthesis depth after [s, s+n), starting from `depth`, quotes aside. */
static int depth_after(const char *s, size_t n, int depth)
{
    int quoted = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && s[i] == '(')
            depth++;
        else if (!quoted && s[i] == ')' && depth > 0)
            depth--;
    }
    return depth;
}

/* The length of a group of filters joined by OR at `s`, with an optional
 * sign: "(tag:a OR tag:b)" as gz_query_normalise writes a filter's group
 * ("tag:(a b)"); 0 when `s` starts none. */
static size_t filter_or_group_length(const char *s)
{
    size_t i = (*s == '+' || *s == '-') ? 1 : 0;
    if (s[i] != '(')
        return 0;
    i++;
    for (int want_filter = 1;; want_filter = !want_filter) {
        size_t n = split_token_length(s + i), core = n;
        while (core > 0 && s[i + core - 1] == ')')   /* "b)" or "b))" */
            core--;
        int last = core < n;
        if (core == 0 || (want_filter && !is_filter_token(s + i, core)) ||
            (!want_filter && (last || core != 2 || memcmp(s + i, "OR", 2))))
            return 0;
        if (last)
            return i + core + 1;   /* up to the first ")" */
        i += n;
        while (gz_ascii_isspace((unsigned char)s[i]))
            i++;
    }
}

/* *out = the text of `b`, or NULL (and `b` freed) when it is empty. */
static void take_nonempty(gz_buf *b, char **out)
{
    if (b->len) {
        *out = b->data;
    } else {
        *out = NULL;
        free(b->data);
    }
}

/* 1 when the run of filter tokens starting at `p` (top level) has no
 * operator joining it to a neighbour: not `prev` (the token before it,
 * prev_n bytes, or NULL), nor the token after its last filter. */
static int filter_run_alone(const char *p, const char *prev, size_t prev_n)
{
    if (prev && is_operator(prev, prev_n))
        return 0;
    for (;;) {
        size_t group = filter_or_group_length(p);
        size_t n = group ? group : split_token_length(p);
        if (!group && !is_filter_token(p, n))
            return !*p || !is_operator(p, n);
        p += n;
        while (gz_ascii_isspace((unsigned char)*p))
            p++;
    }
}

int gz_query_split_filters(const char *text, char **rest, char **filters,
                           char **excluded)
{
    gz_buf r = {0}, f = {0}, x = {0};
    gz_buf_put(&r, "", 0);
    gz_buf_put(&f, "", 0);
    gz_buf_put(&x, "", 0);
    int depth = 0;
    const char *prev = NULL;   /* the previous token and its length */
    size_t prev_n = 0;
    /* A run of filters side by side (source:a source:b, as a group of a
     * field with one value an article is written) is hoisted or not as
     * a whole: -1 outside one, else whether it is. */
    int run = -1;
    for (const char *p = text; *p;) {
        if (gz_ascii_isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        size_t group = depth == 0 ? filter_or_group_length(p) : 0;
        size_t n = group ? group : split_token_length(p);
        int filter = depth == 0 && (group || is_filter_token(p, n));
        if (!filter)
            run = -1;
        else if (run == -1)
            run = filter_run_alone(p, prev, prev_n);
        int hoist = filter && run == 1;
        gz_buf *to = !hoist ? &r : p[0] == '-' ? &x : &f;
        size_t sign = hoist && (p[0] == '-' || p[0] == '+');
        if (to->len)
            gz_buf_put(to, to == &x ? "\n" : " ", 1);
        gz_buf_put(to, p + sign, n - sign);
        depth = depth_after(p, n, depth);
        prev = p;
        prev_n = n;
        p += n;
    }
    if (r.failed || f.failed || x.failed) {
        free(r.data);
        free(f.data);
        free(x.data);
        return -1;
    }
    *rest = r.data;
    take_nonempty(&f, filters);
    take_nonempty(&x, excluded);
    return 0;
}

char *gz_query_capitals_words(const char *normalised)
{
    gz_buf b = {0};
    gz_buf_put(&b, "", 0);
    /* p moves past each field's word: "upper:" at the very end leaves it
     * on the NUL, which the loop must not step over */
    for (const char *p = normalised; *p;) {
        int at_token = p == normalised || strchr(" (+-", p[-1]);
        if (at_token && strncmp(p, "caps:", 5) == 0)
            p += 5;
        else if (at_token && strncmp(p, "upper:", 6) == 0)
            p += 6;
        else {
            p++;
            continue;
        }
        size_t n = strcspn(p, " )\",;:!?");
        gz_buf word = {0};
        gz_buf_put(&word, "", 0);
        for (size_t i = 0; i < n; i++)
            if (p[i] != '.')
                gz_buf_put(&word, p + i, 1);
        if (b.len)
            gz_buf_put(&b, "\n", 1);
        if (!word.failed)
            put_lower(&b, word.data, word.len);
        else
            b.failed = 1;
        free(word.data);
        p += n;
    }
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

/* Append the words of [s, s+n), a text field's value, to `b`, one a line,
 * folded and lower-cased: split where Xapian's parser splits words (ASCII
 * punctuation but the apostrophe), operators left out. */
static void put_field_words(gz_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k = gz_query_acronym_length(s, i, n);
        if (k) {   /* "U.S.": the word "us", as put_text makes it */
            if (b->len)
                gz_buf_put(b, "\n", 1);
            for (size_t j = i; j < i + k; j++)
                if (s[j] != '.')
                    put_lower(b, s + j, 1);
            i += k;
            continue;
        }
        size_t end = i;
        while (end < n && ((unsigned char)s[end] >= 0x80 ||
                           gz_ascii_isalnum((unsigned char)s[end]) ||
                           s[end] == '\''))
            end++;
        if (end > i && !is_operator(s + i, end - i)) {
            if (b->len)
                gz_buf_put(b, "\n", 1);
            put_lower(b, s + i, end - i);
        }
        i = end > i ? end : i + 1;
    }
}

char *gz_query_kept_words(const char *query)
{
    gz_buf b = {0};
    gz_buf_put(&b, "", 0);
    int depth = 0, group = 0;   /* group: the depth of a text field's
                                   "field:(...)", 0 outside one */
    const char *stray = unclosed_quote(query);
    for (const char *p = query; *p && !b.failed;) {
        if (*p == '"' && p != stray) {   /* a phrase keeps its words */
            p += quoted_length(p);
            continue;
        }
        size_t n = token_length(p);
        if (n == 0) {
            follow_parenthesis(*p, &depth, &group);
            p++;
            continue;
        }
        size_t sign = (n > 1 && (p[0] == '+' || p[0] == '-')) ? 1 : 0;
        const char *t = p + sign;
        size_t tn = n - sign;
        const char *colon = memchr(t, ':', tn);
        const gz_field *f = colon ? gz_field_by_name(t, (size_t)(colon - t))
                                  : NULL;
        if (f && (f->kind == GZ_KIND_TEXT || f->kind == GZ_KIND_CAPITALS)) {
            size_t vlen = tn - (size_t)(colon - t) - 1;
            if (vlen)
                put_field_words(&b, colon + 1, vlen);
            else if (p[n] == '(' && !group)
                group = depth + 1;
        } else if (group && !f) {
            put_field_words(&b, p, n);
        } else if (!f) {
            size_t core = tn;
            while (core && strchr(",;:!?", t[core - 1]))
                core--;
            if (core && t[core - 1] == '.' && !is_dotted_acronym(t, core))
                core--;
            if (core && is_capitals_word(t, core)) {
                gz_buf word = {0};
                gz_buf_put(&word, "", 0);
                for (size_t i = 0; i < core; i++)
                    if (t[i] != '.')
                        gz_buf_put(&word, t + i, 1);
                if (b.len)
                    gz_buf_put(&b, "\n", 1);
                if (word.failed)
                    b.failed = 1;
                else
                    put_lower(&b, word.data, word.len);
                free(word.data);
            }
        }
        p += n;
    }
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

/* The ')' that closes the group opened at `open` (its '('), counting
 * the parentheses of groups inside it and skipping quoted text; the end
 * of the string when none does. */
static const char *group_end(const char *open)
{
    int depth = 0, quoted = 0;
    const char *p = open;
    for (; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (!quoted && *p == '(')
            depth++;
        else if (!quoted && *p == ')' && --depth == 0)
            return p;
    }
    return p;
}

/* gz_query_unknown_field - see query_text.h. */
size_t gz_query_unknown_field(const char *query, const char **name)
{
    int quoted = 0, at_start = 1;
    for (const char *p = query; *p; p++) {
        if (*p == '"') {
            quoted = !quoted;
            at_start = 0;
            continue;
        }
        int starts = at_start && !quoted;
        at_start = gz_ascii_isspace((unsigned char)*p) || *p == '(' ||
                   ((*p == '+' || *p == '-') && at_start);
        if (!starts || !gz_ascii_isalpha((unsigned char)*p))
            continue;
        const char *w = p;
        while (gz_ascii_isalnum((unsigned char)*p) || *p == '_')
            p++;
        size_t len = (size_t)(p - w);
        if (*p == ':' && p[1] == '(' && gz_field_by_name(w, len)) {
            p = group_end(p + 1);   /* its words are values, not fields */
            at_start = 0;
            if (!*p)
                break;
            continue;
        }
        /* "C:\x", a drive's path, is no field either ("C:/x" is not
         * taken, as a URL) */
        if (*p == ':' && p[1] && !gz_ascii_isspace((unsigned char)p[1]) &&
            p[1] != '/' && p[1] != ':' && !(len == 1 && p[1] == '\\') &&
            !gz_field_by_name(w, len)) {
            *name = w;
            return len;
        }
        p--;   /* the loop's p++ looks at what ended the word */
    }
    return 0;
}
