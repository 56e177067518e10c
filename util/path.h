/* path.h - file paths as the user gives them. */
#ifndef GAZETTE_PATH_H
#define GAZETTE_PATH_H
#include <stddef.h>

/* The length of `path` without its trailing slashes and "/." ("/" and
 * "/." stay as they are). "news.idx/", as a shell completes a directory,
 * names the index "news.idx" too, but Xapian and open() read "stub/" of
 * a stub file as a directory, and "idx/.tmp" is not beside "idx". */
size_t gz_path_trimmed_length(const char *path);

/* realpath() of the directory `path` is named in (what is before its
 * last '/', else "."): where the kernel takes a relative path's ".."
 * from, so also where a stub file reached by `path` has its relative
 * lines. A new string, or NULL with errno. */
char *gz_path_real_dir(const char *path);

/* 1 when `path` is a symbolic link whose target does not exist (nor a
 * directory on the way to it: a disk not mounted, say), its target as
 * the link reads copied into `target` (`len` bytes); else 0. */
int gz_path_dangling_link(const char *path, char *target, size_t len);

#endif
