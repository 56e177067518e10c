/*
 * test_api.c - the public API of gazette.h beyond searching: the writer,
 * reading an article back, the update run with its callback, status
 * strings and version macros.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyze.h"
#include "gazette.h"
#include "gazette_private.h"
#include "schema.h"
#include "shards.h"
#include "test_util.h"
#include "xapian_shim.h"

static char *tmp;

static int setup(void **state)
{
    (void)state;
    tmp = tu_mkdtemp("api");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(tmp);
    free(tmp);
    return 0;
}

static const char *path_in(const char *name)
{
    return tu_path_in(tmp, name);
}

static gazette_article_t *article(const char *id, const char *title,
                                  const char *body)
{
    gazette_article_t *a = NULL;
    assert_int_equal(gazette_article_new(&a), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_ID, id),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_TITLE, title),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_BODY, body),
                     GAZETTE_STATUS_OK);
    return a;
}

static void put(gazette_writer_t *w, gazette_article_t *a)
{
    assert_int_equal(gazette_writer_put(w, a), GAZETTE_STATUS_OK);
    gazette_article_free(a);
}

static size_t hits(gazette_index_t *index, const char *query)
{
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search(index, query, NULL, &r),
                     GAZETTE_STATUS_OK);
    size_t n = gazette_results_count(r);
    gazette_results_free(r);
    return n;
}

/* The one hit of `query` has the authors `want` ('|' between names):
 * its names apart, borrowed from the result set, and its byline the
 * names joined with ", ". */
static void expect_hit_authors(gazette_index_t *index, const char *query,
                               const char *want)
{
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search(index, query, NULL, &r),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(r), 1);
    const gazette_hit_t *hit = gazette_results_hit(r, 0);
    char names[256] = "", byline[256] = "";
    size_t n = gazette_hit_author_count(hit);
    for (size_t i = 0; i < n; i++) {
        const char *name = gazette_hit_author_name(hit, i);
        snprintf(names + strlen(names), sizeof names - strlen(names),
                 "%s%s", i ? "|" : "", name);
        snprintf(byline + strlen(byline), sizeof byline - strlen(byline),
                 "%s%s", i ? ", " : "", name);
    }
    assert_null(gazette_hit_author_name(hit, n));
    assert_string_equal(names, want);
    assert_string_equal(gazette_hit_author(hit), byline);
    gazette_results_free(r);
}

/* each_posting's fn: collect the docid (at most 64). */
static int collect_docid(xap_docid id, void *ctx)
{
    xap_docid *ids = ctx;
    if (ids[0] < 64)
        ids[++ids[0]] = id;
    return 0;
}

/* Give every article of the index at `db` indexed by `term` the line
 * `line` ("key=value") at the head of its data, as an older or another
 * writer may have stored it (schema.h): it stands for a missing key, and
 * the article's own line of the key wins. */
static void prepend_data_line(const char *db, const char *term,
                              const char *line)
{
    xap_writable *w = NULL;
    assert_int_equal(xap_writable_open(db, XAP_DB_OPEN, 0, &w), XAP_OK);
    xap_docid ids[65] = {0};   /* ids[0]: how many */
    assert_int_equal(xap_database_each_posting(xap_writable_database(w), term,
                                               collect_docid, ids),
                     XAP_OK);
    for (xap_docid i = 1; i <= ids[0]; i++) {
        xap_document *doc = NULL;
        const char *data = NULL;
        size_t len = 0;
        assert_int_equal(xap_database_get_document(xap_writable_database(w),
                                                   ids[i], &doc),
                         XAP_OK);
        assert_int_equal(xap_document_get_data(doc, &data, &len), XAP_OK);
        char *more = malloc(len + 256);
        assert_non_null(more);
        int head = snprintf(more, 256, "%s\n", line);
        memcpy(more + head, data, len);
        assert_int_equal(xap_document_set_data(doc, more, (size_t)head + len),
                         XAP_OK);
        assert_int_equal(xap_writable_replace_document(w, ids[i], doc),
                         XAP_OK);
        free(more);
        xap_document_free(doc);
    }
    assert_int_equal(xap_writable_close(w), XAP_OK);
    xap_writable_free(w);
}

/* Articles given as fields are searchable by every field and read back
 * whole; replace and delete work by id. */
static void test_writer_round_trip(void **state)
{
    (void)state;
    const char *db = path_in("written");
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, "english", 0, &w),
                     GAZETTE_STATUS_OK);
    gazette_article_t *a = article("desk/ostend", "Harbour reopens at Ostend",
                                   "The harbour reopened after storm repairs "
                                   "ordered by Mayor Bart Tommelein.");
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_DATE, "2 March 2024"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_AUTHOR, "Ann Peeters"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_SOURCE, "wire"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_URL,
                                         "https://example.org/ostend"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_add_tag(a, "shipping"), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_add_tag(a, "Belgium"), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_add_tag(a, "ports, harbours"),
                     GAZETTE_STATUS_OK);   /* a comma inside one tag */
    assert_int_equal(gazette_article_add_tag(a, ""), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_tag_count(a), 3);   /* "" is no tag */
    put(w, a);
    put(w, article("desk/grain", "Grain prices ease", "Wheat futures fell."));
    put(w, article("desk/trains", "Night trains return", "Sleepers are full."));
    /* co-authors, one name holding ", ", one listed again in other case */
    a = article("desk/ferry", "Ferry strike ends", "The crews went back.");
    static const char *const names[] = {"Smith, John", "Eve Ng",
                                        "SMITH, john"};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(gazette_article_add_author(a, names[i]),
                         GAZETTE_STATUS_OK);
    put(w, a);
    assert_int_equal(gazette_writer_commit(w), GAZETTE_STATUS_OK);

    /* replace one, delete one, delete one that is not there */
    put(w, article("desk/grain", "Grain prices rise", "Wheat futures rose."));
    assert_int_equal(gazette_writer_delete(w, "desk/trains"), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_delete(w, "desk/nothing"),
                     GAZETTE_STATUS_ARTICLE_NOT_FOUND);
    assert_non_null(strstr(gazette_writer_error(w), "desk/nothing"));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    /* a list of names all empty, from another writer: the byline is the
     * one name, as gazette_index_get_article reads it */
    prepend_data_line(db, "Qdesk/ostend", "authors=" GZ_LIST_SEP_STR
                      GZ_LIST_SEP_STR);

    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    uint64_t count = 0;
    assert_int_equal(gazette_index_article_count(index, &count),
                     GAZETTE_STATUS_OK);
    assert_int_equal(count, 3);
    expect_hit_authors(index, "crews", "Smith, John|Eve Ng");
    expect_hit_authors(index, "harbour", "Ann Peeters");
    expect_hit_authors(index, "wheat", "");
    assert_int_equal(hits(index, "harbour"), 1);
    assert_int_equal(hits(index, "title:ostend"), 1);
    assert_int_equal(hits(index, "tag:shipping"), 1);
    assert_int_equal(hits(index, "tag:\"ports, harbours\""), 1);
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search(index, "tag:belgium", NULL, &r),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(r), 1);
    assert_int_equal(gazette_hit_tag_count(gazette_results_hit(r, 0)), 3);
    assert_string_equal(gazette_hit_tag(gazette_results_hit(r, 0), 2),
                        "ports, harbours");
    gazette_results_free(r);
    assert_int_equal(hits(index, "source:wire"), 1);
    assert_int_equal(hits(index, "year:2024"), 1);
    assert_int_equal(hits(index, "date:2024-03-02"), 1);
    assert_int_equal(hits(index, "entity:\"Bart Tommelein\""), 1);
    assert_int_equal(hits(index, "rose"), 1);      /* the replacement */
    assert_int_equal(hits(index, "fell"), 0);      /* the replaced text */
    assert_int_equal(hits(index, "sleepers"), 0);  /* deleted */

    gazette_article_t *back = NULL;
    assert_int_equal(gazette_index_get_article(index, "desk/ostend", &back),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_ID),
                        "desk/ostend");
    assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_TITLE),
                        "Harbour reopens at Ostend");
    assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_DATE),
                        "2024-03-02");
    assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_AUTHOR),
                        "Ann Peeters");
    assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_SOURCE), "wire");
    assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_URL),
                        "https://example.org/ostend");
    assert_non_null(strstr(gazette_article_get(back, GAZETTE_FIELD_BODY),
                           "storm repairs"));
    assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_PATH), "");
    assert_int_equal(gazette_article_tag_count(back), 3);
    assert_string_equal(gazette_article_tag(back, 0), "shipping");
    assert_string_equal(gazette_article_tag(back, 1), "Belgium");
    assert_string_equal(gazette_article_tag(back, 2), "ports, harbours");
    assert_null(gazette_article_tag(back, 3));
    int found = 0;
    for (size_t i = 0; i < gazette_article_entity_count(back); i++)
        found |= strcmp(gazette_article_entity(back, i), "Bart Tommelein") == 0;
    assert_true(found);
    gazette_article_free(back);

    assert_int_equal(gazette_index_get_article(index, "desk/trains", &back),
                     GAZETTE_STATUS_ARTICLE_NOT_FOUND);
    assert_null(back);
    assert_non_null(strstr(gazette_index_error(index), "desk/trains"));
    gazette_index_close(index);
}

/* Bad input to the writer is refused, not stored. */
static void test_writer_bad_input(void **state)
{
    (void)state;
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(path_in("bad"), "klingon", 0, &w),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_null(w);
    /* a wait that is not a number is not called negative */
    assert_int_equal(gazette_writer_open(path_in("bad"), NULL, NAN, &w),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(gazette_last_open_error(), "not a number"));
    assert_null(strstr(gazette_last_open_error(), "negative"));
    assert_int_equal(gazette_writer_open(path_in("bad"), NULL, -1, &w),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(gazette_last_open_error(), "negative"));
    /* the update's limit: an infinite wait would never give up */
    assert_int_equal(gazette_writer_open(path_in("bad"), NULL, INFINITY, &w),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(gazette_last_open_error(), "over"));
    assert_int_equal(gazette_writer_open(path_in("bad"), NULL,
                                         GAZETTE_MAX_WAIT_LOCK * 2, &w),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(access(path_in("bad"), F_OK), -1);
    assert_int_equal(gazette_writer_open(path_in("bad"), NULL, 0, &w),
                     GAZETTE_STATUS_OK);
    gazette_article_t *a = NULL;
    assert_int_equal(gazette_article_new(&a), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_put(w, a),
                     GAZETTE_STATUS_INVALID_ARGUMENT);   /* no id */
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_TITLE, "\xff\xfe"),
                     GAZETTE_STATUS_INVALID_ARGUMENT);   /* not UTF-8 */
    assert_int_equal(gazette_article_set(a, (gazette_field_t)99, "x"),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_string_equal(gazette_article_get(a, (gazette_field_t)99), "");
    /* the path is read back only: the writer would not store it */
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_PATH, "x.txt"),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_PATH), "");
    gazette_article_free(a);
    assert_int_equal(gazette_writer_put(NULL, NULL),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_close(NULL), GAZETTE_STATUS_OK);
}

/* A date the writer cannot read is refused at the put (INVALID_ARGUMENT,
 * naming the date and the article), nothing written and the writer
 * usable: the put said OK and the date read back as "", dropped without
 * a word (a corpus file's gets a warning; the writer has no such
 * channel). A date it reads is kept, and no date is no date. */
static void test_writer_refuses_unreadable_dates(void **state)
{
    (void)state;
    const char *db = path_in("dates");
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    static const char *const bad[] = {"not a date at all", "2024-02-30",
                                      "99999-01-01", "2024-13-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gazette_article_t *a = article("desk/dated", "Dated", "Some text.");
        assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_DATE, bad[i]),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_writer_put(w, a),
                         GAZETTE_STATUS_INVALID_ARGUMENT);
        assert_non_null(strstr(gazette_writer_error(w), bad[i]));
        assert_non_null(strstr(gazette_writer_error(w), "desk/dated"));
        gazette_article_free(a);
    }
    gazette_article_t *a = article("desk/good", "Good", "Some text.");
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_DATE,
                                         "29 February 2024"),
                     GAZETTE_STATUS_OK);
    put(w, a);
    put(w, article("desk/undated", "Undated", "Some text."));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    gazette_article_t *back = NULL;
    assert_int_equal(gazette_index_get_article(index, "desk/dated", &back),
                     GAZETTE_STATUS_ARTICLE_NOT_FOUND);
    assert_int_equal(gazette_index_get_article(index, "desk/good", &back),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_DATE),
                        "2024-02-29");
    gazette_article_free(back);
    assert_int_equal(gazette_index_get_article(index, "desk/undated", &back),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_DATE), "");
    gazette_article_free(back);
    gazette_index_close(index);
}

/* A title over 65 536 bytes is indexed and stored to its first 65 536
 * (cut back to a whole UTF-8 character), as gazette.h now says: the rest
 * is neither stored nor searchable (gazette-index(1) said "the rest is
 * stored"). The put says OK. A title over 256 bytes with no body is the
 * article's text, untitled, as gazette.h says too. */
static void test_writer_long_title_cut(void **state)
{
    (void)state;
    const char *db = path_in("long-title");
    enum { LEN = 70000 };
    char *title = malloc(LEN + 1);
    assert_non_null(title);
    /* "é" (2 bytes) at 65 535: the cut falls inside it */
    memset(title, 'a', LEN);
    memcpy(title + 65535, "\xc3\xa9", 2);
    memcpy(title + LEN - 10, " tailword ", 10);
    title[LEN] = '\0';
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put(w, article("desk/long", title, "Body text."));
    /* with no body, a title over 256 bytes is the text, untitled */
    title[300] = '\0';
    memcpy(title + 290, " lastword.", 10);
    put(w, article("desk/headless", title, ""));
    free(title);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    gazette_article_t *back = NULL;
    assert_int_equal(gazette_index_get_article(index, "desk/long", &back),
                     GAZETTE_STATUS_OK);
    assert_int_equal(strlen(gazette_article_get(back, GAZETTE_FIELD_TITLE)),
                     65535);
    gazette_article_free(back);
    assert_int_equal(hits(index, "tailword"), 0);
    assert_int_equal(gazette_index_get_article(index, "desk/headless", &back),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_TITLE), "");
    assert_int_equal(strlen(gazette_article_get(back, GAZETTE_FIELD_BODY)),
                     300);
    gazette_article_free(back);
    assert_int_equal(hits(index, "lastword"), 1);
    gazette_index_close(index);
}

/* A body of distinct words stops near GZ_MAX_DOC_TERMS terms, not a MiB
 * of text past it: the cap was checked after each MiB, and a MiB of such
 * words made some 380 000 terms, each costing a few hundred bytes until
 * the commit (docs/performance.md, "One huge line"). The body is stored
 * whole; its end is not searchable. */
static void test_writer_term_cap_kept(void **state)
{
    (void)state;
    const char *db = path_in("term-cap");
    size_t size = 2u << 20, len = 0;
    char *body = malloc(size + 32);
    assert_non_null(body);
    for (unsigned long w = 0; len < size; w++) {
        unsigned long v = w;   /* a distinct word: w in base 26 */
        do {
            body[len++] = (char)('a' + v % 26);
            v /= 26;
        } while (v);
        body[len++] = ' ';
    }
    memcpy(body + len, "tailword", 9);
    len += 8;
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put(w, article("desk/words", "Words", body));
    free(body);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    xap_database *xdb = NULL;
    xap_document *doc = NULL;
    size_t terms = 0;
    assert_int_equal(xap_database_open(db, &xdb), XAP_OK);
    assert_int_equal(xap_database_get_document(xdb, 1, &doc), XAP_OK);
    assert_int_equal(xap_document_term_count(doc, &terms), XAP_OK);
    xap_document_free(doc);
    xap_database_free(xdb);
    /* at most a chunk of 16 KiB past the cap (analyze.c) */
    if (terms < GZ_MAX_DOC_TERMS || terms > GZ_MAX_DOC_TERMS + 20000)
        fail_msg("%zu terms for a cap of %d", terms, GZ_MAX_DOC_TERMS);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    gazette_article_t *back = NULL;
    assert_int_equal(gazette_index_get_article(index, "desk/words", &back),
                     GAZETTE_STATUS_OK);
    assert_int_equal(strlen(gazette_article_get(back, GAZETTE_FIELD_BODY)),
                     len);
    gazette_article_free(back);
    assert_int_equal(hits(index, "tailword"), 0);
    gazette_index_close(index);
}

/* Control characters given to the writer API are replaced by spaces as
 * the file readers replace them: a title cannot drive a terminal when it
 * is shown, a tag holding the list separator (\x1f) stays one tag. The
 * body keeps tab and line feed; the id is kept as given. */
static void test_writer_control_characters(void **state)
{
    (void)state;
    const char *db = path_in("controls");
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, "english", 0, &w),
                     GAZETTE_STATUS_OK);
    gazette_article_t *a = article("c/1\x01", "\x1b[31mRed\x1b[0m alert\x07",
                                   "Body\x1b]0;x\x07 line\n\ttab\r\xc2\x9b"
                                   "end");
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_TITLE),
                        "[31mRed [0m alert");
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_BODY),
                        "Body ]0;x  line\n\ttab  end");
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_ID), "c/1\x01");
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_AUTHOR,
                                         "Ann\tPeeters\n"),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_AUTHOR),
                        "Ann Peeters");
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_SOURCE, "\x7fwire"),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_SOURCE), "wire");
    assert_int_equal(gazette_article_add_tag(a, "x\x1fy"), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_add_tag(a, "\x1b"), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_tag_count(a), 1);   /* "\x1b" is none */
    assert_string_equal(gazette_article_tag(a, 0), "x y");
    put(w, a);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);

    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    gazette_article_t *back = NULL;
    assert_int_equal(gazette_index_get_article(index, "c/1\x01", &back),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_TITLE),
                        "[31mRed [0m alert");
    assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_BODY),
                        "Body ]0;x  line\n\ttab  end");
    assert_int_equal(gazette_article_tag_count(back), 1);
    assert_string_equal(gazette_article_tag(back, 0), "x y");
    gazette_article_free(back);
    assert_int_equal(hits(index, "tag:\"x y\""), 1);
    gazette_index_close(index);
}

/* A soft hyphen (U+00AD) given in a field is taken out as the readers
 * take it out: the word it sat in is found, and highlighted, whole. */
static void test_writer_soft_hyphen(void **state)
{
    (void)state;
    const char *db = path_in("shy");
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, "english", 0, &w),
                     GAZETTE_STATUS_OK);
    gazette_article_t *a = article("s/1", "Die Bundes\xC2\xADregierung",
                                   "Heute tagt die Bundes\xC2\xADregierung.");
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_TITLE),
                        "Die Bundesregierung");
    assert_int_equal(gazette_article_add_tag(a, "Bundes\xC2\xADtag"),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_tag(a, 0), "Bundestag");
    put(w, a);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);

    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(hits(index, "regierung"), 0);
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search(index, "bundesregierung", NULL, &r),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(r), 1);
    const gazette_hit_t *hit = gazette_results_hit(r, 0);
    const char *plain = gazette_hit_plain_snippet(hit);
    assert_string_equal(plain, "Heute tagt die Bundesregierung.");
    assert_int_equal(gazette_hit_highlight_count(hit), 1);
    size_t start, end;
    gazette_hit_highlight(hit, 0, &start, &end);
    assert_int_equal(start, strlen("Heute tagt die "));
    assert_int_equal(end, strlen("Heute tagt die Bundesregierung"));
    gazette_results_free(r);
    gazette_index_close(index);
}

/* The one-line fields lose the spaces at both ends, as the header says,
 * also when no control character was replaced; the body keeps them and
 * the id is kept as given. A tag left empty (" ") is no tag: OK, not
 * added, so it shows as no blank tag facet. */
/* Authors added one by one: a list, its byline the names joined; an
 * author set before is the first name, one set after replaces them. */
static void test_article_authors(void **state)
{
    (void)state;
    gazette_article_t *a = article("t/a", "T", "B");
    assert_int_equal(gazette_article_author_count(a), 0);
    assert_null(gazette_article_author(a, 0));
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_AUTHOR,
                                         "Smith, John"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_author_count(a), 1);   /* not split */
    assert_string_equal(gazette_article_author(a, 0), "Smith, John");
    assert_int_equal(gazette_article_add_author(a, " \t"), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_author_count(a), 1);   /* no name */
    assert_int_equal(gazette_article_add_author(a, " Ann\x1bLee "),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_add_author(a, "Bo Chen"),
                     GAZETTE_STATUS_OK);
    /* a name listed already is none, as a file's list has it */
    assert_int_equal(gazette_article_add_author(a, "Bo Chen "),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_add_author(a, "Smith, John"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_author_count(a), 3);
    assert_string_equal(gazette_article_author(a, 0), "Smith, John");
    assert_string_equal(gazette_article_author(a, 1), "Ann Lee");
    assert_null(gazette_article_author(a, 3));
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_AUTHOR),
                        "Smith, John, Ann Lee, Bo Chen");
    assert_int_equal(gazette_article_add_author(a, "\xff"),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(gazette_article_add_author(a, NULL),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(gazette_article_add_author(NULL, "x"),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(gazette_article_author_count(a), 3);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_AUTHOR, "Dee"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_author_count(a), 1);
    assert_string_equal(gazette_article_author(a, 0), "Dee");
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_AUTHOR, ""),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_author_count(a), 0);
    gazette_article_free(a);
}

static void test_article_fields_trimmed(void **state)
{
    (void)state;
    gazette_article_t *a = article("t/ id ", "  padded  ", "  body\n ");
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_TITLE),
                        "padded");
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_BODY),
                        "  body\n ");
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_ID), "t/ id ");
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_AUTHOR, " Ann "),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_AUTHOR), "Ann");
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_SOURCE, "   "),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_SOURCE), "");
    assert_int_equal(gazette_article_add_tag(a, " "), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_add_tag(a, "\t \n"), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_tag_count(a), 0);
    assert_int_equal(gazette_article_add_tag(a, "  t1  "), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_tag_count(a), 1);
    assert_string_equal(gazette_article_tag(a, 0), "t1");

    const char *db = path_in("trimmed");
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put(w, a);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    gazette_search_options_t *o = NULL;
    assert_int_equal(gazette_search_options_new(&o), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_add_facet(o, GAZETTE_FACET_TAG),
                     GAZETTE_STATUS_OK);
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search(index, "body", o, &r), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(r), 1);
    assert_string_equal(gazette_hit_title(gazette_results_hit(r, 0)),
                        "padded");
    assert_int_equal(gazette_results_facet_count(r, GAZETTE_FACET_TAG), 1);
    const char *tag = NULL;
    assert_int_equal(gazette_results_facet_value(r, GAZETTE_FACET_TAG, 0,
                                                 &tag, NULL),
                     GAZETTE_STATUS_OK);
    assert_string_equal(tag, "t1");
    gazette_results_free(r);
    gazette_search_options_free(o);
    gazette_index_close(index);
}

/* One writer at a time; the second is told who holds the lock. An index
 * keeps its language. */
static void test_writer_lock_and_language(void **state)
{
    (void)state;
    const char *db = path_in("locked");
    gazette_writer_t *first = NULL, *second = NULL;
    assert_int_equal(gazette_writer_open(db, "french", 0, &first),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_open(db, NULL, 0.2, &second),
                     GAZETTE_STATUS_INDEX_LOCKED);
    assert_null(second);
    assert_non_null(strstr(gazette_last_open_error(), "lock"));
    assert_int_equal(gazette_writer_close(first), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_open(db, "english", 0, &second),
                     GAZETTE_STATUS_LANGUAGE_MISMATCH);
    assert_non_null(strstr(gazette_last_open_error(), "french"));
    assert_int_equal(gazette_writer_open(db, NULL, 0, &second),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_close(second), GAZETTE_STATUS_OK);
}

/* As user nobody: make an index in `ctx` (a directory), make the
 * index's directory read-only (its files stay writable) and open a
 * writer on it: its status, or 0xff/0xfe when the setup failed or the
 * message does not name the directory. */
static int open_read_only_index(void *ctx)
{
    char db[4200];
    snprintf(db, sizeof db, "%s/ix", (const char *)ctx);
    gazette_writer_t *w = NULL;
    gazette_article_t *a = NULL;
    if (gazette_writer_open(db, NULL, 0, &w) != GAZETTE_STATUS_OK ||
        gazette_article_new(&a) != GAZETTE_STATUS_OK ||
        gazette_article_set(a, GAZETTE_FIELD_ID, "a") != GAZETTE_STATUS_OK ||
        gazette_article_set(a, GAZETTE_FIELD_BODY, "one") !=
            GAZETTE_STATUS_OK ||
        gazette_writer_put(w, a) != GAZETTE_STATUS_OK ||
        gazette_writer_close(w) != GAZETTE_STATUS_OK || chmod(db, 0555) != 0)
        return 0xff;
    gazette_status_t s = gazette_writer_open(db, NULL, 0, &w);
    if (s == GAZETTE_STATUS_OK) {
        /* what the writer would lose at its commit */
        gazette_writer_put(w, a);
        gazette_writer_close(w);
    } else if (!strstr(gazette_last_open_error(), "cannot write in") ||
               !strstr(gazette_last_open_error(), "Permission denied") || w) {
        s = 0xfe;
    }
    gazette_article_free(a);
    chmod(db, 0755);
    return (int)s;
}

/* An index whose directory this process cannot write (its files
 * writable) is refused at gazette_writer_open (IO_ERROR, naming the
 * directory), as the header lists permissions there: it opened, and
 * every put was lost at the commit. */
static void test_writer_open_read_only_directory(void **state)
{
    (void)state;
    const char *dir = path_in("rodir");
    assert_int_equal(mkdir(dir, 0777), 0);
    assert_int_equal(chmod(dir, 0777), 0);
    assert_int_equal(tu_as_unprivileged(tmp, open_read_only_index,
                                        (void *)dir),
                     GAZETTE_STATUS_IO_ERROR);
}

/* `test_api --open-writer DB`: gazette_writer_open(DB) in a process of
 * its own, which a test can start under fail_open.so: prints the status's
 * name and the open error, a line each. */
static int open_writer_main(const char *db)
{
    gazette_writer_t *w = NULL;
    gazette_status_t s = gazette_writer_open(db, NULL, 0, &w);
    printf("%s\n%s\n", gazette_status_to_string(s),
           gazette_last_open_error());
    return gazette_writer_close(w) == GAZETTE_STATUS_OK ? 0 : 1;
}

/* An index on a read-only file system is refused at gazette_writer_open
 * (IO_ERROR, naming the directory and EROFS), as the header lists it:
 * fail_open.so makes asking whether the index's directory is writable
 * fail with EROFS, as a read-only mount does, which needs no root. */
static void test_writer_open_read_only_file_system(void **state)
{
    (void)state;
    char db[1024], out[1100], want[3300];
    snprintf(db, sizeof db, "%s", path_in("rofs"));
    snprintf(out, sizeof out, "%s", path_in("rofs.txt"));
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put(w, article("desk/a", "Talks", "The talks went on."));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    assert_int_equal(
        tu_run("FAIL_ACCESS_PATH='%s' LD_PRELOAD='%s' "
               "ASAN_OPTIONS=\"$ASAN_OPTIONS:verify_asan_link_order=0\" "
               "'%s' --open-writer '%s' >'%s'",
               db, FAIL_OPEN_MODULE, tu_binary("test_api"), db, out),
        0);
    snprintf(want, sizeof want, "%s\nindex %s: cannot write in %s "
             "(Read-only file system), where a commit makes its files\n",
             gazette_status_to_string(GAZETTE_STATUS_IO_ERROR), db, db);
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    char got[sizeof want];
    size_t n = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    got[n] = '\0';
    assert_string_equal(got, want);
    /* without the module, the same index opens */
    assert_int_equal(tu_run("'%s' --open-writer '%s' >'%s'",
                            tu_binary("test_api"), db, out), 0);
    assert_int_equal(tu_run("grep -qx success '%s'", out), 0);
}

/* A child forked while a writer is open shares its lock file, so the
 * index stays locked until the child exits (or execs), even after the
 * parent closes the writer; the message says the lock is the process's
 * own rather than naming its pid as a stranger's. */
static void test_writer_lock_shared_with_forked_child(void **state)
{
    (void)state;
    const char *db = path_in("forked");
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    int hold[2];
    assert_int_equal(pipe(hold), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        char c;
        close(hold[1]);
        _exit(read(hold[0], &c, 1) < 0);    /* until the parent closes */
    }
    close(hold[0]);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w),
                     GAZETTE_STATUS_INDEX_LOCKED);
    assert_non_null(strstr(gazette_last_open_error(),
                           "held by this process"));
    close(hold[1]);
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
}

/* An empty language is no language: refused wherever one is given (it
 * was taken, and built an unstemmed index that recorded no language, so
 * that readers stemmed queries in English and found nothing). */
static void test_empty_language_refused(void **state)
{
    (void)state;
    assert_false(gazette_language_known(""));
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(path_in("nolang"), "", 0, &w),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_null(w);
    assert_non_null(strstr(gazette_last_open_error(), "language"));
    assert_int_equal(access(path_in("nolang"), F_OK), -1);   /* not made */
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_language(u, ""),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    gazette_update_free(u);
}

/* An index written with the empty language by an earlier version holds
 * unstemmed terms and records a format but no language (Xapian keeps no
 * empty metadata): it is read and written as "none", its language. */
static void test_index_without_language_is_unstemmed(void **state)
{
    (void)state;
    char db[4096], corpus[4096];
    snprintf(db, sizeof db, "%s", path_in("oldnolang/db"));
    snprintf(corpus, sizeof corpus, "%s", path_in("oldnolang/corpus"));
    static const char text[] = "Talks\n\nThe ceasefire talks went on.\n";
    tu_write_file(corpus, "a.txt", text, strlen(text));
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_language(u, "none"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_jobs(u, 1), GAZETTE_STATUS_OK);
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    gazette_update_free(u);
    /* what the earlier version left: the same terms, no language */
    assert_int_equal(tu_run("xapian-metadata set '%s' gazette.language ''",
                            db), 0);
    assert_int_equal(tu_run("test -z \"$(xapian-metadata get '%s' "
                            "gazette.language)\"", db), 0);

    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(hits(index, "ceasefire"), 1);
    assert_int_equal(hits(index, "talks"), 1);
    gazette_index_close(index);

    /* Updating it in a stemmed language would mix stems into it. */
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_language(u, "english"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, db, roots, 1),
                     GAZETTE_STATUS_LANGUAGE_MISMATCH);
    assert_non_null(strstr(gazette_update_error(u), "'none'"));
    /* the remedy in the API's words, not gazette-index's options */
    assert_non_null(strstr(gazette_update_error(u),
                           "a run without gazette_update_set_language "
                           "updates it in 'none'; to change its language, "
                           "rebuild it with gazette_update_set_full and "
                           "gazette_update_set_language english"));
    assert_null(strstr(gazette_update_error(u), "--"));
    gazette_update_free(u);
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, "english", 0, &w),
                     GAZETTE_STATUS_LANGUAGE_MISMATCH);
    assert_non_null(strstr(gazette_last_open_error(), "'none'"));
    /* a writer that takes the index's language records it */
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put(w, article("desk/more", "More talks", "Envoys talked."));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    assert_int_equal(tu_run("test \"$(xapian-metadata get '%s' "
                            "gazette.language)\" = none", db), 0);
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(hits(index, "talks"), 2);
    assert_int_equal(hits(index, "talked"), 1);   /* unstemmed */
    gazette_index_close(index);
}

/* Run an update of `db` from `corpus` on `jobs` threads, full or not, in
 * `language` (NULL: no gazette_update_set_language call, the default);
 * its status, and its error message copied into `why` (512 bytes). */
static gazette_status_t update_in(const char *db, const char *corpus,
                                  unsigned jobs, int full,
                                  const char *language, char *why)
{
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    if (language)
        assert_int_equal(gazette_update_set_language(u, language),
                         GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_jobs(u, jobs), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_full(u, full), GAZETTE_STATUS_OK);
    const char *roots[] = {corpus};
    gazette_status_t s = gazette_update_run(u, db, roots, 1);
    snprintf(why, 512, "%s", gazette_update_error(u));
    gazette_update_free(u);
    return s;
}

/* The stemming language the index at `db` records (one database, or a
 * stub of shards or of a full rebuild's generation: Xapian reads the
 * first database's metadata), in a static buffer. */
static const char *recorded_language(const char *db)
{
    static char out[64];
    xap_database *xdb = NULL;
    char *value = NULL;
    assert_int_equal(xap_database_open(db, &xdb), XAP_OK);
    assert_int_equal(xap_database_get_metadata(xdb, "gazette.language",
                                               &value, NULL), XAP_OK);
    snprintf(out, sizeof out, "%s", value);
    free(value);
    xap_database_free(xdb);
    return out;
}

/* Without gazette_update_set_language (or with NULL) an update and a
 * full rebuild keep the index's own language, sharded or not, and a new
 * index is english: the default was english, so that a German index
 * failed every plain update (LANGUAGE_MISMATCH) and a plain full rebuild
 * turned it English in silence. A language given still must match, or
 * with set_full rebuilds in it. A full rebuild of an index that does not
 * open, whose language cannot be read, needs one named. */
static void test_update_keeps_index_language(void **state)
{
    (void)state;
    char corpus[4096], why[512];
    snprintf(corpus, sizeof corpus, "%s", path_in("ownlang/corpus"));
    static const char text[] = "Titel\n\nDie Katzen schlafen.\n";
    tu_write_file(corpus, "x/a.txt", text, strlen(text));
    for (unsigned jobs = 1; jobs <= 2; jobs++) {
        char db[4096], fresh[4096];
        snprintf(db, sizeof db, "%s/db%u", path_in("ownlang"), jobs);
        snprintf(fresh, sizeof fresh, "%s/new%u", path_in("ownlang"), jobs);
        assert_int_equal(update_in(db, corpus, jobs, 0, "german", why),
                         GAZETTE_STATUS_OK);
        for (int full = 0; full <= 1; full++) {
            gazette_status_t s = update_in(db, corpus, jobs, full, NULL, why);
            if (s != GAZETTE_STATUS_OK)
                fail_msg("-j%u full %d: %s: %s", jobs, full,
                         gazette_status_to_string(s), why);
            assert_string_equal(recorded_language(db), "german");
            gazette_index_t *index = NULL;
            assert_int_equal(gazette_index_open(db, &index),
                             GAZETTE_STATUS_OK);
            assert_int_equal(hits(index, "katze"), 1);
            gazette_index_close(index);
        }
        /* NULL is the default again, after a language was set */
        gazette_update_t *u = NULL;
        assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_set_language(u, "french"),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_set_language(u, NULL),
                         GAZETTE_STATUS_OK);
        const char *roots[] = {corpus};
        assert_int_equal(gazette_update_run(u, db, roots, 1),
                         GAZETTE_STATUS_OK);
        gazette_update_free(u);
        /* another language named: refused, or rebuilt in it */
        assert_int_equal(update_in(db, corpus, jobs, 0, "english", why),
                         GAZETTE_STATUS_LANGUAGE_MISMATCH);
        assert_int_equal(update_in(db, corpus, jobs, 1, "english", why),
                         GAZETTE_STATUS_OK);
        assert_string_equal(recorded_language(db), "english");
        /* a new index, by an update or a full rebuild: english */
        assert_int_equal(update_in(fresh, corpus, jobs, jobs == 2, NULL,
                                   why), GAZETTE_STATUS_OK);
        assert_string_equal(recorded_language(fresh), "english");
    }
    /* a full rebuild of an index that does not open: refused */
    char db[4096];
    snprintf(db, sizeof db, "%s", path_in("ownlang/damaged"));
    assert_int_equal(update_in(db, corpus, 1, 0, "german", why),
                     GAZETTE_STATUS_OK);
    assert_int_equal(tu_run("rm '%s/postlist.glass'", db), 0);
    for (int dry = 0; dry <= 1; dry++) {
        gazette_update_t *u = NULL;
        assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_set_full(u, 1), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_set_dry_run(u, dry),
                         GAZETTE_STATUS_OK);
        const char *roots[] = {corpus};
        assert_int_equal(gazette_update_run(u, db, roots, 1),
                         GAZETTE_STATUS_INVALID_ARGUMENT);
        assert_false(gazette_update_started(u));
        assert_non_null(strstr(gazette_update_error(u),
                               "gazette_update_set_language"));
        gazette_update_free(u);
    }
    assert_int_equal(tu_run("test ! -e '%s.d'", db), 0);   /* nothing made */
    assert_int_equal(update_in(db, corpus, 1, 1, "german", why),
                     GAZETTE_STATUS_OK);
    assert_string_equal(recorded_language(db), "german");
}

/* Xapian takes ISO 639 codes as other names of its stemmers ("en" is
 * "english"): an index records the full name gazette_languages() lists,
 * and one an earlier version recorded with a code compares equal to the
 * full name, so that a default (english) nightly update or a writer in
 * "english" is no LANGUAGE_MISMATCH, nor searching it beside an
 * "english" index. */
static void test_language_codes_are_full_names(void **state)
{
    (void)state;
    assert_true(gazette_language_known("en"));
    assert_null(strstr(gazette_languages(), "en "));
    char db[4096], old[4096], corpus[4096];
    snprintf(db, sizeof db, "%s", path_in("langcode/db"));
    snprintf(old, sizeof old, "%s", path_in("langcode/old"));
    snprintf(corpus, sizeof corpus, "%s", path_in("langcode/corpus"));
    static const char text[] = "Talks\n\nThe ceasefire talks went on.\n";
    tu_write_file(corpus, "a.txt", text, strlen(text));

    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, "en", 0, &w), GAZETTE_STATUS_OK);
    put(w, article("desk/a", "Talks", "Envoys talked."));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    assert_int_equal(tu_run("test \"$(xapian-metadata get '%s' "
                            "gazette.language)\" = english", db), 0);
    assert_int_equal(gazette_writer_open(db, "english", 0, &w),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);

    /* an update given a code records the full name too */
    gazette_update_t *u = NULL;
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_language(u, "de"), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_jobs(u, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, old, roots, 1), GAZETTE_STATUS_OK);
    gazette_update_free(u);
    assert_int_equal(tu_run("test \"$(xapian-metadata get '%s' "
                            "gazette.language)\" = german", old), 0);

    /* what an earlier version left: the code recorded */
    assert_int_equal(tu_run("xapian-metadata set '%s' gazette.language en",
                            old), 0);
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_jobs(u, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, old, roots, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_full(u, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, old, roots, 1), GAZETTE_STATUS_OK);
    gazette_update_free(u);
    assert_int_equal(tu_run("xapian-metadata set '%s' gazette.language en",
                            db), 0);
    assert_int_equal(gazette_writer_open(db, "english", 0, &w),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    assert_int_equal(tu_run("xapian-metadata set '%s' gazette.language en",
                            db), 0);
    assert_int_equal(gazette_writer_open(db, "de", 0, &w),
                     GAZETTE_STATUS_LANGUAGE_MISMATCH);
    assert_non_null(strstr(gazette_last_open_error(),
                           "stemmed in 'english', not 'german'"));
    const char *both[] = {db, old};
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open_multi(both, 2, 0, &index),
                     GAZETTE_STATUS_OK);
    assert_int_equal(hits(index, "talk"), 2);
    gazette_index_close(index);
}

/* A writer opened where the directory of `path` is missing (a disk not
 * mounted) is IO_ERROR, as gazette.h now lists it (it had no word on
 * it), makes nothing there and says why. */
static void test_writer_open_missing_directory(void **state)
{
    (void)state;
    char db[4096];
    snprintf(db, sizeof db, "%s", path_in("not-mounted/news.idx"));
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w),
                     GAZETTE_STATUS_IO_ERROR);
    assert_null(w);
    assert_non_null(strstr(gazette_last_open_error(),
                           "the directory it goes in does not exist"));
    struct stat sb;
    assert_int_not_equal(stat(path_in("not-mounted"), &sb), 0);
}

/* A search of its own handle, with the options every thread shares. */
typedef struct shared_options_search {
    const char *db;
    const gazette_search_options_t *opts;
    char first[64];       /* the first hit's id and snippet, as read */
    char snippet[256];
    size_t sources;       /* values of the source facet */
} shared_options_search;

static void *search_with_shared_options(void *arg)
{
    shared_options_search *job = arg;
    gazette_index_t *index = NULL;
    gazette_results_t *r = NULL;
    if (gazette_index_open(job->db, &index) != GAZETTE_STATUS_OK)
        return NULL;
    for (int i = 0; i < 20; i++) {
        gazette_results_free(r);
        r = NULL;
        if (gazette_search(index, "harbour OR ferries", job->opts, &r) !=
            GAZETTE_STATUS_OK)
            break;
    }
    const gazette_hit_t *h = gazette_results_hit(r, 0);
    snprintf(job->first, sizeof job->first, "%s", gazette_hit_id(h));
    snprintf(job->snippet, sizeof job->snippet, "%s", gazette_hit_snippet(h));
    job->sources = gazette_results_facet_count(r, GAZETTE_FACET_SOURCE);
    gazette_results_free(r);
    gazette_index_close(index);
    return NULL;
}

/* gazette.h: an options object, only read by gazette_search, may serve
 * the searches of several threads at once (documentation only: this
 * passed before it was said). */
static void test_options_shared_by_threads(void **state)
{
    (void)state;
    char db[4096];
    snprintf(db, sizeof db, "%s", path_in("shared-options"));
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put(w, article("port/a", "Harbour", "The harbour reopened today."));
    put(w, article("sea/b", "Ferries", "Ferries sailed past the harbour."));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    gazette_search_options_t *o = NULL;
    assert_int_equal(gazette_search_options_new(&o), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_snippet(o, 80, "[", "]"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_add_facet(o, GAZETTE_FACET_SOURCE),
                     GAZETTE_STATUS_OK);
    shared_options_search jobs[4];
    pthread_t threads[4];
    for (size_t i = 0; i < 4; i++) {
        jobs[i] = (shared_options_search){.db = db, .opts = o};
        assert_int_equal(pthread_create(&threads[i], NULL,
                                        search_with_shared_options, &jobs[i]),
                         0);
    }
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
        assert_int_equal(jobs[i].sources, 2);
        assert_non_null(strstr(jobs[i].snippet, "[harbour]"));
        assert_string_equal(jobs[i].first, jobs[0].first);
    }
    gazette_search_options_free(o);
}

/* The title gazette_index_get_article reads for `id` through a handle
 * on `first` and `second` searched together. */
static void expect_article_title(const char *first, const char *second,
                                 const char *id, const char *title)
{
    const char *both[] = {first, second};
    gazette_index_t *index = NULL;
    gazette_article_t *a = NULL;
    assert_int_equal(gazette_index_open_multi(both, 2, 0, &index),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_index_get_article(index, id, &a),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_TITLE), title);
    gazette_article_free(a);
    gazette_index_close(index);
}

/* Indexes searched together that each hold an id: reading it gives the
 * copy of the first location given, whatever the docids. It gave the
 * copy of the lowest docid of the databases interleaved, here the
 * second index's (its first article against the first's fourth), so a
 * program that showed a hit of the first index (gazette_hit_index) and
 * then read its article by id showed the other index's text. */
static void test_get_article_over_several_reads_first_location(
    void **state)
{
    (void)state;
    char one[4096], two[4096];
    snprintf(one, sizeof one, "%s", path_in("copies-one"));
    snprintf(two, sizeof two, "%s", path_in("copies-two"));
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(one, NULL, 0, &w), GAZETTE_STATUS_OK);
    put(w, article("desk/a", "Other a", "Grain prices eased."));
    put(w, article("desk/b", "Other b", "Ferries sailed."));
    put(w, article("desk/c", "Other c", "Trains ran late."));
    put(w, article("desk/same", "First copy", "The harbour reopened."));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_open(two, NULL, 0, &w), GAZETTE_STATUS_OK);
    put(w, article("desk/same", "Second copy", "The harbour reopened."));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);

    expect_article_title(one, two, "desk/same", "First copy");
    expect_article_title(two, one, "desk/same", "Second copy");
    expect_article_title(two, one, "desk/c", "Other c");
}

/* Writers and indexes keep their own message per thread: a failed or
 * successful call on an index leaves the writer's message alone and the
 * other way round; the next call of the same family that succeeds empties
 * it. */
static void test_error_message_families(void **state)
{
    (void)state;
    char db[4096], writer_said[1024], index_said[1024];
    snprintf(db, sizeof db, "%s", path_in("families"));
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put(w, article("desk/harbour", "Harbour", "The harbour reopened."));
    assert_int_equal(gazette_writer_commit(w), GAZETTE_STATUS_OK);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);

    gazette_article_t *no_id = NULL;
    assert_int_equal(gazette_article_new(&no_id), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_put(w, no_id),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    snprintf(writer_said, sizeof writer_said, "%s", gazette_writer_error(w));
    assert_non_null(strstr(writer_said, "id"));
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search(index, "harbour AND", NULL, &r),
                     GAZETTE_STATUS_QUERY_SYNTAX);
    assert_string_not_equal(gazette_index_error(index), "");
    assert_string_equal(gazette_writer_error(w), writer_said);
    assert_int_equal(hits(index, "harbour"), 1);
    assert_string_equal(gazette_index_error(index), "");
    assert_string_equal(gazette_writer_error(w), writer_said);
    gazette_article_free(no_id);   /* get_article sets it anew below */
    no_id = NULL;

    assert_int_equal(gazette_index_get_article(index, "desk/none", &no_id),
                     GAZETTE_STATUS_ARTICLE_NOT_FOUND);
    snprintf(index_said, sizeof index_said, "%s", gazette_index_error(index));
    assert_non_null(strstr(index_said, "desk/none"));
    assert_int_equal(gazette_writer_delete(w, "desk/gone"),
                     GAZETTE_STATUS_ARTICLE_NOT_FOUND);
    assert_non_null(strstr(gazette_writer_error(w), "desk/gone"));
    assert_string_equal(gazette_index_error(index), index_said);
    put(w, article("desk/grain", "Grain", "Wheat futures fell."));
    assert_string_equal(gazette_writer_error(w), "");
    assert_string_equal(gazette_index_error(index), index_said);

    /* every call of a family that returns a status: failed, then OK */
    uint64_t n = 0;
    assert_int_equal(gazette_index_article_count(NULL, &n),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_string_not_equal(gazette_index_error(index), "");
    assert_int_equal(gazette_index_article_count(index, &n),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_index_error(index), "");
    assert_int_equal(gazette_index_get_article(NULL, "x", &no_id),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(gazette_index_get_article(index, "desk/harbour", &no_id),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_index_error(index), "");
    gazette_article_free(no_id);
    assert_int_equal(gazette_writer_commit(NULL),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_string_not_equal(gazette_writer_error(w), "");
    assert_int_equal(gazette_writer_commit(w), GAZETTE_STATUS_OK);
    assert_string_equal(gazette_writer_error(w), "");
    assert_int_equal(gazette_writer_delete(NULL, "x"),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(gazette_writer_delete(w, "desk/grain"),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_writer_error(w), "");
    assert_int_equal(gazette_writer_put(w, NULL),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    assert_string_equal(gazette_writer_error(NULL), "");
    gazette_index_close(index);
}

/* Fail unless `msg` (a message of `what`) is one line that holds
 * `has`: no newline nor other control character (C0, DEL, C1 as UTF-8:
 * \xC2\x80..\xC2\x9F), no line or paragraph separator (U+2028, U+2029:
 * \xE2\x80\xA8, \xE2\x80\xA9), whatever it quotes. */
static void expect_one_line(const char *what, const char *msg,
                            const char *has)
{
    for (const unsigned char *c = (const unsigned char *)msg; *c; c++)
        if (*c < 0x20 || *c == 0x7F ||
            (c[0] == 0xC2 && c[1] >= 0x80 && c[1] <= 0x9F) ||
            (c[0] == 0xE2 && c[1] == 0x80 && (c[2] == 0xA8 || c[2] == 0xA9)))
            fail_msg("%s: control character at byte %zu of \"%s\"", what,
                     (size_t)(c - (const unsigned char *)msg), msg);
    if (!strstr(msg, has))
        fail_msg("%s: no \"%s\" in \"%s\"", what, has, msg);
}

/* A file `name` in tmp, which is no index: opening it to search or to
 * write fails with one line naming it as `shown` (`name` made one line). */
static void expect_file_not_index_one_line(const char *name,
                                           const char *shown)
{
    char path[4096], want[4096];
    gazette_index_t *index = NULL;
    gazette_writer_t *w = NULL;
    tu_write_file(tmp, name, "hello\n", 6);
    snprintf(path, sizeof path, "%s", path_in(name));
    snprintf(want, sizeof want, "%s", path_in(shown));
    assert_int_not_equal(gazette_index_open(path, &index), GAZETTE_STATUS_OK);
    expect_one_line("gazette_index_open", gazette_last_open_error(), want);
    assert_int_equal(gazette_writer_open(path, NULL, 0, &w),
                     GAZETTE_STATUS_NOT_AN_INDEX);
    expect_one_line("gazette_writer_open", gazette_last_open_error(), want);
}

/* Every message gazette.h calls one line is one, though it quote a
 * newline given by the caller: a writer's (an id), an open's (a path),
 * an update's, of a setter (a language) and of a run (a corpus path). */
static void test_error_messages_one_line(void **state)
{
    (void)state;
    char db[4096], shown[4096];
    snprintf(db, sizeof db, "%s", path_in("oneline-msgs"));
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_delete(w, "nope\nx"),
                     GAZETTE_STATUS_ARTICLE_NOT_FOUND);
    expect_one_line("gazette_writer_delete", gazette_writer_error(w),
                    "'nope x'");
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);

    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open("/nonexistent\nline2", &index),
                     GAZETTE_STATUS_INDEX_NOT_FOUND);
    expect_one_line("gazette_index_open", gazette_last_open_error(),
                    "/nonexistent line2");
    /* a file that is no index, its name with a newline and a tab */
    expect_file_not_index_one_line("no\nindex\there", "no index here");
    /* NEL (U+0085) and the line separator (U+2028) break lines too; the
     * em dash (U+2014, a neighbour of U+2028) and é stay as they are */
    expect_file_not_index_one_line(
        "nel\xC2\x85ls\xE2\x80\xA8 \xE2\x80\x94 caf\xC3\xA9",
        "nel ls  \xE2\x80\x94 caf\xC3\xA9");

    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_language(u, "xx\nyy"),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    expect_one_line("gazette_update_set_language", gazette_update_error(u),
                    "'xx yy'");
    assert_int_equal(gazette_update_add_include(u, "/a\nb"),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    expect_one_line("gazette_update_add_include", gazette_update_error(u),
                    "a b");
    const char *roots[] = {path_in("no\ncorpus")};
    snprintf(shown, sizeof shown, "%s", path_in("no corpus"));
    assert_int_equal(gazette_update_run(u, db, roots, 1),
                     GAZETTE_STATUS_INPUT_NOT_FOUND);
    expect_one_line("gazette_update_run", gazette_update_error(u), shown);
    const char *nel_roots[] = {path_in("no\xC2\x85" "corpus\xE2\x80\xA9")};
    snprintf(shown, sizeof shown, "%s", path_in("no corpus "));
    assert_int_equal(gazette_update_run(u, db, nel_roots, 1),
                     GAZETTE_STATUS_INPUT_NOT_FOUND);
    expect_one_line("gazette_update_run", gazette_update_error(u), shown);
    gazette_update_free(u);
}

/* Put `n` articles of 40 words each through `w`, then commit: the
 * status. */
static gazette_status_t put_many(gazette_writer_t *w, int n)
{
    gazette_status_t s = GAZETTE_STATUS_OK;
    for (int i = 0; s == GAZETTE_STATUS_OK && i < n; i++) {
        char id[32], body[400];
        size_t k = 0;
        snprintf(id, sizeof id, "bulk/%d", i);
        for (int j = 0; j < 40; j++)
            k += (size_t)snprintf(body + k, sizeof body - k, "w%d ",
                                  (i * 7 + j * 13) % 3000);
        gazette_article_t *a = NULL;
        s = gazette_article_new(&a);
        if (s == GAZETTE_STATUS_OK)
            s = gazette_article_set(a, GAZETTE_FIELD_ID, id);
        if (s == GAZETTE_STATUS_OK)
            s = gazette_article_set(a, GAZETTE_FIELD_BODY, body);
        if (s == GAZETTE_STATUS_OK)
            s = gazette_writer_put(w, a);
        gazette_article_free(a);
    }
    return s == GAZETTE_STATUS_OK ? gazette_writer_commit(w) : s;
}

/* A bulk load with one commit at the end: Xapian commits by itself every
 * XAPIAN_FLUSH_THRESHOLD changes, and the room a commit reserves first
 * (shim/writable.cc) counted every change since the writer was opened,
 * so the final commit asked for room for the whole load and failed on a
 * disk (here a file size limit) that held it. Run in a child: the limit
 * and the threshold are the process's. */
static void test_bulk_load_commits(void **state)
{
    (void)state;
    char db[4096];
    snprintf(db, sizeof db, "%s", path_in("bulk"));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        setenv("XAPIAN_FLUSH_THRESHOLD", "50", 1);
        /* The tables stay under 5 MiB; a commit of 50 articles may
         * reserve about twice the postlist table (shim/writable.cc),
         * one of the whole load more. */
        struct rlimit limit = {10 << 20, 10 << 20};
        gazette_writer_t *w = NULL;
        int ok = setrlimit(RLIMIT_FSIZE, &limit) == 0 &&
                 gazette_writer_open(db, NULL, 0, &w) == GAZETTE_STATUS_OK &&
                 put_many(w, 3000) == GAZETTE_STATUS_OK;
        if (!ok)
            fprintf(stderr, "bulk load: %s\n",
                    w ? gazette_writer_error(w) : gazette_last_open_error());
        ok = gazette_writer_close(w) == GAZETTE_STATUS_OK && ok;
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    gazette_index_t *index = NULL;
    uint64_t n = 0;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_index_article_count(index, &n),
                     GAZETTE_STATUS_OK);
    assert_int_equal(n, 3000);
    gazette_index_close(index);
}

/* A message of the library in its API's words: `has` in it, and no
 * program's option ("--full", "--db") nor operand (gazette-index's
 * CORPUS) nor program (gazette-index). */
static void expect_api_words(const char *msg, const char *has)
{
    if (!strstr(msg, has) || strstr(msg, "--") || strstr(msg, "CORPUS") ||
        strstr(msg, "gazette-index") || strstr(msg, "gazette-query"))
        fail_msg("wanted '%s' in the API's words: %s", has, msg);
}

/* A setter given a bad value says which value and why in
 * gazette_update_error(), as a failed run does; the next run clears it. */
static void test_update_setter_messages(void **state)
{
    (void)state;
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    const gazette_status_t bad = GAZETTE_STATUS_INVALID_ARGUMENT;
    assert_int_equal(gazette_update_set_language(u, "klingon"), bad);
    assert_non_null(strstr(gazette_update_error(u), "klingon"));
    /* NULL is the default, the index's own language: no error */
    assert_int_equal(gazette_update_set_language(u, NULL),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_max_file_size(u, 0), bad);
    assert_non_null(strstr(gazette_update_error(u), "file size"));
    assert_int_equal(gazette_update_set_batch(u, 0), bad);
    assert_non_null(strstr(gazette_update_error(u), "batch"));
    assert_int_equal(gazette_update_set_jobs(u, GAZETTE_MAX_JOBS + 1), bad);
    assert_non_null(strstr(gazette_update_error(u), "257"));
    assert_int_equal(gazette_update_set_memory(u, 1024), bad);
    assert_non_null(strstr(gazette_update_error(u), "memory"));
    assert_int_equal(gazette_update_set_memory(u, 1), bad);
    assert_non_null(strstr(gazette_update_error(u),
                           "a memory budget of 1 byte is outside"));
    assert_int_equal(gazette_update_set_wait_lock(u, NAN), bad);
    assert_non_null(strstr(gazette_update_error(u), "wait"));
    assert_int_equal(gazette_update_set_max_remove(u, 101), bad);
    assert_non_null(strstr(gazette_update_error(u), "101"));
    assert_int_equal(gazette_update_add_include(u, ""), bad);
    assert_non_null(strstr(gazette_update_error(u), "include"));
    assert_int_equal(gazette_update_add_exclude(u, NULL), bad);
    assert_non_null(strstr(gazette_update_error(u), "exclude"));
    /* a pattern that matches nothing, quoted as given, not as trimmed */
    assert_int_equal(gazette_update_add_include(u, "./"), bad);
    assert_non_null(strstr(gazette_update_error(u),
                           "the include pattern './' matches nothing"));
    assert_int_equal(gazette_update_add_exclude(u, "././//"), bad);
    assert_non_null(strstr(gazette_update_error(u),
                           "the exclude pattern '././//' matches nothing"));
    /* in the API's words: gazette-index's operand, CORPUS, is its own */
    expect_api_words(gazette_update_error(u),
                     "patterns match paths relative to each corpus "
                     "directory");

    char corpus[4096], db[4096];
    snprintf(corpus, sizeof corpus, "%s", path_in("setters/corpus"));
    snprintf(db, sizeof db, "%s", path_in("setters/db"));
    tu_write_file(corpus, "a.txt", "One\n\nThe first story.\n", 22);
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_set_jobs(u, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    assert_string_equal(gazette_update_error(u), "");
    gazette_update_free(u);
}

/* An empty path, or a NULL corpus directory, is a bad argument wherever
 * it is given, said in words (no "(null)", nothing made). */
static void test_empty_paths_refused(void **state)
{
    (void)state;
    char corpus[4096], db[4096];
    snprintf(corpus, sizeof corpus, "%s", path_in("paths/corpus"));
    snprintf(db, sizeof db, "%s", path_in("paths/db"));
    tu_write_file(corpus, "a.txt", "One\n\nThe first story.\n", 22);

    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open("", &index),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_null(index);
    assert_non_null(strstr(gazette_last_open_error(), "empty"));
    assert_null(strstr(gazette_last_open_error(), "(null)"));
    const char *two[] = {db, ""};
    assert_int_equal(gazette_index_open_multi(two, 2, 0, &index),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(gazette_last_open_error(), "empty"));
    assert_null(strstr(gazette_last_open_error(), "(null)"));
    /* each bad argument is named, not all called "no index path" */
    assert_int_equal(gazette_index_open_multi(two, 1, 0x80, &index),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(gazette_last_open_error(), "flags"));
    assert_int_equal(gazette_index_open_multi(two, 1, 0, NULL),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_string_equal(gazette_last_open_error(),
                        "gazette_index_open_multi: NULL out");
    /* named as the function the program called */
    assert_int_equal(gazette_index_open(db, NULL),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_string_equal(gazette_last_open_error(),
                        "gazette_index_open: NULL out");
    assert_int_equal(gazette_index_open(NULL, &index),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_string_equal(gazette_last_open_error(),
                        "gazette_index_open: no index path given");

    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open("", NULL, 0, &w),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_null(w);
    assert_non_null(strstr(gazette_last_open_error(), "empty"));

    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_run(u, "", roots, 1),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(gazette_update_error(u), "empty"));
    const char *with_null[] = {corpus, NULL};
    assert_int_equal(gazette_update_run(u, db, with_null, 2),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(gazette_update_error(u), "NULL"));
    assert_null(strstr(gazette_update_error(u), "(null)"));
    const char *with_empty[] = {"", corpus};
    assert_int_equal(gazette_update_run(u, db, with_empty, 2),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(gazette_update_error(u), "empty"));
    /* refused by the setters, as gazette.3 says of every empty path */
    assert_int_equal(gazette_update_set_synonyms_file(u, ""),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(gazette_update_error(u),
                           "synonyms file path is empty"));
    assert_int_equal(gazette_update_set_entity_aliases_file(u, ""),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(gazette_update_error(u),
                           "entity aliases file path is empty"));
    assert_int_equal(access(db, F_OK), -1);   /* nothing was written */
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    gazette_update_free(u);
}

/* The snippet of `query` in `index` with snippets of `length` bytes
 * and markers "<<" ">>" (a new string). */
static char *snippet_of(gazette_index_t *index, const char *query,
                        size_t length)
{
    gazette_search_options_t *o = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search_options_new(&o), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_snippet(o, length, "<<",
                                                        ">>"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, query, o, &r), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(r), 1);
    char *snippet = strdup(gazette_hit_snippet(gazette_results_hit(r, 0)));
    gazette_results_free(r);
    gazette_search_options_free(o);
    return snippet;
}

/* Any snippet length over the text's is the whole text, with its
 * highlights: the largest ones too (SIZE_MAX lost its markers). */
static void test_snippet_length_extremes(void **state)
{
    (void)state;
    const char *db = path_in("extremes");
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put(w, article("desk/harbour", "Harbour", "The harbour reopened after "
                   "the storm, and the harbour master was pleased."));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    const size_t lengths[] = {200, SIZE_MAX / 2, SIZE_MAX - 1, SIZE_MAX};
    for (size_t i = 0; i < sizeof lengths / sizeof *lengths; i++) {
        char *snippet = snippet_of(index, "storm", lengths[i]);
        if (!strstr(snippet, "<<storm>>") || !strstr(snippet, "pleased"))
            fail_msg("length %zu: snippet \"%s\"", lengths[i], snippet);
        free(snippet);
    }
    gazette_index_close(index);
}

/* What gazette.h says of NULL arguments (INVALID_ARGUMENT from every
 * call that returns a status, except the closes) and of the form of facet
 * values: tags and authors lower-cased, entities as written. */
static void test_documented_statuses_and_facets(void **state)
{
    (void)state;
    const gazette_status_t bad = GAZETTE_STATUS_INVALID_ARGUMENT;
    assert_int_equal(gazette_search_options_new(NULL), bad);
    assert_int_equal(gazette_search_options_set_range(NULL, 0, 10), bad);
    assert_int_equal(gazette_search_options_set_snippet(NULL, 10, 0, 0), bad);
    assert_int_equal(gazette_search_options_set_sort(NULL, 0), bad);
    assert_int_equal(gazette_search_options_set_match_all(NULL, 1), bad);
    assert_int_equal(gazette_search_options_set_collapse_duplicates(NULL, 1),
                     bad);
    assert_int_equal(gazette_search_options_set_spelling(NULL, 1), bad);
    assert_int_equal(gazette_search_options_set_feedback(NULL, 1), bad);
    assert_int_equal(gazette_search_options_set_explain(NULL, 1), bad);
    assert_int_equal(gazette_search_options_add_facet(NULL, 0), bad);
    assert_int_equal(gazette_results_facet_value(NULL, 0, 0, NULL, NULL),
                     bad);
    assert_int_equal(gazette_article_new(NULL), bad);
    assert_int_equal(gazette_article_set(NULL, GAZETTE_FIELD_ID, "x"), bad);
    assert_int_equal(gazette_article_add_tag(NULL, "x"), bad);
    assert_int_equal(gazette_writer_put(NULL, NULL), bad);
    assert_int_equal(gazette_writer_delete(NULL, "x"), bad);
    assert_int_equal(gazette_writer_commit(NULL), bad);
    assert_int_equal(gazette_writer_close(NULL), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_new(NULL), bad);
    assert_int_equal(gazette_update_set_language(NULL, "english"), bad);
    assert_int_equal(gazette_update_set_max_remove(NULL, 10), bad);
    assert_int_equal(gazette_update_set_callback(NULL, NULL, NULL), bad);
    assert_int_equal(gazette_update_add_include(NULL, "*.txt"), bad);
    assert_int_equal(gazette_update_run(NULL, "x", NULL, 0), bad);

    const char *db = path_in("facets");
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    gazette_article_t *a = article("desk/ostend", "Harbour reopens",
                                   "The harbour reopened after repairs "
                                   "ordered by Mayor Bart Tommelein.");
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_AUTHOR,
                                         "Ann Peeters"), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_add_tag(a, "Belgium"), GAZETTE_STATUS_OK);
    put(w, a);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    gazette_index_t *index = NULL;
    gazette_search_options_t *o = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&o), GAZETTE_STATUS_OK);
    static const gazette_facet_t facets[] = {
        GAZETTE_FACET_TAG, GAZETTE_FACET_AUTHOR, GAZETTE_FACET_ENTITY};
    static const char *const want[] = {"belgium", "ann peeters",
                                       "Bart Tommelein"};
    for (size_t f = 0; f < 3; f++)
        assert_int_equal(gazette_search_options_add_facet(o, facets[f]),
                         GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, "harbour", o, &r),
                     GAZETTE_STATUS_OK);
    for (size_t f = 0; f < 3; f++) {
        int found = 0;
        for (size_t i = 0; i < gazette_results_facet_count(r, facets[f]);
             i++) {
            const char *value = NULL;
            assert_int_equal(gazette_results_facet_value(r, facets[f], i,
                                                         &value, NULL),
                             GAZETTE_STATUS_OK);
            found |= strcmp(value, want[f]) == 0;
        }
        if (!found)
            fail_msg("facet %s has no value \"%s\"",
                     gazette_facet_name(facets[f]), want[f]);
    }
    gazette_results_free(r);
    gazette_search_options_free(o);
    gazette_index_close(index);
}

typedef struct events {
    int added, skipped, progress;
} events;

static void count_event(const gazette_update_t *u, gazette_event_t event,
                        const char *path, const char *message, void *ctx)
{
    events *e = ctx;
    (void)u;
    (void)message;
    assert_non_null(path);
    e->added += event == GAZETTE_EVENT_ADDED;
    e->skipped += event == GAZETTE_EVENT_SKIPPED;
    e->progress += event == GAZETTE_EVENT_PROGRESS;
}

/* The update run of gazette-index, in-process, with its events. */
static void test_update_run(void **state)
{
    (void)state;
    char corpus[4096], db[4096];
    snprintf(corpus, sizeof corpus, "%s", path_in("corpus"));
    snprintf(db, sizeof db, "%s", path_in("updated"));
    tu_write_file(corpus, "world/one.txt", "One\n\nThe first story.\n", 22);
    tu_write_file(corpus, "world/two.txt", "Two\n\nThe second story.\n", 23);
    tu_write_file(corpus, "world/bad.txt", "\0\0\0binary", 9);
    gazette_update_t *u = NULL;
    events e = {0, 0, 0};
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_callback(u, count_event, &e),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_language(u, "no-such-language"),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_run(u, db, roots, 1),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_SCANNED), 3);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_ADDED), 2);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_SKIPPED), 1);
    assert_int_equal(e.added, 2);
    assert_int_equal(e.skipped, 1);
    assert_int_equal(e.progress, 3);
    /* a rerun changes nothing */
    e = (events){0, 0, 0};
    assert_int_equal(gazette_update_run(u, db, roots, 1),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_UNCHANGED), 2);
    assert_int_equal(e.added, 0);

    const char *missing[] = {path_in("no-such-corpus")};
    assert_int_equal(gazette_update_run(u, db, missing, 1),
                     GAZETTE_STATUS_INPUT_NOT_FOUND);
    assert_non_null(strstr(gazette_update_error(u), "no-such-corpus"));

    tu_write_file(tmp, "synonyms.txt", "truce = \n", 9);
    assert_int_equal(gazette_update_set_synonyms_file(u,
                                                      path_in("synonyms.txt")),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, db, roots, 1),
                     GAZETTE_STATUS_BAD_INPUT);
    assert_int_equal(gazette_update_set_synonyms_file(u, path_in("none.txt")),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, db, roots, 1),
                     GAZETTE_STATUS_INPUT_NOT_FOUND);
    gazette_update_free(u);
}

/* The warnings of an update run, joined by "; ". */
static void keep_warnings(const gazette_update_t *u, gazette_event_t event,
                          const char *path, const char *message, void *ctx)
{
    (void)u;
    (void)path;
    char *all = ctx;
    if (event == GAZETTE_EVENT_WARNING)
        snprintf(all + strlen(all), 4096 - strlen(all), "%s; ", message);
}

/* A new update of one job, gazette_update_set_full `full`. */
static gazette_update_t *update_of(int full)
{
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_jobs(u, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_full(u, full), GAZETTE_STATUS_OK);
    return u;
}

/* An index of another format, opened to write or to read: the remedy
 * named by its setter, not gazette-index's --full (gazette-query says
 * that: test_newsroom). */
static void test_old_format_in_api_words(void **state)
{
    (void)state;
    const char *db = path_in("oldformat");
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put(w, article("desk/a", "Talks", "The talks went on."));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    assert_int_equal(tu_run("xapian-metadata set '%s' gazette.format 1", db),
                     0);
    w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w),
                     GAZETTE_STATUS_INDEX_VERSION);
    expect_api_words(gazette_last_open_error(),
                     "(rebuild it with gazette_update_set_full)");
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index),
                     GAZETTE_STATUS_INDEX_VERSION);
    expect_api_words(gazette_last_open_error(),
                     "(rebuild it with gazette_update_set_full)");
}

/* What an update run refuses or warns of, in the API's words: a rebuild
 * of what is no index (gazette-index says "refusing --full": test_full),
 * a leftover in the way, a stub line it cannot write, a warning about an
 * index of whole CJK runs (gazette-index says "until gazette-index
 * --full rebuilds the index": test_query test_cjk_old_index). */
static void test_update_messages_in_api_words(void **state)
{
    (void)state;
    char corpus[4096], db[4096], path[4200];
    snprintf(corpus, sizeof corpus, "%s", path_in("words/corpus"));
    snprintf(db, sizeof db, "%s", path_in("words/db"));
    tu_write_file(corpus, "a.txt", "Talks\n\nThe talks went on.\n", 26);
    const char *roots[] = {corpus};

    /* a rebuild that would delete the corpus */
    gazette_update_t *u = update_of(1);
    assert_int_not_equal(gazette_update_run(u, corpus, roots, 1),
                         GAZETTE_STATUS_OK);
    expect_api_words(gazette_update_error(u),
                     "refusing gazette_update_set_full: corpus ");
    expect_api_words(gazette_update_error(u), "give another index path");
    /* or a directory of other files, a file, a link */
    tu_write_file(path_in("words"), "docs/thesis.txt", "mine\n", 5);
    assert_int_not_equal(gazette_update_run(u, path_in("words/docs"), roots,
                                            1),
                         GAZETTE_STATUS_OK);
    expect_api_words(gazette_update_error(u),
                     "refusing gazette_update_set_full: ");
    expect_api_words(gazette_update_error(u), "holds files that are not");
    assert_int_not_equal(gazette_update_run(u, path_in("words/docs/thesis.txt"),
                                            roots, 1),
                         GAZETTE_STATUS_OK);
    expect_api_words(gazette_update_error(u), "is not a Xapian index");
    expect_api_words(gazette_update_error(u),
                     "refusing gazette_update_set_full: ");
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    snprintf(path, sizeof path, "%s", path_in("words/link"));
    assert_int_equal(symlink(db, path), 0);
    assert_int_not_equal(gazette_update_run(u, path, roots, 1),
                         GAZETTE_STATUS_OK);
    expect_api_words(gazette_update_error(u), "is a symbolic link");
    expect_api_words(gazette_update_error(u),
                     "refusing gazette_update_set_full: ");
    /* what no killed run of the library left, where a rebuild switches */
    snprintf(path, sizeof path, "%s.stub-tmp", db);
    tu_write_file(path, "mine.txt", "mine\n", 5);
    assert_int_not_equal(gazette_update_run(u, db, roots, 1),
                         GAZETTE_STATUS_OK);
    expect_api_words(gazette_update_error(u),
                     "is not a leftover of this library: move it away");
    tu_rmtree(path);
    gazette_update_free(u);

    /* or where a new index of shards is made */
    u = update_of(0);
    assert_int_equal(gazette_update_set_jobs(u, 2), GAZETTE_STATUS_OK);
    tu_write_file(path_in("words"), "new.gazette-new/mine.txt", "mine\n", 5);
    assert_int_not_equal(gazette_update_run(u, path_in("words/new"), roots,
                                            1),
                         GAZETTE_STATUS_OK);
    expect_api_words(gazette_update_error(u),
                     "is not a leftover of this library: move it away");
    gazette_update_free(u);

    /* a stub naming no database the library can write */
    tu_write_file(path_in("words"), "remote.stub", "remote 127.0.0.1:1\n",
                  19);
    u = update_of(0);
    assert_int_not_equal(gazette_update_run(u, path_in("words/remote.stub"),
                                            roots, 1),
                         GAZETTE_STATUS_OK);
    expect_api_words(gazette_update_error(u),
                     "is not a local database this library can write");
    assert_int_equal(gazette_update_started(u), 0);   /* nothing to report */
    gazette_update_free(u);

    /* CJK text into an index of whole runs (written before n-grams) */
    char warnings[4096] = "";
    snprintf(path, sizeof path, "%s", path_in("words/whole"));
    u = update_of(0);
    assert_int_equal(gazette_update_run(u, path, roots, 1), GAZETTE_STATUS_OK);
    gazette_update_free(u);
    assert_int_equal(tu_run("xapian-metadata set '%s' gazette.cjk_ngrams ''",
                            path), 0);
    static const char zh[] = "北京\n\n北京今天天气晴朗。\n";
    tu_write_file(corpus, "b.txt", zh, sizeof zh - 1);
    u = update_of(0);
    assert_int_equal(gazette_update_set_callback(u, keep_warnings, warnings),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, path, roots, 1),
                     GAZETTE_STATUS_OK);
    expect_api_words(warnings, "until a run with gazette_update_set_full "
                               "rebuilds the index");
    gazette_update_free(u);
}

/* An update of `db` from the corpus `corpus`, with the synonyms file
 * `synonyms` (NULL: none) and then as a dry run, run as user nobody
 * (tu_as_unprivileged): its status, 0xfe when the message lacks `has` or
 * holds `lacks` (checked here, in the child), 0xff when no update could
 * be made. */
typedef struct unprivileged_run {
    const char *db, *corpus, *synonyms, *has, *lacks;
} unprivileged_run;

static int update_unprivileged(void *ctx)
{
    const unprivileged_run *r = ctx;
    gazette_update_t *u = NULL;
    if (gazette_update_new(&u) != GAZETTE_STATUS_OK ||
        gazette_update_set_jobs(u, 1) != GAZETTE_STATUS_OK)
        return 0xff;
    if (r->synonyms) {
        gazette_update_set_dry_run(u, 1);
        gazette_update_set_synonyms_file(u, r->synonyms);
    }
    const char *roots[] = {r->corpus};
    gazette_status_t s = gazette_update_run(u, r->db, roots, 1);
    const char *msg = gazette_update_error(u);
    if (!strstr(msg, r->has) || (r->lacks && strstr(msg, r->lacks)))
        s = 0xfe;
    gazette_update_free(u);
    return (int)s;
}

/* A synonyms or entity aliases file that exists but cannot be read (a
 * directory, no permission) is an I/O error naming it, not a malformed
 * file (BAD_INPUT, which gazette-index calls a usage error); nothing is
 * written. */
static void test_unreadable_rules_files_are_io_errors(void **state)
{
    (void)state;
    char corpus[4096], db[4096], dir[4096], locked[4096];
    snprintf(corpus, sizeof corpus, "%s", path_in("unreadable/corpus"));
    snprintf(db, sizeof db, "%s", path_in("unreadable/db"));
    snprintf(dir, sizeof dir, "%s", path_in("unreadable/rules.d"));
    snprintf(locked, sizeof locked, "%s", path_in("unreadable/rules.txt"));
    tu_write_file(corpus, "one.txt", "One\n\nThe first story.\n", 22);
    assert_int_equal(mkdir(dir, 0755), 0);
    tu_write_file(path_in("unreadable"), "rules.txt", "truce = ceasefire\n",
                  18);
    const char *roots[] = {corpus};
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_synonyms_file(u, dir),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, db, roots, 1),
                     GAZETTE_STATUS_IO_ERROR);
    assert_non_null(strstr(gazette_update_error(u), "rules.d"));
    assert_non_null(strstr(gazette_update_error(u), "Is a directory"));
    assert_int_equal(gazette_update_set_synonyms_file(u, NULL),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_entity_aliases_file(u, dir),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, db, roots, 1),
                     GAZETTE_STATUS_IO_ERROR);
    assert_non_null(strstr(gazette_update_error(u), "entity aliases file"));
    gazette_update_free(u);
    assert_int_equal(access(db, F_OK), -1);   /* nothing was written */

    assert_int_equal(chmod(locked, 0), 0);
    unprivileged_run r = {db, corpus, locked, "Permission denied", NULL};
    assert_int_equal(tu_as_unprivileged(tmp, update_unprivileged, &r),
                     GAZETTE_STATUS_IO_ERROR);
}

/* The first file added uses up every descriptor of the process. */
static void exhaust_after_first(const gazette_update_t *u,
                                gazette_event_t event, const char *path,
                                const char *message, void *ctx)
{
    events *e = ctx;
    count_event(u, event, path, message, ctx);
    if (event == GAZETTE_EVENT_ADDED && e->added == 1)
        assert_true(tu_exhaust_fds() > 0);
}

/* The SKIPPED events of an update run: the last one's path and message,
 * and how many. */
typedef struct last_skip {
    char path[1024], message[4096];
    int count;
} last_skip;

static void keep_last_skip(const gazette_update_t *u, gazette_event_t event,
                           const char *path, const char *message, void *ctx)
{
    (void)u;
    last_skip *k = ctx;
    if (event != GAZETTE_EVENT_SKIPPED)
        return;
    snprintf(k->path, sizeof k->path, "%s", path);
    snprintf(k->message, sizeof k->message, "%s", message);
    k->count++;
}

/* Fail unless `text` is one line: no control character at all. */
static void expect_no_control(const char *text)
{
    for (const char *c = text; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7F)
            fail_msg("control character 0x%02X in \"%s\"",
                     (unsigned)(unsigned char)*c, text);
}

/* An event's message is one line, as every message of the library is:
 * a file name it quotes is escaped as gazette_escape escapes it (as
 * gazette-index prints it), while the event's path stays the file's own.
 * Two corpus directories holding one name with a newline (and one with a
 * backslash) give a SKIPPED event naming the other file; its message
 * held the raw newline before, two lines. */
static void test_event_messages_one_line(void **state)
{
    (void)state;
    static const char *const names[] = {"x\ny.txt", "p\\q.txt"};
    static const char *const shown[] = {"x\\ny.txt", "p\\\\q.txt"};
    char a[4096], b[4096], db[4096], want[8192];
    snprintf(a, sizeof a, "%s", path_in("events/a"));
    snprintf(b, sizeof b, "%s", path_in("events/b"));
    for (size_t i = 0; i < 2; i++) {
        tu_write_file(a, names[i], "One\n\nThe first story.\n", 22);
        tu_write_file(b, names[i], "Two\n\nThe second story.\n", 23);
        snprintf(db, sizeof db, "%s/events/db%zu", tmp, i);
        last_skip k = {0};
        gazette_update_t *u = update_of(0);
        assert_int_equal(gazette_update_set_callback(u, keep_last_skip, &k),
                         GAZETTE_STATUS_OK);
        const char *roots[] = {a, b};
        assert_int_equal(gazette_update_run(u, db, roots, 2),
                         GAZETTE_STATUS_OK);
        gazette_update_free(u);
        assert_int_equal(k.count, 1);
        snprintf(want, sizeof want, "%s/%s", b, names[i]);
        assert_string_equal(k.path, want);   /* the file's own path */
        expect_no_control(k.message);
        snprintf(want, sizeof want, "the same id as %s/%s, given first", a,
                 shown[i]);
        if (!strstr(k.message, want))
            fail_msg("wanted \"%s\" in \"%s\"", want, k.message);
        tu_run("rm -f '%s/%s' '%s/%s'", a, names[i], b, names[i]);
    }
}

/* gazette_escape: what gazette.h lists escaped, the rest copied, and a
 * text cut to its buffer whole escapes and characters only, its length
 * told. */
static void test_escape(void **state)
{
    (void)state;
    static const struct {
        const char *text, *escaped;
    } cases[] = {
        {"plain", "plain"},
        {"a\nb\tc\rd", "a\\nb\\tc\\rd"},
        {"back\\slash", "back\\\\slash"},
        {"esc\033[2J del\177", "esc\\x1B[2J del\\x7F"},
        {"c1 \xC2\x9B", "c1 \\xC2\\x9B"},
        {"rlo \xE2\x80\xAE ls \xE2\x80\xA8", "rlo \\xE2\\x80\\xAE ls \\xE2\\x80\\xA8"},
        {"bad \xFF\xC3", "bad \\xFF\\xC3"},
        {"Z\xC3\xBCrich \xE2\x80\x8E \xD7\x90", "Z\xC3\xBCrich \xE2\x80\x8E \xD7\x90"},
        {"", ""},
    };
    char out[256];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n = gazette_escape(cases[i].text, out, sizeof out);
        assert_string_equal(out, cases[i].escaped);
        assert_int_equal(n, strlen(cases[i].escaped));
        assert_int_equal(gazette_escape(cases[i].text, NULL, 0), n);
    }
    assert_int_equal(gazette_escape(NULL, out, sizeof out), 0);
    assert_string_equal(out, "");
    /* cut: never inside "\n" nor inside "ü" */
    assert_int_equal(gazette_escape("ab\ncd", out, 5), 6);
    assert_string_equal(out, "ab\\n");
    assert_int_equal(gazette_escape("ab\ncd", out, 4), 6);
    assert_string_equal(out, "ab");
    assert_int_equal(gazette_escape("a\xC3\xBC", out, 3), 3);
    assert_string_equal(out, "a");
    out[0] = 'x';
    assert_int_equal(gazette_escape("abc", out, 1), 3);
    assert_string_equal(out, "");
}

/* Running out of descriptors half-way is an I/O failure of the run, not
 * "done, files skipped": no file is reported skipped, the error names the
 * cause, and the index is whole (a rerun completes it). */
/* A text file of one long line (a review saved without line breaks) has
 * no headline: it is untitled text, indexed once with no title terms (no
 * author wrote its start as a title), its snippet made from it. */
static void test_one_line_article(void **state)
{
    (void)state;
    char corpus[4096], db[4096], line[2048];
    snprintf(corpus, sizeof corpus, "%s", path_in("oneline"));
    snprintf(db, sizeof db, "%s", path_in("oneline.idx"));
    int n = snprintf(line, sizeof line, "Opening words of the review.");
    while (n < 1000)
        n += snprintf(line + n, sizeof line - (size_t)n, " filler text");
    n += snprintf(line + n, sizeof line - (size_t)n,
                  " Closing remark about zeppelins.\n");
    tu_write_file(corpus, "review.txt", line, (size_t)n);
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    gazette_update_free(u);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(hits(index, "opening"), 1);
    assert_int_equal(hits(index, "zeppelins"), 1);
    assert_int_equal(hits(index, "\"review filler text\""), 1);
    assert_int_equal(hits(index, "\"filler text closing remark\""), 1);
    assert_int_equal(hits(index, "title:opening"), 0);
    assert_int_equal(hits(index, "title:zeppelins"), 0);
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search(index, "zeppelins", NULL, &r),
                     GAZETTE_STATUS_OK);
    const gazette_hit_t *h = gazette_results_hit(r, 0);
    assert_string_equal(gazette_hit_title(h), "");
    assert_non_null(strstr(gazette_hit_snippet(h), "zeppelins"));
    gazette_results_free(r);
    gazette_index_close(index);
}

/* The "did you mean" suggestion for `typed` in the index at `db`. */
static void expect_suggestion(const char *db, const char *typed,
                              const char *expected)
{
    gazette_index_t *index = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, typed, NULL, &r),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_results_suggestion(r), expected);
    gazette_results_free(r);
    gazette_index_close(index);
}

/* Articles in the index at `db`. */
static uint64_t article_count(const char *db)
{
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    uint64_t n = 0;
    assert_int_equal(gazette_index_article_count(index, &n),
                     GAZETTE_STATUS_OK);
    gazette_index_close(index);
    return n;
}

/* One update run of `corpus` into `db` by `jobs` workers (a new index
 * gets as many shards), removing any share of vanished files. */
static void update_with_jobs(const char *corpus, const char *db,
                             unsigned jobs)
{
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_jobs(u, jobs), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_max_remove(u, 100),
                     GAZETTE_STATUS_OK);
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    gazette_update_free(u);
}

/* One update run by one worker, into one database. */
static void update_once(const char *corpus, const char *db)
{
    update_with_jobs(corpus, db, 1);
}

/* The facet value `value` of `facet` for `query` in `db`: its count
 * (0 when absent). */
static uint64_t facet_count(gazette_index_t *index, const char *query,
                            gazette_facet_t facet, const char *value)
{
    gazette_search_options_t *o = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search_options_new(&o), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_add_facet(o, facet),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, query, o, &r), GAZETTE_STATUS_OK);
    uint64_t n = 0;
    for (size_t i = 0; i < gazette_results_facet_count(r, facet); i++) {
        const char *v = NULL;
        uint64_t c = 0;
        assert_int_equal(gazette_results_facet_value(r, facet, i, &v, &c),
                         GAZETTE_STATUS_OK);
        if (strcmp(v, value) == 0)
            n = c;
    }
    gazette_results_free(r);
    gazette_search_options_free(o);
    return n;
}

/* A file whose name is not UTF-8 gives an id that is not: the writer
 * takes such an id (any bytes but NUL, as a file's name), so that it
 * can replace the update's article of that id, and analyses it as the
 * update does (the default source is the id's first folder, bytes as
 * they are). Every other field must still be UTF-8; a query, UTF-8,
 * cannot name the id (id:), but finds the article by its other fields.
 * Over one database and over shards. */
static void test_writer_id_not_utf8(void **state)
{
    (void)state;
    static const char odd[] = "src/na\xffme.txt";
    static const unsigned jobs[] = {1, 3};
    for (size_t j = 0; j < sizeof jobs / sizeof *jobs; j++) {
        char corpus[4096], db[4096], name[64];
        snprintf(name, sizeof name, "odd%u/corpus", jobs[j]);
        snprintf(corpus, sizeof corpus, "%s", path_in(name));
        snprintf(name, sizeof name, "odd%u/db", jobs[j]);
        snprintf(db, sizeof db, "%s", path_in(name));
        tu_write_file(corpus, odd, "Old title\n\nThe old story of ferries.\n",
                      36);
        tu_write_file(corpus, "n\xffo/x.txt",
                      "Other\n\nAnother story of harbours.\n", 33);
        tu_write_file(corpus, "world/plain.txt",
                      "Plain\n\nA plain story of trains.\n", 31);
        update_with_jobs(corpus, db, jobs[j]);

        gazette_writer_t *w = NULL;
        assert_int_equal(gazette_writer_open(db, NULL, 0, &w),
                         GAZETTE_STATUS_OK);
        put(w, article(odd, "New title", "The new story of ferries."));
        put(w, article("n\xffo/y", "Yet another", "A story of canals."));
        assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);

        assert_int_equal(article_count(db), 4);
        gazette_index_t *index = NULL;
        assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
        gazette_results_t *r = NULL;
        assert_int_equal(gazette_search(index, "ferries", NULL, &r),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_results_count(r), 1);
        assert_string_equal(gazette_hit_id(gazette_results_hit(r, 0)), odd);
        assert_string_equal(gazette_hit_title(gazette_results_hit(r, 0)),
                            "New title");
        gazette_results_free(r);
        assert_int_equal(hits(index, "title:old"), 0);
        assert_int_equal(hits(index, "title:new"), 1);
        gazette_article_t *back = NULL;
        assert_int_equal(gazette_index_get_article(index, odd, &back),
                         GAZETTE_STATUS_OK);
        assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_TITLE),
                            "New title");
        assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_SOURCE),
                            "src");
        gazette_article_free(back);
        /* the source of a folder that is not UTF-8, the update's and the
         * writer's alike: one value */
        assert_int_equal(facet_count(index, "story", GAZETTE_FACET_SOURCE,
                                     "n\xffo"), 2);
        assert_int_equal(facet_count(index, "story", GAZETTE_FACET_SOURCE,
                                     "src"), 1);
        assert_int_equal(gazette_search(index, "id:\"src/na\xffme.txt\"",
                                        NULL, &r),
                         GAZETTE_STATUS_QUERY_SYNTAX);
        gazette_index_close(index);

        assert_int_equal(gazette_writer_open(db, NULL, 0, &w),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_writer_delete(w, "n\xffo/y"),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
        assert_int_equal(article_count(db), 3);
    }
    /* the other fields are UTF-8 still */
    gazette_article_t *a = NULL;
    assert_int_equal(gazette_article_new(&a), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_SOURCE, "n\xffo"),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_TITLE, "\xff"),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(gazette_article_add_tag(a, "\xff"),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_ID, "\xff\xfe"),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_ID), "\xff\xfe");
    gazette_article_free(a);
}

/* An index deleted after it was opened (its directory removed, a disk
 * unmounted): every call that reopens the index at its latest revision
 * (gazette_search, gazette_index_get_article, gazette_index_article_count)
 * is INDEX_NOT_FOUND, naming it, as gazette.h lists for each. */
static void test_index_deleted_after_open(void **state)
{
    (void)state;
    char db[4096];
    snprintf(db, sizeof db, "%s", path_in("deleted"));
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put(w, article("desk/harbour", "Harbour", "The harbour reopened."));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(hits(index, "harbour"), 1);
    tu_rmtree(db);

    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search(index, "harbour", NULL, &r),
                     GAZETTE_STATUS_INDEX_NOT_FOUND);
    assert_null(r);
    assert_non_null(strstr(gazette_index_error(index), db));
    gazette_article_t *a = NULL;
    assert_int_equal(gazette_index_get_article(index, "desk/harbour", &a),
                     GAZETTE_STATUS_INDEX_NOT_FOUND);
    assert_null(a);
    assert_non_null(strstr(gazette_index_error(index), db));
    uint64_t n = 0;
    assert_int_equal(gazette_index_article_count(index, &n),
                     GAZETTE_STATUS_INDEX_NOT_FOUND);
    assert_non_null(strstr(gazette_index_error(index), db));
    gazette_index_close(index);
    /* a sharded index too: its stub file and its databases */
    char corpus[4096];
    snprintf(corpus, sizeof corpus, "%s", path_in("deleted-corpus"));
    tu_write_file(corpus, "a.txt", "One\n\nThe harbour story.\n", 24);
    tu_write_file(corpus, "b.txt", "Two\n\nThe harbour again.\n", 24);
    update_with_jobs(corpus, db, 2);
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(hits(index, "harbour"), 2);
    tu_rmtree(db);
    assert_int_equal(gazette_search(index, "harbour", NULL, &r),
                     GAZETTE_STATUS_INDEX_NOT_FOUND);
    assert_int_equal(gazette_index_get_article(index, "a.txt", &a),
                     GAZETTE_STATUS_INDEX_NOT_FOUND);
    assert_int_equal(gazette_index_article_count(index, &n),
                     GAZETTE_STATUS_INDEX_NOT_FOUND);
    gazette_index_close(index);
}

/* An index replaced after it was opened by one of a format this library
 * cannot read (a newer Gazette's full rebuild switching the stub to its
 * generation): every call that reopens the index at its latest revision
 * (search, count, reading an article) opens it afresh and says
 * INDEX_VERSION, as gazette_index_open would, naming the remedy in the
 * API's words. */
static void test_index_replaced_by_other_format(void **state)
{
    (void)state;
    char corpus[4096], db[4096];
    snprintf(corpus, sizeof corpus, "%s", path_in("replaced/corpus"));
    snprintf(db, sizeof db, "%s", path_in("replaced/db"));
    tu_write_file(corpus, "a.txt", "One\n\nThe harbour story.\n", 24);
    update_once(corpus, db);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(hits(index, "harbour"), 1);
    gazette_update_t *u = update_of(1);
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    gazette_update_free(u);
    assert_int_equal(tu_run("xapian-metadata set '%s' gazette.format 99",
                            db), 0);

    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search(index, "harbour", NULL, &r),
                     GAZETTE_STATUS_INDEX_VERSION);
    assert_null(r);
    expect_api_words(gazette_index_error(index), "format 99");
    uint64_t n = 0;
    assert_int_equal(gazette_index_article_count(index, &n),
                     GAZETTE_STATUS_INDEX_VERSION);
    expect_api_words(gazette_index_error(index),
                     "(rebuild it with gazette_update_set_full)");
    gazette_article_t *a = NULL;
    assert_int_equal(gazette_index_get_article(index, "a.txt", &a),
                     GAZETTE_STATUS_INDEX_VERSION);
    assert_null(a);
    gazette_index_close(index);
}

/* An index path with a trailing slash ("news.idx/", as a shell completes
 * a directory) names the same index: a new index of two shards, one after
 * --full (a stub file, which Xapian will not read as "stub/"), through the
 * writer and for searching. Each failed before (74, 66). */
static void test_index_path_with_trailing_slash(void **state)
{
    (void)state;
    char corpus[4096], db[4200];
    snprintf(corpus, sizeof corpus, "%s", path_in("slash-corpus"));
    snprintf(db, sizeof db, "%s//", path_in("slash.idx"));
    tu_write_file(corpus, "world/a.txt", "Title: Gaza\n\nAid reached Gaza.\n",
                  31);
    update_with_jobs(corpus, db, 2);
    update_with_jobs(corpus, db, 2);
    /* "idx/." too: its lock was "idx/..lock", inside the index (then
     * --full refused a directory holding a file not Xapian's) */
    char dot[4300];
    snprintf(dot, sizeof dot, "%s/.", path_in("slash.idx"));
    update_with_jobs(corpus, dot, 2);
    char inside[4300];
    struct stat sb;
    snprintf(inside, sizeof inside, "%s/..lock", path_in("slash.idx"));
    assert_int_not_equal(stat(inside, &sb), 0);
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_full(u, 1), GAZETTE_STATUS_OK);
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    gazette_update_free(u);
    update_with_jobs(corpus, db, 2);
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put(w, article("extra", "Gaza extra", "More aid for Gaza."));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(hits(index, "gaza"), 2);
    gazette_index_close(index);
    /* a server's address is no path: "tcp://" keeps its slashes, and
     * is refused for what it is */
    assert_int_not_equal(gazette_index_open("tcp://", &index),
                         GAZETTE_STATUS_OK);
    assert_non_null(strstr(gazette_last_open_error(), "tcp://HOST:PORT"));
}

/* Write a.txt and b.txt (texts `a`, `b`) into NAME/corpus and index them
 * once into NAME/db; both paths are returned (4096 bytes each). */
static void index_two(const char *name, const char *a, const char *b,
                      char corpus[4096], char db[4096])
{
    char sub[256];
    snprintf(sub, sizeof sub, "%s/corpus", name);
    snprintf(corpus, 4096, "%s", path_in(sub));
    snprintf(sub, sizeof sub, "%s/db", name);
    snprintf(db, 4096, "%s", path_in(sub));
    tu_write_file(corpus, "a.txt", a, strlen(a));
    tu_write_file(corpus, "b.txt", b, strlen(b));
    update_once(corpus, db);
}

/* A full rebuild keeps the articles written through the writer API: no
 * file holds them, so no reading of the corpus gives them again. They are
 * analysed again from their stored fields (searchable by every field,
 * read back the same), except one whose id a corpus file has: the file's
 * article wins, as an update writes it over. Before, --full dropped them
 * silently (REMOVED 0, status OK). */
static void test_full_keeps_writer_articles(void **state)
{
    (void)state;
    char corpus[4096], db[4096];
    index_two("keep", "Monday\n\nThe quarry closed.\n",
              "Tuesday\n\nThe mill reopened.\n", corpus, db);
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    gazette_article_t *a = article("desk/ostend", "Harbour reopens at Ostend",
                                   "The harbour reopened after repairs.");
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_DATE, "2 March 2024"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_AUTHOR, "Ann Peeters"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_URL,
                                         "https://example.org/ostend"),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_add_tag(a, "shipping"), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_add_tag(a, "ports, harbours"),
                     GAZETTE_STATUS_OK);
    put(w, a);
    put(w, article("a.txt", "Overwritten", "Zeppelins over the quarry."));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);

    for (unsigned jobs = 1; jobs <= 2; jobs++) {
        gazette_update_t *u = NULL;
        assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_set_full(u, 1), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_set_jobs(u, jobs), GAZETTE_STATUS_OK);
        const char *roots[] = {corpus};
        assert_int_equal(gazette_update_run(u, db, roots, 1),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_REMOVED), 0);
        gazette_update_free(u);

        gazette_index_t *index = NULL;
        assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
        uint64_t count = 0;
        assert_int_equal(gazette_index_article_count(index, &count),
                         GAZETTE_STATUS_OK);
        assert_int_equal(count, 3);
        assert_int_equal(hits(index, "harbour"), 1);
        assert_int_equal(hits(index, "title:ostend"), 1);
        assert_int_equal(hits(index, "author:peeters"), 1);
        assert_int_equal(hits(index, "tag:shipping"), 1);
        assert_int_equal(hits(index, "tag:\"ports, harbours\""), 1);
        assert_int_equal(hits(index, "date:2024-03-02"), 1);
        assert_int_equal(hits(index, "zeppelins"), 0);
        gazette_article_t *back = NULL;
        assert_int_equal(gazette_index_get_article(index, "desk/ostend", &back),
                         GAZETTE_STATUS_OK);
        assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_BODY),
                            "The harbour reopened after repairs.");
        assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_URL),
                            "https://example.org/ostend");
        gazette_article_free(back);
        assert_int_equal(gazette_index_get_article(index, "a.txt", &back),
                         GAZETTE_STATUS_OK);
        assert_string_equal(gazette_article_get(back, GAZETTE_FIELD_TITLE),
                            "Monday");
        gazette_article_free(back);
        gazette_index_close(index);
    }
}

/* The title of article `id` in `index` ("" when it is not there). */
static const char *title_of(gazette_index_t *index, const char *id,
                            char *buf, size_t size)
{
    gazette_article_t *a = NULL;
    buf[0] = '\0';
    if (gazette_index_get_article(index, id, &a) == GAZETTE_STATUS_OK)
        snprintf(buf, size, "%s", gazette_article_get(a, GAZETTE_FIELD_TITLE));
    gazette_article_free(a);
    return buf;
}

/* An update of `corpus` into `db` by `jobs` workers (`full`: a --full
 * run): OK expected; the count `count` it gives. */
static uint64_t update_counting(const char *corpus, const char *db,
                                unsigned jobs, int full, gazette_count_t count)
{
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_jobs(u, jobs), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_full(u, full), GAZETTE_STATUS_OK);
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    uint64_t n = gazette_update_count(u, count);
    gazette_update_free(u);
    return n;
}

/* Articles of corpus files that a writer replaced or deleted are given
 * back by the next update, the file's copy winning as it does in a full
 * rebuild (gazette.h, gazette_writer_put): for a JSON Lines line as for a
 * .txt file. The writer's own article (no file gives its id) stays, and
 * the update after that opens no file. Before, the lines of an unchanged
 * JSON Lines file kept the writer's copy (or stayed deleted) until the
 * file changed. */
static void test_update_restores_what_a_writer_changed(void **state)
{
    (void)state;
    const char *txt = "Monday\n\nThe quarry closed.\n";
    const char *feed =
        "{\"id\": \"1\", \"title\": \"Ferry\", \"body\": \"The ferry sailed.\"}\n"
        "{\"id\": \"2\", \"title\": \"Dam\", \"body\": \"The dam held.\"}\n"
        "{\"id\": \"3\", \"title\": \"Mill\", \"body\": \"The mill reopened.\"}\n";
    for (int run = 0; run < 4; run++) {
        unsigned jobs = 1 + (unsigned)(run & 1);
        int full = run >= 2;
        char name[64], corpus[4096], db[4096];
        snprintf(name, sizeof name, "restore%d/corpus", run);
        snprintf(corpus, sizeof corpus, "%s", path_in(name));
        snprintf(name, sizeof name, "restore%d/db", run);
        snprintf(db, sizeof db, "%s", path_in(name));
        tu_write_file(corpus, "w/a.txt", txt, strlen(txt));
        tu_write_file(corpus, "w/feed.jsonl", feed, strlen(feed));
        update_with_jobs(corpus, db, jobs);

        gazette_writer_t *w = NULL;
        assert_int_equal(gazette_writer_open(db, NULL, 0, &w),
                         GAZETTE_STATUS_OK);
        put(w, article("w/a.txt", "Overwritten", "Zeppelins over the quarry."));
        put(w, article("w/feed.jsonl#1", "Overwritten", "Zeppelins at sea."));
        put(w, article("desk/ostend", "Harbour", "Zeppelins over Ostend."));
        assert_int_equal(gazette_writer_delete(w, "w/feed.jsonl#3"),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);

        update_counting(corpus, db, jobs, full, GAZETTE_COUNT_UNCHANGED);
        gazette_index_t *index = NULL;
        assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
        char title[256];
        assert_string_equal(title_of(index, "w/a.txt", title, sizeof title),
                            "Monday");
        assert_string_equal(title_of(index, "w/feed.jsonl#1", title,
                                     sizeof title), "Ferry");
        assert_string_equal(title_of(index, "w/feed.jsonl#2", title,
                                     sizeof title), "Dam");
        assert_string_equal(title_of(index, "w/feed.jsonl#3", title,
                                     sizeof title), "Mill");
        uint64_t count = 0;
        assert_int_equal(gazette_index_article_count(index, &count),
                         GAZETTE_STATUS_OK);
        assert_int_equal(count, 5);
        assert_int_equal(hits(index, "zeppelins"), 1);
        assert_int_equal(hits(index, "title:harbour"), 1);
        gazette_index_close(index);
        /* restored once: the next run finds both files unchanged */
        assert_int_equal(update_counting(corpus, db, jobs, 0,
                                         GAZETTE_COUNT_UNCHANGED), 2);
    }
}

/* What a --full run says: its status, message and counts. */
typedef struct full_report {
    gazette_status_t status;
    char error[1024];
    uint64_t counts[GAZETTE_COUNT_IGNORED + 1];
} full_report;

/* A --full run (`dry`: a dry run) over `corpus` into `db` by `jobs`
 * workers, with the default removal limit; its report. */
static full_report full_run(const char *corpus, const char *db, int dry,
                            unsigned jobs)
{
    full_report r;
    memset(&r, 0, sizeof r);
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_full(u, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_dry_run(u, dry), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_jobs(u, jobs), GAZETTE_STATUS_OK);
    const char *roots[] = {corpus};
    r.status = gazette_update_run(u, db, roots, 1);
    snprintf(r.error, sizeof r.error, "%s", gazette_update_error(u));
    for (int c = 0; c <= GAZETTE_COUNT_IGNORED; c++)
        r.counts[c] = gazette_update_count(u, (gazette_count_t)c);
    gazette_update_free(u);
    return r;
}

/* A --full dry run, then the real run: both say the same. */
static void expect_full_dry_like_real(const char *corpus, const char *db,
                                      unsigned jobs, gazette_status_t want)
{
    full_report dry = full_run(corpus, db, 1, jobs);
    full_report real = full_run(corpus, db, 0, jobs);
    assert_int_equal(real.status, want);
    assert_int_equal(dry.status, real.status);
    assert_string_equal(dry.error, real.error);
    for (int c = 0; c <= GAZETTE_COUNT_IGNORED; c++)
        assert_int_equal(dry.counts[c], real.counts[c]);
}

/* A --full dry run counts the writer's articles as the real run carries
 * them: not those whose id a corpus file now gives (the file's article
 * replaces them), so the removal guards decide as in the real run, by
 * the same counts. Here the writer wrote over the articles of a.txt and
 * b.txt and added one of its own, then c.txt and d.txt went: the rebuild
 * holds 3 articles, the index 5, refused. Before, the dry run counted 5
 * (the two written over as well as the files' own) and said OK. */
static void test_full_dry_run_counts_as_the_real_run(void **state)
{
    (void)state;
    char corpus[4096], db[4096];
    index_two("dryfull", "Monday\n\nThe quarry closed.\n",
              "Tuesday\n\nThe mill reopened.\n", corpus, db);
    const char *c = "Wednesday\n\nThe dam held.\n";
    const char *d = "Thursday\n\nThe ferry sailed.\n";
    tu_write_file(corpus, "c.txt", c, strlen(c));
    tu_write_file(corpus, "d.txt", d, strlen(d));
    update_once(corpus, db);
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put(w, article("a.txt", "Overwritten", "Zeppelins over the quarry."));
    put(w, article("b.txt", "Overwritten", "Zeppelins over the mill."));
    put(w, article("desk/ostend", "Harbour reopens at Ostend",
                   "The harbour reopened after repairs."));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    char path[4200];
    snprintf(path, sizeof path, "%s/c.txt", corpus);
    assert_int_equal(unlink(path), 0);
    snprintf(path, sizeof path, "%s/d.txt", corpus);
    assert_int_equal(unlink(path), 0);

    for (unsigned jobs = 1; jobs <= 2; jobs++)
        expect_full_dry_like_real(corpus, db, jobs,
                                  GAZETTE_STATUS_REMOVAL_REFUSED);
    full_report real = full_run(corpus, db, 0, 1);
    assert_non_null(strstr(real.error, "the rebuild holds 3 articles, the "
                                       "index 5 (40% fewer)"));
    /* c.txt and d.txt back: nothing lost, the same counts */
    tu_write_file(corpus, "c.txt", c, strlen(c));
    tu_write_file(corpus, "d.txt", d, strlen(d));
    expect_full_dry_like_real(corpus, db, 2, GAZETTE_STATUS_OK);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    uint64_t count = 0;
    assert_int_equal(gazette_index_article_count(index, &count),
                     GAZETTE_STATUS_OK);
    assert_int_equal(count, 5);
    assert_int_equal(hits(index, "zeppelins"), 0);
    gazette_index_close(index);
}

/* Run `--full` over `corpus` into `db` by `jobs` workers: OK expected. */
static void full_with_jobs(const char *corpus, const char *db, unsigned jobs)
{
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_full(u, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_jobs(u, jobs), GAZETTE_STATUS_OK);
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    gazette_update_free(u);
}

/* A --full run over a sharded index one of whose shards is gone (the run
 * meant to repair it) keeps the writer's articles the other shard holds:
 * the live index is read from the parts that open. Before, it did not
 * open at all and every writer article was dropped. A writer article
 * with a date that did not parse (stored as written by a writer from
 * before gazette_writer_put refused one) keeps it as written, and its
 * path's date. */
static void test_full_keeps_writer_articles_of_live_shards(void **state)
{
    (void)state;
    char corpus[4096], db[4096];
    snprintf(corpus, sizeof corpus, "%s", path_in("keep2/corpus"));
    snprintf(db, sizeof db, "%s", path_in("keep2/db"));
    const char *quarry = "Monday\n\nThe quarry closed.\n";
    tu_write_file(corpus, "a.txt", quarry, strlen(quarry));
    update_with_jobs(corpus, db, 2);
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    for (int i = 0; i < 6; i++) {
        char id[32];
        char body[64];
        snprintf(id, sizeof id, "desk/2023/11/0%d/note", i + 1);
        snprintf(body, sizeof body, "Zeppelins were seen %d times.", i + 2);
        gazette_article_t *a = article(id, "Note", body);
        assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_AUTHOR,
                                             "Ann Peeters"),
                         GAZETTE_STATUS_OK);
        put(w, a);
    }
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    /* as a writer before gazette_writer_put refused a date it could not
     * read stored it */
    prepend_data_line(db, "Zzeppelin", "date_text=Spring");
    /* and a list of empty names (another writer's): the byline is the
     * name, in the author facet too */
    prepend_data_line(db, "Zzeppelin",
                      "authors=" GZ_LIST_SEP_STR GZ_LIST_SEP_STR);
    char shard[4200], away[4200];
    snprintf(shard, sizeof shard, "%s/shard1", db);
    snprintf(away, sizeof away, "%s/shard1.away", path_in("keep2"));
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(shard, &index), GAZETTE_STATUS_OK);
    size_t in_shard1 = hits(index, "zeppelins");
    gazette_index_close(index);
    assert_true(in_shard1 > 0 && in_shard1 < 6);
    assert_int_equal(rename(shard, away), 0);

    full_with_jobs(corpus, db, 1);
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(hits(index, "zeppelins"), 6 - in_shard1);
    assert_int_equal(hits(index, "quarry"), 1);
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search(index, "zeppelins", NULL, &r),
                     GAZETTE_STATUS_OK);
    assert_int_equal(strncmp(gazette_hit_date(gazette_results_hit(r, 0)),
                             "2023-11-0", 9), 0);
    gazette_results_free(r);
    gazette_index_close(index);
    /* the date as written is still stored beside the path's */
    xap_database *xdb = NULL;
    xap_document *doc = NULL;
    xap_docid first = 0;
    const char *data = NULL;
    size_t len = 0;
    assert_int_equal(xap_database_open(db, &xdb), XAP_OK);
    assert_int_equal(xap_database_first_posting(xdb, "Zzeppelin", &first),
                     XAP_OK);
    assert_int_equal(xap_database_get_document(xdb, first, &doc), XAP_OK);
    assert_int_equal(xap_document_get_data(doc, &data, &len), XAP_OK);
    char *text = strndup(data, len);
    assert_non_null(strstr(text, "=Spring\n"));
    free(text);
    uint32_t by_ann = 0;
    assert_int_equal(xap_database_termfreq(xdb, GZ_PREFIX_AUTHOR_NAME
                                           "ann peeters", &by_ann),
                     XAP_OK);
    assert_int_equal(by_ann, 6 - in_shard1);
    xap_document_free(doc);
    xap_database_free(xdb);
}

/* A word seen once in all the text indexed (mostly a typo or a stray
 * token) is no spelling suggestion; once a second article has it, it is.
 * The same through an update run and through the writer. */
static void test_spelling_needs_a_word_twice(void **state)
{
    (void)state;
    char corpus[4096], db[4096];
    index_two("spell", "Monday\n\nA zeppelin flew over the quarry.\n",
              "Tuesday\n\nThe quarry closed.\n", corpus, db);
    expect_suggestion(db, "quary", "quarry");
    expect_suggestion(db, "zepelin", "");
    tu_write_file(corpus, "c.txt", "Wednesday\n\nThe zeppelin landed.\n",
                  32);
    update_once(corpus, db);
    expect_suggestion(db, "zepelin", "zeppelin");

    const char *wdb = path_in("spell/written");
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(wdb, "english", 0, &w),
                     GAZETTE_STATUS_OK);
    gazette_article_t *a = article("one", "Monday", "A zeppelin flew.");
    assert_int_equal(gazette_writer_put(w, a), GAZETTE_STATUS_OK);
    gazette_article_free(a);
    assert_int_equal(gazette_writer_commit(w), GAZETTE_STATUS_OK);
    expect_suggestion(wdb, "zepelin", "");
    a = article("two", "Tuesday", "The zeppelin landed.");
    assert_int_equal(gazette_writer_put(w, a), GAZETTE_STATUS_OK);
    gazette_article_free(a);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    expect_suggestion(wdb, "zepelin", "zeppelin");
}

/* Words with a digit (numbers, codes, ids) are no spelling words: a
 * word typed without the digit is not "corrected" to them. */
static void test_spelling_leaves_out_codes(void **state)
{
    (void)state;
    char corpus[4096], db[4096];
    index_two("spellc", "Monday\n\nThe sun4c station and the zeppelin.\n",
              "Tuesday\n\nA sun4c station, a zeppelin.\n", corpus, db);
    expect_suggestion(db, "zepelin", "zeppelin");
    expect_suggestion(db, "sunc", "");
}

/* Name `out` ("<stem><n>.txt") for the first n whose file goes to shard
 * `shard` of 2. */
static void name_in_shard(const char *stem, size_t shard, char *out,
                          size_t size)
{
    for (int n = 0;; n++) {
        snprintf(out, size, "%s%d.txt", stem, n);
        if (gz_shard_of(out, 2) == shard)
            return;
    }
}

/* A word of two articles that land in different shards is a spelling
 * word at -j 2 as at -j 1: each shard writer sees it once, and the last
 * commit asks the other shards' counts, not only its own database. */
static void test_spelling_word_twice_across_shards(void **state)
{
    (void)state;
    char corpus[4096], first[64], second[64];
    snprintf(corpus, sizeof corpus, "%s", path_in("spellj/corpus"));
    name_in_shard("a", 0, first, sizeof first);
    name_in_shard("b", 1, second, sizeof second);
    tu_write_file(corpus, first, "Monday\n\nA zeppelin flew over the "
                  "quokka.\n", 41);
    tu_write_file(corpus, second, "Tuesday\n\nThe zeppelin landed.\n",
                  30);
    for (unsigned jobs = 1; jobs <= 2; jobs++) {
        char db[4096];
        snprintf(db, sizeof db, "%s%u", path_in("spellj/db"), jobs);
        gazette_update_t *u = NULL;
        assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_set_jobs(u, jobs), GAZETTE_STATUS_OK);
        const char *roots[] = {corpus};
        assert_int_equal(gazette_update_run(u, db, roots, 1),
                         GAZETTE_STATUS_OK);
        gazette_update_free(u);
        char stub[4200];
        snprintf(stub, sizeof stub, "%s/%s", db, GZ_SHARD_STUB);
        assert_int_equal(access(stub, F_OK) == 0, jobs == 2);  /* sharded */
        expect_suggestion(db, "zepelin", "zeppelin");
        expect_suggestion(db, "quoka", "");
    }
}

/* The same in an update run of a sharded index: a word seen once tonight
 * whose other article an earlier run put in another shard is a spelling
 * word (the last commit asks the other shards' databases too), and a
 * word seen once in all is still not. The update at -j 1 writes both
 * shards from one thread; at -j 2 from one writer thread each. */
static void test_spelling_update_asks_other_shards(void **state)
{
    (void)state;
    for (unsigned jobs = 1; jobs <= 2; jobs++) {
        char corpus[4096], db[4096], first[64], second[64], sub[64];
        snprintf(sub, sizeof sub, "spellu%u/corpus", jobs);
        snprintf(corpus, sizeof corpus, "%s", path_in(sub));
        snprintf(sub, sizeof sub, "spellu%u/db", jobs);
        snprintf(db, sizeof db, "%s", path_in(sub));
        name_in_shard("a", 0, first, sizeof first);
        name_in_shard("b", 1, second, sizeof second);
        tu_write_file(corpus, first, "Monday\n\nA zeppelin flew over the "
                      "quokka.\n", 41);
        update_with_jobs(corpus, db, 2);
        expect_suggestion(db, "quoka", "");
        tu_write_file(corpus, second, "Tuesday\n\nThe quokka hopped by "
                      "a wallaby.\n", 41);
        update_with_jobs(corpus, db, jobs);
        char stub[4200];
        snprintf(stub, sizeof stub, "%s/%s", db, GZ_SHARD_STUB);
        assert_int_equal(access(stub, F_OK), 0);   /* still sharded */
        expect_suggestion(db, "quoka", "quokka");
        expect_suggestion(db, "walaby", "");
    }
}

/* The other shards are asked once they have committed the run's
 * deletions: a word seen once in a new file, whose only other article was
 * in a file of another shard that vanished in the same run, is still seen
 * once. Both ways round (new file in shard 0 or 1), since without threads
 * the shards commit in order. */
static void test_spelling_vanished_other_shard(void **state)
{
    (void)state;
    for (unsigned jobs = 1; jobs <= 2; jobs++)
        for (size_t shard = 0; shard < 2; shard++) {
            char corpus[4096], db[4096], fresh[64], gone[64], sub[64];
            snprintf(sub, sizeof sub, "spellv%u%zu/corpus", jobs, shard);
            snprintf(corpus, sizeof corpus, "%s", path_in(sub));
            snprintf(sub, sizeof sub, "spellv%u%zu/db", jobs, shard);
            snprintf(db, sizeof db, "%s", path_in(sub));
            name_in_shard("new", shard, fresh, sizeof fresh);
            name_in_shard("old", 1 - shard, gone, sizeof gone);
            tu_write_file(corpus, gone, "Monday\n\nThe wombat slept.\n", 26);
            update_with_jobs(corpus, db, 2);
            tu_write_file(corpus, fresh, "Tuesday\n\nA wombat woke.\n", 24);
            char path[4200];
            snprintf(path, sizeof path, "%s/%s", corpus, gone);
            assert_int_equal(unlink(path), 0);
            update_with_jobs(corpus, db, jobs);
            expect_suggestion(db, "wombet", "");
        }
}

/* A text of `nwords` distinct filler words, none a word of any other
 * call's text: letters only (words with digits are no spelling words),
 * each drawn from a running counter so that they never repeat. */
static char *filler_text(size_t nwords, unsigned *counter)
{
    char *text = malloc(nwords * 8 + 16);
    assert_non_null(text);
    size_t at = (size_t)sprintf(text, "Filler\n\n");
    for (size_t i = 0; i < nwords; i++) {
        text[at++] = 'q';
        for (unsigned v = (*counter)++; v; v /= 26)
            text[at++] = (char)('a' + v % 26);
        text[at++] = ' ';
    }
    text[at] = '\0';
    return text;
}

/* A spelling flush before the end of the run (the table over its memory
 * share) asks the other shards too: with the smallest memory budget,
 * every shard's table is flushed several times in a run of distinct
 * filler words, and a word of two articles in two shards, both in the
 * first flush of their shard, is still a spelling word at -j 2. */
static void test_spelling_early_flush_asks_other_shards(void **state)
{
    (void)state;
    char corpus[4096], db[4096], name[64];
    snprintf(corpus, sizeof corpus, "%s", path_in("spelle/corpus"));
    snprintf(db, sizeof db, "%s", path_in("spelle/db"));
    static const char monday[] = "Monday\n\nA zeppelin flew over.\n";
    static const char tuesday[] = "Tuesday\n\nThe zeppelin landed.\n";
    name_in_shard("a", 0, name, sizeof name);
    tu_write_file(corpus, name, monday, strlen(monday));
    name_in_shard("a", 1, name, sizeof name);
    tu_write_file(corpus, name, tuesday, strlen(tuesday));
    unsigned counter = 1;
    for (int i = 0; i < 40; i++) {   /* after the a*.txt in walk order */
        char *text = filler_text(300, &counter);
        snprintf(name, sizeof name, "f%02d.txt", i);
        tu_write_file(corpus, name, text, strlen(text));
        free(text);
    }
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_jobs(u, 2), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_memory(u, GAZETTE_MIN_MEMORY),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_batch(u, 1), GAZETTE_STATUS_OK);
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    gazette_update_free(u);
    expect_suggestion(db, "zepelin", "zeppelin");
}

static void test_update_out_of_descriptors(void **state)
{
    (void)state;
    char corpus[4096], db[4096];
    snprintf(corpus, sizeof corpus, "%s", path_in("fds/corpus"));
    snprintf(db, sizeof db, "%s", path_in("fds/db"));
    tu_write_file(corpus, "a.txt", "One\n\nThe first story.\n", 22);
    tu_write_file(corpus, "b.txt", "Two\n\nThe second story.\n", 23);
    tu_write_file(corpus, "sub/c.txt", "Three\n\nThe third story.\n", 24);
    gazette_update_t *u = NULL;
    events e = {0, 0, 0};
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_callback(u, exhaust_after_first, &e),
                     GAZETTE_STATUS_OK);
    /* One thread: the next file is opened after the first is added. With
     * reader threads every file may already be read by then (it happened
     * under valgrind), and no open would meet the exhausted table. */
    assert_int_equal(gazette_update_set_jobs(u, 1), GAZETTE_STATUS_OK);
    const char *roots[] = {corpus};
    gazette_status_t s = gazette_update_run(u, db, roots, 1);
    tu_release_fds();
    assert_int_equal(s, GAZETTE_STATUS_IO_ERROR);
    assert_non_null(strstr(gazette_update_error(u), "Too many open files"));
    assert_int_equal(e.skipped, 0);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_SKIPPED), 0);

    assert_int_equal(gazette_update_set_callback(u, count_event, &e),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_SKIPPED), 0);
    gazette_update_free(u);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(hits(index, "story"), 3);
    gazette_index_close(index);
}

/* A symlink out of the corpus is skipped unless the caller says follow. */
static void test_update_symlinks(void **state)
{
    (void)state;
    char corpus[4096], outside[4096], link[4200], db[4096];
    snprintf(corpus, sizeof corpus, "%s", path_in("links/corpus"));
    snprintf(outside, sizeof outside, "%s", path_in("links/outside"));
    snprintf(db, sizeof db, "%s", path_in("links/db"));
    tu_write_file(corpus, "world/in.txt", "In\n\nInside the corpus.\n", 23);
    tu_write_file(outside, "secret.txt", "Out\n\nOutside the corpus.\n", 25);
    snprintf(link, sizeof link, "%s/world/secret.txt", corpus);
    char target[4200];
    snprintf(target, sizeof target, "%s/secret.txt", outside);
    assert_int_equal(symlink(target, link), 0);
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_ADDED), 1);
    assert_int_equal(gazette_update_set_follow_symlinks(u, 1),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_ADDED), 1);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_UNCHANGED), 1);
    gazette_update_free(u);
}

/* A stop requested from the callback when the walk meets its last entry
 * (an ignored file, sorted last): every file has been handed over, and
 * with threads some are still queued when the stop comes. */
typedef struct stop_at_end {
    volatile int flag;
} stop_at_end;

static void stop_at_last_entry(const gazette_update_t *u,
                               gazette_event_t event, const char *path,
                               const char *message, void *ctx)
{
    stop_at_end *s = ctx;
    (void)u;
    (void)message;
    if (event == GAZETTE_EVENT_IGNORED && strstr(path, "zz-last.bin"))
        s->flag = 1;
}

#define STOP_FILES 150

/* 1 when something (a file, a directory, a link) is at `path`. */
static int exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/* Entries of directory `dir` besides . and .. (0 when it does not
 * exist). */
static int entries_in(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* A stop that comes after the walk has ended is a stop: the run returns
 * INTERRUPTED, not OK (the files still queued were dropped), an
 * incremental run keeps exactly the files it reported and the next run
 * adds the rest; a --full run is not switched in (nor refused as a
 * shrunken rebuild): the index stays as it was, no generation left. */
static void test_update_stop_after_walk(void **state)
{
    (void)state;
    char corpus[4096], text[8192];
    snprintf(corpus, sizeof corpus, "%s", path_in("stop/corpus"));
    for (int i = 0; i < STOP_FILES; i++) {
        int len = snprintf(text, sizeof text, "Story %d\n\n", i);
        for (int w = 0; w < 600 && len < (int)sizeof text - 32; w++)
            len += snprintf(text + len, sizeof text - (size_t)len,
                            "word%dx%d ", i, w % 97);
        char name[64];
        snprintf(name, sizeof name, "s%03d.txt", i);
        tu_write_file(corpus, name, text, (size_t)len);
    }
    tu_write_file(corpus, "zz-last.bin", "not an article", 14);
    const char *roots[] = {corpus};
    for (unsigned jobs = 1; jobs <= 2; jobs++) {
        char db[4096], gens[4200];
        snprintf(db, sizeof db, "%s/stop/db-j%u", tmp, jobs);
        snprintf(gens, sizeof gens, "%s.d", db);
        stop_at_end stop = {0};
        gazette_update_t *u = NULL;
        assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_set_jobs(u, jobs), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_set_stop_flag(u, &stop.flag),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_set_callback(u, stop_at_last_entry,
                                                     &stop),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_run(u, db, roots, 1),
                         GAZETTE_STATUS_INTERRUPTED);
        uint64_t added = gazette_update_count(u, GAZETTE_COUNT_ADDED);
        assert_true(added <= STOP_FILES);
        assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_SCANNED),
                         added);
        assert_int_equal(article_count(db), added);

        stop.flag = 0;
        assert_int_equal(gazette_update_set_callback(u, NULL, NULL),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_run(u, db, roots, 1),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_ADDED),
                         STOP_FILES - added);
        assert_int_equal(article_count(db), STOP_FILES);

        /* --full, stopped the same way: the index is as it was. */
        assert_int_equal(gazette_update_set_full(u, 1), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_set_callback(u, stop_at_last_entry,
                                                     &stop),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_run(u, db, roots, 1),
                         GAZETTE_STATUS_INTERRUPTED);
        assert_null(strstr(gazette_update_error(u), "max-remove"));
        assert_int_equal(article_count(db), STOP_FILES);
        assert_int_equal(entries_in(gens), 0);

        /* The first --full of a new index, stopped: there is no index
         * "as it was", and none is made. */
        char fresh[4200], fresh_gens[4300];
        snprintf(fresh, sizeof fresh, "%s-new", db);
        snprintf(fresh_gens, sizeof fresh_gens, "%s.d", fresh);
        stop.flag = 0;
        assert_int_equal(gazette_update_run(u, fresh, roots, 1),
                         GAZETTE_STATUS_INTERRUPTED);
        assert_string_equal(gazette_update_error(u),
                            "interrupted: the stop flag "
                            "(gazette_update_set_stop_flag) was set; the "
                            "unfinished rebuild was deleted, and no index "
                            "was made (there was none before)");
        assert_false(exists(fresh));
        assert_false(exists(fresh_gens));
        gazette_update_free(u);
    }
}

/* A run of `u` into `db` from `corpus`, the stop flag set before it:
 * INTERRUPTED, and gazette_update_error() says so and what holds
 * (`says`). */
static void expect_interrupted(gazette_update_t *u, const char *db,
                               const char *corpus, const char *says)
{
    static volatile int stop = 1;
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_set_stop_flag(u, &stop),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, db, roots, 1),
                     GAZETTE_STATUS_INTERRUPTED);
    const char *why = gazette_update_error(u);
    if (!strstr(why, "interrupted: the stop flag") || !strstr(why, says))
        fail_msg("wanted \"%s\" in the reason: \"%s\"", says, why);
    assert_int_equal(gazette_update_set_stop_flag(u, NULL),
                     GAZETTE_STATUS_OK);
}

/* The callback of a run stopped in its middle: sets the stop flag
 * (`ctx`) at the first file the run adds. */
static void stop_at_first_added(const gazette_update_t *u,
                                gazette_event_t event, const char *path,
                                const char *message, void *ctx)
{
    (void)u;
    (void)path;
    (void)message;
    if (event == GAZETTE_EVENT_ADDED)
        *(volatile int *)ctx = 1;
}

/* A run of `u` into `db` from `corpus` that its own callback stops at the
 * first file it adds: INTERRUPTED, a run that started, and
 * gazette_update_error() says so and what holds (`says`). */
static void expect_stopped_midway(gazette_update_t *u, const char *db,
                                  const char *corpus, const char *says)
{
    static volatile int stop;
    stop = 0;
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_set_stop_flag(u, &stop),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_callback(u, stop_at_first_added,
                                                 (void *)&stop),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, db, roots, 1),
                     GAZETTE_STATUS_INTERRUPTED);
    assert_true(stop);
    assert_true(gazette_update_started(u));
    const char *why = gazette_update_error(u);
    if (!strstr(why, "interrupted: the stop flag") || !strstr(why, says))
        fail_msg("wanted \"%s\" in the reason: \"%s\"", says, why);
    assert_int_equal(gazette_update_set_callback(u, NULL, NULL),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_stop_flag(u, NULL),
                     GAZETTE_STATUS_OK);
}

/* What sets a stop flag once a lock file is opened again. */
typedef struct stop_on_open {
    int inotify;            /* watching the lock file for IN_OPEN */
    volatile int *flag;
} stop_on_open;

static void *stop_once_opened(void *arg)
{
    stop_on_open *s = arg;
    char event[sizeof(struct inotify_event) + NAME_MAX + 1];
    if (read(s->inotify, event, sizeof event) > 0)
        *s->flag = 1;
    return NULL;
}

/* A run of `u` into `db` (whose lock the test holds, waiting for it up to
 * 30 s) from `corpus`, stopped while it waits: the stop flag is set once
 * the run opens the lock file `lock` (inotify), not before the run
 * starts. INTERRUPTED; gazette_update_error() says it waited, returned. */
static const char *stopped_waiting(gazette_update_t *u, const char *db,
                                   const char *lock, const char *corpus)
{
    static volatile int stop;
    stop = 0;
    stop_on_open s = {inotify_init1(IN_CLOEXEC), &stop};
    assert_true(s.inotify >= 0);
    assert_true(inotify_add_watch(s.inotify, lock, IN_OPEN) >= 0);
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, stop_once_opened, &s), 0);
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_set_stop_flag(u, &stop),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_wait_lock(u, 30), GAZETTE_STATUS_OK);
    gazette_status_t status = gazette_update_run(u, db, roots, 1);
    /* an open of our own ends the thread's wait had the run not opened
     * the lock file */
    int fd = open(lock, O_RDONLY | O_CLOEXEC);
    if (fd >= 0)
        close(fd);
    assert_int_equal(pthread_join(thread, NULL), 0);
    close(s.inotify);
    assert_int_equal(status, GAZETTE_STATUS_INTERRUPTED);
    assert_int_equal(gazette_update_set_stop_flag(u, NULL),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_wait_lock(u, 0), GAZETTE_STATUS_OK);
    return gazette_update_error(u);
}

/* A run stopped by its stop flag says why in gazette_update_error(), as
 * the header says of every run that does not return OK, and what holds
 * after it: one stopped before it started wrote nothing (where no index
 * was, made none; an existing one is as it was, an update as a full
 * rebuild, and the run did not start: no counts), an update stopped in
 * its middle committed what it did (its counts, the index's articles),
 * a full rebuild stopped so and a dry run left the index as it was, a
 * wait for the lock wrote nothing and, like a run stopped before it
 * started, did not start (no counts: gazette_update_started() said 1,
 * and gazette-index printed a summary of zeros). It said "" before; and
 * of an update stopped before it started, that what it did was
 * committed. */
static void test_update_interrupted_says_why(void **state)
{
    (void)state;
    char corpus[4096], db[4096], lock[4200];
    snprintf(corpus, sizeof corpus, "%s", path_in("halt/corpus"));
    snprintf(db, sizeof db, "%s", path_in("halt/db"));
    snprintf(lock, sizeof lock, "%s.lock", db);
    tu_write_file(corpus, "a.txt", "One\n\nThe first story.\n", 22);
    tu_write_file(corpus, "b.txt", "Two\n\nThe second story.\n", 23);
    gazette_update_t *u = update_of(0);
    expect_interrupted(u, db, corpus, "nothing was made");
    assert_false(exists(db));
    const char *roots[] = {corpus};
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    assert_string_equal(gazette_update_error(u), "");
    assert_int_equal(article_count(db), 2);

    tu_write_file(corpus, "c.txt", "Three\n\nThe third story.\n", 24);
    for (int full = 0; full <= 1; full++) {
        assert_int_equal(gazette_update_set_full(u, full), GAZETTE_STATUS_OK);
        expect_interrupted(u, db, corpus, "set before the run started: "
                           "nothing was written, the index at");
        assert_non_null(strstr(gazette_update_error(u), "is as it was"));
        assert_false(gazette_update_started(u));   /* no summary */
        for (int c = GAZETTE_COUNT_SCANNED; c <= GAZETTE_COUNT_IGNORED; c++)
            assert_int_equal(gazette_update_count(u, c), 0);
        assert_int_equal(article_count(db), 2);
    }
    assert_int_equal(gazette_update_set_full(u, 0), GAZETTE_STATUS_OK);
    expect_stopped_midway(u, db, corpus, "is committed");
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_ADDED), 1);
    assert_int_equal(article_count(db), 3);   /* what it did is committed */
    assert_int_equal(gazette_update_set_dry_run(u, 1), GAZETTE_STATUS_OK);
    expect_interrupted(u, db, corpus, "a dry run writes nothing");
    assert_int_equal(gazette_update_set_dry_run(u, 0), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_full(u, 1), GAZETTE_STATUS_OK);
    expect_stopped_midway(u, db, corpus, "the index is as it was");
    assert_int_equal(article_count(db), 3);

    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_full(u, 0), GAZETTE_STATUS_OK);
    const char *why = stopped_waiting(u, db, lock, corpus);
    if (!strstr(why, "held by this process") ||
        !strstr(why, "nothing was written"))
        fail_msg("stopped while waiting: \"%s\"", why);
    assert_false(gazette_update_started(u));   /* no summary: it wrote
                                                  nothing */
    for (int c = GAZETTE_COUNT_SCANNED; c <= GAZETTE_COUNT_IGNORED; c++)
        assert_int_equal(gazette_update_count(u, c), 0);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    assert_int_equal(article_count(db), 3);
    gazette_update_free(u);
}

/* A run that another writer keeps from the lock (at once, or once
 * gazette_update_set_wait_lock ran out; an update or a full rebuild)
 * writes nothing: INDEX_LOCKED, every count 0, and not started, as a run
 * stopped while it waited is not (gazette_update_started said 1, and
 * gazette-index printed a summary of zeros); gazette_update_lock_wait
 * says how long it waited (0 at once). */
static void test_update_locked_out_did_not_start(void **state)
{
    (void)state;
    char corpus[4096], db[4096];
    snprintf(corpus, sizeof corpus, "%s", path_in("lockedout/corpus"));
    snprintf(db, sizeof db, "%s", path_in("lockedout/db"));
    tu_write_file(corpus, "a.txt", "One\n\nThe first story.\n", 22);
    const char *roots[] = {corpus};
    gazette_update_t *u = update_of(0);
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    assert_true(gazette_update_started(u));
    gazette_update_free(u);
    tu_write_file(corpus, "b.txt", "Two\n\nThe second story.\n", 23);
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    for (int full = 0; full <= 1; full++)
        for (int wait = 0; wait <= 1; wait++) {
            u = update_of(full);
            assert_int_equal(gazette_update_set_wait_lock(u, wait ? 0.2 : 0),
                             GAZETTE_STATUS_OK);
            assert_int_equal(gazette_update_run(u, db, roots, 1),
                             GAZETTE_STATUS_INDEX_LOCKED);
            if (gazette_update_started(u))
                fail_msg("locked out (full %d, wait %d): started", full,
                         wait);
            for (int c = GAZETTE_COUNT_SCANNED; c <= GAZETTE_COUNT_IGNORED;
                 c++)
                assert_int_equal(gazette_update_count(u, c), 0);
            assert_non_null(strstr(gazette_update_error(u), "held"));
            /* how long it waited, also of a full run (counts zeroed) */
            double waited = gazette_update_lock_wait(u);
            if (wait ? waited < 0.15 || waited > 10 : waited != 0)
                fail_msg("locked out (full %d, wait %d): waited %g", full,
                         wait, waited);
            gazette_update_free(u);
        }
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    assert_int_equal(article_count(db), 1);
}

/* A run whose stop flag is set before it starts, into a path where no
 * index is yet (nothing there, or an empty directory), makes nothing: no
 * index, no lock file, no generation directory; INTERRUPTED, saying
 * nothing was made, and not started (gazette_update_started), so that a
 * program reports no run. An update made an empty index there before. */
static void test_update_stopped_before_start_makes_nothing(void **state)
{
    (void)state;
    char corpus[4096], db[4096], beside[4200];
    snprintf(corpus, sizeof corpus, "%s", path_in("unstarted/corpus"));
    tu_write_file(corpus, "a.txt", "One\n\nThe first story.\n", 22);
    for (int full = 0; full <= 1; full++)
        for (int dir = 0; dir <= 1; dir++) {
            snprintf(db, sizeof db, "%s/unstarted/db-%d%d", tmp, full, dir);
            if (dir)
                assert_int_equal(mkdir(db, 0755), 0);
            static volatile int stop = 1;
            const char *roots[] = {corpus};
            gazette_update_t *u = update_of(full);
            assert_int_equal(gazette_update_set_stop_flag(u, &stop),
                             GAZETTE_STATUS_OK);
            assert_int_equal(gazette_update_run(u, db, roots, 1),
                             GAZETTE_STATUS_INTERRUPTED);
            if (dir)
                assert_int_equal(entries_in(db), 0);
            else
                assert_false(exists(db));
            assert_non_null(strstr(gazette_update_error(u),
                                   "nothing was made"));
            assert_false(gazette_update_started(u));   /* no summary */
            static const char *const suffixes[] = {".lock", ".d",
                                                   ".gazette-new"};
            for (size_t i = 0; i < 3; i++) {
                snprintf(beside, sizeof beside, "%s%s", db, suffixes[i]);
                if (exists(beside))
                    fail_msg("%s was made", beside);
            }
            for (int c = GAZETTE_COUNT_SCANNED; c <= GAZETTE_COUNT_IGNORED;
                 c++)
                assert_int_equal(gazette_update_count(u, c), 0);
            gazette_update_free(u);
        }
}

/* A corpus directory that cannot be read removes nothing: the index
 * keeps its articles, says the message. An index with none (made by
 * this very run) is told so, not that it keeps articles it never had. */
static void test_unreadable_corpus_of_new_index(void **state)
{
    (void)state;
    char corpus[4096], room[4096], db[4096], old[4096];
    snprintf(corpus, sizeof corpus, "%s", path_in("closed/corpus"));
    snprintf(room, sizeof room, "%s", path_in("closed/room"));
    snprintf(db, sizeof db, "%s", path_in("closed/room/db"));
    snprintf(old, sizeof old, "%s", path_in("closed/room/old"));
    tu_write_file(corpus, "world/one.txt", "One\n\nThe first story.\n", 22);
    assert_int_equal(mkdir(room, 0777), 0);
    assert_int_equal(chmod(room, 0777), 0);   /* whatever the umask */
    /* an index that holds an article (of another corpus) */
    char other[4096];
    snprintf(other, sizeof other, "%s", path_in("closed/other"));
    tu_write_file(other, "world/two.txt", "Two\n\nThe second story.\n", 23);
    update_once(other, old);
    assert_int_equal(tu_run("chmod -R a+rwX '%s'", old), 0);
    assert_int_equal(tu_run("chmod a+rw '%s.lock'", old), 0);
    assert_int_equal(chmod(corpus, 0700), 0);

    /* made by the run, then there already, empty */
    unprivileged_run fresh = {db, corpus, NULL,
                              "the index had no articles to keep",
                              "keeps its articles"};
    for (int run = 0; run < 2; run++)
        assert_int_equal(tu_as_unprivileged(tmp, update_unprivileged,
                                            &fresh),
                         GAZETTE_STATUS_REMOVAL_REFUSED);
    assert_int_equal(article_count(db), 0);
    unprivileged_run kept = {old, corpus, NULL, "removed nothing, the index "
                             "keeps its articles", NULL};
    assert_int_equal(tu_as_unprivileged(tmp, update_unprivileged, &kept),
                     GAZETTE_STATUS_REMOVAL_REFUSED);
    assert_int_equal(article_count(old), 1);
    assert_int_equal(chmod(corpus, 0755), 0);
}

/* What a callback calling back into its own update saw. */
typedef struct reentry {
    const char *db;
    const char *const *roots;
    int calls;                    /* events before the first call back */
    gazette_status_t run, setter, pattern;
    uint64_t added_then;          /* gazette_update_count in the callback */
    int started_then;             /* gazette_update_started there */
    double seconds_then;          /* gazette_update_seconds there */
    char error_then[512];         /* gazette_update_error in the callback */
    int free_it;                  /* gazette_update_free from the callback */
    int events_after_free;
} reentry;

/* At its first event, run the update again from inside its own run and
 * change its settings (a binding does not see the const), or free it. */
static void call_back_in(const gazette_update_t *cu, gazette_event_t event,
                         const char *path, const char *message, void *ctx)
{
    (void)event;
    (void)path;
    (void)message;
    reentry *r = ctx;
    gazette_update_t *u = (gazette_update_t *)cu;
    if (r->calls++ > 0) {
        r->events_after_free += r->free_it;
        return;
    }
    if (r->free_it) {
        gazette_update_free(u);
        return;
    }
    r->run = gazette_update_run(u, r->db, r->roots, 1);
    r->setter = gazette_update_set_jobs(u, 2);
    r->pattern = gazette_update_add_exclude(u, "world");
    r->added_then = gazette_update_count(u, GAZETTE_COUNT_ADDED);
    r->started_then = gazette_update_started(u);
    r->seconds_then = gazette_update_seconds(u);
    snprintf(r->error_then, sizeof r->error_then, "%s",
             gazette_update_error(u));
}

/* A callback that runs its own update again is refused at once
 * (INVALID_ARGUMENT) and so are the setters: the run it is called from
 * goes on untouched, its status, message and counts those of a run
 * without the call (the inner run used to reset the counts and leave
 * its INDEX_LOCKED message on the outer run's OK). */
static void test_update_run_from_its_callback(void **state)
{
    (void)state;
    char corpus[4096], db[4096];
    snprintf(corpus, sizeof corpus, "%s", path_in("reentry/corpus"));
    snprintf(db, sizeof db, "%s", path_in("reentry/db"));
    tu_write_file(corpus, "world/one.txt", "One\n\nThe first story.\n", 22);
    tu_write_file(corpus, "world/two.txt", "Two\n\nThe second story.\n", 23);
    tu_write_file(corpus, "world/notes.csv", "a,b\n", 4);   /* ignored */
    const char *roots[] = {corpus};
    reentry r = {.db = db, .roots = roots};
    gazette_update_t *u = update_of(0);
    assert_int_equal(gazette_update_set_callback(u, call_back_in, &r),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    assert_string_equal(gazette_update_error(u), "");
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_SCANNED), 2);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_ADDED), 2);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_IGNORED), 1);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_KNOWN), 0);
    assert_int_equal(article_count(db), 2);
    /* what the callback saw */
    assert_true(r.calls >= 3);
    assert_true(r.added_then <= 2);   /* the counts so far, readable */
    assert_int_equal(r.started_then, 0);   /* of a run that returned */
    assert_true(r.seconds_then == 0.0);
    assert_int_equal(r.run, GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(r.setter, GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(r.pattern, GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(r.error_then, "gazette_update_add_exclude"));
    assert_non_null(strstr(r.error_then, "running"));
    /* the settings held: no exclude pattern was added, so the next run
     * finds both files unchanged rather than removing them */
    r = (reentry){.db = db, .roots = roots};
    assert_int_equal(gazette_update_set_callback(u, NULL, NULL),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_UNCHANGED), 2);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_REMOVED), 0);
    gazette_update_free(u);
}

/* gazette_update_free from the update's own callback is deferred: the
 * run goes on to its end without calling the callback again, then frees
 * the update (it used to free it under the run: a crash). */
static void test_update_freed_from_its_callback(void **state)
{
    (void)state;
    char corpus[4096], db[4096];
    snprintf(corpus, sizeof corpus, "%s", path_in("freed/corpus"));
    snprintf(db, sizeof db, "%s", path_in("freed/db"));
    tu_write_file(corpus, "world/one.txt", "One\n\nThe first story.\n", 22);
    tu_write_file(corpus, "world/two.txt", "Two\n\nThe second story.\n", 23);
    const char *roots[] = {corpus};
    reentry r = {.db = db, .roots = roots, .free_it = 1};
    gazette_update_t *u = update_of(0);
    assert_int_equal(gazette_update_set_callback(u, call_back_in, &r),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    /* u is gone: nothing of it is read */
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.events_after_free, 0);
    assert_int_equal(article_count(db), 2);
}

/* Fail unless `text` is what gazette.h promises of a status's: short
 * (at most 40 bytes) and lower-case, but for the acronym "I/O". */
static void expect_short_lower_case(const char *text)
{
    if (strlen(text) > 40)
        fail_msg("not short: \"%s\"", text);
    for (const char *c = text; *c; c++) {
        if (strncmp(c, "I/O", 3) == 0)
            c += 2;
        else if (*c >= 'A' && *c <= 'Z')
            fail_msg("not lower-case: \"%s\"", text);
    }
}

/* Every status has its own description, short and lower-case; values are
 * the documented ones. */
static void test_status_strings(void **state)
{
    (void)state;
    assert_int_equal(GAZETTE_STATUS_BAD_INPUT, 16);
    assert_int_equal(GAZETTE_STATUS_REMOVAL_REFUSED, 17);
    for (int a = 0; a <= GAZETTE_STATUS_REMOVAL_REFUSED; a++) {
        const char *sa = gazette_status_to_string((gazette_status_t)a);
        assert_string_not_equal(sa, "unknown status");
        expect_short_lower_case(sa);
        for (int b = 0; b < a; b++)
            assert_string_not_equal(
                sa, gazette_status_to_string((gazette_status_t)b));
    }
    assert_string_equal(gazette_status_to_string((gazette_status_t)999),
                        "unknown status");
}

/* A search, read or count that met a revision discarded at every try
 * (a writer committing all the while) is INDEX_MODIFIED, said in
 * gazette.h's words. It quoted Xapian's DatabaseModifiedError ("you
 * should call Xapian::Database::reopen() and retry the operation"),
 * advice for Xapian's own callers: a program on gazette.h has no such
 * call, and the library had reopened and retried. Which try meets the
 * commits is the machine's timing, so the wording is checked where it
 * is made, after a real failure of the shim left its own message. */
static void test_index_modified_in_api_words(void **state)
{
    (void)state;
    xap_database *db = NULL;
    assert_int_not_equal(xap_database_open(path_in("no-such-index"), &db),
                         XAP_OK);
    assert_int_equal(gz_fail_shim(XAP_ERR_DB_MODIFIED, "search failed"),
                     GAZETTE_STATUS_INDEX_MODIFIED);
    const char *msg = gazette_index_error(NULL);
    assert_non_null(strstr(msg, "search failed: "));
    assert_non_null(strstr(msg, "writer committing"));
    assert_non_null(strstr(msg, "try again"));
    assert_null(strstr(msg, "Xapian"));
    assert_null(strstr(msg, "No such file"));   /* the earlier failure */
}

static void test_versions(void **state)
{
    (void)state;
    assert_int_equal(gazette_version_number(), GAZETTE_VERSION_NUMBER);
    assert_string_equal(gazette_version(), GAZETTE_VERSION_STRING);
    assert_true(GAZETTE_CHECK_VERSION(0, 0, 1));
    assert_true(GAZETTE_CHECK_VERSION(GAZETTE_VERSION_MAJOR,
                                      GAZETTE_VERSION_MINOR,
                                      GAZETTE_VERSION_PATCH));
    assert_false(GAZETTE_CHECK_VERSION(GAZETTE_VERSION_MAJOR + 1, 0, 0));
    assert_true(gazette_language_known("english"));
    assert_true(gazette_language_known("none"));
    assert_false(gazette_language_known("klingon"));
    assert_non_null(strstr(gazette_languages(), "french"));
    assert_string_equal(gazette_field_name(GAZETTE_FIELD_TITLE), "title");
    assert_null(gazette_field_name((gazette_field_t)99));
}

/* getenv(name) copied (NULL when unset), to put back with restore_env. */
static char *saved_env(const char *name)
{
    const char *v = getenv(name);
    return v ? strdup(v) : NULL;
}

static void restore_env(const char *name, char *value)
{
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
    free(value);
}

/* The string of gazette_default_index_path is the caller's, freed with
 * gazette_free (what a binding without the C library's free() calls);
 * gazette_free(NULL) does nothing; an empty GAZETTE_INDEX is taken as
 * unset. (Run under valgrind, memcheck sees each freed.) */
static void test_default_index_path_freed_with_gazette_free(void **state)
{
    (void)state;
    char *index = saved_env("GAZETTE_INDEX");
    char *xdg = saved_env("XDG_DATA_HOME");
    setenv("GAZETTE_INDEX", "/srv/news.idx", 1);
    char *p = gazette_default_index_path();
    assert_non_null(p);
    assert_string_equal(p, "/srv/news.idx");
    gazette_free(p);
    unsetenv("GAZETTE_INDEX");
    setenv("XDG_DATA_HOME", "/data", 1);
    p = gazette_default_index_path();
    assert_non_null(p);
    assert_string_equal(p, "/data/gazette/index");
    gazette_free(p);
    setenv("GAZETTE_INDEX", "", 1);
    p = gazette_default_index_path();
    assert_non_null(p);
    assert_string_equal(p, "/data/gazette/index");
    gazette_free(p);
    gazette_free(NULL);
    restore_env("GAZETTE_INDEX", index);
    restore_env("XDG_DATA_HOME", xdg);
}

/* A stub listing one database twice is refused by the writer (index
 * damaged, naming it): Xapian opened it twice, and the second open
 * failed on the first's lock (INDEX_LOCKED, "Xapian lock held", however
 * long the wait). */
static void test_writer_database_listed_twice(void **state)
{
    (void)state;
    tu_write_file(tmp, "twice/top", "auto db\nauto db\n", 16);
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(path_in("twice/db"), "english", 0,
                                         &w), GAZETTE_STATUS_OK);
    put(w, article("t/1", "One", "A word."));
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    w = NULL;
    assert_int_equal(gazette_writer_open(path_in("twice/top"), "english", 0,
                                         &w), GAZETTE_STATUS_INDEX_CORRUPT);
    assert_null(w);
    assert_non_null(strstr(gazette_last_open_error(), "/db is listed twice"));
}

/* Articles w/0 .. w/<n-1> put into `w`, each OK ("zeppelin" in each). */
static void put_numbered(gazette_writer_t *w, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "w/%u", i);
        put(w, article(id, "Zeppelin news", "A zeppelin landed."));
    }
}

/* The number of articles of the index at `db` (it must open). */
static uint64_t articles_in(const char *db)
{
    gazette_index_t *index = NULL;
    uint64_t n = 0;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_index_article_count(index, &n),
                     GAZETTE_STATUS_OK);
    gazette_index_close(index);
    return n;
}

/* Make every commit of the database in directory `dir` fail (`on` 1)
 * or work again (0): glass writes its new revision file as dir/v.tmp and
 * renames it over iamglass, and a directory in the way fails that open
 * (EISDIR) as a full disk fails its write, for root too, where a
 * directory made read-only would not. */
static void block_commits(const char *dir, int on)
{
    char tmpfile[4400];
    snprintf(tmpfile, sizeof tmpfile, "%s/v.tmp", dir);
    assert_int_equal(on ? mkdir(tmpfile, 0700) : rmdir(tmpfile), 0);
}

/* A new index of two corpus files at NAME/db by `jobs` workers (as many
 * shards); `db` gets its path (4096 bytes), the count its articles. */
static uint64_t two_file_index(const char *name, unsigned jobs,
                               char db[4096])
{
    char corpus[4096], sub[256];
    snprintf(sub, sizeof sub, "%s/corpus", name);
    snprintf(corpus, sizeof corpus, "%s", path_in(sub));
    snprintf(sub, sizeof sub, "%s/db", name);
    snprintf(db, 4096, "%s", path_in(sub));
    tu_write_file(corpus, "a.txt", "One\n\nThe harbour story.\n", 24);
    tu_write_file(corpus, "b.txt", "Two\n\nThe harbour again.\n", 24);
    update_with_jobs(corpus, db, jobs);
    return articles_in(db);
}

/* The writer `w`, failed by an earlier call with `status`, refuses every
 * later call with that status and says why (its close too); the index
 * then takes the articles put again and holds `want` of them. */
static void expect_failed_for_good(gazette_writer_t *w, const char *db,
                                   gazette_status_t status, uint64_t want)
{
    assert_int_not_equal(status, GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_commit(w), status);
    assert_non_null(strstr(gazette_writer_error(w), "partly lost"));
    gazette_article_t *late = article("w/late", "Late", "Late.");
    assert_int_equal(gazette_writer_put(w, late), status);
    gazette_article_free(late);
    assert_int_equal(gazette_writer_delete(w, "w/0"), status);
    assert_int_equal(gazette_writer_close(w), status);
    /* damage is said as damage, the rebuild before the articles again */
    assert_non_null(strstr(gazette_writer_error(NULL),
                           status == GAZETTE_STATUS_INDEX_CORRUPT
                               ? "to recover, rebuild it: a run with "
                                 "gazette_update_set_full"
                               : "open the index again"));
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put_numbered(w, 40);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    assert_int_equal(articles_in(db), want);
}

/* A commit that fails leaves the writer failed for good: a retry that
 * returned OK had lost the articles of the database whose commit failed
 * (glass drops the changes of a failed commit), and on a sharded index,
 * whose shards commit one after another, readers already saw those of
 * the shards committed before (2 shards: 13 of 40 kept, the reviewer's
 * case). One database and two shards, the first and the second failing. */
static void test_writer_failed_commit_fails_for_good(void **state)
{
    (void)state;
    static const struct {
        unsigned jobs;
        const char *failing;   /* the database whose commit fails */
    } cases[] = {{1, ""}, {2, "/shard0"}, {2, "/shard1"}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char db[4096], name[32], failing[4200];
        snprintf(name, sizeof name, "commit-fails%zu", c);
        uint64_t before = two_file_index(name, cases[c].jobs, db);
        snprintf(failing, sizeof failing, "%s%s", db, cases[c].failing);
        gazette_writer_t *w = NULL;
        assert_int_equal(gazette_writer_open(db, NULL, 0, &w),
                         GAZETTE_STATUS_OK);
        put_numbered(w, 40);
        block_commits(failing, 1);
        gazette_status_t failed = gazette_writer_commit(w);
        assert_int_equal(failed, GAZETTE_STATUS_IO_ERROR);
        char said[1024];
        snprintf(said, sizeof said, "%s", gazette_writer_error(w));
        block_commits(failing, 0);   /* the disk has room again */
        expect_failed_for_good(w, db, failed, before + 40);
        assert_non_null(strstr(said, "partly lost"));
    }
}

/* A sharded index whose stub file XAPIANDB is gone is refused by the
 * writer as readers refuse it (INDEX_CORRUPT), naming the stub and the
 * lines it held, and nothing is written: the writer created a new empty
 * database beside shard0/ and shard1/ (OK, then 0 articles, the shards
 * orphaned for good). Written again as the message says, the stub gives
 * back every article. */
static void test_writer_refuses_shards_without_stub(void **state)
{
    (void)state;
    char db[4096], stub[4200], table[4200];
    uint64_t before = two_file_index("no-stub", 2, db);
    snprintf(stub, sizeof stub, "%s/XAPIANDB", db);
    snprintf(table, sizeof table, "%s/iamglass", db);
    assert_int_equal(unlink(stub), 0);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index),
                     GAZETTE_STATUS_INDEX_CORRUPT);
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w),
                     GAZETTE_STATUS_INDEX_CORRUPT);
    assert_null(w);
    const char *why = gazette_last_open_error();
    assert_non_null(strstr(why, "/XAPIANDB, the stub file listing its "
                                "shards, is missing"));
    assert_non_null(strstr(why, "auto shard0, auto shard1"));
    struct stat sb;
    assert_int_not_equal(stat(table, &sb), 0);   /* no database made */
    assert_int_not_equal(stat(stub, &sb), 0);
    tu_write_file(db, "XAPIANDB", "auto shard0\nauto shard1\n", 24);
    assert_int_equal(articles_in(db), before);
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put_numbered(w, 3);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    assert_int_equal(articles_in(db), before + 3);
}

/* `test_api --put-through-failure DB`, under fail_open.so failing the
 * first open of one shard's new revision file (a full disk, once) and
 * with XAPIAN_FLUSH_THRESHOLD small, so that Xapian commits that shard
 * by itself inside a put: puts articles w/0 .. w/39 until one fails,
 * then calls put, delete, commit and close once each; prints a line
 * "CALL STATUS" for the failed put and each call after, and the close's
 * message. */
static int put_through_failure_main(const char *db)
{
    gazette_writer_t *w = NULL;
    if (gazette_writer_open(db, NULL, 0, &w) != GAZETTE_STATUS_OK)
        return 2;
    gazette_status_t s = GAZETTE_STATUS_OK;
    for (unsigned i = 0; i < 40 && s == GAZETTE_STATUS_OK; i++) {
        char id[32];
        snprintf(id, sizeof id, "w/%u", i);
        gazette_article_t *a = article(id, "Zeppelin news", "A zeppelin.");
        s = gazette_writer_put(w, a);
        gazette_article_free(a);
    }
    printf("put %s\n", gazette_status_to_string(s));
    gazette_article_t *late = article("w/late", "Late", "Late news.");
    printf("put %s\n", gazette_status_to_string(gazette_writer_put(w, late)));
    gazette_article_free(late);
    printf("delete %s\n",
           gazette_status_to_string(gazette_writer_delete(w, "w/0")));
    printf("commit %s\n", gazette_status_to_string(gazette_writer_commit(w)));
    printf("close %s\n", gazette_status_to_string(gazette_writer_close(w)));
    printf("%s\n", gazette_writer_error(NULL));
    return 0;
}

/* Xapian commits by itself inside a put every XAPIAN_FLUSH_THRESHOLD
 * changes: a put that fails there (a shard's disk full for a moment)
 * leaves the writer failed for good, as a failed commit does; the puts
 * after it returned OK, and the commit and close too, having dropped
 * the articles before it from that shard. */
static void test_writer_failed_put_fails_for_good(void **state)
{
    (void)state;
    char db[4096], out[4200], want[512];
    uint64_t before = two_file_index("put-fails", 2, db);
    snprintf(out, sizeof out, "%s.out", db);
    assert_int_equal(
        tu_run("FAIL_OPEN_PATH='%s/shard0/v.tmp' FAIL_OPEN_ERRNO=28 "
               "XAPIAN_FLUSH_THRESHOLD=4 LD_PRELOAD='%s' "
               "ASAN_OPTIONS=\"$ASAN_OPTIONS:verify_asan_link_order=0\" "
               "'%s' --put-through-failure '%s' >'%s'",
               db, FAIL_OPEN_MODULE, tu_binary("test_api"), db, out),
        0);
    const char *io = gazette_status_to_string(GAZETTE_STATUS_IO_ERROR);
    snprintf(want, sizeof want, "put %s\nput %s\ndelete %s\ncommit %s\n"
             "close %s\n", io, io, io, io, io);
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    char got[2048];
    size_t n = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    got[n] = '\0';
    /* five lines of statuses, then the close's message */
    char *said = got;
    for (int line = 0; line < 5 && strchr(said, '\n'); line++)
        said = strchr(said, '\n') + 1;
    char message[2048];
    snprintf(message, sizeof message, "%s", said);
    said[0] = '\0';
    assert_string_equal(got, want);
    assert_non_null(strstr(message, "partly lost"));
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put_numbered(w, 40);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    assert_int_equal(articles_in(db), before + 40);
}

/* Articles w/0 .. w/<n-1> put into `w`, each OK, with words of their
 * own: term lists of several blocks. */
static void put_wordy(gazette_writer_t *w, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        char id[32], body[2048];
        size_t len = 0;
        snprintf(id, sizeof id, "w/%u", i);
        for (unsigned k = 0; k < 60; k++)
            len += (size_t)snprintf(body + len, sizeof body - len,
                                    "zeppelin%ux%u ", i, k);
        put(w, article(id, "Zeppelin news", body));
    }
}

/* A table of a shard cut short after the writer opened is INDEX_CORRUPT
 * from the put that reads it, as gazette.h lists, and every later call
 * says the same (the puts after it returned OK, and the commit too). */
static void test_writer_damaged_shard_is_index_corrupt(void **state)
{
    (void)state;
    char db[4096], table[4200], saved[4400];
    uint64_t before = two_file_index("damaged", 2, db);
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put_wordy(w, 100);
    assert_int_equal(gazette_writer_commit(w), GAZETTE_STATUS_OK);
    for (int i = 0; i < 2; i++) {
        snprintf(table, sizeof table, "%s/shard%d/termlist.glass", db, i);
        snprintf(saved, sizeof saved, "%s.saved", table);
        assert_int_equal(tu_run("cp '%s' '%s' && truncate -s 100 '%s'",
                                table, saved, table), 0);
    }
    /* replacing an article reads its term list */
    gazette_status_t failed = GAZETTE_STATUS_OK;
    for (unsigned i = 0; i < 100 && failed == GAZETTE_STATUS_OK; i++) {
        char id[32];
        snprintf(id, sizeof id, "w/%u", i);
        gazette_article_t *a = article(id, "Zeppelin news", "A zeppelin.");
        failed = gazette_writer_put(w, a);
        gazette_article_free(a);
    }
    assert_int_equal(failed, GAZETTE_STATUS_INDEX_CORRUPT);
    for (int i = 0; i < 2; i++) {
        snprintf(table, sizeof table, "%s/shard%d/termlist.glass", db, i);
        snprintf(saved, sizeof saved, "%s.saved", table);
        assert_int_equal(rename(saved, table), 0);
    }
    expect_failed_for_good(w, db, failed, before + 100);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--open-writer") == 0)
        return open_writer_main(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--put-through-failure") == 0)
        return put_through_failure_main(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_round_trip),
        cmocka_unit_test(test_writer_database_listed_twice),
        cmocka_unit_test(test_writer_failed_commit_fails_for_good),
        cmocka_unit_test(test_writer_failed_put_fails_for_good),
        cmocka_unit_test(test_writer_damaged_shard_is_index_corrupt),
        cmocka_unit_test(test_writer_refuses_shards_without_stub),
        cmocka_unit_test(test_writer_bad_input),
        cmocka_unit_test(test_writer_refuses_unreadable_dates),
        cmocka_unit_test(test_writer_long_title_cut),
        cmocka_unit_test(test_writer_term_cap_kept),
        cmocka_unit_test(test_bulk_load_commits),
        cmocka_unit_test(test_writer_control_characters),
        cmocka_unit_test(test_writer_soft_hyphen),
        cmocka_unit_test(test_article_fields_trimmed),
        cmocka_unit_test(test_article_authors),
        cmocka_unit_test(test_writer_lock_and_language),
        cmocka_unit_test(test_writer_open_read_only_directory),
        cmocka_unit_test(test_writer_open_read_only_file_system),
        cmocka_unit_test(test_writer_lock_shared_with_forked_child),
        cmocka_unit_test(test_empty_language_refused),
        cmocka_unit_test(test_index_without_language_is_unstemmed),
        cmocka_unit_test(test_language_codes_are_full_names),
        cmocka_unit_test(test_update_keeps_index_language),
        cmocka_unit_test(test_error_message_families),
        cmocka_unit_test(test_error_messages_one_line),
        cmocka_unit_test(test_index_deleted_after_open),
        cmocka_unit_test(test_writer_id_not_utf8),
        cmocka_unit_test(test_index_replaced_by_other_format),
        cmocka_unit_test(test_update_setter_messages),
        cmocka_unit_test(test_empty_paths_refused),
        cmocka_unit_test(test_snippet_length_extremes),
        cmocka_unit_test(test_documented_statuses_and_facets),
        cmocka_unit_test(test_update_run),
        cmocka_unit_test(test_old_format_in_api_words),
        cmocka_unit_test(test_update_messages_in_api_words),
        cmocka_unit_test(test_unreadable_rules_files_are_io_errors),
        cmocka_unit_test(test_unreadable_corpus_of_new_index),
        cmocka_unit_test(test_one_line_article),
        cmocka_unit_test(test_event_messages_one_line),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_full_keeps_writer_articles),
        cmocka_unit_test(test_update_restores_what_a_writer_changed),
        cmocka_unit_test(test_full_dry_run_counts_as_the_real_run),
        cmocka_unit_test(test_full_keeps_writer_articles_of_live_shards),
        cmocka_unit_test(test_spelling_needs_a_word_twice),
        cmocka_unit_test(test_spelling_word_twice_across_shards),
        cmocka_unit_test(test_spelling_update_asks_other_shards),
        cmocka_unit_test(test_spelling_vanished_other_shard),
        cmocka_unit_test(test_spelling_early_flush_asks_other_shards),
        cmocka_unit_test(test_spelling_leaves_out_codes),
        cmocka_unit_test(test_update_symlinks),
        cmocka_unit_test(test_index_path_with_trailing_slash),
        cmocka_unit_test(test_update_out_of_descriptors),
        cmocka_unit_test(test_update_stop_after_walk),
        cmocka_unit_test(test_update_interrupted_says_why),
        cmocka_unit_test(test_update_locked_out_did_not_start),
        cmocka_unit_test(test_update_stopped_before_start_makes_nothing),
        cmocka_unit_test(test_update_run_from_its_callback),
        cmocka_unit_test(test_update_freed_from_its_callback),
        cmocka_unit_test(test_status_strings),
        cmocka_unit_test(test_index_modified_in_api_words),
        cmocka_unit_test(test_get_article_over_several_reads_first_location),
        cmocka_unit_test(test_writer_open_missing_directory),
        cmocka_unit_test(test_options_shared_by_threads),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_default_index_path_freed_with_gazette_free),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
