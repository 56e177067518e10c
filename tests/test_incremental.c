/*
 * test_incremental.c - the nightly job: gazette-index reruns on a
 * generated corpus (gen_corpus.h: ~850 news files, some gzipped, some
 * byte copies) changed between runs the way archives change (edited,
 * retyped at the same size, touched, renamed, deleted, added files):
 * incremental counts, dry runs, locking, readers during a reindex and
 * during --full, and SIGKILL/SIGTERM at arbitrary points, each followed by
 * xapian-check. Every expected count comes from the generator's manifest.
 *
 * The real gazette-index binary is run as a child process; the index is
 * inspected through the shim (docids, values) and libgazette (searches).
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "gazette.h"
#include "gen_corpus.h"
#include "schema.h"
#include "test_util.h"
#include "xapian_shim.h"

#define SEED 20241130
#define ARTICLES 800
#define MARKER "zanzibarquokka"   /* a word no generated text has */

static struct {
    char *tmp;
    char pristine[1024];  /* tmp/pristine: the corpus as generated */
    char corpus[1024];    /* tmp/corpus: a copy the tests change */
    char db[1024];        /* tmp/idx: index of the copy */
    gen_corpus *c;        /* manifest of fx.corpus */
    size_t pristine_files, pristine_business;
    size_t marked;        /* files of fx.corpus whose text has MARKER */
    double full_seconds;  /* time of a full index of fx.corpus */
} fx;

typedef struct counts {
    long scanned, added, updated, removed, unchanged, skipped;
} counts;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_seconds(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Start gazette-index with `args` (NULL-terminated, after the program
 * name), stdout to tmp/out.json and stderr to tmp/err.txt. */
static pid_t start_index(const char *const *args)
{
    char out[4096], err[4096];
    snprintf(out, sizeof out, "%s/out.json", fx.tmp);
    snprintf(err, sizeof err, "%s/err.txt", fx.tmp);
    const char *argv[32] = {tu_binary("indexer/gazette-index")};
    size_t n = 1, k = 0;
    const char *jobs = tu_test_jobs();
    if (jobs) {
        argv[n++] = "-j";
        argv[n++] = jobs;
    }
    for (; args[k] && n < 31; n++, k++)
        argv[n] = args[k];
    argv[n] = NULL;
    pid_t pid = tu_spawn(argv[0], argv, out, err);
    return pid;
}

/* Exit status of `pid`, or 128 + signal. */
static int wait_exit(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run_index(const char *const *args)
{
    return wait_exit(start_index(args));
}

/* The whole of a small file, NUL-terminated (static buffer). */
static const char *slurp(const char *name)
{
    static char buf[65536];
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", fx.tmp, name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static long get_count(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        fail_msg("summary has no integer '%s'", key);
    return (long)json_integer_value(v);
}

/* Parse the --json summary of the last run: exactly its twelve keys. */
static counts last_summary(void)
{
    json_error_t jerr;
    json_t *obj = json_loads(slurp("out.json"), JSON_DISABLE_EOF_CHECK,
                             &jerr);
    if (!obj)
        fail_msg("summary is not JSON: %s: %s", jerr.text, slurp("out.json"));
    /* the seven counts, "seconds", "index", "roots", "finished" and
     * "dry_run" */
    assert_int_equal(json_object_size(obj), 12);
    assert_true(json_is_real(json_object_get(obj, "seconds")));
    (void)get_count(obj, "ignored");
    counts c = {get_count(obj, "scanned"), get_count(obj, "added"),
                get_count(obj, "updated"), get_count(obj, "removed"),
                get_count(obj, "unchanged"), get_count(obj, "skipped")};
    json_decref(obj);
    return c;
}

static void expect_counts(counts c, long scanned, long added, long updated,
                          long removed, long unchanged, long skipped)
{
    assert_int_equal(c.scanned, scanned);
    assert_int_equal(c.added, added);
    assert_int_equal(c.updated, updated);
    assert_int_equal(c.removed, removed);
    assert_int_equal(c.unchanged, unchanged);
    assert_int_equal(c.skipped, skipped);
}

static uint32_t doc_count(const char *db)
{
    xap_database *d = NULL;
    uint32_t n = 0;
    assert_int_equal(xap_database_open(db, &d), XAP_OK);
    assert_int_equal(xap_database_doc_count(d, &n), XAP_OK);
    xap_database_free(d);
    return n;
}

/* Docid of the article with id `id` (0 when absent). */
static xap_docid docid_of(const char *db, const char *id)
{
    xap_database *d = NULL;
    char term[512];
    snprintf(term, sizeof term, "Q%s", id);
    xap_docid docid = 0;
    assert_int_equal(xap_database_open(db, &d), XAP_OK);
    xap_status s = xap_database_first_posting(d, term, &docid);
    assert_true(s == XAP_OK || s == XAP_ERR_DOC_NOT_FOUND);
    xap_database_free(d);
    return s == XAP_OK ? docid : 0;
}

/* Ids of the hits for `query` (up to 50), joined by '\n' (static). Copies
 * are not collapsed: a file with a copy must still be found by id. */
static const char *search_ids(const char *query)
{
    static char ids[16384];
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(fx.db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(opts, 0, 50),
                     GAZETTE_STATUS_OK);
    gazette_search_options_set_collapse_duplicates(opts, 0);
    assert_int_equal(gazette_search(index, query, opts, &r),
                     GAZETTE_STATUS_OK);
    size_t len = 0;
    ids[0] = '\0';
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        int n = snprintf(ids + len, sizeof ids - len, "%s\n",
                         gazette_hit_id(gazette_results_hit(r, i)));
        if (n > 0 && (size_t)n < sizeof ids - len)
            len += (size_t)n;
    }
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
    return ids;
}

static void corpus_path(char *buf, size_t size, const char *rel)
{
    snprintf(buf, size, "%s/%s", fx.corpus, rel);
}

/* A generated corpus in tmp/corpus, a pristine copy in tmp/pristine. */
static int group_setup(void **state)
{
    (void)state;
    fx.tmp = tu_mkdtemp("incremental");
    snprintf(fx.corpus, sizeof fx.corpus, "%s/corpus", fx.tmp);
    snprintf(fx.pristine, sizeof fx.pristine, "%s/pristine", fx.tmp);
    snprintf(fx.db, sizeof fx.db, "%s/idx", fx.tmp);
    gen_options o = gen_default_options(SEED, ARTICLES);
    o.readme = 1;   /* files beside the folders that are not articles */
    fx.c = gen_corpus_create(fx.corpus, &o);
    fx.pristine_files = gen_corpus_count(fx.c);
    fx.pristine_business = gen_corpus_count_folder(fx.c, "business");
    return tu_run("cp -r '%s' '%s'", fx.corpus, fx.pristine) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    gen_corpus_free(fx.c);
    tu_rmtree(fx.tmp);
    free(fx.tmp);
    return 0;
}

/* 1 when `id` is one of the lines of `ids` (from search_ids). */
static int has_id(const char *ids, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = ids; (p = strstr(p, id)) != NULL; p++)
        if ((p == ids || p[-1] == '\n') && p[n] == '\n')
            return 1;
    return 0;
}

static size_t line_count(const char *ids)
{
    size_t n = 0;
    for (; *ids; ids++)
        n += *ids == '\n';
    return n;
}

/* title:"<title>" for file i: a query finding it by its own title. */
static const char *title_query(size_t i)
{
    static char q[600];
    snprintf(q, sizeof q, "title:\"%s\"", fx.c->files[i].title);
    return q;
}

/* Full index, a no-op rerun, then every kind of change at once. */
static void test_rerun_counts(void **state)
{
    (void)state;
    const long n = (long)gen_corpus_count(fx.c);
    const char *args[] = {"--json", "--db", fx.db, fx.corpus, NULL};
    double t0 = now();
    assert_int_equal(run_index(args), 0);
    fx.full_seconds = now() - t0;
    expect_counts(last_summary(), n, n, 0, 0, 0, 0);
    assert_int_equal(doc_count(fx.db), n);
    assert_int_equal(run_index(args), 0);
    expect_counts(last_summary(), n, 0, 0, 0, n, 0);
    assert_non_null(strstr(search_ids("\"Labour\" election"),
                           "politics/"));

    /* Every kind of change, the first file of each kind gzipped. */
    gen_mutation m;
    gen_changes want = {.edit = 3, .retype = 2, .touch = 5, .rename = 2,
                        .remove = 2, .add = 4, .marker = MARKER};
    gen_corpus_mutate(fx.c, &want, &m);
    /* The index still holds the corpus as it was: note its documents. */
    xap_docid old_ids[GEN_MAX_PICK];
    fx.marked = 3;
    assert_true(fx.c->files[m.edited[0]].gzip &&
                fx.c->files[m.touched[0]].gzip &&
                fx.c->files[m.renamed[0]].gzip &&
                fx.c->files[m.removed[0]].gzip &&
                fx.c->files[m.added[0]].gzip);
    for (size_t k = 0; k < m.n_edited; k++)
        assert_true((old_ids[k] = docid_of(fx.db,
                                           fx.c->files[m.edited[k]].path)) > 0);
    xap_docid touched[GEN_MAX_PICK];
    for (size_t k = 0; k < m.n_touched; k++)
        assert_true((touched[k] = docid_of(fx.db,
                                           fx.c->files[m.touched[k]].path)) > 0);
    for (size_t k = 0; k < m.n_removed; k++)   /* deleted text goes */
        assert_true(has_id(search_ids(title_query(m.removed[k])),
                           fx.c->files[m.removed[k]].path));
    for (size_t k = 0; k < m.n_renamed; k++)
        assert_true(docid_of(fx.db, m.renamed_from[k]) > 0);

    /* Renamed files count as removed and added; touched as unchanged;
     * retyped (same size, later mtime) as updated. */
    long scanned = n - (long)m.n_removed + (long)m.n_added;
    assert_int_equal(run_index(args), 0);
    expect_counts(last_summary(), scanned, (long)(m.n_added + m.n_renamed),
                  (long)m.n_edited, (long)(m.n_removed + m.n_renamed),
                  n - (long)(m.n_removed + m.n_renamed + m.n_edited), 0);
    assert_int_equal(doc_count(fx.db), scanned);
    assert_int_equal(scanned, gen_corpus_count(fx.c));

    /* Touched files kept their documents; modified ones got new ones. */
    for (size_t k = 0; k < m.n_touched; k++)
        assert_int_equal(docid_of(fx.db, fx.c->files[m.touched[k]].path),
                         touched[k]);
    for (size_t k = 0; k < m.n_edited; k++) {
        xap_docid id = docid_of(fx.db, fx.c->files[m.edited[k]].path);
        assert_true(id > 0 && id != old_ids[k]);
    }
    for (size_t k = 0; k < m.n_removed; k++) {
        const char *path = fx.c->files[m.removed[k]].path;
        assert_int_equal(docid_of(fx.db, path), 0);
        assert_false(has_id(search_ids(title_query(m.removed[k])), path));
    }
    for (size_t k = 0; k < m.n_renamed; k++) {
        assert_int_equal(docid_of(fx.db, m.renamed_from[k]), 0);
        assert_true(docid_of(fx.db, fx.c->files[m.renamed[k]].path) > 0);
    }
    for (size_t k = 0; k < m.n_added; k++)
        assert_true(has_id(search_ids(title_query(m.added[k])),
                           fx.c->files[m.added[k]].path));

    /* The new text is searchable: exactly the appended files. */
    const char *hits = search_ids(MARKER);
    assert_int_equal(line_count(hits), fx.marked);
    for (size_t k = 0; k < fx.marked; k++)
        assert_true(has_id(hits, fx.c->files[m.edited[k]].path));

    /* The touch refreshed the stored stat: now a stat-only no-op. */
    assert_int_equal(run_index(args), 0);
    expect_counts(last_summary(), scanned, 0, 0, 0, scanned, 0);
    for (size_t k = 0; k < m.n_touched; k++)
        assert_int_equal(docid_of(fx.db, fx.c->files[m.touched[k]].path),
                         touched[k]);

    /* Moving the corpus root does not reindex: ids are relative. */
    char moved[4096];
    snprintf(moved, sizeof moved, "%s/moved-corpus", fx.tmp);
    assert_int_equal(rename(fx.corpus, moved), 0);
    const char *margs[] = {"--json", "--db", fx.db, moved, NULL};
    assert_int_equal(run_index(margs), 0);
    expect_counts(last_summary(), scanned, 0, 0, 0, scanned, 0);
    assert_int_equal(rename(moved, fx.corpus), 0);
}

/* Snapshot of the index directory: names, sizes, mtimes. */
static void snapshot(const char *name)
{
    assert_int_equal(tu_run("cd '%s' && ls -l --time-style=full-iso . > "
                            "'%s/%s'", fx.db, fx.tmp, name), 0);
}

static void test_dry_run_writes_nothing(void **state)
{
    (void)state;
    const char *args[] = {"--json", "--dry-run", "--db", fx.db, fx.corpus,
                          NULL};
    const long n = (long)gen_corpus_count(fx.c);
    gen_mutation m;
    gen_corpus_mutate(fx.c, &(gen_changes){.edit = 1, .remove = 1}, &m);
    const char *edited = fx.c->files[m.edited[0]].path;
    const char *removed = fx.c->files[m.removed[0]].path;
    uint32_t docs = doc_count(fx.db);
    assert_int_equal(docs, n);
    snapshot("before.ls");
    assert_int_equal(run_index(args), 0);
    expect_counts(last_summary(), n - 1, 0, 1, 1, n - 2, 0);
    snapshot("after.ls");
    assert_int_equal(tu_run("cmp -s '%s/before.ls' '%s/after.ls'", fx.tmp,
                            fx.tmp), 0);
    assert_int_equal(doc_count(fx.db), docs);

    /* --verbose names each change. */
    const char *vargs[] = {"--dry-run", "--verbose", "--db", fx.db,
                           fx.corpus, NULL};
    assert_int_equal(run_index(vargs), 0);
    const char *out = slurp("out.json");
    char line[128];
    snprintf(line, sizeof line, "updated %s\n", edited);
    assert_non_null(strstr(out, line));
    snprintf(line, sizeof line, "removed %s\n", removed);
    assert_non_null(strstr(out, line));

    /* Without an index: all added, and no index or lock file created. */
    char nodb[4096];
    snprintf(nodb, sizeof nodb, "%s/none", fx.tmp);
    const char *nargs[] = {"--json", "-n", "--db", nodb, fx.corpus, NULL};
    assert_int_equal(run_index(nargs), 0);
    expect_counts(last_summary(), n - 1, n - 1, 0, 0, 0, 0);
    assert_int_equal(access(nodb, F_OK), -1);
    assert_int_equal(tu_run("test -e '%s.lock'", nodb), 1);

    /* A real run then applies exactly what the dry run announced. */
    const char *rargs[] = {"--json", "--db", fx.db, fx.corpus, NULL};
    assert_int_equal(run_index(rargs), 0);
    expect_counts(last_summary(), n - 1, 0, 1, 1, n - 2, 0);
    assert_int_equal(doc_count(fx.db), docs - 1);
}

/* A child that takes the lock file, writes its pid, signals `ready`, and
 * holds the lock for `hold` seconds. */
static pid_t hold_lock_file(double hold)
{
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char path[4096];
        snprintf(path, sizeof path, "%s.lock", fx.db);
        int fd = open(path, O_RDWR | O_CREAT, 0644);
        if (fd < 0 || flock(fd, LOCK_EX) != 0)
            _exit(1);
        dprintf(fd, "%ld\n", (long)getpid());
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        sleep_seconds(hold);
        _exit(0);
    }
    char c;
    close(ready[1]);
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    return pid;
}

/* A second writer exits 75 at once, or after --wait-lock ran out,
 * having written nothing: one error line and no summary, --json or not
 * (it printed one of zeros, which a log reader takes for a run that found
 * no file, while a signal during the same wait printed none); the line
 * of a wait that ran out says it waited, and how long ("gave up after
 * waiting 0.4 s (--wait-lock 0.4)"), and a run that got the lock after
 * waiting says so in one line as it starts, its summary's seconds
 * counting the wait: a note ("note: DB: waited ..."), which --quiet
 * leaves out (it lacked the "note:" of one). Both read as a run that did
 * not wait before. */
static void test_second_writer_is_refused_or_waits(void **state)
{
    (void)state;
    const long n = (long)gen_corpus_count(fx.c);
    const char *args[] = {"--json", "--db", fx.db, fx.corpus, NULL};
    pid_t holder = hold_lock_file(60);
    double t0 = now();
    assert_int_equal(run_index(args), 75);
    assert_true(now() - t0 < 5);
    assert_string_equal(slurp("out.json"), "");   /* no summary */
    const char *err = slurp("err.txt");
    assert_non_null(strstr(err, "is being written by another process"));
    char pidtext[64];
    snprintf(pidtext, sizeof pidtext, "held by process %ld", (long)holder);
    assert_non_null(strstr(err, pidtext));
    assert_null(strstr(err, "waiting"));
    kill(holder, SIGKILL);
    wait_exit(holder);

    /* --wait-lock waits for the holder to go, then does the work. The
     * holder keeps the lock long enough that a slow start (a loaded
     * machine, a sanitizer build) still finds it held. */
    holder = hold_lock_file(4.0);
    t0 = now();
    const char *wargs[] = {"--json", "--wait-lock", "30", "--db", fx.db,
                           fx.corpus, NULL};
    assert_int_equal(run_index(wargs), 0);
    double waited = now() - t0;
    assert_true(waited >= 0.5);
    assert_true(waited < 25);
    expect_counts(last_summary(), n, 0, 0, 0, n, 0);
    assert_int_equal(wait_exit(holder), 0);
    err = slurp("err.txt");
    double said = 0;
    char note[1200];   /* a note, as --quiet leaves out */
    snprintf(note, sizeof note, "gazette-index: note: %s: waited ", fx.db);
    const char *line = strstr(err, note);
    if (!line || sscanf(line + strlen(note), "%lf s", &said) != 1 ||
        !strstr(line, " s for another writer to release the index's lock; "
                      "starting now\n") ||
        strchr(err, '\n') != err + strlen(err) - 1 || err[4] != '-' ||
        said <= 0 || said > waited)
        fail_msg("the wait was not said in one timed line: %s", err);

    /* A --wait-lock that runs out still fails with 75. */
    holder = hold_lock_file(60);
    const char *sargs[] = {"--wait-lock", "0.4", "--db", fx.db, fx.corpus,
                           NULL};
    t0 = now();
    assert_int_equal(run_index(sargs), 75);
    assert_true(now() - t0 >= 0.3);
    assert_string_equal(slurp("out.json"), "");
    err = slurp("err.txt");
    if (!strstr(err, "is being written by another process (lock ") ||
        !strstr(err, "); gave up after waiting 0.") ||
        !strstr(err, " s (--wait-lock 0.4)\n"))
        fail_msg("a wait that ran out reads as none: %s", err);
    const char *jsargs[] = {"--json", "--wait-lock", "0.2", "--db", fx.db,
                            fx.corpus, NULL};
    assert_int_equal(run_index(jsargs), 75);
    assert_string_equal(slurp("out.json"), "");
    kill(holder, SIGKILL);
    wait_exit(holder);

    /* Xapian's own lock (a writer that is not gazette-index) counts too. */
    xap_writable *w = NULL;
    assert_int_equal(xap_writable_open(fx.db, XAP_DB_OPEN, 0, &w), XAP_OK);
    assert_int_equal(run_index(args), 75);
    assert_non_null(strstr(slurp("err.txt"),
                           "is being written by another process"));
    assert_string_equal(slurp("out.json"), "");
    xap_writable_free(w);
    assert_int_equal(run_index(args), 0);
}

/* Search in a loop through one long-lived handle while a child indexes
 * the four other folders (~650 files) with a commit every 20: no search
 * may fail, and the reader must see the index grow. */
static void test_readers_during_reindex(void **state)
{
    (void)state;
    char root[4096], db[4096];
    snprintf(root, sizeof root, "%s/grow", fx.tmp);
    snprintf(db, sizeof db, "%s/grow-idx", fx.tmp);
    assert_int_equal(tu_run("mkdir -p '%s' && cp -r '%s/business' '%s/'",
                            root, fx.pristine, root), 0);
    const char *args[] = {"--quiet", "--db", db, root, NULL};
    assert_int_equal(run_index(args), 0);
    assert_int_equal(doc_count(db), fx.pristine_business);
    assert_int_equal(tu_run("cd '%s' && cp -r politics sport tech world "
                            "'%s/'", fx.pristine, root), 0);

    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    const char *bargs[] = {"--quiet", "--batch", "20", "--db", db, root,
                           NULL};
    pid_t child = start_index(bargs);
    uint64_t first = 0, last = 0;
    long searches = 0;
    int status;
    do {
        gazette_results_t *r = NULL;
        gazette_status_t s = gazette_search(index, "government minister",
                                            opts, &r);
        if (s != GAZETTE_STATUS_OK)
            fail_msg("search %ld failed during reindex: %s", searches,
                     gazette_index_error(index));
        uint64_t est = 0;
        gazette_results_estimate(r, NULL, &est, NULL);
        gazette_results_free(r);
        uint64_t n = 0;
        assert_int_equal(gazette_index_article_count(index, &n),
                         GAZETTE_STATUS_OK);
        if (!first)
            first = n;
        last = n;
        searches++;
    } while (waitpid(child, &status, WNOHANG) == 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search(index, "government minister", opts, &r),
                     GAZETTE_STATUS_OK);
    gazette_results_free(r);
    uint64_t n = 0;
    assert_int_equal(gazette_index_article_count(index, &n),
                     GAZETTE_STATUS_OK);
    assert_int_equal(n, fx.pristine_files);
    assert_true(searches > 1);
    assert_true(first >= fx.pristine_business && first <= last);
    gazette_search_options_free(opts);
    gazette_index_close(index);
}

static int collect_id(xap_docid id, const char *v, size_t len, void *ctx)
{
    (void)v;
    (void)len;
    xap_docid **cursor = ctx;
    *(*cursor)++ = id;
    return 0;
}

/* Bad lines of a JSON Lines file are reported by every run, not only by
 * the one that read them: a run that finds the file unchanged (same stat,
 * or touched with the same bytes) does not read it again, but names its
 * first bad line, says how many there are and counts them all in
 * skipped (exit 1), until the file is fixed. A file with no good line
 * holds no article and is read, and reported, every time. */
static void test_bad_lines_reported_every_run(void **state)
{
    (void)state;
    char dir[1100], db[1100];
    snprintf(dir, sizeof dir, "%s/jsonl", fx.tmp);
    snprintf(db, sizeof db, "%s/jsonl.idx", fx.tmp);
    static const char two_bad[] =
        "{\"id\":\"a\",\"title\":\"Alpha\",\"body\":\"one\"}\n"
        "{\"id\":\"b\",\"title\":\"Beta\",\n"
        "{\"id\":\"c\",\"title\":\"Gamma\",\"body\":\"three\"}\n"
        "not json\n";
    static const char one_bad[] =
        "{\"id\":\"a\",\"title\":\"Alpha\",\"body\":\"one\"}\n"
        "{\"id\":\"b\",\"title\":\"Beta\",\"body\":\"two\"}\n"
        "{\"id\":\"a\",\"title\":\"Again\",\"body\":\"three\"}\n";
    static const char fixed[] =
        "{\"id\":\"a\",\"title\":\"Alpha\",\"body\":\"one\"}\n"
        "{\"id\":\"b\",\"title\":\"Beta\",\"body\":\"two\"}\n";
    tu_write_file(dir, "feed.jsonl", two_bad, sizeof two_bad - 1);
    const char *args[] = {"--json", "--db", db, dir, NULL};
    const char *dry[] = {"--json", "-n", "--db", db, dir, NULL};

    assert_int_equal(run_index(args), 1);
    expect_counts(last_summary(), 1, 1, 0, 0, 0, 2);
    assert_non_null(strstr(slurp("err.txt"), "feed.jsonl:2: invalid JSON"));
    assert_non_null(strstr(slurp("err.txt"), "feed.jsonl:4: invalid JSON"));
    /* unchanged: one line, the first bad line and the count */
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 1)   /* touched, same bytes: hashed, not read */
            assert_int_equal(tu_run("touch -d '2001-02-03 04:05:06' "
                                    "'%s/feed.jsonl'", dir), 0);
        assert_int_equal(run_index(pass == 2 ? dry : args), 1);
        expect_counts(last_summary(), 1, 0, 0, 0, 1, 2);
        const char *err = slurp("err.txt");
        if (!strstr(err, "feed.jsonl:2: invalid JSON") ||
            !strstr(err, "the first of 2 bad lines") || strstr(err, ":4:"))
            fail_msg("pass %d: %s", pass, err);
    }
    assert_int_equal(doc_count(db), 2);

    /* one bad line (a repeated id) */
    tu_write_file(dir, "feed.jsonl", one_bad, sizeof one_bad - 1);
    assert_int_equal(run_index(args), 1);
    expect_counts(last_summary(), 1, 0, 1, 0, 0, 1);
    assert_int_equal(run_index(args), 1);
    expect_counts(last_summary(), 1, 0, 0, 0, 1, 1);
    const char *err = slurp("err.txt");
    if (!strstr(err, "feed.jsonl:3: ") || !strstr(err, "still there") ||
        strstr(err, "bad lines"))
        fail_msg("%s", err);

    /* fixed: said no more */
    tu_write_file(dir, "feed.jsonl", fixed, sizeof fixed - 1);
    assert_int_equal(run_index(args), 0);
    expect_counts(last_summary(), 1, 0, 1, 0, 0, 0);
    assert_int_equal(run_index(args), 0);
    expect_counts(last_summary(), 1, 0, 0, 0, 1, 0);
    assert_string_equal(slurp("err.txt"), "");

    /* no good line at all: skipped and named by every run */
    tu_write_file(dir, "bad.jsonl", "nope\nnot either\n", 16);
    for (int run = 0; run < 2; run++) {
        assert_int_equal(run_index(args), 1);
        expect_counts(last_summary(), 2, 0, 0, 0, 1, 1);
        assert_non_null(strstr(slurp("err.txt"), "bad.jsonl"));
    }
    tu_rmtree(dir);
    tu_rmtree(db);
}

/* Indexes written before the path value slot existed (simulated by
 * clearing it) are still read right: through the path terms. */
static void test_index_without_path_values(void **state)
{
    (void)state;
    uint32_t docs = doc_count(fx.db);
    xap_writable *w = NULL;
    assert_int_equal(xap_writable_open(fx.db, XAP_DB_OPEN, XAP_DB_NO_SYNC,
                                       &w), XAP_OK);
    xap_database *view = xap_writable_database(w);
    xap_docid *ids = calloc(docs + 1, sizeof *ids), *cursor = ids;
    assert_non_null(ids);
    assert_int_equal(xap_database_each_value(view, GZ_SLOT_FILE_PATH,
                                             collect_id, &cursor),
                     XAP_OK);
    assert_int_equal(cursor - ids, docs);
    for (xap_docid *p = ids; p < cursor; p++) {
        xap_document *doc = NULL;
        assert_int_equal(xap_database_get_document(view, *p, &doc), XAP_OK);
        assert_int_equal(xap_document_add_value(doc, GZ_SLOT_FILE_PATH, "", 0),
                         XAP_OK);
        assert_int_equal(xap_writable_replace_document(w, *p, doc), XAP_OK);
        xap_document_free(doc);
    }
    assert_int_equal(xap_writable_close(w), XAP_OK);
    xap_writable_free(w);
    cursor = ids;
    xap_database *db = NULL;
    assert_int_equal(xap_database_open(fx.db, &db), XAP_OK);
    assert_int_equal(xap_database_each_value(db, GZ_SLOT_FILE_PATH,
                                             collect_id, &cursor),
                     XAP_OK);
    xap_database_free(db);
    assert_int_equal(cursor - ids, 0);
    free(ids);

    const char *args[] = {"--json", "--db", fx.db, fx.corpus, NULL};
    assert_int_equal(run_index(args), 0);
    expect_counts(last_summary(), docs, 0, 0, 0, docs, 0);
    gen_mutation m;
    gen_corpus_mutate(fx.c, &(gen_changes){.remove = 1}, &m);
    assert_int_equal(run_index(args), 0);
    expect_counts(last_summary(), docs - 1, 0, 0, 1, docs - 1, 0);
    assert_int_equal(docid_of(fx.db, fx.c->files[m.removed[0]].path), 0);
    assert_int_equal(doc_count(fx.db), docs - 1);
}

/* A path the walk cannot use (here a file turned into a broken symlink,
 * as when the disk it pointed to is not mounted) keeps its articles; once
 * it is gone for good they are removed. */
static void test_unreadable_paths_keep_articles(void **state)
{
    (void)state;
    const char *args[] = {"--json", "--db", fx.db, fx.corpus, NULL};
    assert_int_equal(run_index(args), 0);
    counts c = last_summary();
    uint32_t docs = doc_count(fx.db);
    long i = gen_corpus_pick(fx.c, 0);
    assert_true(i >= 0);
    const char *rel = fx.c->files[i].path;
    char path[4096], why[256];
    corpus_path(path, sizeof path, rel);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(symlink("/nonexistent/disk/gone.txt", path), 0);
    assert_int_equal(run_index(args), 1);   /* the broken link is skipped */
    expect_counts(last_summary(), c.scanned - 1, 0, 0, 0, c.scanned - 1, 1);
    snprintf(why, sizeof why, "%s: broken symlink", rel);
    assert_non_null(strstr(slurp("err.txt"), why));
    assert_int_equal(doc_count(fx.db), docs);
    assert_true(docid_of(fx.db, rel) > 0);
    assert_int_equal(unlink(path), 0);
    gen_corpus_forget(fx.c, (size_t)i);
    assert_int_equal(run_index(args), 0);
    expect_counts(last_summary(), c.scanned - 1, 0, 0, 1, c.scanned - 1, 0);
    assert_int_equal(doc_count(fx.db), docs - 1);
}

/* xapian-check must accept the index (when the run got far enough to
 * create it): each shard of a sharded one (xapian-check takes one
 * database at a time), also behind the stub file of a --full. A database
 * whose creation the kill cut short (empty tables, no iamglass: the next
 * run makes it anew, test_faults test_cut_creation_is_made_anew) is no
 * database yet: xapian-check refused it, a failure 1 run in many. */
static void check_index(const char *db)
{
    if (access(db, F_OK) != 0)
        return;
    assert_int_equal(tu_run(
        "d='%s'; if [ -f \"$d\" ]; then d=\"$(dirname \"$d\")/$(sed -n "
        "'s/^auto //p' \"$d\" | head -n 1)\"; fi; "
        "if [ -d \"$d\" ] && [ ! -e \"$d/iamglass\" ] && "
        "[ ! -e \"$d/XAPIANDB\" ] && [ -z \"$(find \"$d\" -name '*.glass' "
        "-size +0)\" ]; then exit 0; fi; "
        "if [ -f \"$d/XAPIANDB\" ]; then cd \"$d\" && for s in $(sed -n "
        "'s/^auto //p' XAPIANDB); do xapian-check \"$s\" || exit 1; done; "
        "else xapian-check \"$d\"; fi >'%s/check.txt' 2>&1", db, fx.tmp), 0);
}

/* Run `gazette-index --full` on fx.db while opening and searching the
 * index afresh in a loop (as gazette-query does): every open must see a
 * complete index. Returns the number of searches done. */
static long full_rebuild_under_readers(uint64_t expected)
{
    /* --wait-lock: the incremental writer below may get the lock first. */
    const char *args[] = {"--json", "--batch", "50", "--full", "--wait-lock",
                          "60", "--db", fx.db, fx.corpus, NULL};
    gazette_index_t *kept = NULL;   /* one long-lived handle too */
    assert_int_equal(gazette_index_open(fx.db, &kept), GAZETTE_STATUS_OK);
    pid_t child = start_index(args);
    long searches = 0;
    int status, tried_second_writer = 0;
    do {
        uint64_t kept_n = 0;
        if (gazette_index_article_count(kept, &kept_n) != GAZETTE_STATUS_OK)
            fail_msg("long-lived handle failed during --full: %s",
                     gazette_index_error(kept));
        assert_int_equal(kept_n, expected);
        gazette_index_t *index = NULL;
        gazette_status_t s = gazette_index_open(fx.db, &index);
        if (s != GAZETTE_STATUS_OK)
            fail_msg("open %ld failed during --full: %s", searches,
                     gazette_last_open_error());
        uint64_t n = 0;
        assert_int_equal(gazette_index_article_count(index, &n),
                         GAZETTE_STATUS_OK);
        assert_int_equal(n, expected);
        gazette_search_options_t *opts = NULL;
        gazette_results_t *r = NULL;
        assert_int_equal(gazette_search_options_new(&opts),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_search(index, MARKER, opts, &r),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_results_count(r), fx.marked);
        gazette_results_free(r);
        gazette_search_options_free(opts);
        gazette_index_close(index);
        searches++;
        if (!tried_second_writer) {
            /* An incremental writer meanwhile is refused (or, if the
             * build already ended, has nothing to do). */
            tried_second_writer = 1;
            char cmd[8192];
            snprintf(cmd, sizeof cmd, "'%s' --quiet --db '%s' '%s'",
                     tu_binary("indexer/gazette-index"), fx.db, fx.corpus);
            int rc = tu_run("%s 2>/dev/null", cmd);
            assert_true(rc == 75 || rc == 0);
        }
    } while (waitpid(child, &status, WNOHANG) == 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    expect_counts(last_summary(), (long)expected, (long)expected, 0, 0, 0,
                  0);
    /* After the switch, the old generation is gone: the long-lived handle
     * must follow the stub to the new one. */
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    if (gazette_search(kept, MARKER, opts, &r) != GAZETTE_STATUS_OK)
        fail_msg("long-lived handle after --full: %s",
                 gazette_index_error(kept));
    assert_int_equal(gazette_results_count(r), fx.marked);
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(kept);
    return searches;
}

/* The one generation directory below fx.db.d, checked against the stub. */
static void expect_one_generation(void)
{
    assert_int_equal(tu_run("test -f '%s' && test \"$(ls '%s.d' | wc -l)\" "
                            "= 1 && grep -qx \"auto idx.d/$(ls '%s.d')\" '%s'",
                            fx.db, fx.db, fx.db, fx.db), 0);
}

static void test_full_rebuild_switches_atomically(void **state)
{
    (void)state;
    uint64_t docs = doc_count(fx.db);
    struct stat sb;
    assert_int_equal(stat(fx.db, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));   /* built incrementally so far */

    /* First --full: the plain directory is exchanged for a stub. */
    assert_true(full_rebuild_under_readers(docs) > 1);
    expect_one_generation();
    check_index(fx.db);

    /* Second --full: a new generation, the old one deleted. */
    assert_int_equal(tu_run("cp '%s' '%s/stub-before'", fx.db, fx.tmp), 0);
    full_rebuild_under_readers(docs);
    expect_one_generation();
    assert_int_equal(tu_run("cmp -s '%s' '%s/stub-before'", fx.db, fx.tmp),
                     1);

    /* Incremental runs go on working through the stub. */
    const char *args[] = {"--json", "--db", fx.db, fx.corpus, NULL};
    gen_mutation m;
    gen_corpus_mutate(fx.c, &(gen_changes){.edit = 1, .marker = MARKER}, &m);
    fx.marked++;
    assert_int_equal(run_index(args), 0);
    expect_counts(last_summary(), (long)docs, 0, 1, 0, (long)docs - 1, 0);
    const char *hits = search_ids(MARKER);
    assert_true(has_id(hits, fx.c->files[m.edited[0]].path));
    assert_int_equal(line_count(hits), fx.marked);
    check_index(fx.db);

    /* A --full stopped by SIGTERM deletes its unfinished generation and
     * leaves the stub and the live generation as they were. */
    assert_int_equal(tu_run("cp '%s' '%s/stub-before'", fx.db, fx.tmp), 0);
    const char *fargs[] = {"--json", "--full", "--db", fx.db, fx.corpus,
                           NULL};
    pid_t pid = start_index(fargs);
    sleep_seconds(fx.full_seconds * 0.4);   /* mid-build, usually */
    kill(pid, SIGTERM);
    int rc = wait_exit(pid);
    assert_true(rc == 143 || rc == 0);
    if (rc == 143) {
        assert_int_equal(tu_run("cmp -s '%s' '%s/stub-before'", fx.db,
                                fx.tmp), 0);
        assert_non_null(strstr(slurp("err.txt"), "the index is as it was"));
        /* and the summary claims nothing of the deleted build */
        counts c = last_summary();
        assert_int_equal(c.scanned, 0);
        assert_int_equal(c.added, 0);
    }
    expect_one_generation();
    assert_int_equal(doc_count(fx.db), docs);

    /* A stub written by hand that names a database elsewhere is replaced
     * by --full, but what it named is not deleted. */
    char elsewhere[4096];
    snprintf(elsewhere, sizeof elsewhere, "%s/elsewhere", fx.tmp);
    assert_int_equal(tu_run("cp -r \"%s.d/$(ls '%s.d')\" '%s' && "
                            "echo 'auto elsewhere' > '%s'", fx.db, fx.db,
                            elsewhere, fx.db), 0);
    assert_int_equal(doc_count(fx.db), docs);
    assert_int_equal(run_index(fargs), 0);
    assert_int_equal(access(elsewhere, F_OK), 0);
    assert_int_equal(doc_count(fx.db), docs);
}

/* Kill a full index of the pristine corpus at several moments (shares of
 * the time a full index took), each run picking up where the last
 * stopped; then SIGTERM one; then finish. */
static void test_killed_runs_converge(void **state)
{
    (void)state;
    char db[4096];
    snprintf(db, sizeof db, "%s/kill-idx", fx.tmp);
    const char *args[] = {"--json", "--batch", "50", "--db", db, fx.pristine,
                          NULL};
    const double points[] = {0.1, 0.3, 0.6};
    int killed = 0;
    for (size_t i = 0; i < sizeof points / sizeof *points; i++) {
        pid_t pid = start_index(args);
        sleep_seconds(points[i] * fx.full_seconds);
        kill(pid, SIGKILL);
        int rc = wait_exit(pid);
        assert_true(rc == 128 + SIGKILL || rc == 0);
        killed += rc == 128 + SIGKILL;
        check_index(db);
    }
    assert_true(killed > 0);   /* at least one run died mid-way */

    /* SIGTERM: stops after committing; the summary says what was done. */
    uint32_t docs_before = access(db, F_OK) == 0 ? doc_count(db) : 0;
    pid_t pid = start_index(args);
    sleep_seconds(0.4 * fx.full_seconds);
    kill(pid, SIGTERM);
    int rc = wait_exit(pid);
    assert_true(rc == 143 || rc == 0);
    counts c = last_summary();
    check_index(db);
    assert_int_equal(doc_count(db), docs_before + (uint32_t)c.added);
    if (rc == 143)
        assert_non_null(strstr(slurp("err.txt"), "stopped by signal 15"));

    assert_int_equal(run_index(args), 0);
    check_index(db);
    assert_int_equal(doc_count(db), fx.pristine_files);
    assert_int_equal(run_index(args), 0);
    expect_counts(last_summary(), (long)fx.pristine_files, 0, 0, 0,
                  (long)fx.pristine_files, 0);
}

/* Write `text` to `path` and give it the mtime `when` (whole seconds, as
 * a file system of coarse timestamps keeps it). */
static void write_at(const char *path, const char *text, time_t when)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    struct timespec times[2] = {{when, 0}, {when, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

/* A file rewritten at the same size within its mtime's granularity
 * (ext3, NFS and SMB keep seconds, FAT two) after a run read it keeps
 * its size and mtime: it passed for unchanged on every later run, its
 * new text never indexed. A file whose mtime is not safely older than
 * the run is now read again by the next run, which its content hash
 * finds changed, or unchanged (not reindexed). Here the mtime is a
 * minute ahead, as a clock of a file server may be, so that the run
 * cannot be slow enough to leave the window. */
static void test_same_second_rewrite_is_read_again(void **state)
{
    (void)state;
    char dir[4096], db[4096], path[4200], old_path[4200];
    snprintf(dir, sizeof dir, "%s/racy", fx.tmp);
    snprintf(db, sizeof db, "%s/racy-idx", fx.tmp);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof path, "%s/news.txt", dir);
    snprintf(old_path, sizeof old_path, "%s/old.txt", dir);
    time_t ahead = time(NULL) + 60;
    write_at(path, "Breaking\n\nalphaword body\n", ahead);
    write_at(old_path, "Archive\n\nolden body\n", time(NULL) - 3600);
    const char *args[] = {"--json", "--db", db, dir, NULL};
    assert_int_equal(run_index(args), 0);
    expect_counts(last_summary(), 2, 2, 0, 0, 0, 0);
    write_at(path, "Breaking\n\nbravoword body\n", ahead);
    assert_int_equal(run_index(args), 0);
    expect_counts(last_summary(), 2, 0, 1, 0, 1, 0);
    gazette_index_t *index = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, "bravoword", NULL, &r),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(r), 1);
    gazette_results_free(r);
    assert_int_equal(gazette_search(index, "alphaword", NULL, &r),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(r), 0);
    gazette_results_free(r);
    gazette_index_close(index);
    /* read again, the same bytes are no update */
    assert_int_equal(run_index(args), 0);
    expect_counts(last_summary(), 2, 0, 0, 0, 2, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rerun_counts),
        cmocka_unit_test(test_dry_run_writes_nothing),
        cmocka_unit_test(test_second_writer_is_refused_or_waits),
        cmocka_unit_test(test_readers_during_reindex),
        cmocka_unit_test(test_full_rebuild_switches_atomically),
        cmocka_unit_test(test_index_without_path_values),
        cmocka_unit_test(test_bad_lines_reported_every_run),
        cmocka_unit_test(test_unreadable_paths_keep_articles),
        cmocka_unit_test(test_killed_runs_converge),
        cmocka_unit_test(test_same_second_rewrite_is_read_again),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
