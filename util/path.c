/* path.c - file paths as the user gives them. */
#include "path.h"

#include <errno.h>
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

int gz_path_dangling_link(const char *path, char *target, size_t len)
{
    struct stat sb;
    if (len == 0 || lstat(path, &sb) != 0 || !S_ISLNK(sb.st_mode) ||
        stat(path, &sb) == 0 || (errno != ENOENT && errno != ENOTDIR))
        return 0;
    ssize_t n = readlink(path, target, len - 1);
    if (n < 0)
        return 0;   /* replaced meanwhile */
    target[n] = '\0';
    return 1;
}
