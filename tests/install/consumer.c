/*
 * consumer.c - a program that embeds libgazette as an outside project
 * would: only <gazette.h>, strict C11 (or C++), the version macros.
 * Built and run by tests/install/check.sh against an installed prefix.
 *   consumer INDEX   writes two articles, searches them, reads one back
 */
#include <gazette.h>

#include <stdio.h>
#include <string.h>

#if !GAZETTE_CHECK_VERSION(0, 1, 0)
#error "gazette.h is older than 0.1.0"
#endif

static int put(gazette_writer_t *w, const char *id, const char *title,
               const char *body)
{
    gazette_article_t *a = NULL;
    gazette_status_t s = gazette_article_new(&a);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_set(a, GAZETTE_FIELD_ID, id);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_set(a, GAZETTE_FIELD_TITLE, title);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_set(a, GAZETTE_FIELD_BODY, body);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_writer_put(w, a);
    gazette_article_free(a);
    return s == GAZETTE_STATUS_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    gazette_writer_t *w = NULL;
    gazette_index_t *ix = NULL;
    gazette_results_t *r = NULL;
    gazette_article_t *back = NULL;
    if (argc != 2 || gazette_version_number() != GAZETTE_VERSION_NUMBER)
        return 2;
    if (gazette_writer_open(argv[1], NULL, 0, &w) != GAZETTE_STATUS_OK ||
        put(w, "a/1", "Lighthouse keepers", "Keepers of the lighthouse.") ||
        put(w, "a/2", "Canal barges", "Barges on the canal.") ||
        gazette_writer_close(w) != GAZETTE_STATUS_OK)
        return 3;
    if (gazette_index_open(argv[1], &ix) != GAZETTE_STATUS_OK ||
        gazette_search(ix, "lighthouse", NULL, &r) != GAZETTE_STATUS_OK ||
        gazette_results_count(r) != 1 ||
        strcmp(gazette_hit_id(gazette_results_hit(r, 0)), "a/1") != 0)
        return 4;
    if (gazette_index_get_article(ix, "a/2", &back) != GAZETTE_STATUS_OK ||
        strcmp(gazette_article_get(back, GAZETTE_FIELD_TITLE),
               "Canal barges") != 0)
        return 5;
    gazette_article_free(back);
    gazette_results_free(r);
    gazette_index_close(ix);
    /* exported, for bindings that cannot reach free() (NULL: no HOME) */
    gazette_free(gazette_default_index_path());
    printf("consumer: ok (libgazette %s)\n", gazette_version());
    return 0;
}
