/*
 * entity_internal.h - what the parts of the entity extractor share
 * (private to indexer/): UTF-8 and character classes (here, inline), the
 * word lists (entity_words.c), a small string map and the linking of
 * names (entity_link.c). entities.c holds the scanner and the extractor.
 */
#ifndef GAZETTE_ENTITY_INTERNAL_H
#define GAZETTE_ENTITY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "entities.h"
#include "strmap.h"
#include "utf8.h"
#include "xapian_shim.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ word lists */

/* The lists of entity_words.c (the comments there say what each is). */
typedef enum gz_word_list {
    EW_STARTERS,
    EW_NEVER_ALONE,
    EW_COMMON_ACRONYMS,
    EW_TITLES,
    EW_CONNECTORS,
    EW_PARTICLES,
    EW_OF_HEADS,
    EW_NOT_A_NAME_TAIL,
    EW_POSSESSIVE_NAMES,
    EW_ABBREVIATIONS,
    EW_TITLE_SMALL_WORDS,
    EW_DATE_WORDS,
    EW_DATE_NAMES,
    EW_DATE_LEADS,
    EW_CAPS_FUNCTION_WORDS
} gz_word_list;

/* 1 when the word [w, w+len) lower-cased (ASCII) is in `list`. */
int gz_ew_word_in(gz_word_list list, const char *w, size_t len);

/* The words of `list` (sorted, lower case), *n of them: for tests. */
const char *const *gz_ew_list(gz_word_list list, size_t *n);

/* Lower-case ASCII copy of [w, w+len) into buf (`size` bytes); 0 when the
 * word has non-ASCII bytes or does not fit (no list word does). */
int gz_ew_ascii_lower(const char *w, size_t len, char *buf, size_t size);

/* Multi-word titles ("prime minister"), words separated by one space. */
extern const char *const gz_ew_title_phrases[];
extern const size_t gz_ew_ntitle_phrases;

/* ----------------------------------------------------------------- UTF-8 */

static inline int is_wordchar(uint32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9');
    return xap_unicode_is_wordchar(c);
}

static inline int is_upper(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    return xap_unicode_is_upper(c);
}

static inline int is_lower(uint32_t c)
{
    if (c < 0x80)
        return c >= 'a' && c <= 'z';
    return xap_unicode_is_lower(c);
}

static inline int is_hyphen(uint32_t c)
{
    return c == '-' || c == 0x2010 || c == 0x2011;
}

static inline int is_apostrophe(uint32_t c)
{
    return c == '\'' || c == 0x2019;
}

static inline int is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ||
           c == 0xA0 || c == 0x2009 || c == 0x202F || c == 0x200B;
}

/* --------------------------------------------------------------- linking */

/* Link the one-word entities of `l` to the full names they shorten
 * (entity_link.c). Returns 0, or -1 on out of memory. */
int gz_entities_link(gz_entity_list *l);

#endif /* GAZETTE_ENTITY_INTERNAL_H */
