/* shards.c - locating, laying out and choosing the shards of an index. */
#include "shards.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gazette_private.h"
#include "schema.h"

size_t gz_shard_of(const char *key, size_t n)
{
    if (n <= 1)
        return 0;
    return (size_t)(gz_fnv1a64(GZ_FNV_BASIS, key, strlen(key)) % n);
}

int gz_shard_read_again(xap_status s, gz_tries *tries)
{
    return (s == XAP_ERR_DB_MODIFIED || gz_is_damage(s, xap_last_error())) &&
           gz_tries_more(tries, s == XAP_ERR_DB_MODIFIED);
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

/* Where read_stub appends the paths of a stub file's lines. */
typedef struct stub_ctx {
    const char *stub;
    gz_shard_list *out;
    char *err;
    size_t errlen;
    int unwritable;    /* the failure is a stub's line naming no local
                          database (not one Xapian does not read) */
} stub_ctx;

/* A line of the stub file ctx->stub (gz_stub_each_line): "auto" or
 * "glass" PATH appends the path Xapian opens (gz_stub_lex); any other
 * line (another backend, a remote one, no PATH) names nothing
 * the library can write: 1, with the reason. */
static int on_stub_line(gz_stub_line *line, const char *text, size_t len,
                        void *ctx)
{
    stub_ctx *c = ctx;
    size_t shown = 0;   /* the line up to a line end, for the reason */
    while (shown < len && text[shown] != '\r' && text[shown] != '\n')
        shown++;
    /* only a local line has a TYPE (a remote or inmemory one has none) */
    int local = line->kind == GZ_STUB_LOCAL;
    size_t type_len = local ? strlen(line->type) : 0;
    /* a PATH after "TYPE ", not cut short at once by a NUL byte */
    int has_path = local && shown > type_len + 1 &&
                   text[type_len + 1] != '\0';
    int writable = local && strcmp(line->type, "chert") != 0 && has_path;
    if (!writable) {
        snprintf(c->err, c->errlen, "%s: '%.*s' is not a local database "
                 "this library can write", c->stub, (int)shown, text);
        /* a line Xapian does not read may be no stub's at all (a file
         * of notes given as the index): refuse_non_index says which */
        c->unwritable = line->kind != GZ_STUB_UNKNOWN;
        return 1;
    }
    if (c->out->n == GZ_MAX_SHARDS) {   /* named by the stub listing them */
        snprintf(c->err, c->errlen, "%s: more than %d shards", c->stub,
                 GZ_MAX_SHARDS);
        return 1;
    }
    return add_path(c->out, line->path, NULL, c->err, c->errlen) ? 1 : 0;
}

/* The "auto PATH" and "glass PATH" lines of the stub file `stub`, read as
 * Xapian reads them (gz_stub_each_line: relative paths are taken from
 * the stub's directory), appended to `out`. Blank lines and '#'
 * comments are skipped; any other line cannot be written (*unwritable
 * set). 0, or -1 with `err`. */
static int read_stub(const char *stub, gz_shard_list *out, char *err,
                     size_t errlen, int *unwritable)
{
    stub_ctx c = {stub, out, err, errlen, 0};
    int rc = gz_stub_each_line(stub, on_stub_line, &c);
    if (rc < 0)
        snprintf(err, errlen, "%s: %s", stub, strerror(errno));
    *unwritable = c.unwritable;
    return rc == 0 ? 0 : -1;
}

/* Stub files nested deeper than this are refused: Gazette's own limit,
 * as deep as its other stub walks go (schema/stub.c; Xapian has none, so
 * a loop would never end). Gazette writes two levels. */
#define MAX_NESTED_STUBS 8

/* The databases of an index being found: the list, and for each the
 * database's device and inode (when it is there) and the way down to it
 * ("top -> a -> db"), to see one listed twice and say where. */
typedef struct locating {
    gz_shard_list *out;
    int there[GZ_MAX_SHARDS];
    dev_t dev[GZ_MAX_SHARDS];
    ino_t ino[GZ_MAX_SHARDS];
    char *way[GZ_MAX_SHARDS];     /* owned */
    const char *stubs[MAX_NESTED_STUBS + 1];   /* the stubs being read */
    int nstubs;
    int twice;                    /* the failure is a database twice */
    int unwritable;               /* or a line naming no local database */
    char *err;
    size_t errlen;
} locating;

/* The stubs being read and `path`, joined by " -> ": a new string, or
 * NULL. */
static char *way_to(const locating *L, const char *path)
{
    size_t size = strlen(path) + 1;
    for (int i = 0; i < L->nstubs; i++)
        size += strlen(L->stubs[i]) + 4;
    char *way = malloc(size), *at = way;
    for (int i = 0; way && i < L->nstubs; i++)
        at += sprintf(at, "%s -> ", L->stubs[i]);
    if (way)
        strcpy(at, path);
    return way;
}

/* The database `path` appended to L->out, after those before it: one
 * already there (the same device and inode: the same path, another
 * spelling of it, a bind mount) would be written by two shard writers of
 * the run, the second finding the first's lock ("being written by
 * another process", forever), and read twice by a search. 0, or -1 with
 * the reason. */
static int add_database(locating *L, const char *path)
{
    struct stat sb;
    size_t n = L->out->n;
    int there = stat(path, &sb) == 0;
    char *way = way_to(L, path);
    if (!way) {
        snprintf(L->err, L->errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; there && i < n; i++) {
        if (!L->there[i] || L->dev[i] != sb.st_dev || L->ino[i] != sb.st_ino)
            continue;
        L->twice = 1;
        int same = strcmp(way, L->way[i]) == 0;
        snprintf(L->err, L->errlen, "the database %s is listed twice, "
                 "%s %s%s%s (one database cannot be two shards: list it "
                 "once)", path, same ? "both times as" : "as", L->way[i],
                 same ? "" : " and as ", same ? "" : way);
        free(way);
        return -1;
    }
    if (add_path(L->out, path, NULL, L->err, L->errlen) != 0) {
        free(way);
        return -1;
    }
    L->there[n] = there;
    L->dev[n] = there ? sb.st_dev : 0;
    L->ino[n] = there ? sb.st_ino : 0;
    L->way[n] = way;
    return 0;
}

static int locate_stub_file(locating *L, const char *stub, int depth);

/* `dir` as a database directory: itself when it holds a Xapian database,
 * its XAPIANDB entries when it holds that, nothing otherwise. */
static int locate_dir(locating *L, const char *dir, int depth)
{
    char probe[4200];
    struct stat sb;
    snprintf(probe, sizeof probe, "%s/%s", dir, GZ_SHARD_STUB);
    if (stat(probe, &sb) == 0)
        return locate_stub_file(L, probe, depth + 1);
    snprintf(probe, sizeof probe, "%s/iamglass", dir);
    if (stat(probe, &sb) == 0)
        return add_database(L, dir);
    return 0;
}

/* What the path `path` of a stub's line holds: a database directory's
 * databases (locate_dir), a stub file's (read like the first one, so a
 * remote line anywhere is refused, not written through), or the path
 * itself when it holds neither (missing: Xapian says why). A single-file
 * database is refused as a remote one is: Xapian opens it read-only (its
 * bytes read as a stub's lines made a line of garbage the error). */
static int locate_entry(locating *L, const char *path, int depth)
{
    struct stat sb;
    size_t before = L->out->n;
    int rc = 0, found = stat(path, &sb) == 0;
    if (found && S_ISREG(sb.st_mode) && gz_is_single_file_db(path)) {
        snprintf(L->err, L->errlen, "%s is a single-file Xapian database "
                 "(as xapian-compact --single-file makes), which Xapian "
                 "cannot write", path);
        L->unwritable = 1;
        return -1;
    }
    if (found && S_ISDIR(sb.st_mode))
        rc = locate_dir(L, path, depth);
    else if (found && S_ISREG(sb.st_mode))
        rc = locate_stub_file(L, path, depth + 1);
    if (rc == 0 && L->out->n == before)
        rc = add_database(L, path);
    return rc;
}

/* The databases of stub file `stub`, `depth` stubs deep. */
static int locate_stub_file(locating *L, const char *stub, int depth)
{
    if (depth > MAX_NESTED_STUBS) {
        snprintf(L->err, L->errlen, "%s: stub files nested more than %d "
                 "deep", stub, MAX_NESTED_STUBS);
        return -1;
    }
    gz_shard_list named = {0};
    int rc = read_stub(stub, &named, L->err, L->errlen, &L->unwritable);
    L->stubs[L->nstubs++] = stub;
    for (size_t i = 0; rc == 0 && i < named.n; i++)
        rc = locate_entry(L, named.paths[i], depth);
    L->nstubs--;
    gz_shards_free(&named);
    return rc;
}

/* Why locate failed, when it is one of these. */
typedef enum locate_failure {
    LOCATE_OTHER,
    LOCATE_TWICE,        /* a database listed twice */
    LOCATE_UNWRITABLE    /* a stub line naming no local database */
} locate_failure;

/* gz_shards_locate; *why says why it failed. */
static int locate(const char *db, gz_shard_list *out, char *err,
                  size_t errlen, locate_failure *why)
{
    memset(out, 0, sizeof *out);
    *why = LOCATE_OTHER;
    struct stat sb;
    if (stat(db, &sb) != 0)
        return 0;
    locating *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, errlen, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    L->out = out;
    L->err = err;
    L->errlen = errlen;
    /* a directory (a new index: none), or a stub file (after --full):
     * each entry a database, a sharded directory or a stub */
    int rc = S_ISDIR(sb.st_mode) ? locate_dir(L, db, 0)
                                 : locate_stub_file(L, db, 1);
    int e = L->twice ? EINVAL : errno;
    if (rc != 0)
        gz_shards_free(out);
    *why = rc == 0          ? LOCATE_OTHER
           : L->twice      ? LOCATE_TWICE
           : L->unwritable ? LOCATE_UNWRITABLE
                           : LOCATE_OTHER;
    for (size_t i = 0; i < GZ_MAX_SHARDS; i++)
        free(L->way[i]);
    free(L);
    errno = e;
    return rc;
}

int gz_shards_locate(const char *db, gz_shard_list *out, char *err,
                     size_t errlen)
{
    locate_failure why;
    return locate(db, out, err, errlen, &why);
}

int gz_shards_listed_twice(const char *db, char *err, size_t errlen)
{
    gz_shard_list l;
    locate_failure why;
    if (locate(db, &l, err, errlen, &why) == 0)
        gz_shards_free(&l);
    return why == LOCATE_TWICE;
}

/* gz_shards_unwritable - see shards.h. */
int gz_shards_unwritable(const char *db, char *err, size_t errlen)
{
    gz_shard_list l;
    locate_failure why;
    if (locate(db, &l, err, errlen, &why) == 0)
        gz_shards_free(&l);
    return why == LOCATE_UNWRITABLE;
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

/* The number of shard directory `name` ("shard<n>", n of at most 9
 * digits) of `dir` holding a database, or -1. */
static long shard_number(const char *dir, const char *name)
{
    size_t digits = strspn(name + 5, "0123456789");
    if (strncmp(name, "shard", 5) != 0 || digits == 0 || digits > 9 ||
        name[5 + digits] != '\0')
        return -1;
    char probe[4200];
    struct stat sb;
    snprintf(probe, sizeof probe, "%s/%s/iamglass", dir, name);
    return stat(probe, &sb) == 0 ? strtol(name + 5, NULL, 10) : -1;
}

static int by_number(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The numbers of the shard databases in directory `dir` (at most `max`),
 * in order; their count, or -1 when `dir` cannot be read. */
static int shard_numbers(const char *dir, long *numbers, int max)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while (n < max && (e = readdir(d)) != NULL) {
        long number = shard_number(dir, e->d_name);
        if (number >= 0)
            numbers[n++] = number;
    }
    closedir(d);
    qsort(numbers, (size_t)n, sizeof *numbers, by_number);
    return n;
}

/* The numbers of the shard databases of `dir` when it is a sharded index
 * that lost its stub (see gz_shards_stub_lost), in order, at most `max`;
 * their count, 0 when it is no such index. */
static int lost_shard_numbers(const char *dir, long *numbers, int max)
{
    char probe[4200];
    struct stat sb;
    snprintf(probe, sizeof probe, "%s/%s", dir, GZ_SHARD_STUB);
    int has_stub = lstat(probe, &sb) == 0;
    snprintf(probe, sizeof probe, "%s/iamglass", dir);
    if (has_stub || stat(probe, &sb) == 0 || stat(dir, &sb) != 0 ||
        !S_ISDIR(sb.st_mode))
        return 0;
    int n = shard_numbers(dir, numbers, max);
    return n > 0 ? n : 0;
}

/* gz_shards_stub_lost - see shards.h. */
int gz_shards_stub_lost(const char *dir, char *found, size_t foundlen)
{
    long numbers[GZ_MAX_SHARDS * 4];
    int n = lost_shard_numbers(dir, numbers, GZ_MAX_SHARDS * 4);
    size_t at = 0;
    if (foundlen)
        found[0] = '\0';
    for (int i = 0; i < n && at < foundlen; i++) {
        int w = snprintf(found + at, foundlen - at, "%sauto shard%ld",
                         i ? ", " : "", numbers[i]);
        at += w > 0 ? (size_t)w : 0;
    }
    return n > 0;
}

/* gz_shards_stub_lost_first - see shards.h. */
int gz_shards_stub_lost_first(const char *dir, char *path, size_t pathlen)
{
    long numbers[GZ_MAX_SHARDS * 4];
    int n = lost_shard_numbers(dir, numbers, GZ_MAX_SHARDS * 4);
    if (n == 0)
        return 0;
    int w = snprintf(path, pathlen, "%s/shard%ld", dir, numbers[0]);
    return w > 0 && (size_t)w < pathlen;
}

/* gz_shards_stub_lost_said - see shards.h. */
int gz_shards_stub_lost_said(const char *path, char *err, size_t errlen)
{
    gz_shard_list named = {0};
    char why[1024], lines[600];
    const char *dir = path;
    int lost = gz_shards_stub_lost(path, lines, sizeof lines);
    if (!lost && gz_shards_locate(path, &named, why, sizeof why) == 0) {
        for (size_t i = 0; !lost && i < named.n; i++) {
            dir = named.paths[i];
            lost = gz_shards_stub_lost(dir, lines, sizeof lines);
        }
    }
    if (lost)
        snprintf(err, errlen, "index %.200s: %.200s/" GZ_SHARD_STUB ", the "
                 "stub file listing its shards, is missing, so no index "
                 "opens there (nothing written); write it again, one line "
                 "for each shard in this order: %.400s", path, dir, lines);
    gz_shards_free(&named);
    return lost;
}

/* gz_shards_foreign - see shards.h. */
int gz_shards_foreign(const char *db_path, char *err, size_t errlen)
{
    char why[1024];
    if (gz_check_index_tables(db_path, why, sizeof why) == XAP_OK)
        return 0;
    gz_shard_list where = {0};
    if (gz_shards_locate(db_path, &where, why, sizeof why) != 0)
        return 0;
    uint64_t docs = 0;
    size_t recorded = 0;
    int decided = where.n > 0;
    for (size_t i = 0; decided && i < where.n; i++) {
        char table[4400];
        struct stat sb;
        snprintf(table, sizeof table, "%s/postlist.glass", where.paths[i]);
        xap_database *db = NULL;
        uint32_t n = 0;
        char *format = NULL;
        size_t len = 0;
        decided = stat(table, &sb) == 0 &&
                  xap_database_open(where.paths[i], &db) == XAP_OK &&
                  xap_database_doc_count(db, &n) == XAP_OK &&
                  xap_database_get_metadata(db, GZ_META_FORMAT, &format,
                                            &len) == XAP_OK;
        docs += n;
        recorded += len;
        free(format);
        xap_database_free(db);
    }
    gz_shards_free(&where);
    if (!decided || !gz_index_is_foreign(docs, recorded))
        return 0;
    gz_foreign_index_error(db_path, docs, err, errlen);
    return 1;
}
