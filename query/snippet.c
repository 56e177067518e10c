/* snippet.c - plain-text snippets (snippet.h). */
#include "snippet.h"

#include <stdlib.h>
#include <string.h>

/* Xapian escapes HTML in snippets and puts the highlight markers in raw.
 * Asking it for control-character markers lets us undo the escaping
 * without touching the caller's markers, whatever they contain. */
#define MARK_START "\x01"
#define MARK_END "\x02"

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

/* Rewrite Xapian's escaped, marked snippet into plain text in `out` (at
 * most strlen(raw) + 1 bytes), recording each marked span's offsets in
 * `hl` (room for 2 * number of MARK_START). Returns the number of spans. */
static size_t unescape(const char *raw, char *out, size_t *hl)
{
    char *o = out;
    size_t n_hl = 0;
    int in_space = 1;   /* drops leading white space */
    for (const char *p = raw; *p;) {
        char ch;
        size_t n = match_entity(p, &ch);
        if (*p == MARK_START[0] || *p == MARK_END[0]) {
            if (*p == MARK_START[0])
                hl[2 * n_hl] = (size_t)(o - out);
            else
                hl[2 * n_hl++ + 1] = (size_t)(o - out);
            in_space = 0;
            p++;
            continue;
        }
        if (n == 0) {
            ch = *p;
            n = 1;
        }
        p += n;
        if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
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
    if (!memchr(body, MARK_START[0], len) && !memchr(body, MARK_END[0], len))
        return body;
    if (!(*copy = malloc(len + 1)))
        return NULL;
    for (size_t i = 0; i < len; i++)
        (*copy)[i] = body[i] == MARK_START[0] || body[i] == MARK_END[0]
                         ? ' ' : body[i];
    (*copy)[len] = '\0';
    return *copy;
}

xap_status gz_snippet_make(const xap_mset *mset, const xap_stem *stem,
                           const char *body, size_t body_len, size_t length,
                           char **out, size_t **highlights,
                           size_t *nhighlights)
{
    char *raw = NULL, *copy = NULL;
    const char *text = without_markers(body, body_len, &copy);
    if (!text)
        return XAP_ERR_NOMEM;
    xap_status s = xap_mset_snippet(
        mset, text, body_len, length, stem,
        XAP_SNIPPET_BACKGROUND_MODEL | XAP_SNIPPET_EXHAUSTIVE, MARK_START,
        MARK_END, "...", &raw);
    free(copy);
    if (s != XAP_OK)
        return s;
    size_t marks = 0;
    for (const char *p = raw; *p; p++)
        marks += *p == MARK_START[0];
    char *plain = malloc(strlen(raw) + 1);
    size_t *hl = marks ? malloc(2 * marks * sizeof *hl) : NULL;
    if (!plain || (marks && !hl)) {
        free(raw);
        free(plain);
        free(hl);
        return XAP_ERR_NOMEM;
    }
    *nhighlights = unescape(raw, plain, hl);
    free(raw);
    *out = plain;
    *highlights = hl;
    return XAP_OK;
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
