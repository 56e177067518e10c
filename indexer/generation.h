/*
 * generation.h - atomic full rebuilds through a Xapian stub database.
 *
 * After `gazette-index --full`, the index path DB is a stub file (one line,
 * "auto DB.d/<generation>") naming the database directory in use. A full
 * rebuild writes a new generation directory beside it, then replaces the
 * stub with rename(2), so a reader opening DB sees either the old complete
 * index or the new one. A plain database directory at DB (an index built
 * incrementally from scratch) is swapped for a stub with
 * renameat2(RENAME_EXCHANGE), atomic too. Xapian opens stubs transparently
 * for readers and writers, so incremental runs keep working on DB.
 */
#ifndef GAZETTE_GENERATION_H
#define GAZETTE_GENERATION_H

#include <stddef.h>

/* Pick a fresh generation directory for index `db` ("DB.d/g<time>-<pid>"),
 * creating DB.d. `path` gets the path to pass to Xapian, `rel` the same
 * relative to the stub's directory. 0, or -1 with errno set (ELOOP: DB.d
 * is a symlink, ENOTDIR: not a directory; never used then). */
int gz_generation_new(const char *db, char *path, size_t pathlen, char *rel,
                      size_t rellen);

/* Whether a --full rebuild of `db` from `roots` may go ahead: it replaces
 * DB and deletes what DB was, so DB must be missing, an empty directory, a
 * directory of nothing but Xapian database files, or a Xapian stub file
 * (what Xapian accepts as one), not a symbolic link, and no corpus root
 * may be DB, DB.d or lie below them. 0; 1 refused, with a one-line reason
 * in `err`; -1 when a system call failed (out of descriptors, permissions,
 * a failing disk: not a refusal), with errno and `err` ("DB: <error>").
 * Touches nothing. */
int gz_generation_check(const char *db, const char *const *roots,
                        size_t nroots, char *err, size_t errlen);

/* Before a --full build, with the index lock held: delete what killed
 * runs left (a DB.stub-tmp, generation directories in DB.d other than the
 * one DB's stub names), so the build has their disk space. 0, or -1 with
 * a reason in `err` (something at DB.stub-tmp that is not ours, a
 * generation that could not be deleted). */
int gz_generation_clear_leftovers(const char *db, char *err, size_t errlen);

/* Before an update run writes, with the index lock held: delete the
 * generation directories in DB.d that DB does not name (a --full killed
 * mid-build, or between its switch and deleting the old generation, left
 * them, each as big as the index). Only when which one is live is known:
 * DB is Gazette's stub naming one (that one is kept), or a database
 * directory or nothing (none is live); with anything else at DB nothing
 * is deleted. Touches no DB.stub-tmp. 0, or -1 with a reason in `err`
 * (a generation that could not be deleted). */
int gz_generation_clear_unused(const char *db, char *err, size_t errlen);

/* Make `db` a stub naming generation `rel` (as made by gz_generation_new),
 * with the index lock held: clear a DB.stub-tmp left by a run killed
 * mid-switch, write and fsync "DB.stub-tmp", rename or exchange it over DB,
 * fsync the directory, then delete what DB was before (the old generation
 * directory or plain database directory; already gone is fine) and any
 * other generation directory in DB.d (left by killed runs).
 * `release(ctx)` (when not NULL) is called once, for the caller to close
 * what it holds open of the old index: when DB is a stub, right after
 * the rename (DB names the new generation, the old one is not deleted
 * yet); when DB is a database directory, right before the exchange (its
 * path DB is about to become a file).
 * 0 = switched and cleaned; 1 = switched, but something old could not be
 * deleted (a warning in `err`); -1 = not switched (a reason in `err`),
 * the old index still in place. */
int gz_generation_switch(const char *db, const char *rel,
                         void (*release)(void *ctx), void *ctx, char *err,
                         size_t errlen);

/* Delete generation `name` of index `db` ("DB.d/<name>" and all below it)
 * through DB.d opened without following symlinks: a DB.d that is a
 * symlink is left alone (-1, ELOOP). Gone already: 0. */
int gz_generation_remove(const char *db, const char *name);

/* 1 when `path` is a directory holding nothing but what Xapian puts in a
 * database directory (or a sharded index's XAPIANDB and shard
 * directories), empty included; 0 otherwise (also when missing). */
int gz_is_xapian_dir(const char *path);

/* rm -rf `path` (0 when it does not exist); 0, or -1 with errno set. */
int gz_remove_tree(const char *path);

#endif
