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

/* The mount point of the file system holding `path` (an existing file or
 * directory; else the directory it would go in) into `out` (`len`
 * bytes): the highest directory above it, its real path, on the same
 * device. A full disk is freed on that file system, wherever the index
 * lies within it. 0, or -1 with errno when neither can be looked at
 * (`out` then ""). */
int gz_path_mount_point(const char *path, char *out, size_t len);

/* What gz_path_broken_link finds. */
typedef enum gz_link_problem {
    GZ_LINK_FINE = 0,     /* not a link, or one that leads somewhere */
    GZ_LINK_DANGLING,     /* its target does not exist (nor a directory on
                           * the way to it: a disk not mounted, say) */
    GZ_LINK_LOOP,         /* links that lead back to one of them */
    GZ_LINK_THROUGH_ITSELF, /* a target that passes through one of the
                           * links ("s -> s/x"): a loop too */
    GZ_LINK_THROUGH_LOOP, /* a target that passes through another loop of
                           * links ("p -> s/x", s that one) */
    GZ_LINK_TOO_LONG      /* more links in a row than the kernel follows,
                           * and no loop */
} gz_link_problem;

/* Whether `problem` is one of the loops or GZ_LINK_TOO_LONG: what
 * stat(2) refuses with ELOOP. */
static inline int gz_link_is_loop(gz_link_problem problem)
{
    return problem != GZ_LINK_FINE && problem != GZ_LINK_DANGLING;
}

/* Whether `path` is a symbolic link that leads nowhere; when it is, the
 * links followed from it as they read into `chain` (`len` bytes, cut to
 * fit; may be NULL when `len` is 0): "mnt/index", "rel -> mnt/index"
 * when the link names another link, the last target being the one
 * missing, or with "..." before the last one when there are more than
 * three; for a loop the last target is the link it came back to ("b ->
 * a" of a). `chain` is "" when it is not. */
gz_link_problem gz_path_broken_link(const char *path, char *chain,
                                    size_t len);

/* Whether a directory on the way to `path` is a loop of links, or more
 * links in a row than the kernel follows (`path` cannot be looked at:
 * ELOOP), though `path` itself is no link: "dl/index" with dl -> dl2 ->
 * dl. When it is, the first such directory as `path` names it ("dl") goes
 * in `link` (`linklen` bytes) and its links in `chain`, as
 * gz_path_broken_link gives them; else both are "". */
gz_link_problem gz_path_loop_on_the_way(const char *path, char *link,
                                        size_t linklen, char *chain,
                                        size_t len);

/* Whether a directory on the way to `path`, which does not exist
 * (ENOENT, ENOTDIR), is a symbolic link whose target does not exist:
 * "dl/index" with dl -> /mnt/disk, the disk not mounted. When one is,
 * GZ_LINK_DANGLING, its name as `path` names it ("dl") in `link`
 * (`linklen` bytes) and its links in `chain`, as gz_path_broken_link
 * gives them; else GZ_LINK_FINE and both "". */
gz_link_problem gz_path_dangling_on_the_way(const char *path, char *link,
                                            size_t linklen, char *chain,
                                            size_t len);

/* A loop of links (`loop` says what it is to the caller: "a loop of
 * links") or a chain longer than the kernel follows (`problem`, from
 * gz_path_broken_link or gz_path_loop_on_the_way, gz_link_is_loop), in
 * words into `out` (`outlen` bytes): "a symbolic link to b -> a,
 * <loop>", "a symbolic link to s/x, which passes through itself: <loop>",
 * "a symbolic link to s/x, which passes through <loop>" or "a symbolic
 * link to c2 -> ... -> c50, more links in a row than the system follows
 * (40)", after "dl, on the way to it, is " when `on_the_way` names the
 * link ("" when the path is the link; the end of a long one, after
 * "...", where the link's name is). */
void gz_path_say_loop(char *out, size_t outlen, const char *on_the_way,
                      gz_link_problem problem, const char *chain,
                      const char *loop);

/* A symbolic link whose links `chain` (from gz_path_broken_link or
 * gz_path_dangling_on_the_way, GZ_LINK_DANGLING) lead to nothing, in
 * words into `out` (`outlen` bytes): "a symbolic link to rel -> /mnt/x,
 * which does not exist (a disk not mounted?)", after "dl, on the way to
 * it, is " when `on_the_way` names the link ("" when the path is the
 * link); the end of a long chain, and of a long `on_the_way`, kept. */
void gz_path_say_dangling(char *out, size_t outlen, const char *on_the_way,
                          const char *chain);

/* For a `path` that does not exist (ENOENT, ENOTDIR): 1 when it
 * (trailing slashes aside) is a symbolic link whose target does not
 * exist, said into `out` as gz_path_say_dangling says it; else 0, `out`
 * untouched (no such file at all, say). */
int gz_path_dangling_said(const char *path, char *out, size_t outlen);

/* For a `path` that cannot be followed (ELOOP): whether it (trailing
 * slashes aside) or a directory on the way to it is a loop of links or
 * more links in a row than the kernel follows, said into `out` as
 * gz_path_say_loop says it. GZ_LINK_FINE when neither is found (the
 * links changed since): `out` then says "a loop of symbolic links on
 * the way to it", what ELOOP means. */
gz_link_problem gz_path_loop_said(const char *path, const char *loop,
                                  char *out, size_t outlen);

/* The bytes a message of `outlen` bytes leaves for its middle between
 * `head` and `end`: at most `cap`, at least 1. A middle said into that
 * many bytes (gz_path_say_loop and gz_path_say_dangling keep the ends
 * of a long path and chain) leaves the end of the message whole ("...;
 * nothing changed"), however long the path and the links. */
size_t gz_path_room(size_t outlen, const char *head, const char *end,
                    size_t cap);

/* The end of the string `s`: `s` itself when it has at most `max` bytes,
 * else its last `max` bytes or fewer, from a character's start. For a
 * message that must keep the end of a long path. */
const char *gz_path_tail(const char *s, size_t max);

#endif
