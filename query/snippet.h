/*
 * snippet.h - plain-text snippets built on Xapian's MSet::snippet.
 */
#ifndef GAZETTE_SNIPPET_H
#define GAZETTE_SNIPPET_H

#include <stddef.h>

#include "xapian_shim.h"

/* Build a one-line plain-text snippet of about `length` bytes of `body`
 * around the matches of `mset`'s query. Xapian's HTML escaping is undone
 * and runs of white space become one space. Text with accents is given to
 * Xapian folded as the index is (fold.h), so that "Zurich" highlights
 * "Zürich", and the snippet is then copied from the original words. On
 * success *out is a new malloc()ed string without any markers, and
 * *highlights a new malloc()ed array of *nhighlights [start, end)
 * byte-offset pairs (2 * n entries) of the matched words in *out (NULL
 * when none); the caller frees both. */
xap_status gz_snippet_make(const xap_mset *mset, const xap_stem *stem,
                           const char *body, size_t body_len, size_t length,
                           char **out, size_t **highlights,
                           size_t *nhighlights);

/* The start of `body` as a plain-text snippet of at most about `length`
 * bytes (white space folded, cut after a whole word, "..." when cut): for
 * an article that matched by its title alone. New malloc()ed string, or
 * NULL when out of memory. */
char *gz_snippet_lead(const char *body, size_t body_len, size_t length);

/* `plain` with `hi_start`/`hi_end` inserted around each of the `n`
 * highlight pairs (as made by gz_snippet_make). New malloc()ed string, or
 * NULL when out of memory. */
char *gz_snippet_mark(const char *plain, const size_t *highlights, size_t n,
                      const char *hi_start, const char *hi_end);

#endif
