/*
 * strmap.h - a map of byte strings (copied) to longs, open addressing
 * with linear probing, kept at most half full: the entity extractor's
 * word tables and the indexer's table of known files (a value there is an
 * index into the caller's own array). Private to libgazette.
 *
 * Zero it ({0}) to start; gz_strmap_free to end. Lookups of an empty map
 * allocate nothing.
 */
#ifndef GAZETTE_STRMAP_H
#define GAZETTE_STRMAP_H

#include <stddef.h>

typedef struct gz_strmap {
    char **keys;    /* cap slots, NULL = free; each a NUL-terminated copy */
    size_t *lens;
    long *vals;
    size_t cap, n;  /* slots (a power of two), keys stored */
} gz_strmap;

/* The value stored for [k, k+len), or -1 when absent. */
long gz_strmap_get(const gz_strmap *m, const char *k, size_t len);

/* Store [k, k+len) -> val, replacing any value it had. Returns 0, or -1
 * when out of memory (the map is as it was). */
int gz_strmap_put(gz_strmap *m, const char *k, size_t len, long val);

/* Free the keys and tables; the map is empty again. */
void gz_strmap_free(gz_strmap *m);

#endif /* GAZETTE_STRMAP_H */
