/*
 * shards.h - the shards of an index, and which shard an article goes to.
 *
 * An index written by one writer (gazette-index -j1, or any index made
 * before sharding) is one Xapian database. An index written by N shard
 * writers (-j N) is a directory holding N databases "shard0" ...
 * "shard<N-1>" and a Xapian stub file "XAPIANDB" listing them
 * ("auto shard0" ...), which Xapian opens as one database with global
 * statistics; the index path may also be a stub file naming such a
 * directory (after --full: "auto DB.d/<generation>").
 *
 * All the articles of one file go to the shard gz_shard_of() gives for the
 * file's path relative to its corpus (an article of the writer API, which
 * has no file, by its id): one file, one shard, so a shard's commit always
 * covers whole files.
 */
#ifndef GAZETTE_SHARDS_H
#define GAZETTE_SHARDS_H

#include <stddef.h>

#include "tries.h"
#include "xapian_shim.h"

#define GZ_SHARD_STUB "XAPIANDB"   /* the stub file inside a sharded index */
#define GZ_MAX_SHARDS 64

typedef struct gz_shard_list {
    size_t n;                      /* 0: no index at the path yet */
    char *paths[GZ_MAX_SHARDS];    /* each shard's database directory */
} gz_shard_list;

/* Find the shards of the index at `db`: none when nothing is there (or an
 * empty directory, or one holding neither a database nor XAPIANDB), one
 * (`db` itself, or what a one-line stub file names) for a single
 * database, the entries of XAPIANDB for a sharded index. Returns 0, or -1
 * with a one-line reason in `err` (a stub naming a remote database, too
 * many shards or one database twice, out of memory). Free with
 * gz_shards_free. */
int gz_shards_locate(const char *db, gz_shard_list *out, char *err,
                     size_t errlen);

/* 1 when gz_shards_locate(db) fails because the index lists one
 * database twice (the same device and inode; a database that is not
 * there is not compared), with `err` naming it and the stubs listing it;
 * else 0 (`err` may hold another reason gz_shards_locate fails). Such an
 * index is refused by every run: two shard writers of one run would open
 * the database (the second finds the first's lock: "being written by
 * another process", a run retried forever), and a search would find each
 * article twice (the reader refuses it too: gz_locations_reach_twice). */
int gz_shards_listed_twice(const char *db, char *err, size_t errlen);

/* 1 when gz_shards_locate(db) fails because a stub file of the index has
 * a line Xapian reads that names no local database this library can
 * write (a server, an inmemory or chert database, no path), with `err`
 * naming the stub and the line; else 0. An update refuses it before
 * it starts: it has nothing it could write to. */
int gz_shards_unwritable(const char *db, char *err, size_t errlen);

void gz_shards_free(gz_shard_list *list);

/* 1 when `dir` is a directory holding shard databases ("shard<n>"
 * directories with a revision file) but neither the stub XAPIANDB that
 * lists them nor a database of its own: a sharded index that lost its
 * stub. Xapian finds no database there (readers: INDEX_CORRUPT), and a
 * writer would create a new, empty one beside the shards. `found` gets
 * the lines of the stub that would list them, in the order of their
 * numbers, separated by ", " ("auto shard0, auto shard1"; cut short to
 * `foundlen`). 0 otherwise, also when `dir` cannot be read. */
int gz_shards_stub_lost(const char *dir, char *found, size_t foundlen);

/* 1 when `dir` is a sharded index that lost its stub (gz_shards_stub_lost),
 * with the database directory of its lowest-numbered shard, the first
 * line of the stub that would list them, in `path`; 0 otherwise, also
 * when that path does not fit in `pathlen`. */
int gz_shards_stub_lost_first(const char *dir, char *path, size_t pathlen);

/* 1 when the index at `path`, or a directory its stub file names, is a
 * sharded index that lost its stub file (gz_shards_stub_lost), said in
 * `err`. Xapian finds no database there: opened to create or open, it
 * made a new empty one beside the shards, and the shards' articles were
 * lost to every reader. Refused as damaged, as readers refuse it: which
 * shards the stub listed, and in which order (the shard an update sends
 * a file to depends on it), is the stub's to say, not a guess's. */
int gz_shards_stub_lost_said(const char *path, char *err, size_t errlen);

/* 1 when the index at `db_path` is another program's Xapian database
 * (gz_index_is_foreign, over all its databases: one recording the
 * Gazette format is enough), said in `err`. Asked before its tables are
 * checked, and only when that check fails (an index with every table, the
 * common case, costs a few stat calls): another program's healthy
 * database need not have the tables of a Gazette index with articles
 * (terms without positions make no position.glass, documents without data
 * no docdata.glass), and is refused as what it is, not called damaged.
 * Decided only when each database has its postlist.glass, which holds the
 * metadata: a Gazette index that lost it reads as one without a format,
 * and is damaged. Asked before anything is locked or made. */
int gz_shards_foreign(const char *db_path, char *err, size_t errlen);

/* Lay out a sharded index of `n` (2..GZ_MAX_SHARDS) shards in directory
 * `dir` (created when missing): fill `out` with dir/shard<i> (the caller
 * creates the databases), and once they exist, gz_shards_publish writes
 * dir/XAPIANDB atomically (temporary file, fsync, rename), so a reader
 * never sees a stub naming a shard not yet there. 0, or -1 with `err`. */
int gz_shards_plan(const char *dir, size_t n, gz_shard_list *out, char *err,
                   size_t errlen);
int gz_shards_publish(const char *dir, size_t n, char *err, size_t errlen);

/* The shard (0..n-1) of the article(s) keyed by `key`: 64-bit FNV-1a of
 * its bytes, modulo n. Stable across runs, machines and releases. */
size_t gz_shard_of(const char *key, size_t n);

/* A shard's database read (read only) by another thread of the run, whose
 * writer commits to it meanwhile (the entity lexicon's views, the
 * spelling words asked of the other shards): two commits discard the
 * revision being read (XAP_ERR_DB_MODIFIED), and an open meeting a block
 * they reused reads it as damage ("Expected block 0 to be level 1"), as
 * a search's open does (query/index.c). Such a read is made again, on the
 * database opened afresh, as a search is run again (tries.h: ten tries,
 * and while the writer's commits keep overtaking them, two seconds: a
 * writer committing back to back on a slow disk may overtake ten quick
 * tries in a row); one that still fails is the run's failure: a damaged
 * shard fails the run as the damaged index it is (never "no article has
 * the word"). gz_shard_read_again(s, tries): 1 when a read that failed
 * with `s` (the shim's message its own) is to be made again, counted in
 * `tries` (started with the first read made: gz_tries_start_made). */
int gz_shard_read_again(xap_status s, gz_tries *tries);

#endif
