/* tables.c - the tables a Gazette index with articles must have
 * (schema.h, gz_check_tables). */
#include "schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Stub files naming stub files: followed this deep at most (Xapian's own
 * limit is about as shallow; Gazette writes two levels). */
#define MAX_STUB_DEPTH 4

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

static xap_status check_path(const char *path, int depth, char *why,
                             size_t whylen);

/* Each local database the stub file `stub` names (relative to `dir`):
 * "auto PATH" and "glass PATH" lines; remote ones and other backends are
 * not checked. */
static xap_status check_stub(const char *stub, const char *dir, int depth,
                             char *why, size_t whylen)
{
    FILE *f = fopen(stub, "r");
    if (!f)
        return XAP_OK;   /* opening the index says what is wrong */
    char line[4200];
    xap_status s = XAP_OK;
    while (s == XAP_OK && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        const char *rel = strncmp(line, "auto ", 5) == 0 ? line + 5
                          : strncmp(line, "glass ", 6) == 0 ? line + 6
                                                             : NULL;
        if (!rel || !*rel)
            continue;
        char path[8400];
        if (rel[0] == '/')
            snprintf(path, sizeof path, "%s", rel);
        else
            snprintf(path, sizeof path, "%s/%s", dir, rel);
        s = check_path(path, depth + 1, why, whylen);
    }
    fclose(f);
    return s;
}

static xap_status check_path(const char *path, int depth, char *why,
                             size_t whylen)
{
    struct stat sb;
    if (depth > MAX_STUB_DEPTH || stat(path, &sb) != 0)
        return XAP_OK;
    if (S_ISDIR(sb.st_mode)) {
        char stub[4400];
        snprintf(stub, sizeof stub, "%s/XAPIANDB", path);
        if (stat(stub, &sb) == 0)
            return check_stub(stub, path, depth, why, whylen);
        return gz_check_tables(path, why, whylen);
    }
    if (!S_ISREG(sb.st_mode))
        return XAP_OK;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        dir[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    return check_stub(path, dir, depth, why, whylen);
}

xap_status gz_check_index_tables(const char *location, char *why,
                                 size_t whylen)
{
    struct stat before, after;
    if (stat(location, &before) != 0)
        return XAP_OK;
    xap_status s = check_path(location, 0, why, whylen);
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
