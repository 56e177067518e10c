/* analyze.c - article to document (analyze.h). */
#include "analyze.h"
#include "ascii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "capitals.h"
#include "entities.h"
#include "fold.h"
#include "schema.h"
#include "stem_cache.h"

/* Gap in term positions between fields, so a phrase cannot match across
 * the end of the title and the start of the body. */
#define FIELD_GAP 100

/* Within-document frequency each title word adds to the free-text terms
 * (body words add 1): a word in the headline says more about what the
 * article is about than one in the body (docs/relevance.md). */
#define TITLE_WDF 3

/* A title longer than this with no text after it is no headline but the
 * text itself (a review or a comment saved as one line, a file without
 * line breaks): the article is analysed and stored as untitled text
 * (text_only). Its start indexed as a headline, as a first version did,
 * was a title no author wrote, and made the position and posting data of
 * aclImdb's reviews about a seventh larger (docs/performance.md). */
#define HEADLINE_BYTES 256

/* Limits on what one article may cost to analyse (analyze.h). */
#define BODY_PIECE_BYTES (1u << 20)
/* The smallest chunk a piece is indexed in (index_piece): the term cap
 * is passed by at most about this many terms. */
#define MIN_CHUNK_BYTES (16u << 10)

struct gz_analyzer {
    xap_stem *stem;
    xap_termgen *tg;
    /* An empty document the TermGenerator is pointed at between articles:
     * it must not keep a handle on a document handed to another thread
     * (a shard writer), since Xapian counts references without atomics. */
    xap_document *blank;
    xap_writable *db;   /* borrowed: the entity lexicon */
    /* the entity lexicon when set (gz_analyzer_set_names), else db's */
    int (*is_name)(const char *word, size_t len, void *ctx, xap_status *s);
    void *is_name_ctx;
    /* the first failed lookup in the lexicon (db's or is_name) while
     * the article being analysed was read (index_knows_name), which
     * fails its analysis */
    xap_status lexicon_status;
    int cjk_ngrams;           /* CJK text as n-grams (gz_analyzer_new) */
    int whole_cjk;            /* the last article: CJK text, no n-grams */
    const char *truncation;   /* why the last article was cut, or NULL */
    char truncation_buf[160];
};

xap_status gz_analyzer_new(const char *language, int cjk_ngrams,
                           gz_analyzer **out)
{
    gz_analyzer *a = calloc(1, sizeof *a);
    if (!a)
        return XAP_ERR_NOMEM;
    a->cjk_ngrams = cjk_ngrams != 0;
    xap_status s = gz_stem_cache_new(language, a->cjk_ngrams, &a->stem);
    if (s == XAP_OK)
        s = xap_termgen_new(&a->tg);
    if (s == XAP_OK)
        s = xap_termgen_set_stemmer(a->tg, a->stem);
    if (s == XAP_OK)
        s = xap_termgen_set_stemming_strategy(a->tg, XAP_STEM_SOME);
    if (s == XAP_OK && a->cjk_ngrams)
        s = xap_termgen_set_flags(a->tg, XAP_TG_FLAG_CJK_NGRAM);
    if (s == XAP_OK)
        s = xap_document_new(&a->blank);
    if (s != XAP_OK) {
        gz_analyzer_free(a);
        return s;
    }
    *out = a;
    return XAP_OK;
}

int gz_analyzer_whole_cjk_runs(const gz_analyzer *a)
{
    return a->whole_cjk;
}

void gz_analyzer_use_lexicon_of(gz_analyzer *a, xap_writable *db)
{
    a->db = db;
}

void gz_analyzer_set_names(gz_analyzer *a,
                           int (*is_name)(const char *word, size_t len,
                                          void *ctx, xap_status *s),
                           void *ctx)
{
    a->is_name = is_name;
    a->is_name_ctx = ctx;
}

void gz_analyzer_free(gz_analyzer *a)
{
    if (!a)
        return;
    xap_termgen_free(a->tg);
    xap_document_free(a->blank);
    xap_stem_free(a->stem);
    free(a);
}

void gz_default_source(const char *relpath, char *buf, size_t size)
{
    const char *slash = strchr(relpath, '/');
    size_t n = slash ? (size_t)(slash - relpath) : 0;
    snprintf(buf, size, "%.*s", (int)n, relpath);
}

static xap_status add_bool(xap_document *doc, const char *prefix,
                           const char *value)
{
    char term[GZ_TERM_BUF];
    gz_make_term(prefix, value, term, sizeof term);
    return xap_document_add_boolean_term(doc, term);
}

/* A whole-value filter term, folded (gz_value_term: tag, source,
 * author name). */
static xap_status add_value_term(xap_document *doc, const char *prefix,
                                 const char *value)
{
    char term[GZ_TERM_BUF];
    if (!gz_value_term(prefix, value, term, sizeof term))
        return XAP_ERR_NOMEM;
    return xap_document_add_boolean_term(doc, term);
}

/* The article's date as year/month/day: its own date when it parses,
 * else one written in its path ("2023-11-03-...", "2023/11/03/..."),
 * else none (returns 0). Never the file's modification time: that says
 * when the file was copied, not when the article appeared (it stays in
 * GZ_SLOT_FILE_STAT for the incremental runs). */
static int article_date(const corpus_file *file, const corpus_article *art,
                        int *y, int *m, int *d)
{
    if (art->date && corpus_parse_date(art->date, y, m, d))
        return 1;
    return corpus_path_date(file->relpath, y, m, d);
}

/* D/M/Y terms and the sortable date value, and the ISO form in `iso`; an
 * undated article gets none of them (and "" in `iso`), so it falls outside
 * every date filter and sorts after the dated ones. */
static xap_status add_date(xap_document *doc, const corpus_file *file,
                           const corpus_article *art, char iso[11])
{
    int y, m, d;
    iso[0] = '\0';
    if (!article_date(file, art, &y, &m, &d))
        return XAP_OK;
    char buf[32];
    snprintf(iso, 11, "%04d-%02d-%02d", y, m, d);
    snprintf(buf, sizeof buf, "%04d%02d%02d", y, m, d);
    xap_status s = xap_document_add_value(doc, GZ_SLOT_DATE, buf, 8);
    if (s == XAP_OK)
        s = xap_document_add_value(doc, GZ_SLOT_YEAR, buf, 4);
    if (s == XAP_OK)
        s = add_bool(doc, GZ_PREFIX_DATE, buf);
    buf[6] = '\0';
    if (s == XAP_OK)
        s = add_bool(doc, GZ_PREFIX_MONTH, buf);
    buf[4] = '\0';
    if (s == XAP_OK)
        s = add_bool(doc, GZ_PREFIX_YEAR, buf);
    return s;
}

/* What index_folded adds besides the termgen's terms. */
enum { NO_CAPITALS, TITLE_CAPITALS };

/* Point *text and *len at [*text, *text+*len) with its accents folded
 * (fold.h), as the query side folds them, when there is anything to
 * fold; *folded is then the copy to free (else NULL). Returns 0, or -1
 * when out of memory. */
static int fold_for_terms(const char **text, size_t *len, char **folded)
{
    *folded = NULL;
    if (!gz_fold_accents_needed(*text, *len))
        return 0;
    size_t flen = *len;
    if (gz_fold_accents(*text, *len, folded, &flen, NULL) != 0)
        return -1;
    *text = *folded;
    *len = flen;
    return 0;
}

/* Index [text, text+len) with the termgen, accents folded (fold.h) so
 * that "Zürich" and "Zurich" give the same terms (the query side folds
 * the same way), and add the capitals terms of the folded text to `doc`
 * (capitals.h) as `capitals` says. */
static xap_status index_folded(gz_analyzer *a, xap_document *doc,
                               const char *text, size_t len, unsigned wdf,
                               const char *prefix, int capitals)
{
    char *folded;
    if (fold_for_terms(&text, &len, &folded) != 0)
        return XAP_ERR_NOMEM;
    xap_status s = xap_termgen_index_text(a->tg, text, len, wdf, prefix);
    if (s == XAP_OK && capitals != NO_CAPITALS)
        s = gz_capitals_add(doc, text, len, capitals == TITLE_CAPITALS);
    free(folded);
    return s;
}

/* The body's capitals terms of [text, text+len), accents folded as
 * index_folded folds them. */
static xap_status add_capitals(xap_document *doc, const char *text,
                               size_t len)
{
    char *folded;
    if (fold_for_terms(&text, &len, &folded) != 0)
        return XAP_ERR_NOMEM;
    xap_status s = gz_capitals_add(doc, text, len, 0);
    free(folded);
    return s;
}

/* Length of the first `max` bytes of s[0..len), cut back to a whole
 * UTF-8 character. */
static size_t utf8_prefix(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Length of the title that is indexed and stored (GZ_MAX_TITLE_BYTES). */
static size_t title_length(gz_analyzer *a, const corpus_article *art)
{
    size_t len = strlen(art->title);
    if (len > GZ_MAX_TITLE_BYTES) {
        len = utf8_prefix(art->title, len, GZ_MAX_TITLE_BYTES);
        snprintf(a->truncation_buf, sizeof a->truncation_buf,
                 "title over %d bytes: only its first %zu bytes are "
                 "indexed and kept", GZ_MAX_TITLE_BYTES, len);
        a->truncation = a->truncation_buf;
    }
    return len;
}

/* Length of a piece of at most `max` bytes of s[0..left): cut after the
 * last space or newline in its second half, else back to a whole UTF-8
 * character (a run without spaces, such as Chinese text). */
static size_t piece_length(const char *s, size_t left, size_t max)
{
    if (left <= max)
        return left;
    size_t back = max;
    while (back > max / 2 && s[back] != ' ' && s[back] != '\n')
        back--;
    return back > max / 2 ? back : utf8_prefix(s, left, max);
}

/* Index one piece [text, text+n) of the body while the document has room
 * for terms: the TermGenerator in chunks of half the terms still allowed
 * (a byte of text makes at most about one new term), so the document
 * stops within a small chunk of GZ_MAX_DOC_TERMS instead of a whole
 * piece's terms past it (a MiB of distinct words is some 380 000 terms,
 * nearly twice the cap: each term costs a few hundred bytes in the
 * document and in Xapian's buffers until the commit). Chunks end between
 * words, so a piece with room gets the terms it would get whole; its
 * capitals terms, which look at the whole piece, are those of the part
 * indexed. *used gets that part's length. */
static xap_status index_piece(gz_analyzer *a, xap_document *doc,
                              const char *text, size_t n, size_t *used)
{
    size_t at = 0, terms = 0;
    xap_status s = XAP_OK;
    while (s == XAP_OK && at < n) {
        s = xap_document_term_count(doc, &terms);
        if (s != XAP_OK || terms >= GZ_MAX_DOC_TERMS)
            break;
        size_t room = (GZ_MAX_DOC_TERMS - terms) / 2;
        size_t c = piece_length(text + at, n - at,
                                room > MIN_CHUNK_BYTES ? room
                                                       : MIN_CHUNK_BYTES);
        s = index_folded(a, doc, text + at, c, 1, "", NO_CAPITALS);
        at += c;
    }
    if (s == XAP_OK && at)
        s = add_capitals(doc, text, at);
    *used = at;
    return s;
}

/* Index the body in pieces of about BODY_PIECE_BYTES cut between words,
 * so that an over-long article stops at GZ_MAX_INDEXED_BYTES of text or
 * GZ_MAX_DOC_TERMS distinct terms (a bounded amount of memory) instead of
 * growing a document of millions of terms; the rest is stored but not
 * searchable, and a->truncation says so. */
static xap_status index_body(gz_analyzer *a, xap_document *doc,
                             const corpus_article *art)
{
    const char *text = art->body;
    size_t left = art->body_len, done = 0;
    xap_status s = XAP_OK;
    while (s == XAP_OK && left > 0) {
        size_t n = piece_length(text, left, BODY_PIECE_BYTES), used = 0;
        if (done + n > GZ_MAX_INDEXED_BYTES)
            break;
        s = index_piece(a, doc, text, n, &used);
        text += used;
        left -= used;
        done += used;
        if (used < n)
            break;
    }
    if (s == XAP_OK && left > 0) {
        snprintf(a->truncation_buf, sizeof a->truncation_buf,
                 "text too long (over %d MiB or %d distinct terms): only "
                 "its first %zu bytes are searchable",
                 GZ_MAX_INDEXED_BYTES >> 20, GZ_MAX_DOC_TERMS, done);
        a->truncation = a->truncation_buf;
    }
    return s;
}

const char *gz_analyzer_truncation(const gz_analyzer *a)
{
    return a->truncation;
}

/* 1 when [s, s+len) has a letter or digit (any non-ASCII byte counts). */
static int has_words(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (gz_ascii_isalnum(c) || c >= 0x80)
            return 1;
    }
    return 0;
}

/* ---------------------------------------------------------- possessives
 *
 * Phrases and NEAR/ADJ match the words as written (their unstemmed terms:
 * Xapian keeps no positions for the stemmed ones), and Xapian writes
 * "Blair's" (and "Blair’s", U+2019) as the term "blair's": "Tony Blair's
 * visit" was no match of "Tony Blair", nor of tony ADJ/1 blair. So each
 * such term also puts its word without the ending at the same positions
 * ("blair", "Sblair" in a title), with a within-document frequency of 0:
 * no article's length changes, hence no BM25 weight of other terms, and
 * the spelling data count no word twice (indexer/spelling.c counts terms
 * of wdf 1 and more). A plural's apostrophe ("ministers' talks") Xapian
 * drops already. The stemmed term (Zblair) was always the same.
 */
#define POSSESSIVE "'s"
#define POSSESSIVE_LEN (sizeof POSSESSIVE - 1)

/* The prefixes of the free-text fields (add_text), whose terms have
 * positions: none (the body, and the title's unprefixed copy), the
 * title's and the author's, each one capital (text_prefix_length and
 * text_word_starts read them so). */
_Static_assert(sizeof GZ_PREFIX_TITLE == 2 && sizeof GZ_PREFIX_AUTHOR == 2,
               "a free-text field's prefix is one capital");

/* The length of `term`'s prefix when it is a word of a free-text field
 * (no prefix, or the title's or the author's, then no capital: a term
 * that has one there is a longer prefix's or a stemmed one, Xapian's
 * convention), else -1. Called for every word of a document. */
static int text_prefix_length(const char *term)
{
    unsigned char c = (unsigned char)term[0];
    if (!gz_ascii_isupper(c))
        return 0;
    if ((c == GZ_PREFIX_TITLE[0] || c == GZ_PREFIX_AUTHOR[0]) &&
        !gz_ascii_isupper((unsigned char)term[1]))
        return 1;
    return -1;
}

/* 1 when `term` (len bytes), of prefix length `n` (text_prefix_length:
 * a word of a free-text field), ends in POSSESSIVE after at least one
 * character. */
static int is_possessive(const char *term, size_t len, int n)
{
    return n >= 0 && len > (size_t)n + POSSESSIVE_LEN &&
           memcmp(term + len - POSSESSIVE_LEN, POSSESSIVE, POSSESSIVE_LEN) ==
               0;
}

/* Where the words of the free-text fields begin in a document's terms
 * (byte order), their prefixes being one capital or none: the
 * unprefixed words below "A" and from "[" (past "Z") on, and each
 * prefix's words from the prefix to its longer prefixes (a capital after
 * it) and from the prefix and "[" on. In increasing order. */
static const char *const text_word_starts[] = {
    GZ_PREFIX_AUTHOR, GZ_PREFIX_AUTHOR "[", GZ_PREFIX_TITLE,
    GZ_PREFIX_TITLE "[", "["};

/* The first of text_word_starts after `term`, a term that is no word of
 * a free-text field: the terms before it are none either (the stemmed
 * Z terms, the X terms of capitals and entities, ids, dates...). */
static const char *next_text_words(const char *term)
{
    size_t n = sizeof text_word_starts / sizeof *text_word_starts;
    for (size_t i = 0; i < n - 1; i++)
        if (strcmp(text_word_starts[i], term) > 0)
            return text_word_starts[i];
    return text_word_starts[n - 1];
}

/* The bare words of a document's possessives, found by collect_bare:
 * for each, the word with its NUL, the count of its positions and the
 * positions (unsigned, unaligned). */
typedef struct bare_words {
    gz_buf out;
    size_t count_at;     /* where the count of the word being read is */
    xap_status status;   /* of reading the positions */
} bare_words;

/* Position callback (`ctx` a bare_words): append the position, count it. */
static int keep_position(unsigned pos, void *ctx)
{
    bare_words *b = ctx;
    unsigned n;
    gz_buf_put(&b->out, (const char *)&pos, sizeof pos);
    if (b->out.failed)
        return 1;
    memcpy(&n, b->out.data + b->count_at, sizeof n);
    n++;
    memcpy(b->out.data + b->count_at, &n, sizeof n);
    return 0;
}

/* Term callback (`ctx` a bare_words): keep a possessive's bare word and
 * the possessive's positions, read there in the walk (Xapian finds a
 * document's term by a linear skip, so reading each possessive's apart
 * walked the terms once more each). Past a term of no free-text field
 * the walk skips to the next such field's words: about half of an
 * article's terms are stemmed or capitals terms, which Xapian then passes
 * without copying each out. */
static int collect_bare(xap_doc_term *at, const char *term, size_t len,
                        unsigned wdf, void *ctx)
{
    (void)wdf;
    bare_words *b = ctx;
    int n = text_prefix_length(term);
    if (n < 0) {
        b->status = xap_doc_term_skip_to(at, next_text_words(term));
        return b->status != XAP_OK;
    }
    if (len >= GZ_TERM_BUF || !is_possessive(term, len, n))
        return 0;
    static const unsigned none = 0;
    gz_buf_put(&b->out, term, len - POSSESSIVE_LEN);
    gz_buf_put(&b->out, "", 1);
    b->count_at = b->out.len;
    gz_buf_put(&b->out, (const char *)&none, sizeof none);
    if (b->out.failed)
        return 1;
    b->status = xap_doc_term_each_position(at, keep_position, b);
    return b->status != XAP_OK || b->out.failed;
}

/* Give each possessive term of a free-text field in `doc` its bare word
 * at the same positions, with no wdf (see above). The terms are all read
 * first, in one walk: Xapian's term list is not to be walked while the
 * document changes. */
static xap_status add_bare_words(xap_document *doc)
{
    bare_words b = {.status = XAP_OK};
    xap_status s = xap_document_each_term_from(doc, "", collect_bare, &b);
    if (s == XAP_OK)
        s = b.status;
    if (s == XAP_OK && b.out.failed)
        s = XAP_ERR_NOMEM;
    for (size_t at = 0; s == XAP_OK && at < b.out.len;) {
        const char *word = b.out.data + at;
        unsigned n;
        at += strlen(word) + 1;
        memcpy(&n, b.out.data + at, sizeof n);
        at += sizeof n;
        for (; s == XAP_OK && n; n--, at += sizeof(unsigned)) {
            unsigned pos;
            memcpy(&pos, b.out.data + at, sizeof pos);
            s = xap_document_add_posting(doc, word, pos, 0);
        }
    }
    gz_buf_free(&b.out);
    return s;
}

/* Title (prefixed and unprefixed), author, body: the free-text fields,
 * the bare words of their possessives, and the capitals terms of title
 * and body. */
static xap_status add_text(gz_analyzer *a, xap_document *doc,
                           const corpus_article *art)
{
    size_t tlen = title_length(a, art);
    xap_status s = xap_termgen_set_document(a->tg, doc);
    if (s == XAP_OK)
        s = xap_termgen_set_termpos(a->tg, 0);
    if (s == XAP_OK)
        s = index_folded(a, doc, art->title, tlen, 1, GZ_PREFIX_TITLE,
                         NO_CAPITALS);
    if (s == XAP_OK)
        s = xap_termgen_increase_termpos(a->tg, FIELD_GAP);
    if (s == XAP_OK)
        s = index_folded(a, doc, art->title, tlen, TITLE_WDF, "",
                         TITLE_CAPITALS);
    if (s == XAP_OK)
        s = xap_termgen_increase_termpos(a->tg, FIELD_GAP);
    if (s == XAP_OK)
        s = index_body(a, doc, art);
    if (s == XAP_OK && art->author) {
        s = xap_termgen_increase_termpos(a->tg, FIELD_GAP);
        if (s == XAP_OK)
            s = index_folded(a, doc, art->author, strlen(art->author), 1,
                             GZ_PREFIX_AUTHOR, NO_CAPITALS);
    }
    if (s == XAP_OK)
        s = add_bare_words(doc);
    return s;
}


/* Term callback of add_facet_list: append the term's value (after the
 * prefix, `ctx` a list_state) to the list, GZ_LIST_SEP before all but the
 * first. An empty value has no place in a list. */
typedef struct list_state {
    gz_buf list;
    size_t prefix_len;
} list_state;

static int append_value(const char *term, size_t len, unsigned wdf,
                        void *ctx)
{
    (void)wdf;
    list_state *st = ctx;
    if (len <= st->prefix_len)
        return 0;
    if (st->list.len)
        gz_buf_put(&st->list, GZ_LIST_SEP_STR, 1);
    gz_buf_put(&st->list, term + st->prefix_len, len - st->prefix_len);
    return st->list.failed;
}

/* The facet list of `prefix` in `slot` (schema.h): the values of the
 * document's terms with that prefix, read back from `doc` once they are
 * all added, so each distinct value is there once and exactly as the
 * facet counts the terms. No value when there is none. */
static xap_status add_facet_list(xap_document *doc, unsigned slot,
                                 const char *prefix)
{
    list_state st = {.prefix_len = strlen(prefix)};
    xap_status s = xap_document_each_term(doc, prefix, append_value, &st);
    if (s == XAP_OK && st.list.failed)
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK && st.list.len)
        s = xap_document_add_value(doc, slot, st.list.data, st.list.len);
    gz_buf_free(&st.list);
    return s;
}

/* The exact-name terms of the article's authors: one a name the source
 * listed (corpus.h), else one of its byline. */
static xap_status add_author_names(xap_document *doc,
                                   const corpus_article *art)
{
    xap_status s = XAP_OK;
    for (size_t i = 0; s == XAP_OK && i < art->nauthors; i++)
        if (*art->authors[i])
            s = add_value_term(doc, GZ_PREFIX_AUTHOR_NAME, art->authors[i]);
    if (s == XAP_OK && !art->nauthors && art->author && *art->author)
        s = add_value_term(doc, GZ_PREFIX_AUTHOR_NAME, art->author);
    return s;
}

/* Boolean filter terms: source, tags, url, path; the source value; the
 * tag and author facet lists. */
static xap_status add_filters(gz_analyzer *a, xap_document *doc,
                              const corpus_file *file,
                              const corpus_article *art, const char *source)
{
    xap_status s = *source ? add_value_term(doc, GZ_PREFIX_SOURCE, source)
                           : XAP_OK;
    if (s == XAP_OK)
        s = xap_document_add_value(doc, GZ_SLOT_SOURCE, source, strlen(source));
    for (size_t i = 0; s == XAP_OK && i < art->ntags; i++)
        s = add_value_term(doc, GZ_PREFIX_TAG, art->tags[i]);
    if (s == XAP_OK)
        s = add_author_names(doc, art);
    if (s == XAP_OK && art->ntags)
        s = add_facet_list(doc, GZ_SLOT_TAGS, GZ_PREFIX_TAG);
    if (s == XAP_OK && ((art->author && *art->author) || art->nauthors))
        s = add_facet_list(doc, GZ_SLOT_AUTHORS, GZ_PREFIX_AUTHOR_NAME);
    /* Duplicate detection (gazette-query --duplicates). Articles with no
     * body text (headline only) are not duplicates of each other. */
    if (s == XAP_OK && has_words(art->body, art->body_len)) {
        char key[17];
        gz_dedup_key(art->body, art->body_len, key);
        s = xap_document_add_value(doc, GZ_SLOT_DEDUP, key, 16);
    }
    /* The near-duplicate fingerprint, for bodies long enough to have one
     * (schema.h). */
    uint64_t sim = 0;
    if (s == XAP_OK && gz_simhash(art->body, art->body_len, a->cjk_ngrams,
                                  &sim) >= GZ_SIMHASH_MIN_WORDS) {
        char fp[17];
        gz_simhash_format(sim, fp);
        s = xap_document_add_value(doc, GZ_SLOT_SIMHASH, fp, 16);
    }
    if (s == XAP_OK && art->url)
        s = add_bool(doc, GZ_PREFIX_URL, art->url);
    /* Articles given through the writer API come from no file (root
     * NULL): no path term, so an incremental run never takes them for
     * files that vanished. */
    if (s == XAP_OK && file->root)
        s = add_bool(doc, GZ_PREFIX_PATH, file->relpath);
    return s;
}

/* Join the `n` items (tags, authors' names: they may hold commas) with
 * GZ_LIST_SEP into a new string (NULL when none or OOM). */
static char *join_list(const char *const *items, size_t n)
{
    return n && items ? corpus_join_names(items, n, GZ_LIST_SEP_STR) : NULL;
}

/* Articles of all of dbs[0..n) with `prefix` + `word`. A lookup that
 * fails sets *s (sticky: none is made after it) and counts nothing. */
static uint64_t freq_in(xap_database *const *dbs, size_t n,
                        const char *prefix, const char *word, xap_status *s)
{
    char term[GZ_TERM_BUF];
    uint64_t total = 0;
    gz_make_term(prefix, word, term, sizeof term);
    for (size_t i = 0; *s == XAP_OK && i < n; i++) {
        uint32_t tf = 0;
        *s = xap_database_termfreq(dbs[i], term, &tf);
        total += *s == XAP_OK ? tf : 0;
    }
    return total;
}

/* gz_index_knows_name_in, the first failed lookup in *s (sticky). */
static int knows_name(xap_database *const *dbs, size_t n, const char *word,
                      size_t len, xap_status *s)
{
    char *folded = NULL, *lower = NULL;
    size_t flen = 0;
    int known = 0;
    if (!n || !dbs[0] || len >= GZ_TERM_BUF ||
        gz_fold_accents(word, len, &folded, &flen, NULL) != 0)
        return 0;
    if (xap_unicode_tolower_utf8(folded, flen, &lower, NULL) == XAP_OK) {
        uint64_t capitalised = freq_in(dbs, n, GZ_PREFIX_CAPS, lower, s) +
                               freq_in(dbs, n, GZ_PREFIX_UPPER, lower, s);
        known = capitalised >= 2 &&
                2 * capitalised >= freq_in(dbs, n, "", lower, s);
    }
    free(lower);
    free(folded);
    return *s == XAP_OK && known;
}

int gz_index_knows_name_in(xap_database *const *dbs, size_t n,
                           const char *word, size_t len, xap_status *s)
{
    return *s == XAP_OK && knows_name(dbs, n, word, len, s);
}

int gz_index_knows_name(xap_database *db, const char *word, size_t len)
{
    xap_status s = XAP_OK;
    return knows_name(&db, 1, word, len, &s);
}

/* gz_entity_lexicon over the index being written (ctx: the analyzer):
 * the caller's (gz_analyzer_set_names) or gz_analyzer_use_lexicon_of's.
 * A lookup that failed was taken for a word not known, the article
 * analysed as if the index had no such name, and the damage that failed
 * it unsaid: the first failure is kept (no lookup after it) and fails
 * the article's analysis (add_entities). */
static int index_knows_name(const char *word, size_t len, void *ctx)
{
    gz_analyzer *a = ctx;
    if (a->lexicon_status != XAP_OK)
        return 0;
    if (a->is_name)
        return a->is_name(word, len, a->is_name_ctx, &a->lexicon_status);
    if (!a->db)
        return 0;
    /* the writer's own database: nothing else commits to it meanwhile,
     * so a failure is not a race to read again (gz_shard_read_again) */
    xap_database *view = xap_writable_database(a->db);
    return knows_name(&view, 1, word, len, &a->lexicon_status);
}

/* The head terms of entity `e` (gz_entity_head_len) into `doc`: one for
 * each run of its words from the first that leaves out at least the last
 * ("XHbbc", "XHbbc radio", "XHbbc radio five" for "BBC Radio Five Live"),
 * so entity:"BBC Radio" finds it as entity:BBC does. Only a name opened
 * by an acronym: the prefixes of other names are as often other names
 * ("New York" of "New York Times", "World War", "European Court" on the
 * BBC corpus; docs/entities.md). A name has at most ten words, so at most
 * nine terms; Xapian keeps a term added twice once. */
static xap_status add_entity_heads(xap_document *doc, const gz_entity *e)
{
    size_t len = gz_entity_head_len(e->name);
    if (!len)
        return XAP_OK;
    char *prefix = strdup(e->name);
    if (!prefix)
        return XAP_ERR_NOMEM;
    xap_status s = XAP_OK;
    for (char *end = prefix + len; s == XAP_OK && end;
         end = strchr(end + 1, ' ')) {
        char term[GZ_TERM_BUF];
        *end = '\0';
        if (!gz_entity_head_term(prefix, term, sizeof term))
            s = XAP_ERR_NOMEM;
        else
            s = xap_document_add_boolean_term(doc, term);
        *end = ' ';
    }
    free(prefix);
    return s;
}

/* Named entities (schema.h): an XE term for each, and their display
 * names joined by GZ_ENTITY_SEP in the facet slot and in *joined (a new
 * string for the document data, NULL when there are none). Aliases
 * ("Blinken" beside "Antony Blinken") get a term but no facet entry, and
 * an acronym opening a name its head terms (add_entity_heads). The
 * index written so far tells names that start sentences
 * (index_knows_name). */
static xap_status add_entities(gz_analyzer *a, xap_document *doc,
                               const corpus_article *art, char **joined)
{
    gz_entity_list ents = {0};
    gz_entity_lexicon lexicon = {index_knows_name, a};
    *joined = NULL;
    a->lexicon_status = XAP_OK;
    if (gz_entities_extract_with(art->title, art->body, art->body_len,
                                 &lexicon, &ents) != 0)
        return XAP_ERR_NOMEM;
    if (a->lexicon_status != XAP_OK) {   /* the shim's message is its */
        gz_entity_list_free(&ents);
        return a->lexicon_status;
    }
    size_t size = 1;
    for (size_t i = 0; i < ents.n; i++)
        size += strlen(ents.items[i].name) + 1;
    char *out = ents.n ? malloc(size) : NULL;
    xap_status s = ents.n && !out ? XAP_ERR_NOMEM : XAP_OK;
    size_t len = 0;
    for (size_t i = 0; s == XAP_OK && i < ents.n; i++) {
        const gz_entity *e = &ents.items[i];
        s = xap_document_add_boolean_term(doc, e->term);
        if (s == XAP_OK)
            s = add_entity_heads(doc, e);
        if (e->alias_of >= 0)
            continue;
        if (len)
            out[len++] = GZ_ENTITY_SEP;
        size_t n = strlen(e->name);
        memcpy(out + len, e->name, n);
        len += n;
    }
    if (s == XAP_OK && out) {
        out[len] = '\0';
        s = xap_document_add_value(doc, GZ_SLOT_ENTITIES, out, len);
    }
    gz_entity_list_free(&ents);
    if (s != XAP_OK) {
        free(out);
        return s;
    }
    *joined = out;
    return XAP_OK;
}

/* The stored data of `art` (schema.h, gz_docdata) into `doc`: the
 * title cut as indexed, the body whole. */
static xap_status add_data(xap_document *doc, const corpus_file *file,
                           const corpus_article *art, const char *source,
                           const char *iso_date, const char *entities)
{
    char *tags = join_list(art->tags, art->ntags);
    /* one name is the byline itself */
    char *authors = art->nauthors > 1 ? join_list(art->authors, art->nauthors)
                                      : NULL;
    size_t title_len = strlen(art->title);
    char *title = title_len > GZ_MAX_TITLE_BYTES
        ? strndup(art->title, utf8_prefix(art->title, title_len,
                                          GZ_MAX_TITLE_BYTES))
        : NULL;
    gz_docdata dd = {
        .id = art->id, .path = file->root ? file->relpath : NULL,
        .title = title ? title : art->title,
        .date = *iso_date ? iso_date : NULL,
        .source = source, .author = art->author, .authors = authors,
        .url = art->url, .tags = tags, .entities = entities,
        /* the body goes after the fields by itself (below) */
        .body = "", .body_len = 0,
        /* a date that did not parse is kept as written */
        .date_text = art->date && !corpus_parse_date(art->date, NULL, NULL,
                                                     NULL) ? art->date : NULL};
    char *data = NULL;
    size_t len = 0;
    xap_status s = (art->nauthors > 1 && !authors) ||
                           gz_docdata_encode(&dd, &data, &len) != 0
                       ? XAP_ERR_NOMEM : XAP_OK;
    /* The fields, then the body copied once into the document: a joined
     * copy first was one more copy of a long text at the peak. */
    if (s == XAP_OK)
        s = xap_document_set_data_parts(doc, data, len, art->body,
                                        art->body_len);
    free(data);
    free(tags);
    free(authors);
    free(title);
    return s;
}

/* `art`, or when its title is a whole text with no body after it (over
 * HEADLINE_BYTES), `buf` filled as the same article untitled, that text
 * its body. */
static const corpus_article *text_only(const corpus_article *art,
                                       corpus_article *buf)
{
    size_t len = strlen(art->title);
    if (len <= HEADLINE_BYTES || has_words(art->body, art->body_len))
        return art;
    *buf = *art;
    buf->title = "";
    buf->body = art->title;
    buf->body_len = len;
    return buf;
}

xap_status gz_analyze_article(gz_analyzer *a, const corpus_file *file,
                              const corpus_article *given,
                              xap_document **out, char *id_term)
{
    corpus_article untitled;
    const corpus_article *art = text_only(given, &untitled);
    /* cut as source: cuts the value it searches (gz_source_length) */
    char source[GZ_SOURCE_BYTES + 1];
    if (art->source && *art->source)
        snprintf(source, sizeof source, "%s", art->source);
    else
        gz_default_source(file->relpath, source, sizeof source);
    source[gz_source_length(source, strlen(source))] = '\0';
    char iso[11];
    a->truncation = NULL;
    /* whole runs of CJK text into an index of them (the run says so) */
    a->whole_cjk = !a->cjk_ngrams &&
                   (gz_cjk_count(art->title, strlen(art->title), 1) ||
                    gz_cjk_count(art->body, art->body_len, 1) ||
                    (art->author &&
                     gz_cjk_count(art->author, strlen(art->author), 1)));
    xap_document *doc = NULL;
    xap_status s = xap_document_new(&doc);
    if (s == XAP_OK) {
        gz_make_term(GZ_PREFIX_ID, art->id, id_term, GZ_TERM_BUF);
        s = xap_document_add_boolean_term(doc, id_term);
    }
    if (s == XAP_OK)
        s = add_text(a, doc, art);
    /* let go of `doc`, which a writer thread may soon be using */
    xap_status detached = xap_termgen_set_document(a->tg, a->blank);
    if (s == XAP_OK)
        s = detached;
    if (s == XAP_OK)
        s = add_date(doc, file, art, iso);
    if (s == XAP_OK)
        s = add_filters(a, doc, file, art, source);
    char *entities = NULL;
    if (s == XAP_OK)
        s = add_entities(a, doc, art, &entities);
    if (s == XAP_OK)
        s = add_data(doc, file, art, source, iso, entities);
    free(entities);
    if (s != XAP_OK) {
        xap_document_free(doc);
        return s;
    }
    *out = doc;
    return XAP_OK;
}
