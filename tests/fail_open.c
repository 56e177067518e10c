/*
 * fail_open.c - an LD_PRELOAD module for the fault tests: the N-th open()
 * of one path fails with a chosen errno, every other open runs as usual.
 * A failure a resource limit would cause at one exact moment (a commit of
 * one shard, in its writer thread), which `ulimit -n` reaches only by
 * chance when several threads open and close files.
 *
 *   FAIL_OPEN_PATH   the path, exactly as the program passes it
 *   FAIL_OPEN_ERRNO  the errno to fail with (default EMFILE)
 *   FAIL_OPEN_NTH    which open of that path fails (default 1, the first)
 *
 * And access() and faccessat() asking whether one path is writable
 * (W_OK) fail, every time, as on a read-only file system:
 *
 *   FAIL_ACCESS_PATH   the path, exactly as the program passes it
 *   FAIL_ACCESS_ERRNO  the errno to fail with (default EROFS)
 *
 * And fstatat() of one name fails with ENOENT, every time, as for a file
 * deleted after the directory was read (the corpus walk's race):
 *
 *   FAIL_STAT_NAME     the name, exactly as the program passes it
 *
 * And the first opendir() of one path renames another path first, as a
 * user reorganising the tree while the walk goes on does: a folder the
 * walk listed but has not entered yet moved away, or the root itself:
 *
 *   MOVE_ON_OPENDIR    the path, exactly as the program passes it
 *   MOVE_FROM, MOVE_TO the rename(2) then done, once
 *
 * And renameat2() with RENAME_EXCHANGE fails, every time, as on a file
 * system that cannot exchange two names (NFS, SMB, FAT):
 *
 *   FAIL_EXCHANGE_ERRNO  the errno to fail with (EINVAL, as Linux says it)
 */
#define _GNU_SOURCE 1
#undef _FILE_OFFSET_BITS   /* open and open64 are two functions here */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static int opens;   /* of FAIL_OPEN_PATH so far (atomic) */

/* 1 when this open of `path` is the one to fail (errno set). */
static int fails(const char *path)
{
    const char *target = getenv("FAIL_OPEN_PATH");
    if (!target || !path || strcmp(path, target) != 0)
        return 0;
    const char *nth = getenv("FAIL_OPEN_NTH");
    if (__atomic_add_fetch(&opens, 1, __ATOMIC_SEQ_CST) !=
        (nth ? atoi(nth) : 1))
        return 0;
    const char *e = getenv("FAIL_OPEN_ERRNO");
    errno = e ? atoi(e) : EMFILE;
    return 1;
}

static mode_t mode_of(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE
               ? va_arg(ap, mode_t) : 0;
}

#define OPEN(name)                                                           \
    int name(const char *path, int flags, ...)                               \
    {                                                                        \
        va_list ap;                                                          \
        va_start(ap, flags);                                                 \
        mode_t mode = mode_of(flags, ap);                                    \
        va_end(ap);                                                          \
        if (fails(path))                                                     \
            return -1;                                                       \
        int (*next)(const char *, int, ...) =                                \
            (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, #name);         \
        return next(path, flags, mode);                                      \
    }
#define OPENAT(name)                                                         \
    int name(int dir, const char *path, int flags, ...)                      \
    {                                                                        \
        va_list ap;                                                          \
        va_start(ap, flags);                                                 \
        mode_t mode = mode_of(flags, ap);                                    \
        va_end(ap);                                                          \
        if (fails(path))                                                     \
            return -1;                                                       \
        int (*next)(int, const char *, int, ...) =                           \
            (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, #name);    \
        return next(dir, path, flags, mode);                                 \
    }

OPEN(open)
OPEN(open64)
OPENAT(openat)
OPENAT(openat64)

/* 1 when asking `mode` of `path` is to fail (errno set). */
static int access_fails(const char *path, int mode)
{
    const char *target = getenv("FAIL_ACCESS_PATH");
    if (!target || !path || !(mode & W_OK) || strcmp(path, target) != 0)
        return 0;
    const char *e = getenv("FAIL_ACCESS_ERRNO");
    errno = e ? atoi(e) : EROFS;
    return 1;
}

int access(const char *path, int mode)
{
    if (access_fails(path, mode))
        return -1;
    int (*next)(const char *, int) =
        (int (*)(const char *, int))dlsym(RTLD_NEXT, "access");
    return next(path, mode);
}

int faccessat(int dir, const char *path, int mode, int flags)
{
    if (access_fails(path, mode))
        return -1;
    int (*next)(int, const char *, int, int) =
        (int (*)(int, const char *, int, int))dlsym(RTLD_NEXT, "faccessat");
    return next(dir, path, mode, flags);
}

/* 1 when a stat of `path` is to fail (errno set to ENOENT). */
static int stat_fails(const char *path)
{
    const char *target = getenv("FAIL_STAT_NAME");
    if (!target || !path || strcmp(path, target) != 0)
        return 0;
    errno = ENOENT;
    return 1;
}

int fstatat(int dir, const char *path, struct stat *st, int flags)
{
    if (stat_fails(path))
        return -1;
    int (*next)(int, const char *, struct stat *, int) =
        (int (*)(int, const char *, struct stat *, int))dlsym(RTLD_NEXT,
                                                              "fstatat");
    return next(dir, path, st, flags);
}

int fstatat64(int dir, const char *path, struct stat64 *st, int flags)
{
    if (stat_fails(path))
        return -1;
    int (*next)(int, const char *, struct stat64 *, int) =
        (int (*)(int, const char *, struct stat64 *, int))dlsym(RTLD_NEXT,
                                                                "fstatat64");
    return next(dir, path, st, flags);
}

static int moved;   /* MOVE_FROM renamed already (atomic) */

DIR *opendir(const char *path)
{
    const char *on = getenv("MOVE_ON_OPENDIR");
    const char *from = getenv("MOVE_FROM"), *to = getenv("MOVE_TO");
    if (on && from && to && strcmp(path, on) == 0 &&
        __atomic_exchange_n(&moved, 1, __ATOMIC_SEQ_CST) == 0)
        rename(from, to);
    DIR *(*next)(const char *) =
        (DIR * (*)(const char *)) dlsym(RTLD_NEXT, "opendir");
    return next(path);
}

int renameat2(int olddir, const char *oldpath, int newdir, const char *newpath,
              unsigned int flags)
{
    const char *e = getenv("FAIL_EXCHANGE_ERRNO");
    if (e && (flags & RENAME_EXCHANGE)) {
        errno = atoi(e);
        return -1;
    }
    int (*next)(int, const char *, int, const char *, unsigned int) =
        (int (*)(int, const char *, int, const char *,
                 unsigned int))dlsym(RTLD_NEXT, "renameat2");
    return next(olddir, oldpath, newdir, newpath, flags);
}
