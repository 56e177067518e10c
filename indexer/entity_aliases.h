/*
 * entity_aliases.h - the entity aliases file of gazette-index
 * --entity-aliases (docs/entities.md, "Aliases").
 *
 * Format (UTF-8 text, one group of names per line):
 *
 *   # comment (from '#' to the end of the line)
 *   Manchester United = Man Utd, Man United
 *   World Health Organization = WHO, World Health Organisation
 *
 * The names of a line are one entity: entity:"Man Utd" also finds the
 * articles that name "Manchester United" and the other way round. Names
 * are matched as entity: matches them (case, accents and spacing aside).
 * Each line is its own group: "A = B" and "B = C" do not make A and C one.
 *
 * The groups are stored in the index, in its synonyms table under keys
 * that are entity terms (GZ_PREFIX_ENTITY + key): free-text synonyms
 * never use such keys, and --full carries them over with the synonyms.
 * The query side expands entity: filters with them (query/index.c).
 */
#ifndef GAZETTE_ENTITY_ALIASES_H
#define GAZETTE_ENTITY_ALIASES_H

#include <stddef.h>

#include "xapian_shim.h"

typedef struct gz_entity_aliases gz_entity_aliases;

/* Read and check the aliases file at `path`. On success *out is a new set
 * (gz_entity_aliases_free) and 0 is returned. On failure returns -1 with a
 * one-line reason in `err` ("FILE:LINE: ...") and errno set when the file
 * could not be read (0 for a syntax error). */
int gz_entity_aliases_read(const char *path, gz_entity_aliases **out,
                           char *err, size_t errlen);

void gz_entity_aliases_free(gz_entity_aliases *aliases);

/* Number of groups (lines with names) read. */
size_t gz_entity_aliases_count(const gz_entity_aliases *aliases);

/* Replace the entity aliases of the index open for writing as `w` with
 * `aliases` (the other synonyms stay). Not committed: the caller commits
 * with the rest of its changes. */
xap_status gz_entity_aliases_write(xap_writable *w,
                                   const gz_entity_aliases *aliases);

#endif
