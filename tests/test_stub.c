/*
 * test_stub.c - Xapian stub files as Gazette reads them (schema/stub.c):
 * one line as Xapian 1.4 reads it (gz_stub_lex, against
 * read_stub_file in xapian-core/backends/databasehelpers.h), and the
 * readers built on it: the parts a stub names (gz_stub_missing_part),
 * the shards gazette-index writes (gz_shards_locate), and what an index
 * goes through, which decides which generations may be deleted
 * (gz_stub_refs_collect, the strict walk).
 *
 * Scratch files only; no index is built.
 */
#define _GNU_SOURCE 1   /* unshare */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "gazette.h"
#include "generation.h"
#include "path.h"
#include "schema.h"
#include "shards.h"
#include "stub_refs.h"
#include "test_util.h"

static char *tmp;   /* scratch directory of the group */

static int setup(void **state)
{
    (void)state;
    tmp = tu_mkdtemp("stub");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(tmp);
    free(tmp);
    return 0;
}

/* Write `text` to tmp/name; its path in a static buffer (tu_path_in). */
static const char *put(const char *name, const char *text)
{
    tu_write_file(tmp, name, text, strlen(text));
    return tu_path_in(tmp, name);
}

/* gz_stub_lex of the C string `line` in the stub file `stub`, into *out
 * (the caller frees it); the call must succeed. */
static void lex(const char *stub, const char *line, gz_stub_line *out)
{
    assert_int_equal(gz_stub_lex(stub, line, strlen(line), out), 0);
}

/* `line` of stub `stub` is of `kind` and names no path, host or server. */
static void expect_kind(const char *stub, const char *line, gz_stub_kind kind)
{
    gz_stub_line l;
    lex(stub, line, &l);
    assert_int_equal(l.kind, kind);
    if (kind != GZ_STUB_REMOTE_PROGRAM)
        assert_null(l.remote);
    assert_null(l.path);
    assert_null(l.host);
    gz_stub_line_free(&l);
}

/* `line` of stub `stub` names the local database `path`. */
static void expect_path(const char *stub, const char *line, const char *path)
{
    gz_stub_line l;
    lex(stub, line, &l);
    assert_int_equal(l.kind, GZ_STUB_LOCAL);
    assert_string_equal(l.path, path);
    assert_null(l.remote);
    assert_null(l.host);
    gz_stub_line_free(&l);
    assert_null(l.path);
}

/* `line` names the server `host`, written `remote` after "remote ". */
static void expect_server(const char *line, const char *remote,
                          const char *host)
{
    gz_stub_line l;
    lex("d/s", line, &l);
    assert_int_equal(l.kind, GZ_STUB_REMOTE_TCP);
    assert_string_equal(l.remote, remote);
    assert_string_equal(l.host, host);
    assert_null(l.path);
    gz_stub_line_free(&l);
}

/* Empty lines and comments name nothing; a line ends at '\n' only. */
static void test_lex_skips(void **state)
{
    (void)state;
    expect_kind("d/s", "", GZ_STUB_SKIP);
    expect_kind("d/s", "\n", GZ_STUB_SKIP);
    expect_kind("d/s", "#", GZ_STUB_SKIP);
    expect_kind("d/s", "# auto gone\n", GZ_STUB_SKIP);
    expect_kind("d/s", "#auto gone", GZ_STUB_SKIP);
    /* not empty: a '\r' is a character of the line, as are spaces */
    expect_kind("d/s", "\r\n", GZ_STUB_UNKNOWN);
    expect_kind("d/s", " \n", GZ_STUB_UNKNOWN);
    expect_kind("d/s", " # comment", GZ_STUB_UNKNOWN);
}

/* "auto", "glass" and "chert" PATH: relative to the stub's directory
 * unless absolute, taken as written after the first space. */
static void test_lex_local_paths(void **state)
{
    (void)state;
    expect_path("d/s", "auto a.idx\n", "d/a.idx");
    expect_path("d/s", "auto a.idx", "d/a.idx");
    expect_path("d/s", "glass a.idx\n", "d/a.idx");
    expect_path("d/s", "chert a.idx\n", "d/a.idx");
    expect_path("/x/y/XAPIANDB", "auto shard0\n", "/x/y/shard0");
    expect_path("d/s", "auto /abs/a.idx\n", "/abs/a.idx");
    expect_path("s", "auto a.idx\n", "a.idx");   /* no directory */
    expect_path("d//s", "auto a\n", "d//a");
    expect_path("d/s", "auto ../up/a\n", "d/../up/a");
    /* every byte after the first space is the path's */
    expect_path("d/s", "auto  two spaces\n", "d/ two spaces");
    expect_path("d/s", "auto a.idx \n", "d/a.idx ");
    expect_path("d/s", "auto a.idx\r\n", "d/a.idx\r");
    expect_path("d/s", "auto a\rb\n", "d/a\rb");
    /* no PATH: the stub's directory itself ("" without one) */
    expect_path("d/s", "auto\n", "d/");
    expect_path("d/s", "auto \n", "d/");
    expect_path("d/s", "glass", "d/");
    expect_path("s", "auto\n", "");
}

/* A long line is one line (no buffer splits it). */
static void test_lex_long_line(void **state)
{
    (void)state;
    size_t n = 100000;
    char *line = malloc(n + 8), *want = malloc(n + 8);
    assert_non_null(line);
    assert_non_null(want);
    memcpy(line, "auto ", 5);
    memset(line + 5, 'x', n);
    memcpy(line + 5 + n, "\n", 2);
    memcpy(want, "d/", 2);
    memset(want + 2, 'x', n);
    want[2 + n] = '\0';
    expect_path("d/s", line, want);
    line[0] = '#';
    expect_kind("d/s", line, GZ_STUB_SKIP);
    free(line);
    free(want);
}

/* A NUL byte: the TYPE must still be the whole word before the space, a
 * path ends there (as Xapian's file names do). */
static void test_lex_nul_bytes(void **state)
{
    (void)state;
    gz_stub_line l;
    assert_int_equal(gz_stub_lex("d/s", "auto\0 a\n", 8, &l), 0);
    assert_int_equal(l.kind, GZ_STUB_UNKNOWN);
    gz_stub_line_free(&l);
    assert_int_equal(gz_stub_lex("d/s", "auto a\0b\n", 9, &l), 0);
    assert_int_equal(l.kind, GZ_STUB_LOCAL);
    assert_string_equal(l.path, "d/a");
    gz_stub_line_free(&l);
    assert_int_equal(gz_stub_lex("d/s", "#\0auto a\n", 9, &l), 0);
    assert_int_equal(l.kind, GZ_STUB_SKIP);
    gz_stub_line_free(&l);
}

/* What Xapian 1.4 does not open: other backends (honey came after
 * 1.4, flint went before), case, a space before the type. */
static void test_lex_unknown(void **state)
{
    (void)state;
    const char *const lines[] = {
        "honey a.idx\n", "flint a.idx\n", "Auto a.idx\n", "AUTO a.idx\n",
        " auto a.idx\n", "\tauto a.idx\n", "auto\ta.idx\n", "autoa.idx\n",
        "auto\r\n", "glass\r\n", "inmemory x\n", "inmemory\r\n",
        "tcp://h:1\n", "remote\n", "remote \n", "remote h\n",
        "remote [::1]\n", "remote [h:1]\n", "remote\th:1\n", "remoteh:1\n",
        "x\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        gz_stub_line l;
        lex("d/s", lines[i], &l);
        if (l.kind != GZ_STUB_UNKNOWN)
            fail_msg("'%s' read as kind %d", lines[i], (int)l.kind);
        assert_null(l.path);
        assert_null(l.remote);
        assert_null(l.host);
        gz_stub_line_free(&l);
    }
}

/* "inmemory" (nothing after it, or one space) names nothing on disk. */
static void test_lex_inmemory(void **state)
{
    (void)state;
    expect_kind("d/s", "inmemory\n", GZ_STUB_INMEMORY);
    expect_kind("d/s", "inmemory \n", GZ_STUB_INMEMORY);
    expect_kind("d/s", "inmemory", GZ_STUB_INMEMORY);
}

/* "remote HOST:PORT" split at the last ':', brackets off an IPv6
 * address; "remote :PROGRAM ARGS" runs a program. The PORT is not
 * checked here (Xapian takes atoi of it): the caller does. */
static void test_lex_remote(void **state)
{
    (void)state;
    expect_server("remote h:7000\n", "h:7000", "h");
    expect_server("remote 127.0.0.1:7000", "127.0.0.1:7000", "127.0.0.1");
    expect_server("remote [::1]:7000\n", "[::1]:7000", "::1");
    expect_server("remote h:\n", "h:", "h");
    expect_server("remote h:x\n", "h:x", "h");
    expect_server("remote h:7000\r\n", "h:7000\r", "h");
    expect_server("remote [h]:1\n", "[h]:1", "h");
    expect_server("remote []:1\n", "[]:1", "");
    expect_server("remote [:1\n", "[:1", "[");

    gz_stub_line l;
    lex("d/s", "remote :xapian-progsrv /srv/a.idx\n", &l);
    assert_int_equal(l.kind, GZ_STUB_REMOTE_PROGRAM);
    assert_string_equal(l.remote, ":xapian-progsrv /srv/a.idx");
    assert_null(l.host);
    assert_null(l.path);
    gz_stub_line_free(&l);
    lex("d/s", "remote :7000", &l);   /* a program, not a port */
    assert_int_equal(l.kind, GZ_STUB_REMOTE_PROGRAM);
    assert_string_equal(l.remote, ":7000");
    gz_stub_line_free(&l);
    lex("d/s", "remote ::1:7000", &l);   /* so is an IPv6 address bare */
    assert_int_equal(l.kind, GZ_STUB_REMOTE_PROGRAM);
    gz_stub_line_free(&l);
}


/* gz_stub_missing_part of the stub tmp/name: the part missing, or NULL
 * (the returned string is static). */
static const char *missing_part(const char *name)
{
    static char part[8192];
    return gz_stub_missing_part(tu_path_in(tmp, name), part, sizeof part)
               ? part : NULL;
}

/* The part missing from the stub tmp/name is `want`. */
static void expect_missing(const char *name, const char *want)
{
    const char *got = missing_part(name);
    if (!got)
        fail_msg("%s: no part missing, %s expected", name, want);
    assert_string_equal(got, want);
}

/* "honey" is no backend of Xapian 1.4, which refuses the stub ("Bad
 * line"): its path is no missing part (it was read as one, and
 * gazette-query said the index was missing instead of damaged). */
static void test_honey_names_no_part(void **state)
{
    (void)state;
    put("present/iamglass", "");
    put("honey.stub", "auto present\nhoney gone.idx\n");
    assert_null(missing_part("honey.stub"));
    put("auto.stub", "auto present\nauto gone.idx\n");
    expect_missing("auto.stub", tu_path_in(tmp, "gone.idx"));
}

/* A line ends at '\n' only: in "auto present\r\n" Xapian opens
 * "present\r", which is missing (the '\r' was cut: the part was taken
 * for there). The shards gazette-index writes are read so too (it wrote
 * "present" while Xapian could not open the index). */
static void test_carriage_return_is_in_the_path(void **state)
{
    (void)state;
    put("present/iamglass", "");
    const char *stub = put("crlf.stub", "auto present\r\n");
    char want[8192];
    snprintf(want, sizeof want, "%s/present\r", tmp);
    expect_missing("crlf.stub", want);
    gz_shard_list l;
    char err[512];
    assert_int_equal(gz_shards_locate(stub, &l, err, sizeof err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.paths[0], want);
    gz_shards_free(&l);
}

/* A line longer than any buffer is one line: the end of a long comment
 * is no line of its own (it was read as one, by both readers: "names
 * gone.idx, which does not exist", and gazette-index would write it). */
static void test_long_comment_is_one_line(void **state)
{
    (void)state;
    put("present/iamglass", "");
    size_t n = 4199;   /* what fgets into 4200 bytes read of the line */
    char *text = malloc(n + 100);
    assert_non_null(text);
    memset(text, '#', n);
    strcpy(text + n, "auto gone.idx\nauto present\n");
    const char *stub = put("long.stub", text);
    assert_null(missing_part("long.stub"));
    gz_shard_list l;
    char err[512];
    assert_int_equal(gz_shards_locate(stub, &l, err, sizeof err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.paths[0], tu_path_in(tmp, "present"));
    gz_shards_free(&l);
    free(text);
}

/* A stub file over 1 MiB is no stub file to Gazette (a single-file
 * database, a document): gazette-index writes nothing through it (it read
 * it whole, while the check of its parts had skipped it), and its parts
 * are not checked. */
static void test_stub_over_1_mib_is_not_read(void **state)
{
    (void)state;
    size_t n = (1 << 20) + 1 - strlen("auto gone.idx\n");
    char *text = malloc(n + 100);
    assert_non_null(text);
    memset(text, '#', n - 1);
    strcpy(text + n - 1, "\nauto gone.idx\n");
    const char *stub = put("big.stub", text);
    assert_null(missing_part("big.stub"));
    gz_shard_list l;
    char err[512];
    assert_int_equal(gz_shards_locate(stub, &l, err, sizeof err), -1);
    assert_non_null(strstr(err, "big.stub: File too large"));
    /* at 1 MiB it is read */
    text[0] = '\n';
    strcpy(text + n - 2, "\nauto gone.idx\n");
    stub = put("big.stub", text);
    expect_missing("big.stub", tu_path_in(tmp, "gone.idx"));
    assert_int_equal(gz_shards_locate(stub, &l, err, sizeof err), 0);
    assert_int_equal(l.n, 1);
    gz_shards_free(&l);
    free(text);
}

/* Stubs naming stubs are followed 8 deep, as stub_refs.c follows them
 * (it was 4: a part missing behind 6 stubs was not seen, and an update
 * made it, empty); what a 9th names is checked, a 10th is not read. */
static void test_nested_stubs_followed_8_deep(void **state)
{
    (void)state;
    for (int i = 1; i <= 8; i++) {
        char name[32], line[64];
        snprintf(name, sizeof name, "s%d", i);
        if (i < 8)
            snprintf(line, sizeof line, "auto s%d\n", i + 1);
        else
            snprintf(line, sizeof line, "auto gone.idx\n");
        put(name, line);
    }
    expect_missing("s1", tu_path_in(tmp, "gone.idx"));
    put("s8", "auto s9\n");
    put("s9", "auto gone.idx\n");
    expect_missing("s1", tu_path_in(tmp, "gone.idx"));
    put("s9", "auto s10\n");
    put("s10", "auto gone.idx\n");
    assert_null(missing_part("s1"));
}

/* "auto" without a path names the stub's directory (there: nothing
 * missing), or "" for a stub named without one, which is no part
 * missing either: Xapian's error ("Couldn't stat ''") says it. */
static void test_line_without_path(void **state)
{
    (void)state;
    put("bare.stub", "auto\n");
    assert_null(missing_part("bare.stub"));
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(tmp), 0);
    int missing = gz_stub_missing_part("bare.stub", NULL, 0);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(missing, 0);
}

/* gz_stub_refs_collect of tmp/name into *refs (the caller frees it): its
 * result; errno into *err. */
static int collect(const char *name, gz_stub_refs *refs, int *err)
{
    errno = 0;
    int rc = gz_stub_refs_collect(tu_path_in(tmp, name), refs);
    *err = errno;
    return rc;
}

/* 1 when `refs` holds tmp/name (which must exist). */
static int holds(const gz_stub_refs *refs, const char *name)
{
    struct stat sb;
    assert_int_equal(stat(tu_path_in(tmp, name), &sb), 0);
    return gz_stub_refs_has(refs, &sb);
}

/* The stub tmp/name, "auto g1" then `line`, makes the walk fail with
 * `err` (0: not fail, and hold g1). */
static void expect_refs(const char *name, const char *line, int err)
{
    char text[256];
    snprintf(text, sizeof text, "auto g1\n%s", line);
    put(name, text);
    gz_stub_refs refs;
    int got;
    int rc = collect(name, &refs, &got);
    if (err && (rc != -1 || got != err))
        fail_msg("'%s': %d, errno %d (%d expected)", line, rc, got, err);
    if (!err && (rc != 0 || !holds(&refs, "g1")))
        fail_msg("'%s': %d, errno %d (0 expected)", line, rc, got);
    gz_stub_refs_free(&refs);
}

/* A line Xapian refuses means not knowing what the index uses (EINVAL):
 * "remote" without HOST:PORT among them (taken for a server before), as
 * honey, flint, a leading space. What Xapian accepts is known: remote
 * servers and programs, "inmemory" with or without a space (with it,
 * refused before), and a local line without a path (it names the stub's
 * directory; refused before). */
static void test_refs_lines_as_xapian_reads_them(void **state)
{
    (void)state;
    put("g1/iamglass", "");
    expect_refs("r1", "remote h\n", EINVAL);
    expect_refs("r2", "remote \n", EINVAL);
    expect_refs("r3", "remote [::1]\n", EINVAL);
    expect_refs("r4", "honey g2\n", EINVAL);
    expect_refs("r5", "flint g2\n", EINVAL);
    expect_refs("r6", " auto g2\n", EINVAL);
    expect_refs("r7", "inmemory x\n", EINVAL);
    expect_refs("r8", "remote h:7000\n", 0);
    expect_refs("r9", "remote [::1]:7000\n", 0);
    expect_refs("r10", "remote :xapian-progsrv g2\n", 0);
    expect_refs("r11", "inmemory\n", 0);
    expect_refs("r12", "inmemory \n", 0);
    expect_refs("r13", "# comment\n\n", 0);
    expect_refs("r14", "auto\n", 0);
    gz_stub_refs refs;
    int err;
    put("sub/bare.stub", "auto\n");   /* its directory, with its parents */
    assert_int_equal(collect("sub/bare.stub", &refs, &err), 0);
    assert_true(holds(&refs, "sub"));
    gz_stub_refs_free(&refs);
}

/* "auto g1\r\n" names "g1\r", as Xapian and gazette-index's writer open
 * it: g1 is not used (it was: the '\r' was cut). */
static void test_refs_carriage_return_is_in_the_path(void **state)
{
    (void)state;
    put("g1/iamglass", "");
    put("crlf.stub", "auto g1\r\n");
    gz_stub_refs refs;
    int err;
    assert_int_equal(collect("crlf.stub", &refs, &err), 0);
    assert_true(holds(&refs, "crlf.stub"));
    assert_false(holds(&refs, "g1"));
    gz_stub_refs_free(&refs);
}

/* A stub over 1 MiB is not read: not knowing (EFBIG). It was read
 * whole, whatever its size. */
static void test_refs_stub_over_1_mib(void **state)
{
    (void)state;
    put("g1/iamglass", "");
    size_t n = 1 << 20;
    char *text = malloc(n + 16);
    assert_non_null(text);
    memset(text, '#', n);
    strcpy(text + n, "\nauto g1\n");
    put("big.stub", text);
    free(text);
    gz_stub_refs refs;
    int err;
    assert_int_equal(collect("big.stub", &refs, &err), -1);
    assert_int_equal(err, EFBIG);
    gz_stub_refs_free(&refs);
}

/* A directory holding a database and a XAPIANDB: Xapian opens the
 * database, gazette-index's writer the databases XAPIANDB names
 * (shards.c reads it first): both are in use. Only the first was known,
 * and an update deleted a generation it then wrote into. */
static void test_refs_xapiandb_beside_a_database(void **state)
{
    (void)state;
    put("d/iamglass", "");
    put("d/XAPIANDB", "auto ../g2\n");
    put("g2/iamglass", "");
    put("db.stub", "auto d\n");
    gz_stub_refs refs;
    int err;
    assert_int_equal(collect("db.stub", &refs, &err), 0);
    assert_true(holds(&refs, "d"));
    assert_true(holds(&refs, "g2"));
    gz_stub_refs_free(&refs);
    assert_int_equal(collect("d", &refs, &err), 0);   /* d as the index */
    assert_true(holds(&refs, "g2"));
    gz_stub_refs_free(&refs);
}

/* What was not known stays so: a stub that cannot be read (a XAPIANDB
 * that is a directory), stubs nested 9 deep (ELOOP, as Xapian loops on
 * a stub naming itself), and a missing index uses nothing. */
static void test_refs_not_known(void **state)
{
    (void)state;
    gz_stub_refs refs;
    int err;
    assert_int_equal(tu_run("mkdir -p '%s/x/XAPIANDB'", tmp), 0);
    assert_int_equal(collect("x", &refs, &err), -1);
    gz_stub_refs_free(&refs);
    put("self.stub", "auto self.stub\n");
    assert_int_equal(collect("self.stub", &refs, &err), -1);
    assert_int_equal(err, ELOOP);
    gz_stub_refs_free(&refs);
    assert_int_equal(collect("none.idx", &refs, &err), 0);
    struct stat sb;   /* only the directories above it */
    assert_int_equal(stat(tmp, &sb), 0);
    assert_true(gz_stub_refs_has(&refs, &sb));
    gz_stub_refs_free(&refs);
}

/* A directory whose XAPIANDB cannot be looked at (stat fails, not with
 * ENOENT or ENOTDIR) may hold a stub naming what the index uses: not
 * knowing. It was taken for a directory without one, so an index behind
 * an unreadable directory used nothing else. As root, permissions do not
 * stop stat: a directory whose path with "/XAPIANDB" is over PATH_MAX
 * (ENAMETOOLONG) stands for it. */
static void test_refs_xapiandb_not_looked_at(void **state)
{
    (void)state;
    gz_stub_refs refs;
    int err;
    if (geteuid() != 0) {
        put("closed/XAPIANDB", "auto ../g1\n");
        put("g1/iamglass", "");
        assert_int_equal(chmod(tu_path_in(tmp, "closed"), 0), 0);
        int rc = collect("closed", &refs, &err);
        assert_int_equal(chmod(tu_path_in(tmp, "closed"), 0755), 0);
        gz_stub_refs_free(&refs);
        assert_int_equal(rc, -1);
        assert_int_equal(err, EACCES);
    } else {
        print_message("test_refs_xapiandb_not_looked_at: running as root, "
                      "which permissions do not stop: no EACCES case\n");
    }
    /* tmp/long/aaa.../aaa... of 4090 bytes: stat works, not on XAPIANDB */
    char deep[4096];
    int n = snprintf(deep, sizeof deep, "%s/long", tmp);
    while (n < 4090 - 201)
        n += snprintf(deep + n, sizeof deep - (size_t)n, "/%0200d", 0);
    n += snprintf(deep + n, sizeof deep - (size_t)n, "/%0*d",
                  4090 - n - 1, 0);
    assert_int_equal(n, 4090);
    assert_int_equal(tu_run("mkdir -p '%s'", deep), 0);
    errno = 0;
    assert_int_equal(gz_stub_refs_collect(deep, &refs), -1);
    assert_int_equal(errno, ENAMETOOLONG);
    gz_stub_refs_free(&refs);
}

/* The parts and paths a walk gives its fn, counted (gz_stub_part_fn). */
static int count_call(const char *path, void *ctx)
{
    (void)path;
    (*(size_t *)ctx)++;
    return 0;
}

/* tmp/dag/top names `fan` stubs s1-0.., each stub of level k names the
 * `fan` stubs of level k+1, and those of level `levels` name `leaf`:
 * fan^levels ways down to `fan` leaf stubs. */
static void put_dag(int fan, int levels, const char *leaf)
{
    char name[64], text[256];
    for (int k = 0; k <= levels; k++)
        for (int i = 0; i < (k ? fan : 1); i++) {
            size_t n = 0;
            if (k == levels)
                n += (size_t)snprintf(text, sizeof text, "auto %s\n", leaf);
            for (int j = 0; k < levels && j < fan; j++)
                n += (size_t)snprintf(text + n, sizeof text - n,
                                      "auto s%d-%d\n", k + 1, j);
            if (k)
                snprintf(name, sizeof name, "dag/s%d-%d", k, i);
            else
                snprintf(name, sizeof name, "dag/top");
            put(name, text);
        }
}

/* Stubs naming the same stubs are read once a walk: 4 naming 4, 6
 * levels deep, are 25 files and 4096 ways down. Each way was walked
 * (10 naming 10, 6 deep: a million stub reads, about a minute before an
 * update), so the leaf database was given 4096 times to the lenient
 * walk's fn and the strict walk's fn saw 9557 paths; now it is once for
 * each line of each stub: 4, and 1 + 4 + 5 * 16 + 4 = 89. What is
 * missing behind them is still found. */
static void test_shared_stubs_read_once(void **state)
{
    (void)state;
    put("dag/db/iamglass", "");
    put_dag(4, 6, "db");
    const char *top = tu_path_in(tmp, "dag/top");
    size_t calls = 0;
    assert_int_equal(gz_stub_each_part(top, count_call, &calls), 0);
    assert_int_equal(calls, 4);
    calls = 0;
    assert_int_equal(gz_stub_each_path(top, count_call, &calls), 0);
    assert_int_equal(calls, 89);
    gz_stub_refs refs;
    int err;
    assert_int_equal(collect("dag/top", &refs, &err), 0);
    assert_true(holds(&refs, "dag/db"));
    assert_true(holds(&refs, "dag/s6-3"));
    gz_stub_refs_free(&refs);
    assert_null(missing_part("dag/top"));
    put("dag/s6-3", "auto db\nauto gone.idx\n");
    expect_missing("dag/top", tu_path_in(tmp, "dag/gone.idx"));
}

/* A stub met again nearer the top is read again from there, so the
 * limit of 8 is where it was for each way down: tmp/lim/x (naming y,
 * naming gone.idx) is named by top at depth 1 and behind 7 stubs c1..c7
 * at depth 8, where what it names is too deep to follow. Read first
 * there, it must be read again at depth 1 (a part is missing); read
 * first at depth 1, the strict walk must still refuse the way through
 * c1..c7 (ELOOP). */
static void test_shared_stubs_keep_the_depth_limit(void **state)
{
    (void)state;
    for (int i = 1; i <= 7; i++) {
        char name[32], line[32];
        snprintf(name, sizeof name, "lim/c%d", i);
        if (i < 7)
            snprintf(line, sizeof line, "auto c%d\n", i + 1);
        else
            snprintf(line, sizeof line, "auto x\n");
        put(name, line);
    }
    put("lim/x", "auto y\n");
    put("lim/y", "auto gone.idx\n");
    put("lim/deep-first", "auto c1\nauto x\n");
    expect_missing("lim/deep-first", tu_path_in(tmp, "lim/gone.idx"));
    put("lim/y", "auto db\n");
    put("lim/db/iamglass", "");
    put("lim/shallow-first", "auto x\nauto c1\n");
    gz_stub_refs refs;
    int err;
    assert_int_equal(collect("lim/shallow-first", &refs, &err), -1);
    assert_int_equal(err, ELOOP);
    gz_stub_refs_free(&refs);
    /* without the way through c1..c7, nothing is too deep */
    put("lim/shallow-first", "auto x\nauto x\n");
    assert_int_equal(collect("lim/shallow-first", &refs, &err), 0);
    assert_true(holds(&refs, "lim/db"));
    gz_stub_refs_free(&refs);
}

/* gz_shards_listed_twice of the stub tmp/dup/name: 1 with the reason in
 * *why (static), or 0. gz_shards_locate says the same (-1). */
static int listed_twice(const char *name, const char **why)
{
    static char err[4096];
    const char *stub = tu_path_in(tmp, name);
    int twice = gz_shards_listed_twice(stub, err, sizeof err);
    gz_shard_list l;
    char err2[4096];
    int rc = gz_shards_locate(stub, &l, err2, sizeof err2);
    if (rc == 0)
        gz_shards_free(&l);
    if (twice) {
        assert_int_equal(rc, -1);
        assert_string_equal(err, err2);
    }
    *why = err;
    return twice;
}

/* A database the shards of an index list twice (two stubs naming it,
 * one naming it twice, another spelling of its path, a link to it) is
 * refused, naming it and each way down to it: gazette-index wrote it
 * with two shard writers, the second finding the first's lock ("being
 * written by another process", 75, for ever). A database that is not
 * there is not compared (the missing-part check says so first). */
static void test_shards_database_listed_twice(void **state)
{
    (void)state;
    put("dup/db/iamglass", "");
    put("dup/db2/iamglass", "");
    put("dup/a", "auto db\n");
    put("dup/b", "auto db\n");
    put("dup/two-stubs", "auto a\nauto b\n");
    put("dup/twice", "auto db\nauto db\n");
    put("dup/stub-twice", "auto db2\nauto a\nauto a\n");
    put("dup/spelt", "auto db\nauto ../dup/./db/\n");
    put("dup/idx/shard0/iamglass", "");
    put("dup/idx/XAPIANDB", "auto shard0\nauto shard1\n");
    assert_int_equal(symlink("shard0", tu_path_in(tmp, "dup/idx/shard1")),
                     0);
    put("dup/good", "auto db\nauto db2\nauto gone\nauto gone\n");
    char d[1024], want[8192];
    snprintf(d, sizeof d, "%s", tu_path_in(tmp, "dup"));
    const char *why;
    assert_int_equal(listed_twice("dup/two-stubs", &why), 1);
    snprintf(want, sizeof want, "the database %s/db is listed twice, as "
             "%s/two-stubs -> %s/a -> %s/db and as %s/two-stubs -> %s/b -> "
             "%s/db (one database cannot be two shards: list it once)",
             d, d, d, d, d, d, d);
    assert_string_equal(why, want);
    assert_int_equal(listed_twice("dup/twice", &why), 1);
    snprintf(want, sizeof want, "the database %s/db is listed twice, both "
             "times as %s/twice -> %s/db (one database cannot be two "
             "shards: list it once)", d, d, d);
    assert_string_equal(why, want);
    assert_int_equal(listed_twice("dup/stub-twice", &why), 1);
    assert_non_null(strstr(why, "both times as"));
    assert_int_equal(listed_twice("dup/spelt", &why), 1);
    assert_non_null(strstr(why, "/dup/./db/ is listed twice"));
    assert_int_equal(listed_twice("dup/idx", &why), 1);
    assert_non_null(strstr(why, "/idx/shard1 is listed twice"));
    assert_int_equal(listed_twice("dup/good", &why), 0);
}

/* `text` written to the file `path`: 0, or -1. */
static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
    close(fd);
    return ok ? 0 : -1;
}

/* This process in a mount namespace of its own whose mounts nobody else
 * sees (as root; else in a user namespace of its own, where unprivileged
 * ones are allowed): 0, or -1 when it cannot be made. */
static int private_mounts(void)
{
    if (unshare(CLONE_NEWNS) != 0) {
        char map[64];
        uid_t uid = geteuid();
        gid_t gid = getegid();
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
            return -1;
        snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
        if (write_text("/proc/self/uid_map", map) != 0)
            return -1;
        write_text("/proc/self/setgroups", "deny");
        snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
        if (write_text("/proc/self/gid_map", map) != 0)
            return -1;
    }
    return mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

/* A bind mount is the same directory at two places (one device and
 * inode) whose ".." are two different directories: tmp/bind/x/m, a bind
 * mount of tmp/bind/m, holds the stub S ("auto ../db"), which names
 * bind/db from m and bind/x/db, missing, from x/m. The stubs a walk has
 * read were known by the device and inode of their directory, so x/m/S
 * was taken for m/S, read already, and its part was not looked at: an
 * update created bind/x/db, empty, exit 0 (it said 66 before the walk
 * read each stub once). The mount is made in a child process, in a
 * mount namespace of its own; skipped where none can be made. */
static void test_stub_behind_bind_mount_read_again(void **state)
{
    (void)state;
    put("bind/db/iamglass", "");
    put("bind/m/S", "auto ../db\n");
    put("bind/top", "auto m/S\nauto x/m/S\n");
    assert_int_equal(tu_run("mkdir -p '%s'", tu_path_in(tmp, "bind/x/m")),
                     0);
    char m[4096], xm[4096], want[4096];
    snprintf(m, sizeof m, "%s", tu_path_in(tmp, "bind/m"));
    snprintf(xm, sizeof xm, "%s", tu_path_in(tmp, "bind/x/m"));
    snprintf(want, sizeof want, "%s", tu_path_in(tmp, "bind/x/m/../db"));
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (private_mounts() != 0 || mount(m, xm, NULL, MS_BIND, NULL) != 0)
            _exit(77);
        const char *got = missing_part("bind/top");
        if (got && strcmp(got, want) == 0)
            _exit(0);
        printf("missing part: %s (%s expected)\n", got ? got : "none",
               want);
        fflush(stdout);
        _exit(1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        printf("SKIP: no mount namespace here (a bind mount is needed)\n");
        skip();
    }
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* --full replaces the file at DB only when Xapian reads it as a stub
 * (is_stub_file in indexer/generation.c reads its lines with
 * gz_stub_lex): a line Xapian refuses ("inmemoryX", "remote h" without a
 * port, the "\r" alone of a blank CRLF line) makes it a file that is no
 * index, refused, as is a file over 1 MiB (no stub to Gazette's other
 * readers); "auto" without a path and a comment over 4200 bytes do
 * not. Each was taken the other way: '\r' was cut, "inmemory" and
 * "remote " were prefixes, "auto " needed its space, and a line was read
 * 4200 bytes at a time. */
static void test_full_replaces_only_stubs(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int refused;
    } cases[] = {{"inmemoryX\n", 1},      {"remote h\n", 1},
                 {"auto g1\n\r\n", 1},   {"auto\n", 0},
                 {"inmemory\n", 0},       {"remote h:7000\r\n", 0},
                 {"# note\nauto g1\r\n", 0}, {"# only a comment\n", 1}};
    char name[64], err[1024];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(name, sizeof name, "full/%zu.stub", i);
        const char *db = put(name, cases[i].text);
        int got = gz_generation_check(db, NULL, 0, err, sizeof err);
        if (got != cases[i].refused)
            fail_msg("'%s': %d (%d expected) %s", cases[i].text, got,
                     cases[i].refused, got ? err : "");
    }
    char *text = malloc(5000 + 16);
    assert_non_null(text);
    memset(text, 'x', 5000);
    text[0] = '#';
    strcpy(text + 5000, "\nauto g1\n");
    const char *db = put("full/long-comment.stub", text);
    free(text);
    assert_int_equal(gz_generation_check(db, NULL, 0, err, sizeof err), 0);
    /* over 1 MiB: no stub to any reader of Gazette (an update writes
     * nothing through it), so not replaced either */
    size_t n = 1 << 20;
    text = malloc(n + 16);
    assert_non_null(text);
    memset(text, '#', n);
    strcpy(text + n, "\nauto g1\n");
    db = put("full/big.stub", text);
    free(text);
    assert_int_equal(gz_generation_check(db, NULL, 0, err, sizeof err), 1);
}

/* gz_path_broken_link and gz_path_loop_on_the_way leave `chain` a string
 * when they find nothing wrong: a caller that reads it anyway (review:
 * locations.c took its tail) read uninitialised bytes, past the buffer
 * when none was a NUL. */
static void test_path_links_leave_chain_a_string(void **state)
{
    (void)state;
    char chain[64], link[64], path[4096];
    static const char *const names[] = {"nolink", "nolink/below",
                                        "missing/below"};
    snprintf(path, sizeof path, "%s/nolink", tmp);
    assert_int_equal(mkdir(path, 0755), 0);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", tmp, names[i]);
        memset(chain, 'x', sizeof chain);
        assert_int_equal(gz_path_broken_link(path, chain, sizeof chain),
                         GZ_LINK_FINE);
        assert_string_equal(chain, "");
        memset(chain, 'x', sizeof chain);
        memset(link, 'x', sizeof link);
        assert_int_equal(gz_path_loop_on_the_way(path, link, sizeof link,
                                                 chain, sizeof chain),
                         GZ_LINK_FINE);
        assert_string_equal(chain, "");
        assert_string_equal(link, "");
        memset(chain, 'x', sizeof chain);
        memset(link, 'x', sizeof link);
        assert_int_equal(gz_path_dangling_on_the_way(path, link, sizeof link,
                                                     chain, sizeof chain),
                         GZ_LINK_FINE);
        assert_string_equal(chain, "");
        assert_string_equal(link, "");
    }
}

/* A link to nothing on the way to a path (news/index, news -> mnt/disk,
 * the disk not mounted) is found, named as the path names it, with its
 * target, and said so: gazette-index said "the directory it goes in does
 * not exist" (74). The link itself, a loop on the way and a missing
 * directory are not such a link; a long path keeps the link's end. */
static void test_path_dangling_on_the_way(void **state)
{
    (void)state;
    char path[4096], want[4200], link[4096], chain[4096], said[600];
    assert_int_equal(tu_run("cd '%s' && mkdir way && cd way && "
                            "ln -s mnt/disk news && ln -s lb la && "
                            "ln -s la lb", tmp), 0);
    snprintf(path, sizeof path, "%s/way/news/index", tmp);
    assert_int_equal(gz_path_dangling_on_the_way(path, link, sizeof link,
                                                 chain, sizeof chain),
                     GZ_LINK_DANGLING);
    snprintf(want, sizeof want, "%s/way/news", tmp);
    assert_string_equal(link, want);
    assert_string_equal(chain, "mnt/disk");
    gz_path_say_dangling(said, sizeof said, link, chain);
    snprintf(want, sizeof want, "%s/way/news, on the way to it, is a "
             "symbolic link to mnt/disk, which does not exist (a disk not "
             "mounted?)", tmp);
    assert_string_equal(said, want);
    static const char *const not_on_the_way[] = {"news", "la/index",
                                                 "gone/index"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/way/%s", tmp, not_on_the_way[i]);
        assert_int_equal(gz_path_dangling_on_the_way(path, link, sizeof link,
                                                     chain, sizeof chain),
                         GZ_LINK_FINE);
        assert_string_equal(link, "");
        assert_string_equal(chain, "");
    }
    char way[700];
    size_t n = 0;
    while (n < 600)
        n += (size_t)snprintf(way + n, sizeof way - n, "/dir%03zu", n);
    snprintf(way + n, sizeof way - n, "/news");
    gz_path_say_dangling(said, sizeof said, way, "mnt/disk");
    if (strncmp(said, "...", 3) != 0 ||
        !strstr(said, "/news, on the way to it, is a symbolic link to "
                      "mnt/disk, which does not exist"))
        fail_msg("said: %s", said);
}

/* A link whose target passes through a link still being followed ("s ->
 * s/x": s/x needs s first) is a loop, as a chain back to one of its
 * links is, and not more links in a row than the kernel follows, which
 * it was called: stat's ELOOP is both. A long chain, or a path that
 * follows one link again and again, one after the other (d/../d/..),
 * is no loop. */
static void test_path_links_through_themselves_are_loops(void **state)
{
    (void)state;
    char cmd[8192];
    int n = snprintf(cmd, sizeof cmd,
                     "cd '%s' && mkdir loops && cd loops && mkdir real && "
                     "ln -s s/x s && ln -s s q && ln -s s/y p && "
                     "ln -s b/x a && ln -s a/y b && ln -s lb la && "
                     "ln -s la lb && ln -s x/../s via && mkdir x && "
                     "ln -s real d && ln -s ", tmp);
    for (int i = 0; i < 45; i++)   /* t -> d/../d/../.../real */
        n += snprintf(cmd + n, sizeof cmd - (size_t)n, "d/../");
    n += snprintf(cmd + n, sizeof cmd - (size_t)n, "real t && "
                  "for i in $(seq 1 45); do ln -s c$((i + 1)) c$i; done && "
                  "mkdir c46");
    assert_int_equal(tu_run("%s", cmd), 0);
    static const struct {
        const char *name, *chain;
        gz_link_problem problem;
    } cases[] = {
        {"s", "s/x", GZ_LINK_THROUGH_ITSELF},
        {"q", "s -> s/x", GZ_LINK_THROUGH_ITSELF},
        {"a", "b/x", GZ_LINK_THROUGH_ITSELF},
        {"via", "x/../s -> s/x", GZ_LINK_THROUGH_ITSELF},
        {"p", "s/y", GZ_LINK_THROUGH_LOOP},
        {"la", "lb -> la", GZ_LINK_LOOP},
        {"c1", "c2 -> c3 -> c4 -> ... -> c46", GZ_LINK_TOO_LONG},
        {"t", NULL, GZ_LINK_TOO_LONG},
    };
    char path[4096], chain[4096];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(path, sizeof path, "%s/loops/%s", tmp, cases[i].name);
        gz_link_problem got = gz_path_broken_link(path, chain, sizeof chain);
        if (got != cases[i].problem ||
            (cases[i].chain && strcmp(chain, cases[i].chain) != 0))
            fail_msg("%s: problem %d, not %d, chain '%s'", cases[i].name,
                     (int)got, (int)cases[i].problem, chain);
    }
    /* in words, as the path and on the way to it */
    char said[1200], want[4200];
    snprintf(path, sizeof path, "%s/loops/s", tmp);
    assert_int_equal(gz_path_loop_said(path, "a loop of links", said,
                                       sizeof said),
                     GZ_LINK_THROUGH_ITSELF);
    assert_string_equal(said, "a symbolic link to s/x, which passes through "
                              "itself: a loop of links");
    snprintf(path, sizeof path, "%s/loops/s/index", tmp);
    assert_int_equal(gz_path_loop_said(path, "a loop of links", said,
                                       sizeof said),
                     GZ_LINK_THROUGH_ITSELF);
    snprintf(want, sizeof want, "%s/loops/s, on the way to it, is a symbolic "
             "link to s/x, which passes through itself: a loop of links", tmp);
    assert_string_equal(said, want);
    snprintf(path, sizeof path, "%s/loops/p", tmp);
    assert_int_equal(gz_path_loop_said(path, "a loop of links", said,
                                       sizeof said),
                     GZ_LINK_THROUGH_LOOP);
    assert_string_equal(said, "a symbolic link to s/y, which passes through "
                              "a loop of links");
    snprintf(path, sizeof path, "%s/loops/c1", tmp);
    assert_int_equal(gz_path_loop_said(path, "a loop of links", said,
                                       sizeof said),
                     GZ_LINK_TOO_LONG);
    assert_string_equal(said, "a symbolic link to c2 -> c3 -> c4 -> ... -> "
                              "c46, more links in a row than the system "
                              "follows (40)");
}

/* A link on the way to a long path is named by its end, where its name
 * is ("...b/s, on the way to it, is"), not by the start of its path: cut
 * to a quarter of the sentence, that named a directory above it. */
static void test_path_loop_on_a_long_way_names_the_link(void **state)
{
    (void)state;
    char way[700], said[1200];
    size_t n = 0;
    while (n < 600)
        n += (size_t)snprintf(way + n, sizeof way - n, "/dir%03zu", n);
    snprintf(way + n, sizeof way - n, "/s");
    gz_path_say_loop(said, sizeof said, way, GZ_LINK_THROUGH_ITSELF, "s/x",
                     "a loop of links");
    if (strncmp(said, "...", 3) != 0 ||
        !strstr(said, "/s, on the way to it, is a symbolic link to s/x, "
                      "which passes through itself: a loop of links"))
        fail_msg("said: %s", said);
    gz_path_say_loop(said, sizeof said, "a/s", GZ_LINK_LOOP, "b -> a/s",
                     "a loop of links");
    assert_string_equal(said, "a/s, on the way to it, is a symbolic link to "
                              "b -> a/s, a loop of links");
}

/* The open error of gazette_index_open(path), which must fail with
 * INDEX_CORRUPT. */
static const char *corrupt_open_error(const char *path)
{
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(path, &index),
                     GAZETTE_STATUS_INDEX_CORRUPT);
    assert_null(index);
    return gazette_last_open_error();
}

/* A file that is no index (binary bytes, or a line of text) is said to
 * be none, INDEX_CORRUPT as before: Xapian took it for a stub file and
 * said "PATH:1: Bad line". A stub file with a bad line among good ones
 * names that line and what is wrong with it (it gave Xapian's "Bad
 * line"), and so does one whose only line has its type misspelt (it was
 * said to be no index). */
static void test_file_that_is_no_index(void **state)
{
    (void)state;
    static const char binary[] = "\177ELF\2\1\1\0\0\0\0\0\3\0>\0\1\0";
    tu_write_file(tmp, "bin.dat", binary, sizeof binary - 1);
    const char *why = corrupt_open_error(tu_path_in(tmp, "bin.dat"));
    if (!strstr(why, "it is not a Gazette index") || strstr(why, "Bad line"))
        fail_msg("%s", why);
    why = corrupt_open_error(put("notes.txt", "hello world\n"));
    assert_non_null(strstr(why, "it is not a Gazette index"));
    why = corrupt_open_error(put("bad-line.stub", "inmemory\nglas other\n"));
    if (!strstr(why, "bad-line.stub has a line Xapian cannot read, line 2 "
                     "'glas other': 'glas' is no database type (did you "
                     "mean 'glass'?)"))
        fail_msg("%s", why);
    why = corrupt_open_error(put("typo.stub", "atuo other\n"));
    if (!strstr(why, "typo.stub has a line Xapian cannot read, line 1 "
                     "'atuo other': 'atuo' is no database type (did you "
                     "mean 'auto'?)"))
        fail_msg("%s", why);
    why = corrupt_open_error(put("remote.stub", "remote nowhere\n"));
    if (!strstr(why, "line 1 'remote nowhere': 'remote' takes HOST:PORT or "
                     ":PROGRAM ARGS"))
        fail_msg("%s", why);
}

/* gz_stub_bad_line follows the stubs a stub names (Xapian opens them,
 * and names the inner one's line), and reads stubs naming the same
 * stubs a bounded number of times: 10 naming 10, 6 deep, are a million
 * ways down, which it does not all walk. A file whose first line is no
 * misspelt type is no stub: nothing said. */
static void test_bad_line_of_a_named_stub(void **state)
{
    (void)state;
    char why[1024] = "";
    put("bl/outer", "auto inner\n");
    put("bl/inner", "# the archive\natuo db\n");
    assert_int_equal(gz_stub_bad_line(tu_path_in(tmp, "bl/outer"), why,
                                      sizeof why), 1);
    if (!strstr(why, "bl/inner has a line Xapian cannot read, line 2 "
                     "'atuo db': 'atuo' is no database type (did you mean "
                     "'auto'?)"))
        fail_msg("%s", why);
    put("bl/notes", "hello world\nauto x\n");
    assert_int_equal(gz_stub_bad_line(tu_path_in(tmp, "bl/notes"), why,
                                      sizeof why), 0);
    /* every run of gazette-index asks: a million reads (a minute) then */
    put("dag/db/iamglass", "");
    put_dag(10, 6, "db");
    assert_int_equal(gz_stub_bad_line(tu_path_in(tmp, "dag/top"), why,
                                      sizeof why), 0);
}

/* A remote line with a NUL byte before its port ("remote h\0x:8100"):
 * the lexer reads the line's bytes to the last ':', but its text stops
 * at the NUL, so the check for a server reached twice found no ':' in it
 * and read from address 1 (review of fix-locations). The open fails as
 * for any unreachable server; nothing crashes. */
static void test_remote_line_with_nul(void **state)
{
    (void)state;
    static const char line[] = "remote h\0x:8100\n";
    tu_write_file(tmp, "nul-remote.stub", line, sizeof line - 1);
    gazette_index_t *index = NULL;
    assert_int_not_equal(
        gazette_index_open(tu_path_in(tmp, "nul-remote.stub"), &index),
        GAZETTE_STATUS_OK);
    assert_null(index);
}

/* A single-file Xapian database (xapian-compact --single-file: one glass
 * file, which Xapian opens read-only) is a database, not a stub file.
 * Its bytes were read as a stub's lines: through a stub naming it,
 * gazette-index said "the stub file single.db has a line Xapian cannot
 * read, line 1 ' ': '...' is no database type" (or "' ' is not a local
 * database"), and of the file itself "it exists and is not a Xapian
 * index" (--full: "is not a Xapian index"). Each now says what it is
 * and that it cannot be written; nothing is written. A stub naming it
 * by type glass, which only auto opens, is said so (the open quoted
 * Xapian's "single.db/iamglass ... (Not a directory)"). */
static void test_single_file_database_is_no_stub(void **state)
{
    (void)state;
    /* the head of a real one: glass's magic, its version, then binary
     * bytes with a line break early on */
    static const char head[] = "\x0f\x0d" "Xapian Glass\x04n\x1a\xe9 \n"
                               "\x01\x03\x04\xb8J\x04";
    tu_write_file(tmp, "sf/single.db", head, sizeof head - 1);
    char single[4096], stub[4096], dir[4096];
    snprintf(single, sizeof single, "%s", tu_path_in(tmp, "sf/single.db"));
    snprintf(stub, sizeof stub, "%s", put("sf/s.stub", "auto single.db\n"));
    put("sf-corpus/a.txt", "A title\n\nA body.\n");
    snprintf(dir, sizeof dir, "%s", tu_path_in(tmp, "sf-corpus"));
    assert_int_equal(gz_is_single_file_db(single), 1);
    assert_int_equal(gz_is_single_file_db(stub), 0);
    char why[1024] = "";
    if (gz_stub_bad_line(stub, why, sizeof why) ||
        gz_stub_bad_line(single, why, sizeof why))
        fail_msg("taken for a stub: %s", why);
    gz_shard_list shards;
    assert_int_equal(gz_shards_locate(stub, &shards, why, sizeof why), -1);
    if (!strstr(why, "single.db is a single-file Xapian database (as "
                     "xapian-compact --single-file makes), which Xapian "
                     "cannot write"))
        fail_msg("%s", why);
    assert_int_equal(gz_generation_check(single, NULL, 0, why, sizeof why),
                     1);
    if (!strstr(why, "is a single-file Xapian database (a rebuild would "
                     "replace it)"))
        fail_msg("%s", why);
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    const char *roots[] = {dir};
    assert_int_not_equal(gazette_update_run(u, single, roots, 1),
                         GAZETTE_STATUS_OK);
    if (!strstr(gazette_update_error(u), "it is a single-file Xapian "
                                         "database"))
        fail_msg("%s", gazette_update_error(u));
    gazette_update_free(u);
    const char *why_open = corrupt_open_error(put("sf/glass.stub",
                                                  "glass single.db\n"));
    if (!strstr(why_open, "glass.stub has a line Xapian cannot open, line 1 "
                          "'glass single.db': it names a single-file Xapian "
                          "database (as xapian-compact --single-file makes), "
                          "which a stub opens only by type 'auto'") ||
        strstr(why_open, "iamglass"))
        fail_msg("%s", why_open);
    struct stat sb;
    assert_int_equal(stat(single, &sb), 0);
    assert_int_equal(sb.st_size, (off_t)(sizeof head - 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lex_skips),
        cmocka_unit_test(test_lex_local_paths),
        cmocka_unit_test(test_lex_long_line),
        cmocka_unit_test(test_lex_nul_bytes),
        cmocka_unit_test(test_lex_unknown),
        cmocka_unit_test(test_lex_inmemory),
        cmocka_unit_test(test_lex_remote),
        cmocka_unit_test(test_honey_names_no_part),
        cmocka_unit_test(test_carriage_return_is_in_the_path),
        cmocka_unit_test(test_long_comment_is_one_line),
        cmocka_unit_test(test_stub_over_1_mib_is_not_read),
        cmocka_unit_test(test_nested_stubs_followed_8_deep),
        cmocka_unit_test(test_line_without_path),
        cmocka_unit_test(test_file_that_is_no_index),
        cmocka_unit_test(test_bad_line_of_a_named_stub),
        cmocka_unit_test(test_remote_line_with_nul),
        cmocka_unit_test(test_single_file_database_is_no_stub),
        cmocka_unit_test(test_refs_lines_as_xapian_reads_them),
        cmocka_unit_test(test_refs_carriage_return_is_in_the_path),
        cmocka_unit_test(test_refs_stub_over_1_mib),
        cmocka_unit_test(test_refs_xapiandb_beside_a_database),
        cmocka_unit_test(test_refs_not_known),
        cmocka_unit_test(test_refs_xapiandb_not_looked_at),
        cmocka_unit_test(test_shared_stubs_read_once),
        cmocka_unit_test(test_shared_stubs_keep_the_depth_limit),
        cmocka_unit_test(test_stub_behind_bind_mount_read_again),
        cmocka_unit_test(test_shards_database_listed_twice),
        cmocka_unit_test(test_full_replaces_only_stubs),
        cmocka_unit_test(test_path_links_leave_chain_a_string),
        cmocka_unit_test(test_path_dangling_on_the_way),
        cmocka_unit_test(test_path_links_through_themselves_are_loops),
        cmocka_unit_test(test_path_loop_on_a_long_way_names_the_link),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
