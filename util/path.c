/* path.c - file paths as the user gives them. */
#include "path.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

size_t gz_path_trimmed_length(const char *path)
{
    size_t n = strlen(path);
    for (;;) {
        while (n > 1 && path[n - 1] == '/')
            n--;
        /* "idx/." is "idx" too, and "idx/.lock" no lock beside it */
        if (n > 2 && path[n - 1] == '.' && path[n - 2] == '/')
            n -= 2;
        else
            return n;
    }
}

char *gz_path_real_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *parent = slash ? strndup(path, (size_t)(slash - path) + 1)
                         : strdup(".");
    char *dir = parent ? realpath(parent, NULL) : NULL;
    free(parent);
    return dir;
}

int gz_path_mount_point(const char *path, char *out, size_t len)
{
    char *dir = realpath(path, NULL);
    if (!dir)
        dir = gz_path_real_dir(path);
    struct stat sb, up;
    if (len)
        out[0] = '\0';
    if (!dir || stat(dir, &sb) != 0) {
        free(dir);
        return -1;
    }
    /* Up one directory at a time while the device stays the same: the
     * last one before it changes (or "/") is where the disk is mounted. */
    for (;;) {
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) {
            if (slash && dir[1] && stat("/", &up) == 0 &&
                up.st_dev == sb.st_dev)
                dir[1] = '\0';
            break;
        }
        *slash = '\0';
        if (stat(dir, &up) != 0 || up.st_dev != sb.st_dev) {
            *slash = '/';
            break;
        }
    }
    if (len)
        snprintf(out, len, "%s", dir);
    free(dir);
    return 0;
}

/* Links followed at most: more than the kernel's 40 (MAXSYMLINKS), so
 * that a chain it refuses is told from a loop. */
#define FOLLOW_LINKS 64

/* Targets a description names from the start; the last is named too. */
#define SHOWN_LINKS 3

/* A link met on the way, by its inode: a loop may come back to it under
 * another spelling ("../sub/up"). */
typedef struct link_id {
    dev_t dev;
    ino_t ino;
} link_id;

/* Append `text` to chain[0..len) holding `*used` bytes, " -> " before it
 * when `*used` > 0; cut to fit. */
static void append_link(char *chain, size_t len, size_t *used,
                        const char *text)
{
    int w = snprintf(chain + *used, len - *used, "%s%s", *used ? " -> " : "",
                     text);
    *used = w < 0 || (size_t)w >= len - *used ? len - 1 : *used + (size_t)w;
}

/* Follow the link `path` (lstat'ed as `sb`) and the links it leads to,
 * describing them in `chain` (`len` > 0 bytes): the first SHOWN_LINKS
 * targets as they read, then "..." and the last one when there were
 * more. *looped is 1 when a link came back. The links followed go in
 * seen[0..*nseen) (FOLLOW_LINKS of them at most). Returns 0, or -1 when
 * `path` could not be read as a link (replaced meanwhile). */
static int follow_chain(const char *path, const struct stat *sb, char *chain,
                        size_t len, int *looped, link_id *seen,
                        size_t *nseen_out)
{
    char cur[PATH_MAX], target[PATH_MAX], next[PATH_MAX];
    size_t nseen = 0, used = 0;
    int hop = 0;
    seen[nseen++] = (link_id){sb->st_dev, sb->st_ino};
    *nseen_out = nseen;
    snprintf(cur, sizeof cur, "%s", path);
    chain[0] = '\0';
    *looped = 0;
    for (;; hop++) {
        ssize_t n = readlink(cur, target, sizeof target - 1);
        if (n < 0)
            return hop > 0 ? 0 : -1;
        target[n] = '\0';
        if (hop < SHOWN_LINKS)
            append_link(chain, len, &used, target);
        /* the next link, read where this one is */
        const char *slash = strrchr(cur, '/');
        int dir = target[0] == '/' || !slash ? 0 : (int)(slash - cur + 1);
        struct stat next_sb;
        if ((size_t)snprintf(next, sizeof next, "%.*s%s", dir, cur, target) >=
                sizeof next ||
            lstat(next, &next_sb) != 0 || !S_ISLNK(next_sb.st_mode) ||
            nseen == FOLLOW_LINKS)
            break;
        for (size_t i = 0; i < nseen && !*looped; i++)
            *looped = seen[i].dev == next_sb.st_dev &&
                      seen[i].ino == next_sb.st_ino;
        if (*looped)
            break;
        seen[nseen++] = (link_id){next_sb.st_dev, next_sb.st_ino};
        *nseen_out = nseen;
        memcpy(cur, next, sizeof cur);
    }
    if (hop >= SHOWN_LINKS) {   /* the last one, which matters most */
        if (hop > SHOWN_LINKS)
            append_link(chain, len, &used, "...");
        append_link(chain, len, &used, target);
    }
    return 0;
}

/*
 * A link whose chain comes back to one of its links is a loop that
 * follow_chain sees. One whose target passes through a link still being
 * followed ("s -> s/x": s/x needs s first) is a loop too, which it does
 * not see: what follows tells it from more links than the kernel follows
 * (40) by resolving the path as the kernel does, component by component
 * with lstat and readlink, keeping the links whose targets are being
 * read. Meeting one of those again, in the same directory, is a loop:
 * its target would be read again from where it was, without end.
 */

/* A link whose target is being resolved. */
typedef struct active_link {
    link_id link;
    link_id dir;     /* the directory it is in, which its target is read
                      * from: a link may have other names (hard links) */
    size_t until;    /* active while more than `until` bytes of the path
                      * are left to resolve: its target is not done yet */
} active_link;

/* What resolve_links found. */
typedef enum resolved {
    RESOLVED_END,        /* no loop: it ended, or a component is missing */
    RESOLVED_LOOP,       /* a link met while its target was being read */
    RESOLVED_TOO_LONG,   /* more than FOLLOW_LINKS links, no loop */
    RESOLVED_UNKNOWN     /* a path too long to follow, or it changed */
} resolved;

/* The state of resolve_links: the path left to resolve, rest[at..] (a
 * link's target goes in front of what is left), and the directories
 * resolved, with no link among them, in `done` ("" is the working
 * directory). */
typedef struct resolver {
    char rest[2 * PATH_MAX], done[PATH_MAX], cand[PATH_MAX];
    char target[PATH_MAX];
    size_t at;
    active_link active[FOLLOW_LINKS];
    size_t nactive, followed;
} resolver;

/* The next component of r->rest into `comp` (NAME_MAX + 1 bytes), at
 * moved past it; 0 when none is left, -1 when too long. */
static int next_component(resolver *r, char *comp)
{
    while (r->rest[r->at] == '/')
        r->at++;
    size_t n = strcspn(r->rest + r->at, "/");
    if (n == 0)
        return 0;
    if (n > NAME_MAX)
        return -1;
    memcpy(comp, r->rest + r->at, n);
    comp[n] = '\0';
    r->at += n;
    return 1;
}

/* `comp`, a plain directory or "..", added to r->done. 0, or -1 when the
 * path is too long. */
static int enter(resolver *r, const char *comp)
{
    char *last = strrchr(r->done, '/');
    const char *name = last ? last + 1 : r->done;
    /* done has no link: its last directory's ".." is its parent ("a"
     * of "a/b", "" of "b", "/" of "/b") */
    if (strcmp(comp, "..") == 0 && *name && strcmp(name, "..") != 0) {
        size_t cut = !last ? 0 : last == r->done ? 1
                                                 : (size_t)(last - r->done);
        r->done[cut] = '\0';
        return 0;
    }
    if (strcmp(comp, "..") == 0 && strcmp(r->done, "/") == 0)
        return 0;
    size_t n = strlen(r->done);
    int w = snprintf(r->done + n, sizeof r->done - n, "%s%s",
                     n && r->done[n - 1] != '/' ? "/" : "", comp);
    return w < 0 || (size_t)w >= sizeof r->done - n ? -1 : 0;
}

/* Follow the link r->cand (lstat'ed as `sb`), met with `left` bytes of
 * the path after it: RESOLVED_LOOP when it is being followed already
 * (*again its inode), else its target put in front of the rest and
 * RESOLVED_END. */
static resolved follow_link(resolver *r, const struct stat *sb, size_t left,
                            link_id *again)
{
    struct stat dir_sb;
    if (stat(r->done[0] ? r->done : ".", &dir_sb) != 0)
        return RESOLVED_UNKNOWN;
    active_link a = {{sb->st_dev, sb->st_ino},
                     {dir_sb.st_dev, dir_sb.st_ino}, left};
    for (size_t i = 0; i < r->nactive; i++) {
        const active_link *b = &r->active[i];
        if (b->link.dev == a.link.dev && b->link.ino == a.link.ino &&
            b->dir.dev == a.dir.dev && b->dir.ino == a.dir.ino) {
            *again = a.link;
            return RESOLVED_LOOP;
        }
    }
    if (r->followed == FOLLOW_LINKS)
        return RESOLVED_TOO_LONG;
    ssize_t n = readlink(r->cand, r->target, sizeof r->target - 1);
    if (n <= 0)
        return RESOLVED_UNKNOWN;
    r->target[n] = '\0';
    if ((size_t)n + left >= sizeof r->rest)
        return RESOLVED_UNKNOWN;
    memmove(r->rest + n, r->rest + r->at, left + 1);
    memcpy(r->rest, r->target, (size_t)n);
    r->at = 0;
    if (r->target[0] == '/')
        snprintf(r->done, sizeof r->done, "/");
    r->active[r->nactive++] = a;
    r->followed++;
    return RESOLVED_END;
}

/* Resolve `path` as the kernel does, following every link: whether that
 * meets a link again while its target is being read (RESOLVED_LOOP,
 * *again that link), follows more than FOLLOW_LINKS links or ends. */
static resolved resolve_links(resolver *r, const char *path, link_id *again)
{
    if (strlen(path) >= sizeof r->rest)
        return RESOLVED_UNKNOWN;
    snprintf(r->rest, sizeof r->rest, "%s", path);
    snprintf(r->done, sizeof r->done, "%s", path[0] == '/' ? "/" : "");
    r->at = 0;
    r->nactive = r->followed = 0;
    for (;;) {
        char comp[NAME_MAX + 1];
        int got = next_component(r, comp);
        if (got <= 0)
            return got == 0 ? RESOLVED_END : RESOLVED_UNKNOWN;
        size_t left = strlen(r->rest + r->at);
        /* a target read to its end: its link is followed */
        while (r->nactive && r->active[r->nactive - 1].until > left)
            r->nactive--;
        if (strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            if (enter(r, comp) != 0)
                return RESOLVED_UNKNOWN;
            continue;
        }
        size_t n = strlen(r->done);
        int w = snprintf(r->cand, sizeof r->cand, "%s%s%s", r->done,
                         n && r->done[n - 1] != '/' ? "/" : "", comp);
        if (w < 0 || (size_t)w >= sizeof r->cand)
            return RESOLVED_UNKNOWN;
        struct stat sb;
        if (lstat(r->cand, &sb) != 0)
            return errno == ELOOP ? RESOLVED_UNKNOWN : RESOLVED_END;
        if (!S_ISLNK(sb.st_mode)) {
            if (enter(r, comp) != 0)
                return RESOLVED_UNKNOWN;
            continue;
        }
        resolved res = follow_link(r, &sb, left, again);
        if (res != RESOLVED_END)
            return res;
    }
}

/* For the link `path` that stat(2) cannot follow (ELOOP), whose chain,
 * seen[0..nseen), comes back to none of its links: whether its target
 * passes through one of them (GZ_LINK_THROUGH_ITSELF), through another
 * loop (GZ_LINK_THROUGH_LOOP), or neither, being more links than the
 * kernel follows (GZ_LINK_TOO_LONG, also when that cannot be told). */
static gz_link_problem loop_or_long(const char *path, const link_id *seen,
                                    size_t nseen)
{
    resolver *r = malloc(sizeof *r);
    link_id again = {0, 0};
    resolved res = r ? resolve_links(r, path, &again) : RESOLVED_UNKNOWN;
    free(r);
    if (res != RESOLVED_LOOP)
        return GZ_LINK_TOO_LONG;
    for (size_t i = 0; i < nseen; i++)
        if (seen[i].dev == again.dev && seen[i].ino == again.ino)
            return GZ_LINK_THROUGH_ITSELF;
    return GZ_LINK_THROUGH_LOOP;
}

gz_link_problem gz_path_broken_link(const char *path, char *chain,
                                    size_t len)
{
    struct stat sb, target_sb;
    if (len)
        chain[0] = '\0';
    if (lstat(path, &sb) != 0 || !S_ISLNK(sb.st_mode) ||
        stat(path, &target_sb) == 0)
        return GZ_LINK_FINE;
    int e = errno, looped = 0;
    if (e != ELOOP && e != ENOENT && e != ENOTDIR)
        return GZ_LINK_FINE;
    char none[1];
    link_id seen[FOLLOW_LINKS];
    size_t nseen = 0;
    if (follow_chain(path, &sb, len ? chain : none, len ? len : 1, &looped,
                     seen, &nseen) != 0)
        return GZ_LINK_FINE;   /* replaced meanwhile */
    return e != ELOOP ? GZ_LINK_DANGLING
           : looped   ? GZ_LINK_LOOP
                      : loop_or_long(path, seen, nseen);
}

/* The first directory on the way to `path` (a prefix of it ending
 * before a '/') that is a link leading nowhere, as gz_path_broken_link
 * finds it: a loop (`loops` 1) or a link to nothing (`loops` 0), looked
 * for only when `path` itself cannot be reached for that reason (ELOOP;
 * ENOENT or ENOTDIR); its name goes in `link` and its links in `chain`,
 * both "" when there is none. */
static gz_link_problem broken_on_the_way(const char *path, int loops,
                                         char *link, size_t linklen,
                                         char *chain, size_t len)
{
    struct stat sb;
    if (linklen)
        link[0] = '\0';
    if (len)
        chain[0] = '\0';
    if (lstat(path, &sb) == 0)
        return GZ_LINK_FINE;
    if (loops ? errno != ELOOP : (errno != ENOENT && errno != ENOTDIR))
        return GZ_LINK_FINE;
    char prefix[PATH_MAX];
    size_t n = strlen(path);
    for (size_t i = 1; i < n && i < sizeof prefix; i++) {
        if (path[i] != '/' || path[i - 1] == '/')
            continue;
        memcpy(prefix, path, i);
        prefix[i] = '\0';
        gz_link_problem problem = gz_path_broken_link(prefix, chain, len);
        if (loops ? gz_link_is_loop(problem) : problem == GZ_LINK_DANGLING) {
            if (linklen)
                snprintf(link, linklen, "%s", prefix);
            return problem;
        }
        if (len)
            chain[0] = '\0';   /* of a problem not asked for */
    }
    return GZ_LINK_FINE;
}

gz_link_problem gz_path_loop_on_the_way(const char *path, char *link,
                                        size_t linklen, char *chain,
                                        size_t len)
{
    return broken_on_the_way(path, 1, link, linklen, chain, len);
}

gz_link_problem gz_path_dangling_on_the_way(const char *path, char *link,
                                            size_t linklen, char *chain,
                                            size_t len)
{
    return broken_on_the_way(path, 0, link, linklen, chain, len);
}

void gz_path_say_loop(char *out, size_t outlen, const char *on_the_way,
                      gz_link_problem problem, const char *chain,
                      const char *loop)
{
    /* the end of a long chain names where it goes, and the end of a long
     * path the link on it; both fit in `out` with the rest */
    const char *shown = gz_path_tail(chain, outlen / 3);
    const char *link = gz_path_tail(on_the_way, outlen / 4);
    const char *what =
        problem == GZ_LINK_LOOP             ? ""
        : problem == GZ_LINK_THROUGH_ITSELF ? "which passes through itself: "
        : problem == GZ_LINK_THROUGH_LOOP   ? "which passes through "
                                            : NULL;
    snprintf(out, outlen, "%s%s%sa symbolic link to %s%s, %s%s",
             link == on_the_way ? "" : "...", link,
             on_the_way[0] ? ", on the way to it, is " : "",
             shown == chain ? "" : "...", shown, what ? what : "",
             what ? loop : "more links in a row than the system follows "
                           "(40)");
}

void gz_path_say_dangling(char *out, size_t outlen, const char *on_the_way,
                          const char *chain)
{
    /* the end of a long chain names what is missing, and the end of a
     * long path the link on it; both fit in `out` with the rest */
    const char *shown =
        gz_path_tail(chain, on_the_way[0] ? outlen / 3 : outlen * 2 / 3);
    const char *link = gz_path_tail(on_the_way, outlen / 4);
    snprintf(out, outlen, "%s%s%sa symbolic link to %s%s, which does not "
             "exist (a disk not mounted?)", link == on_the_way ? "" : "...",
             link, on_the_way[0] ? ", on the way to it, is " : "",
             shown == chain ? "" : "...", shown);
}

int gz_path_dangling_said(const char *path, char *out, size_t outlen)
{
    char trimmed[PATH_MAX], chain[PATH_MAX];
    /* "dl/" is the link dl too */
    snprintf(trimmed, sizeof trimmed, "%.*s",
             (int)gz_path_trimmed_length(path), path);
    if (gz_path_broken_link(trimmed, chain, sizeof chain) != GZ_LINK_DANGLING)
        return 0;
    gz_path_say_dangling(out, outlen, "", chain);
    return 1;
}

gz_link_problem gz_path_loop_said(const char *path, const char *loop,
                                  char *out, size_t outlen)
{
    char trimmed[PATH_MAX], chain[PATH_MAX], link[PATH_MAX] = "";
    /* "loopa/" is the link loopa, not a loop on the way to itself */
    snprintf(trimmed, sizeof trimmed, "%.*s",
             (int)gz_path_trimmed_length(path), path);
    gz_link_problem problem = gz_path_broken_link(trimmed, chain,
                                                  sizeof chain);
    if (!gz_link_is_loop(problem))
        problem = gz_path_loop_on_the_way(trimmed, link, sizeof link, chain,
                                          sizeof chain);
    if (!gz_link_is_loop(problem)) {
        snprintf(out, outlen, "a loop of symbolic links on the way to it");
        return GZ_LINK_FINE;
    }
    gz_path_say_loop(out, outlen, link, problem, chain, loop);
    return problem;
}

size_t gz_path_room(size_t outlen, const char *head, const char *end,
                    size_t cap)
{
    size_t fixed = strlen(head) + strlen(end);
    size_t room = outlen > fixed + 1 ? outlen - fixed : 1;
    return room < cap ? room : cap;
}

const char *gz_path_tail(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return s;
    const char *t = s + n - max;
    while (((unsigned char)*t & 0xC0) == 0x80)
        t++;
    return t;
}
