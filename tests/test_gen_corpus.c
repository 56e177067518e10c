/*
 * test_gen_corpus.c - the corpus generator the other tests stand on
 * (gen_corpus.h): the same seed gives the same bytes, the manifest tells
 * the truth about every file (checked through the real corpus reader),
 * copies are copies, and each mutation does exactly what it reports.
 */
#define _GNU_SOURCE 1
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "corpus.h"
#include "gen_corpus.h"
#include "test_util.h"

#define SEED 20240917
#define ARTICLES 300

static struct {
    char *tmp;
} fx;

static int setup(void **state)
{
    (void)state;
    fx.tmp = tu_mkdtemp("gen_corpus");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(fx.tmp);
    free(fx.tmp);
    return 0;
}

static char *dir_in_tmp(const char *name)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", fx.tmp, name);
    char *s = strdup(buf);
    assert_non_null(s);
    return s;
}

/* The raw bytes of root/rel (not decompressed), *len set. */
static char *raw_bytes(const char *root, const char *rel, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2)
            assert_non_null(buf = realloc(buf, cap *= 2));
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The text of root/rel, decompressed when gzipped. */
static char *text_of(const char *root, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    gzFile g = gzopen(path, "rb");
    assert_non_null(g);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    int got;
    while ((got = gzread(g, buf + n, (unsigned)(cap - n - 1))) > 0) {
        n += (size_t)got;
        if (cap - n < 2)
            assert_non_null(buf = realloc(buf, cap *= 2));
    }
    gzclose(g);
    buf[n] = '\0';
    return buf;
}

/* s with every run of whitespace made one space, ends trimmed (new). */
static char *squeeze(const char *s, size_t len)
{
    char *out = malloc(len + 1), *w = out;
    assert_non_null(out);
    int space = 1;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == ' ' || ch == '\n' || ch == '\t') {
            space = 1;
            continue;
        }
        if (space && w > out)
            *w++ = ' ';
        space = 0;
        *w++ = ch;
    }
    *w = '\0';
    return out;
}

static struct stat stat_of(const char *root, const char *rel)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", root, rel);
    if (stat(path, &st) != 0)
        fail_msg("stat %s failed", path);
    return st;
}

static int exists(const char *root, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    return access(path, F_OK) == 0;
}

/* Same seed: byte-identical trees (gzip members too); other seed: not. */
static void test_same_seed_same_bytes(void **state)
{
    (void)state;
    char *a = dir_in_tmp("a"), *b = dir_in_tmp("b"), *other = dir_in_tmp("o");
    gen_options o = gen_default_options(SEED, ARTICLES);
    o.readme = 1;
    gen_corpus *ca = gen_corpus_create(a, &o);
    gen_corpus *cb = gen_corpus_create(b, &o);
    assert_int_equal(tu_run("diff -r '%s' '%s' >/dev/null", a, b), 0);
    o.seed = SEED + 1;
    gen_corpus *co = gen_corpus_create(other, &o);
    assert_int_equal(tu_run("diff -r '%s' '%s' >/dev/null", a, other), 1);
    /* The manifests agree as well. */
    assert_int_equal(ca->n, cb->n);
    for (size_t i = 0; i < ca->n; i++) {
        assert_string_equal(ca->files[i].path, cb->files[i].path);
        assert_string_equal(ca->files[i].body, cb->files[i].body);
    }
    gen_corpus_free(ca);
    gen_corpus_free(cb);
    gen_corpus_free(co);
    free(a);
    free(b);
    free(other);
}

typedef struct seen {
    const gen_corpus *c;
    size_t files, articles;
} seen;

/* The reader's view of a file must be the manifest's. */
static int check_article(const corpus_article *art, void *ctx)
{
    seen *s = ctx;
    long i = gen_corpus_find(s->c, art->id);
    if (i < 0)
        fail_msg("%s: not in the manifest", art->id);
    const gen_file *f = &s->c->files[i];
    assert_string_equal(art->title, f->title);
    char *got = squeeze(art->body, art->body_len);
    char *want = squeeze(f->body, strlen(f->body));
    if (strcmp(got, want) != 0)
        fail_msg("%s: body differs:\n%s\n---\n%s", art->id, got, want);
    free(got);
    free(want);
    if (f->date[0]) {
        int y, m, d;
        char iso[11];
        assert_non_null(art->date);
        assert_int_equal(corpus_parse_date(art->date, &y, &m, &d), 1);
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
        assert_string_equal(iso, f->date);
    } else {
        assert_null(art->date);
    }
    assert_string_equal(art->author ? art->author : "", f->author);
    assert_string_equal(art->url ? art->url : "", f->url);
    assert_string_equal(art->source ? art->source : f->folder, f->source);
    char tags[512] = "";
    for (size_t t = 0; t < art->ntags; t++) {
        strcat(tags, t ? ", " : "");
        strcat(tags, art->tags[t]);
    }
    assert_string_equal(tags, f->tags);
    s->articles++;
    return 0;
}

static int check_file(const corpus_file *file, void *ctx)
{
    seen *s = ctx;
    char why[256];
    s->files++;
    if (corpus_read_file(file, NULL, check_article, s, why, sizeof why) !=
        CORPUS_OK)
        fail_msg("%s: %s", file->relpath, why);
    return 0;
}

/* Every file on disk is in the manifest, read as the manifest says; the
 * README files are there and are not articles. */
static void test_manifest_matches_reader(void **state)
{
    (void)state;
    char *root = dir_in_tmp("m");
    gen_options o = gen_default_options(SEED, ARTICLES);
    o.readme = 1;
    gen_corpus *c = gen_corpus_create(root, &o);
    seen s = {c, 0, 0};
    assert_int_equal(corpus_walk(root, check_file, NULL, &s), 0);
    assert_int_equal(s.files, gen_corpus_count(c));
    assert_int_equal(s.articles, gen_corpus_count(c));
    assert_true(exists(root, "README.TXT") && exists(root, "SOURCE.md"));
    assert_int_equal(tu_run("test \"$(find '%s' -type f | wc -l)\" -eq %zu",
                            root, gen_corpus_count(c) + 2), 0);
    /* Every source has files; the rare kinds all occur. */
    for (size_t k = 0; k < GEN_NSOURCES; k++)
        assert_true(gen_corpus_count_folder(c, gen_sources[k]) > 20);
    size_t headerless = 0, dated_text = 0, overridden = 0;
    for (size_t i = 0; i < c->n; i++) {
        headerless += !c->files[i].header;
        dated_text += c->files[i].date[0] &&
                      strcmp(c->files[i].date, c->files[i].date_text) != 0;
        overridden += c->files[i].source_header[0] != '\0';
    }
    assert_true(headerless > 0 && dated_text > 0 && overridden > 0);
    assert_true(gen_corpus_count_gzip(c) > 0);
    assert_true(gen_corpus_count_cp1252(c) > 0);
    assert_true(gen_corpus_count_copies(c) > 0);
    gen_corpus_free(c);
    free(root);
}

/* Byte copies are byte-identical; near copies share the body only; the
 * Windows-1252 files hold the raw 0xA3 of their amount and no other byte
 * above 0x7F; gzipped files are gzip. */
static void test_kinds_of_file(void **state)
{
    (void)state;
    char *root = dir_in_tmp("k");
    gen_corpus *c = gen_corpus_create(root,
                                      &(gen_options){
                                          .seed = SEED, .articles = ARTICLES,
                                          .gzip_pct = 10, .headerless_pct = 15,
                                          .copy_pct = 4, .near_copy_pct = 2,
                                          .cp1252_pct = 3});
    size_t copies = 0, near = 0, cp = 0;
    for (size_t i = 0; i < c->n; i++) {
        const gen_file *f = &c->files[i];
        size_t len, olen;
        char *raw = raw_bytes(root, f->path, &len);
        if (f->gzip)
            assert_true(len > 2 && (unsigned char)raw[0] == 0x1f &&
                        (unsigned char)raw[1] == 0x8b);
        if (f->copy_of >= 0) {
            char *orig = raw_bytes(root, c->files[f->copy_of].path, &olen);
            assert_true(len == olen && memcmp(raw, orig, len) == 0);
            free(orig);
            copies++;
        }
        if (f->near_copy_of >= 0) {
            const gen_file *o = &c->files[f->near_copy_of];
            assert_string_equal(f->body, o->body);
            assert_string_not_equal(f->title, o->title);
            char *mine = text_of(root, f->path), *theirs = text_of(root, o->path);
            assert_string_not_equal(mine, theirs);
            free(mine);
            free(theirs);
            near++;
        }
        if (f->cp1252) {
            char *text = text_of(root, f->path);
            assert_true(f->money[0]);
            char want[32];
            snprintf(want, sizeof want, "\xA3%s", f->money + 2);
            assert_non_null(strstr(text, want));
            for (const char *p = text; *p; p++)
                assert_true((unsigned char)*p < 0x80 ||
                            (unsigned char)*p == 0xA3);
            assert_false(corpus_utf8_valid(text, strlen(text)));
            free(text);
            cp++;
        }
        free(raw);
    }
    assert_int_equal(copies, ARTICLES * 4 / 100);
    assert_int_equal(near, ARTICLES * 2 / 100);
    assert_true(cp >= 1);
    gen_corpus_free(c);
    free(root);
}

/* The names a body mentions are in its entity list, the cast's first
 * mention is the full name. */
static void test_entities_listed(void **state)
{
    (void)state;
    char *root = dir_in_tmp("e");
    gen_options o = gen_default_options(SEED, 100);
    gen_corpus *c = gen_corpus_create(root, &o);
    size_t with_people = 0;
    for (size_t i = 0; i < c->n; i++) {
        const gen_file *f = &c->files[i];
        for (size_t p = 0; p < gen_corpus_people(c); p++) {
            const char *name = gen_corpus_person(c, p);
            char key[128];
            snprintf(key, sizeof key, "|%s|", name);
            int listed = strstr(f->entities, key) != NULL;
            assert_int_equal(listed, strstr(f->body, name) != NULL);
            if (listed) {   /* the surname alone never comes first */
                const char *last = strrchr(name, ' ') + 1;
                assert_true(strstr(f->body, name) <= strstr(f->body, last));
            }
            with_people += listed;
        }
    }
    assert_true(with_people >= c->n);
    gen_corpus_free(c);
    free(root);
}

static int picked_once(const gen_mutation *m, size_t i)
{
    int n = 0;
    for (size_t k = 0; k < m->n_edited; k++)
        n += m->edited[k] == i;
    for (size_t k = 0; k < m->n_touched; k++)
        n += m->touched[k] == i;
    for (size_t k = 0; k < m->n_renamed; k++)
        n += m->renamed[k] == i;
    for (size_t k = 0; k < m->n_removed; k++)
        n += m->removed[k] == i;
    for (size_t k = 0; k < m->n_added; k++)
        n += m->added[k] == i;
    return n;
}

/* Each kind of change does what it reports, on distinct files, the first
 * of each kind gzipped; the same seed mutates the same way. */
static void test_mutations(void **state)
{
    (void)state;
    char *root = dir_in_tmp("mut"), *twin = dir_in_tmp("twin");
    gen_options o = gen_default_options(SEED, ARTICLES);
    gen_corpus *c = gen_corpus_create(root, &o);
    gen_corpus *t = gen_corpus_create(twin, &o);
    size_t before = gen_corpus_count(c);
    size_t n_before = c->n;
    /* Sizes and times of everything before. */
    size_t *sizes = calloc(c->n, sizeof *sizes);
    struct timespec *times = calloc(c->n, sizeof *times);
    assert_non_null(sizes);
    assert_non_null(times);
    for (size_t i = 0; i < c->n; i++) {
        struct stat st = stat_of(root, c->files[i].path);
        sizes[i] = (size_t)st.st_size;
        times[i] = st.st_mtim;
    }
    gen_changes want = {.edit = 3, .retype = 2, .touch = 4, .rename = 4,
                        .remove = 3, .add = 5, .marker = "zanzibarquokka"};
    gen_mutation m, mt;
    gen_corpus_mutate(c, &want, &m);
    gen_corpus_mutate(t, &want, &mt);
    assert_int_equal(tu_run("diff -r '%s' '%s' >/dev/null", root, twin), 0);
    assert_int_equal(m.n_edited, 5);
    assert_int_equal(m.n_touched, 4);
    assert_int_equal(m.n_renamed, 4);
    assert_int_equal(m.n_removed, 3);
    assert_int_equal(m.n_added, 5);
    assert_int_equal(gen_corpus_count(c), before - 3 + 5);
    for (size_t i = 0; i < c->n; i++)
        assert_true(picked_once(&m, i) <= 1);
    assert_true(c->files[m.edited[0]].gzip);
    assert_true(c->files[m.touched[0]].gzip);
    assert_true(c->files[m.renamed[0]].gzip);
    assert_true(c->files[m.removed[0]].gzip);
    assert_true(c->files[m.added[0]].gzip);
    for (size_t k = 0; k < m.n_edited; k++) {
        size_t i = m.edited[k];
        struct stat st = stat_of(root, c->files[i].path);
        assert_true(st.st_mtim.tv_sec == times[i].tv_sec + 2);
        char *text = text_of(root, c->files[i].path);
        if (k < 3) {   /* appended: larger, with the marker */
            assert_non_null(strstr(text, "zanzibarquokka"));
            assert_non_null(strstr(c->files[i].body, "zanzibarquokka"));
            if (!c->files[i].gzip)
                assert_true((size_t)st.st_size > sizes[i]);
        } else {       /* retyped: same size, other bytes */
            assert_null(strstr(text, "zanzibarquokka"));
            if (!c->files[i].gzip)
                assert_int_equal((size_t)st.st_size, sizes[i]);
        }
        free(text);
        assert_true(c->files[i].edited);
    }
    for (size_t k = 0; k < m.n_touched; k++) {
        size_t i = m.touched[k];
        struct stat st = stat_of(root, c->files[i].path);
        assert_int_equal(st.st_mtim.tv_sec, 978307200 + (long)k);
        assert_int_equal((size_t)st.st_size, sizes[i]);
        assert_false(c->files[i].edited);
    }
    size_t moved_folder = 0;
    for (size_t k = 0; k < m.n_renamed; k++) {
        const gen_file *f = &c->files[m.renamed[k]];
        assert_false(exists(root, m.renamed_from[k]));
        assert_true(exists(root, f->path));
        assert_string_not_equal(f->path, m.renamed_from[k]);
        assert_int_equal(strncmp(f->path, f->folder, strlen(f->folder)), 0);
        moved_folder += strncmp(f->path, m.renamed_from[k],
                                strlen(f->folder) + 1) != 0;
    }
    assert_true(moved_folder > 0);
    for (size_t k = 0; k < m.n_removed; k++) {
        assert_false(exists(root, c->files[m.removed[k]].path));
        assert_false(c->files[m.removed[k]].present);
    }
    for (size_t k = 0; k < m.n_added; k++) {
        assert_true(m.added[k] >= n_before);
        assert_true(exists(root, c->files[m.added[k]].path));
    }
    /* A second mutation picks none of the files of the first. */
    gen_mutation m2;
    gen_corpus_mutate(c, &(gen_changes){.edit = 10, .remove = 10}, &m2);
    for (size_t k = 0; k < m2.n_edited; k++)
        assert_int_equal(picked_once(&m, m2.edited[k]), 0);
    for (size_t k = 0; k < m2.n_removed; k++)
        assert_int_equal(picked_once(&m, m2.removed[k]), 0);
    free(sizes);
    free(times);
    gen_corpus_free(c);
    gen_corpus_free(t);
    free(root);
    free(twin);
}

/* The CLI writes what the library writes. */
static void test_cli(void **state)
{
    (void)state;
    char *root = dir_in_tmp("cli"), *lib = dir_in_tmp("lib");
    assert_int_equal(tu_run("'%s' '%s' --seed 5 --articles 60 --manifest "
                            "'%s/manifest.tsv' >/dev/null",
                            tu_binary("tests/gen_corpus"), root, fx.tmp), 0);
    gen_options o = gen_default_options(5, 60);
    gen_corpus *c = gen_corpus_create(lib, &o);
    assert_int_equal(tu_run("diff -r '%s' '%s' >/dev/null", root, lib), 0);
    assert_int_equal(tu_run("test \"$(wc -l < '%s/manifest.tsv')\" -eq %zu",
                            fx.tmp, gen_corpus_count(c) + 1), 0);
    assert_int_equal(tu_run("'%s' '%s' --articles x 2>/dev/null",
                            tu_binary("tests/gen_corpus"), root), 64);
    /* a directory whose parents are missing is made with them */
    assert_int_equal(tu_run("'%s' '%s/new/parents/corpus' --articles 3 "
                            ">/dev/null && test -d '%s/new/parents/corpus'",
                            tu_binary("tests/gen_corpus"), fx.tmp, fx.tmp),
                     0);
    gen_corpus_free(c);
    free(root);
    free(lib);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_bytes),
        cmocka_unit_test(test_manifest_matches_reader),
        cmocka_unit_test(test_kinds_of_file),
        cmocka_unit_test(test_entities_listed),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
