/* safety.c - removal guards and the hardened lock file (safety.h). */
#include "safety.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "indexer.h"
#include "schema.h"

/* Metadata key prefix of a root's device: "gazette.root." + 16 hex digits
 * of the FNV-1a hash of the root's absolute path (a key stays short
 * whatever the path; the value repeats the path for people). */
#define ROOT_KEY_PREFIX "gazette.root."

/* Metadata key prefix of the mount points below a root: "gazette.mounts."
 * + the same 16 hex digits as its "gazette.root." key. The value is
 * their relative paths, each ended by a NUL (gz_names). */
#define MOUNTS_KEY_PREFIX "gazette.mounts."

/* Metadata key prefix of the files below a root's mount points that a
 * root given after it holds too (gz_root_check.took_now): "gazette.taken."
 * + the same 16 hex digits; the value as "gazette.mounts.". */
#define TAKEN_KEY_PREFIX "gazette.taken."

int gz_names_add(gz_names *n, const char *name)
{
    size_t add = strlen(name) + 1;
    if (n->len + add > n->cap) {
        size_t cap = n->cap ? n->cap : 256;
        while (cap < n->len + add)
            cap *= 2;
        char *b = realloc(n->buf, cap);
        if (!b)
            return -1;
        n->buf = b;
        n->cap = cap;
    }
    memcpy(n->buf + n->len, name, add);
    n->len += add;
    return 0;
}

const char *gz_names_next(const gz_names *n, const char *prev)
{
    const char *p = prev ? prev + strlen(prev) + 1 : n->buf;
    return p && p < n->buf + n->len ? p : NULL;
}

int gz_names_has(const gz_names *n, const char *name)
{
    for (const char *p = gz_names_next(n, NULL); p; p = gz_names_next(n, p))
        if (strcmp(p, name) == 0)
            return 1;
    return 0;
}

void gz_names_free(gz_names *n)
{
    free(n->buf);
    memset(n, 0, sizeof *n);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Put the names of `n` in strcmp order, a folder before those below it
 * (a mount point gone is then met before the ones it held: check_mounts
 * names it and keeps them with it), duplicates dropped. 0, or -1 when
 * out of memory (`n` unchanged). */
static int sort_names(gz_names *n)
{
    size_t count = 0;
    for (const char *p = gz_names_next(n, NULL); p; p = gz_names_next(n, p))
        count++;
    if (count < 2)
        return 0;
    const char **v = malloc(count * sizeof *v);
    gz_names sorted = {0};
    if (!v)
        return -1;
    count = 0;
    for (const char *p = gz_names_next(n, NULL); p; p = gz_names_next(n, p))
        v[count++] = p;
    qsort(v, count, sizeof *v, compare_names);
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++)
        if (i == 0 || strcmp(v[i - 1], v[i]) != 0)
            rc = gz_names_add(&sorted, v[i]);
    free(v);
    if (rc != 0) {
        gz_names_free(&sorted);
        return -1;
    }
    gz_names_free(n);
    *n = sorted;
    return 0;
}

static void key_of(const char *path, char *key, size_t keylen)
{
    uint64_t h = gz_fnv1a64(GZ_FNV_BASIS, path, strlen(path));
    snprintf(key, keylen, ROOT_KEY_PREFIX "%016" PRIx64, h);
}

/* `path` (absolute) spelt one way: no empty or "." component, and no
 * ".." after a directory that is not a symlink (the directory goes
 * instead; after a symlink, ".." leads beside its target, so it stays).
 * Symlinks are not resolved. Into `out` (`size` bytes at least as long
 * as `path`). */
static void normal_path(const char *path, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.')) {
            p += n;
            continue;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            char *last = strrchr(out, '/');
            struct stat sb;
            if (!last) {           /* ".." of "/" is "/" */
                p += n;
                continue;
            }
            if (strcmp(last, "/..") != 0 &&
                (lstat(out, &sb) != 0 || !S_ISLNK(sb.st_mode))) {
                *last = '\0';
                len = (size_t)(last - out);
                p += n;
                continue;
            }
        }
        if (len + 1 + n + 1 > size)
            break;
        out[len++] = '/';
        memcpy(out + len, p, n);
        len += n;
        out[len] = '\0';
        p += n;
    }
    if (!len)
        snprintf(out, size, "/");
}

/* The root's absolute path, symlinks NOT resolved: a mount point that is
 * missing, or a link that now points elsewhere, is the same root on
 * another device. Spelt one way (normal_path), so that "c/", "./c/.",
 * "/srv//archive" and "x/../archive" are one root; the key of the path
 * as written (trailing slashes dropped), which runs before recorded,
 * goes into `legacy` (the same key when the spellings agree). */
static void root_key(const char *root, char *key, size_t keylen,
                     char *legacy, char *abs_path, size_t abslen)
{
    char cwd[PATH_MAX], written[8192];
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        n--;
    int len;
    if (root[0] == '/' || !getcwd(cwd, sizeof cwd))
        len = snprintf(written, sizeof written, "%.*s", (int)n, root);
    else
        len = snprintf(written, sizeof written, "%s/%.*s",
                       strcmp(cwd, "/") ? cwd : "", (int)n, root);
    if (len < 0 || (size_t)len >= abslen) {   /* too long: the hash of */
        snprintf(abs_path, abslen, "%s", root);   /* the root as given */
        key_of(abs_path, key, keylen);
        snprintf(legacy, keylen, "%s", key);
        return;
    }
    key_of(written, legacy, keylen);
    if (written[0] == '/')
        normal_path(written, abs_path, abslen);
    else        /* no working directory; len < abslen, checked above */
        memcpy(abs_path, written, (size_t)len + 1);
    key_of(abs_path, key, keylen);
}

/* The metadata key `prefix` + the hash of the root whose device record
 * is under `root_key`, into `key` (64 bytes). */
static void names_key(const char *prefix, const char *root_key, char *key,
                      size_t keylen)
{
    snprintf(key, keylen, "%s%s", prefix,
             root_key + strlen(ROOT_KEY_PREFIX));
}

/* The relative paths recorded in `view` under `key` into `names`: the
 * value's names, each ended by a NUL (a value cut short, by hand, loses
 * its last name only), in strcmp order. */
static xap_status load_names(const xap_database *view, const char *key,
                             gz_names *names)
{
    char *value = NULL;
    size_t len = 0;
    xap_status s = xap_database_get_metadata(view, key, &value, &len);
    for (size_t at = 0; s == XAP_OK && at < len;) {
        size_t n = strnlen(value + at, len - at);
        if (at + n == len)
            break;
        if (n && gz_names_add(names, value + at) != 0)
            s = XAP_ERR_NOMEM;
        at += n + 1;
    }
    free(value);
    if (s == XAP_OK && sort_names(names) != 0)
        s = XAP_ERR_NOMEM;
    return s;
}

/* The mount points recorded in `view` below root `c` into
 * c->mounts_was, and the paths below them a later root holds too into
 * c->took_was (and c->took_set, to look them up). */
static xap_status load_mounts(const xap_database *view, gz_root_check *c)
{
    char key[64];
    names_key(MOUNTS_KEY_PREFIX, c->key, key, sizeof key);
    xap_status s = load_names(view, key, &c->mounts_was);
    names_key(TAKEN_KEY_PREFIX, c->key, key, sizeof key);
    if (s == XAP_OK)
        s = load_names(view, key, &c->took_was);
    for (const char *p = gz_names_next(&c->took_was, NULL);
         p && s == XAP_OK; p = gz_names_next(&c->took_was, p))
        if (gz_strmap_put(&c->took_set, p, strlen(p), 1) != 0)
            s = XAP_ERR_NOMEM;
    return s;
}

int gz_root_took(const gz_root_check *c, const char *relpath)
{
    return gz_strmap_get(&c->took_set, relpath, strlen(relpath)) >= 0;
}

void gz_roots_release(gz_root_check *checks, size_t n)
{
    for (size_t i = 0; checks && i < n; i++) {
        gz_names_free(&checks[i].mounts_was);
        gz_names_free(&checks[i].mounts_now);
        gz_names_free(&checks[i].mounts_gone);
        gz_names_free(&checks[i].links_out);
        gz_names_free(&checks[i].took_was);
        gz_names_free(&checks[i].took_now);
        gz_strmap_free(&checks[i].took_set);
    }
}

xap_status gz_roots_inspect(const xap_database *view,
                            const char *const *roots, size_t n,
                            gz_root_check *checks)
{
    gz_roots_release(checks, n);
    for (size_t i = 0; i < n; i++) {
        gz_root_check *c = &checks[i];
        memset(c, 0, sizeof *c);
        c->root = roots[i];
        root_key(roots[i], c->key, sizeof c->key, c->legacy_key,
                 c->abs_path, sizeof c->abs_path);
        struct stat sb;
        if (stat(roots[i], &sb) == 0) {
            c->dev = (uint64_t)sb.st_dev;
            c->is_file = S_ISREG(sb.st_mode);
        }
        if (!view)
            continue;
        char *value = NULL;
        size_t len = 0;
        xap_status s = xap_database_get_metadata(view, c->key, &value, &len);
        if (s == XAP_OK && !len && strcmp(c->legacy_key, c->key) != 0) {
            /* recorded by a run before the spelling was made one */
            free(value);
            value = NULL;
            s = xap_database_get_metadata(view, c->legacy_key, &value, &len);
        }
        if (s != XAP_OK)
            return s;
        if (len) {
            c->dev_known = 1;
            c->recorded_dev = strtoull(value, NULL, 10);
        }
        free(value);
        if ((s = load_mounts(view, c)) != XAP_OK)
            return s;
    }
    return XAP_OK;
}

int gz_root_moved(const gz_root_check *c)
{
    return c->dev_known && c->recorded_dev != c->dev;
}

/* Record the relative paths of parts[0..n) under `key` in `db` (in
 * strcmp order, each once), unless it holds them so already (a no-op run
 * makes no new revision); none deletes the key. */
static xap_status record_names(xap_writable *db, const char *key,
                               const gz_names *const *parts, size_t n)
{
    char *old = NULL;
    size_t oldlen = 0;
    gz_names all = {0};
    xap_status s = XAP_OK;
    for (size_t i = 0; i < n && s == XAP_OK; i++)
        for (const char *p = gz_names_next(parts[i], NULL);
             p && s == XAP_OK; p = gz_names_next(parts[i], p))
            if (gz_names_add(&all, p) != 0)
                s = XAP_ERR_NOMEM;
    if (s == XAP_OK && sort_names(&all) != 0)
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK)
        s = xap_database_get_metadata(xap_writable_database(db), key, &old,
                                      &oldlen);
    if (s == XAP_OK &&
        (oldlen != all.len || (all.len && memcmp(old, all.buf, oldlen))))
        s = xap_writable_set_metadata(db, key, all.len ? all.buf : "",
                                      all.len);
    free(old);
    gz_names_free(&all);
    return s;
}

/* Record the mount points below root `c` (mounts_now and mounts_gone),
 * and the paths below them a later root holds too (took_now). */
static xap_status record_mounts(xap_writable *db, const gz_root_check *c)
{
    char key[64];
    const gz_names *mounts[] = {&c->mounts_now, &c->mounts_gone};
    names_key(MOUNTS_KEY_PREFIX, c->key, key, sizeof key);
    xap_status s = record_names(db, key, mounts, 2);
    const gz_names *took[] = {&c->took_now};
    names_key(TAKEN_KEY_PREFIX, c->key, key, sizeof key);
    if (s == XAP_OK)
        s = record_names(db, key, took, 1);
    return s;
}

xap_status gz_roots_record(xap_writable *db, const gz_root_check *checks,
                           size_t n, int accept_moved)
{
    xap_status s = XAP_OK;
    for (size_t i = 0; i < n && s == XAP_OK; i++) {
        const gz_root_check *c = &checks[i];
        if (c->unreadable || (gz_root_moved(c) && !accept_moved))
            continue;
        char value[sizeof c->abs_path + 32];
        snprintf(value, sizeof value, "%" PRIu64 " %s", c->dev, c->abs_path);
        s = gz_index_ensure_metadata(db, c->key, value);
        /* The record under the old spelling's key goes (an empty value
         * deletes it): the new key holds it now. */
        if (s == XAP_OK && strcmp(c->legacy_key, c->key) != 0)
            s = gz_index_ensure_metadata(db, c->legacy_key, "");
        if (s == XAP_OK)
            s = record_mounts(db, c);
    }
    return s;
}

/* The share `part` is of `whole`, in percent, as a message shows it
 * beside a limit of `limit` percent that it passed: rounded to a whole
 * number, or to as many decimals as it takes (up to 6) to read above the
 * limit, into `buf` ("33" for 12 of 36; "1.1" for 1 of 90 over 1%,
 * which rounded to "1" read as no more than the limit). */
static void share_over(uint64_t part, uint64_t whole, unsigned limit,
                       char *buf, size_t size)
{
    long double share = whole ? (long double)part * 100.0L / whole : 0.0L;
    uint64_t scale = 1, scaled = 0;
    int decimals = 0;
    for (;; decimals++, scale *= 10) {
        scaled = (uint64_t)(share * scale + 0.5L);
        if (scaled > (uint64_t)limit * scale || decimals == 6)
            break;
    }
    if (decimals)
        snprintf(buf, size, "%" PRIu64 ".%0*" PRIu64, scaled / scale,
                 decimals, scaled % scale);
    else
        snprintf(buf, size, "%" PRIu64, scaled);
}

/* 1 when `part` is more than `max_percent` percent of `whole`. */
static int over_limit(uint64_t part, uint64_t whole, unsigned max_percent)
{
    return max_percent > 0 && part > 0 &&
           (long double)part * 100.0L > (long double)max_percent * whole;
}

/* The first unreadable root, or NULL. */
static const gz_root_check *first_unreadable(const gz_root_check *checks,
                                             size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (checks[i].unreadable)
            return &checks[i];
    return NULL;
}

/* The first root that is empty or on another file system than at the
 * last run (a disk not mounted?), or whose records could not be read
 * ("unread": it may be either), or NULL; what it is, into `what`. */
static const gz_root_check *first_absent(const gz_root_check *checks,
                                         size_t n, char *what, size_t size)
{
    for (size_t i = 0; i < n; i++) {
        const gz_root_check *c = &checks[i];
        int empty = c->files == 0 && c->left_out == 0;
        int moved = gz_root_moved(c);
        if (!empty && !moved && !c->records_unread)
            continue;
        snprintf(what, size, "%s%s%s", empty ? "empty" : "",
                 empty && moved ? " and " : "",
                 moved ? "on another file system than at the last run"
                 : empty ? "" : "unread");
        return c;
    }
    return NULL;
}

/* " (N of them still there but skipped)" when some are, else "". */
static void skipped_note(uint64_t skipped, char *buf, size_t size)
{
    if (skipped)
        snprintf(buf, size, " (%" PRIu64 " of them still there but "
                 "skipped, holding no article now)", skipped);
    else
        buf[0] = '\0';
}

/* "(K of them in the N files to remove; PATH: A articles now B, and M
 * more files losing L)": where the articles `r` counts would go. */
static void lost_articles_note(const gz_removal *r, char *buf, size_t size)
{
    int len = 0;
    if (r->vanished_articles)
        len = snprintf(buf, size, "%" PRIu64 " of them in the %" PRIu64
                       " file%s to remove%s", r->vanished_articles,
                       r->vanished, r->vanished == 1 ? "" : "s",
                       r->shrinking ? "; " : "");
    if (len < 0 || (size_t)len >= size)
        return;
    if (r->shrinking)
        len += snprintf(buf + len, size - (size_t)len,
                        "%.300s: %" PRIu64 " articles now %" PRIu64,
                        r->example ? r->example : "?", r->example_old,
                        r->example_now);
    if (len < 0 || (size_t)len >= size)
        return;
    if (r->shrinking > 1)
        snprintf(buf + len, size - (size_t)len,
                 ", and %" PRIu64 " more file%s losing %" PRIu64,
                 r->shrinking - 1, r->shrinking == 2 ? "" : "s",
                 r->shrink_articles - (r->example_old - r->example_now));
}

/* The options of the patterns that left out files (r->left_out_by), in
 * the library's words. */
static const char *left_out_by(const gz_removal *r)
{
    switch (r->left_out_by) {
    case GZ_LEFT_OUT_BY_INCLUDE:
        return "gazette_update_add_include";
    case GZ_LEFT_OUT_BY_EXCLUDE:
        return "gazette_update_add_exclude";
    default:
        return "gazette_update_add_include and gazette_update_add_exclude";
    }
}

/* What to do after "removed nothing", into `buf`: `rerun`, the settings
 * that accept the removal, when the files are really gone. Files the
 * patterns of the run leave out (r->excluded) are not gone: the user
 * left them out, so the line says that, and the two ways on (accept the
 * removal, or give up the pattern). */
static void way_on(const gz_removal *r, const char *rerun, char *buf,
                   size_t size)
{
    if (r->excluded == 0)
        snprintf(buf, size, "if they are really gone, rerun with %s", rerun);
    else if (r->excluded == r->vanished && !r->shrinking)
        snprintf(buf, size, "they are not gone but left out by %s: to "
                 "remove their articles, rerun with %s; to keep them, "
                 "without that pattern", left_out_by(r), rerun);
    else
        snprintf(buf, size, "%" PRIu64 " of the files to remove are not gone "
                 "but left out by %s; if the others are really gone and "
                 "those are to go, rerun with %s",
                 r->excluded, left_out_by(r), rerun);
}

int gz_removal_allowed(const gz_root_check *checks, size_t n,
                       const gz_removal *r, unsigned max_percent, int force,
                       char *err, size_t errlen)
{
    const gz_root_check *bad = first_unreadable(checks, n);
    if (bad && r->held_none) {
        /* An index with no article before the run (a new one) keeps
         * none: say that nothing of the corpus was indexed (the run
         * fails all the same, the corpus unread). */
        snprintf(err, errlen,
                 "corpus %s cannot be read (%s): nothing of it was indexed, "
                 "and the index had no articles to keep",
                 bad->root, strerror(bad->walk_errno));
        return 0;
    }
    if (bad) {
        snprintf(err, errlen,
                 "corpus %s cannot be read (%s): removed nothing, the index "
                 "keeps its articles", bad->root, strerror(bad->walk_errno));
        return 0;
    }
    if (force || (r->vanished == 0 && r->shrinking == 0))
        return 1;
    char note[96];
    skipped_note(r->skipped, note, sizeof note);
    /* Files that would lose articles keep them too when nothing is
     * removed: all or nothing. */
    const char *kept = r->shrinking
                           ? " and rewrote no file that would lose articles"
                           : "";
    char what[80];
    const gz_root_check *c =
        r->vanished ? first_absent(checks, n, what, sizeof what) : NULL;
    if (c) {
        snprintf(err, errlen,
                 "corpus %s is %s (not mounted?) and %" PRIu64 " of %" PRIu64
                 " indexed files would be removed%s: removed nothing%s; if "
                 "they are really gone, rerun with gazette_update_set_force",
                 c->root, what, r->vanished, r->known, note, kept);
        return 0;
    }
    /* ", K of them still indexed..." when some are, else "". */
    char moved[128] = "";
    if (r->renamed)
        snprintf(moved, sizeof moved, ", %" PRIu64 " of them still indexed "
                 "under another path (renamed, moved or copied)",
                 r->renamed);
    uint64_t files_lost = r->vanished - r->renamed;
    char way[400];
    way_on(r, "gazette_update_set_max_remove 0 or gazette_update_set_force",
           way, sizeof way);
    if (over_limit(files_lost, r->known, max_percent)) {
        char what[512], pct[32];
        share_over(files_lost, r->known, max_percent, pct, sizeof pct);
        if (r->renamed)
            snprintf(what, sizeof what, "%" PRIu64 " of %" PRIu64 " indexed "
                     "files would be removed%s%s: %" PRIu64 " (%s%%) fewer",
                     r->vanished, r->known, note, moved, files_lost, pct);
        else
            snprintf(what, sizeof what, "%" PRIu64 " of %" PRIu64 " indexed "
                     "files (%s%%) would be removed%s", r->vanished, r->known,
                     pct, note);
        snprintf(err, errlen, "%s, over the gazette_update_set_max_remove "
                 "limit of %u%%: removed nothing%s; %s", what, max_percent,
                 kept, way);
        return 0;
    }
    uint64_t removed = r->vanished_articles + r->shrink_articles;
    uint64_t lost = removed - r->renamed_articles;
    if (over_limit(lost, r->known_articles, max_percent)) {
        char where[512], what[1024], pct[32];
        lost_articles_note(r, where, sizeof where);
        share_over(lost, r->known_articles, max_percent, pct, sizeof pct);
        if (r->renamed_articles)
            snprintf(what, sizeof what, "%" PRIu64 " of %" PRIu64 " indexed "
                     "articles would be removed (%s)%s: %" PRIu64 " (%s%%) "
                     "fewer", removed, r->known_articles, where, moved, lost,
                     pct);
        else
            snprintf(what, sizeof what, "%" PRIu64 " of %" PRIu64 " indexed "
                     "articles (%s%%) would be removed (%s)", removed,
                     r->known_articles, pct, where);
        snprintf(err, errlen, "%s, over the gazette_update_set_max_remove "
                 "limit of %u%%: removed nothing%s; %s", what, max_percent,
                 kept, way);
        return 0;
    }
    return 1;
}

int gz_roots_known_absent(const gz_root_check *checks, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((checks[i].files == 0 && checks[i].left_out == 0) ||
            gz_root_moved(&checks[i]))
            return 1;
    return 0;
}

int gz_roots_any_absent(const gz_root_check *checks, size_t n)
{
    char what[80];
    return first_absent(checks, n, what, sizeof what) != NULL;
}

int gz_rebuild_allowed(const gz_root_check *checks, size_t n,
                       uint64_t old_articles, uint64_t new_articles,
                       uint64_t files_lost, unsigned max_percent, int force,
                       int no_index, char *err, size_t errlen)
{
    const gz_root_check *bad = first_unreadable(checks, n);
    if (bad && no_index) {
        /* as gz_removal_allowed tells a new index: no index "as it was" */
        snprintf(err, errlen,
                 "corpus %s cannot be read (%s): the rebuild was not "
                 "switched in, and no index was made (there was none to "
                 "keep)", bad->root, strerror(bad->walk_errno));
        return 0;
    }
    if (bad) {
        snprintf(err, errlen,
                 "corpus %s cannot be read (%s): the rebuild was not "
                 "switched in, the index is as it was", bad->root,
                 strerror(bad->walk_errno));
        return 0;
    }
    uint64_t lost = old_articles > new_articles ? old_articles - new_articles
                                                : 0;
    if (force || (lost == 0 && files_lost == 0))
        return 1;
    /* While a root is absent, any indexed file the rebuild lacks is lost,
     * whatever other new articles make up the count (an update removes
     * nothing then either). */
    char what[80];
    const gz_root_check *c = first_absent(checks, n, what, sizeof what);
    char files[80] = "";
    if (c && files_lost)
        snprintf(files, sizeof files, "lacks %" PRIu64 " indexed file%s and ",
                 files_lost, files_lost == 1 ? "" : "s");
    if (c && strcmp(what, "unread") == 0) {
        snprintf(err, errlen,
                 "the index's records of corpus %s (its device, the disks "
                 "mounted below it) could not be read, the index being "
                 "damaged, and the rebuild %sholds %" PRIu64 " article%s, "
                 "the index %" PRIu64 ": not switched in, the index is as "
                 "it was; if every disk is mounted and the files are really "
                 "gone, rerun with gazette_update_set_force", c->root, files,
                 new_articles, new_articles == 1 ? "" : "s", old_articles);
        return 0;
    }
    if (c) {
        snprintf(err, errlen,
                 "corpus %s is %s (not mounted?) and the rebuild %sholds %"
                 PRIu64 " article%s, the index %" PRIu64 ": not switched "
                 "in, the index is as it was; if they are really gone, "
                 "rerun with gazette_update_set_force", c->root, what, files,
                 new_articles, new_articles == 1 ? "" : "s", old_articles);
        return 0;
    }
    if (lost == 0)
        return 1;
    if (!over_limit(lost, old_articles, max_percent))
        return 1;
    char pct[32];
    share_over(lost, old_articles, max_percent, pct, sizeof pct);
    snprintf(err, errlen,
             "the rebuild holds %" PRIu64 " article%s, the index %" PRIu64
             " (%s%% fewer), over the gazette_update_set_max_remove limit "
             "of %u%%: not switched in, the index is as it was; if that is "
             "intended, rerun with gazette_update_set_max_remove 0 or "
             "gazette_update_set_force", new_articles,
             new_articles == 1 ? "" : "s", old_articles, pct, max_percent);
    return 0;
}

void gz_mounts_gone_said(const char *root, const char *rel, size_t gone,
                         uint64_t files, uint64_t articles, int full,
                         char *err, size_t errlen)
{
    size_t rlen = strlen(root);
    while (rlen > 1 && root[rlen - 1] == '/')
        rlen--;
    char more[64] = "";
    if (gone > 1)
        snprintf(more, sizeof more, "; %zu more such folder%s too",
                 gone - 1, gone == 2 ? "" : "s");
    const char *below = gone > 1 ? "them" : "it";
    char what[160];
    if (full)
        snprintf(what, sizeof what, "the index holds %" PRIu64 " file%s "
                 "below %s: the rebuild was not switched in, the index is "
                 "as it was", files, files == 1 ? "" : "s", below);
    else
        snprintf(what, sizeof what, "kept the %" PRIu64 " article%s of the "
                 "%" PRIu64 " indexed file%s below %s",
                 articles, articles == 1 ? "" : "s", files,
                 files == 1 ? "" : "s", below);
    snprintf(err, errlen, "%.*s%s%s was a mount point at the last run and "
             "is not one now (not mounted?%s): %s; if they are really gone, "
             "rerun with gazette_update_set_force", (int)rlen, root,
             rlen == 1 && root[0] == '/' ? "" : "/", rel, more, what);
}

int gz_lock_file_open(const char *path)
{
    /* O_NONBLOCK: a FIFO put in its place must not hang the run. */
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
                            O_NONBLOCK, 0600);
    if (fd < 0)
        return -1;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        int e = S_ISREG(sb.st_mode) ? errno : EINVAL;
        close(fd);
        errno = e;
        return -1;
    }
    /* Lock files of older versions were 0644: anyone could open one and
     * flock it, blocking every writer. */
    if (sb.st_uid == geteuid() && (sb.st_mode & 077))
        (void)fchmod(fd, 0600);
    return fd;
}

/* Parse one line of /proc/locks: "N: FLOCK ADVISORY WRITE PID MAJ:MIN:INO
 * START END" (waiters have "->" after the number and are skipped). Returns
 * 1 with the fields set for an flock line. */
static int parse_lock_line(const char *line, long *pid, unsigned *maj,
                           unsigned *min, unsigned long long *ino)
{
    char kind[16], mode[16], access[16];
    if (strstr(line, "->"))
        return 0;
    if (sscanf(line, "%*d: %15s %15s %15s %ld %x:%x:%llu", kind, mode,
               access, pid, maj, min, ino) != 7)
        return 0;
    return strcmp(kind, "FLOCK") == 0;
}

long gz_lock_holder(int fd, long claimed, int *is_writer)
{
    *is_writer = 0;
    struct stat sb;
    FILE *f = fstat(fd, &sb) == 0 ? fopen("/proc/locks", "re") : NULL;
    if (!f)
        return 0;
    long exact = 0, by_inode = 0;
    int inode_matches = 0;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        long pid;
        unsigned maj, min;
        unsigned long long ino;
        if (!parse_lock_line(line, &pid, &maj, &min, &ino) ||
            ino != (unsigned long long)sb.st_ino)
            continue;
        if (maj == major(sb.st_dev) && min == minor(sb.st_dev))
            exact = pid;
        /* Some file systems (btrfs, overlayfs) report another device in
         * /proc/locks than in stat: an inode alone will do if unique. */
        by_inode = pid;
        inode_matches++;
    }
    fclose(f);
    long holder = exact ? exact : inode_matches == 1 ? by_inode : 0;
    *is_writer = holder > 0 && holder == claimed;
    return holder > 0 ? holder : 0;
}
