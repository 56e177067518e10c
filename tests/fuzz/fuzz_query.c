/*
 * fuzz_query.c - the query path through the public library API
 * (gazette.h): gazette_search() with options chosen by the input, on a
 * small index built once at start-up from corpus/sample with the
 * indexer's gz_index_run().
 *
 * Input: byte 0 picks options (bit 0 match all, bits 1-2 sort, bit 3
 * collapse duplicates, bit 4 spelling, bit 5 all facets, bit 6 explain,
 * bit 7 snippets with markers), byte 1 the limit (0-63) and offset
 * (0-3), the rest is the query text (up to a NUL). Checks: the status is
 * one gazette_search() documents; an error comes with a one-line message;
 * every hit and facet accessor answers with a UTF-8 string, ranks count
 * from one, percentages stay within 0-100; a query that is not UTF-8 is
 * refused (QUERY_SYNTAX), so the parsed query and the suggestion, which
 * echo it, are always UTF-8 (finding 1 in tests/fuzz/README); a query of
 * control characters only has nothing to search for (QUERY_SYNTAX, finding
 * 2), never an internal error.
 *
 * Xapian leaks about 109 bytes per query syntax error in
 * QueryParser::parse_query (issue 11, item 11; upstream):
 * tests/fuzz/lsan.supp suppresses leaks inside libxapian so that the
 * fuzzer looks for ours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "gazette.h"
#include "indexer.h"

static gazette_index_t *index_;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char db[256];
    snprintf(db, sizeof db, "%s/index", fuzz_scratch_dir());
    const char *roots[] = {GAZETTE_SOURCE_DIR "/corpus/sample"};
    gz_index_config cfg = {.db_path = db, .roots = roots, .nroots = 1,
                           .language = "english"};
    gz_index_stats stats;
    char err[512];
    if (gz_index_run(&cfg, &stats, err, sizeof err) != GZ_INDEX_OK)
        fuzz_fail(__FILE__, __LINE__, "building the index: %s", err);
    FUZZ_CHECK(stats.added > 0);
    if (gazette_index_open(db, &index_) != GAZETTE_STATUS_OK)
        fuzz_fail(__FILE__, __LINE__, "opening the index: %s",
                  gazette_last_open_error());
    return 0;
}

static void check_string(const char *s)
{
    FUZZ_CHECK(s != NULL);
    FUZZ_CHECK(corpus_utf8_valid(s, strlen(s)));
}

static void check_results(const gazette_results_t *r, unsigned limit)
{
    const char *parsed = gazette_results_parsed_query(r);
    const char *suggestion = gazette_results_suggestion(r);
    FUZZ_CHECK(parsed && suggestion);
    check_string(parsed);
    check_string(suggestion);
    size_t n = gazette_results_count(r);
    FUZZ_CHECK(n <= limit);
    FUZZ_CHECK(gazette_results_hit(r, n) == NULL);
    for (size_t i = 0; i < n; i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        FUZZ_CHECK(h != NULL);
        check_string(gazette_hit_id(h));
        check_string(gazette_hit_path(h));
        check_string(gazette_hit_title(h));
        check_string(gazette_hit_date(h));
        check_string(gazette_hit_source(h));
        check_string(gazette_hit_author(h));
        check_string(gazette_hit_url(h));
        check_string(gazette_hit_snippet(h));
        FUZZ_CHECK(gazette_hit_percent(h) >= 0 &&
                   gazette_hit_percent(h) <= 100);
        FUZZ_CHECK(gazette_hit_rank(h) >= 1);
    }
    for (int f = 0; f < (GAZETTE_FACET_AUTHOR + 1); f++) {
        size_t nv = gazette_results_facet_count(r, (gazette_facet_t)f);
        for (size_t i = 0; i < nv; i++) {
            const char *v = NULL;
            uint64_t c = 0;
            FUZZ_CHECK(gazette_results_facet_value(r, (gazette_facet_t)f, i,
                                                   &v, &c) == GAZETTE_STATUS_OK);
            check_string(v);
            FUZZ_CHECK(c >= 1);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned bits = data[0], range = data[1];
    char *query = malloc(size - 1);
    FUZZ_CHECK(query != NULL);
    memcpy(query, data + 2, size - 2);
    query[size - 2] = '\0';

    gazette_search_options_t *o = NULL;
    FUZZ_CHECK(gazette_search_options_new(&o) == GAZETTE_STATUS_OK);
    unsigned limit = range & 63, offset = range >> 6;
    FUZZ_CHECK(gazette_search_options_set_range(o, offset, limit) ==
               GAZETTE_STATUS_OK);
    gazette_search_options_set_match_all(o, bits & 1);
    FUZZ_CHECK(gazette_search_options_set_sort(
                   o, (gazette_sort_t)((bits >> 1) & 3)) ==
               (((bits >> 1) & 3) == 3 ? GAZETTE_STATUS_INVALID_ARGUMENT
                                       : GAZETTE_STATUS_OK));
    gazette_search_options_set_collapse_duplicates(o, bits & 8);
    gazette_search_options_set_spelling(o, bits & 16);
    if (bits & 32)
        for (int f = 0; f < (GAZETTE_FACET_AUTHOR + 1); f++)
            gazette_search_options_add_facet(o, (gazette_facet_t)f);
    gazette_search_options_set_explain(o, bits & 64);
    if (bits & 128)
        gazette_search_options_set_snippet(o, 120, "[", "]");

    gazette_results_t *r = NULL;
    gazette_status_t s = gazette_search(index_, query, o, &r);
    switch (s) {
    case GAZETTE_STATUS_OK:
        FUZZ_CHECK(r != NULL);
        FUZZ_CHECK(corpus_utf8_valid(query, strlen(query)));
        check_results(r, limit);
        break;
    case GAZETTE_STATUS_QUERY_SYNTAX:
    case GAZETTE_STATUS_OUT_OF_MEMORY: {
        const char *msg = gazette_index_error(index_);
        FUZZ_CHECK(msg && *msg && !strchr(msg, '\n'));
        break;
    }
    default:
        fuzz_fail(__FILE__, __LINE__, "gazette_search: %s (%s)",
                  gazette_status_to_string(s), gazette_index_error(index_));
    }
    gazette_results_free(r);
    gazette_search_options_free(o);
    free(query);
    return 0;
}
