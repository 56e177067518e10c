/*
 * test_ingest.c - gazette-index end to end over the article formats:
 *   - a corpus of bad input built here (truncated gzip, binary, NUL bytes,
 *     a 50 MB one-line file, deep HTML, a broken JSON line, a symlink
 *     loop, ...) next to good files of every format: each bad one is named
 *     once on stderr with its reason, every good one is indexed, exit
 *     code 1;
 *   - the metadata of every format, checked through libgazette's field
 *     queries and through the shim's terms, values and document data;
 *   - a generated corpus (gen_corpus.h) with README files beside it:
 *     every file one article, Windows-1252 decoded, sources counted.
 * The same checks on the BBC collection (../shared/corpora/bbc, read in
 * place, with its published counts) are a quality check of their own:
 * "test_ingest bbc", ctest entry quality_ingest_bbc, skipped without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

#include "gazette.h"
#include "gen_corpus.h"
#include "schema.h"
#include "test_util.h"
#include "xapian_shim.h"

/* dir + "/" + rel into out[size]; the test fails when it does not fit. */
static void join(char *out, size_t size, const char *dir, const char *rel)
{
    int n = snprintf(out, size, "%s/%s", dir, rel);
    assert_true(n > 0 && (size_t)n < size);
}

/* Whole file into a new string (test aborts when it cannot be read). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap)
            assert_non_null(buf = realloc(buf, cap *= 2));
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

/* Number of lines of `text` containing `needle`. */
static int lines_with(const char *text, const char *needle)
{
    int n = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, len);
        assert_non_null(line);
        if (strstr(line, needle))
            n++;
        free(line);
        p += len + (nl ? 1 : 0);
    }
    return n;
}

/* The one stderr line naming `name` (as the end of a path, then ':'),
 * which must also contain `reason`. Fails unless there is exactly one. */
static void expect_one_line(const char *err, const char *name,
                            const char *reason)
{
    char needle[512];
    snprintf(needle, sizeof needle, "/%s:", name);
    int n = lines_with(err, needle);
    if (n != 1)
        fail_msg("%d stderr lines name %s (want 1):\n%s", n, name, err);
    const char *at = strstr(err, needle);
    const char *eol = strchr(at, '\n');
    char *line = strndup(at, eol ? (size_t)(eol - at) : strlen(at));
    assert_non_null(line);
    if (!strstr(line, reason))
        fail_msg("line for %s lacks \"%s\": %s", name, reason, line);
    free(line);
}

/* ------------------------------------------------------- shim helpers */

static xap_database *open_db(const char *path)
{
    xap_database *db = NULL;
    assert_int_equal(xap_database_open(path, &db), XAP_OK);
    return db;
}

static int term_exists(xap_database *db, const char *term)
{
    int yes = 0;
    assert_int_equal(xap_database_term_exists(db, term, &yes), XAP_OK);
    return yes;
}

static uint32_t termfreq(xap_database *db, const char *term)
{
    uint32_t n = 0;
    assert_int_equal(xap_database_termfreq(db, term, &n), XAP_OK);
    return n;
}

/* Document data of the article with id `id` (malloc; caller frees). */
static char *doc_data(xap_database *db, const char *id)
{
    char term[GZ_TERM_BUF];
    gz_make_term(GZ_PREFIX_ID, id, term, sizeof term);
    xap_docid did = 0;
    if (xap_database_first_posting(db, term, &did) != XAP_OK)
        fail_msg("no document with id %s", id);
    xap_document *doc = NULL;
    assert_int_equal(xap_database_get_document(db, did, &doc), XAP_OK);
    const char *data = NULL;
    size_t len = 0;
    assert_int_equal(xap_document_get_data(doc, &data, &len), XAP_OK);
    char *copy = strndup(data, len);
    assert_non_null(copy);
    xap_document_free(doc);
    return copy;
}

/* Number of hits of `query` through libgazette; the first hit's id goes
 * to first_id (may be NULL). */
static size_t hits(const char *db, const char *query, char *first_id,
                   size_t idlen)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *res = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    if (gazette_search(index, query, opts, &res) != GAZETTE_STATUS_OK)
        fail_msg("search %s: %s", query, gazette_index_error(index));
    size_t n = gazette_results_count(res);
    if (first_id && n)
        snprintf(first_id, idlen, "%s",
                 gazette_hit_id(gazette_results_hit(res, 0)));
    gazette_results_free(res);
    gazette_search_options_free(opts);
    gazette_index_close(index);
    return n;
}

/* -------------------------------------------------------- bad corpus */

static const char good_txt[] =
    "Title: Good text article\nDate: 2023-11-05\nAuthor: Tess Txtwriter\n"
    "Tags: alpha, Beta\nURL: https://example.org/txt\n\nBody of "
    "quillfeather text.\n";
static const char good_md[] =
    "---\ntitle: Good markdown article\ndate: 27 November 2026\n"
    "author: Mark Downer\nsource: Wire\nurl: https://example.org/md\n"
    "tags: [gamma, delta]\n---\n\nBody of *quillfeather* markdown.\n";
static const char good_html[] =
    "<html><head><title>Good html article</title>"
    "<meta name=\"date\" content=\"Nov 27, 2026\">"
    "<meta name=\"author\" content=\"Hyper Texter\">"
    "<meta name=\"keywords\" content=\"epsilon\">"
    "<link rel=\"canonical\" href=\"https://example.org/html\"></head>"
    "<body><p>Body of quillfeather html.</p></body></html>";
static const char good_jsonl[] =
    "{\"id\": \"one\", \"title\": \"Good json one\", \"body\": \"Body of "
    "quillfeather json.\", \"date\": \"Fri, 27 Nov 2026 10:00:00 +0000\", "
    "\"author\": \"Jay Sonner\", \"url\": \"https://example.org/j1\", "
    "\"tags\": [\"zeta\"]}\n"
    "{\"id\": \"two\", \"title\": \"Broken line\", \"body\": \n"
    "{\"id\": \"three\", \"title\": \"Good json three\", \"text\": \"Body of "
    "quillfeather json three.\", \"date\": \"the day after tomorrow\"}\n";

/* The good files (ids) and the bad ones (name, reason on stderr). */
static const char *const good_ids[] = {
    "news/good.txt", "news/good.txt.gz", "news/good.md", "news/good.md.gz",
    "news/good.html", "news/good.htm.gz", "feeds/good.jsonl#one",
    "feeds/good.jsonl#three", "feeds/good.ndjson.gz#one",
    "feeds/good.ndjson.gz#three", "news/latin1.txt"};

static void write_bad_corpus(const char *root, const char *huge_path)
{
    tu_write_file(root, "news/good.txt", good_txt, strlen(good_txt));
    tu_write_gzip(root, "news/good.txt.gz", good_txt, strlen(good_txt));
    tu_write_file(root, "news/good.md", good_md, strlen(good_md));
    tu_write_gzip(root, "news/good.md.gz", good_md, strlen(good_md));
    tu_write_file(root, "news/good.html", good_html, strlen(good_html));
    tu_write_gzip(root, "news/good.htm.gz", good_html, strlen(good_html));
    tu_write_file(root, "feeds/good.jsonl", good_jsonl, strlen(good_jsonl));
    tu_write_gzip(root, "feeds/good.ndjson.gz", good_jsonl,
                  strlen(good_jsonl));
    /* invalid UTF-8 is not bad input: it is read as Windows-1252 */
    const char latin1[] = "Latin quillfeather\n\nCaf\xE9 \xA3" "5 na\xEFve\n";
    tu_write_file(root, "news/latin1.txt", latin1, sizeof latin1 - 1);

    /* truncated gzip: the first half of a real one */
    char big[8192];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = "lorem ipsum dolor sit amet\n"[i % 27];
    tu_write_gzip(root, "bad/truncated.txt.gz", big, sizeof big);
    char path[4096];
    join(path, sizeof path, root, "bad/truncated.txt.gz");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size / 2), 0);
    /* gzip of binary data */
    unsigned char bytes[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof bytes; i++) {
        x = x * 1103515245u + 12345u;
        bytes[i] = (unsigned char)(x >> 24);
    }
    tu_write_gzip(root, "bad/binary.txt.gz", bytes, sizeof bytes);
    /* a PNG renamed .txt */
    const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1,
                                 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4,
                                 0x89};
    tu_write_file(root, "bad/image.txt", png, sizeof png);
    /* a NUL in the middle of text */
    const char nul[] = "Title line\n\nText with a\0NUL inside.\n";
    tu_write_file(root, "bad/nul.txt", nul, sizeof nul - 1);
    /* empty */
    tu_write_file(root, "bad/empty.txt", "", 0);
    /* HTML nested 100 000 levels deep */
    size_t cap = 100000 * 5 + 64, n = 0;
    char *deep = malloc(cap);
    assert_non_null(deep);
    for (size_t i = 0; i < 100000; i++)
        n += (size_t)snprintf(deep + n, cap - n, "<div>");
    n += (size_t)snprintf(deep + n, cap - n, "quillfeather");
    tu_write_file(root, "bad/deep.html", deep, n);
    free(deep);
    /* a one-line 50 MB file, over the limit the test sets (10 MB) */
    FILE *f = fopen(huge_path, "wb");
    assert_non_null(f);
    char chunk[1 << 16];
    for (size_t i = 0; i < sizeof chunk; i++)
        chunk[i] = "quillfeather "[i % 13];
    for (size_t done = 0; done < (size_t)50 << 20; done += sizeof chunk)
        assert_int_equal(fwrite(chunk, 1, sizeof chunk, f), sizeof chunk);
    assert_int_equal(fclose(f), 0);
    /* a symlink loop (a file link to itself); a link to the directory
     * holding it, which is walked at its own path: ignored, not said */
    join(path, sizeof path, root, "bad/self.txt");
    assert_int_equal(symlink("self.txt", path), 0);
    join(path, sizeof path, root, "bad/up");
    assert_int_equal(symlink("..", path), 0);
    /* unreadable (root reads it anyway) */
    tu_write_file(root, "bad/secret.txt", "Secret\n\nbody\n", 13);
    join(path, sizeof path, root, "bad/secret.txt");
    assert_int_equal(chmod(path, 0), 0);
}

static void test_bad_input_corpus(void **state)
{
    (void)state;
    char *tmp = tu_mkdtemp("badinput");
    char root[4096], db[4096], err_path[4096], out_path[4096], huge[4096];
    join(root, sizeof root, tmp, "corpus");
    join(db, sizeof db, tmp, "index");
    join(err_path, sizeof err_path, tmp, "stderr");
    join(out_path, sizeof out_path, tmp, "stdout");
    join(huge, sizeof huge, root, "bad/huge.txt");
    tu_write_file(root, "bad/.keep", "", 0);
    write_bad_corpus(root, huge);

    int rc = tu_run("'%s' --db '%s' --max-file-size 10000000 '%s' "
                    ">'%s' 2>'%s'", tu_binary("indexer/gazette-index"), db, root,
                    out_path, err_path);
    unlink(huge);            /* 50 MB: gone as soon as it has served */
    char *err = slurp(err_path);
    char *out = slurp(out_path);
    if (rc != 1)
        fail_msg("exit code %d, want 1 (success with skips); stderr:\n%s",
                 rc, err);

    expect_one_line(err, "bad/truncated.txt.gz", "truncated gzip");
    expect_one_line(err, "bad/binary.txt.gz", "binary data");
    expect_one_line(err, "bad/image.txt", "binary data");
    expect_one_line(err, "bad/nul.txt", "NUL byte");
    expect_one_line(err, "bad/empty.txt", "empty file");
    expect_one_line(err, "bad/deep.html", "nested more than");
    expect_one_line(err, "bad/huge.txt", "over the 10000000-byte limit");
    expect_one_line(err, "bad/self.txt", "symlink loop");
    assert_int_equal(lines_with(err, "bad/up"), 0);
    expect_one_line(err, "feeds/good.jsonl:2", "invalid JSON");
    expect_one_line(err, "feeds/good.ndjson.gz:2", "invalid JSON");
    /* the unparsable date: a warning, not a skip */
    expect_one_line(err, "feeds/good.jsonl:3",
                    "date \"the day after tomorrow\" not understood");
    expect_one_line(err, "feeds/good.ndjson.gz:3",
                    "date \"the day after tomorrow\" not understood");
    int skipped_lines = lines_with(err, "gazette-index: skipped ");
    if (geteuid() == 0) {
        printf("NOTE: running as root, which reads a mode-000 file; the "
               "unreadable-file assertion is not checked\n");
        assert_int_equal(lines_with(err, "/bad/secret.txt"), 0);
        assert_int_equal(skipped_lines, 10);
    } else {
        expect_one_line(err, "bad/secret.txt", "Permission denied");
        assert_int_equal(skipped_lines, 11);
    }
    /* every line of stderr is one of the above */
    assert_int_equal(lines_with(err, "gazette-index: "),
                     skipped_lines + lines_with(err, "warning: "));
    assert_int_equal(lines_with(err, "gazette-index: warning: "), 2);

    /* every good file is indexed, and nothing from the bad ones */
    xap_database *xdb = open_db(db);
    for (size_t i = 0; i < sizeof good_ids / sizeof good_ids[0]; i++) {
        char term[GZ_TERM_BUF];
        gz_make_term(GZ_PREFIX_ID, good_ids[i], term, sizeof term);
        if (!term_exists(xdb, term))
            fail_msg("good article %s not indexed", good_ids[i]);
    }
    uint32_t count = 0;
    assert_int_equal(xap_database_doc_count(xdb, &count), XAP_OK);
    size_t want = sizeof good_ids / sizeof good_ids[0] +
                  (geteuid() == 0 ? 1 : 0);     /* root read secret.txt */
    assert_int_equal(count, want);
    assert_int_equal(termfreq(xdb, "quillfeather"), 11);
    /* Windows-1252 fallback */
    char *data = doc_data(xdb, "news/latin1.txt");
    assert_non_null(strstr(data, "Caf\xC3\xA9 \xC2\xA3" "5 na\xC3\xAFve"));
    free(data);
    xap_database_free(xdb);

    /* the summary counts the bad files, the bad JSON lines and the walk
     * problem (the symlink loop) */
    /* added counts files: a JSON Lines file with several good lines is
     * one file */
    size_t files = geteuid() == 0 ? 1 : 0;
    for (size_t i = 0; i < sizeof good_ids / sizeof good_ids[0]; i++) {
        size_t len = strcspn(good_ids[i], "#");
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            first = strcspn(good_ids[j], "#") != len ||
                    strncmp(good_ids[i], good_ids[j], len) != 0;
        files += first;
    }
    char summary[128];
    snprintf(summary, sizeof summary, "added %zu,", files);
    assert_non_null(strstr(out, summary));
    snprintf(summary, sizeof summary, "skipped %d,", skipped_lines);
    assert_non_null(strstr(out, summary));
    free(err);
    free(out);
    tu_rmtree(tmp);
    free(tmp);
}

/* ---------------------------------------------------------- metadata */

/* Set the mtime of root/rel to `when` (seconds since the epoch). */
static void set_mtime(const char *root, const char *rel, time_t when)
{
    char path[4096];
    join(path, sizeof path, root, rel);
    struct timeval tv[2] = {{when, 0}, {when, 0}};
    assert_int_equal(utimes(path, tv), 0);
}

static void test_metadata_every_format(void **state)
{
    (void)state;
    char *tmp = tu_mkdtemp("meta");
    char root[4096], db[4096];
    join(root, sizeof root, tmp, "corpus");
    join(db, sizeof db, tmp, "index");
    tu_write_file(root, "news/good.txt", good_txt, strlen(good_txt));
    tu_write_file(root, "news/good.md", good_md, strlen(good_md));
    tu_write_file(root, "web/good.html", good_html, strlen(good_html));
    tu_write_file(root, "feeds/good.jsonl", good_jsonl, strlen(good_jsonl));
    /* an article without a date is never dated by its file's mtime */
    set_mtime(root, "feeds/good.jsonl", 981158400);   /* 2001-02-03 */
    assert_int_equal(tu_run("'%s' --quiet --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, root), 1);

    /* field queries that libgazette understands */
    char id[256];
    assert_int_equal(hits(db, "title:markdown", id, sizeof id), 1);
    assert_string_equal(id, "news/good.md");
    assert_int_equal(hits(db, "author:Texter", id, sizeof id), 1);
    assert_string_equal(id, "web/good.html");
    assert_int_equal(hits(db, "author:sonner", id, sizeof id), 1);
    assert_string_equal(id, "feeds/good.jsonl#one");
    assert_int_equal(hits(db, "author:txtwriter", id, sizeof id), 1);
    assert_int_equal(hits(db, "source:wire", id, sizeof id), 1);
    assert_string_equal(id, "news/good.md");
    assert_int_equal(hits(db, "quillfeather source:news", NULL, 0), 1);
    assert_int_equal(hits(db, "quillfeather source:web", NULL, 0), 1);
    assert_int_equal(hits(db, "quillfeather source:feeds", NULL, 0), 2);
    assert_int_equal(hits(db, "tag:beta", id, sizeof id), 1);
    assert_string_equal(id, "news/good.txt");
    assert_int_equal(hits(db, "tag:delta", id, sizeof id), 1);
    assert_string_equal(id, "news/good.md");
    assert_int_equal(hits(db, "tag:epsilon", id, sizeof id), 1);
    assert_string_equal(id, "web/good.html");
    assert_int_equal(hits(db, "tag:zeta", id, sizeof id), 1);
    assert_string_equal(id, "feeds/good.jsonl#one");
    /* markup is not indexed as words */
    assert_int_equal(hits(db, "quillfeather", NULL, 0), 5);

    /* url, date terms and values through the shim */
    xap_database *x = open_db(db);
    const char *terms[] = {
        "Uhttps://example.org/txt", "Uhttps://example.org/md",
        "Uhttps://example.org/html", "Uhttps://example.org/j1",
        "D20231105", "M202311", "Y2023", "D20261127", "M202611", "Y2026"};
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++)
        if (!term_exists(x, terms[i]))
            fail_msg("term %s missing", terms[i]);
    assert_int_equal(termfreq(x, "D20261127"), 3);   /* md, html, json one */
    assert_false(term_exists(x, "D20010203"));
    assert_false(term_exists(x, "Y2001"));
    char *data = doc_data(x, "feeds/good.jsonl#three");
    assert_null(strstr(data, "\ndate="));
    assert_non_null(strstr(data, "\ndate_text=the day after tomorrow\n"));
    free(data);
    data = doc_data(x, "news/good.md");
    assert_non_null(strstr(data, "\ndate=2026-11-27\n"));
    assert_null(strstr(data, "date_text="));
    assert_non_null(strstr(data, "\ntags=gamma\x1f" "delta\n"));   /* GZ_LIST_SEP */
    assert_non_null(strstr(data, "\nauthor=Mark Downer\n"));
    free(data);
    xap_database_free(x);
    tu_rmtree(tmp);
    free(tmp);
}

/* ------------------------------------------------ whole corpora
 * A generated corpus (correctness) and the BBC collection (a quality
 * check, "test_ingest bbc"): a clean run beside README/SOURCE files, every
 * file one article, Windows-1252 bytes decoded, sources counted right by
 * their filter terms and by a value count over all articles. */

typedef struct facet {
    char name[32];
    uint32_t want, got;
} facet;

static int on_value(const char *value, size_t len, uint32_t count, void *ctx)
{
    facet *f = ctx;
    for (; f->name[0]; f++)
        if (strlen(f->name) == len && memcmp(f->name, value, len) == 0)
            f->got = count;
    return 0;
}

/* Index `root` into a scratch index (exit 0 expected); returns its path
 * (malloc()ed, inside *tmp, which the caller removes). */
static char *index_corpus(const char *root, char **tmp)
{
    *tmp = tu_mkdtemp("ingest-corpus");
    char db[4096];
    join(db, sizeof db, *tmp, "index");
    /* README.TXT and SOURCE.md beside the folders are not articles: a
     * clean run, exit 0 */
    assert_int_equal(tu_run("'%s' --quiet --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, root), 0);
    char *out = strdup(db);
    assert_non_null(out);
    return out;
}

static uint64_t article_count(const char *db)
{
    gazette_index_t *index = NULL;
    uint64_t n = 0;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_index_article_count(index, &n),
                     GAZETTE_STATUS_OK);
    gazette_index_close(index);
    return n;
}

/* Search `query`; the hit `id` must be there with `title`, and its
 * snippet must contain `text` (UTF-8). */
static void expect_snippet(const char *db, const char *query, const char *id,
                           const char *title, const char *text)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *res = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(opts, 0, 10000),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, query, opts, &res),
                     GAZETTE_STATUS_OK);
    const gazette_hit_t *hit = NULL;
    for (size_t i = 0; i < gazette_results_count(res) && !hit; i++)
        if (strcmp(gazette_hit_id(gazette_results_hit(res, i)), id) == 0)
            hit = gazette_results_hit(res, i);
    if (!hit)
        fail_msg("'%s' does not find %s", query, id);
    assert_string_equal(gazette_hit_title(hit), title);
    if (!strstr(gazette_hit_snippet(hit), text))
        fail_msg("%s: snippet lacks \"%s\": %s", id, text,
                 gazette_hit_snippet(hit));
    gazette_results_free(res);
    gazette_search_options_free(opts);
    gazette_index_close(index);
}

/* Source counts: the boolean term of each source (lower case) and a value
 * count (as written) over all articles must both give f[i].want. */
static void expect_sources(const char *db, facet *f)
{
    xap_database *x = open_db(db);
    for (facet *p = f; p->name[0]; p++) {
        char term[64], lower[32];
        size_t k = 0;
        for (; p->name[k]; k++)
            lower[k] = (char)(p->name[k] >= 'A' && p->name[k] <= 'Z'
                                  ? p->name[k] - 'A' + 'a' : p->name[k]);
        lower[k] = '\0';
        snprintf(term, sizeof term, "%s%s", GZ_PREFIX_SOURCE, lower);
        if (termfreq(x, term) != p->want)
            fail_msg("term %s: %u articles, want %u", term,
                     termfreq(x, term), p->want);
    }
    xap_query *all = NULL;
    xap_enquire *enq = NULL;
    xap_valuecount_spy *spy = NULL;
    xap_mset *mset = NULL;
    assert_int_equal(xap_query_new_match_all(&all), XAP_OK);
    assert_int_equal(xap_enquire_new(x, &enq), XAP_OK);
    assert_int_equal(xap_enquire_set_query(enq, all, 0), XAP_OK);
    assert_int_equal(xap_valuecount_spy_new(GZ_SLOT_SOURCE, &spy), XAP_OK);
    assert_int_equal(xap_enquire_add_valuecount_spy(enq, spy), XAP_OK);
    assert_int_equal(xap_enquire_get_mset(enq, 0, 10, 100000, NULL, &mset),
                     XAP_OK);
    assert_int_equal(xap_valuecount_spy_each_top(spy, 0, on_value, f),
                     XAP_OK);
    for (facet *p = f; p->name[0]; p++)
        if (p->got != p->want)
            fail_msg("source %s: %u articles counted, want %u", p->name,
                     p->got, p->want);
    xap_mset_free(mset);
    xap_enquire_free(enq);
    xap_valuecount_spy_free(spy);
    xap_query_free(all);
    xap_database_free(x);
}

static void test_generated_corpus(void **state)
{
    (void)state;
    char *root = tu_mkdtemp("ingest-gen");
    gen_options o = gen_default_options(9001, 600);
    o.readme = 1;
    o.cp1252_pct = 2;
    gen_corpus *c = gen_corpus_create(root, &o);
    char *tmp;
    char *db = index_corpus(root, &tmp);
    assert_int_equal(article_count(db), gen_corpus_count(c));

    /* Each Windows-1252 file: its pound sign comes out right. */
    assert_true(gen_corpus_count_cp1252(c) >= 2);
    for (size_t i = 0; i < c->n; i++) {
        const gen_file *f = &c->files[i];
        if (!f->cp1252)
            continue;
        char query[128];   /* the amount without the pound: "12.5m" */
        snprintf(query, sizeof query, "%s", f->money + 2);
        expect_snippet(db, query, f->path, f->title, f->money);
    }

    /* Sources: the folders, and the Source: headers that override them. */
    facet f[16];
    memset(f, 0, sizeof f);
    size_t nf = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t k = 0;
        while (k < nf && strcmp(f[k].name, c->files[i].source) != 0)
            k++;
        if (k == nf) {
            assert_true(nf + 1 < sizeof f / sizeof *f);
            snprintf(f[nf++].name, sizeof f[0].name, "%s",
                     c->files[i].source);
        }
    }
    for (size_t k = 0; k < nf; k++)
        f[k].want = (uint32_t)gen_corpus_count_source(c, f[k].name);
    assert_true(nf > GEN_NSOURCES);   /* some Source: headers */
    expect_sources(db, f);

    gen_corpus_free(c);
    tu_rmtree(root);
    free(root);
    tu_rmtree(tmp);
    free(tmp);
    free(db);
}

/* The BBC collection read in place (quality: "test_ingest bbc"): its
 * published counts, and its one Windows-1252 file (sport/199.txt). */
static void test_bbc(void **state)
{
    (void)state;
    char *tmp;
    char *db = index_corpus(tu_quality_corpus(), &tmp);
    assert_int_equal(article_count(db), 2225);
    expect_snippet(db, "Mutu signing Chelsea", "sport/199.txt",
                   "Chelsea sack Mutu", "\xC2\xA3" "15.8m");
    facet f[] = {{"business", 510, 0}, {"entertainment", 386, 0},
                 {"politics", 417, 0}, {"sport", 511, 0}, {"tech", 401, 0},
                 {"", 0, 0}};
    expect_sources(db, f);
    tu_rmtree(tmp);
    free(tmp);
    free(db);
}

int main(int argc, char **argv)
{
    static const tu_quality quality[] = {
        {"bbc", "bbc", test_bbc},
    };
    if (argc > 1)
        return tu_quality_run(argv[1], quality,
                              sizeof quality / sizeof *quality);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_input_corpus),
        cmocka_unit_test(test_metadata_every_format),
        cmocka_unit_test(test_generated_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
