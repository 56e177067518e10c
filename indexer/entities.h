/*
 * entities.h - named entities of an article: runs of capitalised words
 * ("Antony Blinken", "Mohammed bin Salman", "Bank of England", "Gaza"),
 * found by a deterministic heuristic at index time. docs/entities.md
 * describes the rules and their measured precision.
 */
#ifndef GAZETTE_ENTITIES_H
#define GAZETTE_ENTITIES_H

#include <stddef.h>

/* At most this many distinct entities are kept per article (the first
 * ones in reading order); later new names are ignored. Bounds the size of
 * the facet value of a huge article. */
#define GZ_ENTITIES_MAX 1000

typedef struct gz_entity {
    char *name;       /* display form, as first seen ("Antony Blinken") */
    char *term;       /* its boolean term, from gz_entity_term() */
    unsigned count;   /* mentions in the article (aliases included) */
    long alias_of;    /* -1, or index of the fuller name this one shortens:
                       * "Blinken" when "Antony Blinken" is in the article */
} gz_entity;

typedef struct gz_entity_list {
    gz_entity *items; /* in order of first appearance */
    size_t n;
    size_t cap;
} gz_entity_list;

/* Extract the entities of an article from its title and body (UTF-8; bytes
 * that are not valid UTF-8 are read as Latin-1). `title` may be NULL.
 * `out` must be zeroed ({0}) or previously freed; on success it holds the
 * entities, owned by it (gz_entity_list_free). Returns 0, or -1 when
 * memory ran out (`out` is then empty).
 *
 * An article whose words are mostly upper case (teletype archives such as
 * the TIME collection) gives no entities, since capitals carry no
 * information there; a Title Case title is skipped for the same reason. */
int gz_entities_extract(const char *title, const char *body, size_t body_len,
                        gz_entity_list *out);

/* What the index knows about a word, to tell a name that starts a
 * sentence ("Hezbollah fighters ...") from a capitalised common word
 * ("Officials said ..."): is_name(word, len, ctx) returns 1 when the
 * index's other articles write [word, word+len) capitalised in
 * mid-sentence as a rule (analyze.c asks the capitals terms,
 * indexer/capitals.h). */
typedef struct gz_entity_lexicon {
    int (*is_name)(const char *word, size_t len, void *ctx);
    void *ctx;
} gz_entity_lexicon;

/* gz_entities_extract with a lexicon (NULL: none): a lone word at the
 * start of a sentence is also a name when the lexicon says so. Results
 * then depend on what the index held when the article was analysed. */
int gz_entities_extract_with(const char *title, const char *body,
                             size_t body_len, const gz_entity_lexicon *lexicon,
                             gz_entity_list *out);

/* Tokens of one text the extractor keeps between its passes (65 536 by
 * default; past that it scans the text again, with the same result).
 * For tests (0: always scan); not thread-safe. */
void gz_entities_set_token_cache_max(size_t tokens);

/* Bytes of the acronym that opens the entity `name` ("BBC" of "BBC
 * News", "UN" of "UN Security Council"), or 0: the name has several
 * words, the first in capitals (two or more letters, no full stop) and
 * some later one not ("KEY MATCH STATS" is a heading), and the first is no
 * common acronym, title or word never a name alone ("PC"
 * of "PC World", "MP", "DJ"). Its article gets the head terms of that
 * word and of each longer prefix of the name too (gz_entity_head_term,
 * schema.h), so that entity:BBC finds the article that only writes "BBC
 * News", and entity:"BBC Radio" one that writes "BBC Radio Five Live".
 * Only acronyms: a capitalised first word is
 * as often a first name ("Tony Blair") as a name of its own. */
size_t gz_entity_head_len(const char *name);

/* Free the names and the array; leaves `list` empty and reusable. */
void gz_entity_list_free(gz_entity_list *list);

#endif /* GAZETTE_ENTITIES_H */
