/*
 * read_html.c - HTML (.html, .htm): one article per file, parsed with
 * gumbo, an HTML5 parser (so tag soup is read the way browsers read it and
 * character references are decoded).
 *
 * Title: <title>, else <meta property="og:title">, else the first <h1>,
 * else the first line of the text.
 * Body: the visible text, block elements (p, div, h1-h6, li, tr, br, ...)
 * on lines of their own, white space collapsed except inside <pre>. Left
 * out: <head>, script, style, noscript, template, iframe, object, svg,
 * select, textarea, nav and aside; header and footer unless they are inside
 * <article> or <main> (there they hold the headline and byline, elsewhere
 * the site's banner and small print); elements with role navigation,
 * banner, contentinfo, complementary or search; hidden elements ("hidden",
 * aria-hidden="true", inline style display:none or visibility:hidden).
 * The meta description, when the text does not already contain it, opens
 * the body.
 * Metadata from <meta>: date (article:published_time, date, dc.date,
 * dc.date.issued, dcterms.created, pubdate, itemprop datePublished),
 * author (author, article:author unless it is a URL, dc.creator), tags
 * (keywords, news_keywords, article:tag), url (og:url, else
 * <link rel="canonical">).
 *
 * Hostile input: gumbo 0.10 has no depth limit (no max_tree_depth
 * option), recurses over the tree depth (about 40 bytes of stack a level,
 * several times that under ASan) and its scope checks make some deep
 * nestings quadratic (100 000 nested <div>s take half a minute). So a
 * linear scan first estimates the nesting depth the parser will build,
 * modelling what deepens a tree without start tags matching it (the
 * adoption agency, re-opened formatting elements, cells outside tables)
 * and erring on the high side, and a page deeper than MAX_HTML_DEPTH is
 * skipped as malformed. It is an estimate, tested against gumbo on the
 * mis-nestings known to deepen trees (tests/test_formats.c), not a
 * proof. Our own tree walk is iterative. Gumbo's error list is switched
 * off: it copies the open-element stack per error, which is quadratic
 * memory on deep input. Gumbo's memory is proportional to the page (the
 * size limit bounds it).
 */
#include "corpus.h"
#include "corpus_internal.h"

#include <gumbo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Deepest nesting (as estimated by nesting_depth()) we hand to gumbo.
 * Browsers cap the DOM depth of parsed HTML at a few hundred (Chromium:
 * 512); real pages stay well below this. */
#define MAX_HTML_DEPTH 4096

/* --------------------------------------------------------- depth scan */

/* ASCII case-insensitive comparison of n bytes (locale-independent). */
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

/* 1 when [s, s+n) is the lower-case literal `lit`, in any case. */
static int lower_eq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && ncase_eq(s, lit, n);
}

static int name_in(const char *s, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (lower_eq(s, n, *list))
            return 1;
    return 0;
}

/* Start tags that never deepen the tree: void elements, and elements the
 * parser closes by itself when the next one of their kind starts (p, li,
 * dt, dd, tr, td, th are modelled instead: see scan_implied_close()). */
static const char *const flat_tags[] = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link",
    "meta", "param", "source", "track", "wbr", "option", "optgroup",
    "thead", "tbody", "tfoot", "rt", "rp", "colgroup", "caption", "html",
    "head", "body", NULL};

/* Elements whose content is text up to their end tag. */
static const char *const raw_tags[] = {
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed",
    "noframes", NULL};

/* Case-insensitive search for "</name" in [p, end). */
static const char *find_end_tag(const char *p, const char *end,
                                const char *name, size_t n)
{
    for (; p + 2 + n <= end; p++)
        if (p[0] == '<' && p[1] == '/' && ncase_eq(p + 2, name, n))
            return p;
    return end;
}

/* The '>' ending a tag whose name ends at p, quotes respected; or end. */
static const char *tag_close(const char *p, const char *end)
{
    char quote = 0;
    for (; p < end; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '>') {
            return p;
        } else if ((*p == '"' || *p == '\'') && p[-1] == '=') {
            quote = *p;
        }
    }
    return end;
}

/* Formatting elements: the parser keeps them in its list of active
 * formatting elements and re-opens them ("reconstructs") after they were
 * closed implicitly, and their end tags leave block elements opened
 * inside them open (the adoption agency algorithm). */
static const char *const formatting_tags[] = {
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small",
    "strike", "strong", "tt", "u", NULL};

/* One element as the scan sees it: its name (short names whole, longer
 * ones cut: a mismatch only makes the estimate higher) and, for
 * formatting elements, a hash of the whole start tag (attributes
 * included), to tell identical ones apart as the parser does. */
typedef struct scan_elem {
    char name[16];
    uint32_t tag_hash;
    int formatting;
} scan_elem;

/* The open elements, and the formatting elements closed implicitly that
 * the parser may re-open ("leaked"). The estimate of the tree depth is
 * depth + nleaked. */
typedef struct scan_state {
    scan_elem *open;
    size_t depth;
    scan_elem *leaked;
    size_t nleaked;
    size_t max;               /* capacity of each array */
} scan_state;

/* How far back end tags look for their element (and leaked elements for
 * their twins): bounded, so the scan stays linear. */
#define SCAN_LOOKBACK 64

static void scan_key(const char *name, size_t n, char key[16])
{
    memset(key, 0, 16);
    for (size_t i = 0; i < n && i < 15; i++)
        key[i] = (char)(name[i] | 0x20);
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
                 memcmp(st->leaked[i].name, e->name, 16) == 0;
    if (twins < 3 && st->nleaked < st->max)
        st->leaked[st->nleaked++] = *e;
}

/* Elements whose end clears the formatting elements opened inside them
 * (the parser's "markers"): nothing leaks out of a table cell. */
static const char *const cell_tags[] = {"td", "th", "tr", "table", "caption",
                                        NULL};

/*
 * scan_close - an end tag. A formatting element's end tag removes that
 * element only (what was opened inside it stays open), or, when it is not
 * open, one leaked twin. Another end tag closes its element and all
 * opened after it; formatting ones among those leak. An end tag matching
 * nothing within SCAN_LOOKBACK is ignored, as the parser ignores
 * unmatched end tags.
 */
static void scan_close(scan_state *st, const char *name, size_t n)
{
    char key[16];
    scan_key(name, n, key);
    int formatting = name_in(name, n, formatting_tags);
    for (size_t k = 0; k < SCAN_LOOKBACK && k < st->depth; k++) {
        size_t at = st->depth - 1 - k;
        if (memcmp(st->open[at].name, key, 16) != 0)
            continue;
        if (formatting) {
            memmove(&st->open[at], &st->open[at + 1], k * sizeof *st->open);
        } else if (!name_in(name, n, cell_tags)) {
            for (size_t j = at + 1; j < st->depth; j++)
                if (st->open[j].formatting)
                    scan_leak(st, &st->open[j]);
        }
        st->depth = formatting ? st->depth - 1 : at;
        return;
    }
    for (size_t k = 0; formatting && k < SCAN_LOOKBACK && k < st->nleaked;
         k++) {
        size_t at = st->nleaked - 1 - k;
        if (memcmp(st->leaked[at].name, key, 16) == 0) {
            memmove(&st->leaked[at], &st->leaked[at + 1],
                    k * sizeof *st->leaked);
            st->nleaked--;
            return;
        }
    }
}

/* Start tags after which the parser does not re-open leaked formatting
 * elements (block-level and structural ones); before text and any other
 * start tag it does. */
static const char *const no_reconstruct_tags[] = {
    "address", "article", "aside", "blockquote", "center", "details",
    "dialog", "dir", "div", "dl", "fieldset", "figcaption", "figure",
    "footer", "header", "hgroup", "main", "menu", "nav", "ol", "p",
    "section", "summary", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
    "listing", "form", "li", "dd", "dt", "table", "hr", "html", "head",
    "body", "base", "basefont", "bgsound", "link", "meta", "script",
    "style", "template", "title", "caption", "col", "colgroup", "frame",
    "frameset", "tbody", "td", "tfoot", "th", "thead", "tr", "textarea",
    "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext", NULL};

/* The parser re-opens the leaked formatting elements ("reconstructs the
 * active formatting elements"): they become open again, inside the
 * current element. Taking all of them (the parser takes those after the
 * last one still open) can only make the estimate higher. */
static void scan_reconstruct(scan_state *st)
{
    for (size_t i = 0; i < st->nleaked && st->depth < st->max; i++)
        st->open[st->depth++] = st->leaked[i];
    st->nleaked = 0;
}

/* 1 when [p, e) holds something other than white space. */
static int has_text(const char *p, const char *e)
{
    for (; p < e; p++)
        if (!corpus_is_space((unsigned char)*p))
            return 1;
    return 0;
}

/* 1 when a <table> is open among the last SCAN_LOOKBACK elements. */
static int scan_in_table(const scan_state *st)
{
    for (size_t k = 0; k < SCAN_LOOKBACK && k < st->depth; k++)
        if (strcmp(st->open[st->depth - 1 - k].name, "table") == 0)
            return 1;
    return 0;
}

/* Close the nearest open element named in `targets`, looking back no
 * further than an element named in `stops` (nor SCAN_LOOKBACK), as if its
 * end tag came. */
static void scan_close_nearest(scan_state *st, const char *const *targets,
                               const char *const *stops)
{
    for (size_t k = 0; k < SCAN_LOOKBACK && k < st->depth; k++) {
        const char *nm = st->open[st->depth - 1 - k].name;
        size_t len = strlen(nm);
        if (name_in(nm, len, targets)) {
            scan_close(st, nm, len);
            return;
        }
        if (name_in(nm, len, stops))
            return;
    }
}

/*
 * scan_implied_close - the end tags a start tag implies: a block element
 * closes an open <p>; <li> the open <li>; <dt>/<dd> the open <dt>/<dd>;
 * <td>/<th> the open cell; <tr> the open row. Without this a page of
 * "<p><font>text" paragraphs would look ever deeper.
 */
static void scan_implied_close(scan_state *st, const char *name, size_t n)
{
    static const char *const p[] = {"p", NULL};
    static const char *const li[] = {"li", NULL};
    static const char *const dtdd[] = {"dt", "dd", NULL};
    static const char *const cell[] = {"td", "th", NULL};
    static const char *const tr[] = {"tr", NULL};
    static const char *const button_scope[] = {
        "table", "td", "th", "caption", "button", "html", "marquee",
        "object", "applet", "template", NULL};
    static const char *const list_scope[] = {
        "ol", "ul", "table", "td", "th", "caption", "button", "html",
        "template", NULL};
    static const char *const table_scope[] = {"table", "html", "template",
                                              NULL};
    if (lower_eq(name, n, "td") || lower_eq(name, n, "th")) {
        scan_close_nearest(st, cell, table_scope);
        return;
    }
    if (lower_eq(name, n, "tr")) {
        scan_close_nearest(st, cell, table_scope);
        scan_close_nearest(st, tr, table_scope);
        return;
    }
    if (!name_in(name, n, no_reconstruct_tags))
        return;
    if (lower_eq(name, n, "li"))
        scan_close_nearest(st, li, list_scope);
    else if (lower_eq(name, n, "dt") || lower_eq(name, n, "dd"))
        scan_close_nearest(st, dtdd, list_scope);
    scan_close_nearest(st, p, button_scope);
}

/* A start tag [tag, tag_end) named [name, name+n) that deepens the tree. */
static void scan_open(scan_state *st, const char *name, size_t n,
                      const char *tag, const char *tag_end)
{
    if (st->depth < st->max) {
        scan_elem *e = &st->open[st->depth];
        scan_key(name, n, e->name);
        e->formatting = name_in(name, n, formatting_tags);
        e->tag_hash = e->formatting ? tag_hash(tag, tag_end) : 0;
    }
    st->depth++;
}

static int is_letter(char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/*
 * nesting_depth - estimate the deepest element nesting of the HTML in
 * [p, end) without building a tree, erring on the high side: start tags
 * push (except flat_tags), end tags pop back to their match (see
 * scan_close()), formatting elements closed implicitly count until the
 * parser would re-open them (scan_reconstruct()), comments and raw text
 * are skipped. Linear in the input: every look back is bounded.
 * Stops counting once over `limit`. Returns the estimate, or (size_t)-1
 * when out of memory.
 */
static size_t nesting_depth(const char *p, const char *end, size_t limit)
{
    scan_state st = {malloc((limit + 1) * sizeof(scan_elem)), 0,
                     malloc((limit + 1) * sizeof(scan_elem)), 0, limit + 1};
    if (!st.open || !st.leaked) {
        free(st.open);
        free(st.leaked);
        return (size_t)-1;
    }
    size_t deepest = 0;
    while (p < end && deepest <= limit) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (st.nleaked && has_text(p, lt ? lt : end))
            scan_reconstruct(&st);
        if (st.depth + st.nleaked > deepest)
            deepest = st.depth + st.nleaked;
        if (!lt || lt + 1 >= end)
            break;
        p = lt + 1;
        if (end - p >= 3 && memcmp(p, "!--", 3) == 0) {
            const char *c = p + 3;
            while (c + 2 < end && memcmp(c, "-->", 3) != 0)
                c++;
            p = c + 3 <= end ? c + 3 : end;
            continue;
        }
        int closing = *p == '/';
        const char *name = p + closing;
        size_t n = 0;
        while (name + n < end && (is_letter(name[n]) ||
                                  (n && name[n] >= '0' && name[n] <= '9') ||
                                  (n && (name[n] == '-' || name[n] == ':'))))
            n++;
        if (n == 0) {
            if (*p == '!' || *p == '?' || closing)
                p = tag_close(p, end);
            continue;
        }
        const char *gt = tag_close(name + n, end);
        p = gt < end ? gt + 1 : end;
        if (closing) {
            scan_close(&st, name, n);
            continue;
        }
        if (lower_eq(name, n, "plaintext"))
            break;
        int cell = lower_eq(name, n, "td") || lower_eq(name, n, "th") ||
                   lower_eq(name, n, "tr");
        if (cell && !scan_in_table(&st))
            continue;     /* a cell outside a table: the parser drops it */
        scan_implied_close(&st, name, n);
        if (st.nleaked && !name_in(name, n, no_reconstruct_tags))
            scan_reconstruct(&st);
        if (name_in(name, n, raw_tags)) {
            p = find_end_tag(p, end, name, n);
            continue;
        }
        if (!name_in(name, n, flat_tags)) {
            scan_open(&st, name, n, name, gt);
            if (st.depth + st.nleaked > deepest)
                deepest = st.depth + st.nleaked;
        }
    }
    free(st.open);
    free(st.leaked);
    return deepest;
}

/* ------------------------------------------------------------ strbuf */

/* A growing NUL-terminated string; `failed` is sticky after OOM. */
typedef struct strbuf {
    char *data;
    size_t len, cap;
    int failed;
} strbuf;

static void sb_put(strbuf *b, const char *s, size_t n)
{
    /* The size check also tells the optimiser that len + n + 1 cannot
     * wrap (gcc 12 -O3 warned of a memcpy of SIZE_MAX bytes). */
    if (b->failed || n >= SIZE_MAX / 2 - b->len) {
        b->failed = 1;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 1024;
        while (ncap < b->len + n + 1)
            ncap *= 2;
        char *d = realloc(b->data, ncap);
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = ncap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Drop trailing spaces (not newlines). */
static void sb_trim_spaces(strbuf *b)
{
    while (b->len && (b->data[b->len - 1] == ' ' ||
                      b->data[b->len - 1] == '\t'))
        b->data[--b->len] = '\0';
}

/* End the current line, unless the text is empty or already ends one. */
static void sb_newline(strbuf *b)
{
    sb_trim_spaces(b);
    if (b->len && b->data[b->len - 1] != '\n')
        sb_put(b, "\n", 1);
}

/* Append `s` with white space runs folded into one space, never a space
 * at the start of a line. */
static void sb_put_collapsed(strbuf *b, const char *s)
{
    while (*s) {
        if (corpus_is_space((unsigned char)*s)) {
            while (corpus_is_space((unsigned char)*s))
                s++;
            if (b->len && b->data[b->len - 1] != '\n' &&
                b->data[b->len - 1] != ' ')
                sb_put(b, " ", 1);
            continue;
        }
        const char *e = s;
        while (*e && !corpus_is_space((unsigned char)*e))
            e++;
        sb_put(b, s, (size_t)(e - s));
        s = e;
    }
}

/* --------------------------------------------------------- the page */

/* Metadata candidates: lower rank wins. */
enum { M_DATE, M_AUTHOR, M_URL, M_DESC, M_OGTITLE, M_COUNT };

typedef struct page {
    strbuf body;
    strbuf title;              /* <title> text */
    strbuf h1;                 /* first <h1> text */
    const char *meta[M_COUNT]; /* attribute values, owned by gumbo */
    int rank[M_COUNT];
    strbuf keywords;           /* comma-separated */
    int pre;                   /* inside <pre> */
    int in_article;            /* inside <article> or <main> */
    int h1_done;
} page;

static const char *attr(const GumboElement *e, const char *name)
{
    const GumboAttribute *a = gumbo_get_attribute(&e->attributes, name);
    return a ? a->value : NULL;
}

/* ASCII case-insensitive equality. */
static int ieq(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    size_t n = strlen(a);
    return n == strlen(b) && ncase_eq(a, b, n);
}

static void set_meta(page *pg, int field, int rank, const char *value)
{
    if (!value)
        return;
    while (corpus_is_space((unsigned char)*value))
        value++;
    if (*value && (!pg->meta[field] || rank < pg->rank[field])) {
        pg->meta[field] = value;
        pg->rank[field] = rank;
    }
}

static void add_keywords(page *pg, const char *value)
{
    if (!value || !*value)
        return;
    if (pg->keywords.len)
        sb_put(&pg->keywords, ",", 1);
    sb_put(&pg->keywords, value, strlen(value));
}

/* Read one <meta> element's name/property and content. */
static void read_meta(page *pg, const GumboElement *e)
{
    const char *key = attr(e, "property");
    if (!key)
        key = attr(e, "name");
    if (!key)
        key = attr(e, "itemprop");
    const char *content = attr(e, "content");
    if (!key || !content)
        return;
    static const struct {
        const char *key;
        int field, rank;
    } known[] = {
        {"article:published_time", M_DATE, 0}, {"datepublished", M_DATE, 1},
        {"date", M_DATE, 2}, {"dc.date.issued", M_DATE, 3},
        {"dc.date", M_DATE, 4}, {"dcterms.created", M_DATE, 5},
        {"pubdate", M_DATE, 6},
        {"author", M_AUTHOR, 0}, {"article:author", M_AUTHOR, 1},
        {"dc.creator", M_AUTHOR, 2},
        {"og:url", M_URL, 0},
        {"description", M_DESC, 0}, {"og:description", M_DESC, 1},
        {"og:title", M_OGTITLE, 0},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (!ieq(key, known[i].key))
            continue;
        /* article:author is often a profile URL, not a name */
        if (known[i].field == M_AUTHOR && strstr(content, "://"))
            return;
        set_meta(pg, known[i].field, known[i].rank, content);
        return;
    }
    if (ieq(key, "keywords") || ieq(key, "news_keywords") ||
        ieq(key, "article:tag"))
        add_keywords(pg, content);
}

/* 1 when the element is hidden by an attribute or inline style. */
static int hidden(const GumboElement *e)
{
    if (gumbo_get_attribute(&e->attributes, "hidden"))
        return 1;
    if (ieq(attr(e, "aria-hidden"), "true"))
        return 1;
    const char *style = attr(e, "style");
    if (!style)
        return 0;
    char folded[256];
    size_t n = 0;
    for (; *style && n + 1 < sizeof folded; style++)
        if (!corpus_is_space((unsigned char)*style))
            folded[n++] = (char)(*style | (*style >= 'A' && *style <= 'Z'
                                               ? 0x20 : 0));
    folded[n] = '\0';
    return strstr(folded, "display:none") || strstr(folded, "visibility:hidden");
}

/* 1 for a role that marks page furniture rather than content. */
static int boilerplate_role(const GumboElement *e)
{
    const char *role = attr(e, "role");
    return ieq(role, "navigation") || ieq(role, "banner") ||
           ieq(role, "contentinfo") || ieq(role, "complementary") ||
           ieq(role, "search");
}

/* 1 when the element's content is not part of the visible article text
 * (see the file comment). */
static int skipped(const page *pg, const GumboElement *e)
{
    switch (e->tag) {
    case GUMBO_TAG_HEAD: case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT: case GUMBO_TAG_SVG: case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE:
        return 1;
    case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER:
        if (!pg->in_article)
            return 1;
        break;
    default:
        break;
    }
    return hidden(e) || boilerplate_role(e);
}

/* 1 for elements that start and end a line of text. */
static int is_block(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_H1:
    case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_LI:
    case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL:
    case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_TR:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_CAPTION: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE: case GUMBO_TAG_HR: case GUMBO_TAG_BR:
    case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_MAIN:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FORM:
    case GUMBO_TAG_FIELDSET: case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_BODY: case GUMBO_TAG_CENTER: case GUMBO_TAG_LEGEND:
        return 1;
    default:
        return 0;
    }
}

/* Text of the <title> element (its text children only). */
static void read_title(page *pg, const GumboElement *e)
{
    if (pg->title.len)
        return;
    for (unsigned i = 0; i < e->children.length; i++) {
        const GumboNode *c = e->children.data[i];
        if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE)
            sb_put_collapsed(&pg->title, c->v.text.text);
    }
    sb_trim_spaces(&pg->title);
}

/* One step of the walk: an element being entered or left. */
typedef struct frame {
    const GumboNode *node;
    unsigned next;           /* next child to visit */
    size_t h1_start;         /* body offset where this <h1> began */
    int was_article;         /* pg->in_article before entering */
} frame;

/* Work an element does when entered; returns 0 when its children are not
 * to be visited. */
static int enter(page *pg, frame *f)
{
    const GumboElement *e = &f->node->v.element;
    f->was_article = pg->in_article;
    if (e->tag == GUMBO_TAG_META) {
        read_meta(pg, e);
        return 0;
    }
    if (e->tag == GUMBO_TAG_LINK) {
        if (ieq(attr(e, "rel"), "canonical"))
            set_meta(pg, M_URL, 1, attr(e, "href"));
        return 0;
    }
    if (e->tag == GUMBO_TAG_TITLE) {
        read_title(pg, e);
        return 0;
    }
    if (e->tag == GUMBO_TAG_HEAD) {
        /* not text, but title and meta live here */
        for (unsigned i = 0; i < e->children.length; i++) {
            const GumboNode *c = e->children.data[i];
            if (c->type != GUMBO_NODE_ELEMENT)
                continue;
            frame cf = {c, 0, 0, 0};
            if (c->v.element.tag == GUMBO_TAG_META ||
                c->v.element.tag == GUMBO_TAG_LINK ||
                c->v.element.tag == GUMBO_TAG_TITLE)
                (void)enter(pg, &cf);
        }
        return 0;
    }
    if (skipped(pg, e))
        return 0;
    if (is_block(e->tag))
        sb_newline(&pg->body);
    else if ((e->tag == GUMBO_TAG_TD || e->tag == GUMBO_TAG_TH) &&
             pg->body.len && pg->body.data[pg->body.len - 1] != '\n' &&
             pg->body.data[pg->body.len - 1] != ' ')
        sb_put(&pg->body, " ", 1);    /* cells are not glued together */
    if (e->tag == GUMBO_TAG_PRE)
        pg->pre++;
    if (e->tag == GUMBO_TAG_ARTICLE || e->tag == GUMBO_TAG_MAIN)
        pg->in_article = 1;
    f->h1_start = pg->body.len;
    return 1;
}

/* Work an element does when left (after its children). */
static void leave(page *pg, const frame *f)
{
    const GumboElement *e = &f->node->v.element;
    if (is_block(e->tag))
        sb_newline(&pg->body);
    if (e->tag == GUMBO_TAG_PRE)
        pg->pre--;
    pg->in_article = f->was_article;
    if (e->tag == GUMBO_TAG_H1 && !pg->h1_done && pg->body.data &&
        pg->body.len > f->h1_start) {
        sb_put_collapsed(&pg->h1, pg->body.data + f->h1_start);
        sb_trim_spaces(&pg->h1);
        while (pg->h1.len && pg->h1.data[pg->h1.len - 1] == '\n')
            pg->h1.data[--pg->h1.len] = '\0';
        pg->h1_done = pg->h1.len > 0;
    }
}

/* A text node: collapsed, or verbatim inside <pre>. */
static void put_text(page *pg, const GumboNode *n)
{
    if (pg->pre)
        sb_put(&pg->body, n->v.text.text, strlen(n->v.text.text));
    else
        sb_put_collapsed(&pg->body, n->v.text.text);
}

/*
 * walk - visit the tree under `root` depth first with an explicit stack
 * (the depth of the tree must not decide how deep the C stack goes).
 * Returns 0, or -1 when out of memory.
 */
static int walk(page *pg, const GumboNode *root)
{
    size_t cap = 64, depth = 0;
    frame *stack = malloc(cap * sizeof *stack);
    if (!stack)
        return -1;
    stack[depth++] = (frame){root, 0, 0, pg->in_article};
    while (depth > 0) {
        frame *f = &stack[depth - 1];
        const GumboVector *kids = f->node->type == GUMBO_NODE_DOCUMENT
                                      ? &f->node->v.document.children
                                      : &f->node->v.element.children;
        if (f->next >= kids->length) {
            if (f->node->type == GUMBO_NODE_ELEMENT)
                leave(pg, f);
            depth--;
            continue;
        }
        const GumboNode *c = kids->data[f->next++];
        if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA ||
            c->type == GUMBO_NODE_WHITESPACE) {
            put_text(pg, c);
            continue;
        }
        if (c->type != GUMBO_NODE_ELEMENT && c->type != GUMBO_NODE_TEMPLATE)
            continue;
        if (depth == cap) {
            frame *ns = realloc(stack, cap * 2 * sizeof *ns);
            if (!ns) {
                free(stack);
                return -1;
            }
            stack = ns;
            cap *= 2;
        }
        frame cf = {c, 0, 0, 0};
        if (c->type == GUMBO_NODE_ELEMENT && enter(pg, &cf))
            stack[depth++] = cf;
    }
    free(stack);
    return 0;
}

/* ------------------------------------------------------------ entry */

static char *dup_trimmed(const char *s)
{
    if (!s)
        return NULL;
    while (corpus_is_space((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && corpus_is_space((unsigned char)s[n - 1]))
        n--;
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

/* The final body: the description first unless the text holds it. */
static void compose_body(page *pg, strbuf *out)
{
    sb_trim_spaces(&pg->body);
    const char *desc = pg->meta[M_DESC];
    if (desc) {
        strbuf d = {0};
        sb_put_collapsed(&d, desc);
        sb_trim_spaces(&d);
        if (d.failed)
            out->failed = 1;
        if (d.len && (!pg->body.data || !strstr(pg->body.data, d.data))) {
            sb_put(out, d.data, d.len);
            sb_put(out, "\n\n", 2);
        }
        free(d.data);
    }
    const char *b = pg->body.data ? pg->body.data : "";
    while (*b == '\n')
        b++;
    sb_put(out, b, strlen(b));
    while (out->len && out->data[out->len - 1] == '\n')
        out->data[--out->len] = '\0';
}

/*
 * emit_page - build the article from what the walk gathered and hand it
 * on. Strings are copied where they need trimming; all freed here.
 */
static corpus_status emit_page(corpus_reader *rd, page *pg)
{
    strbuf body = {0};
    compose_body(pg, &body);
    const char *title_src = pg->title.len ? pg->title.data
                            : pg->meta[M_OGTITLE] ? pg->meta[M_OGTITLE]
                            : pg->h1.len ? pg->h1.data : NULL;
    char *title;
    const char *body_start = body.data ? body.data : "";
    if (title_src) {
        title = dup_trimmed(title_src);
    } else {                              /* first line of the text */
        const char *nl = strchr(body_start, '\n');
        size_t n = nl ? (size_t)(nl - body_start) : strlen(body_start);
        title = malloc(n + 1);
        if (title) {
            memcpy(title, body_start, n);
            title[n] = '\0';
        }
        body_start += n;
        while (*body_start == '\n')
            body_start++;
    }
    char *date = dup_trimmed(pg->meta[M_DATE]);
    char *author = dup_trimmed(pg->meta[M_AUTHOR]);
    char *url = dup_trimmed(pg->meta[M_URL]);
    const char **tags = NULL;
    size_t ntags = 0;
    int nomem = body.failed || pg->body.failed || pg->title.failed ||
                pg->h1.failed || pg->keywords.failed || !title ||
                (pg->meta[M_DATE] && !date) ||
                (pg->meta[M_AUTHOR] && !author) || (pg->meta[M_URL] && !url) ||
                (pg->keywords.data &&
                 corpus_split_list(pg->keywords.data, &tags, &ntags) != 0);

    corpus_status s;
    size_t body_len = strlen(body_start);
    if (nomem)
        s = corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                       "out of memory reading HTML");
    else if (!*title && body_len == 0)
        s = corpus_why(rd->why, rd->whylen, CORPUS_SKIP_EMPTY,
                       "no title and no visible text");
    else {
        corpus_article a = {
            .id = rd->file->relpath, .title = title, .body = body_start,
            .body_len = body_len, .date = date && *date ? date : NULL,
            .author = author && *author ? author : NULL,
            .url = url && *url ? url : NULL, .tags = tags, .ntags = ntags};
        s = corpus_emit(rd, &a, 0);
    }
    free(title);
    free(date);
    free(author);
    free(url);
    free((void *)tags);
    free(body.data);
    return s;
}

/*
 * corpus_parse_html - see corpus_internal.h and the comment at the top.
 * The gumbo tree lives until the article has been handed on.
 */
corpus_status corpus_parse_html(corpus_reader *rd, corpus_buf *text)
{
    size_t depth = nesting_depth(text->data, text->data + text->len,
                                 MAX_HTML_DEPTH);
    if (depth == (size_t)-1)
        return corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                          "out of memory reading HTML");
    if (depth > MAX_HTML_DEPTH)
        return corpus_why(rd->why, rd->whylen, CORPUS_SKIP_MALFORMED,
                          "HTML nested more than %d elements deep",
                          MAX_HTML_DEPTH);

    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = 0;
    GumboOutput *out = gumbo_parse_with_options(&options, text->data,
                                                text->len);
    if (!out)
        return corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                          "out of memory parsing HTML");
    page pg = {0};
    corpus_status s = walk(&pg, out->document) == 0
                          ? emit_page(rd, &pg)
                          : corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                                       "out of memory reading HTML");
    gumbo_destroy_output(&options, out);
    free(pg.body.data);
    free(pg.title.data);
    free(pg.h1.data);
    free(pg.keywords.data);
    return s;
}
