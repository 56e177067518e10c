/*
 * test_threads.c - the thread rules of gazette.h: one index handle shared
 * by 8 threads (calls serialised inside), 8 threads on their own handles
 * (in parallel), one writer shared by 4 threads, and updates run by the
 * indexer's own threads (workers, shard writers, the entity lexicon's
 * views), and opens while a writer commits. Every search must give the
 * answer a single thread gets. CI also runs this program built with
 * ThreadSanitizer (scripts/dev test), which reports any data race in our
 * code; libxapian itself is not instrumented (Debian ships it plain).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "gazette.h"
#include "test_util.h"

#define THREADS 8
#define ROUNDS 6
#define MAX_IDS 10

static const char *const queries[] = {
    "Hezbollah", "\"humanitarian pauses\"", "aid NOT Gaza", "source:world",
    "Blinken Israel", "ceasefire OR truce", "hostage* release",
};
#define NQUERIES (sizeof queries / sizeof queries[0])

/* The first hits' ids of each query, as one string, from one thread. */
static char expected[NQUERIES][MAX_IDS * 128];
static char *db_path;
static char *tmp;

/* The ids of `r`'s hits joined by '\n' into `buf`. */
static void ids_of(const gazette_results_t *r, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, "%s\n",
                 gazette_hit_id(gazette_results_hit(r, i)));
    }
}

/* Run query q on `index`; 0 when its ids are the expected ones. */
static int check_query(gazette_index_t *index, size_t q)
{
    gazette_results_t *r = NULL;
    char got[sizeof expected[0]];
    if (gazette_search(index, queries[q], NULL, &r) != GAZETTE_STATUS_OK)
        return 1;
    ids_of(r, got, sizeof got);
    gazette_results_free(r);
    return strcmp(got, expected[q]) != 0;
}

typedef struct searcher {
    gazette_index_t *shared;   /* NULL: open a handle of its own */
    int failures;
} searcher;

static void *search_loop(void *arg)
{
    searcher *s = arg;
    gazette_index_t *own = NULL;
    gazette_index_t *index = s->shared;
    if (!index && gazette_index_open(db_path, &own) != GAZETTE_STATUS_OK) {
        s->failures++;
        return NULL;
    }
    if (!index)
        index = own;
    for (int round = 0; round < ROUNDS; round++)
        for (size_t q = 0; q < NQUERIES; q++)
            s->failures += check_query(index, (q + (size_t)round) % NQUERIES);
    gazette_index_close(own);
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    tmp = tu_mkdtemp("threads");
    size_t n = strlen(tmp) + 16;
    db_path = malloc(n);
    snprintf(db_path, n, "%s/db", tmp);
    gazette_update_t *u = NULL;
    const char *roots[] = {tu_source_path("corpus/sample")};
    if (gazette_update_new(&u) != GAZETTE_STATUS_OK ||
        gazette_update_run(u, db_path, roots, 1) != GAZETTE_STATUS_OK)
        return -1;
    gazette_update_free(u);
    gazette_index_t *index = NULL;
    if (gazette_index_open(db_path, &index) != GAZETTE_STATUS_OK)
        return -1;
    for (size_t q = 0; q < NQUERIES; q++) {
        gazette_results_t *r = NULL;
        if (gazette_search(index, queries[q], NULL, &r) != GAZETTE_STATUS_OK)
            return -1;
        ids_of(r, expected[q], sizeof expected[q]);
        gazette_results_free(r);
    }
    gazette_index_close(index);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(tmp);
    free(tmp);
    free(db_path);
    return 0;
}

/* The baseline is not trivially empty: most queries find something. */
static void test_baseline_has_hits(void **state)
{
    (void)state;
    size_t with_hits = 0;
    for (size_t q = 0; q < NQUERIES; q++)
        with_hits += expected[q][0] != '\0';
    assert_true(with_hits >= NQUERIES - 1);
}

static void run_searchers(gazette_index_t *shared)
{
    pthread_t threads[THREADS];
    searcher s[THREADS];
    for (int t = 0; t < THREADS; t++) {
        s[t] = (searcher){.shared = shared, .failures = 0};
        assert_int_equal(pthread_create(&threads[t], NULL, search_loop, &s[t]),
                         0);
    }
    int failures = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        failures += s[t].failures;
    }
    assert_int_equal(failures, 0);
}

static void test_shared_handle(void **state)
{
    (void)state;
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db_path, &index), GAZETTE_STATUS_OK);
    run_searchers(index);
    gazette_index_close(index);
}

static void test_own_handles(void **state)
{
    (void)state;
    run_searchers(NULL);
}

/* Shared and own handles at once, while nothing writes. */
static void test_mixed(void **state)
{
    (void)state;
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db_path, &index), GAZETTE_STATUS_OK);
    pthread_t threads[2 * THREADS];
    searcher s[2 * THREADS];
    for (int t = 0; t < 2 * THREADS; t++) {
        s[t] = (searcher){.shared = t % 2 ? index : NULL, .failures = 0};
        assert_int_equal(pthread_create(&threads[t], NULL, search_loop, &s[t]),
                         0);
    }
    int failures = 0;
    for (int t = 0; t < 2 * THREADS; t++) {
        pthread_join(threads[t], NULL);
        failures += s[t].failures;
    }
    gazette_index_close(index);
    assert_int_equal(failures, 0);
}

#define WRITERS 4
#define PER_WRITER 25

typedef struct feeder {
    gazette_writer_t *w;
    int n;
    int failures;
} feeder;

static void *feed_loop(void *arg)
{
    feeder *f = arg;
    for (int i = 0; i < PER_WRITER; i++) {
        char id[64], body[128];
        snprintf(id, sizeof id, "thread%d/article%d", f->n, i);
        snprintf(body, sizeof body, "Shipping report number %d from writer "
                 "%d about the harbour at Ostend.", i, f->n);
        gazette_article_t *a = NULL;
        int ok = gazette_article_new(&a) == GAZETTE_STATUS_OK &&
                 gazette_article_set(a, GAZETTE_FIELD_ID, id) ==
                     GAZETTE_STATUS_OK &&
                 gazette_article_set(a, GAZETTE_FIELD_TITLE, "Harbour news") ==
                     GAZETTE_STATUS_OK &&
                 gazette_article_set(a, GAZETTE_FIELD_BODY, body) ==
                     GAZETTE_STATUS_OK &&
                 gazette_writer_put(f->w, a) == GAZETTE_STATUS_OK;
        gazette_article_free(a);
        f->failures += !ok;
        if (i % 10 == 9)
            f->failures += gazette_writer_commit(f->w) != GAZETTE_STATUS_OK;
    }
    return NULL;
}

/* One writer shared by 4 threads: every article arrives once. */
static void test_shared_writer(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/written", tmp);
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(path, NULL, 0, &w), GAZETTE_STATUS_OK);
    pthread_t threads[WRITERS];
    feeder f[WRITERS];
    for (int t = 0; t < WRITERS; t++) {
        f[t] = (feeder){.w = w, .n = t, .failures = 0};
        assert_int_equal(pthread_create(&threads[t], NULL, feed_loop, &f[t]),
                         0);
    }
    int failures = 0;
    for (int t = 0; t < WRITERS; t++) {
        pthread_join(threads[t], NULL);
        failures += f[t].failures;
    }
    assert_int_equal(failures, 0);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    gazette_index_t *index = NULL;
    uint64_t count = 0;
    assert_int_equal(gazette_index_open(path, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_index_article_count(index, &count),
                     GAZETTE_STATUS_OK);
    assert_int_equal(count, WRITERS * PER_WRITER);
    gazette_index_close(index);
}

/* gazette_update_run with 2 and 3 jobs over the sample corpus, asking
 * for a commit every 4 articles (a shard commits at most once a second:
 * under ThreadSanitizer's slowdown a few commits land during the run), so
 * that workers open and reopen their lexicon views while the shard
 * writers write: every file is indexed, the index answers, and under
 * ThreadSanitizer nothing races. */
static void test_update_threads(void **state)
{
    (void)state;
    const char *roots[] = {tu_source_path("corpus/sample")};
    for (unsigned jobs = 2; jobs <= 3; jobs++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/updated-j%u", tmp, jobs);
        gazette_update_t *u = NULL;
        assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_set_jobs(u, jobs), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_update_set_batch(u, 4), GAZETTE_STATUS_OK);
        gazette_status_t s = gazette_update_run(u, path, roots, 1);
        if (s != GAZETTE_STATUS_OK)
            fail_msg("-j%u: %s", jobs, gazette_update_error(u));
        uint64_t added = gazette_update_count(u, GAZETTE_COUNT_ADDED);
        assert_true(added > 40);
        assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_SKIPPED), 0);
        gazette_update_free(u);
        gazette_index_t *index = NULL;
        gazette_results_t *r = NULL;
        assert_int_equal(gazette_index_open(path, &index), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_search(index, "Hezbollah", NULL, &r),
                         GAZETTE_STATUS_OK);
        assert_true(gazette_results_count(r) > 0);
        gazette_results_free(r);
        gazette_index_close(index);
    }
}

/* A writer committing one article at a time, until *stop. */
typedef struct committer {
    const char *path;
    int stop;                 /* read and written with __atomic */
    long commits, failures;
} committer;

static void *commit_loop(void *arg)
{
    committer *c = arg;
    gazette_writer_t *w = NULL;
    if (gazette_writer_open(c->path, NULL, 5, &w) != GAZETTE_STATUS_OK) {
        c->failures++;
        return NULL;
    }
    while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED)) {
        gazette_article_t *a = NULL;
        char id[32], body[128];
        snprintf(id, sizeof id, "c%ld", c->commits % 50);
        snprintf(body, sizeof body, "aid convoy %ld crossed at dawn %ld",
                 c->commits, c->commits * 7);
        int ok = gazette_article_new(&a) == GAZETTE_STATUS_OK &&
                 gazette_article_set(a, GAZETTE_FIELD_ID, id) == 0 &&
                 gazette_article_set(a, GAZETTE_FIELD_TITLE, "Convoy") == 0 &&
                 gazette_article_set(a, GAZETTE_FIELD_BODY, body) == 0 &&
                 gazette_writer_put(w, a) == GAZETTE_STATUS_OK &&
                 gazette_writer_commit(w) == GAZETTE_STATUS_OK;
        gazette_article_free(a);
        c->failures += !ok;
        c->commits++;
    }
    c->failures += gazette_writer_close(w) != GAZETTE_STATUS_OK;
    return NULL;
}

/* Opening the index while a writer commits, for 4 seconds: every open
 * succeeds. Two commits between Xapian's open and the read of the index's
 * settings (its language, read just after) discarded the revision being
 * read, and gazette_index_open failed with INDEX_MODIFIED (about once in
 * 1 300 opens here) or, when Xapian met a block already reused, with
 * INDEX_CORRUPT ("Expected block 0 to be level 1"). */
static void test_open_while_committing(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/committing", tmp);
    committer c = {.path = path};
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(path, NULL, 0, &w),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    pthread_t writer;
    assert_int_equal(pthread_create(&writer, NULL, commit_loop, &c), 0);
    long opens = 0, failures = 0;
    char last[512] = "";
    time_t end = time(NULL) + 4;
    while (time(NULL) < end) {
        gazette_index_t *index = NULL;
        if (gazette_index_open(path, &index) != GAZETTE_STATUS_OK) {
            failures++;
            snprintf(last, sizeof last, "%s", gazette_last_open_error());
        }
        gazette_index_close(index);
        opens++;
    }
    __atomic_store_n(&c.stop, 1, __ATOMIC_RELAXED);
    pthread_join(writer, NULL);
    printf("%ld opens during %ld commits, %ld failed%s%s\n", opens,
           c.commits, failures, failures ? ": " : "", last);
    assert_int_equal(c.failures, 0);
    assert_true(c.commits > 10);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline_has_hits),
        cmocka_unit_test(test_shared_handle),
        cmocka_unit_test(test_own_handles),
        cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_shared_writer),
        cmocka_unit_test(test_update_threads),
        cmocka_unit_test(test_open_while_committing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
