/*
 * buf.h - a growing, always NUL-terminated string, for the layers that
 * build text piece by piece (HTML text, query rewriting, snippets,
 * suggestions). Private to libgazette.
 *
 * Errors are sticky: once an allocation fails, `failed` is set and every
 * later append does nothing, so a caller appends freely and checks once at
 * the end. A zeroed gz_buf ({0}) is empty and ready; `data` stays NULL
 * until the first append. The caller owns `data` (free() it, or
 * gz_buf_free).
 */
#ifndef GAZETTE_BUF_H
#define GAZETTE_BUF_H

#include <stddef.h>

typedef struct gz_buf {
    char *data;    /* NUL-terminated once anything was appended */
    size_t len;    /* bytes in data, without the NUL */
    size_t cap;    /* bytes allocated */
    int failed;    /* an allocation failed (sticky) */
} gz_buf;

/* Append [s, s+n). */
void gz_buf_put(gz_buf *b, const char *s, size_t n);

/* Free the data and make `b` empty again (failed cleared). */
void gz_buf_free(gz_buf *b);

/* The string built, handed to the caller (free() it), its length in
 * *len: an allocated "" when nothing was appended. NULL, the data freed,
 * when an allocation failed. `b` is empty afterwards. */
char *gz_buf_take(gz_buf *b, size_t *len);

#endif /* GAZETTE_BUF_H */
