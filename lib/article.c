/* article.c - the article object: fields, tags, entities (gazette.h). */
#include "article.h"

#include <stdlib.h>
#include <string.h>

#include "corpus.h"

static const char *const field_names[GZ_ARTICLE_FIELDS] = {
    "id", "title", "body", "date", "author", "source", "url", "path"};

const char *gazette_field_name(gazette_field_t field)
{
    return (unsigned)field < GZ_ARTICLE_FIELDS ? field_names[field] : NULL;
}

gazette_status_t gazette_article_new(gazette_article_t **out)
{
    if (!out)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    *out = calloc(1, sizeof **out);
    return *out ? GAZETTE_STATUS_OK : GAZETTE_STATUS_OUT_OF_MEMORY;
}

static void free_list(gz_string_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}

void gazette_article_free(gazette_article_t *article)
{
    if (!article)
        return;
    for (size_t f = 0; f < GZ_ARTICLE_FIELDS; f++)
        free(article->fields[f]);
    free_list(&article->authors);
    free_list(&article->tags);
    free_list(&article->entities);
    free(article);
}

/* A copy of `value` as the file readers hand a field on (corpus.h):
 * control characters replaced by spaces, tab and line feed kept in the
 * body only, soft hyphens removed, a one-line field's spaces at both ends
 * trimmed. The id is
 * copied as given, as the readers keep a file's name. NULL when out of
 * memory. */
static char *clean_copy(gazette_field_t field, const char *value)
{
    if (field == GAZETTE_FIELD_ID)
        return strdup(value);
    char *copy = NULL;
    size_t len = 0;
    if (corpus_safe_copy(value, strlen(value), field == GAZETTE_FIELD_BODY,
                         &copy, &len) != 0)
        return NULL;
    return copy ? copy : strdup(value);
}

gazette_status_t gazette_article_set(gazette_article_t *article,
                                     gazette_field_t field, const char *value)
{
    /* the path is the file an article was read from: read back only (the
     * writer stores no path) */
    if (!article || (unsigned)field >= GZ_ARTICLE_FIELDS ||
        field == GAZETTE_FIELD_PATH)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    if (!value)
        value = "";
    /* The id is a file's name as an update run writes it (its path
     * relative to its corpus directory), bytes that need not be UTF-8:
     * refusing them would leave the writer unable to replace such an
     * article. It is analysed as the run analyses that name (the id
     * term, the default source of its first folder, the stored id): the
     * same code, on the same bytes. The other fields are text. */
    if (field != GAZETTE_FIELD_ID && !corpus_utf8_valid(value, strlen(value)))
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    char *copy = clean_copy(field, value);
    if (!copy)
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    free(article->fields[field]);
    article->fields[field] = copy;
    if (field == GAZETTE_FIELD_AUTHOR) {   /* one string: one author */
        free_list(&article->authors);
        article->byline_cap = 0;
    }
    return GAZETTE_STATUS_OK;
}

int gz_string_list_add(gz_string_list *list, const char *s, size_t len)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 4;
        char **grown = realloc(list->items, cap * sizeof *grown);
        if (!grown)
            return -1;
        list->items = grown;
        list->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    list->items[list->count++] = copy;
    return 0;
}

int gz_string_list_split(gz_string_list *list, const char *text, char sep)
{
    while (text && *text) {
        const char *end = strchr(text, sep);
        size_t len = end ? (size_t)(end - text) : strlen(text);
        if (len && gz_string_list_add(list, text, len) != 0)
            return -1;
        text = end ? end + 1 : NULL;
    }
    return 0;
}

/* 1 when `value` is one author with one of the first CORPUS_NAMES_DEDUP
 * names of `list` (corpus_name_key: "ann lee" is "Ann Lee"), as
 * corpus_emit drops a name a file lists twice; 0 when not, -1 when out
 * of memory. */
static int listed(const gz_string_list *list, const char *value)
{
    char *key = corpus_name_key(value);
    int found = key ? 0 : -1;
    for (size_t i = 0; !found && i < list->count && i < CORPUS_NAMES_DEDUP;
         i++) {
        char *other = corpus_name_key(list->items[i]);
        found = other ? strcmp(other, key) == 0 : -1;
        free(other);
    }
    free(key);
    return found;
}

/* Append `value` to `list` cleaned as the readers clean a one-line
 * value (corpus.h: control characters made spaces, the ends trimmed);
 * a value left empty is none, as the readers skip it, and so is one
 * `list` has when `once`. *added says whether it was appended (may be
 * NULL). */
static gazette_status_t add_clean(gz_string_list *list, const char *value,
                                  int once, int *added)
{
    if (added)
        *added = 0;
    if (!value || !corpus_utf8_valid(value, strlen(value)))
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    char *clean = NULL;
    size_t len = strlen(value);
    if (corpus_safe_copy(value, len, 0, &clean, &len) != 0)
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    const char *v = clean ? clean : value;
    int dup = *v && once ? listed(list, v) : 0;   /* -1: out of memory */
    int rc = dup < 0 ? -1 : 0;
    if (*v && !dup && (rc = gz_string_list_add(list, v, len)) == 0 && added)
        *added = 1;
    free(clean);
    return rc == 0 ? GAZETTE_STATUS_OK : GAZETTE_STATUS_OUT_OF_MEMORY;
}

gazette_status_t gazette_article_add_tag(gazette_article_t *article,
                                         const char *tag)
{
    if (!article)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    return add_clean(&article->tags, tag, 0, NULL);
}

/* Append `name` to the byline of `article`, after ", " unless it is
 * empty, in its buffer grown by doubling (byline_cap). Returns 0, or -1
 * when out of memory (the byline unchanged). */
static int append_to_byline(gazette_article_t *article, const char *name)
{
    char *byline = article->fields[GAZETTE_FIELD_AUTHOR];
    if (!byline || !article->byline_cap) {
        article->byline_len = byline ? strlen(byline) : 0;
        article->byline_cap = byline ? article->byline_len + 1 : 0;
    }
    const char *sep = article->byline_len ? ", " : "";
    size_t sep_len = strlen(sep), name_len = strlen(name);
    size_t need = article->byline_len + sep_len + name_len + 1;
    if (need > article->byline_cap) {
        char *grown = realloc(byline, need * 2);
        if (!grown)
            return -1;
        article->fields[GAZETTE_FIELD_AUTHOR] = byline = grown;
        article->byline_cap = need * 2;
    }
    memcpy(byline + article->byline_len, sep, sep_len);
    memcpy(byline + article->byline_len + sep_len, name, name_len + 1);
    article->byline_len += sep_len + name_len;
    return 0;
}

/* The author set as one string (gazette_article_set) becomes the first
 * name of the list when another is added: it is one author's name. */
gazette_status_t gazette_article_add_author(gazette_article_t *article,
                                            const char *name)
{
    if (!article)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    gz_string_list *list = &article->authors;
    const char *byline = article->fields[GAZETTE_FIELD_AUTHOR];
    int from_byline = !list->count && byline && *byline;
    if (from_byline && gz_string_list_add(list, byline, strlen(byline)) != 0)
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    int added = 0;
    gazette_status_t s = add_clean(list, name, 1, &added);
    if (s == GAZETTE_STATUS_OK && added &&
        append_to_byline(article, list->items[list->count - 1]) != 0)
        s = GAZETTE_STATUS_OUT_OF_MEMORY;
    if (s != GAZETTE_STATUS_OK || !added) {   /* the article as it was */
        if (added)
            free(list->items[--list->count]);
        if (from_byline)
            free_list(list);
    }
    return s;
}

const char *gazette_article_get(const gazette_article_t *article,
                                gazette_field_t field)
{
    if (!article || (unsigned)field >= GZ_ARTICLE_FIELDS ||
        !article->fields[field])
        return "";
    return article->fields[field];
}

size_t gazette_article_author_count(const gazette_article_t *article)
{
    if (!article)
        return 0;
    const char *byline = article->fields[GAZETTE_FIELD_AUTHOR];
    return article->authors.count ? article->authors.count
                                  : byline && *byline;
}

const char *gazette_article_author(const gazette_article_t *article,
                                   size_t i)
{
    if (!article || i >= gazette_article_author_count(article))
        return NULL;
    return article->authors.count ? article->authors.items[i]
                                  : article->fields[GAZETTE_FIELD_AUTHOR];
}

size_t gazette_article_tag_count(const gazette_article_t *article)
{
    return article ? article->tags.count : 0;
}

const char *gazette_article_tag(const gazette_article_t *article, size_t i)
{
    return article && i < article->tags.count ? article->tags.items[i] : NULL;
}

size_t gazette_article_entity_count(const gazette_article_t *article)
{
    return article ? article->entities.count : 0;
}

const char *gazette_article_entity(const gazette_article_t *article,
                                   size_t i)
{
    return article && i < article->entities.count
               ? article->entities.items[i]
               : NULL;
}
