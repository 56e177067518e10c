/*
 * read_md.c - Markdown (.md, .markdown): one article per file.
 *
 *   ---                                  <- optional front matter: YAML
 *   title: "Blinken visits Ankara"          (libyaml) between two "---"
 *   date: 2023-11-06                        lines, or TOML between two
 *   tags: [diplomacy, turkey]               "+++" lines (Hugo); keys
 *   ---                                     below, others ignored
 *   # Blinken visits Ankara              <- title when front matter has none
 *
 *   The *body*, with [links](https://example.org) ...
 *
 * The body is indexed as text: the characters that are Markdown syntax are
 * removed so they never reach the index (heading '#', emphasis '*' '_' '~~',
 * list and quote markers, link and image syntax - "[text](url)" keeps
 * "text", an image keeps its alt text -, backslash escapes, HTML tags and
 * comments and the content of <script> and <style> elements (code, not
 * text; one whose end tag never comes is a mention, "the <script> tag",
 * and only its tag goes), table rules, link reference definitions "[id]: url 'title'"
 * as CommonMark defines them (not right under a paragraph line, which
 * they cannot interrupt: convert_body), footnote marks "[^1]"; a footnote's text,
 * "[^1]: According to ...", is kept). Code, fenced or inline, is kept as
 * written; a fence in a block quote ("> ```") too, without the quote
 * markers, up to its closing fence or the end of its quote.
 * Character references are decoded: the named ones of HTML 4 (&amp;
 * &eacute; &rsquo; ..., named_refs.h) and numeric ones (&#8364; &#x20AC;).
 *
 * The front matter's keys (case-insensitive): title, date, url, author
 * (or authors) and source, tags (and categories, category, keywords: all
 * are tags), and the lead text subtitle, description, summary, excerpt,
 * which opens the body (compose_body) unless the title or the body holds
 * it already. An author or source may be a list of names, joined with
 * ", " (the authors' names each an author of their own: corpus.h), or
 * a mapping whose "name" is taken (also as list items; tags too); a
 * value that does not fit its field (a list as a title, an
 * alias) is left out, named in one warning.
 *
 * "---" front matter is read as YAML, so folded and literal blocks
 * ("title: >"), quoting ('It''s', "a \"b\"") and lists (block "- a" or
 * flow "[a, 'b, c']", one tag per item, commas inside quotes kept) mean
 * what YAML says; values are put on one line. A scalar "tags: a, b" is
 * split on commas. Front matter that is not valid YAML is reported
 * through on_warning and read line by line instead ("key: value", the
 * rest of the line the value), so the article is still indexed with its
 * metadata. A value that is YAML's null ("~", "null", nothing) is no
 * value: the key is as if absent. A block whose closing line is missing
 * is read up to the first blank line, with a warning, when its lines
 * there read as front matter (unclosed_end). "+++" front matter is read
 * as TOML: top-level "key = value"
 * lines (strings of the four kinds, arrays over several lines, inline
 * tables, bare dates and numbers as written; keys under a "[table]" are
 * not the article's); a line that is not valid TOML is left out, with a
 * warning, never read as body text. (md_yaml.c reads YAML blocks and
 * md_toml.c TOML blocks into the front_matter kept here.)
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

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The fields front matter may give. The lead fields are text for readers
 * that opens the body (compose_body). */
enum {
    F_TITLE, F_DATE, F_AUTHOR, F_SOURCE, F_URL, F_TAGS,
    F_SUBTITLE, F_DESCRIPTION, F_SUMMARY, F_EXCERPT, F_COUNT
};
#define F_LEAD_FIRST F_SUBTITLE

/* How a field's value is read. */
enum {
    K_TEXT,      /* one line of text: a list or mapping is not one */
    K_NAMES,     /* a name, a mapping's "name", or a list of these,
                  * joined with ", " */
    K_TAGS,      /* a list of tags (names too), or one comma-separated */
};

/* The keys, matched case-insensitively, and their fields. */
static const struct front_key {
    const char *name;
    int field;
} front_keys[] = {
    {"title", F_TITLE},          {"date", F_DATE},
    {"author", F_AUTHOR},        {"authors", F_AUTHOR},
    {"source", F_SOURCE},        {"url", F_URL},
    {"tags", F_TAGS},            {"categories", F_TAGS},
    {"category", F_TAGS},        {"keywords", F_TAGS},
    {"subtitle", F_SUBTITLE},    {"description", F_DESCRIPTION},
    {"summary", F_SUMMARY},      {"excerpt", F_EXCERPT},
};

static int field_kind(int k)
{
    return k == F_AUTHOR || k == F_SOURCE ? K_NAMES
           : k == F_TAGS                  ? K_TAGS
                                          : K_TEXT;
}

/* What the front matter gave (corpus_front_matter of corpus_internal.h:
 * md_yaml.c and md_toml.c fill it in through the corpus_front_*()
 * functions below). Every string is malloc()ed and owned here
 * (front_matter_free). */
typedef struct corpus_front_matter {
    char *values[F_COUNT];       /* one-line values, or NULL */
    char **tags;
    size_t ntags;
    char **authors;              /* the author's names (one, or a list's),
                                  * each an author (corpus.h) */
    size_t nauthors;
    int nomem;                   /* an allocation failed */
    char problems[240];          /* values left out, for one warning */
    int nproblems;
} front_matter;

static void free_names(char ***names, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free((*names)[i]);
    free(*names);
    *names = NULL;
    *n = 0;
}

static void front_matter_free(front_matter *fm)
{
    for (int k = 0; k < F_COUNT; k++)
        free(fm->values[k]);
    free_names(&fm->tags, &fm->ntags);
    free_names(&fm->authors, &fm->nauthors);
}

/* Append `name` (malloc()ed, taken over) to names[*n]. */
static void append_name(front_matter *fm, char ***names, size_t *n,
                        char *name)
{
    char **grown = realloc(*names, (*n + 1) * sizeof *grown);
    if (!grown) {
        free(name);
        fm->nomem = 1;
        return;
    }
    *names = grown;
    grown[(*n)++] = name;
}

/* corpus_front_problem - see corpus_internal.h. Noted as
 * "\"author\" is an alias". */
void corpus_front_problem(front_matter *fm, const char *key, size_t keylen,
                          const char *what)
{
    size_t used = strlen(fm->problems);
    if (used + 8 >= sizeof fm->problems)
        return;
    snprintf(fm->problems + used, sizeof fm->problems - used, "%s\"%.*s\" %s",
             fm->nproblems++ ? "; " : "", (int)(keylen > 40 ? 40 : keylen),
             key, what);
}

/* corpus_front_field - see corpus_internal.h. */
int corpus_front_field(const char *p, size_t n)
{
    for (size_t k = 0; k < sizeof front_keys / sizeof front_keys[0]; k++) {
        const char *name = front_keys[k].name;
        if (strlen(name) != n)
            continue;
        size_t i = 0;
        while (i < n && (char)gz_ascii_tolower(p[i]) == name[i])
            i++;
        if (i == n)
            return front_keys[k].field;
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

/* Add the name [s, e) to field k (K_NAMES): an author to the authors'
 * list, a source after ", " when it has one. */
static void add_name(front_matter *fm, int k, const char *s, const char *e)
{
    char *name = one_line_copy(fm, s, e);
    if (!name)
        return;
    if (k == F_AUTHOR) {
        append_name(fm, &fm->authors, &fm->nauthors, name);
        return;
    }
    if (!fm->values[k]) {
        fm->values[k] = name;
        return;
    }
    const char *both[] = {fm->values[k], name};
    char *joined = corpus_join_names(both, 2, ", ");
    if (!joined) {
        fm->nomem = 1;
    } else {
        free(fm->values[k]);
        fm->values[k] = joined;
    }
    free(name);
}

/* Add one tag [s, e) (trimmed, white space folded; empty ones dropped;
 * one that tags, categories or keywords repeat, corpus_emit drops). */
static void add_tag(front_matter *fm, const char *s, const char *e)
{
    char *tag = one_line_copy(fm, s, e);
    if (tag)
        append_name(fm, &fm->tags, &fm->ntags, tag);
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

/* corpus_front_take - see corpus_internal.h. A K_TEXT field given a
 * list is refused by the callers. */
void corpus_front_take(front_matter *fm, int k, const char *s,
                       const char *e, int item)
{
    switch (field_kind(k)) {
    case K_TAGS:
        if (item)
            add_tag(fm, s, e);
        else
            add_tag_list(fm, s, e);
        break;
    case K_NAMES:
        add_name(fm, k, s, e);
        break;
    default:
        set_value(fm, k, s, e);
        break;
    }
}

/* corpus_front_begin - see corpus_internal.h. */
void corpus_front_begin(front_matter *fm, int k)
{
    if (field_kind(k) != K_TAGS) {
        free(fm->values[k]);
        fm->values[k] = NULL;
    }
    if (k == F_AUTHOR)
        free_names(&fm->authors, &fm->nauthors);
}

/* corpus_front_is_text - see corpus_internal.h. */
int corpus_front_is_text(int k)
{
    return field_kind(k) == K_TEXT;
}

/* corpus_front_set_nomem - see corpus_internal.h. */
void corpus_front_set_nomem(front_matter *fm)
{
    fm->nomem = 1;
}

/* corpus_front_nomem - see corpus_internal.h. */
int corpus_front_nomem(const front_matter *fm)
{
    return fm->nomem;
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

/* 1 when [s, e) (trimmed, not unquoted) is YAML's null written out:
 * "~", "null", "Null" or "NULL" (md_yaml.c's is_null; a quoted "null" is
 * text). */
static int null_word(const char *s, const char *e)
{
    size_t n = (size_t)(e - s);
    return (n == 1 && *s == '~') ||
           (n == 4 && (memcmp(s, "null", 4) == 0 ||
                       memcmp(s, "Null", 4) == 0 ||
                       memcmp(s, "NULL", 4) == 0));
}

/* The items of a flow list "[a, 'b']" whose brackets are taken off,
 * [s, e), for field k: each trimmed and unquoted, a null one left out. */
static void take_items(front_matter *fm, int k, const char *s, const char *e)
{
    while (s < e) {
        const char *comma = memchr(s, ',', (size_t)(e - s));
        const char *a = s, *b = comma ? comma : e;
        corpus_trim_const(&a, &b);
        if (!null_word(a, b)) {
            unquote(&a, &b);
            corpus_front_take(fm, k, a, b, 1);
        }
        s = comma ? comma + 1 : e;
    }
}

/*
 * read_lines - the reading of a front matter that is not valid YAML:
 * "key: value" lines with a known key at the start of the line take the
 * rest of the line as the value (one pair of quotes removed); names and
 * tags may be given as "[a, 'b']" (each item unquoted; a list not
 * closed on its line, "[a, b", has its items too, without the bracket)
 * or as "- item" lines below, tags also as "a, b". A value or item that
 * is YAML's null ("~", "null") is none, as in valid YAML. Most invalid
 * front matter is valid but for a colon in a plain title ("title: Gaza:
 * the talks"), which this reads as meant.
 */
static void read_lines(const char *p, const char *end, front_matter *fm)
{
    int last = -1;                       /* key of the previous line */
    while (p < end) {
        const char *le = memchr(p, '\n', (size_t)(end - p));
        le = le ? le : end;
        const char *colon = memchr(p, ':', (size_t)(le - p));
        int k = colon && *p != ' ' && *p != '\t' && *p != '-'
                    ? corpus_front_field(p, (size_t)(colon - p)) : -1;
        const char *vs = colon ? colon + 1 : p, *ve = le;
        corpus_trim_const(&vs, &ve);
        if (k >= 0 && null_word(vs, ve)) {
            /* no value: as if the key were absent */
        } else if (k >= 0) {
            corpus_front_begin(fm, k);
            if (field_kind(k) != K_TEXT && vs < ve && *vs == '[') {
                take_items(fm, k, vs + 1,
                           ve - vs >= 2 && ve[-1] == ']' ? ve - 1 : ve);
            } else {
                unquote(&vs, &ve);
                corpus_front_take(fm, k, vs, ve, 0);
            }
        } else if (last >= 0 && field_kind(last) != K_TEXT) {
            const char *ls = p, *lt = le;
            corpus_trim_const(&ls, &lt);
            if (ls < lt && *ls == '-') {
                ls++;
                corpus_trim_const(&ls, &lt);
                if (!null_word(ls, lt)) {
                    unquote(&ls, &lt);
                    corpus_front_take(fm, last, ls, lt, 1);
                }
            }
        }
        if (k >= 0 || (*p != ' ' && *p != '\t' && *p != '-'))
            last = k;
        p = le < end ? le + 1 : end;
    }
}

/* The line that closes a front matter block opened by `delim` ("---" or
 * "+++") on the line ending at eol: a line that is `delim` (or for YAML
 * "...") from its first byte, blanks after it allowed. NULL when none. */
static char *closing_line(char *eol, char *end, const char *delim)
{
    for (char *p = eol + 1; p < end;) {
        char *le = line_end(p, end);
        char *ls = p, *lt = le;
        corpus_trim(&ls, &lt);
        if (ls == p && lt - ls == 3 &&
            (memcmp(ls, delim, 3) == 0 ||
             (delim[0] == '-' && memcmp(ls, "...", 3) == 0)))
            return p;
        p = le < end ? le + 1 : end;
    }
    return NULL;
}

/* 1 when [p, eol) opens with a key of one word (an ASCII letter, then
 * letters, digits, '-' or '_') and then, for YAML, ':' and a blank or
 * the end of the line ("https://" is no key), for TOML (`toml`) '=';
 * *known is set when the key is one of the article's. */
static int key_line(const char *p, const char *eol, int toml, int *known)
{
    const char *q = p;
    if (q >= eol || !gz_ascii_isalpha(*q))
        return 0;
    while (q < eol && (gz_ascii_isalnum(*q) || *q == '-' || *q == '_'))
        q++;
    const char *key_end = q;
    while (toml && q < eol && (*q == ' ' || *q == '\t'))
        q++;
    if (q >= eol || *q != (toml ? '=' : ':'))
        return 0;
    if (!toml && q + 1 < eol && q[1] != ' ' && q[1] != '\t')
        return 0;
    if (corpus_front_field(p, (size_t)(key_end - p)) >= 0)
        *known = 1;
    return 1;
}

/*
 * unclosed_end - the end of a front matter whose closing line is missing,
 * when the lines from p up to the first blank line (or the end) read as
 * one: the first a key line (key_line), each other one too or what goes
 * on a key's value (an indented line, a "- item", a TOML array's "]"),
 * one of the keys the article's. Returns the start of that blank line
 * (or `end`), NULL when they do not read so: a "---" that opens a file
 * is then a thematic break, and what follows text.
 */
static char *unclosed_end(char *p, char *end, int toml)
{
    int known = 0;
    for (char *start = p; p < end;) {
        char *le = line_end(p, end);
        if (only_char(p, le, ' ', 0))
            break;                              /* a blank line */
        int goes_on = p != start &&
                      (*p == ' ' || *p == '\t' || (toml && *p == ']') ||
                       (*p == '-' && (p + 1 == le || p[1] == ' ')));
        if (!goes_on && !key_line(p, le, toml, &known))
            return NULL;
        p = le < end ? le + 1 : end;
    }
    return known ? p : NULL;
}

/*
 * parse_front_matter - when the text opens with a "---" line and a later
 * "---" (or "...") line closes the block, or with a "+++" line and a
 * later "+++" line (Hugo's TOML), read it into *fm and return the start
 * of the body; otherwise return `text` (no front matter). A block whose
 * closing line is missing is read up to the first blank line, with a
 * warning, when its lines up to there read as front matter
 * (unclosed_end: "title: ...", a known key); the body starts there.
 * A "---" block
 * is read as YAML (corpus_md_read_yaml); when it is not valid YAML, a
 * warning says why and its "key: value" lines are read one by one
 * instead (read_lines). A "+++" block is read as TOML
 * (corpus_md_read_toml); its lines that are not valid TOML are left out,
 * with a warning. Values left out of a field they do not
 * fit are named in one more warning.
 */
static char *parse_front_matter(corpus_reader *rd, char *text, char *end,
                                front_matter *fm)
{
    char *eol = line_end(text, end);
    char *s = text, *e = eol;
    corpus_trim(&s, &e);
    if (s != text || e - s != 3 || eol == end ||
        (memcmp(s, "---", 3) != 0 && memcmp(s, "+++", 3) != 0))
        return text;
    int toml = *s == '+';
    const char *delim = toml ? "+++" : "---";
    char *close = closing_line(eol, end, delim), *body;
    if (close) {
        body = line_end(close, end);
        body = body < end ? body + 1 : end;
    } else if ((close = unclosed_end(eol + 1, end, toml))) {
        body = close;
        corpus_warning(rd, 0, "front matter opened by \"%s\" has no "
                       "closing \"%s\" line; read up to the first blank "
                       "line", delim, delim);
    } else {
        return text;
    }

    char err[256] = "";
    const char *block = eol + 1;
    if (toml) {
        if (!corpus_md_read_toml(block, close, fm, err, sizeof err) &&
            !fm->nomem)
            corpus_warning(rd, 0, "front matter is not valid TOML (%s); "
                           "read without what is not", err);
    } else {
        if (!corpus_md_read_yaml(block, close, fm, err, sizeof err) &&
            !fm->nomem) {
            front_matter_free(fm);
            memset(fm, 0, sizeof *fm);
            corpus_warning(rd, 0, "front matter is not valid YAML (%s); "
                           "read line by line", err);
            read_lines(block, close, fm);
        }
    }
    if (fm->nproblems)
        corpus_warning(rd, 0, "front matter: %s: the article is indexed "
                       "without %s", fm->problems,
                       fm->nproblems == 1 ? "it" : "them");
    return body;
}

/* ------------------------------------------------------------- inline */

/* bsearch() comparison of a name (key: a NUL-terminated string) with a
 * table entry. */

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

/* Length of a footnote reference "[^label]" at p (a label without
 * blanks or brackets, not a link's text: no "(" or "[" after it), or 0. */
static size_t footnote_ref(const char *p, const char *eol)
{
    if (eol - p < 4 || p[1] != '^')
        return 0;
    const char *q = p + 2;
    while (q < eol && *q != ']' && *q != '[' && *q != ' ' && *q != '\t')
        q++;
    if (q >= eol || *q != ']' || q == p + 2 ||
        (q + 1 < eol && (q[1] == '(' || q[1] == '[')))
        return 0;
    return (size_t)(q + 1 - p);
}

/* The raw HTML elements whose content is no text: a script's code and a
 * style sheet's rules (as read_html.c leaves them out). */
static const char *const raw_elements[] = {"script", "style"};
#define N_RAW (sizeof raw_elements / sizeof raw_elements[0])

typedef struct md_state {
    int in_comment;       /* inside an HTML comment spanning lines */
    long paren_budget;    /* bytes close_paren() may still scan, per line */
    const char *text_end; /* the end of the Markdown (for raw_close) */
    const char *raw_end;  /* inside a script or style element: the byte
                             after its end tag (on this line or one
                             below); NULL when not in one */
    int no_close[N_RAW];  /* raw_close found no end tag of that element
                             from some point on: none after it either */
} md_state;

/* 1 when the text (in HTML, or a Markdown line) is inside an HTML
 * comment or a script or style element at p: not Markdown. */
static int in_html(const md_state *st, const char *p)
{
    return st->in_comment || (st->raw_end && st->raw_end > p);
}

/* 1 when [p, p+n) is `name` (lower case), ASCII letters in any case. */
static int name_is(const char *p, size_t n, const char *name)
{
    size_t i = 0;
    while (i < n && name[i] && (char)gz_ascii_tolower(p[i]) == name[i])
        i++;
    return i == n && !name[i];
}

/* The raw element (an index of raw_elements) whose start tag is the tag
 * [p, e) ("<script>", "<style type=text/css>"), or -1. */
static int raw_start_tag(const char *p, const char *e)
{
    const char *q = p + 1;
    while (q < e && gz_ascii_isalpha(*q))
        q++;
    if (q >= e || !(*q == '>' || *q == '/' || *q == ' ' || *q == '\t'))
        return -1;
    for (size_t i = 0; i < N_RAW; i++)
        if (name_is(p + 1, (size_t)(q - p - 1), raw_elements[i]))
            return (int)i;
    return -1;
}

/* The byte after the end tag ("</script>", any case, blanks allowed
 * before its '>') of raw element `i` that first follows p, or NULL when
 * there is none: then the start tag is text that mentions it ("the
 * <script> tag"), and no words after it are lost. Each byte is looked at
 * once per element over a file: a search that fails is not repeated. */
static const char *raw_close(md_state *st, int i, const char *p)
{
    if (st->no_close[i])
        return NULL;
    size_t n = strlen(raw_elements[i]);
    const char *end = st->text_end;
    for (; (p = memchr(p, '<', (size_t)(end - p))); p++) {
        if ((size_t)(end - p) < n + 3 || p[1] != '/' ||
            !name_is(p + 2, n, raw_elements[i]))
            continue;
        const char *q = p + 2 + n;
        if (*q != '>' && *q != ' ' && *q != '\t' && *q != '\n' && *q != '/')
            continue;
        const char *gt = memchr(q, '>', (size_t)(end - q));
        return gt ? gt + 1 : end;
    }
    st->no_close[i] = 1;
    return NULL;
}

/*
 * inline_text - copy [r, eol) to w without inline Markdown syntax (see the
 * file comment). Returns the new write position. w <= r throughout; an
 * HTML comment left open goes on into the next lines (st->in_comment).
 */
static char *inline_text(md_state *st, const char *r, const char *eol,
                         char *w)
{
    const char *wmin = w;     /* output of this line starts here */
    size_t n;
    /* link targets are short: a few times the line is plenty for real
     * text and keeps hostile lines linear */
    st->paren_budget = 4 * (long)(eol - r) + 4096;
    while (r < eol) {
        if (st->raw_end) {           /* a script's or style's content */
            if (st->raw_end > eol)
                return w;
            r = st->raw_end > r ? st->raw_end : r;
            st->raw_end = NULL;
            continue;
        }
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
            int raw = raw_start_tag(r, e);
            if (raw >= 0 && (st->raw_end = raw_close(st, raw, e))) {
                *w++ = ' ';      /* the element, content and all */
                r = e;
                continue;
            }
            if (is_autolink(r + 1, e - 1)) {
                memmove(w, r + 1, (size_t)(e - 1 - (r + 1)));
                w += e - 1 - (r + 1);
            } else {
                *w++ = ' ';      /* tags often separate words */
            }
            r = e;
        } else if (c == '!' && r + 1 < eol && r[1] == '[') {
            r++;                 /* image: keep the alt text */
        } else if (c == '[' && (n = footnote_ref(r, eol))) {
            r += n;              /* "[^1]": a footnote's mark, not text */
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
            size_t used = corpus_char_ref(r, eol, &w);
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

/* A table rule ("|---|:--:|"): pipes, dashes, colons and blanks only,
 * with a pipe and a dash. */
static int table_rule(const char *p, const char *eol)
{
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
    return q == eol && pipes && dashes;
}

/* A line that is only syntax: a thematic break or setext underline
 * ("---", "***", "___", "==="), or a table rule. (A link reference
 * definition is one too: link_definition.) */
static int syntax_only(const char *p, const char *eol)
{
    return only_char(p, eol, '-', 1) || only_char(p, eol, '*', 3) ||
           only_char(p, eol, '_', 3) || only_char(p, eol, '=', 1) ||
           table_rule(p, eol);
}

/* Past up to three spaces of indentation at p (CommonMark's limit for a
 * line to open a block); NULL when there are four or more. */
static const char *block_indent(const char *p, const char *eol)
{
    int n = 0;
    while (p < eol && *p == ' ' && n < 4) {
        p++;
        n++;
    }
    return n < 4 ? p : NULL;
}

/* The byte after a "[label]:" at p (CommonMark's link label: up to 999
 * characters, not all blanks, no unescaped bracket, on one line), or
 * NULL. */
static const char *label_colon(const char *p, const char *eol)
{
    if (p >= eol || *p != '[')
        return NULL;
    int text = 0;
    const char *q = p + 1;
    for (; q < eol && *q != ']' && q - p <= 1000; q++) {
        if (*q == '[')
            return NULL;
        if (*q == '\\' && q + 1 < eol)
            q++;
        text |= *q != ' ' && *q != '\t';
    }
    if (q + 1 >= eol || *q != ']' || q[1] != ':' || !text)
        return NULL;
    return q + 2;
}

/* End of the line at p (p <= end): its '\n' or `end`. */
static const char *end_of_line(const char *p, const char *end)
{
    const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
    return nl ? nl : end;
}

static const char *skip_blanks(const char *p, const char *eol)
{
    while (p < eol && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* The end of a link destination at p ("<...>" without '<' or '>'
 * inside, or a run of characters without blanks or controls whose
 * parentheses balance), or NULL. */
static const char *link_destination(const char *p, const char *eol)
{
    if (p < eol && *p == '<') {
        for (const char *q = p + 1; q < eol; q++) {
            if (*q == '\\' && q + 1 < eol)
                q++;
            else if (*q == '>')
                return q + 1;
            else if (*q == '<')
                return NULL;
        }
        return NULL;
    }
    const char *q = p;
    int depth = 0;
    for (; q < eol && (unsigned char)*q > ' ' && *q != 0x7F; q++) {
        if (*q == '\\' && q + 1 < eol && is_punct((unsigned char)q[1]))
            q++;
        else if (*q == '(')
            depth++;
        else if (*q == ')' && --depth < 0)
            return NULL;
    }
    return q > p && depth == 0 ? q : NULL;
}

/* The end of a link title at p ("...", '...' or (...), escapes
 * allowed, on one line), or NULL. */
static const char *link_title(const char *p, const char *eol)
{
    if (p >= eol || (*p != '"' && *p != '\'' && *p != '('))
        return NULL;
    char close = *p == '(' ? ')' : *p;
    for (const char *q = p + 1; q < eol; q++) {
        if (*q == '\\' && q + 1 < eol)
            q++;
        else if (*q == close)
            return q + 1;
        else if (close == ')' && *q == '(')
            return NULL;
    }
    return NULL;
}

/*
 * link_definition - is the line [p, eol) (of the text that ends at `end`)
 * the start of a link reference definition, CommonMark's
 *
 *   [label]: destination "optional title"
 *
 * with nothing else after it? The destination may be on the next line
 * (after "[label]:" alone) and the title on the line after the
 * destination. Returns the end of its last line (a '\n' or `end`), or
 * NULL when the line is not one: "[Update]: The prime minister named"
 * is text. A footnote's "[^1]: text" is never one (footnote_text).
 */
static const char *link_definition(const char *p, const char *eol,
                                   const char *end)
{
    if (!(p = block_indent(p, eol)) || eol - p < 2 || p[1] == '^' ||
        !(p = label_colon(p, eol)))
        return NULL;
    p = skip_blanks(p, eol);
    if (p == eol) {               /* the destination on the next line */
        if (eol == end)
            return NULL;
        p = skip_blanks(eol + 1, end);
        eol = end_of_line(p, end);
    }
    const char *q = link_destination(p, eol);
    if (!q)
        return NULL;
    q = skip_blanks(q, eol);
    if (q == eol) {               /* perhaps a title on the next line */
        if (eol < end) {
            const char *np = skip_blanks(eol + 1, end);
            const char *ne = end_of_line(np, end);
            const char *t = link_title(np, ne);
            if (t && skip_blanks(t, ne) == ne)
                return ne;
        }
        return eol;
    }
    if (q == p || !(q[-1] == ' ' || q[-1] == '\t'))
        return NULL;              /* the title must follow a blank */
    q = link_title(q, eol);
    return q && skip_blanks(q, eol) == eol ? eol : NULL;
}

/* The text of a footnote definition ("[^1]: According to ..."): the
 * byte after the "[^label]:" marker, or NULL when [p, eol) does not open
 * one. */
static const char *footnote_text(const char *p, const char *eol)
{
    if (!(p = block_indent(p, eol)) || eol - p < 3 || p[1] != '^' ||
        !(p = label_colon(p, eol)))
        return NULL;
    return skip_blanks(p, eol);
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

/* 1 when [p, eol) opens a list item ("- ", "1. ", up to three spaces
 * in). */
static int list_item_at(const char *p, const char *eol)
{
    const char *q = block_indent(p, eol);
    return q && q < eol && *q != '>' && *q != ' ' && *q != '\t' &&
           skip_block_markers(q, eol) != q;
}

/* 1 when [p, eol) holds white space only. */
static int blank_line(const char *p, const char *eol)
{
    while (p < eol && (*p == ' ' || *p == '\t'))
        p++;
    return p == eol;
}

/* The columns of white space [p, eol) starts with, p being at column
 * `col` of its line, a tab to the next multiple of 4 (CommonMark's tab
 * stops). */
static size_t indent_width(const char *p, const char *eol, size_t col)
{
    size_t cols = col;
    for (; p < eol && (*p == ' ' || *p == '\t'); p++)
        cols = *p == '\t' ? cols + 4 - cols % 4 : cols + 1;
    return cols - col;
}

/* A line's block quote markers: up to `max` of them ("> ", "> > ", each
 * '>' up to three spaces in and the one blank after it taken with it, as
 * CommonMark says). */
typedef struct quote_prefix {
    const char *text;      /* the line's text after them */
    int depth;             /* how many */
    size_t indent;         /* the columns of white space the text has
                              (those a tab after a '>' leaves too) */
} quote_prefix;

static quote_prefix quote_markers(const char *p, const char *eol, int max)
{
    quote_prefix q = {p, 0, 0};
    size_t col = 0, spare = 0;     /* spare: a tab's columns left over */
    for (;;) {
        const char *m = q.depth < max ? block_indent(q.text, eol) : NULL;
        if (!m || m >= eol || *m != '>')
            break;
        col += (size_t)(m - q.text) + 1;
        spare = 0;
        m++;
        if (m < eol && *m == ' ') {
            m++;
            col++;
        } else if (m < eol && *m == '\t') {
            size_t w = 4 - col % 4;  /* the tab's width; one column of it
                                        is the blank after '>' */
            m++;
            col += w;
            spare = w - 1;
        }
        q.text = m;
        q.depth++;
    }
    q.indent = spare + indent_width(q.text, eol, col);
    return q;
}

/*
 * convert_body - rewrite [p, end) in place as plain text; returns the new
 * end. Records the first level-1 heading in *h1 and the first non-blank
 * output line in *first.
 *
 * A link reference definition cannot interrupt a paragraph (CommonMark):
 * "[label]: url" right under a line of paragraph text (a quote's or a
 * list item's too) goes on with that paragraph, and is text. The rows of
 * a table (after its rule, up to a blank line), a footnote's text
 * ("[^1]: ...", often right above the definitions at the end) and
 * indented code are taken for no paragraph here. In a block quote a
 * line is read after its quote markers (quote_markers): its indented
 * code four columns in after "> ", its definitions (on one line there).
 */
static char *convert_body(char *p, char *end, title_span *h1,
                          title_span *first)
{
    md_state st = {.text_end = end};
    char *w = p;
    char fence_ch = 0;
    size_t fence = 0;
    int fence_depth = 0;   /* the quote depth of the fence ("> ```": 1) */
    char *prev_start = NULL, *prev_end = NULL;  /* previous output line */
    int seen_text = 0;
    int para = 0;          /* the previous line was paragraph text */
    int para_depth = 0;    /* the quote depth of that paragraph */
    int table = 0;         /* in a table: after its rule, before a blank */
    int in_list = 0;       /* in a list item: its indented lines after a
                              blank one are its paragraphs, not code */
    int list_depth = 0;    /* the quote depth of that list item */

    while (p < end) {
        char *eol = line_end(p, end);
        char *next = eol < end ? eol + 1 : end;
        char *line_start = w;
        const char *def;
        char ch;
        size_t n;
        /* before p is rewritten; in a fence, the quote markers that
         * opened it, the rest being its text */
        quote_prefix qp = quote_markers(p, eol, fence ? fence_depth
                                                      : INT_MAX);
        if (fence && qp.depth < fence_depth)
            fence = 0;        /* its quote has ended, and the fence too */
        /* a paragraph goes on in a line with fewer quote markers (a lazy
         * line), not in a quote that opens under it */
        int was_para = para && qp.depth <= para_depth;
        if (list_item_at(qp.text, eol)) {
            in_list = 1;
            list_depth = qp.depth;
        } else if (in_list) {
            /* ended by its quote's end, or by a line of text indented
             * less than two columns inside that quote */
            quote_prefix lp = quote_markers(p, eol, list_depth);
            if (lp.depth < list_depth ||
                (!blank_line(lp.text, eol) && lp.indent < 2))
                in_list = 0;
        }
        /* indented code: four columns in after the quote markers */
        int code = !was_para && !(in_list && list_depth == qp.depth) &&
                   qp.indent >= 4;
        para = 0;
        if (fence) {
            if ((n = fence_at(qp.text, eol, &ch)) >= fence && ch == fence_ch) {
                fence = 0;
            } else {
                memmove(w, qp.text, (size_t)(eol - qp.text));
                w += eol - qp.text;
            }
        } else if (!in_html(&st, p) &&
                   (n = fence_at(qp.text, eol, &ch)) > 0) {
            /* (in an open HTML comment a fence line is the comment's) */
            fence = n;
            fence_ch = ch;
            fence_depth = qp.depth;
        } else if (!in_html(&st, p) && only_char(p, eol, '=', 1) &&
                   prev_start &&
                   prev_end > prev_start) {
            /* setext underline: the previous line was a level-1 heading */
            if (!h1->start) {
                h1->start = prev_start;
                h1->end = prev_end;
                h1->first_line = first->start == prev_start;
            }
        } else if (!in_html(&st, p) && !was_para &&
                   (def = link_definition(qp.text, eol,
                                          qp.depth ? eol : end))) {
            /* a link's target (and title), not text: dropped whole (in a
             * quote one line: the next starts with '>') */
            eol = (char *)def;
            next = eol < end ? eol + 1 : end;
        } else if (in_html(&st, p) || !syntax_only(p, eol)) {
            const char *text;
            int html = in_html(&st, p);
            int level = html ? 0 : atx_heading(p, eol, &text);
            const char *note = NULL;
            if (level) {
                w = inline_text(&st, text, heading_end(text, eol), w);
            } else {
                const char *body = html ? p
                                   : (note = footnote_text(p, eol));
                if (!body)
                    body = skip_block_markers(p, eol);
                w = inline_text(&st, body, eol, w);
            }
            char *ts = line_start, *te = w;
            corpus_trim(&ts, &te);
            if (level == 1 && !h1->start && te > ts) {
                h1->start = ts;
                h1->end = te;
                h1->first_line = !seen_text;
            }
            /* an indented code line is no paragraph either (it cannot
             * interrupt one: under a paragraph line it is its text) */
            para = !level && !note && te > ts && !table &&
                   !code;
            if (para && !was_para)
                para_depth = qp.depth;
        } else if (table_rule(p, eol)) {
            table = 1;
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
        if (skip_blanks(p, eol) == eol)
            table = 0;                  /* a blank line ends a table */
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
 * compose_body - the body with the front matter's lead text first
 * (subtitle, description, summary, excerpt: the text for readers it
 * gives, as HTML's meta description opens an HTML page's body), each on
 * its own paragraph unless the title or the body (or a lead before it)
 * holds it already. Returns the new body (malloc()ed, *body_end moved to
 * its end), or NULL when there is nothing to add or no memory
 * (fm->nomem set).
 */
static char *compose_body(front_matter *fm, const char *title,
                          const char *body, char **body_end)
{
    size_t len = (size_t)(*body_end - body), add = 0;
    for (int k = F_LEAD_FIRST; k < F_COUNT; k++)
        if (fm->values[k])
            add += strlen(fm->values[k]) + 2;
    if (!add)
        return NULL;
    char *out = malloc(add + len + 1), *w = out;
    if (!out) {
        fm->nomem = 1;
        return NULL;
    }
    *out = '\0';
    for (int k = F_LEAD_FIRST; k < F_COUNT; k++) {
        const char *v = fm->values[k];
        if (!v || (title && strstr(title, v)) || strstr(body, v) ||
            strstr(out, v))
            continue;
        if (w > out) {
            memcpy(w, "\n\n", 2);
            w += 2;
        }
        size_t n = strlen(v);
        memcpy(w, v, n + 1);
        w += n;
    }
    if (w == out) {
        free(out);
        return NULL;
    }
    if (len) {
        memcpy(w, "\n\n", 2);
        w += 2;
        memcpy(w, body, len);
        w += len;
    }
    *w = '\0';
    *body_end = w;
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
    front_matter fm;
    memset(&fm, 0, sizeof fm);
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
    char *composed = compose_body(&fm, title, body, &body_end);
    if (composed)
        body = composed;

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
            .authors = (const char *const *)fm.authors,
            .nauthors = fm.nauthors, .source = fm.values[F_SOURCE],
            .url = fm.values[F_URL], .tags = (const char *const *)fm.tags,
            .ntags = fm.ntags};
        s = corpus_emit(rd, &a, 0);
    }
    free(title);
    free(composed);
    front_matter_free(&fm);
    return s;
}
