/* entity_link.c - the string map of the extractor, and the linking of a
 * lone surname to the full name it shortens (entity_internal.h). */
#include "entity_internal.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"

static uint64_t hash_bytes(const char *s, size_t len)
{
    return gz_fnv1a64(GZ_FNV_BASIS, s, len);
}

void strmap_free(strmap *m)
{
    /* keys is NULL when the first allocation of a map failed */
    for (size_t i = 0; m->keys && i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->lens);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* Slot of key in m (cap > 0): where it is, or the empty slot to use. */
static size_t strmap_slot(const strmap *m, const char *k, size_t len)
{
    size_t i = (size_t)hash_bytes(k, len) & (m->cap - 1);
    while (m->keys[i] &&
           (m->lens[i] != len || memcmp(m->keys[i], k, len) != 0))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int strmap_grow(strmap *m)
{
    strmap g = {0};
    g.cap = m->cap ? m->cap * 2 : 64;
    g.keys = calloc(g.cap, sizeof *g.keys);
    g.lens = calloc(g.cap, sizeof *g.lens);
    g.vals = calloc(g.cap, sizeof *g.vals);
    if (!g.keys || !g.lens || !g.vals) {
        strmap_free(&g);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = strmap_slot(&g, m->keys[i], m->lens[i]);
        g.keys[j] = m->keys[i];
        g.lens[j] = m->lens[i];
        g.vals[j] = m->vals[i];
        m->keys[i] = NULL;
    }
    g.n = m->n;
    strmap_free(m);
    *m = g;
    return 0;
}

long strmap_get(const strmap *m, const char *k, size_t len)
{
    if (!m->cap)
        return -1;
    size_t i = strmap_slot(m, k, len);
    return m->keys[i] ? m->vals[i] : -1;
}

int strmap_put(strmap *m, const char *k, size_t len, long val)
{
    if ((m->n + 1) * 2 > m->cap && strmap_grow(m) != 0)
        return -1;
    size_t i = strmap_slot(m, k, len);
    if (!m->keys[i]) {
        char *copy = malloc(len + 1);
        if (!copy)
            return -1;
        memcpy(copy, k, len);
        copy[len] = '\0';
        m->keys[i] = copy;
        m->lens[i] = len;
        m->n++;
    }
    m->vals[i] = val;
    return 0;
}

/* --------------------------------------------------------------- linking */

/* 1 when every word of `name` starts with a capital and goes on in lower
 * case: "Antony Blinken", not "Bank of England", "NFU Scotland" or "Stade
 * de France", whose last word is a place of its own. */
static int is_plain_full_name(const char *name)
{
    const unsigned char *p = (const unsigned char *)name;
    const unsigned char *end = p + strlen(name);
    int word_start = 1;
    size_t upper_in_word = 0;
    while (p < end) {
        uint32_t c;
        p += gz_utf8_next(p, end, &c);
        if (c == ' ') {
            word_start = 1;
            upper_in_word = 0;
            continue;
        }
        if (word_start && !is_upper(c))
            return 0;
        word_start = 0;
        upper_in_word += is_upper(c) != 0;
        if (upper_in_word > 1 && p < end && *p != ' ' && is_upper(c))
            return 0;
    }
    return 1;
}

/* Link each one-word entity to the only multi-word entity that ends with
 * it ("Blinken" -> "Antony Blinken"), adding its mentions there. Only
 * plain full names (is_plain_full_name) take aliases. */
/* Merge each entity that is a date word and a name also found alone
 * ("Wednesday Tony Blair" and "Tony Blair") into that name: its mentions
 * go there, and it leaves the list. Returns 0, or -1 on out of memory. */
static int merge_dated_names(gz_entity_list *l)
{
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++) {
        gz_entity *e = &l->items[i];
        const char *sp = strchr(e->name, ' ');
        long into = -1;
        if (sp && gz_ew_word_in(EW_DATE_WORDS, e->name,
                                (size_t)(sp - e->name))) {
            char term[GZ_TERM_BUF];
            if (!gz_entity_term(sp + 1, term, sizeof term))
                return -1;
            for (size_t k = 0; k < l->n && into < 0; k++)
                if (k != i && strcmp(l->items[k].term, term) == 0)
                    into = (long)k;
        }
        if (into >= 0) {
            l->items[into].count += e->count;
            free(e->name);
            free(e->term);
            e->name = e->term = NULL;
            continue;
        }
    }
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].name)
            l->items[kept++] = l->items[i];
    l->n = kept;
    return 0;
}

int gz_entities_link(gz_entity_list *l)
{
    if (merge_dated_names(l) != 0)
        return -1;
    strmap last = {0};
    int r = 0;
    for (size_t i = 0; r == 0 && i < l->n; i++) {
        const char *name = l->items[i].name;
        const char *sp = strrchr(name, ' ');
        if (!sp || !is_plain_full_name(name))
            continue;
        long prev = strmap_get(&last, sp + 1, strlen(sp + 1));
        r = strmap_put(&last, sp + 1, strlen(sp + 1), prev == -1 ? (long)i
                                                                 : -2);
    }
    for (size_t i = 0; r == 0 && i < l->n; i++) {
        gz_entity *e = &l->items[i];
        if (strchr(e->name, ' '))
            continue;
        long full = strmap_get(&last, e->name, strlen(e->name));
        if (full >= 0) {
            e->alias_of = full;
            l->items[full].count += e->count;
        }
    }
    strmap_free(&last);
    return r;
}
