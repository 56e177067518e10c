/*
 * fuzz_entities.c - gz_entities_extract() (indexer/entities.h): the input
 * up to its first newline is the title (none when there is no newline),
 * the rest the body, as raw bytes (not necessarily UTF-8, which the
 * function must take). Checks: at most GZ_ENTITIES_MAX entities, each
 * with a non-empty UTF-8 name, a term, a count of at least one, and an
 * alias_of that names another entity of the list; the list frees cleanly
 * and is reusable.
 */
#include <stdlib.h>
#include <string.h>

#include "entities.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* NUL-terminated copies: the title is a C string, the body too. */
    const uint8_t *nl = memchr(data, '\n', size);
    size_t tlen = nl ? (size_t)(nl - data) : 0;
    size_t boff = nl ? tlen + 1 : 0;
    char *title = NULL;
    if (nl) {
        title = malloc(tlen + 1);
        FUZZ_CHECK(title != NULL);
        memcpy(title, data, tlen);
        title[tlen] = '\0';
    }
    size_t blen = size - boff;
    char *body = malloc(blen + 1);
    FUZZ_CHECK(body != NULL);
    memcpy(body, data + boff, blen);
    body[blen] = '\0';

    int utf8 = corpus_utf8_valid(body, blen) &&
               (!title || corpus_utf8_valid(title, tlen));
    gz_entity_list list = {0};
    if (gz_entities_extract(title, body, blen, &list) == 0) {
        FUZZ_CHECK(list.n <= GZ_ENTITIES_MAX);
        for (size_t i = 0; i < list.n; i++) {
            const gz_entity *e = &list.items[i];
            FUZZ_CHECK(e->name && *e->name);
            FUZZ_CHECK(!utf8 || corpus_utf8_valid(e->name, strlen(e->name)));
            FUZZ_CHECK(e->term && *e->term);
            FUZZ_CHECK(e->count >= 1);
            FUZZ_CHECK(e->alias_of >= -1 && e->alias_of < (long)list.n &&
                       e->alias_of != (long)i);
        }
    }
    gz_entity_list_free(&list);
    FUZZ_CHECK(list.n == 0);
    free(title);
    free(body);
    return 0;
}
