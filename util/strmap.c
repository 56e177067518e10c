/* strmap.c - string map (strmap.h). */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

static uint64_t hash_bytes(const char *s, size_t len)
{
    return gz_fnv1a64(GZ_FNV_BASIS, s, len);
}

void gz_strmap_free(gz_strmap *m)
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
static size_t slot_of(const gz_strmap *m, const char *k, size_t len)
{
    size_t i = (size_t)hash_bytes(k, len) & (m->cap - 1);
    while (m->keys[i] &&
           (m->lens[i] != len || memcmp(m->keys[i], k, len) != 0))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int grow(gz_strmap *m)
{
    gz_strmap g = {0};
    g.cap = m->cap ? m->cap * 2 : 64;
    g.keys = calloc(g.cap, sizeof *g.keys);
    g.lens = calloc(g.cap, sizeof *g.lens);
    g.vals = calloc(g.cap, sizeof *g.vals);
    if (!g.keys || !g.lens || !g.vals) {
        gz_strmap_free(&g);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = slot_of(&g, m->keys[i], m->lens[i]);
        g.keys[j] = m->keys[i];
        g.lens[j] = m->lens[i];
        g.vals[j] = m->vals[i];
        m->keys[i] = NULL;
    }
    g.n = m->n;
    gz_strmap_free(m);
    *m = g;
    return 0;
}

long gz_strmap_get(const gz_strmap *m, const char *k, size_t len)
{
    if (!m->cap)
        return -1;
    size_t i = slot_of(m, k, len);
    return m->keys[i] ? m->vals[i] : -1;
}

int gz_strmap_put(gz_strmap *m, const char *k, size_t len, long val)
{
    if ((m->n + 1) * 2 > m->cap && grow(m) != 0)
        return -1;
    size_t i = slot_of(m, k, len);
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

