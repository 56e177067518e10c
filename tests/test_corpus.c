/*
 * test_corpus.c - corpus/: walking trees, reading .txt(.gz) files, text
 * encodings and dates. Every test builds its own files in a scratch
 * directory; the last tests also look at the shared BBC corpus when it is
 * there.
 */
#include "corpus.h"
#include "corpus_internal.h"
#include "test_util.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* ------------------------------------------------------------ helpers */

static char *xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    assert_non_null(d);
    return d;
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + 1 + strlen(b) + 1;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* What a walk saw: relpaths of files, and "path: reason" warnings. */
typedef struct walk_log {
    char *files[64];
    char *paths[64];
    size_t nfiles;
    char *warns[16];
    size_t nwarns;
    size_t stop_after;      /* return 7 after this many files (0 = never) */
} walk_log;

static int log_file(const corpus_file *f, void *ctx)
{
    walk_log *log = ctx;
    assert_true(log->nfiles < 64);
    assert_non_null(f->root);
    assert_true(f->mtime_ns > 0);
    log->files[log->nfiles] = xstrdup(f->relpath);
    log->paths[log->nfiles] = xstrdup(f->path);
    log->nfiles++;
    return log->stop_after && log->nfiles == log->stop_after ? 7 : 0;
}

static void log_warn(const char *path, const char *reason, void *ctx)
{
    walk_log *log = ctx;
    assert_true(log->nwarns < 16);
    size_t n = strlen(path) + 2 + strlen(reason) + 1;
    char *w = malloc(n);
    assert_non_null(w);
    snprintf(w, n, "%s: %s", path, reason);
    log->warns[log->nwarns++] = w;
}

static void log_free(walk_log *log)
{
    for (size_t i = 0; i < log->nfiles; i++) {
        free(log->files[i]);
        free(log->paths[i]);
    }
    for (size_t i = 0; i < log->nwarns; i++)
        free(log->warns[i]);
    memset(log, 0, sizeof *log);
}

/* One article copied out of the callback. */
typedef struct got_article {
    int count;
    char *id, *title, *body, *date, *author, *source, *url;
    size_t body_len;
    char *tags;             /* joined with '|' */
    size_t ntags;
    int stop;               /* callback result */
} got_article;

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static int grab_article(const corpus_article *a, void *ctx)
{
    got_article *g = ctx;
    g->count++;
    assert_non_null(a->title);
    assert_non_null(a->body);
    assert_int_equal(strlen(a->body), a->body_len);
    g->id = xstrdup(a->id);
    g->title = xstrdup(a->title);
    g->body = xstrdup(a->body);
    g->body_len = a->body_len;
    g->date = dup_or_null(a->date);
    g->author = dup_or_null(a->author);
    g->source = dup_or_null(a->source);
    g->url = dup_or_null(a->url);
    g->ntags = a->ntags;
    size_t n = 1;
    for (size_t i = 0; i < a->ntags; i++)
        n += strlen(a->tags[i]) + 1;
    g->tags = calloc(1, n);
    assert_non_null(g->tags);
    for (size_t i = 0; i < a->ntags; i++) {
        if (i)
            strcat(g->tags, "|");
        strcat(g->tags, a->tags[i]);
    }
    return g->stop;
}

static void got_free(got_article *g)
{
    free(g->id);
    free(g->title);
    free(g->body);
    free(g->date);
    free(g->author);
    free(g->source);
    free(g->url);
    free(g->tags);
    memset(g, 0, sizeof *g);
}

/* Read dir/rel with corpus_read_file; the article (if any) goes to *g and
 * the reason to why[256]. */
static corpus_status read_rel(const char *dir, const char *rel,
                              uint64_t max_bytes, got_article *g, char *why)
{
    char *path = join(dir, rel);
    corpus_file f = {.root = dir, .path = path, .relpath = rel};
    corpus_options opts = {.max_bytes = max_bytes};
    corpus_status s = corpus_read_file(&f, &opts, grab_article, g, why, 256);
    free(path);
    return s;
}

/* Write `text` to dir/name and read it back. */
static corpus_status write_read(const char *dir, const char *name,
                                const char *text, got_article *g, char *why)
{
    tu_write_file(dir, name, text, strlen(text));
    return read_rel(dir, name, 0, g, why);
}

static void *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void make_symlink(const char *target, const char *dir, const char *name)
{
    char *path = join(dir, name);
    assert_int_equal(symlink(target, path), 0);
    free(path);
}

/* Per-test scratch directory, made by setup and removed by teardown. */
static int setup_dir(void **state)
{
    *state = tu_mkdtemp("corpus");
    return 0;
}

static int teardown_dir(void **state)
{
    tu_rmtree(*state);
    free(*state);
    return 0;
}

/* --------------------------------------------------------------- walk */

static void test_walk_nested_order(void **state)
{
    const char *dir = *state;
    const char *names[] = {
        "b.txt", "a.txt", "A.txt", "sub.txt", "sub/z.txt", "sub/a.txt",
        "sub2/deep/x.txt.gz", "sub2/deep/empty/.keep", "sub2/c.txt",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        tu_write_file(dir, names[i], "x\n", 2);

    /* Per-level strcmp order: the directory "sub" sorts before "sub.txt"
     * (a full-path sort would put "sub.txt" before "sub/..."). */
    const char *want[] = {
        "A.txt", "a.txt", "b.txt", "sub/a.txt", "sub/z.txt", "sub.txt",
        "sub2/c.txt", "sub2/deep/x.txt.gz",
    };
    size_t nwant = sizeof want / sizeof want[0];

    walk_log log = {0};
    assert_int_equal(corpus_walk(dir, log_file, log_warn, &log), 0);
    assert_int_equal(log.nfiles, nwant);
    assert_int_equal(log.nwarns, 0);
    for (size_t i = 0; i < nwant; i++) {
        assert_string_equal(log.files[i], want[i]);
        char *p = join(dir, want[i]);
        assert_string_equal(log.paths[i], p);
        free(p);
    }
    log_free(&log);

    /* Trailing slashes on the root change nothing. */
    char *slashed = malloc(strlen(dir) + 3);
    assert_non_null(slashed);
    sprintf(slashed, "%s//", dir);
    assert_int_equal(corpus_walk(slashed, log_file, log_warn, &log), 0);
    assert_int_equal(log.nfiles, nwant);
    assert_string_equal(log.files[3], "sub/a.txt");
    char *p = join(dir, "sub/a.txt");
    assert_string_equal(log.paths[3], p);
    free(p);
    free(slashed);
    log_free(&log);
}

static void test_walk_relative_root(void **state)
{
    const char *dir = *state;
    tu_write_file(dir, "top/one.txt", "x\n", 2);
    char *cwd = getcwd(NULL, 0);
    assert_non_null(cwd);
    assert_int_equal(chdir(dir), 0);

    walk_log log = {0};
    assert_int_equal(corpus_walk(".", log_file, log_warn, &log), 0);
    assert_int_equal(log.nfiles, 1);
    assert_string_equal(log.files[0], "top/one.txt");   /* no "./" */
    assert_string_equal(log.paths[0], "./top/one.txt");
    log_free(&log);

    assert_int_equal(corpus_walk("top/", log_file, log_warn, &log), 0);
    assert_int_equal(log.nfiles, 1);
    assert_string_equal(log.files[0], "one.txt");
    assert_string_equal(log.paths[0], "top/one.txt");
    log_free(&log);

    assert_int_equal(chdir(cwd), 0);
    free(cwd);
}

/* What a walk with options reported as ignored: "relpath|reason". */
typedef struct ignore_log {
    walk_log files;
    char *ignored[32];
    size_t n;
    const char *root;
} ignore_log;

static int ilog_file(const corpus_file *f, void *ctx)
{
    return log_file(f, &((ignore_log *)ctx)->files);
}

static void ilog_ignored(const char *path, const char *reason, void *ctx)
{
    ignore_log *log = ctx;
    assert_true(log->n < 32);
    size_t rl = strlen(log->root);
    assert_true(strncmp(path, log->root, rl) == 0 && path[rl] == '/');
    size_t n = strlen(path) + strlen(reason) + 2;
    char *w = malloc(n);
    assert_non_null(w);
    snprintf(w, n, "%s|%s", path + rl + 1, reason);
    log->ignored[log->n++] = w;
}

static void ilog_free(ignore_log *log)
{
    log_free(&log->files);
    for (size_t i = 0; i < log->n; i++)
        free(log->ignored[i]);
    log->n = 0;
}

/* Walk `dir` with the patterns given; the log collects files and
 * ignored entries. */
static void walk_with(const char *dir, const char *const *inc, size_t ninc,
                      const char *const *exc, size_t nexc, ignore_log *log)
{
    memset(log, 0, sizeof *log);
    log->root = dir;
    corpus_walk_options o = {.include = inc, .ninclude = ninc,
                             .exclude = exc, .nexclude = nexc,
                             .on_ignored = ilog_ignored};
    assert_int_equal(corpus_walk_with(dir, &o, ilog_file, log_warn, log), 0);
    assert_int_equal(log->files.nwarns, 0);
}

static void test_walk_hidden_skipped(void **state)
{
    const char *dir = *state;
    tu_write_file(dir, "visible.txt", "x\n", 2);
    tu_write_file(dir, ".hidden.txt", "x\n", 2);
    tu_write_file(dir, ".git/notes.txt", "x\n", 2);
    tu_write_file(dir, "sub/.draft.txt", "x\n", 2);

    walk_log log = {0};
    assert_int_equal(corpus_walk(dir, log_file, log_warn, &log), 0);
    assert_int_equal(log.nfiles, 1);
    assert_string_equal(log.files[0], "visible.txt");
    log_free(&log);

    /* not in silence: each hidden entry is reported once */
    ignore_log il;
    walk_with(dir, NULL, 0, NULL, 0, &il);
    assert_int_equal(il.files.nfiles, 1);
    assert_int_equal(il.n, 3);
    assert_string_equal(il.ignored[0], ".git|hidden directory, not entered");
    assert_string_equal(il.ignored[1], ".hidden.txt|hidden");
    assert_string_equal(il.ignored[2], "sub/.draft.txt|hidden");
    ilog_free(&il);
}

static void test_walk_unsupported_skipped(void **state)
{
    const char *dir = *state;
    const char *skipped[] = {
        "photo.png", "notes.doc", "a.txt.bak", "x.tar.gz",
        "README", "README.TXT",
    };
    for (size_t i = 0; i < sizeof skipped / sizeof skipped[0]; i++)
        tu_write_file(dir, skipped[i], "x\n", 2);
    tu_write_file(dir, "kept.txt", "x\n", 2);
    tu_write_file(dir, "kept2.txt.gz", "x\n", 2);
    tu_write_file(dir, "txt", "x\n", 2);      /* no extension: maybe mail */
    tu_write_file(dir, "archive.gz", "x\n", 2);   /* the same, gzipped */

    walk_log log = {0};
    assert_int_equal(corpus_walk(dir, log_file, log_warn, &log), 0);
    assert_int_equal(log.nfiles, 4);
    assert_string_equal(log.files[0], "archive.gz");
    assert_string_equal(log.files[1], "kept.txt");
    assert_string_equal(log.files[2], "kept2.txt.gz");
    assert_string_equal(log.files[3], "txt");
    assert_int_equal(log.nwarns, 0);
    log_free(&log);

    /* every file left out is reported, with its reason */
    ignore_log il;
    walk_with(dir, NULL, 0, NULL, 0, &il);
    assert_int_equal(il.n, sizeof skipped / sizeof skipped[0]);
    for (size_t i = 0; i < il.n; i++) {
        const char *bar = strchr(il.ignored[i], '|');
        assert_non_null(bar);
        int note = strncmp(il.ignored[i], "README", 6) == 0;
        assert_non_null(strstr(bar, note ? "README, SOURCE or LICENSE"
                                         : "unknown file type"));
    }
    ilog_free(&il);
}

/* --include and --exclude: fnmatch patterns on relative paths; a
 * pattern without '/' also matches a file's or directory's own name;
 * includes cover what is below a matching directory; excludes win and
 * prune directories. */
static void test_walk_include_exclude(void **state)
{
    const char *dir = *state;
    const char *names[] = {"world/a.txt", "world/drafts/b.txt", "world/c.md",
                           "sport/d.txt", "sport/e.eml", "top.txt"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        tu_write_file(dir, names[i], "x\n", 2);
    ignore_log il;

    const char *inc1[] = {"world"};
    walk_with(dir, inc1, 1, NULL, 0, &il);
    assert_int_equal(il.files.nfiles, 3);
    assert_string_equal(il.files.files[0], "world/a.txt");
    assert_string_equal(il.files.files[1], "world/c.md");
    assert_string_equal(il.files.files[2], "world/drafts/b.txt");
    assert_int_equal(il.n, 3);
    assert_string_equal(il.ignored[0], "sport/d.txt|matches no include "
                                       "pattern");
    ilog_free(&il);

    const char *inc2[] = {"*.txt", "sport/*.eml"};
    walk_with(dir, inc2, 2, NULL, 0, &il);
    assert_int_equal(il.files.nfiles, 5);
    assert_int_equal(il.n, 1);
    assert_string_equal(il.ignored[0], "world/c.md|matches no include "
                                       "pattern");
    ilog_free(&il);

    const char *exc1[] = {"drafts", "*.eml"};
    walk_with(dir, NULL, 0, exc1, 2, &il);
    assert_int_equal(il.files.nfiles, 4);
    assert_int_equal(il.n, 2);
    assert_string_equal(il.ignored[0], "sport/e.eml|matches the exclude "
                                       "pattern '*.eml'");
    assert_string_equal(il.ignored[1], "world/drafts|directory matches the "
                                       "exclude pattern 'drafts', not "
                                       "entered");
    ilog_free(&il);

    /* excludes win over includes; a '/' pattern matches the whole path */
    const char *inc3[] = {"world"};
    const char *exc3[] = {"world/d*"};
    walk_with(dir, inc3, 1, exc3, 1, &il);
    assert_int_equal(il.files.nfiles, 2);
    assert_string_equal(il.files.files[0], "world/a.txt");
    assert_string_equal(il.files.files[1], "world/c.md");
    ilog_free(&il);

    /* "top.txt" alone: a name pattern at the root level */
    const char *inc4[] = {"top.txt"};
    walk_with(dir, inc4, 1, NULL, 0, &il);
    assert_int_equal(il.files.nfiles, 1);
    assert_string_equal(il.files.files[0], "top.txt");
    ilog_free(&il);
}

/* The patterns are applied before anything else is said of an entry: a
 * symlink leaving the root, a broken symlink, a symlinked directory
 * outside the root or a FIFO that --exclude names, or that no --include
 * keeps, is ignored (counted, listed with --verbose), not skipped with a
 * warning that made every nightly run exit 1. */
static void test_walk_patterns_before_symlinks(void **state)
{
    const char *dir = *state;
    char *root = join(dir, "root");
    char *outside = join(dir, "outside");
    tu_write_file(root, "s/a.txt", "T\nbody\n", 7);
    tu_write_file(outside, "x.txt", "x\n", 2);
    char *target = join(outside, "x.txt");
    make_symlink(target, root, "s/out.txt");         /* leaves the root */
    free(target);
    make_symlink("nowhere.txt", root, "s/broken.txt");
    make_symlink(outside, root, "s/outdir");        /* a directory outside */
    char *fifo = join(root, "s/pipe.txt");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    free(fifo);

    ignore_log il;
    const char *exc[] = {"out.txt", "broken.txt", "outdir", "pipe.txt"};
    walk_with(root, NULL, 0, exc, 4, &il);           /* asserts no warning */
    assert_int_equal(il.files.nfiles, 1);
    assert_string_equal(il.files.files[0], "s/a.txt");
    assert_int_equal(il.n, 4);
    assert_string_equal(il.ignored[0], "s/broken.txt|matches the exclude "
                                       "pattern 'broken.txt'");
    assert_string_equal(il.ignored[1], "s/out.txt|matches the exclude "
                                       "pattern 'out.txt'");
    assert_string_equal(il.ignored[2], "s/outdir|directory matches the "
                                       "exclude pattern 'outdir', not "
                                       "entered");
    assert_string_equal(il.ignored[3], "s/pipe.txt|matches the exclude "
                                       "pattern 'pipe.txt'");
    ilog_free(&il);

    /* an include leaves out the files it does not match, links too (a
     * directory is entered: what is below it may match) */
    const char *inc[] = {"*.md"};
    const char *exc2[] = {"outdir"};
    walk_with(root, inc, 1, exc2, 1, &il);
    assert_int_equal(il.files.nfiles, 0);
    assert_int_equal(il.n, 5);
    assert_string_equal(il.ignored[0], "s/a.txt|matches no include pattern");
    assert_string_equal(il.ignored[1], "s/broken.txt|matches no include "
                                       "pattern");
    assert_string_equal(il.ignored[2], "s/out.txt|matches no include "
                                       "pattern");
    assert_string_equal(il.ignored[4], "s/pipe.txt|matches no include "
                                       "pattern");
    ilog_free(&il);

    /* kept by the patterns, they are said as before */
    walk_log log = {0};
    assert_int_equal(corpus_walk(root, log_file, log_warn, &log), 0);
    assert_int_equal(log.nfiles, 1);
    assert_int_equal(log.nwarns, 4);
    log_free(&log);
    free(outside);
    free(root);
}

static void test_is_supported(void **state)
{
    (void)state;
    assert_true(corpus_is_supported("a.txt"));
    assert_true(corpus_is_supported("dir/sub/a.txt.gz"));
    assert_true(corpus_is_supported("dir.gz/a.txt"));
    assert_false(corpus_is_supported("a.gz"));
    assert_false(corpus_is_supported("a.txt.gz.gz"));
    assert_false(corpus_is_supported("a.gz.txt.bak"));
    assert_false(corpus_is_supported("dir.txt/README"));
    assert_false(corpus_is_supported(".txt"));
    assert_false(corpus_is_supported("dir/.txt.gz"));
    assert_false(corpus_is_supported("a.TXT"));   /* case-sensitive */
    assert_false(corpus_is_supported(""));
}

static void test_walk_symlinks(void **state)
{
    const char *dir = *state;
    char *root = join(dir, "root");
    tu_write_file(root, "a.txt", "x\n", 2);
    tu_write_file(root, "sub/b.txt", "x\n", 2);
    tu_write_file(dir, "elsewhere/e.txt", "x\n", 2);
    make_symlink("..", root, "sub/loop");          /* back to root */
    make_symlink(".", root, "self");                /* to itself */
    make_symlink("a.txt", root, "link.txt");        /* to a file inside */
    make_symlink("../elsewhere", root, "other");    /* to a dir outside */
    make_symlink("nowhere.txt", root, "broken.txt");

    /* link.txt is not followed: a.txt is walked at its own path */
    walk_log log = {0};
    assert_int_equal(corpus_walk(root, log_file, log_warn, &log), 0);
    const char *want[] = {"a.txt", "sub/b.txt"};
    assert_int_equal(log.nfiles, 2);
    for (size_t i = 0; i < 2; i++)
        assert_string_equal(log.files[i], want[i]);

    /* broken.txt, other (outside the root), in walk order; self and
     * sub/loop lead to a directory being walked, not a warning
     * (test_walk_links_to_enclosing_dirs) */
    assert_int_equal(log.nwarns, 2);
    char *p = join(root, "broken.txt");
    assert_non_null(strstr(log.warns[0], p));
    assert_non_null(strstr(log.warns[0], "broken symlink"));
    free(p);
    p = join(root, "other");
    assert_non_null(strstr(log.warns[1], p));
    assert_non_null(strstr(log.warns[1], "symlink leaves the corpus root"));
    free(p);
    log_free(&log);

    /* A NULL warn callback is allowed. */
    assert_int_equal(corpus_walk(root, log_file, NULL, &log), 0);
    assert_int_equal(log.nfiles, 2);
    log_free(&log);

    /* Asked to, the walk follows the link out of the root too (still
     * not the one within it). */
    corpus_walk_options follow = {.follow_outside_symlinks = 1};
    assert_int_equal(corpus_walk_with(root, &follow, log_file, log_warn,
                                      &log), 0);
    const char *all[] = {"a.txt", "other/e.txt", "sub/b.txt"};
    assert_int_equal(log.nfiles, 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(log.files[i], all[i]);
    assert_int_equal(log.nwarns, 1);                /* broken.txt */
    log_free(&log);
    free(root);
}

/* How the walk reports a symlink whose target lies inside the root. */
#define LINK_WALKED "symlink within the corpus root, not followed: its " \
                    "target is walked under its own path"

/* Expect the ignore log to be exactly `want` ("relpath|reason"). */
static void expect_ignored(const ignore_log *il, const char *const *want,
                           size_t n)
{
    assert_int_equal(il->n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(il->ignored[i], want[i]);
}

/* A symlink whose target lies inside the root is not followed: each file
 * is visited once, at its real path (the one the walk reaches crossing no
 * symlink), whether the link's name sorts before or after its target's,
 * for a link to a sibling directory, to a file, to a file of another
 * directory, absolute or relative, and also when the root itself is
 * given through a symlink. The link is ignored (listed with the reason),
 * not warned about. */
static void test_walk_links_inside_root(void **state)
{
    const char *dir = *state;
    char *root = join(dir, "root");
    tu_write_file(root, "2024-10/a.txt", "x\n", 2);
    tu_write_file(root, "2024-11/b.txt", "x\n", 2);
    tu_write_file(root, "2024/a.txt", "x\n", 2);
    make_symlink("2024-11", root, "0current");      /* sorts before it */
    make_symlink("2024-11", root, "current");       /* sorts after it */
    make_symlink("2024/a.txt", root, "latest.txt"); /* to a file */
    make_symlink("../2024-10/a.txt", root, "2024-11/also.txt");
    char *abs = join(root, "2024");
    make_symlink(abs, root, "year");                /* absolute */
    free(abs);
    make_symlink("root", dir, "via");               /* the root, linked */
    char *via = join(dir, "via");

    const char *want[] = {"2024/a.txt", "2024-10/a.txt", "2024-11/b.txt"};
    const char *ignored[] = {"0current|" LINK_WALKED,
                             "2024-11/also.txt|" LINK_WALKED,
                             "current|" LINK_WALKED,
                             "latest.txt|" LINK_WALKED,
                             "year|" LINK_WALKED};
    const char *roots[] = {root, via};
    for (size_t k = 0; k < 2; k++) {
        ignore_log il;
        walk_with(roots[k], NULL, 0, NULL, 0, &il);  /* asserts no warning */
        assert_int_equal(il.files.nfiles, 3);
        for (size_t i = 0; i < 3; i++)
            assert_string_equal(il.files.files[i], want[i]);
        expect_ignored(&il, ignored, 5);
        ilog_free(&il);
    }
    free(via);
    free(root);
}

/* A symlink within the root whose target the walk would not read at its
 * own path is followed, as before symlinks within the root were judged:
 * a hidden directory (git-annex keeps its files in .git/annex), a target
 * --exclude leaves out or no --include keeps (published/x.txt ->
 * ../drafts/x.txt with --exclude drafts), a file whose name is of another
 * kind (index.html -> ../store/page-1, which has no extension). Its files
 * are then visited under the link's path, once. */
static void test_walk_links_inside_root_left_out(void **state)
{
    const char *dir = *state;
    char *root = join(dir, "root");
    tu_write_file(root, "2024-10/a.txt", "x\n", 2);
    tu_write_file(root, "2024-11/b.txt", "x\n", 2);
    tu_write_file(root, ".releases/r1/c.txt", "x\n", 2);
    tu_write_file(root, "store/page-1", "x\n", 2);
    make_symlink("2024-10", root, "old");
    make_symlink("../2024-10/a.txt", root, "2024-11/also.txt");
    make_symlink(".releases/r1", root, "release");
    char *site = join(root, "site");
    assert_int_equal(mkdir(site, 0755), 0);
    free(site);
    make_symlink("../store/page-1", root, "site/index.html");

    ignore_log il;
    walk_with(root, NULL, 0, NULL, 0, &il);
    const char *files[] = {"2024-10/a.txt", "2024-11/b.txt", "release/c.txt",
                           "site/index.html", "store/page-1"};
    assert_int_equal(il.files.nfiles, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(il.files.files[i], files[i]);
    const char *hidden[] = {".releases|hidden directory, not entered",
                            "2024-11/also.txt|" LINK_WALKED,
                            "old|" LINK_WALKED};
    expect_ignored(&il, hidden, 3);
    ilog_free(&il);

    const char *exc[] = {"2024-10", "store"};
    walk_with(root, NULL, 0, exc, 2, &il);
    const char *kept[] = {"2024-11/also.txt", "2024-11/b.txt", "old/a.txt",
                          "release/c.txt", "site/index.html"};
    assert_int_equal(il.files.nfiles, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(il.files.files[i], kept[i]);
    ilog_free(&il);

    /* the link is kept by the include, its target is not */
    const char *inc[] = {"2024-11"};
    walk_with(root, inc, 1, NULL, 0, &il);
    assert_int_equal(il.files.nfiles, 2);
    assert_string_equal(il.files.files[0], "2024-11/also.txt");
    assert_string_equal(il.files.files[1], "2024-11/b.txt");
    ilog_free(&il);
    free(root);
}

/* With follow_outside_symlinks a link leaving the root is followed, but a
 * link found out there that leads back into the root is not: the walk
 * reaches its target at its own path. */
static void test_walk_follow_outside_not_back_in(void **state)
{
    const char *dir = *state;
    char *root = join(dir, "root");
    tu_write_file(root, "in/a.txt", "x\n", 2);
    tu_write_file(dir, "outside/x.txt", "x\n", 2);
    make_symlink("../outside", root, "out");
    make_symlink("../root/in", dir, "outside/back");

    ignore_log il = {.root = root};
    corpus_walk_options o = {.follow_outside_symlinks = 1,
                             .on_ignored = ilog_ignored};
    assert_int_equal(corpus_walk_with(root, &o, ilog_file, log_warn, &il), 0);
    assert_int_equal(il.files.nwarns, 0);
    assert_int_equal(il.files.nfiles, 2);
    assert_string_equal(il.files.files[0], "in/a.txt");
    assert_string_equal(il.files.files[1], "out/x.txt");
    const char *back[] = {"out/back|" LINK_WALKED};
    expect_ignored(&il, back, 1);
    ilog_free(&il);
    free(root);
}

/* How the walk reports a symlink within the root to a directory it is in. */
#define LINK_ENCLOSING "symlink within the corpus root, not followed: it " \
                       "leads to a directory it is in, which is being walked"

/* A symlink within the root to the root or to a directory holding the
 * link (`self -> .`, `x/up -> ..`, `x/y/back -> ../..`, absolute too, and
 * in a directory reached through a followed link) leads to a directory
 * the walk is in: it is not followed and only listed as ignored, each
 * file visited once at its own path, no warning (it was a "directory
 * loop" warning, which made every nightly run exit 1). A link out of the
 * root to a directory holding it is a real loop: skipped as leaving the
 * root, and with follow_outside_symlinks the root met again below it is
 * warned about and not entered. */
static void test_walk_links_to_enclosing_dirs(void **state)
{
    const char *dir = *state;
    char *root = join(dir, "root");
    tu_write_file(root, "a.txt", "x\n", 2);
    tu_write_file(root, "x/b.txt", "x\n", 2);
    tu_write_file(root, "x/y/c.txt", "x\n", 2);
    tu_write_file(root, ".drafts/d/d.txt", "x\n", 2);
    make_symlink(".", root, "self");
    make_symlink("..", root, "x/up");
    make_symlink("../..", root, "x/y/back");
    make_symlink("..", root, "x/y/upx");
    make_symlink(root, root, "x/abs");                /* absolute */
    make_symlink(".drafts/d", root, "pub");           /* followed: hidden */
    make_symlink(".", root, ".drafts/d/here");
    make_symlink("root", dir, "via");                 /* the root, linked */
    char *via = join(dir, "via");

    const char *want[] = {"a.txt", "pub/d.txt", "x/b.txt", "x/y/c.txt"};
    const char *ignored[] = {".drafts|hidden directory, not entered",
                             "pub/here|" LINK_ENCLOSING,
                             "self|" LINK_ENCLOSING,
                             "x/abs|" LINK_ENCLOSING,
                             "x/up|" LINK_ENCLOSING,
                             "x/y/back|" LINK_ENCLOSING,
                             "x/y/upx|" LINK_ENCLOSING};
    const char *roots[] = {root, via};
    for (size_t k = 0; k < 2; k++) {
        ignore_log il;
        walk_with(roots[k], NULL, 0, NULL, 0, &il);  /* asserts no warning */
        assert_int_equal(il.files.nfiles, 4);
        for (size_t i = 0; i < 4; i++)
            assert_string_equal(il.files.files[i], want[i]);
        expect_ignored(&il, ignored, 7);
        ilog_free(&il);
    }

    /* out of the root, to the directory holding it: a real loop */
    char *outer = join(dir, "outer");
    char *root2 = join(outer, "root2");
    tu_write_file(outer, "note.txt", "x\n", 2);
    tu_write_file(root2, "s/in.txt", "x\n", 2);
    make_symlink("..", root2, "up");
    walk_log log = {0};
    assert_int_equal(corpus_walk(root2, log_file, log_warn, &log), 0);
    assert_int_equal(log.nfiles, 1);
    assert_string_equal(log.files[0], "s/in.txt");
    assert_int_equal(log.nwarns, 1);
    char *p = join(root2, "up");
    assert_non_null(strstr(log.warns[0], p));
    assert_non_null(strstr(log.warns[0], "symlink leaves the corpus root"));
    free(p);
    log_free(&log);

    corpus_walk_options follow = {.follow_outside_symlinks = 1};
    assert_int_equal(corpus_walk_with(root2, &follow, log_file, log_warn,
                                      &log), 0);
    assert_int_equal(log.nfiles, 2);
    assert_string_equal(log.files[0], "s/in.txt");
    assert_string_equal(log.files[1], "up/note.txt");
    assert_int_equal(log.nwarns, 1);
    p = join(root2, "up/root2");
    assert_non_null(strstr(log.warns[0], p));
    assert_non_null(strstr(log.warns[0], "directory loop"));
    free(p);
    log_free(&log);
    free(root2);
    free(outer);
    free(via);
    free(root);
}

static void test_walk_root_is_file(void **state)
{
    const char *dir = *state;
    tu_write_file(dir, "sub/one.txt", "x\n", 2);
    char *root = join(dir, "sub/one.txt");

    walk_log log = {0};
    assert_int_equal(corpus_walk(root, log_file, log_warn, &log), 0);
    assert_int_equal(log.nfiles, 1);
    assert_string_equal(log.files[0], "one.txt");
    assert_string_equal(log.paths[0], root);
    log_free(&log);
    free(root);

    /* Named explicitly, a file is visited whatever its extension. */
    tu_write_file(dir, "notes.doc", "x\n", 2);
    root = join(dir, "notes.doc");
    assert_int_equal(corpus_walk(root, log_file, log_warn, &log), 0);
    assert_int_equal(log.nfiles, 1);
    assert_string_equal(log.files[0], "notes.doc");
    log_free(&log);
    free(root);
}

static void test_walk_bad_root(void **state)
{
    const char *dir = *state;
    char *root = join(dir, "missing");
    walk_log log = {0};
    errno = 0;
    assert_int_equal(corpus_walk(root, log_file, log_warn, &log), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(log.nfiles, 0);
    free(root);
}

static void test_walk_stop(void **state)
{
    const char *dir = *state;
    tu_write_file(dir, "a.txt", "x\n", 2);
    tu_write_file(dir, "b/b.txt", "x\n", 2);
    tu_write_file(dir, "c.txt", "x\n", 2);

    walk_log log = {.stop_after = 2};
    assert_int_equal(corpus_walk(dir, log_file, log_warn, &log), 7);
    assert_int_equal(log.nfiles, 2);
    assert_string_equal(log.files[1], "b/b.txt");
    log_free(&log);
}

typedef struct unreadable_walk {
    const char *dir, *locked;
    int files, warns, permission_warned;
    char last[64];
} unreadable_walk;

static int note_file(const corpus_file *f, void *ctx)
{
    unreadable_walk *w = ctx;
    w->files++;
    snprintf(w->last, sizeof w->last, "%s", f->relpath);
    return 0;
}

static void note_warning(const char *path, const char *reason, void *ctx)
{
    unreadable_walk *w = ctx;
    w->warns++;
    w->permission_warned += strcmp(path, w->locked) == 0 &&
                            strstr(reason, "Permission denied") != NULL;
}

/* Walk w->dir without cmocka assertions (it may run in a child); 0 when
 * the locked directory was warned about and skipped, the rest walked. */
static int walk_around_locked(void *ctx)
{
    unreadable_walk *w = ctx;
    int rc = corpus_walk(w->dir, note_file, note_warning, w);
    return !(rc == 0 && w->files == 2 && strcmp(w->last, "z.txt") == 0 &&
             w->warns == 1 && w->permission_warned == 1);
}

/* A directory that cannot be listed is warned about and skipped; the walk
 * goes on (as user nobody when the tests run as root, who could list it). */
static void test_walk_unreadable_dir(void **state)
{
    const char *dir = *state;
    tu_write_file(dir, "a.txt", "x\n", 2);
    tu_write_file(dir, "locked/secret.txt", "x\n", 2);
    tu_write_file(dir, "z.txt", "x\n", 2);
    char *locked = join(dir, "locked");
    assert_int_equal(chmod(locked, 0), 0);
    unreadable_walk w = {.dir = dir, .locked = locked};
    int rc = tu_as_unprivileged(dir, walk_around_locked, &w);
    assert_int_equal(chmod(locked, 0755), 0);
    free(locked);
    assert_int_equal(rc, 0);
}

/* Called for each file; the first one uses up every descriptor. */
static int exhaust_on_first(const corpus_file *f, void *ctx)
{
    int rc = log_file(f, ctx);
    if (((walk_log *)ctx)->nfiles == 1)
        assert_true(tu_exhaust_fds() > 0);
    return rc;
}

/* Out of descriptors, a directory is not "unreadable" (its articles would
 * be kept and the run reported as having skipped something): the walk
 * fails with EMFILE. */
static void test_walk_out_of_descriptors(void **state)
{
    const char *dir = *state;
    tu_write_file(dir, "a.txt", "x\n", 2);
    tu_write_file(dir, "sub/b.txt", "x\n", 2);
    walk_log log = {0};
    int rc = corpus_walk(dir, exhaust_on_first, log_warn, &log);
    int e = errno;
    tu_release_fds();
    assert_int_equal(rc, -1);
    assert_int_equal(e, EMFILE);
    assert_int_equal(log.nfiles, 1);
    assert_int_equal(log.nwarns, 0);
    log_free(&log);
}

/* Reading a file with no descriptor left: CORPUS_ERR_RESOURCES (stop the
 * run), not CORPUS_SKIP_UNREADABLE, for plain and gzip files alike. */
static void test_read_out_of_descriptors(void **state)
{
    const char *dir = *state;
    tu_write_file(dir, "plain.txt", "Title\n\nBody.\n", 13);
    tu_write_gzip(dir, "packed.txt.gz", "Title\n\nBody.\n", 13);
    const char *names[] = {"plain.txt", "packed.txt.gz"};
    for (size_t i = 0; i < 2; i++) {
        got_article g = {0};
        char why[256] = "";
        assert_true(tu_exhaust_fds() > 0);
        corpus_status s = read_rel(dir, names[i], 0, &g, why);
        tu_release_fds();
        assert_int_equal(s, CORPUS_ERR_RESOURCES);
        assert_non_null(strstr(why, "Too many open files"));
        assert_int_equal(read_rel(dir, names[i], 0, &g, why), CORPUS_OK);
        got_free(&g);
    }
}

/* corpus_text_size_hint of dir/rel, the walk's size being its size now,
 * asked about any size over `above`. */
static uint64_t size_hint_above(const char *dir, const char *rel,
                                uint64_t above)
{
    char *path = join(dir, rel);
    struct stat st;
    corpus_file f = {.root = dir, .path = path, .relpath = rel};
    if (stat(path, &st) == 0)
        f.size = (uint64_t)st.st_size;
    else
        f.size = 12345;   /* gone since the walk */
    uint64_t size = corpus_text_size_hint(&f, above);
    free(path);
    return size;
}

static uint64_t size_hint(const char *dir, const char *rel)
{
    return size_hint_above(dir, rel, 0);
}

/* The bytes of text a file holds, to schedule its reading: a ".gz"
 * counted as inflated (its trailer), not as the few bytes on disk that
 * let two workers hold two 50 MB lines at once (test_shards,
 * test_huge_gz_lines_memory_is_bounded); never more than a trailer can
 * be true of, and the size on disk for anything unreadable. */
static void test_text_size_hint(void **state)
{
    const char *dir = *state;
    size_t n = 100000;
    char *text = malloc(n);
    assert_non_null(text);
    memset(text, 'a', n);
    tu_write_file(dir, "plain.txt", text, n);
    assert_int_equal(size_hint(dir, "plain.txt"), n);
    tu_write_gzip(dir, "packed.txt.gz", text, n);
    assert_int_equal(size_hint(dir, "packed.txt.gz"), n);
    /* one too small to inflate past what is asked about is not opened */
    size_t packed = 0;
    free(read_whole(tu_path_in(dir, "packed.txt.gz"), &packed));
    assert_int_equal(size_hint_above(dir, "packed.txt.gz", 1032 * packed),
                     packed);
    assert_int_equal(size_hint_above(dir, "packed.txt.gz",
                                     1032 * packed - 1), n);
    /* gzip data under another name is not read as such */
    tu_write_gzip(dir, "packed.txt", text, n);
    size_t disk = 0;
    char *gz = read_whole(tu_path_in(dir, "packed.txt"), &disk);
    assert_true(disk < 1000);
    assert_int_equal(size_hint(dir, "packed.txt"), disk);
    /* a short text inflates to less than its file */
    tu_write_gzip(dir, "short.txt.gz", "Hi\n", 3);
    size_t short_disk = 0;
    free(read_whole(tu_path_in(dir, "short.txt.gz"), &short_disk));
    assert_int_equal(size_hint(dir, "short.txt.gz"), short_disk);
    /* several members: the last one's size, at least the file's */
    char *two = malloc(disk + short_disk);
    assert_non_null(two);
    memcpy(two, gz, disk);
    char *tail = read_whole(tu_path_in(dir, "short.txt.gz"), &short_disk);
    memcpy(two + disk, tail, short_disk);
    tu_write_file(dir, "two.txt.gz", two, disk + short_disk);
    assert_int_equal(size_hint(dir, "two.txt.gz"), disk + short_disk);
    memcpy(two, tail, short_disk);
    memcpy(two + short_disk, gz, disk);
    tu_write_file(dir, "two.txt.gz", two, disk + short_disk);
    assert_int_equal(size_hint(dir, "two.txt.gz"), n);
    /* a trailer claiming more than deflate can give: the size on disk */
    memset(gz + disk - 4, 0xff, 4);
    tu_write_file(dir, "damaged.txt.gz", gz, disk);
    assert_int_equal(size_hint(dir, "damaged.txt.gz"), disk);
    /* too short to have a trailer, one vanished: the walk's size */
    tu_write_file(dir, "tiny.txt.gz", "\x1f\x8b\x08\0\xff\xff\xff\x7f", 8);
    assert_int_equal(size_hint(dir, "tiny.txt.gz"), 8);
    assert_int_equal(size_hint(dir, "gone.txt.gz"), 12345);
    free(tail);
    free(two);
    free(gz);
    free(text);
}

/* ---------------------------------------------------------- .txt format */

static void test_txt_no_header(void **state)
{
    got_article g = {0};
    char why[256];
    corpus_status s = write_read(*state, "business/001.txt",
        "Ad sales boost Time Warner profit\n"
        "\n"
        "Quarterly profits at US media giant TimeWarner jumped 76%.\n"
        "\n"
        "The firm, which is now one of the biggest investors in Google.\n"
        "\n\n",
        &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(why, "");
    assert_int_equal(g.count, 1);
    assert_string_equal(g.id, "business/001.txt");
    assert_string_equal(g.title, "Ad sales boost Time Warner profit");
    assert_string_equal(g.body,
        "Quarterly profits at US media giant TimeWarner jumped 76%.\n"
        "\n"
        "The firm, which is now one of the biggest investors in Google.");
    assert_null(g.date);
    assert_null(g.author);
    assert_null(g.source);
    assert_null(g.url);
    assert_int_equal(g.ntags, 0);
    got_free(&g);
}

static void test_txt_header_block(void **state)
{
    got_article g = {0};
    char why[256];
    corpus_status s = write_read(*state, "a.txt",
        "Title:  Council approves new bridge \n"
        "date: 2023-11-05\n"
        "AUTHOR: Jo Smith\n"
        "Source: Gazette Wire\n"
        "URL: https://example.org/news/bridge?id=1\n"
        "Tags: local, transport\n"
        "\n"
        "\n"
        "First paragraph: with a colon.\n"
        "\n"
        "Second paragraph.\n",
        &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Council approves new bridge");
    /* With a Title: header, all the rest is body. */
    assert_string_equal(g.body,
                        "First paragraph: with a colon.\n\nSecond paragraph.");
    assert_string_equal(g.date, "2023-11-05");
    assert_string_equal(g.author, "Jo Smith");
    assert_string_equal(g.source, "Gazette Wire");
    assert_string_equal(g.url, "https://example.org/news/bridge?id=1");
    assert_string_equal(g.tags, "local|transport");
    got_free(&g);
}

static void test_txt_header_without_title(void **state)
{
    got_article g = {0};
    char why[256];
    corpus_status s = write_read(*state, "a.txt",
        "Date: 2024-02-29\n"
        "\n"
        "\n"
        "  Leap day brings extra shift  \n"
        "Body line.\n",
        &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.date, "2024-02-29");
    assert_string_equal(g.title, "Leap day brings extra shift");
    assert_string_equal(g.body, "Body line.");
    got_free(&g);
}

static void test_txt_not_a_header(void **state)
{
    got_article g = {0};
    char why[256];

    /* Unknown key: the first line is the title. */
    corpus_status s = write_read(*state, "a.txt",
        "Update: storm closes schools\n\nAll schools are shut.\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Update: storm closes schools");
    assert_string_equal(g.body, "All schools are shut.");
    assert_null(g.date);
    got_free(&g);

    /* A known header followed by a non-header line before the blank one. */
    s = write_read(*state, "b.txt",
        "Date: yesterday\nsomething else\n\nBody.\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Date: yesterday");
    assert_string_equal(g.body, "something else\n\nBody.");
    assert_null(g.date);
    got_free(&g);

    /* Header-looking lines with no blank line after them, but no known
     * key: text. */
    s = write_read(*state, "c.txt", "Slug: the wire\nBy: me\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Slug: the wire");
    assert_string_equal(g.body, "By: me");
    assert_null(g.source);
    got_free(&g);

    /* Leading blank lines: no header, title is the first non-empty line. */
    s = write_read(*state, "d.txt", "\n\n  \nTitle: not a header\n\nBody\n",
                   &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Title: not a header");
    assert_string_equal(g.body, "Body");
    got_free(&g);
}

/* A header block may hold keys Gazette does not know (Slug:, Category:,
 * Link:): with one known key among "Key: value" lines, those lines are
 * left out, neither metadata nor body. A first line that only looks like
 * one ("Note: ...", a transcript's "Q:"/"A:") stays text. */
static void test_txt_header_unknown_keys(void **state)
{
    got_article g = {0};
    char why[256];
    corpus_status s = write_read(*state, "slug.txt",
        "Title: Known plus slug\n"
        "Slug: port-strike\n"
        "Date: 2024-04-02\n"
        "X-Category_2: Business\n"
        "By: Maria Gomez\n"
        "Link: https://x.example/b\n"
        "\n"
        "Body slugword.\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Known plus slug");
    assert_string_equal(g.date, "2024-04-02");
    /* the lines of other keys are text, not lost: first in the body */
    assert_string_equal(g.body, "Slug: port-strike\n"
                                "X-Category_2: Business\n"
                                "By: Maria Gomez\n"
                                "Link: https://x.example/b\n\n"
                                "Body slugword.");
    assert_null(g.author);
    assert_null(g.url);
    got_free(&g);
    /* a dateline under the header, and no Title: the first such line is
     * the title */
    s = write_read(*state, "dateline.txt",
        "Date: 2024-03-05\n"
        "ISLAMABAD: The prime minister left for Beijing.\n"
        "Q: Why?\n"
        "\n"
        "Second paragraph.\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title,
                        "ISLAMABAD: The prime minister left for Beijing.");
    assert_string_equal(g.date, "2024-03-05");
    assert_string_equal(g.body, "Q: Why?\n\nSecond paragraph.");
    got_free(&g);

    /* no known key: text */
    s = write_read(*state, "note.txt",
        "Note: the minister said\n\nShe will resign.\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Note: the minister said");
    assert_string_equal(g.body, "She will resign.");
    got_free(&g);
    s = write_read(*state, "qa.txt",
        "Q: Where were you?\nA: At home.\n\nThe interview went on.\n", &g,
        why);
    assert_string_equal(g.title, "Q: Where were you?");
    assert_string_equal(g.body, "A: At home.\n\nThe interview went on.");
    got_free(&g);

    /* a line whose "key" is not one word, or a URL: not a header block */
    s = write_read(*state, "note2.txt",
        "Title: Budget\nEditor's note: corrected on Tuesday.\n\nBody.\n", &g,
        why);
    assert_string_equal(g.title, "Title: Budget");
    assert_string_equal(g.body, "Editor's note: corrected on Tuesday.\n\n"
                                "Body.");
    got_free(&g);
    s = write_read(*state, "url.txt",
        "Date: 2024-04-02\nhttps://example.org/a\n\nBody.\n", &g, why);
    assert_string_equal(g.title, "Date: 2024-04-02");
    assert_null(g.date);
    got_free(&g);
}

/* A header block of ours that has a line a mail header block has too
 * (a byline "From: Cairo bureau", a "Subject:") stays ours when it has a
 * key no mail has (Title, Author, Source, URL, Tags): that line is text,
 * first in the body. A message saved as .txt (From, Subject, Date,
 * Message-ID: no key of ours but Date) is still read as mail. */
static void test_txt_header_with_mail_keys(void **state)
{
    got_article g = {0};
    char why[256];
    corpus_status s = write_read(*state, "leak.txt",
        "Title: Minister resigns over leak\n"
        "Author: Jo Bloggs\n"
        "From: Cairo bureau\n"
        "Date: 2023-11-03\n"
        "\n"
        "The minister resigned on Friday.\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Minister resigns over leak");
    assert_string_equal(g.author, "Jo Bloggs");
    assert_string_equal(g.date, "2023-11-03");
    assert_string_equal(g.body, "From: Cairo bureau\n\n"
                                "The minister resigned on Friday.");
    got_free(&g);

    /* each key of ours that no mail has makes the block ours */
    static const char *const ours[] = {"Source: Wire", "URL: https://x.example/a",
                                       "Tags: politics"};
    for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "From: Cairo bureau\nSubject: Leak\n"
                 "%s\n\nHeadline line\n\nBody.\n", ours[i]);
        s = write_read(*state, "ours.txt", text, &g, why);
        assert_int_equal(s, CORPUS_OK);
        assert_string_equal(g.title, "From: Cairo bureau");
        assert_string_equal(g.body, "Subject: Leak\n\nHeadline line\n\n"
                                    "Body.");
        got_free(&g);
    }

    /* a message saved as .txt: mail, its headers no text */
    s = write_read(*state, "saved.txt",
        "From: Ann Writer <ann@example.org>\n"
        "Date: Fri, 3 Nov 2023 10:00:00 +0000\n"
        "Subject: Minister resigns\n"
        "Message-ID: <1@example.org>\n"
        "\n"
        "The minister resigned.\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Minister resigns");
    assert_string_equal(g.author, "Ann Writer");
    assert_string_equal(g.date, "2023-11-03");
    assert_string_equal(g.body, "The minister resigned.");
    got_free(&g);
}

static void test_txt_title_only(void **state)
{
    got_article g = {0};
    char why[256];
    corpus_status s = write_read(*state, "a.txt", "Just a headline", &g,
                                 why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Just a headline");
    assert_string_equal(g.body, "");
    assert_int_equal(g.body_len, 0);
    got_free(&g);

    s = write_read(*state, "b.txt", "Title: Only a title\n\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Only a title");
    assert_string_equal(g.body, "");
    got_free(&g);

    /* Header only, no title and no body. */
    s = write_read(*state, "c.txt", "Date: 2023-01-01\nTags: x\n\n\n", &g,
                   why);
    assert_int_equal(s, CORPUS_SKIP_EMPTY);
    assert_int_equal(g.count, 0);
    assert_non_null(strstr(why, "no title"));
}

/* A file that is only a header block, no blank line after it: a header
 * block all the same (it runs to the end of the file), with or without
 * a final newline, its lines of other keys text. */
static void test_txt_header_to_end(void **state)
{
    got_article g = {0};
    char why[256];
    static const char *const texts[] = {
        "Title: Budget passes\nDate: 2023-11-07\nAuthor: Dana Reporter\n",
        "Title: Budget passes\nDate: 2023-11-07\nAuthor: Dana Reporter",
        "Title: Budget passes\nDate: 2023-11-07\nAuthor: Dana Reporter\n\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        corpus_status s = write_read(*state, "h.txt", texts[i], &g, why);
        assert_int_equal(s, CORPUS_OK);
        assert_string_equal(g.title, "Budget passes");
        assert_string_equal(g.date, "2023-11-07");
        assert_string_equal(g.author, "Dana Reporter");
        assert_string_equal(g.body, "");
        got_free(&g);
    }

    /* a line of another key, last and without a newline: the body */
    corpus_status s = write_read(*state, "slug.txt",
        "Slug: budget\nTitle: Budget passes\nDate: 2023-11-07", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Budget passes");
    assert_string_equal(g.date, "2023-11-07");
    assert_string_equal(g.body, "Slug: budget");
    got_free(&g);
    s = write_read(*state, "dateline.txt",
        "Date: 2023-11-07\nLONDON: Budget passes", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "LONDON: Budget passes");
    assert_string_equal(g.date, "2023-11-07");
    assert_string_equal(g.body, "");
    got_free(&g);

    /* a block that would leave no title is text, as it was: a file of
     * one line such as "Source: a senior official said ..." is that
     * headline, not an article with no title and no body (skipped) */
    s = write_read(*state, "e.txt", "Source: the wire\nAuthor: me\n", &g,
                   why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Source: the wire");
    assert_string_equal(g.body, "Author: me");
    got_free(&g);
    s = write_read(*state, "one.txt",
                   "Source: a senior official said the talks had failed.\n",
                   &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title,
                        "Source: a senior official said the talks had failed.");
    got_free(&g);
}

static void test_txt_tags(void **state)
{
    got_article g = {0};
    char why[256];
    corpus_status s = write_read(*state, "a.txt",
        "Tags: , economy ,, UK Budget,\t tax ,  ,\n\nHeadline\n\nBody\n", &g,
        why);
    assert_int_equal(s, CORPUS_OK);
    assert_int_equal(g.ntags, 3);
    assert_string_equal(g.tags, "economy|UK Budget|tax");
    assert_string_equal(g.title, "Headline");
    got_free(&g);

    /* Only separators: no tags at all. */
    s = write_read(*state, "b.txt", "Tags: , ,\n\nHeadline\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_int_equal(g.ntags, 0);
    got_free(&g);

    /* A single tag without commas. */
    s = write_read(*state, "c.txt", "Tags: sport\n\nHeadline\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_int_equal(g.ntags, 1);
    assert_string_equal(g.tags, "sport");
    got_free(&g);

    /* Several Tags: lines add up, in order (as tags do in .md). */
    s = write_read(*state, "d.txt", "Tags: economy, tax\nTitle: Budget\n"
                   "TAGS: UK\nTags:\n\nBody\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_int_equal(g.ntags, 3);
    assert_string_equal(g.tags, "economy|tax|UK");
    got_free(&g);
}

/* Authors: is the author, as in .md front matter; of two author lines
 * the last counts, as of any other key given twice. */
static void test_txt_authors_key(void **state)
{
    got_article g = {0};
    char why[256];
    corpus_status s = write_read(*state, "a.txt",
        "Title: Budget passes\nAuthors: Jo Bloggs, Dana Reporter\n\n"
        "Body.\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Budget passes");
    assert_string_equal(g.author, "Jo Bloggs, Dana Reporter");
    assert_string_equal(g.body, "Body.");
    got_free(&g);
    /* alone with a byline From:, Authors: makes the block ours */
    s = write_read(*state, "b.txt", "authors: Jo Bloggs\nFrom: Cairo bureau\n"
                   "Subject: x\n\nHeadline\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.author, "Jo Bloggs");
    assert_string_equal(g.title, "From: Cairo bureau");
    got_free(&g);
    s = write_read(*state, "c.txt", "Author: Ann\nAuthors: Jo Bloggs\n\n"
                   "Headline\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.author, "Jo Bloggs");
    got_free(&g);
}

static void test_txt_crlf_and_bom(void **state)
{
    got_article g = {0};
    char why[256];
    corpus_status s = write_read(*state, "a.txt",
        "\xEF\xBB\xBFTitle: Windows file\r\nAuthor: A. N. Other\r\n\r\n"
        "Line one\r\nLine two\r\n\r\nOld Mac line\rend\r\n",
        &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Windows file");
    assert_string_equal(g.author, "A. N. Other");
    assert_string_equal(g.body, "Line one\nLine two\n\nOld Mac line\nend");
    assert_null(strchr(g.body, '\r'));
    got_free(&g);
}

static void test_read_stop(void **state)
{
    got_article g = {.stop = 1};
    char why[256];
    corpus_status s = write_read(*state, "a.txt", "T\n\nB\n", &g, why);
    assert_int_equal(s, CORPUS_STOPPED);
    assert_int_equal(g.count, 1);
    got_free(&g);
}

static void test_read_unsupported(void **state)
{
    got_article g = {0};
    char why[256];
    corpus_status s = write_read(*state, "a.doc", "T\n\nB\n", &g, why);
    assert_int_equal(s, CORPUS_SKIP_UNSUPPORTED);
    assert_int_equal(g.count, 0);
    assert_true(strlen(why) > 0);
}

/* --------------------------------------------------------------- gzip */

static void test_gz_round_trip(void **state)
{
    const char *dir = *state;
    const char *text = "Gzip headline\n\nCompressed body text.\n";
    tu_write_gzip(dir, "a.txt.gz", text, strlen(text));
    got_article g = {0};
    char why[256];
    assert_int_equal(read_rel(dir, "a.txt.gz", 0, &g, why), CORPUS_OK);
    assert_string_equal(g.id, "a.txt.gz");
    assert_string_equal(g.title, "Gzip headline");
    assert_string_equal(g.body, "Compressed body text.");
    got_free(&g);
}

/* Bigger than the first buffer, to exercise growing it. */
static void test_gz_large(void **state)
{
    const char *dir = *state;
    size_t n = 3 * 1024 * 1024;
    char *text = malloc(n + 1);
    assert_non_null(text);
    memcpy(text, "Big\n\n", 5);
    for (size_t i = 5; i < n; i++)
        text[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
    text[n] = '\0';
    tu_write_gzip(dir, "big.txt.gz", text, n);
    tu_write_file(dir, "big.txt", text, n);

    got_article g = {0};
    char why[256];
    assert_int_equal(read_rel(dir, "big.txt.gz", 0, &g, why), CORPUS_OK);
    assert_string_equal(g.title, "Big");
    assert_int_equal(g.body_len, n - 6);    /* last '\n' trimmed */
    assert_memory_equal(g.body, text + 5, g.body_len);
    got_free(&g);
    assert_int_equal(read_rel(dir, "big.txt", 0, &g, why), CORPUS_OK);
    assert_int_equal(g.body_len, n - 6);
    got_free(&g);
    free(text);
}

/* cat a.gz b.gz is one valid gzip file holding both texts. */
static void test_gz_multi_member(void **state)
{
    const char *dir = *state;
    tu_write_gzip(dir, "p1.gz", "Head\n\nOne ", 10);
    tu_write_gzip(dir, "p2.gz", "two\n", 4);
    size_t n1, n2;
    char *p1 = join(dir, "p1.gz"), *p2 = join(dir, "p2.gz");
    char *b1 = read_whole(p1, &n1), *b2 = read_whole(p2, &n2);
    char *both = malloc(n1 + n2);
    assert_non_null(both);
    memcpy(both, b1, n1);
    memcpy(both + n1, b2, n2);
    tu_write_file(dir, "both.txt.gz", both, n1 + n2);

    got_article g = {0};
    char why[256];
    assert_int_equal(read_rel(dir, "both.txt.gz", 0, &g, why), CORPUS_OK);
    assert_string_equal(g.body, "One two");
    got_free(&g);
    free(p1), free(p2), free(b1), free(b2), free(both);
}

static void test_gz_truncated(void **state)
{
    const char *dir = *state;
    char text[4000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)(' ' + (i * 7919) % 95);   /* poorly compressible */
    text[0] = 'T';
    tu_write_gzip(dir, "full.txt.gz", text, sizeof text);

    size_t n;
    char *full = join(dir, "full.txt.gz");
    char *gz = read_whole(full, &n);
    tu_write_file(dir, "half.txt.gz", gz, n / 2);
    tu_write_file(dir, "header-only.txt.gz", gz, 5);

    got_article g = {0};
    char why[256];
    assert_int_equal(read_rel(dir, "full.txt.gz", 0, &g, why), CORPUS_OK);
    got_free(&g);
    assert_int_equal(read_rel(dir, "half.txt.gz", 0, &g, why),
                     CORPUS_SKIP_BAD_GZIP);
    assert_int_equal(g.count, 0);
    assert_non_null(strstr(why, "truncated"));
    assert_int_equal(read_rel(dir, "header-only.txt.gz", 0, &g, why),
                     CORPUS_SKIP_BAD_GZIP);

    /* Only the 8-byte trailer (CRC, length) missing: still truncated. */
    tu_write_file(dir, "notrailer.txt.gz", gz, n - 8);
    assert_int_equal(read_rel(dir, "notrailer.txt.gz", 0, &g, why),
                     CORPUS_SKIP_BAD_GZIP);
    assert_int_equal(g.count, 0);
    free(gz);
    free(full);
}

static void test_gz_corrupt(void **state)
{
    const char *dir = *state;
    char text[4000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)(' ' + (i * 7919) % 95);
    tu_write_gzip(dir, "ok.txt.gz", text, sizeof text);
    size_t n;
    char *path = join(dir, "ok.txt.gz");
    unsigned char *gz = read_whole(path, &n);
    gz[n - 6] ^= 0xFF;                 /* in the trailer's CRC/length */
    tu_write_file(dir, "badcrc.txt.gz", gz, n);
    gz[n - 6] ^= 0xFF;
    gz[3] = 0xE0;                      /* reserved FLG bits */
    tu_write_file(dir, "badflags.txt.gz", gz, n);

    got_article g = {0};
    char why[256];
    assert_int_equal(read_rel(dir, "badcrc.txt.gz", 0, &g, why),
                     CORPUS_SKIP_BAD_GZIP);
    assert_non_null(strstr(why, "corrupt"));
    assert_null(strstr(why, "<fd:"));
    assert_int_equal(read_rel(dir, "badflags.txt.gz", 0, &g, why),
                     CORPUS_SKIP_BAD_GZIP);
    assert_int_equal(g.count, 0);
    free(gz);
    free(path);
}

static void test_gz_not_gzip(void **state)
{
    const char *dir = *state;
    got_article g = {0};
    char why[256];
    tu_write_file(dir, "plain.txt.gz", "Title\n\nNot compressed\n", 22);
    assert_int_equal(read_rel(dir, "plain.txt.gz", 0, &g, why),
                     CORPUS_SKIP_BAD_GZIP);
    assert_string_equal(why, "not gzip data (bad magic)");
    tu_write_file(dir, "empty.txt.gz", "", 0);
    assert_int_equal(read_rel(dir, "empty.txt.gz", 0, &g, why),
                     CORPUS_SKIP_BAD_GZIP);
    assert_int_equal(g.count, 0);
}

static void test_gz_binary(void **state)
{
    const char *dir = *state;
    unsigned char bin[512];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)(i * 31);
    tu_write_gzip(dir, "bin.txt.gz", bin, sizeof bin);
    got_article g = {0};
    char why[256];
    assert_int_equal(read_rel(dir, "bin.txt.gz", 0, &g, why),
                     CORPUS_SKIP_BINARY);
    assert_int_equal(g.count, 0);

    /* A gzip of nothing is an empty file. */
    tu_write_gzip(dir, "nothing.txt.gz", "", 0);
    assert_int_equal(read_rel(dir, "nothing.txt.gz", 0, &g, why),
                     CORPUS_SKIP_EMPTY);
}

/* ------------------------------------------------- binary, size, empty */

static void test_binary_nul(void **state)
{
    got_article g = {0};
    char why[256];
    tu_write_file(*state, "nul.txt", "Title\n\nbody\0more\n", 17);
    assert_int_equal(read_rel(*state, "nul.txt", 0, &g, why),
                     CORPUS_SKIP_BINARY);
    assert_string_equal(why, "binary data (NUL byte at offset 11)");
    assert_int_equal(g.count, 0);
}

static void test_binary_png(void **state)
{
    /* A PNG signature and the start of its IHDR chunk. */
    static const unsigned char png[] = {
        0x89, 'P',  'N',  'G',  0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00,
        0x0D, 'I',  'H',  'D',  'R',  0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x08, 0x06, 0x00, 0x00, 0x00, 0x5C, 0x72, 0xA8, 0x66,
    };
    got_article g = {0};
    char why[256];
    tu_write_file(*state, "image.txt", png, sizeof png);
    assert_int_equal(read_rel(*state, "image.txt", 0, &g, why),
                     CORPUS_SKIP_BINARY);
    assert_int_equal(g.count, 0);
}

static void test_binary_other(void **state)
{
    got_article g = {0};
    char why[256];

    /* UTF-16LE with a BOM: NULs, reported as UTF-16. */
    tu_write_file(*state, "u16.txt", "\xFF\xFEH\0i\0\n\0", 8);
    assert_int_equal(read_rel(*state, "u16.txt", 0, &g, why),
                     CORPUS_SKIP_BINARY);
    assert_non_null(strstr(why, "UTF-16"));

    /* No NUL, but mostly control bytes. */
    char junk[200];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i % 3 ? 1 + i % 8 : 'x');
    tu_write_file(*state, "ctrl.txt", junk, sizeof junk);
    assert_int_equal(read_rel(*state, "ctrl.txt", 0, &g, why),
                     CORPUS_SKIP_BINARY);
    assert_non_null(strstr(why, "control"));

    /* One DOS end-of-file mark is still text. */
    tu_write_file(*state, "dos.txt", "Title\r\n\r\nBody\r\n\x1A", 16);
    assert_int_equal(read_rel(*state, "dos.txt", 0, &g, why), CORPUS_OK);
    got_free(&g);
}

static void test_too_large(void **state)
{
    const char *dir = *state;
    got_article g = {0};
    char why[256];
    const char *text = "Headline\n\n0123456789 0123456789\n";   /* 32 */
    assert_int_equal(strlen(text), 32);
    tu_write_file(dir, "a.txt", text, strlen(text));

    assert_int_equal(read_rel(dir, "a.txt", 10, &g, why),
                     CORPUS_SKIP_TOO_LARGE);
    assert_string_equal(why, "file is 32 bytes, over the 10-byte limit");
    assert_int_equal(g.count, 0);

    /* Exactly at the limit is fine. */
    assert_int_equal(read_rel(dir, "a.txt", 32, &g, why), CORPUS_OK);
    got_free(&g);
    assert_int_equal(read_rel(dir, "a.txt", 31, &g, why),
                     CORPUS_SKIP_TOO_LARGE);

    /* Through gzip, the decompressed size counts. */
    tu_write_gzip(dir, "a.txt.gz", text, strlen(text));
    assert_int_equal(read_rel(dir, "a.txt.gz", 32, &g, why), CORPUS_OK);
    got_free(&g);
    assert_int_equal(read_rel(dir, "a.txt.gz", 31, &g, why),
                     CORPUS_SKIP_TOO_LARGE);
    assert_string_equal(why,
                        "decompressed data is over the 31-byte limit");
}

/* A small gzip that inflates to 32 MiB: refused at the 1 MiB limit without
 * inflating it all (the 64 MiB default would accept it). */
static void test_gzip_bomb(void **state)
{
    const char *dir = *state;
    size_t n = 32u << 20;
    char *text = malloc(n);
    assert_non_null(text);
    memset(text, 'a', n);
    memcpy(text, "Bomb\n\n", 6);
    tu_write_gzip(dir, "bomb.txt.gz", text, n);
    free(text);

    got_article g = {0};
    char why[256];
    assert_int_equal(read_rel(dir, "bomb.txt.gz", 1u << 20, &g, why),
                     CORPUS_SKIP_TOO_LARGE);
    assert_string_equal(why,
        "decompressed data is over the 1048576-byte limit");
    assert_int_equal(g.count, 0);
}

static void test_empty(void **state)
{
    got_article g = {0};
    char why[256];
    assert_int_equal(write_read(*state, "empty.txt", "", &g, why),
                     CORPUS_SKIP_EMPTY);
    assert_string_equal(why, "empty file");
    assert_int_equal(write_read(*state, "blank.txt", " \r\n\t\n\n  ", &g, why),
                     CORPUS_SKIP_EMPTY);
    assert_int_equal(write_read(*state, "bom.txt", "\xEF\xBB\xBF\n", &g, why),
                     CORPUS_SKIP_EMPTY);
    assert_int_equal(g.count, 0);
}

static void test_unreadable_missing(void **state)
{
    got_article g = {0};
    char why[256];
    assert_int_equal(read_rel(*state, "gone.txt", 0, &g, why),
                     CORPUS_SKIP_UNREADABLE);
    assert_string_equal(why, "open: No such file or directory");
    assert_int_equal(read_rel(*state, "gone.txt.gz", 0, &g, why),
                     CORPUS_SKIP_UNREADABLE);

    /* A directory named like an article. */
    char *d = join(*state, "dir.txt");
    assert_int_equal(mkdir(d, 0755), 0);
    free(d);
    assert_int_equal(read_rel(*state, "dir.txt", 0, &g, why),
                     CORPUS_SKIP_UNREADABLE);
    assert_int_equal(g.count, 0);
}

typedef struct unreadable_read {
    const char *dir;
    char why[256];
} unreadable_read;

/* Read dir/locked.txt; 0 when it was refused as unreadable for want of
 * permission, as expected. */
static int read_locked(void *ctx)
{
    unreadable_read *r = ctx;
    got_article g = {0};
    corpus_status s = read_rel(r->dir, "locked.txt", 0, &g, r->why);
    got_free(&g);
    return !(s == CORPUS_SKIP_UNREADABLE &&
             strcmp(r->why, "open: Permission denied") == 0);
}

/* A mode-000 file is skipped as unreadable (checked as user nobody when
 * the tests run as root, who could read it). */
static void test_unreadable_mode(void **state)
{
    tu_write_file(*state, "locked.txt", "T\n\nB\n", 5);
    char *p = join(*state, "locked.txt");
    assert_int_equal(chmod(p, 0), 0);
    unreadable_read r = {.dir = *state};
    int rc = tu_as_unprivileged(*state, read_locked, &r);
    chmod(p, 0644);
    free(p);
    assert_int_equal(rc, 0);
}

static void test_why_optional(void **state)
{
    /* why may be NULL with whylen 0, and opts may be NULL. */
    const char *dir = *state;
    tu_write_file(dir, "e.txt", "", 0);
    char *path = join(dir, "e.txt");
    corpus_file f = {.root = dir, .path = path, .relpath = "e.txt"};
    assert_int_equal(corpus_read_file(&f, NULL, grab_article, NULL, NULL, 0),
                     CORPUS_SKIP_EMPTY);
    /* A tiny buffer gets a truncated, terminated reason. */
    char why[6];
    assert_int_equal(corpus_read_file(&f, NULL, grab_article, NULL, why,
                                      sizeof why),
                     CORPUS_SKIP_EMPTY);
    assert_string_equal(why, "empty");
    free(path);
}

/* ------------------------------------------------------------- encoding */

static void test_cp1252_fallback(void **state)
{
    got_article g = {0};
    char why[256];
    /* 0xA3 is £ in Windows-1252 (and Latin-1); 0x93/0x94 curly quotes,
     * 0x96 en dash, 0x80 euro: those four are where it differs. */
    corpus_status s = write_read(*state, "a.txt",
        "Price rise\n\nIt cost \xA3" "15 \x96 a \x93record\x94 \x80" "5.\n",
        &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Price rise");
    assert_string_equal(g.body, "It cost \xC2\xA3" "15 \xE2\x80\x93 a "
                                "\xE2\x80\x9Crecord\xE2\x80\x9D "
                                "\xE2\x82\xAC" "5.");
    assert_true(corpus_utf8_valid(g.body, g.body_len));
    got_free(&g);

    /* Valid UTF-8 is left alone. */
    s = write_read(*state, "b.txt", "Caf\xC3\xA9\n\n\xC2\xA3" "5\n", &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Caf\xC3\xA9");
    assert_string_equal(g.body, "\xC2\xA3" "5");
    got_free(&g);

    /* UTF-8 with more Windows-1252 curly quotes pasted in than accents
     * keeps its accents: the title and body read "ZÃ¼rich" before. */
    s = write_read(*state, "c.txt",
        "Z\xC3\xBCrich talks resume\n\nDelegates met in Z\xC3\xBCrich on "
        "Monday. The minister said \x93we are close\x94 and \x93hopeful\x94.\n",
        &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "Z\xC3\xBCrich talks resume");
    assert_string_equal(g.body, "Delegates met in Z\xC3\xBCrich on Monday. "
        "The minister said \xE2\x80\x9Cwe are close\xE2\x80\x9D and "
        "\xE2\x80\x9Chopeful\xE2\x80\x9D.");
    got_free(&g);

    /* A Windows-1252 file whose only letter beyond ASCII is an ß before a
     * quote: its "\xDF\x93" was read as the NKo letter U+07D3. */
    s = write_read(*state, "d.txt", "\x84" "Fu\xDF\x93 ist kurz\n\nText\n",
                   &g, why);
    assert_int_equal(s, CORPUS_OK);
    assert_string_equal(g.title, "\xE2\x80\x9E" "Fu\xC3\x9F\xE2\x80\x9C ist "
                                 "kurz");
    got_free(&g);
}

static void test_utf8_valid(void **state)
{
    (void)state;
#define OK(s) assert_true(corpus_utf8_valid(s, sizeof(s) - 1))
#define BAD(s) assert_false(corpus_utf8_valid(s, sizeof(s) - 1))
    OK("");
    OK("plain ascii");
    OK("\xC2\xA3");                 /* £ */
    OK("\xE2\x82\xAC");             /* € */
    OK("\xED\x9F\xBF");             /* U+D7FF, just below surrogates */
    OK("\xEE\x80\x80");             /* U+E000, just above */
    OK("\xF0\x9F\x93\xB0");         /* U+1F4F0 newspaper */
    OK("\xF4\x8F\xBF\xBF");         /* U+10FFFF */
    BAD("\xC0\x80");                /* overlong NUL */
    BAD("\xC1\xBF");                /* overlong */
    BAD("\xE0\x80\xAF");            /* overlong '/' */
    BAD("\xE0\x9F\xBF");            /* overlong */
    BAD("\xF0\x8F\xBF\xBF");        /* overlong */
    BAD("\xED\xA0\x80");            /* U+D800 surrogate */
    BAD("\xED\xBF\xBF");            /* U+DFFF surrogate */
    BAD("\xF4\x90\x80\x80");        /* above U+10FFFF */
    BAD("\xF5\x80\x80\x80");
    BAD("\xFF");
    BAD("\x80");                    /* lone continuation */
    BAD("a\xA3" "b");               /* cp1252 £ */
    BAD("\xE2\x82");                /* truncated */
    BAD("\xE2\x28\xA1");            /* bad continuation */
#undef OK
#undef BAD
    /* Length is honoured: the bad byte after len is not looked at. */
    assert_true(corpus_utf8_valid("ab\xFF", 2));
}

static void test_cp1252_to_utf8(void **state)
{
    (void)state;
    size_t n = 99;
    char *u = corpus_cp1252_to_utf8("A\x80\x81\x9F\xA0\xE9\xFF", 7, &n);
    assert_non_null(u);
    const char want[] = "A\xE2\x82\xAC\xC2\x81\xC5\xB8\xC2\xA0\xC3\xA9\xC3\xBF";
    assert_int_equal(n, sizeof want - 1);
    assert_memory_equal(u, want, sizeof want);      /* with the NUL */
    assert_true(corpus_utf8_valid(u, n));
    free(u);

    u = corpus_cp1252_to_utf8("", 0, &n);
    assert_non_null(u);
    assert_int_equal(n, 0);
    assert_string_equal(u, "");
    free(u);

    /* Every byte decodes to valid UTF-8. */
    char all[255];
    for (int i = 0; i < 255; i++)
        all[i] = (char)(i + 1);
    u = corpus_cp1252_to_utf8(all, sizeof all, NULL);
    assert_non_null(u);
    assert_true(corpus_utf8_valid(u, strlen(u)));
    free(u);
}

/* UTF-8 with stray bytes keeps its UTF-8 and reads only the stray bytes
 * as Windows-1252; a text whose stray bytes that are Windows-1252 letters
 * are as many as its multibyte characters or more is read all as
 * Windows-1252. Stray punctuation does not count. */
static void test_text_to_utf8(void **state)
{
    (void)state;
    size_t n = 99;
    /* two good sequences, one stray byte */
    char *u = corpus_text_to_utf8("Caf\xC3\xA9 Z\xC3\xBCrich It\x92s", 18, &n);
    assert_non_null(u);
    assert_string_equal(u, "Caf\xC3\xA9 Z\xC3\xBCrich It\xE2\x80\x99s");
    assert_int_equal(n, strlen(u));
    free(u);
    /* a Windows-1252 text with an accidental sequence ("\xDF\x93" is
     * ß before a left quote, and well-formed UTF-8): the legacy reading */
    u = corpus_text_to_utf8("Gru\xDF\x93 f\xFCr \xE4", 11, &n);
    assert_non_null(u);
    assert_string_equal(u, "Gru\xC3\x9F\xE2\x80\x9C f\xC3\xBCr \xC3\xA4");
    free(u);
    /* two good sequences, four stray curly quotes: still UTF-8 */
    u = corpus_text_to_utf8(
        "Z\xC3\xBCrich \x93" "a\x94 \x93" "b\x94 Z\xC3\xBC", 19, &n);
    assert_non_null(u);
    assert_string_equal(u, "Z\xC3\xBCrich \xE2\x80\x9C" "a\xE2\x80\x9D "
                           "\xE2\x80\x9C" "b\xE2\x80\x9D Z\xC3\xBC");
    assert_int_equal(n, strlen(u));
    free(u);
    /* as many stray letters (a pasted Latin-1 "café") as good sequences:
     * the legacy reading */
    u = corpus_text_to_utf8("Z\xC3\xBCrich caf\xE9", 12, &n);
    assert_non_null(u);
    assert_string_equal(u, "Z\xC3\x83\xC2\xBCrich caf\xC3\xA9");
    free(u);
    /* a truncated sequence at the end is a stray byte too */
    u = corpus_text_to_utf8("\xC3\xA9\xC3\xA9\xC3", 5, NULL);
    assert_non_null(u);
    assert_string_equal(u, "\xC3\xA9\xC3\xA9\xC3\x83");
    free(u);
    /* Implausible sequences are no vote for UTF-8 but for Windows-1252,
     * whose letter they start with: a lone character of U+0700..U+07FF
     * (Syriac, Thaana, NKo: "\xDF\x93" is NKo U+07D3, and ß before a left
     * quote), and a C1 control ("\xC2\x92", Â before a right quote). Each
     * file was read as UTF-8 with those characters in it. */
    u = corpus_text_to_utf8("\x84" "Fu\xDF\x93", 5, &n);   /* „Fuß“ */
    assert_non_null(u);
    assert_string_equal(u, "\xE2\x80\x9E" "Fu\xC3\x9F\xE2\x80\x9C");
    assert_int_equal(n, strlen(u));
    free(u);
    u = corpus_text_to_utf8("\x93VOIL\xC2\x92 \xDF\x94", 10, &n);
    assert_non_null(u);
    assert_string_equal(u, "\xE2\x80\x9CVOIL\xC3\x82\xE2\x80\x99 "
                           "\xC3\x9F\xE2\x80\x9D");
    free(u);
    /* NKo words (runs of its letters) are real text: still UTF-8 */
    u = corpus_text_to_utf8("\xDF\x92\xDF\x9E\xDF\x8F \x93", 8, &n);
    assert_non_null(u);
    assert_string_equal(u, "\xDF\x92\xDF\x9E\xDF\x8F \xE2\x80\x9C");
    free(u);
    /* valid UTF-8 comes back as it is, also with a C1 control or a
     * lone NKo letter (no stray byte says it is not UTF-8) */
    u = corpus_text_to_utf8("Mayor\xC2\x92s Fu\xDF\x93", 13, &n);
    assert_non_null(u);
    assert_string_equal(u, "Mayor\xC2\x92s Fu\xDF\x93");
    free(u);
    u = corpus_text_to_utf8("na\xC3\xAFve", 6, &n);
    assert_non_null(u);
    assert_string_equal(u, "na\xC3\xAFve");
    assert_int_equal(n, 6);
    free(u);
}

/* Charset labels as the WHATWG Encoding Standard reads them: case and
 * surrounding white space do not count; the labels browsers read as a
 * larger code page are that code page; unknown labels are NULL. */
static void test_encoding_labels(void **state)
{
    (void)state;
    static const struct {
        const char *label, *name;
    } known[] = {
        {"utf-8", "UTF-8"}, {"UTF8", "UTF-8"}, {"utf-16", "UTF-8"},
        {"utf-16le", "UTF-8"}, {"iso-8859-1", "windows-1252"},
        {"Latin1", "windows-1252"}, {"us-ascii", "windows-1252"},
        {"x-user-defined", "windows-1252"}, {" cp1251\t", "windows-1251"},
        {"iso-8859-9", "windows-1254"}, {"tis-620", "windows-874"},
        {"gb2312", "GBK"}, {"GB_2312-80", "GBK"}, {"gb18030", "gb18030"},
        {"Shift_JIS", "Shift_JIS"}, {"sjis", "Shift_JIS"},
        {"ks_c_5601-1987", "EUC-KR"}, {"koi", "KOI8-R"},
        {"iso-8859-8-i", "ISO-8859-8-I"}, {"big5-hkscs", "Big5"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        const corpus_encoding *e =
            corpus_encoding_for_label(known[i].label, strlen(known[i].label));
        if (!e || strcmp(e->name, known[i].name) != 0)
            fail_msg("%s: %s, want %s", known[i].label, e ? e->name : "NULL",
                     known[i].name);
        /* every converter named is one iconv has */
        if (e->iconv) {
            iconv_t cd = iconv_open("UTF-8", e->iconv);
            assert_true(cd != (iconv_t)-1);
            iconv_close(cd);
        }
    }
    static const char *const unknown[] = {"", "  ", "utf-7", "iso-2022-kr",
                                          "hz-gb-2312", "latin 1", "utf-8x",
                                          "a-label-longer-than-any-known"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        assert_null(corpus_encoding_for_label(unknown[i],
                                              strlen(unknown[i])));
    /* the length counts, not a NUL */
    assert_non_null(corpus_encoding_for_label("koi8-rXYZ", 6));
}

/* iconv(3) to UTF-8: the text, or why not; never past the cap. */
static void test_iconv_to_utf8(void **state)
{
    (void)state;
    char *out = (char *)1;
    size_t n = 99;
    /* "Москва" in windows-1251 */
    assert_int_equal(corpus_iconv_to_utf8("CP1251", "\xCC\xEE\xF1\xEA\xE2"
                                          "\xE0", 6, 18, &out, &n),
                     CORPUS_ICONV_OK);
    assert_string_equal(out, "Москва");
    assert_int_equal(n, 12);
    free(out);
    /* 12 bytes do not fit in 11; the buffer grows from its first guess */
    assert_int_equal(corpus_iconv_to_utf8("CP1251", "\xCC\xEE\xF1\xEA\xE2"
                                          "\xE0", 6, 11, &out, &n),
                     CORPUS_ICONV_TOO_BIG);
    assert_null(out);
    char big[4000];
    memset(big, '\xE9', sizeof big);            /* é: 2 bytes each */
    assert_int_equal(corpus_iconv_to_utf8("CP1252", big, sizeof big,
                                          3 * sizeof big, &out, &n),
                     CORPUS_ICONV_OK);
    assert_int_equal(n, 2 * sizeof big);
    assert_true(corpus_utf8_valid(out, n));
    free(out);
    /* a lead byte without its trail byte, in the middle and at the end */
    assert_int_equal(corpus_iconv_to_utf8("CP932", "a\x93 b", 4, 12, &out,
                                          &n), CORPUS_ICONV_INVALID);
    assert_null(out);
    assert_int_equal(corpus_iconv_to_utf8("CP932", "ab\x93", 3, 9, &out,
                                          &n), CORPUS_ICONV_INVALID);
    assert_int_equal(corpus_iconv_to_utf8("NO-SUCH-CHARSET", "ab", 2, 6,
                                          &out, &n), CORPUS_ICONV_UNKNOWN);
    assert_null(out);
    assert_int_equal(corpus_iconv_to_utf8("CP1251", "", 0, 0, &out, &n),
                     CORPUS_ICONV_OK);
    assert_string_equal(out, "");
    assert_int_equal(n, 0);
    free(out);
}

/* HTML's prescan for the declared charset, where it differs from a
 * search for "charset=": comments, other tags' attributes, the pragma,
 * the first 1024 bytes; the label that named it kept, else the first
 * unknown one, printable. */
static void test_html_prescan(void **state)
{
    (void)state;
    static const struct {
        const char *page, *name, *label;
    } cases[] = {
        {"<meta charset=koi8-r>", "KOI8-R", "koi8-r"},
        {"<meta/charset='koi8-r'/>", "KOI8-R", "koi8-r"},
        {"<meta charset=koi8-r/>", NULL, "koi8-r/"},   /* as browsers */
        {"<meta\tcharset = \" Koi8-R\t\">", "KOI8-R", "Koi8-R"},
        {"<metacharset=koi8-r>", NULL, ""},
        {"<!--><meta charset=koi8-r>", "KOI8-R", "koi8-r"},   /* "<!-->" ends */
        {"<!-- x --><meta charset=koi8-r>", "KOI8-R", "koi8-r"},
        {"<!-- <meta charset=koi8-r> -->", NULL, ""},
        {"<p title=\"<meta charset=koi8-r>\">", NULL, ""},
        {"<p title='x><meta charset=koi8-r>", NULL, ""},  /* unterminated */
        {"<!DOCTYPE html><?php x ?></p><meta charset=koi8-r>", "KOI8-R",
         "koi8-r"},
        {"<meta http-equiv=content-type content=\"text/html; "
         "charset=koi8-r\">", "KOI8-R", "koi8-r"},
        {"<meta content='charset =  koi8-r;' http-equiv='Content-Type'>",
         "KOI8-R", "koi8-r"},
        {"<meta content='charset=koi8-r' http-equiv=refresh>", NULL, ""},
        {"<meta content='x' http-equiv=content-type>", NULL, ""},
        {"<meta charset=koi8-r charset=cp1251>", "KOI8-R", "koi8-r"},
        {"<meta content='charset=cp1251' charset=koi8-r "
         "http-equiv=content-type>", "KOI8-R", "koi8-r"},
        {"<meta charset=\"x\x01\xFFz\"><meta charset=no>", NULL, "x??z"},
        {"<meta http-equiv=content-type content='charset=bad'>", NULL, "bad"},
        {"<meta content='charset=bad'>", NULL, ""},
        {"<?xml version=\"1.0\" encoding=\"koi8-r\"?>", "KOI8-R", "koi8-r"},
        {"<?xml version=\"1.0\" encoding=\"ko i8\"?>", NULL, ""},
        {" <?xml encoding='koi8-r'?>", NULL, ""},
        {"<?xml encoding='klingon'?><meta charset=cp1251>", "windows-1251",
         "cp1251"},
        {"", NULL, ""},
        {"<", NULL, ""},
        {"<meta ", NULL, ""},
        {"<meta charset=", NULL, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char label[8] = "junk";
        const corpus_encoding *e = corpus_html_prescan(
            cases[i].page, strlen(cases[i].page), label, sizeof label);
        const char *got = e ? e->name : NULL;
        if (cases[i].name ? !got || strcmp(got, cases[i].name) != 0 : !!got)
            fail_msg("%s: %s, want %s", cases[i].page, got ? got : "NULL",
                     cases[i].name ? cases[i].name : "NULL");
        if (strcmp(label, cases[i].label) != 0)
            fail_msg("%s: label \"%s\"", cases[i].page, label);
    }
    /* the label is cut to fit */
    char small[4];
    assert_null(corpus_html_prescan("<meta charset=klingon>", 22, small,
                                    sizeof small));
    assert_string_equal(small, "kli");
    /* only the first 1024 bytes count */
    char page[1100];
    memset(page, ' ', sizeof page);
    memcpy(page + 1024 - 21, "<meta charset=koi8-r>", 21);
    assert_non_null(corpus_html_prescan(page, sizeof page, small, 4));
    memcpy(page + 1024 - 20, "<meta charset=koi8-r>", 21);
    assert_null(corpus_html_prescan(page, sizeof page, small, 4));
}

/* ------------------------------------------------------------------ dates */

static void test_parse_date(void **state)
{
    (void)state;
    /* the forms: no day is too late (test_date_not_too_late) */
    corpus_date_set_today(9999, 12, 31);
    static const struct {
        const char *text;
        int y, m, d;
    } good[] = {
        {"2023-11-05", 2023, 11, 5},
        {"2023-11-05T10:00:00Z", 2023, 11, 5},
        {"2023-11-05T10:00:00+01:00", 2023, 11, 5},
        {"2023-11-05T23:30:00-05:00", 2023, 11, 5},  /* day as written */
        {"2023-11-05T10:00:00.250Z", 2023, 11, 5},
        {"2023-11-05T10:00:00", 2023, 11, 5},
        {"2023-11-05T10:00", 2023, 11, 5},
        {"2023-11-05 10:00", 2023, 11, 5},
        {"2023-11-05 10:00:59", 2023, 11, 5},
        {"  2023-01-31\n", 2023, 1, 31},
        {"2024-02-29", 2024, 2, 29},                 /* leap year */
        {"2000-02-29", 2000, 2, 29},                 /* 400 rule */
        {"2023-12-31T23:59:60Z", 2023, 12, 31},      /* leap second */
        {"1963-04-30", 1963, 4, 30},
        /* a zone after a blank: Jekyll's front matter, YAML's spaced
         * timestamps, a zone by name; the day stays as written */
        {"2023-11-03 10:00:00 +0100", 2023, 11, 3},
        {"2023-11-03 23:30:00 -0500", 2023, 11, 3},
        {"2023-11-03 10:00:00 +01:00", 2023, 11, 3},
        {"2023-11-03 10:00:00.10 -5", 2023, 11, 3},
        {"2023-11-03 10:00:00 Z", 2023, 11, 3},
        {"2023-11-03 10:00:00 UTC", 2023, 11, 3},
        {"2023-11-03T10:00:00 GMT", 2023, 11, 3},
        {"2023-11-03 10:00 +01:00", 2023, 11, 3},
        {"2023-11-03T10:00:00.123 +01:00", 2023, 11, 3},
        {"2023-11-03\t10:00:00\t+0100", 2023, 11, 3},
        {"2023-11-05  10:00", 2023, 11, 5},          /* YAML: [ \t]+ */
        {"2023-11-03T10:00:00.123Z", 2023, 11, 3},
        {"2023-11-03 10:00:00Z", 2023, 11, 3},
        /* ISO 8601's basic form, as in paths */
        {"20231105", 2023, 11, 5},
        {" 20240229 ", 2024, 2, 29},
        /* and with a time after 'T' (hhmm, hhmmss), as calendars and
         * logs write it */
        {"20231105T1000", 2023, 11, 5},
        {"20231105T100000Z", 2023, 11, 5},
        /* and the time's digits right after the day's, as GDELT writes
         * DATEADDED */
        {"20231105101500", 2023, 11, 5},
        {"202311051015", 2023, 11, 5},
        {"20231231235960", 2023, 12, 31},            /* leap second */
        {"219912312359", 2199, 12, 31},
        /* ISO 8601 week dates: the day of the week-numbering year */
        {"2024-W10-2", 2024, 3, 5},
        {"2024W102", 2024, 3, 5},
        {"2024w102", 2024, 3, 5},
        {"2020-W01-1", 2019, 12, 30},                /* year before */
        {"2025-W01-1", 2024, 12, 30},
        {"2020-W53-7", 2021, 1, 3},                  /* 53 weeks, after */
        {"2026-W53-1", 2026, 12, 28},                /* begins Thursday */
        {"2004-W53-5", 2004, 12, 31},                /* leap, Wednesday */
        {"0001-W01-1", 1, 1, 1},
        {"9999-W52-5", 9999, 12, 31},
        {"2024-W10-2T10:00:00Z", 2024, 3, 5},        /* times as ISO's */
        {"2024-W10-2 10:00 +0100", 2024, 3, 5},
        {"2024W102T1000Z", 2024, 3, 5},
        /* ISO 8601 ordinal dates, extended form */
        {"2024-065", 2024, 3, 5},
        {"2023-065", 2023, 3, 6},
        {"2024-060", 2024, 2, 29},
        {"2024-366", 2024, 12, 31},                  /* leap year */
        {"2023-365", 2023, 12, 31},
        {"2023-001", 2023, 1, 1},
        {"2024-065T10:00:00+01:00", 2024, 3, 5},
        {"0001-001", 1, 1, 1},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int y = 0, m = 0, d = 0;
        if (!corpus_parse_date(good[i].text, &y, &m, &d))
            fail_msg("rejected \"%s\"", good[i].text);
        assert_int_equal(y, good[i].y);
        assert_int_equal(m, good[i].m);
        assert_int_equal(d, good[i].d);
    }

    static const char *const bad[] = {
        "",
        "   ",
        "2023-02-29",                 /* not a leap year */
        "1900-02-29",                 /* 100 rule */
        "2023-04-31",
        "2023-13-01",
        "2023-00-10",
        "2023-01-00",
        "0000-01-01",
        "2023-1-05",
        "23-11-05",
        "2023/11/5",                  /* slashed needs two digits */
        "2023-11-05x",
        "2023-11-05T",
        "2023-11-05T24:00:00Z",
        "2023-11-05T10:60",
        "2023-11-05T10:00:61",
        "2023-11-05T10:00:00+1",
        "2023-11-05T10:00:00+01:",
        "2023-11-05T10:00:00Q",
        "2023-11-05T10:00:00.Z",
        "2023-11-05T 10:00",
        "2023-11-05 10:00:00 +0100 x",
        "2023-11-05 10:00:00 +1:3",
        "2023-11-05 10:00:00 +12:60",
        "2023-11-05 10:00:00 +24",
        "2023-11-05 10:00:00 UTCX",
        "2023-11-05 10:00:00 XYZ",
        "2023-02-30 10:00:00 +0100",
        "2023110",                    /* eight digits, no more or less */
        "202311050",
        "20230229",                   /* a real day */
        "20231301",
        "18991231",                   /* years as in paths: 1900-2199 */
        "22000101",
        "20231105T10",                /* a time needs its minutes */
        "2023110510",                 /* the hour alone */
        "2023110510150",              /* 13 digits */
        "202311051015001",
        "202311052400",               /* hour 24 */
        "202311051060",
        "20231105101561",
        "20231305101500",             /* no such day */
        "18991231101500",             /* the years of eight digits */
        "18991231T100000Z",           /* the years of eight digits */
        "2023 1105",
        "yesterday",
        /* week dates: weeks 1-52, 53 only in a long year, days 1-7 */
        "2024-W54-1",
        "2024-W53-1",                 /* 2024 has 52 weeks */
        "2021-W53-1",
        "2024-W00-1",
        "2024-W10-0",
        "2024-W10-8",
        "9999-W52-6",                 /* in the year 10000 */
        "0000-W52-1",
        "2024W54",
        "2024-W10",                   /* a week, not a day */
        "2024W10",
        "2024-W1-2",
        "2024-W102",                  /* basic and extended mixed */
        "2024W10-2",
        "2024-W10-2x",
        "2024-W10-2T",
        "2024W102T10",
        "2024W1023",
        /* ordinal dates: days 1-365, 366 in a leap year */
        "2023-366",                   /* not a leap year */
        "1900-366",
        "2024-367",
        "2024-000",
        "0000-001",
        "2024-65",
        "2024-0650",
        "2024-065x",
        "2024065",                    /* basic form: seven digits */
        /* a year or a month is not a day */
        "2024",
        "2024-03",
        "202403",
        "March 2024",
        "Mar 2024",
        "2024 March",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int y = -1, m = -1, d = -1;
        if (corpus_parse_date(bad[i], &y, &m, &d))
            fail_msg("accepted \"%s\"", bad[i]);
        /* Outputs untouched on failure. */
        assert_int_equal(y, -1);
        assert_int_equal(m, -1);
        assert_int_equal(d, -1);
    }
    assert_false(corpus_parse_date(NULL, NULL, NULL, NULL));
    assert_true(corpus_parse_date("2023-11-05", NULL, NULL, NULL));
    corpus_date_set_today(0, 0, 0);
}

/* A day more than a year (366 days) after today is too late to be an
 * article's date, written in the article or in its path: a typo
 * ("2203"), or a number read as a date. */
static void test_date_not_too_late(void **state)
{
    (void)state;
    int y = -1, m = -1, d = -1;
    corpus_date_set_today(2024, 3, 5);
    assert_true(corpus_parse_date("2025-03-06", &y, &m, &d));
    assert_int_equal(y * 10000 + m * 100 + d, 20250306);
    assert_false(corpus_date_too_late(2025, 3, 6));
    assert_true(corpus_date_too_late(2025, 3, 7));
    y = -1;
    assert_false(corpus_parse_date("2025-03-07", &y, &m, &d));
    assert_int_equal(y, -1);                   /* untouched */
    assert_false(corpus_parse_date("7 March 2025", NULL, NULL, NULL));
    assert_false(corpus_parse_date("2611-02-06T10:15:00Z", NULL, NULL,
                                   NULL));
    /* its form is a date's all the same, for messages that say why */
    assert_true(corpus_date_form("2611-02-06", &y, &m, &d));
    assert_int_equal(y * 10000 + m * 100 + d, 26110206);
    /* in a path: the one nearest the end that is not too late */
    assert_true(corpus_path_date("2025/03/06/x.txt", &y, &m, &d));
    assert_false(corpus_path_date("2025/03/07/x.txt", NULL, NULL, NULL));
    assert_false(corpus_path_date("x/21001231-memo.txt", NULL, NULL, NULL));
    assert_true(corpus_path_date("2023/11/03/2099-01-01-x.txt", &y, &m, &d));
    assert_int_equal(y * 10000 + m * 100 + d, 20231103);
    corpus_date_set_today(0, 0, 0);
    /* by the clock */
    assert_false(corpus_parse_date("2611-02-06", NULL, NULL, NULL));
    assert_true(corpus_parse_date("2023-11-03", NULL, NULL, NULL));
}

/* Dates written in paths, for articles without one of their own. */
static void test_path_date(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        int y, m, d;
    } good[] = {
        {"world/2023-11-03-blinken-tel-aviv.txt", 2023, 11, 3},
        {"2023-11-03.txt", 2023, 11, 3},
        {"archive/2023/11/03/story.html", 2023, 11, 3},
        {"archive/2023/1/5/story.html", 2023, 1, 5},
        {"memos/20231103-budget.txt", 2023, 11, 3},
        {"x/report_2024_02_29.md", 2024, 2, 29},
        {"x/scan.2023.12.31.txt", 2023, 12, 31},
        /* the one nearest the file wins */
        {"2019/01/01/2023-11-03-later.txt", 2023, 11, 3},
        {"2023-11-03/notes/2023-11-04 draft.txt", 2023, 11, 4},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int y = 0, m = 0, d = 0;
        if (!corpus_path_date(good[i].path, &y, &m, &d))
            fail_msg("no date found in \"%s\"", good[i].path);
        if (y != good[i].y || m != good[i].m || d != good[i].d)
            fail_msg("\"%s\": got %04d-%02d-%02d", good[i].path, y, m, d);
    }
    static const char *const bad[] = {
        "",
        "world/rafah-aid-convoys.txt",
        "comp.graphics/38951",              /* a news spool number */
        "talk/12345678",                    /* 8 digits, not a date */
        "x/2023-02-29-no-leap.txt",
        "x/2023-13-01.txt",
        "x/12023-11-03.txt",                /* digits around it */
        "x/2023-11-031.txt",
        "x/1700000000.M1P2.host:2,S",       /* a maildir name */
        "x/1812-06-24.txt",                 /* before 1900 */
        "a2023/11/03/x.txt",                /* not whole directories */
        "2023/11/03",                       /* the day is not a directory */
        "x/2023-11.txt",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int y = -1, m = -1, d = -1;
        if (corpus_path_date(bad[i], &y, &m, &d))
            fail_msg("found %04d-%02d-%02d in \"%s\"", y, m, d, bad[i]);
        assert_int_equal(y, -1);
    }
    assert_false(corpus_path_date(NULL, NULL, NULL, NULL));
    assert_true(corpus_path_date("2023-11-05-x.txt", NULL, NULL, NULL));
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(corpus_status_name(CORPUS_OK), "ok");
    assert_string_equal(corpus_status_name(CORPUS_SKIP_BINARY), "binary");
    assert_string_equal(corpus_status_name(CORPUS_SKIP_TOO_LARGE),
                        "too large");
    for (int s = CORPUS_OK; s <= CORPUS_STOPPED; s++) {
        const char *name = corpus_status_name((corpus_status)s);
        assert_non_null(name);
        assert_string_not_equal(name, "unknown");
        for (int t = CORPUS_OK; t < s; t++)
            assert_string_not_equal(name,
                                    corpus_status_name((corpus_status)t));
    }
}

/* -------------------------------------------------------- real corpus */

/* Files a walk visited, and how many of them end in ".txt". */
typedef struct txt_count {
    size_t files, txt;
} txt_count;

static int count_txt(const corpus_file *f, void *ctx)
{
    txt_count *n = ctx;
    size_t len = strlen(f->relpath);
    n->files++;
    if (len > 4 && strcmp(f->relpath + len - 4, ".txt") == 0)
        n->txt++;
    return 0;
}

static void count_warn(const char *path, const char *reason, void *ctx)
{
    (void)ctx;
    fail_msg("unexpected warning: %s: %s", path, reason);
}

/* sport/199.txt has one Windows-1252 byte (0xA3, "£") in otherwise ASCII
 * text: "... transfer fee for Mutu, a \xA3" "15.8m signing ...". */
/* Quality check "test_corpus bbc" (ctest quality_corpus_bbc): the BBC
 * collection read in place. sport/199.txt is Windows-1252 with one pound
 * sign; the walk finds the 2225 articles and takes neither README.TXT nor
 * SOURCE.md beside the folders for one. */
static void test_bbc(void **state)
{
    (void)state;
    char *root = xstrdup(tu_quality_corpus());
    char *path = join(root, "sport/199.txt");
    corpus_file f = {.root = root, .path = path, .relpath = "sport/199.txt"};
    got_article g = {0};
    char why[256];
    assert_int_equal(corpus_read_file(&f, NULL, grab_article, &g, why,
                                      sizeof why),
                     CORPUS_OK);
    assert_string_equal(g.title, "Chelsea sack Mutu");
    assert_true(corpus_utf8_valid(g.body, g.body_len));
    const char *pound = strstr(g.body, "\xC2\xA3");
    assert_non_null(pound);
    assert_null(strstr(pound + 2, "\xC2\xA3"));        /* exactly one */
    assert_non_null(strstr(g.body, "Mutu, a \xC2\xA3" "15.8m signing"));
    assert_null(strchr(g.body, '\r'));
    got_free(&g);

    txt_count n = {0, 0};
    assert_int_equal(corpus_walk(root, count_txt, count_warn, &n), 0);
    assert_int_equal(n.txt, 2225);
    assert_int_equal(n.files, 2225);
    free(path);
    free(root);
}

int main(int argc, char **argv)
{
    static const tu_quality quality[] = {{"bbc", "bbc", test_bbc}};
    if (argc > 1)
        return tu_quality_run(argv[1], quality,
                              sizeof quality / sizeof *quality);
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_dir, teardown_dir)
    const struct CMUnitTest tests[] = {
        T(test_walk_nested_order),
        T(test_walk_relative_root),
        T(test_walk_hidden_skipped),
        T(test_walk_unsupported_skipped),
        T(test_walk_include_exclude),
        T(test_walk_patterns_before_symlinks),
        cmocka_unit_test(test_is_supported),
        T(test_walk_symlinks),
        T(test_walk_links_inside_root),
        T(test_walk_links_inside_root_left_out),
        T(test_walk_follow_outside_not_back_in),
        T(test_walk_links_to_enclosing_dirs),
        T(test_walk_root_is_file),
        T(test_walk_bad_root),
        T(test_walk_stop),
        T(test_walk_unreadable_dir),
        T(test_walk_out_of_descriptors),
        T(test_read_out_of_descriptors),
        T(test_text_size_hint),
        T(test_txt_no_header),
        T(test_txt_header_block),
        T(test_txt_header_without_title),
        T(test_txt_not_a_header),
        T(test_txt_header_unknown_keys),
        T(test_txt_header_with_mail_keys),
        T(test_txt_title_only),
        T(test_txt_header_to_end),
        T(test_txt_tags),
        T(test_txt_authors_key),
        T(test_txt_crlf_and_bom),
        T(test_read_stop),
        T(test_read_unsupported),
        T(test_gz_round_trip),
        T(test_gz_large),
        T(test_gz_multi_member),
        T(test_gz_truncated),
        T(test_gz_corrupt),
        T(test_gz_not_gzip),
        T(test_gz_binary),
        T(test_binary_nul),
        T(test_binary_png),
        T(test_binary_other),
        T(test_too_large),
        T(test_gzip_bomb),
        T(test_empty),
        T(test_unreadable_missing),
        T(test_unreadable_mode),
        T(test_why_optional),
        T(test_cp1252_fallback),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_cp1252_to_utf8),
        cmocka_unit_test(test_text_to_utf8),
        cmocka_unit_test(test_encoding_labels),
        cmocka_unit_test(test_iconv_to_utf8),
        cmocka_unit_test(test_html_prescan),
        cmocka_unit_test(test_parse_date),
        cmocka_unit_test(test_date_not_too_late),
        cmocka_unit_test(test_path_date),
        cmocka_unit_test(test_status_names),

    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
