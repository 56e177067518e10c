/* entity_link.c - the string map of the extractor, and the linking of a
 * lone surname to the full name it shortens (entity_internal.h). */
#include "entity_internal.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"

/* ---------------------------------------------------------- acronym heads */

/* 1 when the UTF-8 string `s` has a lower-case letter. */
static int has_lower(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + strlen(s);
    while (p < end) {
        uint32_t c;
        p += gz_utf8_next(p, end, &c);
        if (is_lower(c))
            return 1;
    }
    return 0;
}

size_t gz_entity_head_len(const char *name)
{
    const char *sp = strchr(name, ' ');
    if (!sp)
        return 0;
    const unsigned char *p = (const unsigned char *)name;
    const unsigned char *end = (const unsigned char *)sp;
    size_t letters = 0;
    while (p < end) {
        uint32_t c;
        int first = p == (const unsigned char *)name;
        p += gz_utf8_next(p, end, &c);
        /* "J.M.W. Turner": initials, not an acronym */
        if (c == '.' || is_lower(c) || (first && !is_upper(c)))
            return 0;
        letters += is_upper(c) != 0;
    }
    /* "KEY MATCH STATS", "BLACKBURN ROVERS": a heading in capitals,
     * whose first word is no acronym */
    if (!has_lower(sp))
        return 0;
    size_t len = (size_t)(sp - name);
    if (letters < 2 || gz_ew_word_in(EW_COMMON_ACRONYMS, name, len) ||
        gz_ew_word_in(EW_TITLES, name, len) ||
        gz_ew_word_in(EW_NEVER_ALONE, name, len))
        return 0;
    return len;
}

/* --------------------------------------------------------------- linking */

/* 1 when every word of `name` starts with a capital and goes on in lower
 * case: "Antony Blinken", not "Bank of England", "NFU Scotland" or "Stade
 * de France", whose last word is a place of its own. */
static int is_plain_full_name(const char *name)
{
    const unsigned char *p = (const unsigned char *)name;
    const unsigned char *end = p + strlen(name);
    int word_start = 1;
    size_t upper_in_word = 0;
    while (p < end) {
        uint32_t c;
        p += gz_utf8_next(p, end, &c);
        if (c == ' ') {
            word_start = 1;
            upper_in_word = 0;
            continue;
        }
        if (word_start && !is_upper(c))
            return 0;
        word_start = 0;
        upper_in_word += is_upper(c) != 0;
        if (upper_in_word > 1 && p < end && *p != ' ' && is_upper(c))
            return 0;
    }
    return 1;
}

/* Link each one-word entity to the only multi-word entity that ends with
 * it ("Blinken" -> "Antony Blinken"), adding its mentions there. Only
 * plain full names (is_plain_full_name) take aliases. */
/* Merge each entity that is a date word and a name also found alone
 * ("Wednesday Tony Blair" and "Tony Blair") into that name: its mentions
 * go there, and it leaves the list. Returns 0, or -1 on out of memory. */
static int merge_dated_names(gz_entity_list *l)
{
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++) {
        gz_entity *e = &l->items[i];
        const char *sp = strchr(e->name, ' ');
        long into = -1;
        if (sp && gz_ew_word_in(EW_DATE_WORDS, e->name,
                                (size_t)(sp - e->name))) {
            char term[GZ_TERM_BUF];
            if (!gz_entity_term(sp + 1, term, sizeof term))
                return -1;
            /* items merged already have a NULL term */
            for (size_t k = 0; k < l->n && into < 0; k++)
                if (k != i && l->items[k].term &&
                    strcmp(l->items[k].term, term) == 0)
                    into = (long)k;
        }
        if (into >= 0) {
            l->items[into].count += e->count;
            free(e->name);
            free(e->term);
            e->name = e->term = NULL;
            continue;
        }
    }
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].name)
            l->items[kept++] = l->items[i];
    l->n = kept;
    return 0;
}

int gz_entities_link(gz_entity_list *l)
{
    if (merge_dated_names(l) != 0)
        return -1;
    gz_strmap last = {0};
    int r = 0;
    for (size_t i = 0; r == 0 && i < l->n; i++) {
        const char *name = l->items[i].name;
        const char *sp = strrchr(name, ' ');
        if (!sp || !is_plain_full_name(name))
            continue;
        long prev = gz_strmap_get(&last, sp + 1, strlen(sp + 1));
        r = gz_strmap_put(&last, sp + 1, strlen(sp + 1), prev == -1 ? (long)i
                                                                 : -2);
    }
    for (size_t i = 0; r == 0 && i < l->n; i++) {
        gz_entity *e = &l->items[i];
        if (strchr(e->name, ' '))
            continue;
        long full = gz_strmap_get(&last, e->name, strlen(e->name));
        if (full >= 0) {
            e->alias_of = full;
            l->items[full].count += e->count;
        }
    }
    gz_strmap_free(&last);
    return r;
}
