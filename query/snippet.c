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

/* Bytes of the plain form of `raw` with markers expanded. */
static size_t plain_size(const char *raw, size_t start_len, size_t end_len)
{
    size_t n = 1;
    for (const char *p = raw; *p; p++)
        n += *p == MARK_START[0] ? start_len : *p == MARK_END[0] ? end_len : 1;
    return n;
}

/* Rewrite Xapian's escaped, marked snippet into plain text in `out`. */
static void unescape(const char *raw, const char *hi_start,
                     const char *hi_end, char *out)
{
    char *o = out;
    int in_space = 1;   /* drops leading white space */
    for (const char *p = raw; *p;) {
        char ch;
        size_t n = match_entity(p, &ch);
        if (*p == MARK_START[0] || *p == MARK_END[0]) {
            const char *m = *p == MARK_START[0] ? hi_start : hi_end;
            size_t mlen = strlen(m);
            memcpy(o, m, mlen);
            o += mlen;
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
}

xap_status gz_snippet_make(const xap_mset *mset, const xap_stem *stem,
                           const char *body, size_t body_len, size_t length,
                           const char *hi_start, const char *hi_end,
                           char **out)
{
    char *raw = NULL;
    xap_status s = xap_mset_snippet(mset, body, body_len, length, stem,
                                    XAP_SNIPPET_BACKGROUND_MODEL | XAP_SNIPPET_EXHAUSTIVE, MARK_START,
                                    MARK_END, "...", &raw);
    if (s != XAP_OK)
        return s;
    hi_start = hi_start ? hi_start : "";
    hi_end = hi_end ? hi_end : "";
    char *plain = malloc(plain_size(raw, strlen(hi_start), strlen(hi_end)));
    if (!plain) {
        free(raw);
        return XAP_ERR_NOMEM;
    }
    unescape(raw, hi_start, hi_end, plain);
    free(raw);
    *out = plain;
    return XAP_OK;
}
