/* snippet.c - plain-text snippets (snippet.h). */
#include "buf.h"
#include "ascii.h"
#include "snippet.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "fold.h"
#include "schema.h"
#include "utf8.h"

/* Xapian escapes HTML in snippets and puts the highlight markers in raw.
 * Asking it for control-character markers lets us undo the escaping
 * without touching the caller's markers, whatever they contain; the omit
 * marker likewise tells Xapian's "..." from one the text itself has. */
#define MARK_START '\x01'
#define MARK_END '\x02'
#define MARK_OMIT '\x03'
#define OMIT "..."

static const struct {
    const char *entity;
    char ch;
} html_entities[] = {
    {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
    {"&#39;", '\''}, {"&apos;", '\''},
};

/* If `p` starts with an entity Xapian emits, store its character in *ch and
 * return the entity's length; else 0. */
static size_t match_entity(const char *p, char *ch)
{
    if (*p != '&')
        return 0;
    for (size_t i = 0; i < sizeof html_entities / sizeof *html_entities; i++) {
        size_t n = strlen(html_entities[i].entity);
        if (strncmp(p, html_entities[i].entity, n) == 0) {
            *ch = html_entities[i].ch;
            return n;
        }
    }
    return 0;
}

/* Undo Xapian's HTML escaping of `raw` in place (the text only shrinks);
 * the marker bytes stay. */
static void unescape_html(char *raw)
{
    char *o = raw;
    for (const char *p = raw; *p;) {
        char ch;
        size_t n = match_entity(p, &ch);
        if (n) {
            *o++ = ch;
            p += n;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
}

/* ------------------------------------------------------------ long words */

/*
 * Xapian's snippet skips a word longer than 64 bytes (its TermGenerator's
 * default word limit, under which the index does not have such words
 * either) yet copies its text into the snippet as the white space before
 * the next word, so a highlight of that word began at the long one:
 * "alpha [yyy...y zebra]". unmark_long_words moves such a highlight's
 * start past the long words, which needs the words cut as Xapian cuts
 * them (its parse_terms, which it does not export): the functions below.
 */
#define XAPIAN_MAX_WORD 64
#define NOT_INFIX 0
#define IGNORED_INFIX 0xFFFFFFFFu

static size_t utf8_len(uint32_t ch)
{
    return ch < 0x80 ? 1 : ch < 0x800 ? 2 : ch < 0x10000 ? 3 : 4;
}

static int is_decimal_digit(uint32_t ch)
{
    return utf8proc_category((utf8proc_int32_t)ch) == UTF8PROC_CATEGORY_ND;
}

static int is_zero_width(uint32_t ch)
{
    return ch >= 0x200B && (ch <= 0x200D || ch == 0x2060 || ch == 0xFEFF);
}

/* What Xapian keeps of `ch` between two word characters (its check_infix
 * and check_infix_digit): the character, IGNORED_INFIX, or NOT_INFIX. */
static uint32_t infix_of(uint32_t ch, int digits)
{
    if (is_zero_width(ch))
        return IGNORED_INFIX;
    if (digits)
        return ch == ',' || ch == '.' || ch == ';' || ch == 0x037E ||
                       ch == 0x0589 || ch == 0x060D || ch == 0x07F8 ||
                       ch == 0x2044 || ch == 0xFE10 || ch == 0xFE13 ||
                       ch == 0xFE14 ? ch : NOT_INFIX;
    if (ch == '\'' || ch == '&' || ch == 0xB7 || ch == 0x5F4 || ch == 0x2027)
        return ch;
    return ch == 0x2019 || ch == 0x201B ? '\'' : NOT_INFIX;
}

/* The character at p (p < end) in *ch; its length. */
static size_t char_at(const unsigned char *p, const unsigned char *end,
                      uint32_t *ch)
{
    return gz_utf8_next(p, end, ch);
}

/* The length in bytes of the word Xapian reads from `p`, a word
 * character, to `end` (its term: lower case, infixes such as the
 * apostrophe of "don't", up to three '+' or '#' after it); *after is
 * where that word ends. A run of CJK characters read as n-grams (`cjk`)
 * counts as one short word. Once the length passes `most` the reading
 * stops there, *after inside the word, and a length above `most` is
 * returned: a caller that wants only a term of at most `most` bytes
 * spends no more on a longer word (a body of "U.S.U.S..." or "d’d’..."
 * has a word start at each letter). */
static size_t xapian_word(const unsigned char *p, const unsigned char *end,
                          int cjk, size_t most, const unsigned char **after)
{
    uint32_t ch, c;
    size_t n = char_at(p, end, &ch), len = 0;
    *after = p + n;
    if (ch < 0x80 && gz_ascii_isupper((unsigned char)ch)) {
        /* initials: "U.N.C.L.E" is the word "uncle" */
        const unsigned char *q = p;
        size_t letters = 0;
        do {
            if (++letters > most) {
                *after = q;
                return letters;
            }
            q++;
        } while (q != end && *q == '.' && ++q != end &&
                 gz_ascii_isupper(*q));
        if (letters > 1 &&
            (q == end || (char_at(q, end, &c), !xap_unicode_is_wordchar(c)))) {
            *after = q;
            return letters;
        }
    }
    if (cjk && xap_unicode_is_cjk(ch))
        return 1;
    for (;;) {
        uint32_t prev;
        do {
            len += utf8_len(xap_unicode_tolower(ch));
            prev = ch;
            p += n;
            *after = p;
            if (p == end || len > most)
                return len;
            n = char_at(p, end, &ch);
            if (cjk && xap_unicode_is_cjk(ch))
                return len;
        } while (xap_unicode_is_wordchar(ch));
        const unsigned char *next = p + n;
        uint32_t nextch;
        if (next == end)
            break;
        size_t nn = char_at(next, end, &nextch);
        if (!xap_unicode_is_wordchar(nextch))
            break;
        uint32_t infix = infix_of(ch, is_decimal_digit(prev) &&
                                          is_decimal_digit(nextch));
        if (infix == NOT_INFIX)
            break;
        if (infix != IGNORED_INFIX)
            len += utf8_len(infix);
        p = next;
        n = nn;
        ch = nextch;
    }
    /* p is at the character after the word, `ch` */
    size_t suffixes = 0;
    const unsigned char *q = p;
    while (q != end && (*q == '+' || *q == '#') && suffixes < 3) {
        suffixes++;
        q++;
    }
    if (q == end || (char_at(q, end, &c), !xap_unicode_is_wordchar(c)))
        len += suffixes;
    *after = q;
    return len;
}

/* Move the start of each highlight of `raw` (Xapian's snippet, marker
 * bytes kept) past the words longer than Xapian reads that open it, up
 * to the next word (see above); a highlight of only such a word stays. */
static void unmark_long_words(char *raw, int cjk)
{
    for (char *m = raw; (m = strchr(m, MARK_START)); m++) {
        for (;;) {
            size_t span = strcspn(m + 1, "\x02");
            const unsigned char *p = (const unsigned char *)m + 1,
                                *end = p + span, *w;
            uint32_t ch;
            if (p == end || (char_at(p, end, &ch),
                             !xap_unicode_is_wordchar(ch)) ||
                xapian_word(p, end, cjk, SIZE_MAX, &w) <= XAPIAN_MAX_WORD)
                break;
            size_t n = 0;
            for (; w < end; w += n) {
                n = char_at(w, end, &ch);
                if (xap_unicode_is_wordchar(ch))
                    break;
            }
            if (w >= end)
                break;
            memmove(m, m + 1, (size_t)((const char *)w - (m + 1)));
            m = (char *)w - 1;
            *m = MARK_START;
        }
    }
}

/* Turn `marked` (text with the marker bytes) into plain text in `out` (at
 * most strlen(marked) + 3 * omits + 1 bytes): runs of white space made one
 * space, no space at either end, each omit marker made "...". Records each
 * marked span's offsets in `hl` (room for 2 * number of MARK_START), spans
 * that touch as one, and returns the number of spans. */
static size_t flatten(const char *marked, char *out, size_t *hl)
{
    char *o = out;
    size_t n_hl = 0;
    int in_space = 1;   /* drops leading white space */
    for (const char *p = marked; *p; p++) {
        char ch = *p;
        if (ch == MARK_START || ch == MARK_END) {
            size_t at = (size_t)(o - out);
            /* a match right after the last ("[北][京]": Xapian marks the
             * CJK characters of a word one by one) extends it */
            if (ch == MARK_START && n_hl && hl[2 * n_hl - 1] == at)
                n_hl--;
            else if (ch == MARK_START)
                hl[2 * n_hl] = at;
            else
                hl[2 * n_hl++ + 1] = at;
            in_space = 0;
        } else if (ch == MARK_OMIT) {
            memcpy(o, OMIT, strlen(OMIT));
            o += strlen(OMIT);
            in_space = 0;
        } else if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
            if (!in_space)
                *o++ = ' ';
            in_space = 1;
        } else {
            *o++ = ch;
            in_space = 0;
        }
    }
    while (o > out && o[-1] == ' ')
        o--;
    *o = '\0';
    /* Trailing-space trimming never cuts a highlight: a span ends on a
     * word character. Clamp anyway so offsets are always valid. */
    for (size_t i = 0; i < 2 * n_hl; i++)
        if (hl[i] > (size_t)(o - out))
            hl[i] = (size_t)(o - out);
    return n_hl;
}

/* `body` with the marker bytes made spaces, in a new string (NULL when out
 * of memory), or `body` itself when it has none: article text may hold
 * any control byte (wire feeds frame with SOH/STX), and a stray marker
 * would pair up with no highlight. */
static const char *without_markers(const char *body, size_t len, char **copy)
{
    *copy = NULL;
    if (!memchr(body, MARK_START, len) && !memchr(body, MARK_END, len) &&
        !memchr(body, MARK_OMIT, len))
        return body;
    if (!(*copy = malloc(len + 1)))
        return NULL;
    for (size_t i = 0; i < len; i++) {
        char c = body[i];
        (*copy)[i] = c == MARK_START || c == MARK_END || c == MARK_OMIT ? ' '
                                                                        : c;
    }
    (*copy)[len] = '\0';
    return *copy;
}

/* The first occurrence of [needle, +n) in [hay, +hn), or NULL. */
static const char *find_bytes(const char *hay, size_t hn, const char *needle,
                              size_t n)
{
    if (n == 0)
        return hay;
    for (const char *p = hay; n <= hn - (size_t)(p - hay);) {
        const char *q = memchr(p, needle[0], hn - (size_t)(p - hay) - n + 1);
        if (!q)
            return NULL;
        if (memcmp(q, needle, n) == 0)
            return q;
        p = q + 1;
    }
    return NULL;
}

/* Copy one snippet segment (text between omit markers, with highlight
 * markers) of the folded text back into the original's words: the
 * segment without markers is a piece of `folded` (Xapian copies the text
 * it shows verbatim), found from *cursor on; the original bytes it came
 * from are map[start] .. map[end]. A segment that cannot be found is kept
 * as it is. */
static void unfold_segment(gz_buf *out, const char *seg, size_t n,
                           const char *orig, const char *folded,
                           size_t flen, const size_t *map, size_t *cursor)
{
    char *plain = malloc(n + 1);
    size_t *marks = malloc((n + 1) * sizeof *marks);   /* plain offsets */
    size_t pn = 0, nmarks = 0;
    if (!plain || !marks) {
        free(plain);
        free(marks);
        out->failed = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (seg[i] == MARK_START || seg[i] == MARK_END)
            marks[nmarks++] = pn;
        else
            plain[pn++] = seg[i];
    }
    const char *at = NULL;
    if (pn <= flen - *cursor)
        at = find_bytes(folded + *cursor, flen - *cursor, plain, pn);
    if (!at) {
        gz_buf_put(out, seg, n);
    } else {
        size_t start = (size_t)(at - folded), prev = map[start];
        size_t mi = 0;
        for (size_t i = 0; i < n; i++) {
            if (seg[i] != MARK_START && seg[i] != MARK_END)
                continue;
            size_t to = map[start + marks[mi++]];
            gz_buf_put(out, orig + prev, to - prev);
            gz_buf_put(out, &seg[i], 1);
            prev = to;
        }
        gz_buf_put(out, orig + prev, map[start + pn] - prev);
        *cursor = start + pn;
    }
    free(plain);
    free(marks);
}

/* `marked`, a snippet of `folded` (unescaped, with marker bytes), in the
 * words of `orig`: a new string, or NULL when out of memory. */
static char *unfold_snippet(const char *marked, const char *orig,
                            const char *folded, size_t flen,
                            const size_t *map)
{
    gz_buf out = {0};
    size_t cursor = 0;
    gz_buf_put(&out, "", 0);
    for (const char *p = marked; *p;) {
        if (*p == MARK_OMIT) {
            gz_buf_put(&out, p, 1);
            p++;
            continue;
        }
        size_t n = strcspn(p, "\x03");
        unfold_segment(&out, p, n, orig, folded, flen, map, &cursor);
        p += n;
    }
    if (out.failed) {
        free(out.data);
        return NULL;
    }
    return out.data;
}

/* The text Xapian should make the snippet from: `body` with stray marker
 * bytes blanked, and folded as the index is when it has accents (then
 * *folded and *map are set, for unfold_snippet). Returns the text, NULL
 * when out of memory; *copy is freed by the caller. */
static const char *snippet_source(const char *body, size_t len, char **copy,
                                  char **folded, size_t *flen, size_t **map)
{
    const char *text = without_markers(body, len, copy);
    *folded = NULL;
    *map = NULL;
    if (!text || !gz_fold_accents_needed(text, len))
        return text;
    if (gz_fold_accents(text, len, folded, flen, map) != 0)
        return NULL;
    return *folded;
}

/* ------------------------------------------------------------ query words */

typedef struct words_walk {
    gz_snippet_words *w;
    int nomem;
} words_walk;

/* Keep `term` when a snippet can highlight it: "word" or "Zstem" in lower
 * case (field and filter terms start with a capital, and only the body is
 * snipped). A non-ASCII word cannot be found by the ASCII search below:
 * then the whole text goes to Xapian. */
static int add_word(const char *term, void *ctx)
{
    words_walk *walk = ctx;
    gz_snippet_words *w = walk->w;
    size_t stem = strncmp(term, GZ_STEM_PREFIX, strlen(GZ_STEM_PREFIX)) == 0
                      ? strlen(GZ_STEM_PREFIX) : 0;
    const char *text = term + stem;
    unsigned char first = (unsigned char)*text;
    if (!first || (first < 0x80 && !gz_ascii_islower(first) &&
                   !gz_ascii_isdigit(first)))
        return 0;
    for (const char *p = text; *p; p++)
        if ((unsigned char)*p >= 0x80)
            w->whole_text = 1;
    char **grown = realloc(w->text, (w->n + 1) * sizeof *grown);
    unsigned char *flags = grown ? realloc(w->stem, w->n + 1) : NULL;
    if (grown)
        w->text = grown;
    if (flags)
        w->stem = flags;
    if (!grown || !flags || !(w->text[w->n] = strdup(text))) {
        walk->nomem = 1;
        return 1;
    }
    w->stem[w->n++] = stem != 0;
    return 0;
}

/* The index in w->text of the query term `term` ("word" or "Zstem"),
 * w->n when add_word did not keep it. */
static size_t word_index(const gz_snippet_words *w, const char *term)
{
    int stem = strncmp(term, GZ_STEM_PREFIX, strlen(GZ_STEM_PREFIX)) == 0;
    const char *text = term + (stem ? strlen(GZ_STEM_PREFIX) : 0);
    for (size_t i = 0; i < w->n; i++)
        if (w->stem[i] == stem && strcmp(w->text[i], text) == 0)
            return i;
    return w->n;
}

/* xap_query_each_snippet_term's callback for gz_snippet_words_of: a
 * phrase whose words are all kept is added to walk->w's phrases, a term
 * alone marked so. */
static int add_phrase(const char *const *terms, size_t n, int phrase,
                      void *ctx)
{
    words_walk *walk = ctx;
    gz_snippet_words *w = walk->w;
    if (!phrase) {
        size_t i = word_index(w, terms[0]);
        if (i < w->n)
            w->alone[i] = 1;
        return 0;
    }
    size_t first = w->phrase_start[w->nphrases];
    size_t *words = realloc(w->phrase_word, (first + n) * sizeof *words);
    size_t *starts = words ? realloc(w->phrase_start,
                                     (w->nphrases + 2) * sizeof *starts)
                           : NULL;
    if (words)
        w->phrase_word = words;
    if (starts)
        w->phrase_start = starts;
    if (!words || !starts) {
        walk->nomem = 1;
        return 1;
    }
    for (size_t j = 0; j < n; j++)
        if ((words[first + j] = word_index(w, terms[j])) == w->n)
            return 0;   /* a word no snippet looks for: not this phrase */
    starts[++w->nphrases] = first + n;
    return 0;
}

/* w->phrase_* and w->alone of `q` (see snippet.h); all NULL when it has
 * no phrase. */
static xap_status find_phrases(const xap_query *q, gz_snippet_words *w)
{
    words_walk walk = {w, 0};
    w->alone = calloc(w->n, 1);
    w->phrase_start = calloc(1, sizeof *w->phrase_start);
    if (!w->alone || !w->phrase_start)
        return XAP_ERR_NOMEM;
    xap_status s = xap_query_each_snippet_term(q, add_phrase, &walk);
    if (s == XAP_OK && walk.nomem)
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK && w->nphrases == 0) {
        free(w->alone);
        free(w->phrase_start);
        free(w->phrase_word);
        w->alone = NULL;
        w->phrase_start = w->phrase_word = NULL;
    }
    return s;
}

xap_status gz_snippet_words_of(const xap_query *q, int wildcard,
                               gz_snippet_words *w)
{
    *w = (gz_snippet_words){.whole_text = wildcard != 0};
    words_walk walk = {w, 0};
    xap_status s = xap_query_each_term(q, add_word, &walk);
    if (s == XAP_OK && walk.nomem)
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK && !w->whole_text && w->n)
        s = find_phrases(q, w);
    return s;
}

void gz_snippet_words_free(gz_snippet_words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->text[i]);
    free(w->text);
    free(w->stem);
    free(w->form);
    free(w->phrase_word);
    free(w->phrase_start);
    free(w->alone);
    *w = (gz_snippet_words){0};
}

/* ------------------------------------------------------ capitals terms */

/* Append a copy of `s` to the list *items of *n; 0, or -1 when out of
 * memory. */
static int push_copy(char ***items, size_t *n, const char *s)
{
    char **grown = realloc(*items, (*n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    *items = grown;
    if (!(grown[*n] = strdup(s)))
        return -1;
    (*n)++;
    return 0;
}

static void free_list(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

/* The walk of gz_capitals_terms_of: the markers met since the last other
 * term, and the terms met with none before them. */
typedef struct caps_walk {
    const char *(*rename)(const char *term, void *ctx);
    void *ctx;
    gz_capitals_terms *out;
    char **pending, **plain;
    size_t npending, nplain;
    int nomem;
} caps_walk;

/* xap_query_snippet_parts' rename: a marker is remembered (and left out
 * of the walk's query, which is not used), any other term renamed as the
 * caller asked and paired with the markers just before it. */
static const char *track_capitals(const char *term, void *ctx)
{
    caps_walk *w = ctx;
    const gz_field *f = gz_field_of_term(term);
    if (f && f->kind == GZ_KIND_CAPITALS) {
        if (push_copy(&w->pending, &w->npending, term) != 0)
            w->nomem = 1;
        return NULL;
    }
    const char *name = w->rename(term, w->ctx);
    for (size_t i = 0; name && i < w->npending && !w->nomem; i++) {
        gz_capitals_terms *c = w->out;
        size_t nterms = c->n, nmarkers = c->n;
        if (push_copy(&c->term, &nterms, name) != 0 ||
            push_copy(&c->marker, &nmarkers, w->pending[i]) != 0) {
            if (nterms > c->n)
                free(c->term[c->n]);
            w->nomem = 1;
        } else {
            c->n++;
        }
    }
    if (name && !w->npending && push_copy(&w->plain, &w->nplain, name) != 0)
        w->nomem = 1;
    free_list(w->pending, w->npending);
    w->pending = NULL;
    w->npending = 0;
    return name;
}

/* Drop from `c` the pairs of a term that `plain` (n) lists. */
static void drop_plain(gz_capitals_terms *c, char **plain, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < c->n; i++) {
        int also_plain = 0;
        for (size_t k = 0; k < n && !also_plain; k++)
            also_plain = strcmp(plain[k], c->term[i]) == 0;
        if (also_plain) {
            free(c->term[i]);
            free(c->marker[i]);
            continue;
        }
        c->term[kept] = c->term[i];
        c->marker[kept++] = c->marker[i];
    }
    c->n = kept;
}

xap_status gz_capitals_terms_of(const xap_query *q,
                                const char *(*rename)(const char *term,
                                                      void *ctx),
                                void *ctx, gz_capitals_terms *out)
{
    *out = (gz_capitals_terms){NULL, NULL, 0};
    caps_walk w = {rename, ctx, out, NULL, NULL, 0, 0, 0};
    xap_query *parts = NULL;
    xap_status s = xap_query_snippet_parts(q, XAP_SNIPPET_PARTS_NO_EXCLUDED,
                                           track_capitals, &w, &parts);
    xap_query_free(parts);
    if (s == XAP_OK && w.nomem)
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK)
        drop_plain(out, w.plain, w.nplain);
    free_list(w.pending, w.npending);
    free_list(w.plain, w.nplain);
    if (s != XAP_OK)
        gz_capitals_terms_free(out);
    return s;
}

void gz_capitals_terms_free(gz_capitals_terms *c)
{
    free_list(c->term, c->n);
    free_list(c->marker, c->n);
    *c = (gz_capitals_terms){NULL, NULL, 0};
}

unsigned gz_capitals_form(const gz_capitals_terms *c, const char *term)
{
    unsigned form = GZ_FORM_ANY;
    size_t caps = strlen(GZ_PREFIX_CAPS);
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->term[i], term) != 0)
            continue;
        if (strncmp(c->marker[i], GZ_PREFIX_CAPS, caps) == 0)
            return GZ_FORM_CAPITAL;   /* the laxer of the two */
        form = GZ_FORM_UPPER;
    }
    return form;
}

int gz_capitals_marker_of(const gz_capitals_terms *c, const char *term,
                          const char *marker)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->term[i], term) == 0 &&
            strcmp(c->marker[i], marker) == 0)
            return 1;
    return 0;
}

xap_status gz_snippet_words_forms(gz_snippet_words *w,
                                  const gz_capitals_terms *c)
{
    free(w->form);
    w->form = NULL;
    if (c->n == 0 || w->n == 0)
        return XAP_OK;
    if (!(w->form = calloc(w->n, 1)))
        return XAP_ERR_NOMEM;
    for (size_t i = 0; i < w->n; i++) {
        char term[GZ_TERM_BUF];
        int n = snprintf(term, sizeof term, "%s%s",
                         w->stem[i] ? GZ_STEM_PREFIX : "", w->text[i]);
        if (n > 0 && (size_t)n < sizeof term)
            w->form[i] = (unsigned char)gz_capitals_form(c, term);
    }
    return XAP_OK;
}

/* ------------------------------------------------------------- stemmer */

/*
 * Xapian's snippet stems every word it reads to compare it with the
 * query's stems: a tenth of a default search's instructions. An English
 * (Porter2) stem always starts with the word's first letter (stemming
 * only changes endings; its exceptions, "dying" -> "die", "skies" ->
 * "sky", keep it too; tests/test_query.c checks it on the sample corpus).
 * So a word whose first byte starts none of the query's words can stem to
 * none of them, and the snippet stemmer hands it back unstemmed: it
 * cannot match either way. Exact only while the snippet weighs no word
 * outside the query (no XAP_SNIPPET_BACKGROUND_MODEL).
 */
/* The stems of a result set's snippets are mostly of the same few words,
 * met again in each hit (and once more when the passage is chosen, which
 * stems the words that start like a stem): the stemmer remembers the
 * stems of short words, one per slot of a small table. */
#define MEMO_SLOTS 512
#define MEMO_BYTES 24   /* a word or stem and its '\0' */

typedef struct memo_slot {
    char word[MEMO_BYTES];
    char stem[MEMO_BYTES];
} memo_slot;

typedef struct first_letter_stemmer {
    xap_stem *real;
    unsigned char starts[256];   /* 1: a query word starts with this byte */
    char *last;                  /* the last stem made (owned) */
    memo_slot memo[MEMO_SLOTS];
} first_letter_stemmer;

/* The slot of [word, +len) (FNV-1a). */
static memo_slot *memo_of(first_letter_stemmer *f, const char *word,
                          size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)word[i]) * 16777619u;
    return &f->memo[h % MEMO_SLOTS];
}

static const char *stem_if_query_letter(const char *word, size_t len,
                                        size_t *stem_len, void *ctx)
{
    first_letter_stemmer *f = ctx;
    if (len == 0 || !f->starts[(unsigned char)word[0]]) {
        *stem_len = len;
        return word;
    }
    memo_slot *m = len < MEMO_BYTES ? memo_of(f, word, len) : NULL;
    if (m && m->word[len] == '\0' && memcmp(m->word, word, len) == 0) {
        *stem_len = strlen(m->stem);
        return m->stem;
    }
    free(f->last);
    f->last = NULL;
    if (xap_stem_word(f->real, word, &f->last) != XAP_OK)
        return NULL;
    *stem_len = strlen(f->last);
    if (m && *stem_len < MEMO_BYTES) {
        memcpy(m->word, word, len);
        m->word[len] = '\0';
        memcpy(m->stem, f->last, *stem_len + 1);
    }
    return f->last;
}

static void release_stemmer(void *ctx)
{
    first_letter_stemmer *f = ctx;
    xap_stem_free(f->real);
    free(f->last);
    free(f);
}

/* 1 when `language` names Snowball's English (Porter2) stemmer. */
static int is_english(const char *language)
{
    return strcmp(language, "english") == 0 || strcmp(language, "en") == 0;
}

xap_status gz_snippet_stemmer_new(const char *language,
                                  const gz_snippet_words *words,
                                  xap_stem **out)
{
    if (!is_english(language) || words->whole_text)
        return xap_stem_new(language, out);
    first_letter_stemmer *f = calloc(1, sizeof *f);
    if (!f)
        return XAP_ERR_NOMEM;
    for (size_t i = 0; i < words->n; i++)
        f->starts[(unsigned char)words->text[i][0]] = 1;
    xap_status s = xap_stem_new(language, &f->real);
    if (s != XAP_OK) {
        free(f);
        return s;
    }
    return xap_stem_new_custom(stem_if_query_letter, f, release_stemmer,
                               out);
}

/* ---------------------------------------------------------------- regions */

/*
 * Xapian's snippet reads the whole text it is given, stemming every word:
 * about a million instructions for a 2 KB article, ten times the match.
 * So it is given only the region of the body where the query's words are
 * densest: a cheap case-insensitive scan of word starts finds where each
 * query word occurs; the `length`-byte window with the most distinct
 * words (then the most occurrences, then the earliest) is widened by a
 * quarter of a length each side, and Xapian picks the snippet in it
 * (each word it reads costs a stemming: the region is kept small).
 * Xapian marks the words of a tight phrase only where they stand side by
 * side: a phrase counts as one word there, found where its words do so,
 * and a word the query has only in phrases does not count alone (else a
 * region with the words apart, where Xapian marks nothing, was chosen
 * over a later one with the phrase).
 *
 * A stem is found as Xapian finds it, by the words that stem to it: only
 * a word that starts like the stem (English stemming changes only the
 * end of a word: all of the stem but its last letter starts the word,
 * an 'i' there perhaps the word's 'y', "happy" "happi", "dying" "die")
 * is stemmed to be sure. Taking every word that merely started like a
 * short stem took "article" for "art" and "use" for "us": the region
 * then held no match and the snippet was the start of the body, with no
 * highlight.
 */

static int is_word_byte(unsigned char c)
{
    return gz_ascii_isalnum(c) || c >= 0x80;
}

/* 1 when [s, s+n) has a character for which `is` says 1. */
static int has_char(const char *s, size_t n, int (*is)(uint32_t))
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        uint32_t ch;
        p += char_at(p, end, &ch);
        if (is(ch))
            return 1;
    }
    return 0;
}

/* 1 when the word [s, s+n) is written as `form` (GZ_FORM_*) asks. */
static int written_as(unsigned form, const char *s, size_t n)
{
    if (form == GZ_FORM_CAPITAL)
        return has_char(s, n, xap_unicode_is_upper);
    if (form == GZ_FORM_UPPER)
        return !has_char(s, n, xap_unicode_is_lower);
    return 1;
}

/* 1 when "U.S" or "U.S.": initials, which Xapian reads as "us". */
static int initials(const char *s, size_t n)
{
    if (n < 3)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (i % 2 ? s[i] != '.' : !gz_ascii_isupper((unsigned char)s[i]))
            return 0;
    return 1;
}

/* The term Xapian reads from text[at] (an ASCII letter or digit), in
 * lower case, into `buf` (`cap` bytes): ASCII letters lowered, a curly
 * apostrophe made straight, the dots of initials dropped (other
 * characters are kept as they are: close enough for the ASCII words
 * compared with it). *end is where the word ends. 0 when it does not
 * fit, or when the word is longer than the terms Xapian keeps
 * (XAPIAN_MAX_WORD): then only that much of it is read. */
static int term_at(const char *text, size_t len, size_t at, char *buf,
                   size_t cap, size_t *end)
{
    const unsigned char *p = (const unsigned char *)text + at,
                        *stop = (const unsigned char *)text + len, *after;
    /* a longer word is no term of the index: Xapian leaves it out */
    if (xapian_word(p, stop, 0, XAPIAN_MAX_WORD, &after) > XAPIAN_MAX_WORD)
        return 0;
    *end = (size_t)((const char *)after - text);
    int dots = initials(text + at, *end - at);
    size_t o = 0;
    while (p < after) {
        uint32_t ch;
        size_t n = char_at(p, after, &ch);
        if (!(dots && ch == '.') && !is_zero_width(ch)) {
            if (o + n >= cap)
                return 0;
            if (ch == 0x2019 || ch == 0x201B)
                buf[o++] = '\'';
            else if (ch < 0x80)
                buf[o++] = (char)gz_ascii_tolower((unsigned char)ch);
            else {
                memcpy(buf + o, p, n);
                o += n;
            }
        }
        p += n;
    }
    buf[o] = '\0';
    return 1;
}

/* 1 when the character at s[i] (i < n) of the word [s, s+n) may be
 * one Xapian does not read as written: the dot of initials ("U.S."), a
 * curly apostrophe, a zero-width character. Where the bytes of a text's
 * word and of a query's differ first, only the term Xapian reads there
 * (term_at) can tell them apart. */
static inline int may_read_otherwise(const char *s, size_t n, size_t i)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[i] == '.')
        return i > 0 && gz_ascii_isupper(p[i - 1]);
    if (p[i] < 0x80)
        return 0;
    uint32_t ch, infix;
    char_at(p + i, p + n, &ch);
    infix = infix_of(ch, 0);
    return infix == '\'' || infix == IGNORED_INFIX;
}

/* 1 when [s, s+n) may be a word that starts with the `k` first letters
 * of `stem`: its bytes do, in any case, an 'i' of the stem perhaps a 'y'
 * ("dying": "die"), at least up to a character may_read_otherwise. */
static int starts_like(const char *s, size_t n, const char *stem, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        if (i == n)
            return 0;
        char c = (char)gz_ascii_tolower((unsigned char)s[i]);
        if (c != stem[i] && !(stem[i] == 'i' && c == 'y'))
            return may_read_otherwise(s, n, i);
    }
    return 1;
}

/* 1 when the term `term` (term_at) is the query word `i`: the same
 * word, or for a stem a word that stems to it. -1 when out of memory. */
static int term_is(const gz_snippet_words *w, size_t i, const xap_stem *stem,
                   const char *term)
{
    if (!w->stem[i] || !stem)
        return strcmp(term, w->text[i]) == 0;
    char *stemmed = NULL;
    if (xap_stem_word(stem, term, &stemmed) != XAP_OK)
        return -1;
    int same = strcmp(stemmed, w->text[i]) == 0;
    free(stemmed);
    return same;
}

typedef struct hit_pos {
    size_t at;
    size_t word;   /* a query word, or w->n + k: the start of phrase k */
} hit_pos;

/* `at` moved past what is no word character in [body, +len): the next
 * word's start, or len. */
static size_t next_word(const char *body, size_t len, size_t at)
{
    const unsigned char *p = (const unsigned char *)body + at,
                        *end = (const unsigned char *)body + len;
    while (p < end) {
        uint32_t ch;
        size_t n = char_at(p, end, &ch);
        if (xap_unicode_is_wordchar(ch))
            break;
        p += n;
    }
    return (size_t)((const char *)p - body);
}

/* The length of a possessive ending at body[at] (at < len): an
 * apostrophe Xapian reads as one ("'", U+2019, U+201B) and an 's'; else
 * 0. Whether the word ends there is the caller's to check. */
static size_t possessive_at(const char *body, size_t len, size_t at)
{
    const unsigned char *p = (const unsigned char *)body + at,
                        *end = (const unsigned char *)body + len;
    uint32_t ch;
    if (*p < 0x80 && *p != '\'')
        return 0;
    size_t quote = char_at(p, end, &ch);
    if (infix_of(ch, 0) != '\'' || at + quote >= len ||
        gz_ascii_tolower((unsigned char)body[at + quote]) != 's')
        return 0;
    return quote + 1;
}

/* 1 when the word before body[at] goes on there as Xapian reads words:
 * a word character, or an infix between two (the apostrophe of "don't",
 * "AT&T", the point of "53.2"). */
static int word_goes_on(const char *body, size_t len, size_t at)
{
    if (at >= len || gz_ascii_isspace((unsigned char)body[at]))
        return 0;
    if (gz_ascii_isalnum((unsigned char)body[at]))
        return 1;   /* most often, and cheaper than asking Xapian */
    const unsigned char *p = (const unsigned char *)body + at,
                        *end = (const unsigned char *)body + len;
    uint32_t ch, next = 0;
    size_t n = char_at(p, end, &ch);
    /* an infix is no word character: "e-mail" asks Xapian once */
    if (infix_of(ch, 0) == NOT_INFIX && infix_of(ch, 1) == NOT_INFIX)
        return xap_unicode_is_wordchar(ch);
    if (p + n < end)
        char_at(p + n, end, &next);
    if (!xap_unicode_is_wordchar(next))
        return 0;
    uint32_t prev = (unsigned char)body[at - 1];
    return infix_of(ch, prev < 0x80 && gz_ascii_isdigit((unsigned char)prev) &&
                            is_decimal_digit(next)) != NOT_INFIX;
}

/* word_here for a word whose bytes are not `word`'s (n bytes): the term
 * Xapian reads at body[at] is compared with it, and with its possessive
 * (the term has the apostrophe straight). */
static int term_here(const char *body, size_t len, size_t at,
                     const char *word, size_t n, size_t *end, size_t *bare)
{
    char term[XAPIAN_MAX_WORD * 4 + 1];
    if (!term_at(body, len, at, term, sizeof term, end) ||
        strncmp(term, word, n) != 0)
        return 0;
    if (term[n] == '\0') {   /* initials end before a possessive: "U.S.'s" */
        *bare = *end;
        if (*end < len)
            *end += possessive_at(body, len, *end);
        return !word_goes_on(body, len, *end);
    }
    if (strcmp(term + n, "'s") != 0)
        return 0;
    *bare = *end - (body[*end - 2] == '\'' ? 2 : 4);
    return 1;
}

/* 1 when the word Xapian reads at body[at] (a word start) is `word`
 * (lower-case ASCII, n bytes), in any case, or its possessive (the
 * index puts the bare word at a possessive's place, and the snippets'
 * query has the phrases with possessives,
 * XAP_SNIPPET_PARTS_POSSESSIVES): *end is past it, *bare past the word
 * without a possessive. The bytes are compared, and where they differ
 * first at a character Xapian may read otherwise, the terms: "don’t" is
 * "don't", "U.S." is "us", a zero-width character inside a word is
 * nothing. */
static inline int word_here(const char *body, size_t len, size_t at,
                            const char *word, size_t n, size_t *end, size_t *bare)
{
    size_t same = 0, most = n < len - at ? n : len - at;
    while (same < most &&
           gz_ascii_tolower((unsigned char)body[at + same]) == word[same])
        same++;
    if (same < n)
        return same < most && may_read_otherwise(body + at, len - at, same) &&
               term_here(body, len, at, word, n, end, bare);
    *end = *bare = at + n;
    if (*end < len)
        *end += possessive_at(body, len, *end);
    return !word_goes_on(body, len, *end);
}

/* 1 when the query word `i` is the word at body[at] (a word start),
 * written as its form asks (the markers of a word in capitals); -1 when
 * out of memory. */
static int word_at(const gz_snippet_words *w, size_t i, const xap_stem *stem,
                   const char *body, size_t len, size_t at)
{
    const char *word = w->text[i];
    size_t n = strlen(word), end = at + n;
    char term[XAPIAN_MAX_WORD * 4 + 1];
    if (w->stem[i]) {
        if (!starts_like(body + at, len - at, word, n > 1 ? n - 1 : n) ||
            !term_at(body, len, at, term, sizeof term, &end))
            return 0;
        int same = term_is(w, i, stem, term);
        if (same != 1)
            return same;
    } else {
        size_t past;
        if (!word_here(body, len, at, word, n, &past, &end))
            return 0;
    }
    return written_as(w->form ? w->form[i] : GZ_FORM_ANY, body + at,
                      end - at);
}

/* Append {at, word} to *out (*n of *cap); 0, or -1 when out of memory. */
static int push_pos(hit_pos **out, size_t *n, size_t *cap, size_t at,
                    size_t word)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        hit_pos *grown = realloc(*out, *cap * sizeof *grown);
        if (!grown)
            return -1;
        *out = grown;
    }
    (*out)[(*n)++] = (hit_pos){at, word};
    return 0;
}

/* 1 when the words of `body` from `at` on (a word start) are those of
 * phrase `k`, side by side and in order, as Xapian reads words: what is
 * no word character between them is passed over. */
static int phrase_at(const gz_snippet_words *w, size_t k, const char *body,
                     size_t len, size_t at)
{
    for (size_t j = w->phrase_start[k]; j < w->phrase_start[k + 1]; j++) {
        const char *word = w->text[w->phrase_word[j]];
        size_t end, bare;
        if (at >= len ||
            !word_here(body, len, at, word, strlen(word), &end, &bare))
            return 0;
        at = next_word(body, len, end);
    }
    return 1;
}

/* Append to *out (*n of *cap) the start of the first phrase of `w` at
 * `at`, a word start of `body`, if one is; 0, or -1 when out of memory. */
static int push_phrase_at(const gz_snippet_words *w, const char *body,
                          size_t len, size_t at, hit_pos **out, size_t *n,
                          size_t *cap)
{
    for (size_t k = 0; k < w->nphrases; k++)
        if (phrase_at(w, k, body, len, at))
            return push_pos(out, n, cap, at, w->n + k);
    return 0;
}

/* Offsets of the query words in `body` (`stem` stems them), in text
 * order, in *out (*n of them; NULL when none). With `phrases` (the
 * query has some), a word the query has only in phrases is left out and
 * the start of each phrase found is in instead (w->n + its index):
 * Xapian highlights such a word only in its phrase. Returns 0, or -1
 * when out of memory. */
static int find_words(const gz_snippet_words *w, const xap_stem *stem,
                      const char *body, size_t len, int phrases,
                      hit_pos **out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t at = 0; at < len; at++) {
        /* A word starts after anything but an ASCII letter or digit:
         * Xapian splits "£53.2m" before "53.2m" (a false start inside a
         * word with accents only moves the region a little). */
        if (!is_word_byte((unsigned char)body[at]) ||
            (at > 0 && gz_ascii_isalnum((unsigned char)body[at - 1])))
            continue;
        int matched = 0;
        for (size_t i = 0; i < w->n; i++) {
            if (gz_ascii_tolower((unsigned char)body[at]) != w->text[i][0])
                continue;
            int found = word_at(w, i, stem, body, len, at);
            if (found < 0)
                return -1;
            if (!found)
                continue;
            matched = 1;
            if (phrases && !w->alone[i])
                continue;   /* counts in a phrase only */
            if (push_pos(out, n, &cap, at, i) != 0)
                return -1;
            break;
        }
        /* a phrase starts with a query word (one also alone perhaps) */
        if (phrases && matched &&
            push_phrase_at(w, body, len, at, out, n, &cap) != 0)
            return -1;
    }
    return 0;
}

/* 1 when `pos` (n) holds the start of a phrase. */
static int has_phrase(const gz_snippet_words *w, const hit_pos *pos,
                      size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (pos[i].word >= w->n)
            return 1;
    return 0;
}

/* Start of the `length`-byte window of `pos` with the most distinct
 * words, then the most occurrences; the earliest on ties. */
static size_t best_window(const hit_pos *pos, size_t n, size_t nwords,
                          size_t length)
{
    size_t best_at = pos[0].at, best_score = 0;
    unsigned char seen[64];
    for (size_t i = 0; i < n; i++) {
        size_t distinct = 0, count = 0;
        memset(seen, 0, sizeof seen);
        for (size_t j = i; j < n && pos[j].at < pos[i].at + length; j++) {
            size_t k = pos[j].word % sizeof seen;
            distinct += !seen[k];
            seen[k] = 1;
            count++;
        }
        size_t score = distinct * (n + 1) + count;
        if (score > best_score) {
            best_score = score;
            best_at = pos[i].at;
        }
        if (distinct == nwords && count == n - i)
            break;   /* nothing later can do better */
    }
    return best_at;
}

/* Move `at` back (forward when `forward`) to a white-space boundary, at
 * most `slack` bytes, so the region cuts no word (nor UTF-8 sequence). */
static size_t snap(const char *body, size_t len, size_t at, int forward,
                   size_t slack)
{
    for (size_t moved = 0; moved < slack && at > 0 && at < len; moved++) {
        if (gz_ascii_isspace((unsigned char)body[at - 1]))
            return at;
        at += forward ? 1 : (size_t)-1;
    }
    while (at > 0 && at < len && ((unsigned char)body[at] & 0xC0) == 0x80)
        at += forward ? 1 : (size_t)-1;   /* never inside a character */
    return at;
}

/* The key that groups query word `i` with the others of its stem: its
 * stem (the word itself without a stemmer). A new string, NULL when out
 * of memory or the stemmer failed. */
static char *group_key(const gz_snippet_words *w, size_t i,
                       const xap_stem *stem)
{
    char *key = NULL;
    if (w->stem[i] || !stem)
        return strdup(w->text[i]);
    return xap_stem_word(stem, w->text[i], &key) == XAP_OK ? key : NULL;
}

/* Each query word's group into group[i] (the first word of its stem),
 * their number into *ngroups: the forms of a hyphenated word's part
 * ("terror", "terrorism", query/hyphens.c) choose the passage as one
 * word, as the free words of one stem are one stem term already; else a
 * form standing alone elsewhere drew the passage away from the phrase.
 * Returns 0, or -1 when out of memory. */
static int word_groups(const gz_snippet_words *w, const xap_stem *stem,
                       size_t *group, size_t *ngroups)
{
    char **key = calloc(w->n, sizeof *key);
    int rc = key ? 0 : -1;
    *ngroups = 0;
    for (size_t i = 0; rc == 0 && i < w->n; i++) {
        key[i] = group_key(w, i, stem);
        rc = key[i] ? 0 : -1;
        group[i] = i;
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (strcmp(key[j], key[i]) == 0) {
                group[i] = group[j];
                break;
            }
        *ngroups += rc == 0 && group[i] == i;
    }
    for (size_t i = 0; key && i < w->n; i++)
        free(key[i]);
    free(key);
    return rc;
}

/* 1 when phrases `j` and `k` are words of the same groups (`group`,
 * word_groups) in the same order. */
static int same_phrase(const gz_snippet_words *w, const size_t *group,
                       size_t j, size_t k)
{
    size_t a = w->phrase_start[j], b = w->phrase_start[k],
           n = w->phrase_start[j + 1] - a;
    if (w->phrase_start[k + 1] - b != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (group[w->phrase_word[a + i]] != group[w->phrase_word[b + i]])
            return 0;
    return 1;
}

/* The group of each phrase `k` into group[w->n + k] (w->n + the first
 * phrase of its group), after the words' (word_groups), and their number
 * added to *ngroups: the phrases of the same groups of words in the same
 * order are one, as the phrases of a hyphenated word's forms ("e mail",
 * "e mails") are one word typed. */
static void phrase_groups(const gz_snippet_words *w, size_t *group,
                          size_t *ngroups)
{
    for (size_t k = 0; k < w->nphrases; k++) {
        size_t g = w->n + k;
        for (size_t j = 0; j < k && g == w->n + k; j++)
            if (same_phrase(w, group, j, k))
                g = group[w->n + j];
        group[w->n + k] = g;
        *ngroups += g == w->n + k;
    }
}

/* The region [*start, *end) of `body` to give Xapian (see above). */
static int find_region(const gz_snippet_words *w, const xap_stem *stem,
                       const char *body, size_t len, size_t length,
                       size_t *start, size_t *end)
{
    *start = 0;
    *end = len;
    if (w->whole_text || w->n == 0)
        return 0;
    hit_pos *pos = NULL;
    size_t n = 0;
    int phrases = w->nphrases > 0;
    if (find_words(w, stem, body, len, phrases, &pos, &n) != 0) {
        free(pos);
        return -1;
    }
    if (phrases && !has_phrase(w, pos, n)) {
        /* none found as this reads words: the words one by one, as
         * before phrases counted */
        phrases = 0;
        free(pos);
        if (find_words(w, stem, body, len, 0, &pos, &n) != 0) {
            free(pos);
            return -1;
        }
    }
    size_t *group = n ? malloc((w->n + w->nphrases) * sizeof *group)
                      : NULL, ngroups = 0;
    if (n && (!group || word_groups(w, stem, group, &ngroups) != 0)) {
        free(group);
        free(pos);
        return -1;
    }
    if (phrases)
        phrase_groups(w, group, &ngroups);
    for (size_t i = 0; i < n; i++)
        pos[i].word = group[pos[i].word];
    size_t from = n ? best_window(pos, n, ngroups, length) : 0;
    free(group);
    free(pos);
    if (n == 0) {
        /* No query word in the text (it matched in the title, say): the
         * text's first `length` bytes, which Xapian, finding nothing to
         * prefer, would otherwise not start at the beginning. */
        if (len > length)
            *end = snap(body, len, length, 0, length / 2);
        return 0;
    }
    if (len <= length + length / 2)
        return 0;
    size_t slack = length / 4;
    *start = from > slack ? from - slack : 0;
    *end = from + length + slack < len ? from + length + slack : len;
    if (*start > 0)
        *start = snap(body, len, *start, 0, slack);
    if (*end < len)
        *end = snap(body, len, *end, 1, slack);
    return 0;
}

/* -------------------------------------------------------------- snippets */

/*
 * The end of the text. Xapian ends a snippet that stops after the last
 * word of its text with "..." unless what follows is a sentence's end,
 * which it tells by the last character alone being '.', '?' or '!': a
 * body ending "fine.”" (a quote closed after the full stop, as news
 * writes it), "fine.)", "fine…" or "很好。" (an ideographic full
 * stop) lost its last characters, and its snippet said text was left out
 * where none was.
 */

/* The offset just past the last word character of [text, +len), 0 when
 * there is none. */
static size_t last_word_end(const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    size_t after = 0;
    while (p < end) {
        uint32_t ch;
        p += char_at(p, end, &ch);
        if (xap_unicode_is_wordchar(ch))
            after = (size_t)(p - (const unsigned char *)text);
    }
    return after;
}

/* In `raw` (Xapian's snippet of all of [text, +len) to its end, markers
 * kept), the omit marker that ends it made the punctuation after the
 * text's last word, when the snippet's last piece ends with that word
 * (see above). `raw` itself, or a new string (the old one freed); NULL
 * when out of memory. */
static char *keep_final_punctuation(char *raw, const char *text, size_t len)
{
    size_t n = strlen(raw), last = last_word_end(text, len), tail = len;
    if (n < 2 || raw[n - 1] != MARK_OMIT || last == 0)
        return raw;
    while (tail > last && gz_ascii_isspace((unsigned char)text[tail - 1]))
        tail--;
    /* the piece's text from its end back, markers skipped, must be the
     * text's up to its last word */
    size_t at = last, i = n - 1;
    while (i > 0 && raw[i - 1] != MARK_OMIT && at > 0) {
        char c = raw[--i];
        if (c == MARK_START || c == MARK_END)
            continue;
        if (c != text[--at])
            return raw;
    }
    while (i > 0 && (raw[i - 1] == MARK_START || raw[i - 1] == MARK_END))
        i--;
    if (tail == last || at == last || (i > 0 && raw[i - 1] != MARK_OMIT))
        return raw;
    char *out = malloc(n + (tail - last));
    if (!out) {
        free(raw);
        return NULL;
    }
    memcpy(out, raw, n - 1);
    memcpy(out + n - 1, text + last, tail - last);
    out[n - 1 + tail - last] = '\0';
    free(raw);
    return out;
}

/* `raw` (Xapian's snippet of a region of the text, marker bytes kept)
 * with an omit marker added where the region itself left text out and
 * Xapian, which saw only the region, did not say so; like Xapian, none
 * after the end of a sentence. New string, NULL when out of memory. */
static char *mark_cuts(const char *raw, int cut_before, int cut_after)
{
    size_t n = strlen(raw);
    char last = n ? raw[n - 1] : '.';
    int before = cut_before && raw[0] != MARK_OMIT;
    int after = cut_after && last != '.' && last != '!' && last != '?' &&
                last != MARK_OMIT;
    char *out = malloc(n + 3);
    if (!out)
        return NULL;
    char *o = out;
    if (before)
        *o++ = MARK_OMIT;
    memcpy(o, raw, n);
    o += n;
    if (after)
        *o++ = MARK_OMIT;
    *o = '\0';
    return out;
}

/* 0 when the highlight [a, b) of `plain` is a word only a query word in
 * capitals matched and not written as that asks ("It" for "IT"), else 1;
 * -1 when out of memory. */
static int is_match(const gz_snippet_words *w, const xap_stem *stem,
                    const char *plain, size_t a, size_t b)
{
    char term[XAPIAN_MAX_WORD * 4 + 1];
    size_t end;
    if (!gz_ascii_isalnum((unsigned char)plain[a]) ||
        !term_at(plain, b, a, term, sizeof term, &end) || end != b)
        return 1;   /* not one ASCII word: no word in capitals */
    int capitals = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (w->text[i][0] != term[0])
            continue;
        int same = term_is(w, i, stem, term);
        if (same != 1) {
            if (same < 0)
                return -1;
            continue;
        }
        if (written_as(w->form[i], plain + a, b - a))
            return 1;
        capitals = 1;
    }
    return !capitals;
}

/*
 * CJK n-grams. A run of the query, "港口", is searched as its characters
 * and pairs, 港 AND 港口 AND 口, and Xapian's snippets mark every
 * character of the text that is a term of the query: "上海[港]务局" and
 * "[出][口]" too, where the article has no 港口 there (it matched by its
 * title), as if those characters had been searched for. A character of
 * the text is a match only where it is part of a pair of the query, or
 * when the query has it as a word of its own (no pair of the query holds
 * it: "港 口", two words, marks both wherever they are).
 */

/* 1 when [p, end) is one or more CJK characters and nothing else. */
static int only_cjk(const unsigned char *p, const unsigned char *end)
{
    if (p == end)
        return 0;
    while (p < end) {
        uint32_t ch;
        p += char_at(p, end, &ch);
        if (!xap_unicode_is_cjk(ch))
            return 0;
    }
    return 1;
}

/* 1 when the query word `t` is two CJK characters or more (a pair, or a
 * run the query parser keeps whole). */
static int is_cjk_pair(const char *t)
{
    const unsigned char *p = (const unsigned char *)t, *end = p + strlen(t);
    uint32_t ch;
    return only_cjk(p, end) && p + char_at(p, end, &ch) < end;
}

/* 1 when a pair of the query words `w` holds the character [c, +n). */
static int in_cjk_pair(const gz_snippet_words *w, const char *c, size_t n)
{
    for (size_t i = 0; i < w->n; i++)
        if (is_cjk_pair(w->text[i]) &&
            find_bytes(w->text[i], strlen(w->text[i]), c, n))
            return 1;
    return 0;
}

/* 0 when the highlight [a, b) of `plain`, CJK characters only, is no
 * match (see above): it holds no pair of the query, and a character of
 * it is only part of the query's pairs. Else 1. */
static int is_cjk_match(const gz_snippet_words *w, const char *plain,
                        size_t a, size_t b)
{
    const unsigned char *p = (const unsigned char *)plain + a,
                        *end = (const unsigned char *)plain + b;
    if (!only_cjk(p, end))
        return 1;
    for (size_t i = 0; i < w->n; i++)
        if (is_cjk_pair(w->text[i]) &&
            find_bytes(plain + a, b - a, w->text[i], strlen(w->text[i])))
            return 1;
    while (p < end) {
        uint32_t ch;
        size_t n = char_at(p, end, &ch);
        if (in_cjk_pair(w, (const char *)p, n))
            return 0;
        p += n;
    }
    return 1;
}

/* Drop from the `n` highlights `hl` of `plain` those is_match refuses,
 * and with CJK n-grams (`cjk`) those is_cjk_match refuses; the number
 * left (moved to the front), or -1 when out of memory. */
static long keep_matches(const gz_snippet_words *w, const xap_stem *stem,
                         int cjk, const char *plain, size_t *hl, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        int ok = w->form ? is_match(w, stem, plain, hl[2 * i], hl[2 * i + 1])
                         : 1;
        if (ok > 0 && cjk)
            ok = is_cjk_match(w, plain, hl[2 * i], hl[2 * i + 1]);
        if (ok < 0)
            return -1;
        if (ok) {
            hl[2 * kept] = hl[2 * i];
            hl[2 * kept + 1] = hl[2 * i + 1];
            kept++;
        }
    }
    return (long)kept;
}

xap_status gz_snippet_make(const xap_mset *mset, const xap_stem *stem,
                           const gz_snippet_words *words, unsigned flags,
                           const char *body, size_t body_len, size_t length,
                           char **out, size_t **highlights,
                           size_t *nhighlights)
{
    char *raw = NULL, *copy = NULL, *folded = NULL;
    size_t *map = NULL, flen = 0;
    const char *text = snippet_source(body, body_len, &copy, &folded, &flen,
                                      &map);
    size_t tlen = folded ? flen : body_len, start = 0, end = tlen;
    xap_status s = text ? XAP_OK : XAP_ERR_NOMEM;
    /* The region is found in the text as Xapian sees it (folded): the
     * query's words are folded too. */
    if (s == XAP_OK &&
        find_region(words, stem, text, tlen, length, &start, &end) != 0)
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK)
        s = xap_mset_snippet(mset, text + start, end - start, length, stem,
                             XAP_SNIPPET_EXHAUSTIVE | flags, "\x01", "\x02",
                             "\x03", &raw);
    if (s == XAP_OK) {
        unescape_html(raw);
        if (end == tlen &&
            !(raw = keep_final_punctuation(raw, text + start, end - start)))
            s = XAP_ERR_NOMEM;
    }
    if (s == XAP_OK) {
        unmark_long_words(raw, (flags & XAP_SNIPPET_CJK_NGRAM) != 0);
        if (folded) {
            char *orig = unfold_snippet(raw, copy ? copy : body,
                                        folded + start, end - start,
                                        map + start);
            free(raw);
            raw = orig;
            if (!raw)
                s = XAP_ERR_NOMEM;
        }
    }
    free(copy);
    free(folded);
    free(map);
    if (s != XAP_OK) {
        free(raw);
        return s;
    }
    char *marked = mark_cuts(raw, start > 0, end < tlen);
    free(raw);
    if (!marked)
        return XAP_ERR_NOMEM;
    size_t marks = 0, omits = 0;
    for (const char *p = marked; *p; p++) {
        marks += *p == MARK_START;
        omits += *p == MARK_OMIT;
    }
    char *plain = malloc(strlen(marked) + omits * strlen(OMIT) + 1);
    size_t *hl = marks ? malloc(2 * marks * sizeof *hl) : NULL;
    if (!plain || (marks && !hl)) {
        free(marked);
        free(plain);
        free(hl);
        return XAP_ERR_NOMEM;
    }
    long kept = keep_matches(words, stem,
                             (flags & XAP_SNIPPET_CJK_NGRAM) != 0, plain, hl,
                             flatten(marked, plain, hl));
    free(marked);
    if (kept < 0) {
        free(plain);
        free(hl);
        return XAP_ERR_NOMEM;
    }
    *nhighlights = (size_t)kept;
    *out = plain;
    *highlights = hl;
    return XAP_OK;
}

xap_status gz_snippet_stats(xap_enquire *enq, xap_mset **stats)
{
    xap_status s = xap_enquire_set_weighting_bool(enq);
    if (s == XAP_OK)   /* no hit needed: the statistics */
        s = xap_enquire_get_mset(enq, 0, 0, 0, NULL, stats);
    return s;
}

char *gz_snippet_lead(const char *body, size_t body_len, size_t length)
{
    /* Cut after the last white space within `length` bytes (a whole
     * word), or at `length` on a character boundary for one long word. */
    size_t cut = body_len;
    int cut_short = 0;
    if (body_len > length) {
        cut_short = 1;
        cut = length;
        while (cut > 0 && body[cut] != ' ' && body[cut] != '\n' &&
               body[cut] != '\t')
            cut--;
        if (cut == 0) {
            cut = length;
            while (cut > 0 && ((unsigned char)body[cut] & 0xC0) == 0x80)
                cut--;
        }
    }
    char *marked = malloc(cut + 2);
    char *plain = malloc(cut + strlen(OMIT) + 1);
    if (!marked || !plain) {
        free(marked);
        free(plain);
        return NULL;
    }
    for (size_t i = 0; i < cut; i++) {
        char c = body[i];
        marked[i] = c == MARK_START || c == MARK_END || c == MARK_OMIT ||
                            c == '\0' ? ' ' : c;
    }
    marked[cut] = cut_short ? MARK_OMIT : '\0';
    marked[cut + 1] = '\0';
    flatten(marked, plain, NULL);
    free(marked);
    return plain;
}

char *gz_snippet_mark(const char *plain, const size_t *highlights, size_t n,
                      const char *hi_start, const char *hi_end)
{
    hi_start = hi_start ? hi_start : "";
    hi_end = hi_end ? hi_end : "";
    size_t ls = strlen(hi_start), le = strlen(hi_end), len = strlen(plain);
    char *out = malloc(len + n * (ls + le) + 1);
    if (!out)
        return NULL;
    char *o = out;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t start = highlights[2 * i], end = highlights[2 * i + 1];
        memcpy(o, plain + at, start - at);
        o += start - at;
        memcpy(o, hi_start, ls);
        o += ls;
        memcpy(o, plain + start, end - start);
        o += end - start;
        memcpy(o, hi_end, le);
        o += le;
        at = end;
    }
    memcpy(o, plain + at, len - at);
    o[len - at] = '\0';
    return out;
}
