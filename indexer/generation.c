/* generation.c - new index generations and the stub switch. */
#define _GNU_SOURCE 1   /* renameat2, RENAME_EXCHANGE */
#include "generation.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schema.h"
#include "stub_refs.h"

/* `db` without trailing slashes, into buf. */
static int trimmed(const char *db, char *buf, size_t size)
{
    size_t n = strlen(db);
    while (n > 1 && db[n - 1] == '/')
        n--;
    int len = snprintf(buf, size, "%.*s", (int)n, db);
    if (len < 0 || (size_t)len >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

/* "<db>.d", `db` without trailing slashes, into gens[4200]. */
static int gens_dir(const char *db, char *gens)
{
    char base[4096];
    if (trimmed(db, base, sizeof base) != 0)
        return -1;
    snprintf(gens, 4200, "%s.d", base);
    return 0;
}

/* 0 when `gens` is a real directory, else -1 with errno (ELOOP: a
 * symlink, ENOTDIR: something else, lstat's when it is not there). DB.d
 * is never used through a symlink: its g* entries get deleted. */
static int real_dir(const char *gens)
{
    struct stat sb;
    if (lstat(gens, &sb) != 0)
        return -1;
    if (!S_ISDIR(sb.st_mode)) {
        errno = S_ISLNK(sb.st_mode) ? ELOOP : ENOTDIR;
        return -1;
    }
    return 0;
}

int gz_generation_dir_check(const char *db)
{
    char gens[4200];
    if (gens_dir(db, gens) != 0)
        return -1;
    return real_dir(gens) != 0 && errno != ENOENT ? -1 : 0;
}

int gz_generation_dir_make(const char *db, int *made)
{
    char gens[4200];
    if (gens_dir(db, gens) != 0)
        return -1;
    int fresh = mkdir(gens, 0755) == 0;
    if (!fresh && errno != EEXIST)
        return -1;
    if (made)
        *made = fresh;
    return real_dir(gens);
}

void gz_generation_dir_drop(const char *db)
{
    char gens[4200];
    if (gens_dir(db, gens) != 0)
        return;
    (void)rmdir(gens);   /* not empty: it holds more than this run's */
}

int gz_generation_new(const char *db, char *path, size_t pathlen, char *rel,
                      size_t rellen)
{
    char base[4096], copy[4096];
    if (trimmed(db, base, sizeof base) != 0)
        return -1;
    snprintf(copy, sizeof copy, "%s", base);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char gen[64];
    snprintf(gen, sizeof gen, "g%lld%09ld-%ld", (long long)ts.tv_sec,
             ts.tv_nsec, (long)getpid());
    if (gz_generation_dir_make(base, NULL) != 0)
        return -1;
    int n2 = snprintf(path, pathlen, "%s.d/%s", base, gen);
    int n3 = snprintf(rel, rellen, "%s.d/%s", basename(copy), gen);
    if (n2 < 0 || (size_t)n2 >= pathlen || n3 < 0 || (size_t)n3 >= rellen) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
                        struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

/* Remove entry `name` of the directory open as `dirfd`, and everything
 * below it, never following a symlink. 0, or -1 with errno. */
static int remove_at(int dirfd, const char *name)
{
    struct stat sb;
    if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(sb.st_mode))
        return unlinkat(dirfd, name, 0) != 0 && errno != ENOENT ? -1 : 0;
    int fd = openat(dirfd, name,
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            rc = remove_at(fd, e->d_name);
    int saved = errno;
    closedir(d);
    if (rc != 0) {
        errno = saved;
        return -1;
    }
    return unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT ? -1
                                                                       : 0;
}

/* Open "<base>.d" as a directory, refusing a symlink (ELOOP). */
static int open_gens(const char *base)
{
    char gens[4200];
    snprintf(gens, sizeof gens, "%s.d", base);
    return open(gens, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* 1 when `name` has the form gz_generation_new gives generations,
 * "g<digits>-<digits>". */
static int is_generation_name(const char *name)
{
    const char *p = name;
    if (*p++ != 'g' || !(*p >= '0' && *p <= '9'))
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p++ != '-' || !(*p >= '0' && *p <= '9'))
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return *p == '\0';
}

/* Markers beside a generation in DB.d saying that it is Gazette's to
 * delete once DB no longer uses it: "<gen>.building" from before the
 * generation is made until the stub names it, "<gen>.retired" from before
 * a switch replaces it until it is deleted. A cleanup deletes only a
 * marked generation: one without a marker may be another index's (a stub
 * moved away still names DB.d/<gen>) or an older version's. */
static const char *const marker_suffix[] = {".building", ".retired"};
enum { MARK_BUILDING, MARK_RETIRED, MARK_KINDS };

/* The name of marker `kind` of generation `name`, into buf[300]. */
static const char *marker_name(const char *name, int kind, char buf[300])
{
    snprintf(buf, 300, "%.250s%s", name, marker_suffix[kind]);
    return buf;
}

/* Create marker `kind` of generation `name` in DB.d (open as `dirfd`),
 * on disk (the file and its directory entry fsync'd) before the caller
 * goes on: a crash must not leave the generation without it. */
static int mark_at(int dirfd, const char *name, int kind)
{
    char buf[300];
    int fd = openat(dirfd, marker_name(name, kind, buf),
                    O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    int ok = fsync(fd) == 0;
    int e = errno;
    close(fd);
    errno = e;
    return ok && fsync(dirfd) == 0 ? 0 : -1;
}

/* Remove marker `kind` of generation `name` (gone already is fine). */
static void unmark_at(int dirfd, const char *name, int kind)
{
    char buf[300];
    unlinkat(dirfd, marker_name(name, kind, buf), 0);
}

/* The markers generation `name` has: bit 1 << kind set for each (0:
 * none). */
static int marks_at(int dirfd, const char *name)
{
    char buf[300];
    struct stat sb;
    int marks = 0;
    for (int kind = 0; kind < MARK_KINDS; kind++)
        if (fstatat(dirfd, marker_name(name, kind, buf), &sb,
                    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode))
            marks |= 1 << kind;
    return marks;
}

/* 1 when entry `name` is a marker; its generation's name into gen[256]. */
static int marker_of(const char *name, char gen[256])
{
    size_t n = strlen(name);
    for (int kind = 0; kind < MARK_KINDS; kind++) {
        size_t k = strlen(marker_suffix[kind]);
        if (n > k && n - k < 256 &&
            strcmp(name + n - k, marker_suffix[kind]) == 0) {
            snprintf(gen, 256, "%.*s", (int)(n - k), name);
            return is_generation_name(gen);
        }
    }
    return 0;
}

/* Delete generation `name` of DB.d (open as `dirfd`), then its markers:
 * in that order, so a run killed half-way leaves it marked. */
static int remove_marked_at(int dirfd, const char *name)
{
    if (remove_at(dirfd, name) != 0)
        return -1;
    for (int kind = 0; kind < MARK_KINDS; kind++)
        unmark_at(dirfd, name, kind);
    return 0;
}

int gz_generation_remove(const char *db, const char *name)
{
    char base[4096];
    if (trimmed(db, base, sizeof base) != 0)
        return -1;
    int fd = open_gens(base);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    int rc = remove_marked_at(fd, name);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* Mark (mark_at) or unmark generation `path` (DB.d/<name>, or <name>)
 * of `db`. 0, or -1 with errno. */
static int set_marker(const char *db, const char *path, int kind, int on)
{
    char base[4096];
    if (trimmed(db, base, sizeof base) != 0)
        return -1;
    int fd = open_gens(base);
    if (fd < 0)
        return -1;
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    int rc = 0;
    if (on)
        rc = mark_at(fd, name, kind);
    else
        unmark_at(fd, name, kind);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int gz_generation_mark_building(const char *db, const char *path)
{
    return set_marker(db, path, MARK_BUILDING, 1);
}

int gz_remove_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return errno == ENOENT ? 0 : -1;   /* already gone is fine */
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* 1 when `name` is a changeset Xapian writes into a database directory
 * when XAPIAN_MAX_CHANGESETS is set (for replication): "changes<N>", and
 * glass's "changestmp" while one is being written (left by a killed run). */
static int is_changeset_name(const char *name)
{
    if (strncmp(name, "changes", 7) != 0 || !name[7])
        return 0;
    if (strcmp(name + 7, "tmp") == 0)
        return 1;
    for (const char *p = name + 7; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

/* 1 when `name` is a file name Xapian's glass or chert backends create
 * inside a database directory (marker, lock, tables, changesets, their
 * temporaries such as glass's v.tmp). */
static int is_xapian_file_name(const char *name)
{
    if (is_changeset_name(name))
        return 1;
    static const char *const exact[] = {"iamglass", "iamchert", "iamflint",
                                        "flintlock"};
    static const char *const suffix[] = {".glass", ".DB", ".baseA",
                                         ".baseB", ".tmp"};
    for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
        if (strcmp(name, exact[i]) == 0)
            return 1;
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        size_t k = strlen(suffix[i]);
        if (n > k && strcmp(name + n - k, suffix[i]) == 0)
            return 1;
    }
    return 0;
}

/* *foreign = 1 when directory `path` holds anything Xapian would not have
 * created in a database directory, else 0 (also when it is empty). A
 * sharded index (shards.h) may also hold its stub XAPIANDB and shard
 * directories made of Xapian files only. 0, or -1 with errno. */
static int scan_dir(const char *path, int *foreign)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    *foreign = 0;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && !*foreign && (errno = 0, e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            is_xapian_file_name(e->d_name) ||
            strcmp(e->d_name, "XAPIANDB") == 0)
            continue;
        char sub[4200];
        struct stat sb;
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        if (gz_is_shard_dir_name(e->d_name) && lstat(sub, &sb) == 0 &&
            S_ISDIR(sb.st_mode)) {
            int shard_foreign = 0;
            rc = scan_dir(sub, &shard_foreign);
            *foreign = shard_foreign;
        } else {
            *foreign = 1;
        }
    }
    if (rc == 0 && !*foreign && errno != 0)
        rc = -1;   /* readdir failed (EIO) */
    int e2 = errno;
    closedir(d);
    errno = e2;
    return rc;
}

int gz_is_xapian_dir(const char *path)
{
    int foreign = 1;
    return scan_dir(path, &foreign) == 0 && !foreign;
}

/* gz_stub_each_line's fn for is_stub_file: a line Xapian refuses ends
 * the reading (1); the others are counted. */
static int stub_entry(gz_stub_line *line, const char *text, size_t len,
                      void *ctx)
{
    (void)text;
    (void)len;
    if (line->kind == GZ_STUB_UNKNOWN)
        return 1;
    ++*(size_t *)ctx;
    return 0;
}

/* 1 when the regular file `path` reads as a Xapian stub database, its
 * lines read as Xapian reads them (gz_stub_lex: a line ends at '\n'
 * only): at least one naming a database, every other blank or a comment
 * (a line Xapian refuses makes it no stub, as does a file over 1 MiB,
 * which no reader of Gazette reads as one); so a document given as --db
 * is never taken for one. 0 when it does not, -1 with errno when it could
 * not be read (out of descriptors, permissions, a failing disk). */
static int is_stub_file(const char *path)
{
    size_t entries = 0;
    errno = 0;
    int rc = gz_stub_each_line(path, stub_entry, &entries);
    if (rc < 0)
        return errno == EFBIG || errno == EINVAL ? 0 : -1;
    return rc == 0 && entries > 0;
}

/* Absolute form of `path` with symbolic links resolved as far as it
 * exists (the last component may be missing), into out[PATH_MAX]. */
static int absolute(const char *path, char *out)
{
    if (realpath(path, out))
        return 0;
    char copy1[4096], copy2[4096], dir[PATH_MAX];
    snprintf(copy1, sizeof copy1, "%s", path);
    snprintf(copy2, sizeof copy2, "%s", path);
    if (!realpath(dirname(copy1), dir))
        return -1;
    int n = snprintf(out, PATH_MAX, "%s/%s", strcmp(dir, "/") ? dir : "",
                     basename(copy2));
    return n > 0 && n < PATH_MAX ? 0 : -1;
}

/* 1 when `path` is `dir` or lies below it (both absolute). */
static int is_within(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The first corpus root (index into roots) that a --full of `base` would
 * delete: the index path itself, its generations directory, or below
 * them; -1 when none. */
static long root_in_the_way(const char *base, const char *const *roots,
                            size_t nroots)
{
    char db[PATH_MAX], gens[PATH_MAX + 8], tmp[PATH_MAX + 16];
    if (absolute(base, db) != 0)
        return -1;
    snprintf(gens, sizeof gens, "%s.d", db);
    snprintf(tmp, sizeof tmp, "%s.stub-tmp", db);
    for (size_t i = 0; i < nroots; i++) {
        char root[PATH_MAX];
        if (realpath(roots[i], root) &&
            (is_within(root, db) || is_within(root, gens) ||
             is_within(root, tmp)))
            return (long)i;
    }
    return -1;
}

/* gz_generation_check's failure of a system call (errno): -1. */
static int check_failed(const char *db, char *err, size_t errlen)
{
    int e = errno;
    snprintf(err, errlen, "%s: %s", db, strerror(e));
    errno = e;
    return -1;
}

int gz_generation_check(const char *db, const char *const *roots,
                        size_t nroots, char *err, size_t errlen)
{
    char base[4096];
    if (trimmed(db, base, sizeof base) != 0)
        return check_failed(db, err, errlen);
    long root = root_in_the_way(base, roots, nroots);
    if (root >= 0) {
        snprintf(err, errlen,
                 "refusing gazette_update_set_full: corpus %s is the index "
                 "%s or inside it, and a rebuild deletes the old index; give "
                 "another index path", roots[root], db);
        return 1;
    }
    struct stat sb;
    if (lstat(base, &sb) == 0 && S_ISLNK(sb.st_mode)) {
        /* The switch would replace the link, and orphan its target. */
        snprintf(err, errlen,
                 "refusing gazette_update_set_full: %s is a symbolic link "
                 "(a rebuild would replace the link and leave the index it "
                 "points to); give the index's own path", db);
        return 1;
    }
    if (stat(base, &sb) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;   /* no index yet: nothing deleted */
        return check_failed(db, err, errlen);
    }
    int foreign = 0;
    if (S_ISDIR(sb.st_mode)) {
        if (scan_dir(base, &foreign) != 0)
            return check_failed(db, err, errlen);
        /* Only Xapian's own files: a directory of documents that an
         * incremental run once put a database in is still refused. */
        if (!foreign)
            return 0;   /* a Xapian database, or an empty directory */
        snprintf(err, errlen,
                 "refusing gazette_update_set_full: %s holds files that are "
                 "not part of a Xapian index (a rebuild would delete them); "
                 "give the path of an index or a new one", db);
        return 1;
    } else if (S_ISREG(sb.st_mode)) {
        int stub = is_stub_file(base);
        if (stub < 0)
            return check_failed(db, err, errlen);
        if (stub)
            return 0;
        if (gz_is_single_file_db(base)) {
            snprintf(err, errlen, "refusing gazette_update_set_full: %s is "
                     "a single-file Xapian database (a rebuild would replace "
                     "it); build the new index at another path", db);
            return 1;
        }
    }
    snprintf(err, errlen,
             "refusing gazette_update_set_full: %s is not a Xapian index "
             "(a rebuild would replace it); give the path of an index or a "
             "new one", db);
    return 1;
}

/* Write the stub to `tmp` and flush it to disk. */
static int write_stub(const char *tmp, const char *rel)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    char line[4200];
    int n = snprintf(line, sizeof line, "auto %s\n", rel);
    int ok = n > 0 && (size_t)n < sizeof line &&
             write(fd, line, (size_t)n) == n && fsync(fd) == 0;
    int e = errno;
    close(fd);
    errno = e;
    return ok ? 0 : -1;
}

/* fsync the directory holding `path`, so the rename is durable. */
static void sync_parent(const char *path)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Clear `tmp` (DB.stub-tmp) left by a run that died mid-switch: a stub
 * file (empty when it died between creating and writing it), or the old
 * database exchanged out of DB and not yet deleted. Anything else there
 * is not ours: refuse. With `dry`, only say whether it would be refused.
 * 0, or -1 with a reason. */
static int clear_stale_tmp(const char *tmp, int dry, char *err,
                           size_t errlen)
{
    struct stat sb;
    if (lstat(tmp, &sb) != 0)
        return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s", tmp,
                                               strerror(errno)), -1);
    int foreign = 0, ok;
    if (S_ISDIR(sb.st_mode))
        ok = scan_dir(tmp, &foreign) == 0 && !foreign &&
             (dry || gz_remove_tree(tmp) == 0);
    else if (S_ISREG(sb.st_mode) &&
             (sb.st_size == 0 || is_stub_file(tmp) == 1))
        ok = dry || unlink(tmp) == 0;
    else
        ok = (errno = EEXIST, 0);
    if (!ok)
        snprintf(err, errlen, "%s is in the way (%s) and is not a leftover "
                 "of this library: move it away", tmp,
                 foreign ? "not a Xapian database" : strerror(errno));
    return ok ? 0 : -1;
}

/* 1 when entry `name` of DB.d (open as `dirfd`) is a generation: a
 * directory with the name gz_generation_new gives; its stat into sb. */
static int is_generation_at(int dirfd, const char *name, struct stat *sb)
{
    return is_generation_name(name) &&
           fstatat(dirfd, name, sb, AT_SYMLINK_NOFOLLOW) == 0 &&
           S_ISDIR(sb->st_mode);
}

/* Remove entry `name` when it is a marker whose generation is gone or in
 * use (`refs`): a run was killed before it removed it, and it must not
 * outlive its meaning (a generation in use now, moved to another index
 * later, would be taken for a leftover). */
static void clear_stale_marker(int dirfd, const char *name,
                               const gz_stub_refs *refs)
{
    char gen[256];
    struct stat sb;
    if (!marker_of(name, gen))
        return;
    if (fstatat(dirfd, gen, &sb, AT_SYMLINK_NOFOLLOW) != 0
            ? errno == ENOENT
            : gz_stub_refs_has(refs, &sb))
        unlinkat(dirfd, name, 0);
}

/* Delete what killed --full runs left in "<base>.d": each generation DB
 * does not use (`refs`) that carries a marker (one building, or one
 * retired by a switch), and markers gone stale. Called with the index
 * lock held, so no other run is building one. The builds deleted (still
 * marked building: a --full that never switched) are counted in `swept`
 * (may be NULL), for the run to say that one died. 0, or -1 with errno
 * of the first failure (the others are still tried). */
static int sweep_generations(const char *base, const gz_stub_refs *refs,
                             gz_swept *swept)
{
    /* Through a descriptor opened without following a symlink: a DB.d
     * that is a link to elsewhere is never emptied. */
    int fd = open_gens(base);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        errno = e;
        return e == ENOENT ? 0 : -1;
    }
    int rc = 0, first_errno = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat sb;
        clear_stale_marker(fd, e->d_name, refs);
        int marks = 0;
        if (!is_generation_at(fd, e->d_name, &sb) ||
            gz_stub_refs_has(refs, &sb) ||
            !(marks = marks_at(fd, e->d_name)))
            continue;
        if (remove_marked_at(fd, e->d_name) != 0) {
            if (rc == 0)
                first_errno = errno;
            rc = -1;
        } else if (swept && (marks & 1 << MARK_BUILDING) &&
                   swept->builds++ == 0) {
            snprintf(swept->first, sizeof swept->first, "%s", e->d_name);
        }
    }
    closedir(d);
    errno = first_errno;
    return rc;
}

/* sweep_generations for the index at `base`, once what it uses is known:
 * a stub that cannot be read or that Xapian would refuse (or anything in
 * the way of knowing) deletes nothing. */
static int clear_generations(const char *base, gz_swept *swept)
{
    gz_stub_refs refs;
    int rc = 0;
    if (gz_stub_refs_collect(base, &refs) == 0)
        rc = sweep_generations(base, &refs, swept);
    int e = errno;
    gz_stub_refs_free(&refs);
    errno = e;
    return rc;
}

/* The generations in DB.d a switch takes out of use. */
typedef struct retired {
    size_t n;
    char **names;
} retired;

static void retired_free(retired *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->names[i]);
    free(r->names);
    r->n = 0;
    r->names = NULL;
}

/* Append `name` to `r`; -1 when out of memory. */
static int retired_add(retired *r, const char *name)
{
    char **names = realloc(r->names, (r->n + 1) * sizeof *names);
    if (!names)
        return -1;
    r->names = names;
    if (!(names[r->n] = strdup(name)))
        return -1;
    r->n++;
    return 0;
}

/* Before a switch: mark retired (on disk) each generation in "<base>.d"
 * the index at `base` uses, and list it in `out`, so that a run killed
 * once the stub names the new one leaves it for a cleanup to delete. One
 * that cannot be marked is still listed: this run deletes it itself.
 * What DB uses not being known (or no memory to list it), none is. */
static void retire_used(const char *base, retired *out)
{
    gz_stub_refs refs;
    int fd = -1;
    DIR *d = NULL;
    if (gz_stub_refs_collect(base, &refs) == 0 &&
        (fd = open_gens(base)) >= 0 && (d = fdopendir(fd)) != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            struct stat sb;
            if (is_generation_at(fd, e->d_name, &sb) &&
                gz_stub_refs_has(&refs, &sb) &&
                retired_add(out, e->d_name) == 0)
                (void)mark_at(fd, e->d_name, MARK_RETIRED);
        }
    }
    if (d)
        closedir(d);
    else if (fd >= 0)
        close(fd);
    gz_stub_refs_free(&refs);
}

/* The switch did not happen: what retire_used marked is still in use. */
static void unretire(const char *base, const retired *old)
{
    for (size_t i = 0; i < old->n; i++)
        set_marker(base, old->names[i], MARK_RETIRED, 0);
}

/* After the switch: delete what DB was, the database exchanged out to
 * `tmp` (`was_dir`) or the generations retired (`old`). 0, or -1 with
 * the first failure in `err` (the others are still tried). */
static int remove_old(const char *base, const char *tmp, int was_dir,
                      const retired *old, char *err, size_t errlen)
{
    int rc = was_dir ? gz_remove_tree(tmp) : 0;
    if (rc != 0)
        snprintf(err, errlen, "switched to the new index, but removing the "
                 "old one %s: %s", tmp, strerror(errno));
    for (size_t i = 0; i < old->n; i++)
        if (gz_generation_remove(base, old->names[i]) != 0 && rc == 0) {
            rc = -1;
            snprintf(err, errlen, "switched to the new index, but removing "
                     "the old one %s.d/%s: %s", base, old->names[i],
                     strerror(errno));
        }
    return rc;
}

/* `db` without trailing slashes into base, its DB.stub-tmp into tmp,
 * and what a run killed mid-switch left there cleared (clear_stale_tmp;
 * with `dry` only checked). 0, or -1 with a reason in `err`. */
static int base_and_tmp(const char *db, int dry, char base[4096],
                        char tmp[4200], char *err, size_t errlen)
{
    if (trimmed(db, base, 4096) != 0) {
        snprintf(err, errlen, "%s: %s", db, strerror(errno));
        return -1;
    }
    snprintf(tmp, 4200, "%s.stub-tmp", base);
    return clear_stale_tmp(tmp, dry, err, errlen);
}

int gz_generation_check_leftovers(const char *db, char *err, size_t errlen)
{
    char base[4096], tmp[4200];
    return base_and_tmp(db, 1, base, tmp, err, errlen);
}

int gz_generation_clear_leftovers(const char *db, gz_swept *swept,
                                  char *err, size_t errlen)
{
    char base[4096], tmp[4200];
    if (base_and_tmp(db, 0, base, tmp, err, errlen) != 0)
        return -1;
    if (clear_generations(base, swept) != 0) {
        snprintf(err, errlen, "removing unused generations in %s.d: %s",
                 base, strerror(errno));
        return -1;
    }
    return 0;
}

int gz_generation_clear_unused(const char *db, gz_swept *swept, char *err,
                               size_t errlen)
{
    char base[4096];
    if (trimmed(db, base, sizeof base) != 0) {
        snprintf(err, errlen, "%s: %s", db, strerror(errno));
        return -1;
    }
    if (clear_generations(base, swept) != 0) {
        snprintf(err, errlen, "could not delete the generations an "
                 "interrupted run with gazette_update_set_full left in %s.d: "
                 "%s", base, strerror(errno));
        return -1;
    }
    return 0;
}

/* 1 when renameat2's RENAME_EXCHANGE failed with `e` because the file
 * system (NFS, SMB, FAT, a FUSE one) or the kernel cannot exchange. */
static int exchange_unsupported(int e)
{
    return e == EINVAL || e == ENOSYS || e == EOPNOTSUPP;
}

/* The switch of a database directory `base` failed for want of an
 * exchange: said with the way out, since every later --full of that
 * index would fail so too. A --full of a path with no index yet, or of
 * the stub file it leaves, renames a file over a file, which any file
 * system does. */
static void say_no_exchange(const char *base, int e, char *err,
                            size_t errlen)
{
    snprintf(err, errlen, "%s: the file system it is on cannot exchange a "
             "directory with a file in one step (renameat2 RENAME_EXCHANGE: "
             "%s; NFS, SMB and FAT cannot), which the first --full of an "
             "index built as a directory needs to switch readers to the "
             "rebuild: not switched in, the index is as it was; build a new "
             "one with --full at another path (it and its later --full runs "
             "need no exchange), then use that path", base, strerror(e));
}

int gz_generation_switch(const char *db, const char *rel,
                         void (*release)(void *ctx), void *ctx, char *err,
                         size_t errlen)
{
    char base[4096], tmp[4200];
    if (base_and_tmp(db, 0, base, tmp, err, errlen) != 0)
        return -1;
    struct stat sb;
    int is_dir = lstat(base, &sb) == 0 && S_ISDIR(sb.st_mode);
    if (write_stub(tmp, rel) != 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    retired old = {0};
    retire_used(base, &old);
    /* A directory cannot be renamed over; exchange it with the stub
     * (once nothing has it open to write by the path DB: a file then). */
    if (is_dir && release)
        release(ctx);
    int rc = is_dir ? renameat2(AT_FDCWD, tmp, AT_FDCWD, base,
                                RENAME_EXCHANGE)
                    : rename(tmp, base);
    if (rc != 0) {
        if (is_dir && exchange_unsupported(errno))
            say_no_exchange(base, errno, err, errlen);
        else
            snprintf(err, errlen, "%s: %s", base, strerror(errno));
        unlink(tmp);
        unretire(base, &old);
        retired_free(&old);
        return -1;
    }
    /* Named by DB now: no longer a build a cleanup may delete. At once,
     * before anything slow: a kill between the rename and this leaves the
     * live generation marked, which the next run on DB clears, but which
     * a stub moved away first would lose (docs/reliability.md). */
    set_marker(base, rel, MARK_BUILDING, 0);
    sync_parent(base);
    if (!is_dir && release)
        release(ctx);
    /* Switched: from here on failures are warnings, the new index is in
     * use. A missing old generation is fine (remove_at). */
    int failed = remove_old(base, tmp, is_dir, &old, err, errlen);
    retired_free(&old);
    if (failed)
        return 1;
    if (clear_generations(base, NULL) != 0) {
        snprintf(err, errlen, "switched to the new index, but removing "
                 "unused generations in %s.d: %s", base, strerror(errno));
        return 1;
    }
    return 0;
}
