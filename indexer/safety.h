/*
 * safety.h - what keeps an unattended run from destroying an index by
 * accident, and the hardened lock file.
 *
 * - Corpus roots: the device (st_dev) of each root is remembered in the
 *   index metadata. A root that cannot be read, or one that is empty or on
 *   another file system than at the last run while files would be removed,
 *   makes the run remove nothing (the usual look of an unmounted disk:
 *   an empty mount-point directory on the parent file system).
 * - A removal limit: a run that would remove more than a share of the
 *   index's files (vanished, or walked but now holding no article: an
 *   emptied file), or of its articles (those of such files, plus those a
 *   changed file would lose: a JSON Lines file cut short), removes none
 *   of them and rewrites no file that would lose articles; a --full
 *   rebuild that lost more than that share of the articles is not
 *   switched in.
 * - Mount points below a root: the folders the walk entered that were on
 *   another file system than the folder above them are remembered, per
 *   root, in the index metadata (by path, not device: a remount may get
 *   a new one). One that is not a mount point any more (a disk unmounted
 *   leaves an empty folder on the parent's file system, or none) while
 *   the index holds files below it keeps their articles (an update's
 *   other removals go on under the guards), and a --full rebuild is not
 *   switched in; the run says so in one line (exit 69) until the disk is
 *   back, or a forced run accepts the loss. With several roots, the
 *   paths below a mount point that a later root holds too are
 *   remembered with it, so that while the disk is gone those ids stay
 *   its own, and a later root's other files there are indexed as usual.
 * - The lock file "<db>.lock" is never opened through a symlink, is 0600,
 *   and the pid named in a "locked" message is the holder's own, as the
 *   kernel reports it.
 *
 * indexer.c calls these; they print nothing (messages go to `err`).
 */
#ifndef GAZETTE_SAFETY_H
#define GAZETTE_SAFETY_H

#include <stddef.h>
#include <stdint.h>

#include "strmap.h"
#include "xapian_shim.h"

/* Paths relative to a corpus root, each NUL-terminated, one after the
 * other in `buf` (`len` bytes in all, `cap` allocated; malloc()ed):
 * the form the index metadata keeps them in, which holds any name.
 * Zeroed ({0}) it is empty. */
typedef struct gz_names {
    char *buf;
    size_t len, cap;
} gz_names;

/* Append a copy of `name`. 0, or -1 when out of memory (`n` unchanged). */
int gz_names_add(gz_names *n, const char *name);

/* The name after `prev` (a pointer this returned), the first when `prev`
 * is NULL; NULL after the last. */
const char *gz_names_next(const gz_names *n, const char *prev);

/* 1 when `n` holds `name`. */
int gz_names_has(const gz_names *n, const char *name);

void gz_names_free(gz_names *n);

/* What a run learnt about one corpus root. */
typedef struct gz_root_check {
    const char *root;        /* as given (borrowed) */
    uint64_t dev;            /* st_dev now */
    int is_file;             /* the root is one file, not a directory */
    uint64_t recorded_dev;   /* st_dev at the last run, when dev_known */
    int dev_known;           /* the index remembers a device for it */
    int records_unread;      /* the index's records of it (device, mount
                                points) could not be read: where it was
                                at the last run is unknown, so it counts
                                as absent (gz_roots_any_absent) */
    int unreadable;          /* the walk could not open it */
    int walk_errno;          /* why, when unreadable */
    uint64_t files;          /* files the walk found below it */
    uint64_t left_out;       /* entries --include/--exclude left out: a
                                root with only those is not empty */
    char key[64];            /* its metadata key */
    char legacy_key[64];     /* the key of its path as written, which
                                runs before normal_path recorded (the
                                same as key for a path spelt so) */
    char abs_path[4096];     /* its absolute path (the key's source) */
    /* Mount points below it, relative to it (owned; gz_roots_release):
     * those recorded at the last run (in strcmp order: a folder before
     * those below it); those this run's walk entered (and
     * recorded ones below a path it could not read: still there, as far
     * as anyone can tell); and recorded ones that are not mount points now
     * while the index holds files below them (kept, and recorded again). */
    gz_names mounts_was, mounts_now, mounts_gone;
    gz_names links_out;      /* symlinks leaving it that its walk left
                                out (no --follow-symlinks), relative to
                                it (owned) */
    /* Files below its mount points whose relative paths a root given
     * after it holds too (its own file keeps the id): those recorded at
     * the last run (took_was; looked up with gz_root_took), and those to
     * record (took_now: met by this run, and recorded ones below a mount
     * point gone). While the disk is not mounted the later root's file
     * of such a path is skipped, the disk's article kept; its others
     * are its own (owned). */
    gz_names took_was, took_now;
    gz_strmap took_set;      /* took_was, for gz_root_took */
} gz_root_check;

/* Fill checks[0..n) for `roots`: the device of each root now (stat(2),
 * through symlinks) and the one recorded in `view` (may be NULL: none
 * recorded), and the mount points recorded below it (mounts_was). The
 * roots must exist (checked before). checks[] is zeroed or filled
 * before (what it owns is released first). Returns XAP_OK or the shim
 * status of a failed metadata read (XAP_ERR_NOMEM: out of memory). */
xap_status gz_roots_inspect(const xap_database *view,
                            const char *const *roots, size_t n,
                            gz_root_check *checks);

/* Free what checks[0..n) own (their mount point lists). */
void gz_roots_release(gz_root_check *checks, size_t n);

/* 1 when the last run recorded `relpath` among the files below root
 * `c`'s mount points that a later root holds too (took_was). */
int gz_root_took(const gz_root_check *c, const char *relpath);

/* 1 when root `c` was on another file system at the last run. */
int gz_root_moved(const gz_root_check *c);

/* Remember the device of each root that was read, and the mount points
 * below it (mounts_now and mounts_gone) and the paths below them a later
 * root holds too (took_now), in `db` (same commit as the run). A root that moved is only recorded when `accept_moved` (nothing
 * was withheld because of it). */
xap_status gz_roots_record(xap_writable *db, const gz_root_check *checks,
                           size_t n, int accept_moved);

/* What an incremental run would remove. */
/* gz_removal's left_out_by: the patterns that left files out. */
enum { GZ_LEFT_OUT_BY_INCLUDE = 1, GZ_LEFT_OUT_BY_EXCLUDE = 2 };

typedef struct gz_removal {
    uint64_t vanished;          /* files whose articles would go */
    uint64_t skipped;           /* of them, walked but skipped as holding
                                   no article now */
    uint64_t known;             /* files the index holds */
    uint64_t vanished_articles; /* the articles of the `vanished` files */
    uint64_t shrinking;         /* changed files that would be rewritten
                                   with fewer articles */
    uint64_t shrink_articles;   /* the articles they would lose */
    uint64_t known_articles;    /* articles of the files the index holds */
    int held_none;              /* the index held no article at all before
                                   the run (none of files, none written
                                   through the writer API): a new index */
    uint64_t renamed;           /* of the `vanished`, files whose content
                                   the index still holds under a walked
                                   path after this run (renamed, moved,
                                   or a copy) */
    uint64_t renamed_articles;  /* the articles it holds of them there */
    uint64_t excluded;          /* of the `vanished`, files the include
                                   or exclude patterns of the run leave
                                   out (not walked: not known to be
                                   gone) */
    int left_out_by;            /* which patterns left them out: an OR of
                                   GZ_LEFT_OUT_BY_INCLUDE and
                                   GZ_LEFT_OUT_BY_EXCLUDE */
    /* The shrinking file that would lose the most (for the message): its
     * path (borrowed), its articles in the index and now. */
    const char *example;
    uint64_t example_old, example_now;
} gz_removal;

/* May an incremental run remove what `r` says? No when a root was
 * unreadable, when files would be removed while a root is empty or moved,
 * or when the index would lose more than `max_percent` percent (0 = no
 * limit) of its files or of its articles. A file renamed, moved or
 * copied (its content indexed under a path walked this run: added,
 * updated or unchanged) is no loss: the files lost
 * are r->vanished - r->renamed, against r->known, and the articles lost
 * r->vanished_articles - r->renamed_articles + r->shrink_articles,
 * against r->known_articles. Other new files make up for nothing: a
 * corpus directory typed wrong, or a missing disk while new articles
 * arrive, must not pass for renames. `force` says yes to all but an
 * unreadable root. Returns 1 (go ahead) or 0 with a one-line reason in
 * `err` naming the root or the counts. */
int gz_removal_allowed(const gz_root_check *checks, size_t n,
                       const gz_removal *r, unsigned max_percent, int force,
                       char *err, size_t errlen);

/* 1 when a root is empty, on another file system than at the last run
 * (a disk not mounted?), or of records that could not be read
 * (records_unread). */
int gz_roots_any_absent(const gz_root_check *checks, size_t n);

/* gz_roots_any_absent, records_unread aside: 1 when a root is known to
 * be empty or on another file system than at the last run. */
int gz_roots_known_absent(const gz_root_check *checks, size_t n);

/* May a --full rebuild holding `new_articles` replace an index holding
 * `old_articles`, lacking `files_lost` of the index's files (paths it
 * holds no article under)? `no_index`: there is none to replace (the
 * reason then says no index was made). No when a root was unreadable; nor, unless
 * `force`, when it lost articles or lacks any indexed file while a root
 * is empty or moved (whatever the net count or `max_percent` says), or
 * when it lost more than `max_percent` percent of the articles (0 = no
 * limit). Returns 1 or 0 with a one-line reason in `err`. */
int gz_rebuild_allowed(const gz_root_check *checks, size_t n,
                       uint64_t old_articles, uint64_t new_articles,
                       uint64_t files_lost, unsigned max_percent, int force,
                       int no_index, char *err, size_t errlen);

/* The line of a run that met `gone` recorded mount points that are not
 * mount points now, the first `rel` below root `root`, with `files`
 * indexed files below them holding `articles` articles: an update kept
 * them (`full` 0), or a --full rebuild was not switched in (`full` 1;
 * `articles` unused). Into `err`. */
void gz_mounts_gone_said(const char *root, const char *rel, size_t gone,
                         uint64_t files, uint64_t articles, int full,
                         char *err, size_t errlen);

/* Open (creating it 0600) the lock file at `path` without following a
 * symlink, and tighten an older, more open mode of a lock file we own.
 * Returns the descriptor, or -1 with errno (ELOOP: a symlink; EINVAL:
 * not a regular file). */
int gz_lock_file_open(const char *path);

/* The pid of the process holding an flock on the open file `fd` as the
 * kernel reports it (/proc/locks), or 0 when unknown. `claimed` is the pid
 * written in the file; *is_writer is set to 1 when the holder is the one
 * that wrote it (a gazette writer), else 0. */
long gz_lock_holder(int fd, long claimed, int *is_writer);

#endif
