/*
 * synonyms.h - the synonyms file of gazette-index --synonyms.
 *
 * Format (UTF-8 text, one rule per line):
 *
 *   # comment (from '#' to the end of the line)
 *   truce = ceasefire, armistice
 *   prime minister = premier
 *
 * A query word (or phrase of words, left of '=') also finds the synonyms on
 * the right, in any of their stemmed forms. Synonyms are single words.
 * Rules are one-way: add "ceasefire = truce" too for the other direction.
 * Case and accents are ignored: the index stores the words folded and
 * lower-cased as the text and the query are ("Zürich = genève" is kept
 * as zurich = genev, the stem of geneve).
 */
#ifndef GAZETTE_SYNONYMS_H
#define GAZETTE_SYNONYMS_H

#include <stddef.h>

#include "xapian_shim.h"

typedef struct gz_synonyms gz_synonyms;

/* Read and check the synonyms file at `path`. On success *out is a new
 * rule set (gz_synonyms_free) and 0 is returned. On failure returns -1
 * with a one-line reason in `err` ("FILE:LINE: ...") and errno set when
 * the file could not be read (0 for a syntax error). */
int gz_synonyms_read(const char *path, gz_synonyms **out, char *err,
                     size_t errlen);

/* The rules an index recorded (its GZ_META_SYNONYMS, `text`, as
 * gz_synonyms_write writes them) into a new rule set *out: 0, -1 when
 * they do not read as rules, -2 when memory ran out. */
int gz_synonyms_parse(const char *text, gz_synonyms **out);

void gz_synonyms_free(gz_synonyms *syn);

/* Number of rules read. */
size_t gz_synonyms_count(const gz_synonyms *syn);

/* Replace all synonyms of the index open for writing as `w` with `syn`,
 * stemming with `language` (a Snowball name or "none"), and record the
 * rules as read in its GZ_META_SYNONYMS (the stems cannot be read back
 * into words). Not committed: the caller commits with the rest of its
 * changes. */
xap_status gz_synonyms_write(xap_writable *w, const gz_synonyms *syn,
                             const char *language);

/* A synonym key or value `term` of an index, as gz_synonyms_write writes
 * it now: accents folded and lower-cased after the stem prefix, if any;
 * an entity alias's term (GZ_PREFIX_ENTITY) unchanged. A new string in
 * *out. For the rules an index written before kept unfolded ("zürich",
 * "Zcafé"), which no query word met; a --full rebuild carries its rules
 * through it. */
xap_status gz_synonyms_fold_term(const char *term, char **out);

#endif
