/*
 * read_md.c - Markdown (.md, .markdown): one article per file.
 *
 *   ---                                  <- optional front matter: YAML
 *   title: "Blinken visits Ankara"          (libyaml) between two "---"
 *   date: 2023-11-06                        lines; keys title, date,
 *   tags: [diplomacy, turkey]               author, source, url, tags
 *   ---                                     (others are ignored)
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
 * Front matter is read as YAML, so folded and literal blocks ("title: >"),
 * quoting ('It''s', "a \"b\"") and lists (block "- a" or flow "[a, 'b, c']",
 * one tag per item, commas inside quotes kept) mean what YAML says; values
 * are put on one line. A scalar "tags: a, b" is split on commas. Front
 * matter that is not valid YAML is reported through on_warning and read
 * line by line instead ("key: value", the rest of the line the value), so
 * the article is still indexed with its metadata.
 *
 * The title is the front matter's, else the first level-1 heading ("# T"
 * or "T" underlined with "==="), else the first non-blank line. When that
 * heading or line opens the body, it is taken out of the body (as .txt).
 *
 * Everything is rewritten in place: the plain text is never longer than
 * the Markdown it comes from, so a write pointer trails the read pointer.
 */
#include "corpus.h"
#include "ascii.h"
#include "corpus_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ------------------------------------------------------------ helpers */

static int is_alnum(unsigned char c)
{
    return gz_ascii_isalnum(c) || c >= 0x80;   /* any UTF-8 byte: part
                                                   of a word */
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

/* What the front matter gave. Every string is malloc()ed and owned here
 * (front_matter_free). */
typedef struct front_matter {
    char *values[F_COUNT];       /* one-line values, or NULL */
    char **tags;
    size_t ntags;
    int nomem;                   /* an allocation failed */
} front_matter;

static void front_matter_free(front_matter *fm)
{
    for (int k = 0; k < F_COUNT; k++)
        free(fm->values[k]);
    for (size_t i = 0; i < fm->ntags; i++)
        free(fm->tags[i]);
    free(fm->tags);
}

/* Key index of the name [p, p+n), case-insensitive; -1 when unknown. */
static int front_key_index(const char *p, size_t n)
{
    for (int k = 0; k < F_COUNT; k++) {
        if (strlen(front_keys[k]) != n)
            continue;
        size_t i = 0;
        while (i < n && (char)gz_ascii_tolower(p[i]) == front_keys[k][i])
            i++;
        if (i == n)
            return k;
    }
    return -1;
}

/* A new string of [s, e) on one line: trimmed, every run of white space
 * (a folded or literal block's newlines too) made one space, and a NUL
 * (YAML's "\0") taken for white space, as control characters are made
 * spaces: a C string would end at it. NULL when out of memory (fm->nomem
 * set) or when nothing is left. */
static char *one_line_copy(front_matter *fm, const char *s, const char *e)
{
    char *out = malloc((size_t)(e - s) + 1);
    if (!out) {
        fm->nomem = 1;
        return NULL;
    }
    size_t n = 0;
    int space = 0;
    for (; s < e; s++) {
        if (corpus_is_space((unsigned char)*s) || *s == '\0') {
            space = n > 0;
        } else {
            if (space)
                out[n++] = ' ';
            space = 0;
            out[n++] = *s;
        }
    }
    out[n] = '\0';
    if (!n) {
        free(out);
        return NULL;
    }
    return out;
}

/* Set field k to [s, e) (the last value given for a key wins). */
static void set_value(front_matter *fm, int k, const char *s, const char *e)
{
    free(fm->values[k]);
    fm->values[k] = one_line_copy(fm, s, e);
}

/* Add one tag [s, e) (trimmed, white space folded; empty ones dropped). */
static void add_tag(front_matter *fm, const char *s, const char *e)
{
    char *tag = one_line_copy(fm, s, e);
    if (!tag)
        return;
    char **n = realloc(fm->tags, (fm->ntags + 1) * sizeof *n);
    if (!n) {
        free(tag);
        fm->nomem = 1;
        return;
    }
    fm->tags = n;
    fm->tags[fm->ntags++] = tag;
}

/* Tags given as one string: "a, b, c". */
static void add_tag_list(front_matter *fm, const char *s, const char *e)
{
    while (s < e) {
        const char *comma = memchr(s, ',', (size_t)(e - s));
        const char *stop = comma ? comma : e;
        add_tag(fm, s, stop);
        s = comma ? comma + 1 : e;
    }
}

/* ---------------------------------------------------- YAML (libyaml) */

/* Where the event stream of one front matter block is. */
typedef struct yaml_reader {
    yaml_parser_t parser;
    yaml_event_t event;
    int have_event;              /* `event` holds one to delete */
} yaml_reader;

/* Next event into yr->event; 0 on a YAML error. */
static int next_event(yaml_reader *yr)
{
    if (yr->have_event)
        yaml_event_delete(&yr->event);
    yr->have_event = yaml_parser_parse(&yr->parser, &yr->event) != 0;
    return yr->have_event;
}

/* Skip the value whose first event is in yr->event (a scalar, an alias,
 * or a whole sequence or mapping, however nested). 0 on a YAML error. */
static int skip_value(yaml_reader *yr)
{
    long depth = 0;
    do {
        switch (yr->event.type) {
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            depth++;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_STREAM_END_EVENT:
            return 0;
        default:
            break;
        }
        if (depth > 0 && !next_event(yr))
            return 0;
    } while (depth > 0);
    return 1;
}

static const char *scalar_text(const yaml_event_t *ev, const char **end)
{
    const char *s = (const char *)ev->data.scalar.value;
    *end = s + ev->data.scalar.length;
    return s;
}

/* The value of "tags:": a sequence (block "- a" or flow "[a, 'b, c']")
 * gives one tag per scalar item, however it is quoted; a scalar is a
 * comma-separated list. Nested collections and aliases are skipped. */
static int read_tags(yaml_reader *yr, front_matter *fm)
{
    const char *s, *e;
    if (yr->event.type == YAML_SCALAR_EVENT) {
        s = scalar_text(&yr->event, &e);
        add_tag_list(fm, s, e);
        return 1;
    }
    if (yr->event.type != YAML_SEQUENCE_START_EVENT)
        return skip_value(yr);
    for (;;) {
        if (!next_event(yr))
            return 0;
        if (yr->event.type == YAML_SEQUENCE_END_EVENT)
            return 1;
        if (yr->event.type == YAML_SCALAR_EVENT) {
            s = scalar_text(&yr->event, &e);
            add_tag(fm, s, e);
        } else if (!skip_value(yr)) {
            return 0;
        }
    }
}

/* The value of a known key other than tags: a scalar, on one line. A
 * list or mapping is not a title or a date: skipped. */
static int read_value(yaml_reader *yr, front_matter *fm, int k)
{
    if (yr->event.type != YAML_SCALAR_EVENT)
        return skip_value(yr);
    const char *e, *s = scalar_text(&yr->event, &e);
    set_value(fm, k, s, e);
    return 1;
}

/*
 * read_yaml - read the YAML block [s, e) into *fm with libyaml. Returns 1
 * when it is a valid YAML mapping (or empty), 0 otherwise with a
 * one-line description in `err` (e.g. "line 2: mapping values are not
 * allowed in this context"; the line counts from the first line of the
 * file). *fm may hold part of the block after a failure.
 */
static int read_yaml(const char *s, const char *e, front_matter *fm,
                     char *err, size_t errlen)
{
    yaml_reader yr = {.have_event = 0};
    if (!yaml_parser_initialize(&yr.parser)) {
        fm->nomem = 1;
        snprintf(err, errlen, "out of memory");
        return 0;
    }
    yaml_parser_set_input_string(&yr.parser, (const unsigned char *)s,
                                 (size_t)(e - s));
    int ok = 1, top = 1, docs = 0;
    while (ok && next_event(&yr) && yr.event.type != YAML_STREAM_END_EVENT) {
        if (yr.event.type == YAML_DOCUMENT_START_EVENT)
            ok = ++docs == 1;
        else if (yr.event.type == YAML_DOCUMENT_END_EVENT ||
                 yr.event.type == YAML_STREAM_START_EVENT)
            continue;
        else if (top && yr.event.type == YAML_MAPPING_START_EVENT)
            top = 0;
        else if (top)
            ok = 0;                    /* a scalar or list, not a mapping */
        else if (yr.event.type == YAML_MAPPING_END_EVENT)
            continue;
        else if (yr.event.type != YAML_SCALAR_EVENT)
            ok = skip_value(&yr) && next_event(&yr) && skip_value(&yr);
        else {
            const char *ke, *ks = scalar_text(&yr.event, &ke);
            int k = front_key_index(ks, (size_t)(ke - ks));
            ok = next_event(&yr) &&
                 (k == F_TAGS ? read_tags(&yr, fm)
                  : k >= 0    ? read_value(&yr, fm, k)
                              : skip_value(&yr));
        }
        if (!ok && yr.parser.error == YAML_NO_ERROR)
            snprintf(err, errlen, "%s", docs > 1 ? "more than one document"
                                                 : "not a mapping of keys "
                                                   "to values");
    }
    if (ok && yr.parser.error != YAML_NO_ERROR)
        ok = 0;
    if (!ok && yr.parser.error != YAML_NO_ERROR) {
        if (yr.parser.error == YAML_MEMORY_ERROR)
            fm->nomem = 1;
        snprintf(err, errlen, "line %lu: %.200s",
                 (unsigned long)yr.parser.problem_mark.line + 2,
                 yr.parser.problem ? yr.parser.problem : "syntax error");
    }
    if (yr.have_event)
        yaml_event_delete(&yr.event);
    yaml_parser_delete(&yr.parser);
    return ok;
}

/* ------------------------------------------- fallback: line by line */

/* Unquote one pair of matching quotes around [*s, *e). */
static void unquote(const char **s, const char **e)
{
    if (*e - *s >= 2 && (**s == '"' || **s == '\'') && (*e)[-1] == **s) {
        (*s)++;
        (*e)--;
    }
}

/*
 * read_lines - the reading of a front matter that is not valid YAML:
 * "key: value" lines with a known key at the start of the line take the
 * rest of the line as the value (one pair of quotes removed; tags split
 * on commas, inside [] too, or given as "- item" lines below). Most
 * invalid front matter is valid but for a colon in a plain title
 * ("title: Gaza: the talks"), which this reads as meant.
 */
static void read_lines(const char *p, const char *end, front_matter *fm)
{
    int last = -1;                       /* key of the previous line */
    while (p < end) {
        const char *le = memchr(p, '\n', (size_t)(end - p));
        le = le ? le : end;
        const char *colon = memchr(p, ':', (size_t)(le - p));
        int k = colon && *p != ' ' && *p != '\t' && *p != '-'
                    ? front_key_index(p, (size_t)(colon - p)) : -1;
        const char *vs = colon ? colon + 1 : p, *ve = le;
        while (vs < ve && corpus_is_space((unsigned char)*vs))
            vs++;
        while (ve > vs && corpus_is_space((unsigned char)ve[-1]))
            ve--;
        if (k == F_TAGS) {
            if (ve - vs >= 2 && *vs == '[' && ve[-1] == ']') {
                vs++;
                ve--;
            }
            add_tag_list(fm, vs, ve);
        } else if (k >= 0) {
            unquote(&vs, &ve);
            set_value(fm, k, vs, ve);
        } else if (last == F_TAGS) {
            const char *ls = p, *lt = le;
            while (ls < lt && corpus_is_space((unsigned char)*ls))
                ls++;
            if (ls < lt && *ls == '-') {
                ls++;
                while (lt > ls && corpus_is_space((unsigned char)lt[-1]))
                    lt--;
                while (ls < lt && corpus_is_space((unsigned char)*ls))
                    ls++;
                unquote(&ls, &lt);
                add_tag(fm, ls, lt);
            }
        }
        if (k >= 0 || (*p != ' ' && *p != '\t' && *p != '-'))
            last = k;
        p = le < end ? le + 1 : end;
    }
}

/* Front matter handed to libyaml at most: its parser spends time in
 * proportion to the bytes times the nesting of flow collections ("[[[",
 * "{{{"), so both are bounded (real front matter is a few hundred bytes,
 * nested two or three deep). Beyond either, the block is read line by
 * line. */
#define MAX_YAML_BYTES (256 * 1024)
#define MAX_FLOW_DEPTH 256

/* The deepest nesting of '[' and '{' in [s, e), counting every bracket
 * (quoted ones too: an overestimate only sends a block to read_lines). */
static long flow_depth(const char *s, const char *e)
{
    long depth = 0, max = 0;
    for (; s < e; s++) {
        if (*s == '[' || *s == '{') {
            if (++depth > max)
                max = depth;
        } else if ((*s == ']' || *s == '}') && depth > 0) {
            depth--;
        }
    }
    return max;
}

/*
 * parse_front_matter - when the text opens with a "---" line and a later
 * "---" (or "...") line closes the block, read it into *fm and return the
 * start of the body; otherwise return `text` (no front matter). The block
 * is read as YAML (libyaml); when it is not valid YAML, a warning says
 * why and its "key: value" lines are read one by one instead.
 */
static char *parse_front_matter(corpus_reader *rd, char *text, char *end,
                                front_matter *fm)
{
    char *eol = line_end(text, end);
    char *s = text, *e = eol;
    corpus_trim(&s, &e);
    if (s != text || e - s != 3 || memcmp(s, "---", 3) != 0 || eol == end)
        return text;

    char *close = NULL, *p = eol + 1;
    while (p < end && !close) {
        char *le = line_end(p, end);
        char *ls = p, *lt = le;
        corpus_trim(&ls, &lt);
        if (ls == p && lt - ls == 3 &&
            (memcmp(ls, "---", 3) == 0 || memcmp(ls, "...", 3) == 0))
            close = p;
        p = le < end ? le + 1 : end;
    }
    if (!close)
        return text;

    char err[256] = "";
    const char *block = eol + 1;
    int yaml_ok;
    if (close - block > MAX_YAML_BYTES) {
        snprintf(err, sizeof err, "over %d bytes", MAX_YAML_BYTES);
        yaml_ok = 0;
    } else if (flow_depth(block, close) > MAX_FLOW_DEPTH) {
        snprintf(err, sizeof err, "lists nested over %d deep",
                 MAX_FLOW_DEPTH);
        yaml_ok = 0;
    } else {
        yaml_ok = read_yaml(block, close, fm, err, sizeof err);
    }
    if (!yaml_ok && !fm->nomem) {
        front_matter_free(fm);
        memset(fm, 0, sizeof *fm);
        corpus_warning(rd, 0, "front matter is not valid YAML (%s); read "
                       "line by line", err);
        read_lines(block, close, fm);
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
            corpus_trim(&ts, &te);
            if (level == 1 && !h1->start && te > ts) {
                h1->start = ts;
                h1->end = te;
                h1->first_line = !seen_text;
            }
        }
        char *ts = line_start, *te = w;
        corpus_trim(&ts, &te);
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
    front_matter fm = {{NULL}, NULL, 0, 0};
    char *body = parse_front_matter(rd, text->data, end, &fm);

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
    if (!title || fm.nomem)
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
            .url = fm.values[F_URL], .tags = (const char *const *)fm.tags,
            .ntags = fm.ntags};
        s = corpus_emit(rd, &a, 0);
    }
    free(title);
    front_matter_free(&fm);
    return s;
}
