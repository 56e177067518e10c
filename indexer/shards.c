/* shards.c - locating, laying out and choosing the shards of an index. */
#include "shards.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schema.h"

size_t gz_shard_of(const char *key, size_t n)
{
    if (n <= 1)
        return 0;
    return (size_t)(gz_fnv1a64(GZ_FNV_BASIS, key, strlen(key)) % n);
}

void gz_shards_free(gz_shard_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->paths[i]);
    list->n = 0;
}

/* Append dir + "/" + rel to `out`: rel alone when absolute, dir alone
 * when rel is NULL. */
static int add_path(gz_shard_list *out, const char *dir, const char *rel,
                    char *err, size_t errlen)
{
    if (out->n == GZ_MAX_SHARDS) {
        snprintf(err, errlen, "%s: more than %d shards", dir, GZ_MAX_SHARDS);
        return -1;
    }
    size_t size = strlen(dir) + (rel ? strlen(rel) : 0) + 2;
    char *p = malloc(size);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!rel)
        snprintf(p, size, "%s", dir);
    else if (rel[0] == '/')
        snprintf(p, size, "%s", rel);
    else
        snprintf(p, size, "%s/%s", dir, rel);
    out->paths[out->n++] = p;
    return 0;
}

/* The "auto PATH" entries of stub file `stub` (relative paths are taken
 * from `dir`, the stub's directory) appended to `out`. Blank lines and
 * '#' comments are skipped; any other backend cannot be written. */
static int read_stub(const char *stub, const char *dir, gz_shard_list *out,
                     char *err, size_t errlen)
{
    FILE *f = fopen(stub, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", stub, strerror(errno));
        return -1;
    }
    char line[4200];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        const char *rel = NULL;
        if (strncmp(line, "auto ", 5) == 0)
            rel = line + 5;
        else if (strncmp(line, "glass ", 6) == 0)
            rel = line + 6;
        if (!rel || !*rel) {
            snprintf(err, errlen, "%s: '%s' is not a local database "
                     "gazette-index can write", stub, line);
            rc = -1;
        } else {
            rc = add_path(out, dir, rel, err, errlen);
        }
    }
    fclose(f);
    return rc;
}

/* `dir` as a database directory: itself when it holds a Xapian database,
 * its XAPIANDB entries when it holds that, nothing otherwise. */
static int locate_dir(const char *dir, gz_shard_list *out, char *err,
                      size_t errlen)
{
    char probe[4200];
    struct stat sb;
    snprintf(probe, sizeof probe, "%s/%s", dir, GZ_SHARD_STUB);
    if (stat(probe, &sb) == 0)
        return read_stub(probe, dir, out, err, errlen);
    snprintf(probe, sizeof probe, "%s/iamglass", dir);
    if (stat(probe, &sb) == 0)
        return add_path(out, dir, NULL, err, errlen);
    return 0;
}

int gz_shards_locate(const char *db, gz_shard_list *out, char *err,
                     size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct stat sb;
    if (stat(db, &sb) != 0)
        return 0;
    int rc;
    if (S_ISDIR(sb.st_mode)) {
        rc = locate_dir(db, out, err, errlen);
    } else {
        /* A stub file (after --full): each entry is a database, or a
         * sharded directory. */
        char copy[4096];
        snprintf(copy, sizeof copy, "%s", db);
        gz_shard_list named = {0};
        rc = read_stub(db, dirname(copy), &named, err, errlen);
        for (size_t i = 0; rc == 0 && i < named.n; i++) {
            size_t before = out->n;
            if (stat(named.paths[i], &sb) == 0 && S_ISDIR(sb.st_mode))
                rc = locate_dir(named.paths[i], out, err, errlen);
            if (rc == 0 && out->n == before)   /* missing: Xapian says why */
                rc = add_path(out, named.paths[i], NULL, err, errlen);
        }
        gz_shards_free(&named);
    }
    if (rc != 0)
        gz_shards_free(out);
    return rc;
}

int gz_shards_plan(const char *dir, size_t n, gz_shard_list *out, char *err,
                   size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (n < 2 || n > GZ_MAX_SHARDS) {
        snprintf(err, errlen, "%zu shards: from 2 to %d", n, GZ_MAX_SHARDS);
        return -1;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char rel[32];
        snprintf(rel, sizeof rel, "shard%zu", i);
        if (add_path(out, dir, rel, err, errlen) != 0) {
            gz_shards_free(out);
            return -1;
        }
    }
    return 0;
}

int gz_shards_publish(const char *dir, size_t n, char *err, size_t errlen)
{
    char tmp[4200], stub[4200];
    snprintf(tmp, sizeof tmp, "%s/%s.tmp", dir, GZ_SHARD_STUB);
    snprintf(stub, sizeof stub, "%s/%s", dir, GZ_SHARD_STUB);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ok = fd >= 0;
    for (size_t i = 0; ok && i < n; i++)
        ok = dprintf(fd, "auto shard%zu\n", i) > 0;
    ok = ok && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    ok = ok && rename(tmp, stub) == 0;
    if (!ok) {
        snprintf(err, errlen, "%s: %s", stub, strerror(errno));
        unlink(tmp);
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}
