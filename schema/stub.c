/* stub.c - the databases a Xapian stub file names (schema.h,
 * gz_stub_each_part), and the check that each of them exists. */
#include "schema.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Stub files naming stub files are followed this deep at most (Gazette
 * writes two levels: DB naming a generation that holds XAPIANDB). */
#define MAX_STUB_DEPTH 4
/* A bigger file is no stub file: it is not read. */
#define MAX_STUB_BYTES (1 << 20)

static int each_part(const char *stub, int depth, gz_stub_part_fn fn,
                     void *ctx);

/* One part named by a stub: a stub file or a directory holding one is
 * followed, anything else (a database directory, nothing) given to fn. */
static int visit_part(const char *path, int depth, gz_stub_part_fn fn,
                      void *ctx)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || depth > MAX_STUB_DEPTH)
        return fn(path, ctx);
    if (S_ISREG(sb.st_mode))
        return each_part(path, depth, fn, ctx);
    char inner[8420];
    snprintf(inner, sizeof inner, "%s/XAPIANDB", path);
    if (S_ISDIR(sb.st_mode) && stat(inner, &sb) == 0 && S_ISREG(sb.st_mode))
        return each_part(inner, depth, fn, ctx);
    return fn(path, ctx);
}

static int each_part(const char *stub, int depth, gz_stub_part_fn fn,
                     void *ctx)
{
    struct stat sb;
    if (stat(stub, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        sb.st_size > MAX_STUB_BYTES)
        return 0;
    FILE *f = fopen(stub, "r");
    if (!f)
        return 0;   /* opening the index says what is wrong */
    const char *slash = strrchr(stub, '/');
    int dirlen = slash ? (int)(slash - stub) + 1 : 0;
    char line[4200], part[8400];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *rest = strchr(line, ' ');
        if (line[0] == '#' || !rest || !rest[1])
            continue;
        *rest++ = '\0';
        if (strcmp(line, "auto") != 0 && strcmp(line, "glass") != 0 &&
            strcmp(line, "chert") != 0 && strcmp(line, "honey") != 0)
            continue;   /* remote ("remote", "tcp"...) or unknown */
        snprintf(part, sizeof part, "%.*s%s", rest[0] == '/' ? 0 : dirlen,
                 stub, rest);
        rc = visit_part(part, depth + 1, fn, ctx);
    }
    fclose(f);
    return rc;
}

int gz_stub_each_part(const char *stub, gz_stub_part_fn fn, void *ctx)
{
    return stub ? each_part(stub, 0, fn, ctx) : 0;
}

typedef struct missing_ctx {
    char *part;
    size_t partlen;
} missing_ctx;

/* 1 when `path` is a directory with nothing in it. */
static int empty_directory(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    const struct dirent *e;
    int empty = 1;
    while (empty && (e = readdir(dir)))
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(dir);
    return empty;
}

/* A part is missing when it is not there, or is an empty directory: the
 * mount point of a disk that is not mounted (Xapian would make a new
 * database in either). */
static int on_part_missing(const char *path, void *ctx)
{
    struct stat sb;
    int r = 0;
    if (stat(path, &sb) != 0)
        r = errno == ENOENT || errno == ENOTDIR ? GZ_PART_ABSENT : 0;
    else if (S_ISDIR(sb.st_mode) && empty_directory(path))
        r = GZ_PART_EMPTY;
    const missing_ctx *m = ctx;
    if (r && m->part && m->partlen)
        snprintf(m->part, m->partlen, "%s", path);
    return r;
}

const char *gz_stub_part_problem(int missing)
{
    return missing == GZ_PART_EMPTY
               ? "which is an empty directory (a disk not mounted?)"
               : "which does not exist";
}

int gz_stub_missing_part(const char *path, char *part, size_t partlen)
{
    missing_ctx m = {part, partlen};
    struct stat sb;
    char inner[8420];
    /* a sharded index as Gazette creates it: DB/XAPIANDB naming DB/shard0.. */
    if (path && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        snprintf(inner, sizeof inner, "%s/XAPIANDB", path);
        path = inner;
    }
    /* Asked twice: a --full run switching the stub (and deleting the
     * generation the old one named) between our reading it and looking
     * is no missing part. */
    return gz_stub_each_part(path, on_part_missing, &m)
               ? gz_stub_each_part(path, on_part_missing, &m)
               : 0;
}
