/* path.h - file paths as the user gives them. */
#ifndef GAZETTE_PATH_H
#define GAZETTE_PATH_H
#include <stddef.h>

/* The length of `path` without its trailing slashes and "/." ("/" and
 * "/." stay as they are). "news.idx/", as a shell completes a directory,
 * names the index "news.idx" too, but Xapian and open() read "stub/" of
 * a stub file as a directory, and "idx/.tmp" is not beside "idx". */
size_t gz_path_trimmed_length(const char *path);

#endif
