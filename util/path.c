/* path.c - file paths as the user gives them. */
#include "path.h"

#include <stdlib.h>
#include <string.h>

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
