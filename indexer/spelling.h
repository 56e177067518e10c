/*
 * spelling.h - spelling data ("did you mean") gathered per batch.
 *
 * Xapian's TermGenerator with FLAG_SPELLING calls add_spelling() once for
 * every word it reads, and each commit then merges the words into the
 * spelling table. Instead each shard writer counts the words of its
 * documents in a hash table (word -> frequency) and hands each distinct
 * word to Xapian once, before the run's last commit (or when the table
 * outgrows its memory share), so the spelling table is rewritten once
 * rather than at every batch; the writer API does the same at each
 * commit. A word seen once goes in only when another article has it:
 * one of its database, one another shard writer of the same run counted,
 * or one another shard's database holds. The run's last flush
 * (gz_spelling_flush_last) comes after every shard has committed its
 * articles; a flush before the end (a table over its memory share) asks
 * what the other shards have committed so far, and of two articles in
 * two shards the one flushed later finds the other. So a sharded index
 * gets the spelling words one database would get, in a first run as in an
 * update run; only a flush before the end of an update run may count
 * another shard's copy of an article the run has yet to replace or
 * remove (the words are a hint, not a count).
 * The words are the document's unprefixed terms without a digit (what
 * the TermGenerator fed the spelling table: title and body words,
 * unstemmed, lower-cased; numbers, codes and ids left out) and without
 * a Chinese, Japanese or Korean character (their n-grams, or whole runs
 * in an older index, are no words to suggest: spelling.c),
 * the frequency their within-document frequency (a title word counts
 * TITLE_WDF times, as it does for ranking).
 */
#ifndef GAZETTE_SPELLING_H
#define GAZETTE_SPELLING_H

#include <stddef.h>
#include <stdint.h>

#include "xapian_shim.h"

typedef struct gz_spelling_slot {
    uint64_t hash;
    uint32_t off;      /* word at words + off, NUL-terminated */
    uint32_t freq;     /* 0: empty slot */
} gz_spelling_slot;

typedef struct gz_spelling {
    gz_spelling_slot *slots;   /* cap slots, a power of two */
    size_t cap, count;
    char *words;               /* the distinct words, back to back */
    size_t used, size;
    int nomem;                 /* an allocation failed while counting */
} gz_spelling;

/* Count the spelling words of `doc` (zero-initialise `sp` first).
 * XAP_ERR_NOMEM when memory ran out (what was counted is kept). */
xap_status gz_spelling_add_document(gz_spelling *sp, const xap_document *doc);

/* Add the counted words to `db`'s spelling table (not committed) and
 * empty the table (a grown one is released, back to its first size):
 * every word counted more than once, and a word counted once when
 * another article of `db`, or of the shard databases
 * `other_shards` (nother paths, each opened read only in turn: what they
 * have committed), has it too. XAP_ERR_NOMEM, a failure of `db`, or one
 * of another shard's (read again first while it may be that shard's
 * writer committing: gz_shard_read_again) is returned. */
xap_status gz_spelling_flush(gz_spelling *sp, xap_writable *db,
                             const char *const *other_shards, size_t nother);

/* The run's last flush of one shard's table `sp` into `db`, once every
 * shard has committed its articles: `peers` (npeers tables, `sp` may be
 * among them) are every shard writer's table of the run, complete and no
 * longer changing, and `other_shards` (nother paths) the other shards'
 * databases, each opened read only in turn: a word counted once also goes
 * in when a peer counted it or when `db` and the other shards together
 * hold it in more than one article. XAP_ERR_NOMEM, a failure of `db`,
 * or one of another shard's (as for gz_spelling_flush) is returned. `sp`
 * is left as it is, since the peers may still be reading it: free it
 * when all are done. */
xap_status gz_spelling_flush_last(const gz_spelling *sp, xap_writable *db,
                                  const gz_spelling *const *peers,
                                  size_t npeers,
                                  const char *const *other_shards,
                                  size_t nother);

/* Bytes the table holds (for memory accounting). */
size_t gz_spelling_bytes(const gz_spelling *sp);

void gz_spelling_free(gz_spelling *sp);

#endif
