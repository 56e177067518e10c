/*
 * test_oom.c - what the library says when memory runs out.
 *
 * The shim records an error with no memory left. This program replaces
 * malloc, calloc, realloc and free with functions that forward to
 * glibc's, except in the one thread told to fail, whose every allocation
 * then fails (glibc's own calls, such as the calloc of a TLS destructor's
 * registration, come here too). A thread that fails in its first shim
 * call, with its message never used before, gets its status and message;
 * the message used to be a thread_local std::string, whose first use in a
 * thread registers a TLS destructor, and glibc, finding no memory for it,
 * printed "Fatal glibc error: failed to register TLS destructor: out of
 * memory" and abort()ed the process (an indexing thread of
 * gazette_update_run hitting std::bad_alloc).
 *
 * An update that cannot start says so. Its test runs first: this process
 * must not have made a thread before (glibc keeps the stacks of finished
 * threads for new ones, which then need no memory).
 *
 * Each case runs in a child process, so that an abort is reported as a
 * failure rather than ending the test run. Not with a sanitizer, whose
 * runtime owns malloc and whose shadow memory needs the address space.
 *
 * The lists of authors (gazette_article_add_author, the readers' lists)
 * are run with each of their allocations failing in turn, in this
 * process (failure_sweep): out of memory said, the article as it was,
 * no block left.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "corpus.h"
#include "gazette.h"
#include "test_util.h"
#include "xapian_shim.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define OWN_MALLOC 0
#else
#define OWN_MALLOC 1
#endif

#if OWN_MALLOC
/* glibc's allocator under its other names */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

/* Bytes this thread asked of the allocator (realloc: the new size). */
static _Thread_local size_t bytes_asked;

static atomic_int failing;
static pthread_t failing_thread;
/* Allocations of the failing thread that still succeed before the rest
 * fail (0: every one fails), and how many blocks it holds, allocated
 * less freed, while failing (failure_sweep). */
static long allocations_left;
static long blocks_held;

/* 1 when the calling thread is the failing one. */
static int in_failing_thread(void)
{
    return atomic_load(&failing) &&
           pthread_equal(pthread_self(), failing_thread);
}

/* 1 when the calling thread's allocation is to fail. */
static int out_of_memory(void)
{
    if (!in_failing_thread())
        return 0;
    if (allocations_left > 0) {
        allocations_left--;
        return 0;
    }
    errno = ENOMEM;
    return 1;
}

/* `p`, a new block (or NULL), counted in blocks_held. */
static void *held(void *p)
{
    if (p && in_failing_thread())
        blocks_held++;
    return p;
}

void *malloc(size_t n)
{
    bytes_asked += n;
    return out_of_memory() ? NULL : held(__libc_malloc(n));
}

void *calloc(size_t n, size_t size)
{
    bytes_asked += n * size;
    return out_of_memory() ? NULL : held(__libc_calloc(n, size));
}

void *realloc(void *p, size_t n)
{
    bytes_asked += n;
    if (out_of_memory())
        return NULL;
    void *grown = __libc_realloc(p, n);
    return p ? grown : held(grown);
}

void free(void *p)
{
    if (p && in_failing_thread())
        blocks_held--;
    __libc_free(p);
}
#endif

/* What the thread without memory got. */
typedef struct outcome {
    xap_status status;
    char message[2048];
} outcome;

/* The case a thread runs without memory: one shim call. */
typedef void (*shim_call)(outcome *o);

typedef struct thread_job {
    shim_call call;
    outcome o;
} thread_job;

#if OWN_MALLOC
/* Runs the job's call with every allocation of this thread failing, its
 * first shim call: the thread's message is used here for the first
 * time. The message is copied without allocating. */
static void *without_memory(void *arg)
{
    thread_job *job = arg;
    failing_thread = pthread_self();
    atomic_store(&failing, 1);
    job->call(&job->o);
    const char *msg = xap_last_error();
    size_t n = strlen(msg);
    if (n >= sizeof job->o.message)
        n = sizeof job->o.message - 1;
    memcpy(job->o.message, msg, n);
    job->o.message[n] = '\0';
    atomic_store(&failing, 0);
    return NULL;
}
#endif

/* Runs `call` in a new thread without memory, in a child process, and
 * checks there that it returned `status` with message `message`; the
 * child exits 0 when it did (and did not abort). */
static void expect_recorded(shim_call call, xap_status status,
                            const char *message)
{
#if !OWN_MALLOC
    (void)call;
    (void)status;
    (void)message;
    skip();
#else
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        thread_job job = {.call = call};
        pthread_t t;
        if (pthread_create(&t, NULL, without_memory, &job) != 0 ||
            pthread_join(t, NULL) != 0)
            _exit(3);
        if (job.o.status != status || strcmp(job.o.message, message) != 0) {
            fprintf(stderr, "got %s '%s', want %s '%s'\n",
                    xap_status_name(job.o.status), job.o.message,
                    xap_status_name(status), message);
            _exit(1);
        }
        _exit(0);
    }
    int ws = 0;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    if (WIFSIGNALED(ws))
        fail_msg("the child was killed by signal %d", WTERMSIG(ws));
    assert_true(WIFEXITED(ws));
    assert_int_equal(WEXITSTATUS(ws), 0);
#endif
}

#if OWN_MALLOC
/* The address space this process maps, in bytes (/proc/self/statm). */
static long mapped_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0;
    if (!f || fscanf(f, "%ld", &pages) != 1)
        pages = -1;
    if (f)
        fclose(f);
    return pages < 0 ? -1 : pages * sysconf(_SC_PAGESIZE);
}
#endif

/* An update with too little memory to start (its address space limited
 * in a child to 2 MiB more than it maps: the stack of one of its threads
 * alone is more) fails with OUT_OF_MEMORY saying so. Its message used to
 * be the shim's last one, an earlier error the update expected: "DB:
 * DatabaseNotFoundError: Couldn't stat 'DB' (No such file or
 * directory)" for a new index. */
static void test_update_out_of_memory_message(void **state)
{
    (void)state;
#if !OWN_MALLOC
    skip();
#else
    char *tmp = tu_mkdtemp("oom");
    char corpus[4096], db[4096];
    snprintf(corpus, sizeof corpus, "%s/corpus", tmp);
    snprintf(db, sizeof db, "%s/news.idx", tmp);
    static const char text[] = "Harbour reopens\n\nThe harbour reopened.\n";
    tu_write_file(corpus, "news/harbour.txt", text, strlen(text));
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        gazette_update_t *u = NULL;
        const char *roots[] = {corpus};
        long now = mapped_bytes();
        struct rlimit limit = {(rlim_t)now + (2 << 20), RLIM_INFINITY};
        if (now < 0 || gazette_update_new(&u) != GAZETTE_STATUS_OK ||
            gazette_update_set_jobs(u, 2) != GAZETTE_STATUS_OK ||
            setrlimit(RLIMIT_AS, &limit) != 0)
            _exit(3);
        gazette_status_t s = gazette_update_run(u, db, roots, 1);
        const char *msg = gazette_update_error(u);
        if (s != GAZETTE_STATUS_OUT_OF_MEMORY || !strstr(msg, "memory") ||
            strstr(msg, "DatabaseNotFoundError")) {
            fprintf(stderr, "%s: '%s'\n", gazette_status_to_string(s), msg);
            _exit(1);
        }
        _exit(0);
    }
    int ws = 0;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    tu_rmtree(tmp);
    free(tmp);
    if (WIFSIGNALED(ws))
        fail_msg("the child was killed by signal %d", WTERMSIG(ws));
    assert_true(WIFEXITED(ws));
    assert_int_equal(WEXITSTATUS(ws), 0);
#endif
}

/* A NULL argument: ShimError, whose short text needs no allocation. */
static void null_argument(outcome *o)
{
    o->status = xap_stem_new("english", NULL);
}

/* A copy of the text: std::bad_alloc. */
static void copy_text(outcome *o)
{
    static const char text[] = "A text longer than std::string keeps in place";
    char *lower = NULL;
    o->status = xap_unicode_tolower_utf8(text, strlen(text), &lower, NULL);
    free(lower);
}

static void test_invalid_argument_without_memory(void **state)
{
    (void)state;
    expect_recorded(null_argument, XAP_ERR_INVALID_ARG,
                    "InvalidArgumentError: xap_stem_new: NULL out");
}

static void test_bad_alloc_without_memory(void **state)
{
    (void)state;
    expect_recorded(copy_text, XAP_ERR_NOMEM,
                    "std::bad_alloc: xap_unicode_tolower_utf8: out of memory");
}

/* A message longer than the thread's room (1024 bytes) is cut at a
 * character boundary: a database path of 700 two-byte letters. */
static void test_long_message_cut_at_character(void **state)
{
    (void)state;
    char path[1500] = "/nonexistent/";
    size_t n = strlen(path);
    for (int i = 0; i < 700; i++, n += 2)
        memcpy(path + n, "\xC3\xA9", 2);
    path[n] = '\0';
    xap_database *db = NULL;
    assert_int_equal(xap_database_open(path, &db), XAP_ERR_DB_NOT_FOUND);
    const char *msg = xap_last_error();
    size_t len = strlen(msg);
    assert_true(len >= 1000 && len < 1024);
    assert_non_null(strstr(msg, "DatabaseNotFoundError: Couldn't stat"));
    /* ends with a whole "é" */
    assert_memory_equal(msg + len - 2, "\xC3\xA9", 2);
}

/* One case of failure_sweep: runs with `ctx`, 1 when it succeeded, 0
 * when it failed for want of memory; what it found wrong in `problem`
 * (PROBLEM_BYTES; cmocka's asserts need memory, so none runs here). */
#define PROBLEM_BYTES 1024
typedef int (*sweep_fn)(void *ctx, char *problem);

/* Runs `fn` in this thread with its first 0, 1, 2, ... allocations
 * succeeding and the rest failing, until it succeeds; each run must
 * find nothing wrong and hold no block it allocated when it returns
 * (nothing leaked). */
static void failure_sweep(sweep_fn fn, void *ctx)
{
#if !OWN_MALLOC
    (void)fn;
    (void)ctx;
    skip();
#else
    for (long n = 0; n < 1000; n++) {
        char problem[PROBLEM_BYTES] = "";
        allocations_left = n;
        blocks_held = 0;
        failing_thread = pthread_self();
        atomic_store(&failing, 1);
        int done = fn(ctx, problem);
        atomic_store(&failing, 0);
        if (*problem)
            fail_msg("after %ld allocations: %s", n, problem);
        if (blocks_held != 0)
            fail_msg("%ld blocks left after %ld allocations", blocks_held,
                     n);
        if (done)
            return;
    }
    fail_msg("no success in 1000 allocations");
#endif
}

/* An article by "Smith, John" given a co-author, freed: out of memory,
 * the article as it was before the name was added. */
static int add_coauthor(void *ctx, char *problem)
{
    (void)ctx;
    gazette_article_t *a = NULL;
    if (gazette_article_new(&a) != GAZETTE_STATUS_OK)
        return 0;
    int done = 0;
    if (gazette_article_set(a, GAZETTE_FIELD_AUTHOR, "Smith, John") ==
        GAZETTE_STATUS_OK) {
        gazette_status_t s = gazette_article_add_author(a, "Bo\x01" "Chen");
        done = s == GAZETTE_STATUS_OK;
        const char *byline = gazette_article_get(a, GAZETTE_FIELD_AUTHOR);
        if ((!done && s != GAZETTE_STATUS_OUT_OF_MEMORY) ||
            gazette_article_author_count(a) != (done ? 2u : 1u) ||
            strcmp(byline, done ? "Smith, John, Bo Chen" : "Smith, John"))
            snprintf(problem, PROBLEM_BYTES, "%s: %zu authors, '%s'",
                     gazette_status_to_string(s),
                     gazette_article_author_count(a), byline);
    }
    gazette_article_free(a);
    return done;
}

static void test_add_author_without_memory(void **state)
{
    (void)state;
    failure_sweep(add_coauthor, NULL);
}

#if OWN_MALLOC
/* The bytes asked of the allocator to give a new article `n` authors
 * one by one; its byline checked to be all of them. */
static size_t bytes_to_add_authors(size_t n)
{
    gazette_article_t *a = NULL;
    assert_int_equal(gazette_article_new(&a), GAZETTE_STATUS_OK);
    size_t before = bytes_asked, byline_len = 0;
    char name[32];
    for (size_t i = 0; i < n; i++) {
        snprintf(name, sizeof name, "Reporter %zu", i);
        byline_len += strlen(name) + (i ? 2 : 0);
        assert_int_equal(gazette_article_add_author(a, name),
                         GAZETTE_STATUS_OK);
    }
    size_t asked = bytes_asked - before;
    assert_int_equal(gazette_article_author_count(a), n);
    const char *byline = gazette_article_get(a, GAZETTE_FIELD_AUTHOR);
    assert_int_equal(strlen(byline), byline_len);
    assert_string_equal(byline + byline_len - strlen(name), name);
    gazette_article_free(a);
    return asked;
}
#endif

/* Adding authors one by one costs in proportion to their number: each
 * name made a new byline of all of them (16 000 names took 28 s), so
 * twice the names asked some four times the bytes. */
static void test_add_authors_linear(void **state)
{
    (void)state;
#if !OWN_MALLOC
    skip();
#else
    size_t once = bytes_to_add_authors(1000);
    size_t twice = bytes_to_add_authors(2000);
    if (twice > 3 * once)
        fail_msg("1000 names asked %zu bytes, 2000 names %zu", once, twice);
#endif
}

/* The names of an article's list of authors read from a file, '|'
 * between, into `ctx` (NAMES_BYTES; corpus_article_fn). */
#define NAMES_BYTES 256
static int keep_authors(const corpus_article *art, void *ctx)
{
    char *out = ctx;
    for (size_t i = 0; i < art->nauthors; i++)
        snprintf(out + strlen(out), NAMES_BYTES - strlen(out), "%s%s",
                 i ? "|" : "", art->authors[i]);
    return 0;
}

/* A file to read, and whether jansson reads it: jansson reports some
 * of its allocations failing as a syntax error ("string or '}'
 * expected"), which no caller can tell apart without replacing its
 * allocator for the whole process, so the line is then a bad one. */
typedef struct authors_file {
    corpus_file f;
    int jansson;
} authors_file;

/* The file `ctx` (an authors_file) read: out of memory, said so. */
static int read_authors(void *ctx, char *problem)
{
    const authors_file *af = ctx;
    const corpus_file *f = &af->f;
    char got[NAMES_BYTES] = "", why[256];
    corpus_options o = {0};
    corpus_status s = corpus_read_file(f, &o, keep_authors, got, why,
                                       sizeof why);
    if ((s == CORPUS_OK && strcmp(got, "Ann Lee|Bo Chen|Smith, John")) ||
        (s != CORPUS_OK && s != CORPUS_ERR_NOMEM &&
         !(af->jansson && s == CORPUS_SKIP_MALFORMED)))
        snprintf(problem, PROBLEM_BYTES, "%s: '%s' (%s)",
                 corpus_status_name(s), got, why);
    return s == CORPUS_OK;
}

/* The readers' lists of authors, each allocation failing in turn: a
 * JSON Lines array and a front matter list, a name repeated, one with
 * a control character to clean. */
static void test_author_lists_without_memory(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text;
    } files[] = {
        {"a.jsonl", "{\"id\": \"1\", \"title\": \"T\", \"author\": "
                    "[\"Ann Lee\", {\"name\": \"Bo\\u0007Chen\"}, "
                    "\"Ann Lee\", \"Smith, John\"]}\n"},
        {"b.md", "---\ntitle: T\nauthors: [Ann Lee, Bo Chen, Ann Lee, "
                 "'Smith, John']\n---\nBody.\n"},
    };
#if !OWN_MALLOC
    skip();   /* here, as failure_sweep would after the files are made */
#endif
    char *tmp = tu_mkdtemp("oom-authors");
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", tmp, files[i].name);
        tu_write_file(tmp, files[i].name, files[i].text,
                      strlen(files[i].text));
        authors_file af = {
            .f = {.root = tmp, .path = path, .relpath = files[i].name},
            .jansson = strstr(files[i].name, ".jsonl") != NULL};
        failure_sweep(read_authors, &af);
    }
    tu_rmtree(tmp);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* first: before any thread (see the top) */
        cmocka_unit_test(test_update_out_of_memory_message),
        cmocka_unit_test(test_invalid_argument_without_memory),
        cmocka_unit_test(test_bad_alloc_without_memory),
        cmocka_unit_test(test_long_message_cut_at_character),
        cmocka_unit_test(test_add_author_without_memory),
        cmocka_unit_test(test_add_authors_linear),
        cmocka_unit_test(test_author_lists_without_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
