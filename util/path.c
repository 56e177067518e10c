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

/* The links a chain description names at most: past them "-> ...". */
#define CHAIN_LINKS 8

/* The targets of the link `path` and of the links it leads to, as they
 * read, into `chain` (`len` > 0 bytes) joined by " -> "; 0 when `path`
 * could not be read as a link (replaced meanwhile). */
static int describe_chain(const char *path, char *chain, size_t len)
{
    char cur[PATH_MAX], target[PATH_MAX];
    size_t used = 0;
    snprintf(cur, sizeof cur, "%s", path);
    chain[0] = '\0';
    for (int hop = 0; hop < CHAIN_LINKS; hop++) {
        ssize_t n = readlink(cur, target, sizeof target - 1);
        if (n < 0)
            return hop > 0;
        target[n] = '\0';
        int w = snprintf(chain + used, len - used, "%s%s",
                         hop ? " -> " : "", target);
        used = w < 0 || (size_t)w >= len - used ? len - 1 : used + (size_t)w;
        /* the next link, read where this one is */
        const char *slash = strrchr(cur, '/');
        int dir = target[0] == '/' || !slash ? 0 : (int)(slash - cur + 1);
        char next[PATH_MAX];
        if ((size_t)snprintf(next, sizeof next, "%.*s%s", dir, cur, target) >=
            sizeof next)
            return 1;
        struct stat sb;
        if (strcmp(next, path) == 0 || lstat(next, &sb) != 0 ||
            !S_ISLNK(sb.st_mode))
            return 1;   /* back at the start (a loop), or at the end */
        memcpy(cur, next, sizeof cur);
    }
    snprintf(chain + used, len - used, " -> ...");
    return 1;
}

gz_link_problem gz_path_broken_link(const char *path, char *chain,
                                    size_t len)
{
    struct stat sb;
    if (lstat(path, &sb) != 0 || !S_ISLNK(sb.st_mode) ||
        stat(path, &sb) == 0)
        return GZ_LINK_FINE;
    gz_link_problem problem = errno == ELOOP ? GZ_LINK_LOOP
                              : errno == ENOENT || errno == ENOTDIR
                                  ? GZ_LINK_DANGLING
                                  : GZ_LINK_FINE;
    if (problem != GZ_LINK_FINE && len > 0 && !describe_chain(path, chain, len))
        return GZ_LINK_FINE;   /* replaced meanwhile */
    return problem;
}
