/* test_util.c - see test_util.h. */
#include "test_util.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static void die(const char *what, const char *path)
{
    fprintf(stderr, "test_util: %s %s: %s\n", what, path, strerror(errno));
    abort();
}

char *tu_mkdtemp(const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/gazette-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp",
             tag);
    if (!mkdtemp(buf))
        die("mkdtemp", buf);
    char *out = strdup(buf);
    if (!out)
        abort();
    return out;
}

const char *tu_path_in(const char *dir, const char *name)
{
    static char buf[2][4096];
    static int which;
    which ^= 1;
    snprintf(buf[which], sizeof buf[which], "%s/%s", dir, name);
    return buf[which];
}

void tu_rmtree(const char *path)
{
    if (path && *path)
        tu_run("rm -rf '%s'", path);
}

static void make_parents(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            die("mkdir", buf);
        *p = '/';
    }
}

void tu_write_file(const char *dir, const char *name, const void *data,
                   size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    make_parents(path);
    FILE *f = fopen(path, "wb");
    if (!f)
        die("fopen", path);
    if (len && fwrite(data, 1, len, f) != len)
        die("fwrite", path);
    if (fclose(f) != 0)
        die("fclose", path);
}

void tu_write_gzip(const char *dir, const char *name, const void *data,
                   size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    make_parents(path);
    gzFile f = gzopen(path, "wb9");
    if (!f)
        die("gzopen", path);
    if (len && gzwrite(f, data, (unsigned)len) != (int)len)
        die("gzwrite", path);
    if (gzclose(f) != Z_OK)
        die("gzclose", path);
}

const char *tu_source_path(const char *rel)
{
    static char buf[4096];
    const char *src = getenv("GAZETTE_SOURCE_DIR");
    snprintf(buf, sizeof buf, "%s/%s", src && *src ? src : ".", rel);
    return buf;
}

const char *tu_binary(const char *rel)
{
    static char buf[2][4096];
    static int which;
    which ^= 1;
    const char *dir = getenv("GAZETTE_BINARY_DIR");
    const char *name = strrchr(rel, '/');
    /* Every program of the build is in <build>/bin (CMakeLists.txt). */
    snprintf(buf[which], sizeof buf[which], "%s/bin/%s",
             dir && *dir ? dir : ".", name ? name + 1 : rel);
    return buf[which];
}

/* Path of shared collection `name` into buf[size]; aborts when too long. */
static void shared_path(const char *name, char *buf, size_t size)
{
    const char *env = getenv("GAZETTE_SHARED_CORPORA");
    int n;
    /* The length is checked (not only for safety: an unchecked snprintf
     * from one 4096-byte buffer into another trips gcc's
     * -Wformat-truncation at -O2, which -Werror turns into a failure). */
    if (env && *env)
        n = snprintf(buf, size, "%s/%s", env, name);
    else
        n = snprintf(buf, size, "%s/../shared/corpora/%s",
                     tu_source_path(""), name);
    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "test_util: shared corpus path too long\n");
        abort();
    }
}

static int ci_is_true(void)
{
    const char *ci = getenv("CI");
    return ci && strcmp(ci, "true") == 0;
}

const char *tu_shared_corpus(const char *name)
{
    static char buf[4096];
    shared_path(name, buf, sizeof buf);
    struct stat st;
    if (stat(buf, &st) == 0)
        return buf;
    if (ci_is_true())
        fail_msg("shared corpus %s is missing and CI=true", buf);
    fprintf(stderr, "SKIP: shared corpus %s is absent\n", buf);
    return NULL;
}

static char quality_root[4096];

const char *tu_quality_corpus(void)
{
    return quality_root;
}

int tu_quality_run(const char *name, const tu_quality *checks, size_t n)
{
    const tu_quality *q = NULL;
    for (size_t i = 0; i < n && !q; i++)
        if (strcmp(checks[i].name, name) == 0)
            q = &checks[i];
    if (!q) {
        fprintf(stderr, "no quality check named '%s'\n", name);
        return 64;
    }
    shared_path(q->corpus, quality_root, sizeof quality_root);
    struct stat st;
    if (stat(quality_root, &st) != 0) {
        if (ci_is_true()) {
            fprintf(stderr, "FAIL: %s needs %s, which is missing (CI=true)\n",
                    q->name, quality_root);
            return 1;
        }
        fprintf(stderr, "SKIP: %s needs %s, which is absent (set "
                        "GAZETTE_SHARED_CORPORA to its parent)\n",
                q->name, quality_root);
        return TU_SKIP_EXIT;
    }
    const struct CMUnitTest one[] = {
        {q->name, q->test, NULL, NULL, NULL},
    };
    return cmocka_run_group_tests_name(q->name, one, NULL, NULL);
}

const char *tu_test_jobs(void)
{
    const char *jobs = getenv("GAZETTE_TEST_JOBS");
    return jobs && *jobs ? jobs : NULL;
}

int tu_file_holds(const char *dir, const char *name, const char *text)
{
    static char buf[65536];
    FILE *f = fopen(tu_path_in(dir, name), "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strstr(buf, text) != NULL;
}

extern char **environ;

pid_t tu_spawn(const char *program, const char *const *argv,
               const char *out, const char *err)
{
    return tu_spawn_env(program, argv, environ, out, err);
}

pid_t tu_spawn_env(const char *program, const char *const *argv,
                   char *const *env, const char *out, const char *err)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
            _exit(127);
        execve(program, (char *const *)argv, env);
        _exit(127);
    }
    return pid;
}

int tu_run(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    if (rc == -1)
        return -1;
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int tu_run_into_closed_pipe(const char *cmd, int sigpipe_ignored)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    close(fds[0]);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGPIPE, sigpipe_ignored ? SIG_IGN : SIG_DFL);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[1]);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ------------------------------------------------ descriptor exhaustion */

#define TU_FD_LIMIT 256

static int taken_fds[TU_FD_LIMIT];
static int ntaken;
static struct rlimit saved_limit;

int tu_exhaust_fds(void)
{
    if (getrlimit(RLIMIT_NOFILE, &saved_limit) != 0)
        die("getrlimit", "RLIMIT_NOFILE");
    struct rlimit low = saved_limit;
    if (low.rlim_cur > TU_FD_LIMIT)
        low.rlim_cur = TU_FD_LIMIT;
    if (setrlimit(RLIMIT_NOFILE, &low) != 0)
        die("setrlimit", "RLIMIT_NOFILE");
    ntaken = 0;
    int fd;
    while (ntaken < TU_FD_LIMIT && (fd = dup(STDERR_FILENO)) >= 0)
        taken_fds[ntaken++] = fd;
    return ntaken;
}

void tu_release_fds(void)
{
    while (ntaken > 0)
        close(taken_fds[--ntaken]);
    if (setrlimit(RLIMIT_NOFILE, &saved_limit) != 0)
        die("setrlimit", "RLIMIT_NOFILE");
}

/* ------------------------------------------------------ skipped tests */

int tu_skip_listed(const char *name)
{
    const char *list = getenv("GAZETTE_TEST_SKIP");
    size_t len = strlen(name);
    for (const char *p = list; p && *p; ) {
        p += strspn(p, " \t\n");
        size_t n = strcspn(p, " \t\n");
        if (n == len && strncmp(p, name, len) == 0)
            return 1;
        p += n;
    }
    return 0;
}

/* Run only the tests whose names match $GAZETTE_TEST_ONLY (a cmocka glob:
 * `*` and `?`), so one failing case can be rerun alone while a fix is
 * checked; leave out those matching $GAZETTE_TEST_EXCEPT, so that
 * tests/CMakeLists.txt can run one long program as two ctest entries
 * (ONLY a glob, EXCEPT the same glob), which ctest -j runs side by side.
 * A constructor, so that no test's main() has to ask for it; the linker
 * keeps it because every test uses this file's helpers. */
__attribute__((constructor)) static void tu_filter_from_env(void)
{
    const char *only = getenv("GAZETTE_TEST_ONLY");
    if (only && *only)
        cmocka_set_test_filter(only);
    const char *except = getenv("GAZETTE_TEST_EXCEPT");
    if (except && *except)
        cmocka_set_skip_filter(except);
}

/* ------------------------------------------------------ unprivileged */

int tu_as_unprivileged(const char *dir, int (*fn)(void *ctx), void *ctx)
{
    if (geteuid() != 0)
        return fn(ctx);
    if (chmod(dir, 0755) != 0)
        die("chmod", dir);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        die("fork", dir);
    if (pid == 0) {
        if (setgroups(0, NULL) != 0 || setgid(65534) != 0 ||
            setuid(65534) != 0)
            _exit(125);
        _exit(fn(ctx) & 0xff);
    }
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}
