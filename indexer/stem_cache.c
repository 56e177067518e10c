/* stem_cache.c - a stemmer that remembers its stems (stem_cache.h). */
#include "stem_cache.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "schema.h"
#include "strmap.h"

typedef struct stem_cache {
    xap_stem *real;     /* Xapian's stemmer for the language */
    int cjk_unstemmed;  /* CJK n-grams get no stem (stem_cache.h) */
    gz_strmap stems;    /* word -> offset of its stem in `arena` */
    gz_buf arena;       /* the stems, each NUL-terminated, back to back */
} stem_cache;

/* Forget every word (the cache is full). */
static void start_afresh(stem_cache *c)
{
    gz_strmap_free(&c->stems);
    gz_buf_free(&c->arena);
}

/*
 * xap_stem_fn: the stem of [word, word+len) from the cache, else from
 * Snowball (then remembered). The returned bytes live in the arena until
 * the next call. NULL when Snowball failed or memory ran out.
 */
static const char *cached_stem(const char *word, size_t len,
                               size_t *stem_len, void *ctx)
{
    stem_cache *c = ctx;
    if (c->cjk_unstemmed && gz_cjk_at(word, len)) {
        *stem_len = 0;
        return "";
    }
    long at = gz_strmap_get(&c->stems, word, len);
    if (at >= 0) {
        *stem_len = strlen(c->arena.data + at);
        return c->arena.data + at;
    }
    char *copy = strndup(word, len);   /* xap_stem_word reads a C string */
    char *stem = NULL;
    xap_status s = copy ? xap_stem_word(c->real, copy, &stem)
                        : XAP_ERR_NOMEM;
    free(copy);
    if (s != XAP_OK)
        return NULL;
    if (c->stems.n >= GZ_STEM_CACHE_WORDS)
        start_afresh(c);
    size_t offset = c->arena.len;
    gz_buf_put(&c->arena, stem, strlen(stem) + 1);   /* with its NUL */
    free(stem);
    if (c->arena.failed ||
        gz_strmap_put(&c->stems, word, len, (long)offset) != 0) {
        start_afresh(c);
        return NULL;
    }
    *stem_len = strlen(c->arena.data + offset);
    return c->arena.data + offset;
}

static void release_cache(void *ctx)
{
    stem_cache *c = ctx;
    start_afresh(c);
    xap_stem_free(c->real);
    free(c);
}

xap_status gz_stem_cache_new(const char *language, int cjk_unstemmed,
                             xap_stem **out)
{
    if (strcmp(language, "none") == 0)
        return xap_stem_new(language, out);   /* nothing to remember */
    stem_cache *c = calloc(1, sizeof *c);
    if (!c)
        return XAP_ERR_NOMEM;
    xap_status s = xap_stem_new(language, &c->real);
    if (s != XAP_OK) {
        free(c);
        return s;
    }
    c->cjk_unstemmed = cjk_unstemmed != 0;
    return xap_stem_new_custom(cached_stem, c, release_cache, out);
}
