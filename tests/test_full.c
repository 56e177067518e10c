/*
 * test_full.c - `gazette-index --full` must only ever replace an index:
 * it refuses a --db that is not one (or that holds a corpus root), keeps a
 * switched-in rebuild even when the old generation is already gone, and
 * clears what a run killed mid-build or mid-switch left behind.
 *
 * The real gazette-index runs on a copy of corpus/sample in a scratch
 * directory; the index is checked through libgazette and gazette-query.
 */
#define _GNU_SOURCE 1
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "gazette.h"
#include "gen_corpus.h"
#include "test_util.h"
#include "xapian_shim.h"

static struct {
    char *tmp;
    char corpus[1024];   /* tmp/c: copy of corpus/sample */
    char db[1024];       /* tmp/idx */
} fx;

/* The run start_full() started and nothing has waited for yet (0: none),
 * killed by stop_running() when a test fails before waiting. */
static pid_t running;

static int setup(void **state)
{
    (void)state;
    fx.tmp = tu_mkdtemp("full");
    snprintf(fx.corpus, sizeof fx.corpus, "%s/c", fx.tmp);
    snprintf(fx.db, sizeof fx.db, "%s/idx", fx.tmp);
    return tu_run("cp -r '%s' '%s'", tu_source_path("corpus/sample"),
                  fx.corpus);
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(fx.tmp);
    free(fx.tmp);
    return 0;
}

/* Run gazette-index at the test's -j with `opts` and the arguments
 * `args`, then `out` (a redirection of stdout, or ""); stderr goes to
 * tmp/err.txt. Returns the exit status. */
static int index_run_with(const char *opts, const char *out, const char *args)
{
    const char *jobs = tu_test_jobs();
    return tu_run("'%s' %s%s%s %s %s 2>'%s/err.txt'",
                  tu_binary("indexer/gazette-index"), opts, jobs ? " -j" : "",
                  jobs ? jobs : "", args, out, fx.tmp);
}

/* Run gazette-index --quiet with the arguments in `fmt` (shell words);
 * stderr goes to tmp/err.txt. Returns the exit status. */
static int index_run(const char *fmt, ...)
{
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return index_run_with("--quiet", "", args);
}

/* 1 when tmp/err.txt contains `text`. */
static int stderr_has(const char *text)
{
    return tu_run("grep -qF -- '%s' '%s/err.txt'", text, fx.tmp) == 0;
}

/* Articles in the index at `db` through libgazette (fails the test when
 * it does not open), and a search through gazette-query must succeed. */
static uint64_t articles(const char *db)
{
    gazette_index_t *index = NULL;
    gazette_status_t st = gazette_index_open(db, &index);
    if (st != GAZETTE_STATUS_OK)
        fail_msg("open %s: %s", db, gazette_last_open_error());
    uint64_t n = 0;
    assert_int_equal(gazette_index_article_count(index, &n),
                     GAZETTE_STATUS_OK);
    gazette_index_close(index);
    assert_int_equal(tu_run("'%s' --db '%s' gaza >/dev/null",
                            tu_binary("query/cli/gazette-query"), db), 0);
    return n;
}

static int exists(const char *fmt, ...)
{
    char path[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/* Number of entries of directory `dir` whose name starts with `prefix`. */
static int count_entries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

/* Entries of directory `dir` with a name ending in `suffix` ("" for
 * none: then the names without a '.'), and starting with 'g'. */
static int count_g(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name), k = strlen(suffix);
        if (e->d_name[0] == 'g' &&
            (k ? len > k && strcmp(e->d_name + len - k, suffix) == 0
               : !strchr(e->d_name, '.')))
            n++;
    }
    closedir(d);
    return n;
}

/* Generation directories in DB.d `gens`. */
static int count_generations(const char *gens)
{
    return count_g(gens, "");
}

/* Gazette's markers in DB.d `gens`: "<gen>.building", "<gen>.retired". */
static int count_markers(const char *gens)
{
    return count_g(gens, ".building") + count_g(gens, ".retired");
}

/* What a --full killed mid-build leaves in DB.d `gens`: generation `name`
 * (empty: its databases not created yet) and its marker "<name>.building"
 * made before it; `kind` "retired" instead: a generation a --full killed
 * after its switch had not deleted yet. */
static void fake_killed_run(const char *gens, const char *name,
                            const char *kind)
{
    assert_int_equal(tu_run("mkdir -p '%s/%s' && : >'%s/%s.%s'", gens, name,
                            gens, name, kind), 0);
}

/* A --db that is a directory of documents, a document, or the corpus
 * itself is refused with exit 64 and left exactly as it was. */
static void test_refuses_what_is_not_an_index(void **state)
{
    (void)state;
    tu_write_file(fx.tmp, "mydocs/thesis.txt", "precious\n", 9);
    assert_int_equal(index_run("--full --db '%s/mydocs' '%s'", fx.tmp,
                               fx.corpus), 64);
    assert_true(stderr_has("not part of a Xapian index"));
    assert_int_equal(tu_run("grep -qx precious '%s/mydocs/thesis.txt'",
                            fx.tmp), 0);
    assert_false(exists("%s/mydocs.d", fx.tmp));   /* refused before building */
    /* an incremental run refuses it too (64); a database put inside it
     * (by an older version) does not make it an index for --full */
    assert_int_equal(index_run("--db '%s/mydocs' '%s'", fx.tmp, fx.corpus),
                     64);
    assert_false(exists("%s/mydocs/iamglass", fx.tmp));
    assert_false(exists("%s/mydocs/XAPIANDB", fx.tmp));
    assert_int_equal(index_run("--db '%s/made' '%s'", fx.tmp, fx.corpus), 0);
    assert_int_equal(tu_run("cp -r '%s'/made/* '%s/mydocs/'", fx.tmp, fx.tmp),
                     0);
    /* one database, or the stub of a sharded one (-j2) */
    assert_true(exists("%s/mydocs/iamglass", fx.tmp) ||
                exists("%s/mydocs/XAPIANDB", fx.tmp));
    assert_int_equal(index_run("--full --db '%s/mydocs' '%s'", fx.tmp,
                               fx.corpus), 64);
    assert_true(stderr_has("not part of a Xapian index"));
    assert_int_equal(tu_run("grep -qx precious '%s/mydocs/thesis.txt'",
                            fx.tmp), 0);

    tu_write_file(fx.tmp, "notes.txt", "keep me\n", 8);
    assert_int_equal(index_run("--full --db '%s/notes.txt' '%s'", fx.tmp,
                               fx.corpus), 64);
    assert_true(stderr_has("is not a Xapian index"));
    assert_int_equal(tu_run("grep -qx 'keep me' '%s/notes.txt'", fx.tmp), 0);

    /* --db news --full news: the corpus is never deleted. */
    assert_int_equal(index_run("--full --db '%s' '%s'", fx.corpus, fx.corpus),
                     64);
    assert_true(stderr_has("refusing --full: corpus "));
    assert_true(stderr_has("and a rebuild deletes the old index; give "
                           "another index path"));
    assert_int_equal(tu_run("cmp -s '%s/world/2023-11-03-blinken-tel-aviv.txt' "
                            "'%s/world/2023-11-03-blinken-tel-aviv.txt'",
                            fx.corpus, tu_source_path("corpus/sample")), 0);

    /* A corpus root below the generations of a stub index: refused even
     * though DB is an index (a rebuild deletes old generations). */
    assert_int_equal(index_run("--full --db '%s' '%s'", fx.db, fx.corpus), 0);
    assert_int_equal(tu_run("cp -r '%s' '%s.d/inner'", fx.corpus, fx.db), 0);
    assert_int_equal(index_run("--full --db '%s' '%s.d/inner'", fx.db, fx.db),
                     64);
    assert_true(stderr_has("is the index"));
    assert_true(exists("%s.d/inner/world", fx.db));
    assert_int_equal(tu_run("rm -rf '%s' '%s.d'", fx.db, fx.db), 0);
}

/* An index written with changesets (XAPIAN_MAX_CHANGESETS, as
 * docs/scaling.md says for replicas) holds Xapian's changes<N> files, in
 * each shard at -j2: --full replaces it (exit 0); a file of another name
 * beside them is still refused (64) and kept. */
static void test_index_with_changesets(void **state)
{
    (void)state;
    char db[1100], extra[1100];
    snprintf(db, sizeof db, "%s/replicated", fx.tmp);
    snprintf(extra, sizeof extra, "%s/extra", fx.tmp);
    assert_int_equal(setenv("XAPIAN_MAX_CHANGESETS", "10", 1), 0);
    assert_int_equal(index_run("--db '%s' '%s'", db, fx.corpus), 0);
    /* a second run that changes something writes a changeset */
    assert_int_equal(tu_run("cp -R '%s/world' '%s'", fx.corpus, extra), 0);
    assert_int_equal(index_run("--db '%s' '%s' '%s'", db, fx.corpus, extra),
                     0);
    assert_int_equal(tu_run("find '%s' -name 'changes[0-9]*' | grep -q .", db),
                     0);
    uint64_t n = articles(db);
    assert_int_equal(index_run("--full --db '%s' '%s' '%s'", db, fx.corpus,
                               extra), 0);
    assert_int_equal(articles(db), n);

    /* changesets and a foreign file: refused, the file kept */
    char other[1100];
    snprintf(other, sizeof other, "%s/replicated2", fx.tmp);
    assert_int_equal(index_run("--db '%s' '%s'", other, fx.corpus), 0);
    assert_int_equal(index_run("--db '%s' '%s' '%s'", other, fx.corpus, extra),
                     0);
    assert_int_equal(tu_run("d=$(dirname \"$(find '%s' -name 'changes[0-9]*' "
                            "| head -n 1)\") && echo mine >\"$d/changes.txt\"",
                            other), 0);
    assert_int_equal(index_run("--full --db '%s' '%s'", other, fx.corpus), 64);
    assert_true(stderr_has("not part of a Xapian index"));
    assert_int_equal(tu_run("find '%s' -name changes.txt | grep -q .", other),
                     0);
}

/* After test_index_with_changesets, failed or not: later runs write no
 * changesets. */
static int unset_changesets(void **state)
{
    (void)state;
    return unsetenv("XAPIAN_MAX_CHANGESETS");
}

/* The old generation already gone (deleted by hand) is no reason to fail,
 * nor to delete the new one: the rebuild switches in and later runs work.
 * The language it was stemmed in went with it: a rebuild without
 * --language is refused (64, nothing made) rather than guess english. */
static void test_missing_old_generation_is_fine(void **state)
{
    (void)state;
    assert_int_equal(index_run("--full --db '%s' '%s'", fx.db, fx.corpus), 0);
    uint64_t n = articles(fx.db);
    assert_true(n > 0);
    assert_int_equal(tu_run("rm -rf '%s'.d/*", fx.db), 0);
    assert_int_equal(index_run("--full --db '%s' '%s'", fx.db, fx.corpus),
                     64);
    assert_true(stderr_has("--full and --language naming that language"));
    assert_int_equal(tu_run("test -z \"$(ls -A '%s.d')\"", fx.db), 0);
    assert_int_equal(index_run("--full --language english --db '%s' '%s'",
                               fx.db, fx.corpus), 0);
    assert_int_equal(articles(fx.db), n);
    assert_int_equal(index_run("--full --db '%s' '%s'", fx.db, fx.corpus), 0);
    assert_int_equal(articles(fx.db), n);
    char gens[1100];
    snprintf(gens, sizeof gens, "%s.d", fx.db);
    assert_int_equal(count_entries(gens, "g"), 1);
}

/* What killed runs leave: the old database exchanged out to DB.stub-tmp
 * (killed before deleting it), a stub file there (killed before the
 * rename), unfinished generations in DB.d marked as being built, an old
 * one marked retired (killed after the switch), and the live one's marker
 * (killed between the switch and removing it). The next --full clears
 * them; a directory of ours-looking name without a marker (an older
 * version's, an archived index's) or of another name is kept. */
static void test_clears_leftovers_of_killed_runs(void **state)
{
    (void)state;
    char other[1100], gens[1100];
    snprintf(other, sizeof other, "%s/other", fx.tmp);
    snprintf(gens, sizeof gens, "%s.d", fx.db);
    assert_int_equal(index_run("--full --db '%s' '%s'", fx.db, fx.corpus), 0);
    uint64_t n = articles(fx.db);

    /* killed after the exchange: a whole database at DB.stub-tmp */
    assert_int_equal(index_run("--db '%s' '%s'", other, fx.corpus), 0);
    assert_int_equal(tu_run("mv '%s' '%s.stub-tmp'", other, fx.db), 0);
    /* killed mid-build (a generation with a partial database) and after
     * a switch (the old generation, retired) */
    fake_killed_run(gens, "g1700000000000000001-4242", "building");
    fake_killed_run(gens, "g1700000000000000002-4243", "retired");
    /* an older version's generation (no marker), not a generation, and
     * the live one still marked as being built */
    assert_int_equal(tu_run("mkdir '%s/g1700000000000000003-4244' "
                            "'%s/keepme' && : >'%s'/\"$(sed -n "
                            "'s|^auto idx.d/||p' '%s')\".building && "
                            "cp \"$(find '%s.stub-tmp' -name iamglass | "
                            "head -n 1)\" '%s/g1700000000000000001-4242/'",
                            gens, gens, gens, fx.db, fx.db, gens), 0);
    assert_int_equal(count_markers(gens), 3);
    assert_int_equal(index_run("--full --db '%s' '%s'", fx.db, fx.corpus), 0);
    assert_false(exists("%s.stub-tmp", fx.db));
    assert_int_equal(count_generations(gens), 2);   /* the live one, and */
    assert_true(exists("%s/g1700000000000000003-4244", gens));   /* unmarked */
    assert_int_equal(count_markers(gens), 0);
    assert_true(exists("%s/keepme", gens));   /* not a generation name */
    assert_int_equal(articles(fx.db), n);
    assert_int_equal(tu_run("rmdir '%s/g1700000000000000003-4244'", gens), 0);

    /* killed before the rename: a stub file at DB.stub-tmp */
    tu_write_file(fx.tmp, "idx.stub-tmp", "auto idx.d/g1-1\n", 16);
    assert_int_equal(index_run("--full --db '%s' '%s'", fx.db, fx.corpus), 0);
    assert_false(exists("%s.stub-tmp", fx.db));
    assert_int_equal(articles(fx.db), n);

    /* killed between creating the stub file and writing its line: an
     * empty file, which made every later --full exit 74 (seen once in
     * test_sigkill_loop) */
    tu_write_file(fx.tmp, "idx.stub-tmp", "", 0);
    assert_int_equal(index_run("--full --db '%s' '%s'", fx.db, fx.corpus), 0);
    assert_false(exists("%s.stub-tmp", fx.db));
    assert_int_equal(articles(fx.db), n);

    /* something else at DB.stub-tmp is not deleted: refused, index kept */
    tu_write_file(fx.tmp, "idx.stub-tmp/mine.txt", "mine\n", 5);
    assert_int_equal(index_run("--full --db '%s' '%s'", fx.db, fx.corpus), 74);
    assert_true(stderr_has("is in the way"));
    /* in this program's words (the library says "of this library") */
    assert_true(stderr_has("is not a leftover of gazette-index: move it "
                           "away"));
    assert_true(exists("%s.stub-tmp/mine.txt", fx.db));
    assert_int_equal(count_entries(gens, "g"), 1);   /* new one deleted */
    assert_int_equal(articles(fx.db), n);
}

/* Leftovers of killed runs are cleared when a --full starts, not only
 * after it switches: on a disk they fill, the build needs their room.
 * Seen here through a rebuild that is refused (69): it clears them too. */
static void test_leftovers_cleared_before_building(void **state)
{
    (void)state;
    char db[1100], gens[1200], few[1100];
    snprintf(db, sizeof db, "%s/lo.idx", fx.tmp);
    snprintf(gens, sizeof gens, "%s.d", db);
    snprintf(few, sizeof few, "%s/few", fx.tmp);
    assert_int_equal(index_run("--full --db '%s' '%s'", db, fx.corpus), 0);
    uint64_t n = articles(db);
    /* a killed run's copy of the live generation, and a small corpus */
    assert_int_equal(tu_run("live=$(ls -d '%s'/g*) && mkdir "
                            "'%s/g1700000000000000001-4242' && cp -r "
                            "\"$live\"/. '%s/g1700000000000000001-4242/' "
                            "&& : >'%s/g1700000000000000001-4242.building' "
                            "&& mkdir -p '%s/world' && cp \"$(find '%s' "
                            "-name '*.txt' | head -n 1)\" '%s/world/'",
                            gens, gens, gens, gens, few, fx.corpus, few), 0);
    assert_int_equal(count_generations(gens), 2);
    assert_int_equal(index_run("--full --db '%s' '%s'", db, few), 69);
    assert_int_equal(count_generations(gens), 1);   /* the live one */
    assert_int_equal(count_markers(gens), 0);
    assert_int_equal(articles(db), n);
}

/* A --full killed mid-build leaves its generation (as big as the index)
 * in DB.d: the next nightly update frees it, not only the next --full,
 * which may never come. The live generation stays, and a dry run
 * deletes nothing, nor does a run through a symbolic link. */
static void test_update_clears_killed_full(void **state)
{
    (void)state;
    char db[1100], gens[1200], plain[1100], plain_gens[1200];
    snprintf(db, sizeof db, "%s/killed.idx", fx.tmp);
    snprintf(gens, sizeof gens, "%s.d", db);
    snprintf(plain, sizeof plain, "%s/plain.idx", fx.tmp);
    snprintf(plain_gens, sizeof plain_gens, "%s.d", plain);
    assert_int_equal(index_run("--full --db '%s' '%s'", db, fx.corpus), 0);
    assert_int_equal(index_run("--db '%s' '%s'", plain, fx.corpus), 0);
    uint64_t n = articles(db);
    const char *dirs[] = {gens, plain_gens};
    for (int i = 0; i < 2; i++) {
        fake_killed_run(dirs[i], "g1700000000000000001-4242", "building");
        assert_int_equal(tu_run("echo partial > "
                                "'%s/g1700000000000000001-4242/iamglass'",
                                dirs[i]), 0);
    }
    /* and the live one's marker, as a --full killed between its switch and
     * removing it leaves it: stale, it goes, the generation stays */
    assert_int_equal(tu_run(": >'%s'/\"$(sed -n 's|^auto killed.idx.d/||p' "
                            "'%s')\".building", gens, db), 0);
    assert_int_equal(count_generations(gens), 2);
    assert_int_equal(index_run("--dry-run --db '%s' '%s'", db, fx.corpus), 0);
    assert_int_equal(count_generations(gens), 2);
    assert_int_equal(count_markers(gens), 2);
    assert_int_equal(index_run("--db '%s' '%s'", db, fx.corpus), 0);
    assert_int_equal(count_generations(gens), 1);   /* the live one */
    assert_int_equal(count_markers(gens), 0);
    assert_false(exists("%s/g1700000000000000001-4242", gens));
    assert_int_equal(articles(db), n);
    /* through a symbolic link to the stub, nothing is cleared (the link
     * may be pointed at another index during the run, whose DB.d is not
     * under this run's lock); a run on the stub's own path clears it */
    fake_killed_run(gens, "g1700000000000000002-4242", "building");
    assert_int_equal(tu_run("echo partial > "
                            "'%s/g1700000000000000002-4242/iamglass' && "
                            "ln -s killed.idx '%s/killed.link'", gens,
                            fx.tmp), 0);
    assert_int_equal(index_run("--db '%s/killed.link' '%s'", fx.tmp,
                               fx.corpus), 0);
    assert_int_equal(count_generations(gens), 2);
    assert_int_equal(index_run("--db '%s' '%s'", db, fx.corpus), 0);
    assert_int_equal(count_generations(gens), 1);
    /* an index that is a directory, not a stub: no generation is live */
    assert_int_equal(index_run("--db '%s' '%s'", plain, fx.corpus), 0);
    assert_int_equal(count_generations(plain_gens), 0);
    assert_int_equal(count_markers(plain_gens), 0);
    assert_int_equal(articles(plain), n);
    /* beside a stub Gazette did not write: a generation without a marker
     * is not known to be a leftover, and is kept */
    tu_write_file(fx.tmp, "hand.stub", "auto plain.idx\n", 15);
    assert_int_equal(tu_run("mkdir -p '%s/hand.stub.d/g1700000000000000001-1'",
                            fx.tmp), 0);
    assert_int_equal(index_run("--db '%s/hand.stub' '%s'", fx.tmp,
                               fx.corpus), 0);
    assert_true(exists("%s/hand.stub.d/g1700000000000000001-1", fx.tmp));
}

/* A generation named by the XAPIANDB of a directory that is also a
 * database (`auto xb.idx.d/gA`, gA a database holding a XAPIANDB that
 * names ../gB): Xapian opens gA, gazette-index writes through XAPIANDB
 * (its shard reader reads that first), so gB is in use and an update
 * keeps it, even marked as a killed build (the marker, stale, goes).
 * The cleanup knew only what
 * Xapian opens: it deleted gB, which the update then made again, empty,
 * and filled from the corpus. */
static void test_generation_behind_xapiandb_kept(void **state)
{
    (void)state;
    char db[1100], gens[1200];
    snprintf(db, sizeof db, "%s/xb.idx", fx.tmp);
    snprintf(gens, sizeof gens, "%s.d", db);
    const char *gb = "g1700000000000000001-4242";
    /* -j1: gA one database (with -j2 it holds a XAPIANDB of its own) */
    assert_int_equal(index_run("-j1 --full --db '%s' '%s'", db, fx.corpus),
                     0);
    assert_int_equal(index_run("-j1 --full --db '%s/xb2.idx' '%s'", fx.tmp,
                               fx.corpus), 0);
    assert_int_equal(tu_run("cd '%s' && mv \"$(sed -n 's|^auto ||p' "
                            "xb2.idx)\" xb.idx.d/%s && : >xb.idx.d/%s.building "
                            "&& echo 'auto ../%s' >\"$(sed -n 's|^auto ||p' "
                            "xb.idx)/XAPIANDB\" && cp xb.idx.d/%s/iamglass "
                            "gb-iamglass", fx.tmp, gb, gb, gb, gb), 0);
    assert_int_equal(index_run("--db '%s' '%s'", db, fx.corpus), 0);
    /* the same database (its revision file holds its UUID), unchanged */
    assert_int_equal(tu_run("cd '%s' && cmp -s xb.idx.d/%s/iamglass "
                            "gb-iamglass", fx.tmp, gb), 0);
    assert_false(exists("%s/%s.building", gens, gb));   /* in use: stale */
}

/* `dir`/`name`: a corpus of one file of corpus/sample. */
static void small_corpus(char *dir, size_t size, const char *name)
{
    snprintf(dir, size, "%s/%s", fx.tmp, name);
    assert_int_equal(tu_run("mkdir -p '%s/world' && cp \"$(find '%s' -name "
                            "'*.txt' | head -n 1)\" '%s/world/'", dir,
                            fx.corpus, dir), 0);
}

/* An index archived by renaming its stub (news.idx to news-2023.idx: its
 * relative line still names news.idx.d/<gen>), then a new index under the
 * old name: neither the new one's updates nor its rebuilds delete the
 * archived generation, which has no marker (it is no leftover). An
 * update deleted it, as a generation news.idx does not name (the archive
 * then failed to open, 66), and so did a --full, before building. */
static void test_archived_index_survives(void **state)
{
    (void)state;
    char news[1100], archive[1100], gens[1200], few[1100];
    snprintf(news, sizeof news, "%s/news.idx", fx.tmp);
    snprintf(archive, sizeof archive, "%s/news-2023.idx", fx.tmp);
    snprintf(gens, sizeof gens, "%s.d", news);
    small_corpus(few, sizeof few, "news-few");
    assert_int_equal(index_run("--full --db '%s' '%s'", news, fx.corpus), 0);
    uint64_t n = articles(news);
    assert_int_equal(tu_run("mv '%s' '%s'", news, archive), 0);
    assert_int_equal(articles(archive), n);
    /* an update makes a new index (a directory), --full a stub, a second
     * --full replaces that stub, and it is updated again */
    const char *runs[] = {"", "--full", "--full", ""};
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        assert_int_equal(index_run("%s --db '%s' '%s'", runs[i], news, few),
                         0);
        assert_int_equal(articles(news), 1);
        assert_int_equal(articles(archive), n);
    }
    assert_int_equal(count_generations(gens), 2);   /* each index's */
    assert_int_equal(count_markers(gens), 0);
}

/* Make a two-shard index of the corpus and move its two shard databases
 * to `dir`/`shard0` and `dir`/`shard1` (their parents created). */
static void two_shards(const char *dir, const char *shard0,
                       const char *shard1)
{
    char built[1200];
    snprintf(built, sizeof built, "%s/two-shards", fx.tmp);
    assert_int_equal(index_run("-j2 --db '%s' '%s'", built, fx.corpus), 0);
    assert_int_equal(tu_run("cd '%s' && mkdir -p \"$(dirname '%s/%s')\" "
                            "\"$(dirname '%s/%s')\" && mv shard0 '%s/%s' && "
                            "mv shard1 '%s/%s' && cd .. && rm -rf '%s'",
                            built, dir, shard0, dir, shard1, dir, shard0,
                            dir, shard1, built), 0);
}

/* A stub of two lines, each naming a generation (Xapian opens them as one
 * index, and an update writes both), one by a relative path, one by an
 * absolute one: an update keeps both. It deleted the second, as not the
 * one the first line names, then made it again, empty, and added its
 * articles again. A --full replaces both, and deletes them. */
static void test_two_generation_stub(void **state)
{
    (void)state;
    char db[1100], gens[1200];
    snprintf(db, sizeof db, "%s/two.idx", fx.tmp);
    snprintf(gens, sizeof gens, "%s.d", db);
    two_shards(gens, "g1-1", "g2-2");
    char stub[1400];   /* one relative line, one absolute */
    int len = snprintf(stub, sizeof stub, "auto two.idx.d/g1-1\nauto "
                       "%s/g2-2\n", gens);
    tu_write_file(fx.tmp, "two.idx", stub, (size_t)len);
    uint64_t n = articles(db);
    /* through the library, for its counts: nothing to add again */
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    const char *roots[] = {fx.corpus};
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_ADDED), 0);
    gazette_update_free(u);
    assert_true(exists("%s/g2-2/iamglass", gens));
    assert_int_equal(articles(db), n);
    assert_int_equal(index_run("--full --db '%s' '%s'", db, fx.corpus), 0);
    assert_false(exists("%s/g1-1", gens));
    assert_false(exists("%s/g2-2", gens));
    assert_int_equal(count_generations(gens), 1);
    assert_int_equal(count_markers(gens), 0);
    assert_int_equal(articles(db), n);
}

/* A stub naming the shards of a generation ("auto sh.idx.d/g1-1/shard0",
 * "auto sh.idx.d/g1-1/shard1"): g1-1 is the index in use. --full deleted
 * it before building, as a generation the stub did not name, and the
 * removal guard then compared the rebuild with an empty index: one from
 * a corpus of a single file was switched in. It must be refused (69),
 * g1-1 kept; an update keeps it too. */
static void test_stub_naming_shards_of_a_generation(void **state)
{
    (void)state;
    char db[1100], gens[1200], few[1100];
    snprintf(db, sizeof db, "%s/sh.idx", fx.tmp);
    snprintf(gens, sizeof gens, "%s.d", db);
    small_corpus(few, sizeof few, "sh-few");
    two_shards(gens, "g1-1/shard0", "g1-1/shard1");
    assert_int_equal(tu_run("printf 'auto sh.idx.d/g1-1/shard0\\nauto "
                            "sh.idx.d/g1-1/shard1\\n' >'%s' && cp '%s' "
                            "'%s/sh-stub.txt'", db, db, fx.tmp), 0);
    uint64_t n = articles(db);
    assert_int_equal(index_run("--full --db '%s' '%s'", db, few), 69);
    assert_int_equal(tu_run("cmp -s '%s' '%s/sh-stub.txt'", db, fx.tmp), 0);
    assert_true(exists("%s/g1-1/shard0/iamglass", gens));
    assert_true(exists("%s/g1-1/shard1/iamglass", gens));
    assert_int_equal(count_generations(gens), 1);
    assert_int_equal(count_markers(gens), 0);
    assert_int_equal(articles(db), n);
    assert_int_equal(index_run("--db '%s' '%s'", db, fx.corpus), 0);
    assert_true(exists("%s/g1-1/shard1/iamglass", gens));
    assert_int_equal(articles(db), n);
}

/* A --db that is a symbolic link: --full would replace the link with a
 * stub and leave the index it pointed to behind, orphaned (and maybe
 * still written by a run that came through the target's own path):
 * refused, 64, link and index as they were. An incremental run writes
 * through the link, as through any path. */
static void test_db_symlink_refused(void **state)
{
    (void)state;
    char real[1100], link[1100];
    snprintf(real, sizeof real, "%s/real.idx", fx.tmp);
    snprintf(link, sizeof link, "%s/link.idx", fx.tmp);
    assert_int_equal(index_run("--db '%s' '%s'", real, fx.corpus), 0);
    uint64_t n = articles(real);
    assert_int_equal(tu_run("ln -s real.idx '%s'", link), 0);
    assert_int_equal(index_run("--full --db '%s' '%s'", link, fx.corpus), 64);
    assert_true(stderr_has("symbolic link"));
    assert_int_equal(index_run("--full --dry-run --db '%s' '%s'", link,
                               fx.corpus), 64);
    assert_int_equal(tu_run("test -L '%s'", link), 0);
    assert_false(exists("%s.d", link));
    assert_int_equal(articles(real), n);
    assert_int_equal(index_run("--db '%s' '%s'", link, fx.corpus), 0);
    assert_int_equal(index_run("--full --db '%s' '%s'", real, fx.corpus), 0);
    assert_int_equal(articles(link), n);
}

/* Prefix that runs a command as an unprivileged user, for tests that need
 * a permission to be refused: "" when we are not root; when we are (root
 * may delete anything), fx.tmp is handed to nobody and the command runs
 * as nobody through setpriv. NULL when that is impossible here (no
 * setpriv, or nobody cannot reach fx.tmp). */
static const char *unprivileged(void)
{
    if (geteuid() != 0)
        return "";
    static const char prefix[] =
        "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    if (tu_run("chown -R 65534:65534 '%s' && %s test -w '%s/c' -a -x '%s' "
               "2>/dev/null", fx.tmp, prefix, fx.tmp,
               tu_binary("indexer/gazette-index")) != 0)
        return NULL;
    return prefix;
}

/* Old generation that cannot be deleted (a directory we may not write):
 * the switch stands, with a warning and exit 0. Run unprivileged (as
 * nobody when the tests run as root, see unprivileged()). */
static void test_undeletable_old_generation_is_a_warning(void **state)
{
    (void)state;
    assert_int_equal(tu_run("rm -rf '%s' '%s.d' '%s.stub-tmp'", fx.db, fx.db,
                            fx.db), 0);
    assert_int_equal(index_run("--full --db '%s' '%s'", fx.db, fx.corpus), 0);
    uint64_t n = articles(fx.db);
    const char *as_user = unprivileged();
    if (!as_user)
        fail_msg("running as root, and cannot run gazette-index as nobody "
                 "(setpriv) on %s", fx.tmp);
    assert_int_equal(tu_run("chmod 555 \"$(sed -n 's/^auto //p' '%s' | "
                            "sed 's|^|%s/|')\"", fx.db, fx.tmp), 0);
    assert_int_equal(tu_run("%s'%s' --full --db '%s' '%s' 2>'%s/err.txt' "
                            ">/dev/null", as_user,
                            tu_binary("indexer/gazette-index"), fx.db,
                            fx.corpus, fx.tmp), 0);
    assert_true(stderr_has("warning"));
    assert_int_equal(articles(fx.db), n);
    assert_int_equal(tu_run("chmod -R u+w '%s.d'", fx.db), 0);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A child process that opens the database `path` for writing through the
 * shim (Xapian's write lock, as any program embedding Xapian takes it),
 * says so, and holds it for `seconds` (forever when negative). */
static pid_t hold_xapian_lock(const char *path, double seconds)
{
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        xap_writable *w = NULL;
        if (xap_writable_open(path, XAP_DB_OPEN, 0, &w) != XAP_OK ||
            write(ready[1], "x", 1) != 1)
            _exit(1);
        if (seconds < 0)
            pause();
        struct timespec ts = {(time_t)seconds,
                              (long)((seconds - (time_t)seconds) * 1e9)};
        nanosleep(&ts, NULL);
        xap_writable_free(w);
        _exit(0);
    }
    close(ready[1]);
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    return pid;
}

/* What the index at `db` holds (its files' names and contents, but for
 * Xapian's lock file, which every writer opening it truncates), into
 * tmp/`name`. */
static void snapshot(const char *db, const char *name)
{
    assert_int_equal(tu_run("find '%s' -type f ! -name flintlock -exec "
                            "md5sum {} + | LC_ALL=C sort >'%s/%s'", db,
                            fx.tmp, name), 0);
}

/* 1 when the index at `db` holds what snapshot() saw in tmp/`name`. */
static int same_as_snapshot(const char *db, const char *name)
{
    return tu_run("find '%s' -type f ! -name flintlock -exec md5sum {} + | "
                  "LC_ALL=C sort | cmp -s - '%s/%s'", db, fx.tmp, name) == 0;
}

/* The exit status of child `pid`. */
static int wait_exit(pid_t pid)
{
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (pid == running)
        running = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The last database of the index at `db`: its last shard when it is a
 * directory of shards (-j2), else `db` itself (one database, or the stub
 * file a --full leaves, which Xapian opens for writing too). */
static const char *last_database(const char *db)
{
    static char path[1200];
    if (exists("%s/XAPIANDB", db))
        snprintf(path, sizeof path, "%s/shard1", db);
    else
        snprintf(path, sizeof path, "%s", db);
    return path;
}

/* Another program writing the live index (Xapian's lock on one of its
 * databases, here the last shard: not only the first is looked at): a
 * --full refuses as an update does (75, one line), before building
 * anything, leaving the index as it was; with --wait-lock it waits for
 * the writer to go. It rebuilt and switched under the writer, whose later
 * commits went into the retired generation and were lost. */
static void test_refuses_a_xapian_writer(void **state)
{
    (void)state;
    char db[1100], gens[1200];
    snprintf(db, sizeof db, "%s/written", fx.tmp);
    snprintf(gens, sizeof gens, "%s.d", db);
    assert_int_equal(index_run("--db '%s' '%s'", db, fx.corpus), 0);
    uint64_t n = articles(db);
    for (int round = 0; round < 2; round++) {
        /* a directory built incrementally, then the stub of a --full */
        pid_t writer = hold_xapian_lock(last_database(db), -1);
        snapshot(db, "before.txt");
        assert_int_equal(index_run("--full --db '%s' '%s'", db, fx.corpus),
                         75);
        assert_true(stderr_has("is being written by another process "
                               "(Xapian lock held)"));
        assert_int_equal(tu_run("test $(wc -l <'%s/err.txt') -eq 1", fx.tmp),
                         0);
        assert_true(same_as_snapshot(db, "before.txt"));
        assert_int_equal(exists("%s", gens) ? count_entries(gens, "g") : 0,
                         round);
        kill(writer, SIGKILL);
        wait_exit(writer);
        assert_int_equal(articles(db), n);

        writer = hold_xapian_lock(last_database(db), 1.0);
        double t0 = now();
        assert_int_equal(index_run("--full --wait-lock 30 --db '%s' '%s'", db,
                                   fx.corpus), 0);
        assert_true(now() - t0 >= 0.5);
        assert_int_equal(wait_exit(writer), 0);
        assert_int_equal(articles(db), n);
        assert_int_equal(count_entries(gens, "g"), 1);
    }
}

/* Another program that opens the live index to write while a --full
 * runs: xapian-metadata (Xapian's own tool, a second process) setting a
 * key, at the first file built and at the first file found removed (the
 * last check before the switch). */
typedef struct writer_probe {
    char live[1200];     /* a database of the live index */
    int during_build;    /* its exit status; -1 until tried */
    int before_switch;
} writer_probe;

/* 0: it wrote; 1: Xapian's write lock stopped it; 2: it failed
 * otherwise (its output copied to stderr). */
static int foreign_write(const char *live)
{
    char err[1200];
    snprintf(err, sizeof err, "%s/foreign.txt", fx.tmp);
    if (tu_run("xapian-metadata set '%s' foreign-writer was-here "
               ">'%s' 2>&1", live, err) == 0)
        return 0;
    if (tu_run("grep -q 'DatabaseLockError' '%s'", err) == 0)
        return 1;
    tu_run("cat '%s' >&2", err);
    return 2;
}

static void probe_writer(const gazette_update_t *u, gazette_event_t event,
                         const char *path, const char *message, void *ctx)
{
    (void)u;
    (void)path;
    (void)message;
    writer_probe *p = ctx;
    if (event == GAZETTE_EVENT_ADDED && p->during_build < 0)
        p->during_build = foreign_write(p->live);
    if (event == GAZETTE_EVENT_REMOVED && p->before_switch < 0)
        p->before_switch = foreign_write(p->live);
}

/* A --full holds Xapian's lock on every database of the live index from
 * before it builds until the switch: another program cannot start writing
 * meanwhile (it could, and what it wrote went with the old generation);
 * once switched, it writes the new index. */
static void test_holds_xapian_locks_to_the_switch(void **state)
{
    (void)state;
    char db[1100];
    snprintf(db, sizeof db, "%s/probed", fx.tmp);
    assert_int_equal(index_run("--db '%s' '%s'", db, fx.corpus), 0);
    const char *moved = "world/2023-11-09-rafah-aid-convoys.txt";
    assert_int_equal(tu_run("mv '%s/%s' '%s/moved.txt'", fx.corpus, moved,
                            fx.tmp), 0);
    writer_probe p = {.during_build = -1, .before_switch = -1};
    snprintf(p.live, sizeof p.live, "%s", last_database(db));
    const char *jobs = tu_test_jobs();
    gazette_update_t *u = NULL;
    assert_int_equal(gazette_update_new(&u), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_full(u, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_jobs(u, jobs ? (unsigned)atoi(jobs)
                                                     : 0),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_set_callback(u, probe_writer, &p),
                     GAZETTE_STATUS_OK);
    const char *roots[] = {fx.corpus};
    assert_int_equal(gazette_update_run(u, db, roots, 1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_update_count(u, GAZETTE_COUNT_REMOVED), 1);
    gazette_update_free(u);
    assert_int_equal(tu_run("mv '%s/moved.txt' '%s/%s'", fx.tmp, fx.corpus,
                            moved), 0);
    assert_int_equal(p.during_build, 1);    /* refused: locked */
    assert_int_equal(p.before_switch, 1);
    assert_int_equal(foreign_write(db), 0);      /* the new generation */
}

extern char **environ;

/* Our environment with pause_writing.so preloaded to stop a run at the
 * `pause_at`-th event that `pause_var` counts (PAUSE_AT_DOCUMENT: a
 * document written; PAUSE_AT_READ: one read; PAUSE_AT_VALUES: a value
 * stream opened): the strings are static, the array too. */
static char **pausing_environment(const char *pause_var, unsigned pause_at)
{
    static char preload[4096], at[64], asan[4096], report[1200];
    static char *env[1024];
    const char *old = getenv("LD_PRELOAD");
    const char *asan_old = getenv("ASAN_OPTIONS");
    int n1 = snprintf(preload, sizeof preload, "LD_PRELOAD=%s%s%s",
                      PAUSE_WRITING_MODULE, old && *old ? " " : "",
                      old ? old : "");
    snprintf(at, sizeof at, "%s=%u", pause_var, pause_at);
    snprintf(report, sizeof report, "PAUSE_WRITTEN_FILE=%s/written.txt",
             fx.tmp);
    /* ASan's runtime is then not the first library loaded: allowed, as
     * test_faults.c allows it for fail_open.so */
    int n2 = snprintf(asan, sizeof asan,
                      "ASAN_OPTIONS=%s%sverify_asan_link_order=0",
                      asan_old ? asan_old : "",
                      asan_old && *asan_old ? ":" : "");
    assert_true(n1 > 0 && (size_t)n1 < sizeof preload);
    assert_true(n2 > 0 && (size_t)n2 < sizeof asan);
    size_t n = 0;
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, "LD_PRELOAD=", 11) == 0 ||
            strncmp(*e, "PAUSE_", 6) == 0 ||   /* pause_writing.c's */
            strncmp(*e, "ASAN_OPTIONS=", 13) == 0)
            continue;
        assert_true(n < sizeof env / sizeof *env - 5);
        env[n++] = *e;
    }
    env[n++] = preload;
    env[n++] = at;
    env[n++] = report;
    env[n++] = asan;
    env[n] = NULL;
    return env;
}

/* tu_spawn_env of `program`, its stderr to tmp/err.txt; its pid, also in
 * `running`. */
static pid_t spawn(const char *program, char *const argv[], char *const env[],
                   const char *out)
{
    running = tu_spawn_env(program, (const char *const *)argv, env, out,
                           tu_path_in(fx.tmp, "err.txt"));
    return running;
}

/* Start gazette-index --db `db` `corpus` (at the test's -j; with `full`
 * --full, with `dry` --dry-run, its standard output then in tmp/out.txt)
 * in the background, stderr to tmp/err.txt, stopping itself at the
 * `pause_at`-th event `pause_var` counts (pausing_environment); its pid. */
static pid_t start_paused(const char *db, const char *corpus,
                          const char *pause_var, unsigned pause_at, int dry,
                          int full)
{
    char out[1200], jobs[32] = "-j0";
    snprintf(out, sizeof out, "%s", dry ? tu_path_in(fx.tmp, "out.txt")
                                        : "/dev/null");
    if (tu_test_jobs())
        snprintf(jobs, sizeof jobs, "-j%s", tu_test_jobs());
    const char *program = tu_binary("indexer/gazette-index");
    char *argv[8];
    int n = 0;
    argv[n++] = "gazette-index";
    argv[n++] = jobs;
    if (full)
        argv[n++] = "--full";
    argv[n++] = "--db";
    argv[n++] = (char *)db;
    argv[n++] = (char *)corpus;
    if (dry)
        argv[n++] = "--dry-run";
    argv[n] = NULL;
    char **env = pausing_environment(pause_var, pause_at);
    unlink(tu_path_in(fx.tmp, "written.txt"));
    return spawn(program, argv, env, out);
}

/* Start gazette-index --full --db `db` `corpus` (at the test's -j) in the
 * background, stderr to tmp/err.txt; its pid. The run stops itself
 * (SIGSTOP) just before it writes its `pause_at`-th document to the
 * build (pause_writing.c): wait_paused() waits for that moment, at which
 * the test acts, however slow the machine. When it exits, it leaves the
 * number of documents it wrote in tmp/written.txt (documents_written).
 * With `dry`, a --dry-run that stops before its `pause_at`-th document
 * read (it writes none), its standard output in tmp/out.txt. */
static pid_t start_run(const char *db, const char *corpus, unsigned pause_at,
                       int dry)
{
    return start_paused(db, corpus, dry ? "PAUSE_AT_READ"
                                        : "PAUSE_AT_DOCUMENT",
                        pause_at, dry, 1);
}

static pid_t start_full(const char *db, const char *corpus,
                        unsigned pause_at)
{
    return start_run(db, corpus, pause_at, 0);
}

/* Wait until run `pid` of start_full() has stopped itself before its
 * `pause_at`-th document. A run that ends first (it failed, was killed,
 * or wrote fewer documents) fails the test, with its stderr; no deadline
 * otherwise (a run that hangs meets ctest's timeout). */
static void wait_paused(pid_t pid, unsigned pause_at)
{
    int status = 0;
    assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
    if (WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP)
        return;
    if (!WIFSTOPPED(status))
        running = 0;
    tu_run("cat '%s/err.txt' >&2", fx.tmp);
    fail_msg("gazette-index %s %d before its document %u (its stderr above)",
             WIFEXITED(status)     ? "exited"
             : WIFSIGNALED(status) ? "was killed by signal"
                                   : "was stopped by signal",
             WIFEXITED(status)     ? WEXITSTATUS(status)
             : WIFSIGNALED(status) ? WTERMSIG(status)
                                   : WSTOPSIG(status),
             pause_at);
}

/* The documents the last run of start_full() wrote, as it said when it
 * exited; -1 when it did not say. */
static long documents_written(void)
{
    long n = -1;
    FILE *f = fopen(tu_path_in(fx.tmp, "written.txt"), "r");
    if (f && fscanf(f, "%ld", &n) != 1)
        n = -1;
    if (f)
        fclose(f);
    return n;
}

/* Teardown: kill (and reap) the run start_full() started when the test
 * failed before waiting for it, rather than leave it stopped or writing
 * in the scratch directory. */
static int stop_running(void **state)
{
    (void)state;
    if (running > 0) {
        kill(running, SIGKILL);
        waitpid(running, NULL, 0);
        running = 0;
    }
    return 0;
}

/* index_run without --quiet, whose warnings are then in tmp/err.txt
 * (stdout dropped). */
static int index_run_said(const char *fmt, ...)
{
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return index_run_with("", ">/dev/null", args);
}

/* A generation still marked as being built is a --full that died before
 * its switch (killed, out of memory, the machine stopped): the run that
 * deletes it says so in one line, a note (GAZETTE_EVENT_NOTE; it was a
 * warning, though nothing is wrong) that changes no exit status and
 * that --quiet leaves out,
 * a --full and an update alike; a generation retired by a switch (the
 * rebuild was done) is deleted without a word, and a run that finds
 * none says nothing. They were deleted in silence, and an admin never
 * learnt that a nightly rebuild had died. */
static void test_killed_build_is_said(void **state)
{
    (void)state;
    char gens[1100], line[2600];
    snprintf(gens, sizeof gens, "%s.d", fx.db);
    assert_int_equal(index_run("--full --db '%s' '%s'", fx.db, fx.corpus), 0);
    fake_killed_run(gens, "g1700000000000000001-4242", "building");
    fake_killed_run(gens, "g1700000000000000002-4243", "retired");
    assert_int_equal(index_run_said("--full --db '%s' '%s'", fx.db,
                                    fx.corpus), 0);
    snprintf(line, sizeof line, "note: %s: deleted %s/"
             "g1700000000000000001-4242, the unfinished build of "
             "gazette-index --full, which stopped before its switch "
             "(killed?)", fx.db, gens);
    assert_true(stderr_has(line));
    assert_false(stderr_has("4243"));
    fake_killed_run(gens, "g1700000000000000003-4244", "building");
    fake_killed_run(gens, "g1700000000000000004-4245", "building");
    assert_int_equal(index_run_said("--db '%s' '%s'", fx.db, fx.corpus), 0);
    snprintf(line, sizeof line, "note: %s: deleted 2 unfinished builds "
             "(%s/g170000000000000000", fx.db, gens);
    assert_true(stderr_has(line));
    assert_false(stderr_has("warning"));
    assert_true(stderr_has("and others) of runs with --full that stopped "
                           "before their switch (killed?)"));
    assert_int_equal(count_markers(gens), 0);
    assert_int_equal(index_run_said("--db '%s' '%s'", fx.db, fx.corpus), 0);
    assert_false(stderr_has("deleted"));
    /* --quiet: errors only */
    fake_killed_run(gens, "g1700000000000000005-4246", "building");
    assert_int_equal(index_run("--db '%s' '%s'", fx.db, fx.corpus), 0);
    assert_false(stderr_has("deleted"));
    assert_int_equal(count_markers(gens), 0);
}

/* The note of a deleted build quotes the index's path whole, however
 * long: it was formatted into 600 bytes, and an index below a deep
 * folder had its note cut before "(killed?)". */
static void test_killed_build_of_a_long_path_is_said(void **state)
{
    (void)state;
    static const char text[] = "Harbour\n\nThe harbour reopened.\n";
    char deep[1100], db[1200], gens[1300], line[3000];
    int n = snprintf(deep, sizeof deep, "%s/deep", fx.tmp);
    /* 4 names of 200 bytes; a TMPDIR too long for them fails here, where
     * the next name was written past the end of `deep` */
    for (int level = 0; level < 4 && n < (int)sizeof deep; level++)
        n += snprintf(deep + n, sizeof deep - (size_t)n, "/%0200d", level);
    assert_in_range(n, 1, sizeof deep - 1);
    snprintf(db, sizeof db, "%s/idx", deep);
    snprintf(gens, sizeof gens, "%s.d", db);
    tu_write_file(deep, "corpus/a.txt", text, sizeof text - 1);
    fake_killed_run(gens, "g1700000000000000001-4242", "building");
    /* the first run, which makes the index, sweeps DB.d too: one run */
    assert_int_equal(index_run_said("--db '%s' '%s/corpus'", db, deep), 0);
    snprintf(line, sizeof line, "note: %s: deleted %s/"
             "g1700000000000000001-4242, the unfinished build of "
             "gazette-index --full, which stopped before its switch "
             "(killed?)", db, gens);
    assert_true(stderr_has(line));
}

/* SIGKILL a --full mid-build (stopped before its 100th article, in its
 * generation): the run leaves the generation, with its building marker,
 * beside the live one; the next update deletes both and keeps the live
 * generation. */
static void test_update_clears_a_killed_full(void **state)
{
    (void)state;
    char corpus[1100], db[1100], gens[1200], live[1400];
    snprintf(corpus, sizeof corpus, "%s/generated", fx.tmp);
    snprintf(db, sizeof db, "%s/gen.idx", fx.tmp);
    snprintf(gens, sizeof gens, "%s.d", db);
    gen_options o = gen_default_options(17, 1500);
    gen_corpus_free(gen_corpus_create(corpus, &o));
    assert_int_equal(index_run("--full --db '%s' '%s'", db, fx.corpus), 0);
    uint64_t n = articles(db);
    FILE *f = fopen(db, "r");
    assert_non_null(f);
    assert_non_null(fgets(live, sizeof live, f));   /* auto gen.idx.d/g... */
    fclose(f);
    live[strcspn(live, "\n")] = '\0';
    pid_t pid = start_full(db, corpus, 100);
    wait_paused(pid, 100);
    kill(pid, SIGKILL);
    assert_int_equal(wait_exit(pid), 128 + SIGKILL);
    assert_int_equal(count_generations(gens), 2);
    assert_int_equal(count_g(gens, ".building"), 1);
    assert_int_equal(index_run("--db '%s' '%s'", db, fx.corpus), 0);
    assert_int_equal(count_generations(gens), 1);
    assert_int_equal(count_markers(gens), 0);
    assert_true(exists("%s/%s", fx.tmp, live + 5));
    assert_int_equal(articles(db), n);
}

/* SIGINT while --full copies the articles of a file it cannot read from
 * the index it replaces: the run stops (130), the index is as it was and
 * no generation is left. The copying never looked: the stop was lost and
 * the rebuild switched in (exit 1). The file (2 000 articles of a JSON
 * Lines file, then replaced by a broken symlink) is copied after the
 * walk has written a.txt (one article); the run is stopped before its
 * 1 000th document, the 999th it copies, and the signal sent then: the
 * copy stops there, not at the end of the file (a file of a million
 * articles). */
static void test_stop_while_copying(void **state)
{
    (void)state;
    char corpus[1100], db[1100], gens[1200];
    snprintf(corpus, sizeof corpus, "%s/copied", fx.tmp);
    snprintf(db, sizeof db, "%s/copied-idx", fx.tmp);
    snprintf(gens, sizeof gens, "%s.d", db);
    static const char small[] = "Small\n\nA small article.\n";
    tu_write_file(corpus, "a.txt", small, sizeof small - 1);
    char big[1200];
    snprintf(big, sizeof big, "%s/big.jsonl", corpus);
    FILE *f = fopen(big, "w");
    assert_non_null(f);
    for (int i = 0; i < 2000; i++)
        fprintf(f, "{\"id\":\"%d\",\"title\":\"Item %d\",\"body\":"
                   "\"word%d alpha beta\"}\n", i, i, i);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(index_run("--db '%s' '%s'", db, corpus), 0);
    uint64_t n = articles(db);
    assert_int_equal(n, 2001);
    assert_int_equal(tu_run("mv '%s/big.jsonl' '%s/big.jsonl' && ln -s "
                            "nowhere '%s/big.jsonl'", corpus, fx.tmp, corpus),
                     0);
    snapshot(db, "before.txt");
    pid_t pid = start_full(db, corpus, 1000);
    wait_paused(pid, 1000);
    assert_true(stderr_has("broken symlink"));   /* the walk is over */
    kill(pid, SIGINT);    /* handled once continued */
    kill(pid, SIGCONT);
    assert_int_equal(wait_exit(pid), 130);
    /* at once: not the other 1 000 articles copied, then thrown away */
    long written = documents_written();
    assert_true(written >= 1000 && written < 2001);
    assert_true(stderr_has("the index is as it was"));
    assert_true(same_as_snapshot(db, "before.txt"));
    assert_int_equal(exists("%s", gens) ? count_entries(gens, "g") : 0, 0);
    assert_int_equal(articles(db), n);
}

/* SIGINT, SIGTERM or SIGHUP in the middle of the first --full of a new
 * index (stopped before its 5th document): the build is deleted and
 * nothing is left (no DB, no DB.d; DB.lock, the lock file, may stay,
 * unchecked). It said "the index is as it was" of an index that never
 * was; SIGHUP killed the run (129 from the kernel) with no word. */
static void test_stop_first_full_makes_nothing(void **state)
{
    (void)state;
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        char db[1100], said[1300];
        snprintf(db, sizeof db, "%s/first-%d", fx.tmp, sigs[i]);
        pid_t pid = start_full(db, fx.corpus, 5);
        wait_paused(pid, 5);
        kill(pid, sigs[i]);    /* handled once continued */
        kill(pid, SIGCONT);
        assert_int_equal(wait_exit(pid), 128 + sigs[i]);
        assert_true(documents_written() >= 4);   /* stopped mid-build */
        snprintf(said, sizeof said, "gazette-index: stopped by signal %d; "
                 "the unfinished --full build was deleted, and no index "
                 "was made (there was none before)", sigs[i]);
        assert_true(stderr_has(said));
        assert_false(stderr_has("as it was"));
        assert_false(exists("%s", db));
        assert_false(exists("%s.d", db));
    }
}

/* A run started with SIGHUP ignored, as nohup starts it, is not stopped
 * by a SIGHUP: the --full goes on to its end and switches its build in,
 * every article there. */
static void test_hangup_ignored_under_nohup(void **state)
{
    (void)state;
    char db[1100], ref[1100];
    snprintf(db, sizeof db, "%s/nohup", fx.tmp);
    snprintf(ref, sizeof ref, "%s/nohup-ref", fx.tmp);
    assert_int_equal(index_run("--db '%s' '%s'", ref, fx.corpus), 0);
    signal(SIGHUP, SIG_IGN);   /* inherited through fork and exec */
    pid_t pid = start_full(db, fx.corpus, 5);
    signal(SIGHUP, SIG_DFL);
    wait_paused(pid, 5);
    kill(pid, SIGHUP);
    kill(pid, SIGCONT);
    assert_int_equal(wait_exit(pid), 0);
    assert_false(stderr_has("stopped by signal"));
    assert_int_equal(articles(db), articles(ref));
}

/* Run gazette-index (at the test's -j; with `mode`, e.g. --full) into `db`
 * from `corpus` with signal `sig` already pending as it starts: blocked
 * and raised in the child before exec, which keeps both, and delivered
 * once the program unblocks it, its handler in place. A stop before the
 * run starts, however fast or slow the machine. stdout to tmp/out.txt,
 * stderr to tmp/err.txt; the exit status. */
static int run_signalled_before_start(int sig, const char *db,
                                      const char *corpus, const char *mode)
{
    char jobs[32] = "-j0";
    if (tu_test_jobs())
        snprintf(jobs, sizeof jobs, "-j%s", tu_test_jobs());
    char *const argv[] = {"gazette-index", jobs, "--db", (char *)db,
                          (char *)corpus, (char *)mode, NULL};
    const char *program = tu_binary("indexer/gazette-index");
    char out[1200], err[1200];
    snprintf(out, sizeof out, "%s", tu_path_in(fx.tmp, "out.txt"));
    snprintf(err, sizeof err, "%s", tu_path_in(fx.tmp, "err.txt"));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, sig);
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0 ||
            sigprocmask(SIG_BLOCK, &only, NULL) != 0 || raise(sig) != 0)
            _exit(127);
        execv(program, argv);
        _exit(127);
    }
    return wait_exit(pid);
}

/* SIGTERM before the run starts, where no index is yet, with --full or
 * without: exit 143, nothing made (no index, lock file or DB.d), no
 * summary of a run that did not start, and the message says so. It said
 * "after committing the files done" (of --full, "the index is as it
 * was"); and a SIGTERM the parent left blocked never stopped the run. */
static void test_signal_before_start_makes_nothing(void **state)
{
    (void)state;
    for (int full = 0; full <= 1; full++) {
        char db[1100], said[1300];
        snprintf(db, sizeof db, "%s/unstarted-%d", fx.tmp, full);
        int rc = run_signalled_before_start(SIGTERM, db, fx.corpus,
                                            full ? "--full" : NULL);
        if (rc != 128 + SIGTERM)
            fail_msg("--full %d: exit %d", full, rc);
        snprintf(said, sizeof said, "gazette-index: stopped by signal 15 "
                 "before starting; nothing was made (no index is at %s "
                 "yet)", db);
        assert_true(stderr_has(said));
        assert_false(stderr_has("committing"));
        assert_false(stderr_has("as it was"));
        assert_int_equal(tu_run("test -s '%s/out.txt'", fx.tmp), 1);
        assert_false(exists("%s", db));
        assert_false(exists("%s.lock", db));
        assert_false(exists("%s.d", db));
    }
    /* A dry run stopped so commits nothing either, and says it: it said
     * "after committing the files done". */
    char db[1100];
    snprintf(db, sizeof db, "%s/unstarted-dry", fx.tmp);
    assert_int_equal(run_signalled_before_start(SIGTERM, db, fx.corpus,
                                                "--dry-run"),
                     128 + SIGTERM);
    assert_true(stderr_has("gazette-index: stopped by signal 15; a dry run "
                           "changes nothing"));
    assert_false(stderr_has("committing"));
    assert_false(exists("%s", db));
}

/* 1 when gazette-query finds `word` in the index at `db`. */
static int finds(const char *db, const char *word)
{
    return tu_run("'%s' --db '%s' --format paths '%s' | grep -q .",
                  tu_binary("query/cli/gazette-query"), db, word) == 0;
}

/* SIGTERM before the run starts, on an existing index, to update it, with
 * --full and with --dry-run: exit 143 and the index as it was, byte for
 * byte (its articles, a word still found; a file added to the corpus not
 * indexed). The update and --full print no summary, as a run stopped
 * before it started where no index was yet, and say "before starting;
 * the index is as it was"; they said "after committing the files done"
 * (--full: "the unfinished --full build was deleted") of a run that
 * never began, with a summary of zeros. A dry run says what it said. */
static void test_signal_before_start_leaves_the_index(void **state)
{
    (void)state;
    char corpus[1100], db[1100];
    snprintf(corpus, sizeof corpus, "%s/late", fx.tmp);
    snprintf(db, sizeof db, "%s/late-idx", fx.tmp);
    assert_int_equal(tu_run("cp -r '%s' '%s'", fx.corpus, corpus), 0);
    assert_int_equal(index_run("--db '%s' '%s'", db, corpus), 0);
    uint64_t n = articles(db);
    assert_true(finds(db, "hezbollah"));
    snapshot(db, "late-before.txt");
    static const char late[] = "Quayside\n\nThe zarquon ferry docked.\n";
    tu_write_file(corpus, "world/late.txt", late, sizeof late - 1);
    static const char *const modes[] = {NULL, "--full", "--dry-run"};
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        const char *mode = modes[m] ? modes[m] : "update";
        int rc = run_signalled_before_start(SIGTERM, db, corpus, modes[m]);
        if (rc != 128 + SIGTERM)
            fail_msg("%s: exit %d", mode, rc);
        const char *said = m == 2 ? "gazette-index: stopped by signal 15; "
                                    "a dry run changes nothing"
                                  : "gazette-index: stopped by signal 15 "
                                    "before starting; the index is as it "
                                    "was";
        if (!stderr_has(said))
            fail_msg("%s: stderr lacks \"%s\"", mode, said);
        assert_false(stderr_has("committing"));
        assert_false(stderr_has("deleted"));
        assert_false(stderr_has("nothing was made"));
        if (m < 2 && tu_run("test -s '%s/out.txt'", fx.tmp) != 1)
            fail_msg("%s: a summary of a run that did not start", mode);
        if (!same_as_snapshot(db, "late-before.txt"))
            fail_msg("%s: the index changed", mode);
        assert_int_equal(articles(db), n);
        assert_true(finds(db, "hezbollah"));
        assert_false(finds(db, "zarquon"));
    }
    assert_false(exists("%s.d", db));   /* no --full build was begun */
    /* the file is there to index: a run that starts indexes it */
    assert_int_equal(index_run("--db '%s' '%s'", db, corpus), 0);
    assert_true(finds(db, "zarquon"));
    assert_int_equal(articles(db), n + 1);
}

/* SIGTERM before an update starts, its --db something that is no index:
 * a directory of other files, a file, a link to nothing, a loop of links
 * (and one on the way): refused as a run not stopped refuses it (64, 66,
 * the same line), nothing written (no lock file, the file as it was).
 * It exited 143 saying "before starting; the index is as it was", of an
 * index that is not there. */
static void test_signal_before_start_on_no_index_refuses(void **state)
{
    (void)state;
    char dir[1100], db[1200];
    snprintf(dir, sizeof dir, "%s/noindex", fx.tmp);
    assert_int_equal(tu_run("mkdir -p '%s/docs' && echo precious > "
                            "'%s/docs/thesis.txt' && echo plain > '%s/file' "
                            "&& ln -s nowhere '%s/dangling' && "
                            "ln -s self/x '%s/self'", dir, dir, dir, dir,
                            dir), 0);
    static const struct {
        const char *db;
        int rc;
        const char *said;
    } cases[] = {
        {"docs", 64, "it exists and is not a Xapian index"},
        {"file", 64, "it exists and is not a Xapian index"},
        {"dangling", 66, "a symbolic link to nowhere, which does not exist"},
        {"self", 66, "which passes through itself"},
        {"self/idx", 66, "on the way to it, is a symbolic link to self/x"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(db, sizeof db, "%s/%s", dir, cases[i].db);
        int rc = run_signalled_before_start(SIGTERM, db, fx.corpus, NULL);
        if (rc != cases[i].rc || !stderr_has(cases[i].said) ||
            stderr_has("as it was")) {
            tu_run("cat '%s/err.txt' >&2", fx.tmp);
            fail_msg("%s: exit %d, not %d; its stderr above", cases[i].db,
                     rc, cases[i].rc);
        }
        assert_int_equal(tu_run("test -s '%s/out.txt'", fx.tmp), 1);
        assert_false(exists("%s.lock", db));
    }
    assert_int_equal(tu_run("grep -qx precious '%s/docs/thesis.txt' && "
                            "grep -qx plain '%s/file' && "
                            "test \"$(ls -A '%s/docs')\" = thesis.txt",
                            dir, dir, dir), 0);
}

/* A child process holding the lock file `db`.lock (flock, as a writer
 * does, its pid in the file) until it is killed; its pid. */
static pid_t hold_lock_file(const char *db)
{
    char path[1200];
    snprintf(path, sizeof path, "%s.lock", db);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0 || flock(fd, LOCK_EX) != 0 || ftruncate(fd, 0) != 0 ||
            dprintf(fd, "%ld\n", (long)getpid()) < 0 ||
            write(ready[1], "x", 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(ready[1]);
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    return pid;
}

/* The lock holder of the test running, killed by stop_holder_and_run
 * when the test fails before it does (0: none). */
static pid_t holding;

/* Teardown: kill (and reap) the lock holder and the run the test left. */
static int stop_holder_and_run(void **state)
{
    if (holding > 0) {
        kill(holding, SIGKILL);
        waitpid(holding, NULL, 0);
        holding = 0;
    }
    return stop_running(state);
}

/* Run gazette-index --wait-lock 60 (and `mode`, or NULL) on `db` from
 * `corpus`, whose lock another process holds, its stdout to tmp/out.txt
 * and stderr to tmp/err.txt; once it is waiting for the lock, send it
 * `sig`. Its exit status. It waits when it has opened the lock file
 * (inotify), which nothing opens before the run starts (a run stopped
 * before then says "before starting"); no deadline but ctest's, and a
 * run that exits instead fails the test with its stderr. */
static int stop_while_waiting(int sig, const char *db, const char *corpus,
                              const char *mode)
{
    char lock[1200], jobs[32] = "-j0";
    snprintf(lock, sizeof lock, "%s.lock", db);
    if (tu_test_jobs())
        snprintf(jobs, sizeof jobs, "-j%s", tu_test_jobs());
    int watch = inotify_init1(IN_CLOEXEC);
    assert_true(watch >= 0);
    assert_true(inotify_add_watch(watch, lock, IN_OPEN) >= 0);
    char *const argv[] = {"gazette-index", jobs, "--wait-lock", "60",
                          "--db", (char *)db, (char *)corpus,
                          (char *)mode, NULL};
    char out[1200], err[1200];
    snprintf(out, sizeof out, "%s", tu_path_in(fx.tmp, "out.txt"));
    snprintf(err, sizeof err, "%s", tu_path_in(fx.tmp, "err.txt"));
    const char *program = tu_binary("indexer/gazette-index");
    pid_t pid = tu_spawn(program, (const char *const *)argv, out, err);
    running = pid;
    struct pollfd p = {.fd = watch, .events = POLLIN};
    while (poll(&p, 1, 100) == 0)
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            running = 0;
            tu_run("cat '%s' >&2", err);
            fail_msg("gazette-index ended before it waited for the lock "
                     "(its stderr above)");
        }
    close(watch);
    assert_int_equal(kill(pid, sig), 0);
    return wait_exit(pid);
}

/* SIGTERM or SIGINT while gazette-index --wait-lock waits for the lock of
 * an existing index that another process holds, updating it (SIGTERM)
 * or rebuilding it with --full (SIGINT): exit 128+N, no summary (the run
 * did nothing, as one stopped before it started), one line naming the
 * holder and saying nothing was written, the index as it was byte for
 * byte (a file added to the corpus not indexed; no --full generation).
 * It said "stopped by signal 15 after committing the files done" (of
 * --full, "the unfinished --full build was deleted, the index is as it
 * was") after a summary of zeros. A dry run takes no lock: with the lock
 * held it does not wait, and says what it found. Another program holding
 * Xapian's lock is named as such. */
static void test_signal_while_waiting_for_the_lock(void **state)
{
    (void)state;
    char corpus[1100], db[1100], said[1500];
    snprintf(corpus, sizeof corpus, "%s/waiting", fx.tmp);
    snprintf(db, sizeof db, "%s/waiting-idx", fx.tmp);
    assert_int_equal(tu_run("cp -r '%s' '%s'", fx.corpus, corpus), 0);
    assert_int_equal(index_run("--db '%s' '%s'", db, corpus), 0);
    uint64_t n = articles(db);
    snapshot(db, "waiting-before.txt");
    static const char late[] = "Quayside\n\nThe zarquon ferry docked.\n";
    tu_write_file(corpus, "world/late.txt", late, sizeof late - 1);
    holding = hold_lock_file(db);
    for (int full = 0; full <= 1; full++) {
        int sig = full ? SIGINT : SIGTERM;
        int rc = stop_while_waiting(sig, db, corpus, full ? "--full" : NULL);
        if (rc != 128 + sig)
            fail_msg("--full %d: exit %d", full, rc);
        snprintf(said, sizeof said, "gazette-index: stopped by signal %d "
                 "while waiting for the index's lock (lock %s.lock held by "
                 "process %ld); nothing was written", sig, db,
                 (long)holding);
        if (!tu_file_holds(fx.tmp, "err.txt", said))
            fail_msg("--full %d: stderr lacks \"%s\"", full, said);
        assert_int_equal(tu_run("test $(wc -l <'%s/err.txt') -eq 1", fx.tmp),
                         0);
        if (tu_run("test -s '%s/out.txt'", fx.tmp) != 1)
            fail_msg("--full %d: a summary of a run that did nothing", full);
        if (!same_as_snapshot(db, "waiting-before.txt"))
            fail_msg("--full %d: the index changed", full);
        assert_false(finds(db, "zarquon"));
    }
    /* The index was made by an update: no DB.d, and the --full that never
     * got the lock made none (it made one, empty, before it waited). */
    assert_false(exists("%s.d", db));

    const char *jobs = tu_test_jobs();
    double t0 = now();
    assert_int_equal(tu_run("'%s' %s%s --wait-lock 60 --dry-run --db '%s' "
                            "'%s' >'%s/out.txt' 2>'%s/err.txt'",
                            tu_binary("indexer/gazette-index"),
                            jobs ? "-j" : "", jobs ? jobs : "", db, corpus,
                            fx.tmp, fx.tmp), 0);
    assert_true(now() - t0 < 30);
    assert_int_equal(tu_run("grep -q 'scanned .*, added 1,' '%s/out.txt'",
                            fx.tmp), 0);

    kill(holding, SIGKILL);
    wait_exit(holding);

    /* another program writing the index: Xapian's lock is the holder */
    holding = hold_xapian_lock(last_database(db), -1);
    assert_int_equal(stop_while_waiting(SIGTERM, db, corpus, NULL),
                     128 + SIGTERM);
    assert_true(tu_file_holds(fx.tmp, "err.txt",
                              "gazette-index: stopped by signal 15 while "
                              "waiting for the index's lock (Xapian lock "
                              "held); nothing was written"));
    assert_int_equal(tu_run("test -s '%s/out.txt'", fx.tmp), 1);
    assert_true(same_as_snapshot(db, "waiting-before.txt"));
    kill(holding, SIGKILL);
    wait_exit(holding);
    holding = 0;
    assert_int_equal(articles(db), n);
    assert_int_equal(index_run("--db '%s' '%s'", db, corpus), 0);
    assert_true(finds(db, "zarquon"));
    assert_int_equal(articles(db), n + 1);
}

/* 1 when the lock file `path` is the one stat'd into `was`, untouched
 * (same inode, mode, size and time of change), and holds "<pid>\n". */
static int lock_file_as_held(const char *path, const struct stat *was,
                             pid_t pid)
{
    struct stat sb;
    char buf[64], want[64];
    FILE *f = fopen(path, "r");
    if (!f || stat(path, &sb) != 0) {
        if (f)
            fclose(f);
        return 0;
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    snprintf(want, sizeof want, "%ld\n", (long)pid);
    return sb.st_ino == was->st_ino && sb.st_mode == was->st_mode &&
           sb.st_size == was->st_size &&
           sb.st_ctim.tv_sec == was->st_ctim.tv_sec &&
           sb.st_ctim.tv_nsec == was->st_ctim.tv_nsec &&
           strcmp(buf, want) == 0;
}

/* A first --full of a new index whose lock file another process holds:
 * one that does not get the lock (75 at once; 75 once --wait-lock 0.5
 * ran out) or that SIGTERM stops while it waits (143) leaves no DB and
 * no DB.d, and the lock file as the holder has it. It made DB.d before
 * it took the lock and left it there, empty: DB.d is made only once the
 * lock is held (removing it without the lock could race with the
 * holder's own --full, about to build in it). */
static void test_first_full_without_the_lock_makes_nothing(void **state)
{
    (void)state;
    char db[1100], lock[1200];
    snprintf(db, sizeof db, "%s/unlocked-idx", fx.tmp);
    snprintf(lock, sizeof lock, "%s.lock", db);
    holding = hold_lock_file(db);
    struct stat was;
    assert_int_equal(stat(lock, &was), 0);
    for (int way = 0; way < 3; way++) {
        double t0 = now();
        int rc = way == 2 ? stop_while_waiting(SIGTERM, db, fx.corpus,
                                               "--full")
                          : index_run("--full %s--db '%s' '%s'",
                                      way ? "--wait-lock 0.5 " : "", db,
                                      fx.corpus);
        if (rc != (way == 2 ? 128 + SIGTERM : 75))
            fail_msg("way %d: exit %d", way, rc);
        if (way == 1 && now() - t0 < 0.5)
            fail_msg("--wait-lock 0.5 gave up after %.3f s", now() - t0);
        if (exists("%s.d", db))
            fail_msg("way %d: left %s.d", way, db);
        if (exists("%s", db))
            fail_msg("way %d: left %s", way, db);
        if (!lock_file_as_held(lock, &was, holding))
            fail_msg("way %d: the held lock file changed", way);
    }
    kill(holding, SIGKILL);
    wait_exit(holding);
    holding = 0;
}

/* The races of a dry run with a writer below write 1 500 articles
 * several times each (10 to 30 s of CPU apiece under AddressSanitizer):
 * the sanitizer pass runs them at -j2 only, where the dry run reads
 * through the stub and its shards as well, and the plain pass at both. */
static void skip_j1_under_sanitizer(void)
{
#if defined(__SANITIZE_ADDRESS__)
    const char *jobs = tu_test_jobs();
    if (jobs && strcmp(jobs, "1") == 0) {
        printf("SKIP: run at -j2 in a sanitizer build\n");
        skip();
    }
#endif
}

/* Put `n` articles of no file (desk/`from` ...) through the writer `w`,
 * version `round` of each, committing every `per_commit`. */
static void put_desk_from(gazette_writer_t *w, int from, int n, int round,
                          int per_commit)
{
    for (int i = 0; i < n; i++) {
        char id[32], body[160];
        snprintf(id, sizeof id, "desk/%d", from + i);
        snprintf(body, sizeof body, "Round%d note%d: the harbour%d was "
                 "dredged%d and the quay%d rebuilt.", round, i, i % 97,
                 i % 89, i % 83);
        gazette_article_t *a = NULL;
        assert_int_equal(gazette_article_new(&a), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_ID, id),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_TITLE, body),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_BODY, body),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_writer_put(w, a), GAZETTE_STATUS_OK);
        gazette_article_free(a);
        if ((i + 1) % per_commit == 0)
            assert_int_equal(gazette_writer_commit(w), GAZETTE_STATUS_OK);
    }
}

/* put_desk_from desk/0 on. */
static void put_desk_articles(gazette_writer_t *w, int n, int round,
                              int per_commit)
{
    put_desk_from(w, 0, n, round, per_commit);
}

/* put_desk_articles into `db`, through a writer of its own. */
static void write_desk_articles(const char *db, int n, int round,
                                int per_commit)
{
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put_desk_articles(w, n, round, per_commit);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
}

/* A --full dry run takes no lock, and reads every article of no file of
 * the live index (the ids a corpus file may give, then what it counts as
 * carried): a writer may commit meanwhile, and once it has committed
 * twice Xapian may reuse the blocks of the revision the dry run reads
 * (DatabaseModifiedError). The dry run then walks again from the latest
 * revision (as a search runs again). Here it stops before its second
 * document read in either walk (pause_writing.c, PAUSE_AT_READ), a writer
 * rewrites every article in several commits, and it goes on: exit 0,
 * nothing changed, as the real run after it. Before, it exited 70
 * ("reading the articles written through the writer API" or "keeping
 * the articles written through the writer API": DatabaseModifiedError). */
static void test_dry_full_outlives_a_writer(void **state)
{
    (void)state;
    skip_j1_under_sanitizer();
    enum { DESK = 1500 };
    char db[1100];
    snprintf(db, sizeof db, "%s/desk-idx", fx.tmp);
    assert_int_equal(index_run("--full --db '%s' '%s'", db, fx.corpus), 0);
    write_desk_articles(db, DESK, 0, DESK);
    uint64_t n = articles(db);
    /* the first walk (the ids), then the second (the count) */
    const unsigned pause_at[] = {2, DESK + 2};
    for (int i = 0; i < 2; i++) {
        pid_t pid = start_run(db, fx.corpus, pause_at[i], 1);
        wait_paused(pid, pause_at[i]);
        write_desk_articles(db, DESK, 2 * i + 1, DESK / 4);
        write_desk_articles(db, DESK, 2 * i + 2, DESK / 4);
        kill(pid, SIGCONT);
        int rc = wait_exit(pid);
        if (rc != 0)
            tu_run("cat '%s/err.txt' >&2", fx.tmp);
        assert_int_equal(rc, 0);
        assert_int_equal(articles(db), n);
    }
    assert_int_equal(index_run("--full --db '%s' '%s'", db, fx.corpus), 0);
    assert_int_equal(articles(db), n);
}

/* A dry run (`full`: of --full, else of an update) of `corpus` beside
 * `first` articles of no file, stopped at its `nth` pause of `hook`
 * (pause_writing.c) while a writer commits `desk` articles twice
 * (write_desk_articles: those past `first` are new), then let go: it
 * must end as the real run after it does (exit 0, its summary said,
 * nothing lost but what the writer replaced). */
static void check_dry_run_of_outlives(const char *name, const char *corpus,
                                      int first, int desk, const char *hook,
                                      int nth, int full)
{
    skip_j1_under_sanitizer();
    char db[1100];
    snprintf(db, sizeof db, "%s/%s", fx.tmp, name);
    assert_int_equal(index_run("--db '%s' '%s'", db, corpus), 0);
    write_desk_articles(db, first, 0, first);
    pid_t pid = start_paused(db, corpus, hook, nth, 1, full);
    wait_paused(pid, nth);
    write_desk_articles(db, desk, 1, desk / 4);
    write_desk_articles(db, desk, 2, desk / 4);
    uint64_t n = articles(db);
    kill(pid, SIGCONT);
    int rc = wait_exit(pid);
    if (rc != 0)
        tu_run("cat '%s/err.txt' >&2", fx.tmp);
    assert_int_equal(rc, 0);
    assert_int_equal(tu_run("grep -q 'dry run: scanned' '%s/out.txt'", fx.tmp),
                     0);
    assert_int_equal(index_run("--db '%s' '%s'", db, corpus), 0);
    assert_int_equal(articles(db), n);
}

/* check_dry_run_of_outlives on the sample corpus beside 1 500 articles. */
static void check_dry_run_outlives(const char *name, const char *hook,
                                   int nth, int full)
{
    check_dry_run_of_outlives(name, fx.corpus, 1500, 1500, hook, nth, full);
}

/* An update's dry run takes no lock either, and reads what the index
 * knows of each file (four value streams a database) before it walks
 * the corpus: a writer that commits twice meanwhile may reuse the blocks
 * of the revision it reads (DatabaseModifiedError). It reads them again
 * from the latest revision. Here it stops before its second value
 * stream (pause_writing.c, PAUSE_AT_VALUES), a writer rewrites every
 * article of no file in several commits, and it goes on: exit 0, as the
 * real run after it. Before, it exited 70, "internal error"
 * (DatabaseModifiedError), for a cron job's monitoring to report as a
 * bug. */
static void test_dry_update_outlives_a_writer(void **state)
{
    (void)state;
    check_dry_run_outlives("desk-update-idx", "PAUSE_AT_VALUES", 2, 0);
}

/* As test_dry_update_outlives_a_writer, stopped at another reading:
 * before the first lookup after the dry run opened the index, that of
 * its language (pause_writing.c, PAUSE_AT_METADATA), which its format
 * follows. A writer's commits overtake the revision it opened there (its
 * later metadata reads, such as the records of the corpus roots, find
 * the blocks that first one read, and are not overtaken). It reads the
 * language and format again from the latest revision, and exits 0, as
 * the real run after it. Before, it exited 70 ("internal error",
 * DatabaseModifiedError). */
static void test_dry_update_outlives_a_writer_at_open(void **state)
{
    (void)state;
    check_dry_run_outlives("desk-open-idx", "PAUSE_AT_METADATA", 1, 0);
}

/* As test_dry_update_outlives_a_writer_at_open, for a --full dry run,
 * stopped before its second metadata read (the language of the index it
 * replaces): it reads the language again from the latest revision and
 * exits 0. Before, the overtaken read was taken for an index that does
 * not open: 64, "damaged ... rebuild it with --full and --language", of a
 * sound index (found by review). */
static void test_dry_full_outlives_a_writer_at_open(void **state)
{
    (void)state;
    check_dry_run_outlives("desk-full-open-idx", "PAUSE_AT_METADATA", 2, 1);
}

/* An update's dry run asks, before it walks the corpus, whether a file
 * whose path begins with a JSON Lines file's path and '#'
 * ("desk.jsonl#x.txt") is also an article's id (indexer.c,
 * holds_own_id). A writer's commits may overtake that lookup as any
 * other reading: it reads again from the latest revision. Here it stops
 * before that lookup (pause_writing.c, PAUSE_AT_TERM; a corpus of two
 * files) while a writer adds articles of no file whose ids ("desk/N")
 * sort beside that path, so that its commits rewrite the block the
 * lookup reads (rewriting articles would not: their ids' terms stay as
 * they were), and goes on: exit 0, as the real run after it. Before, it
 * gave up at once with 75, saying a writer had overtaken "each of 10
 * readings". */
static void test_dry_update_outlives_a_writer_at_an_id_lookup(void **state)
{
    (void)state;
    enum { FIRST = 200, DESK = 400 };
    static const char text[] = "Zebras\n\nThe zebra herd moved.\n";
    char corpus[1100];
    snprintf(corpus, sizeof corpus, "%s/shadowing", fx.tmp);
    assert_int_equal(tu_run("mkdir '%s'", corpus), 0);
    tu_write_file(corpus, "desk.jsonl#x.txt", text, sizeof text - 1);
    tu_write_file(corpus, "y.txt", text, sizeof text - 1);
    check_dry_run_of_outlives("shadowing-idx", corpus, FIRST, DESK,
                              "PAUSE_AT_TERM", 1, 0);
}

/* An index that changes under every reading of an update's dry run (a
 * writer commits twice before each value stream it opens, from its
 * second: pause_writing.c, PAUSE_FROM_VALUES) is given up after its
 * bounded retries (tries.h: ten, over at least 2 s; MOST bounds only a
 * run that never gives up): exit 75 with one line saying so (try
 * again), and no summary (it read nothing true), as gazette-query says
 * of a search.
 * Before, it exited 70, "internal error", which a cron job's monitoring
 * reports as a bug. */
static void test_dry_update_gives_up_on_a_changing_index(void **state)
{
    (void)state;
    skip_j1_under_sanitizer();
    enum { DESK = 1500, MOST = 400 };
    char db[1100];
    snprintf(db, sizeof db, "%s/desk-changing-idx", fx.tmp);
    assert_int_equal(index_run("--db '%s' '%s'", db, fx.corpus), 0);
    write_desk_articles(db, DESK, 0, DESK);
    pid_t pid = start_paused(db, fx.corpus, "PAUSE_FROM_VALUES", 2, 1, 0);
    int status = 0, round = 1;
    for (; round < MOST; round += 2) {
        assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
        if (!WIFSTOPPED(status))
            break;
        write_desk_articles(db, DESK, round, DESK / 4);
        write_desk_articles(db, DESK, round + 1, DESK / 4);
        kill(pid, SIGCONT);
    }
    running = 0;
    assert_true(round < MOST);   /* it gave up, as it must */
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) != 75)
        tu_run("cat '%s/err.txt' >&2", fx.tmp);
    assert_int_equal(WEXITSTATUS(status), 75);
    assert_int_equal(tu_run("grep -q 'kept changing while it was read' "
                            "'%s/err.txt'", fx.tmp), 0);
    assert_int_equal(tu_run("test -s '%s/out.txt'", fx.tmp), 1);   /* none */
    assert_int_equal(index_run("--db '%s' '%s'", db, fx.corpus), 0);
}

/* Start gazette-query --db `db` `query` in the background, stdout to
 * tmp/out.txt and stderr to tmp/err.txt, stopping itself after each of
 * its reopens of the index (pause_writing.c, `pause_var`
 * PAUSE_FROM_REOPEN), or before each of its opens (PAUSE_FROM_OPEN); its
 * pid. */
static pid_t start_paused_query(const char *db, const char *query,
                                const char *pause_var)
{
    char out[1200];
    snprintf(out, sizeof out, "%s/out.txt", fx.tmp);
    char *argv[] = {"gazette-query", "--db", (char *)db, (char *)query,
                    NULL};
    return spawn(tu_binary("query/cli/gazette-query"), argv,
                 pausing_environment(pause_var, 1), out);
}

/* What overtakes a reading stopped by pause_writing.c: called at each
 * stop, 0 the first, with the context it was given. */
typedef void (*overtake_fn)(void *ctx, int stop);

/* How a run stopped at its readings ended (run_overtaking). */
typedef struct overtaking {
    int stops, overtaken, exit;   /* exit: -1 when it did not exit */
    double rounds;                /* seconds of the overtaken rounds */
} overtaking;

/* Let `pid`, which stops itself at each of its readings of an index
 * (pause_writing.c), go on to its end, `overtake` called at each stop:
 * it overtakes the reading stopped at each of the first `overtaken`. */
static overtaking run_overtaking(pid_t pid, overtake_fn overtake, void *ctx,
                                 int overtaken)
{
    struct timespec t0, t1;
    int status = 0, stops = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    t1 = t0;
    for (;;) {
        assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
        if (!WIFSTOPPED(status))
            break;
        overtake(ctx, stops++);
        if (stops == overtaken)
            clock_gettime(CLOCK_MONOTONIC, &t1);
        kill(pid, SIGCONT);
    }
    running = 0;
    return (overtaking){
        .stops = stops, .overtaken = overtaken,
        .exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1,
        .rounds = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9};
}

/* Check that the run `o` tells of outlived its overtaken readings: exit
 * 0, having read once more. Quick rounds overtake the ten tries within
 * a fraction of the 2 s floor (tries.h); a machine so slow that they
 * outlast it cannot tell: skipped. */
static void expect_outlived(overtaking o)
{
    printf("stops %d, the overtaken rounds took %.3f s, exit %d\n", o.stops,
           o.rounds, o.exit);
    if (o.exit != 0)
        tu_run("cat '%s/err.txt' >&2", fx.tmp);
    if (o.exit != 0 && o.rounds > 1.5) {
        printf("SKIP: the rounds took %.1f s, near the 2 s floor\n", o.rounds);
        skip();
    }
    assert_int_equal(o.exit, 0);
    assert_true(o.stops > o.overtaken);   /* each round overtook a try */
}

/* A writer's quick commits (overtake_fn): twice at each of the first
 * `overtaken` stops, `desk` articles each time, desk/0 ... again, or
 * with `fresh` new ones from desk/`fresh` on. */
typedef struct quick_commits {
    gazette_writer_t *w;
    int fresh, desk, overtaken;
} quick_commits;

static void commit_twice(void *ctx, int stop)
{
    const quick_commits *q = ctx;
    for (int commit = 0; stop < q->overtaken && commit < 2; commit++)
        put_desk_from(q->w, q->fresh ? q->fresh + (2 * stop + commit) * q->desk
                                     : 0,
                      q->desk, 2 * stop + commit + 1, q->desk);
}

/* run_overtaking with quick_commits `q`, whose writer it closes, then
 * expect_outlived. */
static void check_outlives_quick_commits(pid_t pid, quick_commits q)
{
    overtaking o = run_overtaking(pid, commit_twice, &q, q.overtaken);
    assert_int_equal(gazette_writer_close(q.w), GAZETTE_STATUS_OK);
    expect_outlived(o);
}

/* A search that a writer's commits overtake is run again, as the open of
 * the index is: ten tries, and while commits keep overtaking it, for at
 * least 2 seconds. Here a writer commits twice while the search is
 * stopped after each of its first ten reopens (pause_writing.c,
 * PAUSE_FROM_REOPEN), ten overtaken tries within milliseconds, then
 * lets it be: the search answers (exit 0). Before, it gave up after its
 * ten tries with no time floor: exit 75, "kept changing". */
static void test_search_outlives_ten_quick_commits(void **state)
{
    (void)state;
    enum { DESK = 10, OVERTAKEN = 10 };
    char db[1100];
    snprintf(db, sizeof db, "%s/busy-idx", fx.tmp);
    /* the sample corpus: tables of more than one level, whose lower
     * blocks the search reads after its reopen, and two commits reuse
     * (of a table of one block, the reopen reads the root: no try is
     * overtaken) */
    assert_int_equal(index_run("--db '%s' '%s'", db, fx.corpus), 0);
    gazette_writer_t *w = NULL;   /* one writer: its commits are quick */
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put_desk_articles(w, DESK, 0, DESK);
    check_outlives_quick_commits(start_paused_query(db, "quay rebuilt",
                                                    "PAUSE_FROM_REOPEN"),
                                 (quick_commits){w, 0, DESK, OVERTAKEN});
    assert_int_equal(tu_run("grep -q 'desk/' '%s/out.txt'", fx.tmp), 0);
}

/* An update's dry run, which takes no lock, asks again from the latest
 * revision whether a path below a JSON Lines file's path and '#' is an
 * article's id when a writer's commits overtook that lookup, by the rule
 * of a search (tries.h): ten tries, and while commits keep overtaking
 * them, 2 seconds. Here a writer adds a few articles of no file whose
 * ids sort beside that path (as in
 * test_dry_update_outlives_a_writer_at_an_id_lookup), committing twice
 * while the dry run is stopped before each of its first ten lookups
 * (pause_writing.c, PAUSE_FROM_TERM), quick commits, then lets it be: it
 * exits 0 with its summary. Before, it gave up after its ten lookups
 * however quick they were: exit 75, "kept changing while it was read".
 * One database (-j1): in an index of shards a reading looks up each
 * shard, and the commits may overtake one lookup and not the other,
 * which cannot tell ten overtaken readings from fewer. */
static void test_dry_update_outlives_ten_quick_commits(void **state)
{
    (void)state;
    enum { FIRST = 200, DESK = 10, OVERTAKEN = 10 };
    const char *jobs = tu_test_jobs();
    if (jobs && strcmp(jobs, "1") != 0) {
        printf("SKIP: run at -j1, where each reading is one lookup\n");
        skip();
    }
    static const char text[] = "Zebras\n\nThe zebra herd moved.\n";
    char corpus[1100], db[1100];
    snprintf(corpus, sizeof corpus, "%s/shadowing-busy", fx.tmp);
    snprintf(db, sizeof db, "%s/shadowing-busy-idx", fx.tmp);
    assert_int_equal(tu_run("mkdir '%s'", corpus), 0);
    tu_write_file(corpus, "desk.jsonl#x.txt", text, sizeof text - 1);
    tu_write_file(corpus, "y.txt", text, sizeof text - 1);
    assert_int_equal(index_run("--db '%s' '%s'", db, corpus), 0);
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    put_desk_articles(w, FIRST, 0, FIRST);
    pid_t pid = start_paused(db, corpus, "PAUSE_FROM_TERM", 1, 1, 0);
    check_outlives_quick_commits(pid, (quick_commits){w, FIRST, DESK,
                                                      OVERTAKEN});
    assert_int_equal(tu_run("grep -q 'dry run: scanned' '%s/out.txt'", fx.tmp),
                     0);
}

/* A stub file replaced (overtake_fn) at each of the first `overtaken`
 * stops by one naming a generation that is gone, as when a --full
 * switches generations and deletes the one the stub named between a
 * search's reading of the stub and its open; at the next, the stub as
 * it was, kept aside (`kept`, a link to it) is put back. Each by
 * rename(2), as gazette-index switches: a new inode each time. */
typedef struct stub_switches {
    char db[1100], kept[1200];
    int overtaken;
} stub_switches;

static void switch_stub(void *ctx, int stop)
{
    const stub_switches *sw = ctx;
    static const char gone[] = "auto gone.d/g0\n";
    if (stop < sw->overtaken) {
        tu_write_file(fx.tmp, "switching.new", gone, sizeof gone - 1);
        assert_int_equal(rename(tu_path_in(fx.tmp, "switching.new"), sw->db),
                         0);
    } else if (stop == sw->overtaken) {
        assert_int_equal(rename(sw->kept, sw->db), 0);
    }
}

/* A search's open of a stub index that a --full switch replaced, the
 * generation it named deleted, between the search's reading of the stub
 * and its open, opens it again, by the rule of a search that a writer
 * overtook (tries.h): ten tries, and while the stub keeps being replaced
 * between them, 2 seconds. Here the stub is replaced by one naming a
 * deleted generation before each of the search's first ten opens
 * (pause_writing.c, PAUSE_FROM_OPEN), then put back: the search answers
 * (exit 0). Before, it gave up after its ten tries however quick they
 * were ("cannot open index"). */
static void test_open_outlives_ten_quick_switches(void **state)
{
    (void)state;
    static const char text[] = "Pauses\n\nHumanitarian pauses held.\n";
    stub_switches sw = {.overtaken = 10};
    char corpus[1100];
    snprintf(corpus, sizeof corpus, "%s/switching-corpus", fx.tmp);
    snprintf(sw.db, sizeof sw.db, "%s/switching", fx.tmp);
    snprintf(sw.kept, sizeof sw.kept, "%s/switching.kept", fx.tmp);
    tu_write_file(corpus, "a.txt", text, sizeof text - 1);   /* cheap */
    assert_int_equal(index_run("--full --db '%s' '%s'", sw.db, corpus), 0);
    assert_int_equal(link(sw.db, sw.kept), 0);   /* a stub file */
    overtaking o = run_overtaking(
        start_paused_query(sw.db, "humanitarian", "PAUSE_FROM_OPEN"),
        switch_stub, &sw, sw.overtaken);
    expect_outlived(o);
    assert_int_equal(tu_run("test -s '%s/out.txt'", fx.tmp), 0);
}

/* 1 when gazette-query on `db` for `query` offers "Did you mean:
 * `word`?". */
static int suggests(const char *db, const char *query, const char *word)
{
    return tu_run("'%s' --db '%s' '%s' | grep -qxF 'Did you mean: %s?'",
                  tu_binary("query/cli/gazette-query"), db, query, word) == 0;
}

/* The articles --full copies from the index it replaces (of a file it
 * cannot read: a broken symlink in its place) give the spelling data
 * their words as the articles it reads do: a word twice in them, and one
 * word once in them and once in another file; not a word seen once in all
 * (as an index built from the files gets none). They gave none. */
static void test_copied_articles_keep_their_spelling(void **state)
{
    (void)state;
    char corpus[1100], db[1100];
    snprintf(corpus, sizeof corpus, "%s/fossils", fx.tmp);
    snprintf(db, sizeof db, "%s/fossils-idx", fx.tmp);
    assert_int_equal(tu_run("cp -r '%s' '%s'", fx.corpus, corpus), 0);
    static const char fossil[] =
        "Fossil find\n\nA quetzalcoatlus wing was found near an "
        "archaeopteryx and a pterodactylus; the quetzalcoatlus flew far.\n";
    static const char museum[] = "Museum\n\nThe archaeopteryx is back.\n";
    tu_write_file(corpus, "fossil.txt", fossil, sizeof fossil - 1);
    tu_write_file(corpus, "museum.txt", museum, sizeof museum - 1);
    assert_int_equal(index_run("--db '%s' '%s'", db, corpus), 0);
    assert_true(suggests(db, "quetzalcoatlas", "quetzalcoatlus"));
    assert_true(suggests(db, "archaeopteryz", "archaeopteryx"));
    assert_false(suggests(db, "pterodactylos", "pterodactylus"));
    assert_int_equal(tu_run("mv '%s/fossil.txt' '%s/fossil.txt' && ln -s "
                            "nowhere '%s/fossil.txt'", corpus, fx.tmp, corpus),
                     0);
    assert_int_equal(index_run("--full --db '%s' '%s'", db, corpus), 1);
    assert_int_equal(tu_run("'%s' --db '%s' --format paths pterodactylus | "
                            "grep -qx fossil.txt",
                            tu_binary("query/cli/gazette-query"), db), 0);
    assert_true(suggests(db, "quetzalcoatlas", "quetzalcoatlus"));
    assert_true(suggests(db, "archaeopteryz", "archaeopteryx"));
    assert_false(suggests(db, "pterodactylos", "pterodactylus"));
}

/* xapian-check passes on the index when run as docs/reliability.md
 * says: DB/XAPIANDB for a directory of shards (-j2), DB for one database
 * (-j1) and for the stub file a --full leaves. */
static void test_xapian_check_as_documented(void **state)
{
    (void)state;
    static const char check[] =
        "d='%s'; if [ -f \"$d/XAPIANDB\" ]; then xapian-check "
        "\"$d/XAPIANDB\"; else xapian-check \"$d\"; fi >'%s/check.txt' 2>&1";
    char db[2048];
    snprintf(db, sizeof db, "%s/checked", fx.tmp);
    assert_int_equal(index_run("--db '%s' '%s'", db, fx.corpus), 0);
    const char *jobs = tu_test_jobs();
    if (jobs && strcmp(jobs, "1") != 0)
        assert_true(exists("%s/XAPIANDB", db));
    if (tu_run(check, db, fx.tmp) != 0)
        fail_msg("xapian-check: see %s", tu_path_in(fx.tmp, "check.txt"));
    assert_int_equal(index_run("--full --db '%s' '%s'", db, fx.corpus), 0);
    assert_false(exists("%s/XAPIANDB", db));   /* now a stub file */
    if (tu_run(check, db, fx.tmp) != 0)
        fail_msg("xapian-check after --full: see %s",
                 tu_path_in(fx.tmp, "check.txt"));
}

/* `query` searched through `index`: its status, and when OK the parsed
 * query and number of hits in `parsed` ("<hits> <query>"). */
static gazette_status_t parsed_search(gazette_index_t *index,
                                      const char *query, char *parsed,
                                      size_t size)
{
    gazette_results_t *r = NULL;
    gazette_status_t st = gazette_search(index, query, NULL, &r);
    parsed[0] = '\0';
    if (st == GAZETTE_STATUS_OK)
        snprintf(parsed, size, "%zu %s", (size_t)gazette_results_count(r),
                 gazette_results_parsed_query(r));
    gazette_results_free(r);
    return st;
}

/* `query` through `index` gives what a handle opened now gives. */
static void same_as_fresh(gazette_index_t *index, const char *db,
                          const char *query)
{
    char got[1024], want[1024];
    gazette_index_t *fresh = NULL;
    assert_int_equal(gazette_index_open(db, &fresh), GAZETTE_STATUS_OK);
    assert_int_equal(parsed_search(fresh, query, want, sizeof want),
                     GAZETTE_STATUS_OK);
    gazette_index_close(fresh);
    assert_int_equal(parsed_search(index, query, got, sizeof got),
                     GAZETTE_STATUS_OK);
    assert_string_equal(got, want);
}

/* A handle open across a --full in another language searches as a
 * handle opened after it: it kept the English stemmer ("running" was
 * Zrun on the French index, 9 hits where a new handle found 2). Two
 * indexes searched together that no longer share a language are refused
 * until they do again. */
static void test_open_handle_takes_on_new_language(void **state)
{
    (void)state;
    char english[1024], other[2048];
    assert_int_equal(index_run("--db '%s' '%s'", fx.db, fx.corpus), 0);
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(fx.db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(parsed_search(index, "running", english, sizeof english),
                     GAZETTE_STATUS_OK);
    assert_non_null(strstr(english, "Zrun@1"));
    assert_int_equal(index_run("--full -l french --db '%s' '%s'", fx.db,
                               fx.corpus), 0);
    same_as_fresh(index, fx.db, "running");
    gazette_index_close(index);

    snprintf(other, sizeof other, "%s/other", fx.tmp);
    assert_int_equal(index_run("--db '%s' '%s'", other, fx.corpus), 0);
    assert_int_equal(index_run("--full -l english --db '%s' '%s'", fx.db,
                               fx.corpus), 0);
    const char *both[] = {fx.db, other};
    assert_int_equal(gazette_index_open_multi(both, 2, 0, &index),
                     GAZETTE_STATUS_OK);
    assert_int_equal(index_run("--full -l french --db '%s' '%s'", fx.db,
                               fx.corpus), 0);
    char got[1024];
    assert_int_equal(parsed_search(index, "running", got, sizeof got),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_non_null(strstr(gazette_index_error(index), "share a language"));
    assert_int_equal(parsed_search(index, "running", got, sizeof got),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    assert_int_equal(index_run("--full -l english --db '%s' '%s'", fx.db,
                               fx.corpus), 0);
    assert_int_equal(parsed_search(index, "running", got, sizeof got),
                     GAZETTE_STATUS_OK);
    assert_non_null(strstr(got, "Zrun@1"));
    gazette_index_close(index);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refuses_what_is_not_an_index),
        cmocka_unit_test_teardown(test_index_with_changesets,
                                  unset_changesets),
        cmocka_unit_test(test_missing_old_generation_is_fine),
        cmocka_unit_test(test_clears_leftovers_of_killed_runs),
        cmocka_unit_test(test_leftovers_cleared_before_building),
        cmocka_unit_test(test_update_clears_killed_full),
        cmocka_unit_test(test_archived_index_survives),
        cmocka_unit_test(test_two_generation_stub),
        cmocka_unit_test(test_stub_naming_shards_of_a_generation),
        cmocka_unit_test(test_generation_behind_xapiandb_kept),
        cmocka_unit_test(test_db_symlink_refused),
        cmocka_unit_test(test_undeletable_old_generation_is_a_warning),
        cmocka_unit_test(test_xapian_check_as_documented),
        cmocka_unit_test(test_refuses_a_xapian_writer),
        cmocka_unit_test(test_holds_xapian_locks_to_the_switch),
        cmocka_unit_test_teardown(test_update_clears_a_killed_full,
                                  stop_running),
        cmocka_unit_test_teardown(test_stop_while_copying, stop_running),
        cmocka_unit_test_teardown(test_stop_first_full_makes_nothing,
                                  stop_running),
        cmocka_unit_test_teardown(test_hangup_ignored_under_nohup,
                                  stop_running),
        cmocka_unit_test(test_signal_before_start_makes_nothing),
        cmocka_unit_test(test_signal_before_start_leaves_the_index),
        cmocka_unit_test(test_signal_before_start_on_no_index_refuses),
        cmocka_unit_test_teardown(test_signal_while_waiting_for_the_lock,
                                  stop_holder_and_run),
        cmocka_unit_test_teardown(
            test_first_full_without_the_lock_makes_nothing,
            stop_holder_and_run),
        cmocka_unit_test_teardown(test_dry_full_outlives_a_writer,
                                  stop_running),
        cmocka_unit_test(test_killed_build_is_said),
        cmocka_unit_test(test_killed_build_of_a_long_path_is_said),
        cmocka_unit_test_teardown(
            test_dry_update_outlives_a_writer_at_an_id_lookup, stop_running),
        cmocka_unit_test_teardown(test_dry_update_outlives_a_writer_at_open,
                                  stop_running),
        cmocka_unit_test_teardown(test_dry_full_outlives_a_writer_at_open,
                                  stop_running),
        cmocka_unit_test_teardown(test_dry_update_gives_up_on_a_changing_index,
                                  stop_running),
        cmocka_unit_test_teardown(test_dry_update_outlives_a_writer,
                                  stop_running),
        cmocka_unit_test(test_copied_articles_keep_their_spelling),
        cmocka_unit_test(test_open_handle_takes_on_new_language),
        cmocka_unit_test_teardown(test_search_outlives_ten_quick_commits,
                                  stop_running),
        cmocka_unit_test_teardown(test_dry_update_outlives_ten_quick_commits,
                                  stop_running),
        cmocka_unit_test_teardown(test_open_outlives_ten_quick_switches,
                                  stop_running),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
