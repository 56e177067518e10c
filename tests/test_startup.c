/*
 * test_startup.c - what a program that only searches loads. GMime (with
 * GLib, GObject, GIO and gpgme behind it) is loaded when the first mail is
 * read, not when the program starts: loading it cost every one-shot
 * gazette-query some 6 ms (docs/performance.md, "One-shot
 * gazette-query"). Likewise gumbo, when the first HTML page is read. A
 * GMime or gumbo that cannot be loaded stops an update run with an error
 * that names the file and the library. The programs of the build tree do
 * not look for libraries in the current directory.
 *
 * The order of the tests matters: GMime and gumbo, once loaded, stay
 * loaded, so the tests that need them absent run first.
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "corpus_internal.h"
#include "gazette.h"
#include "test_util.h"

/* GLib's soname: its ABI has been libglib-2.0.so.0 since 2002. */
#define GLIB_SONAME "libglib-2.0.so.0"

static const char MAIL[] =
    "From: Ann Writer <ann@example.org>\n"
    "Subject: Harbour cranes idle\n"
    "Date: Fri, 24 Nov 2023 09:30:00 +0200\n"
    "Newsgroups: talk.ports\n"
    "\n"
    "The cranes of the northern harbour stood idle for a second day.\n";

static const char PAGE[] =
    "<!DOCTYPE html><html><head><title>Lighthouse keepers return</title>"
    "</head><body><p>The keepers of the western lighthouse returned to "
    "their posts after the storm.</p></body></html>\n";

static char *tmp;

static int setup(void **state)
{
    (void)state;
    tmp = tu_mkdtemp("startup");
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

/* 1 when the library `soname` is loaded in this process. */
static int loaded(const char *soname)
{
    void *lib = dlopen(soname, RTLD_LAZY | RTLD_NOLOAD);
    if (lib)
        dlclose(lib);
    return lib != NULL;
}

/* Run an update of the index `db` from the corpus directory `corpus`;
 * returns its status, its error message in `why`. */
static gazette_status_t update(const char *db, const char *corpus,
                               char *why, size_t whylen)
{
    gazette_update_t *u = NULL;
    if (gazette_update_new(&u) != GAZETTE_STATUS_OK)
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    gazette_update_set_jobs(u, 1);
    const char *roots[] = {corpus};
    gazette_status_t s = gazette_update_run(u, db, roots, 1);
    snprintf(why, whylen, "%s", gazette_update_error(u));
    gazette_update_free(u);
    return s;
}

/* The title of the first hit of `query` in `db` ("" when none), with its
 * snippet made: a search as gazette-query runs it. */
static void first_title(const char *db, const char *query, char *out,
                        size_t outlen)
{
    gazette_index_t *index = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, query, NULL, &r),
                     GAZETTE_STATUS_OK);
    out[0] = '\0';
    if (gazette_results_count(r) > 0) {
        const gazette_hit_t *h = gazette_results_hit(r, 0);
        assert_non_null(gazette_hit_plain_snippet(h));
        snprintf(out, outlen, "%s", gazette_hit_title(h));
    }
    gazette_results_free(r);
    gazette_index_close(index);
}

/* Indexing text files, opening the index and searching it with snippets
 * load neither GMime nor GLib nor gumbo. */
static void test_search_loads_no_mail_or_html_library(void **state)
{
    (void)state;
    static const char story[] = "Night trains\n\nThe night trains return "
                                "to the northern line in spring.\n";
    tu_write_file(path_in("text"), "travel/trains.txt", story,
                  sizeof story - 1);
    char why[512], title[256];
    assert_int_equal(update(path_in("text.idx"), path_in("text"), why,
                            sizeof why),
                     GAZETTE_STATUS_OK);
    first_title(path_in("text.idx"), "night trains", title, sizeof title);
    assert_string_equal(title, "Night trains");
    assert_false(corpus_mail_library_loaded());
    assert_false(loaded(GLIB_SONAME));
    assert_false(corpus_html_library_loaded());
}

/* The programs of the build tree find their libraries where they will be
 * installed, relative to themselves, never in the current directory: a
 * stray file there named like one of them (here an empty one) once
 * stopped gazette-query before main ("libjansson.so.4: file too short",
 * exit 127), as CMake's build RUNPATH ended in an empty entry. */
static void test_programs_ignore_the_current_directory(void **state)
{
    (void)state;
    const char *dir = path_in("cwd");
    tu_write_file(dir, "libjansson.so.4", "", 0);
    tu_write_file(dir, "libstdc++.so.6", "", 0);
    tu_write_file(dir, "libc.so.6", "", 0);
    assert_int_equal(tu_run("cd '%s' && '%s' --help >/dev/null", dir,
                            tu_binary("gazette-query")),
                     0);
    assert_int_equal(tu_run("cd '%s' && '%s' --help >/dev/null", dir,
                            tu_binary("gazette-index")),
                     0);
}

/* A reader's library that cannot be loaded: which one, and the file
 * (written under `dir`) that needs it. */
typedef struct missing_library {
    void (*set_library)(const char *soname);
    const char *soname;   /* a library that does not exist */
    const char *name;     /* the library as the message must name it */
    const char *dir, *file, *text;
} missing_library;

/* In a child process (the library must not have been loaded yet):
 * updating the corpus fails as an I/O error whose message names the file,
 * the library and its soname. Exit status 0 when it does, else the number
 * of the check that failed. */
static int update_without(const missing_library *m)
{
    m->set_library(m->soname);
    char db[4096], why[512];
    snprintf(db, sizeof db, "%s-missing.idx", path_in(m->dir));
    gazette_status_t s = update(db, path_in(m->dir), why, sizeof why);
    if (s != GAZETTE_STATUS_IO_ERROR) {
        fprintf(stderr, "status %s: %s\n", gazette_status_to_string(s), why);
        return 1;
    }
    if (!strstr(why, m->file) || !strstr(why, m->name) ||
        !strstr(why, m->soname)) {
        fprintf(stderr, "message: %s\n", why);
        return 2;
    }
    return 0;
}

static void expect_run_stops_without(const missing_library *m)
{
    tu_write_file(path_in(m->dir), m->file, m->text, strlen(m->text));
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(update_without(m));
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_missing_gmime_stops_the_run(void **state)
{
    (void)state;
    const missing_library gmime = {
        corpus_mail_set_library, "libgazette-test-no-such-gmime.so.0",
        "GMime", "mail", "ports/cranes.eml", MAIL};
    expect_run_stops_without(&gmime);
}

static void test_missing_gumbo_stops_the_run(void **state)
{
    (void)state;
    const missing_library gumbo = {
        corpus_html_set_library, "libgazette-test-no-such-gumbo.so.1",
        "gumbo", "html", "coast/lighthouse.html", PAGE};
    expect_run_stops_without(&gumbo);
}

/* The handler of every signal, SIG_DFL/SIG_IGN or a function. */
typedef struct signal_handlers {
    void (*handler[NSIG])(int);
} signal_handlers;

static signal_handlers current_handlers(void)
{
    signal_handlers h = {{0}};
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction sa;
        if (sigaction(sig, NULL, &sa) == 0)
            h.handler[sig] = sa.sa_handler;
    }
    return h;
}

/* The library leaves the program's signal handling as it found it. */
static void assert_same_handlers(const signal_handlers *before)
{
    signal_handlers after = current_handlers();
    for (int sig = 1; sig < NSIG; sig++)
        if (after.handler[sig] != before->handler[sig])
            fail_msg("loading a library changed the handler of signal %d "
                     "(%s)", sig, strsignal(sig));
}

/* Reading mail loads GMime, and the message is indexed as before. GMime
 * brings gpgme, whose start made the process ignore SIGPIPE: an embedding
 * program killed by a closed pipe got EPIPE instead. */
static void test_mail_loads_it(void **state)
{
    (void)state;
    tu_write_file(path_in("mail"), "ports/cranes.eml", MAIL,
                  sizeof MAIL - 1);
    char why[512], title[256];
    assert_false(corpus_mail_library_loaded());
    void (*old_pipe)(int) = signal(SIGPIPE, SIG_DFL);
    signal_handlers before = current_handlers();
    assert_int_equal(update(path_in("mail.idx"), path_in("mail"), why,
                            sizeof why),
                     GAZETTE_STATUS_OK);
    assert_same_handlers(&before);
    signal(SIGPIPE, old_pipe);
    assert_true(corpus_mail_library_loaded());
    first_title(path_in("mail.idx"), "cranes idle", title, sizeof title);
    assert_string_equal(title, "Harbour cranes idle");
}

/* Reading HTML loads gumbo, and the page is indexed as before. */
static void test_html_loads_it(void **state)
{
    (void)state;
    tu_write_file(path_in("html"), "coast/lighthouse.html", PAGE,
                  sizeof PAGE - 1);
    char why[512], title[256];
    assert_false(corpus_html_library_loaded());
    signal_handlers before = current_handlers();
    assert_int_equal(update(path_in("html.idx"), path_in("html"), why,
                            sizeof why),
                     GAZETTE_STATUS_OK);
    assert_same_handlers(&before);
    assert_true(corpus_html_library_loaded());
    first_title(path_in("html.idx"), "lighthouse keepers", title,
                sizeof title);
    assert_string_equal(title, "Lighthouse keepers return");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_loads_no_mail_or_html_library),
        cmocka_unit_test(test_programs_ignore_the_current_directory),
        cmocka_unit_test(test_missing_gmime_stops_the_run),
        cmocka_unit_test(test_missing_gumbo_stops_the_run),
        cmocka_unit_test(test_mail_loads_it),
        cmocka_unit_test(test_html_loads_it),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
