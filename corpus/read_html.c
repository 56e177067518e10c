/*
 * read_html.c - HTML (.html, .htm): one article per file, parsed with
 * gumbo, an HTML5 parser (so tag soup is read the way browsers read it and
 * character references are decoded).
 *
 * Charset: read.c hands the page over as bytes (BOM dropped, CRs gone),
 * and decode_page() makes it UTF-8 before anything looks at it, as a
 * browser reads a file that came without HTTP headers. A page valid as
 * UTF-8 (with or without a BOM) is UTF-8; else the charset its first 1024
 * bytes declare (<meta charset>, <meta http-equiv="Content-Type"
 * content="...; charset=...">, an XML declaration; HTML's prescan:
 * corpus_html_prescan() in html_scan.c), its label read as the WHATWG
 * Encoding Standard reads it (latin1 and us-ascii are windows-1252,
 * gb2312 GBK, shift_jis windows-31j; textenc.c), is decoded with iconv(3).
 * What is left is read as every other file is (UTF-8 with stray bytes,
 * else Windows-1252): a page that declares nothing, utf-8 or windows-1252;
 * and, with a warning naming the label, one whose label is unknown or
 * whose bytes are not valid in its charset. The one exception to "valid
 * UTF-8 is UTF-8": an ASCII page that declares ISO-2022-JP, whose text is
 * ASCII bytes. A page valid as UTF-8 that declares another charset is not
 * decoded as that charset, unlike in a browser: such a page is a page
 * converted to UTF-8 that kept its old <meta> far more often than text
 * in that charset (which is next to never valid UTF-8: a word or two).
 *
 * Title: <title>, else <meta property="og:title">, else the JSON-LD
 * headline (below), else the first <h1>, else the first line of the
 * visible text when more text follows it (the line then is not in the
 * body; but for an HTML part of a mail, rd->html_text_only, all of the
 * text stays the body). A page with one line of text (one paragraph) and
 * no title of its own is untitled, that text its body, as a .txt file's
 * one long line is (else two pages of a site with the same description
 * and one paragraph each had that description as their whole body).
 * Never the description: a page with a description and no visible text
 * is untitled, the description its body.
 * Body: the visible text, block elements (p, div, h1-h6, li, tr, br, ...)
 * on lines of their own, white space collapsed except inside <pre>. Left
 * out: <head>, script, style, noscript, template, iframe, object, svg,
 * select, textarea, nav and aside; header and footer unless they are inside
 * <article> or <main> (there they hold the headline and byline, elsewhere
 * the site's banner and small print); elements with role navigation,
 * banner, contentinfo, complementary or search; hidden elements ("hidden",
 * aria-hidden="true", inline style display:none or visibility:hidden);
 * the text of a <noscript> in <head> that gumbo moves into the body
 * (note_spill()).
 * The description (below), when the text does not already contain it,
 * opens the body.
 * What is left out is left out as text only: metadata that is not text
 * (<meta name|property>, <link rel>, JSON-LD) is the page's wherever it
 * stands, in <head>, in the body or in a part left out (a <noscript> or
 * <template>, a hidden element, page furniture). What is read from text
 * or marks one item of the page rather than the page (the <title> outside
 * <head>, <h1>, a <time>, a byline link, microdata's <meta itemprop>, and
 * outside <head> RDFa's <meta property> without a prefix, "datePublished",
 * "author": schema.org terms) counts only in the visible text (a <meta
 * itemprop> also in <head>): related stories' cards in an <aside> carry
 * their own dates and authors.
 *
 * Metadata, each field from the first of its sources that gives it:
 *   date         <meta> article:published_time, itemprop datePublished
 *                (also a <time itemprop="datePublished" datetime>), the
 *                JSON-LD datePublished, <meta> date, dc.date.issued,
 *                dcterms.issued, dc.date, dcterms.date, dcterms.created,
 *                the JSON-LD dateCreated, <meta> pubdate, publish-date,
 *                parsely-pub-date, sailthru.date; else the datetime of
 *                the first visible <time> in an <article> or <main>, else
 *                of the first in the page. A JSON-LD date or <time> that
 *                is not a date corpus_parse_date() reads is passed over,
 *                and a <meta> one ("11/03/2023") yields to every source
 *                that gives a date it reads (it is the date, kept as
 *                written with a warning, only when none does); a
 *                modification date (dateModified, article:modified_time)
 *                is never the article's date.
 *   author       <meta> author, article:author, the JSON-LD author's
 *                people (a name, or an object without a "@type" or of
 *                type Person), <meta> dc.creator, the text of a visible
 *                <a rel="author"> (or the title of a <link rel="author">),
 *                the JSON-LD author's organisations (any other "@type"),
 *                the first <meta itemprop="author"> (microdata marks
 *                related stories' and comments' authors so too).
 *                Every name of the first source that gives one is kept
 *                (several <meta name="author">, a JSON-LD array, several
 *                rel="author" links), joined with ", " as the other
 *                formats join author lists, each an author of its own
 *                (corpus.h; corpus_emit drops repeats and keeps the
 *                first CORPUS_MAX_AUTHORS, saying so); a
 *                name that looks like a URL or, from a link, is longer
 *                than MAX_LINK_AUTHOR bytes, is none.
 *   description  <meta> description, og:description, the JSON-LD
 *                description.
 *   tags         all of <meta> keywords, news_keywords, article:tag and
 *                the JSON-LD keywords (a comma-separated string or an
 *                array); corpus_emit drops repeats.
 *   url          og:url, else <link rel="canonical"> (rel, here and for
 *                rel="author", is a list of tokens in any case:
 *                rel="Canonical", rel="canonical nofollow"), else the
 *                JSON-LD article's url (a string; not the url of its
 *                WebPage or WebSite nodes).
 * So for the author, the description and the url JSON-LD comes after the
 * page's own <meta name=...> and Open Graph tags (and for the url after
 * the canonical link); for the date after the tags
 * that name a publication date (article:published_time, microdata's
 * datePublished) and before the generic <meta name="date">; either way
 * before Dublin Core and the tags of publishing tools.
 *
 * JSON-LD: <script type="application/ld+json"> blocks, wherever they are
 * in the page (parts left out too, as <meta>), parsed with jansson. The article is
 * the first object, in page order, whose "@type" (a string or an array;
 * "schema:" or "https://schema.org/" in front is fine) is Report, ends
 * in Article (NewsArticle, ReportageNewsArticle, ...) or is
 * SocialMediaPosting, BlogPosting, LiveBlogPosting or
 * DiscussionForumPosting (not JobPosting): a block itself, an item of a top-level array or
 * of "@graph", or a "mainEntity" of these; blocks after it are not read.
 * Character references in its strings are decoded ("Don&#8217;t": some
 * publishing tools escape JSON-LD text as HTML; decode_refs).
 * An author given as {"@id": ...} is the node of that "@id" in the same
 * array (as Yoast writes its @graph). A block that is not valid JSON (a
 * common sight) is passed over in silence; so is one that would take the
 * page past MAX_JSONLD_BYTES of JSON-LD (parsing costs jansson a few
 * times the text in memory); jansson refuses nesting deeper than 2048
 * (JSON_PARSER_MAX_DEPTH of jansson 2.14), which bounds its recursion.
 *
 * Hostile input: gumbo 0.10 has no limits. It frees its tree recursively
 * (a page nested 300 000 deep overflows the stack), its scope checks walk
 * the open elements for most tags (quadratic in the depth) and it compares
 * each attribute with the earlier ones of its element (quadratic in the
 * attributes). So, in order:
 *   1. html_scan.c estimates, in one linear pass, the nesting depth gumbo
 *      will build and the work it will do; a page nested deeper than
 *      MAX_HTML_DEPTH, or costing more than MAX_HTML_WORK, or holding
 *      what gumbo aborts on (an assertion of gumbo 0.10), is skipped as
 *      malformed with a one-line reason, before gumbo sees it.
 *   2. Gumbo allocates through our arena (below), which lets us free the
 *      tree without recursion, and stops the parse (jumping back out of
 *      gumbo) when gumbo's stack grows past a budget (1 MiB), when its
 *      CPU time passes a budget proportional to the page, or when memory
 *      runs out. These hold whatever the estimate of step 1 says; step 1
 *      is what makes the usual hostile shapes cheap and deterministic.
 *   3. Our own tree walk is iterative.
 * Gumbo's error list is switched off: it copies the open-element stack
 * per error, which is quadratic memory on deep input. Gumbo's memory is
 * proportional to the page (the size limit bounds it).
 */
#include "ascii.h"
#include "buf.h"
#include "corpus.h"
#include "corpus_internal.h"
#include "html_gumbo.h"
#include "strmap.h"

#include <jansson.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Limits on what is handed to gumbo (see the comment at the top and
 * html_scan.c). Browsers cap the DOM depth of parsed HTML at a few
 * hundred (Chromium: 512); real pages stay well below MAX_HTML_DEPTH. A
 * real page of a few megabytes costs a few million units of work; gumbo
 * does about 2^28 in one to two seconds. */
#define MAX_HTML_DEPTH 4096
#define MAX_HTML_WORK ((uint64_t)1 << 28)

/* JSON-LD a page may have parsed, in bytes of text: a real block is a
 * few kilobytes (a live blog's, with its updates, a few hundred). */
#define MAX_JSONLD_BYTES ((size_t)1 << 20)

/* The longest a link's text may be to be taken for an author's name. */
#define MAX_LINK_AUTHOR 100

/* Stack gumbo may use below our frame before the parse is abandoned
 * (only its recursive free of a subtree, when a <frameset> replaces the
 * body, goes deep). */
static uintptr_t gumbo_stack_budget = (uintptr_t)1 << 20;

void corpus_html_set_stack_budget(size_t bytes)
{
    gumbo_stack_budget = bytes;
}

/* CPU time gumbo may take: a base plus so much per MiB of text. Far above
 * what any page of that size needs (tens of milliseconds per MiB), even
 * under valgrind; only input the cost scan misjudged gets near it. */
static double parse_seconds_base = 5.0;
static double parse_seconds_per_mib = 1.0;

void corpus_html_set_time_budget(double base, double per_mib)
{
    parse_seconds_base = base;
    parse_seconds_per_mib = per_mib;
}

/* ------------------------------------------ gumbo, loaded on demand */

corpus_gumbo_symbols corpus_gumbo;

#define GUMBO_SYMBOL(name) CORPUS_LIB_SYMBOL(corpus_gumbo, name),
static const corpus_lib_symbol gumbo_symbols[] = {
    GUMBO_SYMBOLS(GUMBO_SYMBOL)
};
#undef GUMBO_SYMBOL

corpus_lib corpus_gumbo_lib = {
    .soname = GAZETTE_GUMBO_SONAME,
    .purpose = "gumbo to read HTML",
    .symbols = gumbo_symbols,
    .nsymbols = sizeof gumbo_symbols / sizeof gumbo_symbols[0],
};

/* corpus_html_set_library - see corpus_internal.h. */
void corpus_html_set_library(const char *soname)
{
    corpus_gumbo_lib.soname = soname;
}

/* corpus_html_library_loaded - see corpus_internal.h. */
int corpus_html_library_loaded(void)
{
    return corpus_lib_loaded(&corpus_gumbo_lib);
}

/* ------------------------------------------------------ gumbo's memory */

/*
 * Every block gumbo allocates goes on one list (a header in front of it),
 * so that the whole parse can be freed by walking the list instead of by
 * gumbo_destroy_output(), which recurses once per level of the tree. The
 * allocator is also where gumbo can be stopped: it is called for every
 * token and node, so it checks there that gumbo's stack stays within
 * gumbo_stack_budget and its CPU time within the budget, and otherwise
 * (or when malloc fails) jumps back out of gumbo_parse_with_options().
 * Nothing of gumbo's is touched after such a jump: the list is freed.
 */
typedef struct block {
    _Alignas(max_align_t) struct block *prev;
    struct block *next;
} block;

enum { BAIL_NONE, BAIL_NOMEM, BAIL_DEEP, BAIL_SLOW };

typedef struct arena {
    block head;              /* sentinel of the circular list */
    uintptr_t stack_base;    /* our frame when gumbo was called */
    double cpu_start, cpu_budget;
    unsigned long calls;
    int parsing;             /* jumping out is allowed */
    int bail;                /* BAIL_*: why we jumped */
    jmp_buf out;
} arena;

static double cpu_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void arena_bail(arena *a, int why)
{
    a->bail = why;
    a->parsing = 0;
    longjmp(a->out, 1);
}

/* The checks made on every call from gumbo (the clock every 256th). */
static void arena_check(arena *a)
{
    if (!a->parsing)
        return;
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    if (here < a->stack_base && a->stack_base - here > gumbo_stack_budget)
        arena_bail(a, BAIL_DEEP);
    if ((++a->calls & 255) == 0 &&
        cpu_seconds() - a->cpu_start > a->cpu_budget)
        arena_bail(a, BAIL_SLOW);
}

static void *arena_alloc(void *userdata, size_t size)
{
    arena *a = userdata;
    arena_check(a);
    block *b = size <= SIZE_MAX - sizeof *b ? malloc(sizeof *b + size) : NULL;
    if (!b) {
        if (a->parsing)
            arena_bail(a, BAIL_NOMEM);
        abort();          /* not reached: gumbo allocates only when parsing */
    }
    b->next = a->head.next;
    b->prev = &a->head;
    b->next->prev = b;
    a->head.next = b;
    return b + 1;
}

static void arena_free(void *userdata, void *ptr)
{
    arena *a = userdata;
    if (!ptr)
        return;
    arena_check(a);
    block *b = (block *)ptr - 1;
    b->prev->next = b->next;
    b->next->prev = b->prev;
    free(b);
}

static void arena_init(arena *a, size_t text_len)
{
    memset(a, 0, sizeof *a);
    a->head.next = a->head.prev = &a->head;
    a->cpu_budget = parse_seconds_base +
                    parse_seconds_per_mib * (double)text_len / (1 << 20);
}

/* Free every block gumbo left. */
static void arena_free_all(arena *a)
{
    block *b = a->head.next;
    while (b != &a->head) {
        block *next = b->next;
        free(b);
        b = next;
    }
    a->head.next = a->head.prev = &a->head;
}

/* gumbo_parse_with_options() with the arena's checks armed: the parse, or
 * NULL when the arena jumped out (a->bail says why). Kept apart so that
 * no local of the caller lives across the setjmp(). */
static GumboOutput *parse_guarded(arena *a, const GumboOptions *options,
                                  const char *text, size_t len)
{
    a->stack_base = (uintptr_t)__builtin_frame_address(0);
    a->cpu_start = cpu_seconds();
    if (setjmp(a->out) != 0)
        return NULL;
    a->parsing = 1;
    GumboOutput *out =
        corpus_gumbo.gumbo_parse_with_options(options, text, len);
    a->parsing = 0;
    return out;
}

/* Drop trailing spaces (not newlines). */
static void sb_trim_spaces(gz_buf *b)
{
    while (b->len && (b->data[b->len - 1] == ' ' ||
                      b->data[b->len - 1] == '\t'))
        b->data[--b->len] = '\0';
}

/* End the current line, unless the text is empty or already ends one. */
static void sb_newline(gz_buf *b)
{
    sb_trim_spaces(b);
    if (b->len && b->data[b->len - 1] != '\n')
        gz_buf_put(b, "\n", 1);
}

/* Append `s` with white space runs folded into one space, never a space
 * at the start of a line. */
static void sb_put_collapsed(gz_buf *b, const char *s)
{
    while (*s) {
        if (corpus_is_space((unsigned char)*s)) {
            while (corpus_is_space((unsigned char)*s))
                s++;
            if (b->len && b->data[b->len - 1] != '\n' &&
                b->data[b->len - 1] != ' ')
                gz_buf_put(b, " ", 1);
            continue;
        }
        const char *e = s;
        while (*e && !corpus_is_space((unsigned char)*e))
            e++;
        gz_buf_put(b, s, (size_t)(e - s));
        s = e;
    }
}

/* --------------------------------------------------------- the page */

/* Metadata candidates: lower rank wins. */
enum { M_DATE, M_URL, M_DESC, M_OGTITLE, M_HEADLINE, M_COUNT };

/* Ranks of the sources (see the comment at the top), lower first. The
 * <meta> ones are in read_meta(). */
enum {
    R_LD_PUBLISHED = 2,      /* JSON-LD datePublished */
    R_LD_CREATED = 9,        /* JSON-LD dateCreated */
    R_LD_DESC = 2,           /* JSON-LD description */
    R_LD_URL = 2,            /* JSON-LD url */
    R_LD_PERSON = 2,         /* JSON-LD author, people */
    R_LINK_AUTHOR = 4,       /* <a rel="author">, <link rel="author"> */
    R_LD_ORG = 5,            /* JSON-LD author, organisations */
    R_ITEMPROP_AUTHOR = 6    /* <meta itemprop="author">, the first */
};

typedef struct page {
    gz_buf body;
    gz_buf title;              /* <title> text */
    gz_buf h1;                 /* first <h1> text */
    const char *meta[M_COUNT]; /* values, owned by gumbo or by `ld` */
    int rank[M_COUNT];
    gz_buf authors;            /* names of the best source so far, each
                                * ending in '\n' */
    size_t nauthors;
    int author_rank;
    gz_buf keywords;           /* comma-separated */
    json_t *ld;                /* the JSON-LD block holding the article */
    size_t ld_bytes;           /* JSON-LD text parsed so far */
    int pre;                   /* inside <pre> */
    int quiet;                 /* inside <head> or a skipped part: its
                                * text is not read, its metadata is */
    int in_article;            /* inside <article> or <main> */
    int h1_done;
    const char *src;           /* the page's text, as gumbo was given it */
    size_t src_len;
    size_t spill_start, spill_end; /* what a <noscript> of <head> left in
                                * the body: [start, end) of src */
    int spill_seen;
} page;

static const char *attr(const GumboElement *e, const char *name)
{
    const GumboAttribute *a =
        corpus_gumbo.gumbo_get_attribute(&e->attributes, name);
    return a ? a->value : NULL;
}

/* ASCII case-insensitive equality. */
static int ieq(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    size_t n = strlen(a);
    return n == strlen(b) && gz_ascii_ncase_eq(a, b, n);
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

/* 1 when `s` looks like a URL (a profile link, not a name). */
static int looks_like_url(const char *s)
{
    return strstr(s, "://") || strncmp(s, "www.", 4) == 0 || *s == '/' ||
           (strlen(s) >= 7 && gz_ascii_ncase_eq(s, "mailto:", 7));
}

/*
 * add_author - one author name from a source of rank `rank`: white space
 * folded, trimmed; nothing when empty or a URL. A better rank than the
 * names kept so far replaces them, the same rank adds to them (a name
 * there already too: corpus_emit drops repeats, in every case), a worse
 * one is ignored.
 */
static void add_author(page *pg, int rank, const char *value)
{
    if (!value)
        return;
    gz_buf name = {0};
    sb_put_collapsed(&name, value);
    sb_trim_spaces(&name);
    const char *n = name.data ? name.data : "";
    while (*n == ' ')
        n++;
    size_t len = strlen(n);
    if (name.failed || pg->authors.failed) {
        pg->authors.failed = 1;   /* the list may end without its '\n' */
    } else if (len && !looks_like_url(n) &&
               (!pg->nauthors || rank <= pg->author_rank)) {
        if (pg->nauthors && rank < pg->author_rank && pg->authors.data) {
            pg->authors.len = 0;
            pg->authors.data[0] = '\0';
            pg->nauthors = 0;
        }
        pg->author_rank = rank;
        gz_buf_put(&pg->authors, n, len);
        gz_buf_put(&pg->authors, "\n", 1);
        pg->nauthors += !pg->authors.failed;
    }
    free(name.data);
}

static void add_keywords(page *pg, const char *value)
{
    if (!value || !*value)
        return;
    if (pg->keywords.len)
        gz_buf_put(&pg->keywords, ",", 1);
    gz_buf_put(&pg->keywords, value, strlen(value));
}

/* Rank of a <meta> date that corpus_parse_date() does not read: after
 * every date that it does (a <time> too), so that one is the page's;
 * when none is, it is kept as written (corpus_emit() warns). */
enum { R_UNREAD_DATE = 100 };

/* A <meta> date of rank `rank`. */
static void set_date(page *pg, int rank, const char *value)
{
    if (!corpus_parse_date(value, NULL, NULL, NULL))
        rank += R_UNREAD_DATE;
    set_meta(pg, M_DATE, rank, value);
}

/* Read one <meta> element's name/property and content; its microdata
 * only when `microdata_ok` is set. `head`: it stands in <head>. Microdata
 * is <meta itemprop>, and outside <head> also RDFa's <meta property>
 * without a prefix (property="datePublished", "author", "description": a
 * schema.org term of the item its vocab/typeof opened, as a related
 * story's card); a prefixed property (og:, article:) is the page's. */
static void read_meta(page *pg, const GumboElement *e, int microdata_ok,
                      int head)
{
    const char *key = attr(e, "property");
    int microdata = key && !head && !strchr(key, ':');
    if (!key)
        key = attr(e, "name");
    if (!key) {
        key = attr(e, "itemprop");
        microdata = 1;
    }
    const char *content = attr(e, "content");
    if (!key || !content || (microdata && !microdata_ok))
        return;
    /* Microdata's author marks any item (a related story's card, a
     * comment), not only the page's article: the first such name, after
     * every other source. */
    if (microdata && ieq(key, "author")) {
        if (!pg->nauthors)
            add_author(pg, R_ITEMPROP_AUTHOR, content);
        return;
    }
    /* ranks between these are JSON-LD's (R_LD_*) and links' */
    enum { AUTHOR = -1 };
    static const struct {
        const char *key;
        int field, rank;
    } known[] = {
        {"article:published_time", M_DATE, 0}, {"datepublished", M_DATE, 1},
        {"date", M_DATE, 3}, {"dc.date.issued", M_DATE, 4},
        {"dcterms.issued", M_DATE, 5}, {"dc.date", M_DATE, 6},
        {"dcterms.date", M_DATE, 7}, {"dcterms.created", M_DATE, 8},
        {"pubdate", M_DATE, 10}, {"publish-date", M_DATE, 11},
        {"parsely-pub-date", M_DATE, 12}, {"sailthru.date", M_DATE, 13},
        {"author", AUTHOR, 0}, {"article:author", AUTHOR, 1},
        {"dc.creator", AUTHOR, 3},
        {"og:url", M_URL, 0},
        {"description", M_DESC, 0}, {"og:description", M_DESC, 1},
        {"og:title", M_OGTITLE, 0},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (!ieq(key, known[i].key))
            continue;
        /* article:author is often a profile URL, not a name: add_author
         * passes URLs over */
        if (known[i].field == AUTHOR)
            add_author(pg, known[i].rank, content);
        else if (known[i].field == M_DATE)
            set_date(pg, known[i].rank, content);
        else
            set_meta(pg, known[i].field, known[i].rank, content);
        return;
    }
    if (ieq(key, "keywords") || ieq(key, "news_keywords") ||
        ieq(key, "article:tag"))
        add_keywords(pg, content);
}

/* Ranks of a <time datetime> as the date: after every <meta> (above),
 * the first in an <article> or <main> before the first elsewhere; one
 * marked itemprop="datePublished" as high as that <meta>. */
enum { R_TIME_PUBLISHED = 1, R_TIME_ARTICLE = 14, R_TIME_PAGE = 15 };

/* A visible <time>: its datetime attribute, when it is a date
 * corpus_parse_date() understands (datetime may also be a time of day or
 * a duration, which date nothing). */
static void read_time(page *pg, const GumboElement *e)
{
    const char *when = attr(e, "datetime");
    if (!when || !corpus_parse_date(when, NULL, NULL, NULL))
        return;
    int rank = ieq(attr(e, "itemprop"), "datepublished") ? R_TIME_PUBLISHED
               : pg->in_article                         ? R_TIME_ARTICLE
                                                        : R_TIME_PAGE;
    set_meta(pg, M_DATE, rank, when);
}

/* 1 when the element's rel attribute lists `token` (rel="author
 * nofollow", "Canonical"): HTML's rel is a set of space-separated
 * tokens, compared in ASCII case-insensitively. */
static int rel_has(const GumboElement *e, const char *token)
{
    const char *rel = attr(e, "rel");
    size_t n = strlen(token);
    while (rel && *rel) {
        while (corpus_is_space((unsigned char)*rel))
            rel++;
        const char *end = rel;
        while (*end && !corpus_is_space((unsigned char)*end))
            end++;
        if ((size_t)(end - rel) == n && gz_ascii_ncase_eq(rel, token, n))
            return 1;
        rel = end;
    }
    return 0;
}

/* The text an <a rel="author"> held, from body offset `start`: its name,
 * unless it is empty, a URL or longer than a name (add_author()). */
static void read_author_link(page *pg, size_t start)
{
    if (!pg->body.data || pg->body.len <= start ||
        pg->body.len - start > MAX_LINK_AUTHOR)
        return;
    add_author(pg, R_LINK_AUTHOR, pg->body.data + start);
}

/* ------------------------------------------------------------ JSON-LD */

/* How deep find_article() looks: a top-level array, "@graph", and a
 * "mainEntity" in either. */
#define LD_SEARCH_DEPTH 4

/* A schema.org type name without what may come before it
 * ("schema:NewsArticle", "https://schema.org/NewsArticle"). */
static const char *ld_type_name(const char *t)
{
    const char *name = t;
    for (const char *c = t; *c; c++)
        if (*c == '/' || *c == ':' || *c == '#')
            name = c + 1;
    return name;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The types of schema.org's Article (NewsArticle, ScholarlyArticle,
 * ReportageNewsArticle, ...), SocialMediaPosting and its kinds, and
 * Report; not JobPosting, a job advertisement. */
static int is_article_type(const char *t)
{
    static const char *const postings[] = {
        "SocialMediaPosting", "BlogPosting", "LiveBlogPosting",
        "DiscussionForumPosting"};
    t = ld_type_name(t);
    for (size_t i = 0; i < sizeof postings / sizeof *postings; i++)
        if (strcmp(t, postings[i]) == 0)
            return 1;
    return ends_with(t, "Article") || strcmp(t, "Report") == 0;
}

static int is_person_type(const char *t)
{
    return strcmp(ld_type_name(t), "Person") == 0;
}

/* 1 when the "@type" of object `o` (a string or an array of them) is
 * one `pred` accepts. */
static int ld_has_type(const json_t *o, int (*pred)(const char *))
{
    const json_t *t = json_object_get(o, "@type");
    if (json_is_string(t))
        return pred(json_string_value(t));
    for (size_t i = 0; json_is_array(t) && i < json_array_size(t); i++) {
        const json_t *item = json_array_get(t, i);
        if (json_is_string(item) && pred(json_string_value(item)))
            return 1;
    }
    return 0;
}

/* The article in `v` (see the comment at the top), or NULL; *graph is
 * set to the array holding it, when one does. */
static json_t *find_article(json_t *v, int depth, json_t **graph)
{
    if (depth > LD_SEARCH_DEPTH)
        return NULL;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *a = find_article(json_array_get(v, i), depth + 1, graph);
            if (a) {
                if (!*graph)
                    *graph = v;
                return a;
            }
        }
        return NULL;
    }
    if (!json_is_object(v))
        return NULL;
    if (ld_has_type(v, is_article_type))
        return v;
    json_t *a = find_article(json_object_get(v, "@graph"), depth + 1, graph);
    return a ? a : find_article(json_object_get(v, "mainEntity"), depth + 1,
                                graph);
}

/* The nodes of a JSON-LD graph by "@id", made when an author is first
 * looked up: a walk of the graph for each of a list of thousands of
 * references was quadratic. */
typedef struct ld_ids {
    const json_t *graph;
    gz_strmap index;     /* "@id" -> its first node's place in graph */
    int made;
} ld_ids;

/* The first node of ids->graph whose "@id" is `id`, or NULL. Sets
 * pg->authors.failed when out of memory. */
static const json_t *ld_node(page *pg, ld_ids *ids, const char *id)
{
    for (size_t i = 0; !ids->made && i < json_array_size(ids->graph); i++) {
        const char *nid = json_string_value(
            json_object_get(json_array_get(ids->graph, i), "@id"));
        if (nid && gz_strmap_get(&ids->index, nid, strlen(nid)) < 0 &&
            gz_strmap_put(&ids->index, nid, strlen(nid), (long)i) != 0)
            pg->authors.failed = 1;
    }
    ids->made = 1;
    long at = gz_strmap_get(&ids->index, id, strlen(id));
    return at < 0 ? NULL : json_array_get(ids->graph, (size_t)at);
}

/* One JSON-LD author: a name, an object's "name", or a reference
 * {"@id": ...} to the node of ids->graph with that "@id". */
static void ld_author(page *pg, const json_t *item, ld_ids *ids)
{
    if (json_is_string(item)) {
        add_author(pg, R_LD_PERSON, json_string_value(item));
        return;
    }
    if (!json_is_object(item))
        return;
    const json_t *name = json_object_get(item, "name");
    const json_t *id = json_object_get(item, "@id");
    if (!name && json_is_string(id)) {
        item = ld_node(pg, ids, json_string_value(id));
        name = json_object_get(item, "name");
    }
    if (!json_is_string(name))
        return;
    int person = !json_object_get(item, "@type") ||
                 ld_has_type(item, is_person_type);
    add_author(pg, person ? R_LD_PERSON : R_LD_ORG, json_string_value(name));
}

/* A JSON-LD date, when it is one corpus_parse_date() reads. */
static void ld_date(page *pg, const json_t *article, const char *key,
                    int rank)
{
    const char *when = json_string_value(json_object_get(article, key));
    if (when && corpus_parse_date(when, NULL, NULL, NULL))
        set_meta(pg, M_DATE, rank, when);
}

/* The metadata of the JSON-LD article `a` (`graph`: the array holding
 * it, or NULL). The strings live as long as pg->ld. */
static void read_ld_article(page *pg, const json_t *a, const json_t *graph)
{
    ld_date(pg, a, "datePublished", R_LD_PUBLISHED);
    ld_date(pg, a, "dateCreated", R_LD_CREATED);
    set_meta(pg, M_HEADLINE, 0,
             json_string_value(json_object_get(a, "headline")));
    set_meta(pg, M_DESC, R_LD_DESC,
             json_string_value(json_object_get(a, "description")));
    set_meta(pg, M_URL, R_LD_URL,
             json_string_value(json_object_get(a, "url")));
    const json_t *author = json_object_get(a, "author");
    ld_ids ids = {.graph = graph};
    if (json_is_array(author)) {
        for (size_t i = 0; i < json_array_size(author); i++)
            ld_author(pg, json_array_get(author, i), &ids);
    } else {
        ld_author(pg, author, &ids);
    }
    gz_strmap_free(&ids.index);
    const json_t *kw = json_object_get(a, "keywords");
    if (json_is_string(kw))
        add_keywords(pg, json_string_value(kw));
    for (size_t i = 0; json_is_array(kw) && i < json_array_size(kw); i++) {
        const json_t *item = json_array_get(kw, i);
        if (json_is_object(item))               /* a DefinedTerm */
            item = json_object_get(item, "name");
        add_keywords(pg, json_string_value(item));
    }
}

/* Drop `prefix` from the front of [*p, *p + *n) if it is there. */
static void drop_prefix(const char **p, size_t *n, const char *prefix)
{
    size_t k = strlen(prefix);
    if (*n >= k && memcmp(*p, prefix, k) == 0) {
        *p += k;
        *n -= k;
    }
}

static void drop_suffix(const char *p, size_t *n, const char *suffix)
{
    size_t k = strlen(suffix);
    if (*n >= k && memcmp(p + *n - k, suffix, k) == 0)
        *n -= k;
}

/* Trim white space off both ends of [*p, *p + *n). */
static void trim_span(const char **p, size_t *n)
{
    while (*n && corpus_is_space((unsigned char)**p)) {
        (*p)++;
        (*n)--;
    }
    while (*n && corpus_is_space((unsigned char)(*p)[*n - 1]))
        (*n)--;
}

/* Decode the character references in the strings of `v`, to the depth
 * read_ld_article reads ("Don&#8217;t", "O&#039;Brien": some publishing
 * tools escape JSON-LD text as HTML). Returns 0, or -1 when out of
 * memory. */
static int decode_refs(json_t *v, int depth)
{
    if (depth > LD_SEARCH_DEPTH + 3)
        return 0;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        if (!memchr(s, '&', n))
            return 0;
        char *out = malloc(n + 1), *w = out;
        if (!out)
            return -1;
        for (const char *r = s, *end = s + n; r < end;) {
            size_t used = *r == '&' ? corpus_char_ref(r, end, &w) : 0;
            if (used)
                r += used;
            else
                *w++ = *r++;
        }
        int rc = json_string_setn_nocheck(v, out, (size_t)(w - out));
        free(out);
        return rc == 0 ? 0 : -1;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && json_is_array(v) && i < json_array_size(v);
         i++)
        rc = decode_refs(json_array_get(v, i), depth + 1);
    const char *key;
    json_t *member;
    if (json_is_object(v))
        json_object_foreach(v, key, member) {
            if (rc == 0)
                rc = decode_refs(member, depth + 1);
        }
    return rc;
}

/*
 * read_jsonld - a <script> element: when it is JSON-LD, parse it and,
 * when it holds the article, take its metadata and keep it (pg->ld).
 * Returns 0, or -1 when out of memory. Invalid JSON is no error.
 */
static int read_jsonld(page *pg, const GumboElement *e)
{
    const char *type = attr(e, "type");
    if (!type)
        return 0;
    size_t tn = strcspn(type, ";");
    const char *want = "application/ld+json";
    trim_span(&type, &tn);
    if (tn != strlen(want) || !gz_ascii_ncase_eq(type, want, tn))
        return 0;
    /* its text: one node, as gumbo reads a script */
    const char *text = NULL;
    for (unsigned i = 0; i < e->children.length && !text; i++) {
        const GumboNode *c = e->children.data[i];
        if (c->type == GUMBO_NODE_TEXT)
            text = c->v.text.text;
    }
    if (!text)
        return 0;
    size_t n = strlen(text);
    if (n > MAX_JSONLD_BYTES - pg->ld_bytes)
        return 0;
    pg->ld_bytes += n;
    /* some pages wrap it as old pages wrapped scripts */
    trim_span(&text, &n);
    drop_prefix(&text, &n, "//<![CDATA[");
    drop_prefix(&text, &n, "<![CDATA[");
    drop_prefix(&text, &n, "<!--");
    drop_suffix(text, &n, "-->");
    drop_suffix(text, &n, "//]]>");
    drop_suffix(text, &n, "]]>");
    json_error_t err;
    json_t *root = json_loadb(text, n, 0, &err);
    if (!root)
        return json_error_code(&err) == json_error_out_of_memory ? -1 : 0;
    json_t *graph = NULL;
    const json_t *article = find_article(root, 0, &graph);
    if (!article) {
        json_decref(root);
        return 0;
    }
    pg->ld = root;
    if (decode_refs(root, 0) != 0)
        return -1;
    read_ld_article(pg, article, graph);
    return 0;
}

/*
 * walk_jsonld - read the JSON-LD scripts under `root`, all of them (a
 * script is never text, and JSON-LD is wherever a site's tools put it),
 * up to the one holding the article. Iterative, as walk() below.
 * Returns 0, or -1 when out of memory.
 */
static int walk_jsonld(page *pg, const GumboNode *root)
{
    typedef struct at {
        const GumboVector *kids;
        unsigned next;
    } at;
    size_t cap = 64, depth = 0;
    at *stack = malloc(cap * sizeof *stack);
    if (!stack)
        return -1;
    stack[depth++] = (at){&root->v.document.children, 0};
    int rc = 0;
    while (depth > 0 && !pg->ld && rc == 0) {
        at *f = &stack[depth - 1];
        if (f->next >= f->kids->length) {
            depth--;
            continue;
        }
        const GumboNode *c = f->kids->data[f->next++];
        if (c->type != GUMBO_NODE_ELEMENT && c->type != GUMBO_NODE_TEMPLATE)
            continue;
        if (c->v.element.tag == GUMBO_TAG_SCRIPT) {
            rc = read_jsonld(pg, &c->v.element);
            continue;
        }
        if (depth == cap) {
            at *ns = realloc(stack, cap * 2 * sizeof *ns);
            if (!ns) {
                rc = -1;
                break;
            }
            stack = ns;
            cap *= 2;
        }
        stack[depth++] = (at){&c->v.element.children, 0};
    }
    free(stack);
    return rc;
}

/* 1 when the element is hidden by an attribute or inline style. */
static int hidden(const GumboElement *e)
{
    if (corpus_gumbo.gumbo_get_attribute(&e->attributes, "hidden"))
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

/*
 * note_spill - a <noscript> of <head> that ended before its end tag:
 * gumbo (scripting off, as browsers without JavaScript) ends it, and
 * <head>, at the first thing <head> may not hold (<img>, <p>, text) and
 * puts that, up to the stray </noscript>, at the start of the body
 * ("Please enable JavaScript", a tracking pixel). A browser running
 * scripts shows none of it. Its place in the page is noted, from where
 * the <noscript> ended to the first "</noscript" after that: text read
 * from there is not the article's (unspilled()). Only the first such
 * <noscript> (it ends <head>).
 */
static void note_spill(page *pg, const GumboNode *n)
{
    if (pg->spill_seen || !(n->parse_flags & GUMBO_INSERTION_IMPLICIT_END_TAG))
        return;
    pg->spill_seen = 1;          /* one search of the page, at most */
    size_t from = n->v.element.end_pos.offset;
    static const char tag[] = "</noscript";
    size_t k = sizeof tag - 1;
    for (size_t i = from; pg->src && i + k <= pg->src_len; i++) {
        const char *lt = memchr(pg->src + i, '<', pg->src_len - i);
        if (!lt)
            break;
        i = (size_t)(lt - pg->src);
        if (i + k <= pg->src_len && gz_ascii_ncase_eq(lt, tag, k)) {
            pg->spill_start = from;
            pg->spill_end = i;
            return;
        }
    }
}

/* The text of text node `n` to read: all of it, or what follows the part
 * a <noscript> of <head> left in the body (note_spill()). Gumbo joins
 * that text with what comes after the stray </noscript> ("...site.
 * </noscript>Welcome"): the part is cut off when the node's first bytes
 * are its source's, character for character; else (a character
 * reference, a CR in it) the node is kept whole. */
static const char *unspilled(const page *pg, const GumboNode *n)
{
    const char *t = n->v.text.text;
    size_t at = n->v.text.start_pos.offset;
    if (at < pg->spill_start || at >= pg->spill_end)
        return t;
    size_t k = pg->spill_end - at;
    if (n->v.text.original_text.length <= k)
        return "";
    if (strlen(t) >= k && memcmp(t, n->v.text.original_text.data, k) == 0)
        return t + k;
    return t;
}

/* Text of the <title> element (its text children only). */
static void read_title(page *pg, const GumboElement *e)
{
    if (pg->title.len)
        return;
    for (unsigned i = 0; i < e->children.length; i++) {
        const GumboNode *c = e->children.data[i];
        if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE)
            sb_put_collapsed(&pg->title, unspilled(pg, c));
    }
    sb_trim_spaces(&pg->title);
}

/* One step of the walk: an element being entered or left. */
typedef struct frame {
    const GumboNode *node;
    unsigned next;           /* next child to visit */
    size_t text_start;       /* body offset where its text begins */
    int was_article;         /* pg->in_article before entering */
    int quiet;               /* it made the walk quiet (pg->quiet) */
} frame;

/* 1 when node `n` is a child of <head>. */
static int in_head(const GumboNode *n)
{
    return n->parent && n->parent->type == GUMBO_NODE_ELEMENT &&
           n->parent->v.element.tag == GUMBO_TAG_HEAD;
}

/* Work an element does when entered; returns 0 when its children are not
 * to be visited. The children of <head> and of skipped elements are
 * visited quietly (pg->quiet): for the metadata of <meta name|property>
 * and <link> alone, which is read wherever it stands, as JSON-LD is; not
 * for their text, nor for what is read from text or marks an item of
 * the page (microdata, <time>, byline links), unless in <head>. */
static int enter(page *pg, frame *f)
{
    const GumboElement *e = &f->node->v.element;
    f->was_article = pg->in_article;
    f->quiet = 0;
    int html = e->tag_namespace == GUMBO_NAMESPACE_HTML;
    if (e->tag == GUMBO_TAG_META && html) {
        read_meta(pg, e, !pg->quiet || in_head(f->node), in_head(f->node));
        return 0;
    }
    if (e->tag == GUMBO_TAG_LINK && html) {
        /* rel is a list of tokens: "canonical nofollow" */
        if (rel_has(e, "canonical"))
            set_meta(pg, M_URL, 1, attr(e, "href"));
        if (rel_has(e, "author"))
            add_author(pg, R_LINK_AUTHOR, attr(e, "title"));
        return 0;
    }
    if (e->tag == GUMBO_TAG_TITLE) {
        if (!pg->quiet || in_head(f->node))
            read_title(pg, e);
        return 0;
    }
    if (e->tag == GUMBO_TAG_NOSCRIPT && in_head(f->node))
        note_spill(pg, f->node);
    if (pg->quiet)
        return 1;
    if (e->tag == GUMBO_TAG_HEAD || skipped(pg, e)) {
        /* not text, but metadata may be there */
        pg->quiet++;
        f->quiet = 1;
        return 1;
    }
    if (is_block(e->tag))
        sb_newline(&pg->body);
    else if ((e->tag == GUMBO_TAG_TD || e->tag == GUMBO_TAG_TH) &&
             pg->body.len && pg->body.data[pg->body.len - 1] != '\n' &&
             pg->body.data[pg->body.len - 1] != ' ')
        gz_buf_put(&pg->body, " ", 1);    /* cells are not glued together */
    if (e->tag == GUMBO_TAG_PRE)
        pg->pre++;
    if (e->tag == GUMBO_TAG_ARTICLE || e->tag == GUMBO_TAG_MAIN)
        pg->in_article = 1;
    if (e->tag == GUMBO_TAG_TIME)
        read_time(pg, e);
    f->text_start = pg->body.len;
    return 1;
}

/* Work an element does when left (after its children). */
static void leave(page *pg, const frame *f)
{
    const GumboElement *e = &f->node->v.element;
    if (f->quiet)
        pg->quiet--;
    if (pg->quiet || f->quiet)
        return;
    if (is_block(e->tag))
        sb_newline(&pg->body);
    if (e->tag == GUMBO_TAG_PRE)
        pg->pre--;
    pg->in_article = f->was_article;
    if (e->tag == GUMBO_TAG_A && rel_has(e, "author"))
        read_author_link(pg, f->text_start);
    if (e->tag == GUMBO_TAG_H1 && !pg->h1_done && pg->body.data &&
        pg->body.len > f->text_start) {
        sb_put_collapsed(&pg->h1, pg->body.data + f->text_start);
        sb_trim_spaces(&pg->h1);
        while (pg->h1.len && pg->h1.data[pg->h1.len - 1] == '\n')
            pg->h1.data[--pg->h1.len] = '\0';
        pg->h1_done = pg->h1.len > 0;
    }
}

/* A text node: collapsed, or verbatim inside <pre>. */
static void put_text(page *pg, const GumboNode *n)
{
    const char *t = unspilled(pg, n);
    if (pg->pre)
        gz_buf_put(&pg->body, t, strlen(t));
    else
        sb_put_collapsed(&pg->body, t);
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
    stack[depth++] = (frame){root, 0, 0, pg->in_article, 0};
    while (depth > 0) {
        frame *f = &stack[depth - 1];
        const GumboVector *kids = f->node->type == GUMBO_NODE_DOCUMENT
                                      ? &f->node->v.document.children
                                      : &f->node->v.element.children;
        if (f->next >= kids->length) {
            if (f->node->type != GUMBO_NODE_DOCUMENT)
                leave(pg, f);
            depth--;
            continue;
        }
        const GumboNode *c = kids->data[f->next++];
        if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA ||
            c->type == GUMBO_NODE_WHITESPACE) {
            if (!pg->quiet)
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
        frame cf = {c, 0, 0, 0, 0};
        if (enter(pg, &cf))                /* a <template> too */
            stack[depth++] = cf;
    }
    free(stack);
    return 0;
}

/* ------------------------------------------------------------ entry */

/* A trimmed copy of `s` (NULL when s is NULL or out of memory). */
static char *dup_trimmed(const char *s)
{
    char *copy = s ? strdup(s) : NULL;
    if (copy) {
        char *start = corpus_trim_in_place(copy, copy + strlen(copy));
        memmove(copy, start, strlen(start) + 1);
    }
    return copy;
}

/* The final body, made in pg->body itself (a page's text may be tens of
 * megabytes: no second copy of it): the description first unless the
 * visible text (title line included) holds it, then the visible text
 * from offset `from` on (what the title left of it). */
static void compose_body(page *pg, size_t from)
{
    gz_buf *b = &pg->body;
    gz_buf d = {0};
    const char *desc = pg->meta[M_DESC];
    if (desc) {
        sb_put_collapsed(&d, desc);
        sb_trim_spaces(&d);
        if (d.failed)
            b->failed = 1;
        if (d.len && b->data && strstr(b->data, d.data))
            d.len = 0;
    }
    size_t len = b->data ? strlen(b->data + from) : 0;
    if (b->data) {
        memmove(b->data, b->data + from, len + 1);
        b->len = len;
    }
    if (d.len && !b->failed) {
        gz_buf_put(&d, "\n\n", 2);
        gz_buf_put(b, d.data, d.len);     /* room, then moved in front */
        if (!b->failed && !d.failed) {
            memmove(b->data + d.len, b->data, len);
            memcpy(b->data, d.data, d.len);
        }
        b->failed |= d.failed;
    }
    free(d.data);
    while (b->len && b->data[b->len - 1] == '\n')
        b->data[--b->len] = '\0';
}

/* The author names kept, in a new array (*n of them) pointing into
 * pg->authors, whose line ends become NULs. Returns 0, or -1 when out
 * of memory. */
static int split_authors(page *pg, const char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    if (pg->authors.failed)
        return -1;
    if (!pg->nauthors || !pg->authors.data)
        return 0;
    if (!(*names = malloc(pg->nauthors * sizeof **names)))
        return -1;
    for (char *p = pg->authors.data; *p && *n < pg->nauthors;) {
        char *nl = strchr(p, '\n');
        *nl = '\0';
        (*names)[(*n)++] = p;
        p = nl + 1;
    }
    return 0;
}

/*
 * emit_page - build the article from what the walk gathered and hand it
 * on. Strings are copied where they need trimming; all freed here.
 */
static corpus_status emit_page(corpus_reader *rd, page *pg)
{
    const char *title_src = pg->title.len ? pg->title.data
                            : pg->meta[M_OGTITLE] ? pg->meta[M_OGTITLE]
                            : pg->meta[M_HEADLINE] ? pg->meta[M_HEADLINE]
                            : pg->h1.len ? pg->h1.data : NULL;
    char *title;
    sb_trim_spaces(&pg->body);
    const char *text = pg->body.data ? pg->body.data : "";
    while (*text == '\n')
        text++;
    if (title_src || rd->html_text_only) {
        title = dup_trimmed(title_src ? title_src : "");
    } else {       /* the first line of the visible text, never the
                    * description (that opens the body), when text is
                    * left after it; else the page is untitled text */
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        const char *rest = text + n;
        while (corpus_is_space((unsigned char)*rest))
            rest++;
        if (!*rest)
            n = 0;
        title = malloc(n + 1);
        if (title) {
            memcpy(title, text, n);
            title[n] = '\0';
        }
        text += n;
        while (*text == '\n')
            text++;
    }
    compose_body(pg, (size_t)(text - (pg->body.data ? pg->body.data : text)));
    const char *body_start = pg->body.data ? pg->body.data : "";
    char *date = dup_trimmed(pg->meta[M_DATE]);
    const char **authors = NULL;
    size_t nauthors = 0;
    int authors_failed = split_authors(pg, &authors, &nauthors) != 0;
    char *url = dup_trimmed(pg->meta[M_URL]);
    const char **tags = NULL;
    size_t ntags = 0;
    int nomem = pg->body.failed || pg->title.failed ||
                pg->h1.failed || pg->keywords.failed || authors_failed ||
                !title || (pg->meta[M_DATE] && !date) ||
                (pg->meta[M_URL] && !url) ||
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
            .authors = authors, .nauthors = nauthors,
            .url = url && *url ? url : NULL, .tags = tags, .ntags = ntags};
        s = corpus_emit(rd, &a, 0);
    }
    free(title);
    free(date);
    free((void *)authors);
    free(url);
    free((void *)tags);
    return s;
}

/* Copy the metadata values the gumbo tree owns into meta[] (freed by the
 * caller), and point pg->meta at the copies, so the tree can go before
 * the article is made. Returns 0, or -1 when out of memory. */
static int own_metadata(page *pg, char *meta[M_COUNT])
{
    for (size_t i = 0; i < M_COUNT; i++) {
        if (!pg->meta[i])
            continue;
        if (!(meta[i] = strdup(pg->meta[i])))
            return -1;
        pg->meta[i] = meta[i];
    }
    return 0;
}

/*
 * parse_page - the page `text` (UTF-8) through the cost scan, gumbo and
 * the walk, and on to the caller. Once walked, the gumbo tree and
 * text->data are freed (text->data set to NULL), before the article is
 * handed on; otherwise text is left to the caller.
 */
static corpus_status parse_page(corpus_reader *rd, corpus_buf *text)
{
    corpus_html_cost cost;
    if (corpus_html_scan(text->data, text->len, MAX_HTML_DEPTH, MAX_HTML_WORK,
                         &cost) != 0)
        return corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                          "out of memory reading HTML");
    if (cost.crash)
        return corpus_why(rd->why, rd->whylen, CORPUS_SKIP_MALFORMED,
                          "HTML not parsed: it holds %s", cost.crash);
    if (cost.depth > MAX_HTML_DEPTH)
        return corpus_why(rd->why, rd->whylen, CORPUS_SKIP_MALFORMED,
                          "HTML nested more than %d elements deep",
                          MAX_HTML_DEPTH);
    if (cost.work > MAX_HTML_WORK)
        return corpus_why(rd->why, rd->whylen, CORPUS_SKIP_MALFORMED,
                          "HTML too costly to parse (tags times their "
                          "nesting depth plus attributes squared pass "
                          "%llu)", (unsigned long long)MAX_HTML_WORK);

    arena a;
    arena_init(&a, text->len);
    GumboOptions options = *corpus_gumbo.kGumboDefaultOptions;
    options.max_errors = 0;
    options.allocator = arena_alloc;
    options.deallocator = arena_free;
    options.userdata = &a;
    GumboOutput *out = parse_guarded(&a, &options, text->data, text->len);
    corpus_status s;
    if (!out) {
        arena_free_all(&a);
        if (a.bail == BAIL_DEEP)
            return corpus_why(rd->why, rd->whylen, CORPUS_SKIP_MALFORMED,
                              "HTML nested too deeply for the parser");
        if (a.bail == BAIL_SLOW)
            return corpus_why(rd->why, rd->whylen, CORPUS_SKIP_MALFORMED,
                              "HTML parse abandoned after %.0f s of CPU time",
                              a.cpu_budget);
        return corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                          "out of memory parsing HTML");
    }
    page pg = {.src = text->data, .src_len = text->len};
    char *meta[M_COUNT] = {NULL};
    int walked = walk(&pg, out->document) == 0 &&
                 walk_jsonld(&pg, out->document) == 0 &&
                 own_metadata(&pg, meta) == 0;
    /* The tree and the page hold a copy of the text each: let them go
     * before the article is made (a page of one 50 MB paragraph). */
    arena_free_all(&a);      /* the whole tree, without recursion */
    free(text->data);
    text->data = NULL;
    pg.src = NULL;
    s = walked ? emit_page(rd, &pg)
               : corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                            "out of memory reading HTML");
    for (size_t i = 0; i < M_COUNT; i++)
        free(meta[i]);
    json_decref(pg.ld);
    free(pg.body.data);
    free(pg.title.data);
    free(pg.h1.data);
    free(pg.authors.data);
    free(pg.keywords.data);
    return s;
}

/* ------------------------------------------------------------ charset */

/* 1 when [s, s+len) holds a byte over 0x7F. */
static int has_high_bytes(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] > 0x7F)
            return 1;
    return 0;
}

/* The page read as every other file is: valid UTF-8 as it is (*out left
 * NULL), else corpus_text_to_utf8 (Windows-1252, all of it or its stray
 * bytes) into *out. */
static corpus_status undeclared(corpus_reader *rd, const corpus_buf *text,
                                int utf8, char **out, size_t *out_len)
{
    if (utf8)
        return CORPUS_OK;
    *out = corpus_text_to_utf8(text->data, text->len, out_len);
    return *out ? CORPUS_OK
                : corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                             "out of memory decoding Windows-1252 text");
}

/*
 * decode_page - the page's text as UTF-8, in the charset it declares (see
 * the comment at the top): *out NULL when text->data is that text already
 * (it is left alone: the caller owns it), else a new string the caller
 * frees. A page whose bytes are valid UTF-8 is UTF-8 whatever it says (a
 * page converted to UTF-8 that kept its old <meta> is a common sight,
 * while text in a legacy charset is next to never valid UTF-8; the BOM
 * read.c dropped said UTF-8 too), unless it declares ISO-2022-JP and is
 * ASCII. Text another format decoded (a mail's HTML part) is taken as it
 * is. The decoded text is at most three times the bytes, the bound the
 * Windows-1252 reading has.
 */
static corpus_status decode_page(corpus_reader *rd, const corpus_buf *text,
                                 char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (rd->html_text_only)
        return CORPUS_OK;
    char label[40];
    const corpus_encoding *enc =
        corpus_html_prescan(text->data, text->len, label, sizeof label);
    int utf8 = corpus_utf8_valid(text->data, text->len);
    if (utf8 && !(enc && enc->seven_bit &&
                  !has_high_bytes(text->data, text->len)))
        return CORPUS_OK;
    if (!enc && label[0])
        corpus_warning(rd, 0, "unknown charset \"%s\" declared: read as "
                       "UTF-8, else Windows-1252", label);
    if (!enc || !enc->iconv)
        return undeclared(rd, text, utf8, out, out_len);

    size_t cap = text->len <= (SIZE_MAX - 2) / 3 ? text->len * 3
                                                 : SIZE_MAX - 2;
    int r = corpus_iconv_to_utf8(enc->iconv, text->data, text->len, cap,
                                 out, out_len);
    if (r == CORPUS_ICONV_OK)
        return CORPUS_OK;
    if (r == CORPUS_ICONV_NOMEM)
        return corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                          "out of memory decoding %s text", enc->name);
    corpus_warning(rd, 0, "charset \"%s\" declared, but %s %s: read as "
                   "UTF-8, else Windows-1252", label,
                   r == CORPUS_ICONV_UNKNOWN ? "iconv cannot convert"
                   : r == CORPUS_ICONV_TOO_BIG ? "too large in UTF-8 as"
                   : "bytes not valid in", enc->name);
    return undeclared(rd, text, utf8, out, out_len);
}

/* corpus_parse_html - see corpus_internal.h and the comment at the top. */
corpus_status corpus_parse_html(corpus_reader *rd, corpus_buf *text)
{
    if (corpus_lib_use(&corpus_gumbo_lib) != 0)  /* stop the run */
        return corpus_why(rd->why, rd->whylen, CORPUS_ERR_RESOURCES, "%s",
                          corpus_gumbo_lib.failure);
    char *decoded;
    size_t decoded_len;
    corpus_status s = decode_page(rd, text, &decoded, &decoded_len);
    if (s != CORPUS_OK)
        return s;
    if (!decoded)
        return parse_page(rd, text);
    free(text->data);        /* the decoded copy is the page now */
    text->data = NULL;
    corpus_buf utf8 = {decoded, decoded_len};
    s = parse_page(rd, &utf8);
    free(utf8.data);
    return s;
}
