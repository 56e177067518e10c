/* spelling.c - per-batch spelling word counts (spelling.h). */
#include "spelling.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "shards.h"

/* Words longer than this are not worth suggesting (and would bloat the
 * spelling table's trigram lists). */
#define MAX_SPELLING_WORD 64

/* A table's first size: slots, and bytes for the words. */
#define FIRST_CAP 4096
#define FIRST_WORDS_SIZE 65536

/* The slot of word [w, w+len) with hash h: where it is, or the empty slot
 * where it goes. */
static gz_spelling_slot *probe(const gz_spelling *sp, const char *w,
                               size_t len, uint64_t h)
{
    size_t mask = sp->cap - 1;
    for (size_t i = (size_t)(h ^ (h >> 29)) & mask;; i = (i + 1) & mask) {
        gz_spelling_slot *s = &sp->slots[i];
        if (s->freq == 0)
            return s;
        if (s->hash == h && strncmp(sp->words + s->off, w, len) == 0 &&
            sp->words[s->off + len] == '\0')
            return s;
    }
}

/* Keep the load factor under 1/2. -1 on out of memory. */
static int grow_table(gz_spelling *sp)
{
    if (sp->cap && (sp->count + 1) * 2 <= sp->cap)
        return 0;
    size_t cap = sp->cap ? sp->cap * 2 : FIRST_CAP;
    gz_spelling bigger = *sp;
    bigger.cap = cap;
    if (!(bigger.slots = calloc(cap, sizeof *bigger.slots)))
        return -1;
    for (size_t i = 0; i < sp->cap; i++) {
        gz_spelling_slot *s = &sp->slots[i];
        if (s->freq) {
            const char *w = sp->words + s->off;
            *probe(&bigger, w, strlen(w), s->hash) = *s;
        }
    }
    free(sp->slots);
    sp->slots = bigger.slots;
    sp->cap = cap;
    return 0;
}

/* Copy the word into the arena; its offset, or -1 on out of memory. */
static long store_word(gz_spelling *sp, const char *w, size_t len)
{
    if (sp->used + len + 1 > sp->size) {
        size_t size = sp->size ? sp->size : FIRST_WORDS_SIZE;
        while (sp->used + len + 1 > size)
            size *= 2;
        if (size > UINT32_MAX)
            return -1;
        char *words = realloc(sp->words, size);
        if (!words)
            return -1;
        sp->words = words;
        sp->size = size;
    }
    long off = (long)sp->used;
    memcpy(sp->words + sp->used, w, len);
    sp->words[sp->used + len] = '\0';
    sp->used += len + 1;
    return off;
}

/* 1 when [w, w+len) is no word to suggest:
 *   - it has a digit: a number, a code or an id ("1993apr26", "sun4c",
 *     "x11"), which the searcher never corrects (query/spelling.c looks
 *     at no word touching a digit) and should never offer: "sunc" is not
 *     a misspelt "sun4c". A fifth of 20 Newsgroups' spelling words;
 *   - it has a Chinese, Japanese or Korean character (gz_is_cjk:
 *     U+2E80 and up, led by a byte from 0xE2 on). An index of CJK n-grams
 *     has each character and each pair of neighbours as a term, and an
 *     older one each run between punctuation: neither is a word a
 *     misspelling is one or two edits away from (a one-character typo in
 *     a pair is half the word), and the searcher corrects no such word
 *     (query/spelling.c reads cased letters only); hundreds of n-grams an
 *     article would fill the table (and its trigram lists) for nothing.
 */
static int not_a_word(const char *w, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (w[i] >= '0' && w[i] <= '9')
            return 1;
    return gz_cjk_count(w, len, 1) != 0;
}

static int count_term(const char *term, size_t len, unsigned wdf, void *ctx)
{
    gz_spelling *sp = ctx;
    /* Xapian's convention: a term starting with a capital has a prefix. */
    if ((term[0] >= 'A' && term[0] <= 'Z') || len > MAX_SPELLING_WORD ||
        wdf == 0 || not_a_word(term, len))
        return 0;
    if (grow_table(sp) != 0)
        return sp->nomem = 1;
    uint64_t h = gz_fnv1a64(GZ_FNV_BASIS, term, len);
    gz_spelling_slot *s = probe(sp, term, len, h);
    if (s->freq == 0) {
        long off = store_word(sp, term, len);
        if (off < 0)
            return sp->nomem = 1;
        s->hash = h;
        s->off = (uint32_t)off;
        sp->count++;
    }
    s->freq = s->freq + wdf < s->freq ? UINT32_MAX : s->freq + wdf;
    return 0;
}

xap_status gz_spelling_add_document(gz_spelling *sp, const xap_document *doc)
{
    sp->nomem = 0;
    xap_status s = xap_document_each_term(doc, "", count_term, sp);
    return s == XAP_OK && sp->nomem ? XAP_ERR_NOMEM : s;
}

/* How often `sp` counted [word, word+len) with hash h (0: never). */
static uint32_t counted(const gz_spelling *sp, const char *word, size_t len,
                        uint64_t h)
{
    return sp->cap ? probe(sp, word, len, h)->freq : 0;
}

/* Whether one of `peers` other than `self` counted the word of `slot`. */
static int a_peer_counted(const gz_spelling *self,
                          const gz_spelling *const *peers, size_t npeers,
                          const gz_spelling_slot *slot)
{
    const char *word = self->words + slot->off;
    size_t len = strlen(word);
    for (size_t i = 0; i < npeers; i++)
        if (peers[i] != self && counted(peers[i], word, len, slot->hash))
            return 1;
    return 0;
}

/* How many more articles must have the word of `slot` before it goes
 * into `db`'s spelling table (0: it goes in). A word counted more than
 * once goes in; one counted once goes in only when another article has it
 * too: one a peer table counted (another shard's, this run) or one `db`
 * holds (an earlier run's, or this run's of the same shard before a
 * flush); the other shards' databases are asked last (ask_other_shard).
 * Seen once in all the text, a word is mostly a typo, a code or a stray
 * token: half the distinct words of 20 Newsgroups, and half its spelling
 * table, for no suggestion that changed (docs/performance.md). */
static xap_status articles_missing(const gz_spelling *sp,
                                   const gz_spelling *const *peers,
                                   size_t npeers, xap_writable *db,
                                   const gz_spelling_slot *slot,
                                   uint32_t *missing)
{
    *missing = 0;
    if (slot->freq > 1 || a_peer_counted(sp, peers, npeers, slot))
        return XAP_OK;
    uint32_t here = 0;
    xap_status s = xap_database_termfreq(xap_writable_database(db),
                                         sp->words + slot->off, &here);
    *missing = here > 1 ? 0 : 2 - here;
    return s;
}

/* A word of the table still missing articles. */
typedef struct waiting_word {
    const char *word;   /* in the table's words */
    uint32_t freq;      /* as counted */
    uint32_t missing;
} waiting_word;

/* Add the words of `sp` that have their articles to `db`; when `waiting`
 * is not NULL (room for sp->count), the others go there (*nwaiting). */
static xap_status add_counted(const gz_spelling *sp,
                              const gz_spelling *const *peers, size_t npeers,
                              xap_writable *db, waiting_word *waiting,
                              size_t *nwaiting)
{
    xap_status s = XAP_OK;
    for (size_t i = 0; s == XAP_OK && i < sp->cap; i++) {
        const gz_spelling_slot *slot = &sp->slots[i];
        uint32_t missing = 0;
        if (!slot->freq)
            continue;
        s = articles_missing(sp, peers, npeers, db, slot, &missing);
        if (s == XAP_OK && !missing)
            s = xap_writable_add_spelling(db, sp->words + slot->off,
                                          slot->freq);
        else if (s == XAP_OK && waiting)
            waiting[(*nwaiting)++] =
                (waiting_word){sp->words + slot->off, slot->freq, missing};
    }
    return s;
}

/* Count the articles of `other` towards the waiting words from
 * waiting[*done] on, *done moved past each word counted; the first
 * failed read is returned (the word it failed on not counted). */
static xap_status count_in(xap_database *other, waiting_word *waiting,
                           size_t nwaiting, size_t *done)
{
    for (; *done < nwaiting; (*done)++) {
        waiting_word *w = &waiting[*done];
        uint32_t n = 0;
        if (!w->missing)
            continue;
        xap_status s = xap_database_termfreq(other, w->word, &n);
        if (s != XAP_OK)
            return s;
        w->missing -= n < w->missing ? n : w->missing;
    }
    return XAP_OK;
}

/* Count the articles of the shard database at `path` (read only) towards
 * the words still waiting. Any article there is another one than those
 * of the shard the word was counted in. Its writer may commit meanwhile:
 * a read that fails is made again where it stopped, on the database
 * opened afresh (gz_shard_read_again); one that still fails is returned,
 * the run's failure: a damaged shard taken for one without the words
 * left them out of "did you mean" and said nothing. One shard open at a
 * time, so that N writers never hold more than N databases between
 * them. */
static xap_status ask_other_shard(const char *path, waiting_word *waiting,
                                  size_t nwaiting)
{
    size_t done = 0;
    gz_tries tries;
    gz_tries_start_made(&tries);
    xap_status s;
    do {
        xap_database *other = NULL;
        s = xap_database_open(path, &other);
        if (s == XAP_OK)
            s = count_in(other, waiting, nwaiting, &done);
        xap_database_free(other);
    } while (s != XAP_OK && gz_shard_read_again(s, &tries));
    return s;
}

/* qsort: waiting words in byte order, the order of Xapian's terms. */
static int by_word(const void *a, const void *b)
{
    return strcmp(((const waiting_word *)a)->word,
                  ((const waiting_word *)b)->word);
}

/* Add to `db` the words of `sp` that have their articles (articles_missing),
 * asking the databases `other_shards` (nother) last about the words
 * still missing some. */
static xap_status add_words(const gz_spelling *sp, xap_writable *db,
                            const gz_spelling *const *peers, size_t npeers,
                            const char *const *other_shards, size_t nother)
{
    waiting_word *waiting = NULL;
    size_t nwaiting = 0;
    if (nother && sp->count &&
        !(waiting = malloc(sp->count * sizeof *waiting)))
        return XAP_ERR_NOMEM;
    xap_status s = add_counted(sp, peers, npeers, db, waiting, &nwaiting);
    /* In term order, each lookup mostly finds its B-tree blocks where the
     * one before left them, instead of reading them again. */
    if (s == XAP_OK && nwaiting)
        qsort(waiting, nwaiting, sizeof *waiting, by_word);
    for (size_t i = 0; s == XAP_OK && nwaiting && i < nother; i++)
        s = ask_other_shard(other_shards[i], waiting, nwaiting);
    for (size_t i = 0; s == XAP_OK && i < nwaiting; i++)
        if (!waiting[i].missing)
            s = xap_writable_add_spelling(db, waiting[i].word,
                                          waiting[i].freq);
    free(waiting);
    return s;
}

xap_status gz_spelling_flush(gz_spelling *sp, xap_writable *db,
                             const char *const *other_shards, size_t nother)
{
    xap_status s = add_words(sp, db, NULL, 0, other_shards, nother);
    /* A grown table is released: kept at full size, it would stay over
     * its memory share, and every later batch would flush. One of the
     * first size is emptied for the next batch (the writer API flushes at
     * every commit, however few its articles). */
    if (sp->cap > FIRST_CAP || sp->size > FIRST_WORDS_SIZE) {
        gz_spelling_free(sp);
    } else {
        if (sp->slots)
            memset(sp->slots, 0, sp->cap * sizeof *sp->slots);
        sp->count = 0;
        sp->used = 0;
    }
    return s;
}

xap_status gz_spelling_flush_last(const gz_spelling *sp, xap_writable *db,
                                  const gz_spelling *const *peers,
                                  size_t npeers,
                                  const char *const *other_shards,
                                  size_t nother)
{
    return add_words(sp, db, peers, npeers, other_shards, nother);
}

size_t gz_spelling_bytes(const gz_spelling *sp)
{
    return sp->cap * sizeof *sp->slots + sp->size;
}

void gz_spelling_free(gz_spelling *sp)
{
    free(sp->slots);
    free(sp->words);
    memset(sp, 0, sizeof *sp);
}
