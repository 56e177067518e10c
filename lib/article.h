/*
 * article.h - the article object of gazette.h, as the engine sees it:
 * the writer reads its fields, gazette_index_get_article fills one.
 * Private: not installed.
 */
#ifndef GAZETTE_ARTICLE_H
#define GAZETTE_ARTICLE_H

#include <stddef.h>

#include "gazette.h"

/* Fields GAZETTE_FIELD_ID .. GAZETTE_FIELD_PATH. */
#define GZ_ARTICLE_FIELDS 8

typedef struct gz_string_list {
    char **items;
    size_t count;
    size_t cap;   /* room in items, grown by doubling */
} gz_string_list;

struct gazette_article {
    char *fields[GZ_ARTICLE_FIELDS];   /* NULL means "" */
    /* The authors given one by one (gazette_article_add_author), whose
     * names joined with ", " are fields[GAZETTE_FIELD_AUTHOR]; empty
     * when the author was set as one string. */
    gz_string_list authors;
    /* The length of that byline, and the size of its buffer, which grows
     * by doubling as names are added (adding n names copies O(n) bytes,
     * not a new join of them all each time); byline_cap 0: not known
     * (the byline set as one string, or read back). */
    size_t byline_len, byline_cap;
    gz_string_list tags;
    gz_string_list entities;
};

/* Append a copy of [s, s+len) to `list`; 0, or -1 when out of memory. */
int gz_string_list_add(gz_string_list *list, const char *s, size_t len);

/* Split `text` at each `sep` and add the non-empty items to `list`. */
int gz_string_list_split(gz_string_list *list, const char *text, char sep);

#endif
