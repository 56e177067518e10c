/*
 * walk.c - corpus_walk(): the files of a corpus, in a stable order.
 *
 * Each directory is listed whole (names and stat data), closed, sorted with
 * strcmp, and then its entries are visited depth first. Closing before
 * descending keeps one directory fd open at a time however deep the tree.
 * The current path lives in one growing buffer; the relpath is a suffix of
 * it, so visiting a file allocates nothing.
 *
 * Symlinks: an entry that is a symlink is resolved (realpath) and
 * compared with the root (also resolved). A target outside the root is
 * skipped unless the options say otherwise: a link to /etc must not put
 * /etc in the index. A target inside the root that the walk reads at its
 * own path is not followed: following would give the same files a second
 * path, so a second article id (root/current -> root/2024-11). One the
 * walk would not read (hidden, left out by the patterns, a name of
 * another kind) is followed, or its files would be lost. A link within
 * the root to a directory the walk is in (`self -> .`, `a/b/up -> ..`) is
 * not followed either: that directory is being walked. Each link is
 * judged by its target alone, never by what the walk met before, so the
 * result does not depend on the order of names. A directory met again
 * below itself all the same (a bind mount, a link leaving the root that
 * --follow-symlinks follows to a directory holding the root) is a loop,
 * warned about and not entered.
 */
#include "corpus.h"
#include "corpus_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Identity of a directory, to spot one we are already inside. */
typedef struct dir_id {
    dev_t dev;
    ino_t ino;
} dir_id;

/* One directory entry, stat()ed through symlinks. `err` is 0 when `st` is
 * valid, else the errno of the failed stat and `dangling` says whether the
 * entry itself is a symlink (so the target is what is missing). */
typedef struct entry {
    char *name;
    struct stat st;
    int err;
    int dangling;
    int hidden;         /* the name starts with '.' (not "." or "..") */
    int is_link;            /* the entry itself is a symlink */
} entry;

typedef struct walker {
    corpus_file_fn on_file;
    corpus_warn_fn warn;
    const corpus_walk_options *opts;    /* never NULL */
    void *ctx;
    const char *root;       /* as given */
    char *path;             /* current path, NUL-terminated */
    size_t len, cap;        /* strlen(path), bytes allocated */
    size_t rel;             /* path + rel is the relpath */
    dir_id *ids;            /* directories on the current path, root first */
    size_t depth, idcap;
    char *root_real;        /* realpath of the root; NULL (a root that is
                               a file): links not checked */
    size_t root_real_len;
    int follow_outside;     /* follow links leaving the root */
    corpus_warn_fn on_excluded;  /* links leaving the root (or warn) */
} walker;

/* Sentinel from list_dir() for "could not open the directory". */
#define LIST_OPEN_FAILED 1

static void walk_warn(walker *w, const char *reason)
{
    if (w->warn)
        w->warn(w->path, reason, w->ctx);
}

/* Same as walk_warn() but with "<what>: <strerror(err)>". */
static void warn_errno(walker *w, const char *what, int err)
{
    if (!w->warn)
        return;
    const char *msg = strerror(err);
    size_t n = strlen(what) + 2 + strlen(msg) + 1;
    char *buf = malloc(n);
    if (!buf) {             /* still say something rather than nothing */
        w->warn(w->path, what, w->ctx);
        return;
    }
    strcpy(buf, what);
    strcat(buf, ": ");
    strcat(buf, msg);
    w->warn(w->path, buf, w->ctx);
    free(buf);
}

/* --------------------------------------------------------- path buffer */

/* Append "/name" to the current path (no '/' doubled after a root of
 * "/"). Returns the previous length for path_pop(), or (size_t)-1 when out
 * of memory. */
static size_t path_push(walker *w, const char *name)
{
    size_t old = w->len;
    int slash = old > 0 && w->path[old - 1] != '/';
    size_t nlen = strlen(name);
    size_t need = old + (size_t)slash + nlen + 1;
    if (need > w->cap) {
        size_t ncap = w->cap ? w->cap : 256;
        while (ncap < need)
            ncap *= 2;
        char *np = realloc(w->path, ncap);
        if (!np)
            return (size_t)-1;
        w->path = np;
        w->cap = ncap;
    }
    if (slash)
        w->path[w->len++] = '/';
    memcpy(w->path + w->len, name, nlen + 1);
    w->len += nlen;
    return old;
}

static void path_pop(walker *w, size_t old)
{
    w->len = old;
    w->path[old] = '\0';
}

/* ------------------------------------------------------ directory ids */

static int on_current_path(const walker *w, const struct stat *st)
{
    for (size_t i = 0; i < w->depth; i++)
        if (w->ids[i].dev == st->st_dev && w->ids[i].ino == st->st_ino)
            return 1;
    return 0;
}

/* Record a directory we are entering. -1 when out of memory. */
static int ids_push(walker *w, const struct stat *st)
{
    if (w->depth == w->idcap) {
        size_t ncap = w->idcap ? w->idcap * 2 : 16;
        dir_id *n = realloc(w->ids, ncap * sizeof *n);
        if (!n)
            return -1;
        w->ids = n;
        w->idcap = ncap;
    }
    w->ids[w->depth].dev = st->st_dev;
    w->ids[w->depth].ino = st->st_ino;
    w->depth++;
    return 0;
}

/* ------------------------------------------------------------ listing */

static void free_entries(entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].name);
    free(e);
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

/* Fill one entry for `name` in the directory open as `dfd`; `type` is
 * the dirent's d_type. A regular file ignored by its name (".log",
 * ".tmp") is not stat()ed: nothing of it is used (visit_file ignores it),
 * and one deleted meanwhile must not be a failed stat. Returns 0, or -1
 * when out of memory (nothing allocated then). */
static int make_entry(int dfd, const char *name, unsigned char type,
                      entry *e)
{
    size_t n = strlen(name) + 1;
    e->name = malloc(n);
    if (!e->name)
        return -1;
    memcpy(e->name, name, n);
    e->err = 0;
    e->dangling = 0;
    e->is_link = type == DT_LNK;
    if (type == DT_REG &&
        corpus_name_kind_of(name, NULL) == CORPUS_NAME_IGNORED) {
        memset(&e->st, 0, sizeof e->st);
        e->st.st_mode = S_IFREG;
        return 0;
    }
    if (type == DT_UNKNOWN) {    /* file systems that do not fill d_type */
        struct stat lst;
        e->is_link = fstatat(dfd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
                     S_ISLNK(lst.st_mode);
    }
    if (fstatat(dfd, name, &e->st, 0) != 0) {
        /* Following failed: is the entry a symlink whose target is gone
         * (or loops)? That reads better than a bare errno. */
        struct stat lst;
        e->err = errno;
        e->dangling = fstatat(dfd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
                      S_ISLNK(lst.st_mode);
    }
    return 0;
}

/*
 * list_dir - read the entries of the directory at w->path (hidden ones
 * flagged) with their stat data, sorted by name.
 *
 * Returns 0 with *out (malloc()ed; free_entries()) and *n set;
 * LIST_OPEN_FAILED with errno set when the directory cannot be opened;
 * -1 when out of memory. A readdir() error part way is warned about and
 * what was read so far is kept.
 */
static int list_dir(walker *w, entry **out, size_t *n)
{
    DIR *d = opendir(w->path);
    if (!d)
        return LIST_OPEN_FAILED;

    entry *e = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno)
                warn_errno(w, "readdir", errno);
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            entry *ne = realloc(e, ncap * sizeof *ne);
            if (!ne)
                goto nomem;
            e = ne;
            cap = ncap;
        }
        if (make_entry(dirfd(d), de->d_name, de->d_type, &e[len]) != 0)
            goto nomem;
        e[len].hidden = de->d_name[0] == '.';
        len++;
    }
    closedir(d);
    if (len > 1)
        qsort(e, len, sizeof *e, entry_cmp);
    *out = e;
    *n = len;
    return 0;

nomem:
    closedir(d);
    free_entries(e, len);
    return -1;
}

/* -------------------------------------------------------------- visit */

static int walk_dir(walker *w);

/* A file time in nanoseconds, saturated outside the years 1677-2262 that
 * 64 bits of nanoseconds can hold (a file touched to 2400 must not
 * overflow). */
static int64_t mtime_ns(const struct timespec *t)
{
    const int64_t limit = INT64_MAX / 1000000000 - 1;
    if (t->tv_sec > limit)
        return INT64_MAX;
    if (t->tv_sec < -limit)
        return INT64_MIN;
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

/* Hand the regular file at w->path to the callback. */
static int call_on_file(walker *w, const struct stat *st)
{
    corpus_file f = {
        .root = w->root,
        .path = w->path,
        .relpath = w->path + w->rel,
        .size = (uint64_t)st->st_size,
        .mtime_ns = mtime_ns(&st->st_mtim),
    };
    return w->on_file(&f, w->ctx);
}

/* Report an entry that is not part of the corpus through opts->on_ignored;
 * `fmt` has at most one "%s", filled with `arg` (a pattern). */
static void ignore(walker *w, const char *fmt, const char *arg)
{
    if (!w->opts->on_ignored)
        return;
    char reason[512];
    snprintf(reason, sizeof reason, fmt, arg ? arg : "");
    w->opts->on_ignored(w->path, reason, w->ctx);
}

/* 1 when the NUL-terminated path `p` or, for a pattern without '/', its
 * last component matches `pattern` (fnmatch, '*' also matches '/'). */
static int path_matches(const char *pattern, const char *p)
{
    if (fnmatch(pattern, p, 0) == 0)
        return 1;
    if (strchr(pattern, '/'))
        return 0;
    const char *slash = strrchr(p, '/');
    return slash && fnmatch(pattern, slash + 1, 0) == 0;
}

/* The first of `patterns` that `relpath` matches, or NULL. With
 * `ancestors`, the directories above it count too: "world" or "world/?*"
 * then match "world/a/b.txt". `relpath` is copied to cut it at its
 * slashes; *nomem is set when that fails. */
static const char *first_match(const char *const *patterns, size_t n,
                               const char *relpath, int ancestors,
                               int *nomem)
{
    if (n == 0)
        return NULL;
    char *p = strdup(relpath);
    if (!p) {
        *nomem = 1;
        return NULL;
    }
    const char *hit = NULL;
    for (char *cut = p; !hit; cut++) {
        if (*cut == '/' && !ancestors)
            continue;
        if (*cut != '/' && *cut != '\0')
            continue;
        char saved = *cut;
        *cut = '\0';
        for (size_t i = 0; i < n && !hit; i++)
            if (path_matches(patterns[i], p))
                hit = patterns[i];
        *cut = saved;
        if (!saved)
            break;
    }
    free(p);
    return hit;
}

/* The include and exclude patterns' verdict on the entry at w->path, a
 * directory when `dir`: 1 when they leave it out (reported as ignored),
 * 0 when it stays, -1 when out of memory (errno ENOMEM). Directories
 * above it were checked against the excludes when entered; the includes
 * choose files only (what lies below a directory may match them). An
 * entry that cannot be stat()ed (a broken symlink) counts as a file. */
static int left_out(walker *w, int dir)
{
    const char *rel = w->path + w->rel;
    const corpus_walk_options *o = w->opts;
    int nomem = 0;
    const char *pat = first_match(o->exclude, o->nexclude, rel, 0, &nomem);
    if (!nomem && pat) {
        ignore(w, dir ? "directory matches the exclude pattern '%s', not "
                        "entered"
                      : "matches the exclude pattern '%s'",
               pat);
        if (o->left_out)
            ++*o->left_out;
        return 1;
    }
    if (!nomem && !dir && o->ninclude &&
        !first_match(o->include, o->ninclude, rel, 1, &nomem) && !nomem) {
        ignore(w, "matches no include pattern", NULL);
        if (o->left_out)
            ++*o->left_out;
        return 1;
    }
    if (nomem) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

/* A regular file found in a directory (and kept by the patterns): article
 * files and files that may be mail go on; the rest is reported as
 * ignored. */
static int visit_file(walker *w, const struct stat *st)
{
    const char *why = NULL;
    if (corpus_name_kind_of(w->path + w->rel, &why) == CORPUS_NAME_IGNORED) {
        ignore(w, "%s", why);
        return 0;
    }
    return call_on_file(w, st);
}

/* Descend into a subdirectory unless it is already on the current path
 * (telling opts->on_mount first when it is a mount point):
 * a loop, reached again through a bind mount, or through a symlink
 * screen_link() let through (one leaving the root with follow_outside to
 * a directory that holds the root or the link, or one to a hidden or
 * left-out directory holding the link). A symlink within the root to a
 * directory on the current path is not followed (screen_link). */
static int visit_dir(walker *w, const struct stat *st)
{
    if (on_current_path(w, st)) {
        walk_warn(w, "directory loop (a directory above it met again), "
                "not followed");
        return 0;
    }
    /* the directory it is listed in is the top of the id stack */
    if (w->opts->on_mount && w->depth &&
        st->st_dev != w->ids[w->depth - 1].dev)
        w->opts->on_mount(w->path + w->rel, w->ctx);
    if (ids_push(w, st) != 0) {
        errno = ENOMEM;
        return -1;
    }
    int rc = walk_dir(w);
    w->depth--;
    return rc;
}

/*
 * resolve_link - the real path (realpath) of the symlink at w->path,
 * malloc()ed, with *tail pointing into it at its path relative to the
 * root (w->root_real; "" for the root itself), or NULL when it lies
 * outside the root. NULL with errno set when the link cannot be resolved
 * (it changed since it was listed) or memory ran out (ENOMEM).
 */
static char *resolve_link(const walker *w, const char **tail)
{
    char *target = realpath(w->path, NULL);
    if (!target)
        return NULL;
    size_t n = w->root_real_len;
    *tail = NULL;
    if (n == 1 && w->root_real[0] == '/')
        *tail = target + 1;
    else if (strncmp(target, w->root_real, n) == 0 &&
             (target[n] == '\0' || target[n] == '/'))
        *tail = target + n + (target[n] == '/');
    return target;
}

/* 1 when the walk, crossing no symlink, reaches `tail` (a real path
 * relative to the root, "" the root itself; a directory when `dir`): no
 * component of it is hidden, no exclude pattern matches it or a directory
 * above it, and a file matches an include pattern when there are some.
 * 0 when it does not; -1 when out of memory. */
static int walk_reaches_tail(const walker *w, const char *tail, int dir)
{
    if (*tail == '\0')
        return 1;
    const corpus_walk_options *o = w->opts;
    return dir ? corpus_walk_reaches(o, tail)
               : corpus_walk_keeps_file(o, tail);
}

/* 1 when the symlink at w->path, whose target `tail` lies inside the
 * root (a directory when `dir`), need not be followed: the walk visits
 * the target at its own path and reads it as it would the link's name
 * (a file's name of the same kind: corpus_name_kind_of), so following
 * would index the same files twice. 0 when the target would be lost
 * without the link (hidden, left out by the patterns, or a name read
 * otherwise: a git-annex tree, `published/x.txt -> ../drafts/x.txt` with
 * --exclude drafts, `index.html -> ../store/page-1`); -1 when out of
 * memory. */
static int target_walked_alike(const walker *w, const char *tail, int dir)
{
    int reached = walk_reaches_tail(w, tail, dir);
    if (reached != 1 || dir)
        return reached;
    return corpus_name_kind_of(w->path + w->rel, NULL) ==
           corpus_name_kind_of(tail, NULL);
}

/* Results of screen_link(). */
enum { LINK_DONE = 0, LINK_FOLLOW = 1 };

/*
 * screen_link - decide about the symlink at w->path, listed as `e` (its
 * target exists; a directory when `dir`), before it is followed. A target
 * outside the root is followed only with w->follow_outside, else reported
 * through on_excluded (or warn) as "symlink leaves the corpus root". A
 * target inside the root that the walk reads at its own path is reported
 * as ignored (target_walked_alike), and so is one to a directory on the
 * current path (`self -> .`, `a/b/up -> ..`): that directory is being
 * walked, following would only walk it again below itself. One the walk
 * would not read is followed. A link that cannot be resolved any more is
 * warned about.
 * Returns LINK_FOLLOW, LINK_DONE, or -1 when out of memory (errno ENOMEM).
 */
static int screen_link(walker *w, const entry *e, int dir)
{
    const char *tail;
    char *target = resolve_link(w, &tail);
    if (!target && errno == ENOMEM)
        return -1;
    if (!target) {
        warn_errno(w, "realpath", errno);
        return LINK_DONE;
    }
    int rc = LINK_DONE;
    if (!tail && w->follow_outside) {
        rc = LINK_FOLLOW;
    } else if (!tail) {
        corpus_warn_fn fn = w->on_excluded ? w->on_excluded : w->warn;
        if (fn)
            fn(w->path, "symlink leaves the corpus root", w->ctx);
    } else if (dir && on_current_path(w, &e->st)) {
        ignore(w, "symlink within the corpus root, not followed: it leads "
                  "to a directory it is in, which is being walked", NULL);
    } else {
        int twin = target_walked_alike(w, tail, dir);
        if (twin > 0)
            ignore(w, "symlink within the corpus root, not followed: its "
                      "target is walked under its own path", NULL);
        rc = twin < 0 ? -1 : twin ? LINK_DONE : LINK_FOLLOW;
    }
    free(target);
    if (rc < 0)
        errno = ENOMEM;
    return rc;
}

/* Visit one listed entry, whose name is already on w->path. What the
 * patterns leave out is left out before anything else is said about it:
 * a symlink leaving the root, a broken one or a FIFO that no pattern
 * keeps is ignored, not skipped with a warning. A symlink is then
 * screened (screen_link): only one leaving the root with
 * follow_outside_symlinks, or a loop, goes further. */
static int visit_entry(walker *w, const entry *e)
{
    int dir = e->err == 0 && S_ISDIR(e->st.st_mode);
    if (e->hidden) {
        ignore(w, dir ? "hidden directory, not entered" : "hidden", NULL);
        return 0;
    }
    int out = left_out(w, dir);
    if (out)
        return out < 0 ? -1 : 0;
    if (e->is_link && !e->err && w->root_real) {
        int follow = screen_link(w, e, dir);
        if (follow != LINK_FOLLOW)
            return follow;
    }
    if (e->err == ENOENT && !e->dangling)
        return 0;   /* deleted since it was listed: it is simply not there
                       (an article file's articles go, under the removal
                       guards), nothing to act on */
    if (e->err) {
        if (e->dangling && e->err == ENOENT)
            walk_warn(w, "broken symlink");
        else if (e->dangling && e->err == ELOOP)
            walk_warn(w, "symlink loop");
        else
            warn_errno(w, "stat", e->err);
        return 0;
    }
    if (dir)
        return visit_dir(w, &e->st);
    if (S_ISREG(e->st.st_mode))
        return visit_file(w, &e->st);
    walk_warn(w, "not a regular file or directory");
    return 0;
}

/* Visit sorted entries in order; stop at the first non-zero result. */
static int walk_entries(walker *w, const entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t old = path_push(w, e[i].name);
        if (old == (size_t)-1) {
            errno = ENOMEM;
            return -1;
        }
        int rc = visit_entry(w, &e[i]);
        path_pop(w, old);
        if (rc)
            return rc;
    }
    return 0;
}

/* 1 when the root is still the directory the walk started in (w->ids[0]);
 * 0 with errno set when it is gone or another one now (moved away,
 * unmounted). */
static int root_still_there(const walker *w)
{
    struct stat st;
    if (stat(w->root, &st) != 0)
        return 0;
    if (st.st_dev == w->ids[0].dev && st.st_ino == w->ids[0].ino)
        return 1;
    errno = ENOENT;
    return 0;
}

/* Walk the directory at w->path (already on the id stack). One that
 * cannot be opened is warned about and skipped, unless the process is out
 * of descriptors or memory (corpus_errno_is_exhaustion): that says nothing
 * about the directory, and the walk fails with errno kept. One deleted
 * (or moved away) since its parent was listed is not there, as a file
 * deleted meanwhile is (visit_entry): nothing said, so its articles go
 * under the removal guards, unless the root went with it: then the walk
 * fails, since a corpus that vanished must never look emptied. */
static int walk_dir(walker *w)
{
    entry *e;
    size_t n;
    int rc = list_dir(w, &e, &n);
    if (rc == LIST_OPEN_FAILED && corpus_errno_is_exhaustion(errno))
        return -1;
    if (rc == LIST_OPEN_FAILED && (errno == ENOENT || errno == ENOTDIR))
        return root_still_there(w) ? 0 : -1;
    if (rc == LIST_OPEN_FAILED) {
        warn_errno(w, "opendir", errno);
        return 0;
    }
    if (rc != 0) {
        errno = ENOMEM;
        return -1;
    }
    rc = walk_entries(w, e, n);
    free_entries(e, n);
    return rc;
}

/* ---------------------------------------------------------------- root */

/* A root that is a file: visit it, relpath = its base name. Its name is
 * not checked: a file named explicitly is handed on, and the reader says
 * when it cannot read that type. */
static int walk_root_file(walker *w, const struct stat *st, size_t rlen)
{
    size_t start = rlen;
    while (start > 0 && w->path[start - 1] != '/')
        start--;
    w->rel = start;
    return call_on_file(w, st);
}

/* A root that is a directory: list it (failing with -1 when it cannot be
 * opened, unlike directories below it) and walk. */
static int walk_root_dir(walker *w, const struct stat *st, size_t rlen)
{
    w->rel = (rlen == 1 && w->path[0] == '/') ? 1 : rlen + 1;
    if (ids_push(w, st) != 0) {
        errno = ENOMEM;
        return -1;
    }
    entry *e;
    size_t n;
    int rc = list_dir(w, &e, &n);
    if (rc == LIST_OPEN_FAILED)
        return -1;                      /* errno from opendir */
    if (rc != 0) {
        errno = ENOMEM;
        return -1;
    }
    rc = walk_entries(w, e, n);
    free_entries(e, n);
    return rc;
}

char *corpus_file_copy(const corpus_file *f, corpus_file *out)
{
    size_t lr = f->root ? strlen(f->root) + 1 : 0;
    size_t lp = strlen(f->path) + 1, lrel = strlen(f->relpath) + 1;
    char *s = malloc(lr + lp + lrel);
    if (!s)
        return NULL;
    if (f->root)
        memcpy(s, f->root, lr);
    memcpy(s + lr, f->path, lp);
    memcpy(s + lr + lp, f->relpath, lrel);
    *out = (corpus_file){.root = f->root ? s : NULL, .path = s + lr,
                         .relpath = s + lr + lp, .size = f->size,
                         .mtime_ns = f->mtime_ns};
    return s;
}

int corpus_walk_reaches(const corpus_walk_options *opts, const char *relpath)
{
    /* a hidden component, as the walk tells (entry.hidden) */
    for (const char *c = relpath; c; c = strchr(c, '/'), c = c ? c + 1 : c)
        if (c[0] == '.')
            return 0;
    if (!opts)
        return 1;
    int nomem = 0;
    const char *hit = first_match(opts->exclude, opts->nexclude, relpath, 1,
                                  &nomem);
    return nomem ? -1 : hit == NULL;
}

int corpus_walk_keeps_file(const corpus_walk_options *opts,
                           const char *relpath)
{
    int reached = corpus_walk_reaches(opts, relpath);
    if (reached != 1 || !opts || opts->ninclude == 0)
        return reached;
    int nomem = 0;
    const char *pat = first_match(opts->include, opts->ninclude, relpath, 1,
                                  &nomem);
    return nomem ? -1 : pat != NULL;
}

/*
 * corpus_walk_with - see corpus.h. Trailing slashes of `root` are dropped
 * when paths are built ("dir/" gives "dir/a.txt"); "/" stays "/".
 */
int corpus_walk_with(const char *root, const corpus_walk_options *opts,
                     corpus_file_fn on_file, corpus_warn_fn warn, void *ctx)
{
    static const corpus_walk_options defaults = {0};
    struct stat st;
    if (!root || !on_file) {
        errno = EINVAL;
        return -1;
    }
    if (stat(root, &st) != 0)
        return -1;
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        errno = EINVAL;
        return -1;
    }

    size_t rlen = strlen(root);
    while (rlen > 1 && root[rlen - 1] == '/')
        rlen--;

    walker w = {.on_file = on_file, .warn = warn, .ctx = ctx, .root = root,
                .opts = opts ? opts : &defaults,
                .follow_outside = opts && opts->follow_outside_symlinks,
                .on_excluded = opts ? opts->on_excluded : NULL};
    if (S_ISDIR(st.st_mode)) {
        w.root_real = realpath(root, NULL);
        if (!w.root_real)
            return -1;                  /* errno from realpath */
        w.root_real_len = strlen(w.root_real);
    }
    w.cap = rlen + 256;
    w.path = malloc(w.cap);
    if (!w.path) {
        free(w.root_real);
        errno = ENOMEM;
        return -1;
    }
    memcpy(w.path, root, rlen);
    w.path[rlen] = '\0';
    w.len = rlen;

    int rc = S_ISREG(st.st_mode) ? walk_root_file(&w, &st, rlen)
                                 : walk_root_dir(&w, &st, rlen);
    int saved = errno;
    free(w.path);
    free(w.ids);
    free(w.root_real);
    errno = saved;
    return rc;
}

int corpus_walk(const char *root, corpus_file_fn on_file, corpus_warn_fn warn,
                void *ctx)
{
    return corpus_walk_with(root, NULL, on_file, warn, ctx);
}
