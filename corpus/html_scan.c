/*
 * html_scan.c - corpus_html_scan(): what parsing a page with gumbo would
 * cost, found by one linear pass over the text, before gumbo sees it; and
 * corpus_html_prescan(): the encoding the page declares (at the end).
 *
 * Why: gumbo 0.10 has no limits. Its scope checks walk the stack of open
 * elements for most tags, so a page nested N deep costs it N steps per
 * tag (100 000 nested <div>s: half a minute; 4 000 nested <span>s followed
 * by a million stray end tags: over thirty seconds), and it compares every
 * attribute of an element with the ones before it (200 000 attributes on
 * one element: two minutes). The scan estimates
 *
 *   depth   the depth of the tree gumbo will build (its html and body
 *           elements and the empty elements at the leaves included),
 *           never below it where the model holds (see below);
 *   work    the sum, over all tags, of the nesting depth at that tag, plus
 *           the sum, over all elements, of their attribute count squared
 *           (gumbo's steps, up to a constant factor);
 *
 * and read_html.c refuses pages over the limits.
 *
 * The estimate follows the HTML tree construction rules as gumbo 0.10
 * implements them, where they decide how deep a tree grows: void
 * elements, elements closed implicitly by a later start tag (p, li,
 * dd/dt, option, ruby text, table parts, headings, a table in a table),
 * the scope rules of end tags (an end tag that meets a "special" element
 * first is ignored), tables (implied tbody, tr and colgroup; cells and
 * captions closed by the next part), <select> (which ignores most tags,
 * and closes at a table part when opened in a table), <template> (whose
 * first tag decides whether its content is read "in body" or as table
 * parts: decide_template()), framesets (counted apart: frameset()), SVG
 * and MathML (where self-closing tags count and void HTML names do not;
 * gumbo's own way of matching foreign end tags), raw text elements,
 * comments, and the list of active formatting elements: what the
 * adoption agency closes and moves (adopt()), what leaks out when closed
 * implicitly and is re-opened before the next text or tag ("leaked"
 * below), markers (scan_leak()) and the Noah's Ark clause (noahs_ark()).
 * Where the model is unsure it keeps more elements open, never fewer; an
 * element the scan keeps open where the parser closed it is dangerous
 * (a later end tag may close it and, with it, what the parser keeps
 * open), so where the parser takes an element off its stack but leaves
 * it in the tree, it stays as a nameless "phantom".
 *
 * The scan also flags what gumbo is known to abort the process on (an
 * SVG or MathML element named like an HTML select, table part, template
 * or html: start_foreign()); read_html.c does not hand such a page to
 * gumbo.
 *
 * Every look back is bounded (SCAN_LOOKBACK), so the scan is linear;
 * beyond it (pages nested more than 64 deep, where a scope check would
 * have to look further) the estimate may fall short of gumbo's depth by a
 * few elements. It is an estimate, checked against gumbo by a fuzz target
 * (tests/fuzz/fuzz_html_depth.c; tests/test_hostile.c for the shapes it
 * found); read_html.c does not rely on it for safety (its allocator
 * bounds gumbo's stack use and time whatever the estimate says).
 */
#include "corpus.h"
#include "ascii.h"
#include "corpus_internal.h"
#include "html_gumbo.h"

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
    K_MERGED = 1 << 11,     /* html, head, body, frameset: not nested in
                             * what the scan follows */
    K_TABLE_PART = 1 << 12, /* caption colgroup tbody thead tfoot tr td th */
    K_MARKER = 1 << 13,     /* puts a marker on the list of active
                             * formatting elements (scan_leak()); a table
                             * does not ("<table><i></table>x" re-opens
                             * the i) */
    K_SELECT_END = 1 << 14, /* its start tag closes an open <select> */
    K_FOREIGN_ROOT = 1 << 15,/* svg, math */
    /* set on elements as opened (not in the name table) */
    K_FOREIGN = 1 << 16,    /* in the SVG or MathML namespace */
    K_IP = 1 << 17,         /* SVG/MathML element whose content is HTML */
    K_MATHML = 1 << 18,     /* K_FOREIGN, in the MathML namespace */
    K_UNKNOWN = 1 << 19,    /* HTML element whose name gumbo does not know */
    K_PHANTOM = 1 << 20,    /* counted, but off the parser's stack: no
                             * name, no kind (make_phantom()) */
    K_UNLISTED = 1 << 21    /* formatting element the parser took off its
                             * list of active formatting elements */
};

/* What the content of a <template> is, as its first start tag decided
 * (decide_template()): the parser's template insertion mode. */
enum {
    TM_UNDECIDED,   /* no start tag yet */
    TM_BODY,        /* "in body": any other tag */
    TM_TABLE,       /* caption, colgroup, tbody, thead, tfoot */
    TM_TBODY,       /* tr */
    TM_ROW,         /* td, th */
    TM_COLGROUP     /* col */
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
    {"frameset", K_SPECIAL | K_MERGED | K_NO_RECON},  /* see frameset() */
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
    {"main", K_CLOSES_P | K_NO_RECON},  /* not special in gumbo 0.10 */
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
    {"source", K_VOID | K_NO_RECON},
    {"span", K_BREAKOUT},
    {"strike", K_FORMATTING | K_BREAKOUT},
    {"strong", K_FORMATTING | K_BREAKOUT},
    {"style", K_SPECIAL | K_RAW | K_NO_RECON},
    {"sub", K_BREAKOUT},
    {"summary", P_BLOCK},
    {"sup", K_BREAKOUT},
    {"svg", K_FOREIGN_ROOT},
    {"table", K_SPECIAL | K_SCOPE | K_TABLE_SCOPE | K_NO_RECON |
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
    {"track", K_VOID | K_NO_RECON},
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
        key[i] = (char)gz_ascii_tolower(c);
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
    uint32_t tag_hash;   /* formatting elements: hash of the name and the
                          * set of attributes (tag_info) */
    unsigned bits;       /* K_* as opened (namespace bits included) */
    int tmode;           /* templates: TM_* */
    uint64_t seq;        /* order of opening (see end_formatting()) */
    size_t markers;      /* markers on the parser's list when it was
                          * opened (see scan_leak()) */
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
    size_t n_undecided;    /* open (stored) templates whose content mode
                            * is not decided yet (decide_template()) */
    size_t markers;        /* markers on the parser's list (see
                            * scan_leak()) */
    size_t framesets;      /* open framesets, if the parser took them
                            * (frameset()) */
    uint64_t seq;          /* elements pushed so far */
    const char *crash;     /* corpus_html_cost.crash */
} scan_state;

/* The html element and the body (or head) the parser always adds around
 * what the scan sees, counted in the estimate. */
#define IMPLIED_ROOTS 2

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

/* An element that holds no other (void, self-closing, or an implied
 * one the parser closes at once) inserted in the current element, with
 * `n` - 1 implied ancestors of its own (<col> comes with a colgroup). */
static void note_leaf(scan_state *st, size_t n)
{
    if (level(st) + n > st->deepest)
        st->deepest = level(st) + n;
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

/* FNV-1a, one byte at a time (start with FNV_START). */
#define FNV_START 2166136261u

static uint32_t fnv_step(uint32_t h, unsigned char c)
{
    return (h ^ c) * 16777619u;
}

static uint32_t fnv_str(uint32_t h, const char *s)
{
    while (*s)
        h = fnv_step(h, (unsigned char)*s++);
    return h;
}

/*
 * The leaked elements are the parser's list of active formatting elements
 * (less those still open), and that list has markers: a table cell,
 * caption, template, applet, object or marquee puts one on it when
 * opened, and the parser re-opens only what comes after the last marker.
 * Closing one of those by its own rules (end tag, a cell closed by the
 * next) clears the list back to the last marker, one marker each time;
 * when it goes with others ("</template>" closing a cell inside), the
 * markers of the others stay. st->markers counts the markers on the list
 * (clear_marker()), and each element remembers how many there were when
 * it was opened: leaked ones of a higher count are gone, those of a lower
 * one wait until it is back ("<table><tt><td>x</table>" re-opens the tt
 * after the table, not in the cell).
 */

/* Drop the leaked elements of markers cleared since. */
static void drop_stale_leaks(scan_state *st)
{
    while (st->nleaked && st->leaked[st->nleaked - 1].markers > st->markers)
        st->nleaked--;
}

/* The parser clears its list back to the last marker. */
static void clear_marker(scan_state *st)
{
    if (st->markers)
        st->markers--;
    drop_stale_leaks(st);
}

/* A formatting element closed implicitly joins the leaked list, if it is
 * still on the parser's list. The list is in the order of opening (the
 * order in which the parser re-opens them). */
static void scan_leak(scan_state *st, const scan_elem *e)
{
    drop_stale_leaks(st);
    if (e->markers > st->markers || (e->bits & K_UNLISTED) ||
        st->nleaked >= st->max)
        return;
    size_t at = st->nleaked;
    while (at > 0 && st->nleaked - at < SCAN_LOOKBACK &&
           st->leaked[at - 1].seq > e->seq)
        at--;
    memmove(&st->leaked[at + 1], &st->leaked[at],
            (st->nleaked - at) * sizeof *st->leaked);
    st->leaked[at] = *e;
    st->nleaked++;
}

/* Keep n_select, n_p and n_undecided up to date as `e` is opened (+1) or
 * closed (-1). */
static void count(scan_state *st, const scan_elem *e, int delta)
{
    if (e->bits & K_FOREIGN)
        return;
    if (strcmp(e->key, "select") == 0)
        st->n_select += (size_t)delta;
    else if (strcmp(e->key, "p") == 0)
        st->n_p += (size_t)delta;
    else if (strcmp(e->key, "template") == 0 &&
             e->tmode == TM_UNDECIDED)
        st->n_undecided += (size_t)delta;
}

/* Pop the phantoms (make_phantom()) left at the top: they stand for
 * elements around open ones, in the tree but off the parser's stack, so
 * with nothing open inside them any more they are of no use. */
static void drop_top_phantoms(scan_state *st)
{
    while (st->depth && st->depth <= st->max &&
           (st->open[st->depth - 1].bits & K_PHANTOM))
        st->depth--;
}

/* Pop the element `k` below the top and everything above it; formatting
 * elements popped leak, the one `k` below the top too when `closed_leaks`
 * (when it is closed implicitly itself). (Those the parser clears with a
 * marker go again in clear_marker().) */
static void pop_elems(scan_state *st, size_t k, int closed_leaks)
{
    size_t at = st->depth - 1 - k;
    for (size_t j = at; j < st->depth && j < st->max; j++) {
        scan_elem *e = &st->open[j];
        count(st, e, -1);
        if ((j > at || closed_leaks) && (e->bits & K_FORMATTING))
            scan_leak(st, e);
    }
    st->depth = at;
    drop_top_phantoms(st);
}

/* Pop the element `k` below the top, closed by its own end tag (or the
 * like), and everything above it. */
static void pop_to(scan_state *st, size_t k)
{
    pop_elems(st, k, 0);
}

/* Remove only the element `k` places below the top (what was opened
 * inside it stays open). */
static void remove_at(scan_state *st, size_t k)
{
    size_t at = st->depth - 1 - k;
    count(st, &st->open[at], -1);
    memmove(&st->open[at], &st->open[at + 1], k * sizeof *st->open);
    st->depth--;
    drop_top_phantoms(st);
}

/* Push an element; `hash` is its tag_info's (0 for implied ones). */
static void push(scan_state *st, const char key[KEY_LEN], unsigned bits,
                 uint32_t hash)
{
    if (st->depth < st->max) {
        scan_elem *e = &st->open[st->depth];
        memcpy(e->key, key, KEY_LEN);
        e->bits = bits;
        e->tmode = TM_UNDECIDED;
        e->seq = ++st->seq;
        e->markers = st->markers;
        if (bits & K_MARKER)
            st->markers++;
        e->tag_hash = hash;
        if (!(bits & (K_FOREIGN | K_PHANTOM)) &&
            corpus_gumbo.gumbo_tagn_enum(key, (unsigned)strlen(key)) ==
                GUMBO_TAG_UNKNOWN)
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
    drop_stale_leaks(st);
    size_t from = st->nleaked;
    while (from > 0 && st->leaked[from - 1].markers == st->markers)
        from--;
    for (size_t i = from; i < st->nleaked && st->depth < st->max; i++)
        st->open[st->depth++] = st->leaked[i];
    st->nleaked = from;
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

/* 1 when an HTML element among the top `k` ones (those above the one `k`
 * below the top) is named as one of `names`. */
static int popped_one_of(scan_state *st, size_t k, const char *const *names)
{
    for (size_t i = 0; i < k; i++) {
        const scan_elem *e = from_top(st, i);
        if (!e)
            return 0;
        if (e->bits & K_FOREIGN)
            continue;
        for (const char *const *n = names; *n; n++)
            if (key_is(e->key, *n))
                return 1;
    }
    return 0;
}

/* Pop the elements above the one `k` below the top (it stays open), as
 * the parser clears the stack back to a table context: formatting
 * elements among them leak. */
static void pop_above(scan_state *st, size_t k)
{
    if (k > 0)
        pop_elems(st, k - 1, 1);
}

static int html_cell(const scan_elem *e, const void *unused)
{
    (void)unused;
    return !(e->bits & K_FOREIGN) &&
           (key_is(e->key, "td") || key_is(e->key, "th"));
}

/* What a table context found by table_part() stands for. */
enum { CTX_IGNORE, CTX_TABLE, CTX_BODY, CTX_ROW, CTX_COLS };

static int context_kind(const scan_elem *e)
{
    if (key_is(e->key, "template"))
        switch (e->tmode) {
        case TM_BODY:
            return CTX_IGNORE;
        case TM_COLGROUP:
            return CTX_COLS;
        case TM_TBODY:
            return CTX_BODY;
        case TM_ROW:
            return CTX_ROW;
        default:
            return CTX_TABLE;
        }
    if (key_is(e->key, "table"))
        return CTX_TABLE;
    return key_is(e->key, "tr") ? CTX_ROW : CTX_BODY;
}

/*
 * table_part - a start tag of caption, col, colgroup, tbody, thead,
 * tfoot, tr, td or th. Each first closes the open cell. Inside a table the
 * parser then clears the stack back to the right context (a cell goes
 * into a row, a row into a table section, the rest into the table) and
 * inserts the implied tbody and tr; outside one it ignores the tag. A
 * template stands for the part its first tag was (decide_template()):
 * a table ("<template><caption>"), a table section ("<template><tr>") or
 * a row ("<template><td>") or columns ("<template><col>"); in one whose
 * content is read "in body", or where the part does not fit (a row in a
 * row, anything but a col among columns), the tag is ignored and nothing
 * is closed. Returns 1 when the element itself is to be pushed (not for
 * the void col).
 */
static int table_part(scan_state *st, const char key[KEY_LEN])
{
    int col = key_is(key, "col");
    static const char *const ctx_table[] = {"table", "template", NULL};
    static const char *const ctx_body[] = {"tbody", "thead", "tfoot",
                                           "table", "template", NULL};
    static const char *const ctx_row[] = {"tr", "tbody", "thead", "tfoot",
                                          "table", "template", NULL};
    int cell = key_is(key, "td") || key_is(key, "th");
    int row = key_is(key, "tr");
    static const char *const caption[] = {"caption", NULL};
    long c = find_in_scope(st, html_cell, NULL, SCOPE_TABLE);
    if (c >= 0) {
        pop_to(st, (size_t)c);        /* the cell is closed */
        clear_marker(st);
    }
    long k = find_any(st, cell ? ctx_row : row ? ctx_body : ctx_table);
    if (k < 0)
        return 0;                    /* no table open: ignored */
    int kind = context_kind(from_top(st, (size_t)k));
    if (kind == CTX_IGNORE || (kind == CTX_ROW && !cell) ||
        (kind == CTX_BODY && !cell && !row) || (kind == CTX_COLS && !col))
        return 0;
    int caption_closed = popped_one_of(st, (size_t)k, caption);
    pop_above(st, (size_t)k);
    if (caption_closed)
        clear_marker(st);
    char implied[KEY_LEN];
    if (col) {            /* void, in an implied colgroup that stays open */
        if (kind == CTX_TABLE) {
            make_key("colgroup", 8, implied);
            push(st, implied, K_SPECIAL | K_TABLE_PART | K_NO_RECON, 0);
        }
        note_leaf(st, 1);
        return 0;
    }
    if (kind == CTX_TABLE && (cell || row)) {
        make_key("tbody", 5, implied);
        push(st, implied, K_SPECIAL | K_TABLE_PART, 0);
    }
    if (cell && kind != CTX_ROW) {
        make_key("tr", 2, implied);
        push(st, implied, K_SPECIAL | K_TABLE_PART, 0);
    }
    return 1;
}

/*
 * close_table - a <table> start tag met in a table (not in one of its
 * cells or its caption) closes that table first: tables do not nest
 * there. Leaving the old one open would not only keep the estimate high:
 * a later row or cell would be taken for one of the old table and close
 * all that the parser has opened since (the parser, back "in body" after
 * the new table ends, ignores it). So the rule of the parser: the nearest
 * of td, th, caption, template, select and table decides; only a table
 * closes. In a template holding table parts there is no table to close
 * and the tag is ignored. Returns 0 when the table is not to be opened.
 */
static int close_table(scan_state *st)
{
    static const char *const modes[] = {"td", "th", "caption", "template",
                                        "select", "table", NULL};
    long k = find_any(st, modes);
    const scan_elem *e = k >= 0 ? from_top(st, (size_t)k) : NULL;
    if (e && key_is(e->key, "table"))
        pop_to(st, (size_t)k);
    return !(e && key_is(e->key, "template") &&
             context_kind(e) != CTX_IGNORE);
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

/* 1 when the open element `e` is a formatting element on the parser's
 * list. */
static int on_list(const scan_state *st, const scan_elem *e)
{
    return (e->bits & K_FORMATTING) && !(e->bits & K_UNLISTED) &&
           e->markers <= st->markers;
}

/* 1 when the open formatting element `e` is on the parser's list after
 * its last marker (where the parser looks for it). */
static int listed(const scan_state *st, const scan_elem *e)
{
    return !(e->bits & K_UNLISTED) && e->markers == st->markers;
}

/*
 * noahs_ark - a formatting element is opened (`key`, `hash` of its name
 * and attributes): when three twins (same name and attributes) are on the
 * parser's list after the last marker already, open or leaked, the
 * earliest leaves it (the parser's "Noah's Ark" clause). An open one stays
 * open, unlisted: its end tag then finds no element to close.
 */
static void noahs_ark(scan_state *st, const char key[KEY_LEN], uint32_t hash)
{
    int twins = 0;
    scan_elem *first = NULL;
    size_t first_leak = 0;
    uint64_t first_seq = UINT64_MAX;
    for (size_t k = 0;; k++) {
        scan_elem *e = from_top(st, k);
        if (!e)
            break;
        if ((e->bits & K_FORMATTING) && listed(st, e) &&
            e->tag_hash == hash && html_named(e, key)) {
            twins++;
            if (e->seq < first_seq) {
                first_seq = e->seq;
                first = e;
            }
        }
    }
    drop_stale_leaks(st);
    for (size_t k = 0; k < SCAN_LOOKBACK && k < st->nleaked; k++) {
        size_t at = st->nleaked - 1 - k;
        const scan_elem *e = &st->leaked[at];
        if (e->markers < st->markers)
            break;
        if (e->tag_hash == hash && memcmp(e->key, key, KEY_LEN) == 0) {
            twins++;
            if (e->seq < first_seq) {
                first_seq = e->seq;
                first = NULL;
                first_leak = at;
            }
        }
    }
    if (twins < 3)
        return;
    if (first)
        first->bits |= K_UNLISTED;
    else {
        memmove(&st->leaked[first_leak], &st->leaked[first_leak + 1],
                (st->nleaked - first_leak - 1) * sizeof *st->leaked);
        st->nleaked--;
    }
}

/*
 * frameset - an HTML <frameset> start tag (`delta` 1) or end tag (-1).
 * Whether the parser takes a <frameset> depends on what came before: at
 * the start of a page it replaces the body, then nests framesets and
 * ignores every other tag; almost anywhere else it ignores the frameset.
 * The scan leaves framesets off its stack and counts them apart: where
 * the parser took them, framesets (and a frame or noframes inside the
 * innermost) are all the tree holds.
 */
static void frameset(scan_state *st, int delta)
{
    if (delta < 0) {
        if (st->framesets)
            st->framesets--;
        return;
    }
    st->framesets++;
    if (st->framesets + 1 > st->deepest)
        st->deepest = st->framesets + 1;
}

/* Turn the open element `e` into a phantom: the parser took it off its
 * stack, but it stays in the tree around elements still open. Counted,
 * it has no name and no kind, so no end tag closes it, nothing leaks
 * from it, no search stops at it; it goes when it is at the top
 * (drop_top_phantoms()). */
static void make_phantom(scan_state *st, scan_elem *e)
{
    count(st, e, -1);
    memset(e->key, 0, KEY_LEN);
    e->bits = K_PHANTOM;
}

/*
 * adopt - the adoption agency of the parser (gumbo 0.10's version) for
 * the open formatting element `k` below the top, in scope. Each round
 * looks for the "furthest block", the first special element above the
 * formatting element. Without one, the formatting element and all above
 * it are closed (those above leak), and the algorithm ends. With one, of
 * the elements between the two only formatting ones stay; the formatting
 * element moves to just above the block (the parser puts a copy of it
 * there, which takes the block's children), and the next round starts
 * from there; at most 8 rounds. The stack comes out as the parser's, so
 * no element the parser closed stays open here (where a later end tag
 * could take it for its own and close more than the parser does).
 *
 * One quirk of gumbo: a formatting element more than three places below
 * the block leaves the list but stays open in place, inside the elements
 * the algorithm takes off the stack (the formatting element among them).
 * Those stay in the tree around it, so here they stay as phantoms:
 * counted, nameless.
 * Elements past `max` are not stored: there only the element goes.
 */
static void adopt(scan_state *st, size_t k)
{
    if (st->depth > st->max) {
        remove_at(st, k);
        return;
    }
    size_t at = st->depth - 1 - k;
    for (int round = 0; round < 8; round++) {
        size_t fb = at + 1;
        while (fb < st->depth && !(st->open[fb].bits & K_SPECIAL))
            fb++;
        if (fb == st->depth) {
            pop_to(st, st->depth - 1 - at);
            return;
        }
        scan_elem fmt = st->open[at];
        size_t lim = at;             /* the last one that stays in place */
        for (size_t i = at + 1; i < fb; i++)
            if (fb - i > 3 && on_list(st, &st->open[i]))
                lim = i;
        size_t to = at;              /* where the kept ones go */
        if (lim > at) {
            for (size_t i = at; i <= lim; i++)
                if (i == at || !on_list(st, &st->open[i]))
                    make_phantom(st, &st->open[i]);
                else
                    st->open[i].bits |= K_UNLISTED;
            to = lim + 1;
        }
        for (size_t i = lim + 1; i < fb; i++)
            if (on_list(st, &st->open[i]))
                st->open[to++] = st->open[i];
            else
                count(st, &st->open[i], -1);
        st->open[to++] = st->open[fb];
        /* the copy goes at `to`, the elements above the block after it */
        size_t above = st->depth - fb - 1;
        if (to + 1 + above > st->max) {   /* no room for the copy */
            memmove(&st->open[to], &st->open[fb + 1],
                    above * sizeof *st->open);
            st->depth = to + above;
            return;
        }
        memmove(&st->open[to + 1], &st->open[fb + 1],
                above * sizeof *st->open);
        st->open[to] = fmt;
        st->depth = to + 1 + above;
        note_level(st);
        at = to;
    }
}

/*
 * end_formatting - an end tag of a formatting element. The parser takes
 * the latest element of that name in its list of active formatting
 * elements (after the last marker): when that one has leaked, it only
 * leaves the list (one leaked twin goes here); when it is open and in
 * scope, the adoption agency runs (adopt()); when it is open but out of
 * scope (below a template, table cell, caption, object, integration
 * point...), nothing happens ("<b><template></b>" closes nothing).
 * Which is the latest: the one opened last.
 */
static void end_formatting(scan_state *st, const char key[KEY_LEN])
{
    const scan_elem *top = from_top(st, 0);
    if (top && html_named(top, key) &&
        ((top->bits & K_UNLISTED) || top->markers > st->markers)) {
        pop_to(st, 0);                /* off the list: simply closed */
        return;
    }
    int in_scope = 1;
    long open_k = -1;
    for (size_t k = 0;; k++) {
        const scan_elem *e = from_top(st, k);
        if (!e)
            break;
        if (html_named(e, key) && !(e->bits & K_UNLISTED)) {
            if (e->markers == st->markers)
                open_k = (long)k;
            break;                    /* (else before the last marker) */
        }
        if (e->bits & K_SCOPE)
            in_scope = 0;
    }
    const scan_elem *open = open_k >= 0 ? from_top(st, (size_t)open_k) : NULL;
    drop_stale_leaks(st);
    for (size_t k = 0; k < SCAN_LOOKBACK && k < st->nleaked; k++) {
        size_t at = st->nleaked - 1 - k;
        if (st->leaked[at].markers < st->markers)
            break;                    /* before the last marker */
        if (memcmp(st->leaked[at].key, key, KEY_LEN) == 0) {
            if (open && open->seq > st->leaked[at].seq)
                break;                /* the open one is later */
            memmove(&st->leaked[at], &st->leaked[at + 1],
                    k * sizeof *st->leaked);
            st->nleaked--;
            return;
        }
    }
    if (open && in_scope)
        adopt(st, (size_t)open_k);
}

/* "Any other end tag": the nearest open element of that name is closed,
 * unless a special element comes first (then nothing is). Gumbo compares
 * tags, not names, and all names it does not know share one tag: the end
 * tag of an unknown name closes the nearest element of any unknown name
 * ("<o><ruby></r>" closes the ruby). */
static void end_other(scan_state *st, const char key[KEY_LEN])
{
    int unknown =
        corpus_gumbo.gumbo_tagn_enum(key, (unsigned)strlen(key)) ==
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
        if (k >= 0 && key_is(key, "template"))
            clear_marker(st);
    }
}

/* 1 for the tags (start or end) that close a select opened in a table. */
static int ends_select_in_table(const char key[KEY_LEN])
{
    static const char *const tags[] = {"caption", "table", "tbody", "tfoot",
                                       "thead", "tr", "td", "th", NULL};
    for (const char *const *n = tags; *n; n++)
        if (key_is(key, *n))
            return 1;
    return 0;
}

/* A table part or table tag (start or end) in a select opened in a table
 * (the parser was in a table, a section, a row, a cell or a caption, or
 * in a template holding such parts) closes the select, and is then read
 * by the table rules ("in select in table"). Returns 1 when it did. */
static int close_select_in_table(scan_state *st)
{
    static const char *const parts[] = {"table", "tbody", "thead", "tfoot",
        "tr", "td", "th", "caption", "template", NULL};
    long k = find_in_scope(st, html_named, "select", SCOPE_TABLE);
    if (k < 0)
        return 0;
    for (size_t i = (size_t)k + 1;; i++) {
        const scan_elem *e = from_top(st, i);
        if (!e)
            return 0;
        if (e->bits & K_FOREIGN)
            continue;
        for (const char *const *n = parts; *n; n++)
            if (key_is(e->key, *n)) {
                if (key_is(e->key, "template") &&
                    context_kind(e) == CTX_IGNORE)
                    return 0;
                pop_to(st, (size_t)k);
                return 1;
            }
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
 * returns 0 when the HTML rules are to handle it (also when there is no
 * HTML element below: the parser's body is one). Gumbo compares the
 * whole text between "</" and ">" with the element's name: an end tag
 * with anything after its name (`bare` 0: "</svg >", "</svg/>"), or a
 * name cut to the key's length or holding a vertical tab, matches
 * nothing. */
static int end_foreign(scan_state *st, const char key[KEY_LEN], int bare)
{
    int cut = !bare || key[KEY_LEN - 2] != 0 || strchr(key, '\v');
    for (size_t k = 0;; k++) {
        const scan_elem *e = from_top(st, k);
        if (!e)
            return k < st->depth;   /* past the look back: leave it */
        if (!(e->bits & K_FOREIGN))
            return 0;
        if (!cut && strcmp(e->key, key) == 0) {
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

/* 1 when the end tag `key`, closing the element `k` below the top and all
 * above it, clears the parser's formatting list back to a marker (see
 * scan_leak()): the end tag of a marker's own element, or that of a row,
 * section or table with a cell or caption open inside, which it closes
 * first by the cell's own rules. */
static int closes_marker(scan_state *st, const char key[KEY_LEN], size_t k)
{
    static const char *const own[] = {"td", "th", "caption", "template",
        "applet", "marquee", "object", NULL};
    static const char *const holders[] = {"tr", "tbody", "thead", "tfoot",
                                          "table", NULL};
    for (const char *const *n = own; *n; n++)
        if (key_is(key, *n))
            return 1;
    int holder = 0;
    for (const char *const *n = holders; *n; n++)
        holder |= key_is(key, *n);
    return holder && popped_one_of(st, k, own);
}

static void scan_end_tag(scan_state *st, const char key[KEY_LEN], int bare)
{
    unsigned bits = kind_of(key);
    const scan_elem *top = from_top(st, 0);
    if (top && (top->bits & K_FOREIGN) && end_foreign(st, key, bare))
        return;   /* end tags follow the foreign rules even at an IP */
    if (in_select(st) &&
        !(ends_select_in_table(key) &&
          find_in_scope(st, html_named, key, SCOPE_TABLE) >= 0 &&
          close_select_in_table(st))) {
        end_in_select(st, key);
        return;
    }
    if (key_is(key, "frameset")) {
        frameset(st, -1);
        return;
    }
    if (bits & K_FORMATTING) {
        end_formatting(st, key);
        return;
    }
    if (key_is(key, "br")) {          /* </br> is read as <br> */
        if (st->nleaked)
            reconstruct(st);
        note_leaf(st, 1);
        return;
    }
    if (key_is(key, "body") || key_is(key, "html"))
        return;                       /* they end nothing */
    static const char *const template[] = {"template", NULL};
    long k;
    if (is_heading(key))
        k = find_in_scope(st, html_heading, NULL, SCOPE_DEFAULT);
    else if (key_is(key, "p"))
        k = find_in_scope(st, html_named, key, SCOPE_BUTTON);
    else if (key_is(key, "li"))
        k = find_in_scope(st, html_named, key, SCOPE_LIST);
    else if (key_is(key, "template"))
        k = find_any(st, template);   /* in scope or not */
    else if ((bits & K_TABLE_PART) || key_is(key, "table"))
        k = find_in_scope(st, html_named, key, SCOPE_TABLE);
    else if ((bits & K_SPECIAL) || key_is(key, "main"))
        k = find_in_scope(st, html_named, key, SCOPE_DEFAULT);
    else {
        end_other(st, key);
        return;
    }
    if (k < 0) {
        if (key_is(key, "p"))
            note_leaf(st, 1);         /* </p> alone inserts an empty p */
        return;
    }
    if (key_is(key, "form")) {
        remove_at(st, (size_t)k);    /* only the form element goes */
        return;
    }
    int clears = closes_marker(st, key, (size_t)k);
    pop_to(st, (size_t)k);
    if (clears)
        clear_marker(st);
}

/* ---------------------------------------------------------- start tags */

/* What a start tag token carries besides its name. */
typedef struct tag_info {
    const char *start, *end;  /* the tag's text, '<' to after '>' */
    int self_closing;
    int html_encoding;        /* encoding="text/html" or xhtml (MathML) */
    uint64_t attrs;
    uint32_t attr_hash;       /* sum of the hashes of name=value pairs */
    uint32_t hash;            /* the name's hash plus attr_hash: equal for
                               * tags the parser takes for twins (Noah's
                               * Ark), whatever the order of attributes */
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
    if (!math && key_is(key, "title"))
        bits &= ~(unsigned)K_SPECIAL;   /* gumbo's special list lacks it */
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
    if (t->self_closing) {
        note_leaf(st, 1);
        return;
    }
    /* Gumbo resets its insertion mode from the names of the open
     * elements, whatever their namespace: an open SVG or MathML "select"
     * or "th" later makes it look for an HTML select or cell that is not
     * there, and an assertion aborts the process ("<table><svg><select>
     * <title><select><th>", "<table><math><th><ms><select></table>").
     * No real SVG or MathML element has one of these names. */
    static const char *const resets[] = {"select", "td", "th", "tr",
        "tbody", "thead", "tfoot", "caption", "colgroup", "table",
        "template", "head", "body", "frameset", "html", NULL};
    for (const char *const *n = resets; *n; n++)
        if (key_is(key, *n))
            st->crash = "an SVG or MathML element named like an HTML "
                        "table part, select, template or html, on which "
                        "the HTML parser (gumbo 0.10) can abort";
    push(st, key, foreign_bits(parent, key, t), t->hash);
}

/* How deep a void element's subtree is: <isindex> becomes a form holding
 * a label holding an input (<col> is a table part: table_part()). */
static size_t void_depth(const char key[KEY_LEN])
{
    return key_is(key, "isindex") ? 3 : 1;
}

/* The TM_* mode the first start tag `key` gives a template. */
static int template_mode(const char key[KEY_LEN])
{
    static const char *const table[] = {"caption", "colgroup", "tbody",
                                        "thead", "tfoot", NULL};
    for (const char *const *n = table; *n; n++)
        if (key_is(key, *n))
            return TM_TABLE;
    if (key_is(key, "tr"))
        return TM_TBODY;
    if (key_is(key, "td") || key_is(key, "th"))
        return TM_ROW;
    return key_is(key, "col") ? TM_COLGROUP : TM_BODY;
}

/*
 * decide_template - the content of a <template> is read in the parser's
 * "in template" mode until its first start tag other than those of the
 * head (base, basefont, bgsound, link, meta, noframes, script, style,
 * template, title): a table part or <col> makes it table content of
 * that kind (template_mode()), any other tag "in body" content, for
 * good. In body a table part is ignored (table_part()); taking it for a
 * cell of the template would close what the parser keeps open
 * ("<template><div><td>": the div stays open).
 * Called for every start tag (`key`) while an undecided template is
 * open: the nearest template is the one the parser is in.
 */
static void decide_template(scan_state *st, const char key[KEY_LEN])
{
    static const char *const head[] = {"base", "basefont", "bgsound",
        "link", "meta", "noframes", "script", "style", "template", "title",
        NULL};
    for (const char *const *n = head; *n; n++)
        if (key_is(key, *n))
            return;
    for (size_t k = 0;; k++) {
        scan_elem *e = from_top(st, k);
        if (!e)
            return;
        if (!html_named(e, "template"))
            continue;
        if (e->tmode == TM_UNDECIDED) {
            e->tmode = template_mode(key);
            st->n_undecided--;
        }
        return;
    }
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
    if (st->n_undecided)
        decide_template(st, key);
    const scan_elem *top = from_top(st, 0);
    if (top && (top->bits & K_MATHML) && (top->bits & K_IP) &&
        !key_is(top->key, "annotation-xml") &&
        (key_is(key, "mglyph") || key_is(key, "malignmark"))) {
        /* at a MathML text integration point (mi, mo, mn, ms, mtext)
         * these two stay MathML, and what follows is MathML content */
        if (t->self_closing)
            note_leaf(st, 1);
        else
            push(st, key, foreign_bits(top, key, t), t->hash);
        return 0;
    }
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
    top = from_top(st, 0);
    if (top && !(top->bits & K_FOREIGN) && key_is(top->key, "template") &&
        top->tmode == TM_COLGROUP && !key_is(key, "col") &&
        !key_is(key, "template")) {
        /* A template of columns is read "in column group", where any
         * other start tag is ignored, <xmp> or <style> too: what follows
         * is tags, not raw text (gumbo nested 17 deep where the scan,
         * skipping to "</xmp>", estimated 4). */
        return 0;
    }
    if (in_select(st) &&
        !(ends_select_in_table(key) && close_select_in_table(st))) {
        /* Only a few tags mean anything inside <select>; the parser
         * ignores the rest (they are counted as empty elements, which
         * errs high), and does not skip the raw text of <style>,
         * <xmp>... there. */
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
                push(st, key, bits, t->hash);
            } else {
                note_leaf(st, 1);
            }
            return 0;
        }
    }
    if (bits & K_FOREIGN_ROOT) {
        if (st->nleaked)
            reconstruct(st);
        start_foreign(st, key, t);
        return 0;
    }
    if (key_is(key, "frameset")) {
        frameset(st, 1);
        return 0;
    }
    if (bits & K_MERGED)
        return 0;
    if ((bits & K_TABLE_PART) || key_is(key, "col")) {
        if (!table_part(st, key))
            return 0;
        push(st, key, bits, t->hash);
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
    if (bits & K_VOID) {
        note_leaf(st, void_depth(key));
        return 0;
    }
    if (bits & K_RAW) {
        /* opened and closed around its text */
        push(st, key, bits, t->hash);
        st->depth--;
        return key_is(key, "plaintext") ? 2 : 1;
    }
    if (key_is(key, "table") && !close_table(st))
        return 0;
    if (bits & K_FORMATTING)
        noahs_ark(st, key, t->hash);
    push(st, key, bits, t->hash);
    return 0;
}

/* ------------------------------------------------------------ tokens */

static int is_tag_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* 1 when the attribute value [v, v+n) is an annotation-xml encoding that
 * makes its content HTML. */
static int is_html_encoding(const char *v, size_t n)
{
    return (n == 9 && gz_ascii_ncase_eq(v, "text/html", 9)) ||
           (n == 21 && gz_ascii_ncase_eq(v, "application/xhtml+xml", 21));
}

/*
 * read_attributes - the rest of a tag after its name, as the HTML
 * tokenizer reads it: attribute names, '=' and values (quoted values may
 * hold '>'), a '/' right before '>' making the tag self-closing. `p` is
 * just after the name. Fills t (attrs, attr_hash, self_closing,
 * html_encoding, end) and returns the byte after the '>' (or `end` when
 * the text ends first).
 */
static const char *read_attributes(const char *p, const char *end,
                                   tag_info *t)
{
    enum { BEFORE_NAME, NAME, AFTER_NAME, BEFORE_VALUE } state = BEFORE_NAME;
    const char *name = NULL;
    size_t name_len = 0;
    uint32_t attr = 0;            /* hash of the attribute being read */
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
            if (name_len == 8 && gz_ascii_ncase_eq(name, "encoding", 8) &&
                is_html_encoding(v, (size_t)(ve - v)))
                t->html_encoding = 1;
            attr = fnv_step(attr, '=');
            for (const char *c = v; c < ve; c++)
                attr = fnv_step(attr, (unsigned char)*c);
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
            if (t->attrs++)
                t->attr_hash += attr;
            attr = FNV_START;
            name = p;
            name_len = 0;
            state = NAME;
        }
        attr = fnv_step(attr, gz_ascii_tolower((unsigned char)c));
        name_len++;
        p++;
    }
    if (t->attrs)
        t->attr_hash += attr;
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
        if (p[1] != '/' || !gz_ascii_ncase_eq(p + 2, name, n))
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
    if (corpus_lib_use(&corpus_gumbo_lib) != 0)   /* for its tag names */
        return -1;
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
        if (*p == '?' || (*p == '/' && p + 1 < end && !gz_ascii_isalpha(p[1]))) {
            const char *gt = memchr(p, '>', (size_t)(end - p));
            p = gt ? gt + 1 : end;      /* bogus comment, or "</>" */
            continue;
        }
        int closing = *p == '/';
        const char *name = p + closing;
        if (name >= end || !gz_ascii_isalpha(*name))
            continue;                   /* a '<' in text */
        const char *ne = name;
        while (ne < end && !is_tag_space(*ne) && *ne != '/' && *ne != '>')
            ne++;
        char key[KEY_LEN];
        make_key(name, (size_t)(ne - name), key);
        tag_info t = {.start = lt};
        p = read_attributes(ne, end, &t);
        t.hash = fnv_str(FNV_START, key) + t.attr_hash;
        st.work += level(&st) + t.attrs * t.attrs;
        if (closing) {
            scan_end_tag(&st, key, ne < end && *ne == '>');
            continue;
        }
        int raw = scan_start_tag(&st, key, &t);
        if (raw == 2)
            break;
        if (raw) {
            /* the raw text, then its end tag, which ends nothing else */
            size_t n = strlen(key);
            p = find_end_tag(p, end, key, n);
            if (p < end) {
                tag_info skipped = {.start = p};
                p = read_attributes(p + 2 + n, end, &skipped);
            }
        }
    }
    free(st.open);
    free(st.leaked);
    cost->depth = st.deepest + IMPLIED_ROOTS;
    cost->crash = st.crash;
    cost->work = st.work;
    return 0;
}

/* ------------------------------------------------ the declared encoding */

/*
 * corpus_html_prescan - HTML's "prescan a byte stream to determine its
 * encoding" (the HTML standard, 13.2.3.2), as a browser runs it on a file
 * that came without a Content-Type header: the first 1024 bytes are
 * scanned for a <meta charset> or a <meta http-equiv="Content-Type"
 * content="...; charset=...">, passing over comments, the attributes of
 * other tags and "<!...>", "</...>", "<?...>" markup, so that a charset=
 * in a comment or in another tag's attribute does not count. A label the
 * Encoding Standard does not know is passed over (the scan goes on), but
 * the first is kept for the warning when no known one follows. When no <meta> declares one, an XML
 * declaration that opens the page (<?xml ... encoding="...">, XHTML's)
 * does, as the standard's "get an XML encoding" reads it.
 */

#define PRESCAN_BYTES 1024

/* A byte range of the page. */
typedef struct span {
    const char *s, *e;
} span;

/* HTML's ASCII white space (no vertical tab). */
static int prescan_space(unsigned char c)
{
    return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static int span_is(span sp, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(sp.e - sp.s) == n && gz_ascii_ncase_eq(sp.s, word, n);
}

/* HTML's "get an attribute" at *pp (the name and value as ranges of the
 * page; the standard lowercases them, we compare without case). Returns
 * 0 when there is none: at a '>' (*pp left on it) or at the end. */
static int get_attribute(const char **pp, const char *end, span *name,
                         span *value)
{
    const char *p = *pp;
    while (p < end && (prescan_space((unsigned char)*p) || *p == '/'))
        p++;
    if (p >= end || *p == '>') {
        *pp = p;
        return 0;
    }
    name->s = p;
    /* the name: up to '=' (not its first byte), space, '/' or '>' */
    do
        p++;
    while (p < end && *p != '=' && *p != '/' && *p != '>' &&
           !prescan_space((unsigned char)*p));
    name->e = p;
    value->s = value->e = p;
    while (p < end && prescan_space((unsigned char)*p))
        p++;
    if (p >= end || *p != '=') {
        *pp = p;
        return p < end;
    }
    p++;
    while (p < end && prescan_space((unsigned char)*p))
        p++;
    if (p < end && (*p == '"' || *p == '\'')) {
        const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
        if (!q) {
            *pp = end;            /* unterminated within the window */
            return 0;
        }
        value->s = p + 1;
        value->e = q;
        *pp = q + 1;
        return 1;
    }
    if (p < end && *p == '>') {
        *pp = p;
        return 1;
    }
    value->s = p;
    while (p < end && *p != '>' && !prescan_space((unsigned char)*p))
        p++;
    value->e = p;
    *pp = p;
    return p < end;
}

/* HTML's "extracting a character encoding from a meta element": the
 * label after "charset" and '=' in a content attribute ("text/html;
 * charset=koi8-r"), quoted or up to white space or ';'. */
static int content_charset(span v, span *label)
{
    const char *p = v.s;
    for (;;) {
        while (p + 7 <= v.e && !gz_ascii_ncase_eq(p, "charset", 7))
            p++;
        if (p + 7 > v.e)
            return 0;
        p += 7;
        while (p < v.e && prescan_space((unsigned char)*p))
            p++;
        if (p < v.e && *p == '=')
            break;
    }
    p++;
    while (p < v.e && prescan_space((unsigned char)*p))
        p++;
    if (p < v.e && (*p == '"' || *p == '\'')) {
        const char *q = memchr(p + 1, *p, (size_t)(v.e - p - 1));
        if (!q)
            return 0;
        label->s = p + 1;
        label->e = q;
        return 1;
    }
    label->s = p;
    while (p < v.e && *p != ';' && !prescan_space((unsigned char)*p))
        p++;
    label->e = p;
    return label->e > label->s;
}

/* Copy `label` into out[size], trimmed, printable (for a warning). */
static void copy_label(span label, char *out, size_t size)
{
    if (!size)
        return;
    while (label.s < label.e && prescan_space((unsigned char)*label.s))
        label.s++;
    while (label.e > label.s && prescan_space((unsigned char)label.e[-1]))
        label.e--;
    size_t n = 0;
    for (const char *p = label.s; p < label.e && n + 1 < size; p++)
        out[n++] = *p > ' ' && *p < 0x7F ? *p : '?';
    out[n] = '\0';
}

/* Keep the first label not understood, unless one is kept already. */
static void note_unknown(span label, char *out, size_t size)
{
    if (size && !out[0])
        copy_label(label, out, size);
}

/* The attributes of a <meta> (*pp just after "<meta"), as the standard
 * reads them: the first of each name counts; a charset attribute names
 * the encoding, a content attribute's charset= only with http-equiv
 * Content-Type. NULL when this <meta> declares none. */
static const corpus_encoding *prescan_meta(const char **pp, const char *end,
                                           char *out, size_t size)
{
    span name, value, label = {NULL, NULL}, content_label = {NULL, NULL};
    int seen_equiv = 0, seen_content = 0, seen_charset = 0;
    int pragma = 0, need_pragma = -1;          /* -1: neither attribute */
    const corpus_encoding *enc = NULL;
    while (get_attribute(pp, end, &name, &value)) {
        if (span_is(name, "http-equiv") && !seen_equiv++) {
            pragma = span_is(value, "content-type");
        } else if (span_is(name, "content") && !seen_content++) {
            span l;
            if (content_charset(value, &l) && !enc && need_pragma != 0) {
                enc = corpus_encoding_for_label(l.s, (size_t)(l.e - l.s));
                if (enc) {
                    need_pragma = 1;
                    label = l;
                } else {
                    content_label = l;
                }
            }
        } else if (span_is(name, "charset") && !seen_charset++) {
            enc = corpus_encoding_for_label(value.s,
                                            (size_t)(value.e - value.s));
            label = value;
            need_pragma = 0;
        }
    }
    if (need_pragma == 0 && !enc)
        note_unknown(label, out, size);
    if (need_pragma == -1 && pragma && content_label.s)
        note_unknown(content_label, out, size);
    if (need_pragma == -1 || (need_pragma == 1 && !pragma) || !enc)
        return NULL;
    copy_label(label, out, size);
    return enc;
}

/* The encoding of an XML declaration at the very start of [s, end)
 * (HTML's "get an XML encoding"), or NULL. */
static const corpus_encoding *xml_encoding(const char *s, const char *end,
                                           char *out, size_t size)
{
    if (end - s < 5 || memcmp(s, "<?xml", 5) != 0)
        return NULL;
    const char *gt = memchr(s, '>', (size_t)(end - s));
    if (!gt)
        return NULL;
    const char *p = s + 5;
    while (p + 8 <= gt && memcmp(p, "encoding", 8) != 0)
        p++;
    if (p + 8 > gt)
        return NULL;
    p += 8;
    while (p < gt && (unsigned char)*p <= ' ')
        p++;
    if (p >= gt || *p++ != '=')
        return NULL;
    while (p < gt && (unsigned char)*p <= ' ')
        p++;
    if (p >= gt || (*p != '"' && *p != '\''))
        return NULL;
    const char *q = memchr(p + 1, *p, (size_t)(gt - p - 1));
    if (!q)
        return NULL;
    for (const char *c = p + 1; c < q; c++)
        if ((unsigned char)*c <= ' ')
            return NULL;
    span label = {p + 1, q};
    const corpus_encoding *enc =
        corpus_encoding_for_label(label.s, (size_t)(label.e - label.s));
    if (enc)
        copy_label(label, out, size);
    else
        note_unknown(label, out, size);
    return enc;
}

/* corpus_html_prescan - see corpus_internal.h and above. */
const corpus_encoding *corpus_html_prescan(const char *text, size_t len,
                                           char *label, size_t size)
{
    if (size)
        label[0] = '\0';
    const char *end = text + (len < PRESCAN_BYTES ? len : PRESCAN_BYTES);
    for (const char *p = text; p < end; p++) {
        if (*p != '<')
            continue;
        size_t left = (size_t)(end - p);
        if (left >= 4 && memcmp(p, "<!--", 4) == 0) {
            /* to the '>' of the first "-->" (whose dashes may be those of
             * "<!--": "<!-->" is a whole comment) */
            const char *q = p + 2;
            while (q + 3 <= end && memcmp(q, "-->", 3) != 0)
                q++;
            if (q + 3 > end)
                break;
            p = q + 2;
        } else if (left >= 6 && gz_ascii_ncase_eq(p + 1, "meta", 4) &&
                   (prescan_space((unsigned char)p[5]) || p[5] == '/')) {
            p += 5;
            const corpus_encoding *enc = prescan_meta(&p, end, label, size);
            if (enc)
                return enc;
            if (p >= end)
                break;
        } else if (left >= 2 && (gz_ascii_isalpha((unsigned char)p[1]) ||
                                 (left >= 3 && p[1] == '/' &&
                                  gz_ascii_isalpha((unsigned char)p[2])))) {
            /* another tag: its name, then its attributes, passed over */
            while (p < end && *p != '>' && !prescan_space((unsigned char)*p))
                p++;
            span name, value;
            while (get_attribute(&p, end, &name, &value))
                ;
            if (p >= end)
                break;
        } else if (left >= 2 && (p[1] == '!' || p[1] == '/' || p[1] == '?')) {
            const char *gt = memchr(p, '>', left);
            if (!gt)
                break;
            p = gt;
        }
    }
    return xml_encoding(text, end, label, size);
}
