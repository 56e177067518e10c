/* entities.c - named entities of an article (entities.h): the scanner
 * and the extractor; the word lists are in entity_words.c, the linking of
 * names in entity_link.c (entity_internal.h).
 *
 * The heuristic, in reading order (docs/entities.md has the reasons):
 *   1. A scanner cuts the text into tokens (letters and digits, with inner
 *      hyphens and apostrophes, and "J."-style initials) and notes for each
 *      whether punctuation came before it and whether it starts a sentence.
 *   2. A first pass collects the capitalised words seen in mid-sentence:
 *      they tell a name at the start of a sentence ("Messi scored", when
 *      "... Lionel Messi ..." is there too) from a capitalised common word
 *      ("Officials said").
 *   3. A second pass groups name words (capitalised, or "al-Assad"-style)
 *      into runs, with lower-case connectors inside ("bin", "von der",
 *      "of" after a head noun such as "Bank"), cuts each run at titles
 *      ("Prime Minister", "Mr") and drops sentence starters ("The", "But"),
 *      dates and lone sentence-initial words never seen in mid-sentence.
 *   4. Surnames alone are linked to the one full name they end, if any.
 */
#include "entities.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "entity_internal.h"
#include "schema.h"
#include "xapian_shim.h"

/* -------------------------------------------------------------- scanner */

enum {
    TK_CAP = 1 << 0,      /* starts with an upper-case letter */
    TK_LOWER = 1 << 1,    /* starts with a lower-case letter */
    TK_PARTICLE = 1 << 2, /* lower-case particle + name: "al-Assad" */
    TK_ENDS_RUN = 1 << 3, /* possessive or cut compound: name ends here */
    TK_ALLCAPS = 1 << 4,  /* two or more letters, none lower-case */
    TK_INITIAL = 1 << 5,  /* one capital and a full stop: "J." */
    TK_POSSESSIVE = 1 << 6, /* "'s" was cut off */
    TK_BRAND = 1 << 7      /* mixed-case brand name: "iPod", "eBay" */
};

typedef struct token {
    const char *start;
    size_t len;           /* bytes of the name part (possessive cut off) */
    unsigned flags;
    int sentence_initial; /* first word of a sentence */
    int broken;           /* punctuation or a sentence end came before */
    size_t letters;       /* letters in the token */
} token;

typedef struct scanner {
    const unsigned char *start, *p, *end;
    int sentence_start;
    int broken;
    token prev;
    gz_address_scan addresses;        /* words of addresses are no names */
} scanner;

static void scanner_init(scanner *s, const char *text, size_t len)
{
    memset(s, 0, sizeof *s);
    s->start = s->p = (const unsigned char *)text;
    s->end = s->p + len;
    gz_address_scan_init(&s->addresses, text, len);
    s->sentence_start = 1;
    s->broken = 1;
}

/* Code point at byte offset `at` past s->p, or 0 past the end. */
static uint32_t peek(const scanner *s, size_t at, size_t *n)
{
    uint32_t c = 0;
    *n = 0;
    if (s->p + at < s->end)
        *n = gz_utf8_next(s->p + at, s->end, &c);
    return c;
}

/* A '.' ends a sentence when followed by space, a closing mark or the end
 * of the text, and not after "Mr" and the like. */
static int full_stop_ends_sentence(const scanner *s, size_t after)
{
    size_t n;
    uint32_t next = peek(s, after, &n);
    if (!(n == 0 || is_space(next) || next == '\n' || next == '"' ||
          next == ')' || next == 0x201D || is_apostrophe(next)))
        return 0;
    return !(s->prev.len && gz_ew_word_in(EW_ABBREVIATIONS,
                                    s->prev.start, s->prev.len));
}

/* Consume a character that is not part of a word, updating the sentence
 * and run-break state. */
static void scan_separator(scanner *s, uint32_t c, size_t n)
{
    if (c == '\n') {
        /* A blank line ends a paragraph; a lone newline is only space. */
        const unsigned char *q = s->p + 1;
        while (q < s->end && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q < s->end && *q == '\n')
            s->sentence_start = s->broken = 1;
    } else if (c == '.' || c == '!' || c == '?' || c == ':' ||
               c == 0x2026) {
        s->broken = 1;
        if (c != '.' || full_stop_ends_sentence(s, n))
            s->sentence_start = 1;
    } else if (c == '"' || c == 0x201C) {
        /* An opening quote starts quoted speech, capitalised like a
         * sentence; a closing one just breaks the run. */
        s->broken = 1;
        size_t m;
        uint32_t next = peek(s, n, &m);
        if (m && is_upper(next))
            s->sentence_start = 1;
    } else if (!is_space(c)) {
        s->broken = 1;
    }
    s->p += n;
}

/* 1 when [w, w+len) is a brand name in mixed case: one or two lower-case
 * letters, a capital, then two or more lower-case letters and nothing
 * else ("iPod", "eBay", "iTunes"; not "mRNA", "kWh" or "pH"). */
static int is_brand(const char *w, size_t len)
{
    size_t i = 0;
    while (i < len && i < 2 && w[i] >= 'a' && w[i] <= 'z')
        i++;
    if (i == 0 || i >= len || w[i] < 'A' || w[i] > 'Z')
        return 0;
    size_t lowers = 0;
    for (i++; i < len; i++) {
        if (w[i] < 'a' || w[i] > 'z')
            return 0;
        lowers++;
    }
    return lowers >= 2;
}

/* Classify the word [t->start, +t->len): case, particle prefix,
 * possessive and lower-case compound tails (which are cut off). */
static void classify(token *t)
{
    const unsigned char *p = (const unsigned char *)t->start;
    const unsigned char *end = p + t->len;
    uint32_t c;
    size_t n = gz_utf8_next(p, end, &c);
    t->flags = is_upper(c) ? TK_CAP : is_lower(c) ? TK_LOWER : 0;
    /* Letters, and lower-case ones, of the part kept (counted on the way:
     * "US" of "US-backed" is all capitals). */
    size_t letters = 0, lowers = 0, cut_letters = 0, cut_lowers = 0;
    const unsigned char *cut = NULL;    /* end of the last capital part */
    int first_part = 1;
    for (const unsigned char *q = p; q < end; q += n) {
        n = gz_utf8_next(q, end, &c);
        if ((is_hyphen(c) || is_apostrophe(c)) && q + n < end) {
            uint32_t d;
            gz_utf8_next(q + n, end, &d);
            int tail_lower = is_lower(d);
            /* "al-Assad", "d'Ivoire": a particle before a capital. */
            if (first_part && (t->flags & TK_LOWER) && is_upper(d) &&
                gz_ew_word_in(EW_PARTICLES, (const char *)p,
                        (size_t)(q - p)))
                t->flags = TK_PARTICLE;
            /* Possessive "'s" closing the word. */
            if (is_apostrophe(c) && (d == 's' || d == 'S') &&
                q + n + 1 == end) {
                if (!gz_ew_word_in(EW_POSSESSIVE_NAMES,
                             (const char *)p, (size_t)(q - p))) {
                    end = q;
                    t->flags |= TK_ENDS_RUN | TK_POSSESSIVE;
                } else {    /* "Women's": the s is a letter of the word */
                    letters++;
                    lowers += d == 's';
                }
                break;
            }
            /* "US-backed": keep the capitalised head only. */
            if (is_hyphen(c) && tail_lower && (t->flags & TK_CAP) && !cut) {
                cut = q;
                cut_letters = letters;
                cut_lowers = lowers;
            }
            first_part = 0;
            continue;
        }
        if (is_upper(c)) {
            letters++;
        } else if (is_lower(c)) {
            letters++;
            lowers++;
        }
    }
    if (cut) {
        end = cut;
        letters = cut_letters;
        lowers = cut_lowers;
        t->flags |= TK_ENDS_RUN;
    }
    t->len = (size_t)(end - p);
    t->letters = letters;
    if (letters >= 2 && lowers == 0)
        t->flags |= TK_ALLCAPS;
    /* "AND", "THE" in a heading in capitals are not names. */
    if ((t->flags & TK_ALLCAPS) &&
        gz_ew_word_in(EW_CAPS_FUNCTION_WORDS, t->start, t->len))
        t->flags &= ~(unsigned)(TK_CAP | TK_ALLCAPS);
    if ((t->flags & TK_LOWER) && is_brand(t->start, t->len))
        t->flags = (t->flags & ~(unsigned)TK_LOWER) | TK_CAP | TK_BRAND;
}

/* "pro-Palestinian", "ex-Manchester": after a lower-case prefix that is
 * not a particle, the capitalised rest is a name word of its own. */
static void drop_lower_prefix(token *t)
{
    const unsigned char *p = (const unsigned char *)t->start;
    const unsigned char *end = p + t->len;
    size_t n;
    for (const unsigned char *q = p; q < end; q += n) {
        uint32_t c, d;
        n = gz_utf8_next(q, end, &c);
        if (is_apostrophe(c))
            return;
        if (!is_hyphen(c))
            continue;
        if (q + n < end && (gz_utf8_next(q + n, end, &d), is_upper(d)) &&
            !gz_ew_word_in(EW_NOT_A_NAME_TAIL,
                     (const char *)(q + n), (size_t)(end - (q + n)))) {
            t->len = (size_t)(end - (q + n));
            t->start = (const char *)(q + n);
            classify(t);
        }
        return;
    }
}

/* The next token, or 0 at the end of the text. */
static int scan(scanner *s, token *t)
{
    size_t n;
    uint32_t c;
    while (s->p < s->end) {
        c = peek(s, 0, &n);
        if (is_wordchar(c))
            break;
        scan_separator(s, c, n);
    }
    if (s->p >= s->end)
        return 0;
    const unsigned char *start = s->p;
    /* A word is CJK text or none ("NATO加盟国" is the word NATO), where
     * an index of CJK n-grams ends its words. */
    int cjk = gz_is_cjk(peek(s, 0, &n));
    while (s->p < s->end) {
        c = peek(s, 0, &n);
        if (is_wordchar(c) && gz_is_cjk(c) == cjk) {
            s->p += n;
            continue;
        }
        size_t m;
        uint32_t d = peek(s, n, &m);
        if ((is_hyphen(c) || is_apostrophe(c)) && m && is_wordchar(d) &&
            gz_is_cjk(d) == cjk) {
            s->p += n;
            continue;
        }
        break;
    }
    memset(t, 0, sizeof *t);
    t->start = (const char *)start;
    t->len = (size_t)(s->p - start);
    classify(t);
    /* A host or mailbox name ("bobbe@vice.ICO.TEK.COM", the signature of
     * a news post) names no one: its words are no name words. */
    if (gz_address_has_word(&s->addresses, (const char *)start))
        t->flags = 0;
    if (t->flags & TK_LOWER)
        drop_lower_prefix(t);
    /* "J." in "J. K. Rowling": the full stop belongs to the initial. */
    if ((t->flags & TK_CAP) && t->letters == 1 && t->len == 1 &&
        s->p < s->end && *s->p == '.') {
        s->p++;
        t->len++;
        t->flags |= TK_INITIAL;
    }
    t->sentence_initial = s->sentence_start;
    t->broken = s->broken;
    s->sentence_start = 0;
    s->broken = 0;
    s->prev = *t;
    return 1;
}

/* ------------------------------------------------------------ extractor */

#define MAX_RUN 10     /* longer runs of capitals are headlines, not names */
/* Distinct mid-sentence capitalised words remembered per article: news
 * articles have a few hundred; the bound keeps a huge file's memory in
 * check (past it, lone sentence-initial words are no longer confirmed). */
#define MIDCAPS_MAX 65536

typedef struct extractor {
    const gz_entity_lexicon *lexicon;   /* the index's view, or NULL */
    gz_strmap midcaps;    /* capitalised words seen in mid-sentence */
    gz_strmap by_term;    /* entity term -> index in out */
    gz_entity_list *out;
    token run[MAX_RUN];
    size_t nrun;
    int overflow;      /* the current run grew past MAX_RUN */
    size_t pending;    /* connectors waiting for the next name word */
    token conn[2];
    token prev;        /* the token before the current one (has_prev) */
    int has_prev;
    int date_lead;     /* the run follows a leads_to_date word directly */
    int failed;        /* out of memory */
} extractor;

static int is_name_word(const token *t)
{
    return (t->flags & (TK_CAP | TK_PARTICLE)) != 0;
}

static int is_connector(const token *t)
{
    return (t->flags & TK_LOWER) &&
           gz_ew_word_in(EW_CONNECTORS, t->start, t->len);
}

/* The tokens of one text as scanned once, so that the later passes over
 * it need not scan again (scanning is most of the extractor's cost): the
 * title's serve the Title Case test and both passes, the body's pass 2.
 * Bounded: a text of more tokens, or a failed allocation, leaves the
 * cache incomplete and each pass scans the text itself. */
#define TOKEN_CACHE_MAX 65536

/* Tokens a cache may hold (TOKEN_CACHE_MAX; tests lower it). */
static size_t token_cache_max = TOKEN_CACHE_MAX;

void gz_entities_set_token_cache_max(size_t tokens)
{
    token_cache_max = tokens;
}

typedef struct token_cache {
    token *items;
    size_t n, cap;
    int incomplete;
} token_cache;

static void cache_token(token_cache *c, const token *t)
{
    if (c->incomplete)
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        if (cap > token_cache_max)
            cap = token_cache_max;
        token *grown = cap > c->cap ? realloc(c->items, cap * sizeof *grown)
                                    : NULL;
        if (!grown) {
            c->incomplete = 1;
            return;
        }
        c->items = grown;
        c->cap = cap;
    }
    c->items[c->n++] = *t;
}

/* Scan all of [text, text+len) into `cache` (it is left incomplete, and
 * the scan stops, when the cache cannot hold another token). */
static void cache_text(token_cache *cache, const char *text, size_t len)
{
    scanner s;
    token t;
    scanner_init(&s, text, len);
    while (!cache->incomplete && scan(&s, &t))
        cache_token(cache, &t);
}

/* The tokens of a text, in order: from its cache when that is complete,
 * else scanned. */
typedef struct token_reader {
    scanner s;
    const token_cache *cache;   /* NULL or incomplete: scan */
    size_t at;
} token_reader;

static void reader_init(token_reader *r, const char *text, size_t len,
                        const token_cache *cache)
{
    scanner_init(&r->s, text, len);
    r->cache = cache && !cache->incomplete ? cache : NULL;
    r->at = 0;
}

/* The next token into *t; 0 at the end of the text. */
static int next_token(token_reader *r, token *t)
{
    if (!r->cache)
        return scan(&r->s, t);
    if (r->at >= r->cache->n)
        return 0;
    *t = r->cache->items[r->at++];
    return 1;
}

/* Pass 1: remember the capitalised words seen in mid-sentence; count
 * all-capitals words against words of two or more letters; keep the
 * tokens in `fill` (when not NULL) for pass 2. */
static void collect(extractor *x, token_reader *r, size_t *words,
                    size_t *shouted, token_cache *fill)
{
    token t;
    while (!x->failed && next_token(r, &t)) {
        if (fill)
            cache_token(fill, &t);
        if (t.letters >= 2) {
            (*words)++;
            *shouted += (t.flags & TK_ALLCAPS) != 0;
        }
        if (is_name_word(&t) && !t.sentence_initial &&
            x->midcaps.n < MIDCAPS_MAX &&
            gz_strmap_put(&x->midcaps, t.start, t.len, 1) != 0)
            x->failed = 1;
    }
    if (fill)
        fill->incomplete |= x->failed;
}

/* Append the entity [a, b) of the current run: its display form is the
 * run's words with one space wherever the text had white space between
 * them ("J.M.W. Turner" keeps its initials together). */
static void add_entity(extractor *x, size_t a, size_t b)
{
    const token *first = &x->run[a], *last = &x->run[b - 1];
    char *name = malloc((size_t)(last->start + last->len - first->start) + 1);
    char term[GZ_TERM_BUF];
    if (!name) {
        x->failed = 1;
        return;
    }
    size_t n = 0;
    for (size_t i = a; i < b; i++) {
        const token *t = &x->run[i];
        if (i > a && t->start > x->run[i - 1].start + x->run[i - 1].len)
            name[n++] = ' ';
        memcpy(name + n, t->start, t->len);
        n += t->len;
    }
    name[n] = '\0';
    size_t tlen = gz_entity_term(name, term, sizeof term);
    long at = tlen ? gz_strmap_get(&x->by_term, term, tlen) : -1;
    gz_entity_list *l = x->out;
    if (!tlen || at >= 0 || l->n >= GZ_ENTITIES_MAX) {
        if (at >= 0)
            l->items[at].count++;
        free(name);
        return;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        gz_entity *items = realloc(l->items, cap * sizeof *items);
        if (!items) {
            free(name);
            x->failed = 1;
            return;
        }
        l->items = items;
        l->cap = cap;
    }
    char *term_copy = malloc(tlen + 1);
    if (!term_copy || gz_strmap_put(&x->by_term, term, tlen, (long)l->n) != 0) {
        free(term_copy);
        free(name);
        x->failed = 1;
        return;
    }
    memcpy(term_copy, term, tlen + 1);
    l->items[l->n++] = (gz_entity){name, term_copy, 1, -1};
}

static int is_common_acronym(const token *t)
{
    return gz_ew_word_in(EW_COMMON_ACRONYMS, t->start, t->len);
}

/* 1 for a Capitalised (not ALL CAPS) sentence starter such as "The". */
static int is_starter(const token *t)
{
    return !(t->flags & TK_ALLCAPS) &&
           gz_ew_word_in(EW_STARTERS, t->start, t->len);
}

/* 1 when the index says the word of `t` is a name: it writes it
 * capitalised in mid-sentence in other articles (gz_entity_lexicon). */
static int known_name(const extractor *x, const token *t)
{
    return x->lexicon && x->lexicon->is_name &&
           x->lexicon->is_name(t->start, t->len, x->lexicon->ctx);
}

/* Judge the run segment [a, b) and add it when it looks like a name.
 * Connectors and common acronyms at its end are trimmed ("US TV" gives
 * "US"; at the start they stay: "PC World").
 * A lone word must not be a sentence starter ("The" after a missing full
 * stop), a date, title or acronym (NEVER_ALONE, COMMON_ACRONYMS), and if
 * it starts a sentence it must also occur capitalised in mid-sentence, in
 * the article or (the lexicon) in the index, unless it is a possessive
 * ("Iran's president": a common word rarely starts a sentence with "'s"
 * once contractions such as "It's", "Let's" are starters) or a brand
 * ("iPod").
 * (Dropping a sentence-initial first word that the article also has in
 * lower case was tried: it fixed "Several Hamas" but broke "Snow Leopard",
 * "Home Office" and "National Insurance" more often.) */
static void emit_segment(extractor *x, size_t a, size_t b)
{
    while (b > a && (!is_name_word(&x->run[b - 1]) ||
                     is_common_acronym(&x->run[b - 1])))
        b--;
    while (a < b && !is_name_word(&x->run[a]))
        a++;
    if (a >= b)
        return;
    const token *t = &x->run[a];
    int attested = gz_strmap_get(&x->midcaps, t->start, t->len) >= 0;
    if (b - a > 1) {
        add_entity(x, a, b);
        return;
    }
    if (t->letters < 2 || is_starter(t) || is_common_acronym(t) ||
        gz_ew_word_in(EW_NEVER_ALONE, t->start, t->len))
        return;
    if (t->sentence_initial && !attested &&
        !(t->flags & (TK_POSSESSIVE | TK_BRAND)) && !known_name(x, t))
        return;
    add_entity(x, a, b);
}

/* 1 when run[i] is a word of a title list (in lower case). */
static int run_word_is(const extractor *x, size_t i, const char *w,
                       size_t len)
{
    char buf[32];
    const token *t = &x->run[i];
    return gz_ew_ascii_lower(t->start, t->len, buf, sizeof buf) && t->len == len &&
           memcmp(buf, w, len) == 0;
}

/* Length in run words of the multi-word title at run[i], or 0. The
 * first word is lower-cased once and compared with each phrase's first
 * word; only a phrase that starts with it is followed further. */
static size_t title_phrase_at(const extractor *x, size_t i)
{
    char first[32];
    const token *t = &x->run[i];
    if (!gz_ew_ascii_lower(t->start, t->len, first, sizeof first))
        return 0;
    size_t best = 0;
    for (size_t k = 0; k < gz_ew_ntitle_phrases; k++) {
        const char *p = gz_ew_title_phrases[k];
        if (strncmp(p, first, t->len) != 0 ||
            (p[t->len] != ' ' && p[t->len] != '\0'))
            continue;
        p += t->len;
        if (*p == ' ')
            p++;
        size_t j = i + 1;
        while (*p && j < x->nrun) {
            size_t wl = strcspn(p, " ");
            if (!run_word_is(x, j, p, wl))
                break;
            j++;
            p += wl;
            if (*p == ' ')
                p++;
        }
        if (!*p && j - i > best)
            best = j - i;
    }
    return best;
}

/* 1 when a weekday or month right after `t` is a date: `t` is a word of
 * DATE_LEADS ("on", "in", "last"...) or a day number ("On 14 October
 * Google released", "11 September World Trade Centre"). */
static int leads_to_date(const token *t)
{
    if (t->letters == 0 && t->len <= 2) {
        for (size_t i = 0; i < t->len; i++)
            if (t->start[i] < '0' || t->start[i] > '9')
                return 0;
        return 1;
    }
    return gz_ew_word_in(EW_DATE_LEADS, t->start, t->len);
}

/* 1 when `t` is a weekday or a month, capitalised: "Wednesday", "May". */
static int is_date_word(const token *t)
{
    return !(t->flags & TK_ALLCAPS) &&
           (gz_ew_word_in(EW_DATE_WORDS, t->start, t->len) ||
            gz_ew_word_in(EW_DATE_NAMES, t->start, t->len));
}

/* Where the name of the run starts when run[a] may be a date: after it
 * when a date leads to it (`date_lead`: "On Wednesday Tony Blair said",
 * "In May Theresa May said") and a name word follows, else at `a`. The
 * name after the date is in mid-sentence. In English news a weekday or
 * month after such a word starts no name of a person or organisation;
 * without one it may ("Sunday Times", "Saturday Night Takeaway", "June
 * Carter Cash"). */
static size_t after_date(extractor *x, size_t a, int date_lead)
{
    if (!date_lead || a + 1 >= x->nrun || !is_date_word(&x->run[a]) ||
        !is_name_word(&x->run[a + 1]))
        return a;
    x->run[a + 1].sentence_initial = 0;
    return a + 1;
}

/* Emit the current run: drop sentence starters at its front, and a date
 * after them (after_date), cut it at titles, emit the pieces. */
static void flush_run(extractor *x)
{
    size_t n = x->nrun, a = 0;
    int date_lead = x->date_lead;
    x->pending = 0;
    x->date_lead = 0;
    if (x->overflow) {
        x->overflow = 0;
        x->nrun = 0;
        return;
    }
    while (a < n && x->run[a].sentence_initial && is_starter(&x->run[a])) {
        date_lead = leads_to_date(&x->run[a]);
        a++;
        while (a < n && !is_name_word(&x->run[a]))
            a++;
        /* What follows is mid-sentence: "But Israel" needs no other
         * capitalised "Israel", and "In The Hague" keeps "The". */
        if (a < n)
            x->run[a].sentence_initial = 0;
    }
    if (a < n)
        a = after_date(x, a, date_lead);

    size_t seg = a;
    for (size_t i = a; i < n;) {
        size_t plen = title_phrase_at(x, i);
        if (!plen && i + 1 < n && is_name_word(&x->run[i + 1]) &&
            gz_ew_word_in(EW_TITLES, x->run[i].start, x->run[i].len))
            plen = 1;
        if (plen) {
            /* "Education Secretary Ruth Kelly": one word before a bare
             * "Secretary" or "Minister" belongs to the title. */
            int title_head = plen == 1 && i == seg + 1 &&
                             !(x->run[seg].flags & TK_ALLCAPS) &&
                             (run_word_is(x, i, "secretary", 9) ||
                              run_word_is(x, i, "minister", 8));
            if (!title_head)
                emit_segment(x, seg, i);
            i += plen;
            seg = i;
            if (i < n)
                x->run[i].sentence_initial = 0;
        } else {
            i++;
        }
    }
    emit_segment(x, seg, n);
    x->nrun = 0;
}

static void run_push(extractor *x, const token *t)
{
    if (x->nrun == MAX_RUN) {
        x->overflow = 1;
        return;
    }
    x->run[x->nrun++] = *t;
}

/* May connector `t` follow the current run and pending connectors? "of"
 * and "for" need a head noun before them ("Department for Education");
 * "the" only follows those two; at most two connectors in a row. */
static int connector_fits(const extractor *x, const token *t)
{
    if (x->nrun == 0 || x->pending == 2)
        return 0;
    int is_of = t->len == 2 && memcmp(t->start, "of", 2) == 0;
    int is_for = t->len == 3 && memcmp(t->start, "for", 3) == 0;
    int is_the = t->len == 3 && memcmp(t->start, "the", 3) == 0;
    if (is_the) {
        const token *c = &x->conn[0];
        return x->pending == 1 &&
               ((c->len == 2 && memcmp(c->start, "of", 2) == 0) ||
                (c->len == 3 && memcmp(c->start, "for", 3) == 0));
    }
    if (is_of || is_for) {
        const token *last = &x->run[x->nrun - 1];
        return x->pending == 0 &&
               gz_ew_word_in(EW_OF_HEADS, last->start, last->len);
    }
    return 1;
}

/* Pass 2: group tokens into runs and emit them. A run notes whether a
 * word that makes a weekday or month a date leads to it (after_date). */
static void extract(extractor *x, token_reader *r)
{
    token t;
    x->has_prev = 0;
    for (; !x->failed && next_token(r, &t); x->prev = t, x->has_prev = 1) {
        if (t.broken && (x->nrun || x->overflow))
            flush_run(x);
        if (t.flags & TK_BRAND) {
            /* "Apple iPod": the maker and the product, two names. */
            if (x->nrun || x->overflow)
                flush_run(x);
            run_push(x, &t);
            flush_run(x);
        } else if (is_name_word(&t)) {
            if (x->nrun == 0 && !x->overflow)
                x->date_lead = !t.broken && x->has_prev &&
                               leads_to_date(&x->prev);
            for (size_t i = 0; i < x->pending; i++)
                run_push(x, &x->conn[i]);
            x->pending = 0;
            run_push(x, &t);
            if (t.flags & TK_ENDS_RUN)
                flush_run(x);
        } else if (x->nrun && is_connector(&t) && connector_fits(x, &t)) {
            x->conn[x->pending++] = t;
        } else if (x->nrun || x->overflow) {
            flush_run(x);
        }
    }
    if (x->nrun || x->overflow)
        flush_run(x);
}

/* A title is Title Case when three or more of its words after the first,
 * short function words aside, are nearly all capitalised: then capitals
 * say nothing and the title is left out. Shouting titles likewise. */
static int title_is_title_case(token_reader *r)
{
    token t;
    size_t words = 0, caps = 0, shouted = 0, all = 0;
    for (int first = 1; next_token(r, &t); first = 0) {
        if (t.letters >= 2) {
            all++;
            shouted += (t.flags & TK_ALLCAPS) != 0;
        }
        if (first || !t.letters ||
            gz_ew_word_in(EW_TITLE_SMALL_WORDS, t.start, t.len))
            continue;
        words++;
        caps += (t.flags & (TK_CAP | TK_PARTICLE)) != 0;
    }
    return (words >= 3 && caps * 4 >= words * 3) ||
           (all >= 2 && shouted * 2 > all);
}

int gz_entities_extract(const char *title, const char *body, size_t body_len,
                        gz_entity_list *out)
{
    return gz_entities_extract_with(title, body, body_len, NULL, out);
}

int gz_entities_extract_with(const char *title, const char *body,
                             size_t body_len, const gz_entity_lexicon *lexicon,
                             gz_entity_list *out)
{
    extractor x;
    memset(&x, 0, sizeof x);
    memset(out, 0, sizeof *out);
    x.out = out;
    x.lexicon = lexicon;
    if (!title)
        title = "";
    if (!body) {
        body = "";
        body_len = 0;
    }
    size_t title_len = strlen(title);
    token_cache title_tokens = {0}, body_tokens = {0};
    token_reader r;
    cache_text(&title_tokens, title, title_len);
    reader_init(&r, title, title_len, &title_tokens);
    int use_title = !title_is_title_case(&r);
    size_t words = 0, shouted = 0;
    if (use_title) {
        reader_init(&r, title, title_len, &title_tokens);
        collect(&x, &r, &words, &shouted, NULL);
    }
    size_t title_words = words, title_shouted = shouted;
    reader_init(&r, body, body_len, NULL);
    collect(&x, &r, &words, &shouted, &body_tokens);
    /* Mostly capitals (teletype text): nothing can be told apart. */
    int shouting = words - title_words > 0
                       ? (shouted - title_shouted) * 2 > words - title_words
                       : 0;
    if (!shouting && use_title) {
        reader_init(&r, title, title_len, &title_tokens);
        extract(&x, &r);
    }
    if (!shouting) {
        reader_init(&r, body, body_len, &body_tokens);
        extract(&x, &r);
    }
    free(title_tokens.items);
    free(body_tokens.items);
    if (!x.failed && gz_entities_link(out) != 0)
        x.failed = 1;
    gz_strmap_free(&x.midcaps);
    gz_strmap_free(&x.by_term);
    if (x.failed) {
        gz_entity_list_free(out);
        return -1;
    }
    return 0;
}

void gz_entity_list_free(gz_entity_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->items[i].name);
        free(list->items[i].term);
    }
    free(list->items);
    memset(list, 0, sizeof *list);
}
