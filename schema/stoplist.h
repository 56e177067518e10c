/*
 * stoplist.h - Gazette's English stoplist, shared by the query side
 * (query/ranking.c drops these words from queries) and the writer
 * (indexer/capitals.c: a word in capitals whose lower case is one of them,
 * "US", "IT", "WHO", is an acronym the plain term cannot stand for).
 * Private to libgazette.
 */
#ifndef GAZETTE_STOPLIST_H
#define GAZETTE_STOPLIST_H

#include <stddef.h>

/* Room for the whole list (a build-time bound checked in stoplist.c). */
#define GZ_STOPWORDS_MAX 256

extern const char *const gz_stopwords[];   /* sorted, lower case */
extern const size_t gz_nstopwords;

/* 1 when `word` (lower case) is in the list. */
int gz_is_stopword(const char *word);

#endif /* GAZETTE_STOPLIST_H */
