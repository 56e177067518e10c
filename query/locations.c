/*
 * locations.c - the indexes a handle searches as one: local index paths
 * (a database directory or a Xapian stub file listing shards) and remote
 * indexes served by xapian-tcpsrv ("tcp://HOST:PORT"), combined with
 * Xapian's Database::add_database, which ranks across them with global
 * statistics as if they were one index.
 *
 * Each location is opened alone first (so a failure names it and its
 * Gazette format is checked), then every available one is added to the
 * combined database index->db. A document numbered d in index->db comes
 * from Xapian shard (d - 1) % nshards; index->shard_owner maps the shard
 * to its location, which is how a hit says where it came from.
 *
 * With GAZETTE_OPEN_SKIP_UNAVAILABLE, a location that cannot be opened
 * (or, later, stops answering) is left out with a warning, and tried
 * again at a later search, at most every RETRY_SECONDS. A stub file that
 * does not open whole (or the directory of a sharded index, whose stub
 * XAPIANDB is) is then opened line by line (its parts), so that
 * one server down leaves out that line only; one that names a server is
 * opened line by line at once, so that a server that hangs is waited for
 * once.
 */
#include "search_private.h"
#include "path.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Remote indexes: how long to wait for a connection, and for an answer. */
#define REMOTE_CONNECT_MS 5000u
#define REMOTE_TIMEOUT_MS 10000u
/* An unavailable location is tried again at most this often. */
#define RETRY_SECONDS 10.0

#define REMOTE_SCHEME "tcp://"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Inode of `path` when it is a regular file (a stub database), else 0. */
static ino_t stub_inode(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? sb.st_ino : 0;
}

/* The stub file Xapian reads when it opens the local location `name`:
 * `name` itself when it is a regular file; `name`/XAPIANDB when `name`
 * is a directory holding that regular file (a sharded index, the form
 * gazette-index writes) and no format marker, which Xapian would open
 * instead as a database. Written into `stub` (`len` bytes); returns 1
 * when there is one, 0 when `name` is no stub (a database, nothing). */
static int stub_file_of(const char *name, char *stub, size_t len)
{
    static const char *const markers[] = {"iamglass", "iamchert"};
    struct stat sb;
    if (stat(name, &sb) != 0)
        return 0;
    if (S_ISREG(sb.st_mode))
        return snprintf(stub, len, "%s", name) < (int)len;
    if (!S_ISDIR(sb.st_mode))
        return 0;
    for (size_t i = 0; i < sizeof markers / sizeof *markers; i++)
        if (snprintf(stub, len, "%s/%s", name, markers[i]) >= (int)len ||
            stat(stub, &sb) == 0)
            return 0;
    return snprintf(stub, len, "%s/XAPIANDB", name) < (int)len &&
           stat(stub, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* gz_stub_each_line's fn for talks_to_servers: 1 at a server line. */
static int server_line(gz_stub_line *line, const char *text, size_t len,
                       void *ctx)
{
    (void)text;
    (void)len;
    (void)ctx;
    return line->kind == GZ_STUB_REMOTE_TCP ||
           line->kind == GZ_STUB_REMOTE_PROGRAM;
}

/* 1 when `name` is a remote location, or a stub file (or a directory
 * whose stub it is: stub_file_of) with a line naming a server (read as
 * Xapian reads it: gz_stub_each_line, every line of a stub of at most
 * 1 MiB). */
static int talks_to_servers(const char *name)
{
    if (!name)
        return 0;
    if (strncmp(name, REMOTE_SCHEME, strlen(REMOTE_SCHEME)) == 0)
        return 1;
    char stub[PATH_MAX];
    return stub_file_of(name, stub, sizeof stub) &&
           gz_stub_each_line(stub, server_line, NULL) == 1;
}

/* Split "tcp://HOST:PORT" into loc->host and loc->port. Returns 0, 1 when
 * `name` is not a remote location, -1 when it is malformed (why says so)
 * or memory ran out. */
static int parse_remote(gz_location *loc, char *why, size_t whylen)
{
    size_t scheme = strlen(REMOTE_SCHEME);
    if (strncmp(loc->name, REMOTE_SCHEME, scheme) != 0)
        return 1;
    const char *host = loc->name + scheme;
    const char *colon = strrchr(host, ':');
    char *end = NULL;
    errno = 0;
    unsigned long port = colon ? strtoul(colon + 1, &end, 10) : 0;
    if (!colon || colon == host || !colon[1] || *end || errno ||
        port == 0 || port > 65535) {
        snprintf(why, whylen, "a remote index is written tcp://HOST:PORT "
                 "with a port from 1 to 65535");
        return -1;
    }
    if (!(loc->host = strndup(host, (size_t)(colon - host)))) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    loc->port = (unsigned)port;
    return 0;
}

/* A stub file naming no database opens as an "uninitialised" database
 * that every search then refuses: report it as a damaged index. */
static xap_status check_searchable(const xap_database *db, char *why,
                                   size_t whylen)
{
    xap_enquire *enq = NULL;
    xap_status s = xap_enquire_new(db, &enq);
    xap_enquire_free(enq);
    if (s == XAP_ERR_INVALID_ARG) {
        snprintf(why, whylen, "it names no database (an empty stub file?)");
        s = XAP_ERR_DB_CORRUPT;
    }
    return s;
}

/* An index of another format among the `shards` shards of `db` (a stub
 * file may list several indexes), or a database another program wrote
 * (documents, but no shard records a Gazette format: gz_index_is_foreign,
 * as gazette-index decides): XAP_ERR_DB_VERSION, said in `why`. An empty
 * database with no format is a new index. */
static xap_status check_format(const xap_database *db, size_t shards,
                               char *why, size_t whylen)
{
    xap_status s = XAP_OK;
    size_t recorded = 0;
    for (size_t i = 0; s == XAP_OK && i < shards; i++) {
        char *format = NULL;
        size_t len = 0;
        s = xap_database_get_shard_metadata(db, i, GZ_META_FORMAT, &format,
                                            &len);
        if (s == XAP_OK && len && !recorded)
            recorded = len;
        if (s == XAP_OK && !gz_format_supported(format, len)) {
            snprintf(why, whylen, "it has Gazette index format %s; this "
                     "library reads format %s (rebuild it with "
                     "gazette_update_set_full)", format, GZ_FORMAT_VERSION);
            s = XAP_ERR_DB_VERSION;
        }
        free(format);
    }
    uint32_t docs = 0;
    if (s == XAP_OK && !recorded)
        s = xap_database_doc_count(db, &docs);
    if (s == XAP_OK && gz_index_is_foreign(docs, recorded)) {
        snprintf(why, whylen, "it holds %lu document%s not written by "
                 "Gazette (no " GZ_META_FORMAT " metadata): not a Gazette "
                 "index", (unsigned long)docs, docs == 1 ? "" : "s");
        s = XAP_ERR_DB_VERSION;
    }
    return s;
}

/* Open a local location. A `gazette-index --full` may switch the stub
 * file to a new generation and delete the old one between our reading the
 * stub and opening what it names: a database that vanished while the path
 * itself is still there is tried again, by the rule of a reading a
 * writer overtook (gz_tries_more) when the stub was replaced since the
 * try before (the switches of a busy writer may each overtake a quick
 * try), else ten tries in all (a stub naming a database that is gone
 * fails as soon). */
static xap_status open_local(gz_location *loc, xap_database **db)
{
    xap_status s = XAP_ERR_DB_NOT_FOUND;
    struct stat sb;
    ino_t tried = stub_inode(loc->name);
    gz_tries tries;
    gz_tries_start(&tries);
    while (gz_tries_more(&tries, stub_inode(loc->name) != tried)) {
        tried = loc->stub_inode = stub_inode(loc->name);
        s = xap_database_open(loc->name, db);
        if ((s != XAP_ERR_DB_NOT_FOUND && s != XAP_ERR_DB_OPENING) ||
            stat(loc->name, &sb) != 0)
            break;
    }
    return s;
}

/* 1 when `name` is a file Xapian keeps in a database directory: a stub
 * (XAPIANDB), a format marker (iamglass, iamchert...), the lock or a
 * table (postlist.glass, postlist.DB...). */
static int is_database_file(const char *name)
{
    size_t n = strlen(name);
    return strcmp(name, "XAPIANDB") == 0 || strncmp(name, "iam", 3) == 0 ||
           strcmp(name, "flintlock") == 0 ||
           (n > 6 && strcmp(name + n - 6, ".glass") == 0) ||
           (n > 3 && strcmp(name + n - 3, ".DB") == 0);
}

/* 1 when the directory `dir` is a database, or an index of shards: it
 * holds Xapian's format marker or a stub file. */
static int is_database_dir(const char *dir)
{
    static const char *const markers[] = {"iamglass", "iamchert",
                                          "iamhoney", "XAPIANDB"};
    char path[4200];
    struct stat sb;
    for (size_t i = 0; i < sizeof markers / sizeof *markers; i++)
        if (snprintf(path, sizeof path, "%s/%s", dir, markers[i]) <
                (int)sizeof path &&
            stat(path, &sb) == 0)
            return 1;
    return 0;
}

/* 1 when the directory `path`, or with `depth` > 0 one of its shard
 * directories (gz_is_shard_dir_name: with database files in one, the
 * directory is a sharded index, damaged when its stub is gone) down to
 * that depth, holds a file of a Xapian database; *entries counts what it
 * holds. 0 when it cannot be
 * read. When `below` is not NULL and it holds none, below[] names the
 * first of its other subdirectories that is a database or index
 * ("parent/news.idx"), or is empty. */
static int has_database_files(const char *path, int depth, size_t *entries,
                              char *below, size_t belowlen)
{
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    int found = 0;
    for (struct dirent *e; !found && (e = readdir(dir));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        ++*entries;
        found = is_database_file(e->d_name);
        char sub[4096];
        struct stat sb;
        size_t ignored = 0;
        if (found || snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >=
                         (int)sizeof sub ||
            stat(sub, &sb) != 0 || !S_ISDIR(sb.st_mode))
            continue;
        if (gz_is_shard_dir_name(e->d_name))
            found = depth > 0 &&
                    has_database_files(sub, depth - 1, &ignored, NULL, 0);
        else if (below && !below[0] && is_database_dir(sub))
            snprintf(below, belowlen, "%s", sub);
    }
    closedir(dir);
    if (found && below)
        below[0] = '\0';
    return found;
}

/* 1 when the local `path` is a directory that holds no database at all
 * (empty, a folder of articles given by mistake, or the directory an
 * index is in): no index at that path, not a damaged one, and `why` (may
 * be NULL) says so, naming an index found in it. A directory with any
 * file of a database, in it or in a shard directory, is a damaged index
 * when Xapian cannot open it. */
static int holds_no_index(const char *path, char *why, size_t whylen)
{
    struct stat sb;
    size_t entries = 0;
    char below[4096] = "";
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode) ||
        has_database_files(path, 1, &entries, below, sizeof below))
        return 0;
    if (why && below[0])
        snprintf(why, whylen, "no index here: the directory holds no Xapian "
                 "database (%.400s is an index: did you mean it?)", below);
    else if (why)
        snprintf(why, whylen, "no index here: the directory %s",
                 entries ? "holds no Xapian database" : "is empty");
    return 1;
}

/* 1 when the local `path` is a directory this process cannot read (no
 * permission, out of descriptors): not "no index here", an I/O error,
 * which `why` (may be NULL) names. Like every `why` of a location, it
 * does not name `path`: the message it goes into does ("cannot open
 * index PATH: ...", "PATH is unavailable (...)"). */
static int unreadable_dir(const char *path, char *why, size_t whylen)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return 0;
    DIR *dir = opendir(path);
    if (dir) {
        closedir(dir);
        return 0;
    }
    if (why)
        snprintf(why, whylen, "%s", strerror(errno));
    return 1;
}

/* 1 when nothing is at the local `path` (nor a directory on the way to
 * it), which `why` then says: Xapian's "Couldn't stat 'PATH' (No such
 * file or directory)" named the path a second time. */
static int nothing_there(const char *path, char *why, size_t whylen)
{
    struct stat sb;
    if (stat(path, &sb) == 0 || (errno != ENOENT && errno != ENOTDIR))
        return 0;
    snprintf(why, whylen, "%s", strerror(errno));
    return 1;
}

/* 1 when the local `path` is a symbolic link whose target does not exist
 * (a disk not mounted, say), or a loop of links, or has a loop on the
 * way to it, which `why` then names as gazette-index does: Xapian's
 * "Couldn't stat" names only the link. */
static int broken_link(const char *path, char *why, size_t whylen)
{
    char chain[PATH_MAX], on_the_way[PATH_MAX] = "";
    gz_link_problem problem = gz_path_broken_link(path, chain, sizeof chain);
    if (problem == GZ_LINK_FINE)
        problem = gz_path_loop_on_the_way(path, on_the_way, sizeof on_the_way,
                                          chain, sizeof chain);
    if (problem == GZ_LINK_FINE)   /* "dl/index", dl a link to nothing */
        problem = gz_path_dangling_on_the_way(path, on_the_way,
                                              sizeof on_the_way, chain,
                                              sizeof chain);
    if (problem == GZ_LINK_FINE)
        return 0;   /* chain was not written */
    if (problem == GZ_LINK_DANGLING)
        gz_path_say_dangling(why, whylen, on_the_way, chain);
    else
        gz_path_say_loop(why, whylen, on_the_way, problem, chain,
                         "a loop of links that leads to no index");
    return 1;
}

/* 1 when the local `path` is a stub file naming a database that does not
 * exist (gz_stub_missing_part): no index at that path, not a damaged
 * one, and `why` (may be NULL) names the part. */
static int stub_part_missing(const char *path, char *why, size_t whylen)
{
    char part[4096];
    int missing = gz_stub_missing_part(path, part, sizeof part);
    if (!missing)
        return 0;
    if (why)
        snprintf(why, whylen, "the stub file names %.400s, %s", part,
                 gz_stub_part_problem(missing));
    return 1;
}

/* gz_stub_each_line's fn for not_an_index_file: 1 at a line Xapian
 * reads as a stub's (a database, a server, inmemory). */
static int stub_line(gz_stub_line *line, const char *text, size_t len,
                     void *ctx)
{
    (void)text;
    (void)len;
    (void)ctx;
    return line->kind != GZ_STUB_UNKNOWN;
}

/* 1 when the local `path` is a regular file that Xapian took for a stub
 * file but that is none: no line of it is one a stub holds (a binary
 * file, a text given by mistake), or it is over 1 MiB. `why` then says it
 * is not an index, as gazette-index does, where Xapian said "PATH:1: Bad
 * line". A stub with some good lines keeps Xapian's words, which name
 * its bad line. */
static int not_an_index_file(const char *path, char *why, size_t whylen)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0;
    int rc = gz_stub_each_line(path, stub_line, NULL);
    if (rc == 1 || (rc < 0 && errno != EFBIG))
        return 0;
    snprintf(why, whylen, "it is not a Gazette index: a file that is "
             "neither a Xapian database nor a stub file listing one");
    return 1;
}

/* Open `loc` alone into loc->db and count its shards, and check that no
 * local database of it lacks a table (gz_check_index_tables); on failure
 * loc->db is NULL and `why` (when the shim's message is not enough) says
 * why. */
static xap_status open_location(gz_location *loc, char *why, size_t whylen)
{
    xap_database *db = NULL;
    why[0] = '\0';
    xap_status s = loc->host
                       ? xap_database_open_remote(loc->host, loc->port,
                                                  REMOTE_TIMEOUT_MS,
                                                  REMOTE_CONNECT_MS, &db)
                       : open_local(loc, &db);
    if (s == XAP_OK)
        s = check_searchable(db, why, whylen);
    if (s == XAP_OK)
        s = xap_database_shard_count(db, &loc->shards);
    if (s == XAP_OK)
        s = check_format(db, loc->shards, why, whylen);
    /* a table deleted that Xapian would take for an empty one */
    if (s == XAP_OK && !loc->host)
        s = gz_check_index_tables(loc->name, why, whylen);
    /* tables without their revision file, which Xapian takes for no
     * database at all */
    char damage[1024];
    if ((s == XAP_ERR_DB_NOT_FOUND || s == XAP_ERR_DB_OPENING) &&
        !loc->host && !why[0] &&
        gz_check_index_tables(loc->name, damage, sizeof damage) ==
            XAP_ERR_DB_CORRUPT) {
        size_t n = strlen(damage) < whylen ? strlen(damage) : whylen - 1;
        memcpy(why, damage, n);
        why[n] = '\0';
        s = XAP_ERR_DB_CORRUPT;
    }
    if (s != XAP_OK) {
        int looked = !why[0] && !loc->host &&
                     (s == XAP_ERR_DB_NOT_FOUND || s == XAP_ERR_DB_OPENING);
        /* no index there, as for a missing path: a loop is Xapian's
         * "opening" error */
        if (looked && broken_link(loc->name, why, whylen))
            s = XAP_ERR_DB_NOT_FOUND;
        else if (looked && !nothing_there(loc->name, why, whylen) &&
                 !unreadable_dir(loc->name, why, whylen) &&
                 !holds_no_index(loc->name, why, whylen) &&
                 !stub_part_missing(loc->name, why, whylen) &&
                 !gz_stub_bad_line(loc->name, why, whylen))
            not_an_index_file(loc->name, why, whylen);
        if (!why[0])
            snprintf(why, whylen, "%s", xap_last_error());
        xap_database_free(db);
        db = NULL;
    }
    loc->db = db;
    return s;
}

/* ------------------------------------------ a stub file, line by line */

/*
 * Xapian opens a stub file as one database: a line that fails (a server
 * down, a database missing) fails it all. With partial opening, such a
 * stub is read here line by line, each line a part of its location: the
 * parts that open are searched as the location, the others are left out
 * like unavailable locations (named in the warning, tried again later).
 * The lines are read as Xapian 1.4 reads them (gz_stub_lex, schema.h):
 * "TYPE REST" split at the first space, empty lines and lines starting
 * with '#' skipped; "auto", "glass" and "chert" name a path, relative to
 * the stub file's directory unless absolute (without one, that
 * directory); "remote HOST:PORT" (HOST may be [IPv6]) a server. A stub
 * with any other line ("remote :PROGRAM", "inmemory", a line Xapian
 * refuses), or over 1 MiB, is not split: it stays unavailable as a
 * whole, as before.
 */

/* Free what `loc` holds, but not `loc` itself. A part has no parts. */
static void clear_location(gz_location *loc)
{
    for (size_t k = 0; k < loc->nparts; k++)
        clear_location(&loc->parts[k]);
    free(loc->parts);
    free(loc->name);
    free(loc->host);
    free(loc->why);
    xap_database_free(loc->db);
    memset(loc, 0, sizeof *loc);
}

/* Drop the parts of `loc` (it is opened whole again, or not at all). */
static void free_parts(gz_location *loc)
{
    for (size_t k = 0; k < loc->nparts; k++)
        clear_location(&loc->parts[k]);
    free(loc->parts);
    loc->parts = NULL;
    loc->nparts = 0;
}

/* A new string of `a` then `b`, or NULL when memory ran out. */
static char *concat(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    char *s = malloc(alen + blen + 1);
    if (s) {
        memcpy(s, a, alen);
        memcpy(s + alen, b, blen + 1);
    }
    return s;
}

/* gz_stub_each_line's fn for read_stub_parts: the stub line `line`
 * (gz_stub_lex) as a new part of the location `ctx` (text and len, the
 * line as written, are not needed): a path (part->name, taken from
 * line->path) or a server (part->name tcp://HOST:PORT as written, with
 * part->host, as Xapian reads it, and part->port). Returns 0, or 1 when
 * the line is not one Gazette opens alone (a remote program, inmemory, a
 * line Xapian refuses, a port that is not 1 to 65535) or memory ran out;
 * the part's strings are then the location's to free. */
static int parse_stub_line(gz_stub_line *line, const char *text, size_t len,
                           void *ctx)
{
    (void)text;
    (void)len;
    gz_location *loc = ctx;
    gz_location *more = realloc(loc->parts, (loc->nparts + 1) * sizeof *more);
    if (!more)
        return 1;
    loc->parts = more;
    gz_location *part = &more[loc->nparts++];
    memset(part, 0, sizeof *part);
    char why[128];
    if (line->kind == GZ_STUB_LOCAL) {
        part->name = line->path;
        line->path = NULL;
        return 0;
    }
    /* the port checked as a tcp:// location's; the host, "[::1]" as ::1,
     * taken from the lexer */
    if (line->kind != GZ_STUB_REMOTE_TCP ||
        !(part->name = concat(REMOTE_SCHEME, strlen(REMOTE_SCHEME),
                              line->remote)) ||
        parse_remote(part, why, sizeof why) != 0)
        return 1;
    free(part->host);
    part->host = line->host;
    line->host = NULL;
    part->remote = 1;
    return 0;
}

/* loc->parts: the lines of the stub file of loc->name (stub_file_of: a
 * stub file, or a sharded index's XAPIANDB; gz_stub_each_line: as Xapian
 * reads them), none opened yet. Returns 0, or 1 (no parts) when there is
 * no such stub, it cannot be read (or is over 1 MiB), lists nothing, has
 * a line Gazette does not open alone, or memory ran out. */
static int read_stub_parts(gz_location *loc)
{
    char stub[PATH_MAX];
    if (!stub_file_of(loc->name, stub, sizeof stub))
        return 1;
    int rc = gz_stub_each_line(stub, parse_stub_line, loc) != 0;
    if (rc == 0 && loc->nparts == 0)
        rc = 1;
    if (rc != 0)
        free_parts(loc);
    return rc;
}

/* loc->db: the parts of `loc` that are open, as one (loc->shards their
 * shards). The parts keep their own handles. */
static xap_status join_parts(gz_location *loc)
{
    xap_database *db = NULL;
    size_t shards = 0;
    xap_status s = xap_database_new_empty(&db);
    for (size_t k = 0; s == XAP_OK && k < loc->nparts; k++)
        if (loc->parts[k].db) {
            s = xap_database_add_database(db, loc->parts[k].db);
            shards += loc->parts[k].shards;
        }
    if (s != XAP_OK) {
        xap_database_free(db);
        return s;
    }
    xap_database_free(loc->db);
    loc->db = db;
    loc->shards = shards;
    return XAP_OK;
}

/* Record why `loc` is unavailable and when to try it again. */
static void set_down(gz_location *loc, const char *why)
{
    free(loc->why);
    loc->why = strdup(why);
    loc->retry_at = now_seconds() + RETRY_SECONDS;
}

/* Open each part of `loc` alone (loc->parts from read_stub_parts), and
 * loc->db as those that opened. Returns XAP_OK when one part opened at
 * least, XAP_ERR_DB_VERSION when a part has a format this library cannot
 * read (`why` names the part: that is no unavailability), otherwise the
 * first part's failure. */
static xap_status open_parts(gz_location *loc, char *why, size_t whylen)
{
    xap_status first = XAP_OK;
    size_t live = 0;
    char reason[512];
    for (size_t k = 0; k < loc->nparts; k++) {
        gz_location *part = &loc->parts[k];
        xap_status s = open_location(part, reason, sizeof reason);
        if (s == XAP_OK) {
            live++;
            continue;
        }
        set_down(part, reason);
        if (s == XAP_ERR_DB_VERSION) {
            snprintf(why, whylen, "%s: %s", part->name,
                     part->why ? part->why : "out of memory");
            return s;
        }
        if (first == XAP_OK)
            first = s;
    }
    return live ? join_parts(loc) : first;
}

/* Open the lines of the stub file `loc` (loc->parts, read) alone, and
 * not the stub as a whole first. XAP_OK when some opened; otherwise the
 * first line's failure, with `why` naming it, and `loc` has no parts. */
static xap_status open_lines_only(gz_location *loc, char *why, size_t whylen)
{
    char reason[512];
    xap_status s = open_parts(loc, reason, sizeof reason);
    if (s == XAP_ERR_DB_VERSION)
        snprintf(why, whylen, "%s", reason);
    else if (s != XAP_OK)
        snprintf(why, whylen, "%s: %s", loc->parts[0].name,
                 loc->parts[0].why ? loc->parts[0].why : "out of memory");
    if (s != XAP_OK)
        free_parts(loc);
    return s;
}

/* Open `loc` (open_location); when that fails and the handle opens
 * partially, a stub file (or a sharded index's directory, whose stub
 * XAPIANDB is: stub_file_of) is opened line by line instead (open_parts):
 * XAP_OK when some of its lines opened. Otherwise the failure of the
 * whole, with `why`, and `loc` has no parts. A stub with a server line is
 * opened line by line at once: a server that accepts and never answers
 * costs its timeout each time it is tried, and would be tried twice. */
static xap_status open_available(const gazette_index_t *index,
                                 gz_location *loc, char *why, size_t whylen)
{
    free_parts(loc);
    char stub[PATH_MAX];
    int partial = (index->flags & GAZETTE_OPEN_SKIP_UNAVAILABLE) &&
                  !loc->host && stub_file_of(loc->name, stub, sizeof stub);
    if (partial && loc->remote) {
        loc->stub_inode = stub_inode(loc->name);
        if (read_stub_parts(loc) == 0)
            return open_lines_only(loc, why, whylen);
    }
    xap_status s = open_location(loc, why, whylen);
    if (s == XAP_OK || s == XAP_ERR_DB_VERSION || !partial ||
        read_stub_parts(loc) != 0)
        return s;
    char reason[512];
    xap_status p = open_parts(loc, reason, sizeof reason);
    if (p == XAP_OK)
        return p;
    free_parts(loc);
    if (p != XAP_ERR_DB_VERSION)
        return s;
    snprintf(why, whylen, "%s", reason);
    return p;
}

/* Try again the parts of `loc` that are down and due at `now`; *changed
 * is 1 when one came back (loc->db then has it). */
static xap_status retry_parts(gz_location *loc, double now, int *changed)
{
    int back = 0;
    char reason[512];
    for (size_t k = 0; k < loc->nparts; k++) {
        gz_location *part = &loc->parts[k];
        if (part->db || now < part->retry_at)
            continue;
        if (open_location(part, reason, sizeof reason) == XAP_OK)
            back = 1;
        else
            set_down(part, reason);
    }
    if (!back)
        return XAP_OK;
    *changed = 1;
    return join_parts(loc);
}

gazette_status_t gz_location_status(xap_status s, const gz_location *loc)
{
    struct stat sb;
    if (gz_shim_error_is_io())   /* out of descriptors, permissions */
        return GAZETTE_STATUS_IO_ERROR;
    int unopened = !loc->host &&
                   (s == XAP_ERR_DB_OPENING || s == XAP_ERR_DB_NOT_FOUND);
    if (unopened && unreadable_dir(loc->name, NULL, 0))
        return GAZETTE_STATUS_IO_ERROR;
    if (unopened && (holds_no_index(loc->name, NULL, 0) ||
                     stub_part_missing(loc->name, NULL, 0)))
        return GAZETTE_STATUS_INDEX_NOT_FOUND;
    if (unopened && stat(loc->name, &sb) == 0)
        return GAZETTE_STATUS_INDEX_CORRUPT;
    return gz_status_from_shim(s);
}

int gz_locations_init(gazette_index_t *index, const char *const *names,
                      size_t n, unsigned flags, char *why, size_t whylen)
{
    if (!(index->locations = calloc(n, sizeof *index->locations))) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    index->flags = flags;
    for (size_t i = 0; i < n; i++) {
        gz_location *loc = &index->locations[i];
        index->nlocations = i + 1;
        if (!names[i] || !names[i][0]) {
            snprintf(why, whylen, "an empty index path");
            return -1;
        }
        /* "news.idx/" names the index "news.idx"; a server's address is
         * not a path ("tcp://" is refused as it is) */
        int remote = strncmp(names[i], REMOTE_SCHEME,
                             sizeof REMOTE_SCHEME - 1) == 0;
        loc->name = strndup(names[i], remote ? strlen(names[i])
                                             : gz_path_trimmed_length(names[i]));
        if (!loc->name) {
            snprintf(why, whylen, "out of memory");
            return -1;
        }
        if (parse_remote(loc, why, whylen) < 0)
            return -1;
        loc->remote = talks_to_servers(loc->name);
    }
    return 0;
}

/* -------------------------------------- a database reached twice */

/* The directories and stub files the locations reach, known by device
 * and inode, with the location each was first reached from. A stub file
 * names its parts relative to the directory it is reached from, so it
 * is also known by that directory's realpath(): one file linked into two
 * directories names two sets of databases. */
typedef struct reached_db {
    dev_t dev;
    ino_t ino;
    char *dir;             /* a stub's directory (owned); NULL: a database */
    size_t loc;
} reached_db;

/* A server the locations reach: a tcp:// location, or a stub's
 * "remote HOST:PORT" line (HOST without the brackets of "[IPv6]"). */
typedef struct reached_server {
    char *host;            /* owned */
    unsigned port;
    size_t loc;
} reached_server;

typedef struct reach_walk {
    reached_db *seen;
    size_t n, cap;
    reached_server *servers;
    size_t nservers;
    size_t loc;            /* the location being walked */
    size_t first;          /* a database met again: where it was met first */
    char *again;           /* its path (owned), NULL while none */
    int again_stub;        /* that path is a stub file */
    int again_server;      /* `again` is a server, tcp://HOST:PORT */
} reach_walk;

/* Record that location r->loc reaches the server `host` (as written, its
 * IPv6 brackets taken off) at `port`: 1 (with r->again naming it) when
 * it was reached before, through this location or another; 0 otherwise,
 * or when memory ran out (the check is then not made). */
static int reach_server(reach_walk *r, const char *host, size_t hostlen,
                        unsigned port)
{
    if (hostlen > 1 && host[0] == '[' && host[hostlen - 1] == ']') {
        host++;
        hostlen -= 2;
    }
    for (size_t i = 0; i < r->nservers; i++) {
        const reached_server *s = &r->servers[i];
        if (s->port != port || strlen(s->host) != hostlen ||
            strncmp(s->host, host, hostlen) != 0)
            continue;
        /* named as a location is: tcp://HOST:PORT, [IPv6] bracketed */
        int v6 = memchr(host, ':', hostlen) != NULL;
        char named[600];
        snprintf(named, sizeof named, "%s%s%.*s%s:%u", REMOTE_SCHEME,
                 v6 ? "[" : "", (int)(hostlen < 500 ? hostlen : 500), host,
                 v6 ? "]" : "", port);
        r->first = s->loc;
        r->again_server = 1;
        r->again = strdup(named);
        return r->again != NULL;
    }
    reached_server *more = realloc(r->servers,
                                   (r->nservers + 1) * sizeof *more);
    if (!more)
        return 0;
    r->servers = more;
    if (!(more[r->nservers].host = strndup(host, hostlen)))
        return 0;
    more[r->nservers].port = port;
    more[r->nservers++].loc = r->loc;
    return 0;
}

/* gz_stub_each_line's fn for reach: a "remote HOST:PORT" line of a stub
 * the walk meets (ctx: the reach_walk), its port read as Xapian reads
 * it (atoi). 1 when that server was reached before. */
static int reach_server_line(gz_stub_line *line, const char *text,
                             size_t len, void *ctx)
{
    (void)text;
    (void)len;
    if (line->kind != GZ_STUB_REMOTE_TCP)
        return 0;
    /* NULL when a NUL byte cut the line's text before its last ':' (the
     * lexer split the bytes there): no server this check can name. */
    const char *colon = strrchr(line->remote, ':');
    if (!colon)
        return 0;
    return reach_server(ctx, line->host, strlen(line->host),
                        (unsigned)atoi(colon + 1));
}

/* gz_stub_each_path's fn: 1 (with r->again) when `path` is a directory
 * (a database, or the shards of one), or a stub file from the same
 * directory, reached before, through this location or another, or when
 * `path` is a stub (stub_file_of) naming a server reached before; 0
 * otherwise: nothing there (opening the index says so), or memory ran
 * out (the check is then not made). */
static int reach(const char *path, void *ctx)
{
    reach_walk *r = ctx;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return 0;
    int stub = S_ISREG(sb.st_mode);
    if (!stub && !S_ISDIR(sb.st_mode))
        return 0;
    char *dir = stub ? gz_path_real_dir(path) : NULL;
    if (stub && !dir)
        return 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->seen[i].dev == sb.st_dev && r->seen[i].ino == sb.st_ino &&
            (!stub || strcmp(r->seen[i].dir, dir) == 0)) {
            free(dir);
            r->first = r->seen[i].loc;
            r->again_stub = stub;
            r->again = strdup(path);
            return r->again != NULL;
        }
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        reached_db *more = realloc(r->seen, cap * sizeof *more);
        if (!more) {
            free(dir);
            return 0;
        }
        r->seen = more;
        r->cap = cap;
    }
    r->seen[r->n++] = (reached_db){sb.st_dev, sb.st_ino, dir, r->loc};
    /* the servers its lines name (a directory's: its stub XAPIANDB) */
    char lines[PATH_MAX];
    return stub_file_of(path, lines, sizeof lines) &&
           gz_stub_each_line(lines, reach_server_line, r) == 1;
}

/* Xapian opens a database once for each time a stub lists it, and adds
 * a location given twice twice: every article would then be found twice
 * (its matches counted twice, its copies shown as duplicates of it).
 * Stubs that name each other in a loop it follows until its stack runs
 * out (a crash): they are refused as nested too deep. A server is
 * searched once for each time it is reached too: listed twice by stubs,
 * or by a stub and as a tcp:// location (reach_server). */
/* 1 when two locations name one server (the same host as written, and
 * port): *failed is the second, `why` says so. */
static int server_given_twice(const gazette_index_t *index, size_t *failed,
                              char *why, size_t whylen)
{
    for (size_t i = 1; i < index->nlocations; i++)
        for (size_t j = 0; index->locations[i].host && j < i; j++) {
            const gz_location *a = &index->locations[j];
            const gz_location *b = &index->locations[i];
            if (!a->host || a->port != b->port || strcmp(a->host, b->host))
                continue;
            snprintf(why, whylen, "%s is given twice (each of its articles "
                     "would be found twice: give it once)", b->name);
            *failed = i;
            return 1;
        }
    return 0;
}

int gz_locations_reach_twice(const gazette_index_t *index, size_t *failed,
                             char *why, size_t whylen)
{
    if (server_given_twice(index, failed, why, whylen))
        return 2;
    reach_walk r = {0};
    int loop = 0;
    for (size_t i = 0; !r.again && !loop && i < index->nlocations; i++) {
        const gz_location *loc = &index->locations[i];
        r.loc = i;
        if (loc->host)
            reach_server(&r, loc->host, strlen(loc->host), loc->port);
        /* a loop of --db links is no stub: opening it says so */
        else if (gz_stub_each_path(index->locations[i].name, reach, &r) < 0)
            loop = errno == ELOOP &&
                   gz_path_broken_link(index->locations[i].name, NULL, 0) ==
                       GZ_LINK_FINE;
    }
    int twice = loop || (r.again && r.first == r.loc) ? 1 : r.again ? 2 : 0;
    const char *name = twice ? index->locations[r.loc].name : NULL;
    const char *other = twice ? index->locations[r.first].name : NULL;
    const char *what = r.again_server ? "the server"
                       : r.again_stub ? "the stub file"
                                      : "the database";
    if (loop)
        snprintf(why, whylen, "its stubs are nested more than 8 deep (do "
                 "they name each other?)");
    else if (twice == 1)
        snprintf(why, whylen, "its stubs list %s %s twice (each of its "
                 "articles would be found twice%s: list it once)", what,
                 r.again, r.again_stub ? ", or it names itself" : "");
    else if (twice == 2 && strcmp(name, other) == 0)
        snprintf(why, whylen, "%s is given twice (each of its articles "
                 "would be found twice: give it once)", name);
    else if (twice == 2)
        snprintf(why, whylen, "%s and %s both reach %s %s (each of its "
                 "articles would be found twice: give it once)", other,
                 name, what, r.again);
    *failed = r.loc;
    free(r.again);
    for (size_t i = 0; i < r.n; i++)
        free(r.seen[i].dir);
    free(r.seen);
    for (size_t i = 0; i < r.nservers; i++)
        free(r.servers[i].host);
    free(r.servers);
    return twice;
}

void gz_locations_free(gazette_index_t *index)
{
    for (size_t i = 0; i < index->nlocations; i++)
        clear_location(&index->locations[i]);
    free(index->locations);
    free(index->shard_owner);
    xap_database_free(index->db);
    index->locations = NULL;
    index->shard_owner = NULL;
    index->db = NULL;
    index->nlocations = 0;
}

/* The indexes behind `loc` (the lines of a stub file opened line by
 * line, else 1); *down: how many of them are unavailable. */
static size_t count_indexes(const gz_location *loc, size_t *down)
{
    *down = loc->db == NULL;
    if (loc->nparts == 0)
        return 1;
    for (size_t k = 0; k < loc->nparts; k++)
        *down += loc->parts[k].db == NULL;
    return loc->nparts;
}

/* Append to index->warning (`len` bytes so far) that `what` is
 * unavailable and why; returns the new length (the size, when full). */
static size_t warn_down(gazette_index_t *index, size_t len, const char *what,
                        const char *in, const char *why)
{
    size_t size = sizeof index->warning;
    if (len >= size)
        return size;
    len += (size_t)snprintf(index->warning + len, size - len,
                            " %s%s%s is unavailable (%s);", what,
                            in ? " in " : "", in ? in : "", why ? why : "");
    return len < size ? len : size;
}

/* index->warning: which locations, or lines of a stub file, were left out
 * and why ("" when none). */
static void write_warning(gazette_index_t *index)
{
    size_t down = 0, total = 0, len = 0;
    char *w = index->warning;
    w[0] = '\0';
    for (size_t i = 0; i < index->nlocations; i++) {
        size_t d = 0;
        total += count_indexes(&index->locations[i], &d);
        down += d;
    }
    if (down == 0)
        return;
    len = (size_t)snprintf(w, sizeof index->warning,
                           "searched %zu of %zu indexes;", total - down,
                           total);
    for (size_t i = 0; i < index->nlocations; i++) {
        const gz_location *loc = &index->locations[i];
        if (!loc->db)
            len = warn_down(index, len, loc->name, NULL, loc->why);
        for (size_t k = 0; k < loc->nparts; k++)
            if (!loc->parts[k].db)
                len = warn_down(index, len, loc->parts[k].name, loc->name,
                                loc->parts[k].why);
    }
    len = strlen(w);
    if (len && w[len - 1] == ';')
        w[len - 1] = '\0';
}

/* index->db: every available location as one database, and the map from
 * its shards to their locations. */
static xap_status combine(gazette_index_t *index)
{
    xap_database *all = NULL;
    size_t nshards = 0;
    for (size_t i = 0; i < index->nlocations; i++)
        if (index->locations[i].db)
            nshards += index->locations[i].shards;
    size_t *owner = malloc((nshards ? nshards : 1) * sizeof *owner);
    xap_status s = owner ? xap_database_new_empty(&all) : XAP_ERR_NOMEM;
    size_t at = 0;
    for (size_t i = 0; s == XAP_OK && i < index->nlocations; i++) {
        const gz_location *loc = &index->locations[i];
        if (!loc->db)
            continue;
        s = xap_database_add_database(all, loc->db);
        for (size_t k = 0; k < loc->shards; k++)
            owner[at++] = i;
    }
    if (s == XAP_OK && index->qp)
        s = xap_queryparser_set_database(index->qp, all);
    if (s != XAP_OK) {
        xap_database_free(all);
        free(owner);
        return s;
    }
    xap_database_free(index->db);
    free(index->shard_owner);
    index->db = all;
    index->shard_owner = owner;
    index->nshards = nshards;
    index->cjk_stale = 1;
    write_warning(index);
    return XAP_OK;
}

xap_status gz_index_cjk_ngrams(gazette_index_t *index)
{
    if (!index->cjk_stale)
        return XAP_OK;
    xap_status s = XAP_OK;
    size_t with = 0;
    long without = -1;
    for (size_t k = 0; s == XAP_OK && k < index->nshards; k++) {
        char *value = NULL;
        size_t len = 0;
        s = xap_database_get_shard_metadata(index->db, k, GZ_META_CJK_NGRAMS,
                                            &value, &len);
        if (s == XAP_OK && gz_cjk_ngrams_recorded(value, len))
            with++;
        else if (without < 0)
            without = (long)index->shard_owner[k];
        /* A remote shard that cannot say (an old server) has none; a
         * revision discarded meanwhile is retried by the search, not
         * remembered as "none" until the next commit. */
        if (index->locations[index->shard_owner[k]].remote &&
            s != XAP_ERR_NETWORK && s != XAP_ERR_DB_MODIFIED)
            s = XAP_OK;
        free(value);
    }
    if (s == XAP_OK) {
        index->cjk_ngrams = with > 0 && with == index->nshards;
        index->cjk_whole_at = with > 0 ? without : -1;
        index->cjk_stale = 0;
    }
    return s;
}

xap_status gz_locations_open(gazette_index_t *index, size_t *failed,
                             char *why, size_t whylen)
{
    int skip = (index->flags & GAZETTE_OPEN_SKIP_UNAVAILABLE) != 0;
    xap_status first = XAP_OK;
    size_t live = 0;
    char reason[512];
    for (size_t i = 0; i < index->nlocations; i++) {
        gz_location *loc = &index->locations[i];
        xap_database_free(loc->db);
        loc->db = NULL;
        xap_status s = open_available(index, loc, reason, sizeof reason);
        if (s == XAP_OK) {
            live++;
            free(loc->why);
            loc->why = NULL;
            continue;
        }
        if (first == XAP_OK) {
            first = s;
            *failed = i;
            snprintf(why, whylen, "%s", reason);
        }
        /* A format this library cannot read is not "unavailable". */
        if (!skip || s == XAP_ERR_DB_VERSION)
            return s;
        set_down(loc, reason);
    }
    if (live == 0)
        return first;
    return combine(index);
}

/* Try again the unavailable locations, and lines of stub files, whose
 * time has come; *changed is 1 when one came back. */
static xap_status retry_down(gazette_index_t *index, int *changed)
{
    double now = now_seconds();
    char reason[512];
    xap_status s = XAP_OK;
    *changed = 0;
    for (size_t i = 0; s == XAP_OK && i < index->nlocations; i++) {
        gz_location *loc = &index->locations[i];
        if (loc->nparts)
            s = retry_parts(loc, now, changed);
        if (loc->db || now < loc->retry_at)
            continue;
        if (open_available(index, loc, reason, sizeof reason) == XAP_OK)
            *changed = 1;
        else
            set_down(loc, reason);
    }
    return s;
}

/* 1 when a local location's stub file was replaced since it was opened
 * (`gazette-index --full` switched generations). */
static int stub_replaced(const gazette_index_t *index)
{
    for (size_t i = 0; i < index->nlocations; i++) {
        const gz_location *loc = &index->locations[i];
        if (loc->db && !loc->host && stub_inode(loc->name) != loc->stub_inode)
            return 1;
    }
    return 0;
}

/* The language of the locations now open taken on (gz_index_stem_again);
 * on failure record in index->failure why, and keep refreshing afresh. */
static xap_status language_again(gazette_index_t *index)
{
    char why[512];
    xap_status s = gz_index_stem_again(index, why, sizeof why);
    index->language_stale = s != XAP_OK;
    if (s != XAP_OK) {
        int one = index->nlocations == 1;
        index->failure_status = s == XAP_ERR_INVALID_ARG
                                    ? GAZETTE_STATUS_INVALID_ARGUMENT
                                    : gz_location_status(s, index->locations);
        snprintf(index->failure, sizeof index->failure, "index%s%s: %s",
                 one ? " " : "es", one ? index->locations[0].name : "", why);
    }
    return s;
}

/* Open every location again; on failure record in index->failure which
 * one failed and why, and that the next refresh must open them again
 * (index->locations_stale): the failure left index->db as it was, which
 * a later reopen would otherwise take up, with the failed location still
 * marked unavailable. */
static xap_status reopen_all(gazette_index_t *index)
{
    size_t failed = 0;
    char why[512];
    xap_status s = gz_locations_open(index, &failed, why, sizeof why);
    index->locations_stale = s != XAP_OK;
    if (s != XAP_OK) {
        const gz_location *loc = &index->locations[failed];
        const char *said = why[0] ? why : xap_last_error();
        index->failure_status = gz_location_status(s, loc);
        if (index->failure_status == GAZETTE_STATUS_INDEX_CORRUPT &&
            gz_is_damage(s, said))
            gz_damage_message(index->failure, sizeof index->failure,
                              loc->name, said,
                              !loc->host &&
                                  gz_index_language_readable(loc->name));
        else
            snprintf(index->failure, sizeof index->failure, "index %s: %s",
                     loc->name, said);
        return s;
    }
    return language_again(index);
}

/* Move index->db to the latest committed revision of every location.
 * Xapian's reopen() follows commits (remote ones too), but not
 * `gazette-index --full`, which renames a new stub file over the path and
 * deletes the database the old stub named: when a stub was replaced, or
 * the reopen finds a database gone or a remote index not answering, every
 * location is opened afresh (left out, when allowed, if it fails), and
 * again at each refresh after that failed. A
 * location that comes back, or one opened afresh, may be stemmed in
 * another language: the query parser takes it on (language_again). */
xap_status gz_index_refresh(gazette_index_t *index)
{
    int back = 0;
    xap_status s = XAP_OK;
    index->failure[0] = '\0';
    if (index->flags & GAZETTE_OPEN_SKIP_UNAVAILABLE)
        s = retry_down(index, &back);
    int afresh = index->language_stale || index->locations_stale ||
                 stub_replaced(index);
    if (s == XAP_OK && !back && !afresh) {
        int changed = 0;
        s = xap_database_reopen(index->db, &changed);
        if (changed)   /* what the index records may have changed */
            index->cjk_stale = 1;
        if (s != XAP_ERR_DB_NOT_FOUND && s != XAP_ERR_DB_OPENING &&
            s != XAP_ERR_NETWORK)
            return s;
    }
    if (back && !afresh) {
        s = combine(index);   /* one that came back may be stemmed apart */
        return s == XAP_OK ? language_again(index) : s;
    }
    return reopen_all(index);
}

xap_status gz_locations_lost_one(gazette_index_t *index)
{
    index->failure[0] = '\0';
    return reopen_all(index);
}

/* The locations of `index` in one phrase, into out[size]: "news.idx",
 * or "a or b" when several are searched as one (which of them holds the
 * damage a search met, Xapian does not say). */
static void location_names(const gazette_index_t *index, char *out,
                           size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < index->nlocations && n < size; i++) {
        const char *sep = !i ? "" : i + 1 == index->nlocations ? " or "
                                                             : ", ";
        int w = snprintf(out + n, size - n, "%s%s", sep,
                         index->locations[i].name);
        n += w > 0 ? (size_t)w : 0;
    }
}

gazette_status_t gz_index_damaged(gazette_index_t *index, const char *said)
{
    /* it opened, so its language was read: a rebuild reads it again */
    char names[512], msg[GZ_ERROR_SIZE];
    location_names(index, names, sizeof names);
    gz_damage_message(msg, sizeof msg, names, said, 1);
    return gz_fail(GAZETTE_STATUS_INDEX_CORRUPT, "%s", msg);
}

gazette_status_t gz_index_fail(gazette_index_t *index, xap_status s,
                               const char *what)
{
    if (index->failure[0])
        return gz_fail(index->failure_status, "%s", index->failure);
    if (gz_is_damage(s, xap_last_error()))
        return gz_index_damaged(index, xap_last_error());
    return gz_fail_shim(s, what);
}

const char *gz_location_of(const gazette_index_t *index, xap_docid docid,
                           size_t *which)
{
    if (index->nshards == 0 || docid == 0) {
        *which = 0;
        return index->locations[0].name;
    }
    *which = index->shard_owner[(docid - 1) % index->nshards];
    return index->locations[*which].name;
}

/* ----------------------------------------------------------- SIGPIPE */

/*
 * Xapian's remote backend writes to its sockets without MSG_NOSIGNAL: a
 * server that went away would kill the whole program with SIGPIPE, where
 * the write should just fail (and it does, with EPIPE, which Xapian
 * reports as a NetworkError). A library must not change the program's
 * signal handling, so while it talks to remote indexes the calling thread
 * blocks SIGPIPE, and any SIGPIPE raised meanwhile is taken back before
 * the mask is restored.
 */

static void block_sigpipe(gz_sigpipe *state)
{
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigpending(&state->pending_before);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &state->old_mask);
    state->blocked = 1;
}

void gz_sigpipe_block(const char *const *locations, size_t n,
                      gz_sigpipe *state)
{
    state->blocked = 0;
    for (size_t i = 0; i < n; i++)
        if (talks_to_servers(locations[i])) {
            block_sigpipe(state);
            return;
        }
}

void gz_sigpipe_restore(gz_sigpipe *state)
{
    if (!state->blocked)
        return;
    sigset_t pending;
    sigpending(&pending);
    /* Take back a SIGPIPE we raised (not one that was already pending). */
    if (sigismember(&pending, SIGPIPE) &&
        !sigismember(&state->pending_before, SIGPIPE)) {
        sigset_t pipe_only;
        struct timespec zero = {0, 0};
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        while (sigtimedwait(&pipe_only, NULL, &zero) == SIGPIPE)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &state->old_mask, NULL);
}

int gz_index_searches_remote(const gazette_index_t *index)
{
    for (size_t i = 0; i < index->nlocations; i++)
        if (index->locations[i].db && index->locations[i].remote)
            return 1;
    return 0;
}

void gz_index_sigpipe_block(const gazette_index_t *index, gz_sigpipe *state)
{
    state->blocked = 0;
    for (size_t i = 0; i < index->nlocations; i++)
        if (index->locations[i].remote) {
            block_sigpipe(state);
            return;
        }
}
