/*
 * test_query.c - the Gazette query language and result features, checked
 * against plain scans of the corpora done here in the test.
 *
 * Three indexes are built once with the real gazette-index: the bundled
 * sample corpus, a generated news corpus (gen_corpus.h: ~850 articles in
 * five sources, with byte and near copies), and a tiny corpus written in
 * capitals. The test reads every article itself (headers, title, body),
 * splits it into words and stems them with the same Snowball stemmer, so
 * "which articles contain this word / phrase / pair of words" is known
 * independently of the index.
 */
#define _GNU_SOURCE 1   /* gmtime_r, strcasecmp */
#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>
#include <cmocka.h>

#include "buf.h"
#include "corpus.h"
#include "gazette.h"
#include "gen_corpus.h"
#include "schema.h"
#include "search_private.h"
#include "shards.h"
#include "snippet.h"
#include "stem_cache.h"
#include "test_util.h"
#include "xapian_shim.h"

#define MAX_DOCS 4096
#define TITLE_GAP "\x01"   /* token between title and body: no phrase */

/* One article as the test reads it. Strings are lower-cased (ASCII). */
typedef struct doc {
    char id[256];        /* path relative to the corpus root */
    char folder[64];
    char date[16];       /* Date: header, else the file's mtime */
    char source[64];     /* Source: header, else the folder */
    char *title, *body, *tags, *author;
    char **tokens;       /* title words, TITLE_GAP, body words */
    char **stems;        /* stem of each token */
    size_t ntokens;
    uint64_t file_hash;  /* FNV-1a of the raw file bytes */
    uint64_t body_hash;  /* of the body's letters and digits only */
    long mtime;
} doc;

typedef struct corpus {
    doc docs[MAX_DOCS];
    size_t n;
    char root[4096];
    char db[4096];
    int ready;
} corpus;

#define GEN_SEED 31337
#define GEN_ARTICLES 800

static struct {
    char *tmp;
    xap_stem *stem;
    corpus sample, gen, caps;
    gen_corpus *manifest;   /* what the generator wrote into gen.root */
} fx;

/* --------------------------------------------------------- corpus scan */

static char *read_all(const char *path, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    int got;
    while ((got = gzread(f, buf + n, (unsigned)(cap - n - 1))) > 0) {
        n += (size_t)got;
        if (cap - n < 2)
            assert_non_null(buf = realloc(buf, cap *= 2));
    }
    gzclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static uint64_t fnv(const char *s, size_t n, int alnum_only)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (alnum_only && c < 0x80 && !isalnum(c))
            continue;
        h ^= alnum_only ? (unsigned char)tolower(c) : c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static char *lower_dup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    assert_non_null(d);
    for (size_t i = 0; i < n; i++)
        d[i] = (char)tolower((unsigned char)s[i]);
    d[n] = '\0';
    return d;
}

static int word_byte(const char *p)
{
    unsigned char c = (unsigned char)*p;
    return isalnum(c) || c >= 0x80;
}

/* Append the words of `text` to d's tokens: runs of letters and digits
 * (bytes >= 0x80 count as letters), with an apostrophe between letters and
 * ',' or '.' between digits kept inside the word, as Xapian does. */
static void add_tokens(doc *d, const char *text, size_t *cap)
{
    const char *p = text;
    while (*p) {
        if (!word_byte(p)) {
            p++;
            continue;
        }
        const char *start = p;
        while (*p) {
            if (word_byte(p))
                p++;
            else if (*p == '\'' && p > start && word_byte(p + 1) &&
                     isalpha((unsigned char)p[-1]))
                p++;
            else if ((*p == '.' || *p == ',') && p > start &&
                     isdigit((unsigned char)p[-1]) &&
                     isdigit((unsigned char)p[1]))
                p++;
            else
                break;
        }
        if (d->ntokens + 1 >= *cap) {
            *cap = *cap ? *cap * 2 : 256;
            assert_non_null(d->tokens = realloc(d->tokens,
                                                *cap * sizeof *d->tokens));
        }
        d->tokens[d->ntokens++] = lower_dup(start, (size_t)(p - start));
    }
}

static void stem_tokens(doc *d)
{
    assert_non_null(d->stems = calloc(d->ntokens + 1, sizeof *d->stems));
    for (size_t i = 0; i < d->ntokens; i++) {
        if (strcmp(d->tokens[i], TITLE_GAP) == 0)
            assert_non_null(d->stems[i] = strdup(TITLE_GAP));
        else
            assert_int_equal(xap_stem_word(fx.stem, d->tokens[i],
                                           &d->stems[i]), XAP_OK);
    }
}

/* Header "Key: value" lines, when every line before the first blank line
 * is one; returns a pointer past the header block (or `text`). */
static const char *read_headers(doc *d, const char *text)
{
    const char *blank = strstr(text, "\n\n");
    if (!blank)
        return text;
    for (const char *line = text; line < blank;) {
        const char *eol = strchr(line, '\n');
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        if (!colon || colon == line)
            return text;
        for (const char *k = line; k < colon; k++)
            if (!isalpha((unsigned char)*k))
                return text;
        line = eol + 1;
    }
    for (const char *line = text; line < blank;) {
        const char *eol = strchr(line, '\n');
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        const char *v = colon + 1;
        while (*v == ' ')
            v++;
        size_t klen = (size_t)(colon - line), vlen = (size_t)(eol - v);
        if (klen == 5 && strncasecmp(line, "title", 5) == 0)
            d->title = lower_dup(v, vlen);
        else if (klen == 4 && strncasecmp(line, "date", 4) == 0)
            snprintf(d->date, sizeof d->date, "%.*s", (int)vlen, v);
        else if (klen == 6 && strncasecmp(line, "source", 6) == 0)
            snprintf(d->source, sizeof d->source, "%.*s", (int)vlen, v);
        else if (klen == 4 && strncasecmp(line, "tags", 4) == 0)
            d->tags = lower_dup(v, vlen);
        else if (klen == 6 && strncasecmp(line, "author", 6) == 0)
            d->author = lower_dup(v, vlen);
        line = eol + 1;
    }
    return blank + 2;
}

static void load_doc(corpus *c, const char *folder, const char *name)
{
    assert_true(c->n < MAX_DOCS);
    doc *d = &c->docs[c->n++];
    memset(d, 0, sizeof *d);
    assert_true(snprintf(d->id, sizeof d->id, "%s/%s", folder, name) <
                (int)sizeof d->id);
    assert_true(snprintf(d->folder, sizeof d->folder, "%s", folder) <
                (int)sizeof d->folder);
    memcpy(d->source, d->folder, sizeof d->source);
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", c->root, d->id);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    d->mtime = (long)st.st_mtime;
    size_t len;
    char *raw = read_all(path, &len);
    d->file_hash = fnv(raw, len, 0);
    const char *body = read_headers(d, raw);
    if (!d->title) {   /* headline: first line, when a blank line follows */
        const char *nl = strstr(body, "\n\n");
        const char *eol = strchr(body, '\n');
        if (nl && nl == eol) {
            d->title = lower_dup(body, (size_t)(eol - body));
            body = nl + 2;
        } else {
            d->title = lower_dup("", 0);
        }
    }
    /* no Date: header: the date its name starts with ("2023-11-09-..."),
     * else none (never the file's modification time) */
    if (!d->date[0] && strlen(name) > 10 && name[4] == '-' && name[7] == '-')
        snprintf(d->date, sizeof d->date, "%.10s", name);
    d->body = lower_dup(body, strlen(body));
    d->body_hash = fnv(d->body, strlen(d->body), 1);
    if (!d->tags)
        d->tags = lower_dup("", 0);
    if (!d->author)
        d->author = lower_dup("", 0);
    size_t cap = 0;
    add_tokens(d, d->title, &cap);
    if (d->ntokens + 1 >= cap)
        assert_non_null(d->tokens = realloc(d->tokens,
                                            (cap += 8) * sizeof *d->tokens));
    d->tokens[d->ntokens++] = strdup(TITLE_GAP);
    add_tokens(d, d->body, &cap);
    stem_tokens(d);
    free(raw);
}

/* Load every .txt / .txt.gz file one folder below c->root. */
static void load_corpus(corpus *c)
{
    DIR *top = opendir(c->root);
    assert_non_null(top);
    struct dirent *e;
    while ((e = readdir(top)) != NULL) {
        char dir[8192];
        snprintf(dir, sizeof dir, "%s/%s", c->root, e->d_name);
        struct stat st;
        if (e->d_name[0] == '.' || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        DIR *sub = opendir(dir);
        assert_non_null(sub);
        struct dirent *f;
        while ((f = readdir(sub)) != NULL) {
            size_t n = strlen(f->d_name);
            if ((n > 4 && strcmp(f->d_name + n - 4, ".txt") == 0) ||
                (n > 7 && strcmp(f->d_name + n - 7, ".txt.gz") == 0))
                load_doc(c, e->d_name, f->d_name);
        }
        closedir(sub);
    }
    closedir(top);
}

static void free_corpus(corpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        doc *d = &c->docs[i];
        for (size_t t = 0; t < d->ntokens; t++) {
            free(d->tokens[t]);
            free(d->stems[t]);
        }
        free(d->tokens);
        free(d->stems);
        free(d->title);
        free(d->body);
        free(d->tags);
        free(d->author);
    }
}

static int build_index(corpus *c, const char *name)
{
    snprintf(c->db, sizeof c->db, "%s/%s-index", fx.tmp, name);
    int rc = tu_run("'%s' --quiet --db '%s' '%s'", tu_binary("indexer/gazette-index"),
                    c->db, c->root);
    c->ready = rc == 0;
    return rc;
}

static void write_caps_corpus(const char *root)
{
    static const char loud[] =
        "Title: STORM WARNING FOR THE COAST\n\n"
        "FORECASTERS SAID THE STORMS WOULD BRING FLOODING TO COASTAL TOWNS "
        "AND THAT HEZBOLLAH HAD NOTHING TO DO WITH IT. THE \xC3\x89" "LYS"
        "\xC3\x89" "E ISSUED STATEMENTS. \xC3\x89" "CLAIRS WERE SOLD OUT.\n";
    static const char calm[] =
        "Title: A calm week on the coast\n\n"
        "The storm passed quickly and the river flooded nothing. Hezbollah "
        "was not mentioned by the forecasters, nor in the \xC3\xA9" "lys"
        "\xC3\xA9" "e statement. One \xC3\xA9" "clair was left.\n";
    static const char other[] =
        "Title: Markets\n\nShares rose on Tuesday as traders shrugged.\n";
    tu_write_file(root, "news/loud.txt", loud, sizeof loud - 1);
    tu_write_file(root, "news/calm.txt", calm, sizeof calm - 1);
    tu_write_file(root, "news/other.txt", other, sizeof other - 1);
    static const char odd[] =
        "Title: Odd names\nURL: https://example.com/a/B.html?x=1\n\n"
        "An article in a folder with a space in its name.\n";
    tu_write_file(root, "Desk Two/Odd Name.v2.txt", odd, sizeof odd - 1);
    static const char accented[] =
        "Title: Accents\nTags: \xC3\x89" "ducation, Middle East\n\n"
        "Filters with non-ASCII capitals.\n";
    tu_write_file(root, "\xC3\x89" "ditions/a.txt", accented,
                  sizeof accented - 1);
    /* For the wildcard limit: exactly 1000 words start "qwx", 1001 "qwz". */
    char *words = malloc(2000 * 16 + 64), *w = words;
    assert_non_null(words);
    w += sprintf(w, "Title: Word list\n\n");
    for (int i = 0; i < 1000; i++)   /* qwxaaa qwzaaa qwxaab qwzaab ... */
        w += sprintf(w, "qwx%c%c%c qwz%c%c%c ", 'a' + i / 676,
                     'a' + i / 26 % 26, 'a' + i % 26, 'a' + i / 676,
                     'a' + i / 26 % 26, 'a' + i % 26);
    w += sprintf(w, "qwzzzz\n");   /* the 1001st */
    tu_write_file(root, "lists/words.txt", words, (size_t)(w - words));
    free(words);
}

static int group_setup(void **state)
{
    (void)state;
    fx.tmp = tu_mkdtemp("query");
    if (xap_stem_new("english", &fx.stem) != XAP_OK)
        return -1;
    /* The .txt articles of the sample, the files load_corpus() models
     * (the sample also holds Markdown, HTML, JSON Lines and mail). */
    snprintf(fx.sample.root, sizeof fx.sample.root, "%s/sample", fx.tmp);
    if (tu_run("mkdir -p '%s' && cd '%s' && find . -name '*.txt' -o -name "
               "'*.txt.gz' | tar -cf - -T - | tar -C '%s' -xf -",
               fx.sample.root, tu_source_path("corpus/sample"),
               fx.sample.root) != 0)
        return -1;
    load_corpus(&fx.sample);
    if (build_index(&fx.sample, "sample") != 0)
        return -1;
    snprintf(fx.caps.root, sizeof fx.caps.root, "%s/caps", fx.tmp);
    write_caps_corpus(fx.caps.root);
    load_corpus(&fx.caps);
    if (build_index(&fx.caps, "caps") != 0)
        return -1;
    snprintf(fx.gen.root, sizeof fx.gen.root, "%s/gen", fx.tmp);
    gen_options o = gen_default_options(GEN_SEED, GEN_ARTICLES);
    fx.manifest = gen_corpus_create(fx.gen.root, &o);
    load_corpus(&fx.gen);
    if (fx.gen.n != gen_corpus_count(fx.manifest))
        return -1;
    if (build_index(&fx.gen, "gen") != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    free_corpus(&fx.sample);
    free_corpus(&fx.gen);
    free_corpus(&fx.caps);
    gen_corpus_free(fx.manifest);
    xap_stem_free(fx.stem);
    tu_rmtree(fx.tmp);
    free(fx.tmp);
    return 0;
}

/* ------------------------------------------------------ expected sets */

/* A set of documents of one corpus: flags indexed like c->docs. */
typedef struct docset {
    unsigned char in[MAX_DOCS];
} docset;

static char *stem_of(const char *word)
{
    char *lower = lower_dup(word, strlen(word)), *s = NULL;
    assert_int_equal(xap_stem_word(fx.stem, lower, &s), XAP_OK);
    free(lower);
    return s;
}

/* Position of the first token of `d` from `from` whose stem is `stem`,
 * or -1. */
static long find_stem(const doc *d, const char *stem, size_t from)
{
    for (size_t i = from; i < d->ntokens; i++)
        if (strcmp(d->stems[i], stem) == 0)
            return (long)i;
    return -1;
}

/* Documents containing `word` (any form with the same stem). */
static docset with_word(const corpus *c, const char *word)
{
    docset s;
    memset(&s, 0, sizeof s);
    char *st = stem_of(word);
    for (size_t i = 0; i < c->n; i++)
        s.in[i] = find_stem(&c->docs[i], st, 0) >= 0;
    free(st);
    return s;
}

/* Documents where word a is followed by word b with at most `gap` - 1
 * words between (gap 1 = adjacent); `ordered` 0 allows either order.
 * Exact words, not stems: Xapian matches positions of unstemmed terms. */
static docset with_pair(const corpus *c, const char *a, const char *b,
                        size_t gap, int ordered)
{
    docset s;
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < c->n; i++) {
        const doc *d = &c->docs[i];
        char *const *w = d->tokens;
        for (size_t p = 0; p < d->ntokens && !s.in[i]; p++) {
            if (strcmp(w[p], a) != 0)
                continue;
            for (size_t q = p + 1; q <= p + gap && q < d->ntokens; q++) {
                if (strcmp(w[q], TITLE_GAP) == 0)
                    break;
                if (strcmp(w[q], b) == 0)
                    s.in[i] = 1;
            }
            for (size_t k = 1; !ordered && k <= gap && k <= p; k++) {
                if (strcmp(w[p - k], TITLE_GAP) == 0)
                    break;
                if (strcmp(w[p - k], b) == 0)
                    s.in[i] = 1;
            }
        }
    }
    return s;
}

/* Documents containing the exact (unstemmed) word sequence `phrase`. */
static docset with_phrase(const corpus *c, const char *phrase)
{
    doc tmp;
    memset(&tmp, 0, sizeof tmp);
    size_t cap = 0;
    add_tokens(&tmp, phrase, &cap);
    docset s;
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < c->n; i++) {
        const doc *d = &c->docs[i];
        for (size_t p = 0; p + tmp.ntokens <= d->ntokens && !s.in[i]; p++) {
            size_t k = 0;
            while (k < tmp.ntokens && strcmp(d->tokens[p + k], tmp.tokens[k]) == 0)
                k++;
            s.in[i] = k == tmp.ntokens;
        }
    }
    for (size_t k = 0; k < tmp.ntokens; k++)
        free(tmp.tokens[k]);
    free(tmp.tokens);
    return s;
}

/* Documents with a token starting with `start` (a wildcard). */
static docset with_word_prefix(const corpus *c, const char *start)
{
    docset s;
    memset(&s, 0, sizeof s);
    size_t n = strlen(start);
    for (size_t i = 0; i < c->n; i++)
        for (size_t t = 0; t < c->docs[i].ntokens && !s.in[i]; t++)
            s.in[i] = strncmp(c->docs[i].tokens[t], start, n) == 0;
    return s;
}

static docset set_op(docset a, docset b, char op)
{
    docset r;
    for (size_t i = 0; i < MAX_DOCS; i++)
        r.in[i] = op == '&' ? a.in[i] && b.in[i]
                : op == '|' ? a.in[i] || b.in[i]
                : op == '-' ? a.in[i] && !b.in[i]
                            : a.in[i] != b.in[i];
    return r;
}

static docset everything_set(void)
{
    docset all;
    memset(&all, 1, sizeof all);
    return all;
}

static size_t set_size(const corpus *c, const docset *s)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += s->in[i];
    return n;
}

static long find_doc(const corpus *c, const char *id)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->docs[i].id, id) == 0)
            return (long)i;
    return -1;
}

/* ------------------------------------------------------------ searching */

typedef struct query_opts {
    int match_all;
    int duplicates;         /* 1: do not collapse */
    int spelling;
    gazette_sort_t sort;
    int facets[GAZETTE_FACET_AUTHOR + 1];
    int explain;
    int no_feedback;        /* 1: gazette_search_options_set_feedback 0 */
} query_opts;

/* Run `query` on `c`'s index; returns the status, *out the results. */
static gazette_status_t run_query(const corpus *c, const char *query,
                                  const query_opts *qo, uint32_t limit,
                                  gazette_results_t **out, char *err,
                                  size_t errlen)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    query_opts none = {0};
    if (!qo)
        qo = &none;
    assert_int_equal(gazette_index_open(c->db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(opts, 0, limit),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_snippet(opts, 200, "[", "]"),
                     GAZETTE_STATUS_OK);
    gazette_search_options_set_match_all(opts, qo->match_all);
    gazette_search_options_set_collapse_duplicates(opts, !qo->duplicates);
    gazette_search_options_set_spelling(opts, qo->spelling);
    assert_int_equal(gazette_search_options_set_feedback(opts,
                                                         !qo->no_feedback),
                     GAZETTE_STATUS_OK);
    gazette_search_options_set_sort(opts, qo->sort);
    gazette_search_options_set_explain(opts, qo->explain);
    for (int f = 0; f <= GAZETTE_FACET_AUTHOR; f++)
        if (qo->facets[f])
            gazette_search_options_add_facet(opts, (gazette_facet_t)f);
    *out = NULL;
    gazette_status_t s = gazette_search(index, query, opts, out);
    if (err)
        snprintf(err, errlen, "%s", gazette_index_error(index));
    gazette_search_options_free(opts);
    gazette_index_close(index);
    return s;
}

static gazette_results_t *search(const corpus *c, const char *query,
                                 const query_opts *qo)
{
    gazette_results_t *r = NULL;
    char err[1024];
    if (run_query(c, query, qo, 100000, &r, err, sizeof err) !=
        GAZETTE_STATUS_OK)
        fail_msg("search '%s': %s", query, err);
    return r;
}

/* The hits of `query` as a set; every hit must be a known document. */
static docset hits_of(const corpus *c, const char *query, const query_opts *qo)
{
    query_opts all = {0};
    all.duplicates = 1;   /* compare with scans: every copy */
    gazette_results_t *r = search(c, query, qo ? qo : &all);
    docset s;
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const char *id = gazette_hit_id(gazette_results_hit(r, i));
        long k = find_doc(c, id);
        if (k < 0)
            fail_msg("'%s': unknown hit %s", query, id);
        assert_false(s.in[k]);
        s.in[k] = 1;
    }
    gazette_results_free(r);
    return s;
}

/* Fail with the first difference when `query` does not return exactly
 * `expected`. */
static void expect_hits(const corpus *c, const char *query,
                        const query_opts *qo, docset expected)
{
    docset got = hits_of(c, query, qo);
    for (size_t i = 0; i < c->n; i++)
        if (got.in[i] != expected.in[i])
            fail_msg("'%s': %s %s", query, c->docs[i].id,
                     got.in[i] ? "found but not expected" : "expected, not found");
}

/* ---------------------------------------------------------------- tests */

/* Upper, capitalised and lower case find the same articles, stemmed alike:
 * on the sample and on a corpus written in capitals. */
static void test_case_and_stemming(void **state)
{
    (void)state;
    docset hez = with_word(&fx.sample, "hezbollah");
    assert_true(set_size(&fx.sample, &hez) >= 3);
    expect_hits(&fx.sample, "HEZBOLLAH", NULL, hez);
    expect_hits(&fx.sample, "Hezbollah", NULL, hez);
    expect_hits(&fx.sample, "hezbollah", NULL, hez);
    docset pause = with_word(&fx.sample, "pauses");
    assert_true(set_size(&fx.sample, &pause) >= 2);
    expect_hits(&fx.sample, "PAUSES", NULL, pause);
    expect_hits(&fx.sample, "Pause", NULL, pause);

    docset storm = with_word(&fx.caps, "storm");
    assert_int_equal(set_size(&fx.caps, &storm), 2);   /* STORMS, storm */
    const char *forms[] = {"STORMS", "Storms", "storms", "STORM", "storm"};
    for (size_t i = 0; i < 5; i++)
        expect_hits(&fx.caps, forms[i], NULL, storm);
    docset flood = with_word(&fx.caps, "flooding");
    assert_int_equal(set_size(&fx.caps, &flood), 2);   /* FLOODING, flooded */
    expect_hits(&fx.caps, "FLOODING", NULL, flood);
    expect_hits(&fx.caps, "Flooded", NULL, flood);
    expect_hits(&fx.caps, "HEZBOLLAH", NULL, with_word(&fx.caps, "hezbollah"));
    expect_hits(&fx.caps, "\"THE STORMS\"", NULL,
                with_phrase(&fx.caps, "the storms"));
    /* Non-ASCII capitals fold too ("ÉLYSÉE", "Élysée", "élysée"). */
    docset both;
    memset(&both, 0, sizeof both);
    long loud = find_doc(&fx.caps, "news/loud.txt");
    long calm = find_doc(&fx.caps, "news/calm.txt");
    assert_true(loud >= 0 && calm >= 0);
    both.in[loud] = 1;
    both.in[calm] = 1;
    expect_hits(&fx.caps, "\xC3\x89" "LYS" "\xC3\x89" "E", NULL, both);
    expect_hits(&fx.caps, "\xC3\x89" "lys" "\xC3\xA9" "e", NULL, both);
    expect_hits(&fx.caps, "\xC3\xA9" "lys" "\xC3\xA9" "e", NULL, both);
    expect_hits(&fx.caps, "STATEMENTS", NULL, both);
    /* A non-ASCII capital first letter: stemmed all the same. */
    expect_hits(&fx.caps, "\xC3\x89" "CLAIRS", NULL, both);
    expect_hits(&fx.caps, "\xC3\x89" "clairs", NULL, both);
    expect_hits(&fx.caps, "Statement", NULL, both);
}

/* Phrases return exactly the articles containing the words in order. */
static void test_phrases(void **state)
{
    (void)state;
    expect_hits(&fx.sample, "\"humanitarian pauses\"", NULL,
                with_phrase(&fx.sample, "humanitarian pauses"));
    const char *phrases[] = {"prime minister", "world cup", "chief executive",
                             "said it would"};
    for (size_t i = 0; i < 4; i++) {
        char q[128];
        snprintf(q, sizeof q, "\"%s\"", phrases[i]);
        docset want = with_phrase(&fx.gen, phrases[i]);
        assert_true(set_size(&fx.gen, &want) >= 10);
        expect_hits(&fx.gen, q, NULL, want);
    }
}

/* AND OR NOT XOR + - ( ), best match by default, --all. */
static void test_boolean_operators(void **state)
{
    (void)state;
    const corpus *c = &fx.gen;
    docset a = with_word(c, "chelsea"), b = with_word(c, "arsenal"),
           l = with_word(c, "liverpool");
    assert_true(set_size(c, &a) > 20 && set_size(c, &b) > 20);
    expect_hits(c, "chelsea", NULL, a);
    expect_hits(c, "CHELSEA", NULL, a);
    expect_hits(c, "chelsea AND arsenal", NULL, set_op(a, b, '&'));
    expect_hits(c, "chelsea OR arsenal", NULL, set_op(a, b, '|'));
    expect_hits(c, "chelsea arsenal", NULL, set_op(a, b, '|'));
    query_opts all = {.match_all = 1, .duplicates = 1};
    expect_hits(c, "chelsea arsenal", &all, set_op(a, b, '&'));
    expect_hits(c, "Chelsea Arsenal", &all, set_op(a, b, '&'));
    expect_hits(c, "chelsea NOT arsenal", NULL, set_op(a, b, '-'));
    expect_hits(c, "chelsea XOR arsenal", NULL, set_op(a, b, '^'));
    expect_hits(c, "+chelsea -arsenal", NULL, set_op(a, b, '-'));
    expect_hits(c, "+chelsea +arsenal", NULL, set_op(a, b, '&'));
    expect_hits(c, "(chelsea OR arsenal) AND liverpool", NULL,
                set_op(set_op(a, b, '|'), l, '&'));
    expect_hits(c, "chelsea AND NOT (arsenal OR liverpool)", NULL,
                set_op(a, set_op(b, l, '|'), '-'));
}

static size_t count_lines(const char *text);

/* A '*' that Xapian's parser drops, searching the word without it (one
 * after a word of a phrase, or after a word joined to another by a
 * hyphen, which makes them a phrase), is said in the warning, naming the
 * first: '"ab* cd*"' searched the phrase "ab cd" with "warning":null. A
 * wildcard the parser keeps, and a filter's '*', get no such note. */
static void test_dropped_wildcard_warns(void **state)
{
    (void)state;
    const corpus *c = &fx.gen;
    static const struct {
        const char *query, *note;   /* note: in the warning, or NULL */
    } cases[] = {
        {"\"chel* arsenal*\"", "the '*' of 'chel*' (and 1 more) was left out"},
        {"zebrafoo-ab*", "the '*' of 'zebrafoo-ab*' was left out"},
        {"arsenal \"chel* manager\"", "the '*' of 'chel*' was left out"},
        {"title:\"chel* manager\"", "the '*' of 'chel*' was left out"},
        {"chelsea a/b*", "the '*' of 'a/b*' was left out"},
        {"chel*", NULL},
        {"chel* arsenal", NULL},
        {"chel*-arsenal", NULL},
        {"title:chel*", NULL},
        {"tag:chel*", NULL},
        /* a '.' between digits keeps one term, and its wildcard works */
        {"1.5*", NULL},
        {"v2.0*", NULL},
        {"chelsea 1.5-ab*", "the '*' of '1.5-ab*' was left out"},
        /* the word as typed, not folded: it said 'zebrafoo-elyse*' */
        {"zebrafoo-\xC3\x89lys\xC3\xA9*",
         "the '*' of 'zebrafoo-\xC3\x89lys\xC3\xA9*' was left out"},
        {"\"Chel* manager\"", "the '*' of 'Chel*' was left out"},
        {"ZEBRAFOO-AB*", "the '*' of 'ZEBRAFOO-AB*' was left out"},
        {"chelsea..zebrafoo-Ab*", "the '*' of 'zebrafoo-Ab*' was left out"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gazette_results_t *r = search(c, cases[i].query, NULL);
        const char *w = gazette_results_warning(r);
        if (cases[i].note ? !strstr(w, cases[i].note) ||
                                !strstr(w, "not in a phrase or a hyphenated")
                          : *w != '\0')
            fail_msg("'%s': warning \"%s\"", cases[i].query, w);
        gazette_results_free(r);
    }
}

/* A '*' inside a word ("ab*cd") is no wildcard to Xapian's parser,
 * which reads it as a space; it searched "ab OR cd" with no word of
 * warning. The results now say so, naming the first such word as typed
 * and how it was read, and how many more there are; a '*' that ends a
 * word ("ab*", "ab*-cd", "1.5*") is not named here (one that starts a
 * word: test_leading_star_warns), nor one in a filter's value, nor one
 * after CJK text (the parser drops it, as docs/search.md says). */
static void test_infix_star_warns(void **state)
{
    (void)state;
    const corpus *c = &fx.gen;
    static const struct {
        const char *query, *note;   /* note: the warning, or NULL */
    } cases[] = {
        {"ab*cd", "the '*' in 'ab*cd' was read as a space ('ab cd')"},
        {"chelsea Arse*nal", "the '*' in 'Arse*nal' was read as a space "
                             "('Arse nal')"},
        {"\xC3\x89lys*\xC3\xA9" "e",
         "the '*' in '\xC3\x89lys*\xC3\xA9" "e' was read as a space "
         "('\xC3\x89lys \xC3\xA9" "e')"},
        {"title:chel*sea", "the '*' in 'title:chel*sea' was read as a space "
                           "('title:chel sea')"},
        {"\"chel*sea manager\"", "the '*' in 'chel*sea' was read as a space "
                                 "('chel sea')"},
        {"gov**ment x*y", "the '*' in 'gov**ment' (and 1 more) was read as "
                          "a space ('gov ment')"},
        {"zebrafoo-ab*cd*", "the '*' in 'zebrafoo-ab*cd*' was read as a "
                            "space ('zebrafoo-ab cd*')"},
        {"ab*\xE5\x8C\x97\xE4\xBA\xAC",
         "the '*' in 'ab*\xE5\x8C\x97\xE4\xBA\xAC' was read as a space "
         "('ab \xE5\x8C\x97\xE4\xBA\xAC')"},
        {"chel*", NULL},
        {"chel*-arsenal", NULL},
        {"chel*'s", NULL},
        {"1.5*", NULL},
        {"v2.0*", NULL},
        {"tag:chel*sea", NULL},
        {"\xE5\x8C\x97\xE4\xBA\xAC*\xE4\xB8\x8A\xE6\xB5\xB7", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gazette_results_t *r = search(c, cases[i].query, NULL);
        const char *w = gazette_results_warning(r);
        if (cases[i].note ? !strstr(w, cases[i].note) ||
                                !strstr(w, "a wildcard is a '*' at the end "
                                           "of a word, not inside one") ||
                                strstr(w, "left out")
                          : *w != '\0')
            fail_msg("'%s': warning \"%s\"", cases[i].query, w);
        gazette_results_free(r);
    }
    /* with a dropped wildcard too, both are named */
    gazette_results_t *r = search(c, "ab*cd zebrafoo-x*", NULL);
    assert_string_equal(gazette_results_warning(r),
                        "the '*' in 'ab*cd' was read as a space ('ab cd'): "
                        "a wildcard is a '*' at the end of a word, not inside "
                        "one; the '*' of 'zebrafoo-x*' was left out: a "
                        "wildcard works on a word alone, not in a phrase or a "
                        "hyphenated word");
    gazette_results_free(r);
}

/* A '*' that starts a word ("*ology") is no wildcard to Xapian's parser,
 * which drops it: '*chel' searched "chel" with no word of warning, and
 * 'title:*chel' "title chel", the field's name a word. The results now
 * say so, naming the first such word as typed (one whose field was lost
 * before others) and how many more there are; a lone '*', a filter's
 * value, and a '*' after CJK text are not named. */
static void test_leading_star_warns(void **state)
{
    (void)state;
    const corpus *c = &fx.gen;
    static const char tail[] = ": a wildcard is a '*' at the end of a "
                               "word, not at its start";
    static const char field[] = " was left out, and the field's name "
                                "before it was searched as a word";
    static const struct {
        const char *query, *word;   /* word: the note's, or NULL */
        int lost;                   /* the note says the field was lost */
    } cases[] = {
        {"*chel", "'*chel' was left out", 0},
        {"arsenal **chel", "'**chel' was left out", 0},
        {"arsenal +*chel", "'+*chel' was left out", 0},
        {"*chel*", "'*chel*' was left out", 0},
        {"(*chel OR arsenal)", "'*chel' was left out", 0},
        {"\"*chel manager\"", "'*chel' was left out", 0},
        {"zebrafoo-*chel", "'zebrafoo-*chel' was left out", 0},
        {"*\xC3\x89lys\xC3\xA9" "e",
         "'*\xC3\x89lys\xC3\xA9" "e' was left out", 0},
        {"*chel *ars", "'*chel' (and 1 more) was left out", 0},
        {"title:*chel", "'title:*chel'", 1},
        {"arsenal -Title:*chel", "'-Title:*chel'", 1},
        {"*ars TITLE:*chel", "'TITLE:*chel' (and 1 more)", 1},
        {"title:(*chel arsenal)", "'*chel' was left out", 0},
        {"chel*", NULL, 0},
        {"chelsea *", NULL, 0},
        {"tag:*chel", NULL, 0},
        {"\xE5\x8C\x97\xE4\xBA\xAC*\xE4\xB8\x8A\xE6\xB5\xB7", NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gazette_results_t *r = search(c, cases[i].query, NULL);
        const char *w = gazette_results_warning(r);
        char want[256] = "";
        if (cases[i].word)
            snprintf(want, sizeof want, "the '*' of %s%s%s", cases[i].word,
                     cases[i].lost ? field : "", tail);
        if (cases[i].word ? !strstr(w, want) : *w != '\0')
            fail_msg("'%s': warning \"%s\"", cases[i].query, w);
        gazette_results_free(r);
    }
    /* the star is left out, nothing else: the word's own hits */
    gazette_results_t *star = search(c, "*chelsea", NULL);
    gazette_results_t *plain = search(c, "chelsea", NULL);
    assert_true(gazette_results_count(plain) > 0);
    assert_int_equal(gazette_results_count(star),
                     gazette_results_count(plain));
    gazette_results_free(star);
    gazette_results_free(plain);
}

/* A word written as a field that names none ("titel:ceasefire") is
 * searched as words by Xapian, as before, but the results now say so and
 * name the fields; the fields, quoted text, URLs and times do not. Each
 * distinct one is named (in any case one), the first three, in one note
 * (found in review: only the first was); a Windows path ("C:\x") is
 * no field. */
static void test_unknown_field_warns(void **state)
{
    (void)state;
    const corpus *c = &fx.gen;
    static const struct {
        const char *query, *names;   /* names: the warning's start, or
                                        NULL for none */
    } cases[] = {
        {"titel:chelsea", "'titel:' is not a field, so it was searched as a word in a "
         "phrase with what follows it"},
        {"arsenal -Ttile:chelsea", "'Ttile:' is not a field, so it was searched as a word in a "
         "phrase with what follows it"},
        {"(chelsea OR +sorce:world)", "'sorce:' is not a field, so it was searched as a word in a "
         "phrase with what follows it"},
        {"titel:chelsea autor:ann",
         "'titel:' and 'autor:' are not fields, so each was searched as a word in a phrase "
         "with what follows it"},
        {"titel:chelsea TITEL:arsenal autor:ann titel:x",
         "'titel:' and 'autor:' are not fields, so each was searched as a word in a phrase "
         "with what follows it"},
        {"aa:chelsea bb:x title:arsenal cc:y",
         "'aa:', 'bb:' and 'cc:' are not fields, so each was searched as a word in a phrase "
         "with what follows it"},
        {"aa:chelsea bb:x cc:y dd:z ee:w dd:v",
         "'aa:', 'bb:', 'cc:' and 2 more are not fields, so each was searched as a word in a phrase "
         "with what follows it"},
        {"title:chelsea", NULL},
        {"TITLE:chelsea source:world", NULL},
        {"\"titel:chelsea\" arsenal", NULL},
        {"https://example.org/chelsea", NULL},
        {"chelsea 10:30", NULL},
        {"chelsea: arsenal", NULL},
        /* a Windows path: a drive letter before a backslash or '/' */
        {"chelsea C:\\Users\\ann", NULL},
        {"chelsea d:/data/x", NULL},
        /* words in a field's group are its values, not fields */
        {"tag:(nyt:world OR b)", NULL},
        {"source:(\"a:b\" OR x:y) titel:c", "'titel:' is not a field, so it was searched as a word in a "
         "phrase with what follows it"},
        {"C:\\x titel:chelsea", "'titel:' is not a field, so it was searched as a word in a "
         "phrase with what follows it"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gazette_results_t *r = search(c, cases[i].query, NULL);
        const char *w = gazette_results_warning(r);
        char want[256] = "";
        if (cases[i].names)
            snprintf(want, sizeof want, "%s (fields: title: author: ",
                     cases[i].names);
        if (cases[i].names ? strncmp(w, want, strlen(want)) != 0 : *w != 0)
            fail_msg("'%s': warning \"%s\"", cases[i].query, w);
        gazette_results_free(r);
    }

    /* gazette-query: the one warning line on stderr, and --json's */
    char out[4096], err[4096];
    snprintf(out, sizeof out, "%s/out.txt", fx.tmp);
    snprintf(err, sizeof err, "%s/err.txt", fx.tmp);
    assert_int_equal(tu_run("'%s' --json --db '%s' 'titel:chelsea "
                            "autor:ann' >'%s' 2>'%s'",
                            tu_binary("query/cli/gazette-query"), c->db, out,
                            err), 0);
    size_t len;
    char *text = read_all(err, &len);
    assert_int_equal(count_lines(text), 1);
    /* the fields --help lists, not upper: and caps:, which a word in
     * capitals is searched as */
    assert_non_null(strstr(text, "warning: 'titel:' and 'autor:' are not "
                                 "fields, so each was searched as a word in "
                                 "a phrase with what follows it "
                                 "(fields: title: author: source: tag: "
                                 "entity: url: id: year: date:)\n"));
    free(text);
    text = read_all(out, &len);
    const char *last = text;
    for (const char *nl = strchr(text, '\n'); nl && nl[1];
         nl = strchr(nl + 1, '\n'))
        last = nl + 1;
    json_error_t jerr;
    json_t *o = json_loads(last, 0, &jerr);
    if (!o)
        fail_msg("not JSON: %s: %s", jerr.text, last);
    const char *jw = json_string_value(json_object_get(o, "warning"));
    assert_non_null(jw);
    static const char jwant[] = "'titel:' and 'autor:' are not fields, so "
                                "each was searched as a word in a phrase "
                                "with what follows it (fields: title: ";
    assert_true(strncmp(jw, jwant, strlen(jwant)) == 0);
    json_decref(o);
    free(text);
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* NEAR and ADJ: adjacent pairs always match; no match is further apart
 * than the window (a little slack for tokenisation differences). */
static void test_near_adj(void **state)
{
    (void)state;
    const corpus *c = &fx.gen;
    struct {
        const char *query, *a, *b;
        size_t window;
        int ordered;
    } cases[] = {
        {"interest NEAR/3 rates", "interest", "rates", 3, 0},
        {"rates NEAR/3 interest", "rates", "interest", 3, 0},
        {"interest ADJ/3 rates", "interest", "rates", 3, 1},
        {"minister NEAR prime", "minister", "prime", 10, 0},
        {"rates ADJ/2 interest", "rates", "interest", 2, 1},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        docset got = hits_of(c, cases[k].query, NULL);
        docset inner = with_pair(c, cases[k].a, cases[k].b, 1, cases[k].ordered);
        docset outer = with_pair(c, cases[k].a, cases[k].b,
                                 cases[k].window + 2, cases[k].ordered);
        for (size_t i = 0; i < c->n; i++) {
            if (inner.in[i] && !got.in[i])
                fail_msg("'%s': %s has the words adjacent, not found",
                         cases[k].query, c->docs[i].id);
            if (got.in[i] && !outer.in[i])
                fail_msg("'%s': %s found, words too far apart",
                         cases[k].query, c->docs[i].id);
        }
        if (k != 4)
            assert_true(set_size(c, &got) > 0);
    }
    /* ADJ keeps order: "rates interest" adjacent is rare, "interest
     * rates" common; the ordered queries differ. */
    docset fwd = hits_of(c, "interest ADJ/1 rates", NULL);
    docset rev = hits_of(c, "rates ADJ/1 interest", NULL);
    assert_true(set_size(c, &fwd) > set_size(c, &rev));
    /* The widest window is searched as written; a wider one (or one
     * that does not fit Xapian's 32 bits, which would wrap), 0, or a
     * window that is no number ("NEAR/-1", which Xapian searched as the
     * phrase "near 1", "NEAR/x", "ADJ/+3", "NEAR/") is refused in one
     * line naming it, exit status 64. "NEAR/3" before a bracket is no
     * operator (Xapian's words) and stays words, so does "NEAR/x)". */
    char widest[64];
    snprintf(widest, sizeof widest, "interest NEAR/%u rates",
             GAZETTE_MAX_QUERY_WINDOW);
    docset wide = hits_of(c, widest, NULL);
    docset near10 = hits_of(c, "interest NEAR rates", NULL);
    docset both = hits_of(c, "interest AND rates", NULL);
    assert_true(set_size(c, &near10) > 0);
    for (size_t i = 0; i < c->n; i++)
        if ((near10.in[i] && !wide.in[i]) || (wide.in[i] && !both.in[i]))
            fail_msg("'%s': %s %s", widest, c->docs[i].id,
                     wide.in[i] ? "found without both words"
                                : "not found, found by NEAR");
    char over[64];
    snprintf(over, sizeof over, "interest ADJ/%u rates",
             GAZETTE_MAX_QUERY_WINDOW + 1);
    const char *refused[] = {over, "interest NEAR/99999999999 rates",
                             "interest NEAR/4294967297 rates",
                             "(interest ADJ/18446744073709551617 rates)",
                             "interest NEAR/0 rates",
                             "interest NEAR/-1 rates", "interest NEAR/x rates",
                             "interest ADJ/+3 rates", "interest NEAR/ rates",
                             "interest NEAR/3x", "(interest ADJ/-2 rates)"};
    char out[4096];
    snprintf(out, sizeof out, "%s/err.txt", fx.tmp);
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        gazette_results_t *r = NULL;
        char err[1024];
        gazette_status_t s = run_query(c, refused[i], NULL, 10, &r, err,
                                       sizeof err);
        if (s != GAZETTE_STATUS_QUERY_SYNTAX || !strstr(err, "/"))
            fail_msg("'%s': status %d, \"%s\"", refused[i], (int)s, err);
        assert_null(r);
        assert_int_equal(tu_run("'%s' --db '%s' '%s' >/dev/null 2>'%s'",
                                tu_binary("query/cli/gazette-query"), c->db,
                                refused[i], out), 64);
        size_t len;
        char *text = read_all(out, &len);
        assert_int_equal(count_lines(text), 1);
        free(text);
    }
}

/* Trailing wildcards expand to the words that start so; a too broad one is
 * refused in one line with QUERY_SYNTAX, and exit status 64 in the CLI. */
static void test_wildcards(void **state)
{
    (void)state;
    expect_hits(&fx.sample, "hezboll*", NULL,
                with_word_prefix(&fx.sample, "hezboll"));
    expect_hits(&fx.sample, "Blink*", NULL,
                with_word_prefix(&fx.sample, "blink"));
    expect_hits(&fx.gen, "chelse*", NULL, with_word_prefix(&fx.gen, "chelse"));
    docset econ = with_word_prefix(&fx.gen, "economi");
    assert_true(set_size(&fx.gen, &econ) >= 10);
    expect_hits(&fx.gen, "economi*", NULL, econ);
    /* The limit: 1000 words may match, 1001 may not. */
    expect_hits(&fx.caps, "qwx*", NULL, with_word_prefix(&fx.caps, "qwx"));
    gazette_results_t *r = NULL;
    char err[1024];
    assert_int_equal(run_query(&fx.caps, "qwz*", NULL, 10, &r, err, sizeof err),
                     GAZETTE_STATUS_QUERY_SYNTAX);
    assert_null(r);
    assert_non_null(strstr(err, "wildcard"));
    assert_null(strchr(err, '\n'));
    assert_int_equal(tu_run("'%s' --db '%s' 'qwz*' >/dev/null 2>&1",
                            tu_binary("query/cli/gazette-query"), fx.caps.db), 64);
}

/* Articles first..last-1 of the wildcard corpus under `root`: article i
 * holds the 60 words zq<60i>.. zq<60i+59> (five digits and a letter), so
 * "zq00*" stands for 1000 words in 17 articles and "zq0*" for 1800. */
static void write_wildcard_articles(const char *root, int first, int last)
{
    for (int i = first; i < last; i++) {
        char name[64], text[2048];
        int n = snprintf(text, sizeof text,
                         "Title: doc %d\nDate: 2023-01-01\n\n", i);
        for (int j = i * 60; j < (i + 1) * 60; j++)
            n += snprintf(text + n, sizeof text - (size_t)n, "zq%05d%c ", j,
                          "abc"[i % 3]);
        snprintf(name, sizeof name, "d%02d.txt", i);
        tu_write_file(root, name, text, (size_t)n);
    }
}

/* The status of `query` over the indexes `dbs` searched as one, and the
 * number of hits (at most 100, every copy of identical articles). */
static gazette_status_t search_dbs(const char *const *dbs, size_t n,
                                   const char *query, size_t *hits)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open_multi(dbs, n, 0, &index),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(opts, 0, 100),
                     GAZETTE_STATUS_OK);
    gazette_search_options_set_collapse_duplicates(opts, 0);
    gazette_status_t s = gazette_search(index, query, opts, &r);
    *hits = gazette_results_count(r);
    if (s == GAZETTE_STATUS_QUERY_SYNTAX)
        assert_non_null(strstr(gazette_index_error(index), "wildcard"));
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
    return s;
}

/* gazette_index_open(path) with `status`, its error holding `text`, and
 * gazette-query --db path exiting `exit_code`. */
static void expect_open_fails(const char *const *dbs, size_t n,
                              gazette_status_t status, const char *text,
                              int exit_code)
{
    gazette_index_t *index = NULL;
    gazette_status_t got = gazette_index_open_multi(dbs, n, 0, &index);
    if (got != status)
        fail_msg("%s: %s, not %s (%s)", dbs[0], gazette_status_to_string(got),
                 gazette_status_to_string(status), gazette_last_open_error());
    assert_null(index);
    if (!strstr(gazette_last_open_error(), text))
        fail_msg("error: %s", gazette_last_open_error());
    char args[8192] = "";
    for (size_t i = 0, at = 0; i < n; i++)
        at += (size_t)snprintf(args + at, sizeof args - at, " --db '%s'",
                               dbs[i]);
    assert_int_equal(tu_run("'%s' %s hezbollah >/dev/null 2>&1",
                            tu_binary("gazette-query"), args), exit_code);
}

/* One database reached twice, by one index's stubs (two lines, two stubs
 * naming it, another spelling of its path, a link) or by two indexes
 * given: Xapian would open it twice, so that every article was found
 * twice ("about 10 matches" for 5, each hit "and 1 duplicate"). Refused,
 * naming it: INDEX_CORRUPT (65) for the stubs, INVALID_ARGUMENT (64) for
 * the indexes given. Distinct databases still open as one. */
static void test_database_reached_twice_is_refused(void **state)
{
    (void)state;
    const char *db = fx.sample.db;
    char dir[1100], stub[1200], a[1200], b[1200], link[1200], text[4200];
    snprintf(dir, sizeof dir, "%s/twice", fx.tmp);
    assert_int_equal(tu_run("mkdir -p '%s' && ln -sfn '%s' '%s/link'", dir,
                            db, dir), 0);
    snprintf(stub, sizeof stub, "%s/top", dir);
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    const char *one[] = {stub};
    const char *const lists[][2] = {
        {"auto %s\nauto %s\n", "twice"},       /* one line twice */
        {"auto %s\nauto %s/.\n", "spelled"},   /* another spelling */
        {"auto %s\n# a comment\nauto link\n", "link"},
    };
    for (size_t i = 0; i < 3; i++) {
        int n = snprintf(text, sizeof text, lists[i][0], db, db);
        tu_write_file(dir, "top", text, (size_t)n);
        expect_open_fails(one, 1, GAZETTE_STATUS_INDEX_CORRUPT,
                          "list the database", 65);
    }
    /* two stubs naming it, one stub naming another twice */
    int n = snprintf(text, sizeof text, "auto %s\n", db);
    tu_write_file(dir, "a", text, (size_t)n);
    tu_write_file(dir, "b", text, (size_t)n);
    tu_write_file(dir, "top", "auto a\nauto b\n", 14);
    expect_open_fails(one, 1, GAZETTE_STATUS_INDEX_CORRUPT, db, 65);
    tu_write_file(dir, "top", "auto a\nauto a\n", 14);
    expect_open_fails(one, 1, GAZETTE_STATUS_INDEX_CORRUPT,
                      "list the stub file", 65);
    /* stubs naming each other: refused, where Xapian recursed until its
     * stack ran out (a crash) */
    tu_write_file(dir, "top", "auto top\n", 9);
    expect_open_fails(one, 1, GAZETTE_STATUS_INDEX_CORRUPT,
                      "or it names itself", 65);
    /* one stub file linked into two directories names two databases,
     * each relative to where it is reached: not one twice */
    char x[1200], y[1200];
    snprintf(x, sizeof x, "%s/x/idx", dir);
    snprintf(y, sizeof y, "%s/y/idx", dir);
    assert_int_equal(tu_run("mkdir -p '%s/x' '%s/y' && ln -sfn '%s' "
                            "'%s/x/db' && ln -sfn '%s' '%s/y/db' && "
                            "printf 'auto db\\n' >'%s' && ln -f '%s' '%s'",
                            dir, dir, db, dir, fx.caps.db, dir, x, x, y), 0);
    const char *linked[] = {x, y};
    size_t both = 0;
    assert_int_equal(search_dbs(linked, 2, "hezbollah", &both),
                     GAZETTE_STATUS_OK);
    /* given twice: as such, through a stub, through a link */
    const char *same[] = {db, db};
    expect_open_fails(same, 2, GAZETTE_STATUS_INVALID_ARGUMENT,
                      "is given twice", 64);
    const char *via_stub[] = {db, a};
    expect_open_fails(via_stub, 2, GAZETTE_STATUS_INVALID_ARGUMENT,
                      "both reach the", 64);
    const char *via_link[] = {link, db};
    expect_open_fails(via_link, 2, GAZETTE_STATUS_INVALID_ARGUMENT,
                      "both reach the", 64);
    /* once each: the stub a, and a stub of two distinct indexes */
    size_t hits = 0, alone = 0;
    const char *just_a[] = {a};
    assert_int_equal(search_dbs(just_a, 1, "hezbollah", &hits),
                     GAZETTE_STATUS_OK);
    assert_int_equal(search_dbs(&db, 1, "hezbollah", &alone),
                     GAZETTE_STATUS_OK);
    assert_int_equal(hits, alone);
    const char *caps = fx.caps.db;
    size_t in_caps = 0;
    assert_int_equal(search_dbs(&caps, 1, "hezbollah", &in_caps),
                     GAZETTE_STATUS_OK);
    n = snprintf(text, sizeof text, "auto %s\nauto %s\n", db, caps);
    tu_write_file(dir, "top", text, (size_t)n);
    assert_int_equal(search_dbs(one, 1, "hezbollah", &hits),
                     GAZETTE_STATUS_OK);
    assert_int_equal(hits, alone + in_caps);
    assert_int_equal(both, alone + in_caps);
}

/* The wildcard limit counts distinct words over everything searched, not
 * each shard or index apart: 1800 words split over two shards (900
 * each), or over two indexes, are refused as over one; exactly 1000 are
 * searched; two indexes holding the same 900 words are 900 words. */
static void test_wildcard_limit_over_shards(void **state)
{
    (void)state;
    char root[1100], half[1100], same[1100], db[4][1200];
    snprintf(root, sizeof root, "%s/wc", fx.tmp);
    snprintf(half, sizeof half, "%s/wc-b", fx.tmp);
    snprintf(same, sizeof same, "%s/wc-a2", fx.tmp);
    write_wildcard_articles(root, 0, 30);
    write_wildcard_articles(half, 15, 30);
    write_wildcard_articles(same, 0, 15);
    static const char *const jobs[] = {"1", "2", "4"};
    for (size_t k = 0; k < 3; k++) {
        snprintf(db[0], sizeof db[0], "%s/wc-j%s", fx.tmp, jobs[k]);
        assert_int_equal(tu_run("'%s' --quiet -j%s --db '%s' '%s'",
                                tu_binary("indexer/gazette-index"), jobs[k],
                                db[0], root), 0);
        const char *one[] = {db[0]};
        size_t hits = 0;
        if (search_dbs(one, 1, "zq0*", &hits) != GAZETTE_STATUS_QUERY_SYNTAX)
            fail_msg("-j%s: 'zq0*' (1800 words) searched: %zu hits", jobs[k],
                     hits);
        assert_int_equal(search_dbs(one, 1, "zq00*", &hits),
                         GAZETTE_STATUS_OK);
        assert_int_equal(hits, 17);
        assert_int_equal(tu_run("'%s' --db '%s' 'zq0*' >/dev/null 2>&1",
                                tu_binary("query/cli/gazette-query"), db[0]),
                         64);
    }
    /* Two indexes: articles 0-14 (a copy of the first half of wc, in
     * its own index) with 15-29, and with another copy of 0-14. */
    snprintf(db[1], sizeof db[1], "%s/wc-a-index", fx.tmp);
    snprintf(db[2], sizeof db[2], "%s/wc-b-index", fx.tmp);
    snprintf(db[3], sizeof db[3], "%s/wc-a2-index", fx.tmp);
    char first[1100];
    snprintf(first, sizeof first, "%s/wc-a", fx.tmp);
    write_wildcard_articles(first, 0, 15);
    const char *roots[] = {first, half, same};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(tu_run("'%s' --quiet -j1 --db '%s' '%s'",
                                tu_binary("indexer/gazette-index"),
                                db[i + 1], roots[i]), 0);
    const char *apart[] = {db[1], db[2]}, *twice[] = {db[1], db[3]};
    size_t hits = 0;
    if (search_dbs(apart, 2, "zq0*", &hits) != GAZETTE_STATUS_QUERY_SYNTAX)
        fail_msg("two indexes of 900 words each: 'zq0*' searched");
    assert_int_equal(search_dbs(twice, 2, "zq0*", &hits), GAZETTE_STATUS_OK);
    assert_int_equal(hits, 30);   /* 15 articles, each in both indexes */
}

/* source:, title:, author:, tag:, url:, id:, entity: on the sample. */
static void test_fields(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    docset want;
    /* source: the Source header, else the folder (lower-cased match). */
    memset(&want, 0, sizeof want);
    for (size_t i = 0; i < c->n; i++)
        want.in[i] = strcasecmp(c->docs[i].source, "sport") == 0;
    assert_true(set_size(c, &want) >= 4);
    expect_hits(c, "source:sport", NULL, want);
    expect_hits(c, "source:Sport", NULL, want);
    /* title: words of the title only. */
    memset(&want, 0, sizeof want);
    char *st = stem_of("blinken");
    for (size_t i = 0; i < c->n; i++) {
        long p = find_stem(&c->docs[i], st, 0);
        long gap = find_stem(&c->docs[i], TITLE_GAP, 0);
        want.in[i] = p >= 0 && p < gap;
    }
    free(st);
    assert_true(set_size(c, &want) >= 3);
    expect_hits(c, "title:blinken", NULL, want);
    expect_hits(c, "title:Blinken", NULL, want);
    docset anywhere = with_word(c, "blinken");   /* title: narrows */
    assert_true(set_size(c, &want) < set_size(c, &anywhere));
    /* author: a word of the Author header. */
    memset(&want, 0, sizeof want);
    for (size_t i = 0; i < c->n; i++)
        want.in[i] = strstr(c->docs[i].author, "whitfield") != NULL;
    assert_true(set_size(c, &want) >= 1);
    expect_hits(c, "author:whitfield", NULL, want);
    /* tag: a whole tag, any case, with spaces in quotes. */
    memset(&want, 0, sizeof want);
    for (size_t i = 0; i < c->n; i++) {
        const char *t = c->docs[i].tags;
        const char *p = strstr(t, "middle east");
        want.in[i] = p && (p == t || p[-1] == ' ' || p[-1] == ',');
    }
    assert_true(set_size(c, &want) >= 2);
    expect_hits(c, "tag:\"middle east\"", NULL, want);
    expect_hits(c, "tag:\"Middle East\"", NULL, want);
    /* the closing quote left out: the value runs to the end, the filter
     * kept (the stray quote was dropped, "tag:" searched as a word) */
    expect_hits(c, "tag:\"middle east", NULL, want);
    expect_hits(c, "tag:\"middle east)", NULL, want);   /* up to the ')' */
    expect_hits(c, "tag:(\"middle east)", NULL, want);  /* in a group too */
    expect_hits(c, "(tag:\"middle east) OR hezbollah", NULL,
                set_op(want, with_word(c, "hezbollah"), '|'));
    expect_hits(c, "-tag:\"middle east", NULL,
                set_op(everything_set(), want, '-'));
    /* id: every article by its id, paths with '/' and '.'. */
    for (size_t i = 0; i < c->n; i++) {
        char q[512];
        snprintf(q, sizeof q, "id:%s", c->docs[i].id);
        memset(&want, 0, sizeof want);
        want.in[i] = 1;
        expect_hits(c, q, NULL, want);
    }
    /* id: and url: values are exact: spaces (quoted), dots, slashes,
     * capitals, a URL's own colon and query string. */
    docset odd;
    memset(&odd, 0, sizeof odd);
    long k = find_doc(&fx.caps, "Desk Two/Odd Name.v2.txt");
    assert_true(k >= 0);
    odd.in[k] = 1;
    expect_hits(&fx.caps, "id:\"Desk Two/Odd Name.v2.txt\"", NULL, odd);
    expect_hits(&fx.caps, "id:\"Desk Two/Odd Name.v2.txt\" space", NULL, odd);
    expect_hits(&fx.caps, "url:https://example.com/a/B.html?x=1", NULL, odd);
    expect_hits(&fx.caps, "url:\"https://example.com/a/B.html?x=1\"", NULL,
                odd);
    memset(&odd, 0, sizeof odd);
    expect_hits(&fx.caps, "id:\"desk two/odd name.v2.txt\"", NULL, odd);
    /* Filter values fold like words: case and accents do not matter. */
    k = find_doc(&fx.caps, "\xC3\x89" "ditions/a.txt");
    assert_true(k >= 0);
    odd.in[k] = 1;
    expect_hits(&fx.caps, "tag:\xC3\x89" "ducation", NULL, odd);
    expect_hits(&fx.caps, "tag:\"\xC3\x89" "DUCATION\"", NULL, odd);
    expect_hits(&fx.caps, "tag:education", NULL, odd);
    expect_hits(&fx.caps, "tag:\xC3\xA9" "ducation", NULL, odd);
    expect_hits(&fx.caps, "source:\xC3\x89" "ditions", NULL, odd);
    expect_hits(&fx.caps, "source:EDITIONS", NULL, odd);
    expect_hits(&fx.caps, "TAG:\"MIDDLE EAST\"", NULL, odd);
    /* entity: parses to the entity term (gz_entity_term); no article of
     * the sample index records entities, so nothing matches. */
    gazette_results_t *r = search(c, "entity:\"Antony Blinken\"", NULL);
    char term[GZ_TERM_BUF];
    gz_entity_term("Antony Blinken", term, sizeof term);
    assert_string_equal(term, "XEantony blinken");
    assert_non_null(strstr(gazette_results_parsed_query(r), term));
    gazette_results_free(r);
}

/* year: and date: ranges against the articles' own dates. */
static void test_dates(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    char dates[MAX_DOCS][11];
    for (size_t i = 0; i < c->n; i++)
        snprintf(dates[i], 11, "%.10s", c->docs[i].date);
    struct {
        const char *query, *lo, *hi;   /* inclusive YYYY-MM-DD bounds */
    } cases[] = {
        {"year:2024", "2024-01-01", "2024-12-31"},
        {"year:2023", "2023-01-01", "2023-12-31"},
        {"date:2023-11-01..2023-11-30", "2023-11-01", "2023-11-30"},
        {"date:2023-11..", "2023-11-01", "9999-12-31"},
        {"date:..2023-10", "0000-01-01", "2023-10-31"},
        {"date:2023-11", "2023-11-01", "2023-11-30"},
        {"date:2023-11-03", "2023-11-03", "2023-11-03"},
        {"date:20231103..20231105", "2023-11-03", "2023-11-05"},
        {"date:2023..2023", "2023-01-01", "2023-12-31"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        docset want;
        memset(&want, 0, sizeof want);
        for (size_t i = 0; i < c->n; i++)
            want.in[i] = strcmp(dates[i], cases[k].lo) >= 0 &&
                         strcmp(dates[i], cases[k].hi) <= 0;
        if (k < 3 || k == 5)
            assert_true(set_size(c, &want) >= 2);
        expect_hits(c, cases[k].query, NULL, want);
    }
    /* Combined with words. */
    docset gaza = with_word(c, "gaza");
    docset nov;
    memset(&nov, 0, sizeof nov);
    for (size_t i = 0; i < c->n; i++)
        nov.in[i] = strncmp(dates[i], "2023-11", 7) == 0;
    expect_hits(c, "gaza date:2023-11", NULL, set_op(gaza, nov, '&'));
}

/* A day of a date: range may be written YYYYMMDD, as docs/search.md
 * says (it was accepted but not documented): the same day as
 * YYYY-MM-DD, alone, at either end, mixed with the other forms. Six
 * digits are no form and are refused, the message listing every form,
 * YYYYMMDD too (it listed only YYYY-MM-DD, YYYY-MM and YYYY). */
static void test_eight_digit_dates(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    static const char *const same[][2] = {
        {"date:20231103", "date:2023-11-03"},
        {"date:20231101..2023-11-30", "date:2023-11"},
        {"date:2023-11..20231130", "date:2023-11"},
        {"date:..20231031", "date:..2023-10"},
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        docset want;
        memset(&want, 0, sizeof want);
        for (size_t k = 0; k < c->n; k++) {
            char date[11];
            snprintf(date, sizeof date, "%.10s", c->docs[k].date);
            want.in[k] = i == 0   ? strcmp(date, "2023-11-03") == 0
                         : i < 3 ? strncmp(date, "2023-11", 7) == 0
                                 : *date && strcmp(date, "2023-10-31") <= 0;
        }
        assert_true(set_size(c, &want) >= 1);
        expect_hits(c, same[i][0], NULL, want);
        expect_hits(c, same[i][1], NULL, want);
    }
    gazette_results_t *r = NULL;
    char err[1024];
    assert_int_equal(run_query(c, "gaza date:202311", NULL, 10, &r, err,
                               sizeof err), GAZETTE_STATUS_QUERY_SYNTAX);
    assert_null(r);
    if (!strstr(err, "cannot read the date in 'date:202311'") ||
        !strstr(err, "date:YYYY-MM-DD or date:YYYYMMDD, date:YYYY-MM, "
                     "date:YYYY"))
        fail_msg("date:202311: %s", err);
}

/* A quoted date: value is the value unquoted, as for year: and the other
 * filters (date:"2023-11" was refused: "cannot read the date in
 * 'date:'"), typographic quotes too; a bad one is named as typed, its
 * typographic quotes as such (they were shown as ASCII quotes), and so
 * is a bad year: in them. */
static void test_quoted_dates(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    static const struct {
        const char *quoted, *plain;
    } same[] = {
        {"date:\"2023-11\"", "date:2023-11"},
        {"gaza date:\"2023-11\"", "gaza date:2023-11"},
        {"date:\"2023-11-01..2023-11-05\"", "date:2023-11-01..2023-11-05"},
        {"gaza -date:\"2023-11\"", "gaza -date:2023-11"},
        {"date:(\"2023-11\")", "date:2023-11"},
        {"date:\xE2\x80\x9C" "2023-11\xE2\x80\x9D", "date:2023-11"},
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        docset want = hits_of(c, same[i].plain, NULL);
        assert_true(set_size(c, &want) >= 2);
        expect_hits(c, same[i].quoted, NULL, want);
    }
    static const struct {
        const char *query, *shown;
    } bad[] = {
        {"gaza date:\"2023-13\"", "'date:\"2023-13\"'"},
        {"date:\"2023-11-05..2023-11-01\"",
         "'date:\"2023-11-05..2023-11-01\"'"},
        {"date:\"2023-11\"gaza", "'date:\"2023-11\"gaza'"},
        /* named as typed: typographic quotes as such (the message
         * showed ASCII ones), a quote never closed unclosed */
        {"date:\xE2\x80\x9C" "2023-13\xE2\x80\x9D",
         "'date:\xE2\x80\x9C" "2023-13\xE2\x80\x9D'"},
        {"gaza date:\xE2\x80\x9E" "2023-11-05..2023-11-01\xE2\x80\x9C",
         "'date:\xE2\x80\x9E" "2023-11-05..2023-11-01\xE2\x80\x9C'"},
        {"\"2023-13\" date:\xE2\x80\x9C" "2023-13\xE2\x80\x9D",
         "'date:\xE2\x80\x9C" "2023-13\xE2\x80\x9D'"},
        {"date:(\xE2\x80\x9C" "2023-13\xE2\x80\x9D OR 2024)",
         "'date:\xE2\x80\x9C" "2023-13\xE2\x80\x9D'"},
        {"gaza date:\"2023-13", "'date:\"2023-13' ("},
        {"year:\xE2\x80\x9C" "20x4\xE2\x80\x9D",
         "'year:\xE2\x80\x9C" "20x4\xE2\x80\x9D'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        gazette_results_t *r = NULL;
        char err[1024];
        assert_int_equal(run_query(c, bad[i].query, NULL, 10, &r, err,
                                   sizeof err), GAZETTE_STATUS_QUERY_SYNTAX);
        assert_null(r);
        if (!strstr(err, bad[i].shown))
            fail_msg("'%s': %s", bad[i].query, err);
    }
}

/* Two or more dots outside date: separate words (a pasted headline's
 * ellipsis, "1..2"): Xapian, which has a range for date:, would refuse
 * any other "A..B" as an unknown range. date: ranges still work. */
static void test_dots_in_text(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    docset gaza = with_word(c, "gaza"), hez = with_word(c, "hezbollah");
    docset either = set_op(gaza, hez, '|');
    assert_true(set_size(c, &gaza) >= 2 && set_size(c, &hez) >= 2);
    expect_hits(c, "gaza... hezbollah", NULL, either);
    expect_hits(c, "gaza...hezbollah", NULL, either);
    expect_hits(c, "gaza..hezbollah", NULL, either);
    expect_hits(c, "hezbollah...", NULL, hez);
    expect_hits(c, "...hezbollah", NULL, hez);
    expect_hits(c, "\"gaza... hezbollah\"", NULL,
                with_phrase(c, "gaza hezbollah"));
    docset title_hez;
    memset(&title_hez, 0, sizeof title_hez);
    char *st = stem_of("hezbollah");
    for (size_t i = 0; i < c->n; i++) {
        long p = find_stem(&c->docs[i], st, 0);
        title_hez.in[i] = p >= 0 && p < find_stem(&c->docs[i], TITLE_GAP, 0);
    }
    free(st);
    assert_true(set_size(c, &title_hez) >= 1);
    expect_hits(c, "title:hezbollah..", NULL, title_hez);   /* stays title: */
    expect_hits(c, "title:..hezbollah...qqqzzz", NULL, title_hez);
    const char *ok[] = {"1..2", "zebra 2023..2024", "wait...",
                        "Gaza ceasefire... talks", "(gaza..hezbollah)",
                        "caps:UN..EU"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        gazette_results_t *r = NULL;
        char err[1024];
        gazette_status_t s = run_query(c, ok[i], NULL, 10, &r, err, sizeof err);
        if (s != GAZETTE_STATUS_OK)
            fail_msg("'%s' refused: %s", ok[i], err);
        gazette_results_free(r);
    }
    /* date: keeps its range; a token of dots alone is nothing to search. */
    docset nov;
    memset(&nov, 0, sizeof nov);
    for (size_t i = 0; i < c->n; i++)
        nov.in[i] = strncmp(c->docs[i].date, "2023-11", 7) == 0;
    expect_hits(c, "gaza... date:2023-11-01..2023-11-30", NULL,
                set_op(gaza, nov, '&'));
    gazette_results_t *r = NULL;
    char err[1024];
    assert_int_equal(run_query(c, "...", NULL, 10, &r, err, sizeof err),
                     GAZETTE_STATUS_QUERY_SYNTAX);
    assert_int_equal(tu_run("'%s' --db '%s' 'Gaza ceasefire... talks' "
                            ">/dev/null", tu_binary("query/cli/gazette-query"),
                            c->db), 0);
}

/* Malformed queries: lenient, or one line with QUERY_SYNTAX / exit 64. */
static void test_malformed_queries(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    /* Read leniently: still finds the words. */
    const char *lenient[] = {"\"unclosed hezbollah", "(hezbollah",
                             "hezbollah)", "title: hezbollah",
                             "hezbollah title:", "hezbollah title:(",
                             "title:(hezbollah", "year:\"2023\"",
                             "hezbollah -year:2021"};
    for (size_t i = 0; i < sizeof lenient / sizeof *lenient; i++) {
        gazette_results_t *r = NULL;
        char err[1024];
        gazette_status_t s = run_query(c, lenient[i], NULL, 10, &r, err,
                                       sizeof err);
        if (s != GAZETTE_STATUS_OK)
            fail_msg("'%s' refused: %s", lenient[i], err);
        assert_true(gazette_results_count(r) > 0);
        gazette_results_free(r);
    }
    const char *bad[] = {"AND AND", "hezbollah AND", "NOT", "a OR OR b",
                         "date:2023-13", "date:yesterday", "date:..",
                         "title:", "title:(", "title:( )", "tag:()", "title:(\v)",
                         "\"", "", "\v\v\"", "tag:\v\f",
                         "caf\xff hezbollah", "year:abc", "year:24",
                         "year:2023-11", "year:0000", "year:202*",
                         "gaza -year:20234", "year:\"abc\"",
                         "year:(2023 AND 2022)", "hezbollah year:2023,"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        gazette_results_t *r = NULL;
        char err[1024];
        assert_int_equal(run_query(c, bad[i], NULL, 10, &r, err, sizeof err),
                         GAZETTE_STATUS_QUERY_SYNTAX);
        assert_null(r);
        assert_true(strlen(err) > 10);
        assert_null(strchr(err, '\n'));
        assert_true(strstr(err, "nothing to search for") ||
                    strstr(err, "not valid UTF-8") || !strpbrk(bad[i], "\v\xff"));
        char out[4096];
        snprintf(out, sizeof out, "%s/err.txt", fx.tmp);
        assert_int_equal(tu_run("'%s' --db '%s' '%s' >/dev/null 2>'%s'",
                                tu_binary("query/cli/gazette-query"), c->db, bad[i],
                                out), 64);
        size_t len;
        char *text = read_all(out, &len);
        assert_true(len > 0);
        assert_int_equal(count_lines(text), 1);
        free(text);
    }
    /* A grammar error gets the hint about operands; the XOR limit (the
     * shim runs XOR as OR and AND_NOT) gets its own reason instead. */
    gazette_results_t *r = NULL;
    char err[1024];
    assert_int_equal(run_query(c, "hezbollah AND", NULL, 10, &r, err,
                               sizeof err), GAZETTE_STATUS_QUERY_SYNTAX);
    assert_non_null(strstr(err, "needs a word on each side"));
    /* A year that is not four digits is named, as a bad date is. */
    assert_int_equal(run_query(c, "gaza year:24", NULL, 10, &r, err,
                               sizeof err), GAZETTE_STATUS_QUERY_SYNTAX);
    assert_non_null(strstr(err, "'year:24'"));
    assert_non_null(strstr(err, "YYYY"));
    char many[512] = "";
    for (int i = 0; i < 17; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%sw%d",
                 i ? " XOR " : "", i);
    assert_int_equal(run_query(c, many, NULL, 10, &r, err, sizeof err),
                     GAZETTE_STATUS_QUERY_SYNTAX);
    assert_non_null(strstr(err, "XOR joins more than 16 parts"));
    assert_null(strstr(err, "needs a word on each side"));
    assert_null(r);
    /* XORs nested in XORs multiply what runs (each level runs what is
     * below it twice): twelve levels are refused, six run (fuzz finding
     * 11 took seconds on 47 articles) */
    for (int depth = 6; depth <= 12; depth += 6) {
        char nested[512] = "";
        for (int i = 0; i < depth; i++)
            snprintf(nested + strlen(nested), sizeof nested - strlen(nested),
                     "w%d XOR (", i);
        snprintf(nested + strlen(nested), sizeof nested - strlen(nested),
                 "gaza");
        for (int i = 0; i < depth; i++)
            strcat(nested, ")");
        gazette_status_t st = run_query(c, nested, NULL, 10, &r, err,
                                        sizeof err);
        if (depth == 6) {
            assert_int_equal(st, GAZETTE_STATUS_OK);
            assert_true(gazette_results_count(r) > 0);
            gazette_results_free(r);
            r = NULL;
        } else {
            assert_int_equal(st, GAZETTE_STATUS_QUERY_SYNTAX);
            assert_non_null(strstr(err, "XOR nested in XOR too deep"));
        }
    }
}

/* NEAR or ADJ first or last, where Xapian's grammar refuses it ("snow
 * NEAR", "NEAR/3 snow", "(gaza ADJ)"), is explained as the missing word
 * it is; it was "its operators do not fit together (NEAR and ADJ go
 * between single words, not phrases, groups or wildcards)", though the
 * query has none of those. */
static void test_proximity_without_word(void **state)
{
    (void)state;
    static const struct {
        const char *query, *said;
    } cases[] = {
        {"snow NEAR", "'NEAR' needs a word after it"},
        {"NEAR/3 snow", "'NEAR/3' needs a word before it"},
        {"(gaza ADJ) ", "'ADJ' needs a word after it"},
        {" ( NEAR gaza)", "'NEAR' needs a word before it"},
        /* a last NEAR/n Xapian reads as words: the error is elsewhere
         * (review: it was blamed, hiding the bracket's hint) */
        {"url:a_(b) snow NEAR/3", "goes in quotes (url:\"a_(b)\")"},
        {"a NEAR (b OR c) ADJ/2", "not phrases, groups or wildcards"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        gazette_results_t *r = NULL;
        char err[1024];
        assert_int_equal(run_query(&fx.sample, cases[i].query, NULL, 10, &r,
                                   err, sizeof err),
                         GAZETTE_STATUS_QUERY_SYNTAX);
        assert_null(r);
        if (!strstr(err, cases[i].said) ||
            (i < 4 && !strstr(err, "NEAR and ADJ go between two words")))
            fail_msg("'%s': %s", cases[i].query, err);
    }
}

/* A boolean operator that Xapian's grammar refuses for want of a word
 * beside it, two in a row or one alone inside brackets ("NOT NOT gaza",
 * "gaza (OR) truce"), is named in Gazette's words, as "gaza AND" is,
 * with what stands where its word should; it was Xapian's grammar rule,
 * "Syntax: <expression> NOT <expression>". */
static void test_operator_without_word_named(void **state)
{
    (void)state;
    static const struct {
        const char *query, *said;
    } cases[] = {
        {"NOT NOT gaza", "'NOT' needs a word before it, not another "
                         "operator"},
        {"gaza NOT NOT truce", "'NOT' needs a word before it, not another "
                               "operator"},
        {"gaza AND NOT NOT truce", "'NOT' needs a word before it, not "
                                   "another operator"},
        {"gaza (OR) truce", "'OR' needs a word before it within its "
                            "brackets"},
        {"gaza (AND NOT) truce", "'AND' needs a word before it within its "
                                 "brackets"},
        {"(gaza NOT) truce", "'NOT' needs a word after it within its "
                             "brackets"},
        {"gaza OR (XOR truce)", "'XOR' needs a word before it within its "
                                "brackets"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        gazette_results_t *r = NULL;
        char err[1024];
        assert_int_equal(run_query(&fx.sample, cases[i].query, NULL, 10, &r,
                                   err, sizeof err),
                         GAZETTE_STATUS_QUERY_SYNTAX);
        assert_null(r);
        if (!strstr(err, cases[i].said) || strstr(err, "Syntax") ||
            strstr(err, "<expression>") ||
            !strstr(err, "needs a word on each side"))
            fail_msg("'%s': %s", cases[i].query, err);
    }
}

/* A query of operators alone ("OR", "AND AND", "NOT") is refused, as
 * "foo AND" is (docs/search.md: a query all in capitals is plain words
 * only with a word besides its operators), in one line that says so and
 * how to search for the word (it said "'OR' needs a word before it", and
 * "its operators do not fit together (NEAR and ADJ go between single
 * words...)" for NEAR alone). The hint's forms find the word; a query in
 * capitals with another word is plain words, its operators too, and one
 * with digits besides keeps them as operators. */
static void test_operators_alone(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    static const struct {
        const char *query, *said, *hint;
    } alone[] = {
        {"OR", "'OR' is an operator, with no word for it to join",
         "'or', '\"OR\"'"},
        {"AND", "'AND' is an operator,", "'and', '\"AND\"'"},
        {"NOT", "'NOT' is an operator,", "'not', '\"NOT\"'"},
        {"XOR", "'XOR' is an operator,", "'xor', '\"XOR\"'"},
        {"NEAR", "'NEAR' is an operator,", "'near', '\"NEAR\"'"},
        {" AND AND ", "'AND AND' is only operators, with no word for them",
         "'and', '\"AND\"'"},
        {"NEAR/3 NEAR/3", "'NEAR/3 NEAR/3' is only operators",
         "'near', '\"NEAR\"'"},
        {"(OR)", "'(OR)' is an operator,", "'or', '\"OR\"'"},
    };
    char out[4096];
    snprintf(out, sizeof out, "%s/err.txt", fx.tmp);
    for (size_t i = 0; i < sizeof alone / sizeof *alone; i++) {
        gazette_results_t *r = NULL;
        char err[1024];
        assert_int_equal(run_query(c, alone[i].query, NULL, 10, &r, err,
                                   sizeof err), GAZETTE_STATUS_QUERY_SYNTAX);
        assert_null(r);
        if (!strstr(err, alone[i].said) || !strstr(err, alone[i].hint) ||
            !strstr(err, "write it in lower case or in quotes"))
            fail_msg("'%s': %s", alone[i].query, err);
        assert_int_equal(tu_run("'%s' --db '%s' '%s' >/dev/null 2>'%s'",
                                tu_binary("query/cli/gazette-query"), c->db,
                                alone[i].query, out), 64);
        size_t len;
        char *text = read_all(out, &len);
        assert_int_equal(count_lines(text), 1);
        if (!strstr(text, alone[i].said))
            fail_msg("gazette-query '%s': %s", alone[i].query, text);
        free(text);
    }
    /* One line from the library too, whatever the query holds, and the
     * hint kept after a long one (review: "(\nOR\n)" gave three lines,
     * 1 500 ANDs no hint) */
    char *ands = malloc(6001);
    assert_non_null(ands);
    for (int i = 0; i < 1500; i++)
        memcpy(ands + 4 * i, "AND ", 4);
    ands[6000] = '\0';
    const char *odd[] = {"(\nOR\n)", "(\rOR)", "AND\tAND", ands};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        gazette_results_t *r = NULL;
        char err[1024];
        assert_int_equal(run_query(c, odd[i], NULL, 10, &r, err, sizeof err),
                         GAZETTE_STATUS_QUERY_SYNTAX);
        if (strpbrk(err, "\r\n\t") ||
            !strstr(err, "write it in lower case or in quotes"))
            fail_msg("query %zu: %s", i, err);
    }
    free(ands);
    /* The hint's forms search the word. */
    docset or_word = hits_of(c, "or", NULL);
    assert_true(set_size(c, &or_word) > 0);
    expect_hits(c, "\"OR\"", NULL, or_word);
    /* Beside a word in capitals, operators are words; beside digits,
     * operators. */
    expect_hits(c, "GAZA AND TRUCE", NULL, hits_of(c, "gaza truce", NULL));
    expect_hits(c, "GAZA NOT TRUCE", NULL, hits_of(c, "gaza truce", NULL));
    expect_hits(c, "2023 OR 2024", NULL, hits_of(c, "2023 2024", NULL));
}

/* A query with nothing to search for, whether the text alone shows it
 * (a quote, parentheses, spaces) or only the parse does (signs, a bare
 * '*' that would stand for every word, punctuation Xapian skips): the
 * same QUERY_SYNTAX and message from the library, one line and exit 64
 * from gazette-query. A query of exclusions alone is a query. */
static void test_nothing_to_search(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    const char *empty[] = {"\"", "(((", " ", "*", "+", "-", "+ -", "**",
                           "* *", "-(", "!!!", "&", "title:*",
                           "author:*", "entity:*", "tag:**", "-title:*",
                           /* an empty value is no value ("source:") */
                           "source:", "source:\"\"", "tag:\"\"",
                           "author:\"\"", "title:\"\"", "entity:\"\"",
                           "url:\"\"", "id:\"\"", "year:\"\"", "date:\"\"",
                           "caps:\"\"", "tag:\" \"", "-source:\"\"",
                           "TAG:\"\"", "title:\"", "(source:\"\")",
                           "title:(\"\")", "source:( \"\" )",
                           "title:(\" \" \"\")"};
    char out[4096];
    snprintf(out, sizeof out, "%s/err.txt", fx.tmp);
    for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
        gazette_results_t *r = NULL;
        char err[1024];
        gazette_status_t s = run_query(c, empty[i], NULL, 10, &r, err,
                                       sizeof err);
        if (s != GAZETTE_STATUS_QUERY_SYNTAX || !strstr(err, "nothing to "
                                                        "search for"))
            fail_msg("'%s': status %d, %zu hits, \"%s\"", empty[i], (int)s,
                     r ? gazette_results_count(r) : 0, err);
        assert_null(r);
        assert_int_equal(tu_run("'%s' --db '%s' -- '%s' >/dev/null 2>'%s'",
                                tu_binary("query/cli/gazette-query"), c->db,
                                empty[i], out), 64);
        size_t len;
        char *text = read_all(out, &len);
        assert_int_equal(count_lines(text), 1);
        assert_non_null(strstr(text, "nothing to search for"));
        free(text);
    }
    docset gaza = with_word(c, "gaza");
    docset everything;
    memset(&everything, 1, sizeof everything);
    expect_hits(c, "NOT gaza", NULL, set_op(everything, gaza, '-'));
    /* Beside other words, an empty value is left out as "source:" is. */
    expect_hits(c, "gaza source:", NULL, gaza);
    expect_hits(c, "gaza source:\"\"", NULL, gaza);
    expect_hits(c, "gaza tag:\"\"", NULL, gaza);
    expect_hits(c, "title:\"\" gaza", NULL, gaza);
}

/* A query that only excludes words is every article but theirs, as with
 * NOT; Xapian's parser refuses it and then read it leniently as the words
 * themselves, so "-gaza" found the articles about Gaza. */
static void test_only_excluded_words(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    docset gaza = with_word(c, "gaza"), lebanon = with_word(c, "lebanon");
    docset everything;
    memset(&everything, 1, sizeof everything);
    docset not_gaza = set_op(everything, gaza, '-');
    expect_hits(c, "-gaza", NULL, not_gaza);
    expect_hits(c, "-gaza -lebanon", NULL, set_op(not_gaza, lebanon, '-'));
    /* stopwords beside them search nothing (Xapian failed on them, and
     * then searched "gaza" itself) */
    expect_hits(c, "the -gaza", NULL, not_gaza);
    expect_hits(c, "-gaza the", NULL, not_gaza);
    docset world;
    memset(&world, 0, sizeof world);
    for (size_t i = 0; i < c->n; i++)
        world.in[i] = strcasecmp(c->docs[i].source, "world") == 0;
    expect_hits(c, "-gaza source:world", NULL, set_op(not_gaza, world, '&'));
    /* beside a word it stays an exclusion from that word's articles */
    expect_hits(c, "gaza -lebanon", NULL, set_op(gaza, lebanon, '-'));
}

/* What Xapian's grammar cannot read it would search as plain words, an
 * exclusion becoming a wanted word ("-(gaza OR lebanon)" found the Gaza
 * articles first): refused with a hint at NOT, which reads as asked, or
 * at what else the query has (NEAR, a bracket in a field's value). */
static void test_unreadable_syntax_refused(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    static const char *const bad[] = {
        "-(gaza OR lebanon)", "-\"gaza ceasefire\"", "-gaza AND -lebanon",
        "gaza (-lebanon)", "gaza NEAR (lebanon OR israel)",
        "\"gaza ceasefire\" NEAR lebanon", "gaza NEAR -lebanon",
        "gaza ADJ"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        gazette_results_t *r = NULL;
        char err[1024];
        if (run_query(c, bad[i], NULL, 10, &r, err, sizeof err) !=
            GAZETTE_STATUS_QUERY_SYNTAX)
            fail_msg("'%s' was searched", bad[i]);
        assert_null(r);
        /* the hint names what the query has: a sign, NEAR or ADJ */
        int minus = strchr(bad[i], '-') != NULL;
        int near = strstr(bad[i], "NEAR") || strstr(bad[i], "ADJ");
        if (!strstr(err, "write NOT") != !minus ||
            !strstr(err, "NEAR and ADJ") != !near)
            fail_msg("'%s': %s", bad[i], err);
    }
    /* A field's value with a bracket, not quoted: the hint says to quote
     * it (it spoke of NEAR and NOT, which the query does not have). */
    static const char *const urls[] = {
        "url:https://en.wikipedia.org/wiki/Gaza_(city)",
        "gaza -url:https://en.wikipedia.org/wiki/Gaza_(city)",
        "(url:https://en.wikipedia.org/wiki/Gaza_(city) OR gaza)"};
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
        gazette_results_t *r = NULL;
        char err[1024];
        assert_int_equal(run_query(c, urls[i], NULL, 10, &r, err,
                                   sizeof err),
                         GAZETTE_STATUS_QUERY_SYNTAX);
        if (!strstr(err, "goes in quotes (url:\"https://en.wikipedia.org/"
                         "wiki/Gaza_(city)\")") || strstr(err, "NEAR"))
            fail_msg("'%s': %s", urls[i], err);
    }
    docset gaza = with_word(c, "gaza"), lebanon = with_word(c, "lebanon");
    docset everything;
    memset(&everything, 1, sizeof everything);
    docset either = set_op(gaza, lebanon, '|');
    expect_hits(c, "NOT (gaza OR lebanon)", NULL,
                set_op(everything, either, '-'));
    expect_hits(c, "NOT gaza AND NOT lebanon", NULL,
                set_op(everything, either, '-'));
    /* a stray ')' is left out, as an unclosed '(' is */
    expect_hits(c, "gaza) OR lebanon", NULL, either);
    /* a NEAR chain beside other words is read in brackets (Xapian's
     * grammar fails on it); typographic quotes are quotes */
    static const char *const same[][2] = {
        {"gaza NEAR ceasefire lebanon", "(gaza NEAR ceasefire) OR lebanon"},
        {"lebanon gaza ADJ ceasefire", "lebanon OR (gaza ADJ ceasefire)"},
        {"\xE2\x80\x9Ehumanitarian pauses\xE2\x80\x9C",
         "\"humanitarian pauses\""},
        {"\xE2\x80\x9Chumanitarian pauses\xE2\x80\x9D",
         "\"humanitarian pauses\""},
        {"title:\xE2\x80\x9Cgaza", "title:\"gaza\""},
        /* NOT is no proximity: the acronym before it stays one */
        {"US NOT lebanon", "(US) NOT lebanon"},
        /* empty groups and quotes without a word are left out */
        {"gaza (()) lebanon", "gaza lebanon"},
        {"\"(())\" gaza", "gaza"},
        {"\"\xE2\x80\x94\" gaza", "gaza"},    /* an em dash */
        {"gaza (\"\") lebanon", "gaza lebanon"},
        /* a chain keeps its sign; an operator may touch a bracket; an
         * unclosed quote does not hide a chain */
        {"lebanon +gaza NEAR ceasefire", "lebanon +(gaza NEAR ceasefire)"},
        {"lebanon -gaza NEAR ceasefire", "lebanon -(gaza NEAR ceasefire)"},
        {"gaza NOT(lebanon)", "gaza NOT lebanon"},
        {"\"gaza NEAR ceasefire lebanon", "(gaza NEAR ceasefire) lebanon"}};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        docset want = hits_of(c, same[i][1], NULL);
        assert_true(set_size(c, &want) > 0);
        expect_hits(c, same[i][0], NULL, want);
    }
}

/* A sign with no word after it ("gaza +", "(gaza -) truce") is refused
 * with a message naming the sign; it spoke of NEAR, ADJ and excluding
 * groups, which the query does not have. A sign before a space is no
 * sign (Xapian's lexer skips it: "gaza - truce", a pasted "Gaza - live"). */
static void test_sign_without_word_named(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    static const char *const bad[] = {"gaza +", "gaza -", "gaza + ",
                                      "(gaza -) truce", "(gaza +)",
                                      "title:gaza -", "gaza NEAR truce -"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        gazette_results_t *r = NULL;
        char err[1024], want[256];
        if (run_query(c, bad[i], NULL, 10, &r, err, sizeof err) !=
            GAZETTE_STATUS_QUERY_SYNTAX)
            fail_msg("'%s' was searched", bad[i]);
        assert_null(r);
        snprintf(want, sizeof want, "cannot understand the query: '%c' has "
                 "no word after it (write a sign against its word, '+truce' "
                 "to require truce or '-truce' to exclude it, or leave it "
                 "out)", strchr(bad[i], '+') ? '+' : '-');
        if (strcmp(err, want) != 0)
            fail_msg("'%s': %s", bad[i], err);
    }
    docset either = set_op(with_word(c, "gaza"), with_word(c, "truce"), '|');
    expect_hits(c, "gaza - truce", NULL, either);
    expect_hits(c, "gaza + truce", NULL, either);
    /* a sign against a word, after a sign-less one, is still a sign */
    expect_hits(c, "gaza -truce", NULL,
                set_op(with_word(c, "gaza"), with_word(c, "truce"), '-'));
}

/* --sort date / date-asc: same hits, ordered by date. */
static void test_sort(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    query_opts newest = {.sort = GAZETTE_SORT_DATE, .duplicates = 1};
    query_opts oldest = {.sort = GAZETTE_SORT_DATE_ASC, .duplicates = 1};
    docset want = with_word(c, "gaza");
    expect_hits(c, "gaza", &newest, want);
    expect_hits(c, "gaza", &oldest, want);
    gazette_results_t *r1 = search(c, "gaza", &newest);
    gazette_results_t *r2 = search(c, "gaza", &oldest);
    size_t n = gazette_results_count(r1);
    assert_true(n >= 5);
    assert_int_equal(gazette_results_count(r2), n);
    for (size_t i = 1; i < n; i++) {
        assert_true(strcmp(gazette_hit_date(gazette_results_hit(r1, i - 1)),
                           gazette_hit_date(gazette_results_hit(r1, i))) >= 0);
        assert_true(strcmp(gazette_hit_date(gazette_results_hit(r2, i - 1)),
                           gazette_hit_date(gazette_results_hit(r2, i))) <= 0);
    }
    gazette_results_free(r1);
    gazette_results_free(r2);
}

/* A query of filters alone gives no article a weight: by relevance, its
 * hits come newest first (as under --sort date), not in the order the
 * articles happened to be written, and feedback does not invent a ranking
 * from whichever articles came first. */
static void test_filters_alone_newest_first(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    static const char *const filters[] = {
        "source:world", "year:2023 -gaza", "year:2023",
        "date:2023-11-01..2023-11-30"};
    for (size_t f = 0; f < sizeof filters / sizeof *filters; f++)
        for (int fb = 0; fb < 2; fb++) {
            query_opts by_rel = {.duplicates = 1, .no_feedback = fb};
            query_opts by_date = {.duplicates = 1, .no_feedback = fb,
                                  .sort = GAZETTE_SORT_DATE};
            gazette_results_t *r = search(c, filters[f], &by_rel);
            gazette_results_t *d = search(c, filters[f], &by_date);
            size_t n = gazette_results_count(r);
            assert_true(n >= 5);
            assert_int_equal(gazette_results_count(d), n);
            for (size_t i = 0; i < n; i++) {
                const gazette_hit_t *h = gazette_results_hit(r, i);
                if (gazette_hit_weight(h) != 0)
                    fail_msg("'%s' (feedback %s): hit %zu weighs %g",
                             filters[f], fb ? "off" : "on", i + 1,
                             gazette_hit_weight(h));
                if (strcmp(gazette_hit_id(h),
                           gazette_hit_id(gazette_results_hit(d, i))) != 0)
                    fail_msg("'%s' (feedback %s): hit %zu is %s, by date %s",
                             filters[f], fb ? "off" : "on", i + 1,
                             gazette_hit_id(h),
                             gazette_hit_id(gazette_results_hit(d, i)));
            }
            gazette_results_free(r);
            gazette_results_free(d);
        }
}

/* Hits that weigh nothing and share a date come by path, not in the
 * order their files were indexed (document ids, which a -j run leaves to
 * chance): here the files are indexed one run each, in reverse order. */
static void test_filters_alone_ties_by_path(void **state)
{
    (void)state;
    static corpus c;   /* large: not on the stack */
    snprintf(c.root, sizeof c.root, "%s/ties", fx.tmp);
    snprintf(c.db, sizeof c.db, "%s/ties-index", fx.tmp);
    static const char *const names[] = {"undated", "e", "d", "c", "b", "a",
                                        "later"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char name[64], text[256];
        snprintf(name, sizeof name, "desk/%s.txt", names[i]);
        int len = snprintf(text, sizeof text,
                           "Title: Tie %s\n%s\nThe article %s.\n", names[i],
                           i == 0   ? ""
                           : i == 6 ? "Date: 2024-03-02\n"
                                    : "Date: 2024-03-01\n",
                           names[i]);
        tu_write_file(c.root, name, text, (size_t)len);
        assert_int_equal(tu_run("'%s' --quiet --db '%s' '%s'",
                                tu_binary("indexer/gazette-index"), c.db,
                                c.root),
                         0);
    }
    static const struct {
        gazette_sort_t sort;
        const char *order[7];
    } cases[] = {
        {GAZETTE_SORT_RELEVANCE,
         {"later", "a", "b", "c", "d", "e", "undated"}},
        {GAZETTE_SORT_DATE, {"later", "a", "b", "c", "d", "e", "undated"}},
        {GAZETTE_SORT_DATE_ASC,
         {"a", "b", "c", "d", "e", "later", "undated"}}};
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        query_opts qo = {.duplicates = 1, .sort = cases[k].sort};
        gazette_results_t *r = search(&c, "source:desk", &qo);
        assert_int_equal(gazette_results_count(r), 7);
        for (size_t i = 0; i < 7; i++) {
            char want[64];
            snprintf(want, sizeof want, "desk/%s.txt", cases[k].order[i]);
            const char *got = gazette_hit_id(gazette_results_hit(r, i));
            if (strcmp(got, want) != 0)
                fail_msg("sort %d: hit %zu is %s, not %s", (int)cases[k].sort,
                         i + 1, got, want);
        }
        gazette_results_free(r);
    }
}

/* Write desk/fN.txt (N < 10) into `root`: the same headline and "ceasefire"
 * once in each (so they weigh alike for it), and a word each pair of
 * files shares (apple in f0 and f1, berry in f2 and f3...), which
 * feedback takes from its top five. */
static void write_tied_files(const char *root)
{
    static const char *const pair[] = {"apple", "berry", "cherry", "damson",
                                       "elder"};
    for (int i = 0; i < 10; i++) {
        char name[32], text[160];
        snprintf(name, sizeof name, "desk/f%d.txt", i);
        int len = snprintf(text, sizeof text,
                           "Title: Report\n\nCeasefire news with %s "
                           "today.\n", pair[i / 2]);
        tu_write_file(root, name, text, (size_t)len);
    }
}

/* Feedback learns from the top five hits: when more than five weigh the
 * same, which five must not depend on document numbers, which differ
 * between two builds of one corpus and between one index and the same
 * articles split over several. Here one index is written in one run (f0
 * first), the other one file a run from f9 down: same hits, order and
 * weights. */
static void test_feedback_ties_by_path(void **state)
{
    (void)state;
    static corpus one, down;   /* large: not on the stack */
    snprintf(one.root, sizeof one.root, "%s/tied", fx.tmp);
    snprintf(one.db, sizeof one.db, "%s/tied-one", fx.tmp);
    snprintf(down.root, sizeof down.root, "%s/tied-down", fx.tmp);
    snprintf(down.db, sizeof down.db, "%s/tied-down-index", fx.tmp);
    write_tied_files(one.root);
    const char *program = tu_binary("indexer/gazette-index");
    assert_int_equal(tu_run("'%s' -j1 --quiet --db '%s' '%s'", program,
                            one.db, one.root), 0);
    for (int i = 9; i >= 0; i--) {
        assert_int_equal(tu_run("mkdir -p '%s/desk' && cp '%s/desk/f%d.txt' "
                                "'%s/desk/'", down.root, one.root, i,
                                down.root), 0);
        assert_int_equal(tu_run("'%s' -j1 --quiet --db '%s' '%s'", program,
                                down.db, down.root), 0);
    }
    query_opts qo = {.duplicates = 1};
    gazette_results_t *a = search(&one, "ceasefire", &qo);
    gazette_results_t *b = search(&down, "ceasefire", &qo);
    assert_int_equal(gazette_results_count(a), 10);
    assert_int_equal(gazette_results_count(b), 10);
    for (size_t i = 0; i < 10; i++) {
        const gazette_hit_t *x = gazette_results_hit(a, i);
        const gazette_hit_t *y = gazette_results_hit(b, i);
        if (strcmp(gazette_hit_id(x), gazette_hit_id(y)) != 0 ||
            fabs(gazette_hit_weight(x) - gazette_hit_weight(y)) > 1e-9)
            fail_msg("hit %zu: %s %g written at once, %s %g one by one",
                     i + 1, gazette_hit_id(x), gazette_hit_weight(x),
                     gazette_hit_id(y), gazette_hit_weight(y));
    }
    /* the top five by path: f0 to f4, whose pairs' words feedback adds */
    assert_string_equal(gazette_hit_id(gazette_results_hit(a, 0)),
                        "desk/f0.txt");
    gazette_results_free(a);
    gazette_results_free(b);
}

/* Three identical short articles (m-, n- and z-harvest: too short for a
 * fingerprint) and five twins of theirs (t1- to t5-harvest), each one
 * word other, which weigh exactly as much for "potatoes carrots" and rank
 * after m- by path: on a page of one or two, the copies' hit ties with
 * the hits past the page, as many as the page's match keeps past it
 * (search.c, KEEP_PAST: 2). Xapian dropped z-harvest unseen (tied with
 * the twins, a path after them, once the match set was full), so the
 * hit said 0 duplicates at -n 1, 1 at -n 2, 2 at -n 3; the page's match
 * keeping more hits does not see it either (copies.c counts such a hit's
 * copies in a match of its own). */
static void test_copies_of_hit_tied_past_page(void **state)
{
    (void)state;
    static corpus c;   /* large: not on the stack */
    snprintf(c.root, sizeof c.root, "%s/tied-copies", fx.tmp);
    static const char same[] = "Title: Harvest\n\nGrowers said potatoes "
                               "and carrots rot in the wet fields of "
                               "Angus.\n";
    tu_write_file(c.root, "desk/m-harvest.txt", same, sizeof same - 1);
    tu_write_file(c.root, "desk/n-harvest.txt", same, sizeof same - 1);
    tu_write_file(c.root, "desk/z-harvest.txt", same, sizeof same - 1);
    static const char *const places[] = {"Fife", "Mull", "Skye", "Bute",
                                         "Arran"};
    for (int i = 0; i < 5; i++) {
        char name[32], text[128];
        snprintf(name, sizeof name, "desk/t%d-harvest.txt", i + 1);
        int len = snprintf(text, sizeof text,
                           "Title: Harvest\n\nGrowers said potatoes and "
                           "carrots rot in the wet fields of %s.\n",
                           places[i]);
        tu_write_file(c.root, name, text, (size_t)len);
    }
    for (int i = 0; i < 4; i++) {
        char name[32], text[128];
        snprintf(name, sizeof name, "desk/other%d.txt", i);
        int len = snprintf(text, sizeof text,
                           "Title: Other %d\n\nA note on carrots, "
                           "number %d of four.\n", i, i);
        tu_write_file(c.root, name, text, (size_t)len);
    }
    assert_int_equal(build_index(&c, "tied-copies"), 0);
    for (uint32_t limit = 1; limit <= 3; limit++) {
        gazette_results_t *r = NULL;
        char err[1024];
        if (run_query(&c, "potatoes carrots", NULL, limit, &r, err,
                      sizeof err) != GAZETTE_STATUS_OK)
            fail_msg("search: %s", err);
        assert_int_equal(gazette_results_count(r), limit);
        const gazette_hit_t *h = gazette_results_hit(r, 0);
        if (strcmp(gazette_hit_id(h), "desk/m-harvest.txt") != 0 ||
            gazette_hit_duplicates(h) != 2)
            fail_msg("-n %u: %s with %u duplicates, not "
                     "desk/m-harvest.txt with 2", (unsigned)limit,
                     gazette_hit_id(h), gazette_hit_duplicates(h));
        if (limit > 1)
            assert_string_equal(gazette_hit_id(gazette_results_hit(r, 1)),
                                "desk/t1-harvest.txt");
        gazette_results_free(r);
    }
}

/* A hit at the floor of its page keeps the copies Xapian counted: the
 * copy under a longer title weighs less than the hit, so the copies'
 * second match, which reads only matches as heavy as the page's lightest
 * hit, did not see it, and its count replaced Xapian's: -n 3 said 0
 * duplicates where -n 4 said 1. */
static void unique_words(int seed, int words, char *out, size_t len);

static void test_copies_counted_at_page_floor(void **state)
{
    (void)state;
    static corpus c;   /* large: not on the stack */
    snprintf(c.root, sizeof c.root, "%s/floor-copies", fx.tmp);
    for (int i = 0; i < 7; i++) {
        char name[32], body[600], text[800];
        unique_words(i < 2 ? 900 : 900 + i, 40, body, sizeof body);
        snprintf(name, sizeof name, "desk/a%03d.txt", i);
        int len = snprintf(text, sizeof text, "Title: %s\n\nzeta%s\n",
                           i == 0   ? "Story one extra longer title words here"
                           : i == 1 ? "Story one"
                                    : "Story other",
                           body);
        tu_write_file(c.root, name, text, (size_t)len);
    }
    assert_int_equal(build_index(&c, "floor-copies"), 0);
    for (uint32_t limit = 1; limit <= 5; limit++) {
        gazette_results_t *r = NULL;
        char err[1024];
        if (run_query(&c, "zeta", NULL, limit, &r, err, sizeof err) !=
            GAZETTE_STATUS_OK)
            fail_msg("search: %s", err);
        for (size_t i = 0; i < gazette_results_count(r); i++) {
            const gazette_hit_t *h = gazette_results_hit(r, i);
            const char *id = gazette_hit_id(h);
            unsigned want = strstr(id, "a000") || strstr(id, "a001");
            if (gazette_hit_duplicates(h) != want)
                fail_msg("-n %u: %s with %u duplicates, not %u",
                         (unsigned)limit, id, gazette_hit_duplicates(h),
                         want);
        }
        gazette_results_free(r);
    }
}

/* Write `words` made-up words into `out` (as long), each used by no other
 * call with another `seed`: "qbco" for seed 1, word 2. */
static void unique_words(int seed, int words, char *out, size_t len)
{
    size_t at = 0;
    out[0] = '\0';
    for (int k = 1; k <= words && at < len; k++) {
        char digits[16];
        int n = snprintf(digits, sizeof digits, "%d", seed * 100 + k);
        at += (size_t)snprintf(out + at, len - at, " q");
        for (int d = 0; d < n && at < len; d++)
            at += (size_t)snprintf(out + at, len - at, "%c",
                                   'a' + (digits[d] - '0'));
        if (at < len)
            at += (size_t)snprintf(out + at, len - at, "o");
    }
}

/* The corpus of test_pages_of_one_ranking, written in path order so that
 * gazette-index -j1 numbers the documents in this order: p1 and p2 with
 * both query words and five words that feedback takes from them; p3 the
 * last with "quokka"; p4 with "zebra" alone; p5 with "zebra" and the
 * feedback words, the best hit; ten articles of other words. Every other
 * word, headlines too, is in one article only. */
static void write_skipped_by_matcher(const char *root)
{
    static const char *const bodies[] = {
        "quokka zebra ember flint garnet harbor ivory",
        "quokka zebra ember flint garnet harbor ivory",
        "quokka zebra", "zebra",
        ("zebra ember flint garnet harbor ivory ember flint garnet harbor "
         "ivory")};
    for (int i = 0; i < 15; i++) {
        char name[32], title[64], words[256], text[512];
        unique_words(50 + i, 2, title, sizeof title);
        unique_words(i, i == 4 ? 0 : i < 4 ? 20 : 12, words, sizeof words);
        snprintf(name, sizeof name, i < 5 ? "desk/p%d.txt" : "desk/x%d.txt",
                 i < 5 ? i + 1 : i);
        int len = snprintf(text, sizeof text, "%s\n\n%s%s\n", title + 1,
                           i < 5 ? bodies[i] : "", words);
        tu_write_file(root, name, text, (size_t)len);
    }
}

/* The ids of the hits of `query` on `c`'s index from rank `offset` on, at
 * most `limit`, joined by spaces into `out` (as long). */
static void hit_ids_line(const corpus *c, const char *query, uint32_t offset,
                         uint32_t limit, char *out, size_t len)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(c->db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(opts, offset, limit),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, query, opts, &r),
                     GAZETTE_STATUS_OK);
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < gazette_results_count(r) && at < len; i++)
        at += (size_t)snprintf(out + at, len - at, "%s%s", i ? " " : "",
                               gazette_hit_id(gazette_results_hit(r, i)));
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
}

/* Every page is a slice of one ranking, under feedback too. Xapian 1.4,
 * once "quokka" has no more documents, turns q AND_MAYBE feedback into
 * q AND feedback and skips the document the feedback side stands on: p5,
 * the best hit, was missing from every page of fewer than five hits. */
static void test_pages_of_one_ranking(void **state)
{
    (void)state;
    static corpus c;   /* large: not on the stack */
    snprintf(c.root, sizeof c.root, "%s/skipped", fx.tmp);
    snprintf(c.db, sizeof c.db, "%s/skipped-index", fx.tmp);
    write_skipped_by_matcher(c.root);
    assert_int_equal(tu_run("'%s' -j1 --quiet --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), c.db, c.root),
                     0);
    char all[1024], page[1024], ranked[5][64];
    hit_ids_line(&c, "quokka zebra", 0, 100, all, sizeof all);
    assert_string_equal(all, "desk/p5.txt desk/p1.txt desk/p2.txt "
                             "desk/p3.txt desk/p4.txt");
    assert_int_equal(sscanf(all, "%63s %63s %63s %63s %63s", ranked[0],
                            ranked[1], ranked[2], ranked[3], ranked[4]),
                     5);
    for (uint32_t n = 1; n <= 5; n++) {
        hit_ids_line(&c, "quokka zebra", 0, n, page, sizeof page);
        if (strncmp(page, all, strlen(page)) != 0 ||
            (all[strlen(page)] != ' ' && all[strlen(page)] != '\0'))
            fail_msg("first %u hits: %s, of the ranking %s", n, page, all);
    }
    for (uint32_t off = 0; off < 5; off++) {
        hit_ids_line(&c, "quokka zebra", off, 1, page, sizeof page);
        if (strcmp(page, ranked[off]) != 0)
            fail_msg("hit %u alone: %s, in the ranking %s", off + 1, page,
                     ranked[off]);
    }
}

/* Feedback only re-ranks: sorted by date, a hit weighs what the query
 * alone gives it (feedback would cost a second match for nothing). */
static void test_date_order_without_feedback(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    query_opts with = {.duplicates = 1, .sort = GAZETTE_SORT_DATE};
    query_opts without = with;
    without.no_feedback = 1;
    gazette_results_t *r1 = search(c, "gaza ceasefire", &with);
    gazette_results_t *r2 = search(c, "gaza ceasefire", &without);
    size_t n = gazette_results_count(r1);
    assert_true(n >= 5);
    assert_int_equal(gazette_results_count(r2), n);
    for (size_t i = 0; i < n; i++) {
        const gazette_hit_t *a = gazette_results_hit(r1, i);
        const gazette_hit_t *b = gazette_results_hit(r2, i);
        assert_string_equal(gazette_hit_id(a), gazette_hit_id(b));
        if (gazette_hit_weight(a) != gazette_hit_weight(b))
            fail_msg("%s weighs %g with feedback, %g without",
                     gazette_hit_id(a), gazette_hit_weight(a),
                     gazette_hit_weight(b));
    }
    gazette_results_free(r1);
    gazette_results_free(r2);
}

/* What the snippet stemmer relies on (query/snippet.c): an English stem
 * starts with its word's first letter, for every word of the two corpora
 * and for the Porter2 exceptions that rewrite a word. */
static void test_stem_keeps_first_letter(void **state)
{
    (void)state;
    const corpus *cs[] = {&fx.sample, &fx.gen};
    size_t words = 0;
    for (size_t c = 0; c < 2; c++)
        for (size_t i = 0; i < cs[c]->n; i++) {
            const doc *d = &cs[c]->docs[i];
            for (size_t k = 0; k < d->ntokens; k++, words++)
                if (d->tokens[k][0] && d->stems[k][0] != d->tokens[k][0])
                    fail_msg("'%s' stems to '%s'", d->tokens[k],
                             d->stems[k]);
        }
    assert_true(words > 100000);
    const char *odd[] = {"dying", "lying", "tying", "skies", "skis", "idly",
                         "gently", "ugly", "early", "only", "singly", "news",
                         "yes", "young", "yelling", "ycleped", "you're",
                         "generously", "communism", "arsenal"};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        char *st = stem_of(odd[i]);
        if (st[0] != odd[i][0])
            fail_msg("'%s' stems to '%s'", odd[i], st);
        free(st);
    }
}

/* The stem of `word` through `stem`, checked against Xapian's own. */
static void expect_same_stem(xap_stem *stem, const char *word)
{
    char *cached = NULL, *real = NULL;
    assert_int_equal(xap_stem_word(stem, word, &cached), XAP_OK);
    assert_int_equal(xap_stem_word(fx.stem, word, &real), XAP_OK);
    if (strcmp(cached, real) != 0)
        fail_msg("'%s': cached stem '%s', Snowball's '%s'", word, cached,
                 real);
    free(cached);
    free(real);
}

/* The indexer's caching stemmer (indexer/stem_cache.c) gives Snowball's
 * stem for every word of both corpora, met once or many times, and still
 * after it has met more distinct words than it keeps and started afresh. */
static void test_stem_cache_is_snowball(void **state)
{
    (void)state;
    xap_stem *stem = NULL;
    assert_int_equal(gz_stem_cache_new("english", 0, &stem), XAP_OK);
    const corpus *cs[] = {&fx.sample, &fx.gen};
    for (size_t c = 0; c < 2; c++)
        for (size_t i = 0; i < cs[c]->n; i++) {
            const doc *d = &cs[c]->docs[i];
            for (size_t k = 0; k < d->ntokens; k++)
                expect_same_stem(stem, d->tokens[k]);
        }
    static const char *const endings[] = {"", "s", "ing", "ed", "ly"};
    char word[64];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < GZ_STEM_CACHE_WORDS + 100; i += round ? 97 : 1) {
            snprintf(word, sizeof word, "walk%dx%s", i, endings[i % 5]);
            expect_same_stem(stem, word);
        }
    expect_same_stem(stem, "");
    expect_same_stem(stem, "ceasefires");
    xap_stem_free(stem);
}

/* The snippet made with the snippet stemmer (gz_snippet_stemmer_new) of
 * every hit of `query` on `c` equals the one made with Xapian's own
 * stemmer: text and highlights. Returns the number of highlights. */
static size_t same_snippets_both_stemmers(const corpus *c, const char *query)
{
    xap_database *db = NULL;
    xap_queryparser *qp = NULL;
    xap_query *q = NULL;
    xap_enquire *enq = NULL;
    xap_mset *mset = NULL;
    xap_stem *fast = NULL;
    gz_snippet_words words;
    assert_int_equal(xap_database_open(c->db, &db), XAP_OK);
    assert_int_equal(xap_queryparser_new(&qp), XAP_OK);
    assert_int_equal(xap_queryparser_set_stemmer(qp, fx.stem), XAP_OK);
    assert_int_equal(xap_queryparser_set_stemming_strategy(qp, XAP_STEM_SOME),
                     XAP_OK);
    assert_int_equal(xap_queryparser_set_database(qp, db), XAP_OK);
    assert_int_equal(xap_queryparser_parse(qp, query, XAP_QP_FLAG_DEFAULT,
                                           NULL, &q), XAP_OK);
    assert_int_equal(xap_enquire_new(db, &enq), XAP_OK);
    assert_int_equal(xap_enquire_set_query(enq, q, 0), XAP_OK);
    assert_int_equal(xap_enquire_get_mset(enq, 0, 50, 0, NULL, &mset),
                     XAP_OK);
    assert_int_equal(gz_snippet_words_of(q, 0, &words), XAP_OK);
    assert_int_equal(gz_snippet_stemmer_new("english", &words, &fast),
                     XAP_OK);
    size_t marks = 0;
    for (uint32_t i = 0; i < xap_mset_size(mset); i++) {
        xap_document *d = NULL;
        const char *data = NULL;
        size_t len = 0;
        assert_int_equal(xap_mset_document(mset, i, &d), XAP_OK);
        assert_int_equal(xap_document_get_data(d, &data, &len), XAP_OK);
        char *copy = strndup(data, len);
        gz_docdata dd;
        gz_docdata_decode(copy, len, &dd);
        char *out[2] = {NULL, NULL};
        size_t *hl[2] = {NULL, NULL}, nhl[2] = {0, 0};
        const xap_stem *stems[2] = {fx.stem, fast};
        for (int k = 0; k < 2; k++)
            assert_int_equal(gz_snippet_make(mset, stems[k], &words, 0,
                                             dd.body, dd.body_len, 200,
                                             &out[k], &hl[k], &nhl[k]),
                             XAP_OK);
        assert_string_equal(out[0], out[1]);
        assert_int_equal(nhl[0], nhl[1]);
        if (nhl[0])
            assert_memory_equal(hl[0], hl[1], 2 * nhl[0] * sizeof *hl[0]);
        marks += nhl[0];
        for (int k = 0; k < 2; k++) {
            free(out[k]);
            free(hl[k]);
        }
        free(copy);
        xap_document_free(d);
    }
    xap_stem_free(fast);
    gz_snippet_words_free(&words);
    xap_mset_free(mset);
    xap_enquire_free(enq);
    xap_query_free(q);
    xap_queryparser_free(qp);
    xap_database_free(db);
    return marks;
}

/* Snippets do not change with the stemmer that skips words no query word
 * starts like: stems, plain words, phrases, plurals and -ing forms, short
 * stems (whose passage is chosen by stemming the words that start like
 * them, with the stemmer given). */
static void test_snippet_stemmer_same_snippets(void **state)
{
    (void)state;
    const char *queries[] = {"pauses gaza", "humanitarian pauses",
                             "\"humanitarian pause\"", "hezbollah speech",
                             "fighting negotiations", "israel's army",
                             "dying children", "only early", "hostages",
                             "us aid", "art", "die sky"};
    size_t marks = 0;
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
        marks += same_snippets_both_stemmers(&fx.sample, queries[i]);
    const char *gen[] = {"chelsea arsenal", "election results",
                         "markets rally"};
    for (size_t i = 0; i < sizeof gen / sizeof *gen; i++)
        marks += same_snippets_both_stemmers(&fx.gen, gen[i]);
    assert_true(marks > 100);
}

/* Snippet highlights: offsets into the plain snippet, each on a word of
 * the query (same stem); the marked snippet wraps exactly those. */
static void test_snippet_highlights(void **state)
{
    (void)state;
    gazette_results_t *r = search(&fx.sample, "pauses Gaza", NULL);
    char *pause = stem_of("pauses"), *gaza = stem_of("gaza");
    size_t total = 0;
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        const char *plain = gazette_hit_plain_snippet(h);
        size_t n = gazette_hit_highlight_count(h), prev_end = 0;
        for (size_t k = 0; k < n; k++) {
            size_t start, end;
            gazette_hit_highlight(h, k, &start, &end);
            assert_true(start >= prev_end && start < end);
            assert_true(end <= strlen(plain));
            char *w = lower_dup(plain + start, end - start);
            char *st = stem_of(w);
            if (strcmp(st, pause) != 0 && strcmp(st, gaza) != 0)
                fail_msg("highlighted '%s' is not a query word", w);
            free(w);
            free(st);
            prev_end = end;
        }
        /* The marked snippet is the plain one with [ ] around each. */
        assert_int_equal(strlen(gazette_hit_snippet(h)), strlen(plain) + 2 * n);
        /* past the last pair: 0, 0 (gazette.h) */
        size_t start = 7, end = 7;
        gazette_hit_highlight(h, n, &start, &end);
        assert_true(start == 0 && end == 0);
        start = end = 7;
        gazette_hit_title_highlight(h, gazette_hit_title_highlight_count(h),
                                    &start, &end);
        assert_true(start == 0 && end == 0);
        total += n;
    }
    assert_true(total >= 5);
    free(pause);
    free(gaza);
    gazette_results_free(r);
}

/* The title highlights of `h` as text ("start-end " each). */
static void title_marks(const gazette_hit_t *h, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t k = 0; k < gazette_hit_title_highlight_count(h); k++) {
        size_t start = 0, end = 0;
        gazette_hit_title_highlight(h, k, &start, &end);
        int n = snprintf(out + used, len - used, "%zu-%zu ", start, end);
        assert_true(n > 0 && (size_t)n < len - used);
        used += (size_t)n;
    }
}

/* Words searched with title: are marked in the title as the same words
 * searched as free text are (a word, its stem, a phrase, a wildcard); the
 * free-text words beside them too. docs/search.md: which title words
 * matched is given apart. */
static void test_title_field_highlights(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        {"title:Hezbollah", "Hezbollah"},
        {"title:hezbollah", "hezbollah"},
        {"title:pauses", "pauses"},
        {"title:\"humanitarian pauses\"", "\"humanitarian pauses\""},
        {"title:hezb*", "hezb*"},
        {"Beirut title:envoy", "Beirut envoy"},
        {"title:truce gaza", "truce gaza"},
    };
    query_opts qo = {.duplicates = 1};
    for (size_t p = 0; p < sizeof pairs / sizeof *pairs; p++) {
        gazette_results_t *r = search(&fx.sample, pairs[p][0], &qo);
        gazette_results_t *free_text = search(&fx.sample, pairs[p][1], &qo);
        assert_true(gazette_results_count(r) > 0);
        size_t marked = 0;
        for (size_t i = 0; i < gazette_results_count(r); i++) {
            const gazette_hit_t *h = gazette_results_hit(r, i), *twin = NULL;
            for (size_t j = 0; j < gazette_results_count(free_text); j++)
                if (strcmp(gazette_hit_id(gazette_results_hit(free_text, j)),
                           gazette_hit_id(h)) == 0)
                    twin = gazette_results_hit(free_text, j);
            if (!twin)
                fail_msg("'%s' finds %s, '%s' not", pairs[p][0],
                         gazette_hit_id(h), pairs[p][1]);
            char got[512], want[512];
            title_marks(h, got, sizeof got);
            title_marks(twin, want, sizeof want);
            if (strcmp(got, want) != 0)
                fail_msg("'%s', %s \"%s\": title marks [%s], as free text "
                         "[%s]", pairs[p][0], gazette_hit_id(h),
                         gazette_hit_title(h), got, want);
            marked += gazette_hit_title_highlight_count(h) > 0;
        }
        /* Every hit of a title: word alone has it in its title. */
        if (strncmp(pairs[p][0], "title:", 6) == 0 &&
            !strchr(pairs[p][0], ' '))
            assert_int_equal(marked, gazette_results_count(r));
        gazette_results_free(r);
        gazette_results_free(free_text);
    }
}

/* The highlighted words of `h`, in its title when `title` (else in its
 * snippet), that stem as `word` does; fails on one that stems as none of
 * `wanted` (NULL-ended), naming `query`. */
static size_t marks_of(const gazette_hit_t *h, int title, const char *word,
                       const char *const *wanted, const char *query)
{
    const char *text = title ? gazette_hit_title(h)
                             : gazette_hit_plain_snippet(h);
    size_t n = title ? gazette_hit_title_highlight_count(h)
                     : gazette_hit_highlight_count(h), same = 0;
    char *stem = stem_of(word);
    for (size_t k = 0; k < n; k++) {
        size_t start = 0, end = 0;
        if (title)
            gazette_hit_title_highlight(h, k, &start, &end);
        else
            gazette_hit_highlight(h, k, &start, &end);
        char *w = lower_dup(text + start, end - start), *st = stem_of(w);
        int ok = 0;
        for (size_t i = 0; wanted[i] && !ok; i++) {
            char *want = stem_of(wanted[i]);
            ok = strcmp(st, want) == 0;
            free(want);
        }
        if (!ok)
            fail_msg("'%s', %s: '%s' highlighted in the %s \"%s\"", query,
                     gazette_hit_id(h), w, title ? "title" : "snippet",
                     title ? text : gazette_hit_snippet(h));
        same += strcmp(st, stem) == 0;
        free(w);
        free(st);
    }
    free(stem);
    return same;
}

/* The hit `id` of `r`, or NULL. */
static const gazette_hit_t *hit_with_id(const gazette_results_t *r,
                                        const char *id)
{
    for (size_t i = 0; i < gazette_results_count(r); i++)
        if (strcmp(gazette_hit_id(gazette_results_hit(r, i)), id) == 0)
            return gazette_results_hit(r, i);
    return NULL;
}

/* A word the query excludes (NOT, AND NOT, -word, OR NOT; searched in
 * the title or anywhere) is never highlighted, in the snippet or in the
 * title, nor does it choose the snippet's passage: the article "First
 * hostages freed as four-day truce takes hold in Gaza", found by
 * "truce OR (hezbollah NOT gaza)", has the snippet and highlights it has
 * for "truce OR hezbollah" (a passage about the truce, not the opening
 * "out of Gaza ... under a truce"), and "truce" alone marked in its
 * title. A word the query also wants elsewhere is highlighted
 * (docs/search.md, "Excluded words"). */
static void test_excluded_words_not_highlighted(void **state)
{
    (void)state;
    static const char *const forms[][2] = {
        {"truce OR (hezbollah NOT gaza)", "truce OR hezbollah"},
        {"truce OR (hezbollah AND NOT gaza)", "truce OR hezbollah"},
        {"truce OR (hezbollah -gaza)", "truce OR hezbollah"},
        {"truce OR NOT gaza", "truce"},
        {"title:truce OR (hezbollah NOT gaza)", "title:truce OR hezbollah"},
        {"title:truce OR (hezbollah NOT title:gaza)",
         "title:truce OR hezbollah"},
    };
    static const char *const wanted[] = {"truce", "hezbollah", NULL};
    static const char *const both[] = {"truce", "gaza", NULL};
    const char *id = "world/2023-11-24-truce-hostages-freed.txt";
    query_opts qo = {.duplicates = 1};
    for (size_t f = 0; f < sizeof forms / sizeof *forms; f++) {
        gazette_results_t *r = search(&fx.sample, forms[f][0], &qo);
        gazette_results_t *twin = search(&fx.sample, forms[f][1], &qo);
        for (size_t i = 0; i < gazette_results_count(r); i++) {
            const gazette_hit_t *h = gazette_results_hit(r, i);
            marks_of(h, 0, "truce", wanted, forms[f][0]);
            marks_of(h, 1, "truce", wanted, forms[f][0]);
        }
        const gazette_hit_t *h = hit_with_id(r, id),
                            *t = hit_with_id(twin, id);
        if (!h || !t)
            fail_msg("'%s' or '%s' does not find %s", forms[f][0],
                     forms[f][1], id);
        assert_int_equal(gazette_hit_title_highlight_count(h), 1);
        assert_int_equal(marks_of(h, 1, "truce", wanted, forms[f][0]), 1);
        /* the marked snippet shows the highlights */
        if (strcmp(gazette_hit_snippet(h), gazette_hit_snippet(t)) != 0)
            fail_msg("'%s', %s: snippet \"%s\", for '%s' \"%s\"",
                     forms[f][0], id, gazette_hit_snippet(h), forms[f][1],
                     gazette_hit_snippet(t));
        /* searched in the body, the truce is marked there */
        if (strncmp(forms[f][0], "title:", 6) != 0)
            assert_int_equal(marks_of(h, 0, "truce", wanted, forms[f][0]),
                             1);
        gazette_results_free(r);
        gazette_results_free(twin);
    }
    /* Wanted in one branch, excluded in another: highlighted (an article
     * with the word cannot have matched by the branch excluding it). */
    const char *query = "gaza OR (truce NOT gaza)";
    gazette_results_t *r = search(&fx.sample, query, &qo);
    const gazette_hit_t *h = hit_with_id(r, id);
    assert_non_null(h);
    assert_true(marks_of(h, 0, "gaza", both, query) >= 1);
    assert_int_equal(marks_of(h, 1, "gaza", both, query), 1);
    assert_int_equal(marks_of(h, 1, "truce", both, query), 1);
    gazette_results_free(r);
}

/* Facet counts over the whole match set equal counts from the scan. */
static void test_facets(void **state)
{
    (void)state;
    const corpus *c = &fx.sample;
    query_opts qo = {.duplicates = 1};
    qo.facets[GAZETTE_FACET_SOURCE] = qo.facets[GAZETTE_FACET_YEAR] = 1;
    qo.facets[GAZETTE_FACET_TAG] = qo.facets[GAZETTE_FACET_AUTHOR] = 1;
    docset m = with_word(c, "gaza");
    gazette_results_t *r = NULL;
    char err[1024];
    /* Limit 1: the counts must still cover every match. */
    assert_int_equal(run_query(c, "gaza", &qo, 1, &r, err, sizeof err),
                     GAZETTE_STATUS_OK);
    uint64_t lower, est, upper;
    gazette_results_estimate(r, &lower, &est, &upper);
    assert_int_equal(lower, set_size(c, &m));
    assert_int_equal(upper, set_size(c, &m));
    for (int f = 0; f <= GAZETTE_FACET_AUTHOR; f++) {
        if (!qo.facets[f])
            continue;
        size_t n = gazette_results_facet_count(r, (gazette_facet_t)f);
        assert_true(n >= 1);
        uint64_t prev = UINT64_MAX;
        for (size_t k = 0; k < n; k++) {
            const char *value;
            uint64_t count, want = 0;
            assert_int_equal(gazette_results_facet_value(
                                 r, (gazette_facet_t)f, k, &value, &count),
                             GAZETTE_STATUS_OK);
            assert_true(count <= prev);
            prev = count;
            for (size_t i = 0; i < c->n; i++) {
                const doc *d = &c->docs[i];
                if (!m.in[i])
                    continue;
                if (f == GAZETTE_FACET_SOURCE)
                    want += strcmp(d->source, value) == 0;
                else if (f == GAZETTE_FACET_YEAR)
                    want += strncmp(d->date, value, 4) == 0;
                else if (f == GAZETTE_FACET_AUTHOR)
                    want += strcmp(d->author, value) == 0;
                else {   /* tag: one of the comma-separated tags */
                    char *tags = strdup(d->tags);
                    for (char *t = strtok(tags, ","); t; t = strtok(NULL, ",")) {
                        while (*t == ' ')
                            t++;
                        want += strcmp(t, value) == 0;
                    }
                    free(tags);
                }
            }
            if (count != want)
                fail_msg("facet %s '%s': %llu, scan says %llu",
                         gazette_facet_name((gazette_facet_t)f), value,
                         (unsigned long long)count, (unsigned long long)want);
        }
    }
    gazette_results_free(r);
    /* Generated corpus: source counts of "chelsea" (folders and Source:
     * headers). */
    query_opts q2 = {.duplicates = 1};
    q2.facets[GAZETTE_FACET_SOURCE] = 1;
    m = with_word(&fx.gen, "chelsea");
    assert_int_equal(run_query(&fx.gen, "chelsea", &q2, 0, &r, err, sizeof err),
                     GAZETTE_STATUS_OK);
    uint64_t sum = 0;
    for (size_t k = 0; k < gazette_results_facet_count(r, GAZETTE_FACET_SOURCE);
         k++) {
        const char *value;
        uint64_t count, want = 0;
        gazette_results_facet_value(r, GAZETTE_FACET_SOURCE, k, &value, &count);
        for (size_t i = 0; i < fx.gen.n; i++)
            want += m.in[i] && strcmp(fx.gen.docs[i].source, value) == 0;
        assert_int_equal(count, want);
        sum += count;
    }
    assert_int_equal(sum, set_size(&fx.gen, &m));
    gazette_results_free(r);
}

/* The page with `qo` and its match counts, compared with the same
 * search without facets: hits (ids, order, percentages, snippets) the
 * same; with facets the count is the number of hits a search for every
 * hit finds, exact without near-duplicates to leave out (collapsing off),
 * else within its bounds (matches past the page may be near-duplicates of
 * hits shown). */
static void same_page_with_facets(const corpus *c, const char *query,
                                  const query_opts *qo)
{
    query_opts plain = *qo;
    memset(plain.facets, 0, sizeof plain.facets);
    gazette_results_t *with = NULL, *without = NULL, *every = NULL;
    char err[1024];
    assert_int_equal(run_query(c, query, qo, 7, &with, err, sizeof err),
                     GAZETTE_STATUS_OK);
    assert_int_equal(run_query(c, query, &plain, 7, &without, err,
                               sizeof err),
                     GAZETTE_STATUS_OK);
    assert_int_equal(run_query(c, query, &plain, 100000, &every, err,
                               sizeof err),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(with),
                     gazette_results_count(without));
    for (size_t i = 0; i < gazette_results_count(with); i++) {
        const gazette_hit_t *a = gazette_results_hit(with, i);
        const gazette_hit_t *b = gazette_results_hit(without, i);
        if (strcmp(gazette_hit_id(a), gazette_hit_id(b)) != 0)
            fail_msg("'%s' hit %zu: %s with facets, %s without", query, i,
                     gazette_hit_id(a), gazette_hit_id(b));
        assert_int_equal(gazette_hit_percent(a), gazette_hit_percent(b));
        assert_string_equal(gazette_hit_snippet(a), gazette_hit_snippet(b));
    }
    uint64_t lower, est, upper;
    gazette_results_estimate(with, &lower, &est, &upper);
    size_t all = gazette_results_count(every);
    int exact = qo->duplicates;   /* not collapsed: nothing left out */
    if (lower > all || upper < all || est < lower || est > upper ||
        (exact && (lower != all || upper != all)))
        fail_msg("'%s': %llu %llu %llu matches with facets, %zu hits", query,
                 (unsigned long long)lower, (unsigned long long)est,
                 (unsigned long long)upper, gazette_results_count(every));
    gazette_results_free(with);
    gazette_results_free(without);
    gazette_results_free(every);
}

/* The source facet of `query` over the index `db`, duplicates collapsed
 * (`collapse`) or not, as "value=count;" pairs in its order, into `out`. */
static void source_facet_text(const char *db, const char *query,
                              int collapse, char *out, size_t size)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    gazette_search_options_set_collapse_duplicates(opts, collapse);
    gazette_search_options_add_facet(opts, GAZETTE_FACET_SOURCE);
    assert_int_equal(gazette_search(index, query, opts, &r),
                     GAZETTE_STATUS_OK);
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < gazette_results_facet_count(r, GAZETTE_FACET_SOURCE);
         i++) {
        const char *value = NULL;
        uint64_t count = 0;
        gazette_results_facet_value(r, GAZETTE_FACET_SOURCE, i, &value,
                                    &count);
        n += (size_t)snprintf(out + n, size - n, "%s=%llu;", value,
                              (unsigned long long)count);
    }
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
}

/* An article without a source (a file at the corpus root) is counted in
 * the source facet under "", so that the counts add up to the matches
 * (the year facet's "undated" likewise): through the library, duplicates
 * collapsed or not, and gazette-query shows it as "(no source)" in text,
 * "" in JSON. */
static void test_facet_source_bucket(void **state)
{
    (void)state;
    char root[4200], db[4200], out[4200], facet[256];
    snprintf(root, sizeof root, "%s/rootsrc", fx.tmp);
    snprintf(db, sizeof db, "%s/rootsrc.idx", fx.tmp);
    static const char a[] = "Flood warning\n\nHeavy flood.\n";
    static const char b[] = "Flood relief\n\nFlood relief.\n";
    static const char c[] = "Flood defences\n\nFlood defences held.\n";
    tu_write_file(root, "news/a.txt", a, sizeof a - 1);
    tu_write_file(root, "news/c.txt", c, sizeof c - 1);
    tu_write_file(root, "news/world/b.txt", b, sizeof b - 1);
    assert_int_equal(tu_run("'%s' --quiet --db '%s' '%s/news'",
                            tu_binary("indexer/gazette-index"), db, root), 0);
    for (int collapse = 0; collapse <= 1; collapse++) {
        source_facet_text(db, "flood", collapse, facet, sizeof facet);
        assert_string_equal(facet, "=2;world=1;");
    }
    source_facet_text(db, "flood -source:world", 1, facet, sizeof facet);
    assert_string_equal(facet, "=2;");
    snprintf(out, sizeof out, "%s/rootsrc.out", fx.tmp);
    assert_int_equal(tu_run("'%s' --db '%s' --facet source flood >'%s'",
                            tu_binary("query/cli/gazette-query"), db, out),
                     0);
    size_t len;
    char *text = read_all(out, &len);
    assert_non_null(strstr(text, "\nBy source:\n"
                                 "       2  (no source)\n"
                                 "       1  world\n"));
    free(text);
    assert_int_equal(tu_run("'%s' --db '%s' --json --facet source flood "
                            "| tail -1 >'%s'",
                            tu_binary("query/cli/gazette-query"), db, out),
                     0);
    text = read_all(out, &len);
    assert_non_null(strstr(text, "\"facets\":{\"source\":["
                                 "{\"value\":\"\",\"count\":2},"
                                 "{\"value\":\"world\",\"count\":1}]}"));
    free(text);
}

/* Facets are counted in a match of their own: the page, its order and
 * snippets are those of the same search without facets, with feedback
 * or without, duplicates collapsed or not, by relevance or by date; and
 * the match count is exact. */
static void test_facets_leave_page(void **state)
{
    (void)state;
    static const char *const gen_queries[] = {
        "chelsea", "chelsea arsenal", "\"chelsea fc\"", "chelsea -arsenal",
        "chelsea source:sport", "arsenal OR liverpool OR chelsea"};
    static const char *const sample_queries[] = {"gaza", "gaza ceasefire",
                                                 "source:sport"};
    for (int combo = 0; combo < 16; combo++) {
        query_opts qo = {0};
        qo.no_feedback = combo & 1;
        qo.duplicates = (combo >> 1) & 1;
        qo.sort = combo & 4 ? GAZETTE_SORT_DATE : GAZETTE_SORT_RELEVANCE;
        if (combo & 8) {   /* term facets alone give the count too */
            qo.facets[GAZETTE_FACET_TAG] = 1;
            qo.facets[GAZETTE_FACET_ENTITY] = combo & 1;
        } else {
            qo.facets[GAZETTE_FACET_SOURCE] = 1;
            qo.facets[GAZETTE_FACET_YEAR] = combo & 1;
            qo.facets[GAZETTE_FACET_TAG] = (combo >> 1) & 1;
        }
        for (size_t i = 0; i < sizeof gen_queries / sizeof *gen_queries; i++)
            same_page_with_facets(&fx.gen, gen_queries[i], &qo);
        for (size_t i = 0;
             i < sizeof sample_queries / sizeof *sample_queries; i++)
            same_page_with_facets(&fx.sample, sample_queries[i], &qo);
    }
}

/* --------------------------------------------------------- facet lists */

/* Apply fn(writable shard, ctx) to every shard of the index at `db`. */
static void each_shard(const char *db, void (*fn)(xap_writable *, void *),
                       void *ctx)
{
    gz_shard_list shards = {0};
    char err[512];
    if (gz_shards_locate(db, &shards, err, sizeof err) != 0)
        fail_msg("%s: %s", db, err);
    assert_true(shards.n >= 1);
    for (size_t i = 0; i < shards.n; i++) {
        xap_writable *w = NULL;
        assert_int_equal(xap_writable_open(shards.paths[i], XAP_DB_OPEN, 0,
                                           &w),
                         XAP_OK);
        fn(w, ctx);
        assert_int_equal(xap_writable_close(w), XAP_OK);
        xap_writable_free(w);
    }
    gz_shards_free(&shards);
}

/* each_shard: count in *(int *)ctx the shards with GZ_META_LIST_SLOTS
 * "1", and in the int after it the shards. */
static void count_list_key(xap_writable *w, void *ctx)
{
    int *n = ctx;
    char *value = NULL;
    size_t len = 0;
    assert_int_equal(xap_database_get_metadata(xap_writable_database(w),
                                               GZ_META_LIST_SLOTS, &value,
                                               &len),
                     XAP_OK);
    n[0] += len == 1 && value[0] == '1';
    n[1]++;
    free(value);
}

/* 1 when every shard of `db` has the key, 0 when none, -1 otherwise. */
static int list_key_state(const char *db)
{
    int n[2] = {0, 0};
    each_shard(db, count_list_key, n);
    return n[0] == n[1] ? 1 : n[0] == 0 ? 0 : -1;
}

/* each_shard: set GZ_META_LIST_SLOTS to the string ctx ("" deletes). */
static void set_list_key(xap_writable *w, void *ctx)
{
    const char *value = ctx;
    assert_int_equal(xap_writable_set_metadata(w, GZ_META_LIST_SLOTS, value,
                                               strlen(value)),
                     XAP_OK);
}

/* each_shard: take the facet list slots out of every article, as an
 * index written before they existed has none. */
static void drop_lists(xap_writable *w, void *ctx)
{
    (void)ctx;
    xap_database *view = xap_writable_database(w);
    xap_docid last = 0;
    assert_int_equal(xap_database_last_docid(view, &last), XAP_OK);
    for (xap_docid id = 1; id <= last; id++) {
        xap_document *doc = NULL;
        xap_status s = xap_database_get_document(view, id, &doc);
        if (s == XAP_ERR_DOC_NOT_FOUND)
            continue;
        assert_int_equal(s, XAP_OK);
        assert_int_equal(xap_document_add_value(doc, GZ_SLOT_TAGS, "", 0),
                         XAP_OK);
        assert_int_equal(xap_document_add_value(doc, GZ_SLOT_AUTHORS, "", 0),
                         XAP_OK);
        assert_int_equal(xap_writable_replace_document(w, id, doc), XAP_OK);
        xap_document_free(doc);
    }
}

/* Make the index at `db` what older code wrote: no facet list slots and
 * no key saying every article has them. */
static void make_old(const char *db)
{
    each_shard(db, drop_lists, NULL);
    each_shard(db, set_list_key, "");
    assert_int_equal(list_key_state(db), 0);
}

/* The match counts and the tag and author facets of `query` on `db`
 * (duplicates collapsed or not), one line each, in a new string; *values
 * gets the number of facet values. */
static char *facet_dump(const char *db, const char *query, int collapse,
                        size_t *values)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    gazette_search_options_set_collapse_duplicates(opts, collapse);
    gazette_search_options_add_facet(opts, GAZETTE_FACET_TAG);
    gazette_search_options_add_facet(opts, GAZETTE_FACET_AUTHOR);
    if (gazette_search(index, query, opts, &r) != GAZETTE_STATUS_OK)
        fail_msg("%s: '%s': %s", db, query, gazette_index_error(index));
    size_t size = 64, len = 0;
    char *out = malloc(size);
    assert_non_null(out);
    uint64_t lower, est, upper;
    gazette_results_estimate(r, &lower, &est, &upper);
    len += (size_t)snprintf(out, size, "%llu %llu %llu\n",
                            (unsigned long long)lower,
                            (unsigned long long)est,
                            (unsigned long long)upper);
    *values = 0;
    for (int f = GAZETTE_FACET_TAG; f <= GAZETTE_FACET_AUTHOR; f++) {
        if (f != GAZETTE_FACET_TAG && f != GAZETTE_FACET_AUTHOR)
            continue;
        size_t n = gazette_results_facet_count(r, (gazette_facet_t)f);
        for (size_t k = 0; k < n; k++) {
            const char *value;
            uint64_t count;
            gazette_results_facet_value(r, (gazette_facet_t)f, k, &value,
                                        &count);
            size_t need = strlen(value) + 64;
            if (len + need > size) {
                size = 2 * (len + need);
                out = realloc(out, size);
                assert_non_null(out);
            }
            len += (size_t)snprintf(out + len, size - len, "%s %s %llu\n",
                                    gazette_facet_name((gazette_facet_t)f),
                                    value, (unsigned long long)count);
        }
        *values += n;
    }
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
    return out;
}

/* The tag and author facets of `queries` on `a` and `b` are the same,
 * duplicates collapsed and not; returns the facet values seen. */
static size_t same_list_facets(const char *a, const char *b,
                               const char *const *queries, size_t n)
{
    size_t seen = 0;
    for (size_t i = 0; i < n; i++)
        for (int collapse = 0; collapse <= 1; collapse++) {
            size_t va = 0, vb = 0;
            char *da = facet_dump(a, queries[i], collapse, &va);
            char *db = facet_dump(b, queries[i], collapse, &vb);
            if (strcmp(da, db) != 0)
                fail_msg("'%s' (collapse %d): facets differ\n%s:\n%s\n%s:\n%s",
                         queries[i], collapse, a, da, b, db);
            seen += va;
            free(da);
            free(db);
        }
    return seen;
}

/* A new article `id` with `body` by `author`. */
static gazette_article_t *new_article(const char *id, const char *body,
                                      const char *author)
{
    gazette_article_t *a = NULL;
    assert_int_equal(gazette_article_new(&a), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_ID, id),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_BODY, body),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_set(a, GAZETTE_FIELD_AUTHOR, author),
                     GAZETTE_STATUS_OK);
    return a;
}

/* Put `a` (freed) into `db` through a writer of its own. */
static void put_alone(const char *db, gazette_article_t *a)
{
    gazette_writer_t *w = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 10, &w), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_put(w, a), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
    gazette_article_free(a);
}

/* Put through the writer API into `db` an article `id` about a zebra
 * with `author` and tags `t1`, `t2`. */
static void put_zebra(const char *db, const char *id, const char *author,
                      const char *t1, const char *t2)
{
    char body[128];
    snprintf(body, sizeof body, "A zebra by the river (%s).", id);
    gazette_article_t *a = new_article(id, body, author);
    assert_int_equal(gazette_article_add_tag(a, t1), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_add_tag(a, t2), GAZETTE_STATUS_OK);
    put_alone(db, a);
}

/* Put through the writer API into `db` an article `id` about a zebra
 * by `first` (set as the author) and `second` (added as a co-author),
 * and check it reads back so. */
static void put_coauthored(const char *db, const char *id, const char *first,
                           const char *second)
{
    gazette_article_t *a = new_article(id, "A zebra team.", first);
    assert_int_equal(gazette_article_add_author(a, second),
                     GAZETTE_STATUS_OK);
    put_alone(db, a);
    gazette_index_t *index = NULL;
    char byline[256];
    snprintf(byline, sizeof byline, "%s, %s", first, second);
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_index_get_article(index, id, &a),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_get(a, GAZETTE_FIELD_AUTHOR), byline);
    assert_int_equal(gazette_article_author_count(a), 2);
    assert_string_equal(gazette_article_author(a, 0), first);
    assert_string_equal(gazette_article_author(a, 1), second);
    gazette_article_free(a);
    gazette_index_close(index);
}

/* A search of `db` for `query` with collapsing, the facets in `facets`
 * (GAZETTE_FACET_* bits) and up to 200 hits, sorted by `sort`, with
 * feedback or not. */
static gazette_results_t *facet_search_fb(const char *db, const char *query,
                                          unsigned facets,
                                          gazette_sort_t sort, int feedback)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(opts, 0, 200),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_sort(opts, sort),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_feedback(opts, feedback),
                     GAZETTE_STATUS_OK);
    for (int f = 0; f <= GAZETTE_FACET_AUTHOR; f++)
        if (facets & (1u << f))
            gazette_search_options_add_facet(opts, (gazette_facet_t)f);
    if (gazette_search(index, query, opts, &r) != GAZETTE_STATUS_OK)
        fail_msg("%s: '%s': %s", db, query, gazette_index_error(index));
    gazette_search_options_free(opts);
    gazette_index_close(index);
    return r;
}

/* facet_search_fb with feedback (the default). */
static gazette_results_t *facet_search(const char *db, const char *query,
                                       unsigned facets,
                                       gazette_sort_t sort)
{
    return facet_search_fb(db, query, facets, sort, 1);
}

/* How many hits of `r` have `value` for facet `f` (source, year or
 * entity). */
static uint64_t hits_with(const gazette_results_t *r, gazette_facet_t f,
                          const char *value)
{
    uint64_t n = 0;
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        if (f == GAZETTE_FACET_SOURCE)
            n += strcmp(gazette_hit_source(h), value) == 0;
        else if (f == GAZETTE_FACET_YEAR)
            n += strncmp(gazette_hit_date(h), value, 4) == 0;
        else
            for (size_t e = 0; e < gazette_hit_entity_count(h); e++)
                n += strcmp(gazette_hit_entity(h, e), value) == 0;
    }
    return n;
}

/* Search `db` for `query` in each order, with and without feedback,
 * with the facets in `facets` (GAZETTE_FACET_* bits, the source among
 * them), every hit on the page: each facet value counts the hits that
 * show it, and the sources sum to the matches. */
static void facets_count_hits(const char *db, const char *query,
                              unsigned facets)
{
    for (int run = 0; run < 6; run++) {
        int sort = run / 2, feedback = !(run % 2);
        gazette_results_t *r = facet_search_fb(db, query, facets,
                                               (gazette_sort_t)sort,
                                               feedback);
        uint64_t lower, est, upper, sum = 0;
        gazette_results_estimate(r, &lower, &est, &upper);
        assert_int_equal(est, gazette_results_count(r));
        for (int f = 0; f <= GAZETTE_FACET_ENTITY; f++) {
            if (!(facets & (1u << f)))
                continue;
            size_t n = gazette_results_facet_count(r, (gazette_facet_t)f);
            for (size_t k = 0; k < n; k++) {
                const char *value;
                uint64_t count;
                gazette_results_facet_value(r, (gazette_facet_t)f, k, &value,
                                            &count);
                uint64_t want = hits_with(r, (gazette_facet_t)f, value);
                if (count != want)
                    fail_msg("%s: '%s' sorted %d, feedback %d: %s '%s' "
                             "counts %llu, the hits show %llu",
                             db, query, sort, feedback,
                             gazette_facet_name((gazette_facet_t)f), value,
                             (unsigned long long)count,
                             (unsigned long long)want);
                if (f == GAZETTE_FACET_SOURCE)
                    sum += count;
            }
        }
        assert_int_equal(sum, est);
        gazette_results_free(r);
    }
}

/* Identical articles count once in the facets, as the copy the hits
 * show: the best-ranked one, which the counting match (no weights,
 * document order) may not see first. Each group below has copies in
 * several sources, years and title entities; the best copy is sometimes
 * the first written, sometimes not. Every facet value counts the hits
 * (all of them on the page) that have it, and the values sum to the
 * matches. */
static void test_facets_count_shown_copy(void **state)
{
    (void)state;
    char *tmp = tu_mkdtemp("copies");
    char dir[4200], db[4200];
    snprintf(dir, sizeof dir, "%s/c", tmp);
    snprintf(db, sizeof db, "%s/i", tmp);
    static const char *const body[] = {
        "The shuttle launch was delayed again because of weather over the "
        "cape, officials said.",
        "Engineers replaced a valve on the shuttle before the next launch "
        "window opened.",
        "A new shuttle crew trained for a week at the centre near the "
        "coast."};
    static const struct {
        const char *path, *title, *date;
        int body;
    } files[] = {
        {"a/1.txt", "Weather report from Florida this morning", "2020-01-02", 0},
        {"c/3.txt", "Shuttle", "2021-01-02", 0},
        {"a/2.txt", "Shuttle shuttle shuttle at Houston", "2022-03-04", 1},
        {"b/4.txt", "Valve at Kennedy", "2023-03-04", 1},
        {"b/5.txt", "Crew news from Texas", "2019-05-06", 2},
        {"c/6.txt", "Shuttle crew", "2024-05-06", 2},
        {"a/7.txt", "Crew training in Orlando and elsewhere", "2018-05-06", 2},
        {"d/8.txt", "Shuttle parts", "2017-07-08", -1},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char text[1024];
        int n = snprintf(text, sizeof text, "Title: %s\nDate: %s\n\n%s\n",
                         files[i].title, files[i].date,
                         files[i].body >= 0
                             ? body[files[i].body]
                             : "Spare parts for the shuttle arrived late.");
        tu_write_file(dir, files[i].path, text, (size_t)n);
    }
    assert_int_equal(tu_run("'%s' --quiet --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, dir),
                     0);
    static const char *const queries[] = {"shuttle", "shuttle OR crew",
                                          "shuttle crew"};
    unsigned facets = 1u << GAZETTE_FACET_SOURCE |
                      1u << GAZETTE_FACET_YEAR | 1u << GAZETTE_FACET_ENTITY;
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++)
        facets_count_hits(db, queries[q], facets);
    tu_rmtree(tmp);
    free(tmp);
}

/* Copies of equal weight: the hit shows the one whose path sorts first
 * (query/copies.c), which Xapian need not rank first: in one index the
 * copy written first (a second run added "alpha/" after "zeta/"), over
 * shards the one whose weight came out a last bit heavier or whose
 * merged id is smaller. Each group's copies differ in source and year,
 * so a facet that counted another copy than the one shown would name
 * the source and year of a copy no hit shows. */
static void test_facets_count_tied_copy(void **state)
{
    (void)state;
    char *tmp = tu_mkdtemp("tiedcopies");
    char dir[4200], db[4200];
    snprintf(dir, sizeof dir, "%s/c", tmp);
    static const char *const sources[] = {"zeta", "mid", "alpha"};
    static const char *const topics[] = {"valve", "crew", "weather",
                                         "window", "engine", "tiles"};
    unsigned facets = 1u << GAZETTE_FACET_SOURCE | 1u << GAZETTE_FACET_YEAR;
    /* One index, written in two runs: the copies in "alpha/" last. */
    snprintf(db, sizeof db, "%s/runs", tmp);
    for (size_t run = 0; run < 2; run++) {
        for (size_t src = run ? 2 : 0; src < (run ? 3u : 2u); src++)
            for (size_t t = 0; t < sizeof topics / sizeof *topics; t++) {
                char name[64], text[512];
                snprintf(name, sizeof name, "%s/%s.txt", sources[src],
                         topics[t]);
                int n = snprintf(text, sizeof text,
                                 "Title: Shuttle %s\nDate: 20%02zu-01-02\n\n"
                                 "The shuttle %s was checked again before the "
                                 "launch, officials said.\n",
                                 topics[t], 10 + src, topics[t]);
                tu_write_file(dir, name, text, (size_t)n);
            }
        assert_int_equal(tu_run("'%s' --quiet -j1 --db '%s' '%s'",
                                tu_binary("indexer/gazette-index"), db, dir),
                         0);
    }
    static const char *const queries[] = {"shuttle", "shuttle valve",
                                          "checked OR crew"};
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++)
        facets_count_hits(db, queries[q], facets);
    /* The same articles split over shards at once. */
    for (int j = 2; j <= 4; j++) {
        snprintf(db, sizeof db, "%s/j%d", tmp, j);
        assert_int_equal(tu_run("'%s' --quiet -j%d --db '%s' '%s'",
                                tu_binary("indexer/gazette-index"), j, db,
                                dir),
                         0);
        for (size_t q = 0; q < sizeof queries / sizeof *queries; q++)
            facets_count_hits(db, queries[q], facets);
    }
    tu_rmtree(tmp);
    free(tmp);
}

/* The entity facet counts what entity: finds: names that differ in case,
 * accents or spacing, and the names of one line of the aliases file,
 * count as one entity, each article once (one naming both "Man Utd" and
 * "Manchester United" too), shown as its most frequent spelling. Each
 * value given to entity: finds as many articles as it counts. */
static void test_entity_facet_is_entity_filter(void **state)
{
    (void)state;
    char *tmp = tu_mkdtemp("entfacet");
    char dir[4200], db[4200], aliases[4200];
    snprintf(dir, sizeof dir, "%s/c", tmp);
    snprintf(db, sizeof db, "%s/i", tmp);
    snprintf(aliases, sizeof aliases, "%s/aliases", tmp);
    static const char *const bodies[] = {
        "We met people from Unix companies in Berlin yesterday.",
        "We met people from UNIX companies in Paris yesterday.",
        "We met people from Unix vendors in Rome yesterday.",
        "Many people said Man Utd won. Later Manchester United fans cheered.",
        "Some people watched Man Utd in Zürich.",
        "Other people watched Manchester United in Zurich.",
        "More people watched Manchester  United in ZURICH.",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        char name[32], text[512];
        snprintf(name, sizeof name, "s/%zu.txt", i);
        int n = snprintf(text, sizeof text, "Title: Note %zu\n\n%s\n", i,
                         bodies[i]);
        tu_write_file(dir, name, text, (size_t)n);
    }
    static const char lines[] = "Manchester United = Man Utd\n";
    tu_write_file(tmp, "aliases", lines, sizeof lines - 1);
    assert_int_equal(tu_run("'%s' --quiet --db '%s' --entity-aliases '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, aliases,
                            dir),
                     0);
    gazette_results_t *r = facet_search(db, "people",
                                        1u << GAZETTE_FACET_ENTITY,
                                        GAZETTE_SORT_RELEVANCE);
    size_t n = gazette_results_facet_count(r, GAZETTE_FACET_ENTITY);
    int unix_seen = 0, club_seen = 0, zurich_seen = 0;
    for (size_t k = 0; k < n; k++) {
        const char *value;
        uint64_t count;
        gazette_results_facet_value(r, GAZETTE_FACET_ENTITY, k, &value,
                                    &count);
        char query[256];
        snprintf(query, sizeof query, "people entity:\"%s\"", value);
        gazette_results_t *by = facet_search(db, query, 0,
                                             GAZETTE_SORT_RELEVANCE);
        if (gazette_results_count(by) != count)
            fail_msg("entity '%s' counts %llu, %s finds %zu", value,
                     (unsigned long long)count, query,
                     gazette_results_count(by));
        gazette_results_free(by);
        if (strcasecmp(value, "unix") == 0) {
            unix_seen++;
            assert_string_equal(value, "Unix");   /* 2 against 1 */
            assert_int_equal(count, 3);
        }
        if (strstr(value, "Man")) {
            club_seen++;
            assert_string_equal(value, "Manchester United");
            assert_int_equal(count, 4);
        }
        if (strcasestr(value, "z") == value) {
            zurich_seen++;
            assert_int_equal(count, 3);
        }
    }
    assert_int_equal(unix_seen, 1);
    assert_int_equal(club_seen, 1);
    assert_int_equal(zurich_seen, 1);
    gazette_results_free(r);
    tu_rmtree(tmp);
    free(tmp);
}

/* The articles of the index at `db` with the exact author name `name`
 * (the author facet's value), by its term. */
static uint32_t articles_by_author(const char *db, const char *name)
{
    char term[GZ_TERM_BUF];
    assert_true(gz_value_term(GZ_PREFIX_AUTHOR_NAME, name, term,
                              sizeof term) > 0);
    xap_database *x = NULL;
    uint32_t freq = 0;
    assert_int_equal(xap_database_open(db, &x), XAP_OK);
    assert_int_equal(xap_database_termfreq(x, term, &freq), XAP_OK);
    xap_database_free(x);
    return freq;
}

/* Names or tags for a list longer than an article keeps: `n` of them,
 * "<what> <seeded letters> <i>", into names[i] (NAME_BYTES each). */
#define NAME_BYTES 32
static void seeded_names(const char *what, uint64_t seed, size_t n,
                         char (*names)[NAME_BYTES])
{
    for (size_t i = 0; i < n; i++) {
        char letters[6];
        for (size_t k = 0; k + 1 < sizeof letters; k++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            letters[k] = (char)('a' + (seed >> 33) % 26);
        }
        letters[sizeof letters - 1] = '\0';
        snprintf(names[i], NAME_BYTES, "%s %s %zu", what, letters, i);
    }
}

/* The JSON array of the `n` strings `items`, appended to `b`. */
static void put_json_strings(gz_buf *b, char (*items)[NAME_BYTES], size_t n)
{
    gz_buf_put(b, "[", 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            gz_buf_put(b, ", ", 2);
        gz_buf_put(b, "\"", 1);
        gz_buf_put(b, items[i], strlen(items[i]));
        gz_buf_put(b, "\"", 1);
    }
    gz_buf_put(b, "]", 1);
}

/* Write dir/name: one JSON Lines article, "An okapi herd.", by the `na`
 * `authors` and with the `nt` `tags`. */
static void write_long_lists(const char *dir, const char *name,
                             char (*authors)[NAME_BYTES], size_t na,
                             char (*tags)[NAME_BYTES], size_t nt)
{
    gz_buf b = {0};
    static const char head[] =
        "{\"id\": \"1\", \"title\": \"Okapi\", \"body\": \"An okapi "
        "herd.\", \"author\": ";
    gz_buf_put(&b, head, sizeof head - 1);
    put_json_strings(&b, authors, na);
    gz_buf_put(&b, ", \"tags\": ", 10);
    put_json_strings(&b, tags, nt);
    gz_buf_put(&b, "}\n", 2);
    assert_false(b.failed);
    tu_write_file(dir, name, b.data, b.len);
    gz_buf_free(&b);
}

/* `value` in lower case (ASCII), as a facet shows it, in `out`. */
static const char *lowered(const char *value, char out[NAME_BYTES])
{
    size_t i = 0;
    for (; value[i] && i + 1 < NAME_BYTES; i++)
        out[i] = (char)tolower((unsigned char)value[i]);
    out[i] = '\0';
    return out;
}

/* The okapi article of write_long_lists, indexed in `db` (gazette-index's
 * stderr in the file `err`), has the first CORPUS_MAX_AUTHORS names and
 * the first CORPUS_MAX_TAGS tags of its longer lists, as terms, facet
 * values and in its hit, and the run said how many it left out. */
static void expect_lists_cut(const char *db, const char *err,
                             char (*authors)[NAME_BYTES], size_t na,
                             char (*tags)[NAME_BYTES], size_t nt)
{
    size_t len = 0;
    char *said = read_all(err, &len);
    char want[128];
    snprintf(want, sizeof want, "%zu more authors left out: an article "
             "keeps its first %d", na - CORPUS_MAX_AUTHORS,
             CORPUS_MAX_AUTHORS);
    if (!strstr(said, "a/many.jsonl:1") || !strstr(said, want))
        fail_msg("no warning \"%s\" naming a/many.jsonl:1 in:\n%s", want,
                 said);
    snprintf(want, sizeof want, "%zu more tags left out",
             nt - CORPUS_MAX_TAGS);
    assert_non_null(strstr(said, want));
    free(said);
    assert_int_equal(articles_by_author(db, authors[CORPUS_MAX_AUTHORS - 1]),
                     1);
    assert_int_equal(articles_by_author(db, authors[CORPUS_MAX_AUTHORS]), 0);
    size_t values = 0;
    char *dump = facet_dump(db, "okapi", 1, &values);
    assert_int_equal(values, CORPUS_MAX_AUTHORS + CORPUS_MAX_TAGS);
    char line[NAME_BYTES + 16], low[NAME_BYTES];
    snprintf(line, sizeof line, "tag %s 1\n",
             lowered(tags[CORPUS_MAX_TAGS - 1], low));
    assert_non_null(strstr(dump, line));
    snprintf(line, sizeof line, "tag %s 1\n",
             lowered(tags[CORPUS_MAX_TAGS], low));
    assert_null(strstr(dump, line));
    free(dump);
    gazette_results_t *r = facet_search(db, "okapi", 0,
                                        GAZETTE_SORT_RELEVANCE);
    assert_int_equal(gazette_results_count(r), 1);
    const gazette_hit_t *hit = gazette_results_hit(r, 0);
    assert_int_equal(gazette_hit_author_count(hit), CORPUS_MAX_AUTHORS);
    assert_string_equal(gazette_hit_author_name(hit, CORPUS_MAX_AUTHORS - 1),
                        authors[CORPUS_MAX_AUTHORS - 1]);
    assert_int_equal(gazette_hit_tag_count(hit), CORPUS_MAX_TAGS);
    gazette_results_free(r);
}

/* The "authors" array (names joined with '|') of the hit `id`, which
 * must be there, of the gazette-query --json output in the file `out`,
 * in `names`. */
static void json_authors_of(const char *out, const char *id, char *names,
                            size_t size)
{
    size_t len = 0;
    char *text = read_all(out, &len);
    names[0] = '\0';
    int found = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        json_t *o = json_loads(line, 0, NULL);
        assert_non_null(o);
        const char *hit_id = json_string_value(json_object_get(o, "id"));
        if (hit_id && strcmp(hit_id, id) == 0) {
            json_t *a = json_object_get(o, "authors");
            assert_true(json_is_array(a));
            for (size_t i = 0; i < json_array_size(a); i++)
                snprintf(names + strlen(names), size - strlen(names),
                         "%s%s", i ? "|" : "",
                         json_string_value(json_array_get(a, i)));
            found = 1;
        }
        json_decref(o);
    }
    free(text);
    if (!found)
        fail_msg("%s: no hit %s", out, id);
}

/* Author and tag facets are counted from the facet list slots of a new
 * index, with the values and counts the term lists give; an index
 * without the key (older code wrote it) is counted from the terms, and an
 * update of it leaves the key out. Co-authors the source lists count
 * each as an author, on both ways. */
static void test_facet_lists(void **state)
{
    (void)state;
    static const char *const queries[] = {
        "chelsea", "arsenal OR liverpool OR chelsea", "source:sport",
        "election OR market OR film"};
    const size_t nq = sizeof queries / sizeof *queries;
    char *tmp = tu_mkdtemp("lists");
    char old[4200], small[4200], small_db[4200], fresh_db[4200];
    snprintf(old, sizeof old, "%s/old", tmp);
    /* gazette-index writes the key in every shard of a new index. */
    assert_int_equal(list_key_state(fx.gen.db), 1);
    /* The same articles without slots nor key: the term lists' counts. */
    assert_int_equal(tu_run("cp -a '%s' '%s'", fx.gen.db, old), 0);
    make_old(old);
    size_t seen = same_list_facets(fx.gen.db, old, queries, nq);
    assert_true(seen > 20);
    /* With the key but without the slots the facets come out empty: the
     * key alone decides that the slots are read. */
    each_shard(old, set_list_key, "1");
    size_t values = 1;
    free(facet_dump(old, "chelsea", 1, &values));
    assert_int_equal(values, 0);
    each_shard(old, set_list_key, "");

    /* An update run into an index without the key keeps it so, and the
     * facets stay right (those of a new index of the same files). Tags
     * that fold alike count once. */
    snprintf(small, sizeof small, "%s/small", tmp);
    snprintf(small_db, sizeof small_db, "%s/small-index", tmp);
    snprintf(fresh_db, sizeof fresh_db, "%s/fresh-index", tmp);
    static const char one[] =
        "Title: Zebra one\nAuthor: Ann Lee\nTags: Chelsea, chelsea, Cup\n\n"
        "A zebra at the ground.\n";
    static const char two[] =
        "Title: Zebra two\nAuthor: ann lee\nTags: CUP, Transfer news\n\n"
        "Another zebra, seen at the market.\n";
    static const char three[] =
        "Title: Zebra three\nAuthor: Bo Chen\nTags: cup\n\n"
        "Zebra crossings in town.\n";
    /* two authors listed (a name again in other case is the first one);
     * a byline of one string is one author; a listed name may hold ", " */
    static const char four[] =
        "---\ntitle: Zebra four\nauthors: [Ann Lee, Dee Park, ann LEE]\n"
        "---\nA zebra and its keeper.\n";
    static const char five[] =
        "Title: Zebra five\nAuthor: Park, Dee\n\nA zebra at rest.\n";
    static const char six[] =
        "---\ntitle: Zebra six\nauthors: [\"Smith, John\", Kim Roe]\n"
        "---\nA zebra and a foal.\n";
    tu_write_file(small, "a/one.txt", one, sizeof one - 1);
    tu_write_file(small, "a/two.txt", two, sizeof two - 1);
    tu_write_file(small, "a/four.md", four, sizeof four - 1);
    tu_write_file(small, "a/five.txt", five, sizeof five - 1);
    tu_write_file(small, "a/six.md", six, sizeof six - 1);
    /* longer lists than an article keeps: their first names and tags */
    char authors[CORPUS_MAX_AUTHORS + 36][NAME_BYTES];
    char tags[CORPUS_MAX_TAGS + 20][NAME_BYTES];
    const size_t na = sizeof authors / sizeof *authors;
    const size_t nt = sizeof tags / sizeof *tags;
    seeded_names("Reporter", 7, na, authors);
    seeded_names("Topic", 11, nt, tags);
    write_long_lists(small, "a/many.jsonl", authors, na, tags, nt);
    const char *ix = tu_binary("indexer/gazette-index");
    assert_int_equal(tu_run("'%s' --quiet --db '%s' '%s'", ix, small_db,
                            small),
                     0);
    assert_int_equal(list_key_state(small_db), 1);
    make_old(small_db);
    tu_write_file(small, "b/three.txt", three, sizeof three - 1);
    assert_int_equal(tu_run("'%s' --quiet --db '%s' '%s'", ix, small_db,
                            small),
                     0);
    assert_int_equal(list_key_state(small_db), 0);
    char err[4200];
    snprintf(err, sizeof err, "%s/fresh.err", tmp);
    assert_int_equal(tu_run("'%s' --db '%s' '%s' 2> '%s'", ix, fresh_db,
                            small, err),
                     0);
    assert_int_equal(list_key_state(fresh_db), 1);
    expect_lists_cut(fresh_db, err, authors, na, tags, nt);
    static const char *const zebra[] = {"zebra", "zebra market"};
    assert_true(same_list_facets(fresh_db, small_db, zebra, 2) > 0);
    char *dump = facet_dump(fresh_db, "zebra", 1, &values);
    assert_non_null(strstr(dump, "tag cup 3\n"));
    assert_non_null(strstr(dump, "tag chelsea 1\n"));
    assert_non_null(strstr(dump, "author ann lee 3\n"));
    assert_non_null(strstr(dump, "author dee park 1\n"));
    assert_non_null(strstr(dump, "author park, dee 1\n"));
    assert_null(strstr(dump, "ann lee, dee park"));
    free(dump);
    assert_int_equal(articles_by_author(fresh_db, "Dee Park"), 1);
    assert_int_equal(articles_by_author(small_db, "Dee Park"), 1);
    assert_int_equal(articles_by_author(small_db, "Ann Lee"), 3);
    /* the byline shown stays the joined names */
    gazette_index_t *index = NULL;
    gazette_article_t *art = NULL;
    assert_int_equal(gazette_index_open(fresh_db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_index_get_article(index, "a/four.md", &art),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_article_get(art, GAZETTE_FIELD_AUTHOR),
                        "Ann Lee, Dee Park");
    assert_int_equal(gazette_article_author_count(art), 2);
    assert_string_equal(gazette_article_author(art, 1), "Dee Park");
    gazette_article_free(art);
    gazette_index_close(index);
    /* --json gives a hit's names apart, commas and all */
    char out[4200], names[256];
    snprintf(out, sizeof out, "%s/hits.jsonl", tmp);
    assert_int_equal(tu_run("'%s' --db '%s' --json zebra > '%s'",
                            tu_binary("query/cli/gazette-query"), fresh_db,
                            out),
                     0);
    json_authors_of(out, "a/six.md", names, sizeof names);
    assert_string_equal(names, "Smith, John|Kim Roe");
    json_authors_of(out, "a/five.txt", names, sizeof names);
    assert_string_equal(names, "Park, Dee");
    json_authors_of(out, "a/four.md", names, sizeof names);
    assert_string_equal(names, "Ann Lee|Dee Park");

    /* The writer API: the key in a new index, not in an old one. */
    char api_db[4200], api_old[4200];
    snprintf(api_db, sizeof api_db, "%s/api-index", tmp);
    snprintf(api_old, sizeof api_old, "%s/api-old", tmp);
    put_zebra(api_db, "w1", "Carla Diaz", "Rugby", "rugby");
    assert_int_equal(list_key_state(api_db), 1);
    assert_int_equal(tu_run("cp -a '%s' '%s'", api_db, api_old), 0);
    make_old(api_old);
    put_zebra(api_db, "w2", "carla diaz", "RUGBY", "Sevens");
    put_zebra(api_old, "w2", "carla diaz", "RUGBY", "Sevens");
    assert_int_equal(list_key_state(api_old), 0);
    assert_true(same_list_facets(api_db, api_old, zebra, 1) > 0);
    dump = facet_dump(api_db, "zebra", 1, &values);
    assert_non_null(strstr(dump, "tag rugby 2\n"));
    assert_non_null(strstr(dump, "author carla diaz 2\n"));
    free(dump);
    put_coauthored(api_db, "w3", "Carla Diaz", "Eve Ng");
    dump = facet_dump(api_db, "zebra", 1, &values);
    assert_non_null(strstr(dump, "author carla diaz 3\n"));
    assert_non_null(strstr(dump, "author eve ng 1\n"));
    free(dump);
    /* a full rebuild analyses the articles of no file again, from what
     * the index stored of them: the co-authors stay apart */
    assert_int_equal(tu_run("'%s' --quiet --full --db '%s' '%s'", ix, api_db,
                            small),
                     0);
    dump = facet_dump(api_db, "team", 1, &values);
    assert_non_null(strstr(dump, "author carla diaz 1\n"));
    assert_non_null(strstr(dump, "author eve ng 1\n"));
    free(dump);
    tu_rmtree(tmp);
    free(tmp);
}

/* ------------------------------------------------- whole-value filters */

/* The number of hits of `query` on the index `db`; when `id` is not NULL,
 * *has gets 1 when that article is one of them; when `warning` is not
 * NULL, it gets the search's warning (`size` bytes). */
static size_t count_hits_warned(const char *db, const char *query,
                                const char *id, int *has, char *warning,
                                size_t size)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    gazette_search_options_set_collapse_duplicates(opts, 0);
    if (gazette_search(index, query, opts, &r) != GAZETTE_STATUS_OK)
        fail_msg("%s: '%s': %s", db, query, gazette_index_error(index));
    size_t n = gazette_results_count(r);
    if (has) {
        *has = 0;
        for (size_t i = 0; i < n; i++)
            *has |= strcmp(gazette_hit_id(gazette_results_hit(r, i)), id) == 0;
    }
    if (warning)
        snprintf(warning, size, "%s", gazette_results_warning(r));
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
    return n;
}

static size_t count_hits(const char *db, const char *query, const char *id,
                         int *has)
{
    return count_hits_warned(db, query, id, has, NULL, 0);
}

/* each_shard: forget the entity heads key, as an index written before. */
static void drop_heads_key(xap_writable *w, void *ctx)
{
    (void)ctx;
    assert_int_equal(xap_writable_set_metadata(w, GZ_META_ENTITY_HEADS, "",
                                               0),
                     XAP_OK);
}

/* An index written before entity head terms (no GZ_META_ENTITY_HEADS in
 * its shards) is named in the warning of a search with entity:, and only
 * of such a search; one written since is not. */
static void expect_heads_noted(const char *db)
{
    char warning[2048];
    count_hits_warned(db, "entity:BBC", NULL, NULL, warning, sizeof warning);
    assert_string_equal(warning, "");
    each_shard(db, drop_heads_key, NULL);
    assert_int_equal(count_hits_warned(db, "entity:BBC", NULL, NULL, warning,
                                       sizeof warning),
                     4);
    if (!strstr(warning, "written before entity head terms") ||
        !strstr(warning, db))
        fail_msg("%s: entity:BBC warns '%s'", db, warning);
    count_hits_warned(db, "vote", NULL, NULL, warning, sizeof warning);
    assert_string_equal(warning, "");
}

/* `query` on `db` finds exactly `want` articles, `id` among them. */
static void expect_found(const char *db, const char *query, size_t want,
                         const char *id)
{
    int has = 0;
    size_t n = count_hits(db, query, id, &has);
    if (n != want || !has)
        fail_msg("%s: '%s': %zu hits (want %zu)%s%s", db, query, n, want,
                 has ? "" : ", not ", has ? "" : id);
}

/* entity:BBC finds an article that writes BBC only inside a longer name
 * ("BBC News", "BBC Radio 4": the extractor's entities), as an entity
 * "BBC" of another article makes it a name of its own; the longer names
 * are found as before. So does each longer start of such a name that is
 * a name of its own (entity:"BBC Radio" finds "BBC Radio Five Live"), and
 * an alias of the acronym ("British Broadcasting Corporation = BBC")
 * finds what the acronym finds. Only an acronym opens such a name:
 * entity:Tony does not find "Tony Blair", entity:Blair not
 * "Blairsville", and an acronym that no article names alone ("JP" of "JP
 * Morgan") finds nothing, nor does a start no article names alone ("BBC
 * Radio Five"). One shard and two; expect_heads_noted. */
static void test_entity_acronym_heads(void **state)
{
    (void)state;
    char *tmp = tu_mkdtemp("enthead");
    char root[4200], db[4200], aliases[4200];
    snprintf(root, sizeof root, "%s/corpus", tmp);
    snprintf(aliases, sizeof aliases, "%s/aliases", tmp);
    static const char *const bodies[] = {
        "Viewers told BBC News that the vote was close.",
        "Listeners of BBC Radio 4 heard the minister speak.",
        "Staff at the BBC said the vote was close.",
        "Voters in Blairsville cheered when Tony Blair spoke.",
        "Shares of JP Morgan rose in New York.",
        "Fans of BBC Radio Five Live phoned in.",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        char name[32], text[512];
        snprintf(name, sizeof name, "n/%zu.txt", i);
        int n = snprintf(text, sizeof text, "Note %zu\n\n%s\n", i,
                         bodies[i]);
        tu_write_file(root, name, text, (size_t)n);
    }
    static const char lines[] = "British Broadcasting Corporation = BBC\n";
    tu_write_file(tmp, "aliases", lines, sizeof lines - 1);
    for (int jobs = 1; jobs <= 2; jobs++) {
        snprintf(db, sizeof db, "%s/index-j%d", tmp, jobs);
        assert_int_equal(tu_run("'%s' --quiet -j%d --db '%s' "
                                "--entity-aliases '%s' '%s'",
                                tu_binary("indexer/gazette-index"), jobs, db,
                                aliases, root),
                         0);
        expect_found(db, "entity:BBC", 4, "n/0.txt");
        expect_found(db, "entity:bbc", 4, "n/1.txt");
        expect_found(db, "entity:\"British Broadcasting Corporation\"", 4,
                     "n/5.txt");
        expect_found(db, "entity:\"BBC News\"", 1, "n/0.txt");
        /* the extractor's name: a digit is no name word */
        expect_found(db, "entity:\"BBC Radio\"", 2, "n/1.txt");
        expect_found(db, "entity:\"BBC Radio\"", 2, "n/5.txt");
        expect_found(db, "entity:\"BBC Radio Five Live\"", 1, "n/5.txt");
        expect_found(db, "entity:\"Tony Blair\"", 1, "n/3.txt");
        expect_found(db, "entity:\"JP Morgan\"", 1, "n/4.txt");
        static const char *const none[] = {
            "entity:Tony", "entity:Blair", "entity:JP", "entity:Radio",
            "entity:\"BBC Radio 4\"", "entity:\"BBC Radio Five\""};
        for (size_t i = 0; i < sizeof none / sizeof *none; i++)
            if (count_hits(db, none[i], NULL, NULL) != 0)
                fail_msg("%s: '%s' finds articles", db, none[i]);
        expect_heads_noted(db);
    }
    tu_rmtree(tmp);
    free(tmp);
}

/* Each tag facet value of `query` on `db`, searched as `query
 * tag:"value"`, finds as many articles as the facet counts; returns the
 * number of values. */
static size_t tag_values_searchable(const char *db, const char *query)
{
    size_t values = 0;
    char *dump = facet_dump(db, query, 0, &values);
    size_t checked = 0;
    for (char *line = strtok(dump, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "tag ", 4) != 0)
            continue;
        char *count = strrchr(line, ' ');
        *count++ = '\0';
        char q[512];
        snprintf(q, sizeof q, "%s tag:\"%s\"", query, line + 4);
        size_t n = count_hits(db, q, NULL, NULL);
        if (n != strtoull(count, NULL, 10))
            fail_msg("%s: '%s': %zu hits, the facet counts %s", db, q, n,
                     count);
        checked++;
    }
    free(dump);
    return checked;
}

/* each_shard: into the first shard (ctx: a flag), an article as the code
 * before folding wrote it: tag, source and author terms with ASCII
 * letters lower-cased only, and facet lists of those values. */
static void add_unfolded(xap_writable *w, void *ctx)
{
    int *done = ctx;
    if ((*done)++)
        return;
    gz_docdata d = {.id = "\xC3\x89" "conomie/old", .title = "Old",
                    .source = "\xC3\x89" "conomie", .author = "Zo\xC3\xAB",
                    .tags = "\xC3\x89" "ire" GZ_LIST_SEP_STR "z\xC3\xBC" "rich",
                    .body = "A zebra, old.", .body_len = 13};
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(gz_docdata_encode(&d, &data, &len), 0);
    xap_document *doc = NULL;
    assert_int_equal(xap_document_new(&doc), XAP_OK);
    assert_int_equal(xap_document_set_data(doc, data, len), XAP_OK);
    assert_int_equal(xap_document_add_term(doc, "zebra", 1), XAP_OK);
    assert_int_equal(xap_document_add_term(doc, "Zzebra", 1), XAP_OK);
    assert_int_equal(xap_document_add_term(doc, "old", 1), XAP_OK);
    static const char *const terms[] = {
        "Q\xC3\x89" "conomie/old", "K\xC3\x89" "ire", "Kz\xC3\xBC" "rich",
        "XSOURCE\xC3\x89" "conomie", "XAUTHORzo\xC3\xAB"};
    for (size_t i = 0; i < sizeof terms / sizeof *terms; i++)
        assert_int_equal(xap_document_add_boolean_term(doc, terms[i]),
                         XAP_OK);
    static const char tags[] = "\xC3\x89" "ire" GZ_LIST_SEP_STR "z\xC3\xBC"
                               "rich";
    assert_int_equal(xap_document_add_value(doc, GZ_SLOT_TAGS, tags,
                                            sizeof tags - 1),
                     XAP_OK);
    assert_int_equal(xap_document_add_value(doc, GZ_SLOT_AUTHORS,
                                            "zo\xC3\xAB", 4),
                     XAP_OK);
    assert_int_equal(xap_document_add_value(doc, GZ_SLOT_SOURCE,
                                            "\xC3\x89" "conomie", 9),
                     XAP_OK);
    xap_docid id = 0;
    assert_int_equal(xap_writable_add_document(w, doc, &id), XAP_OK);
    xap_document_free(doc);
    free(data);
}

/* tag: and source: (by default the top-level folder) match whatever the
 * case and accents, as words, author: and entity: do; the tag and author
 * facets show the folded values, which tag: finds. Through gazette-index
 * (one shard and two) and the writer API. An index written before that
 * (tag terms "KÉire", "Kzürich") still finds what it found. */
static void test_value_filters_fold(void **state)
{
    (void)state;
    char *tmp = tu_mkdtemp("fold");
    char root[4200], db[4200];
    snprintf(root, sizeof root, "%s/corpus", tmp);
    static const char one[] =
        "Source: Z\xC3\xBC" "rich Zeitung\nAuthor: Zo\xC3\xAB \xC3\x85"
        "ngstr\xC3\xB6m\nTags: Z\xC3\xBC" "rich, \xC3\x89" "ire\n\n"
        "Head acc\nbody accword\n";
    static const char two[] = "Head acc2\nbody accword2\n";
    tu_write_file(root, "\xC3\x89" "conomie/1.txt", one, sizeof one - 1);
    tu_write_file(root, "\xC3\x89" "conomie/2.txt", two, sizeof two - 1);
    const char *ix = tu_binary("indexer/gazette-index");
    static const char *const tagged[] = {
        "tag:zurich", "tag:Z\xC3\x9C" "RICH", "tag:Z\xC3\xBC" "rich",
        "tag:eire", "tag:\xC3\xA9" "ire", "tag:\xC3\x89" "IRE",
        "source:\"zurich zeitung\"", "source:\"Z\xC3\x9C" "RICH ZEITUNG\"",
        "source:\"Z\xC3\xBC" "rich Zeitung\""};
    static const char *const folder[] = {
        "source:economie", "source:\xC3\x89" "CONOMIE",
        "source:\xC3\x89" "conomie", "source:\xC3\xA9" "conomie"};
    for (int jobs = 1; jobs <= 2; jobs++) {
        snprintf(db, sizeof db, "%s/index-j%d", tmp, jobs);
        assert_int_equal(tu_run("'%s' --quiet -j%d --db '%s' '%s'", ix, jobs,
                                db, root),
                         0);
        for (size_t i = 0; i < sizeof tagged / sizeof *tagged; i++)
            expect_found(db, tagged[i], 1, "\xC3\x89" "conomie/1.txt");
        for (size_t i = 0; i < sizeof folder / sizeof *folder; i++)
            expect_found(db, folder[i], 1, "\xC3\x89" "conomie/2.txt");
        size_t values = 0;
        char *dump = facet_dump(db, "acc OR acc2", 0, &values);
        assert_non_null(strstr(dump, "tag eire 1\n"));
        assert_non_null(strstr(dump, "tag zurich 1\n"));
        assert_non_null(strstr(dump, "author zoe angstrom 1\n"));
        assert_int_equal(values, 3);
        free(dump);
        assert_int_equal(tag_values_searchable(db, "acc OR acc2"), 2);
    }

    /* The writer API; the source defaults to the id's first folder. */
    snprintf(db, sizeof db, "%s/api-index", tmp);
    put_zebra(db, "\xC3\x89" "conomie/w1", "Zo\xC3\xAB \xC3\x85" "ngstr"
              "\xC3\xB6m", "Z\xC3\xBC" "rich", "\xC3\x89" "IRE");
    expect_found(db, "tag:zurich", 1, "\xC3\x89" "conomie/w1");
    expect_found(db, "tag:\xC3\xA9" "ire", 1, "\xC3\x89" "conomie/w1");
    expect_found(db, "source:ECONOMIE", 1, "\xC3\x89" "conomie/w1");
    size_t values = 0;
    char *dump = facet_dump(db, "zebra", 0, &values);
    assert_non_null(strstr(dump, "tag eire 1\n"));
    assert_non_null(strstr(dump, "author zoe angstrom 1\n"));
    free(dump);

    /* An article as written before folding, beside it: typed as before,
     * a value finds both; the parsed query searches both terms. */
    int done = 0;
    each_shard(db, add_unfolded, &done);
    assert_int_equal(done, 1);
    expect_found(db, "tag:\xC3\x89" "ire", 2, "\xC3\x89" "conomie/old");
    expect_found(db, "tag:\xC3\x89" "ire", 2, "\xC3\x89" "conomie/w1");
    expect_found(db, "tag:Z\xC3\xBC" "rich", 2, "\xC3\x89" "conomie/old");
    expect_found(db, "tag:z\xC3\xBC" "rich", 2, "\xC3\x89" "conomie/old");
    expect_found(db, "source:\xC3\x89" "conomie", 2, "\xC3\x89" "conomie/old");
    expect_found(db, "zebra source:\xC3\x89" "conomie", 2,
                 "\xC3\x89" "conomie/old");
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, "tag:\xC3\x89" "ire", opts, &r),
                     GAZETTE_STATUS_OK);
    const char *parsed = gazette_results_parsed_query(r);
    assert_non_null(strstr(parsed, "Keire"));
    assert_non_null(strstr(parsed, "K\xC3\x89" "ire"));
    gazette_results_free(r);
    /* ASCII values make one term, as before. */
    assert_int_equal(gazette_search(index, "tag:EIRE", opts, &r),
                     GAZETTE_STATUS_OK);
    parsed = gazette_results_parsed_query(r);
    assert_non_null(strstr(parsed, "Keire"));
    assert_null(strstr(parsed, " OR "));
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
    /* The tag facet counts the older values with the folded ones, shown
     * as the older article wrote them; each finds its articles. */
    dump = facet_dump(db, "zebra", 0, &values);
    assert_non_null(strstr(dump, "tag \xC3\x89" "ire 2\n"));
    assert_non_null(strstr(dump, "tag z\xC3\xBC" "rich 2\n"));
    free(dump);
    assert_int_equal(tag_values_searchable(db, "zebra"), 2);

    /* Sources that fold alike count once, under the most frequent
     * spelling, which source: finds. */
    snprintf(db, sizeof db, "%s/source-index", tmp);
    put_zebra(db, "\xC3\x89" "conomie/a", "A", "x", "y");
    put_zebra(db, "\xC3\x89" "conomie/b", "A", "x", "y");
    put_zebra(db, "ECONOMIE/c", "A", "x", "y");
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    gazette_search_options_add_facet(opts, GAZETTE_FACET_SOURCE);
    assert_int_equal(gazette_search(index, "zebra", opts, &r),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_facet_count(r, GAZETTE_FACET_SOURCE), 1);
    const char *value = NULL;
    uint64_t count = 0;
    assert_int_equal(gazette_results_facet_value(r, GAZETTE_FACET_SOURCE, 0,
                                                 &value, &count),
                     GAZETTE_STATUS_OK);
    assert_string_equal(value, "\xC3\x89" "conomie");
    assert_int_equal(count, 3);
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
    expect_found(db, "source:\xC3\x89" "conomie", 3, "ECONOMIE/c");
    tu_rmtree(tmp);
    free(tmp);
}

/* A source or a tag longer than a term (over 240 bytes with its prefix:
 * the term is a head of it and a hash, gz_make_term) is found by its
 * filter both as the article writes it and as the facet shows it. The
 * indexer keeps the first 255 bytes of a source (cut back to a whole
 * character): source: cuts a longer value so too, as it found nothing
 * given the source as written. */
static void test_long_filter_values(void **state)
{
    (void)state;
    char *tmp = tu_mkdtemp("long");
    char root[4200], db[4200];
    snprintf(root, sizeof root, "%s/corpus", tmp);
    snprintf(db, sizeof db, "%s/index", tmp);
    /* 300 bytes each; the source's 255th byte is inside an "é" */
    char source[301], tag[301], text[1024];
    memcpy(source, "Long Source ", 12);
    for (size_t i = 12; i + 1 < 300; i += 2)
        memcpy(source + i, "\xC3\xA9", 2);
    source[300] = '\0';
    snprintf(tag, sizeof tag, "Long Tag %0291d", 7);
    snprintf(text, sizeof text, "Source: %s\nTags: %s, short\n\n"
             "Wombat census\nThe wombat count rose.\n", source, tag);
    tu_write_file(root, "w/long.txt", text, strlen(text));
    for (int jobs = 1; jobs <= 2; jobs++) {
        snprintf(db, sizeof db, "%s/index-j%d", tmp, jobs);
        assert_int_equal(tu_run("'%s' --quiet -j%d --db '%s' '%s'",
                                tu_binary("indexer/gazette-index"), jobs, db,
                                root), 0);
        char q[1024];
        snprintf(q, sizeof q, "source:\"%s\"", source);
        expect_found(db, q, 1, "w/long.txt");
        snprintf(q, sizeof q, "wombat source:\"%s\"", source);
        expect_found(db, q, 1, "w/long.txt");
        snprintf(q, sizeof q, "tag:\"%s\"", tag);
        expect_found(db, q, 1, "w/long.txt");
        /* the hit's source, and each facet value, given to its filter */
        gazette_index_t *index = NULL;
        gazette_search_options_t *opts = NULL;
        gazette_results_t *r = NULL;
        assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_search_options_new(&opts),
                         GAZETTE_STATUS_OK);
        gazette_search_options_add_facet(opts, GAZETTE_FACET_SOURCE);
        gazette_search_options_add_facet(opts, GAZETTE_FACET_TAG);
        assert_int_equal(gazette_search(index, "wombat", opts, &r),
                         GAZETTE_STATUS_OK);
        assert_int_equal(gazette_results_count(r), 1);
        const char *shown = gazette_hit_source(gazette_results_hit(r, 0));
        assert_true(strlen(shown) <= 255 && strlen(shown) >= 250);
        snprintf(q, sizeof q, "source:\"%s\"", shown);
        expect_found(db, q, 1, "w/long.txt");
        const gazette_facet_t facets[] = {GAZETTE_FACET_SOURCE,
                                          GAZETTE_FACET_TAG};
        for (size_t f = 0; f < 2; f++) {
            size_t n = gazette_results_facet_count(r, facets[f]);
            assert_int_equal(n, f ? 2 : 1);
            for (size_t i = 0; i < n; i++) {
                const char *value = NULL;
                uint64_t count = 0;
                assert_int_equal(gazette_results_facet_value(
                                     r, facets[f], i, &value, &count),
                                 GAZETTE_STATUS_OK);
                snprintf(q, sizeof q, "%s:\"%s\"", f ? "tag" : "source",
                         value);
                expect_found(db, q, 1, "w/long.txt");
            }
        }
        gazette_results_free(r);
        gazette_search_options_free(opts);
        gazette_index_close(index);
    }
    tu_rmtree(tmp);
    free(tmp);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The ids `query` finds on `db` (every word required when `all`),
 * sorted, one space between: a new string. */
static char *ids_found(const char *db, const char *query, int all)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    gazette_search_options_set_match_all(opts, all);
    if (gazette_search(index, query, opts, &r) != GAZETTE_STATUS_OK)
        fail_msg("%s: '%s': %s", db, query, gazette_index_error(index));
    size_t n = gazette_results_count(r);
    const char **ids = calloc(n + 1, sizeof *ids);
    assert_non_null(ids);
    size_t len = 1;
    for (size_t i = 0; i < n; i++) {
        ids[i] = gazette_hit_id(gazette_results_hit(r, i));
        len += strlen(ids[i]) + 1;
    }
    qsort(ids, n, sizeof *ids, cmp_str);
    char *out = malloc(len);
    assert_non_null(out);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(out, " ");
        strcat(out, ids[i]);
    }
    free(ids);
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
    return out;
}

/* `query` on `db` finds exactly `want` (ids sorted, a space between). */
static void expect_ids(const char *db, const char *query, int all,
                       const char *want)
{
    char *got = ids_found(db, query, all);
    if (strcmp(got, want) != 0)
        fail_msg("'%s': found \"%s\", want \"%s\"", query, got, want);
    free(got);
}

/* A small corpus and its index in a temporary directory, for a test
 * that writes its own articles: root, db and out (a file for a program's
 * output) below tmp. */
typedef struct small_index {
    char *tmp;
    char root[4200], db[4200], out[4300];
} small_index;

static void small_index_start(small_index *x, const char *name)
{
    x->tmp = tu_mkdtemp(name);
    snprintf(x->root, sizeof x->root, "%s/corpus", x->tmp);
    snprintf(x->db, sizeof x->db, "%s/index", x->tmp);
    snprintf(x->out, sizeof x->out, "%s/out.txt", x->tmp);
}

/* Index x->root (written by the test) into x->db. */
static void small_index_build(const small_index *x)
{
    assert_int_equal(tu_run("'%s' --quiet --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), x->db,
                            x->root), 0);
}

static void small_index_end(small_index *x)
{
    tu_rmtree(x->tmp);
    free(x->tmp);
}

/* The words of a field's group keep the field, those in capitals too:
 * "title:(WHO outbreak)" is "title:WHO title:outbreak" (the plain word
 * in the title), not the acronym WHO anywhere and outbreak in the title.
 * Before, the group's word in capitals was rewritten "upper:WHO" (or
 * "caps:NASA"), which Xapian searched in the whole article. */
static void test_field_group_capitals(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "group");
    const char *root = x.root, *db = x.db;
    static const struct {
        const char *name, *text;
    } files[] = {
        {"w/who-title.txt", "WHO alert on outbreak\n\n"
                            "The agency said an outbreak spread.\n"},
        {"w/who-body.txt", "Outbreak report\n\n"
                           "Doctors from the WHO met on Monday.\n"},
        {"w/who-lower.txt", "Who won the outbreak quiz\n\n"
                            "A quiz about the flu season.\n"},
        {"w/nasa-title.txt", "NASA launch today\n\n"
                             "The agency said the rocket would fly.\n"},
        {"w/nasa-body.txt", "Launch delayed\n\n"
                            "Engineers at NASA said it slipped.\n"},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        tu_write_file(root, files[i].name, files[i].text,
                      strlen(files[i].text));
    small_index_build(&x);
    static const char who[] = "w/who-lower.txt w/who-title.txt";
    expect_ids(db, "title:WHO title:outbreak", 1, who);
    expect_ids(db, "title:(WHO outbreak)", 1, who);
    expect_ids(db, "title:(outbreak WHO)", 1, who);
    expect_ids(db, "+title:(WHO outbreak)", 1, who);
    expect_ids(db, "title:(WHO (outbreak OR flu))", 1, who);
    expect_ids(db, "title:(NASA launch)", 1, "w/nasa-title.txt");
    expect_ids(db, "-title:(NASA) launch", 1, "w/nasa-body.txt");
    /* Outside the group a word in capitals is the acronym still. */
    expect_ids(db, "WHO title:(outbreak)", 1,
               "w/who-body.txt w/who-title.txt");
    expect_ids(db, "title:(outbreak) WHO", 1,
               "w/who-body.txt w/who-title.txt");
    small_index_end(&x);
}

/* A dotted acronym in a phrase or a text field's value is one word, as
 * in free text and as the indexer wrote it: '"U.S. and China agree"' (a
 * pasted headline) finds it; it was the phrase "u s and china agree",
 * which nothing has; 'title:U.S.' was the phrase "u s" in the title, and
 * 'title:(U.S. military)' lost U.S. in silence (the stopword "us" was
 * not kept, its field word read as "u" and "s"). */
static void test_dotted_acronym_in_phrase_and_field(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "dotted");
    static const struct {
        const char *name, *text;
    } files[] = {
        {"u/us-china.txt", "U.S. and China agree to talks\n\n"
                           "Officials of the U.S. government met in Geneva.\n"},
        {"u/us-military.txt", "U.S. military drill\n\n"
                              "Ships sailed at dawn.\n"},
        {"u/china-military.txt", "China military parade\n\n"
                                 "Tanks rolled through the square.\n"},
        {"u/join-us.txt", "Join us for lunch\n\n"
                          "The band played all afternoon.\n"},
        {"u/lower.txt", "Notes from the depot\n\n"
                        "Bring tools, e.g. this hammer, to the 9 a.m. "
                        "meeting.\n"},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        tu_write_file(x.root, files[i].name, files[i].text,
                      strlen(files[i].text));
    small_index_build(&x);
    const char *db = x.db;
    expect_ids(db, "\"U.S. and China agree\"", 0, "u/us-china.txt");
    expect_ids(db, "\"U.S. government\"", 0, "u/us-china.txt");
    /* letters in lower case are letters, as the indexer read them */
    expect_ids(db, "\"e.g. this hammer\"", 0, "u/lower.txt");
    expect_ids(db, "\"the 9 a.m. meeting\"", 0, "u/lower.txt");
    expect_ids(db, "title:(depot) \"a.m. meeting\"", 1, "u/lower.txt");
    expect_ids(db, "\"U.S government met\"", 0, "u/us-china.txt");
    expect_ids(db, "\"U.S. AND CHINA AGREE\"", 0, "u/us-china.txt");
    expect_ids(db, "\xE2\x80\x9CU.S. and China agree\xE2\x80\x9D", 0,
               "u/us-china.txt");
    expect_ids(db, "title:\"U.S. and China\"", 0, "u/us-china.txt");
    /* in a field the plain word of the title, as title:US is */
    expect_ids(db, "title:U.S.", 0,
               "u/join-us.txt u/us-china.txt u/us-military.txt");
    expect_ids(db, "title:U.S. title:military", 1, "u/us-military.txt");
    expect_ids(db, "title:(U.S. military)", 1, "u/us-military.txt");
    expect_ids(db, "title:(military U.S.)", 1, "u/us-military.txt");
    /* with a sign too: "+U.S." was the phrase "u s" */
    expect_ids(db, "title:(+U.S. +military)", 0, "u/us-military.txt");
    expect_ids(db, "title:(-U.S. military)", 0, "u/china-military.txt");
    expect_ids(db, "+u.s. +government", 0, "u/us-china.txt");
    /* a dotted word that is no acronym stays words */
    expect_ids(db, "\"Geneva.\"", 0, "u/us-china.txt");
    small_index_end(&x);
}

/* A group of a capitals field holding more than words: Xapian 1.4 reads
 * "caps:(a b)" word by word through the field's processor and gets no
 * query for a phrase (quoted, or made by "said:it", "a_-b"), NEAR, ADJ,
 * a range or another field's word, which it dropped in silence
 * ("caps:(nasa \"said it\")" searched caps:nasa) or, under a '+',
 * dereferenced: the process died (SIGSEGV; fuzz_query, 2026-12-03; the
 * field found after any punctuation, ",caps:("). Such a group is refused
 * in one line, 64 in the CLI; groups of words still search. */
static void test_capitals_group_with_phrase_refused(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "capsgroup");
    static const char nasa[] = "NASA launch today\n\n"
                               "Engineers at NASA said it slipped.\n";
    tu_write_file(x.root, "w/nasa.txt", nasa, strlen(nasa));
    small_index_build(&x);
    static const char *const refused[] = {
        "caps:(+NASA +said:it)", "upper:(+NASA +\"said it\")",
        "caps:(NASA \"said it\")", "caps:(+NASA +said NEAR it)",
        "x upper:(a (b c-d))", "caps:(-a -b/c)",
        "caps:(+NASA +1.a)", ",caps:(+g +s:l)", "\"x\"caps:(+g +s:l)",
        "\xE2\x80\x94" "caps:(+g +s:l)", "caps:(+g +s_-l)", "caps:(+g +a--b)",
        "caps:(+g +a_@_b)", "upper:(+g +\"a\")",
        "caps:(+g +\xE2\x80\x9C" "a\xE2\x80\x9D)", "caps:(+ai +title:nasa)",
    };
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(x.db, &index), GAZETTE_STATUS_OK);
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        gazette_results_t *r = NULL;
        gazette_status_t st = gazette_search(index, refused[i], NULL, &r);
        const char *field = strstr(refused[i], "upper:") ? "upper" : "caps";
        char want[512];
        snprintf(want, sizeof want, "cannot understand the query: the group "
                 "%s:(...) can hold only words of letters and digits, joined "
                 "by spaces, AND, OR, NOT or XOR (no phrase, NEAR, ADJ, range "
                 "or other field); put the rest outside the group, or %s: "
                 "before each word", field, field);
        if (st != GAZETTE_STATUS_QUERY_SYNTAX ||
            strcmp(gazette_index_error(index), want) != 0)
            fail_msg("'%s': status %d, '%s'", refused[i], (int)st,
                     gazette_index_error(index));
        assert_null(r);
    }
    /* a value, not a group, read as a phrase: the same death under '+' */
    static const char *const values[] = {
        "r:ca(+g +ps:(+g +caps:zs:l", "+g +caps:\"a b\"", "+g +caps:a-b",
        "+g +(caps:a-b)", "+g +upper:a:b", "+g +caps:a@b"};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        gazette_results_t *r = NULL;
        gazette_status_t st = gazette_search(index, values[i], NULL, &r);
        const char *field = strstr(values[i], "upper:") ? "upper" : "caps";
        char want[512];
        snprintf(want, sizeof want, "cannot understand the query: the value "
                 "of %s: can be only a word of letters and digits (no "
                 "phrase, hyphen or other punctuation); search such text "
                 "without %s:", field, field);
        if (st != GAZETTE_STATUS_QUERY_SYNTAX ||
            strcmp(gazette_index_error(index), want) != 0)
            fail_msg("'%s': status %d, '%s'", values[i], (int)st,
                     gazette_index_error(index));
        assert_null(r);
    }
    static const char *const searched[] = {"caps:(+NASA +engineers +1.5)",
                                           "upper:(NASA OR UN)",
                                           "caps:(o'brien (a AND b))",
                                           "CAPS:(+NASA +U.S.)",
                                           "title:(+NASA +\"launch today\")"};
    for (size_t i = 0; i < sizeof searched / sizeof *searched; i++) {
        gazette_results_t *r = NULL;
        if (gazette_search(index, searched[i], NULL, &r) != GAZETTE_STATUS_OK)
            fail_msg("'%s': %s", searched[i], gazette_index_error(index));
        gazette_results_free(r);
    }
    gazette_index_close(index);
    assert_int_equal(tu_run("'%s' --db '%s' 'caps:(+NASA +said:it)' "
                            ">/dev/null 2>'%s'",
                            tu_binary("query/cli/gazette-query"), x.db, x.out),
                     64);
    small_index_end(&x);
}

/* Words of caps: and upper: joined by NEAR or ADJ, as Xapian's grammar
 * joins them however they are spelt ("+g +caps:a NEAR caps:b", inside
 * another field's group, with "-" or every word required): Xapian 1.4
 * builds no query for them and dereferenced it under a sign (SIGSEGV),
 * or dropped them in silence. Refused in one line; the same words joined
 * by AND or OR, or NEAR beside plain words, are searched. */
static void test_capitals_words_joined_refused(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "capsnear");
    static const char nasa[] = "NASA launch today\n\n"
                               "Engineers at NASA and ESA said it slipped.\n";
    tu_write_file(x.root, "w/nasa.txt", nasa, strlen(nasa));
    small_index_build(&x);
    static const struct {
        const char *q;
        int all;   /* every word required (gazette-query -a) */
    } refused[] = {
        {"+g +caps:a NEAR caps:b", 0},
        {"+NASA +caps:NASA ADJ upper:ESA", 0},
        {"+g +caps:a NEAR/3 caps:b", 0},
        {"g -x -caps:a NEAR caps:b", 0},
        {"g +caps:a ADJ/2 caps:b", 1},
        {"+g +(caps:a NEAR caps:b)", 0},
        {"x title:(caps:a NEAR caps:b)", 0},
        {"launch caps:NASA NEAR caps:ESA", 0},
        {"caps:NASA NEAR upper:ESA", 1},
    };
    char want[512];
    snprintf(want, sizeof want, "cannot understand the query: words of "
             "upper: or caps: cannot be joined by NEAR or ADJ or into a "
             "phrase; join them with AND or OR, or search the words without "
             "the field");
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(x.db, &index), GAZETTE_STATUS_OK);
    gazette_search_options_t *all = NULL;
    assert_int_equal(gazette_search_options_new(&all), GAZETTE_STATUS_OK);
    gazette_search_options_set_match_all(all, 1);
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        gazette_results_t *r = NULL;
        gazette_status_t st = gazette_search(
            index, refused[i].q, refused[i].all ? all : NULL, &r);
        if (st != GAZETTE_STATUS_QUERY_SYNTAX ||
            strcmp(gazette_index_error(index), want) != 0)
            fail_msg("'%s': status %d, '%s'", refused[i].q, (int)st,
                     gazette_index_error(index));
        assert_null(r);
    }
    /* a syntax error after the words: Xapian met the null query first;
     * and a grammar failure ('"x" NEAR y'), after which Xapian reads
     * plain words, where the words are no window any more */
    static const char *const failing[] = {
        "+g +caps:a NEAR caps:b AND", "+g +caps:a NEAR caps:b \"x\" NEAR y"};
    gazette_results_t *r = NULL;
    for (size_t i = 0; i < sizeof failing / sizeof *failing; i++) {
        assert_int_equal(gazette_search(index, failing[i], NULL, &r),
                         GAZETTE_STATUS_QUERY_SYNTAX);
        assert_null(r);
    }
    static const char *const searched[] = {
        "caps:NASA OR caps:ESA", "+NASA +caps:NASA +upper:ESA",
        "caps:NASA AND upper:ESA", "engineers NEAR NASA",
        "+launch +NASA ADJ ESA",
        "title:(NASA NEAR launch)"};
    for (size_t i = 0; i < sizeof searched / sizeof *searched; i++) {
        r = NULL;
        if (gazette_search(index, searched[i], all, &r) != GAZETTE_STATUS_OK)
            fail_msg("'%s': %s", searched[i], gazette_index_error(index));
        if (gazette_results_count(r) != 1)
            fail_msg("'%s': %zu hits", searched[i], gazette_results_count(r));
        gazette_results_free(r);
    }
    gazette_search_options_free(all);
    gazette_index_close(index);
    assert_int_equal(tu_run("'%s' --db '%s' '+g +caps:a NEAR caps:b' "
                            ">/dev/null 2>'%s'",
                            tu_binary("query/cli/gazette-query"), x.db, x.out),
                     64);
    small_index_end(&x);
}

/* A wildcard of caps: or upper: ("caps:NAS*", in a group too, where the
 * docs had allowed it): Xapian 1.4 expands it over the field's prefixes,
 * which a field with a processor has none of, so it matched nothing: the
 * group's other words were searched without it in silence, and beside a
 * '+' the query had "nothing to search for (a wildcard needs letters
 * before '*')". Refused in one line; the wildcard without the field and
 * the whole word with it are searched. */
static void test_capitals_wildcard_refused(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "capsstar");
    static const char nasa[] = "NASA launch today\n\n"
                               "Engineers at NASA and ESA said it slipped.\n";
    tu_write_file(x.root, "w/nasa.txt", nasa, strlen(nasa));
    small_index_build(&x);
    static const char *const refused[] = {
        "caps:NAS*", "+launch +caps:NAS*", "caps:(NAS* OR ESA)",
        "upper:(+ES* +NASA)", "title:(caps:NAS*)"};
    const char *want = "cannot understand the query: a word of upper: or "
                       "caps: cannot end in a wildcard '*'; search the "
                       "whole word, or the wildcard without the field";
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(x.db, &index), GAZETTE_STATUS_OK);
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        gazette_results_t *r = NULL;
        gazette_status_t st = gazette_search(index, refused[i], NULL, &r);
        if (st != GAZETTE_STATUS_QUERY_SYNTAX ||
            strcmp(gazette_index_error(index), want) != 0)
            fail_msg("'%s': status %d, '%s'", refused[i], (int)st,
                     gazette_index_error(index));
        assert_null(r);
    }
    static const char *const searched[] = {"NAS*", "+launch +NAS*",
                                           "caps:(NASA OR ESA)"};
    for (size_t i = 0; i < sizeof searched / sizeof *searched; i++) {
        gazette_results_t *r = NULL;
        if (gazette_search(index, searched[i], NULL, &r) != GAZETTE_STATUS_OK)
            fail_msg("'%s': %s", searched[i], gazette_index_error(index));
        if (gazette_results_count(r) != 1)
            fail_msg("'%s': %zu hits", searched[i], gazette_results_count(r));
        gazette_results_free(r);
    }
    gazette_index_close(index);
    small_index_end(&x);
}

/* A filter field's group matches any of its values: "source:(a OR b)"
 * and "tag:(a b)" are source:a or source:b, tag:a or tag:b, wherever
 * they stand (Xapian's parser took the first value for the filter and
 * searched the others as words: no hits, exit 0). A group with other
 * operators or nesting is refused in one line, exit 64. */
static void test_filter_groups(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "fgroup");
    const char *root = x.root, *db = x.db, *out = x.out;
    static const struct {
        const char *name, *text;
    } files[] = {
        {"a/one.md", "---\ntitle: One\ndate: 2023-05-01\n"
                     "tags: [red, blue]\n---\n\nCeasefire talks resumed.\n"},
        {"b/two.md", "---\ntitle: Two\ndate: 2024-02-01\n"
                     "tags: [green]\n---\n\nCeasefire vote delayed.\n"},
        {"c/three.md", "---\ntitle: Three\ndate: 2022-01-01\n"
                       "tags: [red]\n---\n\nCeasefire plan drafted.\n"},
        {"c/four.md", "---\ntitle: Four\ndate: 2024-03-01\n"
                      "tags: [yellow]\n---\n\nA quiet day in town.\n"},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        tu_write_file(root, files[i].name, files[i].text,
                      strlen(files[i].text));
    small_index_build(&x);
    static const struct {
        const char *query, *want;
    } cases[] = {
        {"source:(a OR b)", "a/one.md b/two.md"},
        {"source:(a b)", "a/one.md b/two.md"},
        {"source:(a)", "a/one.md"},
        {"SOURCE:( a  OR  \"b\" )", "a/one.md b/two.md"},
        {"ceasefire -source:(a b)", "c/three.md"},
        {"-source:(a OR b)", "c/four.md c/three.md"},
        {"ceasefire NOT source:(a b)", "c/three.md"},
        {"(ceasefire source:(a c))", "a/one.md c/three.md"},
        {"source:(a b) ceasefire", "a/one.md b/two.md"},
        {"tag:(blue green)) ceasefire", "a/one.md b/two.md"},
        /* tag: holds several values an article: tag:a tag:b is both,
         * the group either */
        {"tag:(blue OR green)", "a/one.md b/two.md"},
        {"tag:(blue green) ceasefire", "a/one.md b/two.md"},
        {"+tag:(blue green) ceasefire", "a/one.md b/two.md"},
        {"tag:(\"red\" OR green)", "a/one.md b/two.md c/three.md"},
        {"-tag:(red green)", "c/four.md"},
        {"ceasefire NOT tag:(red green)", ""},
        {"ceasefire AND tag:(blue green)", "a/one.md b/two.md"},
        {"tag:(red blue) source:c", "c/three.md"},
        {"tag:(red) tag:(blue)", "a/one.md"},
        {"year:(2023 OR 2024) ceasefire", "a/one.md b/two.md"},
        {"date:(2022 OR 2024-02)", "b/two.md c/three.md"},
        /* beside an operator a group filters as one value does (it was
         * an alternative to the words: every article of a or c) */
        {"ceasefire source:(a c) NOT drafted", "a/one.md"},
        {"ceasefire source:a source:c NOT drafted", "a/one.md"},
        {"ceasefire AND source:(a c)", "a/one.md c/three.md"},
        {"ceasefire AND -source:(a c)", "b/two.md"},
        {"ceasefire AND +source:(a c)", "a/one.md c/three.md"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        expect_ids(db, cases[i].query, 0, cases[i].want);
    static const char *const refused[] = {
        "tag:(red AND blue)", "source:(a NOT b)", "source:((a))",
        "tag:(red OR)", "tag:(OR red)", "source:(tag:red)",
        "source:(a -b)", "tag:(red NEAR blue)", "(ceasefire tag:(red green))",
        "year:(2023 OR 24)"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        gazette_index_t *index = NULL;
        gazette_search_options_t *opts = NULL;
        gazette_results_t *r = NULL;
        assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_search_options_new(&opts),
                         GAZETTE_STATUS_OK);
        if (gazette_search(index, refused[i], opts, &r) !=
            GAZETTE_STATUS_QUERY_SYNTAX)
            fail_msg("'%s' not refused", refused[i]);
        assert_null(r);
        gazette_search_options_free(opts);
        gazette_index_close(index);
        assert_int_equal(tu_run("'%s' --db '%s' '%s' >/dev/null 2>'%s'",
                                tu_binary("query/cli/gazette-query"), db,
                                refused[i], out), 64);
        size_t len;
        char *text = read_all(out, &len);
        assert_int_equal(count_lines(text), 1);
        free(text);
    }
    /* The program, as the audit ran it. */
    assert_int_equal(tu_run("'%s' --db '%s' 'source:(a OR b)' >'%s'",
                            tu_binary("query/cli/gazette-query"), db, out),
                     0);
    size_t len;
    char *text = read_all(out, &len);
    assert_non_null(strstr(text, "a/one.md"));
    assert_non_null(strstr(text, "b/two.md"));
    free(text);
    small_index_end(&x);
}

/* An id with a space or a parenthesis is searched in quotes, and one
 * with a double quote in quotes with the quote doubled (Xapian's escape),
 * as the help, the man page, docs/search.md and docs/json.md say: alone,
 * in a group, from the program. A value that starts with a doubled quote
 * (id:"""lead.txt") was taken for an empty value and dropped. */
static void test_id_quoting(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "idquote");
    const char *root = x.root, *db = x.db, *out = x.out;
    static const char *const names[] = {"s/quo\"te.txt", "s/a b.txt",
                                        "s/x)y.txt", "s/x(y.txt",
                                        "\"lead.txt", "s/plain.txt"};
    static const char *const bodies[] = {"lions", "tigers", "bears",
                                         "wolves", "foxes", "owls"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char text[128];   /* texts differ: copies would be collapsed */
        int n = snprintf(text, sizeof text, "A title\n\nA zebra met %s.\n",
                         bodies[i]);
        tu_write_file(root, names[i], text, (size_t)n);
    }
    small_index_build(&x);
    static const struct {
        const char *query, *want;
    } cases[] = {
        {"id:\"s/quo\"\"te.txt\"", "s/quo\"te.txt"},
        {"id:\"s/a b.txt\"", "s/a b.txt"},
        {"id:\"s/x)y.txt\"", "s/x)y.txt"},
        {"id:\"s/x(y.txt\"", "s/x(y.txt"},
        {"id:s/x(y.txt", "s/x(y.txt"},
        {"id:\"\"\"lead.txt\"", "\"lead.txt"},
        {"zebra -id:\"s/quo\"\"te.txt\" -id:\"\"\"lead.txt\"",
         "s/a b.txt s/plain.txt s/x(y.txt s/x)y.txt"},
        {"id:(\"s/quo\"\"te.txt\" OR \"s/a b.txt\")",
         "s/a b.txt s/quo\"te.txt"},
        {"id:(\"\"\"lead.txt\" s/plain.txt)", "\"lead.txt s/plain.txt"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        expect_ids(db, cases[i].query, 0, cases[i].want);
    assert_int_equal(tu_run("'%s' --db '%s' --format paths "
                            "'id:\"s/quo\"\"te.txt\" OR id:\"s/a b.txt\"' "
                            ">'%s'", tu_binary("query/cli/gazette-query"),
                            db, out), 0);
    size_t len;
    char *got = read_all(out, &len);
    assert_string_equal(got, "s/a b.txt\ns/quo\"te.txt\n");
    free(got);
    small_index_end(&x);
}

/* Identical articles are shown once; --duplicates shows every copy. */
static void test_duplicates(void **state)
{
    (void)state;
    const corpus *c = &fx.gen;
    /* Byte-identical pairs, found by hashing the files here. */
    size_t pairs = 0, checked = 0;
    for (size_t i = 0; i < c->n; i++)
        for (size_t j = i + 1; j < c->n; j++) {
            if (c->docs[i].file_hash != c->docs[j].file_hash)
                continue;
            pairs++;
            if (checked >= 8)
                continue;
            checked++;
            char q[600];
            snprintf(q, sizeof q, "id:%s id:%s", c->docs[i].id, c->docs[j].id);
            query_opts once = {0}, every = {.duplicates = 1};
            gazette_results_t *r = search(c, q, &once);
            assert_int_equal(gazette_results_count(r), 1);
            assert_int_equal(gazette_hit_duplicates(gazette_results_hit(r, 0)),
                             1);
            gazette_results_free(r);
            r = search(c, q, &every);
            assert_int_equal(gazette_results_count(r), 2);
            gazette_results_free(r);
        }
    /* As many files are exact duplicates of another as the generator
     * wrote byte copies. */
    size_t dup_files = 0;
    for (size_t i = 0; i < c->n; i++) {
        int earlier = 0;
        for (size_t j = 0; j < i && !earlier; j++)
            earlier = c->docs[j].file_hash == c->docs[i].file_hash;
        dup_files += earlier;
    }
    assert_true(dup_files > 0);
    assert_int_equal(dup_files, gen_corpus_count_copies(fx.manifest));
    assert_true(pairs >= dup_files);
    /* source:sport: shown once per distinct normalised body (letters and
     * digits, case folded) unless --duplicates. The manifest says how
     * many: every byte or near copy of a sport article is one less. */
    const gen_corpus *g = fx.manifest;
    size_t sport_files = gen_corpus_count_source(g, "sport"), copies = 0;
    for (size_t i = 0; i < g->n; i++)
        copies += strcmp(g->files[i].source, "sport") == 0 &&
                  (g->files[i].copy_of >= 0 || g->files[i].near_copy_of >= 0);
    assert_true(copies > 0);
    docset sport;
    memset(&sport, 0, sizeof sport);
    size_t distinct = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (strcasecmp(c->docs[i].source, "sport") != 0)
            continue;
        sport.in[i] = 1;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = sport.in[j] && c->docs[j].body_hash == c->docs[i].body_hash;
        distinct += !seen;
    }
    assert_int_equal(set_size(c, &sport), sport_files);
    assert_int_equal(distinct, sport_files - copies);
    expect_hits(c, "source:sport", NULL, sport);
    query_opts once = {0};
    gazette_results_t *r = search(c, "source:sport", &once);
    assert_int_equal(gazette_results_count(r), distinct);
    gazette_results_free(r);
    /* Facet counts agree with the hits: duplicates counted once, unless
     * they are shown. */
    query_opts counted = {0}, all = {.duplicates = 1};
    counted.facets[GAZETTE_FACET_SOURCE] = all.facets[GAZETTE_FACET_SOURCE] = 1;
    const char *value;
    uint64_t count;
    r = search(c, "source:sport", &counted);
    assert_int_equal(gazette_results_facet_count(r, GAZETTE_FACET_SOURCE), 1);
    gazette_results_facet_value(r, GAZETTE_FACET_SOURCE, 0, &value, &count);
    assert_string_equal(value, "sport");
    assert_int_equal(count, distinct);
    gazette_results_free(r);
    r = search(c, "source:sport", &all);
    gazette_results_facet_value(r, GAZETTE_FACET_SOURCE, 0, &value, &count);
    assert_int_equal(count, sport_files);
    gazette_results_free(r);
}

/* ------------------------------------------------------ near-duplicates */

/* Paragraphs of two reports on the same storm: the first is shared. */
static const char port_shared[] =
    "Storm Ciara closed the port of Dover for most of Sunday as gusts of "
    "more than ninety miles an hour swept the Channel, the harbour board "
    "said, and ferries to Calais were held at their berths until the wind "
    "eased late in the evening.\n\n";
static const char port_a[] =
    "Lorries queued for eleven miles on the motorway into Kent, and police "
    "opened an emergency lorry park near Ashford where drivers slept in "
    "their cabs. The board said the backlog would take two days to clear "
    "once sailings resumed.\n\n"
    "Engineers inspected the breakwater at first light and found a section "
    "of the eastern arm damaged by waves, though the main berths were "
    "sound. Repairs are expected to cost several million pounds.\n\n"
    "Forecasters warned that a second band of rain would reach the south "
    "coast on Tuesday, with flood alerts in place along the rivers of "
    "Sussex and Hampshire.\n";
static const char port_b[] =
    "At the airport in Gatwick more than a hundred flights were cancelled, "
    "and passengers bound for Spain and Portugal were told to rebook. An "
    "easyJet spokesman apologised for the disruption and blamed the "
    "crosswinds on the single runway.\n\n"
    "In Wales a man in his fifties died when a tree fell on his car near "
    "Llandeilo, and thousands of homes in Cornwall lost power overnight as "
    "lines came down across the county.\n\n"
    "The railway between Exeter and Plymouth was shut after the sea wall at "
    "Dawlish was battered again, and Network Rail said buses would replace "
    "trains until the track had been checked.\n";

/* Write `name` under `root`: a title line, a blank line, then `body`. */
static void write_article(const char *root, const char *name,
                          const char *title, const char *body)
{
    size_t n = strlen(title) + strlen(body) + 3;
    char *text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "%s\n\n%s", title, body);
    tu_write_file(root, name, text, strlen(text));
    free(text);
}

/* The hits of `query` on `db` with duplicates collapsed (`collapse`) or
 * not, from `offset`, at most `limit`; *dups gets the duplicates count of
 * each hit, *n their number. A new array of ids (each a new string). */
static char **page_ids(const char *db, const char *query, int collapse,
                       uint32_t offset, uint32_t limit, uint32_t **dups,
                       size_t *n)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(opts, offset, limit),
                     GAZETTE_STATUS_OK);
    gazette_search_options_set_collapse_duplicates(opts, collapse);
    if (gazette_search(index, query, opts, &r) != GAZETTE_STATUS_OK)
        fail_msg("%s: '%s': %s", db, query, gazette_index_error(index));
    *n = gazette_results_count(r);
    char **ids = calloc(*n + 1, sizeof *ids);
    uint32_t *d = calloc(*n + 1, sizeof *d);
    assert_non_null(ids);
    assert_non_null(d);
    for (size_t i = 0; i < *n; i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        ids[i] = strdup(gazette_hit_id(h));
        d[i] = gazette_hit_duplicates(h);
        assert_int_equal(gazette_hit_rank(h), offset + i + 1);
    }
    if (dups)
        *dups = d;
    else
        free(d);
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
    return ids;
}

/* The match count's bounds of a page of `limit` hits of `query` from the
 * first, near-duplicates collapsed, with the source facet or without. */
static void page_bounds(const char *db, const char *query, uint32_t limit,
                        int facet, uint64_t *lower, uint64_t *upper)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_range(opts, 0, limit),
                     GAZETTE_STATUS_OK);
    if (facet)
        assert_int_equal(gazette_search_options_add_facet(
                             opts, GAZETTE_FACET_SOURCE),
                         GAZETTE_STATUS_OK);
    if (gazette_search(index, query, opts, &r) != GAZETTE_STATUS_OK)
        fail_msg("%s: '%s': %s", db, query, gazette_index_error(index));
    gazette_results_estimate(r, lower, NULL, upper);
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
}

static void free_ids(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

/* The hits the whole list of `query` on `c` shows (identical and near
 * copies left out unless qo->duplicates): what an exact count says. */
static uint64_t listed(const corpus *c, const char *query,
                       const query_opts *qo)
{
    gazette_results_t *r = search(c, query, qo);
    uint64_t n = gazette_results_count(r);
    gazette_results_free(r);
    return n;
}

/* The first line of file `path` is `want`. */
static void assert_file_first_line(const char *path, const char *want)
{
    char line[4096] = "";
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    assert_string_equal(line, want);
}

/* The count of a page of `limit` hits of `query` on `c` is `want`, exact
 * (all three figures equal). */
static void count_is(const corpus *c, const char *query, const query_opts *qo,
                     uint32_t limit, uint64_t want)
{
    gazette_results_t *r = NULL;
    char err[1024];
    if (run_query(c, query, qo, limit, &r, err, sizeof err) !=
        GAZETTE_STATUS_OK)
        fail_msg("search '%s': %s", query, err);
    uint64_t lower = 0, est = 0, upper = 0;
    gazette_results_estimate(r, &lower, &est, &upper);
    if (lower != want || est != want || upper != want)
        fail_msg("'%s' -n %u: about %llu (%llu to %llu), the whole list "
                 "has %llu", query, limit, (unsigned long long)est,
                 (unsigned long long)lower, (unsigned long long)upper,
                 (unsigned long long)want);
    gazette_results_free(r);
}

/* A search that looks at every match (a date sort, filters alone)
 * counts exactly whatever its size, also when its page ends within a few
 * hits of the index's size: there the match kept fewer hits than it
 * would have looked at, skipped the fingerprints, and 320 matches at -n
 * 310 were "about 320 (310 to 320)". */
static void test_count_of_page_near_index_size(void **state)
{
    (void)state;
    static corpus c;   /* large: not on the stack */
    snprintf(c.root, sizeof c.root, "%s/near-size", fx.tmp);
    uint32_t seed = 2026;   /* words at random: no two near-duplicates */
    for (int i = 0; i < 320; i++) {
        char name[32], body[500], text[700];
        for (int w = 0; w < 60; w++) {
            body[w * 8] = ' ';
            for (int k = 1; k < 8; k++) {
                seed = seed * 1103515245u + 12345u;
                body[w * 8 + k] = (char)('a' + (seed >> 16) % 16);
            }
        }
        body[60 * 8] = '\0';
        snprintf(name, sizeof name, "desk/n%03d.txt", i);
        int len = snprintf(text, sizeof text,
                           "Title: Note %d\nDate: 2004-%02d-%02d\n\n"
                           "commonword%s\n",
                           i, 1 + i % 12, 1 + i % 28, body);
        tu_write_file(c.root, name, text, (size_t)len);
    }
    assert_int_equal(build_index(&c, "near-size"), 0);
    query_opts bydate = {.sort = GAZETTE_SORT_DATE};
    uint64_t all = listed(&c, "commonword", &bydate);
    assert_int_equal(all, 320);
    for (uint32_t limit = 300; limit <= 330; limit += 5) {
        count_is(&c, "commonword", &bydate, limit, all);
        count_is(&c, "source:desk", NULL, limit, all);
    }
}

/* A query of filters alone counts its matches exactly, with duplicates
 * collapsed too: Xapian estimated them from the few it looked at ("about
 * 30 matches (10 to 718)" for a date range of 104 articles), though the
 * search reads every match's date anyway. */
static void test_count_of_filters(void **state)
{
    (void)state;
    static const char *const queries[] = {
        "date:2004-01-01..2004-06-30", "source:sport", "year:2004",
        "year:2003 -source:sport", "source:sport year:2004"};
    query_opts copies = {.duplicates = 1};
    int collapsed = 0;
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        uint64_t all = listed(&fx.gen, queries[i], NULL);
        assert_true(all > 0);
        collapsed += listed(&fx.gen, queries[i], &copies) > all;
        count_is(&fx.gen, queries[i], NULL, 10, all);
        count_is(&fx.gen, queries[i], NULL, 0, all);
        count_is(&fx.gen, queries[i], &copies, 10,
                 listed(&fx.gen, queries[i], &copies));
    }
    assert_true(collapsed > 0);   /* the copies were there to collapse */
}

/* A ranked query of a few hundred matches (up to 300) counts them
 * exactly on its first page, and a page of none (-n 0, the count only)
 * counts exactly whatever the number: "minister" (250 articles, 239
 * once each) was "about 200 (10 to 250)", "said" (783) with -n 0 "about
 * 800 (100 to 821)". Above 300 a page's count stays an estimate between
 * bounds that hold the number, and says so. */
static void test_count_of_ranked(void **state)
{
    (void)state;
    uint64_t minister = listed(&fx.gen, "minister", NULL);
    assert_true(minister > 100 && minister <= 300);
    count_is(&fx.gen, "minister", NULL, 10, minister);
    count_is(&fx.gen, "minister", NULL, 0, minister);
    query_opts plain = {.no_feedback = 1};
    count_is(&fx.gen, "minister", &plain, 10, minister);
    uint64_t said = listed(&fx.gen, "said", NULL);
    assert_true(said > 300);
    count_is(&fx.gen, "said", NULL, 0, said);
    gazette_results_t *r = NULL;
    char err[1024];
    assert_int_equal(run_query(&fx.gen, "said", NULL, 10, &r, err,
                               sizeof err),
                     GAZETTE_STATUS_OK);
    uint64_t lower = 0, est = 0, upper = 0;
    gazette_results_estimate(r, &lower, &est, &upper);
    gazette_results_free(r);
    if (!(lower <= said && said <= upper && lower <= est && est <= upper &&
          lower < upper))
        fail_msg("'said' -n 10: %llu (%llu to %llu), the list has %llu",
                 (unsigned long long)est, (unsigned long long)lower,
                 (unsigned long long)upper, (unsigned long long)said);
    /* The wording: "about" with the bounds, the number alone when exact. */
    const char *q = tu_binary("query/cli/gazette-query");
    char want[256], out[4096];
    snprintf(out, sizeof out, "%s/count-line.txt", fx.tmp);
    snprintf(want, sizeof want,
             "Hits 1-10 of about %llu matches (%llu to %llu) for 'said'.",
             (unsigned long long)est, (unsigned long long)lower,
             (unsigned long long)upper);
    assert_int_equal(tu_run("'%s' --db '%s' said | head -n 1 > '%s'", q,
                            fx.gen.db, out), 0);
    assert_file_first_line(out, want);
    snprintf(want, sizeof want, "%llu matches; none at offset 0.",
             (unsigned long long)said);
    assert_int_equal(tu_run("'%s' --db '%s' -n 0 said > '%s'", q, fx.gen.db,
                            out), 0);
    assert_file_first_line(out, want);
}

/* A copy of an article with a few words added or changed (an appended
 * phrase, a changed byline, a corrected word) is shown once, counted in
 * the hit's duplicates; --duplicates (collapse off) shows both. Two
 * reports on the same storm sharing a quarter of their text are both
 * shown; short articles are collapsed only when identical. */
static void test_near_duplicates(void **state)
{
    (void)state;
    char *tmp = tu_mkdtemp("neardup");
    char root[4200], db[4200];
    snprintf(root, sizeof root, "%s/corpus", tmp);
    snprintf(db, sizeof db, "%s/index", tmp);
    size_t la = strlen(port_shared) + strlen(port_a) + 1;
    char *a = malloc(la + 200), *b = malloc(la + 200);
    assert_non_null(a);
    assert_non_null(b);
    snprintf(a, la, "%s%s", port_shared, port_a);
    write_article(root, "n/a.txt", "Storm closes Dover", a);
    /* Three words appended, as the audit saw. */
    snprintf(b, la + 200, "%s%s said on Tuesday.\n", port_shared, port_a);
    write_article(root, "n/a-appended.txt", "Storm closes Dover port", b);
    /* A byline added and one word corrected ("eleven" -> "twelve"). */
    snprintf(b, la + 200, "By Jane Smith, Reuters\n\n%s%s", port_shared,
             port_a);
    char *eleven = strstr(b, "eleven");
    assert_non_null(eleven);
    memcpy(eleven, "twelve", 6);
    write_article(root, "n/a-byline.txt", "Dover shut by storm", b);
    /* The same storm, another report: only the first paragraph shared. */
    snprintf(b, la + 200, "%s%s", port_shared, port_b);
    write_article(root, "n/b.txt", "Storm Ciara travel chaos", b);
    /* Short articles (under the fingerprint's minimum) differing by a
     * word, and an identical pair of them. */
    write_article(root, "s/one.txt", "Quay",
                  "The quay at Dover reopened after the storm on Sunday.\n");
    write_article(root, "s/two.txt", "Quay",
                  "The quay at Dover reopened after the storm on Monday.\n");
    write_article(root, "s/three.txt", "Quay",
                  "The quay at Dover reopened after the storm on Monday.\n");
    free(a);
    free(b);
    assert_int_equal(tu_run("'%s' --quiet --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, root), 0);
    uint32_t *dups = NULL;
    size_t n = 0;
    char **ids = page_ids(db, "ferries Calais", 1, 0, 10, &dups, &n);
    if (n != 2)
        fail_msg("'ferries Calais': %zu hits (%s, %s...), want 2: the "
                 "copies of n/a.txt shown once", n, ids[0],
                 n > 1 ? ids[1] : "");
    int a_first = strncmp(ids[0], "n/a", 3) == 0;
    const char *kept = ids[a_first ? 0 : 1], *other = ids[a_first ? 1 : 0];
    assert_true(strncmp(kept, "n/a", 3) == 0);
    assert_string_equal(other, "n/b.txt");
    assert_int_equal(dups[a_first ? 0 : 1], 2);
    assert_int_equal(dups[a_first ? 1 : 0], 0);
    free(dups);
    free_ids(ids, n);
    /* Every copy without collapsing. */
    ids = page_ids(db, "ferries Calais", 0, 0, 10, &dups, &n);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(dups[i], 0);
    free(dups);
    free_ids(ids, n);
    /* The exact count is an estimate once near-duplicates are left out;
     * here every match was looked at, so it is exact again. */
    {
        gazette_index_t *index = NULL;
        gazette_results_t *r = NULL;
        assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
        assert_int_equal(gazette_search(index, "ferries Calais", NULL, &r),
                         GAZETTE_STATUS_OK);
        uint64_t lower, estimate, upper;
        gazette_results_estimate(r, &lower, &estimate, &upper);
        assert_int_equal(estimate, 2);
        assert_true(lower <= estimate && estimate <= upper);
        gazette_results_free(r);
        gazette_index_close(index);
    }
    /* Short ones: the identical pair once, the other apart. */
    ids = page_ids(db, "quay", 1, 0, 10, &dups, &n);
    assert_int_equal(n, 2);
    assert_int_equal(dups[0] + dups[1], 1);
    free(dups);
    free_ids(ids, n);
    /* The text output says so. */
    assert_int_equal(tu_run("'%s' --db '%s' 'ferries Calais' | "
                            "grep -q 'and 2 duplicates'",
                            tu_binary("query/cli/gazette-query"), db), 0);
    assert_int_equal(tu_run("test \"$('%s' --db '%s' --duplicates --format "
                            "paths 'ferries Calais' | wc -l)\" -eq 4",
                            tu_binary("query/cli/gazette-query"), db), 0);
    tu_rmtree(tmp);
    free(tmp);
}

/* A seeded corpus of 40 articles, 8 of them with 2 or 3 near copies
 * (a word added, changed or dropped): pages of 3 by offset, put end to
 * end, are the one page of 30, no hit twice, and each group shows once. */
static void test_near_duplicates_paging(void **state)
{
    (void)state;
    static const char *const vocab[] = {
        "minister", "council", "budget", "river", "bridge", "school",
        "hospital", "election", "vote", "market", "price", "farmer",
        "harvest", "rail", "station", "airport", "flight", "police",
        "court", "judge", "trial", "witness", "museum", "painting",
        "concert", "festival", "team", "match", "goal", "season",
        "coach", "player", "factory", "worker", "strike", "union",
        "wage", "tax", "bank", "loan", "housing", "rent", "tenant",
        "village", "mayor", "road", "traffic", "storm", "flood",
        "rescue", "boat", "coast", "island", "ferry", "tourist",
        "hotel", "beach", "summer", "winter", "snow", "ice", "energy",
        "solar", "wind", "turbine", "grid", "price", "report", "study",
        "doctor", "nurse", "patient", "vaccine", "virus", "research",
        "scientist", "planet", "telescope", "orbit", "launch", "rocket",
    };
    const size_t nv = sizeof vocab / sizeof *vocab;
    char *tmp = tu_mkdtemp("neardup-pages");
    char root[4200], db[4200];
    snprintf(root, sizeof root, "%s/corpus", tmp);
    snprintf(db, sizeof db, "%s/index", tmp);
    uint64_t seed = 20240607;
#define NEXT() (seed = seed * 6364136223846793005ULL + 1442695040888963407ULL, \
                (size_t)(seed >> 33))
    size_t groups = 0, files = 0;
    for (int art = 0; art < 40; art++) {
        size_t words[400];
        size_t nw = 250 + NEXT() % 100;
        for (size_t w = 0; w < nw; w++)
            words[w] = NEXT() % nv;
        int copies = art % 5 == 0 ? 2 + (int)(NEXT() % 2) : 0;
        groups++;
        for (int c = 0; c <= copies; c++) {
            char body[16384] = "harbour ";
            size_t len = strlen(body);
            for (size_t w = 0; w < nw; w++) {
                /* Copy 2 has a word changed, copy 3 one dropped. */
                const char *word = vocab[words[w]];
                if (c == 2 && w == nw / 3)
                    word = "amended";
                if (c == 3 && w == nw / 2)
                    continue;
                len += (size_t)snprintf(body + len, sizeof body - len, "%s ",
                                        word);
            }
            /* Copy 1 has a word added at the end. */
            snprintf(body + len, sizeof body - len, "%s.\n",
                     c == 1 ? "updated" : "end");
            char name[64], title[64];
            snprintf(name, sizeof name, "g/a%02d-%d.txt", art, c);
            snprintf(title, sizeof title, "Article %d", art);
            write_article(root, name, title, body);
            files++;
        }
    }
#undef NEXT
    assert_true(files > groups + 10);
    assert_int_equal(tu_run("'%s' --quiet --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, root), 0);
    /* Ranked, and filters alone (sorted by date, undated: by path), whose
     * match looks at every match and keeps a few hits past the page. */
    static const char *const queries[] = {"harbour", "source:g"};
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
        const char *query = queries[q];
        size_t nall = 0;
        uint32_t *dups = NULL;
        char **all = page_ids(db, query, 1, 0, 30, &dups, &nall);
        assert_int_equal(nall, 30);
        for (size_t i = 0; i < nall; i++)
            for (size_t j = 0; j < i; j++)
                if (strcmp(all[i], all[j]) == 0)
                    fail_msg("%s shown twice", all[i]);
        free(dups);
        /* The whole: most copies hidden (a copy is compared with the shown
         * hits, not with the other copies, so two copies each a word away
         * from the original may both show), every file shown or counted
         * once in a hit's duplicates. */
        size_t nwhole = 0;
        char **whole = page_ids(db, query, 1, 0, 100, &dups, &nwhole);
        if (nwhole > groups + (files - groups) / 4)
            fail_msg("%zu hits for %zu articles in %zu groups", nwhole, files,
                     groups);
        size_t counted = 0;
        for (size_t i = 0; i < nwhole; i++)
            counted += 1 + dups[i];
        assert_int_equal(counted, files);
        free(dups);
        free_ids(whole, nwhole);
        /* Whatever the page, with a facet or not, the count's bounds hold the
         * number of hits the whole list shows: a page that ends before the
         * near-duplicates past it claimed Xapian's count, exact with a
         * facet. */
        for (uint32_t limit = 1; limit <= nwhole; limit += 4)
            for (int facet = 0; facet < 2; facet++) {
                uint64_t lower = 0, upper = 0;
                page_bounds(db, query, limit, facet, &lower, &upper);
                if (lower > nwhole || upper < nwhole)
                    fail_msg("%s limit %u%s: %llu to %llu matches, the list "
                             "has %zu", query, limit,
                             facet ? " with a facet" : "",
                             (unsigned long long)lower,
                             (unsigned long long)upper, nwhole);
            }
        for (uint32_t off = 0; off < 30; off += 3) {
            size_t n = 0;
            char **page = page_ids(db, query, 1, off, 3, NULL, &n);
            assert_int_equal(n, 3);
            for (size_t i = 0; i < n; i++)
                if (strcmp(page[i], all[off + i]) != 0)
                    fail_msg("%s offset %u hit %zu: %s, one page has %s",
                             query, off, i, page[i], all[off + i]);
            free_ids(page, n);
        }
        free_ids(all, nall);
    }
    tu_rmtree(tmp);
    free(tmp);
}

/* The fingerprint reads a bounded prefix of the body: two bodies that
 * share their first GZ_SIMHASH_MAX_BYTES get the same one whatever
 * follows (a body of tens of megabytes took about four times its size in
 * memory, per worker, outside --memory). */
static void test_simhash_reads_a_bounded_prefix(void **state)
{
    (void)state;
    size_t n = GZ_SIMHASH_MAX_BYTES + 200000;
    char *a = malloc(n), *b = malloc(n);
    assert_non_null(a);
    assert_non_null(b);
    uint64_t seed = 7;
    size_t len = 0;
    while (len + 16 < n) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        len += (size_t)snprintf(a + len, n - len, "w%05u ",
                                (unsigned)(seed >> 45));
    }
    memcpy(b, a, len);
    /* everything past the prefix differs: another text */
    for (size_t i = GZ_SIMHASH_MAX_BYTES + 8; i < len; i++)
        if (b[i] != ' ')
            b[i] = 'z';
    uint64_t fa = 0, fb = 0;
    assert_true(gz_simhash(a, len, 1, &fa) >= GZ_SIMHASH_MIN_WORDS);
    assert_true(gz_simhash(b, len, 1, &fb) >= GZ_SIMHASH_MIN_WORDS);
    assert_true(fa != 0);
    assert_true(fa == fb);
    free(a);
    free(b);
}

/* Fingerprints are stored in indexes (GZ_SLOT_SIMHASH) and compared with
 * those of articles indexed by later versions, so the function must give
 * the same value for the same text forever: these were computed by the
 * first version (commit d6fbd3f). The texts are drawn (seeded) from words
 * in several scripts and cases, with accents precomposed and combining,
 * stroke letters, connector punctuation, digits, CJK runs, bytes that are
 * not UTF-8 and repeated lines. */
static size_t simhash_golden_text(uint64_t *seed, int ascii, char *buf,
                                  size_t size)
{
    static const char *const words[] = {
        /* ASCII first: the texts of `ascii` take only these */
        "Ceasefire", "TALKS", "humanitarian", "pauses", "snake_case",
        "__init__", "2024", "B52", "x_y", "Hezbollah", "U.S.", "e-mail",
        "Zürich", "Ze\xcc\x81ro", "Søren", "ŁÓDŹ", "naïve", "CAFÉ",
        "ΑΘΗΝΑ", "Μόσχα", "МОСКВА", "киев", "北京市", "東京",
        ("\xff\xfe" "bad"), "caf\xe9", "İstanbul", "ǅemal", "ﬁnance",
        "‿tie",
    };
    size_t nwords = ascii ? 12 : sizeof words / sizeof *words, len = 0;
    size_t count = 20 + (size_t)(*seed % 150);
    for (size_t i = 0; i < count && len + 64 < size; i++) {
        *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
        const char *w = words[(*seed >> 33) % nwords];
        const char *sep = (*seed >> 20) % 9 == 0 ? ".\n" : " ";
        len += (size_t)snprintf(buf + len, size - len, "%s%s", w, sep);
        if ((*seed >> 12) % 41 == 0 && len * 2 + 4 < size) {
            memcpy(buf + len, buf, len);   /* a repeated block */
            len *= 2;
        }
    }
    return len;
}

static void test_simhash_values_are_stable(void **state)
{
    (void)state;
    static const uint64_t golden[] = {
        0xf958e73c4cf39601ULL, 0xa4a42d3583d0b255ULL, 0x0000000000000000ULL,
        0x0bc659941e614f65ULL, 0xe976217dd1146a25ULL, 0xb1ba88345a4de611ULL,
        0x36688ad67adecea2ULL, 0x7fbb5d10f70f34d4ULL, 0x729c3015d209ef15ULL,
        0xb983c12853b4ec12ULL, 0xf1f745539e1526d6ULL, 0x4321aa440e891873ULL,
        0x1d92a1c6c93528a9ULL, 0x330586238c7dfee5ULL, 0x824e5d5098c83a4eULL,
        0xc96ae9ae0c4c7106ULL, 0x892fe5f2fda715beULL, 0x3f7f129acf4fbf77ULL,
        0xb59bd2b06d03d662ULL, 0x2f02fd611f553cfbULL, 0x93a810d343870776ULL,
        0xa93080d0d91c5529ULL, 0xeada85b34d05f7d4ULL, 0xe7a15bb31fa32543ULL,
    };
    uint64_t seed = 2026;
    char buf[16384];
    for (size_t i = 0; i < sizeof golden / sizeof *golden; i++) {
        size_t len = simhash_golden_text(&seed, i >= 16, buf, sizeof buf);
        uint64_t h = 0;
        size_t words = gz_simhash(buf, len, (int)(i % 2), &h);
        if (h != golden[i])
            fail_msg("text %zu (%zu bytes, %zu words): %016llx, want "
                     "%016llx", i, len, words, (unsigned long long)h,
                     (unsigned long long)golden[i]);
    }
}

/* "Did you mean": a word absent from the index gets the common close
 * word; a correct query gets none; spelling off gets none. */
static void test_spelling(void **state)
{
    (void)state;
    query_opts on = {.spelling = 1}, off = {0};
    gazette_results_t *r = search(&fx.sample, "hezbolah", &on);
    assert_string_equal(gazette_results_suggestion(r), "hezbollah");
    gazette_results_free(r);
    r = search(&fx.sample, "hezbollah", &on);
    assert_string_equal(gazette_results_suggestion(r), "");
    gazette_results_free(r);
    r = search(&fx.sample, "hezbolah", &off);
    assert_string_equal(gazette_results_suggestion(r), "");
    gazette_results_free(r);
    r = search(&fx.gen, "chelsae arsenal", &on);
    assert_string_equal(gazette_results_suggestion(r), "chelsea arsenal");
    gazette_results_free(r);
    /* The rest of the query stays as typed (case, fields, dates). */
    r = search(&fx.gen, "Chelsae AND Arsenal  date:2004-01..", &on);
    assert_string_equal(gazette_results_suggestion(r),
                        "chelsea AND Arsenal  date:2004-01..");
    gazette_results_free(r);
    r = search(&fx.gen, "\"Chelsae manager\"", &on);
    assert_string_equal(gazette_results_suggestion(r), "\"chelsea manager\"");
    gazette_results_free(r);
    char out[4096];
    snprintf(out, sizeof out, "%s/spell.txt", fx.tmp);
    assert_int_equal(tu_run("'%s' --db '%s' Chelsae > '%s'",
                            tu_binary("query/cli/gazette-query"), fx.gen.db, out), 0);
    size_t len;
    char *text = read_all(out, &len);
    assert_non_null(strstr(text, "Did you mean: chelsea?"));
    free(text);
    assert_int_equal(tu_run("'%s' --db '%s' --no-spelling Chelsae | "
                            "grep -q 'Did you mean' ",
                            tu_binary("query/cli/gazette-query"), fx.gen.db), 1);
}

/* A word the index has in one article may be a typo that reached it,
 * and is offered a far more common word one slip away ("goverment":
 * "government"); but not a word two edits away or with another first
 * letter: in the sample, "snow" was offered "now", "soar" "far", "Canal"
 * "final", "Stones" "states", "rays" "days"; nor a name. */
static void test_spelling_word_the_index_has(void **state)
{
    (void)state;
    static corpus slip;
    snprintf(slip.root, sizeof slip.root, "%s/slip", fx.tmp);
    char name[64], text[256];
    for (int i = 0; i < 12; i++) {
        snprintf(name, sizeof name, "news/budget%02d.txt", i);
        int n = snprintf(text, sizeof text, "Budget day %d\n\nThe government "
                         "said the government would spend more.\n", i);
        tu_write_file(slip.root, name, text, (size_t)n);
    }
    /* a letter left out, two swapped, one added, one changed */
    static const char typo[] = "Letters\n\nThe goverment, the govermnent, "
                               "the governmment and the govarnment.\n";
    tu_write_file(slip.root, "news/letters.txt", typo, sizeof typo - 1);
    assert_int_equal(build_index(&slip, "slip"), 0);
    query_opts on = {.spelling = 1};
    const char *slips[] = {"goverment", "govermnent", "governmment",
                           "govarnment"};
    gazette_results_t *r = NULL;
    for (size_t i = 0; i < sizeof slips / sizeof *slips; i++) {
        r = search(&slip, slips[i], &on);
        assert_int_equal(gazette_results_count(r), 1);
        if (strcmp(gazette_results_suggestion(r), "government") != 0)
            fail_msg("'%s': suggested '%s'", slips[i],
                     gazette_results_suggestion(r));
        gazette_results_free(r);
    }
    /* nor a name, written with a capital inside a sentence by the one
     * article that has it: "Ford" was offered "for", "Sam" and "São"
     * "say", each query finding its article as typed, the suggestion
     * nothing ("say Paulo" as a phrase) */
    const char *spelt_right[] = {"snow", "soar", "Canal", "Stones", "rays",
                                 "Ford", "Sam", "sao",
                                 "\"S\xC3\xA3o Paulo\"", "sao AND paulo",
                                 /* nor a suggestion that finds fewer
                                  * articles: "first back Test" finds
                                  * none, "at last part" none */
                                 "\"first black Test\"",
                                 "\"at least part\""};
    for (size_t i = 0; i < sizeof spelt_right / sizeof *spelt_right; i++) {
        r = search(&fx.sample, spelt_right[i], &on);
        if (gazette_results_count(r) == 0)
            fail_msg("'%s' finds nothing", spelt_right[i]);
        if (*gazette_results_suggestion(r))
            fail_msg("'%s': suggested '%s'", spelt_right[i],
                     gazette_results_suggestion(r));
        gazette_results_free(r);
    }
}

/* A word of a phrase, or beside NEAR or ADJ, is searched as typed, not
 * stemmed: a misspelling whose stem the index has ("humanitarians", stem
 * "humanitarian") finds nothing there and gets a suggestion; it was
 * taken as spelt right by its stem ('"tony blaire"' on the BBC corpus:
 * no hit and no suggestion). The same word as free text stays, as its
 * stem finds what it means. */
static void test_spelling_in_phrase(void **state)
{
    (void)state;
    query_opts on = {.spelling = 1};
    static const struct {
        const char *query, *want;
    } cases[] = {
        {"\"humanitarians pauses\"", "\"humanitarian pauses\""},
        {"\"hezbollahs leader\"", "\"hezbollah leader\""},
        {"humanitarians NEAR pauses", "humanitarian NEAR pauses"},
        {"humanitarians pauses", ""},
        {"\"humanitarian pauses\"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        gazette_results_t *r = search(&fx.sample, cases[i].query, &on);
        if (strcmp(gazette_results_suggestion(r), cases[i].want) != 0)
            fail_msg("'%s': suggested '%s'", cases[i].query,
                     gazette_results_suggestion(r));
        gazette_results_free(r);
    }
}

/* A query of the sample and the suggestion it must get ("" for none). */
typedef struct suggestion_case {
    const char *query, *suggestion;
} suggestion_case;

/* Fails naming the first of the `n` cases whose query of the sample, with
 * spelling on, is not offered its suggestion. */
static void expect_suggestions(const suggestion_case *cases, size_t n)
{
    query_opts on = {.spelling = 1};
    for (size_t i = 0; i < n; i++) {
        gazette_results_t *r = search(&fx.sample, cases[i].query, &on);
        if (strcmp(gazette_results_suggestion(r), cases[i].suggestion) != 0)
            fail_msg("'%s': suggested '%s', not '%s'", cases[i].query,
                     gazette_results_suggestion(r), cases[i].suggestion);
        gazette_results_free(r);
    }
}

/* A word under a text field's prefix is a word of the text, and is
 * corrected as one, the field, its quotes or brackets and the case of
 * the rest kept: 'title:"tony blaire"' on the BBC corpus got no
 * suggestion, where '"tony blaire"' got '"tony blair"' (the value of a
 * field was skipped whole). A filter's value (tag:) is no word, nor is
 * a word after a name that is no field. */
static void test_spelling_under_field(void **state)
{
    (void)state;
    query_opts on = {.spelling = 1};
    static const suggestion_case cases[] = {
        {"title:\"humanitarians pauses\"", "title:\"humanitarian pauses\""},
        {"Title:\"Hezbolah leader\"", "Title:\"hezbollah leader\""},
        {"title:\xE2\x80\x9CHezbolah leader\xE2\x80\x9D",
         "title:\xE2\x80\x9Chezbollah leader\xE2\x80\x9D"},
        {"title:(hezbolah leader)", "title:(hezbollah leader)"},
        {"title:hezbolah", "title:hezbollah"},
        {"+title:hezbolah leader", "+title:hezbollah leader"},
        {"title:\"humanitarian pauses\"", ""},
        {"tag:hezbolah", ""},
        {"titel:hezbolah", ""},
    };
    expect_suggestions(cases, sizeof cases / sizeof *cases);
    /* the suggestion finds what the typo missed: two titles have it */
    gazette_results_t *r = search(&fx.sample, "title:\"humanitarian pauses\"",
                                  &on);
    assert_int_equal(gazette_results_count(r), 2);
    gazette_results_free(r);
}

/* U+00AD SOFT HYPHEN in a query, as text pasted from a web page has it
 * ("Bundes&shy;regierung"), is taken out as the readers take it out of
 * the articles: "humani<SHY>tarian" is the word humanitarian. It was a
 * word break: "humani" and "tarian", which no article has. */
static void test_soft_hyphen_in_query(void **state)
{
    (void)state;
    query_opts on = {.spelling = 1};
    gazette_results_t *plain = search(&fx.sample, "humanitarian pauses", &on);
    gazette_results_t *shy = search(&fx.sample,
                                    "humani\xC2\xADtarian pau\xC2\xADses",
                                    &on);
    assert_true(gazette_results_count(plain) > 0);
    assert_int_equal(gazette_results_count(shy), gazette_results_count(plain));
    assert_string_equal(gazette_results_parsed_query(shy),
                        gazette_results_parsed_query(plain));
    assert_string_equal(gazette_results_suggestion(shy), "");
    gazette_results_free(plain);
    gazette_results_free(shy);
    /* an id keeps the soft hyphen of its file's name, and so does id:
     * (review: it was taken out there too, and the file not found) */
    static corpus named;
    snprintf(named.root, sizeof named.root, "%s/shy", fx.tmp);
    static const char text[] = "Shy\n\nA file named with a soft hyphen.\n";
    tu_write_file(named.root, "news/foo\xC2\xAD" "bar.txt", text,
                  sizeof text - 1);
    assert_int_equal(build_index(&named, "shy"), 0);
    const char *ids[] = {"id:news/foo\xC2\xAD" "bar.txt",
                         "id:\"news/foo\xC2\xAD" "bar.txt\"",
                         "(ID:news/foo\xC2\xAD" "bar.txt)"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        gazette_results_t *r = search(&named, ids[i], &on);
        if (gazette_results_count(r) != 1)
            fail_msg("'%s': %zu hits (%s)", ids[i],
                     (size_t)gazette_results_count(r),
                     gazette_results_parsed_query(r));
        gazette_results_free(r);
    }
}

/* id: with the id as --json prints it finds that article, control
 * characters and all: they were made spaces with the rest of the query,
 * and id:"news/a<TAB>b.txt" found news/a b.txt, another file, and
 * id:"news/a<LF>b.txt" nothing. Outside id: they are still spaces. */
static void test_control_characters_in_id(void **state)
{
    (void)state;
    static corpus named;
    snprintf(named.root, sizeof named.root, "%s/ctl", fx.tmp);
    static const char *const names[] = {"news/a\tb.txt", "news/a b.txt",
                                        "news/a\nb.txt", "news/a\033b.txt"};
    char text[128];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        int n = snprintf(text, sizeof text, "File %zu\n\nThe file number "
                         "%zu.\n", i, i);
        tu_write_file(named.root, names[i], text, (size_t)n);
    }
    assert_int_equal(build_index(&named, "ctl"), 0);
    query_opts on = {.spelling = 1};
    char query[128];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(query, sizeof query, "id:\"%s\"", names[i]);
        gazette_results_t *r = search(&named, query, &on);
        if (gazette_results_count(r) != 1 ||
            strcmp(gazette_hit_id(gazette_results_hit(r, 0)), names[i]) != 0)
            fail_msg("id %zu: %zu hits (%s)", i,
                     (size_t)gazette_results_count(r),
                     gazette_results_parsed_query(r));
        gazette_results_free(r);
    }
    gazette_results_t *r = search(&named, "file\tnumber", &on);
    assert_int_equal(gazette_results_count(r), 4);
    gazette_results_free(r);
    /* a message quoting such a value is still one line (fuzz finding 12:
     * the check of a filter's group quoted the newline) */
    char err[1024];
    assert_int_equal(run_query(&named, "id:(x AND id:\"news/a\nb.txt\")",
                               &on, 10, &r, err, sizeof err),
                     GAZETTE_STATUS_QUERY_SYNTAX);
    assert_non_null(strstr(err, "cannot read the group"));
    assert_null(strchr(err, '\n'));
}

/* A word of no article's text but of an author's name ("Author: Fiona
 * MacLeod") or a tag ("Tags: ..., rock") finds nothing as typed; the
 * suggestion names the field that has it, and that query finds the
 * article. They were offered "final" and "back", then nothing. Inside a
 * phrase or a field's group, beside NEAR or ADJ, or touching punctuation,
 * a word cannot name a field: no suggestion. */
static void test_spelling_names_a_field(void **state)
{
    (void)state;
    query_opts on = {.spelling = 1};
    static const suggestion_case cases[] = {
        {"Fiona", "author:fiona"},
        {"rock", "tag:rock"},
        {"MacLeod storm", "author:macleod storm"},
        {"(Fiona OR snow) -Fiona", "(author:fiona OR snow) -author:fiona"},
        /* a tag is a filter of the whole query: only a query of the word
         * alone is offered one ("tag:rock snow" finds nothing) */
        {" rock ", " tag:rock "},
        {"rock snow", ""},
        /* a source (the top folder) likewise; "sport" was offered "short" */
        {"sport", "source:sport"},
        {"sport results", ""},
        {"(Fiona OR snow) -rock", "(author:fiona OR snow) -rock"},
        /* touching punctuation would be part of a tag's value, or hide a
         * NEAR from the check below */
        {"rock?", ""},
        {"Fiona#", ""},
        {"Fiona, NEAR snow", ""},
        {"snow NEAR 'Fiona'", ""},
        {"\xE2\x80\x9E" "Fiona MacLeod\xE2\x80\x9C", ""},
        {"\xE2\x80\x9E" "storm\xE2\x80\x9C Fiona",
         "\xE2\x80\x9E" "storm\xE2\x80\x9C author:fiona"},
        {"\"Fiona MacLeod\"", ""},
        {"title:(Fiona storm)", ""},
        {"title:(storm) Fiona", "title:(storm) author:fiona"},
        {"\"storm\" Fiona \"rock\"", "\"storm\" author:fiona \"rock\""},
        {"\xE2\x80\x9C" "Fiona\xE2\x80\x9D", ""},
        /* a filter beside NEAR is refused; an author's word is far */
        {"rock NEAR/3 snow", ""},
        {"snow ADJ Fiona", ""},
        {"storm NEAR farmers Fiona", "storm NEAR farmers author:fiona"},
    };
    expect_suggestions(cases, sizeof cases / sizeof *cases);
    static const struct {
        const char *query, *suggestion;
        size_t hits;
    } found[] = {{"Fiona", "author:fiona", 1},
                 {"rock", "tag:rock", 1},
                 /* corpus/sample/sport/ but the one with a Source: line */
                 {"sport", "source:sport", 5}};
    for (size_t i = 0; i < sizeof found / sizeof *found; i++) {
        gazette_results_t *r = search(&fx.sample, found[i].query, &on);
        assert_int_equal(gazette_results_count(r), 0);
        gazette_results_free(r);
        r = search(&fx.sample, found[i].suggestion, &on);
        assert_int_equal(gazette_results_count(r), found[i].hits);
        gazette_results_free(r);
    }
}

/* A misspelt word of an author: value is corrected to the author's word
 * a slip away (two for a long word): the spelling data hold the text's
 * words only, so "author:fionna" (of "Author: Fiona MacLeod") got no
 * suggestion, nor "author:macleud". An author's word, or its stem,
 * stays; a word no author is near gets none (it got a word of the text:
 * "author:fionnd" "author:found"); the other words and the field's
 * quotes and brackets are kept. A misspelt name typed without author:
 * is offered with it. */
static void test_spelling_of_authors(void **state)
{
    (void)state;
    query_opts on = {.spelling = 1};
    static const suggestion_case cases[] = {
        {"author:fionna", "author:fiona"},
        {"author:macleud", "author:macleod"},
        {"Author:MacLeud", "Author:macleod"},
        {"author:fionna storm", "author:fiona storm"},
        {"storm author:fionna farmers", "storm author:fiona farmers"},
        {"author:\"fionna macleud\"", "author:\"fiona macleod\""},
        {"author:(fionna storm)", "author:(fiona storm)"},
        {"author:whitfeld", "author:whitfield"},
        /* two slips from a long name; one letter changed and one added
         * is too far from a short one */
        {"author:witfeild", "author:whitfield"},
        {"author:fjonna", ""},
        {"author:fiona", ""},
        {"author:\"Fiona MacLeod\"", ""},
        {"author:fionas", ""},
        {"author:zygmunt", ""},
        /* no author's word near: none, never a word of the text, which
         * finds no author ("found", "storm" were offered) */
        {"author:fionnd", ""},
        {"author:stomr storm", ""},
        {"author:(fionna stomr)", "author:(fiona stomr)"},
        /* only author: values: elsewhere the word is one of the text */
        {"title:fionna", ""},
        {"author:fiona title:fionna", ""},
        /* the field of a word in another's group is its own */
        {"author:(fionna title:macleud)", "author:(fiona title:macleud)"},
        {"title:(storm author:fionna)", "title:(storm author:fiona)"},
        /* in a phrase, "author:" names no field (words of the text) */
        {"\"storm author:fionna\"", ""},
        /* a word in no article with no correction from the text, typed
         * without the field, gets the author's word in its field (it got
         * none, where "Fiona" got "author:fiona"); a correction from the
         * text comes first; where no field can be written, none */
        {"Fionna", "author:fiona"},
        {"macleud storm", "author:macleod storm"},
        {"Fionna MacLeud", "author:fiona author:macleod"},
        {"fionnd", "found"},
        {"\"Fionna\"", ""},
        {"title:(Fionna storm)", ""},
        {"storm NEAR fionna", ""},
    };
    expect_suggestions(cases, sizeof cases / sizeof *cases);
    /* the typo found nothing, its correction the author's article */
    gazette_results_t *r = search(&fx.sample, "author:fionna", &on);
    assert_int_equal(gazette_results_count(r), 0);
    gazette_results_free(r);
    r = search(&fx.sample, "author:fiona", &on);
    assert_int_equal(gazette_results_count(r), 1);
    gazette_results_free(r);
    r = search(&fx.sample, "Fionna", &on);
    assert_int_equal(gazette_results_count(r), 0);
    gazette_results_free(r);
}

/* One of the first `letters` lower-case letters, drawn from *seed. */
static char seeded_letter(uint64_t *seed, unsigned letters)
{
    *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (char)('a' + (*seed >> 33) % letters);
}

/* Of two authors' words a slip from a misspelt author: word, the one in
 * more articles is offered, of two in as many the first in byte order
 * (weigh_author_word); and the walk looks at no more authors' words than
 * its bound. The typed words are drawn seeded, each with a first letter
 * of its own, and each pair of authors' words is the typed word with
 * one letter added after its third, the first pair's later word in byte
 * order in two articles, its earlier one in one. */
static void test_spelling_author_ties(void **state)
{
    (void)state;
    uint64_t seed = 20261204;
    char typed[2][8], earlier[2][9], later[2][9];
    for (size_t i = 0; i < 2; i++) {
        typed[i][0] = "km"[i];
        for (size_t k = 1; k < 6; k++)
            typed[i][k] = seeded_letter(&seed, 26);
        typed[i][6] = '\0';
        char added = seeded_letter(&seed, 25);   /* and the next letter */
        snprintf(earlier[i], sizeof earlier[i], "%.3s%c%s", typed[i], added,
                 typed[i] + 3);
        snprintf(later[i], sizeof later[i], "%.3s%c%s", typed[i], added + 1,
                 typed[i] + 3);
    }
    const char *const authors[] = {earlier[0], later[0], later[0],
                                   earlier[1], later[1]};
    static corpus ties;
    snprintf(ties.db, sizeof ties.db, "%s/ties-index", fx.tmp);
    for (size_t i = 0; i < sizeof authors / sizeof *authors; i++) {
        char id[32];
        snprintf(id, sizeof id, "ties/%zu", i);
        put_zebra(ties.db, id, authors[i], "x", "y");
    }
    query_opts on = {.spelling = 1};
    char query[32], want[32];
    for (size_t i = 0; i < 2; i++) {
        snprintf(query, sizeof query, "author:%s", typed[i]);
        snprintf(want, sizeof want, "author:%s", i ? earlier[i] : later[i]);
        gazette_results_t *r = search(&ties, query, &on);
        if (strcmp(gazette_results_suggestion(r), want) != 0)
            fail_msg("'%s' (of %s, %s): suggested '%s', not '%s'", query,
                     earlier[i], later[i], gazette_results_suggestion(r),
                     want);
        gazette_results_free(r);
    }
    /* a walk of one word sees the earlier word only */
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(ties.db, &index), GAZETTE_STATUS_OK);
    for (size_t visited = 1; visited <= 2; visited++) {
        char *near = NULL;
        assert_int_equal(gz_nearest_author_word(index, typed[0], visited,
                                                &near),
                         XAP_OK);
        assert_non_null(near);
        assert_string_equal(near, visited == 1 ? earlier[0] : later[0]);
        free(near);
    }
    gazette_index_close(index);
}

/* A typographic apostrophe (U+2019, U+201B) is the typed one, as Xapian's
 * term generator reads it: "Israel’s" is the word "israel's" the
 * index has, no misspelling (it was offered "israel's cabinet", the
 * same stem). A misspelt word with one is still corrected. */
static void test_spelling_typographic_apostrophe(void **state)
{
    (void)state;
    query_opts on = {.spelling = 1};
    const char *spelt_right[] = {
        "Israel\xE2\x80\x99s cabinet", "Ballon d\xE2\x80\x99Or",
        "Qatar\xE2\x80\x99s", "Israel\xE2\x80\x9Bs cabinet"};
    for (size_t i = 0; i < sizeof spelt_right / sizeof *spelt_right; i++) {
        gazette_results_t *r = search(&fx.sample, spelt_right[i], &on);
        assert_true(gazette_results_count(r) > 0);
        if (*gazette_results_suggestion(r))
            fail_msg("'%s': suggested '%s'", spelt_right[i],
                     gazette_results_suggestion(r));
        gazette_results_free(r);
    }
    gazette_results_t *r = search(&fx.sample, "Isreal\xE2\x80\x99s cabinet",
                                  &on);
    assert_string_equal(gazette_results_suggestion(r), "israel's cabinet");
    gazette_results_free(r);
}

/* --explain: the parsed query and each hit's matching terms. */
static void test_explain(void **state)
{
    (void)state;
    query_opts qo = {.explain = 1, .duplicates = 1};
    gazette_results_t *r = search(&fx.sample, "Hezbollah title:nasrallah", &qo);
    assert_non_null(strstr(gazette_results_parsed_query(r), "Zhezbollah"));
    assert_non_null(strstr(gazette_results_parsed_query(r), "ZSnasrallah"));
    assert_true(gazette_results_count(r) > 0);
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        const char *terms = gazette_hit_matching_terms(h);
        long k = find_doc(&fx.sample, gazette_hit_id(h));
        assert_true(k >= 0);
        int has = find_stem(&fx.sample.docs[k], "hezbollah", 0) >= 0;
        /* words, not index terms: "hezbollah", "title:nasrallah" */
        assert_int_equal(strstr(terms, "hezbollah") != NULL, has);
        assert_null(strstr(terms, "Zhezbollah"));
        int in_title = strstr(terms, "title:nasrallah") != NULL;
        assert_int_equal(in_title, strstr(terms, "nasrallah") != NULL);
    }
    gazette_results_free(r);
    /* A word the query excludes is no word a hit matched, though a hit
     * found through another branch has it: "gaza" was listed, with a
     * weight the hit never got. Over the sample's .txt files, some hit
     * of "truce OR (hezbollah NOT gaza)" has "gaza". */
    r = search(&fx.sample, "truce OR (hezbollah NOT gaza)", &qo);
    int had_gaza = 0;
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        long k = find_doc(&fx.sample, gazette_hit_id(h));
        had_gaza |= k >= 0 && find_stem(&fx.sample.docs[k], "gaza", 0) >= 0;
        if (strstr(gazette_hit_matching_terms(h), "gaza"))
            fail_msg("%s: matched '%s'", gazette_hit_id(h),
                     gazette_hit_matching_terms(h));
    }
    assert_true(had_gaza);
    gazette_results_free(r);
}

/* What feedback adds to a hit's weight beyond its matched terms' (the
 * "+ feedback" of --explain), summed over the hits. */
static double feedback_weight(const gazette_results_t *r)
{
    double total = 0;
    for (size_t i = 0; i < gazette_results_count(r); i++) {
        const gazette_hit_t *h = gazette_results_hit(r, i);
        double sum = 0;
        for (size_t t = 0; t < gazette_hit_term_count(h); t++) {
            double w = 0;
            gazette_hit_term(h, t, &w);
            sum += w;
        }
        total += gazette_hit_weight(h) - sum;
    }
    return total;
}

/* Feedback off: the same hits, ranked by their matched terms alone (no
 * weight beyond them), where feedback on adds some. */
static void test_feedback_off(void **state)
{
    (void)state;
    query_opts on = {.explain = 1, .duplicates = 1};
    query_opts off = on;
    off.no_feedback = 1;
    const char *queries[] = {"gaza aid", "Hezbollah", "ceasefire talks"};
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
        docset with = hits_of(&fx.sample, queries[q], &on);
        docset without = hits_of(&fx.sample, queries[q], &off);
        assert_memory_equal(&with, &without, sizeof with);
    }
    gazette_results_t *a = search(&fx.sample, "gaza aid", &on);
    gazette_results_t *b = search(&fx.sample, "gaza aid", &off);
    assert_true(feedback_weight(a) > 0.01);
    assert_true(fabs(feedback_weight(b)) < 0.001 * gazette_results_count(b));
    gazette_results_free(a);
    gazette_results_free(b);
    assert_int_equal(gazette_search_options_set_feedback(NULL, 0),
                     GAZETTE_STATUS_INVALID_ARGUMENT);
    /* gazette-query --no-feedback: no "+ feedback" in --explain */
    const char *cli = tu_binary("gazette-query");
    assert_int_equal(tu_run("'%s' --db '%s' --explain 'gaza aid' | "
                            "grep -q '+ feedback'", cli, fx.sample.db), 0);
    assert_int_not_equal(tu_run("'%s' --db '%s' --no-feedback --explain "
                                "'gaza aid' | grep -q '+ feedback'", cli,
                                fx.sample.db), 0);
    /* the words a wildcard stands for are not listed: their weight is
     * not called feedback's */
    assert_int_not_equal(tu_run("'%s' --db '%s' --no-feedback --explain "
                                "'ceasefi*' | grep -q '+ feedback'", cli,
                                fx.sample.db), 0);
    assert_int_equal(tu_run("'%s' --db '%s' --no-feedback --explain "
                            "'ceasefi*' | grep -q '+ wildcard words'", cli,
                            fx.sample.db), 0);
}

/* The JSON hit `o` has "authors", the names its "author" joins: none
 * for no author. */
static void expect_authors_are_byline(json_t *o)
{
    json_t *names = json_object_get(o, "authors");
    assert_true(json_is_array(names));
    char joined[1024] = "";
    for (size_t i = 0; i < json_array_size(names); i++)
        snprintf(joined + strlen(joined), sizeof joined - strlen(joined),
                 "%s%s", i ? ", " : "",
                 json_string_value(json_array_get(names, i)));
    assert_string_equal(joined,
                        json_string_value(json_object_get(o, "author")));
}

/* --json: hits with the documented fields, then one summary object. */
static void test_cli_json_schema(void **state)
{
    (void)state;
    char out[4096];
    snprintf(out, sizeof out, "%s/hits.jsonl", fx.tmp);
    assert_int_equal(tu_run("'%s' --db '%s' --json --limit 4 --facet tag "
                            "--facet year hezbolah OR gaza > '%s'",
                            tu_binary("query/cli/gazette-query"), fx.sample.db, out),
                     0);
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    char line[1 << 16];
    int hits = 0, summaries = 0;
    while (fgets(line, sizeof line, f)) {
        json_error_t jerr;
        json_t *o = json_loads(line, 0, &jerr);
        assert_non_null(o);
        const char *type = json_string_value(json_object_get(o, "type"));
        assert_non_null(type);
        if (strcmp(type, "hit") == 0) {
            assert_int_equal(summaries, 0);
            hits++;
            const char *strings[] = {"id", "path", "title", "date", "source",
                                     "author", "url", "snippet"};
            for (size_t k = 0; k < 8; k++)
                assert_true(json_is_string(json_object_get(o, strings[k])));
            assert_true(json_is_array(json_object_get(o, "tags")));
            assert_true(json_array_size(json_object_get(o, "tags")) > 0);
            assert_true(json_is_array(json_object_get(o, "entities")));
            expect_authors_are_byline(o);
            assert_true(json_is_real(json_object_get(o, "weight")));
            assert_true(json_is_integer(json_object_get(o, "percent")));
            assert_true(json_is_integer(json_object_get(o, "rank")));
            const char *snip = json_string_value(json_object_get(o, "snippet"));
            json_t *hl = json_object_get(o, "highlights");
            assert_true(json_array_size(hl) > 0);
            for (size_t k = 0; k < json_array_size(hl); k++) {
                json_t *pair = json_array_get(hl, k);
                size_t s = (size_t)json_integer_value(json_array_get(pair, 0));
                size_t e = (size_t)json_integer_value(json_array_get(pair, 1));
                assert_true(s < e && e <= strlen(snip));
                assert_true(strncasecmp(snip + s, "gaza", 4) == 0);
            }
        } else {
            assert_string_equal(type, "summary");
            summaries++;
            assert_non_null(strstr(json_string_value(json_object_get(o, "parsed")),
                                   "Zgaza"));
            assert_string_equal(json_string_value(json_object_get(o, "suggestion")),
                                "hezbollah OR gaza");
            assert_true(json_integer_value(json_object_get(o, "estimate")) >= 4);
            assert_true(json_is_integer(json_object_get(o, "lower")));
            assert_true(json_is_integer(json_object_get(o, "upper")));
            assert_true(json_is_number(json_object_get(o, "milliseconds")));
            json_t *facets = json_object_get(o, "facets");
            json_t *years = json_object_get(facets, "year");
            assert_true(json_array_size(years) >= 1);
            assert_true(json_is_integer(
                json_object_get(json_array_get(years, 0), "count")));
            assert_true(json_array_size(json_object_get(facets, "tag")) >= 3);
        }
        json_decref(o);
    }
    fclose(f);
    assert_int_equal(hits, 4);
    assert_int_equal(summaries, 1);
    /* --format paths: ids only, as many as hits. */
    assert_int_equal(tu_run("test \"$('%s' --db '%s' --format paths -n 100 "
                            "source:sport | wc -l)\" -eq 5",
                            tu_binary("query/cli/gazette-query"), fx.sample.db), 0);
    /* Bad option values are usage errors. */
    assert_int_equal(tu_run("'%s' --db '%s' --sort size x 2>/dev/null",
                            tu_binary("query/cli/gazette-query"), fx.sample.db), 64);
    assert_int_equal(tu_run("'%s' --db '%s' --facet colour x 2>/dev/null",
                            tu_binary("query/cli/gazette-query"), fx.sample.db), 64);
}

/* gazette-index --synonyms: a query word also finds its synonyms (any
 * form); a rerun with another file replaces them, one without the option
 * (--full too) keeps them; a bad file changes nothing. */
static void test_synonyms(void **state)
{
    (void)state;
    corpus *c = &fx.sample;
    char saved[4096], db[4096], file[4096];
    snprintf(saved, sizeof saved, "%s", c->db);
    snprintf(db, sizeof db, "%s/syn-index", fx.tmp);
    snprintf(file, sizeof file, "%s/synonyms.txt", fx.tmp);
    static const char rules[] = "# test synonyms\n"
                                "truce = ceasefire   # one way\n\n"
                                "Nobel Prize = booker\n";
    tu_write_file(fx.tmp, "synonyms.txt", rules, sizeof rules - 1);
    const char *ix = tu_binary("indexer/gazette-index");
    assert_int_equal(tu_run("'%s' --quiet --db '%s' --synonyms '%s' '%s'", ix,
                            db, file, c->root), 0);
    docset truce = with_word(c, "truce"), cease = with_word(c, "ceasefire");
    assert_true(set_size(c, &truce) >= 1);
    docset only_cease = set_op(cease, truce, '-');
    assert_true(set_size(c, &only_cease) >= 1);
    expect_hits(c, "truce", NULL, truce);   /* the plain index */
    snprintf(c->db, sizeof c->db, "%s", db);
    expect_hits(c, "truce", NULL, set_op(truce, cease, '|'));
    expect_hits(c, "Truces", NULL, set_op(truce, cease, '|'));
    expect_hits(c, "ceasefire", NULL, cease);   /* one-way */
    /* A rerun without --synonyms keeps them. */
    assert_int_equal(tu_run("'%s' --quiet --db '%s' '%s'", ix, db, c->root), 0);
    expect_hits(c, "truce", NULL, set_op(truce, cease, '|'));
    /* A bad file: usage error, nothing changed; a missing one: 66. */
    static const char bad[] = "truce = cease fire\n";
    tu_write_file(fx.tmp, "bad.txt", bad, sizeof bad - 1);
    assert_int_equal(tu_run("'%s' --quiet --db '%s' --synonyms '%s/bad.txt' "
                            "'%s' 2>/dev/null", ix, db, fx.tmp, c->root), 64);
    assert_int_equal(tu_run("'%s' --quiet --db '%s' --synonyms '%s/none.txt' "
                            "'%s' 2>/dev/null", ix, db, fx.tmp, c->root), 66);
    expect_hits(c, "truce", NULL, set_op(truce, cease, '|'));
    /* Another file replaces the old rules. */
    static const char other[] = "truce = hostages\n";
    tu_write_file(fx.tmp, "synonyms.txt", other, sizeof other - 1);
    assert_int_equal(tu_run("'%s' --quiet --db '%s' --synonyms '%s' '%s'", ix,
                            db, file, c->root), 0);
    expect_hits(c, "truce", NULL, set_op(truce, with_word(c, "hostage"), '|'));
    /* --full builds a new database and carries the rules over to it. */
    assert_int_equal(tu_run("'%s' --quiet --full --db '%s' '%s'", ix, db,
                            c->root), 0);
    expect_hits(c, "truce", NULL, set_op(truce, with_word(c, "hostage"), '|'));
    snprintf(c->db, sizeof c->db, "%s", saved);
}

/* The rules a gazette-index before 2026-12-03 wrote for "bistro = café"
 * and "Zürich = genève": keys and values lower-cased in ASCII only, the
 * accents kept, which no query (folded) nor text (folded) met. */
static void store_unfolded_synonyms(const char *db)
{
    static const char *const rules[][2] = {
        {"bistro", "Zcaf\xC3\xA9"}, {"Zbistro", "Zcaf\xC3\xA9"},
        {"z\xC3\xBCrich", "Zgen\xC3\xA8v"},
        {"Zz\xC3\xBCrich", "Zgen\xC3\xA8v"},
    };
    xap_writable *w = NULL;
    assert_int_equal(xap_writable_open(db, XAP_DB_OPEN, 0, &w), XAP_OK);
    static const char *const keys[] = {"bistro", "Zbistro", "zurich",
                                       "Zzurich"};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(xap_writable_clear_synonyms(w, keys[i]), XAP_OK);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(xap_writable_add_synonym(w, rules[i][0], rules[i][1]),
                         XAP_OK);
    assert_int_equal(xap_writable_close(w), XAP_OK);
    xap_writable_free(w);
}

/* Synonyms fold as the text and the query do: "bistro = café" finds
 * "The café" (the value was the term Zcafé, the index has Zcafe), and
 * "Zürich = genève" applies to zurich and Zürich (the key was zürich, the
 * query's word is zurich). A word in capitals of a mixed-case query
 * finds its synonyms too ("US = washington": "US economy" did not, as
 * the capitals field's word is expanded by no parser). An index whose
 * rules were written unfolded gets them folded by --full. */
static void test_synonyms_fold_accents(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "synfold");
    static const struct {
        const char *name, *text;
    } files[] = {
        {"s/cafe.txt", "Title: B\n\nThe caf\xC3\xA9 opened.\n"},
        {"s/zurich.txt", "Title: Z\n\nLenders in Z\xC3\xBCrich.\n"},
        {"s/geneva.txt", "Title: G\n\nTalks in Gen\xC3\xA8ve ended.\n"},
        {"s/us.txt", "Title: U\n\nThe US economy grew.\n"},
        {"s/washington.txt", "Title: W\n\nSnow fell on Washington.\n"},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        tu_write_file(x.root, files[i].name, files[i].text,
                      strlen(files[i].text));
    static const char rules[] = "Z\xC3\xBCrich = gen\xC3\xA8ve\n"
                                "bistro = CAF\xC3\x89\n"
                                "US = washington\n";
    tu_write_file(x.tmp, "syn.txt", rules, sizeof rules - 1);
    const char *ix = tu_binary("indexer/gazette-index");
    assert_int_equal(tu_run("'%s' --quiet -j1 --db '%s' --synonyms '%s/syn.txt' "
                            "'%s'", ix, x.db, x.tmp, x.root), 0);
    static const char zurich[] = "s/geneva.txt s/zurich.txt";
    expect_ids(x.db, "bistro", 0, "s/cafe.txt");
    expect_ids(x.db, "bistros", 0, "s/cafe.txt");
    expect_ids(x.db, "zurich", 0, zurich);
    expect_ids(x.db, "Z\xC3\xBCrich", 0, zurich);
    expect_ids(x.db, "ZURICH", 0, zurich);
    expect_ids(x.db, "US", 0, "s/us.txt s/washington.txt");
    expect_ids(x.db, "US economy", 0, "s/us.txt s/washington.txt");
    expect_ids(x.db, "US snow", 1, "s/washington.txt");
    /* an index whose rules were written unfolded: --full folds them */
    store_unfolded_synonyms(x.db);
    expect_ids(x.db, "bistro", 0, "");
    expect_ids(x.db, "zurich", 0, "s/zurich.txt");
    assert_int_equal(tu_run("'%s' --quiet -j1 --full --db '%s' '%s'", ix, x.db,
                            x.root), 0);
    expect_ids(x.db, "bistro", 0, "s/cafe.txt");
    expect_ids(x.db, "zurich", 0, zurich);
    expect_ids(x.db, "US economy", 0, "s/us.txt s/washington.txt");
    small_index_end(&x);
}

/* Synonyms carried by a --full that changes the language are stemmed
 * in the new one: "meldung = nachrichten" finds "Nachrichten" after an
 * english index is rebuilt in german (the value was carried as the
 * english stem, Znachrichten, where the german index has Znachricht, and
 * found nothing). An index that did not record its rules (written before
 * it did) cannot have them stemmed anew: a --full in another language
 * leaves them behind, said in a warning; in its own it carries them. */
static void test_synonyms_follow_a_language_change(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "synlang");
    tu_write_file(x.root, "s/a.txt", "Title: A\n\nDie Nachrichten des "
                  "Tages.\n", 37);
    tu_write_file(x.root, "s/b.txt", "Title: B\n\nEin Bericht.\n", 23);
    tu_write_file(x.tmp, "syn.txt", "meldung = nachrichten\n", 22);
    const char *ix = tu_binary("indexer/gazette-index");
    assert_int_equal(tu_run("'%s' --quiet -j1 --db '%s' --synonyms "
                            "'%s/syn.txt' '%s'", ix, x.db, x.tmp, x.root), 0);
    expect_ids(x.db, "meldung", 0, "s/a.txt");
    assert_int_equal(tu_run("'%s' --quiet -j2 --full --language german --db "
                            "'%s' '%s'", ix, x.db, x.root), 0);
    expect_ids(x.db, "meldung", 0, "s/a.txt");
    assert_int_equal(tu_run("'%s' --quiet -j1 --full --language english "
                            "--db '%s' '%s'", ix, x.db, x.root), 0);
    expect_ids(x.db, "meldung", 0, "s/a.txt");
    /* rules an older index did not record: kept in its own language only */
    xap_writable *w = NULL;
    assert_int_equal(xap_writable_open(x.db, XAP_DB_OPEN, 0, &w), XAP_OK);
    assert_int_equal(xap_writable_set_metadata(w, "gazette.synonyms", "", 0),
                     XAP_OK);
    assert_int_equal(xap_writable_close(w), XAP_OK);
    xap_writable_free(w);
    assert_int_equal(tu_run("'%s' -j1 --full --db '%s' '%s' 2>'%s'", ix,
                            x.db, x.root, x.out), 0);
    expect_ids(x.db, "meldung", 0, "s/a.txt");
    assert_int_equal(tu_run("'%s' -j1 --full --language german --db '%s' "
                            "'%s' 2>'%s'", ix, x.db, x.root, x.out), 0);
    assert_int_equal(tu_run("grep -q \"its synonyms are stemmed in 'english' "
                            "and recorded no rules to stem anew in 'german'"
                            ".*give the rules again with --synonyms\" '%s'",
                            x.out), 0);
    expect_ids(x.db, "meldung", 0, "");
    small_index_end(&x);
}

/* ---------------------------------------------------------- CJK text */

/* News lines in Chinese, Japanese and Korean, written for these tests,
 * and two English articles: no word of the CJK text is set off by spaces,
 * as such text is written. */
static const struct {
    const char *name, *title, *body;
} cjk_articles[] = {
    {"zh/beijing-metro.txt", "北京市政府宣布新的地铁计划",
     "北京市政府周一宣布，明年春天将开通三条新的地铁线路。市长表示，"
     "新线路将缓解北京市中心的交通拥堵。\n"},
    {"zh/beijing-weather.txt", "北京今天天气晴朗",
     "气象台说，北京今天晴，最高气温二十度，最低气温五度。\n"},
    {"zh/shanghai-port.txt", "上海港口货运量创新高",
     "上海港务局今天表示，今年前十个月的集装箱吞吐量增长百分之八。"
     "官员说，北方的出口需求依然强劲。上海大剧院本周上演京剧。\n"},
    {"ja/tokyo-quake.txt", "東京都が新しい防災計画を発表",
     "東京都は月曜日、大地震に備えた新しい防災計画を発表した。"
     "WHO事務局長も会見で協力を表明した。\n"},
    {"ja/osaka-tourism.txt", "大阪市が観光計画を発表",
     "大阪市は火曜日、外国人観光客を増やすための計画を発表した。"
     "関西空港の新しい路線も紹介された。\n"},
    {"ko/seoul-bus.txt", "서울시가 새 버스 노선을 발표했다",
     "서울시는 내년부터 새로운 버스 노선을 운영한다고 밝혔다.\n"},
    {"en/rotterdam-port.txt", "Port traffic rises in Rotterdam",
     "The port of Rotterdam said container traffic rose eight percent, as "
     "exports to Beijing grew.\n"},
    {"en/beijing-metro.txt", "Beijing opens new metro lines",
     "The city government of Beijing said three new metro lines will open "
     "next spring.\n"},
};

static void write_cjk_articles(const char *root, const char *prefix)
{
    for (size_t i = 0; i < sizeof cjk_articles / sizeof *cjk_articles; i++)
        if (!prefix || strncmp(cjk_articles[i].name, prefix,
                               strlen(prefix)) == 0)
            write_article(root, cjk_articles[i].name, cjk_articles[i].title,
                          cjk_articles[i].body);
}

/* each_shard: count in *(int *)ctx the shards that record CJK n-grams,
 * and in the int after it the shards. */
static void count_cjk_key(xap_writable *w, void *ctx)
{
    int *n = ctx;
    char *value = NULL;
    size_t len = 0;
    assert_int_equal(xap_database_get_metadata(xap_writable_database(w),
                                               GZ_META_CJK_NGRAMS, &value,
                                               &len),
                     XAP_OK);
    n[0] += gz_cjk_ngrams_recorded(value, len);
    n[1]++;
    free(value);
}

/* 1 when every shard of `db` records CJK n-grams, 0 when none, -1
 * otherwise. */
static int cjk_key_state(const char *db)
{
    int n[2] = {0, 0};
    each_shard(db, count_cjk_key, n);
    return n[0] == n[1] ? 1 : n[0] == 0 ? 0 : -1;
}

/* each_shard: forget the key, as an index written before it existed. */
static void drop_cjk_key(xap_writable *w, void *ctx)
{
    (void)ctx;
    assert_int_equal(xap_writable_set_metadata(w, GZ_META_CJK_NGRAMS, "", 0),
                     XAP_OK);
}

/* The first hit of `query` on `db` with markers "[" "]": its id, its
 * marked snippet and its title with the title highlights marked, into
 * the buffers; the parsed query into `parsed` (all may be NULL). */
static size_t first_hit(const char *db, const char *query, char *id,
                        char *snippet, char *title, char *parsed,
                        size_t size)
{
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_new(&opts), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search_options_set_snippet(opts, 300, "[", "]"),
                     GAZETTE_STATUS_OK);
    if (gazette_search(index, query, opts, &r) != GAZETTE_STATUS_OK)
        fail_msg("%s: '%s': %s", db, query, gazette_index_error(index));
    size_t n = gazette_results_count(r);
    if (parsed)
        snprintf(parsed, size, "%s", gazette_results_parsed_query(r));
    if (n) {
        const gazette_hit_t *h = gazette_results_hit(r, 0);
        if (id)
            snprintf(id, size, "%s", gazette_hit_id(h));
        if (snippet)
            snprintf(snippet, size, "%s", gazette_hit_snippet(h));
        if (title) {
            const char *t = gazette_hit_title(h);
            size_t at = 0, used = 0;
            for (size_t i = 0; i < gazette_hit_title_highlight_count(h); i++) {
                size_t start = 0, end = 0;
                gazette_hit_title_highlight(h, i, &start, &end);
                used += (size_t)snprintf(title + used, size - used,
                                         "%.*s[%.*s]", (int)(start - at),
                                         t + at, (int)(end - start), t + start);
                at = end;
            }
            snprintf(title + used, size - used, "%s", t + at);
        }
    }
    gazette_results_free(r);
    gazette_search_options_free(opts);
    gazette_index_close(index);
    return n;
}

/* The wdf of each term of the article `id` of `db` whose name is one of
 * terms[0..n) into wdf[] (-1: the article lacks it), and whether the
 * first term's positions are the second's (*same). */
typedef struct term_wdfs {
    const char *const *terms;
    size_t n;
    long *wdf;
} term_wdfs;

static int note_wdf(const char *term, size_t len, unsigned wdf, void *ctx)
{
    term_wdfs *t = ctx;
    for (size_t i = 0; i < t->n; i++)
        if (strlen(t->terms[i]) == len && memcmp(t->terms[i], term, len) == 0)
            t->wdf[i] = (long)wdf;
    return 0;
}

static int note_position(unsigned pos, void *ctx)
{
    gz_buf *b = ctx;
    char num[16];
    int n = snprintf(num, sizeof num, "%u ", pos);
    gz_buf_put(b, num, (size_t)n);
    return 0;
}

/* The positions of `term` in `doc` as text ("3 17 "; "" when none). */
static char *positions_of(const xap_document *doc, const char *term)
{
    gz_buf b = {0};
    gz_buf_put(&b, "", 0);
    assert_int_equal(xap_document_each_position(doc, term, note_position, &b),
                     XAP_OK);
    size_t len = 0;
    char *out = gz_buf_take(&b, &len);
    assert_non_null(out);
    return out;
}

/* Check in `db`'s article `id` that the bare word `bare` is where its
 * possessive `possessive` is, with no wdf: the article's length and the
 * spelling words (wdf 1 and more) are as they were. */
static void expect_bare_word(const char *db, const char *id, const char *bare,
                             const char *possessive)
{
    xap_database *xdb = NULL;
    xap_document *doc = NULL;
    xap_docid docid = 0;
    char path_term[GZ_TERM_BUF];
    gz_make_term(GZ_PREFIX_PATH, id, path_term, sizeof path_term);
    assert_int_equal(xap_database_open(db, &xdb), XAP_OK);
    assert_int_equal(xap_database_first_posting(xdb, path_term, &docid),
                     XAP_OK);
    assert_int_equal(xap_database_get_document(xdb, docid, &doc), XAP_OK);
    const char *const terms[] = {bare, possessive};
    long wdf[2] = {-1, -1};
    term_wdfs t = {terms, 2, wdf};
    assert_int_equal(xap_document_each_term(doc, "", note_wdf, &t), XAP_OK);
    if (wdf[0] != 0 || wdf[1] < 1)
        fail_msg("%s: wdf of '%s' %ld (want 0), of '%s' %ld", id, bare,
                 wdf[0], possessive, wdf[1]);
    char *at_bare = positions_of(doc, bare);
    char *at_possessive = positions_of(doc, possessive);
    if (!*at_bare || strcmp(at_bare, at_possessive) != 0)
        fail_msg("%s: '%s' at \"%s\", '%s' at \"%s\"", id, bare, at_bare,
                 possessive, at_possessive);
    free(at_bare);
    free(at_possessive);
    xap_document_free(doc);
    xap_database_free(xdb);
}

/* A phrase (and ADJ, NEAR) finds a name written as a possessive: "Tony
 * Blair's visit" for '"Tony Blair"', "Gordon Brown’s" (U+2019) for
 * '"Gordon Brown"', in the title too; a plural's ("ministers' talks")
 * was found already. The possessive typed in a phrase finds only the
 * possessive. Before, the index had only "blair's" at that position: no
 * match (on the BBC corpus '"Tony Blair"' missed 19 of the 154 articles
 * writing it). The snippet and the title mark the possessive whole:
 * Xapian's snippets compared the phrase with "blair's" and marked
 * nothing, and "Tony" alone for the NEAR. */
static void test_possessive_in_phrase(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "possessive");
    static const struct {
        const char *name, *text;
    } files[] = {
        {"p/blair.txt", "Tony Blair's visit\n\n"
                        "Tony Blair's visit to Washington ended. The prime "
                        "minister's aides flew home.\n"},
        {"p/bare.txt", "Talks in Washington\n\n"
                       "Tony Blair said the talks went well.\n"},
        {"p/curly.txt", "Budget day\n\n"
                        "Gordon Brown\xE2\x80\x99s budget raised taxes.\n"},
        {"p/plural.txt", "Summit ends\n\n"
                         "The ministers' talks ended late.\n"},
        {"p/apart.txt", "Another Tony\n\n"
                        "Tony Benn met Blair's critics.\n"},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        tu_write_file(x.root, files[i].name, files[i].text,
                      strlen(files[i].text));
    small_index_build(&x);
    const char *db = x.db;
    static const char blairs[] = "p/bare.txt p/blair.txt";
    expect_ids(db, "\"Tony Blair\"", 0, blairs);
    expect_ids(db, "tony ADJ/1 blair", 0, blairs);
    expect_ids(db, "tony NEAR/1 blair", 0, blairs);
    expect_ids(db, "tony NEAR/3 blair", 0, "p/apart.txt " "p/bare.txt "
                                            "p/blair.txt");
    expect_ids(db, "\"Gordon Brown\"", 0, "p/curly.txt");
    expect_ids(db, "\"prime minister aides\"", 0, "p/blair.txt");
    expect_ids(db, "title:\"Tony Blair\"", 0, "p/blair.txt");
    expect_ids(db, "\"ministers talks\"", 0, "p/plural.txt");
    /* typed as a possessive: the possessive only, either apostrophe */
    expect_ids(db, "\"Tony Blair's\"", 0, "p/blair.txt");
    expect_ids(db, "\"Tony Blair\xE2\x80\x99s\"", 0, "p/blair.txt");
    expect_ids(db, "\"Gordon Brown's budget\"", 0, "p/curly.txt");
    expect_bare_word(db, "p/curly.txt", "brown", "brown's");
    expect_bare_word(db, "p/blair.txt", "Sblair", "Sblair's");
    /* marked whole, in the snippet and in the title */
    char snippet[1024], title[1024];
    assert_int_equal(first_hit(db, "\"Gordon Brown\"", NULL, snippet, NULL,
                               NULL, sizeof snippet), 1);
    assert_non_null(strstr(snippet, "[Gordon Brown\xE2\x80\x99s] budget"));
    assert_int_equal(first_hit(db, "\"Tony Blair\" AND aides", NULL, snippet,
                               title, NULL, sizeof snippet), 1);
    assert_non_null(strstr(snippet, "[Tony Blair's] visit"));
    assert_string_equal(title, "[Tony Blair's] visit");
    assert_int_equal(first_hit(db, "\"prime minister aides\"", NULL, snippet,
                               NULL, NULL, sizeof snippet), 1);
    assert_non_null(strstr(snippet, "[prime minister's aides]"));
    assert_int_equal(first_hit(db, "(tony NEAR/3 blair) AND critics", NULL,
                               snippet, NULL, NULL, sizeof snippet), 1);
    assert_non_null(strstr(snippet, "[Tony] Benn met [Blair's] [critics]"));
    small_index_end(&x);
}

/* The number of distinct terms of `parsed` (a query's description)
 * that start with `word` (after a space or bracket). */
static size_t distinct_terms_of(const char *parsed, const char *word)
{
    char seen[64][64];
    size_t n = 0, len = strlen(word);
    for (const char *p = strstr(parsed, word); p; p = strstr(p + 1, word)) {
        if (p[-1] != ' ' && p[-1] != '(')
            continue;
        size_t k = strcspn(p, "@ )");
        size_t i = 0;
        while (i < n && !(strlen(seen[i]) == k && strncmp(seen[i], p, k) == 0))
            i++;
        if (i == n && n < 64 && k < 64 && k >= len) {
            memcpy(seen[n], p, k);
            seen[n++][k] = '\0';
        }
    }
    return n;
}

/* Text longer than a snippet that has none of the words searched. */
#define OTHER_BUSINESS                                                        \
    "The committee then turned to housing, schools, roads, hospitals, the "  \
    "budget for the coming year, the state of the railways, the price of "   \
    "bread, the weather in the north, the opening hours of libraries, the "  \
    "cost of bus fares for pensioners, the planting of trees along the "     \
    "river, the repair of the old bridge, the lighting of the market "       \
    "square and the rules for parking near the station. "

/* Initials joined to a word ("U.S.-led", "anti-U.S.", "U.S./U.K.") or
 * before a possessive ("U.S.'s") are the word the indexer made of them
 * ("us"), as in a phrase: the query was lower-cased first, "u.s.-led",
 * which Xapian's parser reads as the letters "u s", so it found nothing.
 * Letters in lower case stay letters, as in a phrase. Checked on
 * test_hyphenated_word_forms's index, whose h/apart.txt has "us", "led",
 * "un" and "backed" apart. */
static void check_initials_joined(const char *db)
{
    static const char *const finds_initials[] = {
        "U.S.-led", "us-led", "\"U.S.-led coalition\"", "+U.S.-led",
        "U.S.-LED coalition", "U.S-led", "U.K.-based", "U.N.-backed",
        "anti-U.S.", "U.S./U.K.", "U.S.:Canada", "+U.S.'s +allies",
        /* a word before ':' that names no field is folded as a word:
         * "Zürich" was left so, which the index never holds */
        "Z\xC3\xBCrich:Basel",
    };
    for (size_t i = 0; i < sizeof finds_initials / sizeof *finds_initials;
         i++)
        expect_ids(db, finds_initials[i], 0, "h/initials.txt");
    char snippet[1024], parsed[4096];
    assert_int_equal(first_hit(db, "U.S.-led", NULL, snippet, NULL, parsed,
                               sizeof snippet), 1);
    assert_non_null(strstr(parsed, "(us@1 PHRASE 2 led@2)"));
    assert_non_null(strstr(snippet, "The [U.S.-led] coalition"));
    assert_int_equal(first_hit(db, "anti-U.S.", NULL, snippet, NULL, NULL,
                               sizeof snippet), 1);
    assert_non_null(strstr(snippet, "an [anti-U.S.] protest"));
    assert_int_equal(first_hit(db, "u.s.-led", NULL, NULL, NULL, parsed,
                               sizeof parsed), 0);
    assert_non_null(strstr(parsed, "(u@1 PHRASE 3 s@2 PHRASE 3 led@3)"));
}

/* A hyphenated word is a phrase of its parts, which Xapian searched as
 * written: "e-mail" did not find "e-mails", nor "anti-terror"
 * "anti-terrorism". Each part is also searched as the index's other words
 * of its stem (at most GZ_MAX_WORD_FORMS), still as a phrase: parts not
 * side by side do not match, nor does a quoted phrase find other forms.
 * A snippet shows a passage with the phrase when the article has one
 * (its words apart first, "pauses", "cease", showed no mark), and a word
 * is found there as Xapian reads it, however the article writes it
 * ("don’t" with U+2019, "U.S.", a zero-width space inside, a no-break
 * space after it): those showed the start of the body, unmarked. */
static void test_hyphenated_word_forms(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "hyphen");
    static const struct {
        const char *name, *text;
    } files[] = {
        {"h/mail.txt", "Inbox news\n\nShe wrote an e-mail on Monday.\n"},
        {"h/mails.txt", "Office life\n\nThe office sent many e-mails to "
                        "the staff.\n"},
        {"h/title.txt", "E-mails from the front\n\nLetters came home.\n"},
        {"h/apart.txt", "Vitamins\n\nVitamin e and mail order were "
                        "mentioned; mails came, e later. Tell us who led "
                        "the UN and who backed it.\n"},
        {"h/initials.txt", "Strikes\n\nThe U.S.-led coalition struck again "
                           "on Monday. A U.N.-backed force and a U.K.-based "
                           "firm joined; an anti-U.S. protest followed "
                           "U.S./U.K. talks before the U.S.:Canada game; "
                           "Z\xC3\xBCrich:Basel ended 2:1. The U.S.'s allies "
                           "met.\n"},
        {"h/terror.txt", "Laws\n\nNew anti-terrorism laws were passed.\n"},
        {"h/zebra.txt", "Zebrafoo\n\nanti-zebrafoo zebrafoos zebrafooed "
                        "zebrafooing zebrafooness zebrafooful zebrafooment "
                        "zebrafooments zebrafooation zebrafooations "
                        "zebrafooive zebrafooism zebrafooisms zebrafooize "
                        "zebrafooized zebrafooizing zebrafooal zebrafooally "
                        "zebrafooance zebrafooer zebrafooers\n"},
        {"r/region.txt", "Security review\n\nThe terror threat and "
                         "terrorism were discussed first; terrorism experts "
                         "spoke at length. " OTHER_BUSINESS "Ministers then "
                         "backed the anti-terror bill in a late vote.\n"},
        /* a phrase's words apart first, side by side later */
        {"p/pauses.txt", "Aid talks\n\nHumanitarian groups said pauses in "
                         "the shelling were too short. " OTHER_BUSINESS
                         "The envoy then asked for humanitarian pauses to "
                         "let aid in.\n"},
        {"p/ceasefire.txt", "Front line\n\nThe order to cease came as fire "
                            "spread through the town. " OTHER_BUSINESS
                            "Both sides then agreed a cease-fire at dawn.\n"},
        /* the words apart first, then written as Xapian reads them */
        {"w/written.txt", "Night shift\n\nFans were told to stop. The troops "
                          "moved north. The news said staff would room "
                          "together. Tony Benn said Blair was away. "
                          OTHER_BUSINESS "They sang \xE2\x80\x9C" "don"
                          "\xE2\x80\x99t stop\xE2\x80\x9D. Then U.S. troops "
                          "left. The news\xE2\x80\x8Broom staff cheered. "
                          "Tony\xC2\xA0" "Blair spoke.\n"},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        tu_write_file(x.root, files[i].name, files[i].text,
                      strlen(files[i].text));
    small_index_build(&x);
    const char *db = x.db;
    static const char mails[] = "h/mail.txt h/mails.txt h/title.txt";
    expect_ids(db, "e-mail", 0, mails);
    expect_ids(db, "e-mails", 0, mails);
    expect_ids(db, "E-Mail", 0, mails);
    expect_ids(db, "title:e-mail", 0, "h/title.txt");
    expect_ids(db, "anti-terror", 0, "h/terror.txt r/region.txt");
    /* still a phrase: "e and mail", "mails e" are no match */
    expect_ids(db, "e-mail AND vitamin", 0, "");
    expect_ids(db, "mail-e", 0, "");
    /* quoted, a phrase is the words as written */
    expect_ids(db, "\"e mail\"", 0, "h/mail.txt");
    expect_ids(db, "\"e-mail\"", 0, "h/mail.txt");
    /* the form found is marked */
    char snippet[1024], title[1024], parsed[4096];
    assert_int_equal(first_hit(db, "e-mail AND staff", NULL, snippet, NULL,
                               NULL, sizeof snippet), 1);
    assert_non_null(strstr(snippet, "[e-mails]"));
    assert_int_equal(first_hit(db, "title:e-mail", NULL, NULL, title, NULL,
                               sizeof title), 1);
    assert_string_equal(title, "[E-mails] from the front");
    /* the passage is the phrase's, not that of its forms alone */
    assert_int_equal(first_hit(db, "anti-terror source:r", NULL, snippet,
                               NULL, NULL, sizeof snippet), 1);
    assert_non_null(strstr(snippet, "[anti-terror] bill"));
    /* the passage of a phrase is one where its words stand side by side
     * (Xapian marks them only there), not the first with them all */
    assert_int_equal(first_hit(db, "\"humanitarian pauses\"", NULL, snippet,
                               NULL, NULL, sizeof snippet), 1);
    assert_non_null(strstr(snippet, "[humanitarian pauses] to let"));
    assert_int_equal(first_hit(db, "cease-fire", NULL, snippet, NULL, NULL,
                               sizeof snippet), 1);
    assert_non_null(strstr(snippet, "[cease-fire] at dawn"));
    static const struct {
        const char *query, *marked;
    } written[] = {
        {"\"don't stop\"", "[don\xE2\x80\x99t stop]"},
        {"\"don\xE2\x80\x99t stop\"", "[don\xE2\x80\x99t stop]"},
        {"don't", "[don\xE2\x80\x99t]"},
        {"\"U.S. troops\"", "[U.S. troops]"},
        {"\"US troops\"", "[U.S. troops]"},
        {"\"newsroom staff\"", "[news\xE2\x80\x8Broom staff]"},
        {"newsroom", "[news\xE2\x80\x8Broom]"},
        {"\"Tony Blair\"", "[Tony\xC2\xA0" "Blair]"},
    };
    int unmarked = 0;
    for (size_t i = 0; i < sizeof written / sizeof *written; i++) {
        assert_int_equal(first_hit(db, written[i].query, NULL, snippet, NULL,
                                   NULL, sizeof snippet), 1);
        if (!strstr(snippet, written[i].marked)) {
            print_message("'%s': snippet '%s' lacks '%s'\n",
                          written[i].query, snippet, written[i].marked);
            unmarked++;
        }
    }
    assert_int_equal(unmarked, 0);
    check_initials_joined(db);
    /* at most GZ_MAX_WORD_FORMS forms of a part, the word among them */
    assert_int_equal(first_hit(db, "anti-zebrafoo", NULL, NULL, NULL, parsed,
                               sizeof parsed), 1);
    assert_int_equal(distinct_terms_of(parsed, "zebrafoo"), 16);
    assert_non_null(strstr(parsed, "(zebrafoo@2 SYNONYM "));
    small_index_end(&x);
}

/* A word written otherwise than Xapian reads it (initials, a curly
 * apostrophe, a zero-width character) is read by the snippet's passage
 * picker in time bounded by the longest term Xapian keeps: a body of
 * 64 KB of "U.S.U.S...", "d’d’..." or "n<U+200B>n..." (one word each,
 * too long for a term) took seconds, each of its letters a word start
 * whose reading ran to the end of the body. */
static void test_snippet_long_odd_words(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "oddwords");
    static const struct {
        const char *name, *lead, *unit, *query, *marked;
    } files[] = {
        {"i/initials.txt", "Initials\n\nThe us envoy spoke. ", "U.S.",
         "us source:i", "[us]"},
        {"q/quotes.txt", "Quotes\n\nWe don't know. ", "d\xE2\x80\x99",
         "don't source:q", "[don't]"},
        {"n/zero.txt", "Zero\n\nThe newsroom is open. ", "n\xE2\x80\x8B",
         "newsroom source:n", "[newsroom]"},
    };
    enum { BODY = 64 * 1024 };
    char *text = malloc(BODY + 128);
    assert_non_null(text);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        size_t n = strlen(files[i].lead), u = strlen(files[i].unit);
        memcpy(text, files[i].lead, n);
        while (n + u <= BODY) {
            memcpy(text + n, files[i].unit, u);
            n += u;
        }
        text[n++] = '\n';
        tu_write_file(x.root, files[i].name, text, n);
    }
    free(text);
    small_index_build(&x);
    char snippet[1024];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        clock_t t0 = clock();
        assert_int_equal(first_hit(x.db, files[i].query, NULL, snippet, NULL,
                                   NULL, sizeof snippet), 1);
        double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
        if (!strstr(snippet, files[i].marked) || s > 1.0)
            fail_msg("'%s': %.2f s of CPU, snippet '%.80s'", files[i].query,
                     s, snippet);
    }
    small_index_end(&x);
}

/* A word inside a run of Chinese, Japanese or Korean text without spaces
 * is found (Xapian's CJK n-grams), ranked, phrased, mixed with English
 * words and fields, and highlighted; words that are not there find
 * nothing. An index written before found only a whole run ("北京" in
 * "北京市政府宣布..." found nothing). */
static void test_cjk_words(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "cjk");
    const char *db = x.db;
    write_cjk_articles(x.root, NULL);
    assert_int_equal(tu_run("'%s' --quiet -j 3 --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, x.root),
                     0);
    assert_int_equal(cjk_key_state(db), 1);   /* every shard */
    /* n-grams, without the Z terms the query parser never searches */
    xap_database *xdb = NULL;
    assert_int_equal(xap_database_open(db, &xdb), XAP_OK);
    static const char *const terms[] = {"北京", "北", "S北京", "防災",
                                        "서울", "who", "Zwho"};
    static const char *const absent[] = {"Z北京", "Z北", "ZS北京",
                                         "北京市政府周一宣布",
                                         "who事務局長も会見で協力を表明した"};
    for (size_t i = 0; i < sizeof terms / sizeof *terms; i++) {
        int there = 0;
        assert_int_equal(xap_database_term_exists(xdb, terms[i], &there),
                         XAP_OK);
        if (!there)
            fail_msg("no term %s", terms[i]);
    }
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++) {
        int there = 1;
        assert_int_equal(xap_database_term_exists(xdb, absent[i], &there),
                         XAP_OK);
        if (there)
            fail_msg("term %s", absent[i]);
    }
    xap_database_free(xdb);
    static const char metro[] = "zh/beijing-metro.txt";
    static const char weather[] = "zh/beijing-weather.txt";
    static const char tokyo[] = "ja/tokyo-quake.txt";
    /* 北 and 京 are in the Shanghai article too, but not side by side */
    expect_ids(db, "北京", 0,
               "zh/beijing-metro.txt zh/beijing-weather.txt");
    expect_ids(db, "南京", 0, "");
    expect_ids(db, "防災計画", 0, tokyo);
    expect_ids(db, "計画", 0, "ja/osaka-tourism.txt ja/tokyo-quake.txt");
    expect_ids(db, "관광", 0, "");
    expect_ids(db, "버스", 0, "ko/seoul-bus.txt");
    expect_ids(db, "\"地铁线路\"", 0, "zh/beijing-metro.txt");
    expect_ids(db, "\"线路地铁\"", 0, "");
    expect_ids(db, "北京 -地铁", 0, "zh/beijing-weather.txt");
    expect_ids(db, "title:北京", 0,
               "zh/beijing-metro.txt zh/beijing-weather.txt");
    expect_ids(db, "title:天气 OR title:地铁", 0,
               "zh/beijing-metro.txt zh/beijing-weather.txt");
    expect_ids(db, "Beijing 北京", 0,
               "en/beijing-metro.txt en/rotterdam-port.txt "
               "zh/beijing-metro.txt zh/beijing-weather.txt");
    expect_ids(db, "Beijing 北京", 1, "");
    expect_ids(db, "metro 北京", 1, "");
    expect_ids(db, "WHO 事務局長", 1, tokyo);
    char id[512], snippet[1024], title[512], parsed[1024];
    /* the article with both words first */
    assert_true(first_hit(db, "北京 地铁", id, NULL, NULL, NULL,
                          sizeof id) == 2);
    assert_string_equal(id, metro);
    assert_true(first_hit(db, "天气", id, NULL, NULL, NULL, sizeof id) == 1);
    assert_string_equal(id, weather);
    /* the matches marked as words, not character by character */
    assert_true(first_hit(db, "北京 地铁", id, snippet, title, NULL,
                          sizeof snippet) == 2);
    if (!strstr(snippet, "[北京]市政府周一宣布") ||
        !strstr(snippet, "新的[地铁]线路"))
        fail_msg("snippet: %s", snippet);
    assert_string_equal(title, "[北京]市政府宣布新的[地铁]计划");
    assert_true(first_hit(db, "\"防災計画\"", NULL, snippet, title, NULL,
                          sizeof snippet) == 1);
    if (!strstr(snippet, "新しい[防災計画]を発表"))
        fail_msg("snippet: %s", snippet);
    /* an English word beside Japanese text is a word of its own (both
     * matched: one highlight) */
    assert_true(first_hit(db, "WHO 事務局長", NULL, snippet, NULL, parsed,
                          sizeof snippet) == 1);
    if (!strstr(snippet, "[WHO事務局長]") || !strstr(parsed, "who"))
        fail_msg("snippet: %s; parsed: %s", snippet, parsed);
    /* NEAR and ADJ cannot take CJK text, said in so many words */
    gazette_index_t *index = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, "北京 NEAR 地铁", NULL, &r),
                     GAZETTE_STATUS_QUERY_SYNTAX);
    if (!strstr(gazette_index_error(index), "Chinese"))
        fail_msg("%s", gazette_index_error(index));
    /* Nor do caps: and upper:, whose words Xapian makes n-grams under
     * prefixes these fields have none of: refused, where that part of
     * the query was dropped in silence (beside a word that matches) or
     * left "nothing to search for" (alone) */
    static const char *const caps_cjk[] = {
        "caps:北京", "upper:地铁 Beijing", "Beijing caps:北京",
        "+caps:北京 metro", "caps:(北京 NASA)", "title:(upper:北京)"};
    for (size_t i = 0; i < sizeof caps_cjk / sizeof *caps_cjk; i++) {
        gazette_status_t st = gazette_search(index, caps_cjk[i], NULL, &r);
        const char *e = gazette_index_error(index);
        if (st != GAZETTE_STATUS_QUERY_SYNTAX || !strstr(e, "caps:") ||
            !strstr(e, "Chinese, Japanese or Korean text"))
            fail_msg("'%s': status %d, '%s'", caps_cjk[i], (int)st, e);
        gazette_results_free(r);
        r = NULL;
    }
    /* a word in capitals beside CJK text is still that word */
    assert_int_equal(gazette_search(index, "caps:WHO事務局長", NULL, &r),
                     GAZETTE_STATUS_OK);
    gazette_results_free(r);
    r = NULL;
    gazette_index_close(index);
    /* JSON: the CJK text as it is, the highlights on it */
    assert_int_equal(tu_run("'%s' --db '%s' --json 北京 > '%s'",
                            tu_binary("query/cli/gazette-query"), db, x.out),
                     0);
    FILE *f = fopen(x.out, "r");
    assert_non_null(f);
    char line[1 << 14];
    size_t hits = 0;
    while (fgets(line, sizeof line, f)) {
        json_error_t jerr;
        json_t *o = json_loads(line, 0, &jerr);
        assert_non_null(o);
        if (strcmp(json_string_value(json_object_get(o, "type")), "hit") ==
            0) {
            hits++;
            const char *snip =
                json_string_value(json_object_get(o, "snippet"));
            json_t *hl = json_object_get(o, "highlights");
            assert_true(json_array_size(hl) > 0);
            for (size_t k = 0; k < json_array_size(hl); k++) {
                json_t *pair = json_array_get(hl, k);
                size_t b = (size_t)json_integer_value(json_array_get(pair, 0));
                size_t e = (size_t)json_integer_value(json_array_get(pair, 1));
                assert_true(b < e && e <= strlen(snip));
                if (e - b != strlen("北京") ||
                    memcmp(snip + b, "北京", e - b) != 0)
                    fail_msg("highlight %zu..%zu of %s", b, e, snip);
            }
        }
        json_decref(o);
    }
    fclose(f);
    assert_int_equal(hits, 2);
    small_index_end(&x);
}

/* A CJK word of the query marks the text where the text has it, not
 * each of its characters wherever one stands: "港口" is searched as 港
 * AND 港口 AND 口, and Xapian's snippets marked 港 of "上海港务局" and 口
 * of "出口" in the Shanghai article, which has 港口 in its title only.
 * Before, its snippet had "[港]" and "[口]"; now none (the title matched
 * alone: the snippet is the start of the body), and the title still
 * "上海[港口]...". Two words of one character each ("港 口") are each
 * marked wherever they are. */
static void test_cjk_lone_characters_not_marked(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "cjk-lone");
    write_cjk_articles(x.root, "zh/");
    small_index_build(&x);
    char snippet[1024], title[512];
    assert_true(first_hit(x.db, "港口", NULL, snippet, title, NULL,
                          sizeof snippet) == 1);
    if (strchr(snippet, '['))
        fail_msg("snippet: %s", snippet);
    assert_string_equal(title, "上海[港口]货运量创新高");
    assert_true(first_hit(x.db, "出口", NULL, snippet, NULL, NULL,
                          sizeof snippet) == 1);
    if (!strstr(snippet, "北方的[出口]需求") || strstr(snippet, "[上]"))
        fail_msg("snippet: %s", snippet);
    assert_true(first_hit(x.db, "港 口", NULL, snippet, NULL, NULL,
                          sizeof snippet) == 1);
    if (!strstr(snippet, "上海[港]务局") || !strstr(snippet, "出[口]"))
        fail_msg("snippet: %s", snippet);
    small_index_end(&x);
}

/* A snippet that reaches the end of the body ends as the body does. Xapian
 * keeps what follows the last word only when its last character is '.',
 * '?' or '!', and else writes "..." as if text were left out: a body
 * ending with a quote closed after the full stop (news writes "fine.\u201d",
 * the BBC corpus "fine.\"": 10 of 1500 snippets of 13 queries), "zoo.)"
 * or an ideographic full stop lost them and got "..." instead. A snippet
 * cut before the end still says so. */
static void test_snippet_keeps_final_punctuation(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "final-punct");
    write_article(x.root, "s/a.txt", "Keeper",
                  "The okapi keeper said: \u201cThe herd is fine.\u201d\n");
    write_article(x.root, "s/b.txt", "Quagga",
                  "The quagga was last seen alive in 1883 (in a zoo.)\n");
    write_article(x.root, "s/c.txt", "Tapir",
                  "The tapir sleeps all day\u3002\n");
    char long_body[4096] = "The zebu grazes.";
    for (int i = 0; i < 80; i++)
        strcat(long_body, " Herders walk the dry plain.");
    strcat(long_body, " \u201cAll is well.\u201d\n");
    write_article(x.root, "s/d.txt", "Zebu", long_body);
    small_index_build(&x);
    char snippet[1024];
    assert_true(first_hit(x.db, "okapi", NULL, snippet, NULL, NULL,
                          sizeof snippet) == 1);
    assert_string_equal(snippet,
                        "The [okapi] keeper said: \u201cThe herd is fine.\u201d");
    assert_true(first_hit(x.db, "quagga", NULL, snippet, NULL, NULL,
                          sizeof snippet) == 1);
    assert_string_equal(snippet,
                        "The [quagga] was last seen alive in 1883 (in a zoo.)");
    assert_true(first_hit(x.db, "tapir", NULL, snippet, NULL, NULL,
                          sizeof snippet) == 1);
    assert_string_equal(snippet, "The [tapir] sleeps all day\u3002");
    assert_true(first_hit(x.db, "zebu", NULL, snippet, NULL, NULL,
                          sizeof snippet) == 1);
    size_t n = strlen(snippet);
    if (!strstr(snippet, "[zebu] grazes.") || n < 3 ||
        strcmp(snippet + n - 3, "...") != 0)
        fail_msg("snippet: %s", snippet);
    small_index_end(&x);
}

/* Latin letters and digits written full width in Japanese news
 * ("ＮＨＫ", "ｉＰｈｏｎｅ", "２０２４") are the ASCII words they spell, in
 * the index and in queries, whichever width either side has: NHK in
 * capitals is the acronym, as "NHK". Halfwidth katakana is katakana
 * ("ｶﾞｲﾄﾞ" is "ガイド"). Greek and Cyrillic capitals still match their
 * lower case. Before, the index held the fullwidth letters as n-grams in
 * their case ("Ｎ", "ＮＨ") and queries lower-cased them ("ｎ", "ｎｈ"):
 * "ＮＨＫ" found nothing, nor did "NHK" find the Japanese article. */
static void test_fullwidth_words(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "fullwidth");
    const char *db = x.db;
    write_article(x.root, "ja/nhk.txt", "ＮＨＫによると東京で地震",
                  "ＮＨＫによると、東京で地震があった。ＪＲ東日本は運転を"
                  "見合わせた。ｉＰｈｏｎｅとＧＤＰ、２０２４年。"
                  "ﾊﾟｿｺﾝのｶﾞｲﾄﾞﾌﾞｯｸ。\n");
    write_article(x.root, "en/nhk.txt", "NHK reports iPhone sales",
                  "Japan's broadcaster NHK said iPhone sales rose in 2024.\n");
    write_article(x.root, "ja/abc.txt", "ＡＢＣ", "ＡＢＣ\n");
    write_article(x.root, "en/link.txt", "Links", "See www.nhk.or.jp.\n");
    write_article(x.root, "el/athens.txt", "ΑΘΗΝΑ ΚΑΙ МОСКВА",
                  "Η ΑΘΗΝΑ και η МОСКВА.\n");
    small_index_build(&x);
    xap_database *xdb = NULL;
    assert_int_equal(xap_database_open(db, &xdb), XAP_OK);
    static const char *const terms[] = {"nhk", "iphone", "jr", "2024",
                                        "XUnhk", "ガイ", "パソ", "abc"};
    static const char *const absent[] = {"Ｎ", "ＮＨ", "ｎ", "ｎｈ", "ｶ",
                                         "２", "ﾞ"};
    for (size_t i = 0; i < sizeof terms / sizeof *terms; i++) {
        int there = 0;
        assert_int_equal(xap_database_term_exists(xdb, terms[i], &there),
                         XAP_OK);
        if (!there)
            fail_msg("no term %s", terms[i]);
    }
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++) {
        int there = 1;
        assert_int_equal(xap_database_term_exists(xdb, absent[i], &there),
                         XAP_OK);
        if (there)
            fail_msg("term %s", absent[i]);
    }
    xap_database_free(xdb);
    /* the same as ASCII: a query all in capitals is plain words, NHK
     * beside a lower-case word is the acronym (not the link's "nhk") */
    static const char both[] = "en/nhk.txt ja/nhk.txt";
    static const char three[] = "en/link.txt en/nhk.txt ja/nhk.txt";
    static const struct {
        const char *query, *ids;
    } same[] = {
        {"ＮＨＫ", three}, {"NHK", three}, {"nhk", three}, {"ｎｈｋ", three},
        {"ＮＨＫ ＩＰＨＯＮＥ", three}, {"ＮＨＫ ｓａｌｅｓ", both},
        {"NHK sales", both}, {"ｉＰｈｏｎｅ", both}, {"iphone", both},
        {"IPHONE", both}, {"２０２４", both}, {"2024", both},
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
        expect_ids(db, same[i].query, 0, same[i].ids);
    expect_ids(db, "ＪＲ", 0, "ja/nhk.txt");
    expect_ids(db, "ＮＨＫ 東京", 1, "ja/nhk.txt");
    expect_ids(db, "ＧＤＰ fullwidth", 0, "ja/nhk.txt");
    expect_ids(db, "ＡＢＣ", 0, "ja/abc.txt");
    expect_ids(db, "ＡＢＣ fullwidth", 0, "ja/abc.txt");
    expect_ids(db, "abc", 0, "ja/abc.txt");
    expect_ids(db, "ガイドブック", 0, "ja/nhk.txt");
    expect_ids(db, "ｶﾞｲﾄﾞﾌﾞｯｸ", 0, "ja/nhk.txt");
    expect_ids(db, "\"パソコン\"", 0, "ja/nhk.txt");
    expect_ids(db, "αθηνα", 0, "el/athens.txt");
    expect_ids(db, "москва", 0, "el/athens.txt");
    /* highlighted where the text has them, at their width */
    char snippet[1024];
    assert_true(first_hit(db, "ｉＰｈｏｎｅ ＪＲ ｶﾞｲﾄﾞﾌﾞｯｸ", NULL, snippet,
                          NULL, NULL, sizeof snippet) == 2);
    if (!strstr(snippet, "[ＪＲ]東日本") || !strstr(snippet, "[ｉＰｈｏｎｅ]と") ||
        !strstr(snippet, "の[ｶﾞｲﾄﾞﾌﾞｯｸ]"))
        fail_msg("snippet: %s", snippet);
    small_index_end(&x);
}

/* A query's CJK characters count as words towards
 * GAZETTE_MAX_QUERY_TERMS (each is a term, and its pair with the next
 * another): a long run is refused with a reason, not searched for long. */
static void test_cjk_query_limit(void **state)
{
    (void)state;
    static const char chars[] = "北京市政府宣布新的地铁计划";
    size_t nchars = strlen(chars) / 3;
    char query[GAZETTE_MAX_QUERY_BYTES];
    size_t len = 0;
    for (size_t i = 0; i < GAZETTE_MAX_QUERY_TERMS; i++, len += 3)
        memcpy(query + len, chars + 3 * (i % nchars), 3);
    query[len] = '\0';
    gazette_index_t *index = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open(fx.sample.db, &index),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, query, NULL, &r),
                     GAZETTE_STATUS_OK);
    gazette_results_free(r);
    memcpy(query + len, "北", 4);   /* one more */
    assert_int_equal(gazette_search(index, query, NULL, &r),
                     GAZETTE_STATUS_QUERY_SYNTAX);
    const char *why = gazette_index_error(index);
    if (!strstr(why, "257 words") || !strstr(why, "Chinese"))
        fail_msg("%s", why);
    /* as words of a phrase too */
    query[0] = '"';
    memcpy(query + len + 3, "\"", 2);
    assert_int_equal(gazette_search(index, query, NULL, &r),
                     GAZETTE_STATUS_QUERY_SYNTAX);
    gazette_index_close(index);
}

/* `n` words w0, w1, ... joined by `sep` into `out` (at least
 * GAZETTE_MAX_QUERY_BYTES bytes), between `open` and `close` (quotes or
 * ""). */
static void joined_words(char *out, unsigned n, const char *sep,
                         const char *open, const char *close)
{
    size_t len = (size_t)sprintf(out, "%s", open);
    for (unsigned i = 0; i < n; i++)
        len += (size_t)sprintf(out + len, "%sw%u", i ? sep : "", i);
    sprintf(out + len, "%s", close);
}

/* The words of a hyphenated word (and of other words the parser makes a
 * phrase of, w0/w1, w0.w1, w0@w1, or several words of, w0,w1) count
 * towards GAZETTE_MAX_QUERY_TERMS as its quoted phrase's do: "w0-w1-...
 * -w999" was searched as a phrase of 1000 terms. A word that stays one
 * term (w0'w1, a filter's value) counts once. */
static void test_joined_words_query_limit(void **state)
{
    (void)state;
    static const struct {
        const char *sep, *open, *close;
        unsigned words;
        gazette_status_t want;
    } cases[] = {
        {" ", "\"", "\"", GAZETTE_MAX_QUERY_TERMS + 1,
         GAZETTE_STATUS_QUERY_SYNTAX},
        {"-", "", "", GAZETTE_MAX_QUERY_TERMS, GAZETTE_STATUS_OK},
        {"-", "", "", GAZETTE_MAX_QUERY_TERMS + 1, GAZETTE_STATUS_QUERY_SYNTAX},
        {"-", "", "", 1000, GAZETTE_STATUS_QUERY_SYNTAX},
        {"-", "title:", "", GAZETTE_MAX_QUERY_TERMS + 1,
         GAZETTE_STATUS_QUERY_SYNTAX},
        {"/", "", "", GAZETTE_MAX_QUERY_TERMS + 1, GAZETTE_STATUS_QUERY_SYNTAX},
        {".", "", "", GAZETTE_MAX_QUERY_TERMS + 1, GAZETTE_STATUS_QUERY_SYNTAX},
        {"@", "", "", GAZETTE_MAX_QUERY_TERMS + 1, GAZETTE_STATUS_QUERY_SYNTAX},
        {",", "", "", GAZETTE_MAX_QUERY_TERMS + 1, GAZETTE_STATUS_QUERY_SYNTAX},
        {"'", "", "", 300, GAZETTE_STATUS_OK},   /* one term */
        {".", "tag:", "", 300, GAZETTE_STATUS_OK},   /* one value */
    };
    static char query[GAZETTE_MAX_QUERY_BYTES];
    gazette_index_t *index = NULL;
    assert_int_equal(gazette_index_open(fx.sample.db, &index),
                     GAZETTE_STATUS_OK);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        joined_words(query, cases[i].words, cases[i].sep, cases[i].open,
                     cases[i].close);
        gazette_results_t *r = NULL;
        gazette_status_t got = gazette_search(index, query, NULL, &r);
        gazette_results_free(r);
        char want[64];
        snprintf(want, sizeof want, "the query has %u words; at most %u",
                 cases[i].words, GAZETTE_MAX_QUERY_TERMS);
        if (got != cases[i].want ||
            (got != GAZETTE_STATUS_OK &&
             !strstr(gazette_index_error(index), want)))
            fail_msg("%u words joined by '%s': status %d, %s",
                     cases[i].words, cases[i].sep, (int)got,
                     gazette_index_error(index));
    }
    gazette_index_close(index);
}

/* An index written before CJK n-grams (articles, and no key saying it
 * has them) is searched and updated as before until --full: its CJK text
 * stays whole runs, an update says so once, and a query finds a whole
 * run; --full rebuilds it with n-grams. */
static void test_cjk_old_index(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "cjkold");
    const char *db = x.db;
    write_cjk_articles(x.root, "en/");
    assert_int_equal(tu_run("'%s' --quiet -j 2 --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, x.root),
                     0);
    each_shard(db, drop_cjk_key, NULL);
    assert_int_equal(cjk_key_state(db), 0);
    write_cjk_articles(x.root, "zh/");
    write_cjk_articles(x.root, "ja/");
    assert_int_equal(tu_run("'%s' -j 2 --db '%s' '%s' > /dev/null 2> '%s'",
                            tu_binary("indexer/gazette-index"), db, x.root,
                            x.out),
                     0);
    size_t len = 0;
    char *err = read_all(x.out, &len);
    assert_non_null(err);
    const char *w = strstr(err, "indexed as whole runs");
    if (!w || strstr(w + 1, "indexed as whole runs") ||
        !strstr(err, "gazette-index --full"))
        fail_msg("stderr: %s", err);
    free(err);
    assert_int_equal(cjk_key_state(db), 0);
    /* whole runs, as before: the run is found, a word inside it is not */
    expect_ids(db, "北京今天天气晴朗", 0, "zh/beijing-weather.txt");
    expect_ids(db, "北京", 0, "");
    expect_ids(db, "防災計画", 0, "");
    expect_ids(db, "Beijing", 0,
               "en/beijing-metro.txt en/rotterdam-port.txt");
    char parsed[1024];
    first_hit(db, "北京今天天气晴朗", NULL, NULL, NULL, parsed, sizeof parsed);
    if (strstr(parsed, "北京@"))
        fail_msg("parsed as n-grams: %s", parsed);
    /* a whole run is a word caps: can take: searched, not refused */
    expect_ids(db, "caps:北京今天天气晴朗", 0, "");
    /* searched with an index of n-grams, both are read as whole runs */
    small_index y;
    small_index_start(&y, "cjknew");
    write_cjk_articles(y.root, "ja/");
    small_index_build(&y);
    assert_int_equal(cjk_key_state(y.db), 1);
    const char *both[2] = {db, y.db};
    gazette_index_t *index = NULL;
    gazette_results_t *r = NULL;
    assert_int_equal(gazette_index_open_multi(both, 2, 0, &index),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, "北京今天天气晴朗", NULL, &r),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(r), 1);
    /* which the results say, naming the older index and the remedy by
     * its setter (gazette-query says gazette-index --full) */
    const char *warning = gazette_results_warning(r);
    if (!strstr(warning, db) || !strstr(warning, "whole runs") ||
        !strstr(warning, "(rebuild it with gazette_update_set_full)") ||
        strstr(warning, "--"))
        fail_msg("warning: %s", warning);
    gazette_results_free(r);
    assert_int_equal(tu_run("'%s' --db '%s' --db '%s' '北京今天天气晴朗' "
                            ">/dev/null 2>'%s'",
                            tu_binary("gazette-query"), db, y.db, x.out), 0);
    assert_int_equal(tu_run("grep -q 'whole runs.*(rebuild it with "
                            "gazette-index --full)' '%s'", x.out), 0);
    assert_int_equal(tu_run("'%s' --json --db '%s' --db '%s' "
                            "'北京今天天气晴朗' 2>/dev/null | grep '\"summary\"' "
                            "| grep -q '(rebuild it with gazette-index --full)'",
                            tu_binary("gazette-query"), db, y.db), 0);
    assert_int_equal(gazette_search(index, "Beijing", NULL, &r),
                     GAZETTE_STATUS_OK);
    assert_string_equal(gazette_results_warning(r), "");
    gazette_results_free(r);
    gazette_index_close(index);
    small_index_end(&y);
    /* --full: n-grams, also for a handle opened before it */
    assert_int_equal(gazette_index_open(db, &index), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_search(index, "北京", NULL, &r),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(r), 0);
    gazette_results_free(r);
    assert_int_equal(tu_run("'%s' --quiet --full --db '%s' '%s'",
                            tu_binary("indexer/gazette-index"), db, x.root),
                     0);
    assert_int_equal(cjk_key_state(db), 1);
    assert_int_equal(gazette_search(index, "北京", NULL, &r),
                     GAZETTE_STATUS_OK);
    assert_int_equal(gazette_results_count(r), 2);
    gazette_results_free(r);
    gazette_index_close(index);
    expect_ids(db, "北京", 0,
               "zh/beijing-metro.txt zh/beijing-weather.txt");
    expect_ids(db, "防災計画", 0, "ja/tokyo-quake.txt");
    small_index_end(&x);
}

/* Put the article `a` of cjk_articles into the index at `db` through the
 * writer API. */
static void put_cjk_article(const char *db, size_t a)
{
    gazette_writer_t *w = NULL;
    gazette_article_t *art = NULL;
    assert_int_equal(gazette_writer_open(db, NULL, 0, &w), GAZETTE_STATUS_OK);
    assert_int_equal(gazette_article_new(&art), GAZETTE_STATUS_OK);
    gazette_article_set(art, GAZETTE_FIELD_ID, cjk_articles[a].name);
    gazette_article_set(art, GAZETTE_FIELD_TITLE, cjk_articles[a].title);
    gazette_article_set(art, GAZETTE_FIELD_BODY, cjk_articles[a].body);
    assert_int_equal(gazette_writer_put(w, art), GAZETTE_STATUS_OK);
    gazette_article_free(art);
    assert_int_equal(gazette_writer_close(w), GAZETTE_STATUS_OK);
}

/* The writer API writes CJK text as the index holds it: n-grams into a
 * new index, whole runs into one written before. */
static void test_cjk_writer(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "cjkwriter");
    char old[4300];
    snprintf(old, sizeof old, "%s/old", x.tmp);
    put_cjk_article(x.db, 0);          /* zh/beijing-metro.txt */
    assert_int_equal(cjk_key_state(x.db), 1);
    expect_ids(x.db, "北京", 0, "zh/beijing-metro.txt");
    put_cjk_article(old, 6);           /* en/rotterdam-port.txt */
    each_shard(old, drop_cjk_key, NULL);
    put_cjk_article(old, 1);           /* zh/beijing-weather.txt */
    assert_int_equal(cjk_key_state(old), 0);
    expect_ids(old, "北京", 0, "");
    expect_ids(old, "北京今天天气晴朗", 0, "zh/beijing-weather.txt");
    small_index_end(&x);
}

/* The spelling data holds no CJK n-gram (nor any CJK text): "北京" in
 * three articles would otherwise be Xapian's suggestion for "北亰", and
 * each article's hundreds of n-grams would fill the table. English words
 * are suggested as before. */
static void test_cjk_spelling(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "cjkspell");
    write_cjk_articles(x.root, NULL);
    small_index_build(&x);
    xap_database *db = NULL;
    assert_int_equal(xap_database_open(x.db, &db), XAP_OK);
    static const struct {
        const char *word, *want;
    } cases[] = {
        {"北亰", ""}, {"北亰市", ""}, {"防災計劃", ""}, {"서울사", ""},
        {"rotterdan", "rotterdam"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = NULL;
        assert_int_equal(xap_database_spelling_suggestion(db, cases[i].word,
                                                          2, &got),
                         XAP_OK);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("'%s': suggested '%s'", cases[i].word, got);
        free(got);
    }
    xap_database_free(db);
    small_index_end(&x);
}

/* Near-duplicates in Chinese: a copy with one character changed is shown
 * once, another article is not; a run of text without spaces is no word
 * for the fingerprint (it would make each clause a word, and an article
 * of fewer than 30 clauses would have no fingerprint at all). */
static void test_cjk_near_duplicates(void **state)
{
    (void)state;
    small_index x;
    small_index_start(&x, "cjkdup");
    static const char body[] =
        "北京市政府周一宣布，明年春天将开通三条新的地铁线路，"
        "其中一条连接首都机场和城市东部的商业区。市长在新闻发布会上表示，"
        "新线路将缓解城市中心的交通拥堵，每天可以运送大约一百万名乘客。"
        "市民对这一计划普遍表示欢迎，但也有人担心施工期间的噪音问题。\n";
    write_article(x.root, "zh/metro.txt", "北京地铁扩建", body);
    char copy[sizeof body];
    memcpy(copy, body, sizeof body);
    char *n = strstr(copy, "一百万");   /* one million -> two million */
    assert_non_null(n);
    memcpy(n, "两", strlen("两"));
    write_article(x.root, "zh/metro-copy.txt", "北京地铁扩建", copy);
    write_cjk_articles(x.root, "zh/beijing-weather");
    small_index_build(&x);
    uint32_t *dups = NULL;
    size_t count = 0;
    char **ids = page_ids(x.db, "北京", 1, 0, 10, &dups, &count);
    if (count != 2)
        fail_msg("'北京': %zu hits, want 2 (%s, %s, ...)", count, ids[0],
                 count > 1 ? ids[1] : "");
    for (size_t i = 0; i < count; i++)
        assert_int_equal(dups[i], strncmp(ids[i], "zh/metro", 8) == 0);
    free(dups);
    free_ids(ids, count);
    ids = page_ids(x.db, "北京", 0, 0, 10, NULL, &count);
    assert_int_equal(count, 3);
    free_ids(ids, count);
    /* the fingerprints: 30 words or more with CJK characters as words */
    uint64_t a = 0, b = 0;
    assert_true(gz_simhash(body, strlen(body), 1, &a) >= GZ_SIMHASH_MIN_WORDS);
    assert_true(gz_simhash(copy, strlen(copy), 1, &b) >= GZ_SIMHASH_MIN_WORDS);
    assert_true(gz_simhash_distance(a, b) <= GZ_SIMHASH_DISTANCE);
    assert_true(gz_simhash(body, strlen(body), 0, &a) < GZ_SIMHASH_MIN_WORDS);
    small_index_end(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_and_stemming),
        cmocka_unit_test(test_phrases),
        cmocka_unit_test(test_boolean_operators),
        cmocka_unit_test(test_near_adj),
        cmocka_unit_test(test_wildcards),
        cmocka_unit_test(test_wildcard_limit_over_shards),
        cmocka_unit_test(test_database_reached_twice_is_refused),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_eight_digit_dates),
        cmocka_unit_test(test_quoted_dates),
        cmocka_unit_test(test_dots_in_text),
        cmocka_unit_test(test_malformed_queries),
        cmocka_unit_test(test_nothing_to_search),
        cmocka_unit_test(test_unreadable_syntax_refused),
        cmocka_unit_test(test_sign_without_word_named),
        cmocka_unit_test(test_operator_without_word_named),
        cmocka_unit_test(test_operators_alone),
        cmocka_unit_test(test_proximity_without_word),
        cmocka_unit_test(test_only_excluded_words),
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_filters_alone_newest_first),
        cmocka_unit_test(test_date_order_without_feedback),
        cmocka_unit_test(test_filters_alone_ties_by_path),
        cmocka_unit_test(test_feedback_ties_by_path),
        cmocka_unit_test(test_copies_of_hit_tied_past_page),
        cmocka_unit_test(test_copies_counted_at_page_floor),
        cmocka_unit_test(test_pages_of_one_ranking),
        cmocka_unit_test(test_snippet_highlights),
        cmocka_unit_test(test_title_field_highlights),
        cmocka_unit_test(test_excluded_words_not_highlighted),
        cmocka_unit_test(test_stem_keeps_first_letter),
        cmocka_unit_test(test_stem_cache_is_snowball),
        cmocka_unit_test(test_snippet_stemmer_same_snippets),
        cmocka_unit_test(test_facets),
        cmocka_unit_test(test_facet_source_bucket),
        cmocka_unit_test(test_facets_leave_page),
        cmocka_unit_test(test_facet_lists),
        cmocka_unit_test(test_facets_count_shown_copy),
        cmocka_unit_test(test_facets_count_tied_copy),
        cmocka_unit_test(test_entity_facet_is_entity_filter),
        cmocka_unit_test(test_entity_acronym_heads),
        cmocka_unit_test(test_value_filters_fold),
        cmocka_unit_test(test_field_group_capitals),
        cmocka_unit_test(test_dotted_acronym_in_phrase_and_field),
        cmocka_unit_test(test_possessive_in_phrase),
        cmocka_unit_test(test_hyphenated_word_forms),
        cmocka_unit_test(test_snippet_long_odd_words),
        cmocka_unit_test(test_capitals_group_with_phrase_refused),
        cmocka_unit_test(test_capitals_words_joined_refused),
        cmocka_unit_test(test_capitals_wildcard_refused),
        cmocka_unit_test(test_filter_groups),
        cmocka_unit_test(test_id_quoting),
        cmocka_unit_test(test_long_filter_values),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_near_duplicates),
        cmocka_unit_test(test_count_of_filters),
        cmocka_unit_test(test_count_of_ranked),
        cmocka_unit_test(test_count_of_page_near_index_size),
        cmocka_unit_test(test_near_duplicates_paging),
        cmocka_unit_test(test_simhash_reads_a_bounded_prefix),
        cmocka_unit_test(test_simhash_values_are_stable),
        cmocka_unit_test(test_spelling),
        cmocka_unit_test(test_spelling_word_the_index_has),
        cmocka_unit_test(test_spelling_names_a_field),
        cmocka_unit_test(test_spelling_of_authors),
        cmocka_unit_test(test_spelling_author_ties),
        cmocka_unit_test(test_spelling_in_phrase),
        cmocka_unit_test(test_spelling_under_field),
        cmocka_unit_test(test_soft_hyphen_in_query),
        cmocka_unit_test(test_control_characters_in_id),
        cmocka_unit_test(test_spelling_typographic_apostrophe),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_feedback_off),
        cmocka_unit_test(test_cli_json_schema),
        cmocka_unit_test(test_synonyms),
        cmocka_unit_test(test_synonyms_fold_accents),
        cmocka_unit_test(test_synonyms_follow_a_language_change),
        cmocka_unit_test(test_cjk_words),
        cmocka_unit_test(test_cjk_lone_characters_not_marked),
        cmocka_unit_test(test_snippet_keeps_final_punctuation),
        cmocka_unit_test(test_fullwidth_words),
        cmocka_unit_test(test_cjk_query_limit),
        cmocka_unit_test(test_joined_words_query_limit),
        cmocka_unit_test(test_cjk_old_index),
        cmocka_unit_test(test_cjk_writer),
        cmocka_unit_test(test_cjk_spelling),
        cmocka_unit_test(test_cjk_near_duplicates),
        cmocka_unit_test(test_unknown_field_warns),
        cmocka_unit_test(test_dropped_wildcard_warns),
        cmocka_unit_test(test_infix_star_warns),
        cmocka_unit_test(test_leading_star_warns),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
