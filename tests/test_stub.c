/*
 * test_stub.c - Xapian stub files as Gazette reads them (schema/stub.c):
 * one line as Xapian 1.4 reads it (gz_stub_lex, against
 * read_stub_file in xapian-core/backends/databasehelpers.h).
 *
 * Scratch files only; no index is built.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "schema.h"
#include "test_util.h"

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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
