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

static atomic_int failing;
static pthread_t failing_thread;

/* 1 when the calling thread's allocations are to fail. */
static int out_of_memory(void)
{
    if (!atomic_load(&failing) || !pthread_equal(pthread_self(),
                                                 failing_thread))
        return 0;
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t n)
{
    return out_of_memory() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    return out_of_memory() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    return out_of_memory() ? NULL : __libc_realloc(p, n);
}

void free(void *p)
{
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* first: before any thread (see the top) */
        cmocka_unit_test(test_update_out_of_memory_message),
        cmocka_unit_test(test_invalid_argument_without_memory),
        cmocka_unit_test(test_bad_alloc_without_memory),
        cmocka_unit_test(test_long_message_cut_at_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
