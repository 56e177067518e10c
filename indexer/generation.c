/* generation.c - new index generations and the stub switch. */
#define _GNU_SOURCE 1   /* renameat2, RENAME_EXCHANGE */
#include "generation.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
    int n1 = snprintf(path, pathlen, "%s.d", base);
    if (n1 < 0 || (size_t)n1 >= pathlen) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
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

int gz_remove_tree(const char *path)
{
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The directory a stub file names ("auto REL" resolved against the stub's
 * directory), into out; -1 when `stub` is not a one-database stub. */
static int stub_target(const char *stub, char *out, size_t size)
{
    FILE *f = fopen(stub, "r");
    if (!f)
        return -1;
    char line[4096];
    int ok = fgets(line, sizeof line, f) != NULL &&
             strncmp(line, "auto ", 5) == 0;
    fclose(f);
    if (!ok)
        return -1;
    line[strcspn(line, "\n")] = '\0';
    const char *rel = line + 5;
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", stub);
    int n = rel[0] == '/' ? snprintf(out, size, "%s", rel)
                          : snprintf(out, size, "%s/%s", dirname(copy), rel);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* 1 when `stub` names a generation below "<stub>.d/" (so a stub written
 * by hand elsewhere is never deleted); its target then goes to out. */
static int is_our_stub(const char *stub, char *out, size_t size)
{
    if (stub_target(stub, out, size) != 0)
        return 0;
    char copy1[4096], copy2[4096], prefix[8300];
    snprintf(copy1, sizeof copy1, "%s", stub);
    snprintf(copy2, sizeof copy2, "%s", stub);
    int n = snprintf(prefix, sizeof prefix, "%s/%s.d/", dirname(copy1),
                     basename(copy2));
    return n > 0 && strncmp(out, prefix, (size_t)n) == 0 &&
           !strstr(out + n, "/") && !strstr(out + n, "..");
}

/* Write the stub to `tmp` and flush it to disk. */
static int write_stub(const char *tmp, const char *rel)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
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

int gz_generation_switch(const char *db, const char *rel, char *err,
                         size_t errlen)
{
    char base[4096], tmp[4200], old[4200] = "";
    if (trimmed(db, base, sizeof base) != 0) {
        snprintf(err, errlen, "%s: %s", db, strerror(errno));
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s.stub-tmp", base);
    struct stat sb;
    int exists = lstat(base, &sb) == 0;
    int is_dir = exists && S_ISDIR(sb.st_mode);
    if (exists && !is_dir && !is_our_stub(base, old, sizeof old))
        old[0] = '\0';   /* not a stub we made: replace, delete nothing */
    if (write_stub(tmp, rel) != 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    /* A directory cannot be renamed over; exchange it with the stub. */
    int rc = is_dir ? renameat2(AT_FDCWD, tmp, AT_FDCWD, base,
                                RENAME_EXCHANGE)
                    : rename(tmp, base);
    if (rc != 0) {
        snprintf(err, errlen, "%s: %s", base, strerror(errno));
        unlink(tmp);
        return -1;
    }
    sync_parent(base);
    if (is_dir)
        snprintf(old, sizeof old, "%s", tmp);   /* the old db, swapped out */
    if (old[0] && gz_remove_tree(old) != 0) {
        snprintf(err, errlen, "switched, but removing %s: %s", old,
                 strerror(errno));
        return -1;
    }
    return 0;
}
