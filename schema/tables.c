/* tables.c - the tables a Gazette index with articles must have
 * (schema.h, gz_check_tables). */
#include "schema.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The glass tables of a database holding articles, and when each is
 * there: postlist always (Xapian makes it with the database), termlist
 * and docdata once a document is added (every article has an id term and
 * document data), position once an article has a word of text (every
 * title or body word is indexed with its position; an article of the
 * writer API may have no text at all). */
typedef enum needed_when { ALWAYS, WITH_DOCUMENTS, WITH_TEXT } needed_when;

static const struct {
    const char *file;
    needed_when when;
} tables[] = {
    {"postlist.glass", ALWAYS},
    {"termlist.glass", WITH_DOCUMENTS},
    {"docdata.glass", WITH_DOCUMENTS},
    {"position.glass", WITH_TEXT},
};

static int missing(const char *dir, const char *file)
{
    char path[4400];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return stat(path, &sb) != 0 && errno == ENOENT;
}

xap_status gz_check_tables(const char *dir, char *why, size_t whylen)
{
    size_t first = sizeof tables / sizeof *tables;
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
        if (missing(dir, tables[i].file)) {
            first = i;
            break;
        }
    /* Tables without the revision file that says which of their versions
     * is current: Xapian takes that for no database at all ("Couldn't
     * detect type", or a new index made beside the tables). */
    if (first > 0 && missing(dir, "iamglass")) {
        snprintf(why, whylen, "%s/iamglass is missing: the index is damaged",
                 dir);
        return XAP_ERR_DB_CORRUPT;
    }
    /* All there (the common case: a few stat calls), or not a glass
     * database at all (nor one any more): Xapian says what it is. */
    if (first == sizeof tables / sizeof *tables || missing(dir, "iamglass"))
        return XAP_OK;
    uint32_t docs = 0;
    uint64_t length = 0;
    xap_database *db = NULL;
    xap_status s = tables[first].when == ALWAYS
                       ? XAP_OK : xap_database_open(dir, &db);
    if (s == XAP_OK && db)
        s = xap_database_doc_count(db, &docs);
    if (s == XAP_OK && db)
        s = xap_database_total_length(db, &length);
    xap_database_free(db);
    if (s != XAP_OK) {
        snprintf(why, whylen, "%s: %s", dir, xap_last_error());
        return s;
    }
    for (size_t i = first; i < sizeof tables / sizeof *tables; i++) {
        needed_when when = tables[i].when;
        if ((when == ALWAYS || (when == WITH_DOCUMENTS && docs > 0) ||
             (when == WITH_TEXT && length > 0)) &&
            missing(dir, tables[i].file)) {
            if (when == ALWAYS)
                snprintf(why, whylen, "%s/%s is missing: the index is "
                         "damaged", dir, tables[i].file);
            else
                snprintf(why, whylen, "%s/%s is missing from a database "
                         "of %lu article%s: the index is damaged", dir,
                         tables[i].file, (unsigned long)docs,
                         docs == 1 ? "" : "s");
            return XAP_ERR_DB_CORRUPT;
        }
    }
    return XAP_OK;
}

typedef struct tables_ctx {
    char *why;
    size_t whylen;
    xap_status status;
} tables_ctx;

/* A database a stub names: checked when it is there (one that is not
 * gives opening the index its error). */
static int on_stub_part(const char *path, void *ctx)
{
    tables_ctx *t = ctx;
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        t->status = gz_check_tables(path, t->why, t->whylen);
    return t->status != XAP_OK;
}

/* `location` itself a database directory, else the parts it names: as a
 * directory holding a XAPIANDB stub file, or as a stub file. */
static xap_status check_location(const char *location, char *why,
                                 size_t whylen)
{
    struct stat sb;
    char stub[4400];
    snprintf(stub, sizeof stub, "%s/XAPIANDB", location);
    if (stat(location, &sb) == 0 && S_ISDIR(sb.st_mode) &&
        stat(stub, &sb) != 0)
        return gz_check_tables(location, why, whylen);
    tables_ctx t = {why, whylen, XAP_OK};
    gz_stub_each_part(stat(stub, &sb) == 0 ? stub : location, on_stub_part,
                      &t);
    return t.status;
}

xap_status gz_check_index_tables(const char *location, char *why,
                                 size_t whylen)
{
    struct stat before, after;
    if (stat(location, &before) != 0)
        return XAP_OK;
    xap_status s = check_location(location, why, whylen);
    /* A full rebuild switched the index while we looked (the old
     * generation going away table by table): not damage. */
    if (s != XAP_OK &&
        (stat(location, &after) != 0 || after.st_ino != before.st_ino ||
         after.st_dev != before.st_dev)) {
        why[0] = '\0';
        return XAP_OK;
    }
    return s;
}

/* 1 when `name` is a glass table's file. */
static int is_table(const char *name)
{
    size_t len = strlen(name);
    return len > 6 && strcmp(name + len - 6, ".glass") == 0;
}

/* 1 when `name` is a file a glass database's creation leaves before its
 * revision file, which gz_clear_cut_creation deletes: a table, or the
 * revision file being written (the lock, flintlock, stays). */
static int left_by_creation(const char *name)
{
    return is_table(name) || strcmp(name, "v.tmp") == 0;
}

/* 1 when `dir` holds no iamglass and nothing but the lock and files
 * left_by_creation(), every table empty, at least one of them there; 0
 * otherwise (also when it cannot be read: nothing is cleared). The stat
 * of iamglass comes first: an index that has one costs no more. */
static int creation_cut_short(const char *dir)
{
    DIR *d = missing(dir, "iamglass") ? opendir(dir) : NULL;
    if (!d)
        return 0;
    int cut = 1, leftovers = 0;
    struct dirent *e;
    while (cut && (e = readdir(d))) {
        const char *name = e->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        char path[4400];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        int left = left_by_creation(name);
        cut = (left || strcmp(name, "flintlock") == 0) &&
              lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
              (!is_table(name) || sb.st_size == 0);
        leftovers += cut && left;
    }
    closedir(d);
    return cut && leftovers > 0;
}

int gz_clear_cut_creation(const char *dir)
{
    if (!creation_cut_short(dir))
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (!left_by_creation(e->d_name))
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0 && errno != ENOENT)
            rc = -1;
    }
    int e2 = errno;
    closedir(d);
    errno = e2;
    return rc;
}
