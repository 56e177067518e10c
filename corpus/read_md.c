/*
 * read_md.c - Markdown (.md, .markdown): one article per file.
 *
 *   ---                                  <- optional front matter: simple
 *   title: "Blinken visits Ankara"          "key: value" lines between two
 *   date: 2023-11-06                        "---" lines; keys title, date,
 *   tags: [diplomacy, turkey]               author, source, url, tags
 *   ---
 *   # Blinken visits Ankara              <- title when front matter has none
 *
 *   The *body*, with [links](https://example.org) ...
 *
 * The body is indexed as text: the characters that are Markdown syntax are
 * removed so they never reach the index (heading '#', emphasis '*' '_' '~~',
 * list and quote markers, link and image syntax - "[text](url)" keeps
 * "text", an image keeps its alt text -, backslash escapes, HTML tags and
 * comments, table rules). Code, fenced or inline, is kept as written.
 * Common character references (&amp; &#8364; ...) are decoded.
 *
 * The title is the front matter's, else the first level-1 heading ("# T"
 * or "T" underlined with "==="), else the first non-blank line. When that
 * heading or line opens the body, it is taken out of the body (as .txt).
 *
 * Everything is rewritten in place: the plain text is never longer than
 * the Markdown it comes from, so a write pointer trails the read pointer.
 */
#include "corpus.h"
#include "corpus_internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
           c >= 0x80;     /* any UTF-8 byte: part of a word */
}

static int is_punct(unsigned char c)
{
    return c > 0x20 && c < 0x7F && !is_alnum(c);
}

/* End of the line at p: its '\n' or `end`. */
static char *line_end(char *p, char *end)
{
    char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? nl : end;
}

/* Trim [*s, *e) of whitespace. */
static void trim(char **s, char **e)
{
    while (*s < *e && corpus_is_space((unsigned char)**s))
        (*s)++;
    while (*e > *s && corpus_is_space((unsigned char)(*e)[-1]))
        (*e)--;
}

/* Drop one pair of matching quotes around [*s, *e). */
static void unquote(char **s, char **e)
{
    if (*e - *s >= 2 && (**s == '"' || **s == '\'') && (*e)[-1] == **s) {
        (*s)++;
        (*e)--;
    }
}

/* 1 when [p, eol) is `c` repeated at least `min` times, spaces allowed
 * between and around. */
static int only_char(const char *p, const char *eol, char c, int min)
{
    int n = 0;
    for (; p < eol; p++) {
        if (*p == c)
            n++;
        else if (*p != ' ' && *p != '\t')
            return 0;
    }
    return n >= min;
}

/* ------------------------------------------------------- front matter */

enum { F_TITLE, F_DATE, F_AUTHOR, F_SOURCE, F_URL, F_TAGS, F_COUNT };
static const char *const front_keys[F_COUNT] = {
    "title", "date", "author", "source", "url", "tags",
};

typedef struct front_matter {
    char *values[F_COUNT];       /* NUL-terminated, in the text; or NULL */
    const char **tags;           /* malloc()ed */
    size_t ntags;
} front_matter;

/* Key index of "key:" at the start of [p, eol) (case-insensitive), with
 * *value after the colon; -1 when the line is not such a key. */
static int front_key(char *p, char *eol, char **value)
{
    char *colon = memchr(p, ':', (size_t)(eol - p));
    if (!colon)
        return -1;
    for (int k = 0; k < F_COUNT; k++) {
        size_t n = strlen(front_keys[k]);
        if ((size_t)(colon - p) != n)
            continue;
        size_t i = 0;
        while (i < n && ascii_lower(p[i]) == front_keys[k][i])
            i++;
        if (i == n) {
            *value = colon + 1;
            return k;
        }
    }
    return -1;
}

/* Add one tag [s, e) (trimmed, unquoted, NUL-terminated in place). */
static int add_tag(front_matter *fm, char *s, char *e)
{
    trim(&s, &e);
    unquote(&s, &e);
    trim(&s, &e);
    *e = '\0';
    if (!*s)
        return 0;
    const char **n = realloc((void *)fm->tags, (fm->ntags + 1) * sizeof *n);
    if (!n)
        return -1;
    fm->tags = n;
    fm->tags[fm->ntags++] = s;
    return 0;
}

/* Tags written inline: "[a, 'b']" or "a, b". */
static int inline_tags(front_matter *fm, char *s, char *e)
{
    trim(&s, &e);
    if (e - s >= 2 && *s == '[' && e[-1] == ']') {
        s++;
        e--;
    }
    while (s < e) {
        char *comma = memchr(s, ',', (size_t)(e - s));
        char *stop = comma ? comma : e;
        if (add_tag(fm, s, stop) != 0)
            return -1;
        s = comma ? comma + 1 : e;
    }
    return 0;
}

/*
 * parse_front_matter - when the text opens with a "---" line and a later
 * "---" (or "...") line closes the block, read its known keys into *fm and
 * return the start of the body; otherwise return `text` (no front matter).
 * *nomem is set when a tag list could not be allocated.
 */
static char *parse_front_matter(char *text, char *end, front_matter *fm,
                                int *nomem)
{
    char *eol = line_end(text, end);
    char *s = text, *e = eol;
    trim(&s, &e);
    if (s != text || e - s != 3 || memcmp(s, "---", 3) != 0 || eol == end)
        return text;

    char *close = NULL, *p = eol + 1;
    while (p < end && !close) {
        char *le = line_end(p, end);
        char *ls = p, *lt = le;
        trim(&ls, &lt);
        if (ls == p && lt - ls == 3 &&
            (memcmp(ls, "---", 3) == 0 || memcmp(ls, "...", 3) == 0))
            close = p;
        p = le < end ? le + 1 : end;
    }
    if (!close)
        return text;

    int last = -1;                       /* key of the previous line */
    for (p = eol + 1; p < close;) {
        char *le = line_end(p, close);
        char *next = le < close ? le + 1 : close;
        char *value;
        int k = (*p == ' ' || *p == '\t' || *p == '-') ? -1
                                                       : front_key(p, le, &value);
        if (k >= 0) {
            last = k;
            char *vs = value, *ve = le;
            trim(&vs, &ve);
            if (k == F_TAGS) {
                if (inline_tags(fm, vs, ve) != 0)
                    *nomem = 1;
            } else {
                unquote(&vs, &ve);
                *ve = '\0';
                fm->values[k] = *vs ? vs : NULL;
            }
        } else if (last == F_TAGS) {
            /* a YAML block list under "tags:": "  - item" */
            char *ls = p, *lt = le;
            trim(&ls, &lt);
            if (ls < lt && *ls == '-' && add_tag(fm, ls + 1, lt) != 0)
                *nomem = 1;
        } else if (*p != ' ' && *p != '\t') {
            last = -1;                   /* an unknown key */
        }
        p = next;
    }
    char *body = line_end(close, end);
    return body < end ? body + 1 : end;
}

/* ------------------------------------------------------------- inline */

/* Write code point `cp` as UTF-8 at w; returns the byte after. */
static char *put_utf8(char *w, unsigned long cp)
{
    if (cp < 0x80) {
        *w++ = (char)cp;
    } else if (cp < 0x800) {
        *w++ = (char)(0xC0 | (cp >> 6));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *w++ = (char)(0xE0 | (cp >> 12));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *w++ = (char)(0xF0 | (cp >> 18));
        *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    }
    return w;
}

/*
 * entity - decode a character reference at p ("&amp;", "&#233;",
 * "&#xE9;") into w. Returns the number of input bytes used (0 when p is
 * not a reference we know; then nothing is written). The output is never
 * longer than the input: a code point needing n UTF-8 bytes takes at least
 * n + 2 characters to write as a reference (U+FFFD, used for NUL,
 * surrogates and out of range, takes 3 bytes and "&#0;" is 4).
 */
static size_t entity(const char *p, const char *eol, char **w)
{
    static const struct {
        const char *name;
        unsigned long cp;
    } named[] = {{"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'},
                 {"apos;", '\''}, {"nbsp;", 0xA0}, {"mdash;", 0x2014},
                 {"ndash;", 0x2013}, {"hellip;", 0x2026}, {"copy;", 0xA9},
                 {"pound;", 0xA3}, {"euro;", 0x20AC}};
    const char *q = p + 1;
    if (q < eol && *q == '#') {
        q++;
        int hex = q < eol && (*q == 'x' || *q == 'X');
        q += hex;
        unsigned long cp = 0;
        int digits = 0;
        for (; q < eol && digits < 8; q++, digits++) {
            unsigned char c = (unsigned char)*q;
            int v = (c >= '0' && c <= '9') ? c - '0'
                    : hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f'
                        ? (c | 0x20) - 'a' + 10 : -1;
            if (v < 0)
                break;
            cp = cp * (hex ? 16 : 10) + (unsigned long)v;
        }
        if (!digits || q >= eol || *q != ';')
            return 0;
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            cp = 0xFFFD;
        else if ((cp < 0x20 && cp != '\t') || cp == 0x7F)
            cp = ' ';
        *w = put_utf8(*w, cp);
        return (size_t)(q + 1 - p);
    }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t n = strlen(named[i].name);
        if ((size_t)(eol - q) >= n && memcmp(q, named[i].name, n) == 0) {
            *w = put_utf8(*w, named[i].cp);
            return n + 1;
        }
    }
    return 0;
}

/* End of an HTML tag or autolink starting at p ('<'), i.e. the byte after
 * its '>', or NULL when p does not open one on this line. */
static const char *html_tag_end(const char *p, const char *eol)
{
    const char *q = p + 1;
    if (q >= eol || !(((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z') ||
                      *q == '/' || *q == '!' || *q == '?'))
        return NULL;
    for (; q < eol; q++) {
        if (*q == '>')
            return q + 1;
        if (*q == '<')
            return NULL;
    }
    return NULL;
}

/* 1 when [p, e) (inside "<>") is an autolink: a URL or an e-mail. */
static int is_autolink(const char *p, const char *e)
{
    const char *colon = memchr(p, ':', (size_t)(e - p));
    const char *at = memchr(p, '@', (size_t)(e - p));
    if (memchr(p, ' ', (size_t)(e - p)))
        return 0;
    return (colon && colon > p && *p != '/' && *p != '!') || at;
}

/* The ')' closing the "(" at p (nesting counted), or NULL. Each byte
 * looked at costs one unit of *budget; once it is spent, NULL at once:
 * a line of "](](](..." would otherwise take quadratic time. */
static const char *close_paren(const char *p, const char *eol, long *budget)
{
    int depth = 0;
    for (; p < eol && (*budget)-- > 0; p++) {
        if (*p == '\\' && p + 1 < eol)
            p++;
        else if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            return p;
    }
    return NULL;
}

typedef struct md_state {
    int in_comment;       /* inside an HTML comment spanning lines */
    long paren_budget;    /* bytes close_paren() may still scan, per line */
} md_state;

/*
 * inline_text - copy [r, eol) to w without inline Markdown syntax (see the
 * file comment). Returns the new write position. w <= r throughout; an
 * HTML comment left open goes on into the next lines (st->in_comment).
 */
static char *inline_text(md_state *st, const char *r, const char *eol,
                         char *w)
{
    const char *wmin = w;     /* output of this line starts here */
    /* link targets are short: a few times the line is plenty for real
     * text and keeps hostile lines linear */
    st->paren_budget = 4 * (long)(eol - r) + 4096;
    while (r < eol) {
        if (st->in_comment) {
            while (r + 2 < eol && memcmp(r, "-->", 3) != 0)
                r++;
            if (r + 2 >= eol)
                return w;
            r += 3;
            st->in_comment = 0;
            continue;
        }
        unsigned char c = (unsigned char)*r;
        if (c == '\\' && r + 1 < eol && is_punct((unsigned char)r[1])) {
            *w++ = r[1];
            r += 2;
        } else if (c == '`') {
            size_t n = 0;
            while (r + n < eol && r[n] == '`')
                n++;
            /* inline code: up to a run of as many backticks, verbatim */
            const char *q = r + n, *close = NULL;
            while (q < eol && !close) {
                size_t m = 0;
                while (q + m < eol && q[m] == '`')
                    m++;
                if (m == n)
                    close = q;
                q += m ? m : 1;
            }
            const char *stop = close ? close : eol;
            memmove(w, r + n, (size_t)(stop - (r + n)));
            w += stop - (r + n);
            r = close ? close + n : eol;
        } else if (c == '<' && r + 3 < eol && memcmp(r, "<!--", 4) == 0) {
            st->in_comment = 1;
            r += 4;
        } else if (c == '<' && html_tag_end(r, eol)) {
            const char *e = html_tag_end(r, eol);
            if (is_autolink(r + 1, e - 1)) {
                memmove(w, r + 1, (size_t)(e - 1 - (r + 1)));
                w += e - 1 - (r + 1);
            } else {
                *w++ = ' ';      /* tags often separate words */
            }
            r = e;
        } else if (c == '!' && r + 1 < eol && r[1] == '[') {
            r++;                 /* image: keep the alt text */
        } else if (c == '[') {
            r++;
        } else if (c == ']') {
            r++;
            const char *close;
            if (r < eol && *r == '(' &&
                (close = close_paren(r, eol, &st->paren_budget)))
                r = close + 1;   /* the link target */
            else if (r < eol && *r == '[' && memchr(r, ']', (size_t)(eol - r)))
                r = (const char *)memchr(r, ']', (size_t)(eol - r)) + 1;
        } else if (c == '*') {
            r++;
        } else if (c == '~' && r + 1 < eol && r[1] == '~') {
            r += 2;
        } else if (c == '_') {
            /* emphasis only at a word edge: snake_case stays a word */
            const char *s = r;
            while (r < eol && *r == '_')
                r++;
            int before = w > wmin && is_alnum((unsigned char)w[-1]);
            int after = r < eol && is_alnum((unsigned char)*r);
            if (before && after) {
                memmove(w, s, (size_t)(r - s));
                w += r - s;
            }
        } else if (c == '&') {
            size_t used = entity(r, eol, &w);
            if (used) {
                r += used;
            } else {
                *w++ = '&';
                r++;
            }
        } else if (c == '|') {
            *w++ = ' ';          /* table cell separator */
            r++;
        } else {
            *w++ = (char)c;
            r++;
        }
    }
    return w;
}

/* -------------------------------------------------------------- blocks */

/* Width of a code fence opening at p (3+ '`' or '~'), 0 if none; the
 * fence character goes to *ch. */
static size_t fence_at(const char *p, const char *eol, char *ch)
{
    int indent = 0;
    while (p < eol && *p == ' ' && indent < 4) {
        p++;
        indent++;
    }
    if (indent > 3 || p >= eol || (*p != '`' && *p != '~'))
        return 0;
    size_t n = 0;
    while (p + n < eol && p[n] == *p)
        n++;
    if (n < 3)
        return 0;
    *ch = *p;
    return n;
}

/* Skip the block markers at the start of a line: indentation, '>' quote
 * markers, one list marker ("- ", "* ", "+ ", "1. ", "1) "). */
static const char *skip_block_markers(const char *p, const char *eol)
{
    for (;;) {
        while (p < eol && (*p == ' ' || *p == '\t'))
            p++;
        if (p < eol && *p == '>') {
            p++;
            continue;
        }
        break;
    }
    if (p + 1 < eol && (*p == '-' || *p == '*' || *p == '+') &&
        (p[1] == ' ' || p[1] == '\t'))
        return p + 2;
    const char *d = p;
    while (d < eol && d - p < 9 && *d >= '0' && *d <= '9')
        d++;
    if (d > p && d + 1 < eol && (*d == '.' || *d == ')') &&
        (d[1] == ' ' || d[1] == '\t'))
        return d + 2;
    return p;
}

/* A line that is only syntax: a thematic break or setext underline
 * ("---", "***", "___", "==="), a table rule ("|---|:--:|"), or a link
 * reference definition ("[id]: https://..."). */
static int syntax_only(const char *p, const char *eol)
{
    if (only_char(p, eol, '-', 1) || only_char(p, eol, '*', 3) ||
        only_char(p, eol, '_', 3) || only_char(p, eol, '=', 1))
        return 1;
    int pipes = 0, dashes = 0;
    const char *q = p;
    for (; q < eol; q++) {
        if (*q == '|')
            pipes++;
        else if (*q == '-')
            dashes++;
        else if (*q != ':' && *q != ' ' && *q != '\t')
            break;
    }
    if (q == eol && pipes && dashes)
        return 1;
    while (p < eol && *p == ' ')
        p++;
    const char *close = p < eol && *p == '[' ? memchr(p, ']', (size_t)(eol - p))
                                             : NULL;
    return close && close + 1 < eol && close[1] == ':' && close > p + 1;
}

/* Level of an ATX heading at p ("# ", "## " ...; 0 when none) and the
 * start of its text in *text. */
static int atx_heading(const char *p, const char *eol, const char **text)
{
    while (p < eol && *p == ' ')
        p++;
    int level = 0;
    while (p < eol && *p == '#' && level < 7) {
        p++;
        level++;
    }
    if (level == 0 || level > 6 || (p < eol && *p != ' ' && *p != '\t'))
        return 0;
    *text = p;
    return level;
}

/* Drop a closing "###" sequence (and spaces) from the end of a heading. */
static const char *heading_end(const char *text, const char *eol)
{
    const char *e = eol;
    while (e > text && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    const char *h = e;
    while (h > text && h[-1] == '#')
        h--;
    if (h < e && (h == text || h[-1] == ' ' || h[-1] == '\t'))
        e = h;
    return e;
}

/* Where the title came from, in the converted text. */
typedef struct title_span {
    char *start, *end;     /* NULL when none found */
    int first_line;        /* it is the first non-blank line of the body */
} title_span;

/*
 * convert_body - rewrite [p, end) in place as plain text; returns the new
 * end. Records the first level-1 heading in *h1 and the first non-blank
 * output line in *first.
 */
static char *convert_body(char *p, char *end, title_span *h1,
                          title_span *first)
{
    md_state st = {0};
    char *w = p;
    char fence_ch = 0;
    size_t fence = 0;
    char *prev_start = NULL, *prev_end = NULL;  /* previous output line */
    int seen_text = 0;

    while (p < end) {
        char *eol = line_end(p, end);
        char *next = eol < end ? eol + 1 : end;
        char *line_start = w;
        char ch;
        size_t n;
        if (fence) {
            if ((n = fence_at(p, eol, &ch)) >= fence && ch == fence_ch) {
                fence = 0;
            } else {
                memmove(w, p, (size_t)(eol - p));
                w += eol - p;
            }
        } else if ((n = fence_at(p, eol, &ch)) > 0) {
            fence = n;
            fence_ch = ch;
        } else if (!st.in_comment && only_char(p, eol, '=', 1) && prev_start &&
                   prev_end > prev_start) {
            /* setext underline: the previous line was a level-1 heading */
            if (!h1->start) {
                h1->start = prev_start;
                h1->end = prev_end;
                h1->first_line = first->start == prev_start;
            }
        } else if (st.in_comment || !syntax_only(p, eol)) {
            const char *text;
            int level = st.in_comment ? 0 : atx_heading(p, eol, &text);
            if (level) {
                w = inline_text(&st, text, heading_end(text, eol), w);
            } else {
                const char *body = st.in_comment ? p
                                                 : skip_block_markers(p, eol);
                w = inline_text(&st, body, eol, w);
            }
            char *ts = line_start, *te = w;
            trim(&ts, &te);
            if (level == 1 && !h1->start && te > ts) {
                h1->start = ts;
                h1->end = te;
                h1->first_line = !seen_text;
            }
        }
        char *ts = line_start, *te = w;
        trim(&ts, &te);
        if (te > ts && !seen_text) {
            seen_text = 1;
            first->start = ts;
            first->end = te;
            first->first_line = 1;
        }
        prev_start = te > ts ? ts : NULL;
        prev_end = te;
        if (next > eol)
            *w++ = '\n';
        p = next;
    }
    *w = '\0';
    return w;
}

/* ---------------------------------------------------------------- entry */

/* Copy [s, e) into a new string (malloc), NULL when out of memory. */
static char *span_dup(const char *s, const char *e)
{
    char *out = malloc((size_t)(e - s) + 1);
    if (out) {
        memcpy(out, s, (size_t)(e - s));
        out[e - s] = '\0';
    }
    return out;
}

/*
 * corpus_parse_md - see corpus_internal.h and the comment at the top.
 * The title is copied (it may sit in the middle of the body); the body and
 * the front matter values point into `text`.
 */
corpus_status corpus_parse_md(corpus_reader *rd, corpus_buf *text)
{
    char *end = text->data + text->len;
    front_matter fm = {{NULL}, NULL, 0};
    int nomem = 0;
    char *body = parse_front_matter(text->data, end, &fm, &nomem);

    title_span h1 = {NULL, NULL, 0}, first = {NULL, NULL, 0};
    char *body_end = convert_body(body, end, &h1, &first);

    /* The title: front matter, else the first "# heading", else the first
     * line; when it is the first line of the body it leaves the body. */
    char *title = NULL;
    const title_span *from = fm.values[F_TITLE] ? NULL
                             : h1.start ? &h1 : first.start ? &first : NULL;
    if (fm.values[F_TITLE])
        title = span_dup(fm.values[F_TITLE], fm.values[F_TITLE] +
                                                 strlen(fm.values[F_TITLE]));
    else if (from)
        title = span_dup(from->start, from->end);
    else
        title = span_dup("", "");
    if (from && from->first_line)
        body = from->end;

    while (body < body_end && corpus_is_space((unsigned char)*body))
        body++;
    while (body_end > body && corpus_is_space((unsigned char)body_end[-1]))
        body_end--;
    *body_end = '\0';

    corpus_status s;
    if (!title || nomem)
        s = corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                       "out of memory reading Markdown");
    else if (!*title && body == body_end)
        s = corpus_why(rd->why, rd->whylen, CORPUS_SKIP_EMPTY,
                       "no title and no body");
    else {
        corpus_article a = {
            .id = rd->file->relpath, .title = title, .body = body,
            .body_len = (size_t)(body_end - body), .date = fm.values[F_DATE],
            .author = fm.values[F_AUTHOR], .source = fm.values[F_SOURCE],
            .url = fm.values[F_URL], .tags = fm.tags, .ntags = fm.ntags};
        s = corpus_emit(rd, &a, 0);
    }
    free(title);
    free((void *)fm.tags);
    return s;
}
