/*
 * analyze.h - turn one article into one Xapian document: the terms, values
 * and stored data that the index schema (schema/schema.h) describes.
 */
#ifndef GAZETTE_ANALYZE_H
#define GAZETTE_ANALYZE_H

#include "corpus.h"
#include "xapian_shim.h"

typedef struct gz_analyzer gz_analyzer;

/* New analyzer stemming with `language` (a Snowball name), writing
 * Chinese, Japanese and Korean text as n-grams (`cjk_ngrams` non-zero: an
 * index recording GZ_META_CJK_NGRAMS, schema.h; the n-grams get no Z
 * terms, stem_cache.h) or as whole runs (0: an index written before). On
 * failure returns the shim status (message in xap_last_error()). */
xap_status gz_analyzer_new(const char *language, int cjk_ngrams,
                           gz_analyzer **out);
void gz_analyzer_free(gz_analyzer *a);

/* 1 when the article last analysed by `a` had CJK text that was indexed
 * as whole runs (n-grams off), for the run's warning; else 0. */
int gz_analyzer_whole_cjk_runs(const gz_analyzer *a);

/* Ask `db` whether a word that starts a sentence is a name
 * (indexer/entities.h, gz_entity_lexicon) unless gz_analyzer_set_names
 * gave another lexicon. `db` is borrowed and must outlive the analyzer's
 * use of it. */
void gz_analyzer_use_lexicon_of(gz_analyzer *a, xap_writable *db);

/* Build the document for `article`, read from `file` (file->root NULL:
 * an article given as fields, with file->relpath its id). On success *doc is a
 * new document owned by the caller and `id_term` (GZ_TERM_BUF bytes) holds
 * its unique id term. An article whose title is a long text with no body
 * (a file that is one line) is indexed and stored as untitled text. */
xap_status gz_analyze_article(gz_analyzer *a, const corpus_file *file,
                              const corpus_article *article, xap_document **doc,
                              char *id_term);

/* 1 when `db` writes the word [word, word+len) with capitals in
 * mid-sentence (capitals terms, indexer/capitals.h) in at least two
 * articles and in at least half of the articles that have it at all:
 * "Hezbollah", not "Officials". The entity extractor's lexicon
 * (gz_entity_lexicon) while indexing. A lookup that fails counts as a
 * word not known: for tools that report on a lexicon (tests/); the
 * indexer asks gz_index_knows_name_in, which says the failure. */
int gz_index_knows_name(xap_database *db, const char *word, size_t len);

/* gz_index_knows_name over the union of dbs[0..n) (the shards of one
 * index: frequencies summed); 0 with the first failed lookup in *s
 * (which must be XAP_OK before: no lookup is made after a failure). */
int gz_index_knows_name_in(xap_database *const *dbs, size_t n,
                           const char *word, size_t len, xap_status *s);

/* Ask `is_name` (with `ctx`) instead of the spelling database whether a
 * word that starts a sentence is a name (gz_entity_lexicon): for an
 * analyzer that writes to no database itself (gazette-index's workers).
 * is_name sets *s (XAP_OK when called) when it cannot tell: the
 * analysis of the article fails with that status. */
void gz_analyzer_set_names(gz_analyzer *a,
                           int (*is_name)(const char *word, size_t len,
                                          void *ctx, xap_status *s),
                           void *ctx);

/* Limits of one article's analysis, so that memory stays bounded whatever
 * the input (a 50 MB line of distinct words): the title is indexed and
 * kept up to GZ_MAX_TITLE_BYTES; the body is indexed up to
 * GZ_MAX_INDEXED_BYTES, or until the document has GZ_MAX_DOC_TERMS
 * distinct terms (checked every MiB), and stored whole. */
#define GZ_MAX_TITLE_BYTES 65536
#define GZ_MAX_INDEXED_BYTES (8 << 20)
#define GZ_MAX_DOC_TERMS 200000

/* Why the article last analysed by `a` was not wholly indexed (a one-line
 * message for a warning), or NULL when it was. Borrowed from `a`. */
const char *gz_analyzer_truncation(const gz_analyzer *a);

/* The source an article gets when it names none: the first component of
 * its path relative to the corpus root ("" for files at the root). Writes
 * at most `size` bytes into `buf`. */
void gz_default_source(const char *relpath, char *buf, size_t size);

#endif
