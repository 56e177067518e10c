/*
 * test_shards.c - gazette-index -j: the shard an article goes to, a -j2
 * index against a -j1 index of the same files (articles and search
 * results), incremental reruns of a sharded index, SIGKILL during a -j2
 * run, and the memory one huge line may take. Every -j2 index built here
 * passes xapian-check.
 *
 * Corpora: a copy of corpus/sample, and seeded generated files. The real
 * gazette-index runs as a child; indexes are read through the shim (each
 * shard) and libgazette (searches).
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>

#include "gazette.h"
#include "schema.h"
#include "analyze.h"
#include "shards.h"
#include "test_util.h"
#include "xapian_shim.h"

/* corpus/sample: article files (its README is not one) and articles */
#define SAMPLE_FILES 47
#define SAMPLE_ARTICLES 49

static struct {
    char *tmp;
    char sample[1024];   /* tmp/sample: copy of corpus/sample */
    char gen[1024];      /* tmp/gen: generated corpus */
} fx;

/* ------------------------------------------------------------ helpers */

/* Run gazette-index with `args` (NULL-terminated), stdout and stderr to
 * tmp/out.txt and tmp/err.txt; returns the child's pid. */
static pid_t start_index(const char *const *args)
{
    const char *argv[40] = {tu_binary("indexer/gazette-index")};
    size_t n = 1;
    for (size_t k = 0; args[k] && n < 39; k++)
        argv[n++] = args[k];
    argv[n] = NULL;
    char out[1100], err[1100];
    snprintf(out, sizeof out, "%s/out.txt", fx.tmp);
    snprintf(err, sizeof err, "%s/err.txt", fx.tmp);
    pid_t pid = tu_spawn(argv[0], argv, out, err);
    return pid;
}

/* Exit status of `pid` (128 + signal when killed); *maxrss_kib (may be
 * NULL) gets its peak resident set size from wait4. */
static int wait_child(pid_t pid, long *maxrss_kib)
{
    int st;
    struct rusage ru;
    while (wait4(pid, &st, 0, &ru) < 0)
        assert_int_equal(errno, EINTR);
    if (maxrss_kib)
        *maxrss_kib = ru.ru_maxrss;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run_index(const char *const *args)
{
    return wait_child(start_index(args), NULL);
}

/* "scanned N, added N, ..." of the last run (its line starts with the
 * time, "2026-11-27T02:15:03+01:00 scanned N", stdout being a file; a dry
 * run's "2026-11-27T02:15:03+01:00 dry run: scanned N"): one count by
 * name. */
static long summary_count(const char *name)
{
    char path[1100], line[512];
    snprintf(path, sizeof path, "%s/out.txt", fx.tmp);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    long v = -1;
    while (fgets(line, sizeof line, f)) {
        const char *p = strstr(line, name);
        const char *counts = strstr(line, " scanned ");
        /* after the time, and a dry run's "dry run:" */
        if (p && counts && (counts - line == 25 ||
                            (counts - line == 34 &&
                             strncmp(line + 25, " dry run:", 9) == 0)))
            v = strtol(p + strlen(name) + 1, NULL, 10);
    }
    fclose(f);
    return v;
}

static void sleep_seconds(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The shards of index `db` (gz_shards_locate), asserted found. */
static void locate(const char *db, gz_shard_list *l)
{
    char err[256];
    assert_int_equal(gz_shards_locate(db, l, err, sizeof err), 0);
    assert_true(l->n > 0);
}

/* Every article of index `db`: "id\n" lines sorted, into a new string. */
static int collect_path(xap_docid id, const char *v, size_t len, void *ctx)
{
    (void)id;
    FILE *f = ctx;
    fprintf(f, "%.*s\n", (int)len, v);
    return 0;
}

static char *all_paths(const char *db)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/paths.txt", fx.tmp);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    xap_database *d = NULL;
    assert_int_equal(xap_database_open(db, &d), XAP_OK);
    assert_int_equal(xap_database_each_value(d, GZ_SLOT_FILE_PATH,
                                             collect_path, f), XAP_OK);
    xap_database_free(d);
    fclose(f);
    assert_int_equal(tu_run("sort -o '%s' '%s'", path, path), 0);
    f = fopen(path, "r");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

/* The hits of `query` on `db`: "id percent weight" lines, in rank order,
 * with the suggestion first (new string). */
static char *results(const char *db, const char *query)
{
    gazette_index_t *ix = NULL;
    gazette_search_options_t *o = NULL;
    gazette_results_t *r = NULL;
    if (gazette_index_open(db, &ix) != GAZETTE_STATUS_OK)
        fail_msg("open %s: %s", db, gazette_last_open_error());
    assert_int_equal(gazette_search_options_new(&o), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(o, 0, 50),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(ix, query, o, &r), GAZETTE_STATUS_OK);
    size_t cap = 65536, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    len += (size_t)snprintf(out, cap, "suggestion: %s\n",
                            gazette_results_suggestion(r));
    for (size_t i = 0; i < gazette_results_count(r) && len < cap - 600; i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        len += (size_t)snprintf(out + len, cap - len, "%s %d %.9f\n",
                                gazette_hit_id(h), gazette_hit_percent(h),
                                gazette_hit_weight(h));
    }
    gazette_results_free(r);
    gazette_search_options_free(o);
    gazette_index_close(ix);
    return out;
}

/* Indexes `a` and `b` hold the same articles and answer these queries
 * alike: same hits, order, percentages and weights. (No pure filters:
 * their hits all weigh the same, ranked by docid, which differs.) */
static void expect_same_index(const char *a, const char *b)
{
    static const char *const queries[] = {
        "gaza", "\"humanitarian pauses\"", "bank interest rates",
        "title:marathon", "blinken visit", "year:2023 football",
        "climate OR fusion", "aid -gaza", "hostagse"};
    char *pa = all_paths(a), *pb = all_paths(b);
    assert_string_equal(pa, pb);
    free(pa);
    free(pb);
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        char *ra = results(a, queries[i]), *rb = results(b, queries[i]);
        if (strcmp(ra, rb) != 0)
            fail_msg("query %s differs:\n%s---\n%s", queries[i], ra, rb);
        free(ra);
        free(rb);
    }
}

/* Write `nfiles` seeded articles of random words below tmp/gen. */
static void generate_corpus(int nfiles)
{
    unsigned seed = 20261130;
    char text[8192];
    for (int f = 0; f < nfiles; f++) {
        size_t len = 0;
        for (int w = 0; w < 300; w++) {
            seed = seed * 1103515245u + 12345u;
            int wl = 3 + (int)((seed >> 16) % 6);
            for (int c = 0; c < wl; c++) {
                seed = seed * 1103515245u + 12345u;
                text[len++] = (char)('a' + (seed >> 16) % 12);
            }
            text[len++] = w == 6 ? '\n' : ' ';
        }
        text[len++] = '\n';
        char name[64];
        snprintf(name, sizeof name, "gen/d%02d/f%05d.txt", f % 37, f);
        tu_write_file(fx.tmp, name, text, len);
    }
}

/* xapian-check on each shard of `db` (when the run got as far as making
 * the index): its tables and their cross-checks (termlists against
 * postlists, document lengths, positions), so that a document damaged
 * while it passed between a worker and a shard writer would show. */
static void check_shards(const char *db)
{
    gz_shard_list l;
    char err[256];
    assert_int_equal(gz_shards_locate(db, &l, err, sizeof err), 0);
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(tu_run("xapian-check '%s' >'%s/check.txt' 2>&1",
                                l.paths[i], fx.tmp), 0);
    gz_shards_free(&l);
}

/* ------------------------------------------------------------- tests */

/* The shard of a key is FNV-1a 64 of its bytes modulo the shard count,
 * as documented (an independent FNV-1a here), and every article of a -j2
 * index sits in the shard of its file's path. */
static void test_shard_assignment_is_stable(void **state)
{
    (void)state;
    static const char *const keys[] = {"politics/001.txt", "a.jsonl", "",
                                       "world/é.txt"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        uint64_t h = 14695981039346656037ULL;
        for (const unsigned char *p = (const unsigned char *)keys[i]; *p; p++)
            h = (h ^ *p) * 1099511628211ULL;
        for (size_t n = 1; n <= 7; n++)
            assert_int_equal(gz_shard_of(keys[i], n), n == 1 ? 0 : h % n);
    }

    char db[1100];
    snprintf(db, sizeof db, "%s/j2", fx.tmp);
    const char *args[] = {"-j2", "--quiet", "--db", db, fx.sample, NULL};
    assert_int_equal(run_index(args), 0);
    check_shards(db);
    gz_shard_list l;
    locate(db, &l);
    assert_int_equal(l.n, 2);
    uint32_t total = 0;
    for (size_t i = 0; i < l.n; i++) {
        char *paths = all_paths(l.paths[i]);
        for (char *line = strtok(paths, "\n"); line;
             line = strtok(NULL, "\n")) {
            assert_int_equal(gz_shard_of(line, 2), i);
            total++;
        }
        free(paths);
    }
    assert_int_equal(total, SAMPLE_ARTICLES);
    gz_shards_free(&l);
}

/* Set metadata `key` of every shard of `db` to "<i>/<n>", as versions
 * before 2026-12-01 wrote GZ_META_SHARD. */
static void set_shard_places(const char *db, const char *key)
{
    gz_shard_list l;
    locate(db, &l);
    for (size_t i = 0; i < l.n; i++) {
        char place[48];
        snprintf(place, sizeof place, "%zu/%zu", i, l.n);
        xap_writable *w = NULL;
        assert_int_equal(xap_writable_open(l.paths[i], XAP_DB_OPEN, 0, &w),
                         XAP_OK);
        assert_int_equal(xap_writable_set_metadata(w, key, place,
                                                   strlen(place)), XAP_OK);
        assert_int_equal(xap_writable_close(w), XAP_OK);
        xap_writable_free(w);
    }
    gz_shards_free(&l);
}

/* 1 when xapian-compact merges the shards of `db` without a word on
 * stderr (it warns when shards hold different values of one metadata
 * key). */
static int compacts_quietly(const char *db, const char *out)
{
    gz_shard_list l;
    locate(db, &l);
    char cmd[8192] = "xapian-compact";
    for (size_t i = 0; i < l.n; i++)
        snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " '%s'",
                 l.paths[i]);
    gz_shards_free(&l);
    char errfile[1200];
    snprintf(errfile, sizeof errfile, "%s.err", out);
    assert_int_equal(tu_run("rm -rf '%s' && %s '%s' >/dev/null 2>'%s'", out,
                            cmd, out, errfile), 0);
    struct stat st;
    assert_int_equal(stat(errfile, &st), 0);
    return st.st_size == 0;
}

/* Every shard holds the same metadata, so that merging them by hand with
 * xapian-compact gives one copy of each key without a warning; the shard
 * place that earlier versions wrote in each shard (differing per shard)
 * is cleared by the next run. */
static void test_shards_compact_quietly(void **state)
{
    (void)state;
    char db[1100], out[1200];
    snprintf(db, sizeof db, "%s/meta", fx.tmp);
    snprintf(out, sizeof out, "%s/meta-compact", fx.tmp);
    const char *args[] = {"-j2", "--quiet", "--db", db, fx.sample, NULL};
    assert_int_equal(run_index(args), 0);
    assert_true(compacts_quietly(db, out));
    set_shard_places(db, GZ_META_SHARD);
    assert_false(compacts_quietly(db, out));   /* the warning shows */
    assert_int_equal(run_index(args), 0);      /* nothing changed */
    assert_true(compacts_quietly(db, out));
}

/* -j2 (two shards) and -j1 (one database): the same articles, the same
 * search results, spelling suggestions included. */
static void test_j2_index_equals_j1_index(void **state)
{
    (void)state;
    char d1[1100], d2[1100];
    snprintf(d1, sizeof d1, "%s/eq1", fx.tmp);
    snprintf(d2, sizeof d2, "%s/eq2", fx.tmp);
    const char *a1[] = {"-j1", "--quiet", "--db", d1, fx.sample, NULL};
    const char *a2[] = {"-j2", "--quiet", "--db", d2, fx.sample, NULL};
    assert_int_equal(run_index(a1), 0);
    assert_int_equal(run_index(a2), 0);
    check_shards(d2);
    char stub[1200];
    snprintf(stub, sizeof stub, "%s/XAPIANDB", d2);
    assert_int_equal(access(stub, F_OK), 0);
    snprintf(stub, sizeof stub, "%s/XAPIANDB", d1);
    assert_int_equal(access(stub, F_OK), -1);
    char *r = results(d2, "hostagse");   /* "did you mean" from shards */
    assert_non_null(strstr(r, "suggestion: hostages"));
    free(r);
    expect_same_index(d1, d2);
}

/* Three articles about "Zorvath": two write it in mid-sentence, the third
 * (c-later.txt) only at the start of a sentence, so it is a name there
 * only by the entity lexicon (what the index knows). */
static const char *const zorvath_files[][2] = {
    {"a-one.txt", "Border talks\n\nThe envoy met Zorvath leaders in the "
                  "capital. The talks with Zorvath went well.\n"},
    {"a-two.txt", "Second round\n\nDiplomats said Zorvath negotiators "
                  "would return. A spokesman for Zorvath declined to "
                  "comment.\n"},
    {"c-later.txt", "Night crossing\n\nZorvath fighters crossed the border "
                    "overnight. They withdrew before dawn.\n"},
};

static void write_zorvath(const char *dir, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tu_write_file(dir, zorvath_files[i][0], zorvath_files[i][1],
                      strlen(zorvath_files[i][1]));
}

/* The ids of the articles with the entity Zorvath, one per line. */
static char *zorvath_hits(const char *db)
{
    char *r = results(db, "entity:Zorvath");
    char *ids = strchr(r, '\n');   /* past the suggestion line */
    assert_non_null(ids);
    char *out = strdup(ids + 1);
    free(r);
    return out;
}

/* The entity lexicon is the index as of each shard's last commit, read
 * without waiting for the writers: in one batch the articles do not see
 * each other, at -j1 as at -j2 (-j1 used to see the articles it had just
 * added, -j2 what its threads happened to have written); a later run
 * sees what earlier runs committed. */
static void test_entity_lexicon_is_last_commit(void **state)
{
    (void)state;
    const char *jobs[] = {"-j1", "-j2"};
    for (int j = 0; j < 2; j++) {
        char corpus[1100], one[1100], two[1100];
        snprintf(corpus, sizeof corpus, "%s/zorvath%d", fx.tmp, j);
        snprintf(one, sizeof one, "%s/zorvath%d-one-run", fx.tmp, j);
        snprintf(two, sizeof two, "%s/zorvath%d-two-runs", fx.tmp, j);
        assert_int_equal(tu_run("mkdir -p '%s'", corpus), 0);
        write_zorvath(corpus, 3);
        const char *a1[] = {jobs[j], "--quiet", "--db", one, corpus, NULL};
        assert_int_equal(run_index(a1), 0);
        char *hits = zorvath_hits(one);
        assert_non_null(strstr(hits, "a-one.txt"));
        assert_non_null(strstr(hits, "a-two.txt"));
        if (strstr(hits, "c-later.txt"))
            fail_msg("%s, one batch: c-later.txt saw uncommitted articles",
                     jobs[j]);
        free(hits);

        assert_int_equal(tu_run("rm '%s/c-later.txt'", corpus), 0);
        const char *a2[] = {jobs[j], "--quiet", "--db", two, corpus, NULL};
        assert_int_equal(run_index(a2), 0);
        write_zorvath(corpus, 3);
        assert_int_equal(run_index(a2), 0);
        hits = zorvath_hits(two);
        if (!strstr(hits, "c-later.txt"))
            fail_msg("%s, second run: the lexicon did not know Zorvath:\n%s",
                     jobs[j], hits);
        free(hits);
    }
}

/* Reruns of a -j2 index: touched, edited, renamed, deleted and new files;
 * then it equals a fresh -j1 index of the changed corpus. An existing
 * index keeps its shard count whatever -j says. */
static void test_incremental_rerun_at_j2(void **state)
{
    (void)state;
    char corpus[1100], db[1100], fresh[1100];
    snprintf(corpus, sizeof corpus, "%s/inc", fx.tmp);
    snprintf(db, sizeof db, "%s/inc-idx", fx.tmp);
    snprintf(fresh, sizeof fresh, "%s/inc-fresh", fx.tmp);
    assert_int_equal(tu_run("cp -r '%s' '%s'", fx.sample, corpus), 0);
    const char *args[] = {"-j2", "--db", db, corpus, NULL};
    assert_int_equal(run_index(args), 0);
    check_shards(db);
    assert_int_equal(summary_count("added"), SAMPLE_FILES);
    assert_int_equal(run_index(args), 0);
    assert_int_equal(summary_count("unchanged"), SAMPLE_FILES);

    assert_int_equal(tu_run("cd '%s' && touch -d 2001-01-01 "
                            "sport/2023-10-31-ballon-dor-messi.txt && "
                            "echo 'Zanzibarquokka sighted.' >> "
                            "science/2023-12-01-jt60sa-fusion-japan.txt && "
                            "mv world/2023-11-06-blinken-ankara.txt "
                            "world/renamed-ankara.txt && "
                            "rm business/2023-11-02-bank-of-england-holds.txt"
                            " && printf 'Quibblewhiskers\\n\\nA new story "
                            "about quibblewhiskers.\\n' > culture/new.txt",
                            corpus), 0);
    const char *a3[] = {"-j3", "--db", db, corpus, NULL};   /* keeps 2 */
    assert_int_equal(run_index(a3), 0);
    check_shards(db);
    assert_int_equal(summary_count("scanned"), SAMPLE_FILES);
    assert_int_equal(summary_count("added"), 2);
    assert_int_equal(summary_count("updated"), 1);
    assert_int_equal(summary_count("removed"), 2);
    assert_int_equal(summary_count("unchanged"), SAMPLE_FILES - 3);
    gz_shard_list l;
    locate(db, &l);
    assert_int_equal(l.n, 2);
    gz_shards_free(&l);
    char *r = results(db, "zanzibarquokka");
    assert_non_null(strstr(r, "science/2023-12-01-jt60sa-fusion-japan.txt"));
    free(r);
    assert_int_equal(run_index(args), 0);
    assert_int_equal(summary_count("unchanged"), SAMPLE_FILES);

    const char *af[] = {"-j1", "--quiet", "--db", fresh, corpus, NULL};
    assert_int_equal(run_index(af), 0);
    expect_same_index(db, fresh);

    /* A dry run reads the shards too. */
    assert_int_equal(tu_run("rm '%s/culture/new.txt'", corpus), 0);
    const char *dry[] = {"-j2", "--dry-run", "--db", db, corpus, NULL};
    assert_int_equal(run_index(dry), 0);
    assert_int_equal(summary_count("removed"), 1);
    assert_int_equal(summary_count("unchanged"), SAMPLE_FILES - 1);
}

/* SIGKILL a -j2 run at several moments: every shard passes xapian-check,
 * each rerun picks up the work, and the end result is the whole corpus,
 * as a fresh -j1 index has it. */
static void test_sigkill_during_j2_run(void **state)
{
    (void)state;
    char db[1100], fresh[1100];
    snprintf(db, sizeof db, "%s/kill-idx", fx.tmp);
    snprintf(fresh, sizeof fresh, "%s/kill-fresh", fx.tmp);
    const char *args[] = {"-j2", "--batch", "40", "--db", db, fx.gen, NULL};
    const double points[] = {0.05, 0.4, 0.8, 1.5};
    for (size_t i = 0; i < sizeof points / sizeof *points; i++) {
        pid_t pid = start_index(args);
        sleep_seconds(points[i]);
        kill(pid, SIGKILL);
        int rc = wait_child(pid, NULL);
        assert_true(rc == 128 + SIGKILL || rc == 0);
        check_shards(db);
    }
    assert_int_equal(run_index(args), 0);
    check_shards(db);
    assert_int_equal(run_index(args), 0);
    assert_int_equal(summary_count("unchanged"), 800);
    const char *af[] = {"-j1", "--quiet", "--db", fresh, fx.gen, NULL};
    assert_int_equal(run_index(af), 0);
    char *pa = all_paths(db), *pb = all_paths(fresh);
    assert_string_equal(pa, pb);
    free(pa);
    free(pb);
}

/* The line of test_huge_line_memory_is_bounded: 50 MB, as issue 10 asks;
 * 20 MB under AddressSanitizer, still well over what is indexed of a
 * file (GZ_MAX_INDEXED_BYTES), in half the time. */
#ifdef __SANITIZE_ADDRESS__
#define HUGE_LINE_BYTES (20u << 20)
#else
#define HUGE_LINE_BYTES (50u << 20)
#endif
_Static_assert(HUGE_LINE_BYTES > 2 * GZ_MAX_INDEXED_BYTES,
               "the huge line must be cut when indexed");

/* A line of at least `size` bytes of distinct words (w in base 26), its
 * length in *len. */
static char *distinct_words(size_t size, size_t *len)
{
    char *line = malloc(size + 16);
    assert_non_null(line);
    size_t n = 0;
    for (unsigned long w = 0; n < size; w++) {
        unsigned long v = w;
        do {
            line[n++] = (char)('a' + v % 26);
            v /= 26;
        } while (v);
        line[n++] = ' ';
    }
    *len = n;
    return line;
}

/* A 50 MB single line of distinct words in a .txt and another as one
 * paragraph of an HTML page, read by two workers: indexed (cut, with a
 * warning) within a small multiple of one file's size, not gigabytes,
 * nor the two files' memory at once (a large file waits for the other:
 * --memory). Before: 261 MiB for the .txt alone, 414 MiB for the page,
 * 625 MiB for the pair; now 192, 195 and 298 MiB (docs/performance.md,
 * "One huge line"). */
static void test_huge_line_memory_is_bounded(void **state)
{
    (void)state;
    TU_SKIP_IF_LISTED();
    char dir[1100], db[1100];
    snprintf(dir, sizeof dir, "%s/huge", fx.tmp);
    snprintf(db, sizeof db, "%s/huge-idx", fx.tmp);
    size_t size = HUGE_LINE_BYTES, len = 0;
    char *line = distinct_words(size, &len);
    tu_write_file(dir, "big.txt", line, len);
    free(line);
    static const char head[] = "<html><head><title>Page</title></head>"
                               "<body><p>";
    static const char tail[] = "</p></body></html>\n";
    line = distinct_words(size, &len);
    char *page = malloc(sizeof head + len + sizeof tail);
    assert_non_null(page);
    memcpy(page, head, sizeof head - 1);
    memcpy(page + sizeof head - 1, line, len);
    memcpy(page + sizeof head - 1 + len, tail, sizeof tail);
    free(line);
    tu_write_file(dir, "big.html", page,
                  sizeof head - 1 + len + sizeof tail - 1);
    free(page);
    tu_write_file(dir, "small.txt", "Small\n\nzebra crossing\n", 22);
    const char *args[] = {"-j2", "--db", db, dir, NULL};
    long rss = 0;
    int rc = wait_child(start_index(args), &rss);
    assert_int_equal(rc, 0);
    assert_int_equal(summary_count("added"), 3);
#ifndef __SANITIZE_ADDRESS__
    /* Without ASan, whose quarantine (256 MiB) and redzones would be
     * measured instead: six times a file and 100 MiB. */
    long bound = (long)(6 * (size >> 10)) + 100 * 1024;
    if (rss > bound)
        fail_msg("peak RSS %ld KiB for two %zu MB lines (bound %ld KiB)",
                 rss, size >> 20, bound);
#endif
    /* named as other warnings name files: its corpus directory first */
    assert_int_equal(tu_run("grep -q 'warning: %s/big.txt: .*only its first' "
                            "'%s/err.txt'", dir, fx.tmp), 0);
    assert_int_equal(tu_run("grep -q 'warning: %s/big.html: .*only its "
                            "first' '%s/err.txt'", dir, fx.tmp), 0);
    char *r = results(db, "zebra");
    assert_non_null(strstr(r, "small.txt"));
    free(r);
}

/* `dir`/`name`, gzip data of a line of HUGE_LINE_BYTES: its name, a
 * quarter distinct words (past what is indexed of a file), then one word
 * over and over, which deflate shrinks to nothing: under 3 MB on disk. */
static void write_huge_gz(const char *dir, const char *name)
{
    size_t len = 0;
    char *words = distinct_words(HUGE_LINE_BYTES / 4, &len);
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    gzFile g = gzopen(path, "wb6");
    assert_non_null(g);
    size_t n = (size_t)gzprintf(g, "%s ", name);
    assert_int_equal(gzwrite(g, words, (unsigned)len), (int)len);
    static const char filler[] = "filler ";
    for (n += len; n < HUGE_LINE_BYTES; n += sizeof filler - 1)
        assert_int_equal(gzputs(g, filler), (int)sizeof filler - 1);
    assert_int_equal(gzclose(g), Z_OK);
    free(words);
}

/* Four ".gz" files of a 50 MB line each, under 3 MB on disk, read by two
 * workers: one such file at a time, as plain ones (a large file waits for
 * the other: --memory), within a bound below what two at once take. A file was
 * large by its size on disk, so that two were held at once, and a third
 * beside them while the first was written: 640 MiB, now some 350 (two
 * at once stay under the bound: 366 MiB; docs/performance.md, "One huge
 * line"). */
static void test_huge_gz_lines_memory_is_bounded(void **state)
{
    (void)state;
    TU_SKIP_IF_LISTED();
    char dir[1100], db[1100];
    snprintf(dir, sizeof dir, "%s/huge-gz", fx.tmp);
    snprintf(db, sizeof db, "%s/huge-gz-idx", fx.tmp);
    assert_int_equal(tu_run("mkdir -p '%s'", dir), 0);
    write_huge_gz(dir, "a.txt.gz");
    write_huge_gz(dir, "b.txt.gz");
    write_huge_gz(dir, "c.txt.gz");
    write_huge_gz(dir, "d.txt.gz");
    const char *args[] = {"-j2", "--db", db, dir, NULL};
    long rss = 0;
    assert_int_equal(wait_child(start_index(args), &rss), 0);
    assert_int_equal(summary_count("added"), 4);
#ifndef __SANITIZE_ADDRESS__
    /* Wider than the plain files' bound: on a loaded machine the two
     * workers' malloc arenas keep what a file freed (417 MiB measured at
     * load 14, 358 at rest), while holding two at once took 640 MiB. */
    long bound = (long)(8 * (HUGE_LINE_BYTES >> 10)) + 100 * 1024;
    if (rss > bound)
        fail_msg("peak RSS %ld KiB for four %u MB lines in .gz files "
                 "(bound %ld KiB)", rss, HUGE_LINE_BYTES >> 20, bound);
#endif
}

/* A JSON Lines file of `n` articles, ids 0..n-1 but those divisible by
 * `skip` (0: none) and those under `from`, each body "w<id> <word>" (the
 * word alike for all). */
static void write_export_from(const char *dir, size_t from, size_t n,
                              size_t skip, const char *word)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/feed", dir);
    assert_int_equal(tu_run("mkdir -p '%s'", path), 0);
    snprintf(path, sizeof path, "%s/feed/export.jsonl", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = from; i < n; i++)
        if (!skip || i % skip)
            fprintf(f, "{\"id\":\"%zu\",\"title\":\"Item %zu\","
                       "\"body\":\"w%zu %s\"}\n", i, i, i, word);
    assert_int_equal(fclose(f), 0);
}

static void write_export(const char *dir, size_t n, size_t skip,
                         const char *word)
{
    write_export_from(dir, 0, n, skip, word);
}

/* Documents of `db` holding stemmed `word` ("Z" term), and all of them. */
static uint32_t count_of(const char *db, const char *word, uint32_t *docs)
{
    xap_database *d = NULL;
    char term[64];
    snprintf(term, sizeof term, "Z%s", word);
    uint32_t n = 0;
    assert_int_equal(xap_database_open(db, &d), XAP_OK);
    assert_int_equal(xap_database_termfreq(d, term, &n), XAP_OK);
    if (docs)
        assert_int_equal(xap_database_doc_count(d, docs), XAP_OK);
    xap_database_free(d);
    return n;
}

/* Take the path value off every document of `db`, as documents written
 * before the path slot existed are (the file map then goes by the path
 * terms). */
static void strip_path_values(const char *db)
{
    gz_shard_list l;
    locate(db, &l);
    for (size_t i = 0; i < l.n; i++) {
        xap_writable *w = NULL;
        assert_int_equal(xap_writable_open(l.paths[i], XAP_DB_OPEN, 0, &w),
                         XAP_OK);
        xap_database *view = xap_writable_database(w);
        xap_docid last = 0;
        assert_int_equal(xap_database_last_docid(view, &last), XAP_OK);
        for (xap_docid id = 1; id <= last; id++) {
            xap_document *doc = NULL;
            if (xap_database_get_document(view, id, &doc) != XAP_OK)
                continue;
            assert_int_equal(xap_document_add_value(doc, GZ_SLOT_FILE_PATH,
                                                    NULL, 0), XAP_OK);
            assert_int_equal(xap_writable_replace_document(w, id, doc),
                             XAP_OK);
            xap_document_free(doc);
        }
        assert_int_equal(xap_writable_commit(w), XAP_OK);
        xap_writable_free(w);
    }
    gz_shards_free(&l);
}

/* The export whose peak RSS is checked: at about 3 KB an article unbounded
 * (below), 100 000 articles would take 300 MB, over the 200 MB bound.
 * Not under AddressSanitizer, which measures no RSS. */
#define RSS_EXPORT_ARTICLES 100000
/* The export the updates, guards and kills run on (1.7 MB): still a few
 * pieces under --memory 16, each a shard queue's share of the budget
 * (512 KiB of text at -j1, 256 KiB at -j2), in a third of the time. */
#define EXPORT_ARTICLES 30000

/* One JSON Lines export of 100 000 articles under --memory 16 is indexed
 * within 200 MB of peak RSS: its documents are written in pieces as it is
 * read, so memory stays bounded (it took about 3 KB an article: a 58 MB
 * export of 1.2 million, 3.4 GB). */
static void check_export_rss(const char *job, const char *dir)
{
#ifdef __SANITIZE_ADDRESS__
    (void)job;
    (void)dir;
#else
    char db[1200];
    snprintf(db, sizeof db, "%s-rss-idx", dir);
    write_export(dir, RSS_EXPORT_ARTICLES, 0, "alpha");
    const char *args[] = {job, "--memory", "16", "--db", db, dir, NULL};
    long rss = 0;
    assert_int_equal(wait_child(start_index(args), &rss), 0);
    if (rss > 200 * 1024)
        fail_msg("%s: peak RSS %ld KiB for %d articles", job, rss,
                 RSS_EXPORT_ARTICLES);
    assert_int_equal(count_of(db, "alpha", NULL), RSS_EXPORT_ARTICLES);
    assert_int_equal(tu_run("rm -rf '%s' '%s.d' '%s.lock'", db, db, db), 0);
#endif
}

/* The first of test_large_export_in_pieces' two runs (-j1, -j2) made:
 * under AddressSanitizer -j2 alone, whose pieces go through the shard
 * queues and their threads (-j1 writes them the same way with neither),
 * as the two took about 110 s of CPU there; the plain pass runs both. */
#ifdef __SANITIZE_ADDRESS__
#define FIRST_EXPORT_JOBS 1
#else
#define FIRST_EXPORT_JOBS 0
#endif

/* An export under --memory 16 is written in pieces as it is read
 * (check_export_rss); an update replaces and removes exactly what
 * changed; a file that would lose too many is refused before a piece is
 * written; a run killed between pieces leaves the file to be read again,
 * not taken for unchanged; a bad line is said once the guards let the
 * file through. -j1 (no threads) and -j2. */
static void test_large_export_in_pieces(void **state)
{
    (void)state;
    TU_SKIP_IF_LISTED();
    static const char *const jobs[] = {"-j1", "-j2"};
    for (size_t j = FIRST_EXPORT_JOBS; j < 2; j++) {
        char dir[1100], db[1100];
        snprintf(dir, sizeof dir, "%s/export%zu", fx.tmp, j);
        snprintf(db, sizeof db, "%s/export%zu-idx", fx.tmp, j);
        check_export_rss(jobs[j], dir);
        write_export(dir, EXPORT_ARTICLES, 0, "alpha");
        const char *args[] = {jobs[j], "--memory", "16", "--db", db, dir,
                              NULL};
        assert_int_equal(run_index(args), 0);
        uint32_t docs = 0;
        assert_int_equal(count_of(db, "alpha", &docs), EXPORT_ARTICLES);
        assert_int_equal(docs, EXPORT_ARTICLES);

        /* 5 % gone, every article rewritten, 2 000 new. */
        write_export(dir, EXPORT_ARTICLES + 2000, 20, "beta");
        assert_int_equal(run_index(args), 0);
        assert_int_equal(summary_count("updated"), 1);
        uint32_t want = EXPORT_ARTICLES + 2000 - (EXPORT_ARTICLES + 2000) / 20;
        assert_int_equal(count_of(db, "beta", &docs), want);
        assert_int_equal(count_of(db, "alpha", NULL), 0);
        assert_int_equal(docs, want);

        /* Half gone: refused (69) before anything is written. */
        write_export(dir, EXPORT_ARTICLES, 2, "gamma");
        assert_int_equal(run_index(args), 69);
        assert_int_equal(count_of(db, "gamma", &docs), 0);
        assert_int_equal(docs, want);

        /* Killed once a piece is committed; the rerun finishes the file.
         * The documents have no path value, and the lowest (the article
         * of id 1) is not in the file: marked as partly written, it must
         * get one, or the file map reads the next, rewritten already. */
        strip_path_values(db);
        write_export_from(dir, 2, EXPORT_ARTICLES, 0, "delta");
        pid_t pid = start_index(args);
        int seen = 0;
        for (int i = 0; i < 6000 && !seen; i++) {
            sleep_seconds(0.01);
            seen = count_of(db, "delta", NULL) > 0;
        }
        kill(pid, SIGKILL);
        int rc = wait_child(pid, NULL);
        if (!seen || rc != 128 + SIGKILL)
            fail_msg("%s: no piece seen before the end (exit %d)", jobs[j],
                     rc);
        assert_int_equal(run_index(args), 0);
        assert_int_equal(summary_count("updated"), 1);
        assert_int_equal(count_of(db, "delta", &docs), EXPORT_ARTICLES - 2);
        assert_int_equal(docs, EXPORT_ARTICLES - 2);
        assert_int_equal(count_of(db, "beta", NULL), 0);
        assert_int_equal(run_index(args), 0);
        assert_int_equal(summary_count("unchanged"), 1);

        /* 0.1 % gone and a bad line: counted, allowed by the guards, read
         * again; the bad line is said (exit 1), as for a small file. */
        write_export(dir, EXPORT_ARTICLES, 1000, "epsilon");
        char path[1200];
        snprintf(path, sizeof path, "%s/feed/export.jsonl", dir);
        FILE *f = fopen(path, "a");
        assert_non_null(f);
        fputs("{\"id\": broken\n", f);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(run_index(args), 1);
        assert_int_equal(summary_count("skipped"), 1);
        assert_int_equal(tu_run("grep -q 'export.jsonl:%d' '%s/err.txt'",
                                EXPORT_ARTICLES - EXPORT_ARTICLES / 1000 + 1,
                                fx.tmp), 0);
        assert_int_equal(count_of(db, "epsilon", &docs),
                         EXPORT_ARTICLES - EXPORT_ARTICLES / 1000);
        assert_int_equal(tu_run("xapian-check '%s%s' >/dev/null", db,
                                j ? "/XAPIANDB" : ""), 0);
    }
}

/* A stub whose ways down reach one database twice ("auto a" and "auto
 * b", both "auto db"; "auto db" twice) is refused at once by every kind
 * of run, 65 naming it and the stubs, nothing written. The update's
 * second shard writer found the first's lock: 75 ("being written by
 * another process"), which a cron job retries for ever; --full said 75
 * too, its dry run 69 (the live index's articles counted twice) and the
 * update's dry run 0. */
static void test_database_listed_twice_is_refused(void **state)
{
    (void)state;
    char dir[1100], db[1200], corpus[1200], stub[1200];
    snprintf(dir, sizeof dir, "%s/twice", fx.tmp);
    snprintf(db, sizeof db, "%s/db", dir);
    snprintf(corpus, sizeof corpus, "%s/corpus", dir);
    assert_int_equal(tu_run("mkdir -p '%s' && cp -r '%s' '%s'", dir,
                            fx.sample, corpus), 0);
    assert_int_equal(run_index((const char *[]){"-j1", "--db", db, corpus,
                                                NULL}), 0);
    tu_write_file(dir, "a", "auto db\n", 8);
    tu_write_file(dir, "b", "auto db\n", 8);
    tu_write_file(dir, "top", "auto a\nauto b\n", 14);
    tu_write_file(dir, "top2", "auto db\nauto db\n", 16);
    assert_int_equal(tu_run("echo new words > '%s/new.txt'", corpus), 0);
    static const char *const modes[][2] = {
        {NULL, NULL}, {"--dry-run", NULL}, {"--full", NULL},
        {"--full", "--dry-run"}};
    for (int t = 0; t < 2; t++)
        for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
            snprintf(stub, sizeof stub, "%s/%s", dir, t ? "top2" : "top");
            const char *args[8] = {"-j1", "--db", stub};
            size_t n = 3;
            for (size_t k = 0; k < 2 && modes[m][k]; k++)
                args[n++] = modes[m][k];
            args[n++] = corpus;
            args[n] = NULL;
            int rc = run_index(args);
            if (rc != 65 ||
                !tu_file_holds(fx.tmp, "err.txt", "/db is listed twice"))
                fail_msg("%s %s %s: exit %d", t ? "top2" : "top",
                         modes[m][0] ? modes[m][0] : "",
                         modes[m][1] ? modes[m][1] : "", rc);
            assert_true(tu_file_holds(fx.tmp, "err.txt",
                                      t ? "both times as" : "/a -> "));
        }
    assert_true(tu_file_holds(fx.tmp, "twice/top", "auto a\nauto b\n"));
    struct stat sb;
    assert_int_equal(stat(tu_path_in(dir, "top.d"), &sb), -1);
    assert_int_equal(stat(tu_path_in(dir, "top2.d"), &sb), -1);
    xap_database *x = NULL;   /* the new file was not indexed */
    uint32_t count = 0;
    assert_int_equal(xap_database_open(db, &x), XAP_OK);
    assert_int_equal(xap_database_doc_count(x, &count), XAP_OK);
    assert_int_equal(count, SAMPLE_ARTICLES);
    xap_database_free(x);
}

/* An index of two shards that lost its stub file XAPIANDB: an update
 * at -j1 made a new database beside the shards (its files read again,
 * the shards orphaned), at -j3 a stub of three shards (files sent to
 * other shards than their old copies). Every update, dry run included,
 * refuses it (65, nothing written) and says which lines to write back;
 * written back as said, the index is whole again. */
static void test_lost_stub_is_refused(void **state)
{
    (void)state;
    char dir[1100], db[1200], corpus[1200];
    snprintf(dir, sizeof dir, "%s/lost", fx.tmp);
    snprintf(db, sizeof db, "%s/db", dir);
    snprintf(corpus, sizeof corpus, "%s/corpus", dir);
    assert_int_equal(tu_run("mkdir -p '%s' && cp -r '%s' '%s'", dir,
                            fx.sample, corpus), 0);
    assert_int_equal(run_index((const char *[]){"-j2", "--db", db, corpus,
                                                NULL}), 0);
    assert_int_equal(tu_run("rm '%s/XAPIANDB'", db), 0);
    static const char *const jobs[] = {"-j1", "-j2", "-j3"};
    for (size_t j = 0; j < 3; j++)
        for (int dry = 0; dry < 2; dry++) {
            int rc = run_index((const char *[]){
                jobs[j], "--db", db, corpus, dry ? "--dry-run" : NULL, NULL});
            if (rc != 65 ||
                !tu_file_holds(fx.tmp, "err.txt",
                               "in this order: auto shard0, auto shard1; "
                               "or rebuild it with --full"))
                fail_msg("%s%s: exit %d", jobs[j], dry ? " --dry-run" : "",
                         rc);
        }
    /* nothing beside the shards */
    assert_int_equal(tu_run("test \"$(ls '%s' | tr '\\n' ' ')\" = "
                            "'shard0 shard1 '", db), 0);
    tu_write_file(db, "XAPIANDB", "auto shard0\nauto shard1\n", 24);
    assert_int_equal(run_index((const char *[]){"-j1", "--db", db, corpus,
                                                NULL}), 0);
    assert_true(tu_file_holds(fx.tmp, "out.txt", "added 0,"));
    assert_true(tu_file_holds(fx.tmp, "out.txt", "unchanged 4"));
    /* The other remedy the refusal names: a --full, with no --language,
     * reads the language from the shards (it said 64: the language of an
     * index that does not open cannot be read). */
    assert_int_equal(tu_run("rm '%s/XAPIANDB'", db), 0);
    assert_int_equal(run_index((const char *[]){"-j2", "--full", "--db", db,
                                                corpus, NULL}), 0);
    assert_int_equal(run_index((const char *[]){"-j2", "--db", db, corpus,
                                                NULL}), 0);
    assert_true(tu_file_holds(fx.tmp, "out.txt", "unchanged 4"));
}

/* The first `n` hits of `query` on `db`: "id duplicates" and the snippet,
 * a line each, in rank order (new string). */
static char *shown(const char *db, const char *query, size_t n)
{
    gazette_index_t *ix = NULL;
    gazette_search_options_t *o = NULL;
    gazette_results_t *r = NULL;
    if (gazette_index_open(db, &ix) != GAZETTE_STATUS_OK)
        fail_msg("open %s: %s", db, gazette_last_open_error());
    assert_int_equal(gazette_search_options_new(&o), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(o, 0, n),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(ix, query, o, &r), GAZETTE_STATUS_OK);
    size_t cap = 1 << 17, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    out[0] = '\0';
    for (size_t i = 0; i < gazette_results_count(r) && len < cap - 1200;
         i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        len += (size_t)snprintf(out + len, cap - len, "%s %u\n  %.1000s\n",
                                gazette_hit_id(h), gazette_hit_duplicates(h),
                                gazette_hit_snippet(h));
    }
    gazette_results_free(r);
    gazette_search_options_free(o);
    gazette_index_close(ix);
    return out;
}

/* Three copies of every article of five sample folders (the file, then
 * copy1- and zcopy- before its name), indexed with -j1 to -j4: each hit
 * shows the same copy (the first path of those equal in weight), with
 * the same snippet, however many shards. Xapian adds a document's term
 * weights in an order of its own per shard, so copies in different
 * shards differed in their last bit and the heavier was shown (the
 * first four queries: copy1- or the file, as the shards fell); and its
 * snippets weighed each word by a bound summed over the shards holding
 * it (the last two: another passage under -j2 or -j4). */
/* The first `n` hits of `query` are the same on each of the four `db`. */
static void same_however_split(char db[4][1200], const char *query, size_t n)
{
    char *want = shown(db[0], query, n);
    for (int j = 1; j < 4; j++) {
        char *got = shown(db[j], query, n);
        if (strcmp(want, got) != 0)
            fail_msg("'%s' -n %zu with -j%d:\n%s---\n-j1:\n%s", query, n,
                     j + 1, got, want);
        free(got);
    }
    if (!strstr(want, " 2\n"))   /* each hit hides its two copies */
        fail_msg("'%s' -n %zu: copies not counted:\n%s", query, n, want);
    free(want);
}

static void test_copies_and_snippets_however_split(void **state)
{
    (void)state;
    static const char *const queries[] = {
        "levelled affected outside", "qatar ller", "overs include painful",
        "responsibilities karim paired", "evening movement intense",
        "commitment aids contained"};
    char dir[1100], db[4][1200];
    snprintf(dir, sizeof dir, "%s/copies", fx.tmp);
    assert_int_equal(
        tu_run("cd '%s' && for d in business culture science sport world; "
               "do mkdir -p '%s'/$d && for f in $d/*; do b=${f#$d/}; "
               "cp \"$f\" '%s'/$d/\"$b\" && cp \"$f\" '%s'/$d/copy1-\"$b\" "
               "&& cp \"$f\" '%s'/$d/zcopy-\"$b\" || exit 1; done; done",
               fx.sample, dir, dir, dir, dir),
        0);
    for (int j = 0; j < 4; j++) {
        char jobs[16];
        snprintf(jobs, sizeof jobs, "-j%d", j + 1);
        snprintf(db[j], sizeof db[j], "%s/copies%d", fx.tmp, j + 1);
        const char *args[] = {jobs, "--quiet", "--db", db[j], dir, NULL};
        assert_int_equal(run_index(args), 0);
    }
    /* 40: every match on the page; 1 and 2: a full page, whose last hit
     * is the one whose copies Xapian may drop unseen (copies.c) */
    static const size_t pages[] = {40, 1, 2};
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++)
        for (size_t p = 0; p < sizeof pages / sizeof *pages; p++)
            same_however_split(db, queries[q], pages[p]);
}

static int setup(void **state)
{
    (void)state;
    fx.tmp = tu_mkdtemp("shards");
    snprintf(fx.sample, sizeof fx.sample, "%s/sample", fx.tmp);
    snprintf(fx.gen, sizeof fx.gen, "%s/gen", fx.tmp);
    generate_corpus(800);
    return tu_run("cp -r '%s' '%s'", tu_source_path("corpus/sample"),
                  fx.sample);
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(fx.tmp);
    free(fx.tmp);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shard_assignment_is_stable),
        cmocka_unit_test(test_shards_compact_quietly),
        cmocka_unit_test(test_j2_index_equals_j1_index),
        cmocka_unit_test(test_copies_and_snippets_however_split),
        cmocka_unit_test(test_entity_lexicon_is_last_commit),
        cmocka_unit_test(test_incremental_rerun_at_j2),
        cmocka_unit_test(test_sigkill_during_j2_run),
        cmocka_unit_test(test_huge_line_memory_is_bounded),
        cmocka_unit_test(test_huge_gz_lines_memory_is_bounded),
        cmocka_unit_test(test_large_export_in_pieces),
        cmocka_unit_test(test_database_listed_twice_is_refused),
        cmocka_unit_test(test_lost_stub_is_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
