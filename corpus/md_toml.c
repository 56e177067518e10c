/*
 * md_toml.c - the TOML front matter of a Markdown file (Hugo's block
 * between two "+++" lines): corpus_md_read_toml() reads its top-level
 * "key = value" lines into the corpus_front_matter read_md.c keeps.
 *
 *   +++
 *   title = "Blinken visits Ankara"
 *   date = 2023-11-06
 *   tags = ["diplomacy", "turkey"]
 *   +++
 *
 * Strings of the four kinds, arrays over several lines, inline tables
 * (their "name"), bare dates and numbers as written; keys under a
 * "[table]" are not the article's. A line that is not valid TOML is left
 * out, never read as body text.
 */
#include "corpus.h"
#include "ascii.h"
#include "corpus_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nesting of arrays and inline tables read (deeper: an error). */
#define MAX_TOML_DEPTH 64

/* Where a TOML block is being read. */
typedef struct toml_reader {
    const char *p, *end;
    corpus_front_matter *fm;
    const char *error;           /* the first problem, or NULL */
    const char *error_at;
} toml_reader;

static int toml_fail(toml_reader *tr, const char *what)
{
    if (!tr->error) {
        tr->error = what;
        tr->error_at = tr->p;
    }
    return 0;
}

static void toml_blanks(toml_reader *tr)
{
    while (tr->p < tr->end && (*tr->p == ' ' || *tr->p == '\t'))
        tr->p++;
}

/* Blanks, line ends and comments (inside an array). */
static void toml_space(toml_reader *tr)
{
    for (;;) {
        toml_blanks(tr);
        if (tr->p < tr->end && *tr->p == '#')
            while (tr->p < tr->end && *tr->p != '\n')
                tr->p++;
        if (tr->p < tr->end && *tr->p == '\n')
            tr->p++;
        else
            return;
    }
}

static int toml_bare_char(char c)
{
    return gz_ascii_isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* Room for 4 more bytes at *w in the growing buffer *buf of *cap bytes
 * (*w moved with it). 0 when out of memory. */
static int toml_room(char **buf, size_t *cap, char **w)
{
    size_t used = (size_t)(*w - *buf);
    if (used + 4 < *cap)
        return 1;
    size_t ncap = *cap * 2;
    char *n = realloc(*buf, ncap);
    if (!n)
        return 0;
    *buf = n;
    *cap = ncap;
    *w = n + used;
    return 1;
}

/* Read a string at tr->p (basic "...", literal '...', and the multi-line
 * forms with three quotes) into a new buffer *out (malloc()ed, its length
 * in *len): escapes decoded, a line-ending backslash of a multi-line
 * basic string joining the lines. 0 on a syntax error or out of memory
 * (corpus_front_set_nomem). */
static int toml_string(toml_reader *tr, char **out, size_t *len)
{
    char q = *tr->p;
    int multi = tr->end - tr->p >= 3 && tr->p[1] == q && tr->p[2] == q;
    tr->p += multi ? 3 : 1;
    if (multi && tr->p < tr->end && *tr->p == '\n')
        tr->p++;                      /* a newline right after the quotes */
    size_t cap = 64;
    char *buf = malloc(cap), *w = buf;
    const char *what = NULL;
    while (buf && !what) {
        if (!toml_room(&buf, &cap, &w)) {
            free(buf);
            buf = NULL;
            break;
        }
        if (tr->p >= tr->end || (!multi && *tr->p == '\n')) {
            what = "a string is not closed";
            break;
        }
        char c = *tr->p;
        if (c == q && (!multi || (tr->end - tr->p >= 3 && tr->p[1] == q &&
                                  tr->p[2] == q))) {
            tr->p += multi ? 3 : 1;
            break;
        }
        tr->p++;
        if (c != '\\' || q == '\'') {
            *w++ = c;
            continue;
        }
        if (tr->p >= tr->end)
            continue;                 /* not closed: said at the top */
        c = *tr->p++;
        unsigned long cp = 0;
        int hex = c == 'u' ? 4 : 8;
        switch (c) {
        case 'b': *w++ = '\b'; break;
        case 't': *w++ = '\t'; break;
        case 'n': *w++ = '\n'; break;
        case 'f': *w++ = '\f'; break;
        case 'r': *w++ = '\r'; break;
        case 'e': *w++ = 0x1B; break;
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case 'u':
        case 'U':
            for (int i = 0; i < hex && !what; i++, tr->p++) {
                unsigned char h = tr->p < tr->end ? (unsigned char)*tr->p : 0;
                int v = gz_ascii_isdigit(h) ? h - '0'
                        : (h | 0x20) >= 'a' && (h | 0x20) <= 'f'
                            ? (h | 0x20) - 'a' + 10 : -1;
                if (v < 0)
                    what = "a bad \\u escape in a string";
                cp = cp * 16 + (unsigned long)v;
            }
            if (cp == 0)
                cp = ' ';   /* a NUL is a space, as in YAML and JSON Lines */
            else if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                cp = 0xFFFD;
            if (!what)
                w = corpus_put_utf8(w, cp);
            break;
        default:
            if (multi && (c == ' ' || c == '\t' || c == '\n')) {
                /* a line-ending backslash: the white space after goes */
                while (tr->p < tr->end &&
                       corpus_is_space((unsigned char)*tr->p))
                    tr->p++;
                break;
            }
            tr->p--;
            what = "an unknown escape in a string";
        }
    }
    if (!buf) {
        corpus_front_set_nomem(tr->fm);
        return 0;
    }
    if (what) {
        free(buf);
        return toml_fail(tr, what);
    }
    *w = '\0';
    *out = buf;
    *len = (size_t)(w - buf);
    return 1;
}

/* A key at tr->p: bare, or quoted. Its text in [*ks, *ke) (quoted: the
 * raw text between the quotes). A dotted key ("author.name") sets
 * *dotted. 0 on a syntax error. */
static int toml_key(toml_reader *tr, const char **ks, const char **ke,
                    int *dotted)
{
    *dotted = 0;
    for (int part = 0;; part++) {
        const char *s = tr->p, *e;
        if (tr->p < tr->end && (*tr->p == '"' || *tr->p == '\'')) {
            char q = *tr->p++;
            s = tr->p;
            while (tr->p < tr->end && *tr->p != q && *tr->p != '\n')
                tr->p += *tr->p == '\\' && q == '"' && tr->p + 1 < tr->end
                             ? 2 : 1;
            if (tr->p >= tr->end || *tr->p != q)
                return toml_fail(tr, "a key's quotes are not closed");
            e = tr->p++;
        } else {
            while (tr->p < tr->end && toml_bare_char(*tr->p))
                tr->p++;
            e = tr->p;
            if (e == s)
                return toml_fail(tr, "no key before '='");
        }
        if (!part) {
            *ks = s;
            *ke = e;
        }
        toml_blanks(tr);
        if (tr->p >= tr->end || *tr->p != '.')
            return 1;
        tr->p++;
        *dotted = 1;
        toml_blanks(tr);
    }
}

static int toml_value(toml_reader *tr, int k, const char *key, int item,
                      int depth);

/* An array at tr->p ('['): each value an item of field k (-1: read
 * only; an array in it is read only, and noted). */
static int toml_array(toml_reader *tr, int k, const char *key, int depth)
{
    tr->p++;
    int noted = 0;
    for (;;) {
        toml_space(tr);
        if (tr->p < tr->end && *tr->p == ']') {
            tr->p++;
            return 1;
        }
        int nested = tr->p < tr->end && *tr->p == '[';
        if (nested && k >= 0 && !noted++)
            corpus_front_problem(tr->fm, key, strlen(key),
                                 "has an item that is not a name");
        if (!toml_value(tr, nested ? -1 : k, key, 1, depth + 1))
            return 0;
        toml_space(tr);
        if (tr->p < tr->end && *tr->p == ',')
            tr->p++;
        else if (!(tr->p < tr->end && *tr->p == ']'))
            return toml_fail(tr, "an array is not closed, or its items "
                                 "not separated by commas");
    }
}

/* An inline table at tr->p ('{'): its "name" string taken for field k
 * (as an item when `item`), the rest read only. */
static int toml_table(toml_reader *tr, int k, const char *key, int item,
                      int depth)
{
    tr->p++;
    int named = 0;
    for (;;) {
        toml_blanks(tr);
        if (tr->p < tr->end && *tr->p == '}') {
            tr->p++;
            break;
        }
        const char *ks, *ke;
        int dotted;
        if (!toml_key(tr, &ks, &ke, &dotted))
            return 0;
        if (tr->p >= tr->end || *tr->p != '=')
            return toml_fail(tr, "no '=' after a key");
        tr->p++;
        toml_blanks(tr);
        int is_name = !dotted && ke - ks == 4 && memcmp(ks, "name", 4) == 0 &&
                      tr->p < tr->end && (*tr->p == '"' || *tr->p == '\'');
        if (!toml_value(tr, is_name ? k : -1, key, item, depth + 1))
            return 0;
        named |= is_name;
        toml_blanks(tr);
        if (tr->p < tr->end && *tr->p == ',')
            tr->p++;
        else if (!(tr->p < tr->end && *tr->p == '}'))
            return toml_fail(tr, "an inline table is not closed");
    }
    if (k >= 0 && !named)
        corpus_front_problem(tr->fm, key, strlen(key),
                             item ? "has an item that is not a name"
                                  : "is a table without a \"name\"");
    return 1;
}

/*
 * toml_value - read the value at tr->p and hand it to field k (-1: read
 * only; `key` names it in messages) as corpus_front_take() takes it, an item
 * of a list when `item`: a string, an array, an inline table (its
 * "name"), or a bare value (a date, number or boolean, as written). A
 * value that does not fit the field is read only and noted
 * (corpus_front_problem()). 0 on a syntax error.
 */
static int toml_value(toml_reader *tr, int k, const char *key, int item,
                      int depth)
{
    if (depth > MAX_TOML_DEPTH)
        return toml_fail(tr, "arrays nested too deep");
    if (tr->p >= tr->end || *tr->p == '\n')
        return toml_fail(tr, "no value after '='");
    char c = *tr->p;
    if (c == '"' || c == '\'') {
        char *v;
        size_t n;
        if (!toml_string(tr, &v, &n))
            return 0;
        if (k >= 0)
            corpus_front_take(tr->fm, k, v, v + n, item);
        free(v);
        return 1;
    }
    if (c == '[' || c == '{') {
        if (k >= 0 && corpus_front_is_text(k)) {
            corpus_front_problem(tr->fm, key, strlen(key),
                                 c == '[' ? "is an array" : "is a table");
            k = -1;
        }
        return c == '[' ? toml_array(tr, k, key, depth)
                        : toml_table(tr, k, key, item, depth);
    }
    const char *s = tr->p;
    while (tr->p < tr->end && !strchr(",]}#\n", *tr->p))
        tr->p++;
    const char *e = tr->p;
    corpus_trim_const(&s, &e);
    if (s == e)
        return toml_fail(tr, "no value after '='");
    if (k >= 0)
        corpus_front_take(tr->fm, k, s, e, item);
    return 1;
}

/*
 * corpus_md_read_toml - read the TOML block [s, e) (Hugo's front matter
 * between "+++" lines) into *fm: "key = value" lines at the top level
 * (keys under a [table] header belong to that table and are not the
 * article's), values as toml_value() reads them. A line that is not
 * valid TOML is left out and the rest read on; returns 1 when all was
 * valid, else 0 with the first problem in `err` ("line 3: no '=' after a
 * key"; lines count from the first line of the file).
 */
int corpus_md_read_toml(const char *s, const char *e, corpus_front_matter *fm,
                        char *err, size_t errlen)
{
    toml_reader tr = {.p = s, .end = e, .fm = fm};
    int in_table = 0;
    while (tr.p < tr.end && !corpus_front_nomem(fm)) {
        toml_blanks(&tr);
        if (tr.p < tr.end && *tr.p == '[') {
            in_table = 1;               /* [table] or [[array of tables]] */
        } else if (tr.p < tr.end && *tr.p != '#' && *tr.p != '\n') {
            const char *ks, *ke;
            int dotted, k = -1, ok = toml_key(&tr, &ks, &ke, &dotted);
            char key[24] = "";
            if (ok && !dotted && !in_table &&
                (k = corpus_front_field(ks, (size_t)(ke - ks))) >= 0) {
                snprintf(key, sizeof key, "%.*s", (int)(ke - ks), ks);
                corpus_front_begin(fm, k);
            }
            if (ok && (tr.p >= tr.end || *tr.p != '='))
                ok = toml_fail(&tr, "no '=' after a key");
            if (ok) {
                tr.p++;
                toml_blanks(&tr);
                ok = toml_value(&tr, k, key, 0, 0);
            }
            if (ok) {
                toml_blanks(&tr);
                if (tr.p < tr.end && *tr.p != '#' && *tr.p != '\n')
                    toml_fail(&tr, "more after a value");
            }
        }
        /* on to the next line (the rest of this one: a comment, or what
         * a problem left) */
        while (tr.p < tr.end && *tr.p != '\n')
            tr.p++;
        if (tr.p < tr.end)
            tr.p++;
    }
    if (!tr.error)
        return 1;
    unsigned long line = 2;             /* the block starts on line 2 */
    for (const char *q = s; q < tr.error_at; q++)
        line += *q == '\n';
    snprintf(err, errlen, "line %lu: %s", line, tr.error);
    return 0;
}
