/* stub_refs.c - the files and directories opening an index goes through
 * (the strict walk of its stubs, gz_stub_each_path in schema/stub.c). */
#define _GNU_SOURCE 1   /* strdup */
#include "stub_refs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

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

/* gz_stub_each_path's fn: each path opening the index goes through,
 * recorded with its parents. */
static int on_path(const char *path, void *ctx)
{
    return add_path_and_parents(ctx, path);
}

int gz_stub_refs_collect(const char *db, gz_stub_refs *refs)
{
    memset(refs, 0, sizeof *refs);
    return gz_stub_each_path(db, on_path, refs) == 0 ? 0 : -1;
}
