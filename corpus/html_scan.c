/*
 * html_scan.c - corpus_html_scan(): what parsing a page with gumbo would
 * cost, found by one linear pass over the text, before gumbo sees it.
 *
 * Why: gumbo 0.10 has no limits. Its scope checks walk the stack of open
 * elements for most tags, so a page nested N deep costs it N steps per
 * tag (100 000 nested <div>s: half a minute; 4 000 nested <span>s followed
 * by a million stray end tags: over thirty seconds), and it compares every
 * attribute of an element with the ones before it (200 000 attributes on
 * one element: two minutes). The scan estimates
 *
 *   depth   the deepest nesting gumbo will build, erring on the high side;
 *   work    the sum, over all tags, of the nesting depth at that tag, plus
 *           the sum, over all elements, of their attribute count squared
 *           (gumbo's steps, up to a constant factor);
 *
 * and read_html.c refuses pages over the limits.
 *
 * The estimate models the parts of the HTML tree construction rules that
 * decide how deep a tree grows: void elements, elements closed implicitly
 * by a later start tag (p, li, dd/dt, option, ruby text, table parts,
 * headings), the scope rules of end tags (an end tag that meets a
 * "special" element first is ignored), tables (implied tbody and tr),
 * <select> (which ignores most tags), SVG and MathML (where self-closing
 * tags count and void HTML names do not), raw text elements, comments,
 * and formatting elements that the adoption agency and the reconstruction
 * of active formatting elements re-open ("leaked" below). Where the model
 * is unsure it keeps more elements open, never fewer. Every look back is
 * bounded (SCAN_LOOKBACK), so the scan is linear. It is an estimate,
 * checked against gumbo by a fuzz target (tests/fuzz/fuzz_html_depth.c);
 * read_html.c does not rely on it for safety (its allocator bounds gumbo's
 * stack use and time whatever the estimate says).
 */
#include "corpus.h"
#include "corpus_internal.h"

#include <gumbo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- element kinds */

/* What the tree construction rules do with an element, as bits. */
enum {
    K_VOID = 1 << 0,        /* HTML void element: never holds children */
    K_FORMATTING = 1 << 1,  /* kept in the list of active formatting elems */
    K_SPECIAL = 1 << 2,     /* the "special" category of the HTML spec */
    K_SCOPE = 1 << 3,       /* bounds the default scope */
    K_TABLE_SCOPE = 1 << 4, /* bounds table scope (html, table, template) */
    K_LIST_SCOPE = 1 << 5,  /* bounds list item scope besides K_SCOPE */
    K_BUTTON_SCOPE = 1 << 6,/* bounds button scope besides K_SCOPE */
    K_CLOSES_P = 1 << 7,    /* its start tag closes an open <p> */
    K_NO_RECON = 1 << 8,    /* its start tag does not re-open formatting */
    K_RAW = 1 << 9,         /* its content is text up to its end tag */
    K_BREAKOUT = 1 << 10,   /* its start tag leaves SVG/MathML content */
    K_MERGED = 1 << 11,     /* html, head, body, frameset: never nested */
    K_TABLE_PART = 1 << 12, /* caption colgroup tbody thead tfoot tr td th */
    K_MARKER = 1 << 13,     /* formatting elements do not leak out of it */
    K_SELECT_END = 1 << 14, /* its start tag closes an open <select> */
    K_FOREIGN_ROOT = 1 << 15,/* svg, math */
    /* set on elements as opened (not in the name table) */
    K_FOREIGN = 1 << 16,    /* in the SVG or MathML namespace */
    K_IP = 1 << 17,         /* SVG/MathML element whose content is HTML */
    K_MATHML = 1 << 18,     /* K_FOREIGN, in the MathML namespace */
    K_UNKNOWN = 1 << 19     /* HTML element whose name gumbo does not know */
};

#define P_BLOCK (K_SPECIAL | K_CLOSES_P | K_NO_RECON)
#define V_HEAD (K_VOID | K_SPECIAL | K_NO_RECON)

/* Known names, sorted for bsearch(); any other name is an ordinary
 * element that nests. */
static const struct kind {
    const char *name;
    unsigned bits;
} kinds[] = {
    {"a", K_FORMATTING},
    {"address", P_BLOCK},
    {"applet", K_SPECIAL | K_SCOPE | K_MARKER},
    {"area", K_VOID | K_SPECIAL},
    {"article", P_BLOCK},
    {"aside", P_BLOCK},
    {"b", K_FORMATTING | K_BREAKOUT},
    {"base", V_HEAD},
    {"basefont", V_HEAD},
    {"bgsound", V_HEAD},
    {"big", K_FORMATTING | K_BREAKOUT},
    {"blockquote", P_BLOCK | K_BREAKOUT},
    {"body", K_SPECIAL | K_MERGED | K_NO_RECON | K_BREAKOUT},
    {"br", K_VOID | K_SPECIAL | K_BREAKOUT},
    {"button", K_SPECIAL | K_BUTTON_SCOPE},
    {"caption", K_SPECIAL | K_SCOPE | K_MARKER | K_TABLE_PART | K_NO_RECON},
    {"center", P_BLOCK | K_BREAKOUT},
    {"code", K_FORMATTING | K_BREAKOUT},
    {"col", V_HEAD},
    {"colgroup", K_SPECIAL | K_TABLE_PART | K_NO_RECON},
    {"dd", P_BLOCK | K_BREAKOUT},
    {"details", P_BLOCK},
    {"dir", P_BLOCK},
    {"div", P_BLOCK | K_BREAKOUT},
    {"dl", P_BLOCK | K_BREAKOUT},
    {"dt", P_BLOCK | K_BREAKOUT},
    {"em", K_FORMATTING | K_BREAKOUT},
    {"embed", K_VOID | K_SPECIAL | K_BREAKOUT},
    {"fieldset", P_BLOCK},
    {"figcaption", P_BLOCK},
    {"figure", P_BLOCK},
    {"font", K_FORMATTING},
    {"footer", P_BLOCK},
    {"form", P_BLOCK},
    {"frame", V_HEAD},
    {"frameset", K_SPECIAL | K_MERGED | K_NO_RECON},
    {"h1", P_BLOCK | K_BREAKOUT},
    {"h2", P_BLOCK | K_BREAKOUT},
    {"h3", P_BLOCK | K_BREAKOUT},
    {"h4", P_BLOCK | K_BREAKOUT},
    {"h5", P_BLOCK | K_BREAKOUT},
    {"h6", P_BLOCK | K_BREAKOUT},
    {"head", K_SPECIAL | K_MERGED | K_NO_RECON | K_BREAKOUT},
    {"header", P_BLOCK},
    {"hgroup", P_BLOCK},
    {"hr", V_HEAD | K_CLOSES_P | K_BREAKOUT},
    {"html", K_SPECIAL | K_MERGED | K_NO_RECON | K_SCOPE | K_TABLE_SCOPE},
    {"i", K_FORMATTING | K_BREAKOUT},
    {"iframe", K_SPECIAL | K_RAW | K_NO_RECON},
    {"image", K_VOID},
    {"img", K_VOID | K_SPECIAL | K_BREAKOUT},
    {"input", K_VOID | K_SPECIAL | K_SELECT_END},
    {"isindex", V_HEAD},
    {"keygen", K_VOID | K_SELECT_END},
    {"li", P_BLOCK | K_BREAKOUT},
    {"link", V_HEAD},
    {"listing", P_BLOCK | K_BREAKOUT},
    {"main", P_BLOCK},
    {"marquee", K_SPECIAL | K_SCOPE | K_MARKER},
    {"math", K_FOREIGN_ROOT},
    {"menu", P_BLOCK | K_BREAKOUT},
    {"menuitem", V_HEAD},
    {"meta", V_HEAD | K_BREAKOUT},
    {"nav", P_BLOCK},
    {"nobr", K_FORMATTING | K_BREAKOUT},
    {"noembed", K_SPECIAL | K_RAW | K_NO_RECON},
    {"noframes", K_SPECIAL | K_RAW | K_NO_RECON},
    {"noscript", K_SPECIAL},
    {"object", K_SPECIAL | K_SCOPE | K_MARKER},
    {"ol", P_BLOCK | K_LIST_SCOPE | K_BREAKOUT},
    {"optgroup", 0},
    {"option", 0},
    {"p", P_BLOCK | K_BREAKOUT},
    {"param", V_HEAD},
    {"plaintext", P_BLOCK | K_RAW},
    {"pre", P_BLOCK | K_BREAKOUT},
    {"rb", K_NO_RECON},
    {"rp", K_NO_RECON},
    {"rt", K_NO_RECON},
    {"rtc", K_NO_RECON},
    {"ruby", K_BREAKOUT},
    {"s", K_FORMATTING | K_BREAKOUT},
    {"script", K_SPECIAL | K_RAW | K_NO_RECON},
    {"section", P_BLOCK},
    {"select", K_SPECIAL | K_SELECT_END},
    {"small", K_FORMATTING | K_BREAKOUT},
    {"source", V_HEAD},
    {"span", K_BREAKOUT},
    {"strike", K_FORMATTING | K_BREAKOUT},
    {"strong", K_FORMATTING | K_BREAKOUT},
    {"style", K_SPECIAL | K_RAW | K_NO_RECON},
    {"sub", K_BREAKOUT},
    {"summary", P_BLOCK},
    {"sup", K_BREAKOUT},
    {"svg", K_FOREIGN_ROOT},
    {"table", K_SPECIAL | K_SCOPE | K_TABLE_SCOPE | K_MARKER | K_NO_RECON |
                  K_BREAKOUT},
    {"tbody", K_SPECIAL | K_TABLE_PART | K_NO_RECON},
    {"td", K_SPECIAL | K_SCOPE | K_MARKER | K_TABLE_PART | K_NO_RECON},
    {"template", K_SPECIAL | K_SCOPE | K_TABLE_SCOPE | K_MARKER | K_NO_RECON},
    {"textarea", K_SPECIAL | K_RAW | K_NO_RECON | K_SELECT_END},
    {"tfoot", K_SPECIAL | K_TABLE_PART | K_NO_RECON},
    {"th", K_SPECIAL | K_SCOPE | K_MARKER | K_TABLE_PART | K_NO_RECON},
    {"thead", K_SPECIAL | K_TABLE_PART | K_NO_RECON},
    {"title", K_SPECIAL | K_RAW | K_NO_RECON},
    {"tr", K_SPECIAL | K_TABLE_PART | K_NO_RECON},
    {"track", V_HEAD},
    {"tt", K_FORMATTING | K_BREAKOUT},
    {"u", K_FORMATTING | K_BREAKOUT},
    {"ul", P_BLOCK | K_LIST_SCOPE | K_BREAKOUT},
    {"var", K_BREAKOUT},
    {"wbr", K_VOID | K_SPECIAL},
    {"xmp", K_SPECIAL | K_CLOSES_P | K_RAW},
};

/* Element names are compared as keys: lower-cased, cut to 31 bytes, NUL
 * padded. Names that long are unknown to gumbo, which (in HTML content)
 * gives every unknown name the same tag: see end_other(). */
#define KEY_LEN 32

static void make_key(const char *name, size_t n, char key[KEY_LEN])
{
    memset(key, 0, KEY_LEN);
    for (size_t i = 0; i < n && i < KEY_LEN - 1; i++) {
        char c = name[i];
        key[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
}

static int kind_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct kind *)elem)->name);
}

/* Bits of the element named `key` (0 for unknown names). */
static unsigned kind_of(const char key[KEY_LEN])
{
    const struct kind *k = bsearch(key, kinds, sizeof kinds / sizeof kinds[0],
                                   sizeof kinds[0], kind_cmp);
    return k ? k->bits : 0;
}

static int key_is(const char key[KEY_LEN], const char *lit)
{
    return strcmp(key, lit) == 0;
}

static int is_heading(const char key[KEY_LEN])
{
    return key[0] == 'h' && key[1] >= '1' && key[1] <= '6' && !key[2];
}

/* ------------------------------------------------------------- state */

/* One element as the scan sees it. */
typedef struct scan_elem {
    char key[KEY_LEN];
    uint32_t tag_hash;   /* formatting elements: hash of the start tag */
    unsigned bits;       /* K_* as opened (namespace bits included) */
} scan_elem;

/* The open elements, and the formatting elements closed implicitly that
 * the parser may re-open ("leaked"). The estimate of the tree depth is
 * depth + nleaked. Elements past `max` are counted but not stored. */
typedef struct scan_state {
    scan_elem *open;
    size_t depth;
    scan_elem *leaked;
    size_t nleaked;
    size_t max;          /* capacity of each array */
    size_t deepest;
    uint64_t work;
    size_t n_select, n_p;  /* open (stored) HTML select and p elements:
                            * searches for them are skipped when 0 */
} scan_state;

/* How far back a search of the open elements (or the leaked ones) goes:
 * bounded, so the scan stays linear. A search that gives up closes
 * nothing, which can only make the estimate higher. */
#define SCAN_LOOKBACK 64

static size_t level(const scan_state *st)
{
    return st->depth + st->nleaked;
}

static void note_level(scan_state *st)
{
    if (level(st) > st->deepest)
        st->deepest = level(st);
}

/* The element `k` places below the top (0 = the current node), or NULL
 * when it is not stored or past the look back. */
static scan_elem *from_top(scan_state *st, size_t k)
{
    if (k >= st->depth || k >= SCAN_LOOKBACK)
        return NULL;
    size_t at = st->depth - 1 - k;
    return at < st->max ? &st->open[at] : NULL;
}

/* FNV-1a of the raw start tag text [p, e). */
static uint32_t tag_hash(const char *p, const char *e)
{
    uint32_t h = 2166136261u;
    for (; p < e; p++) {
        h ^= (unsigned char)*p;
        h *= 16777619u;
    }
    return h;
}

/* A formatting element closed implicitly joins the leaked list, unless
 * three identical ones are there already (the parser's "Noah's Ark"
 * clause keeps at most three). */
static void scan_leak(scan_state *st, const scan_elem *e)
{
    int twins = 0;
    size_t from = st->nleaked > SCAN_LOOKBACK ? st->nleaked - SCAN_LOOKBACK
                                              : 0;
    for (size_t i = from; i < st->nleaked; i++)
        twins += st->leaked[i].tag_hash == e->tag_hash &&
                 memcmp(st->leaked[i].key, e->key, KEY_LEN) == 0;
    if (twins < 3 && st->nleaked < st->max)
        st->leaked[st->nleaked++] = *e;
}

/* Keep n_select and n_p up to date as `e` is opened (+1) or closed (-1). */
static void count(scan_state *st, const scan_elem *e, int delta)
{
    if (e->bits & K_FOREIGN)
        return;
    if (strcmp(e->key, "select") == 0)
        st->n_select += (size_t)delta;
    else if (strcmp(e->key, "p") == 0)
        st->n_p += (size_t)delta;
}

/* Pop the element `k` places below the top and everything above it.
 * Formatting elements popped leak, unless the closed element is a marker
 * (a table cell, caption, applet...: nothing leaks out of those). */
static void pop_to(scan_state *st, size_t k)
{
    size_t at = st->depth - 1 - k;
    int marker = (st->open[at].bits & K_MARKER) != 0;
    for (size_t j = at; j < st->depth && j < st->max; j++) {
        count(st, &st->open[j], -1);
        if (j > at && !marker && (st->open[j].bits & K_FORMATTING))
            scan_leak(st, &st->open[j]);
    }
    st->depth = at;
}

/* Remove only the element `k` places below the top (what was opened
 * inside it stays open). */
static void remove_at(scan_state *st, size_t k)
{
    size_t at = st->depth - 1 - k;
    count(st, &st->open[at], -1);
    memmove(&st->open[at], &st->open[at + 1], k * sizeof *st->open);
    st->depth--;
}

/* Push an element; `tag`..`tag_end` is its start tag text. */
static void push(scan_state *st, const char key[KEY_LEN], unsigned bits,
                 const char *tag, const char *tag_end)
{
    if (st->depth < st->max) {
        scan_elem *e = &st->open[st->depth];
        memcpy(e->key, key, KEY_LEN);
        e->bits = bits;
        e->tag_hash = bits & K_FORMATTING ? tag_hash(tag, tag_end) : 0;
        if (!(bits & K_FOREIGN) && gumbo_tagn_enum(key, (unsigned)strlen(key))
                                       == GUMBO_TAG_UNKNOWN)
            e->bits |= K_UNKNOWN;
        count(st, e, +1);
    }
    st->depth++;
    note_level(st);
}

/* The parser re-opens the leaked formatting elements ("reconstructs the
 * active formatting elements"): they become open again, inside the
 * current element. Taking all of them (the parser takes those after the
 * last one still open) can only make the estimate higher. */
static void reconstruct(scan_state *st)
{
    for (size_t i = 0; i < st->nleaked && st->depth < st->max; i++)
        st->open[st->depth++] = st->leaked[i];
    st->nleaked = 0;
}

/* Scope kinds, as the bits that bound them. */
#define SCOPE_DEFAULT K_SCOPE
#define SCOPE_LIST (K_SCOPE | K_LIST_SCOPE)
#define SCOPE_BUTTON (K_SCOPE | K_BUTTON_SCOPE)
#define SCOPE_TABLE K_TABLE_SCOPE

/* How far below the top the nearest open element matching `match` is
 * when it is "in scope" (no element with a `bounds` bit above it), or -1.
 * An HTML element named like a foreign one does not match it. */
typedef int (*elem_pred)(const scan_elem *e, const void *arg);

static long find_in_scope(scan_state *st, elem_pred match, const void *arg,
                          unsigned bounds)
{
    for (size_t k = 0;; k++) {
        const scan_elem *e = from_top(st, k);
        if (!e)
            return -1;
        if (match(e, arg))
            return (long)k;
        if (e->bits & bounds)
            return -1;
    }
}

static int html_named(const scan_elem *e, const void *key)
{
    return !(e->bits & K_FOREIGN) && strcmp(e->key, key) == 0;
}

static int html_heading(const scan_elem *e, const void *unused)
{
    (void)unused;
    return !(e->bits & K_FOREIGN) && is_heading(e->key);
}

/* 1 when the current node is the HTML element `name`. */
static int top_is(scan_state *st, const char *name)
{
    const scan_elem *e = from_top(st, 0);
    return e && html_named(e, name);
}

/* Close an open <p> in button scope, as block start tags do. */
static void close_p(scan_state *st)
{
    if (!st->n_p)
        return;
    long k = find_in_scope(st, html_named, "p", SCOPE_BUTTON);
    if (k >= 0)
        pop_to(st, (size_t)k);
}

/* <li>, <dd>, <dt>: close the nearest open one of `names` unless a
 * special element other than address, div and p comes first. */
static void close_list_item(scan_state *st, const char *const *names)
{
    for (size_t k = 0;; k++) {
        const scan_elem *e = from_top(st, k);
        if (!e)
            return;
        if (!(e->bits & K_FOREIGN))
            for (const char *const *n = names; *n; n++)
                if (key_is(e->key, *n)) {
                    pop_to(st, k);
                    return;
                }
        if ((e->bits & K_SPECIAL) && !key_is(e->key, "address") &&
            !key_is(e->key, "div") && !key_is(e->key, "p"))
            return;
    }
}

/* The nearest open element among `names` within the look back, as a
 * distance from the top, or -1. */
static long find_any(scan_state *st, const char *const *names)
{
    for (size_t k = 0;; k++) {
        const scan_elem *e = from_top(st, k);
        if (!e)
            return -1;
        if (e->bits & K_FOREIGN)
            continue;
        for (const char *const *n = names; *n; n++)
            if (key_is(e->key, *n))
                return (long)k;
    }
}

/* Pop the elements above the one `k` below the top (it stays open). */
static void pop_above(scan_state *st, size_t k)
{
    if (k > 0)
        pop_to(st, k - 1);
}

static int html_cell(const scan_elem *e, const void *unused)
{
    (void)unused;
    return !(e->bits & K_FOREIGN) &&
           (key_is(e->key, "td") || key_is(e->key, "th"));
}

/*
 * table_part - a start tag of caption, colgroup, tbody, thead, tfoot, tr,
 * td or th. A row or cell first closes the open cell. Inside a table (or
 * template) the parser then clears the stack back to the right context
 * (a cell goes into a row, a row into a table section, the rest into the
 * table) and inserts the implied tbody and tr; outside one it ignores the
 * tag. Returns 1 when the element itself is to be pushed.
 */
static int table_part(scan_state *st, const char key[KEY_LEN],
                      const char *tag)
{
    static const char *const ctx_table[] = {"table", "template", NULL};
    static const char *const ctx_body[] = {"tbody", "thead", "tfoot",
                                           "table", "template", NULL};
    static const char *const ctx_row[] = {"tr", "tbody", "thead", "tfoot",
                                          "table", "template", NULL};
    int cell = key_is(key, "td") || key_is(key, "th");
    int row = key_is(key, "tr");
    if (cell || row) {
        long c = find_in_scope(st, html_cell, NULL, SCOPE_TABLE);
        if (c >= 0)
            pop_to(st, (size_t)c);
    }
    long k = find_any(st, cell ? ctx_row : row ? ctx_body : ctx_table);
    if (k < 0)
        return 0;                    /* no table open: ignored */
    pop_above(st, (size_t)k);
    const scan_elem *ctx = from_top(st, 0);
    char implied[KEY_LEN];
    if (key_is(ctx->key, "table") && (cell || row)) {
        make_key("tbody", 5, implied);
        push(st, implied, K_SPECIAL | K_TABLE_PART, tag, tag);
    }
    if (cell && !key_is(ctx->key, "tr") && !key_is(ctx->key, "template")) {
        make_key("tr", 2, implied);
        push(st, implied, K_SPECIAL | K_TABLE_PART, tag, tag);
    }
    return 1;
}

/* The ruby text elements: with a <ruby> in scope, the open rb/rp/rt/rtc
 * (and p, li, option...) at the top are closed first. */
static void ruby_part(scan_state *st, const char key[KEY_LEN])
{
    static const char *const implied[] = {"dd", "dt", "li", "option",
        "optgroup", "p", "rb", "rp", "rt", "rtc", NULL};
    if (find_in_scope(st, html_named, "ruby", SCOPE_DEFAULT) < 0)
        return;
    int keep_rtc = key_is(key, "rt") || key_is(key, "rp");
    for (;;) {
        const scan_elem *e = from_top(st, 0);
        if (!e || (e->bits & K_FOREIGN) || (keep_rtc && key_is(e->key, "rtc")))
            return;
        int hit = 0;
        for (const char *const *n = implied; *n && !hit; n++)
            hit = key_is(e->key, *n);
        if (!hit)
            return;
        pop_to(st, 0);
    }
}

/* ----------------------------------------------------------- end tags */

/* An end tag of a formatting element (the adoption agency, simplified):
 * it removes that element only, so what was opened inside stays open;
 * when it is not open, one leaked twin goes. Removing one element where
 * the parser may close more errs on the high side. */
static void end_formatting(scan_state *st, const char key[KEY_LEN])
{
    for (size_t k = 0;; k++) {
        const scan_elem *e = from_top(st, k);
        if (!e)
            break;
        if (html_named(e, key)) {
            remove_at(st, k);
            return;
        }
    }
    for (size_t k = 0; k < SCAN_LOOKBACK && k < st->nleaked; k++) {
        size_t at = st->nleaked - 1 - k;
        if (memcmp(st->leaked[at].key, key, KEY_LEN) == 0) {
            memmove(&st->leaked[at], &st->leaked[at + 1],
                    k * sizeof *st->leaked);
            st->nleaked--;
            return;
        }
    }
}

/* "Any other end tag": the nearest open element of that name is closed,
 * unless a special element comes first (then nothing is). Gumbo compares
 * tags, not names, and all names it does not know share one tag: the end
 * tag of an unknown name closes the nearest element of any unknown name
 * ("<o><ruby></r>" closes the ruby). */
static void end_other(scan_state *st, const char key[KEY_LEN])
{
    int unknown = gumbo_tagn_enum(key, (unsigned)strlen(key)) ==
                  GUMBO_TAG_UNKNOWN;
    for (size_t k = 0;; k++) {
        const scan_elem *e = from_top(st, k);
        if (!e)
            return;
        if (unknown ? !(e->bits & K_FOREIGN) && (e->bits & K_UNKNOWN)
                    : html_named(e, key)) {
            pop_to(st, k);
            return;
        }
        if (e->bits & K_SPECIAL)
            return;
    }
}

/* An end tag inside <select>: only select, option, optgroup and template
 * end tags do anything there. */
static void end_in_select(scan_state *st, const char key[KEY_LEN])
{
    if (key_is(key, "option") || key_is(key, "optgroup")) {
        const scan_elem *e = from_top(st, 0);
        if (e && key_is(key, "optgroup") && html_named(e, "option")) {
            const scan_elem *below = from_top(st, 1);
            if (below && html_named(below, "optgroup"))
                pop_to(st, 0);
        }
        if (top_is(st, key))
            pop_to(st, 0);
    } else if (key_is(key, "select") || key_is(key, "template")) {
        long k = find_in_scope(st, html_named, key, SCOPE_TABLE);
        if (k >= 0)
            pop_to(st, (size_t)k);
    }
}

/* 1 when the nearest open <select> (within the look back, before any
 * table or template) is open: the parser is then "in select". */
static int in_select(scan_state *st)
{
    return st->n_select &&
           find_in_scope(st, html_named, "select", K_TABLE_SCOPE) >= 0;
}

/* An end tag seen in foreign content: it closes the nearest foreign
 * element of that name, looking no further than the first HTML element;
 * returns 0 when the HTML rules are to handle it. */
static int end_foreign(scan_state *st, const char key[KEY_LEN])
{
    for (size_t k = 0;; k++) {
        const scan_elem *e = from_top(st, k);
        if (!e)
            return 1;
        if (!(e->bits & K_FOREIGN))
            return 0;
        if (strcmp(e->key, key) == 0) {
            pop_to(st, k);
            return 1;
        }
    }
}

/* 1 when the current node is a foreign element whose content is not HTML:
 * tags are then SVG/MathML tags. */
static int in_foreign(scan_state *st)
{
    const scan_elem *e = from_top(st, 0);
    return e && (e->bits & K_FOREIGN) && !(e->bits & K_IP);
}

static void scan_end_tag(scan_state *st, const char key[KEY_LEN])
{
    unsigned bits = kind_of(key);
    const scan_elem *top = from_top(st, 0);
    if (top && (top->bits & K_FOREIGN) && end_foreign(st, key))
        return;   /* end tags follow the foreign rules even at an IP */
    if (in_select(st)) {
        end_in_select(st, key);
        return;
    }
    if (bits & K_FORMATTING) {
        end_formatting(st, key);
        return;
    }
    if (key_is(key, "br")) {          /* </br> is read as <br> */
        if (st->nleaked)
            reconstruct(st);
        return;
    }
    if (key_is(key, "body") || key_is(key, "html"))
        return;                       /* they end nothing */
    long k;
    if (is_heading(key))
        k = find_in_scope(st, html_heading, NULL, SCOPE_DEFAULT);
    else if (key_is(key, "p"))
        k = find_in_scope(st, html_named, key, SCOPE_BUTTON);
    else if (key_is(key, "li"))
        k = find_in_scope(st, html_named, key, SCOPE_LIST);
    else if ((bits & K_TABLE_PART) || key_is(key, "table") ||
             key_is(key, "template"))
        k = find_in_scope(st, html_named, key, SCOPE_TABLE);
    else if (bits & K_SPECIAL)
        k = find_in_scope(st, html_named, key, SCOPE_DEFAULT);
    else {
        end_other(st, key);
        return;
    }
    if (k < 0)
        return;
    if (key_is(key, "form"))
        remove_at(st, (size_t)k);    /* only the form element goes */
    else
        pop_to(st, (size_t)k);
}

/* ---------------------------------------------------------- start tags */

/* What a start tag token carries besides its name. */
typedef struct tag_info {
    const char *start, *end;  /* the tag's text, '<' to after '>' */
    int self_closing;
    int html_encoding;        /* encoding="text/html" or xhtml (MathML) */
    uint64_t attrs;
} tag_info;

/* Bits of a foreign element named `key` opened inside `parent` (NULL or an
 * HTML element when it is an <svg> or <math> started from HTML). The
 * namespace is the parent's, except for svg and math roots and an <svg>
 * inside MathML's annotation-xml. Integration points (content read as
 * HTML) depend on it: foreignObject, desc and title in SVG; mi, mo, mn,
 * ms, mtext, and annotation-xml with an HTML encoding, in MathML. */
static unsigned foreign_bits(const scan_elem *parent,
                             const char key[KEY_LEN], const tag_info *t)
{
    static const char *const svg_ip[] = {"foreignobject", "desc", "title",
                                         NULL};
    static const char *const math_ip[] = {"mi", "mo", "mn", "ms", "mtext",
                                          NULL};
    int math;
    if (!parent || !(parent->bits & K_FOREIGN))
        math = key_is(key, "math");
    else if ((parent->bits & K_MATHML) &&
             key_is(parent->key, "annotation-xml") && key_is(key, "svg"))
        math = 0;
    else
        math = (parent->bits & K_MATHML) != 0;
    unsigned bits = K_FOREIGN | (math ? K_MATHML : 0);
    for (const char *const *n = math ? math_ip : svg_ip; *n; n++)
        if (key_is(key, *n))
            bits |= K_IP | K_SCOPE | K_SPECIAL;
    if (math && key_is(key, "annotation-xml")) {
        bits |= K_SCOPE | K_SPECIAL;
        if (t->html_encoding)
            bits |= K_IP;
    }
    return bits;
}

/* A start tag in foreign content that stays there, or an <svg> or <math>
 * from HTML: pushed unless it closes itself ("<path/>"). */
static void start_foreign(scan_state *st, const char key[KEY_LEN],
                          const tag_info *t)
{
    const scan_elem *top = from_top(st, 0);
    /* at an integration point the new element starts from HTML */
    const scan_elem *parent = top && !(top->bits & K_IP) ? top : NULL;
    if (!t->self_closing)
        push(st, key, foreign_bits(parent, key, t), t->start, t->end);
}

/*
 * scan_start_tag - one start tag. Returns 1 when its content is raw text
 * that the caller is to skip up to the matching end tag (2: the rest of
 * the document, for <plaintext>).
 */
static int scan_start_tag(scan_state *st, const char key[KEY_LEN],
                          const tag_info *t)
{
    unsigned bits = kind_of(key);
    if (in_foreign(st)) {
        if (!(bits & K_BREAKOUT)) {
            start_foreign(st, key, t);
            return 0;
        }
        /* back to HTML: close the foreign elements */
        for (;;) {
            const scan_elem *e = from_top(st, 0);
            if (!e || !(e->bits & K_FOREIGN) || (e->bits & K_IP))
                break;
            pop_to(st, 0);
        }
    }
    if (in_select(st)) {
        /* Only a few tags mean anything inside <select>; the rest are
         * ignored by the parser. Counting them anyway errs high; not
         * skipping raw text (the parser ignores <style>, <xmp>... there)
         * is what keeps the estimate from missing what follows. */
        if (bits & K_SELECT_END) {
            long k = find_in_scope(st, html_named, "select", SCOPE_TABLE);
            if (k >= 0)
                pop_to(st, (size_t)k);
            if (key_is(key, "select"))
                return 0;
        } else if (!key_is(key, "script") && !key_is(key, "template")) {
            if (key_is(key, "option") || key_is(key, "optgroup")) {
                if (top_is(st, "option"))
                    pop_to(st, 0);
                if (key_is(key, "optgroup") && top_is(st, "optgroup"))
                    pop_to(st, 0);
            }
            /* (a table or template pushed here would hide the select) */
            if (!(bits & (K_VOID | K_MERGED | K_TABLE_SCOPE)))
                push(st, key, bits, t->start, t->end);
            return 0;
        }
    }
    if (bits & K_FOREIGN_ROOT) {
        if (st->nleaked)
            reconstruct(st);
        start_foreign(st, key, t);
        return 0;
    }
    if (bits & K_MERGED)
        return 0;
    if (bits & K_TABLE_PART) {
        if (!table_part(st, key, t->start))
            return 0;
        push(st, key, bits, t->start, t->end);
        return 0;
    }
    if (key_is(key, "li")) {
        static const char *const li[] = {"li", NULL};
        close_list_item(st, li);
    } else if (key_is(key, "dd") || key_is(key, "dt")) {
        static const char *const dd[] = {"dd", "dt", NULL};
        close_list_item(st, dd);
    } else if (key_is(key, "option") || key_is(key, "optgroup")) {
        if (top_is(st, "option"))
            pop_to(st, 0);
    } else if (key_is(key, "rb") || key_is(key, "rtc") ||
               key_is(key, "rt") || key_is(key, "rp")) {
        ruby_part(st, key);
    } else if (key_is(key, "button")) {
        long k = find_in_scope(st, html_named, "button", SCOPE_DEFAULT);
        if (k >= 0)
            pop_to(st, (size_t)k);
    }
    if (bits & K_CLOSES_P)
        close_p(st);
    if (is_heading(key)) {
        const scan_elem *e = from_top(st, 0);
        if (e && html_heading(e, NULL))
            pop_to(st, 0);
    }
    if (st->nleaked && !(bits & K_NO_RECON))
        reconstruct(st);
    if (bits & K_VOID)
        return 0;
    if (bits & K_RAW) {
        /* opened and closed around its text */
        push(st, key, bits, t->start, t->end);
        st->depth--;
        return key_is(key, "plaintext") ? 2 : 1;
    }
    push(st, key, bits, t->start, t->end);
    return 0;
}

/* ------------------------------------------------------------ tokens */

static int is_ascii_letter(char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int is_tag_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* ASCII case-insensitive comparison of n bytes. */
static int ncase_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (char)(y + 32);
        if (x != y)
            return 0;
    }
    return 1;
}

/* 1 when the attribute value [v, v+n) is an annotation-xml encoding that
 * makes its content HTML. */
static int is_html_encoding(const char *v, size_t n)
{
    return (n == 9 && ncase_eq(v, "text/html", 9)) ||
           (n == 21 && ncase_eq(v, "application/xhtml+xml", 21));
}

/*
 * read_attributes - the rest of a tag after its name, as the HTML
 * tokenizer reads it: attribute names, '=' and values (quoted values may
 * hold '>'), a '/' right before '>' making the tag self-closing. `p` is
 * just after the name. Fills t (attrs, self_closing, html_encoding, end)
 * and returns the byte after the '>' (or `end` when the text ends first).
 */
static const char *read_attributes(const char *p, const char *end,
                                   tag_info *t)
{
    enum { BEFORE_NAME, NAME, AFTER_NAME, BEFORE_VALUE } state = BEFORE_NAME;
    const char *name = NULL;
    size_t name_len = 0;
    while (p < end) {
        char c = *p;
        if (state == BEFORE_VALUE) {
            if (is_tag_space(c)) {
                p++;
                continue;
            }
            if (c == '>')
                break;
            const char *v = p, *ve;
            if (c == '"' || c == '\'') {
                const char *q = memchr(p + 1, c, (size_t)(end - p - 1));
                v = p + 1;
                ve = q ? q : end;
                p = q ? q + 1 : end;
            } else {
                while (p < end && !is_tag_space(*p) && *p != '>')
                    p++;
                ve = p;
            }
            if (name_len == 8 && ncase_eq(name, "encoding", 8) &&
                is_html_encoding(v, (size_t)(ve - v)))
                t->html_encoding = 1;
            state = BEFORE_NAME;
            continue;
        }
        if (c == '>')
            break;
        if (c == '/') {
            if (p + 1 < end && p[1] == '>') {
                t->self_closing = 1;
                p++;
                break;
            }
            state = BEFORE_NAME;
            p++;
            continue;
        }
        if (is_tag_space(c)) {
            if (state == NAME)
                state = AFTER_NAME;
            p++;
            continue;
        }
        if (c == '=' && (state == NAME || state == AFTER_NAME)) {
            state = BEFORE_VALUE;
            p++;
            continue;
        }
        if (state != NAME) {          /* a new attribute starts */
            t->attrs++;
            name = p;
            name_len = 0;
            state = NAME;
        }
        name_len++;
        p++;
    }
    t->end = p < end ? p + 1 : end;
    return t->end;
}

/* End of a comment whose "<!--" ends at p: after "-->" or "--!>", or
 * right away for the empty comments "<!-->" and "<!--->". */
static const char *skip_comment(const char *p, const char *end)
{
    if (p < end && *p == '>')
        return p + 1;
    if (end - p >= 2 && p[0] == '-' && p[1] == '>')
        return p + 2;
    for (const char *c = p; c < end; c++) {
        if (c[0] != '-' || end - c < 3 || c[1] != '-')
            continue;
        if (c[2] == '>')
            return c + 3;
        if (c[2] == '!' && end - c >= 4 && c[3] == '>')
            return c + 4;
    }
    return end;
}

/* Case-insensitive search for the end tag "</name" followed by white
 * space, '/' or '>' (or the end) in [p, end): where raw text stops. */
static const char *find_end_tag(const char *p, const char *end,
                                const char *name, size_t n)
{
    for (; (p = memchr(p, '<', (size_t)(end - p))) != NULL; p++) {
        if ((size_t)(end - p) < 2 + n)
            return end;
        if (p[1] != '/' || !ncase_eq(p + 2, name, n))
            continue;
        const char *after = p + 2 + n;
        if (after == end || is_tag_space(*after) || *after == '/' ||
            *after == '>')
            return p;
    }
    return end;
}

/* Text [p, e): the parser re-opens leaked formatting elements before any
 * character, white space included. */
static void scan_text(scan_state *st, const char *p, const char *e)
{
    if (p < e && st->nleaked)
        reconstruct(st);
}

/*
 * corpus_html_scan - see corpus_internal.h.
 */
int corpus_html_scan(const char *p, size_t len, size_t depth_limit,
                     uint64_t work_limit, corpus_html_cost *cost)
{
    const char *end = p + len;
    scan_state st = {.open = malloc((depth_limit + 1) * sizeof(scan_elem)),
                     .leaked = malloc((depth_limit + 1) * sizeof(scan_elem)),
                     .max = depth_limit + 1};
    if (!st.open || !st.leaked) {
        free(st.open);
        free(st.leaked);
        return -1;
    }
    while (p < end && st.deepest <= depth_limit && st.work <= work_limit) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        scan_text(&st, p, lt ? lt : end);
        if (!lt || lt + 1 >= end)
            break;
        p = lt + 1;
        if (*p == '!') {
            if (end - p >= 3 && p[1] == '-' && p[2] == '-') {
                p = skip_comment(p + 3, end);
            } else {       /* doctype, CDATA, bogus: up to the first '>' */
                const char *gt = memchr(p, '>', (size_t)(end - p));
                p = gt ? gt + 1 : end;
            }
            continue;
        }
        if (*p == '?' || (*p == '/' && p + 1 < end && !is_ascii_letter(p[1]))) {
            const char *gt = memchr(p, '>', (size_t)(end - p));
            p = gt ? gt + 1 : end;      /* bogus comment, or "</>" */
            continue;
        }
        int closing = *p == '/';
        const char *name = p + closing;
        if (name >= end || !is_ascii_letter(*name))
            continue;                   /* a '<' in text */
        const char *ne = name;
        while (ne < end && !is_tag_space(*ne) && *ne != '/' && *ne != '>')
            ne++;
        char key[KEY_LEN];
        make_key(name, (size_t)(ne - name), key);
        tag_info t = {.start = lt};
        p = read_attributes(ne, end, &t);
        st.work += level(&st) + t.attrs * t.attrs;
        if (closing) {
            scan_end_tag(&st, key);
            continue;
        }
        int raw = scan_start_tag(&st, key, &t);
        if (raw == 2)
            break;
        if (raw)
            p = find_end_tag(p, end, key, strlen(key));
    }
    free(st.open);
    free(st.leaked);
    cost->depth = st.deepest;
    cost->work = st.work;
    return 0;
}
