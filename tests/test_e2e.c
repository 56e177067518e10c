/*
 * test_e2e.c - index the bundled sample corpus with the real gazette-index
 * binary, then search it through libgazette and the gazette-query binary,
 * checking answers against a plain scan of the corpus files.
 */
#define _GNU_SOURCE 1   /* strcasestr */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "corpus.h"
#include "gazette.h"
#include "test_util.h"

#define MAX_ARTICLES 256

/* One sample article as the test sees it: id, lower-cased title and body
 * with white space folded (as corpus_read_file reads them, the same
 * readers the indexer uses: this test checks indexing and search, the
 * readers have their own tests), and its date ("" when undated). */
typedef struct sample_article {
    char id[256];
    char *text;
    char date[11];
} sample_article;

static struct {
    char *tmp;
    char db[4096];
    sample_article articles[MAX_ARTICLES];
    size_t narticles;
} fx;

/* A new copy of [s, s+n), lower-cased, white space folded. */
static char *fold(const char *s, size_t n)
{
    char *buf = malloc(n + 1);
    assert_non_null(buf);
    size_t len = 0;
    int space = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c)) {
            if (!space)
                buf[len++] = ' ';
            space = 1;
        } else {
            buf[len++] = (char)tolower(c);
            space = 0;
        }
    }
    buf[len] = '\0';
    return buf;
}

/* The file being read, for its path date. */
static const corpus_file *reading;

static int keep_article(const corpus_article *art, void *ctx)
{
    (void)ctx;
    assert_true(fx.narticles < MAX_ARTICLES);
    sample_article *a = &fx.articles[fx.narticles++];
    assert_true(strlen(art->id) < sizeof a->id);
    strcpy(a->id, art->id);
    size_t tn = strlen(art->title);
    char *both = malloc(tn + 1 + art->body_len);
    assert_non_null(both);
    memcpy(both, art->title, tn);
    both[tn] = '\n';
    memcpy(both + tn + 1, art->body, art->body_len);
    a->text = fold(both, tn + 1 + art->body_len);
    free(both);
    int y, m, d;
    if ((art->date && corpus_parse_date(art->date, &y, &m, &d)) ||
        corpus_path_date(reading->relpath, &y, &m, &d))
        snprintf(a->date, sizeof a->date, "%04d-%02d-%02d", y, m, d);
    return 0;
}

static int read_sample_file(const corpus_file *f, void *ctx)
{
    (void)ctx;
    char why[256];
    reading = f;
    corpus_status s = corpus_read_file(f, NULL, keep_article, NULL, why,
                                       sizeof why);
    if (s != CORPUS_OK)
        fail_msg("sample file %s: %s", f->relpath, why);
    return 0;
}

/* Load every article of corpus/sample into fx.articles. */
static void load_sample(const char *root)
{
    assert_int_equal(corpus_walk(root, read_sample_file, NULL, NULL), 0);
}

/* Read a whole small file into a new string. */
static char *slurp_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static size_t count_occurrences(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* 1 when `word` occurs in `text` as a whole word. */
static int has_word(const char *text, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = text; (p = strstr(p, word)) != NULL; p++) {
        int before = p == text || !isalnum((unsigned char)p[-1]);
        int after = !isalnum((unsigned char)p[len]);
        if (before && after)
            return 1;
    }
    return 0;
}

static const sample_article *find_article(const char *id)
{
    for (size_t i = 0; i < fx.narticles; i++)
        if (strcmp(fx.articles[i].id, id) == 0)
            return &fx.articles[i];
    return NULL;
}

static int group_setup(void **state)
{
    (void)state;
    fx.tmp = tu_mkdtemp("e2e");
    snprintf(fx.db, sizeof fx.db, "%s/index", fx.tmp);
    const char *sample = tu_source_path("corpus/sample");
    char root[4096];
    snprintf(root, sizeof root, "%s", sample);
    load_sample(root);
    int rc = tu_run("'%s' --quiet --db '%s' '%s'",
                    tu_binary("indexer/gazette-index"), fx.db, root);
    return rc == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < fx.narticles; i++)
        free(fx.articles[i].text);
    tu_rmtree(fx.tmp);
    free(fx.tmp);
    return 0;
}

/* Search through the library; the caller frees the results. */
static gazette_results_t *search(const char *query, uint32_t limit)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *results = NULL;
    assert_int_equal(gazette_index_open(fx.db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(opts, 0, limit),
                     GAZETTE_STATUS_OK);
    gazette_status_t s = gazette_search(index, query, opts, &results);
    if (s != GAZETTE_STATUS_OK)
        fail_msg("search '%s': %s", query, gazette_index_error(index));
    gazette_search_options_free(opts);
    gazette_index_close(index);
    return results;
}

static void test_every_article_indexed(void **state)
{
    (void)state;
    gazette_index_t *index = NULL;
    uint64_t n = 0;
    assert_int_equal(gazette_index_open(fx.db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_index_article_count(index, &n), GAZETTE_STATUS_OK);
    gazette_index_close(index);
    assert_true(fx.narticles >= 30);
    assert_int_equal(n, fx.narticles);
}

/* The articles that mention Hezbollah most come first. */
static void test_hezbollah_articles_first(void **state)
{
    (void)state;
    size_t expected = 0;
    for (size_t i = 0; i < fx.narticles; i++)
        if (count_occurrences(fx.articles[i].text, "hezbollah") >= 2)
            expected++;
    assert_true(expected >= 2);
    gazette_results_t *r = search("Hezbollah", 100);
    assert_true(gazette_results_count(r) >= expected);
    for (size_t i = 0; i < expected; i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        const sample_article *a = find_article(gazette_hit_id(h));
        assert_non_null(a);
        if (count_occurrences(a->text, "hezbollah") < 2)
            fail_msg("hit %zu (%s) is not a Hezbollah article", i + 1,
                     gazette_hit_id(h));
    }
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const sample_article *a =
            find_article(gazette_hit_id(gazette_results_hit(r, i)));
        assert_true(count_occurrences(a->text, "hezbollah") >= 1);
    }
    gazette_results_free(r);
}

/* A phrase query returns exactly the articles containing the phrase. */
static void test_phrase_matches_exactly(void **state)
{
    (void)state;
    gazette_results_t *r = search("\"humanitarian pauses\"", 100);
    size_t expected = 0;
    for (size_t i = 0; i < fx.narticles; i++)
        if (strstr(fx.articles[i].text, "humanitarian pauses"))
            expected++;
    assert_true(expected >= 1);
    assert_int_equal(gazette_results_count(r), expected);
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        const sample_article *a = find_article(gazette_hit_id(h));
        assert_non_null(a);
        assert_non_null(strstr(a->text, "humanitarian pauses"));
        assert_non_null(strcasestr(gazette_hit_snippet(h), "humanitarian"));
    }
    gazette_results_free(r);
}

/* NOT excludes: no hit mentions Gaza; every article with "aid" and no
 * "Gaza" is found. */
static void test_not_excludes(void **state)
{
    (void)state;
    gazette_results_t *r = search("aid NOT Gaza", 100);
    size_t n = gazette_results_count(r);
    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++) {
        const sample_article *a =
            find_article(gazette_hit_id(gazette_results_hit(r, i)));
        assert_non_null(a);
        assert_false(has_word(a->text, "gaza"));
    }
    for (size_t i = 0; i < fx.narticles; i++) {
        const sample_article *a = &fx.articles[i];
        if (!has_word(a->text, "aid") || has_word(a->text, "gaza"))
            continue;
        int found = 0;
        for (size_t j = 0; j < n && !found; j++)
            found = strcmp(gazette_hit_id(gazette_results_hit(r, j)), a->id) == 0;
        if (!found)
            fail_msg("%s mentions aid and not Gaza but was not found", a->id);
    }
    gazette_results_free(r);
}

/* entity: finds exactly the articles that name the entity in full,
 * whatever the case the user types it in. */
static void test_entity_field(void **state)
{
    (void)state;
    static const char *const queries[] = {"entity:\"Antony Blinken\"",
                                          "entity:\" antony   BLINKEN \""};
    size_t expected = 0;
    for (size_t i = 0; i < fx.narticles; i++)
        expected += strstr(fx.articles[i].text, "antony blinken") != NULL;
    assert_true(expected >= 3);
    for (size_t q = 0; q < 2; q++) {
        gazette_results_t *r = search(queries[q], 100);
        assert_int_equal(gazette_results_count(r), expected);
        for (size_t i = 0; i < gazette_results_count(r); i++) {
            const sample_article *a =
                find_article(gazette_hit_id(gazette_results_hit(r, i)));
            assert_non_null(a);
            assert_non_null(strstr(a->text, "antony blinken"));
        }
        gazette_results_free(r);
    }
    /* A typographic apostrophe matches the typed one. */
    gazette_results_t *typed = search("entity:\"Ballon d'Or\"", 10);
    gazette_results_t *curly = search("entity:\"Ballon d\xE2\x80\x99Or\"", 10);
    assert_true(gazette_results_count(typed) >= 1);
    assert_int_equal(gazette_results_count(curly),
                     gazette_results_count(typed));
    gazette_results_free(typed);
    gazette_results_free(curly);
}

/* A filter applies to the whole query, wherever it stands: Xapian alone
 * would attach "year:2023" to "Gaza" (what NOT removes) and read a lone
 * "-source:world" as "source:world". */
static void test_filters_apply_to_whole_query(void **state)
{
    (void)state;
    gazette_results_t *r = search("aid NOT Gaza year:2023", 100);
    size_t expected = 0;
    for (size_t i = 0; i < fx.narticles; i++) {
        const char *t = fx.articles[i].text;
        expected += has_word(t, "aid") && !has_word(t, "gaza") &&
                    strncmp(fx.articles[i].date, "2023-", 5) == 0;
    }
    assert_true(expected >= 1);
    assert_int_equal(gazette_results_count(r), expected);
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        const sample_article *a = find_article(gazette_hit_id(h));
        assert_false(has_word(a->text, "gaza"));
        assert_memory_equal(gazette_hit_date(h), "2023-", 5);
    }
    gazette_results_free(r);

    gazette_results_t *all = search("aid", 100);
    gazette_results_t *in_world = search("aid source:world", 100);
    gazette_results_t *elsewhere = search("-source:world aid", 100);
    assert_true(gazette_results_count(in_world) >= 1);
    assert_int_equal(gazette_results_count(elsewhere),
                     gazette_results_count(all) -
                         gazette_results_count(in_world));
    for (size_t i = 0; i < gazette_results_count(elsewhere); i++)
        assert_string_not_equal(
            gazette_hit_source(gazette_results_hit(elsewhere, i)), "world");
    /* A stray parenthesis or sign beside a filter is read leniently. */
    gazette_results_t *stray = search("source:world )", 100);
    gazette_results_t *world = search("source:world", 100);
    assert_true(gazette_results_count(world) >= 5);
    assert_int_equal(gazette_results_count(stray),
                     gazette_results_count(world));
    gazette_results_free(stray);
    gazette_results_free(world);
    gazette_results_free(all);
    gazette_results_free(in_world);
    gazette_results_free(elsewhere);
}

/* "Did you mean" only for words the index hardly has: not for "aid" (in
 * many articles) because "said" is in more. */
static void test_spelling_only_for_rare_words(void **state)
{
    (void)state;
    gazette_results_t *r = search("aid", 10);
    assert_true(gazette_results_count(r) > 0);
    assert_string_equal(gazette_results_suggestion(r), "");
    gazette_results_free(r);
    r = search("hezbolah", 10);
    assert_string_equal(gazette_results_suggestion(r), "hezbollah");
    gazette_results_free(r);
    /* Beside a common word that finds many articles, the misspelt word
     * is still corrected (it is absent from the index). */
    r = search("gaza hezbolah", 10);
    assert_true(gazette_results_count(r) > 0);
    assert_string_equal(gazette_results_suggestion(r), "gaza hezbollah");
    gazette_results_free(r);
}

/* title:(a b) searches both words in titles only (Xapian's field
 * grouping), not the whole text. */
static void test_field_grouping(void **state)
{
    (void)state;
    gazette_results_t *r = search("title:(hezbollah hostages)", 100);
    assert_true(gazette_results_count(r) >= 2);
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const char *title = gazette_hit_title(gazette_results_hit(r, i));
        assert_true(strcasestr(title, "hezbollah") ||
                    strcasestr(title, "hostage"));
    }
    gazette_results_t *anywhere = search("hezbollah hostages", 100);
    assert_true(gazette_results_count(anywhere) > gazette_results_count(r));
    gazette_results_free(anywhere);
    gazette_results_free(r);
}

static void test_no_match_is_empty(void **state)
{
    (void)state;
    gazette_results_t *r = search("zyzzogeton", 10);
    assert_int_equal(gazette_results_count(r), 0);
    uint64_t est = 1;
    gazette_results_estimate(r, NULL, &est, NULL);
    assert_int_equal(est, 0);
    gazette_results_free(r);
    assert_int_equal(tu_run("'%s' --db '%s' zyzzogeton >/dev/null",
                            tu_binary("query/cli/gazette-query"), fx.db), 0);
}

/* Offset and limit page through the same ranking. */
static void test_paging(void **state)
{
    (void)state;
    gazette_results_t *all = search("Gaza", 100);
    assert_true(gazette_results_count(all) >= 4);
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *page = NULL;
    assert_int_equal(gazette_index_open(fx.db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(opts, 2, 2),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, "Gaza", opts, &page),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(page), 2);
    for (size_t i = 0; i < 2; i++) {
        const gazette_hit_t *h = gazette_results_hit(page, i);
        assert_int_equal(gazette_hit_rank(h), i + 3);
        assert_string_equal(gazette_hit_id(h),
                            gazette_hit_id(gazette_results_hit(all, i + 2)));
    }
    gazette_results_free(page);
    gazette_results_free(all);
    gazette_search_options_free(opts);
    gazette_index_close(index);
}

/* Pages add up to the single list, with feedback re-ranking on: "the"
 * once lost a hit between pages. */
static void test_pages_add_up(void **state)
{
    (void)state;
    static const char *const queries[] = {"the", "gaza aid", "said"};
    for (size_t q = 0; q < 3; q++) {
        gazette_results_t *all = search(queries[q], 30);
        size_t n = gazette_results_count(all);
        assert_true(n >= 10);
        gazette_index_t *index = NULL;
        gazette_search_options_t *opts = NULL;
        assert_int_equal(gazette_index_open(fx.db, &index), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
        for (size_t off = 0; off < n; off += 5) {
            gazette_results_t *page = NULL;
            assert_int_equal(gazette_search_options_set_range(
                                 opts, (uint32_t)off, 5), GAZETTE_STATUS_OK);
            assert_int_equal(gazette_search(index, queries[q], opts, &page),
                             GAZETTE_STATUS_OK);
            for (size_t i = 0; i < gazette_results_count(page); i++)
                assert_string_equal(
                    gazette_hit_id(gazette_results_hit(page, i)),
                    gazette_hit_id(gazette_results_hit(all, off + i)));
            gazette_results_free(page);
        }
        gazette_search_options_free(opts);
        gazette_index_close(index);
        gazette_results_free(all);
    }
}

/* Highlight markers are placed around matched words. */
static void test_snippet_highlight(void **state)
{
    (void)state;
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(fx.db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_snippet(opts, 200, "[", "]"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, "Hezbollah", opts, &r),
                     GAZETTE_STATUS_OK);
    assert_true(gazette_results_count(r) > 0);
    assert_non_null(strstr(gazette_hit_snippet(gazette_results_hit(r, 0)),
                           "[Hezbollah]"));
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
}

/* --explain: each matched term carries its own weight; the terms add up
 * to the hit's weight, less what feedback re-ranking added. */
static void test_explain_term_weights(void **state)
{
    (void)state;
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(fx.db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_explain(opts, 1),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, "Hezbollah Lebanon", opts, &r),
                     GAZETTE_STATUS_OK);
    assert_true(gazette_results_count(r) >= 3);
    for (size_t i = 0; i < 3; i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        const sample_article *a = find_article(gazette_hit_id(h));
        size_t expected = has_word(a->text, "hezbollah") +
                          has_word(a->text, "lebanon");
        assert_int_equal(gazette_hit_term_count(h), expected);
        double sum = 0;
        for (size_t t = 0; t < expected; t++) {
            double w = -1;
            const char *term = gazette_hit_term(h, t, &w);
            assert_non_null(term);
            assert_true(strcmp(term, "hezbollah") == 0 ||
                        strcmp(term, "lebanon") == 0);
            assert_true(w > 0);
            sum += w;
        }
        assert_null(gazette_hit_term(h, expected, NULL));
        assert_true(sum <= gazette_hit_weight(h) + 1e-9);
        assert_true(sum >= gazette_hit_weight(h) * 0.5);
    }
    gazette_results_free(r);
    /* The example of gazette.h and docs/json.md: a stemmed word is listed
     * as its English Snowball stem, "paus" for "pauses" */
    assert_int_equal(gazette_search(index, "pauses", opts, &r),
                     GAZETTE_STATUS_OK);
    assert_true(gazette_results_count(r) >= 1);
    assert_string_equal(
        gazette_hit_matching_terms(gazette_results_hit(r, 0)), "paus");
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
}

/* --json prints one parseable object per hit with the documented fields. */
static void test_cli_json(void **state)
{
    (void)state;
    char out[4096];
    snprintf(out, sizeof out, "%s/out.jsonl", fx.tmp);
    assert_int_equal(tu_run("'%s' --db '%s' --json --limit 3 Hezbollah > '%s'",
                            tu_binary("query/cli/gazette-query"), fx.db, out), 0);
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    char line[65536];
    int lines = 0, summaries = 0;
    while (fgets(line, sizeof line, f)) {
        json_error_t err;
        json_t *obj = json_loads(line, 0, &err);
        if (!obj)
            fail_msg("line %d is not JSON: %s", lines + 1, err.text);
        const char *type = json_string_value(json_object_get(obj, "type"));
        assert_non_null(type);
        if (strcmp(type, "summary") == 0) {   /* last line, after the hits */
            assert_int_equal(lines, 3);
            assert_true(json_is_integer(json_object_get(obj, "estimate")));
            json_decref(obj);
            summaries++;
            continue;
        }
        assert_string_equal(type, "hit");
        assert_int_equal(summaries, 0);
        const char *id = json_string_value(json_object_get(obj, "id"));
        const char *date = json_string_value(json_object_get(obj, "date"));
        assert_non_null(id);
        assert_non_null(find_article(id));
        assert_non_null(json_string_value(json_object_get(obj, "title")));
        assert_non_null(json_string_value(json_object_get(obj, "snippet")));
        assert_true(json_is_number(json_object_get(obj, "weight")));
        assert_true(json_is_integer(json_object_get(obj, "percent")));
        assert_non_null(date);
        assert_int_equal(strlen(date), 10);   /* YYYY-MM-DD */
        assert_int_equal(date[4], '-');
        json_decref(obj);
        lines++;
    }
    fclose(f);
    assert_int_equal(lines, 3);
    assert_int_equal(summaries, 1);
}

/* The first line gazette-query prints for `args` (shell words), and the
 * bounds its --json summary gives for the same search. */
static void count_line(const char *args, char *line, size_t len,
                       json_int_t *lower, json_int_t *upper)
{
    char out[4096];
    snprintf(out, sizeof out, "%s/count.txt", fx.tmp);
    const char *q = tu_binary("query/cli/gazette-query");
    assert_int_equal(tu_run("'%s' --db '%s' %s Gaza > '%s'", q, fx.db, args,
                            out), 0);
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, (int)len, f));
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    assert_int_equal(tu_run("'%s' --db '%s' --json %s Gaza | tail -n 1 "
                            "> '%s'", q, fx.db, args, out), 0);
    json_error_t err;
    json_t *summary = json_load_file(out, 0, &err);
    assert_non_null(summary);
    *lower = json_integer_value(json_object_get(summary, "lower"));
    *upper = json_integer_value(json_object_get(summary, "upper"));
    json_decref(summary);
}

/* The text count says "about" only when the bounds differ, also on a
 * page past the last hit, with --limit 0 and with a facet (whose count
 * is exact); then it gives the bounds. The sample's counts are all exact
 * now (at most 300 matches: docs/search.md, "Counts"); test_query's
 * test_count_of_ranked checks the wording of an estimate. */
static void test_cli_count_wording(void **state)
{
    (void)state;
    static const char *const runs[] = {
        "--offset 1000", "--limit 0", "--limit 0 --facet source",
        "--offset 1000 --facet year", "--duplicates --offset 1000",
        "--offset 3 --limit 0", "", "--facet source"};
    size_t exact = 0;
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        char line[4096];
        json_int_t lower, upper;
        count_line(runs[i], line, sizeof line, &lower, &upper);
        int about = strncmp(line, "About ", 6) == 0 || strstr(line, " about ");
        if (about != (lower != upper))
            fail_msg("%s: lower %lld, upper %lld: \"%s\"", runs[i],
                     (long long)lower, (long long)upper, line);
        char bounds[64];
        snprintf(bounds, sizeof bounds, "(%lld to %lld)", (long long)lower,
                 (long long)upper);
        if ((lower != upper) != (strstr(line, bounds) != NULL))
            fail_msg("%s: want the bounds %s only when they differ: \"%s\"",
                     runs[i], bounds, line);
        exact += lower == upper;
    }
    assert_int_equal(exact, sizeof runs / sizeof *runs);
}

/* The count's noun agrees with it: "1 match", "2 matches"; the JSON
 * summary's bounds are the count's. */
static void test_cli_count_of_one(void **state)
{
    (void)state;
    static const struct {
        const char *args, *line;
        json_int_t count;
    } runs[] = {
        {"source:wire", "Hits 1-1 of 1 match for 'source:wire Gaza'.", 1},
        {"--offset 5 source:wire", "1 match; none at offset 5.", 1},
        {"--limit 0 source:wire", "1 match; none at offset 0.", 1},
        {"--facet source source:wire",
         "Hits 1-1 of 1 match for 'source:wire Gaza'.", 1},
        {"date:2023-11-08", "Hits 1-2 of 2 matches for 'date:2023-11-08 Gaza'.",
         2},
        {"--offset 5 date:2023-11-08", "2 matches; none at offset 5.", 2}};
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        char line[4096];
        json_int_t lower, upper;
        count_line(runs[i].args, line, sizeof line, &lower, &upper);
        assert_string_equal(line, runs[i].line);
        assert_int_equal(lower, runs[i].count);
        assert_int_equal(upper, runs[i].count);
    }
}

/* A page of no hits (--limit 0, "only count") counts as a page of all
 * the hits would: Xapian's estimate from a match keeping no hit said 0
 * of 2 matches ("No articles match") and 3 of none. */
static void test_count_of_empty_page(void **state)
{
    (void)state;
    static const char *const queries[] = {
        "bank date:2023-12", "gaza source:business", "Gaza", "aid NOT Gaza",
        "year:2023 -gaza", "hezbollah", "zyzzogeton"};
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    assert_int_equal(gazette_index_open(fx.db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
        for (int dups = 0; dups < 2; dups++) {
            gazette_results_t *all = NULL, *none = NULL;
            assert_int_equal(
                gazette_search_options_set_collapse_duplicates(opts, !dups),
                GAZETTE_STATUS_OK);
            assert_int_equal(gazette_search_options_set_range(opts, 0, 1000),
                             GAZETTE_STATUS_OK);
            assert_int_equal(gazette_search(index, queries[i], opts, &all),
                             GAZETTE_STATUS_OK);
            assert_int_equal(gazette_search_options_set_range(opts, 0, 0),
                             GAZETTE_STATUS_OK);
            assert_int_equal(gazette_search(index, queries[i], opts, &none),
                             GAZETTE_STATUS_OK);
            uint64_t lower = 0, est = 0, upper = 0;
            size_t n = gazette_results_count(all);
            gazette_results_estimate(none, &lower, &est, &upper);
            if (gazette_results_count(none) != 0 || lower != n || est != n ||
                upper != n)
                fail_msg("'%s'%s: %zu hits, with --limit 0 %zu hits and "
                         "%llu (%llu to %llu)", queries[i],
                         dups ? " --duplicates" : "", n,
                         gazette_results_count(none),
                         (unsigned long long)est, (unsigned long long)lower,
                         (unsigned long long)upper);
            gazette_results_free(all);
            gazette_results_free(none);
        }
    gazette_search_options_free(opts);
    gazette_index_close(index);
    char line[4096];
    json_int_t lower, upper;
    count_line("--limit 0 source:business", line, sizeof line, &lower,
               &upper);
    assert_string_equal(line, "No articles match 'source:business Gaza'.");
}

/* Errors are one line with a distinct exit code. */
static void test_cli_errors(void **state)
{
    (void)state;
    const char *q = tu_binary("query/cli/gazette-query");
    assert_int_equal(tu_run("'%s' --db '%s/nonexistent' Gaza 2>/dev/null", q,
                            fx.tmp), 66);
    /* An empty directory, or one of articles, holds no index: 66 too, in
     * one line that says so; an index directory without the file that
     * says what it is (the stub listing its shards, or a lone database's
     * iamglass) is a damaged index (65). */
    static const char *const no_index[] = {"empty-dir", "articles-dir"};
    assert_int_equal(tu_run("mkdir '%s/empty-dir' '%s/articles-dir' && "
                            "cp '%s'/world/*.txt '%s/articles-dir'", fx.tmp,
                            fx.tmp, tu_source_path("corpus/sample"), fx.tmp),
                     0);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(tu_run("'%s' --db '%s/%s' Gaza 2>'%s/err'", q,
                                fx.tmp, no_index[i], fx.tmp), 66);
        assert_int_equal(tu_run("test $(wc -l < '%s/err') = 1 && grep -q "
                                "'%s/%s: no index here: the directory' "
                                "'%s/err'", fx.tmp, fx.tmp, no_index[i],
                                fx.tmp), 0);
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", fx.tmp, no_index[i]);
        gazette_index_t *none = NULL;
        assert_int_equal(gazette_index_open(path, &none),
                         GAZETTE_STATUS_INDEX_NOT_FOUND);
        assert_null(none);
    }
    /* The directory an index is in is none either: 66, naming the index
     * in it, without advice to build one there (gazette-index refuses a
     * directory of other files). It was a damaged index: 65, "Couldn't
     * detect type of database". */
    assert_int_equal(tu_run("mkdir '%s/parent' && cp -r '%s' "
                            "'%s/parent/news.idx'", fx.tmp, fx.db, fx.tmp),
                     0);
    assert_int_equal(tu_run("'%s' --db '%s/parent/' Gaza 2>'%s/err'", q,
                            fx.tmp, fx.tmp), 66);
    assert_int_equal(tu_run("test $(wc -l < '%s/err') = 1 && grep -qF "
                            "'parent: no index here: the directory holds no "
                            "Xapian database (%s/parent/news.idx is an "
                            "index: did you mean it?)' '%s/err' && "
                            "! grep -q 'build one' '%s/err'", fx.tmp, fx.tmp,
                            fx.tmp, fx.tmp), 0);
    char parent[4096];
    snprintf(parent, sizeof parent, "%s/parent", fx.tmp);
    gazette_index_t *none = NULL;
    assert_int_equal(gazette_index_open(parent, &none),
                     GAZETTE_STATUS_INDEX_NOT_FOUND);
    assert_null(none);
    assert_non_null(strstr(gazette_last_open_error(), "did you mean it?"));
    /* a folder of articles gets no such advice either */
    assert_int_equal(tu_run("'%s' --db '%s/articles-dir' Gaza 2>'%s/err'; "
                            "! grep -q 'build one' '%s/err'", q, fx.tmp,
                            fx.tmp, fx.tmp), 0);
    assert_int_equal(tu_run("cp -r '%s' '%s/no-stub' && rm -f '%s/no-stub/"
                            "XAPIANDB' '%s/no-stub/iamglass'", fx.db, fx.tmp,
                            fx.tmp, fx.tmp), 0);
    assert_int_equal(tu_run("'%s' --db '%s/no-stub' Gaza 2>/dev/null", q,
                            fx.tmp), 65);
    assert_int_equal(tu_run("'%s' --db '%s' 2>/dev/null", q, fx.db), 64);
    /* A query that is not UTF-8, a page over the limit: usage errors. */
    assert_int_equal(tu_run("'%s' --db '%s' --json \"$(printf 'caf\\351')\" "
                            ">/dev/null 2>&1", q, fx.db), 64);
    assert_int_equal(tu_run("'%s' --db '%s' --limit 100001 Gaza 2>/dev/null",
                            q, fx.db), 64);
    /* Something that is not an index, an index of a newer format: 65. */
    tu_write_file(fx.tmp, "not-an-index", "hello\n", 6);
    tu_write_file(fx.tmp, "empty-stub", "", 0);
    assert_int_equal(tu_run("'%s' --db '%s/empty-stub' Gaza 2>/dev/null", q,
                            fx.tmp), 65);
    assert_int_equal(tu_run("'%s' --db '%s/not-an-index' Gaza 2>/dev/null", q,
                            fx.tmp), 65);
    assert_int_equal(tu_run("cp -r '%s' '%s/newer' && xapian-metadata set "
                            "'%s/newer' gazette.format 99", fx.db, fx.tmp,
                            fx.tmp), 0);
    assert_int_equal(tu_run("'%s' --db '%s/newer' Gaza 2>/dev/null", q,
                            fx.tmp), 65);
    /* the same when a stub file lists it after an index of this format */
    char stub[8400];
    int n = snprintf(stub, sizeof stub, "auto %s\nauto %s/newer\n", fx.db,
                     fx.tmp);
    tu_write_file(fx.tmp, "mixed-stub", stub, (size_t)n);
    assert_int_equal(tu_run("'%s' --db '%s/mixed-stub' Gaza 2>/dev/null", q,
                            fx.tmp), 65);
    assert_int_equal(tu_run("'%s' --bogus x 2>/dev/null", q), 64);
    /* a usage error is one line (getopt's own were two), naming the
     * option and --help; exit 64 */
    static const char *const usage[][2] = {
        {"--bogus x", "unknown option '--bogus'"},
        {"x --db", "option '--db' needs an argument"},
        {"-z x", "unknown option '-z'"},
        {"--json=1 x", "option '--json' takes no argument"},
        {"", "no query given"},
    };
    for (size_t i = 0; i < sizeof usage / sizeof usage[0]; i++) {
        char err[4096];
        snprintf(err, sizeof err, "%s/usage.err", fx.tmp);
        assert_int_equal(tu_run("'%s' %s 2>'%s'", q, usage[i][0], err), 64);
        char *text = slurp_file(err);
        if (!strstr(text, usage[i][1]) ||
            !strstr(text, "; try 'gazette-query --help'\n") ||
            count_occurrences(text, "\n") != 1)
            fail_msg("gazette-query %s: %s", usage[i][0], text);
        free(text);
    }
    assert_int_equal(tu_run("'%s' --help >/dev/null", q), 0);
    /* Output that cannot be written (a full disk) is an I/O error said
     * in one line, not a silent exit 74: the hits in every format, and
     * gazette-index's summary (text or JSON; the run itself is fine). */
    const char *ix = tu_binary("indexer/gazette-index");
    /* --version of both programs names Xapian's version too (gazette-query
     * gave its own alone): what a search reads is Xapian's as much */
    assert_int_equal(tu_run("'%s' --version | grep -qx "
                            "'gazette-query [0-9.]* (Xapian [0-9.]*)'", q), 0);
    assert_int_equal(tu_run("'%s' --version | grep -qx "
                            "'gazette-index [0-9.]* (Xapian [0-9.]*)'", ix), 0);
    static const char *const formats[] = {"", "--json", "--format paths"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(tu_run("'%s' --db '%s' %s Gaza >/dev/full "
                                "2>'%s/err'", q, fx.db, formats[i], fx.tmp),
                         74);
        assert_int_equal(tu_run("test $(wc -l < '%s/err') = 1 && grep -q "
                                "'gazette-query: cannot write the results: "
                                "No space left on device' '%s/err'", fx.tmp,
                                fx.tmp), 0);
    }
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(tu_run("'%s' %s --db '%s' '%s' >/dev/full 2>'%s/err'",
                                ix, i ? "--json" : "", fx.db,
                                tu_source_path("corpus/sample"), fx.tmp), 74);
        assert_int_equal(tu_run("test $(wc -l < '%s/err') = 1 && grep -q "
                                "'gazette-index: cannot write the summary: "
                                "No space left on device' '%s/err'", fx.tmp,
                                fx.tmp), 0);
    }
    /* --help and --version too: 74 and one line, not a silent 0 */
    const char *const programs[] = {q, ix};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(tu_run("'%s' %s >/dev/full 2>'%s/err'",
                                programs[i / 2], i % 2 ? "--version" : "--help",
                                fx.tmp), 74);
        assert_int_equal(tu_run("test $(wc -l < '%s/err') = 1 && grep -q "
                                "'cannot write the' '%s/err'", fx.tmp,
                                fx.tmp), 0);
    }
    assert_int_equal(tu_run("'%s' --db '%s/x' '%s/missing' 2>/dev/null", ix,
                            fx.tmp, fx.tmp), 66);
    assert_int_equal(tu_run("'%s' 2>/dev/null", ix), 64);
    /* An index in a directory that is not there (an unmounted disk) is
     * not created, and the error says why. */
    assert_int_equal(tu_run("'%s' --db '%s/unmounted/x' '%s' 2>'%s/err'", ix,
                            fx.tmp, fx.tmp, fx.tmp), 74);
    assert_int_equal(tu_run("grep -q 'unmounted/x: the directory it goes in "
                            "does not exist' '%s/err'", fx.tmp), 0);
    assert_int_equal(tu_run("'%s' --full --db '%s/unmounted/x' '%s' "
                            "2>'%s/err'", ix, fx.tmp, fx.tmp, fx.tmp), 74);
    assert_int_equal(tu_run("grep -q 'unmounted/x: the directory it goes in "
                            "does not exist' '%s/err'", fx.tmp), 0);
    assert_int_equal(tu_run("test ! -e '%s/unmounted'", fx.tmp), 0);
    assert_int_equal(tu_run("'%s' --language klingon --db '%s/x' '%s' "
                            "2>/dev/null", ix, fx.tmp, fx.tmp), 64);
    /* An empty language is a bad value too, said in one line; no index
     * is made. */
    assert_int_equal(tu_run("'%s' --language '' --db '%s/x' '%s' "
                            "2>'%s/err'", ix, fx.tmp, fx.tmp, fx.tmp), 64);
    assert_int_equal(tu_run("test $(wc -l < '%s/err') -eq 1 && "
                            "grep -q -- '--language' '%s/err'", fx.tmp,
                            fx.tmp), 0);
    assert_int_equal(tu_run("test ! -e '%s/x'", fx.tmp), 0);
    /* An index in another language: 64, the remedy said in this
     * program's options (the library says it in its setters'). Without
     * --language a run takes the index's own, so that is the remedy to
     * name (it said "rerun with --language english"), and both remedies
     * named are runs that work. */
    assert_int_equal(tu_run("'%s' -n --language french --db '%s' '%s' "
                            "2>'%s/err'", ix, fx.db,
                            tu_source_path("corpus/sample"), fx.tmp), 64);
    assert_int_equal(tu_run("grep -q \"stemmed in 'english', not 'french': "
                            "a run without --language updates it in "
                            "'english'; to change its language, rebuild it "
                            "with --full and --language french\" '%s/err'",
                            fx.tmp), 0);
    assert_int_equal(tu_run("'%s' -n -q --db '%s' '%s'", ix, fx.db,
                            tu_source_path("corpus/sample")), 0);
    assert_int_equal(tu_run("'%s' -n -q --full --language french --db '%s' "
                            "'%s'", ix, fx.db,
                            tu_source_path("corpus/sample")), 0);
    /* So is an empty path: index, corpus, synonyms file (exit 64, said in
     * words, nothing made). */
    assert_int_equal(tu_run("'%s' --db '' '%s' 2>'%s/err'", ix, fx.tmp,
                            fx.tmp), 64);
    assert_int_equal(tu_run("grep -q 'index path is empty' '%s/err'",
                            fx.tmp), 0);
    assert_int_equal(tu_run("'%s' --db '%s/x' '' 2>'%s/err'", ix, fx.tmp,
                            fx.tmp), 64);
    assert_int_equal(tu_run("grep -q 'corpus directory 1 of 1 is an empty "
                            "path' '%s/err'", fx.tmp), 0);
    assert_int_equal(tu_run("'%s' --synonyms '' --db '%s/x' '%s' 2>/dev/null",
                            ix, fx.tmp, fx.tmp), 64);
    assert_int_equal(tu_run("test ! -e '%s/x'", fx.tmp), 0);
    assert_int_equal(tu_run("'%s' --db '' Gaza 2>'%s/err'", q, fx.tmp), 64);
    assert_int_equal(tu_run("grep -q 'empty index path' '%s/err' && "
                            "! grep -q null '%s/err'", fx.tmp, fx.tmp), 0);
}

/* Mode bits of `dir` under fx.tmp (fails the test when it is missing). */
static unsigned mode_of(const char *dir)
{
    struct stat sb;
    if (stat(tu_path_in(fx.tmp, dir), &sb) != 0)
        fail_msg("%s/%s: missing", fx.tmp, dir);
    return (unsigned)sb.st_mode & 07777;
}

/* Without --db and GAZETTE_INDEX, on a fresh account (HOME an empty
 * directory, XDG_DATA_HOME unset or naming a missing directory), the
 * first gazette-index makes the default location's directories (0700)
 * and gazette-query finds the articles there. A dry run or a run that
 * fails leaves nothing behind; GAZETTE_INDEX in a missing directory is
 * still refused (74), as --db is (test_cli_errors), and an empty
 * GAZETTE_INDEX is as none. Without HOME, or with an empty one, there is
 * no default (exit 64, the line saying which), and a relative
 * XDG_DATA_HOME is ignored. */
static void test_default_index_location(void **state)
{
    (void)state;
    const char *ix = tu_binary("indexer/gazette-index");
    const char *q = tu_binary("query/cli/gazette-query");
    const char *sample = tu_source_path("corpus/sample");
    static const char env[] =
        "env -u GAZETTE_INDEX -u XDG_DATA_HOME HOME='%s/%s' ";
    char fmt[512];
    assert_int_equal(tu_run("mkdir '%s/home1' '%s/home2' '%s/home3' && "
                            "mkdir -m 755 '%s/home3/.local'", fx.tmp, fx.tmp,
                            fx.tmp, fx.tmp), 0);
    snprintf(fmt, sizeof fmt, "%s'%%s' --dry-run --quiet '%%s'", env);
    assert_int_equal(tu_run(fmt, fx.tmp, "home1", ix, sample), 0);
    snprintf(fmt, sizeof fmt, "%s'%%s' --quiet '%%s/missing' 2>/dev/null",
             env);
    assert_int_equal(tu_run(fmt, fx.tmp, "home1", ix, fx.tmp), 66);
    assert_int_equal(tu_run("test -z \"$(ls -A '%s/home1')\"", fx.tmp), 0);
    /* gazette-query before the first index: 66, advising to build one,
     * as gazette-index makes the missing directories there (the advice
     * was left out, the directory the index goes in being missing); not
     * for a GAZETTE_INDEX in a missing directory, which it refuses */
    snprintf(fmt, sizeof fmt, "%s'%%s' gaza 2>'%%s/err'", env);
    assert_int_equal(tu_run(fmt, fx.tmp, "home1", q, fx.tmp), 66);
    assert_int_equal(tu_run("grep -q 'index %s/home1/.local/share/gazette/"
                            "index: .*(build one with gazette-index)$' "
                            "'%s/err' && test -z \"$(ls -A '%s/home1')\"",
                            fx.tmp, fx.tmp, fx.tmp), 0);
    assert_int_equal(tu_run("GAZETTE_INDEX='%s/gone/x' '%s' gaza 2>'%s/err'",
                            fx.tmp, q, fx.tmp), 66);
    assert_int_equal(tu_run("! grep -q 'build one' '%s/err'", fx.tmp), 0);

    snprintf(fmt, sizeof fmt, "%s'%%s' --quiet '%%s'", env);
    assert_int_equal(tu_run(fmt, fx.tmp, "home1", ix, sample), 0);
    assert_int_equal(mode_of("home1/.local"), 0700);
    assert_int_equal(mode_of("home1/.local/share"), 0700);
    assert_int_equal(mode_of("home1/.local/share/gazette"), 0700);
    snprintf(fmt, sizeof fmt, "%s'%%s' --format paths -n 100 gaza "
             ">'%%s/default.txt' && '%%s' --db '%%s' --format paths -n 100 "
             "gaza >'%%s/explicit.txt' && test -s '%%s/default.txt' && "
             "cmp -s '%%s/default.txt' '%%s/explicit.txt'", env);
    assert_int_equal(tu_run(fmt, fx.tmp, "home1", q, fx.tmp, q, fx.db, fx.tmp,
                            fx.tmp, fx.tmp, fx.tmp), 0);

    /* XDG_DATA_HOME naming a missing directory: made, with gazette/ */
    assert_int_equal(tu_run("env -u GAZETTE_INDEX XDG_DATA_HOME='%s/xdg' "
                            "HOME='%s/home2' '%s' --quiet '%s' && "
                            "env -u GAZETTE_INDEX XDG_DATA_HOME='%s/xdg' "
                            "HOME='%s/home2' '%s' --format paths -n 100 gaza "
                            ">'%s/xdg.txt' && cmp -s '%s/xdg.txt' "
                            "'%s/explicit.txt'", fx.tmp, fx.tmp, ix, sample,
                            fx.tmp, fx.tmp, q, fx.tmp, fx.tmp, fx.tmp), 0);
    assert_int_equal(mode_of("xdg/gazette"), 0700);
    assert_int_equal(tu_run("test -z \"$(ls -A '%s/home2')\"", fx.tmp), 0);
    /* GAZETTE_INDEX set to "" is taken as unset: the default, not an
     * index named "" (--help and the man pages say so) */
    assert_int_equal(tu_run("env -u XDG_DATA_HOME GAZETTE_INDEX= "
                            "HOME='%s/home1' '%s' --format paths -n 100 gaza "
                            ">'%s/empty.txt' && cmp -s '%s/empty.txt' "
                            "'%s/explicit.txt'", fx.tmp, q, fx.tmp, fx.tmp,
                            fx.tmp), 0);

    /* an existing directory keeps its mode */
    snprintf(fmt, sizeof fmt, "%s'%%s' --quiet '%%s'", env);
    assert_int_equal(tu_run(fmt, fx.tmp, "home3", ix, sample), 0);
    assert_int_equal(mode_of("home3/.local"), 0755);
    assert_int_equal(mode_of("home3/.local/share"), 0700);

    /* a location the user named is never made */
    assert_int_equal(tu_run("GAZETTE_INDEX='%s/gone/x' '%s' --quiet '%s' "
                            "2>'%s/err'", fx.tmp, ix, sample, fx.tmp), 74);
    assert_int_equal(tu_run("grep -q 'gone/x: the directory it goes in "
                            "does not exist' '%s/err' && test ! -e '%s/gone'",
                            fx.tmp, fx.tmp), 0);

    /* No HOME (cron, a service) and nothing else: no default, one line
     * asking for --db, exit 64, and nothing made in the working directory
     * (it was ./.gazette-index there). An empty HOME (and GAZETTE_INDEX)
     * is none either, and the line says it is empty: it said "not set". */
    assert_int_equal(tu_run("mkdir '%s/cwd'", fx.tmp), 0);
    const char *const programs[] = {ix, q};
    static const struct {
        const char *env, *says;
    } homeless[] = {{"-u HOME -u GAZETTE_INDEX", "HOME is not set"},
                    {"HOME= GAZETTE_INDEX=", "HOME is empty"}};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(tu_run("cd '%s/cwd' && env -u XDG_DATA_HOME %s "
                                "'%s' %s 2>'%s/err'", fx.tmp,
                                homeless[i / 2].env, programs[i % 2],
                                i % 2 ? "gaza" : sample, fx.tmp), 64);
        assert_int_equal(tu_run("test \"$(wc -l <'%s/err')\" = 1 && "
                                "grep -q '%s: name the index with --db' "
                                "'%s/err' && test -z \"$(ls -A '%s/cwd')\"",
                                fx.tmp, homeless[i / 2].says, fx.tmp,
                                fx.tmp), 0);
    }
    /* A relative XDG_DATA_HOME is ignored (the XDG base directory spec):
     * ~/.local/share/gazette/index, not ./rel/gazette/index; without HOME
     * it is no default either. */
    assert_int_equal(tu_run("cd '%s/cwd' && env -u GAZETTE_INDEX "
                            "XDG_DATA_HOME=rel HOME='%s/home1' '%s' "
                            "--format paths -n 100 gaza >'%s/rel.txt' && "
                            "cmp -s '%s/rel.txt' '%s/explicit.txt' && "
                            "test -z \"$(ls -A '%s/cwd')\"", fx.tmp, fx.tmp,
                            q, fx.tmp, fx.tmp, fx.tmp, fx.tmp), 0);
    assert_int_equal(tu_run("cd '%s/cwd' && env -u GAZETTE_INDEX -u HOME "
                            "XDG_DATA_HOME=rel '%s' --quiet '%s' 2>/dev/null",
                            fx.tmp, ix, sample), 64);
    assert_int_equal(tu_run("test -z \"$(ls -A '%s/cwd')\"", fx.tmp), 0);
}

/* A query word starting with '-' is taken for options unless it follows
 * "--": --help and the man page say so with the same example, and the
 * example (and the quoted form they give) runs, excluding the word. */
static void test_cli_dash_words(void **state)
{
    (void)state;
    const char *q = tu_binary("query/cli/gazette-query");
    const char *example = "gazette-query --db INDEX -- gaza -lebanon";
    const char *quoted = "gazette-query --db INDEX 'gaza -lebanon'";
    assert_int_equal(tu_run("'%s' --help | grep -qF -- \"%s\"", q, example),
                     0);
    assert_int_equal(tu_run("'%s' --help | grep -qF -- \"%s\"", q, quoted),
                     0);
    assert_int_equal(tu_run("MANWIDTH=200 man -l '%s' 2>/dev/null | "
                            "grep -qF -- \"%s\"",
                            tu_source_path("docs/gazette-query.1"), example),
                     0);
    assert_int_equal(tu_run("'%s' --db '%s' gaza -lebanon >/dev/null "
                            "2>&1", q, fx.db), 64);
    char out[4096];
    snprintf(out, sizeof out, "%s/dash.txt", fx.tmp);
    static const char *const forms[] = {"-- gaza -lebanon",
                                        "'gaza -lebanon'"};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(tu_run("'%s' --db '%s' --format paths -n 100 %s "
                                "> '%s'", q, fx.db, forms[i], out), 0);
        FILE *f = fopen(out, "r");
        assert_non_null(f);
        char id[4096];
        int hits = 0;
        while (fgets(id, sizeof id, f)) {
            id[strcspn(id, "\n")] = '\0';
            const sample_article *a = find_article(id);
            assert_non_null(a);
            if (has_word(a->text, "lebanon") || !has_word(a->text, "gaza"))
                fail_msg("%s: hit %s", forms[i], id);
            hits++;
        }
        fclose(f);
        assert_true(hits > 0);
    }
}

/* Control bytes in an article (wire feeds frame text with SOH/STX) do not
 * confuse snippet highlighting, which marks matches with such bytes. */
static void test_control_bytes_in_text(void **state)
{
    (void)state;
    char dir[4096], db[4096];
    snprintf(dir, sizeof dir, "%s/ctl", fx.tmp);
    snprintf(db, sizeof db, "%s/ctl-index", fx.tmp);
    static const char text[] = "Zebra note\n\nThe zebra ran \x02 far \x01"
                               " away, and the zebra \x02\x02 came back.\n";
    tu_write_file(dir, "wire/a.txt", text, sizeof text - 1);
    /* Escape sequences in a title and body must not reach a terminal. */
    static const char evil[] = "{\"id\":\"1\",\"title\":\"Evil \\u001b]0;"
                               "PWNED\\u0007 quokka\",\"body\":\"quokka "
                               "\\u001b[31m red\"}\n";
    tu_write_file(dir, "feed/evil.jsonl", evil, sizeof evil - 1);
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, dir), 0);
    char out[4096];
    snprintf(out, sizeof out, "%s/ctl.txt", fx.tmp);
    assert_int_equal(tu_run("'%s' --db '%s' quokka > '%s'",
                            tu_binary("query/cli/gazette-query"), db, out), 0);
    assert_int_equal(tu_run("grep -q quokka '%s'", out), 0);
    assert_int_equal(tu_run("grep -q \"$(printf '\\033')\" '%s'", out), 1);
    gazette_index_t *index = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    for (int q = 0; q < 2; q++) {
        assert_int_equal(gazette_search(index, q ? "source:wire" : "zebra",
                                        NULL, &r), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_results_count(r), 1);
        const gazette_hit_t *h = gazette_results_hit(r, 0);
        const char *plain = gazette_hit_plain_snippet(h);
        assert_null(strpbrk(plain, "\x01\x02"));
        size_t n = gazette_hit_highlight_count(h);
        assert_int_equal(n, q ? 0 : 2);
        for (size_t i = 0; i < n; i++) {
            size_t start = 0, end = 0;
            gazette_hit_highlight(h, i, &start, &end);
            assert_true(start < end && end <= strlen(plain));
            assert_memory_equal(plain + start, "zebra", 5);
        }
        gazette_results_free(r);
    }
    gazette_index_close(index);
}

/* The highlighted text of highlight `i` of `h` (its title's with
 * `title`), in `out`. */
static void highlighted(const gazette_hit_t *h, int title, size_t i,
                        char *out, size_t len)
{
    size_t start = 0, end = 0;
    const char *text = title ? gazette_hit_title(h)
                             : gazette_hit_plain_snippet(h);
    if (title)
        gazette_hit_title_highlight(h, i, &start, &end);
    else
        gazette_hit_highlight(h, i, &start, &end);
    assert_true(start < end && end <= strlen(text) && end - start < len);
    memcpy(out, text + start, end - start);
    out[end - start] = '\0';
}

/* A word longer than the 64 bytes Xapian reads as a word, just before a
 * matched word, is not highlighted with it (Xapian's snippet took it for
 * the space before the match), in the body as in the title; a 64-byte
 * word is a word, a phrase across a long word is one highlight. */
static void test_long_words_not_highlighted(void **state)
{
    (void)state;
    char dir[4096], db[4096], text[6000], got[6000];
    snprintf(dir, sizeof dir, "%s/long", fx.tmp);
    snprintf(db, sizeof db, "%s/long-index", fx.tmp);
    char y65[66], y64[65], x5000[5001];
    memset(y65, 'y', 65);
    y65[65] = '\0';
    memset(y64, 'y', 64);
    y64[64] = '\0';
    memset(x5000, 'x', 5000);
    x5000[5000] = '\0';
    snprintf(text, sizeof text, "alpha %s zebra\n\nalpha %s %s zebra "
             "omega\n", y65, y65, y65);
    tu_write_file(dir, "s/a.txt", text, strlen(text));
    snprintf(text, sizeof text, "%s zebra\n\nbody\n", x5000);
    tu_write_file(dir, "s/b.txt", text, strlen(text));
    snprintf(text, sizeof text, "Title\n\nalpha %s zebra\n", y64);
    tu_write_file(dir, "s/c.txt", text, strlen(text));
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, dir), 0);
    gazette_index_t *index = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    static const char *const queries[] = {"zebra", "\"alpha zebra\""};
    for (size_t q = 0; q < 2; q++) {
        assert_int_equal(gazette_search(index, queries[q], NULL, &r),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_results_count(r), q ? 1 : 3);
        for (size_t i = 0; i < gazette_results_count(r); i++) {
            const gazette_hit_t *h = gazette_results_hit(r, i);
            const char *id = gazette_hit_id(h);
            int is_a = strcmp(id, "s/a.txt") == 0;
            int is_c = strcmp(id, "s/c.txt") == 0;
            if (q) {
                /* the phrase: "alpha" then "zebra", the long words
                 * between not words */
                assert_true(is_a);
                assert_int_equal(gazette_hit_highlight_count(h), 1);
                highlighted(h, 0, 0, got, sizeof got);
                snprintf(text, sizeof text, "alpha %s %s zebra", y65, y65);
                assert_string_equal(got, text);
                continue;
            }
            assert_int_equal(gazette_hit_highlight_count(h),
                             is_a || is_c ? 1 : 0);
            if (is_a || is_c) {
                highlighted(h, 0, 0, got, sizeof got);
                assert_string_equal(got, "zebra");
            }
            if (!is_c) {
                assert_int_equal(gazette_hit_title_highlight_count(h), 1);
                highlighted(h, 1, 0, got, sizeof got);
                assert_string_equal(got, "zebra");
            }
        }
        gazette_results_free(r);
    }
    gazette_index_close(index);
}

/* The first hit of `query` on the index `db` (NULL when none): its
 * result set in *r, freed by the caller. */
static const gazette_hit_t *first_hit(const char *db, const char *query,
                                      gazette_results_t **r)
{
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, query, NULL, r),
                     GAZETTE_STATUS_OK);
    gazette_index_close(index);
    return gazette_results_hit(*r, 0);
}

/* A short stem ("art", "us") chooses the passage by the words that stem
 * to it, not by every word that starts like it: "The article was
 * long ... The art museum" showed the start of the body, "article"
 * chosen and nothing highlighted. A word Porter2 rewrites ("dying" for
 * "die", "skies" for "sky") is still found. */
static void test_short_stem_snippets(void **state)
{
    (void)state;
    char dir[4096], db[4096], text[2048], filler[1024] = "", got[256];
    snprintf(dir, sizeof dir, "%s/short", fx.tmp);
    snprintf(db, sizeof db, "%s/short-index", fx.tmp);
    for (int i = 0; i < 12; i++)
        strcat(filler, "Lorem ipsum dolor sit amet. ");
    static const struct {
        const char *file, *start, *end, *query, *word;
    } cases[] = {
        {"s/c.txt", "The article was long.", "The art museum opened.",
         "art", "art"},
        {"s/a.txt", "Farmers use tractors.", "The US said nothing.", "us",
         "US"},
        {"s/d.txt", "Dice were thrown.", "The dying embers glowed.", "die",
         "dying"},
        {"s/k.txt", "Skiing was fun.", "The skies cleared.", "sky",
         "skies"},
    };
    size_t n = sizeof cases / sizeof *cases;
    for (size_t c = 0; c < n; c++) {
        snprintf(text, sizeof text, "Title: C\n\n%s %s%s\n", cases[c].start,
                 filler, cases[c].end);
        tu_write_file(dir, cases[c].file, text, strlen(text));
    }
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, dir), 0);
    for (size_t c = 0; c < n; c++) {
        gazette_results_t *r = NULL;
        const gazette_hit_t *h = first_hit(db, cases[c].query, &r);
        assert_non_null(h);
        assert_string_equal(gazette_hit_id(h), cases[c].file);
        if (gazette_hit_highlight_count(h) != 1)
            fail_msg("'%s': %zu highlights in \"%s\"", cases[c].query,
                     gazette_hit_highlight_count(h), gazette_hit_snippet(h));
        highlighted(h, 0, 0, got, sizeof got);
        assert_string_equal(got, cases[c].word);
        gazette_results_free(r);
    }
}

/* Title highlights mark the matched word when the title starts with
 * what is no word ("-- ", "...", "$ 80", "** "): Xapian's snippet of the
 * title leaves that out, and its offsets were read from the title's
 * start ("-- oil" marked "-- " for "oil"). */
static void test_title_highlights_after_punctuation(void **state)
{
    (void)state;
    char dir[4096], db[4096], text[512], name[64], got[256];
    snprintf(dir, sizeof dir, "%s/punct", fx.tmp);
    snprintf(db, sizeof db, "%s/punct-index", fx.tmp);
    static const struct {
        const char *title, *query, *word;
    } cases[] = {
        {"$ 80 SVX OIL CHANGE", "svx", "SVX"},
        {"-- oil prices rise", "prices", "prices"},
        {"...and  oil output rise", "output", "output"},
        {"** eps clip art", "clip", "clip"},
        {"  \"Quoted\" words  here", "words", "words"},
    };
    size_t n = sizeof cases / sizeof *cases;
    for (size_t c = 0; c < n; c++) {
        snprintf(text, sizeof text, "Title: %s\n\nfiller body text %zu\n",
                 cases[c].title, c);
        snprintf(name, sizeof name, "s/%zu.txt", c);
        tu_write_file(dir, name, text, strlen(text));
    }
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, dir), 0);
    for (size_t c = 0; c < n; c++) {
        gazette_results_t *r = NULL;
        const gazette_hit_t *h = first_hit(db, cases[c].query, &r);
        assert_non_null(h);
        assert_int_equal(gazette_hit_title_highlight_count(h), 1);
        highlighted(h, 1, 0, got, sizeof got);
        if (strcmp(got, cases[c].word) != 0)
            fail_msg("'%s' in \"%s\": marked '%s'", cases[c].query,
                     gazette_hit_title(h), got);
        gazette_results_free(r);
    }
}

/* `field` and `value` quoted as json.md says a script writes them
 * (field:"value", each '"' doubled), into `out`. */
static void quoted_filter(const char *field, const char *value, char *out,
                          size_t len)
{
    size_t o = (size_t)snprintf(out, len, "%s:\"", field);
    for (const char *v = value; *v; v++) {
        assert_true(o + 4 < len);
        out[o++] = *v;
        if (*v == '"')
            out[o++] = '"';
    }
    out[o++] = '"';
    out[o] = '\0';
}

/* Every hit's id given to id: in quotes finds that article alone (json.md),
 * and each tag and source facet value given to its filter finds the
 * articles it counts: ids past the term limit (hashed in the index), with
 * a space, ids and values ending in '"' or holding "". */
static void test_id_and_facet_round_trip(void **state)
{
    (void)state;
    char dir[4096], db[4096], name[512];
    snprintf(dir, sizeof dir, "%s/ids", fx.tmp);
    snprintf(db, sizeof db, "%s/ids-index", fx.tmp);
    static const char txt[] = "Title\n\nokapi body\n";
    char l240[241];
    memset(l240, 'l', 240);
    l240[240] = '\0';
    snprintf(name, sizeof name, "s/%s.txt", l240);
    tu_write_file(dir, name, txt, sizeof txt - 1);
    snprintf(name, sizeof name, "s/a b%s.txt", l240);
    tu_write_file(dir, name, txt, sizeof txt - 1);
    snprintf(name, sizeof name, "s/%.100s\"%.100s/%.40s.txt", l240, l240,
             l240);
    tu_write_file(dir, name, txt, sizeof txt - 1);
    tu_write_file(dir, "s/q\"x.txt", txt, sizeof txt - 1);
    static const char jsonl[] =
        "{\"id\":\"x\\\"\",\"body\":\"okapi\",\"tags\":[\"West \\\"Bank\\\"\"],"
        "\"source\":\"src\\\"\"}\n"
        "{\"id\":\"y\\\"\\\"\",\"body\":\"okapi\",\"tags\":[\"a\\\"\\\"\"]}\n"
        "{\"id\":\"\\\"z\",\"body\":\"okapi\"}\n"
        "{\"id\":\"w\\\" x\\\"\",\"body\":\"okapi\",\"source\":\"s w\\\"\"}\n";
    tu_write_file(dir, "j/a.jsonl", jsonl, sizeof jsonl - 1);
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, dir), 0);
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *all = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_collapse_duplicates(opts, 0),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_add_facet(opts,
                                                      GAZETTE_FACET_TAG),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_add_facet(opts,
                                                      GAZETTE_FACET_SOURCE),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, "okapi", opts, &all),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(all), 8);
    char query[2048];
    for (size_t i = 0; i < gazette_results_count(all); i++) {
        const char *id = gazette_hit_id(gazette_results_hit(all, i));
        gazette_results_t *r = NULL;
        quoted_filter("id", id, query, sizeof query);
        assert_int_equal(gazette_search(index, query, opts, &r),
                         GAZETTE_STATUS_OK);
        if (gazette_results_count(r) != 1 ||
            strcmp(gazette_hit_id(gazette_results_hit(r, 0)), id) != 0)
            fail_msg("%s finds %zu articles, not '%s'", query,
                     gazette_results_count(r), id);
        gazette_results_free(r);
    }
    static const gazette_facet_t facets[] = {GAZETTE_FACET_TAG,
                                             GAZETTE_FACET_SOURCE};
    static const char *const fields[] = {"tag", "source"};
    for (size_t f = 0; f < 2; f++)
        for (size_t i = 0; i < gazette_results_facet_count(all, facets[f]);
             i++) {
            const char *value = NULL;
            uint64_t count = 0, found = 0;
            gazette_results_t *r = NULL;
            assert_int_equal(gazette_results_facet_value(all, facets[f], i,
                                                         &value, &count),
                             GAZETTE_STATUS_OK);
            quoted_filter(fields[f], value, query, sizeof query);
            assert_int_equal(gazette_search(index, query, opts, &r),
                             GAZETTE_STATUS_OK);
            gazette_results_estimate(r, NULL, &found, NULL);
            if (found != count)
                fail_msg("%s finds %llu articles, its facet counts %llu",
                         query, (unsigned long long)found,
                         (unsigned long long)count);
            gazette_results_free(r);
        }
    gazette_results_free(all);
    gazette_search_options_free(opts);
    gazette_index_close(index);
}

/* The bytes the base64 text `b64` (RFC 4648, padded) encodes, into
 * out[size] and terminated; their number, or -1 when it is not such
 * text. */
static int from_base64(const char *b64, char *out, size_t size)
{
    static const char digit[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "abcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(b64), o = 0;
    if (n % 4 != 0)
        return -1;
    for (size_t i = 0; i < n; i += 4) {
        unsigned long v = 0;
        int pad = 0;
        for (size_t k = 0; k < 4; k++) {
            const char *d = b64[i + k] ? strchr(digit, b64[i + k]) : NULL;
            if (b64[i + k] == '=' && i + 4 == n && k >= 2)
                pad++;
            else if (!d || pad)
                return -1;
            v = v << 6 | (d ? (unsigned long)(d - digit) : 0);
        }
        for (int k = 0; k < 3 - pad; k++) {
            if (o + 1 >= size)
                return -1;
            out[o++] = (char)(v >> (16 - 8 * k) & 0xFF);
        }
    }
    out[o] = '\0';
    return (int)o;
}

/* `obj`'s string `key`, exact: its bytes from `key`_bytes (base64) when
 * it has that, into name[size]; checks that exactly a value with a byte
 * replaced (U+FFFD) has them. NULL when `obj` has no `key`. */
static const char *exact_value(json_t *obj, const char *key, char *name,
                               size_t size)
{
    char bytes_key[64];
    snprintf(bytes_key, sizeof bytes_key, "%s_bytes", key);
    const char *value = json_string_value(json_object_get(obj, key));
    const char *bytes = json_string_value(json_object_get(obj, bytes_key));
    if (!value)
        return NULL;
    if (!bytes)
        snprintf(name, size, "%s", value);
    else if (from_base64(bytes, name, size) < 0)
        fail_msg("%s '%s' is not base64", bytes_key, bytes);
    if ((strstr(value, "\xef\xbf\xbd") != NULL) != (bytes != NULL))
        fail_msg("%s '%s', %s %s", key, value, bytes_key,
                 bytes ? bytes : "none");
    return name;
}

/* A file name that is not UTF-8 shows in --json's "path" with U+FFFD for
 * each bad byte, which no script can open, and two such names may show
 * alike: the hit also has "path_bytes", the name's exact bytes in base64
 * (docs/json.md), absent when the path is UTF-8; so for its "id" (a JSON
 * Lines article's too, its file's bytes and "#ID"), "id_bytes". Before,
 * nothing told s/a\xFF.txt from s/a\xFE.txt, and then nothing told their
 * ids apart. */
static void test_json_path_bytes(void **state)
{
    (void)state;
    char dir[4096], db[4096], out[4096];
    snprintf(dir, sizeof dir, "%s/bytes", fx.tmp);
    snprintf(db, sizeof db, "%s/bytes-index", fx.tmp);
    snprintf(out, sizeof out, "%s/bytes.jsonl", fx.tmp);
    static const char txt[] = "Title\n\nokapi body\n";
    static const char jsonl[] = "{\"id\":\"k\",\"title\":\"T\","
                                "\"text\":\"okapi line\"}\n";
    static const char *const names[] = {"s/a\xff.txt", "s/a\xfe.txt",
                                        "s/caf\xc3\xa9.txt", "s/l\xff.jsonl"};
    static const char *const ids[] = {"s/a\xff.txt", "s/a\xfe.txt",
                                      "s/caf\xc3\xa9.txt", "s/l\xff.jsonl#k"};
    enum { NAMES = sizeof names / sizeof *names };
    for (size_t i = 0; i + 1 < NAMES; i++)
        tu_write_file(dir, names[i], txt, sizeof txt - 1);
    tu_write_file(dir, names[NAMES - 1], jsonl, sizeof jsonl - 1);
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, dir), 0);
    assert_int_equal(tu_run("'%s' --db '%s' --json --duplicates okapi > '%s'",
                            tu_binary("query/cli/gazette-query"), db, out),
                     0);
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    char line[65536], name[512], id[512];
    int found[NAMES] = {0};
    while (fgets(line, sizeof line, f)) {
        json_error_t err;
        json_t *obj = json_loads(line, 0, &err);
        assert_non_null(obj);
        const char *path = exact_value(obj, "path", name, sizeof name);
        const char *exact_id = exact_value(obj, "id", id, sizeof id);
        for (size_t i = 0; path && i < NAMES; i++)
            found[i] += exact_id && strcmp(path, names[i]) == 0 &&
                        strcmp(exact_id, ids[i]) == 0;
        json_decref(obj);
    }
    fclose(f);
    for (size_t i = 0; i < NAMES; i++)
        if (found[i] != 1)
            fail_msg("%s: %d hits name it and its id", names[i], found[i]);
}

/* With --json, hits of a page past its GAZETTE_MAX_SNIPPETS-th have no
 * snippet fields (no snippet was made) rather than empty ones, which say
 * that nothing matched; the first 200 of a page have them, whatever the
 * offset. */
static void test_json_hits_past_snippet_cap(void **state)
{
    (void)state;
    char dir[4096], db[4096], out[4096], name[64], text[64];
    snprintf(dir, sizeof dir, "%s/many", fx.tmp);
    snprintf(db, sizeof db, "%s/many-index", fx.tmp);
    snprintf(out, sizeof out, "%s/many.json", fx.tmp);
    for (int i = 0; i < 210; i++) {
        snprintf(name, sizeof name, "s/f%03d.txt", i);
        int n = snprintf(text, sizeof text, "Okapi %d\n\nokapi body %d\n", i,
                         i);
        tu_write_file(dir, name, text, (size_t)n);
    }
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, dir), 0);
    static const char *const pages[] = {"-n 210", "--offset 5 -n 203"};
    static const size_t counts[] = {210, 203};
    for (size_t p = 0; p < 2; p++) {
        assert_int_equal(tu_run("'%s' --db '%s' --json %s okapi > '%s'",
                                tu_binary("query/cli/gazette-query"), db,
                                pages[p], out), 0);
        FILE *f = fopen(out, "r");
        assert_non_null(f);
        char line[8192];
        size_t hits = 0;
        while (fgets(line, sizeof line, f)) {
            json_error_t err;
            json_t *o = json_loads(line, 0, &err);
            assert_non_null(o);
            if (strcmp(json_string_value(json_object_get(o, "type")),
                       "hit") == 0) {
                int has = json_object_get(o, "snippet") != NULL;
                int want = hits < GAZETTE_MAX_SNIPPETS;
                if (has != want ||
                    (json_object_get(o, "highlights") != NULL) != want ||
                    (json_object_get(o, "title_highlights") != NULL) != want)
                    fail_msg("%s: hit %zu of the page: %s", pages[p],
                             hits + 1, line);
                if (want)
                    assert_int_equal(
                        json_array_size(json_object_get(o, "highlights")), 1);
                hits++;
            }
            json_decref(o);
        }
        fclose(f);
        assert_int_equal(hits, counts[p]);
    }
}

/* A hit's duplicates count is a lower bound that a longer page may
 * raise, exact once the page reaches past the last match (json.md): six
 * copies of one body with other titles, among other articles. */
static void test_duplicates_lower_bound(void **state)
{
    (void)state;
    char dir[4096], db[4096], name[64], text[256], title[128] = "Zebra";
    snprintf(dir, sizeof dir, "%s/copies", fx.tmp);
    snprintf(db, sizeof db, "%s/copies-index", fx.tmp);
    for (int i = 1; i <= 6; i++) {
        snprintf(name, sizeof name, "s/c%d.txt", i);
        int n = snprintf(text, sizeof text, "%s\n\nBody zebra.\n", title);
        tu_write_file(dir, name, text, (size_t)n);
        snprintf(name, sizeof name, "s/o%d.txt", i);
        n = snprintf(text, sizeof text, "Other %d %s\n\nUnique text number "
                     "%d about zebra herds.\n", i, title, i);
        tu_write_file(dir, name, text, (size_t)n);
        strcat(title, " words");
    }
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, dir), 0);
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_feedback(opts, 0),
                     GAZETTE_STATUS_OK);
    uint32_t prev = 0;
    for (uint32_t limit = 1; limit <= 10; limit++) {
        gazette_results_t *r = NULL;
        assert_int_equal(gazette_search_options_set_range(opts, 0, limit),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_search(index, "zebra", opts, &r),
                         GAZETTE_STATUS_OK);
        uint32_t copies = 0;
        for (size_t i = 0; i < gazette_results_count(r); i++) {
            const gazette_hit_t *h = gazette_results_hit(r, i);
            if (strncmp(gazette_hit_id(h), "s/c", 3) == 0)
                copies = gazette_hit_duplicates(h);
        }
        assert_true(copies <= 5);
        if (gazette_results_count(r) < limit)
            assert_int_equal(copies, 5);
        prev = copies;
        gazette_results_free(r);
    }
    assert_int_equal(prev, 5);
    gazette_search_options_free(opts);
    gazette_index_close(index);
}

/* gazette-index --json names the index as gazette-query --json does
 * (less a trailing "/" or "/."), and writes its JSON in ASCII as that
 * does (a root holding U+2028); with -v the summary is the last line of
 * stdout, after the "added PATH" lines. */
static void test_index_json_agrees_with_query(void **state)
{
    (void)state;
    char dir[4096], db[4096], given[4200], out[4096];
    snprintf(dir, sizeof dir, "%s/lsep\xe2\x80\xa8root", fx.tmp);
    snprintf(db, sizeof db, "%s/lsep-index", fx.tmp);
    snprintf(given, sizeof given, "%s//.", db);
    snprintf(out, sizeof out, "%s/lsep.out", fx.tmp);
    static const char txt[] = "Title\n\nokapi body\n";
    tu_write_file(dir, "s/a.txt", txt, sizeof txt - 1);
    tu_write_file(dir, "s/b.txt", "Other\n\nokapi two\n", 17);
    assert_int_equal(tu_run("'%s' --json -v --db '%s' '%s' > '%s'",
                            tu_binary("indexer/gazette-index"), given, dir,
                            out), 0);
    char *text = slurp_file(out);
    assert_non_null(text);
    /* "added s/a.txt", "added s/b.txt", then the summary */
    char *last = strrchr(text, '\n');
    assert_true(last && last[1] == '\0');
    *last = '\0';
    last = strrchr(text, '\n');
    assert_non_null(last);
    *last++ = '\0';
    assert_true(strncmp(text, "added ", 6) == 0);
    for (const char *p = last; *p; p++)
        if ((unsigned char)*p >= 0x80)
            fail_msg("not ASCII: %s", last);
    json_error_t err;
    json_t *summary = json_loads(last, 0, &err);
    if (!summary)
        fail_msg("not JSON: %s", last);
    assert_string_equal(json_string_value(json_object_get(summary, "index")),
                        db);
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(summary, "roots"),
                                         0)), dir);
    json_decref(summary);
    free(text);
    assert_int_equal(tu_run("'%s' --db '%s' --json -n 1 okapi > '%s'",
                            tu_binary("query/cli/gazette-query"), given, out),
                     0);
    text = slurp_file(out);
    json_t *hit = json_loads(text, JSON_DISABLE_EOF_CHECK, &err);
    assert_non_null(hit);
    assert_string_equal(json_string_value(json_object_get(hit, "index")), db);
    json_decref(hit);
    free(text);
}

/* A newline or CR in a file name, or in a JSON Lines id, is kept in the
 * stored id and path: three files "a\nb.txt", "a\rb.txt" and "a b.txt"
 * come out as three ids, not three "a b.txt", so a script acting on the
 * printed paths acts on the right files. */
static void test_line_breaks_in_names(void **state)
{
    (void)state;
    char dir[4096], db[4096], out[4096];
    snprintf(dir, sizeof dir, "%s/breaks", fx.tmp);
    snprintf(db, sizeof db, "%s/breaks-index", fx.tmp);
    snprintf(out, sizeof out, "%s/breaks.out", fx.tmp);
    static const char one[] = "Newline okapi\n\nokapi first body\n";
    static const char two[] = "Space okapi\n\nokapi second body\n";
    static const char three[] = "CR okapi\n\nokapi third body\n";
    tu_write_file(dir, "s/a\nb.txt", one, sizeof one - 1);
    tu_write_file(dir, "s/a b.txt", two, sizeof two - 1);
    tu_write_file(dir, "s/a\rb.txt", three, sizeof three - 1);
    static const char jsonl[] =
        "{\"id\":\"a\\nb\",\"title\":\"J1 okapi\",\"body\":\"one\"}\n"
        "{\"id\":\"a\\rb\",\"title\":\"J2 okapi\",\"body\":\"two\"}\n"
        "{\"id\":\"a\\u001fb\",\"title\":\"J3 okapi\",\"body\":\"three\"}\n"
        "{\"id\":\"a b\",\"title\":\"J4 okapi\",\"body\":\"four\"}\n"
        "{\"id\":\"a\\\\nb\",\"title\":\"J5 okapi\",\"body\":\"five\"}\n";
    tu_write_file(dir, "j/x.jsonl", jsonl, sizeof jsonl - 1);
    assert_int_equal(tu_run("'%s' -q -j1 --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, dir), 0);
    const char *q = tu_binary("query/cli/gazette-query");
    assert_int_equal(tu_run("'%s' --db '%s' --limit 20 --format paths okapi "
                            "| sort > '%s'", q, db, out), 0);
    assert_int_equal(tu_run("printf '%%s\\n' 'j/x.jsonl#a b' "
                            "'j/x.jsonl#a\\\\nb' 'j/x.jsonl#a\\nb' "
                            "'j/x.jsonl#a\\rb' 'j/x.jsonl#a\\x1Fb' "
                            "'s/a b.txt' 's/a\\nb.txt' 's/a\\rb.txt' "
                            "| sort | cmp -s - '%s'", out), 0);
    /* the text output shows each id as --format paths does */
    assert_int_equal(tu_run("'%s' --db '%s' --limit 20 okapi > '%s'",
                            q, db, out), 0);
    assert_int_equal(tu_run("grep -qx '      s/a\\\\nb.txt' '%s'", out), 0);
    assert_int_equal(tu_run("grep -qx '      s/a\\\\rb.txt' '%s'", out), 0);
    assert_int_equal(tu_run("grep -qx '      s/a b.txt' '%s'", out), 0);
    assert_int_equal(tu_run("'%s' --db '%s' --limit 20 --json okapi > '%s'",
                            q, db, out), 0);
    assert_int_equal(tu_run("grep -q '\"id\":\"s/a\\\\nb.txt\",.*"
                            "\"path\":\"s/a\\\\nb.txt\"' '%s'", out), 0);
    assert_int_equal(tu_run("grep -q '\"id\":\"s/a\\\\rb.txt\",.*"
                            "\"path\":\"s/a\\\\rb.txt\"' '%s'", out), 0);
    assert_int_equal(tu_run("grep -q '\"id\":\"j/x.jsonl#a\\\\rb\"' '%s'",
                            out), 0);
    /* the library reads each back under its own id, whole */
    static const char *const ids[] = {"s/a\nb.txt", "s/a\rb.txt",
                                      "s/a b.txt", "j/x.jsonl#a\nb",
                                      "j/x.jsonl#a\rb", "j/x.jsonl#a\\nb"};
    static const char *const titles[] = {"Newline okapi", "CR okapi",
                                         "Space okapi", "J1 okapi",
                                         "J2 okapi", "J5 okapi"};
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        gazette_article_t *a = NULL;
        assert_int_equal(gazette_index_get_article(index, ids[i], &a),
                         GAZETTE_STATUS_OK);
        assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_ID), ids[i]);
        assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_TITLE),
                            titles[i]);
        if (ids[i][0] == 's')
            assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_PATH),
                                ids[i]);
        gazette_article_free(a);
    }
    gazette_index_close(index);
}

/* Odd but valid files: headline-only articles are not duplicates of each
 * other, a file dated beyond 2262 indexes, a long non-ASCII source is cut
 * on a character boundary (JSON output stays valid). */
static void test_odd_files(void **state)
{
    (void)state;
    char dir[4096], db[4096], out[4096];
    snprintf(dir, sizeof dir, "%s/odd", fx.tmp);
    snprintf(db, sizeof db, "%s/odd-index", fx.tmp);
    snprintf(out, sizeof out, "%s/odd.jsonl", fx.tmp);
    for (int i = 0; i < 3; i++) {
        char name[32], text[64];
        snprintf(name, sizeof name, "h/%d.txt", i);
        int n = snprintf(text, sizeof text, "Armistice headline %d\n", i);
        tu_write_file(dir, name, text, (size_t)n);
    }
    static const char future[] = "Pangolin future\n\nA pangolin.\n";
    tu_write_file(dir, "f/future.txt", future, sizeof future - 1);
    assert_int_equal(tu_run("touch -d 2400-01-01 '%s/f/future.txt'", dir), 0);
    char line[1024];
    int n = snprintf(line, sizeof line, "{\"id\":\"s\",\"title\":\"Okapi\","
                     "\"source\":\"");
    for (int i = 0; i < 200; i++)
        n += snprintf(line + n, sizeof line - (size_t)n, "\xc3\xa9");
    n += snprintf(line + n, sizeof line - (size_t)n, "\"}\n");
    tu_write_file(dir, "j/s.jsonl", line, (size_t)n);
    char longname[400];   /* an id over the 240-byte term limit */
    memset(longname, 'd', 150);
    memcpy(longname + 150, "/", 1);
    memset(longname + 151, 'e', 150);
    memcpy(longname + 301, ".txt", 5);
    char rel[512];
    snprintf(rel, sizeof rel, "l/%s", longname);
    static const char walrus[] = "Walrus\n\nA walrus.\n";
    tu_write_file(dir, rel, walrus, sizeof walrus - 1);
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, dir), 0);
    const char *q = tu_binary("query/cli/gazette-query");
    assert_int_equal(tu_run("'%s' --db '%s' --format paths 'id:%s' | grep -q "
                            "eeee", q, db, rel), 0);
    assert_int_equal(tu_run("test \"$('%s' --db '%s' --format paths armistice "
                            "| wc -l)\" -eq 3", q, db), 0);
    assert_int_equal(tu_run("'%s' --db '%s' --format paths pangolin | grep -q "
                            "future", q, db), 0);
    assert_int_equal(tu_run("'%s' --db '%s' --json --facet source okapi > '%s'",
                            q, db, out), 0);
    assert_int_equal(tu_run("grep -q '\"id\":\"j/s.jsonl#s\"' '%s'", out), 0);
    /* A record without a title says so in the text output (its line
     * ended after the source). */
    static const char untitled[] = "{\"id\":\"u\",\"body\":\"A tapir "
                                   "slept.\"}\n";
    tu_write_file(dir, "j/u.jsonl", untitled, sizeof untitled - 1);
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, dir), 0);
    assert_int_equal(tu_run("'%s' --db '%s' tapir | grep -q '%%  j  "
                            "(untitled)$'", q, db), 0);
}

/* A file emptied since the last run no longer finds its old text, its
 * articles removed as a vanished file's: under the removal limit (one
 * file of two is over the default 10%: nothing removed, exit 69); a
 * corpus root that cannot be walked is a missing input (66). */
static void test_emptied_file_and_bad_root(void **state)
{
    (void)state;
    char dir[4096], db[4096];
    snprintf(dir, sizeof dir, "%s/empty", fx.tmp);
    snprintf(db, sizeof db, "%s/empty-index", fx.tmp);
    static const char text[] = "Notice\n\nA secret retracted text.\n";
    tu_write_file(dir, "n/a.txt", text, sizeof text - 1);
    static const char other[] = "Other\n\nNothing here.\n";
    tu_write_file(dir, "n/b.txt", other, sizeof other - 1);
    const char *ix = tu_binary("indexer/gazette-index");
    const char *q = tu_binary("query/cli/gazette-query");
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'", ix, db, dir), 0);
    assert_int_equal(tu_run("'%s' --db '%s' --format paths retracted | grep -q "
                            "a.txt", q, db), 0);
    tu_write_file(dir, "n/a.txt", "", 0);
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s' 2>/dev/null", ix, db, dir),
                     69);   /* 1 of 2 files would be removed */
    assert_int_equal(tu_run("'%s' --db '%s' --format paths retracted | grep -q "
                            "a.txt", q, db), 0);
    assert_int_equal(tu_run("'%s' -q --max-remove 50 --db '%s' '%s' "
                            "2>/dev/null", ix, db, dir),
                     1);   /* skipped: empty */
    assert_int_equal(tu_run("test -z \"$('%s' --db '%s' --format paths "
                            "retracted)\"", q, db), 0);
    assert_int_equal(tu_run("mkfifo '%s/fifo'", fx.tmp), 0);
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s/fifo' 2>/dev/null", ix, db,
                            fx.tmp), 66);
}

/* Mail and news posts are indexed through gazette-index (extensionless
 * spool files too); what is not an article is counted as ignored and
 * listed with --verbose, never skipped in silence; --include and
 * --exclude choose files; a spool file that stops being mail loses its
 * articles, skipped with the reason (not ignored in silence: the index
 * held it). */
static void test_mail_and_ignored_files(void **state)
{
    (void)state;
    char dir[4096], db[4096], out[4096];
    snprintf(dir, sizeof dir, "%s/spool", fx.tmp);
    snprintf(db, sizeof db, "%s/spool-index", fx.tmp);
    snprintf(out, sizeof out, "%s/spool.out", fx.tmp);
    static const char post[] =
        "From: kbarnes@example.edu (Kim Barnes)\n"
        "Subject: Telescope mirror grinding\n"
        "Organization: Example State University\n"
        "Lines: 2\n"
        "Newsgroups: sci.astro\n"
        "Date: 6 Apr 93 10:02:44 GMT\n"
        "\n"
        "Grinding a mirror by hand takes patience.\n";
    static const char eml[] =
        "From: Desk <desk@example.org>\nSubject: Wombat census\n"
        "Date: Tue, 07 Nov 2023 08:00:00 +1100\n\nThe wombat count rose.\n";
    static const char notes[] = "TODO: grind the mirror\n";
    tu_write_file(dir, "sci.astro/51120", post, sizeof post - 1);
    tu_write_file(dir, "sci.astro/51121", notes, sizeof notes - 1);
    tu_write_file(dir, "mail/w.eml", eml, sizeof eml - 1);
    tu_write_file(dir, "mail/README", "about\n", 6);
    tu_write_file(dir, "mail/photo.png", "x", 1);
    tu_write_file(dir, "mail/.hidden.eml", eml, sizeof eml - 1);
    const char *ix = tu_binary("indexer/gazette-index");
    const char *q = tu_binary("query/cli/gazette-query");
    assert_int_equal(tu_run("'%s' -v --json --db '%s' '%s' > '%s'", ix, db,
                            dir, out), 0);
    char *text = slurp_file(out);
    assert_non_null(strstr(text, "added sci.astro/51120\n"));
    assert_non_null(strstr(text, "added mail/w.eml\n"));
    assert_non_null(strstr(text, "/mail/README (a README"));
    assert_non_null(strstr(text, "/mail/photo.png (unknown file type)\n"));
    assert_non_null(strstr(text, "/mail/.hidden.eml (hidden)\n"));
    assert_non_null(strstr(text, "/sci.astro/51121 (no known extension and "
                                 "no mail header block)\n"));
    assert_non_null(strstr(text, "\"scanned\":2,\"added\":2,"));
    assert_non_null(strstr(text, "\"skipped\":0,\"ignored\":4,"));
    free(text);
    /* the headers are not text: the post is found by its words, the
     * author and the group, not by Organization or Lines */
    assert_int_equal(tu_run("'%s' --db '%s' --format paths 'mirror' | grep -q "
                            "51120", q, db), 0);
    assert_int_equal(tu_run("'%s' --db '%s' --format paths 'author:barnes "
                            "tag:sci.astro year:1993' | grep -q 51120", q, db),
                     0);
    assert_int_equal(tu_run("test -z \"$('%s' --db '%s' --format paths "
                            "'organization OR university OR lines')\"", q, db),
                     0);
    assert_int_equal(tu_run("'%s' --db '%s' --format paths 'title:wombat "
                            "date:2023-11-07' | grep -q w.eml", q, db), 0);

    /* the plain summary line, and --include / --exclude */
    /* --max-remove 0: dropping half of this tiny corpus is meant */
    assert_int_equal(tu_run("'%s' --db '%s' --max-remove 0 --exclude 'mail' "
                            "'%s' > '%s'", ix, db, dir, out), 0);
    text = slurp_file(out);
    assert_non_null(strstr(text, "scanned 1, added 0, updated 0, removed 1, "
                                 "unchanged 1, skipped 0, ignored 2, "));
    free(text);
    assert_int_equal(tu_run("'%s' --db '%s' --max-remove 0 --include '*.eml' "
                            "'%s' > '%s'", ix, db, dir, out), 0);
    text = slurp_file(out);
    assert_non_null(strstr(text, "scanned 1, added 1, updated 0, removed 1, "
                                 "unchanged 0, skipped 0, ignored 5, "));
    free(text);

    /* a spool file that is no longer mail: skipped with the reason, its
     * article removed; then, no longer in the index, ignored */
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'", ix, db, dir), 0);
    tu_write_file(dir, "sci.astro/51120", notes, sizeof notes - 1);
    assert_int_equal(tu_run("'%s' --db '%s' --max-remove 0 '%s' > '%s' "
                            "2>&1", ix, db, dir, out), 1);
    text = slurp_file(out);
    assert_non_null(strstr(text, "/sci.astro/51120: no known extension and "
                                 "no mail header block\n"));
    assert_non_null(strstr(text, "removed 1,"));
    assert_non_null(strstr(text, "skipped 1, ignored 4,"));
    free(text);
    assert_int_equal(tu_run("'%s' --db '%s' '%s' > '%s'", ix, db, dir, out),
                     0);
    text = slurp_file(out);
    assert_non_null(strstr(text, "skipped 0, ignored 5,"));
    free(text);
    assert_int_equal(tu_run("test -z \"$('%s' --db '%s' --format paths "
                            "mirror)\"", q, db), 0);
}

/* A file without an extension that opens with a mail header but holds a
 * NUL byte is ignored as binary data, and said so: "no mail header
 * block" was wrong about it. */
static void test_spool_file_with_nul_says_binary(void **state)
{
    (void)state;
    char dir[4096], db[4096], out[4096];
    snprintf(dir, sizeof dir, "%s/nulspool", fx.tmp);
    snprintf(db, sizeof db, "%s/nulspool-index", fx.tmp);
    snprintf(out, sizeof out, "%s/nulspool.out", fx.tmp);
    static const char post[] = "From: a@example.org\nSubject: Comet\n\n"
                               "A comet passed.\n";
    tu_write_file(dir, "sci.astro/1", post, sizeof post - 1);
    tu_write_file(dir, "sci.astro/2", post, sizeof post);   /* its NUL too */
    const char *ix = tu_binary("indexer/gazette-index");
    assert_int_equal(tu_run("'%s' -v --db '%s' '%s' > '%s'", ix, db, dir,
                            out), 0);
    char *text = slurp_file(out);
    if (!strstr(text, "/sci.astro/2 (no known extension, and binary data (a "
                      "NUL byte))\n"))
        fail_msg("no binary reason in:\n%s", text);
    assert_non_null(strstr(text, "added 1,"));
    free(text);
}

/* A news spool or maildir file compressed with gzip ("51122.gz") is read
 * through zlib like any other format; a compressed file without an
 * extension that is not mail is ignored, as it would be uncompressed. */
static void test_gzipped_spool_files(void **state)
{
    (void)state;
    char dir[4096], db[4096], out[4096];
    snprintf(dir, sizeof dir, "%s/gzspool", fx.tmp);
    snprintf(db, sizeof db, "%s/gzspool-index", fx.tmp);
    snprintf(out, sizeof out, "%s/gzspool.out", fx.tmp);
    static const char post[] =
        "From: Lee Park <lee@example.edu>\nSubject: Comet sighting\n"
        "Newsgroups: sci.astro\n\nThe comet was bright over the ridge.\n";
    static const char notes[] = "Clean the lens before the next clear night.\n";
    tu_write_gzip(dir, "sci.astro/51122.gz", post, sizeof post - 1);
    tu_write_gzip(dir, "sci.astro/51123.gz", notes, sizeof notes - 1);
    const char *ix = tu_binary("indexer/gazette-index");
    const char *q = tu_binary("query/cli/gazette-query");
    assert_int_equal(tu_run("'%s' -v --json --db '%s' '%s' > '%s' 2>&1", ix,
                            db, dir, out), 0);
    char *text = slurp_file(out);
    assert_non_null(strstr(text, "added sci.astro/51122.gz\n"));
    assert_non_null(strstr(text, "/sci.astro/51123.gz (no known extension "
                                 "and no mail header block)\n"));
    assert_non_null(strstr(text, "\"scanned\":1,\"added\":1,"));
    free(text);
    assert_int_equal(tu_run("'%s' --db '%s' --format paths 'comet "
                            "author:park tag:sci.astro' | grep -q 51122.gz",
                            q, db), 0);
}

/* Pages in the legacy charset they declare (<meta charset>, and the
 * http-equiv form, gzipped) are indexed as written: their titles and text
 * are found and shown in UTF-8 (windows-1251 was stored as "Ìîñêâà"). */
static void test_html_declared_charset_searchable(void **state)
{
    (void)state;
    char dir[4096], db[4096];
    snprintf(dir, sizeof dir, "%s/charset", fx.tmp);
    snprintf(db, sizeof db, "%s/charset-index", fx.tmp);
    /* "<title>Москва</title>...Президент выступил в Кремле." */
    static const char ru[] =
        "<html><head><meta charset=\"windows-1251\"><title>\xCC\xEE\xF1\xEA"
        "\xE2\xE0</title></head><body><p>\xCF\xF0\xE5\xE7\xE8\xE4\xE5\xED"
        "\xF2 \xE2\xFB\xF1\xF2\xF3\xEF\xE8\xEB \xE2 \xCA\xF0\xE5\xEC\xEB\xE5."
        "</p></body></html>";
    /* "<title>Łódź</title>...Miasto Łódź jest duże." */
    static const char pl[] =
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
        "charset=iso-8859-2\"><title>\xA3\xF3\x64\xBC</title></head><body>"
        "<p>Miasto \xA3\xF3\x64\xBC jest du\xBF\x65.</p></body></html>";
    tu_write_file(dir, "x/ru.html", ru, sizeof ru - 1);
    tu_write_gzip(dir, "x/pl.html.gz", pl, sizeof pl - 1);
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, dir), 0);
    static const struct {
        const char *query, *id, *title;
    } finds[] = {
        {"Москва", "x/ru.html", "Москва"},
        {"кремле президент", "x/ru.html", "Москва"},
        {"title:москва", "x/ru.html", "Москва"},
        {"Łódź", "x/pl.html.gz", "Łódź"},
        {"duże", "x/pl.html.gz", "Łódź"},
    };
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    for (size_t i = 0; i < sizeof finds / sizeof finds[0]; i++) {
        gazette_results_t *r = NULL;
        assert_int_equal(gazette_search(index, finds[i].query, NULL, &r),
                         GAZETTE_STATUS_OK);
        if (gazette_results_count(r) != 1)
            fail_msg("%s: %zu hits", finds[i].query,
                     gazette_results_count(r));
        const gazette_hit_t *h = gazette_results_hit(r, 0);
        assert_string_equal(gazette_hit_id(h), finds[i].id);
        assert_string_equal(gazette_hit_title(h), finds[i].title);
        gazette_results_free(r);
    }
    gazette_index_close(index);
}

/* The one hit of `query`, which must exist and be `id`. */
static const gazette_hit_t *only_hit(gazette_results_t *r, const char *id)
{
    if (gazette_results_count(r) != 1)
        fail_msg("%zu hits, want 1 (%s)", gazette_results_count(r), id);
    const gazette_hit_t *h = gazette_results_hit(r, 0);
    assert_string_equal(gazette_hit_id(h), id);
    return h;
}

/* 1 when `id` is among the hits of `r`. */
static int has_hit(gazette_results_t *r, const char *id)
{
    for (size_t i = 0; i < gazette_results_count(r); i++)
        if (strcmp(gazette_hit_id(gazette_results_hit(r, i)), id) == 0)
            return 1;
    return 0;
}

/* The sample holds every supported format (corpus/sample/README.md), and
 * each comes out of the index as written: YAML front matter (a folded
 * title, commas inside quoted tags), mail (an encoded subject, a Latin-1
 * quoted-printable body, the sender's name), news posts (files without an
 * extension, their groups as tags, headers not indexed), JSON Lines, and
 * the dates: a date only in the file name, an undated article. */
static void test_sample_formats(void **state)
{
    (void)state;
    static const char *const kinds[] = {".txt", ".txt.gz", ".md", ".html",
                                        ".html.gz", ".jsonl#", ".eml"};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t n = 0;
        size_t klen = strlen(kinds[k]);
        for (size_t i = 0; i < fx.narticles; i++) {
            const char *id = fx.articles[i].id;
            size_t len = strlen(id);
            n += kinds[k][klen - 1] == '#'
                     ? strstr(id, kinds[k]) != NULL
                     : len > klen && strcmp(id + len - klen, kinds[k]) == 0;
        }
        if (n == 0)
            fail_msg("no %s article in the sample", kinds[k]);
    }
    size_t spool = 0;
    for (size_t i = 0; i < fx.narticles; i++) {
        const char *base = strrchr(fx.articles[i].id, '/');
        spool += base && !strchr(base, '.');
    }
    assert_true(spool >= 2);

    /* YAML: a folded title; tags with a comma inside quotes */
    gazette_results_t *r = search("tag:\"israel, gaza\"", 10);
    const gazette_hit_t *h = only_hit(r, "world/2023-11-22-qatar-brokers-truce.md");
    assert_string_equal(gazette_hit_title(h), "Israel and Hamas agree to a "
                        "four-day truce and an exchange of hostages for "
                        "prisoners");
    gazette_results_free(r);
    r = search("tag:\"climate, energy\" tag:cop28", 10);
    only_hit(r, "business/2023-12-13-cop28-fossil-fuels-deal.md");
    gazette_results_free(r);

    /* mail: RFC 2047 subject, From name, Date; a Latin-1 QP body */
    r = search("id:business/2023-12-07-european-bank-shares.eml", 10);
    h = only_hit(r, "business/2023-12-07-european-bank-shares.eml");
    assert_string_equal(gazette_hit_title(h), "Z\xC3\xBCrich and Paris lenders "
                        "face a harder 2024");
    assert_string_equal(gazette_hit_author(h), "Anna Meier");
    assert_string_equal(gazette_hit_date(h), "2023-12-07");
    gazette_results_free(r);
    static const char *const words[] = {"\"Soci\xC3\xA9t\xC3\xA9 G\xC3\xA9n\xC3\xA9rale\"",
                                        "na\xC3\xAFve", "Z\xC3\xBCrich"};
    for (size_t i = 0; i < 3; i++) {
        r = search(words[i], 10);
        if (!has_hit(r, "business/2023-12-07-european-bank-shares.eml"))
            fail_msg("%s does not find the bank mail", words[i]);
        gazette_results_free(r);
    }

    /* news posts: files named by number, groups as tags */
    r = search("source:newsgroups", 10);
    assert_int_equal(gazette_results_count(r), 2);
    gazette_results_free(r);
    r = search("tag:sci.space.policy", 10);
    h = only_hit(r, "newsgroups/sci.space/7713");
    assert_string_equal(gazette_hit_author(h), "Dan Ortiz");
    assert_string_equal(gazette_hit_date(h), "2023-11-18");
    gazette_results_free(r);
    r = search("author:white tag:rec.sport.cricket", 10);
    h = only_hit(r, "newsgroups/rec.sport.cricket/4521");
    assert_string_equal(gazette_hit_date(h), "2023-11-20");
    gazette_results_free(r);

    /* headers are not text: "Organization: Gazette sample desk" is in a
     * header of the border mail only */
    r = search("\"sample desk\"", 10);
    assert_int_equal(gazette_results_count(r), 0);
    gazette_results_free(r);
    r = search("organization", 50);
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const char *id = gazette_hit_id(gazette_results_hit(r, i));
        assert_null(strstr(id, ".eml"));
        assert_null(strstr(id, "newsgroups/"));
    }
    gazette_results_free(r);
    /* ... and the mail is found by its words */
    r = search("Hezbollah fighters traded fire", 50);
    assert_true(has_hit(r, "world/2023-11-13-border-clashes-widen.eml"));
    gazette_results_free(r);

    /* three articles from one JSON Lines file */
    r = search("source:world (Pelosi OR truce)", 50);
    size_t lines = 0;
    for (size_t i = 0; i < gazette_results_count(r); i++)
        lines += strncmp(gazette_hit_id(gazette_results_hit(r, i)),
                         "world/wire-briefs.jsonl#", 24) == 0;
    assert_int_equal(lines, 3);
    gazette_results_free(r);

    /* a date only in the file name; an undated article has no date and
     * falls outside every date filter */
    r = search("id:world/2023-12-12-un-assembly-ceasefire-vote.html", 10);
    h = only_hit(r, "world/2023-12-12-un-assembly-ceasefire-vote.html");
    assert_string_equal(gazette_hit_date(h), "2023-12-12");
    gazette_results_free(r);
    r = search("vinyl", 10);
    h = only_hit(r, "culture/vinyl-keeps-spinning.html");
    assert_string_equal(gazette_hit_date(h), "");
    gazette_results_free(r);
    static const char *const dated[] = {"vinyl date:..9999", "vinyl year:2023",
                                        "vinyl date:1900..2100"};
    for (size_t i = 0; i < 3; i++) {
        r = search(dated[i], 10);
        assert_int_equal(gazette_results_count(r), 0);
        gazette_results_free(r);
    }
    size_t undated = 0;
    for (size_t i = 0; i < fx.narticles; i++)
        undated += fx.articles[i].date[0] == '\0';
    assert_int_equal(undated, 1);
}

/* Indexing the sample: every file is scanned but its README, which is
 * ignored (and listed with --verbose), not skipped. */
static void test_sample_summary(void **state)
{
    (void)state;
    char out[4096];
    snprintf(out, sizeof out, "%s/sample-summary.txt", fx.tmp);
    /* files: articles of one file (JSON Lines) come one after another */
    size_t files = 0;
    for (size_t i = 0; i < fx.narticles; i++) {
        const char *id = fx.articles[i].id;
        size_t n = strcspn(id, "#");
        files += i == 0 || strncmp(id, fx.articles[i - 1].id, n) != 0 ||
                 strcspn(fx.articles[i - 1].id, "#") != n;
    }
    assert_int_equal(tu_run("'%s' -v --dry-run --db '%s/none' '%s' > '%s'",
                            tu_binary("indexer/gazette-index"), fx.tmp,
                            tu_source_path("corpus/sample"), out), 0);
    char *text = slurp_file(out);
    char want[128];
    snprintf(want, sizeof want, "scanned %zu, added %zu, updated 0, removed "
             "0, unchanged 0, skipped 0, ignored 1, ", files, files);
    if (!strstr(text, want))
        fail_msg("want \"%s\" in:\n%s", want, text);
    assert_non_null(strstr(text, "/README.md (a README, SOURCE or LICENSE"));
    free(text);
}

/* A rerun in another language than the index's is refused (exit 64, one
 * line naming both) and changes nothing. */
static void test_reindex_other_language(void **state)
{
    (void)state;
    char out[4096];
    snprintf(out, sizeof out, "%s/lang.txt", fx.tmp);
    const char *ix = tu_binary("indexer/gazette-index");
    for (int dry = 0; dry < 2; dry++) {
        assert_int_equal(tu_run("'%s' %s--language french --db '%s' '%s' "
                                "2>'%s'", ix, dry ? "--dry-run " : "",
                                fx.db, tu_source_path("corpus/sample"), out),
                         64);
        FILE *f = fopen(out, "r");
        assert_non_null(f);
        char line[2048] = "";
        assert_non_null(fgets(line, sizeof line, f));
        assert_null(fgets(line + strlen(line), 2, f));   /* one line */
        fclose(f);
        assert_non_null(strstr(line, "'english'"));
        assert_non_null(strstr(line, "'french'"));
    }
    gazette_index_t *index = NULL;
    uint64_t n = 0;
    assert_int_equal(gazette_index_open(fx.db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_index_article_count(index, &n), GAZETTE_STATUS_OK);
    gazette_index_close(index);
    assert_int_equal(n, fx.narticles);
}

/* gazette-index without --language keeps the index's own: the tester's
 * German index, plain and sharded, is updated, dry-run and rebuilt with
 * --full in German (it failed each plain run with 64, and --full made it
 * English in silence); --language english still refuses a plain run and
 * rebuilds with --full; a --full of an index that does not open asks for
 * --language (64, one line, nothing made), and does it with one. */
static void test_index_keeps_its_language(void **state)
{
    (void)state;
    char dir[4096], err[4096];
    snprintf(dir, sizeof dir, "%s/ownlang", fx.tmp);
    snprintf(err, sizeof err, "%s/ownlang.err", fx.tmp);
    static const char text[] = "Titel\n\nDie Katzen schlafen.\n";
    tu_write_file(dir, "c/x/a.txt", text, sizeof text - 1);
    const char *ix = tu_binary("indexer/gazette-index");
    const char *q = tu_binary("query/cli/gazette-query");
    static const char *const runs[] = {"", "--dry-run", "--full",
                                       "--full --dry-run"};
    for (int jobs = 1; jobs <= 2; jobs++) {
        char db[4200];
        snprintf(db, sizeof db, "%s/i%d.idx", dir, jobs);
        assert_int_equal(tu_run("'%s' -q -j%d --language german --db '%s' "
                                "'%s/c'", ix, jobs, db, dir), 0);
        for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
            int rc = tu_run("'%s' -q -j%d %s --db '%s' '%s/c' 2>'%s'", ix,
                            jobs, runs[i], db, dir, err);
            if (rc != 0)
                fail_msg("-j%d %s: exit %d", jobs, runs[i], rc);
            assert_int_equal(tu_run("test \"$('%s' --db '%s' --format paths "
                                    "katze)\" = x/a.txt", q, db), 0);
        }
        assert_int_equal(tu_run("'%s' -q --language english --db '%s' "
                                "'%s/c' 2>'%s'", ix, db, dir, err), 64);
        assert_int_equal(tu_run("grep -q \"stemmed in 'german', not "
                                "'english'\" '%s'", err), 0);
        assert_int_equal(tu_run("'%s' -q --full --language english --db '%s' "
                                "'%s/c'", ix, db, dir), 0);
        assert_int_equal(tu_run("test -z \"$('%s' --db '%s' --format paths "
                                "katze)\"", q, db), 0);
    }
    char db[4200];
    snprintf(db, sizeof db, "%s/damaged.idx", dir);
    assert_int_equal(tu_run("'%s' -q -j1 --language german --db '%s' '%s/c' "
                            "&& rm '%s/postlist.glass'", ix, db, dir, db), 0);
    for (int dry = 0; dry <= 1; dry++) {
        assert_int_equal(tu_run("'%s' --full %s --db '%s' '%s/c' >'%s.out' "
                                "2>'%s'", ix, dry ? "--dry-run" : "", db,
                                dir, err, err), 64);
        assert_int_equal(tu_run("test \"$(wc -l <'%s')\" = 1 && test ! -s "
                                "'%s.out' && grep -q 'rebuild it with --full "
                                "and --language naming that language' '%s' "
                                "&& test ! -e '%s.d'", err, err, err, db), 0);
    }
    assert_int_equal(tu_run("'%s' -q --full --language german --db '%s' "
                            "'%s/c'", ix, db, dir), 0);
    assert_int_equal(tu_run("test \"$('%s' --db '%s' --format paths katze)\" "
                            "= x/a.txt", q, db), 0);
}

/* Seconds from the ISO 8601 time that `s` starts with (the local time
 * with its offset, "2026-11-27T02:15:03+01:00", as a log line starts) to
 * now; fails the test when `s` does not start with a valid one. */
static double age_of_iso_time(const char *s)
{
    regex_t re;
    assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:"
                             "[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}",
                             REG_EXTENDED | REG_NOSUB), 0);
    int match = regexec(&re, s, 0, NULL, 0);
    regfree(&re);
    if (match != 0)
        fail_msg("no ISO 8601 time at \"%.60s\"", s);
    int y, mo, d, h, mi, sec, oh, om;
    char sign;
    assert_int_equal(sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d", &y, &mo,
                            &d, &h, &mi, &sec, &sign, &oh, &om), 9);
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                    .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    time_t utc = timegm(&tm);
    /* a day or an hour out of range is normalised away: no valid time */
    if (tm.tm_mon != mo - 1 || tm.tm_mday != d || tm.tm_hour != h ||
        tm.tm_min != mi || tm.tm_sec != sec || oh > 14 || om > 59)
        fail_msg("not a valid time: \"%.25s\"", s);
    utc -= (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    return difftime(time(NULL), utc);
}

/* The `n`th (0-based) ```json block of docs/json.md, parsed. */
static json_t *json_doc_example(int n)
{
    char *doc = slurp_file(tu_source_path("docs/json.md"));
    const char *p = doc;
    for (int i = 0; p && i <= n; i++)
        if ((p = strstr(p, "\n```json\n")) != NULL)
            p += strlen("\n```json\n");
    assert_non_null(p);
    const char *end = strstr(p, "\n```\n");
    assert_non_null(end);
    json_error_t error;
    json_t *obj = json_loadb(p, (size_t)(end - p), 0, &error);
    if (!obj)
        fail_msg("docs/json.md example %d: %s", n, error.text);
    free(doc);
    return obj;
}

/* `doc` equal to `real`, but for what differs from run to run
 * (milliseconds) or with the index's path (index); weights to 1e-9. */
static void expect_same_object(json_t *doc, json_t *real, const char *what)
{
    json_object_del(doc, "milliseconds");
    json_object_del(real, "milliseconds");
    if (json_object_get(doc, "index"))
        json_object_set_new(doc, "index", json_string(""));
    if (json_object_get(real, "index"))
        json_object_set_new(real, "index", json_string(""));
    json_t *dw = json_object_get(doc, "weight");
    json_t *rw = json_object_get(real, "weight");
    if (dw || rw) {
        assert_true(dw && rw);
        double d = json_number_value(dw), r = json_number_value(rw);
        if (d - r > 1e-9 * r || r - d > 1e-9 * r)
            fail_msg("docs/json.md %s: weight %.17g, gazette-query %.17g",
                     what, d, r);
        json_object_del(doc, "weight");
        json_object_del(real, "weight");
    }
    if (!json_equal(doc, real)) {
        char *d = json_dumps(doc, JSON_SORT_KEYS);
        char *r = json_dumps(real, JSON_SORT_KEYS);
        fail_msg("docs/json.md %s is out of date:\n%s\nthe program "
                 "gives:\n%s", what, d, r);
    }
}

/* The example of gazette-index's summary in docs/json.md (its third
 * block) is what `gazette-index --json` prints indexing the sample corpus
 * into a new index, but for its time (checked to be now), seconds and
 * paths. */
static void expect_index_summary_example(void)
{
    char db[4200], out[4200], sample[4200];
    snprintf(db, sizeof db, "%s/doc-news.idx", fx.tmp);
    snprintf(out, sizeof out, "%s/example.json", fx.tmp);
    snprintf(sample, sizeof sample, "%s", tu_source_path("corpus/sample"));
    assert_int_equal(tu_run("'%s' --json --db '%s' '%s' >'%s'",
                            tu_binary("indexer/gazette-index"), db, sample,
                            out), 0);
    char *text = slurp_file(out);
    json_error_t error;
    json_t *real = json_loads(text, 0, &error);
    if (!real)
        fail_msg("gazette-index --json: %s: %s", error.text, text);
    free(text);
    json_t *doc = json_doc_example(2);
    json_t *both[] = {doc, real};
    for (int i = 0; i < 2; i++) {
        const char *finished =
            json_string_value(json_object_get(both[i], "finished"));
        assert_non_null(finished);
        double age = age_of_iso_time(finished);
        if (i == 1 && (age < -60 || age > 300))
            fail_msg("\"finished\" %s is %.0f s from now", finished, age);
        assert_true(json_is_real(json_object_get(both[i], "seconds")));
        json_t *roots = json_object_get(both[i], "roots");
        assert_int_equal(json_array_size(roots), 1);
        assert_string_equal(json_string_value(json_array_get(roots, 0)),
                            i ? sample : "corpus/sample");
        json_object_del(both[i], "finished");
        json_object_del(both[i], "seconds");
        json_object_del(both[i], "roots");
    }
    expect_same_object(doc, real, "gazette-index summary example");
    json_decref(doc);
    json_decref(real);
}

/* The examples of docs/json.md are what gazette-query prints on the
 * sample corpus for the commands the document gives (they showed 12
 * matches counted 10/2 by year, and no entities, long after neither was
 * true), and what gazette-index --json prints making that index. */
static void test_json_doc_examples(void **state)
{
    (void)state;
    expect_index_summary_example();
    const char *q = tu_binary("query/cli/gazette-query");
    static const char *const commands[] = {
        "--json -n 1 hezbollah | head -1",
        "--json --facet year 'hezbolah OR gaza' | tail -1"};
    for (int i = 0; i < 2; i++) {
        char out[4200];
        snprintf(out, sizeof out, "%s/example.json", fx.tmp);
        assert_int_equal(tu_run("'%s' --db '%s' %s >'%s'", q, fx.db,
                                commands[i], out), 0);
        char *text = slurp_file(out);
        json_error_t error;
        json_t *real = json_loads(text, 0, &error);
        if (!real)
            fail_msg("gazette-query %s: %s", commands[i], error.text);
        free(text);
        json_t *doc = json_doc_example(i);
        expect_same_object(doc, real, i ? "summary example" : "hit example");
        json_decref(doc);
        json_decref(real);
    }
}

/* The shell command `cmd` (stderr to tmp/pipe.err), its stdout a pipe
 * whose reader has gone (as under '| head -1' once head has its line),
 * SIGPIPE at its default or ignored (`ignored`), as the parent leaves
 * it: its exit status, or 128 + the signal that ended it. */
static int into_closed_pipe(const char *cmd, int ignored)
{
    char full[6000];
    snprintf(full, sizeof full, "exec %s 2>'%s/pipe.err'", cmd, fx.tmp);
    int rc = tu_run_into_closed_pipe(full, ignored);
    assert_int_not_equal(rc, -1);
    return rc;
}

/* A reader that has stopped (a 'gazette-query ... | head -1' whose output
 * is longer than the pipe holds) ends gazette-query by SIGPIPE, as it ends grep or ls: 141 in the shell, no
 * message ("Broken pipe" in every '| head' would be noise); with SIGPIPE
 * ignored by whoever started it, the write fails and that is 74 in one
 * line, as a full disk is. --help and --version of both programs
 * likewise (gazette-index ignores SIGPIPE for a run only, which it must
 * not lose mid-commit: test_closed_pipe_is_74 in test_safety). Both
 * programs' --help say so, as their man pages do. */
static void test_closed_pipe(void **state)
{
    (void)state;
    const char *q = tu_binary("query/cli/gazette-query");
    const char *ix = tu_binary("indexer/gazette-index");
    char cmd[5000];
    snprintf(cmd, sizeof cmd, "'%s' --db '%s' -n 1000 gaza", q, fx.db);
    assert_int_equal(into_closed_pipe(cmd, 0), 128 + SIGPIPE);
    char err[4200];
    snprintf(err, sizeof err, "%s/pipe.err", fx.tmp);
    char *text = slurp_file(err);
    assert_string_equal(text, "");
    free(text);
    assert_int_equal(into_closed_pipe(cmd, 1), 74);
    text = slurp_file(err);
    if (count_occurrences(text, "\n") != 1 ||
        !strstr(text, "gazette-query: cannot write the results: Broken pipe"))
        fail_msg("SIGPIPE ignored: %s", text);
    free(text);
    /* --help and --version name the cause as the results do (the help,
     * longer than stdout's buffer, said only "a write to the standard
     * output failed") */
    const char *const programs[] = {q, ix};
    const char *const names[] = {"gazette-query", "gazette-index"};
    for (size_t i = 0; i < 4; i++) {
        const char *what = i % 2 ? "version" : "help";
        snprintf(cmd, sizeof cmd, "'%s' --%s", programs[i / 2], what);
        assert_int_equal(into_closed_pipe(cmd, 0), 128 + SIGPIPE);
        assert_int_equal(into_closed_pipe(cmd, 1), 74);
        char want[100];
        snprintf(want, sizeof want, "%s: cannot write the %s: Broken pipe\n",
                 names[i / 2], what);
        text = slurp_file(err);
        if (count_occurrences(text, "\n") != 1 || !strstr(text, want))
            fail_msg("%s --%s, SIGPIPE ignored: %s", names[i / 2], what,
                     text);
        free(text);
    }
    /* what --help says of it */
    char out[4200];
    snprintf(out, sizeof out, "%s/help.out", fx.tmp);
    assert_int_equal(tu_run("'%s' --help >'%s'", q, out), 0);
    text = slurp_file(out);
    if (!strstr(text, "  141 (in the shell) killed by SIGPIPE: a write to "
                      "a pipe whose reader\n"))
        fail_msg("gazette-query --help says nothing of SIGPIPE:\n%s", text);
    free(text);
    assert_int_equal(tu_run("'%s' --help >'%s'", ix, out), 0);
    text = slurp_file(out);
    if (!strstr(text, "  141 (in the shell) killed by SIGPIPE: --help "
                      "and --version"))
        fail_msg("gazette-index --help says nothing of SIGPIPE:\n%s", text);
    free(text);
}

/* Run gazette-index `args` (argv after the program's name), its stderr
 * (`fd` 2) or its stdout (`fd` 1) a terminal (a pseudo-terminal's, read
 * into `out`; the other to /dev/null), stopped before the first document
 * it writes (pause_writing.so) for longer than the tenth of a second a
 * progress line waits, so that one shows once that document is in; its
 * exit status. */
static int index_on_terminal(char *const args[], int fd, char *out,
                             size_t size)
{
    int term = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(term >= 0);
    assert_int_equal(grantpt(term), 0);
    assert_int_equal(unlockpt(term), 0);
    const char *side = ptsname(term);
    assert_non_null(side);
    const char *old = getenv("ASAN_OPTIONS");
    char asan[4096];
    snprintf(asan, sizeof asan, "%s%sverify_asan_link_order=0",
             old ? old : "", old && *old ? ":" : "");
    const char *ix = tu_binary("indexer/gazette-index");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int tty = open(side, O_RDWR | O_NOCTTY);
        int null = open("/dev/null", O_WRONLY);
        if (tty < 0 || null < 0 || dup2(tty, fd) < 0 ||
            dup2(null, fd == 1 ? 2 : 1) < 0)
            _exit(127);
        setenv("LD_PRELOAD", PAUSE_WRITING_MODULE, 1);
        setenv("PAUSE_AT_DOCUMENT", "1", 1);
        setenv("ASAN_OPTIONS", asan, 1);
        execv(ix, args);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
    if (!WIFSTOPPED(status))
        fail_msg("gazette-index did not stop: status %#x", status);
    nanosleep(&(struct timespec){.tv_nsec = 300000000}, NULL);
    assert_int_equal(kill(pid, SIGCONT), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(fcntl(term, F_SETFL, O_NONBLOCK), 0);
    size_t len = 0;
    ssize_t n;
    while (len + 1 < size &&
           (n = read(term, out + len, size - 1 - len)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    close(term);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The progress line of gazette-index on a terminal counts one file as
 * one: "scanned 1 file", where it said "scanned 1 files". */
static void test_progress_line_of_one_file(void **state)
{
    (void)state;
    char corpus[4200], db[4200], out[8192];
    snprintf(corpus, sizeof corpus, "%s/one-file", fx.tmp);
    snprintf(db, sizeof db, "%s/one-file.idx", fx.tmp);
    const char *lone = "Lone\n\nA lone story.\n";
    tu_write_file(corpus, "a.txt", lone, strlen(lone));
    char *const args[] = {"gazette-index", "-j1", "--db", db, corpus, NULL};
    assert_int_equal(index_on_terminal(args, 2, out, sizeof out), 0);
    if (!strstr(out, "\r\033[Kscanned 1 file (") || strstr(out, "1 files"))
        fail_msg("progress line: \"%s\"", out);
}

/* A --dry-run's summary says so, so that a log does not show what it
 * would do as done: its line starts "dry run: " (after the time off a
 * terminal), its --json has "dry_run": true (false for a real run). It
 * read exactly as the real run's. */
static void test_dry_run_summary_marked(void **state)
{
    (void)state;
    char corpus[4200], db[4200], out[4200];
    snprintf(corpus, sizeof corpus, "%s/dry", fx.tmp);
    snprintf(db, sizeof db, "%s/dry.idx", fx.tmp);
    snprintf(out, sizeof out, "%s/dry.out", fx.tmp);
    const char *story = "Dry\n\nA story not yet indexed.\n";
    tu_write_file(corpus, "a.txt", story, strlen(story));
    const char *ix = tu_binary("indexer/gazette-index");
    assert_int_equal(tu_run("'%s' -n --db '%s' '%s' >'%s'", ix, db, corpus,
                            out), 0);
    char *log = slurp_file(out);
    const char *rest = log + strlen("2026-11-27T02:15:03+01:00");
    if (strlen(log) < 26 || age_of_iso_time(log) > 300 ||
        strncmp(rest, " dry run: scanned 1, added 1, ", 30) != 0)
        fail_msg("dry run summary: \"%s\"", log);
    free(log);
    assert_int_equal(tu_run("'%s' -n --json --db '%s' '%s' >'%s'", ix, db,
                            corpus, out), 0);
    char *json = slurp_file(out);
    json_t *obj = json_loads(json, 0, NULL);
    if (!obj || !json_is_true(json_object_get(obj, "dry_run")))
        fail_msg("dry run --json: %s", json);
    json_decref(obj);
    free(json);
    assert_int_equal(tu_run("'%s' --json --db '%s' '%s' >'%s'", ix, db,
                            corpus, out), 0);
    json = slurp_file(out);
    obj = json_loads(json, 0, NULL);
    if (!obj || !json_is_false(json_object_get(obj, "dry_run")))
        fail_msg("--json: %s", json);
    json_decref(obj);
    free(json);
    assert_int_equal(tu_run("'%s' --db '%s' '%s' >'%s'", ix, db, corpus, out),
                     0);
    log = slurp_file(out);
    if (strstr(log, "dry run"))
        fail_msg("a real run's summary: \"%s\"", log);
    free(log);
}

/* The summary dates its run, so that a log of many nights (cron appends
 * stdout and stderr to one file) tells which night a summary that came
 * alone belongs to: off a terminal its line starts with the local time
 * in ISO 8601 with the offset, as every stderr line does; on a terminal
 * it does not (a person sees the time); --json gets it as "finished",
 * appended after the members it had. There was no time at all. */
static void test_summary_dated(void **state)
{
    (void)state;
    char corpus[4200], db[4200], out[4200], tty_db[4200], text[8192];
    snprintf(corpus, sizeof corpus, "%s/dated", fx.tmp);
    snprintf(db, sizeof db, "%s/dated.idx", fx.tmp);
    snprintf(tty_db, sizeof tty_db, "%s/dated-tty.idx", fx.tmp);
    snprintf(out, sizeof out, "%s/dated.out", fx.tmp);
    const char *story = "Dated\n\nA story of the night.\n";
    tu_write_file(corpus, "a.txt", story, strlen(story));
    const char *ix = tu_binary("indexer/gazette-index");

    /* off a terminal, as cron runs it: one file for both streams */
    assert_int_equal(tu_run("'%s' -j1 --db '%s' '%s' >'%s' 2>&1", ix, db,
                            corpus, out), 0);
    char *log = slurp_file(out);
    double age = age_of_iso_time(log);
    if (age < -60 || age > 300)
        fail_msg("the summary's time is %.0f s from now: %s", age, log);
    const char *rest = log + strlen("2026-11-27T02:15:03+01:00");
    if (strncmp(rest, " scanned 1, added 1, updated 0, ", 32) != 0 ||
        strchr(log, '\n') != log + strlen(log) - 1)
        fail_msg("summary: \"%s\"", log);
    free(log);

    /* --json: "finished", the same time, after "roots"; then "dry_run" */
    assert_int_equal(tu_run("'%s' -j1 --json --db '%s' '%s' >'%s'", ix, db,
                            corpus, out), 0);
    char *json = slurp_file(out);
    json_error_t error;
    json_t *obj = json_loads(json, 0, &error);
    if (!obj)
        fail_msg("not JSON: %s: %s", error.text, json);
    const char *finished =
        json_string_value(json_object_get(obj, "finished"));
    if (!finished || strlen(finished) != 25)
        fail_msg("\"finished\": %s", json);
    age = age_of_iso_time(finished);
    if (age < -60 || age > 300)
        fail_msg("\"finished\" is %.0f s from now: %s", age, json);
    assert_int_equal(json_object_size(obj), 12);
    json_decref(obj);
    const char *members = "{\"scanned\":1,\"added\":0,\"updated\":0,"
                          "\"removed\":0,\"unchanged\":1,\"skipped\":0,"
                          "\"ignored\":0,\"seconds\":";
    static const char last[] = "\",\"dry_run\":false}\n";
    if (strncmp(json, members, strlen(members)) != 0 ||
        !strstr(json, "],\"finished\":\"") ||
        strcmp(json + strlen(json) - strlen(last), last) != 0)
        fail_msg("the members or their order changed: %s", json);
    free(json);

    /* on a terminal: the counts first */
    char *const args[] = {"gazette-index", "-j1", "--db", tty_db, corpus,
                          NULL};
    assert_int_equal(index_on_terminal(args, 1, text, sizeof text), 0);
    if (strncmp(text, "scanned 1, added 1, ", 20) != 0)
        fail_msg("summary on a terminal: \"%s\"", text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_article_indexed),
        cmocka_unit_test(test_hezbollah_articles_first),
        cmocka_unit_test(test_phrase_matches_exactly),
        cmocka_unit_test(test_not_excludes),
        cmocka_unit_test(test_entity_field),
        cmocka_unit_test(test_filters_apply_to_whole_query),
        cmocka_unit_test(test_field_grouping),
        cmocka_unit_test(test_spelling_only_for_rare_words),
        cmocka_unit_test(test_no_match_is_empty),
        cmocka_unit_test(test_paging),
        cmocka_unit_test(test_pages_add_up),
        cmocka_unit_test(test_snippet_highlight),
        cmocka_unit_test(test_explain_term_weights),
        cmocka_unit_test(test_cli_json),
        cmocka_unit_test(test_cli_count_wording),
        cmocka_unit_test(test_cli_count_of_one),
        cmocka_unit_test(test_count_of_empty_page),
        cmocka_unit_test(test_cli_errors),
        cmocka_unit_test(test_closed_pipe),
        cmocka_unit_test(test_progress_line_of_one_file),
        cmocka_unit_test(test_summary_dated),
        cmocka_unit_test(test_dry_run_summary_marked),
        cmocka_unit_test(test_json_doc_examples),
        cmocka_unit_test(test_default_index_location),
        cmocka_unit_test(test_cli_dash_words),
        cmocka_unit_test(test_reindex_other_language),
        cmocka_unit_test(test_index_keeps_its_language),
        cmocka_unit_test(test_control_bytes_in_text),
        cmocka_unit_test(test_long_words_not_highlighted),
        cmocka_unit_test(test_short_stem_snippets),
        cmocka_unit_test(test_title_highlights_after_punctuation),
        cmocka_unit_test(test_odd_files),
        cmocka_unit_test(test_line_breaks_in_names),
        cmocka_unit_test(test_index_json_agrees_with_query),
        cmocka_unit_test(test_duplicates_lower_bound),
        cmocka_unit_test(test_json_hits_past_snippet_cap),
        cmocka_unit_test(test_id_and_facet_round_trip),
        cmocka_unit_test(test_json_path_bytes),
        cmocka_unit_test(test_emptied_file_and_bad_root),
        cmocka_unit_test(test_mail_and_ignored_files),
        cmocka_unit_test(test_spool_file_with_nul_says_binary),
        cmocka_unit_test(test_gzipped_spool_files),
        cmocka_unit_test(test_html_declared_charset_searchable),
        cmocka_unit_test(test_sample_formats),
        cmocka_unit_test(test_sample_summary),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
