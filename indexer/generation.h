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

/* Whether DB.d, the directory of the generations of index `db`, could
 * be used, without making it: 0 when it is missing or a real directory,
 * else -1 with errno (ELOOP: a symlink, ENOTDIR: not a directory, or why
 * it could not be looked at). Touches nothing. */
int gz_generation_dir_check(const char *db);

/* Make DB.d unless it is there, with the index lock held (a --full
 * waiting for the lock makes nothing: see gz_generation_dir_drop); *made
 * (may be NULL) says whether this call made it. 0, or -1 with errno set
 * (as gz_generation_dir_check; never used then). */
int gz_generation_dir_make(const char *db, int *made);

/* Remove DB.d of `db` if it is empty: a --full that made it and switched
 * nothing in leaves no trace of itself. Run with the index lock held:
 * another --full makes DB.d, and builds in it, only under the lock. */
void gz_generation_dir_drop(const char *db);

/* Pick a fresh generation directory for index `db` ("DB.d/g<time>-<pid>"),
 * with the index lock held, creating DB.d. `path` gets the path to pass
 * to Xapian, `rel` the same relative to the stub's directory. 0, or -1
 * with errno set (ELOOP: DB.d is a symlink, ENOTDIR: not a directory;
 * never used then). */
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

/* What a cleanup deletes in DB.d: a generation DB does not use (no line
 * of its stub, nested stubs and XAPIANDB included, names it or a path
 * below it, however written) that carries Gazette's marker
 * "DB.d/<gen>.building" (made before the generation, removed once the
 * stub names it) or "DB.d/<gen>.retired" (made before a switch replaces
 * it, removed with it): what a --full killed mid-build, or between its
 * switch and deleting the old generation, left behind, each as big as the
 * index. A generation without a marker (one a stub moved elsewhere still
 * names, one an older version left) is never deleted, and when what DB
 * uses cannot be known (a stub that cannot be read or that Xapian would
 * refuse) nothing is. Markers whose generation is gone or in use are
 * removed. Both cleanups run with the index lock held. */

/* The builds a cleanup deleted: generations still marked building, which
 * a --full left unfinished (killed, or its machine stopped, before its
 * switch). Zeroed by the caller; `first` the name of the first. */
typedef struct gz_swept {
    unsigned builds;
    char first[256];
} gz_swept;

/* Before a --full build: clear what killed runs left (a DB.stub-tmp, the
 * generations above), so the build has their disk space; the builds
 * deleted are counted in `swept` (may be NULL). 0, or -1 with a reason
 * in `err` (something at DB.stub-tmp that is not ours, a generation that
 * could not be deleted). */
int gz_generation_clear_leftovers(const char *db, gz_swept *swept,
                                  char *err, size_t errlen);

/* What a dry run of --full checks instead: 0 when the DB.stub-tmp that
 * gz_generation_clear_leftovers would clear is none or ours, else -1 with
 * the same reason (nothing is deleted). */
int gz_generation_check_leftovers(const char *db, char *err, size_t errlen);

/* Before an update run writes: delete the generations above (the builds
 * among them counted in `swept`, may be NULL). Touches no DB.stub-tmp.
 * 0, or -1 with a reason in `err` (a generation that could not be
 * deleted). */
int gz_generation_clear_unused(const char *db, gz_swept *swept, char *err,
                               size_t errlen);

/* Mark generation `path` (as gz_generation_new gave it, not made yet) as
 * being built ("DB.d/<gen>.building", fsync'd), with the index lock held
 * and after the cleanup: a run killed before its switch leaves it for a
 * cleanup to delete. 0, or -1 with errno. */
int gz_generation_mark_building(const char *db, const char *path);

/* Make `db` a stub naming generation `rel` (as made by gz_generation_new),
 * with the index lock held: clear a DB.stub-tmp left by a run killed
 * mid-switch, write and fsync "DB.stub-tmp", mark retired the generations
 * in DB.d that DB uses, rename or exchange the stub over DB, fsync the
 * directory, remove the new generation's building marker, then delete
 * what DB was before (the retired generations, or the plain database
 * directory; already gone is fine) and what killed runs left (the
 * cleanup above).
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

/* Delete generation `name` of index `db` ("DB.d/<name>" and all below it,
 * then its markers) through DB.d opened without following symlinks: a
 * DB.d that is a symlink is left alone (-1, ELOOP). Gone already: 0. */
int gz_generation_remove(const char *db, const char *name);

/* 1 when `path` is a directory holding nothing but what Xapian puts in a
 * database directory (or a sharded index's XAPIANDB and shard
 * directories), empty included; 0 otherwise (also when missing). */
int gz_is_xapian_dir(const char *path);

/* rm -rf `path` (0 when it does not exist); 0, or -1 with errno set. */
int gz_remove_tree(const char *path);

#endif
