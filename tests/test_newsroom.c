/*
 * test_newsroom.c - searching news the way a newsroom does (issue 12):
 * acronyms and capitals ("US" is not "us", "U.S." is "US", "ID" is not
 * "IDS"), accents ("Zurich" finds "Zürich"), "did you mean" word by word,
 * reversed date ranges, exact counts with facets, title-only matches and
 * undated articles.
 *
 * Every fixture is written here: small articles put into fresh indexes
 * through the writer API of gazette.h (one index with undated articles is
 * written through the shim, since the writer dates every article).
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
#include "schema.h"
#include "test_util.h"
#include "xapian_shim.h"

static struct {
    char *tmp;
    char news[4096];     /* acronyms, accents, titles */
    char spell[4096];    /* word counts made for "did you mean" */
    char dups[4096];     /* many duplicates: counts */
    char undated[4096];  /* dated and undated articles */
    char wire[4096];     /* an article in capitals beside mixed case */
} fx;

/* ------------------------------------------------------------- fixtures */

typedef struct article {
    const char *id, *title, *body, *date;
} article;

/* Put `n` articles into a new index at `db` with the writer API. */
static void write_index(const char *db, const article *a, size_t n)
{
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    for (size_t i = 0; i < n; i++) {
        gazette_article_t *art = NULL;
        assert_int_equal(gazette_article_new(&art), GAZETTE_STATUS_OK);
        gazette_article_set(art, GAZETTE_FIELD_ID, a[i].id);
        gazette_article_set(art, GAZETTE_FIELD_TITLE, a[i].title);
        gazette_article_set(art, GAZETTE_FIELD_BODY, a[i].body);
        gazette_article_set(art, GAZETTE_FIELD_DATE,
                            a[i].date ? a[i].date : "2023-11-01");
        assert_int_equal(gazette_writer_put(w, art), GAZETTE_STATUS_OK);
        gazette_article_free(art);
    }
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
}

static const article NEWS[] = {
    {"us-economy", "Growth figures",
     "The US economy grew by 3% last year, the U.S. Treasury said on "
     "Friday, and economists expect more.", NULL},
    {"told-us", "Ministers meet",
     "Let us hope for the best, the minister told us about the economy "
     "on Friday.", NULL},
    {"it-industry", "Outsourcing grows",
     "The IT industry in India now employs millions of people.", NULL},
    {"it-lower", "Steel output",
     "It was clear that the steel industry liked it a lot.", NULL},
    {"who-warned", "Flu warning",
     "The WHO warned of a flu pandemic on Monday.", NULL},
    {"who-lower", "Doctors speak",
     "Doctors who warned of the flu were ignored for weeks.", NULL},
    {"who-title", "WHO alert on outbreak",
     "The agency said an outbreak spread in the region.", NULL},
    {"who-body", "Local clinic news",
     "Doctors described the outbreak and who was ill.", NULL},
    {"id-cards", "Identity plan",
     "Plans for ID cards were debated by MPs on Tuesday.", NULL},
    {"ids", "Tory row",
     "IDS said the cards plan was wrong, and that IDs were lost.", NULL},
    {"aids", "Charity appeal",
     "The fight against Aids needs cheaper drugs, charities said.", NULL},
    {"hearing", "Gadget show",
     "New hearing aids and cheaper drugs were shown at the fair.", NULL},
    {"nasa", "Mars landing",
     "Scientists at Nasa said the probe had landed safely.", NULL},
    {"tsunami", "Coast hit",
     "The tsunami hit the coast and aid was flown in.", NULL},
    {"zurich-accents", "Banks in Z\xC3\xBCrich",
     "Soci\xC3\xA9t\xC3\xA9 G\xC3\xA9n\xC3\xA9rale opened an office in "
     "Z\xC3\xBCrich. The na\xC3\xAFve plan was praised.", NULL},
    {"zurich-plain", "Insurance results",
     "Zurich Insurance said profits rose. Societe Generale analysts were "
     "naive about the outlook.", NULL},
    {"title-only", "Blinken visits Ankara",
     "The secretary of state met Turkish officials on Monday to discuss "
     "the war in the region, the ceasefire talks and the hostages. Later "
     "that week the delegation flew on to Riyadh, where the talks about "
     "reconstruction and the humanitarian corridor went on for hours.",
     NULL},
};

/* A wire story written wholly in capitals (as the TIME collection is)
 * beside articles in mixed case: it has no capitals term of its words,
 * only the mark of a text in capitals. */
static const article WIRE[] = {
    {"wire-nato", "NATO TALKS",
     "FRANCE AND NATO DISAGREED AGAIN THIS WEEK. LET US SEE THE US PLAN "
     "FOR CUBA.", NULL},
    {"nato-mixed", "Alliance row",
     "France and Nato disagreed on Monday, officials said.", NULL},
    {"us-trade", "Trade deal",
     "The US and Cuba signed a trade deal on Friday.", NULL},
    {"told-us", "Talks",
     "France told us about Cuba, and it would wait.", NULL},
};

/* The spelling index: how many articles have each word is chosen. */
static void write_spelling_index(void)
{
    article a[20];
    char bodies[20][256], ids[20][16];
    for (int i = 0; i < 20; i++) {
        snprintf(ids[i], sizeof ids[i], "s%02d", i);
        snprintf(bodies[i], sizeof bodies[i],
                 "Officials said on day %d that interest rates would rise%s%s%s",
                 i, i < 12 ? " after the tsunami." : ".",
                 i < 3 ? " The aid convoys left Lebanon." : "",
                 i == 3 ? " Lebanon's ministers met." : "");
        a[i] = (article){ids[i], "Markets", bodies[i], NULL};
    }
    write_index(fx.spell, a, 20);
}

/* The duplicates index: 300 articles, many sharing a body, with "alpha"
 * and "beta" spread so that Xapian cannot count the collapsed matches of
 * "alpha beta" without looking at every one. */
static size_t write_duplicates_index(void)
{
    enum { N = 300 };
    static article a[N];
    static char bodies[N][128], ids[N][16];
    size_t distinct_matching = 0;
    for (int i = 0; i < N; i++) {
        int copy_of = i % 3 == 2 ? i - 1 : i;   /* every third repeats */
        int alpha = copy_of % 4 == 0, beta = copy_of % 7 == 0;
        snprintf(ids[i], sizeof ids[i], "d%03d", i);
        snprintf(bodies[i], sizeof bodies[i], "Story %d%s%s about things.",
                 copy_of, alpha ? " alpha alpha" : "", beta ? " beta" : "");
        a[i] = (article){ids[i], "News", bodies[i], NULL};
        if ((alpha || beta) && copy_of == i)
            distinct_matching++;
    }
    write_index(fx.dups, a, N);
    return distinct_matching;
}

/* Add one article with the shim, dated or not (`date` NULL: no date at
 * all, as gazette-index leaves an article without one). */
static void put_raw(xap_writable *db, xap_termgen *tg, const char *id,
                    const char *date, const char *body)
{
    xap_document *doc = NULL;
    assert_int_equal(xap_document_new(&doc), XAP_OK);
    char term[GZ_TERM_BUF];
    gz_make_term(GZ_PREFIX_ID, id, term, sizeof term);
    assert_int_equal(xap_document_add_boolean_term(doc, term), XAP_OK);
    assert_int_equal(xap_termgen_set_document(tg, doc), XAP_OK);
    assert_int_equal(xap_termgen_index_text(tg, body, strlen(body), 1, ""),
                     XAP_OK);
    char iso[16] = "";
    if (date) {
        char compact[9] = {date[0], date[1], date[2], date[3], date[5],
                           date[6], date[8], date[9], '\0'};
        snprintf(iso, sizeof iso, "%s", date);
        xap_document_add_value(doc, GZ_SLOT_DATE, compact, 8);
        xap_document_add_value(doc, GZ_SLOT_YEAR, compact, 4);
    }
    gz_docdata dd = {.id = id, .path = id, .title = id,
                     .date = date ? iso : NULL, .body = body,
                     .body_len = strlen(body)};
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(gz_docdata_encode(&dd, &data, &len), 0);
    assert_int_equal(xap_document_set_data(doc, data, len), XAP_OK);
    free(data);
    assert_int_equal(xap_writable_replace_document_by_term(db, term, doc,
                                                           NULL), XAP_OK);
    xap_document_free(doc);
}

static void write_undated_index(void)
{
    xap_writable *db = NULL;
    xap_termgen *tg = NULL;
    xap_stem *stem = NULL;
    assert_int_equal(xap_writable_open(fx.undated, XAP_DB_CREATE_OR_OPEN, 0,
                                       &db), XAP_OK);
    assert_int_equal(xap_termgen_new(&tg), XAP_OK);
    assert_int_equal(xap_stem_new("english", &stem), XAP_OK);
    assert_int_equal(xap_termgen_set_stemmer(tg, stem), XAP_OK);
    put_raw(db, tg, "old", "2023-01-05", "A storm hit the coast.");
    put_raw(db, tg, "undated-a", NULL, "Another storm, date unknown.");
    put_raw(db, tg, "mid", "2023-06-01", "The storm season began early.");
    put_raw(db, tg, "undated-b", NULL, "A storm without a date again.");
    put_raw(db, tg, "new", "2024-02-10", "The latest storm was mild.");
    /* a Gazette index records its format (without it, documents make it
     * another program's database, which is not searched) */
    assert_int_equal(xap_writable_set_metadata(db, GZ_META_FORMAT,
                                               GZ_FORMAT_VERSION,
                                               strlen(GZ_FORMAT_VERSION)),
                     XAP_OK);
    assert_int_equal(xap_writable_commit(db), XAP_OK);
    xap_stem_free(stem);
    xap_termgen_free(tg);
    xap_writable_free(db);
}

static size_t dups_expected;

static int setup(void **state)
{
    (void)state;
    fx.tmp = tu_mkdtemp("newsroom");
    snprintf(fx.news, sizeof fx.news, "%s/news.idx", fx.tmp);
    snprintf(fx.spell, sizeof fx.spell, "%s/spell.idx", fx.tmp);
    snprintf(fx.dups, sizeof fx.dups, "%s/dups.idx", fx.tmp);
    snprintf(fx.undated, sizeof fx.undated, "%s/undated.idx", fx.tmp);
    snprintf(fx.wire, sizeof fx.wire, "%s/wire.idx", fx.tmp);
    write_index(fx.wire, WIRE, sizeof WIRE / sizeof WIRE[0]);
    write_index(fx.news, NEWS, sizeof NEWS / sizeof NEWS[0]);
    write_spelling_index();
    dups_expected = write_duplicates_index();
    write_undated_index();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(fx.tmp);
    free(fx.tmp);
    return 0;
}

/* -------------------------------------------------------------- helpers */

typedef struct opts {
    int all;          /* every word must match */
    int duplicates;   /* show every copy */
    int spelling;
    gazette_sort_t sort;
    int facet_year;
    int facet_tag;    /* counted from terms, not from a value */
    int no_feedback;
    int explain;
    uint32_t limit;   /* 0: 100 */
} opts;

static gazette_results_t *search_in(const char *db, const char *query,
                                    const opts *o)
{
    static const opts none = {0};
    if (!o)
        o = &none;
    gazette_index_t *index = NULL;
    gazette_search_options_t *so = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&so), GAZETTE_STATUS_OK);
    gazette_search_options_set_range(so, 0, o->limit ? o->limit : 100);
    gazette_search_options_set_snippet(so, 120, "[", "]");
    gazette_search_options_set_match_all(so, o->all);
    gazette_search_options_set_collapse_duplicates(so, !o->duplicates);
    gazette_search_options_set_spelling(so, o->spelling);
    gazette_search_options_set_sort(so, o->sort);
    gazette_search_options_set_feedback(so, !o->no_feedback);
    gazette_search_options_set_explain(so, o->explain);
    if (o->facet_year)
        gazette_search_options_add_facet(so, GAZETTE_FACET_YEAR);
    if (o->facet_tag)
        gazette_search_options_add_facet(so, GAZETTE_FACET_TAG);
    gazette_results_t *r = NULL;
    gazette_status_t st = gazette_search(index, query, so, &r);
    if (st != GAZETTE_STATUS_OK)
        fail_msg("'%s': %s", query, gazette_index_error(index));
    gazette_search_options_free(so);
    gazette_index_close(index);
    return r;
}

/* The ids of the hits of `query` on index `db`, sorted, joined by
 * spaces, in a static buffer. */
static const char *ids_in(const char *db, const char *query, const opts *o)
{
    static char buf[2048];
    gazette_results_t *r = search_in(db, query, o);
    const char *list[64];
    size_t n = gazette_results_count(r);
    assert_true(n < 64);
    for (size_t i = 0; i < n; i++)
        list[i] = gazette_hit_id(gazette_results_hit(r, i));
    for (size_t i = 1; i < n; i++)   /* insertion sort */
        for (size_t j = i; j > 0 && strcmp(list[j - 1], list[j]) > 0; j--) {
            const char *t = list[j];
            list[j] = list[j - 1];
            list[j - 1] = t;
        }
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strncat(buf, i ? " " : "", sizeof buf - strlen(buf) - 1);
        strncat(buf, list[i], sizeof buf - strlen(buf) - 1);
    }
    gazette_results_free(r);
    return buf;
}

/* The ids of the hits of `query` on the news index (ids_in). */
static const char *ids(const char *query, const opts *o)
{
    return ids_in(fx.news, query, o);
}

static const opts ALL = {.all = 1};

/* The highlighted words of the snippet of hit `i`, joined by '|'. */
static const char *highlighted(const gazette_results_t *r, size_t i)
{
    static char buf[512];
    const gazette_hit_t *h = gazette_results_hit(r, i);
    const char *plain = gazette_hit_plain_snippet(h);
    buf[0] = '\0';
    for (size_t k = 0; k < gazette_hit_highlight_count(h); k++) {
        size_t a = 0, b = 0;
        gazette_hit_highlight(h, k, &a, &b);
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%.*s",
                 k ? "|" : "", (int)(b - a), plain + a);
    }
    return buf;
}

/* ---------------------------------------------------------------- tests */

/* A word in capitals in a mixed-case query means the acronym: not a
 * stopword, not the lower-case word, "U.S." and "US" alike. */
static void test_acronyms(void **state)
{
    (void)state;
    assert_string_equal(ids("US economy", &ALL), "us-economy");
    assert_string_equal(ids("U.S. economy", &ALL), "us-economy");
    assert_string_equal(ids("economy in the US", &ALL), "us-economy");
    assert_string_equal(ids("IT industry", &ALL), "it-industry");
    assert_string_equal(ids("WHO warned", &ALL), "who-warned");
    assert_string_equal(ids("ID cards", &ALL), "id-cards");
    /* "AIDS" is the disease the text writes "Aids"; "hearing aids" is
     * not it. A lower-case query word matches every case ("aid" finds
     * "Aids" too: documented in docs/search.md). */
    assert_string_equal(ids("AIDS drugs", &ALL), "aids");
    assert_string_equal(ids("aids drugs", &ALL), "aids hearing");
    /* The house style "Nasa" is found by "NASA". */
    assert_string_equal(ids("NASA probe", &ALL), "nasa");
    /* A word never written in capitals is searched as typed. */
    assert_string_equal(ids("TSUNAMI coast", &ALL), "tsunami");
    /* Typed all in capitals, a query is plain words ("US" a stopword). */
    assert_string_equal(ids("TOLD US", NULL), "told-us");
    assert_string_equal(ids("IT INDUSTRY", &ALL), "it-industry it-lower");
    /* Inside a phrase and beside NEAR the word is the plain word. */
    assert_string_equal(ids("\"US economy\"", NULL), "us-economy");
    assert_string_equal(ids("economy NEAR US", NULL), "told-us us-economy");
}

/* A word of a text field (title:, author:) or written in capitals is
 * never dropped as a stopword: "title:WHO outbreak" is "who" in the title
 * and "outbreak", not "outbreak" alone with the field gone in silence. A
 * word in capitals that the index never writes so is the plain word,
 * kept too; a stopword in lower case is still dropped. */
static void test_field_and_capitals_stopwords(void **state)
{
    (void)state;
    assert_string_equal(ids("title:WHO outbreak", &ALL), "who-title");
    assert_string_equal(ids("title:who outbreak", &ALL), "who-title");
    assert_string_equal(ids("outbreak title:who", &ALL), "who-title");
    assert_string_equal(ids("title:(who outbreak)", &ALL), "who-title");
    assert_string_equal(ids("title:who OR title:nothing", NULL), "who-title");
    assert_string_equal(ids("author:the outbreak", &ALL), "");
    assert_string_equal(ids("AN outbreak", &ALL), "who-title");
    assert_string_equal(ids("outbreak who", &ALL), "who-body who-title");
    gazette_results_t *r = search_in(fx.news, "title:WHO outbreak", &ALL);
    assert_non_null(strstr(gazette_results_parsed_query(r), "Swho"));
    gazette_results_free(r);
}

/* The snippet highlights the capitals forms, not the lower-case word;
 * --explain gives the word in capitals its weight. */
static void test_acronym_highlights(void **state)
{
    (void)state;
    gazette_results_t *r = search_in(fx.news, "US economy", &ALL);
    assert_int_equal(gazette_results_count(r), 1);
    assert_string_equal(highlighted(r, 0), "US|economy|U.S.");
    gazette_results_free(r);
    r = search_in(fx.news, "IT industry", NULL);
    assert_string_equal(gazette_hit_id(gazette_results_hit(r, 0)),
                        "it-industry");
    assert_string_equal(highlighted(r, 0), "IT|industry");
    gazette_results_free(r);
}

/* The hit `id` of `r` (it must be there). */
static const gazette_hit_t *hit_of(const gazette_results_t *r, const char *id,
                                   size_t *at)
{
    for (size_t i = 0; i < gazette_results_count(r); i++)
        if (strcmp(gazette_hit_id(gazette_results_hit(r, i)), id) == 0) {
            *at = i;
            return gazette_results_hit(r, i);
        }
    fail_msg("no hit %s", id);
    return NULL;
}

/* Search `db` for `query` (--explain, no feedback) and check the hit of
 * article `id`: its highlighted words ('|'-joined) and its matching terms
 * must be `highlights` and `matched`. The hit into *hit; the results are
 * the caller's to free. */
static gazette_results_t *explained_hit(const char *db, const char *query,
                                        const char *id,
                                        const char *highlights,
                                        const char *matched,
                                        const gazette_hit_t **hit)
{
    opts o = {.explain = 1, .no_feedback = 1};
    gazette_results_t *r = search_in(db, query, &o);
    size_t at = 0;
    *hit = hit_of(r, id, &at);
    if (strcmp(highlighted(r, at), highlights) != 0)
        fail_msg("'%s', %s: highlights '%s', expected '%s'", query, id,
                 highlighted(r, at), highlights);
    if (strcmp(gazette_hit_matching_terms(*hit), matched) != 0)
        fail_msg("'%s', %s: matched '%s', expected '%s'", query, id,
                 gazette_hit_matching_terms(*hit), matched);
    return r;
}

/* An article found by another word of the query has its words of a word
 * in capitals neither highlighted nor listed as matched (--explain) when
 * it does not write them as the markers ask: "It" opening a sentence is
 * not "IT", "aid" and "aids" are not "AIDS". Xapian takes the plain term
 * wherever the article has it; only "aids" (the word itself in lower
 * case) was dropped from the highlights, and --explain listed them all.
 * A word the query also wants in lower case stays. */
static void test_capitals_not_elsewhere(void **state)
{
    (void)state;
    static const struct {
        const char *query, *id, *highlights, *matched;
    } cases[] = {
        {"IT industry", "it-lower", "industry", "industri"},
        {"IT industry", "it-industry", "IT|industry",
         "upper:it industri it"},
        {"AIDS drugs", "hearing", "drugs", "drug"},
        {"AIDS drugs", "aids", "Aids|drugs", "caps:aids aid drug"},
        {"AIDS coast", "tsunami", "coast", "coast"},
        {"AIDS coast aid", "tsunami", "coast|aid", "aid coast"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const gazette_hit_t *h = NULL;
        gazette_results_free(explained_hit(fx.news, cases[c].query,
                                           cases[c].id, cases[c].highlights,
                                           cases[c].matched, &h));
    }
}

/* A word in capitals of a mixed-case query finds an article written in
 * capitals, which has no capitals term of its words, by its plain word:
 * "NATO AND France" found only the article that writes "Nato", and a
 * collection in capitals dropped out of every query with an acronym.
 * "US" still does not find "us" in an article in mixed case. */
static void test_acronym_in_text_in_capitals(void **state)
{
    (void)state;
    assert_string_equal(ids_in(fx.wire, "NATO AND France", NULL),
                        "nato-mixed wire-nato");
    assert_string_equal(ids_in(fx.wire, "NATO talks", &ALL), "wire-nato");
    assert_string_equal(ids_in(fx.wire, "US AND Cuba", NULL),
                        "us-trade wire-nato");
    assert_string_equal(ids_in(fx.wire, "US AND France", NULL), "wire-nato");
    assert_string_equal(ids_in(fx.wire, "us AND france", NULL),
                        "told-us wire-nato");
}

/* The weight of the hit `id` of `query` on the wire index, without
 * feedback (it must be a hit). */
static double wire_weight(const char *query, const char *id)
{
    opts o = {.no_feedback = 1};
    gazette_results_t *r = search_in(fx.wire, query, &o);
    size_t at = 0;
    double w = gazette_hit_weight(hit_of(r, id, &at));
    gazette_results_free(r);
    return w;
}

/* An article in capitals ranks for a word in capitals as for the word in
 * lower case ("NATO" weighed by its stem as "nato" is; "US", a stopword,
 * by the weight of the word in capitals), highlights the word and
 * --explain lists the plain word with that weight, not the mark. */
static void test_text_in_capitals_ranked_and_highlighted(void **state)
{
    (void)state;
    assert_float_equal(wire_weight("NATO AND France", "wire-nato"),
                       wire_weight("nato AND france", "wire-nato"), 1e-9);
    assert_true(wire_weight("US AND Cuba", "wire-nato") >
                wire_weight("cuba", "wire-nato") + 0.1);
    static const struct {
        const char *query, *id, *highlights, *matched;
    } cases[] = {
        {"NATO AND France", "wire-nato", "FRANCE|NATO", "franc nato"},
        {"NATO AND France", "nato-mixed", "France|Nato",
         "caps:nato franc nato"},
        {"US AND Cuba", "wire-nato", "US|US|CUBA", "cuba us"},
        {"US AND Cuba", "us-trade", "US|Cuba", "upper:us cuba us"},
        {"US OR Cuba", "told-us", "Cuba", "cuba"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const gazette_hit_t *h = NULL;
        gazette_results_t *r =
            explained_hit(fx.wire, cases[c].query, cases[c].id,
                          cases[c].highlights, cases[c].matched, &h);
        double sum = 0;
        for (size_t t = 0; t < gazette_hit_term_count(h); t++) {
            double w = 0;
            assert_non_null(gazette_hit_term(h, t, &w));
            sum += w;
        }
        assert_float_equal(sum, gazette_hit_weight(h), 1e-6);
        gazette_results_free(r);
    }
}

/* Accents are folded at index and query time; snippets keep the
 * original text, highlighted. */
static void test_accents(void **state)
{
    (void)state;
    const char *both = "zurich-accents zurich-plain";
    assert_string_equal(ids("Zurich", NULL), both);
    assert_string_equal(ids("Z\xC3\xBCrich", NULL), both);
    assert_string_equal(ids("naive", NULL), both);
    assert_string_equal(ids("na\xC3\xAFve", NULL), both);
    assert_string_equal(ids("\"Societe Generale\"", NULL), both);
    assert_string_equal(ids("\"Soci\xC3\xA9t\xC3\xA9 G\xC3\xA9n\xC3\xA9rale\"",
                            NULL), both);
    assert_string_equal(ids("title:zurich", NULL), "zurich-accents");
    gazette_results_t *r = search_in(fx.news, "\"Societe Generale\" Zurich",
                                     &ALL);
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        if (strcmp(gazette_hit_id(h), "zurich-accents") != 0)
            continue;
        assert_string_equal(highlighted(r, i),
                            "Soci\xC3\xA9t\xC3\xA9 G\xC3\xA9n\xC3\xA9rale|"
                            "Z\xC3\xBCrich");
        assert_non_null(strstr(gazette_hit_snippet(h),
                               "[Soci\xC3\xA9t\xC3\xA9 G\xC3\xA9n\xC3\xA9"
                               "rale] opened"));
    }
    gazette_results_free(r);
}

/* "Did you mean": word by word, never the same stem, never for a word
 * the index has. */
static void test_spelling(void **state)
{
    (void)state;
    struct {
        const char *typed, *suggestion;
    } cases[] = {
        {"tsunami aid", ""},              /* not "tsunami said" */
        {"aid convoys", ""},
        {"tsunmai aid", "tsunami aid"},   /* one word fixed, one kept */
        {"intrest rates", "interest rates"},
        {"Intrest Rates", "interest Rates"},
        {"Lebanon", ""},                  /* not "lebanon's" */
        {"ID rates", ""},                 /* capitals: never "did" */
        {"offcials AND date:2023", "officials AND date:2023"},
        {"\"intrest rates\"", "\"interest rates\""},
    };
    opts on = {.spelling = 1};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gazette_results_t *r = search_in(fx.spell, cases[i].typed, &on);
        if (strcmp(gazette_results_suggestion(r), cases[i].suggestion) != 0)
            fail_msg("'%s': suggestion '%s', expected '%s'", cases[i].typed,
                     gazette_results_suggestion(r), cases[i].suggestion);
        gazette_results_free(r);
    }
    gazette_results_t *r = search_in(fx.spell, "intrest", NULL);
    assert_string_equal(gazette_results_suggestion(r), "");   /* off */
    gazette_results_free(r);
}

/* A date range that ends before it starts is a query error, also on the
 * command line (exit 64, one line). */
static void test_reversed_date_range(void **state)
{
    (void)state;
    gazette_index_t *index = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(fx.news, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, "date:2023-11-05..2023-11-01",
                                    NULL, &r),
                     GAZETTE_STATUS_QUERY_SYNTAX);
    assert_null(r);
    assert_non_null(strstr(gazette_index_error(index), "ends before"));
    assert_int_equal(gazette_search(index, "aid date:2024..2023-12", NULL,
                                    &r),
                     GAZETTE_STATUS_QUERY_SYNTAX);
    /* the same day, or open ends, are fine */
    assert_int_equal(gazette_search(index, "date:2023-11-01..2023-11-01",
                                    NULL, &r), GAZETTE_STATUS_OK);
    assert_true(gazette_results_count(r) > 0);
    gazette_results_free(r);
    gazette_index_close(index);
    char out[4096];
    snprintf(out, sizeof out, "%s/err.txt", fx.tmp);
    assert_int_equal(tu_run("'%s' --db '%s' 'date:2023-11-05..2023-11-01' "
                            "2> '%s'", tu_binary("gazette-query"), fx.news,
                            out), 64);
    assert_int_equal(tu_run("test $(wc -l < '%s') -eq 1", out), 0);
}

/* With a facet the match count is exact, duplicates collapsed. */
static void test_exact_counts_with_facets(void **state)
{
    (void)state;
    opts o = {.facet_year = 1, .limit = 1};
    gazette_results_t *r = search_in(fx.dups, "alpha beta", &o);
    uint64_t lo = 0, est = 0, hi = 0;
    gazette_results_estimate(r, &lo, &est, &hi);
    assert_int_equal(lo, dups_expected);
    assert_int_equal(est, dups_expected);
    assert_int_equal(hi, dups_expected);
    /* and it is the number of hits a full page has */
    gazette_results_free(r);
    opts page = {.facet_year = 1, .limit = 1000};
    r = search_in(fx.dups, "alpha beta", &page);
    assert_int_equal(gazette_results_count(r), dups_expected);
    const char *value = NULL;
    uint64_t count = 0;
    assert_int_equal(gazette_results_facet_value(r, GAZETTE_FACET_YEAR, 0,
                                                 &value, &count),
                     GAZETTE_STATUS_OK);
    assert_int_equal(count, dups_expected);
    gazette_results_free(r);
}

/* The counts and facet values of a one-hit page, as a string. */
static void counts_of(const opts *o, char *out, size_t size)
{
    gazette_results_t *r = search_in(fx.dups, "alpha beta", o);
    uint64_t lo = 0, est = 0, hi = 0, count = 0;
    const char *value = NULL;
    gazette_results_estimate(r, &lo, &est, &hi);
    int n = snprintf(out, size, "%llu %llu %llu", (unsigned long long)lo,
                     (unsigned long long)est, (unsigned long long)hi);
    for (size_t i = 0; gazette_results_facet_value(r, GAZETTE_FACET_YEAR, i,
                                                   &value, &count) ==
                       GAZETTE_STATUS_OK;
         i++)
        n += snprintf(out + n, size - (size_t)n, " %s=%llu", value,
                      (unsigned long long)count);
    gazette_results_free(r);
}

/* With feedback, the facets are counted in its first pass (of the query
 * alone) and the page's match stops early: the counts must be what one
 * exhaustive match without feedback counts, duplicates collapsed or
 * not. */
static void test_facet_counts_same_with_feedback(void **state)
{
    (void)state;
    for (int variant = 0; variant < 4; variant++) {
        int duplicates = variant & 1;
        char with[512], without[512];
        opts o = {.facet_year = variant < 2, .facet_tag = variant >= 2,
                  .limit = 1, .duplicates = duplicates};
        counts_of(&o, with, sizeof with);
        o.no_feedback = 1;
        counts_of(&o, without, sizeof without);
        assert_string_equal(with, without);
        char expected[32];
        snprintf(expected, sizeof expected, "%zu %zu %zu",
                 dups_expected, dups_expected, dups_expected);
        if (!duplicates)
            assert_memory_equal(with, expected, strlen(expected));
    }
}

/* A match in the title alone: the snippet is the start of the body, and
 * the title highlights say which words matched. */
static void test_title_only_match(void **state)
{
    (void)state;
    gazette_results_t *r = search_in(fx.news, "Blinken", NULL);
    assert_int_equal(gazette_results_count(r), 1);
    const gazette_hit_t *h = gazette_results_hit(r, 0);
    assert_int_equal(gazette_hit_highlight_count(h), 0);
    assert_true(strncmp(gazette_hit_snippet(h),
                        "The secretary of state met Turkish officials", 44)
                == 0);
#ifndef GAZETTE_OLD_API   /* to run this test against the code before */
    assert_int_equal(gazette_hit_title_highlight_count(h), 1);
    size_t a = 0, b = 0;
    gazette_hit_title_highlight(h, 0, &a, &b);
    assert_int_equal(a, 0);
    assert_int_equal(b, 7);   /* "Blinken" */
    gazette_results_free(r);
    /* A body match keeps its snippet; the title words are marked too. */
    r = search_in(fx.news, "Zurich", NULL);
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        h = gazette_results_hit(r, i);
        if (strcmp(gazette_hit_id(h), "zurich-accents") != 0)
            continue;
        assert_int_equal(gazette_hit_title_highlight_count(h), 1);
        gazette_hit_title_highlight(h, 0, &a, &b);
        assert_memory_equal(gazette_hit_title(h) + a, "Z\xC3\xBCrich", b - a);
        assert_true(gazette_hit_highlight_count(h) > 0);
    }
#endif
    gazette_results_free(r);
    /* JSON: "title_highlights" */
    char out[4096];
    snprintf(out, sizeof out, "%s/title.json", fx.tmp);
    assert_int_equal(tu_run("'%s' --db '%s' --json Blinken > '%s'",
                            tu_binary("gazette-query"), fx.news, out), 0);
    assert_int_equal(tu_run("grep -q '\"title_highlights\":\\[\\[0,7\\]\\]' "
                            "'%s'", out), 0);
}

/* Undated articles: no date, last in either date order, and an
 * "undated" bucket in the year facet. */
static void test_undated(void **state)
{
    (void)state;
    opts newest = {.sort = GAZETTE_SORT_DATE, .facet_year = 1};
    opts oldest = {.sort = GAZETTE_SORT_DATE_ASC};
    const char *want_new[] = {"new", "mid", "old"};
    const char *want_old[] = {"old", "mid", "new"};
    gazette_results_t *r = search_in(fx.undated, "storm", &newest);
    assert_int_equal(gazette_results_count(r), 5);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(gazette_hit_id(gazette_results_hit(r, i)),
                            want_new[i]);
    for (size_t i = 3; i < 5; i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        assert_true(strncmp(gazette_hit_id(h), "undated-", 8) == 0);
        assert_string_equal(gazette_hit_date(h), "");
    }
    const char *value = NULL;
    uint64_t count = 0;
    size_t n = gazette_results_facet_count(r, GAZETTE_FACET_YEAR);
    assert_int_equal(n, 3);
    const char *want_values[] = {"2023", "undated", "2024"};
    const uint64_t want_counts[] = {2, 2, 1};
    for (size_t i = 0; i < n; i++) {
        gazette_results_facet_value(r, GAZETTE_FACET_YEAR, i, &value, &count);
        assert_string_equal(value, want_values[i]);
        assert_int_equal(count, want_counts[i]);
    }
    gazette_results_free(r);
    r = search_in(fx.undated, "storm", &oldest);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(gazette_hit_id(gazette_results_hit(r, i)),
                            want_old[i]);
    for (size_t i = 3; i < 5; i++)
        assert_true(strncmp(gazette_hit_id(gazette_results_hit(r, i)),
                            "undated-", 8) == 0);
    gazette_results_free(r);
}

/* The ids gazette-query prints for `query` on `db`, one line, sorted. */
static const char *cli_ids(const char *db, const char *query)
{
    static char buf[1024];
    char out[4096];
    snprintf(out, sizeof out, "%s/ids.txt", fx.tmp);
    assert_int_equal(tu_run("'%s' --db '%s' --format paths -- '%s' | sort "
                            "| tr '\\n' ' ' > '%s'",
                            tu_binary("gazette-query"), db, query, out), 0);
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    if (!fgets(buf, sizeof buf, f))
        buf[0] = '\0';
    fclose(f);
    return buf;
}

/* gazette-index --entity-aliases: the names of a line are one entity for
 * entity:, kept by runs without the option (--full and --synonyms runs
 * too), replaced by the next file; a bad file is a usage error that
 * changes nothing. */
static void test_entity_aliases(void **state)
{
    (void)state;
    char root[4096], db[4096], aliases[4096], other[4096], bad[4096],
        syn[4096];
    snprintf(root, sizeof root, "%s/clubs", fx.tmp);
    snprintf(db, sizeof db, "%s/clubs.idx", fx.tmp);
    const char *a = "Title: Derby\n\nManchester United beat City, and "
                    "Manchester United fans cheered.\n";
    const char *b = "Title: Derby talk\n\nThe fans said Man Utd played "
                    "well, and Man Utd won.\n";
    tu_write_file(root, "sport/a.txt", a, strlen(a));
    tu_write_file(root, "sport/b.txt", b, strlen(b));
    const char *files[][2] = {
        {"aliases.txt", "# clubs\nManchester United = Man Utd, Man United\n"},
        {"other.txt", "Man Utd = Red Devils\n"},
        {"bad.txt", "Manchester United\n"},
        {"syn.txt", "soccer = derby\n"}};
    for (size_t i = 0; i < 4; i++)
        tu_write_file(fx.tmp, files[i][0], files[i][1], strlen(files[i][1]));
    snprintf(aliases, sizeof aliases, "%s/aliases.txt", fx.tmp);
    snprintf(other, sizeof other, "%s/other.txt", fx.tmp);
    snprintf(bad, sizeof bad, "%s/bad.txt", fx.tmp);
    snprintf(syn, sizeof syn, "%s/syn.txt", fx.tmp);
    char gi[4096];   /* tu_binary's buffers are reused */
    snprintf(gi, sizeof gi, "%s", tu_binary("gazette-index"));
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'", gi, db, root), 0);
    assert_string_equal(cli_ids(db, "entity:\"Man Utd\""), "sport/b.txt ");
    assert_int_equal(tu_run("'%s' -q --db '%s' --entity-aliases '%s' '%s'",
                            gi, db, aliases, root), 0);
    const char *both = "sport/a.txt sport/b.txt ";
    assert_string_equal(cli_ids(db, "entity:\"Man Utd\""), both);
    assert_string_equal(cli_ids(db, "entity:\"Manchester United\""), both);
    assert_string_equal(cli_ids(db, "entity:\"MAN UNITED\""), both);
    /* kept by a plain run, a --synonyms run and a --full run */
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'", gi, db, root), 0);
    assert_int_equal(tu_run("'%s' -q --db '%s' --synonyms '%s' '%s'", gi, db,
                            syn, root), 0);
    assert_int_equal(tu_run("'%s' -q --full --db '%s' '%s'", gi, db, root),
                     0);
    assert_string_equal(cli_ids(db, "entity:\"Manchester United\""), both);
    assert_string_equal(cli_ids(db, "soccer"), both);   /* synonyms kept */
    /* a bad file: exit 64, one line naming the file, nothing changed */
    char err[4096];
    snprintf(err, sizeof err, "%s/alias-err.txt", fx.tmp);
    assert_int_equal(tu_run("'%s' --db '%s' --entity-aliases '%s' '%s' "
                            "2> '%s'", gi, db, bad, root, err), 64);
    assert_int_equal(tu_run("test $(wc -l < '%s') -eq 1 && grep -q "
                            "'bad.txt:1' '%s'", err, err), 0);
    assert_string_equal(cli_ids(db, "entity:\"Manchester United\""), both);
    /* a new file replaces the groups */
    assert_int_equal(tu_run("'%s' -q --db '%s' --entity-aliases '%s' '%s'",
                            gi, db, other, root), 0);
    assert_string_equal(cli_ids(db, "entity:\"Manchester United\""),
                        "sport/a.txt ");
    assert_string_equal(cli_ids(db, "soccer"), both);
}

/* An index written before accents were folded and capitals marked
 * (index format 1) is refused with one line saying to rebuild it, by the
 * searcher and by an incremental run; --full rebuilds it. */
static void test_old_format(void **state)
{
    (void)state;
    char root[4096], db[4096], err[4096], gi[4096], gq[4096];
    snprintf(root, sizeof root, "%s/old", fx.tmp);
    snprintf(db, sizeof db, "%s/old.idx", fx.tmp);
    snprintf(err, sizeof err, "%s/old-err.txt", fx.tmp);
    snprintf(gi, sizeof gi, "%s", tu_binary("gazette-index"));
    snprintf(gq, sizeof gq, "%s", tu_binary("gazette-query"));
    const char *a = "Title: Banks\n\nBanks in Z\xC3\xBCrich opened.\n";
    tu_write_file(root, "world/a.txt", a, strlen(a));
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s'", gi, db, root), 0);
    /* a sharded index (gazette-index -j2) keeps it in its first shard */
    assert_int_equal(tu_run("d='%s'; if [ -d \"$d/shard0\" ]; then "
                            "d=\"$d/shard0\"; fi; "
                            "xapian-metadata set \"$d\" gazette.format 1", db),
                     0);
    assert_int_equal(tu_run("'%s' --db '%s' Zurich 2> '%s'", gq, db, err),
                     65);
    assert_int_equal(tu_run("test $(wc -l < '%s') -eq 1 && grep -q -- "
                            "'(rebuild it with gazette-index --full)' '%s'",
                            err, err), 0);
    assert_int_equal(tu_run("'%s' -q --db '%s' '%s' 2> '%s'", gi, db, root,
                            err), 65);
    assert_int_equal(tu_run("grep -q 'rebuild it with --full' '%s'", err), 0);
    assert_int_equal(tu_run("'%s' -q --full --db '%s' '%s'", gi, db, root),
                     0);
    assert_int_equal(tu_run("'%s' --db '%s' --format paths Zurich | grep -q "
                            "world/a.txt", gq, db), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_acronyms),
        cmocka_unit_test(test_field_and_capitals_stopwords),
        cmocka_unit_test(test_acronym_highlights),
        cmocka_unit_test(test_capitals_not_elsewhere),
        cmocka_unit_test(test_acronym_in_text_in_capitals),
        cmocka_unit_test(test_text_in_capitals_ranked_and_highlighted),
        cmocka_unit_test(test_accents),
        cmocka_unit_test(test_spelling),
        cmocka_unit_test(test_reversed_date_range),
        cmocka_unit_test(test_exact_counts_with_facets),
        cmocka_unit_test(test_facet_counts_same_with_feedback),
        cmocka_unit_test(test_title_only_match),
        cmocka_unit_test(test_undated),
        cmocka_unit_test(test_entity_aliases),
        cmocka_unit_test(test_old_format),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
