/*
 * test_scale.c - the search paths made for speed and for more than one
 * index: snippets made on demand from the densest region of a long
 * article, results that outlive their index, several indexes searched as
 * one (local, stub files), hits that say which index they came from.
 *
 * The corpus is generated (seeded, in a scratch directory) and indexed
 * with the real gazette-index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gazette.h"
#include "test_util.h"

static struct {
    char *tmp;
    char db[4096];      /* the long articles */
    char harbour[4096]; /* another corpus: one article */
    char copy[4096];    /* the long articles again, indexed apart */
    char french[4096];  /* stemmed in French */
} fx;

/* Filler prose: sentences of common words, none of the test's query
 * words. */
static void filler(char *buf, size_t size, unsigned seed)
{
    static const char *const words[] = {
        "river", "market", "council", "weather", "harbour", "village",
        "morning", "station", "bridge", "garden", "teacher", "library",
        "orchard", "festival", "railway", "evening", "mountain", "kitchen"};
    size_t n = sizeof words / sizeof *words, len = 0;
    buf[0] = '\0';
    for (unsigned i = 0; len + 40 < size; i++) {
        seed = seed * 1103515245u + 12345u;
        int w = snprintf(buf + len, size - len, "%s%s%s",
                         i % 9 == 0 ? "The " : "",
                         words[(seed >> 16) % n],
                         i % 9 == 8 ? ". " : " ");
        len += (size_t)w;
    }
}

/* An article of about 8 KB whose only mention of `word` is 6 KB in. */
static void write_long_article(const char *name, const char *title,
                               const char *word, unsigned seed)
{
    char head[6200], tail[2000], text[9000];
    filler(head, sizeof head, seed);
    filler(tail, sizeof tail, seed + 1);
    snprintf(text, sizeof text, "Title: %s\n\n%s The %s of the old town "
             "was restored. %s\n", title, head, word, tail);
    tu_write_file(fx.tmp, name, text, strlen(text));
}

static int group_setup(void **state)
{
    (void)state;
    fx.tmp = tu_mkdtemp("scale");
    write_long_article("corpus/news/lighthouse.txt", "A long report",
                       "lighthouse", 7);
    write_long_article("corpus/news/windmill.txt", "Windmill notes",
                       "granary", 11);
    const char *harbour = "Title: Harbour works\n\nThe quay was rebuilt "
                          "after the winter storms.\n";
    tu_write_file(fx.tmp, "other/news/harbour.txt", harbour, strlen(harbour));
    snprintf(fx.db, sizeof fx.db, "%s/idx", fx.tmp);
    snprintf(fx.harbour, sizeof fx.harbour, "%s/harbour.idx", fx.tmp);
    snprintf(fx.copy, sizeof fx.copy, "%s/copy.idx", fx.tmp);
    snprintf(fx.french, sizeof fx.french, "%s/french.idx", fx.tmp);
    const char *index = tu_binary("gazette-index");
    if (tu_run("'%s' --quiet --db '%s' '%s/corpus'", index, fx.db,
               fx.tmp) != 0 ||
        tu_run("'%s' --quiet --db '%s' '%s/other'", index, fx.harbour,
               fx.tmp) != 0 ||
        tu_run("'%s' --quiet --db '%s' '%s/corpus'", index, fx.copy,
               fx.tmp) != 0 ||
        tu_run("'%s' --quiet --language french --db '%s' '%s/other'", index,
               fx.french, fx.tmp) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rmtree(fx.tmp);
    free(fx.tmp);
    return 0;
}

/* One search with 200-byte snippets marked [ ]; the index is closed
 * before the results are read, which must not matter. */
static gazette_results_t *search_closed(const char *query)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(fx.db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_snippet(opts, 200, "[", "]"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, query, opts, &r),
                     GAZETTE_STATUS_OK);
    gazette_search_options_free(opts);
    gazette_index_close(index);
    return r;
}

/* The snippet comes from where the word is, 6 KB into the text, marked,
 * with "..." where text was left out before and after it; and it is made
 * after the index was closed. */
static void test_snippet_far_into_text(void **state)
{
    (void)state;
    gazette_results_t *r = search_closed("lighthouse");
    assert_int_equal(gazette_results_count(r), 1);
    const gazette_hit_t *h = gazette_results_hit(r, 0);
    const char *snip = gazette_hit_snippet(h);
    assert_non_null(strstr(snip, "[lighthouse]"));
    assert_true(strncmp(snip, "...", 3) == 0);
    assert_true(strlen(gazette_hit_plain_snippet(h)) < 400);
    assert_int_equal(gazette_hit_highlight_count(h), 1);
    size_t start = 0, end = 0;
    gazette_hit_highlight(h, 0, &start, &end);
    assert_int_equal(end - start, strlen("lighthouse"));
    assert_memory_equal(gazette_hit_plain_snippet(h) + start, "lighthouse",
                        end - start);
    gazette_results_free(r);
}

/* A stem finds its inflected forms ("granaries" finds "granary"), and a
 * wildcard ("lighth*") finds its word, however far into the text. */
static void test_snippet_stems_and_wildcards(void **state)
{
    (void)state;
    gazette_results_t *r = search_closed("granaries");
    assert_int_equal(gazette_results_count(r), 1);
    assert_non_null(strstr(gazette_hit_snippet(gazette_results_hit(r, 0)),
                           "[granary]"));
    gazette_results_free(r);
    r = search_closed("lighth*");
    assert_int_equal(gazette_results_count(r), 1);
    assert_non_null(strstr(gazette_hit_snippet(gazette_results_hit(r, 0)),
                           "[lighthouse]"));
    gazette_results_free(r);
}

/* A match in the title only: the snippet is the start of the text. */
static void test_snippet_title_only(void **state)
{
    (void)state;
    gazette_results_t *r = search_closed("windmill");
    assert_int_equal(gazette_results_count(r), 1);
    const char *snip = gazette_hit_snippet(gazette_results_hit(r, 0));
    assert_true(strlen(snip) > 100);
    assert_null(strchr(snip, '['));
    assert_true(strncmp(snip, "The ", 4) == 0);
    gazette_results_free(r);
}

/* Without snippets nothing is made, and asking gives "". */
static void test_no_snippets(void **state)
{
    (void)state;
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(fx.db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_snippet(opts, 0, NULL, NULL),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, "lighthouse", opts, &r),
                     GAZETTE_STATUS_OK);
    const gazette_hit_t *h = gazette_results_hit(r, 0);
    assert_string_equal(gazette_hit_snippet(h), "");
    assert_int_equal(gazette_hit_highlight_count(h), 0);
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
}

/* gazette_index_get_article finds an article in whichever index. */
static void article_in_either(gazette_index_t *index)
{
    gazette_article_t *a = NULL;
    assert_int_equal(gazette_index_get_article(index, "news/harbour.txt", &a),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_TITLE),
                        "Harbour works");
    gazette_article_free(a);
}

static gazette_index_t *open_two(const char *a, const char *b)
{
    const char *locations[2] = {a, b};
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open_multi(locations, 2, 0, &index),
                     GAZETTE_STATUS_OK);
    return index;
}

static gazette_results_t *search(gazette_index_t *index, const char *q,
                                 int collapse)
{
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    gazette_search_options_set_collapse_duplicates(opts, collapse);
    assert_int_equal(gazette_search(index, q, opts, &r), GAZETTE_STATUS_OK);
    gazette_search_options_free(opts);
    return r;
}

/* Two indexes searched as one: each hit names the index it came from,
 * as given; the count is the sum. */
static void test_two_indexes(void **state)
{
    (void)state;
    gazette_index_t *index = open_two(fx.db, fx.harbour);
    assert_int_equal(gazette_index_location_count(index), 2);
    assert_string_equal(gazette_index_location(index, 0), fx.db);
    assert_null(gazette_index_location(index, 2));
    uint64_t n = 0;
    assert_int_equal(gazette_index_article_count(index, &n),
                     GAZETTE_STATUS_OK);
    assert_int_equal(n, 3);
    gazette_results_t *r = search(index, "quay", 1);
    assert_int_equal(gazette_results_count(r), 1);
    assert_string_equal(gazette_hit_index(gazette_results_hit(r, 0)),
                        fx.harbour);
    assert_string_equal(gazette_results_warning(r), "");
    gazette_results_free(r);
    r = search(index, "lighthouse OR quay", 1);
    assert_int_equal(gazette_results_count(r), 2);
    for (size_t i = 0; i < 2; i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        assert_string_equal(gazette_hit_index(h),
                            strstr(gazette_hit_id(h), "harbour")
                                ? fx.harbour : fx.db);
    }
    gazette_results_free(r);
    article_in_either(index);
    gazette_index_close(index);
}

/* The same article in two indexes: one hit with one duplicate, or, with
 * duplicates shown, two hits with the same id told apart by their
 * index. */
static void test_same_id_in_two_indexes(void **state)
{
    (void)state;
    gazette_index_t *index = open_two(fx.db, fx.copy);
    gazette_results_t *r = search(index, "lighthouse", 1);
    assert_int_equal(gazette_results_count(r), 1);
    assert_int_equal(gazette_hit_duplicates(gazette_results_hit(r, 0)), 1);
    gazette_results_free(r);
    r = search(index, "lighthouse", 0);
    assert_int_equal(gazette_results_count(r), 2);
    const gazette_hit_t *a = gazette_results_hit(r, 0);
    const gazette_hit_t *b = gazette_results_hit(r, 1);
    assert_string_equal(gazette_hit_id(a), gazette_hit_id(b));
    assert_string_not_equal(gazette_hit_index(a), gazette_hit_index(b));
    gazette_results_free(r);
    gazette_index_close(index);
}

/* A stub file listing the two indexes is one location. */
static void test_stub_file(void **state)
{
    (void)state;
    char text[9000], stub[4200];
    snprintf(text, sizeof text, "auto %s\nauto %s\n", fx.db, fx.harbour);
    tu_write_file(fx.tmp, "both.stub", text, strlen(text));
    snprintf(stub, sizeof stub, "%s/both.stub", fx.tmp);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(stub, &index), GAZETTE_STATUS_OK);
    gazette_results_t *r = search(index, "lighthouse OR quay", 1);
    assert_int_equal(gazette_results_count(r), 2);
    assert_string_equal(gazette_hit_index(gazette_results_hit(r, 0)), stub);
    gazette_results_free(r);
    gazette_index_close(index);
}

/* Bad combinations are refused with a reason: another language, no
 * location, an unknown flag, a malformed server address, a missing
 * index (named). */
static void test_bad_locations(void **state)
{
    (void)state;
    gazette_index_t *index = NULL;
    const char *mixed[2] = {fx.db, fx.french};
    assert_int_equal(gazette_index_open_multi(mixed, 2, 0, &index),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(gazette_last_open_error(), "french"));
    assert_int_equal(gazette_index_open_multi(mixed, 0, 0, &index),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(gazette_index_open_multi(mixed, 1, 8, &index),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    const char *bad[1] = {"tcp://nohost"};
    assert_int_equal(gazette_index_open_multi(bad, 1, 0, &index),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    char missing[4200];
    snprintf(missing, sizeof missing, "%s/missing.idx", fx.tmp);
    const char *gone[2] = {fx.db, missing};
    assert_int_equal(gazette_index_open_multi(gone, 2, 0, &index),
                     GAZETTE_STATUS_INDEX_NOT_FOUND);
    assert_non_null(strstr(gazette_last_open_error(), missing));
    assert_null(index);
    /* Unless the caller lets the missing one be left out. */
    assert_int_equal(gazette_index_open_multi(
                         gone, 2, GAZETTE_OPEN_SKIP_UNAVAILABLE, &index),
                     GAZETTE_STATUS_OK);
    gazette_results_t *r = search(index, "lighthouse", 1);
    assert_int_equal(gazette_results_count(r), 1);
    assert_non_null(strstr(gazette_results_warning(r), missing));
    gazette_results_free(r);
    gazette_index_close(index);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snippet_far_into_text),
        cmocka_unit_test(test_snippet_stems_and_wildcards),
        cmocka_unit_test(test_snippet_title_only),
        cmocka_unit_test(test_no_snippets),
        cmocka_unit_test(test_two_indexes),
        cmocka_unit_test(test_same_id_in_two_indexes),
        cmocka_unit_test(test_stub_file),
        cmocka_unit_test(test_bad_locations),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
