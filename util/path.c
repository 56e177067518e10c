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
 * more. *looped is 1 when a link came back. Returns 0, or -1 when `path`
 * could not be read as a link (replaced meanwhile). */
static int follow_chain(const char *path, const struct stat *sb, char *chain,
                        size_t len, int *looped)
{
    char cur[PATH_MAX], target[PATH_MAX], next[PATH_MAX];
    link_id seen[FOLLOW_LINKS];
    size_t nseen = 0, used = 0;
    int hop = 0;
    seen[nseen++] = (link_id){sb->st_dev, sb->st_ino};
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
        memcpy(cur, next, sizeof cur);
    }
    if (hop >= SHOWN_LINKS) {   /* the last one, which matters most */
        if (hop > SHOWN_LINKS)
            append_link(chain, len, &used, "...");
        append_link(chain, len, &used, target);
    }
    return 0;
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
    if (follow_chain(path, &sb, len ? chain : none, len ? len : 1,
                     &looped) != 0)
        return GZ_LINK_FINE;   /* replaced meanwhile */
    return e != ELOOP ? GZ_LINK_DANGLING
           : looped   ? GZ_LINK_LOOP
                      : GZ_LINK_TOO_LONG;
}

gz_link_problem gz_path_loop_on_the_way(const char *path, char *link,
                                        size_t linklen, char *chain,
                                        size_t len)
{
    struct stat sb;
    if (linklen)
        link[0] = '\0';
    if (len)
        chain[0] = '\0';
    if (lstat(path, &sb) == 0 || errno != ELOOP)
        return GZ_LINK_FINE;
    char prefix[PATH_MAX];
    size_t n = strlen(path);
    for (size_t i = 1; i < n && i < sizeof prefix; i++) {
        if (path[i] != '/' || path[i - 1] == '/')
            continue;
        memcpy(prefix, path, i);
        prefix[i] = '\0';
        gz_link_problem problem = gz_path_broken_link(prefix, chain, len);
        if (problem == GZ_LINK_LOOP || problem == GZ_LINK_TOO_LONG) {
            if (linklen)
                snprintf(link, linklen, "%s", prefix);
            return problem;
        }
    }
    return GZ_LINK_FINE;
}

void gz_path_say_loop(char *out, size_t outlen, const char *on_the_way,
                      gz_link_problem problem, const char *chain,
                      const char *loop)
{
    /* the end of a long chain names where it goes; both fit in `out`
     * with the rest */
    const char *shown = gz_path_tail(chain, outlen / 3);
    snprintf(out, outlen, "%.*s%sa symbolic link to %s%s, %s",
             (int)(outlen / 4), on_the_way,
             on_the_way[0] ? ", on the way to it, is " : "",
             shown == chain ? "" : "...", shown,
             problem == GZ_LINK_LOOP
                 ? loop
                 : "more links in a row than the system follows (40)");
}

void gz_path_say_dangling(char *out, size_t outlen, const char *chain)
{
    /* the end of a long chain names what is missing, and fits in `out`
     * with the rest */
    const char *shown = gz_path_tail(chain, outlen * 2 / 3);
    snprintf(out, outlen, "a symbolic link to %s%s, which does not exist (a "
             "disk not mounted?)", shown == chain ? "" : "...", shown);
}

int gz_path_dangling_said(const char *path, char *out, size_t outlen)
{
    char trimmed[PATH_MAX], chain[PATH_MAX];
    /* "dl/" is the link dl too */
    snprintf(trimmed, sizeof trimmed, "%.*s",
             (int)gz_path_trimmed_length(path), path);
    if (gz_path_broken_link(trimmed, chain, sizeof chain) != GZ_LINK_DANGLING)
        return 0;
    gz_path_say_dangling(out, outlen, chain);
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
    if (problem != GZ_LINK_LOOP && problem != GZ_LINK_TOO_LONG)
        problem = gz_path_loop_on_the_way(trimmed, link, sizeof link, chain,
                                          sizeof chain);
    if (problem != GZ_LINK_LOOP && problem != GZ_LINK_TOO_LONG) {
        snprintf(out, outlen, "a loop of symbolic links on the way to it");
        return GZ_LINK_FINE;
    }
    gz_path_say_loop(out, outlen, link, problem, chain, loop);
    return problem;
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
