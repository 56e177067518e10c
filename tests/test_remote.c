/*
 * test_remote.c - indexes served by Xapian's own servers, on loopback.
 *
 * corpus/sample is split into two corpora (world + sport, and business +
 * culture + science), each indexed alone, and the whole sample once more.
 * Two xapian-tcpsrv serve the halves on 127.0.0.1 (ports picked free at
 * run time). Searching both halves as one, remote or local, must give
 * what the single index gives: the same ids in the same order with the
 * same percentages. A half that is down fails the search naming it, or,
 * when asked, is left out with a warning. A replica kept by
 * xapian-replicate from an index written with changesets finds what an
 * incremental run added, and is seeded again after a --full.
 *
 * Every server is started with PR_SET_PDEATHSIG (it dies with the test)
 * and killed in the teardown; every wait is bounded.
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "gazette.h"
#include "search_private.h"
#include "test_util.h"

/* Longest wait for a server to listen or to exit, in seconds. */
#define WAIT_SECONDS 15

typedef struct server {
    pid_t pid;
    int port;
} server;

static struct {
    char *tmp;
    char half_a[4096], half_b[4096], whole[4096];
    char url_a[64], url_b[64];
    server srv_a, srv_b;
} fx;

static const char *const half_a_folders[] = {"world", "sport", NULL};
static const char *const half_b_folders[] = {"business", "culture",
                                             "science", NULL};

/* ------------------------------------------------------------- servers */

/* A TCP port on 127.0.0.1 that nothing listens on just now. */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

/* 1 when something accepts connections on 127.0.0.1:port. */
static int listening(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Start `argv` (a server listening on `port`) with its output in
 * `log`; wait until it accepts connections. Returns its pid, or -1. */
static pid_t start_server(char *const argv[], int port, const char *log)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* Die with the test, whatever happens to it. A group of its own:
         * xapian-tcpsrv signals its whole process group when it stops,
         * and its connection handlers are stopped with it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        setpgid(0, 0);
        FILE *out = freopen(log, "w", stdout);
        if (out)
            dup2(fileno(out), STDERR_FILENO);
        execvp(argv[0], argv);
        _exit(127);
    }
    for (int i = 0; i < WAIT_SECONDS * 20; i++) {
        if (listening(port))
            return pid;
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return -1;   /* it exited: the port was taken, say */
        sleep_ms(50);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

/* Stop a server and the connection handlers it forked (its process
 * group): SIGTERM, then SIGKILL when it lingers. */
static void stop_server(server *s)
{
    if (s->pid <= 0)
        return;
    kill(-s->pid, SIGTERM);
    for (int i = 0; i < WAIT_SECONDS * 20; i++) {
        if (waitpid(s->pid, NULL, WNOHANG) == s->pid)
            break;
        sleep_ms(50);
        if (i == WAIT_SECONDS * 20 - 1)
            kill(-s->pid, SIGKILL);
    }
    kill(-s->pid, SIGKILL);   /* handlers still serving a connection */
    waitpid(s->pid, NULL, WNOHANG);
    s->pid = 0;
}

/* xapian-tcpsrv serving `db` on a free loopback port. Retries a few
 * ports: another program may take the one picked. */
static int start_tcpsrv(server *s, const char *db, const char *log)
{
    for (int attempt = 0; attempt < 5; attempt++) {
        char port[16];
        s->port = free_port();
        snprintf(port, sizeof port, "%d", s->port);
        char *argv[] = {"xapian-tcpsrv", "--interface", "127.0.0.1",
                        "--port", port, (char *)db, NULL};
        if (s->port > 0 && (s->pid = start_server(argv, s->port, log)) > 0)
            return 0;
    }
    return -1;
}

/* ------------------------------------------------------------- corpora */

/* Copy the sample folders `folders` into tmp/name, index them into
 * tmp/name.idx (with `env` before the command, e.g. changesets). */
static int build_index(const char *name, const char *const *folders,
                       const char *env, char *db, size_t dbsize)
{
    for (size_t i = 0; folders[i]; i++)
        if (tu_run("mkdir -p '%s/%s' && cp -R '%s/%s' '%s/%s/'", fx.tmp, name,
                   tu_source_path("corpus/sample"), folders[i], fx.tmp,
                   name) != 0)
            return -1;
    snprintf(db, dbsize, "%s/%s.idx", fx.tmp, name);
    /* One thread: under -j N, which names open a sentence depends on
     * what the other shards wrote so far (docs/entities.md), and the
     * halves must hold exactly the terms of the whole for equal weights. */
    return tu_run("%s '%s' -j1 --quiet --db '%s' '%s/%s'", env ? env : "",
                  tu_binary("gazette-index"), db, fx.tmp, name);
}

static int group_setup(void **state)
{
    (void)state;
    static const char *const all[] = {"world", "sport", "business",
                                      "culture", "science", NULL};
    fx.tmp = tu_mkdtemp("remote");
    char log[4200];
    if (build_index("a", half_a_folders, NULL, fx.half_a,
                    sizeof fx.half_a) != 0 ||
        build_index("b", half_b_folders, NULL, fx.half_b,
                    sizeof fx.half_b) != 0 ||
        build_index("whole", all, NULL, fx.whole, sizeof fx.whole) != 0)
        return -1;
    snprintf(log, sizeof log, "%s/tcpsrv-a.log", fx.tmp);
    if (start_tcpsrv(&fx.srv_a, fx.half_a, log) != 0)
        return -1;
    snprintf(log, sizeof log, "%s/tcpsrv-b.log", fx.tmp);
    if (start_tcpsrv(&fx.srv_b, fx.half_b, log) != 0)
        return -1;
    snprintf(fx.url_a, sizeof fx.url_a, "tcp://127.0.0.1:%d", fx.srv_a.port);
    snprintf(fx.url_b, sizeof fx.url_b, "tcp://127.0.0.1:%d", fx.srv_b.port);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    stop_server(&fx.srv_a);
    stop_server(&fx.srv_b);
    tu_rmtree(fx.tmp);
    free(fx.tmp);
    return 0;
}

/* ------------------------------------------------------------- helpers */

static gazette_results_t *search_in(gazette_index_t *index, const char *q,
                                    size_t limit)
{
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(opts, 0,
                                                      (uint32_t)limit),
                     GAZETTE_STATUS_OK);
    gazette_status_t s = gazette_search(index, q, opts, &r);
    if (s != GAZETTE_STATUS_OK)
        fail_msg("search '%s': %s", q, gazette_index_error(index));
    gazette_search_options_free(opts);
    return r;
}

static gazette_results_t *search_sorted(gazette_index_t *index,
                                        const char *q, gazette_sort_t sort)
{
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(opts, 0, 100),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_sort(opts, sort),
                     GAZETTE_STATUS_OK);
    if (gazette_search(index, q, opts, &r) != GAZETTE_STATUS_OK)
        fail_msg("search '%s' sorted %d: %s", q, (int)sort,
                 gazette_index_error(index));
    gazette_search_options_free(opts);
    return r;
}

static gazette_index_t *open_two(const char *a, const char *b, unsigned flags)
{
    const char *locations[2] = {a, b};
    gazette_index_t *index = NULL;
    gazette_status_t s = gazette_index_open_multi(locations, 2, flags, &index);
    if (s != GAZETTE_STATUS_OK)
        fail_msg("open %s + %s: %s", a, b, gazette_last_open_error());
    return index;
}

/* 1 when article `id` belongs to half A. */
static int in_half_a(const char *id)
{
    for (size_t i = 0; half_a_folders[i]; i++) {
        size_t n = strlen(half_a_folders[i]);
        if (strncmp(id, half_a_folders[i], n) == 0 && id[n] == '/')
            return 1;
    }
    return 0;
}

/* The two result sets list the same ids, in the same order, with the
 * same percentages, (to rounding) weights and snippets. */
static void assert_same_hits(const gazette_results_t *want,
                             const gazette_results_t *got, const char *q)
{
    size_t n = gazette_results_count(want);
    if (gazette_results_count(got) != n)
        fail_msg("'%s': %zu hits, not %zu", q, gazette_results_count(got), n);
    for (size_t i = 0; i < n; i++) {
        const gazette_hit_t *w = gazette_results_hit(want, i);
        const gazette_hit_t *g = gazette_results_hit(got, i);
        if (strcmp(gazette_hit_id(w), gazette_hit_id(g)) != 0)
            fail_msg("'%s' hit %zu: %s, not %s", q, i + 1, gazette_hit_id(g),
                     gazette_hit_id(w));
        assert_int_equal(gazette_hit_percent(g), gazette_hit_percent(w));
        double dw = gazette_hit_weight(g) - gazette_hit_weight(w);
        assert_true(dw < 1e-9 && dw > -1e-9);
        if (strcmp(gazette_hit_snippet(g), gazette_hit_snippet(w)) != 0)
            fail_msg("'%s' hit %zu snippet:\n%s\nnot\n%s", q, i + 1,
                     gazette_hit_snippet(g), gazette_hit_snippet(w));
    }
}

static const char *const queries[] = {
    "the", "gaza aid", "said", "hezbollah speech", "\"world cup\"",
    "prize OR election", "rates -inflation", NULL};

/* Both halves searched as one give the whole index's results: remote
 * (two xapian-tcpsrv) and local alike; each hit names its half. */
static void test_halves_equal_whole(void **state)
{
    (void)state;
    gazette_index_t *whole = NULL;
    assert_int_equal(gazette_index_open(fx.whole, &whole), GAZETTE_STATUS_OK);
    gazette_index_t *remote = open_two(fx.url_a, fx.url_b, 0);
    gazette_index_t *local = open_two(fx.half_a, fx.half_b, 0);
    assert_int_equal(gazette_index_location_count(remote), 2);
    assert_string_equal(gazette_index_location(remote, 1), fx.url_b);
    for (size_t q = 0; queries[q]; q++) {
        gazette_results_t *w = search_in(whole, queries[q], 40);
        gazette_results_t *r = search_in(remote, queries[q], 40);
        gazette_results_t *l = search_in(local, queries[q], 40);
        assert_true(gazette_results_count(w) > 0);
        assert_same_hits(w, r, queries[q]);
        assert_same_hits(w, l, queries[q]);
        uint64_t ew = 0, er = 0;
        gazette_results_estimate(w, NULL, &ew, NULL);
        gazette_results_estimate(r, NULL, &er, NULL);
        for (size_t i = 0; i < gazette_results_count(r); i++) {
            const gazette_hit_t *h = gazette_results_hit(r, i);
            assert_string_equal(gazette_hit_index(h),
                                in_half_a(gazette_hit_id(h)) ? fx.url_a
                                                             : fx.url_b);
            h = gazette_results_hit(l, i);
            assert_string_equal(gazette_hit_index(h),
                                in_half_a(gazette_hit_id(h)) ? fx.half_a
                                                             : fx.half_b);
        }
        assert_string_equal(gazette_results_warning(r), "");
        gazette_results_free(w);
        gazette_results_free(r);
        gazette_results_free(l);
    }
    gazette_index_close(whole);
    gazette_index_close(remote);
    gazette_index_close(local);
}

/* Date sorts, and a query of filters alone (newest first by relevance),
 * over two xapian-tcpsrv: Xapian's remote protocol cannot take the sort
 * key maker a local search uses, so the remote search sorts by the date
 * value alone. Same hits as local, dates in order; oldest first, the
 * undated articles come first over tcp:// (docs/search.md). */
static void test_sorted_remote(void **state)
{
    (void)state;
    gazette_index_t *remote = open_two(fx.url_a, fx.url_b, 0);
    gazette_index_t *local = open_two(fx.half_a, fx.half_b, 0);
    static const char *const sorted[] = {"gaza aid", "source:world",
                                         "year:2023 -gaza", "said"};
    static const gazette_sort_t sorts[] = {
        GAZETTE_SORT_DATE, GAZETTE_SORT_DATE_ASC, GAZETTE_SORT_RELEVANCE};
    for (size_t q = 0; q < sizeof sorted / sizeof *sorted; q++)
        for (size_t k = 0; k < 3; k++) {
            if (sorts[k] == GAZETTE_SORT_RELEVANCE && q != 1 && q != 2)
                continue;   /* only the queries that weigh nothing */
            gazette_results_t *r = search_sorted(remote, sorted[q], sorts[k]);
            gazette_results_t *l = search_sorted(local, sorted[q], sorts[k]);
            size_t n = gazette_results_count(l);
            assert_true(n > 0);
            assert_int_equal(gazette_results_count(r), n);
            int up = sorts[k] == GAZETTE_SORT_DATE_ASC;
            for (size_t i = 1; i < n; i++) {
                const char *a = gazette_hit_date(gazette_results_hit(r, i - 1));
                const char *b = gazette_hit_date(gazette_results_hit(r, i));
                /* undated ("") last newest first, first oldest first */
                if (up ? strcmp(a, b) > 0 : (*b && strcmp(a, b) < 0))
                    fail_msg("'%s' sort %d: hit %zu dated '%s' after '%s'",
                             sorted[q], (int)sorts[k], i + 1, b, a);
            }
            gazette_results_free(r);
            gazette_results_free(l);
        }
    gazette_index_close(remote);
    gazette_index_close(local);
}

/* `q` with --explain and no feedback re-ranking over `index`. */
static gazette_results_t *explained(gazette_index_t *index, const char *q)
{
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    gazette_search_options_set_explain(opts, 1);
    gazette_search_options_set_feedback(opts, 0);
    if (gazette_search(index, q, opts, &r) != GAZETTE_STATUS_OK)
        fail_msg("search '%s': %s", q, gazette_index_error(index));
    gazette_search_options_free(opts);
    return r;
}

/* --explain weighs each matching term of a hit alone, kept to the hit by
 * document number over local indexes and by its id over remote ones
 * (query/explain.c): the halves remote, local and one of each give the
 * same terms and weights, which add up to each hit's weight. */
static void test_explain_local_and_remote(void **state)
{
    (void)state;
    gazette_index_t *handles[3] = {open_two(fx.url_a, fx.url_b, 0),
                                   open_two(fx.half_a, fx.half_b, 0),
                                   open_two(fx.half_a, fx.url_b, 0)};
    for (size_t q = 0; queries[q]; q++) {
        gazette_results_t *r[3];
        for (size_t k = 0; k < 3; k++)
            r[k] = explained(handles[k], queries[q]);
        assert_same_hits(r[0], r[1], queries[q]);
        assert_same_hits(r[0], r[2], queries[q]);
        for (size_t i = 0; i < gazette_results_count(r[0]); i++) {
            const gazette_hit_t *h = gazette_results_hit(r[0], i);
            size_t n = gazette_hit_term_count(h);
            double sum = 0;
            for (size_t t = 0; t < n; t++) {
                double w = 0;
                const char *term = gazette_hit_term(h, t, &w);
                sum += w;
                for (size_t k = 1; k < 3; k++) {
                    const gazette_hit_t *o = gazette_results_hit(r[k], i);
                    double wo = -1;
                    assert_int_equal(gazette_hit_term_count(o), n);
                    assert_string_equal(gazette_hit_term(o, t, &wo), term);
                    if (wo - w > 1e-9 || w - wo > 1e-9)
                        fail_msg("'%s' hit %zu, %s: %g here, %g remote",
                                 queries[q], i + 1, term, wo, w);
                }
            }
            double gap = sum - gazette_hit_weight(h);
            if (gap > 1e-9 || gap < -1e-9)
                fail_msg("'%s' hit %zu: terms %g, hit %g", queries[q], i + 1,
                         sum, gazette_hit_weight(h));
        }
        for (size_t k = 0; k < 3; k++)
            gazette_results_free(r[k]);
    }
    for (size_t k = 0; k < 3; k++)
        gazette_index_close(handles[k]);
}

/* A Xapian stub file listing the halves ("auto" paths and "remote"
 * servers) is one location with the whole index's results. */
static void test_stub_of_shards(void **state)
{
    (void)state;
    char stub[8400], text[8400];
    snprintf(stub, sizeof stub, "%s/halves.stub", fx.tmp);
    snprintf(text, sizeof text, "auto %s\nremote 127.0.0.1:%d\n", fx.half_a,
             fx.srv_b.port);
    tu_write_file(fx.tmp, "halves.stub", text, strlen(text));
    gazette_index_t *whole = NULL, *both = NULL;
    assert_int_equal(gazette_index_open(fx.whole, &whole), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_index_open(stub, &both), GAZETTE_STATUS_OK);
    gazette_results_t *w = search_in(whole, "gaza aid", 40);
    gazette_results_t *b = search_in(both, "gaza aid", 40);
    assert_same_hits(w, b, "gaza aid");
    assert_string_equal(gazette_hit_index(gazette_results_hit(b, 0)), stub);
    gazette_results_free(w);
    gazette_results_free(b);
    gazette_index_close(whole);
    gazette_index_close(both);
}

/* Facet `facet`'s count of `value` in `r` (0 when absent). */
static uint64_t facet_count(const gazette_results_t *r, gazette_facet_t facet,
                            const char *value)
{
    for (size_t i = 0; i < gazette_results_facet_count(r, facet); i++) {
        const char *v = NULL;
        uint64_t n = 0;
        gazette_results_facet_value(r, facet, i, &v, &n);
        if (strcmp(v, value) == 0)
            return n;
    }
    return 0;
}

/* A source facet over a local half and a remote one: the local half is
 * counted by Gazette's spy (duplicates once), the remote one by Xapian's
 * on the server (every copy), and both reach the counts: each value's
 * count lies between the whole index's with duplicates collapsed and
 * without, and the values are the same. */
static void test_facets_local_and_remote(void **state)
{
    (void)state;
    gazette_index_t *mixed = open_two(fx.half_a, fx.url_b, 0);
    gazette_index_t *whole = NULL;
    assert_int_equal(gazette_index_open(fx.whole, &whole), GAZETTE_STATUS_OK);
    gazette_search_options_t *once = NULL, *every = NULL;
    assert_int_equal(gazette_search_options_new(&once), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&every), GAZETTE_STATUS_OK);
    gazette_search_options_add_facet(once, GAZETTE_FACET_SOURCE);
    gazette_search_options_add_facet(every, GAZETTE_FACET_SOURCE);
    gazette_search_options_set_collapse_duplicates(every, 0);
    gazette_results_t *m = NULL, *lo = NULL, *hi = NULL;
    assert_int_equal(gazette_search(mixed, "the", once, &m),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(whole, "the", once, &lo),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(whole, "the", every, &hi),
                     GAZETTE_STATUS_OK);
    size_t n = gazette_results_facet_count(m, GAZETTE_FACET_SOURCE);
    assert_int_equal(n, gazette_results_facet_count(lo, GAZETTE_FACET_SOURCE));
    size_t in_a = 0;
    for (size_t i = 0; i < n; i++) {
        const char *v = NULL;
        uint64_t count = 0;
        gazette_results_facet_value(m, GAZETTE_FACET_SOURCE, i, &v, &count);
        uint64_t low = facet_count(lo, GAZETTE_FACET_SOURCE, v);
        uint64_t high = facet_count(hi, GAZETTE_FACET_SOURCE, v);
        if (count < low || count > high)
            fail_msg("source '%s': %llu, whole index %llu to %llu", v,
                     (unsigned long long)count, (unsigned long long)low,
                     (unsigned long long)high);
        for (size_t k = 0; half_a_folders[k]; k++)
            in_a += strcmp(v, half_a_folders[k]) == 0;
    }
    assert_true(in_a > 0 && in_a < n);   /* values from both halves */
    gazette_results_free(m);
    gazette_results_free(lo);
    gazette_results_free(hi);
    gazette_search_options_free(once);
    gazette_search_options_free(every);
    gazette_index_close(whole);
    gazette_index_close(mixed);
}

/* Search `index` for `query` with facet `facet` and duplicates collapsed
 * or not. The results are the caller's. */
static gazette_results_t *facet_search_for(gazette_index_t *index,
                                           const char *query,
                                           gazette_facet_t facet,
                                           int collapse)
{
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    gazette_search_options_add_facet(opts, facet);
    gazette_search_options_set_collapse_duplicates(opts, collapse);
    if (gazette_search(index, query, opts, &r) != GAZETTE_STATUS_OK)
        fail_msg("%s facet: %s", gazette_facet_name(facet),
                 gazette_index_error(index));
    gazette_search_options_free(opts);
    return r;
}

/* Search `index` for "the" with facet `facet` and duplicates collapsed
 * or not. */
static gazette_results_t *facet_search(gazette_index_t *index,
                                       gazette_facet_t facet, int collapse)
{
    return facet_search_for(index, "the", facet, collapse);
}

/* `got` has facet `facet`'s values and counts of `want`, in its order. */
static void assert_same_facet(const gazette_results_t *want,
                              const gazette_results_t *got,
                              gazette_facet_t facet)
{
    const char *name = gazette_facet_name(facet);
    size_t n = gazette_results_facet_count(want, facet);
    assert_true(n >= 2);
    if (gazette_results_facet_count(got, facet) != n)
        fail_msg("%s facet: %zu values, not %zu", name,
                 gazette_results_facet_count(got, facet), n);
    for (size_t i = 0; i < n; i++) {
        const char *wv = NULL, *gv = NULL;
        uint64_t wc = 0, gc = 0;
        gazette_results_facet_value(want, facet, i, &wv, &wc);
        gazette_results_facet_value(got, facet, i, &gv, &gc);
        if (strcmp(wv, gv) != 0 || wc != gc)
            fail_msg("%s facet, value %zu: '%s' %llu, not '%s' %llu", name, i,
                     gv, (unsigned long long)gc, wv, (unsigned long long)wc);
    }
}

/* The multi-valued facets (tags, authors, entity names) are counted from
 * value slots, which xapian-tcpsrv counts too: over two remote halves, and
 * over a local half and a remote one, every copy counted, they equal the
 * whole index's counts of every copy. With duplicates collapsed, the
 * local half counts each article once and the server every copy: each
 * count lies between the whole index's collapsed and not. */
static void test_list_facets_remote(void **state)
{
    (void)state;
    static const gazette_facet_t facets[] = {
        GAZETTE_FACET_TAG, GAZETTE_FACET_AUTHOR, GAZETTE_FACET_ENTITY};
    gazette_index_t *whole = NULL;
    assert_int_equal(gazette_index_open(fx.whole, &whole), GAZETTE_STATUS_OK);
    gazette_index_t *remote = open_two(fx.url_a, fx.url_b, 0);
    gazette_index_t *mixed = open_two(fx.half_a, fx.url_b, 0);
    for (size_t i = 0; i < sizeof facets / sizeof *facets; i++) {
        gazette_results_t *w = facet_search(whole, facets[i], 0);
        gazette_results_t *r = facet_search(remote, facets[i], 0);
        gazette_results_t *m = facet_search(mixed, facets[i], 0);
        assert_same_facet(w, r, facets[i]);
        assert_same_facet(w, m, facets[i]);
        gazette_results_t *lo = facet_search(whole, facets[i], 1);
        gazette_results_t *mc = facet_search(mixed, facets[i], 1);
        size_t n = gazette_results_facet_count(mc, facets[i]);
        assert_int_equal(n, gazette_results_facet_count(lo, facets[i]));
        for (size_t k = 0; k < n; k++) {
            const char *v = NULL;
            uint64_t count = 0;
            gazette_results_facet_value(mc, facets[i], k, &v, &count);
            if (count < facet_count(lo, facets[i], v) ||
                count > facet_count(w, facets[i], v))
                fail_msg("%s '%s': %llu, whole index %llu to %llu",
                         gazette_facet_name(facets[i]), v,
                         (unsigned long long)count,
                         (unsigned long long)facet_count(lo, facets[i], v),
                         (unsigned long long)facet_count(w, facets[i], v));
        }
        gazette_results_free(lo);
        gazette_results_free(mc);
        gazette_results_free(w);
        gazette_results_free(r);
        gazette_results_free(m);
    }
    gazette_index_close(mixed);
    gazette_index_close(remote);
    gazette_index_close(whole);
}

/* Index tmp/name/news (into `db`): `top` files at its root, without a
 * source, and one in world/, each saying "flood". */
static void index_flood_news(const char *name, int top, char *db,
                             size_t dbsize)
{
    char root[4200], file[64], text[128];
    snprintf(root, sizeof root, "%s/%s/news", fx.tmp, name);
    for (int i = 0; i < top; i++) {
        int n = snprintf(text, sizeof text,
                         "Flood warning %d\n\nHeavy flood number %d.\n", i, i);
        snprintf(file, sizeof file, "top%d.txt", i);
        tu_write_file(root, file, text, (size_t)n);
    }
    static const char relief[] = "Flood relief\n\nFlood relief.\n";
    tu_write_file(root, "world/b.txt", relief, sizeof relief - 1);
    snprintf(db, dbsize, "%s/%s.idx", fx.tmp, name);
    assert_int_equal(tu_run("'%s' -j1 --quiet --db '%s' '%s'",
                            tu_binary("gazette-index"), db, root), 0);
}

/* The source facet counts articles without a source (files at the corpus
 * root) under "" over tcp:// as locally: xapian-tcpsrv's spy leaves them
 * out of its values but not of its document count. A remote index alone,
 * and a remote one with a local one, duplicates collapsed or not. */
static void test_source_bucket_remote(void **state)
{
    (void)state;
    char local[4200], served[4200], log[4200], url[64];
    index_flood_news("src-local", 1, local, sizeof local);
    index_flood_news("src-served", 2, served, sizeof served);
    server srv = {0, 0};
    snprintf(log, sizeof log, "%s/tcpsrv-src.log", fx.tmp);
    assert_int_equal(start_tcpsrv(&srv, served, log), 0);
    snprintf(url, sizeof url, "tcp://127.0.0.1:%d", srv.port);
    gazette_index_t *remote = NULL;
    assert_int_equal(gazette_index_open(url, &remote), GAZETTE_STATUS_OK);
    gazette_index_t *both = open_two(url, local, 0);
    for (int collapse = 0; collapse <= 1; collapse++) {
        gazette_results_t *r = facet_search_for(remote, "flood",
                                                GAZETTE_FACET_SOURCE,
                                                collapse);
        gazette_results_t *b = facet_search_for(both, "flood",
                                                GAZETTE_FACET_SOURCE,
                                                collapse);
        assert_int_equal(facet_count(r, GAZETTE_FACET_SOURCE, ""), 2);
        assert_int_equal(facet_count(r, GAZETTE_FACET_SOURCE, "world"), 1);
        assert_int_equal(facet_count(b, GAZETTE_FACET_SOURCE, ""), 3);
        assert_int_equal(gazette_results_facet_count(b, GAZETTE_FACET_SOURCE),
                         2);
        gazette_results_free(r);
        gazette_results_free(b);
    }
    gazette_index_close(both);
    gazette_index_close(remote);
    stop_server(&srv);
}

/* A copy of half A named tmp/name (path in `out`) as an index written
 * before facet lists: its metadata does not say every article has them. */
static void copy_without_lists(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", fx.tmp, name);
    assert_int_equal(tu_run("cp -R '%s' '%s'", fx.half_a, out), 0);
    xap_writable *w = NULL;
    assert_int_equal(xap_writable_open(out, XAP_DB_OPEN, 0, &w), XAP_OK);
    assert_int_equal(xap_writable_set_metadata(w, GZ_META_LIST_SLOTS, "", 0),
                     XAP_OK);
    assert_int_equal(xap_writable_close(w), XAP_OK);
    xap_writable_free(w);
}

/* What remote indexes cannot serve degrades: no spelling suggestion (and
 * no error); the tag and author facets of an index without facet lists
 * (written before them), counted from term lists, are refused clearly,
 * whether the remote index is named alone or in a stub file, whichever
 * line of the stub names the old index. */
static void test_remote_limits(void **state)
{
    (void)state;
    gazette_index_t *remote = open_two(fx.url_a, fx.url_b, 0);
    gazette_results_t *r = search_in(remote, "hezbolah", 10);
    assert_string_equal(gazette_results_suggestion(r), "");
    gazette_results_free(r);
    /* nor an author's word for a misspelt one (Fiona MacLeod's article is
     * in business/): the server would send every author's word with its
     * first letter, whatever the walk's bound */
    r = search_in(remote, "author:fionna", 10);
    assert_string_equal(gazette_results_suggestion(r), "");
    gazette_results_free(r);
    gazette_index_close(remote);

    char old[4200];
    copy_without_lists("old-a.idx", old, sizeof old);
    gazette_index_t *mixed = open_two(old, fx.url_b, 0);
    gazette_search_options_t *opts = NULL;
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    gazette_search_options_add_facet(opts, GAZETTE_FACET_ENTITY);
    assert_int_equal(gazette_search(mixed, "the", opts, &r),
                     GAZETTE_STATUS_OK);
    assert_true(gazette_results_facet_count(r, GAZETTE_FACET_ENTITY) >= 2);
    gazette_results_free(r);
    gazette_search_options_add_facet(opts, GAZETTE_FACET_TAG);
    assert_int_equal(gazette_search(mixed, "the", opts, &r),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_null(r);
    assert_non_null(strstr(gazette_index_error(mixed), "tag facet"));
    assert_non_null(strstr(gazette_index_error(mixed), fx.url_b));
    assert_non_null(strstr(gazette_index_error(mixed), "facet lists"));
    assert_non_null(strstr(gazette_index_error(mixed), old));  /* which */
    /* the remedy by its setter; gazette-query says gazette-index --full */
    assert_non_null(strstr(gazette_index_error(mixed),
                           "(written before them; a run with "
                           "gazette_update_set_full adds them)"));
    assert_null(strstr(gazette_index_error(mixed), "--"));
    gazette_index_close(mixed);
    assert_int_equal(tu_run("'%s' --facet tag --db '%s' --db '%s' the "
                            ">/dev/null 2>'%s/facet-err.txt'",
                            tu_binary("gazette-query"), old, fx.url_b,
                            fx.tmp), 64);
    assert_int_equal(tu_run("grep -q '(written before them; gazette-index "
                            "--full adds them)' '%s/facet-err.txt'", fx.tmp),
                     0);

    /* The same through one stub file naming both. */
    char stub[4200], text[4400];
    snprintf(stub, sizeof stub, "%s/old-and-b.stub", fx.tmp);
    snprintf(text, sizeof text, "auto %s\nremote 127.0.0.1:%d\n", old,
             fx.srv_b.port);
    tu_write_file(fx.tmp, "old-and-b.stub", text, strlen(text));
    gazette_index_t *stubbed = NULL;
    assert_int_equal(gazette_index_open(stub, &stubbed), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(stubbed, "the", opts, &r),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(gazette_index_error(stubbed), "tag facet"));
    assert_non_null(strstr(gazette_index_error(stubbed), "facet lists"));
    gazette_index_close(stubbed);

    /* And with the old index second: every shard of a stub is asked,
     * not the first alone. */
    snprintf(stub, sizeof stub, "%s/b-and-old.stub", fx.tmp);
    snprintf(text, sizeof text, "remote 127.0.0.1:%d\nauto %s\n",
             fx.srv_b.port, old);
    tu_write_file(fx.tmp, "b-and-old.stub", text, strlen(text));
    assert_int_equal(gazette_index_open(stub, &stubbed), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(stubbed, "the", opts, &r),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(gazette_index_error(stubbed), "facet lists"));
    gazette_search_options_free(opts);
    gazette_index_close(stubbed);
}

/* Articles first..last-1 of a word list under tmp/name, indexed alone
 * into tmp/name.idx (in `db`): article i holds the 60 words zq<60i>..
 * zq<60i+59>, so 15 articles hold 900 words starting "zq0". */
static void index_word_lists(const char *name, int first, int last,
                             char *db, size_t dbsize)
{
    char root[4200];
    snprintf(root, sizeof root, "%s/%s", fx.tmp, name);
    for (int i = first; i < last; i++) {
        char file[64], text[2048];
        int n = snprintf(text, sizeof text, "Title: list %d\n\n", i);
        for (int j = i * 60; j < (i + 1) * 60; j++)
            n += snprintf(text + n, sizeof text - (size_t)n, "zq%05d ", j);
        snprintf(file, sizeof file, "l%02d.txt", i);
        tu_write_file(root, file, text, (size_t)n);
    }
    snprintf(db, dbsize, "%s/%s.idx", fx.tmp, name);
    assert_int_equal(tu_run("'%s' -j1 --quiet --db '%s' '%s'",
                            tu_binary("gazette-index"), db, root), 0);
}

/* The wildcard limit over a remote index and a local one searched as one
 * counts their distinct words together: 900 words in each is 1800,
 * refused; the same 900 in both is 900, searched. */
static void test_wildcard_limit_remote(void **state)
{
    (void)state;
    char first[4200], second[4200], again[4200], log[4200], url[64];
    index_word_lists("wc-first", 0, 15, first, sizeof first);
    index_word_lists("wc-second", 15, 30, second, sizeof second);
    index_word_lists("wc-again", 0, 15, again, sizeof again);
    server srv = {0, 0};
    snprintf(log, sizeof log, "%s/tcpsrv-wc.log", fx.tmp);
    assert_int_equal(start_tcpsrv(&srv, first, log), 0);
    snprintf(url, sizeof url, "tcp://127.0.0.1:%d", srv.port);
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    gazette_index_t *apart = open_two(url, second, 0);
    gazette_status_t s = gazette_search(apart, "zq0*", opts, &r);
    if (s != GAZETTE_STATUS_QUERY_SYNTAX)
        fail_msg("900 remote + 900 local words: status %d", (int)s);
    assert_non_null(strstr(gazette_index_error(apart), "wildcard"));
    gazette_index_close(apart);
    gazette_index_t *same = open_two(url, again, 0);
    assert_int_equal(gazette_search(same, "zq0*", opts, &r),
                     GAZETTE_STATUS_OK);
    assert_true(gazette_results_count(r) > 0);
    gazette_results_free(r);
    gazette_index_close(same);
    gazette_search_options_free(opts);
    stop_server(&srv);
}

/* A hyphenated word is searched as written over a remote index: the walk
 * that finds its other forms would have the server send every index word
 * of its start (docs/search.md, "Hyphenated words"). Locally "e-mail"
 * finds the article writing "e-mails" too; through xapian-tcpsrv only
 * the one writing "e-mail". Before, the remote search walked too, and a
 * query of many such words held the search for minutes. */
static size_t count_hits(const char *db, const char *query);

static void test_hyphen_forms_not_over_remote(void **state)
{
    (void)state;
    char root[4200], db[4200], log[4200], url[64];
    snprintf(root, sizeof root, "%s/hyphen", fx.tmp);
    static const char one[] = "Title: one\n\nThe e-mail arrived late.\n";
    static const char two[] = "Title: two\n\nThe e-mails arrived late.\n";
    tu_write_file(root, "one.txt", one, sizeof one - 1);
    tu_write_file(root, "two.txt", two, sizeof two - 1);
    snprintf(db, sizeof db, "%s/hyphen.idx", fx.tmp);
    assert_int_equal(tu_run("'%s' -j1 --quiet --db '%s' '%s'",
                            tu_binary("gazette-index"), db, root), 0);
    assert_int_equal(count_hits(db, "e-mail"), 2);
    server srv = {0, 0};
    snprintf(log, sizeof log, "%s/tcpsrv-hyphen.log", fx.tmp);
    assert_int_equal(start_tcpsrv(&srv, db, log), 0);
    snprintf(url, sizeof url, "tcp://127.0.0.1:%d", srv.port);
    assert_int_equal(count_hits(url, "e-mail"), 1);
    stop_server(&srv);
}

/* Index one article of 150 distinct words (plus `extra`) as `name`. */
static void index_story(const char *name, const char *extra, char *db,
                        size_t dbsize)
{
    char root[4200], text[4096];
    snprintf(root, sizeof root, "%s/%s", fx.tmp, name);
    int n = snprintf(text, sizeof text, "Title: harbour story\n\nharbour ");
    for (int j = 0; j < 150; j++)
        n += snprintf(text + n, sizeof text - (size_t)n, "zn%03d ", j);
    n += snprintf(text + n, sizeof text - (size_t)n, "%s\n", extra);
    tu_write_file(root, "story.txt", text, (size_t)n);
    snprintf(db, dbsize, "%s/%s.idx", fx.tmp, name);
    assert_int_equal(tu_run("'%s' -j1 --quiet --db '%s' '%s'",
                            tu_binary("gazette-index"), db, root), 0);
}

/* A near-duplicate held by a remote index is left out as a local one
 * is: its fingerprint comes with its document. */
static void test_near_duplicates_remote(void **state)
{
    (void)state;
    char local[4200], remote[4200], log[4200], url[64];
    index_story("nd-local", "", local, sizeof local);
    index_story("nd-remote", "said on Tuesday", remote, sizeof remote);
    server srv = {0, 0};
    snprintf(log, sizeof log, "%s/tcpsrv-nd.log", fx.tmp);
    assert_int_equal(start_tcpsrv(&srv, remote, log), 0);
    snprintf(url, sizeof url, "tcp://127.0.0.1:%d", srv.port);
    gazette_index_t *both = open_two(url, local, 0);
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(both, "harbour", opts, &r),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(r), 1);
    assert_int_equal(gazette_hit_duplicates(gazette_results_hit(r, 0)), 1);
    gazette_results_free(r);
    gazette_search_options_set_collapse_duplicates(opts, 0);
    assert_int_equal(gazette_search(both, "harbour", opts, &r),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(r), 2);
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(both);
    stop_server(&srv);
}

/* Write under tmp/root `n` copies (file PREFIX1.txt ...) of an article of
 * 150 distinct words starting with `stem` ("zn": zn000 zn001 ...). */
static void write_copies(const char *root, const char *prefix,
                         const char *stem, int n)
{
    char dir[4200], text[4096], name[64];
    snprintf(dir, sizeof dir, "%s/%s", fx.tmp, root);
    int len = snprintf(text, sizeof text, "Title: harbour\n\nharbour ");
    for (int j = 0; j < 150; j++)
        len += snprintf(text + len, sizeof text - (size_t)len, "%s%03d ",
                        stem, j);
    for (int i = 1; i <= n; i++) {
        snprintf(name, sizeof name, "%s%d.txt", prefix, i);
        tu_write_file(dir, name, text, (size_t)len);
    }
}

/* The duplicates of the hit of "harbour" on `index` with path starting
 * with `prefix` (-1: no such hit). */
static int duplicates_of(gazette_index_t *index, const char *prefix)
{
    gazette_results_t *r = search_in(index, "harbour", 10);
    int d = -1;
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        if (strncmp(gazette_hit_id(h), prefix, strlen(prefix)) == 0)
            d = (int)gazette_hit_duplicates(h);
    }
    gazette_results_free(r);
    return d;
}

/* A limit, pinned (docs/scaling.md): over two or more remote parts, a
 * hit's duplicates count only the copies in the other parts. Xapian
 * 1.4's client merges the parts' answers with a collapse of its own,
 * whose counts replace those each server sent (a server's copies of
 * one article come back as one hit): story S has three copies in part
 * A and one in part B, story T one in A and two in B; every copy is a
 * match and the page holds them all, so locally the counts are exact.
 * One remote part alone keeps its server's counts. */
static void test_duplicates_over_remote_parts(void **state)
{
    (void)state;
    char a[4200], b[4200], log[4200], url_a[64], url_b[64];
    write_copies("dup-a", "s", "zn", 3);
    write_copies("dup-a", "t", "ym", 1);
    write_copies("dup-b", "s-b", "zn", 1);
    write_copies("dup-b", "t-b", "ym", 2);
    snprintf(a, sizeof a, "%s/dup-a.idx", fx.tmp);
    snprintf(b, sizeof b, "%s/dup-b.idx", fx.tmp);
    assert_int_equal(tu_run("'%s' -j1 --quiet --db '%s' '%s/dup-a' && "
                            "'%s' -j1 --quiet --db '%s' '%s/dup-b'",
                            tu_binary("gazette-index"), a, fx.tmp,
                            tu_binary("gazette-index"), b, fx.tmp),
                     0);
    server srv_a = {0, 0}, srv_b = {0, 0};
    snprintf(log, sizeof log, "%s/tcpsrv-dup-a.log", fx.tmp);
    assert_int_equal(start_tcpsrv(&srv_a, a, log), 0);
    snprintf(log, sizeof log, "%s/tcpsrv-dup-b.log", fx.tmp);
    assert_int_equal(start_tcpsrv(&srv_b, b, log), 0);
    snprintf(url_a, sizeof url_a, "tcp://127.0.0.1:%d", srv_a.port);
    snprintf(url_b, sizeof url_b, "tcp://127.0.0.1:%d", srv_b.port);
    gazette_index_t *local = open_two(a, b, 0);
    assert_int_equal(duplicates_of(local, "s"), 3);
    assert_int_equal(duplicates_of(local, "t"), 2);
    gazette_index_close(local);
    gazette_index_t *remote = open_two(url_a, url_b, 0);
    assert_int_equal(duplicates_of(remote, "s"), 1);
    assert_int_equal(duplicates_of(remote, "t"), 1);
    gazette_index_close(remote);
    gazette_index_t *one = NULL;
    assert_int_equal(gazette_index_open(url_a, &one), GAZETTE_STATUS_OK);
    assert_int_equal(duplicates_of(one, "s"), 2);
    gazette_index_close(one);
    stop_server(&srv_a);
    stop_server(&srv_b);
}

/* A small index of Chinese articles (-j1: one database) in tmp/name.idx;
 * `whole_runs`: made as an index written before CJK n-grams (its first
 * article indexed, the key dropped, then the rest: whole runs). */
static void index_chinese(const char *name, int whole_runs, char *db,
                          size_t dbsize)
{
    static const char metro[] =
        "北京市政府宣布新的地铁计划\n\n北京市政府周一宣布，明年春天将开通"
        "三条新的地铁线路。\n";
    static const char port[] =
        "上海港口货运量创新高\n\n上海港务局今天表示，北方的出口需求依然"
        "强劲。\n";
    char root[4200];
    snprintf(root, sizeof root, "%s/%s", fx.tmp, name);
    snprintf(db, dbsize, "%s/%s.idx", fx.tmp, name);
    tu_write_file(root, "zh/port.txt", port, sizeof port - 1);
    if (whole_runs) {
        assert_int_equal(tu_run("'%s' -j1 --quiet --db '%s' '%s'",
                                tu_binary("gazette-index"), db, root), 0);
        xap_writable *w = NULL;
        assert_int_equal(xap_writable_open(db, XAP_DB_OPEN, 0, &w), XAP_OK);
        assert_int_equal(xap_writable_set_metadata(w, GZ_META_CJK_NGRAMS, "",
                                                   0),
                         XAP_OK);
        assert_int_equal(xap_writable_close(w), XAP_OK);
        xap_writable_free(w);
    }
    tu_write_file(root, "zh/metro.txt", metro, sizeof metro - 1);
    assert_int_equal(tu_run("'%s' -j1 --quiet --db '%s' '%s' 2> /dev/null",
                            tu_binary("gazette-index"), db, root), 0);
}

/* The hits of `query` on `index`, with the first one's snippet (markers
 * "[" "]") in `snippet` and the warning in `warning`. */
static size_t cjk_hits(gazette_index_t *index, const char *query,
                       char *snippet, char *warning, size_t size)
{
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_snippet(opts, 200, "[", "]"),
                     GAZETTE_STATUS_OK);
    if (gazette_search(index, query, opts, &r) != GAZETTE_STATUS_OK)
        fail_msg("'%s': %s", query, gazette_index_error(index));
    size_t n = gazette_results_count(r);
    snprintf(snippet, size, "%s",
             n ? gazette_hit_snippet(gazette_results_hit(r, 0)) : "");
    snprintf(warning, size, "%s", gazette_results_warning(r));
    gazette_results_free(r);
    gazette_search_options_free(opts);
    return n;
}

/* CJK n-grams over xapian-tcpsrv: the server's index says it holds them
 * (its metadata), so a word inside a run of Chinese is found and marked
 * there as in a local index; an index served that was written before
 * them is searched by whole runs; the two together read whole runs, and
 * the warning names the older one. */
static void test_cjk_remote(void **state)
{
    (void)state;
    char grams[4200], runs[4200], log[4200], url[64], url_old[64];
    char snippet[1024], warning[1024];
    index_chinese("cjk-grams", 0, grams, sizeof grams);
    index_chinese("cjk-runs", 1, runs, sizeof runs);
    server srv = {0, 0}, old = {0, 0};
    snprintf(log, sizeof log, "%s/tcpsrv-cjk.log", fx.tmp);
    assert_int_equal(start_tcpsrv(&srv, grams, log), 0);
    snprintf(log, sizeof log, "%s/tcpsrv-cjk-old.log", fx.tmp);
    assert_int_equal(start_tcpsrv(&old, runs, log), 0);
    snprintf(url, sizeof url, "tcp://127.0.0.1:%d", srv.port);
    snprintf(url_old, sizeof url_old, "tcp://127.0.0.1:%d", old.port);

    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(url, &index), GAZETTE_STATUS_OK);
    assert_int_equal(cjk_hits(index, "北京", snippet, warning,
                              sizeof snippet), 1);
    if (!strstr(snippet, "[北京]市政府"))
        fail_msg("snippet: %s", snippet);
    assert_string_equal(warning, "");
    assert_int_equal(cjk_hits(index, "\"地铁线路\"", snippet, warning,
                              sizeof snippet), 1);
    assert_int_equal(cjk_hits(index, "南京", snippet, warning,
                              sizeof snippet), 0);
    gazette_index_close(index);

    assert_int_equal(gazette_index_open(url_old, &index), GAZETTE_STATUS_OK);
    assert_int_equal(cjk_hits(index, "北京", snippet, warning,
                              sizeof snippet), 0);
    assert_int_equal(cjk_hits(index, "北京市政府周一宣布", snippet, warning,
                              sizeof snippet), 1);
    gazette_index_close(index);

    index = open_two(url, url_old, 0);
    assert_int_equal(cjk_hits(index, "北京市政府周一宣布", snippet, warning,
                              sizeof snippet), 1);
    if (!strstr(warning, url_old) || !strstr(warning, "whole runs"))
        fail_msg("warning: %s", warning);
    gazette_index_close(index);
    stop_server(&srv);
    stop_server(&old);
}

/* A handle shared by two threads (gazette.h allows it): one asks for a
 * facet the index refuses, the other searches plainly at the same time.
 * The refusal must reach its caller as it is, every time, though the
 * other thread's search clears the handle's failure as soon as it gets
 * the lock. */
typedef struct shared_search {
    gazette_index_t *index;
    int refused;   /* the thread asking for the refused facet */
    int wrong;     /* searches that did not end as they should */
} shared_search;

static void *search_repeatedly(void *arg)
{
    shared_search *t = arg;
    gazette_search_options_t *opts = NULL;
    if (gazette_search_options_new(&opts) != GAZETTE_STATUS_OK)
        return NULL;
    if (t->refused)
        gazette_search_options_add_facet(opts, GAZETTE_FACET_TAG);
    else {   /* short searches: the thread mostly waits for the lock */
        gazette_search_options_set_feedback(opts, 0);
        gazette_search_options_set_snippet(opts, 0, NULL, NULL);
    }
    for (int i = 0; i < 500; i++) {
        gazette_results_t *r = NULL;
        gazette_status_t s = gazette_search(t->index, "gaza", opts, &r);
        if (t->refused ? s != GAZETTE_STATUS_INVALID_ARGUMENT ||
                             !strstr(gazette_index_error(t->index), "tag facet")
                       : s != GAZETTE_STATUS_OK)
            t->wrong++;
        gazette_results_free(r);
    }
    gazette_search_options_free(opts);
    return NULL;
}

static void test_refusal_with_a_shared_handle(void **state)
{
    (void)state;
    char old[4200];
    copy_without_lists("old-shared.idx", old, sizeof old);
    gazette_index_t *index = open_two(old, fx.url_b, 0);
    shared_search a = {index, 1, 0}, b = {index, 0, 0};
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, search_repeatedly, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, search_repeatedly, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(a.wrong, 0);
    assert_int_equal(b.wrong, 0);
    gazette_index_close(index);
}

/* A location where nothing listens: the open fails naming it; with
 * GAZETTE_OPEN_SKIP_UNAVAILABLE the other half is searched, with a
 * warning naming the missing one. */
static void test_down_at_open(void **state)
{
    (void)state;
    char down[64];
    snprintf(down, sizeof down, "tcp://127.0.0.1:%d", free_port());
    const char *locations[2] = {fx.url_a, down};
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open_multi(locations, 2, 0, &index),
                     GAZETTE_STATUS_IO_ERROR);
    assert_null(index);
    assert_non_null(strstr(gazette_last_open_error(), down));
    assert_int_equal(gazette_index_open_multi(
                         locations, 2, GAZETTE_OPEN_SKIP_UNAVAILABLE, &index),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_index_location_available(index, 0), 1);
    assert_int_equal(gazette_index_location_available(index, 1), 0);
    gazette_results_t *r = search_in(index, "the", 40);
    assert_true(gazette_results_count(r) > 0);
    for (size_t i = 0; i < gazette_results_count(r); i++)
        assert_true(in_half_a(gazette_hit_id(gazette_results_hit(r, i))));
    assert_non_null(strstr(gazette_results_warning(r), down));
    assert_non_null(strstr(gazette_results_warning(r), "1 of 2"));
    gazette_results_free(r);
    gazette_index_close(index);
    /* Malformed locations are usage errors. */
    const char *bad[1] = {"tcp://127.0.0.1:99999"};
    assert_int_equal(gazette_index_open_multi(bad, 1, 0, &index),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(gazette_index_open_multi(bad, 0, 0, &index),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
}

/* One server given twice (tcp://HOST:PORT, HOST as written) would be
 * searched twice, every article found twice: a usage error. */
static void test_server_given_twice(void **state)
{
    (void)state;
    char again[64];
    snprintf(again, sizeof again, "tcp://127.0.0.1:%d", fx.srv_a.port);
    const char *twice[2] = {fx.url_a, again};
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open_multi(twice, 2, 0, &index),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_null(index);
    if (!strstr(gazette_last_open_error(), "is given twice"))
        fail_msg("error: %s", gazette_last_open_error());
    const char *both[2] = {fx.url_a, fx.url_b};
    assert_int_equal(gazette_index_open_multi(both, 2, 0, &index),
                     GAZETTE_STATUS_OK);
    gazette_index_close(index);
}

/* A server that stops during a session: the next search fails naming
 * it, or (when allowed) runs on the other half with a warning; when it
 * is back, a later search finds it again. */
static void test_down_during_session(void **state)
{
    (void)state;
    server third = {0, 0};
    char log[4200], url[64];
    snprintf(log, sizeof log, "%s/tcpsrv-c.log", fx.tmp);
    assert_int_equal(start_tcpsrv(&third, fx.half_b, log), 0);
    snprintf(url, sizeof url, "tcp://127.0.0.1:%d", third.port);
    gazette_index_t *strict = open_two(fx.url_a, url, 0);
    gazette_index_t *partial =
        open_two(fx.url_a, url, GAZETTE_OPEN_SKIP_UNAVAILABLE);
    gazette_results_t *r = search_in(strict, "the", 40);
    size_t both = gazette_results_count(r);
    gazette_results_free(r);
    stop_server(&third);

    assert_int_equal(gazette_search(strict, "the", NULL, &r),
                     GAZETTE_STATUS_IO_ERROR);
    assert_non_null(strstr(gazette_index_error(strict), url));
    r = search_in(partial, "the", 40);
    assert_true(gazette_results_count(r) > 0 &&
                gazette_results_count(r) < both);
    assert_non_null(strstr(gazette_results_warning(r), url));
    gazette_results_free(r);
    gazette_index_close(strict);
    gazette_index_close(partial);
    stop_server(&third);
}

/* Write the stub file tmp/name (its path in `out`) holding `text`. */
static void write_stub(const char *name, const char *text, char *out,
                       size_t size)
{
    snprintf(out, size, "%s/%s", fx.tmp, name);
    tu_write_file(fx.tmp, name, text, strlen(text));
}

/* Whether a stub talks to servers (its locations' `remote`, which picks
 * the date sort a server can take, among others) is read from its lines
 * as Xapian reads them (gz_stub_each_line): a server line after 1 000
 * comments is one (searches sorted by date failed over it: the local
 * sort key maker went to the server), and a comment over 1 KB is one
 * line, whatever it holds (its second KB, "remote ...", was taken for a
 * server line). */
static void test_stub_servers_read_as_xapian_does(void **state)
{
    (void)state;
    size_t size = 1000 * 12 + 8400;
    char stub[4200], *text = malloc(size);
    assert_non_null(text);
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(text + n, size - n, "# comment %d\n", i % 10);
    snprintf(text + n, size - n, "auto %s\nremote 127.0.0.1:%d\n",
             fx.half_a, fx.srv_b.port);
    write_stub("late-server.stub", text, stub, sizeof stub);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(stub, &index), GAZETTE_STATUS_OK);
    assert_int_equal(index->locations[0].remote, 1);
    gazette_results_t *r = search_sorted(index, "gaza aid",
                                         GAZETTE_SORT_DATE);
    assert_true(gazette_results_count(r) > 0);
    gazette_results_free(r);
    gazette_index_close(index);

    n = (size_t)snprintf(text, size, "#");
    while (n < 1023)
        text[n++] = 'x';
    snprintf(text + n, size - n, "remote 127.0.0.1:%d\nauto %s\n",
             fx.srv_b.port, fx.half_a);
    write_stub("long-comment.stub", text, stub, sizeof stub);
    free(text);
    assert_int_equal(gazette_index_open(stub, &index), GAZETTE_STATUS_OK);
    assert_int_equal(index->locations[0].remote, 0);
    gazette_index_close(index);
}

/* Every hit of `r` is from half A and names `index`; there is one. */
static void assert_half_a_only(const gazette_results_t *r, const char *index)
{
    assert_true(gazette_results_count(r) > 0);
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        if (!in_half_a(gazette_hit_id(h)))
            fail_msg("hit %s is not from half A", gazette_hit_id(h));
        assert_string_equal(gazette_hit_index(h), index);
    }
}

/* A stub file of two remote halves, the second server down: the open
 * fails naming the stub and the server, as Xapian opens the stub as one;
 * with GAZETTE_OPEN_SKIP_UNAVAILABLE the stub is opened line by line, the
 * live half is searched (its hits name the stub, as given) and the
 * warning names the line left out. When that server is back, the next
 * try (made due here rather than waited for) searches both halves. */
static void test_stub_with_a_server_down(void **state)
{
    (void)state;
    char stub[4200], text[256], down[64], log[4200], port[16];
    int down_port = free_port();
    snprintf(down, sizeof down, "tcp://127.0.0.1:%d", down_port);
    snprintf(text, sizeof text, "remote 127.0.0.1:%d\nremote 127.0.0.1:%d\n",
             fx.srv_a.port, down_port);
    write_stub("a-and-down.stub", text, stub, sizeof stub);
    const char *names[1] = {stub};
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open_multi(names, 1, 0, &index),
                     GAZETTE_STATUS_IO_ERROR);
    assert_null(index);
    assert_non_null(strstr(gazette_last_open_error(), stub));
    snprintf(port, sizeof port, "127.0.0.1:%d", down_port);
    assert_non_null(strstr(gazette_last_open_error(), port));

    assert_int_equal(gazette_index_open_multi(
                         names, 1, GAZETTE_OPEN_SKIP_UNAVAILABLE, &index),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_index_location_count(index), 1);
    assert_int_equal(gazette_index_location_available(index, 0), 1);
    gazette_results_t *r = search_in(index, "the", 40);
    assert_half_a_only(r, stub);
    const char *warning = gazette_results_warning(r);
    assert_non_null(strstr(warning, "searched 1 of 2 indexes"));
    assert_non_null(strstr(warning, down));
    assert_non_null(strstr(warning, stub));
    gazette_results_free(r);

    /* The server comes back on that port. */
    server back = {0, down_port};
    snprintf(log, sizeof log, "%s/tcpsrv-back.log", fx.tmp);
    snprintf(port, sizeof port, "%d", down_port);
    char *argv[] = {"xapian-tcpsrv", "--interface", "127.0.0.1", "--port",
                    port, fx.half_b, NULL};
    back.pid = start_server(argv, down_port, log);
    assert_true(back.pid > 0);
    assert_int_equal(index->locations[0].nparts, 2);
    index->locations[0].parts[1].retry_at = 0;   /* due now */
    gazette_index_t *whole = NULL;
    assert_int_equal(gazette_index_open(fx.whole, &whole), GAZETTE_STATUS_OK);
    gazette_results_t *w = search_in(whole, "gaza aid", 40);
    r = search_in(index, "gaza aid", 40);
    assert_same_hits(w, r, "gaza aid");
    assert_string_equal(gazette_results_warning(r), "");
    gazette_results_free(w);
    gazette_results_free(r);
    gazette_index_close(whole);
    gazette_index_close(index);
    stop_server(&back);
}

/* A stub file opened whole, one of whose servers stops during the
 * session: when allowed, the next search runs on the other line, with a
 * warning naming the stopped one. */
static void test_stub_server_stops(void **state)
{
    (void)state;
    server third = {0, 0};
    char log[4200], stub[4200], text[256], url[64];
    snprintf(log, sizeof log, "%s/tcpsrv-d.log", fx.tmp);
    assert_int_equal(start_tcpsrv(&third, fx.half_b, log), 0);
    snprintf(url, sizeof url, "tcp://127.0.0.1:%d", third.port);
    snprintf(text, sizeof text, "remote 127.0.0.1:%d\nremote 127.0.0.1:%d\n",
             fx.srv_a.port, third.port);
    write_stub("a-and-third.stub", text, stub, sizeof stub);
    const char *names[1] = {stub};
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open_multi(
                         names, 1, GAZETTE_OPEN_SKIP_UNAVAILABLE, &index),
                     GAZETTE_STATUS_OK);
    gazette_results_t *r = search_in(index, "the", 40);
    assert_string_equal(gazette_results_warning(r), "");
    gazette_results_free(r);
    stop_server(&third);
    r = search_in(index, "the", 40);
    assert_half_a_only(r, stub);
    assert_non_null(strstr(gazette_results_warning(r), url));
    gazette_results_free(r);
    gazette_index_close(index);
}

/* A socket on a free loopback port that takes connections (the kernel
 * completes them) and never answers: a server that hangs. Returns the
 * listening descriptor, its port in *port, or -1. */
static int silent_server(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* How many connections the silent server `fd` was asked for so far. */
static int connections_taken(int fd)
{
    int n = 0, c;
    while ((c = accept(fd, NULL, NULL)) >= 0) {
        close(c);
        n++;
    }
    return n;
}

/* A stub file of a live server and one that hangs (connects, never
 * answers), opened partially: the hanging one is waited for once, not
 * once for the stub as a whole and again for its line, and is left out
 * with the warning. */
static void test_stub_with_a_silent_server(void **state)
{
    (void)state;
    int port = 0, fd = silent_server(&port);
    assert_true(fd >= 0);
    char stub[4200], text[256], silent[64];
    snprintf(silent, sizeof silent, "tcp://127.0.0.1:%d", port);
    snprintf(text, sizeof text, "remote 127.0.0.1:%d\nremote 127.0.0.1:%d\n",
             fx.srv_a.port, port);
    write_stub("a-and-silent.stub", text, stub, sizeof stub);
    const char *names[1] = {stub};
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open_multi(
                         names, 1, GAZETTE_OPEN_SKIP_UNAVAILABLE, &index),
                     GAZETTE_STATUS_OK);
    assert_int_equal(connections_taken(fd), 1);
    gazette_results_t *r = search_in(index, "the", 40);
    assert_half_a_only(r, stub);
    assert_non_null(strstr(gazette_results_warning(r), silent));
    assert_non_null(strstr(gazette_results_warning(r), "1 of 2"));
    gazette_results_free(r);
    gazette_index_close(index);
    close(fd);
}

/* A stub file of local indexes, one missing, with relative paths (read
 * relative to the stub's directory, not the working one): it fails to
 * open naming the stub; opened partially, the present one is searched
 * and the warning names the missing one as resolved. */
static void test_stub_with_a_missing_index(void **state)
{
    (void)state;
    char stub[4200], missing[8500];
    const char *slash = strrchr(fx.half_a, '/');
    char text[4300];
    snprintf(text, sizeof text, "# half A, then an index not there\n\n"
             "auto %s\nauto gone.idx\n", slash + 1);
    write_stub("a-and-gone.stub", text, stub, sizeof stub);
    snprintf(missing, sizeof missing, "%s/gone.idx in %s", fx.tmp, stub);
    gazette_index_t *index = NULL;
    assert_int_not_equal(gazette_index_open(stub, &index), GAZETTE_STATUS_OK);
    assert_null(index);
    assert_non_null(strstr(gazette_last_open_error(), stub));
    const char *names[1] = {stub};
    assert_int_equal(gazette_index_open_multi(
                         names, 1, GAZETTE_OPEN_SKIP_UNAVAILABLE, &index),
                     GAZETTE_STATUS_OK);
    gazette_results_t *r = search_in(index, "the", 40);
    assert_half_a_only(r, stub);
    assert_non_null(strstr(gazette_results_warning(r), missing));
    gazette_results_free(r);
    gazette_index_close(index);

    /* A line of a format this library cannot read is no unavailable
     * line: the open fails naming it, though another line is missing. */
    assert_int_equal(tu_run("cp -R '%s' '%s/newer-a.idx' && xapian-metadata "
                            "set '%s/newer-a.idx' gazette.format 99",
                            fx.half_a, fx.tmp, fx.tmp), 0);
    write_stub("gone-and-newer.stub", "auto gone.idx\nauto newer-a.idx\n",
               stub, sizeof stub);
    assert_int_equal(gazette_index_open_multi(
                         names, 1, GAZETTE_OPEN_SKIP_UNAVAILABLE, &index),
                     GAZETTE_STATUS_INDEX_VERSION);
    assert_non_null(strstr(gazette_last_open_error(), "newer-a.idx: it has "
                                                      "Gazette index format 99"));
}

/* A local stub line without a path ("auto") names the stub's directory,
 * as Xapian reads it: opened partially, the stub is opened line by line,
 * that line is left out (the directory holds no index) with a warning
 * naming it, and the other line is searched. It was not split: the whole
 * stub was unavailable. */
static void test_stub_line_without_path(void **state)
{
    (void)state;
    char stub[4200], text[4300], dir[8500];
    const char *slash = strrchr(fx.half_a, '/');
    snprintf(text, sizeof text, "auto %s\nauto\n", slash + 1);
    write_stub("a-and-dir.stub", text, stub, sizeof stub);
    snprintf(dir, sizeof dir, "%s/ in %s", fx.tmp, stub);
    gazette_index_t *index = NULL;
    assert_int_not_equal(gazette_index_open(stub, &index), GAZETTE_STATUS_OK);
    const char *names[1] = {stub};
    assert_int_equal(gazette_index_open_multi(
                         names, 1, GAZETTE_OPEN_SKIP_UNAVAILABLE, &index),
                     GAZETTE_STATUS_OK);
    gazette_results_t *r = search_in(index, "the", 40);
    assert_half_a_only(r, stub);
    assert_non_null(strstr(gazette_results_warning(r), dir));
    gazette_results_free(r);
    gazette_index_close(index);
}

/* tmp/name: a sharded index's directory as gazette-index -j2 makes it,
 * its stub XAPIANDB holding `text` ("auto shard0" is a copy of half A);
 * its path in `out`. */
static void sharded_dir(const char *name, const char *text, char *out,
                        size_t size)
{
    snprintf(out, size, "%s/%s", fx.tmp, name);
    assert_int_equal(tu_run("mkdir '%s' && cp -R '%s' '%s/shard0'", out,
                            fx.half_a, out), 0);
    tu_write_file(out, "XAPIANDB", text, strlen(text));
}

/* A sharded index given as its directory (the form every doc shows) is
 * its stub XAPIANDB: opened partially, a shard that is missing, or a
 * server line that is down, leaves out that line only, as --db
 * DIR/XAPIANDB does. The directory was left out whole (and alone it
 * failed: INDEX_NOT_FOUND, or IO_ERROR for the server). */
static void test_sharded_dir_opened_line_by_line(void **state)
{
    (void)state;
    char dir[4200], remote_dir[4200], text[128], missing[8500];
    sharded_dir("shard-gone.idx", "auto shard0\nauto shard1\n", dir,
                sizeof dir);
    snprintf(missing, sizeof missing, "%s/shard1 in %s is unavailable", dir,
             dir);
    const char *names[2] = {dir, fx.half_b};
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open_multi(names, 1, 0, &index),
                     GAZETTE_STATUS_INDEX_NOT_FOUND);
    if (gazette_index_open_multi(names, 2, GAZETTE_OPEN_SKIP_UNAVAILABLE,
                                 &index) != GAZETTE_STATUS_OK)
        fail_msg("%s", gazette_last_open_error());
    assert_int_equal(gazette_index_location_available(index, 0), 1);
    gazette_index_t *whole = NULL;
    assert_int_equal(gazette_index_open(fx.whole, &whole), GAZETTE_STATUS_OK);
    gazette_results_t *w = search_in(whole, "gaza aid", 40);
    gazette_results_t *r = search_in(index, "gaza aid", 40);
    assert_same_hits(w, r, "gaza aid");   /* shard0 and half B: the whole */
    assert_non_null(strstr(gazette_results_warning(r), "searched 2 of 3"));
    assert_non_null(strstr(gazette_results_warning(r), missing));
    gazette_results_free(w);
    gazette_results_free(r);
    gazette_index_close(whole);
    gazette_index_close(index);

    int down_port = free_port();
    snprintf(text, sizeof text, "auto shard0\nremote 127.0.0.1:%d\n",
             down_port);
    sharded_dir("server-down.idx", text, remote_dir, sizeof remote_dir);
    snprintf(missing, sizeof missing, "tcp://127.0.0.1:%d in %s is "
             "unavailable", down_port, remote_dir);
    names[0] = remote_dir;
    assert_int_equal(gazette_index_open_multi(names, 1, 0, &index),
                     GAZETTE_STATUS_IO_ERROR);
    assert_int_equal(gazette_index_open_multi(
                         names, 1, GAZETTE_OPEN_SKIP_UNAVAILABLE, &index),
                     GAZETTE_STATUS_OK);
    assert_int_equal(index->locations[0].remote, 1);   /* SIGPIPE guarded */
    r = search_in(index, "the", 40);
    assert_half_a_only(r, remote_dir);
    assert_non_null(strstr(gazette_results_warning(r), missing));
    gazette_results_free(r);
    gazette_index_close(index);
    assert_int_equal(tu_run("'%s' --db '%s' --partial gaza >/dev/null "
                            "2>&1", tu_binary("gazette-query"), dir), 0);
}

/* A search over `index` with `q`: its status, the results freed. */
static gazette_status_t search_status(gazette_index_t *index, const char *q)
{
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    gazette_status_t s = gazette_search(index, q, opts, &r);
    gazette_search_options_free(opts);
    gazette_results_free(r);
    return s;
}

/* A local location (flags 0) that goes away fails the search and is not
 * available; once it is back, the next search succeeds over it, and
 * gazette_index_location_available says so: it stayed 0 (the failed
 * reopen left the location without its database while the handle went
 * on searching the database it had before). */
static void test_local_location_back_is_available(void **state)
{
    (void)state;
    char dir[4200], away[4300];
    sharded_dir("comes-back.idx", "auto shard0\n", dir, sizeof dir);
    snprintf(away, sizeof away, "%s.away", dir);
    const char *names[2] = {dir, fx.half_b};
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open_multi(names, 2, 0, &index),
                     GAZETTE_STATUS_OK);
    assert_int_equal(search_status(index, "gaza"), GAZETTE_STATUS_OK);
    assert_int_equal(rename(dir, away), 0);
    assert_int_not_equal(search_status(index, "gaza"), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_index_location_available(index, 0), 0);
    assert_int_equal(rename(away, dir), 0);
    gazette_results_t *r = search_in(index, "the", 40);
    size_t from_a = 0;
    for (size_t i = 0; i < gazette_results_count(r); i++)
        from_a += in_half_a(gazette_hit_id(gazette_results_hit(r, i)));
    assert_true(from_a > 0);
    gazette_results_free(r);
    assert_int_equal(gazette_index_location_available(index, 0), 1);
    assert_int_equal(gazette_index_location_available(index, 1), 1);
    gazette_index_close(index);
}

/* One server listed twice by the stubs of a location ("remote
 * HOST:PORT" twice, or in a stub and in a stub it names) is refused as a
 * local database listed twice is: INDEX_CORRUPT (gazette-query: 65);
 * listed by a stub and given as tcp:// too, INVALID_ARGUMENT. Every
 * article was found twice, the match count doubled. */
static void test_stub_lists_server_twice(void **state)
{
    (void)state;
    char stub[4200], inner[4200], text[256], named[128];
    snprintf(named, sizeof named, "the server tcp://127.0.0.1:%d twice",
             fx.srv_a.port);
    snprintf(text, sizeof text, "remote 127.0.0.1:%d\nremote 127.0.0.1:%d\n"
             "remote 127.0.0.1:%d\n", fx.srv_a.port, fx.srv_b.port,
             fx.srv_a.port);
    write_stub("server-twice.stub", text, stub, sizeof stub);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(stub, &index),
                     GAZETTE_STATUS_INDEX_CORRUPT);
    if (!strstr(gazette_last_open_error(), named))
        fail_msg("error: %s", gazette_last_open_error());
    assert_int_equal(tu_run("'%s' --db '%s' gaza >/dev/null 2>&1",
                            tu_binary("gazette-query"), stub), 65);

    snprintf(text, sizeof text, "remote 127.0.0.1:%d\n", fx.srv_a.port);
    write_stub("server-a.stub", text, inner, sizeof inner);
    snprintf(text, sizeof text, "auto server-a.stub\nremote 127.0.0.1:%d\n",
             fx.srv_a.port);
    write_stub("nests-server-twice.stub", text, stub, sizeof stub);
    assert_int_equal(gazette_index_open(stub, &index),
                     GAZETTE_STATUS_INDEX_CORRUPT);

    const char *given_and_listed[2] = {fx.url_a, inner};
    assert_int_equal(gazette_index_open_multi(given_and_listed, 2, 0, &index),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_null(index);
    const char *other[2] = {fx.url_b, inner};
    assert_int_equal(gazette_index_open_multi(other, 2, 0, &index),
                     GAZETTE_STATUS_OK);
    gazette_index_close(index);
}

/* gazette-index --db tcp://HOST:PORT: a remote index cannot be written,
 * said so, exit status 65 as for a stub with a remote line, no summary
 * (nothing ran). It said "the directory it goes in does not exist (not
 * mounted?)", 74, taking the address for a path. */
static void test_index_into_server_refused(void **state)
{
    (void)state;
    char out[4300], err[4300];
    snprintf(out, sizeof out, "%s/index-remote.out", fx.tmp);
    snprintf(err, sizeof err, "%s/index-remote.err", fx.tmp);
    assert_int_equal(tu_run("'%s' --db '%s' '%s' >'%s' 2>'%s'",
                            tu_binary("gazette-index"), fx.url_a,
                            tu_source_path("corpus/sample"), out, err), 65);
    assert_int_equal(tu_run("grep -q '%s: a remote index is not a local "
                            "database gazette-index can write' '%s' && "
                            "test ! -s '%s'", fx.url_a, err, out), 0);
}

/* The audit's case on the command line: --db STUB with a server of the
 * stub down fails with exit status 74 naming it, and with --partial
 * prints the live half's hits and the warning, exit status 0. */
static void test_cli_stub_partial(void **state)
{
    (void)state;
    char stub[4200], text[256], out[4300], err[4300];
    int down_port = free_port();
    snprintf(text, sizeof text, "remote 127.0.0.1:%d\nremote 127.0.0.1:%d\n",
             fx.srv_a.port, down_port);
    write_stub("cli-down.stub", text, stub, sizeof stub);
    snprintf(out, sizeof out, "%s/cli-stub.out", fx.tmp);
    snprintf(err, sizeof err, "%s/cli-stub.err", fx.tmp);
    assert_int_equal(tu_run("'%s' --db '%s' --format paths 'cup final' "
                            ">'%s' 2>'%s'", tu_binary("gazette-query"), stub,
                            out, err), 74);
    assert_int_equal(tu_run("grep -q 'cannot open index %s: NetworkError.*"
                            "127.0.0.1:%d' '%s'", stub, down_port, err), 0);
    assert_int_equal(tu_run("'%s' --db '%s' --partial --format paths "
                            "'cup final' >'%s' 2>'%s'",
                            tu_binary("gazette-query"), stub, out, err), 0);
    assert_int_equal(tu_run("grep -q '^sport/' '%s' && ! grep -v "
                            "'^sport/\\|^world/' '%s'", out, out), 0);
    assert_int_equal(tu_run("grep -q 'warning: searched 1 of 2 indexes; "
                            "tcp://127.0.0.1:%d in %s is unavailable' '%s'",
                            down_port, stub, err), 0);
}

/* --db repeated and --partial on the command line; --json names each
 * hit's index and carries the warning. */
static void test_cli_several_indexes(void **state)
{
    (void)state;
    char out[8400];
    snprintf(out, sizeof out, "%s/cli.json", fx.tmp);
    assert_int_equal(tu_run("'%s' --db '%s' --db '%s' --json -n 40 aid > '%s'",
                            tu_binary("gazette-query"), fx.url_a, fx.half_b,
                            out), 0);
    assert_int_equal(tu_run("grep -q '\"index\":\"%s\"' '%s' && "
                            "grep -q '\"index\":\"%s\"' '%s' && "
                            "grep -q '\"warning\":null' '%s'", fx.url_a, out,
                            fx.half_b, out, out), 0);
    char down[64];
    snprintf(down, sizeof down, "tcp://127.0.0.1:%d", free_port());
    assert_int_equal(tu_run("'%s' --db '%s' --db '%s' aid >/dev/null 2>&1",
                            tu_binary("gazette-query"), fx.url_a, down), 74);
    assert_int_equal(tu_run("'%s' --db '%s' --db '%s' --partial --json aid "
                            "2>/dev/null | grep -q 'unavailable'",
                            tu_binary("gazette-query"), fx.url_a, down), 0);
    /* --help's exit status 74 and README's table name it (they listed
     * only permissions, descriptors and stdout: gazette-query(1) alone,
     * under --partial, said 74) */
    assert_int_equal(tu_run("'%s' --help | grep -q '^  74  I/O error (also: "
                            "an index that does not answer, a server down,$'",
                            tu_binary("gazette-query")), 0);
    assert_int_equal(tu_run("grep -q '^| 74 |.*| I/O error (also .*an index "
                            "that does not answer, a server down, without "
                            "`--partial`' '%s'", tu_source_path("README.md")),
                     0);
}

/* While the library talks to a server, a write to a socket the server
 * closed raises SIGPIPE (Xapian writes without MSG_NOSIGNAL): it must not
 * kill the program, nor leave the signal pending, nor change the
 * thread's mask. */
static void test_sigpipe_guard(void **state)
{
    (void)state;
    const char *names[2] = {fx.half_a, fx.url_a};
    sigset_t before, after, pending;
    pthread_sigmask(SIG_SETMASK, NULL, &before);
    gz_sigpipe sp;
    gz_sigpipe_block(names, 2, &sp);
    assert_int_equal(sp.blocked, 1);
    raise(SIGPIPE);   /* what a write to a closed socket does */
    gz_sigpipe_restore(&sp);
    pthread_sigmask(SIG_SETMASK, NULL, &after);
    sigpending(&pending);
    assert_false(sigismember(&pending, SIGPIPE));
    assert_int_equal(sigismember(&after, SIGPIPE),
                     sigismember(&before, SIGPIPE));
    /* Local indexes alone: nothing is touched. */
    gz_sigpipe_block(names, 1, &sp);
    assert_int_equal(sp.blocked, 0);
    gz_sigpipe_restore(&sp);
}

/* ------------------------------------------------------------ replicas */

/* The replica of tmp/masters/news, updated once (one-shot) from the
 * replication server on `port`. gazette-index writes one database per
 * shard (news/shard0, news/shard1 behind the stub news/XAPIANDB):
 * xapian-replicate copies databases, so each shard is replicated into the
 * same place under `replica` and the stub, which never changes, is
 * written beside them. Returns 0, or the first failing command's status. */
static int replicate(int port, const char *replica)
{
    int rc = tu_run("mkdir -p '%s' && cp '%s/masters/news/XAPIANDB' '%s/'",
                    replica, fx.tmp, replica);
    for (int shard = 0; rc == 0 && shard < 2; shard++)
        rc = tu_run("timeout %d xapian-replicate --host 127.0.0.1 --port %d "
                    "--master news/shard%d --one-shot --reader-time 0 "
                    "--timeout 10 --quiet '%s/shard%d'", WAIT_SECONDS * 2,
                    port, shard, replica, shard);
    return rc;
}

static size_t count_hits(const char *db, const char *query)
{
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    gazette_results_t *r = search_in(index, query, 100);
    size_t n = gazette_results_count(r);
    gazette_results_free(r);
    gazette_index_close(index);
    return n;
}

/* An index written with changesets (XAPIAN_MAX_CHANGESETS) is replicated
 * by xapian-replicate-server / xapian-replicate on loopback; after an
 * incremental run adds articles, the next replication brings them. */
static void test_replica(void **state)
{
    (void)state;
    char masters[4200], master[4300], corpus[4200], replica[4200], log[4200];
    snprintf(masters, sizeof masters, "%s/masters", fx.tmp);
    snprintf(master, sizeof master, "%s/news", masters);
    snprintf(corpus, sizeof corpus, "%s/live", fx.tmp);
    snprintf(replica, sizeof replica, "%s/replica", fx.tmp);
    snprintf(log, sizeof log, "%s/replicate.log", fx.tmp);
    assert_int_equal(tu_run("mkdir -p '%s' '%s' && cp -R '%s/a/world' '%s/'",
                            masters, corpus, fx.tmp, corpus), 0);
    const char *index_cmd = "XAPIAN_MAX_CHANGESETS=10 '%s' --quiet --jobs 2 "
                            "--db '%s' '%s'";
    assert_int_equal(tu_run(index_cmd, tu_binary("gazette-index"), master,
                            corpus), 0);
    server srv = {0, 0};
    for (int attempt = 0; attempt < 5 && srv.pid <= 0; attempt++) {
        char port[16];
        srv.port = free_port();
        snprintf(port, sizeof port, "%d", srv.port);
        char *argv[] = {"xapian-replicate-server", "--interface",
                        "127.0.0.1", "--port", port, masters, NULL};
        srv.pid = start_server(argv, srv.port, log);
    }
    assert_true(srv.pid > 0);
    assert_int_equal(replicate(srv.port, replica), 0);
    assert_int_equal(count_hits(replica, "marathon"), 0);
    size_t world = count_hits(replica, "gaza");
    assert_true(world > 0);
    assert_int_equal(world, count_hits(master, "gaza"));

    /* An incremental run adds the sport articles. */
    assert_int_equal(tu_run("cp -R '%s/a/sport' '%s/'", fx.tmp, corpus), 0);
    assert_int_equal(tu_run(index_cmd, tu_binary("gazette-index"), master,
                            corpus), 0);
    /* changesets were written (in the shards that got new articles) */
    assert_int_equal(tu_run("ls '%s'/shard*/changes1 >/dev/null 2>&1", master),
                     0);
    assert_int_equal(replicate(srv.port, replica), 0);
    assert_true(count_hits(replica, "marathon") > 0);
    assert_int_equal(count_hits(replica, "marathon"),
                     count_hits(master, "marathon"));

    /* --full on the master (changesets in its shards are Xapian's, so it
     * is not refused): the replica is seeded again, into a new
     * directory, from the generation the stub now names; later
     * incremental runs reach it through changesets. */
    char full_cmd[200];
    snprintf(full_cmd, sizeof full_cmd, "%s --full", index_cmd);
    assert_int_equal(tu_run(full_cmd, tu_binary("gazette-index"), master,
                            corpus), 0);
    char fresh[4300];
    snprintf(fresh, sizeof fresh, "%s.g", replica);
    static const char reseed[] =
        "g=$(sed -n 's/^auto //p' '%s') && timeout %d xapian-replicate "
        "--host 127.0.0.1 --port %d --master \"$g\" --one-shot "
        "--reader-time 0 --timeout 10 --quiet '%s'";
    assert_int_equal(tu_run(reseed, master, WAIT_SECONDS * 2, srv.port,
                            fresh), 0);
    assert_int_equal(count_hits(fresh, "marathon"),
                     count_hits(master, "marathon"));
    assert_int_equal(count_hits(fresh, "toyota"), 0);
    assert_int_equal(tu_run("cp -R '%s/b/business' '%s/'", fx.tmp, corpus),
                     0);
    assert_int_equal(tu_run(index_cmd, tu_binary("gazette-index"), master,
                            corpus), 0);
    assert_int_equal(tu_run(reseed, master, WAIT_SECONDS * 2, srv.port,
                            fresh), 0);
    assert_true(count_hits(fresh, "toyota") > 0);
    assert_int_equal(count_hits(fresh, "toyota"),
                     count_hits(master, "toyota"));
    stop_server(&srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_halves_equal_whole),
        cmocka_unit_test(test_sorted_remote),
        cmocka_unit_test(test_explain_local_and_remote),
        cmocka_unit_test(test_stub_of_shards),
        cmocka_unit_test(test_stub_servers_read_as_xapian_does),
        cmocka_unit_test(test_facets_local_and_remote),
        cmocka_unit_test(test_list_facets_remote),
        cmocka_unit_test(test_source_bucket_remote),
        cmocka_unit_test(test_remote_limits),
        cmocka_unit_test(test_wildcard_limit_remote),
        cmocka_unit_test(test_hyphen_forms_not_over_remote),
        cmocka_unit_test(test_near_duplicates_remote),
        cmocka_unit_test(test_duplicates_over_remote_parts),
        cmocka_unit_test(test_cjk_remote),
        cmocka_unit_test(test_refusal_with_a_shared_handle),
        cmocka_unit_test(test_down_at_open),
        cmocka_unit_test(test_server_given_twice),
        cmocka_unit_test(test_stub_lists_server_twice),
        cmocka_unit_test(test_index_into_server_refused),
        cmocka_unit_test(test_down_during_session),
        cmocka_unit_test(test_stub_with_a_server_down),
        cmocka_unit_test(test_stub_server_stops),
        cmocka_unit_test(test_stub_with_a_silent_server),
        cmocka_unit_test(test_stub_with_a_missing_index),
        cmocka_unit_test(test_stub_line_without_path),
        cmocka_unit_test(test_sharded_dir_opened_line_by_line),
        cmocka_unit_test(test_local_location_back_is_available),
        cmocka_unit_test(test_cli_several_indexes),
        cmocka_unit_test(test_cli_stub_partial),
        cmocka_unit_test(test_sigpipe_guard),
        cmocka_unit_test(test_replica),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
