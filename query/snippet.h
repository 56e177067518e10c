/*
 * snippet.h - plain-text snippets built on Xapian's MSet::snippet.
 */
#ifndef GAZETTE_SNIPPET_H
#define GAZETTE_SNIPPET_H

#include <stddef.h>

#include "xapian_shim.h"

/* Build a one-line plain-text snippet of about `length` bytes of `body`
 * around the matches of `mset`'s query. Matched words are wrapped in
 * `hi_start`/`hi_end` (NULL = nothing). Xapian's HTML escaping is undone
 * and runs of white space become one space. On success *out is a new
 * malloc()ed string owned by the caller. */
xap_status gz_snippet_make(const xap_mset *mset, const xap_stem *stem,
                           const char *body, size_t body_len, size_t length,
                           const char *hi_start, const char *hi_end,
                           char **out);

#endif
