/* rules_file.c - rules files and synonym keys (rules_file.h). */
#include "rules_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

int gz_rules_file_read(const char *path, const char *what,
                       gz_rules_line_fn fn, void *ctx, char *err,
                       size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        int e = errno;
        char loop[1200];
        /* a loop of links leads to no file: missing, not a disk error */
        if (e == ELOOP) {
            /* the end whole after a long path and chain (gz_path_room) */
            static const char end[] = "; nothing changed";
            char head[420];
            snprintf(head, sizeof head, "%s %.300s: ", what, path);
            (void)gz_path_loop_said(path, "a loop of links", loop,
                                    gz_path_room(errlen, head, end,
                                                 sizeof loop));
            snprintf(err, errlen, "%s%s%s", head, loop, end);
        } else if ((e == ENOENT || e == ENOTDIR) &&
                   gz_path_dangling_said(path, loop, sizeof loop)) {
            /* where the link leads, which fopen's error does not say */
            snprintf(err, errlen, "%s %s: %s", what, path, loop);
        } else {
            snprintf(err, errlen, "%s %s: %s", what, path, strerror(e));
        }
        errno = e;
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    for (unsigned long n = 1; rc == 0 && getline(&line, &cap, f) != -1; n++) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char where[512];
        snprintf(where, sizeof where, "%.400s:%lu", path, n);
        rc = fn(line, where, ctx, err, errlen);
    }
    int read_error = ferror(f) ? (errno ? errno : EIO) : 0;
    free(line);
    fclose(f);
    if (rc == 0 && read_error) {
        /* EISDIR: a directory opens, and fails at its first read */
        snprintf(err, errlen, "%s %s: %s", what, path, strerror(read_error));
        errno = read_error;
        return -1;
    }
    if (rc == -2) {
        snprintf(err, errlen, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    errno = 0;
    return rc == 0 ? 0 : -1;
}

typedef struct key_list {
    char **keys;
    size_t count;
    int failed;
} key_list;

static int collect_key(const char *key, void *ctx)
{
    key_list *l = ctx;
    char **grown = realloc(l->keys, (l->count + 1) * sizeof *grown);
    char *copy = strdup(key);
    if (grown)
        l->keys = grown;
    if (!grown || !copy) {
        free(copy);
        l->failed = 1;
        return 1;
    }
    l->keys[l->count++] = copy;
    return 0;
}

xap_status gz_rules_synonym_keys(const xap_database *db, const char *prefix,
                                 char ***keys, size_t *count)
{
    key_list l = {NULL, 0, 0};
    xap_status s = xap_database_each_synonym_key(db, prefix, collect_key, &l);
    if (s == XAP_OK && l.failed)
        s = XAP_ERR_NOMEM;
    if (s != XAP_OK) {
        gz_rules_keys_free(l.keys, l.count);
        l.keys = NULL;
        l.count = 0;
    }
    *keys = l.keys;
    *count = l.count;
    return s;
}

void gz_rules_keys_free(char **keys, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(keys[i]);
    free(keys);
}
