/* buf.c - growing strings (buf.h). */
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void gz_buf_put(gz_buf *b, const char *s, size_t n)
{
    /* (the size check also tells gcc -O3 that n is bounded, which spares
     * a false -Wstringop-overflow) */
    if (b->failed || n > SIZE_MAX / 4 - b->len) {
        b->failed = 1;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void gz_buf_free(gz_buf *b)
{
    free(b->data);
    *b = (gz_buf){0};
}

char *gz_buf_take(gz_buf *b, size_t *len)
{
    if (!b->data)
        gz_buf_put(b, "", 0);   /* "" rather than NULL */
    if (b->failed) {
        gz_buf_free(b);
        return NULL;
    }
    char *s = b->data;
    *len = b->len;
    *b = (gz_buf){0};
    return s;
}
