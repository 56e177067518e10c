/* path.c - file paths as the user gives them. */
#include "path.h"

#include <string.h>

size_t gz_path_trimmed_length(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    return n;
}
