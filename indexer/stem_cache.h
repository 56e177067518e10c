/*
 * stem_cache.h - a stemmer that remembers the stems it made, for the
 * indexer's TermGenerator.
 *
 * Xapian stems every word the TermGenerator reads (for the Z terms):
 * about 2 000 instructions a word through Snowball, a tenth of an indexing
 * run. Most words of a collection are a few thousand common ones, so each
 * analyzer's stemmer keeps word -> stem for the last GZ_STEM_CACHE_WORDS
 * distinct words it met (then starts afresh: memory stays bounded) and
 * asks Snowball only for the others. The stems are Snowball's own, so
 * the index is the same.
 */
#ifndef GAZETTE_STEM_CACHE_H
#define GAZETTE_STEM_CACHE_H

#include "xapian_shim.h"

/* Distinct words remembered before the cache starts afresh. */
#define GZ_STEM_CACHE_WORDS 32768

/* A new stemmer for `language` (a Snowball name, or "none") that caches
 * its stems; for one thread at a time, as any Xapian object. Free it with
 * xap_stem_free (the cache goes when Xapian's last user lets go of it).
 * With `cjk_unstemmed`, a word that starts with a CJK character
 * (xap_unicode_is_cjk: an n-gram of XAP_TG_FLAG_CJK_NGRAM) gets the empty
 * stem, for which the TermGenerator adds no Z term: the query parser
 * searches CJK n-grams unstemmed (XAP_QP_FLAG_CJK_NGRAM), so their Z
 * terms, one more for each, would never be searched. */
xap_status gz_stem_cache_new(const char *language, int cjk_unstemmed,
                             xap_stem **out);

#endif /* GAZETTE_STEM_CACHE_H */
