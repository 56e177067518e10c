/* path.c - file paths as the user gives them. */
#include "path.h"

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
