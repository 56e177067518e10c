/* stub_refs.c - the files and directories opening an index goes through. */
#define _GNU_SOURCE 1   /* getline */
#include "stub_refs.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Xapian follows nested stubs without a limit (a loop never ends); a
 * chain this long is taken for one. */
#define MAX_STUB_DEPTH 8

void gz_stub_refs_free(gz_stub_refs *refs)
{
    free(refs->ids);
    memset(refs, 0, sizeof *refs);
}

int gz_stub_refs_has(const gz_stub_refs *refs, const struct stat *sb)
{
    for (size_t i = 0; i < refs->n; i++)
        if (refs->ids[i].dev == sb->st_dev && refs->ids[i].ino == sb->st_ino)
            return 1;
    return 0;
}

static int add_id(gz_stub_refs *refs, const struct stat *sb)
{
    if (gz_stub_refs_has(refs, sb))
        return 0;
    if (refs->n == refs->cap) {
        size_t cap = refs->cap ? refs->cap * 2 : 16;
        void *ids = realloc(refs->ids, cap * sizeof *refs->ids);
        if (!ids)
            return -1;
        refs->ids = ids;
        refs->cap = cap;
    }
    refs->ids[refs->n].dev = sb->st_dev;
    refs->ids[refs->n].ino = sb->st_ino;
    refs->n++;
    return 0;
}

/* Record `path` and each path above it, dropping one component at a time
 * as written ("d/g1-1/shard0", "d/g1-1", "d"): a generation is kept
 * whether a stub names it or something inside it. Followed as Xapian
 * follows them (stat); missing ones are skipped, any other failure is
 * not knowing (-1). */
static int add_path_and_parents(gz_stub_refs *refs, const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    size_t n = strlen(p);
    int rc = 0;
    while (rc == 0 && n > 0) {
        p[n] = '\0';
        struct stat sb;
        if (stat(p, &sb) == 0)
            rc = add_id(refs, &sb);
        else if (errno != ENOENT && errno != ENOTDIR)
            rc = -1;
        size_t k = n;
        while (k > 1 && p[k - 1] == '/')
            k--;
        while (k > 0 && p[k - 1] != '/')
            k--;
        while (k > 1 && p[k - 1] == '/')
            k--;
        n = k == n ? 0 : k;   /* "/" has no parent */
    }
    int e = errno;
    free(p);
    errno = e;
    return rc;
}

static int add_target(gz_stub_refs *refs, const char *path, int depth);

/* One line of stub `stub` (newline and a DOS '\r' removed): its path, as
 * Xapian resolves it (relative to the stub's directory), recorded. Blank
 * lines, comments and the backends that name nothing on disk add
 * nothing; a line Xapian refuses is -1 (EINVAL). */
static int add_line(gz_stub_refs *refs, const char *stub, const char *line,
                    int depth)
{
    if (line[0] == '\0' || line[0] == '#' ||
        strncmp(line, "remote ", 7) == 0 || strcmp(line, "inmemory") == 0)
        return 0;
    const char *sp = strchr(line, ' ');
    size_t kind = sp ? (size_t)(sp - line) : strlen(line);
    if (!sp || !sp[1] ||
        !((kind == 4 && strncmp(line, "auto", 4) == 0) ||
          (kind == 5 && strncmp(line, "glass", 5) == 0) ||
          (kind == 5 && strncmp(line, "chert", 5) == 0))) {
        errno = EINVAL;
        return -1;
    }
    const char *rel = sp + 1;
    char *path = rel[0] == '/' ? strdup(rel) : NULL, *copy = NULL;
    if (rel[0] != '/' && (copy = strdup(stub)) != NULL &&
        asprintf(&path, "%s/%s", dirname(copy), rel) < 0)
        path = NULL;
    free(copy);
    int rc = path ? add_target(refs, path, depth) : -1;
    int e = errno;
    free(path);
    errno = e;
    return rc;
}

/* Every line of stub file `stub`. */
static int add_stub(gz_stub_refs *refs, const char *stub, int depth)
{
    FILE *f = fopen(stub, "r");
    if (!f)
        return -1;
    char *line = NULL;
    size_t size = 0;
    ssize_t len;
    int rc = 0;
    while (rc == 0 && (len = getline(&line, &size, f)) >= 0) {
        line[strcspn(line, "\r\n")] = '\0';
        rc = add_line(refs, stub, line, depth);
    }
    if (rc == 0 && ferror(f)) {
        errno = EIO;
        rc = -1;
    }
    int e = errno;
    free(line);
    fclose(f);
    errno = e;
    return rc;
}

/* `path` as a database Xapian opens: itself and its parents, and what it
 * names when it is a stub file or a directory holding XAPIANDB (and no
 * database of its own). A single-file database is no stub: refused by
 * add_line, which is not knowing, and Gazette never makes one. */
static int add_target(gz_stub_refs *refs, const char *path, int depth)
{
    if (depth > MAX_STUB_DEPTH) {
        errno = ELOOP;
        return -1;
    }
    if (add_path_and_parents(refs, path) != 0)
        return -1;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return 0;   /* a missing database uses no generation */
    if (S_ISREG(sb.st_mode))
        return add_stub(refs, path, depth + 1);
    char *probe = NULL;
    if (!S_ISDIR(sb.st_mode) || asprintf(&probe, "%s/iamglass", path) < 0)
        return 0;
    int own_db = access(probe, F_OK) == 0;
    free(probe);
    if (own_db || asprintf(&probe, "%s/XAPIANDB", path) < 0)
        return 0;
    int rc = stat(probe, &sb) == 0 ? add_stub(refs, probe, depth + 1) : 0;
    free(probe);
    return rc;
}

int gz_stub_refs_collect(const char *db, gz_stub_refs *refs)
{
    memset(refs, 0, sizeof *refs);
    return add_target(refs, db, 0);
}
