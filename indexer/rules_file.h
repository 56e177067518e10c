/*
 * rules_file.h - what the synonyms file and the entity aliases file have
 * in common: lines of "key = value, value", '#' starting a comment, read
 * one line at a time with errors naming "path:line"; and the synonym keys
 * of an index, which both replace wholesale on each run. Private to
 * libgazette's indexer.
 */
#ifndef GAZETTE_RULES_FILE_H
#define GAZETTE_RULES_FILE_H

#include <stddef.h>

#include "xapian_shim.h"

/* Parse one line of a rules file (comment already cut, newline kept).
 * `where` is "path:line" for messages. Returns 0, -1 (a syntax error: a
 * one-line message in err) or -2 (out of memory). */
typedef int (*gz_rules_line_fn)(char *line, const char *where, void *ctx,
                                char *err, size_t errlen);

/* Read the file at `path` line by line through `fn`, stopping at the
 * first error. `what` names the file in messages ("synonyms file").
 * Returns 0, or -1 with a one-line message in err and errno set: the
 * open's errno, the read's (EISDIR for a directory; EIO when it set
 * none), ENOMEM when out of memory, 0 for a syntax error. */
int gz_rules_file_read(const char *path, const char *what,
                       gz_rules_line_fn fn, void *ctx, char *err,
                       size_t errlen);

/* The synonym keys of `db` that start with `prefix` ("" = all), copied
 * into a new array (*keys, *count; free with gz_rules_keys_free). Returns
 * XAP_OK, a shim error, or XAP_ERR_NOMEM. */
xap_status gz_rules_synonym_keys(const xap_database *db, const char *prefix,
                                 char ***keys, size_t *count);

void gz_rules_keys_free(char **keys, size_t count);

#endif /* GAZETTE_RULES_FILE_H */
