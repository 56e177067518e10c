/* stub.c - Xapian stub files: one line read as Xapian reads it
 * (gz_stub_lex), the lines of a stub file (gz_stub_each_line), the
 * databases a stub names (gz_stub_each_part, and strictly
 * gz_stub_each_path), and the check that each of them exists
 * (schema.h). */
#define _GNU_SOURCE 1   /* asprintf */
#include "schema.h"
#include "ascii.h"
#include "path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Stub files naming stub files are followed this deep at most (Gazette
 * writes two levels: DB naming a generation that holds XAPIANDB). Xapian
 * follows them without a limit (a loop never ends): a chain this long is
 * taken for one. */
#define MAX_STUB_DEPTH 8
/* A bigger file is no stub file: it is not read. */
#define MAX_STUB_BYTES (1 << 20)

int gz_is_single_file_db(const char *path)
{
    /* glass_version.cc: its version file opens every glass database */
    static const char magic[] = "\x0f\x0d" "Xapian Glass";
    char head[sizeof magic - 1];
    struct stat sb;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return 0;
    ssize_t got = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)
                      ? read(fd, head, sizeof head)
                      : -1;
    close(fd);
    return got == (ssize_t)sizeof head && memcmp(head, magic, sizeof head) == 0;
}

/* 1 when the `len` bytes at `s` are the word `word`. */
static int is_word(const char *s, size_t len, const char *word)
{
    return len == strlen(word) && memcmp(s, word, len) == 0;
}

/* A new string of the `len` bytes at `s`, cut at a NUL byte as Xapian's
 * std::string is when it becomes a file name or a host. NULL when memory
 * ran out. */
static char *copy_text(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && s[n] != '\0')
        n++;
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

/* `rel` ([rel, rel+len)) as Xapian's resolve_relative_path makes it: as
 * it is when it starts with '/', else after `stub` up to and including
 * its last '/' (nothing when `stub` has none). A new string, or NULL. */
static char *resolve(const char *stub, const char *rel, size_t len)
{
    char *tail = copy_text(rel, len);
    const char *slash = strrchr(stub, '/');
    size_t dir = tail && tail[0] != '/' && slash ? (size_t)(slash - stub) + 1
                                                 : 0;
    if (!tail || dir == 0)
        return tail;
    size_t n = strlen(tail);
    char *path = malloc(dir + n + 1);
    if (path) {
        memcpy(path, stub, dir);
        memcpy(path + dir, tail, n + 1);
    }
    free(tail);
    return path;
}

/* gz_stub_lex's failure: `out` holds no string, errno is ENOMEM. */
static int out_of_memory(gz_stub_line *out)
{
    gz_stub_line_free(out);
    errno = ENOMEM;
    return -1;
}

/* What follows "remote " ([rest, rest+len), not empty) as Xapian reads it
 * into `out`: ":PROGRAM ARGS", or HOST:PORT split at the last ':' ("[::1]"
 * alone is an address without a port: refused). 0, or -1 (ENOMEM). */
static int lex_remote(const char *rest, size_t len, gz_stub_line *out)
{
    if (rest[0] != ':') {
        size_t colon = len;   /* just after the last ':' */
        while (colon > 0 && rest[colon - 1] != ':')
            colon--;
        if (colon == 0 || (rest[0] == '[' && rest[len - 1] == ']'))
            return 0;   /* GZ_STUB_UNKNOWN */
        size_t hostlen = colon - 1;
        int bracketed = hostlen >= 2 && rest[0] == '[' &&
                        rest[hostlen - 1] == ']';
        out->host = bracketed ? copy_text(rest + 1, hostlen - 2)
                              : copy_text(rest, hostlen);
        if (!out->host)
            return out_of_memory(out);
    }
    if (!(out->remote = copy_text(rest, len)))
        return out_of_memory(out);
    out->kind = out->host ? GZ_STUB_REMOTE_TCP : GZ_STUB_REMOTE_PROGRAM;
    return 0;
}

int gz_stub_lex(const char *stub, const char *line, size_t len,
                gz_stub_line *out)
{
    memset(out, 0, sizeof *out);
    out->kind = GZ_STUB_SKIP;
    if (len > 0 && line[len - 1] == '\n')
        len--;
    if (len == 0 || line[0] == '#')
        return 0;
    /* "TYPE REST", split at the first space; without one REST is empty */
    const char *space = memchr(line, ' ', len);
    size_t typelen = space ? (size_t)(space - line) : len;
    const char *rest = space ? space + 1 : line + len;
    size_t restlen = len - (size_t)(rest - line);
    out->kind = GZ_STUB_UNKNOWN;
    if (is_word(line, typelen, "auto") || is_word(line, typelen, "glass") ||
        is_word(line, typelen, "chert")) {
        out->kind = GZ_STUB_LOCAL;
        out->type = line[0] == 'a' ? "auto" : line[0] == 'g' ? "glass"
                                                            : "chert";
        out->path = resolve(stub, rest, restlen);
        return out->path ? 0 : out_of_memory(out);
    }
    if (is_word(line, typelen, "inmemory") && restlen == 0)
        out->kind = GZ_STUB_INMEMORY;
    else if (is_word(line, typelen, "remote") && restlen > 0)
        return lex_remote(rest, restlen, out);
    return 0;
}

void gz_stub_line_free(gz_stub_line *line)
{
    free(line->path);
    free(line->host);
    free(line->remote);
    line->path = line->host = line->remote = NULL;
}

/* The regular file `stub` whole, in a new buffer *text (NUL-terminated,
 * the caller frees it) of *len bytes. Anything else is not opened (a
 * device), nor waited for (a FIFO put in its place meanwhile). 0, or -1
 * with errno: it cannot be opened or read, is no regular file (EINVAL)
 * or is bigger than MAX_STUB_BYTES (EFBIG), or memory ran out. */
static int read_text(const char *stub, char **text, size_t *len)
{
    struct stat sb;
    if (stat(stub, &sb) != 0)
        return -1;
    if (!S_ISREG(sb.st_mode)) {
        errno = EINVAL;
        return -1;
    }
    int fd = open(stub, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    if (fstat(fd, &sb) != 0)
        goto done;
    if (!S_ISREG(sb.st_mode) || sb.st_size > MAX_STUB_BYTES) {
        errno = S_ISREG(sb.st_mode) ? EFBIG : EINVAL;
        goto done;
    }
    /* one byte more than its size, to see it grow past MAX_STUB_BYTES */
    cap = (size_t)sb.st_size + 1;
    if (!(buf = malloc(cap + 1)))
        goto done;
    for (;;) {
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            goto done;
        if (got == 0)
            break;
        n += (size_t)got;
        if (n < cap)
            continue;
        char *more = NULL;
        if (cap > MAX_STUB_BYTES) {
            errno = EFBIG;
            goto done;
        }
        cap = cap * 2 < MAX_STUB_BYTES + 1 ? cap * 2 : MAX_STUB_BYTES + 1;
        if (!(more = realloc(buf, cap + 1)))
            goto done;
        buf = more;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    buf = NULL;
    rc = 0;
done:;
    int e = errno;
    free(buf);
    close(fd);
    errno = e;
    return rc;
}

/* Each line of `text` ([text, text+len), the content of the stub file
 * `stub`) that is not GZ_STUB_SKIP, lexed (gz_stub_lex) and given to
 * fn(line, text of the line, its length, ctx) until fn returns non-zero,
 * which is returned; fn may take the strings of `line` (setting them to
 * NULL). 0 when every call returned 0, -1 (ENOMEM) when memory ran out. */
static int each_line(const char *stub, const char *text, size_t len,
                     gz_stub_line_fn fn, void *ctx)
{
    int rc = 0;
    for (size_t at = 0; rc == 0 && at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) + 1 : len;
        gz_stub_line line;
        rc = gz_stub_lex(stub, text + at, end - at, &line);
        if (rc == 0 && line.kind != GZ_STUB_SKIP)
            rc = fn(&line, text + at, end - at, ctx);
        gz_stub_line_free(&line);
        at = end;
    }
    return rc;
}

int gz_stub_each_line(const char *stub, gz_stub_line_fn fn, void *ctx)
{
    char *text = NULL;
    size_t len = 0;
    if (read_text(stub, &text, &len) != 0)
        return -1;
    int rc = each_line(stub, text, len, fn, ctx);
    int e = errno;
    free(text);
    errno = e;
    return rc;
}

/* A stub the walk has read: the file, the directory its relative lines
 * are taken from, and its depth. The directory is that of its path as
 * named (the same file reached through a link elsewhere names other
 * parts), known by its realpath(): the kernel takes ".." from the real
 * directory, which realpath() names. Its device and inode would not do:
 * a bind mount (or a file system mounted twice) is the same directory
 * at two places, whose ".." are two different directories. */
typedef struct read_key {
    dev_t dev;
    ino_t ino;
    int depth;
    size_t dir_hash;
    char *dir;      /* realpath() of the directory, owned by the set */
} read_key;

/* A walk through the parts of a stub: fn(path, ctx) for each. Lenient
 * (gz_stub_each_part): what cannot be read or is not understood names
 * nothing. Strict (gz_stub_each_path): it fails the walk. */
typedef struct walk {
    gz_stub_part_fn fn;
    void *ctx;
    int strict;
    int depth;      /* of the stub being read: stubs above it */
    read_key *read; /* the stubs read so far: a hash set of `cap` slots */
    size_t nread, cap;
} walk;

static size_t key_hash(const read_key *k)
{
    uint64_t h = GZ_FNV_BASIS;
    uint64_t v[4] = {(uint64_t)k->dev, (uint64_t)k->ino, (uint64_t)k->depth,
                     (uint64_t)k->dir_hash};
    for (size_t i = 0; i < 4; i++)
        h = gz_fnv1a64(h, &v[i], sizeof v[i]);
    return (size_t)h;
}

static int key_equal(const read_key *a, const read_key *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->depth == b->depth &&
           a->dir_hash == b->dir_hash && strcmp(a->dir, b->dir) == 0;
}

/* Put `k` into the set w->read (a free slot has depth 0: a key's is the
 * stub's plus one), which then owns k->dir. 1 when it was there (k->dir
 * is the caller's still), 0 when added, -1 when memory ran out. */
static int remember(walk *w, const read_key *k)
{
    if (2 * (w->nread + 1) > w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 64;
        read_key *set = calloc(cap, sizeof *set);
        if (!set)
            return -1;
        for (size_t i = 0; i < w->cap; i++) {
            if (w->read[i].depth == 0)
                continue;
            size_t j = key_hash(&w->read[i]) & (cap - 1);
            while (set[j].depth != 0)
                j = (j + 1) & (cap - 1);
            set[j] = w->read[i];
        }
        free(w->read);
        w->read = set;
        w->cap = cap;
    }
    size_t j = key_hash(k) & (w->cap - 1);
    for (; w->read[j].depth != 0; j = (j + 1) & (w->cap - 1))
        if (key_equal(&w->read[j], k))
            return 1;
    w->read[j] = *k;
    w->nread++;
    return 0;
}

/* The set w->read freed. */
static void forget_all(walk *w)
{
    for (size_t i = 0; i < w->cap; i++)
        if (w->read[i].depth != 0)
            free(w->read[i].dir);
    free(w->read);
    w->read = NULL;
    w->nread = w->cap = 0;
}

/* 1 when the walk has read the stub file `stub` at the depth it is at
 * now (w->depth), from the same directory: what it names was given to
 * fn then, and following it again would give fn the same parts again.
 * Without this, stubs that name the same stubs (ten naming ten, six
 * deep) were read once for each way down to them: a million reads for
 * sixty files. The depth is in the key, so that a stub met again at
 * another depth is read again from there: ELOOP and where a lenient walk
 * stops are what they would be without the set. 0 when it is new (or
 * cannot be looked at, or memory ran out: then it is read, as before). */
static int read_before(walk *w, const char *stub)
{
    struct stat file;
    char *dir = stat(stub, &file) == 0 ? gz_path_real_dir(stub) : NULL;
    if (!dir)
        return 0;
    read_key k = {file.st_dev, file.st_ino, w->depth + 1,
                  (size_t)gz_fnv1a64(GZ_FNV_BASIS, dir, strlen(dir)), dir};
    int known = remember(w, &k);
    if (known != 0)
        free(dir);
    return known == 1;
}

static int read_stub(walk *w, const char *stub);

/* The stub the directory `dir` (`sb` its stat) holds, "dir/XAPIANDB", as
 * a new string into *inner; NULL when it is no directory, or the walk
 * does not read that stub: lenient, when it is no regular file; strict,
 * when nothing is there (any other file is read, and fails). Whatever
 * else `dir` holds (even a database, which Xapian would open instead):
 * gazette-index's writer reads that stub first (indexer/shards.c). 0, or
 * -1 with errno: ENOMEM, or XAPIANDB could not be looked at (EACCES, EIO:
 * only ENOENT and ENOTDIR say that there is none). */
static int stub_of_dir(const walk *w, const char *dir, const struct stat *sb,
                       char **inner)
{
    *inner = NULL;
    if (!S_ISDIR(sb->st_mode))
        return 0;
    if (asprintf(inner, "%s/XAPIANDB", dir) < 0) {
        *inner = NULL;
        errno = ENOMEM;
        return -1;
    }
    struct stat st;
    int none = stat(*inner, &st) != 0;
    int e = errno;
    if (none || (!w->strict && !S_ISREG(st.st_mode))) {
        free(*inner);
        *inner = NULL;
    }
    if (none && e != ENOENT && e != ENOTDIR) {
        errno = e;
        return -1;
    }
    return 0;
}

/* `path`, a part named by a stub `depth` stubs deep: a stub file, or a
 * directory holding XAPIANDB (stub_of_dir), is followed. Lenient, any
 * other part (a database directory, nothing) or one too deep is given to
 * fn. Strict, every part is given to fn before it is followed; stubs
 * more than MAX_STUB_DEPTH deep (ELOOP) or a part that cannot be looked
 * at (not missing: whether it is a stub is not known) fail. fn's value,
 * 0, or -1 with errno. */
static int visit(walk *w, const char *path, int depth)
{
    if (depth > MAX_STUB_DEPTH && w->strict) {
        errno = ELOOP;
        return -1;
    }
    int rc = w->strict ? w->fn(path, w->ctx) : 0;
    if (rc != 0)
        return rc;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (!w->strict)
            return w->fn(path, w->ctx);
        /* a loop of symbolic links is no stub either, and its ELOOP is
         * not that of stubs nested too deep */
        return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? 0
                                                                      : -1;
    }
    if (depth > MAX_STUB_DEPTH)
        return w->fn(path, w->ctx);
    char *inner = NULL;
    if (stub_of_dir(w, path, &sb, &inner) != 0)
        return w->strict ? -1 : w->fn(path, w->ctx);
    int saved = w->depth;
    w->depth = depth;
    if (inner || (S_ISREG(sb.st_mode) && !gz_is_single_file_db(path)))
        rc = read_stub(w, inner ? inner : path);
    else
        rc = w->strict ? 0 : w->fn(path, w->ctx);
    w->depth = saved;
    int e = errno;
    free(inner);
    errno = e;
    return rc;
}
/* A line of the stub being read: the part a local line names is
 * visited one stub deeper; remote and inmemory lines name nothing on
 * disk. A line Xapian refuses is skipped by a lenient walk (opening the
 * index says what is wrong) and fails a strict one (EINVAL). */
static int on_line(gz_stub_line *line, const char *text, size_t len,
                   void *ctx)
{
    (void)text;
    (void)len;
    walk *w = ctx;
    if (line->kind == GZ_STUB_LOCAL)
        return visit(w, line->path, w->depth + 1);
    if (line->kind == GZ_STUB_UNKNOWN && w->strict) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

/* Each part the stub file `stub` names (visit). One that cannot be read
 * (gone, not a regular file, over MAX_STUB_BYTES, no memory) names none
 * to a lenient walk, and fails a strict one (-1 with errno). */
static int read_stub(walk *w, const char *stub)
{
    char *text = NULL;
    size_t len = 0;
    if (read_before(w, stub))
        return 0;
    if (read_text(stub, &text, &len) != 0)
        return w->strict ? -1 : 0;
    int rc = each_line(stub, text, len, on_line, w);
    int e = errno;
    free(text);
    errno = e;
    return rc < 0 && !w->strict ? 0 : rc;
}

int gz_stub_each_part(const char *stub, gz_stub_part_fn fn, void *ctx)
{
    walk w = {fn, ctx, 0, 0, NULL, 0, 0};
    int rc = stub && !gz_is_single_file_db(stub) ? read_stub(&w, stub) : 0;
    int e = errno;
    forget_all(&w);
    errno = e;
    return rc;
}

int gz_stub_each_path(const char *path, gz_stub_part_fn fn, void *ctx)
{
    walk w = {fn, ctx, 1, 0, NULL, 0, 0};
    int rc = visit(&w, path, 0);
    int e = errno;
    forget_all(&w);
    errno = e;
    return rc;
}

typedef struct missing_ctx {
    char *part;
    size_t partlen;
} missing_ctx;

/* 1 when `path` is a directory with nothing in it. */
static int empty_directory(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    const struct dirent *e;
    int empty = 1;
    while (empty && (e = readdir(dir)))
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(dir);
    return empty;
}

/* gz_stub_missing_part's fn: a part is missing when it is not there, or
 * is an empty directory: the mount point of a disk that is not mounted
 * (Xapian would make a new database in either). The empty path (an
 * "auto" line without a path in a stub named without a directory) names
 * no file: Xapian's own error ("Couldn't stat ''") says more than
 * "names , which does not exist". */
static int on_part_missing(const char *path, void *ctx)
{
    struct stat sb;
    int r = 0;
    if (!path[0])
        return 0;
    if (stat(path, &sb) != 0)
        r = errno == ENOENT || errno == ENOTDIR ? GZ_PART_ABSENT
            : errno == ELOOP                    ? GZ_PART_LOOP
                                                : 0;
    else if (S_ISDIR(sb.st_mode) && empty_directory(path))
        r = GZ_PART_EMPTY;
    const missing_ctx *m = ctx;
    if (r && m->part && m->partlen)
        snprintf(m->part, m->partlen, "%s", path);
    return r;
}

const char *gz_stub_part_problem(int missing)
{
    return missing == GZ_PART_EMPTY
               ? "which is an empty directory (a disk not mounted?)"
           : missing == GZ_PART_LOOP
               ? "which is a loop of symbolic links, or a chain too long to "
                 "follow"
               : "which does not exist";
}

int gz_stub_missing_part(const char *path, char *part, size_t partlen)
{
    missing_ctx m = {part, partlen};
    struct stat sb;
    char inner[8420];
    /* a sharded index as Gazette creates it: DB/XAPIANDB naming DB/shard0.. */
    if (path && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        snprintf(inner, sizeof inner, "%s/XAPIANDB", path);
        path = inner;
    }
    /* Asked twice: a --full run switching the stub (and deleting the
     * generation the old one named) between our reading it and looking
     * is no missing part. */
    return gz_stub_each_part(path, on_part_missing, &m)
               ? gz_stub_each_part(path, on_part_missing, &m)
               : 0;
}

/* The stub line types Xapian 1.4 reads. */
static const char *const stub_types[] = {"auto", "glass", "chert", "remote",
                                         "inmemory"};

/* The edit distance of `a` ([a, a+n)) and the word `b`, letters compared
 * without case, a swap of two neighbours counting one ("atuo"), capped at
 * 3: what is said of a type misspelt. */
static size_t type_distance(const char *a, size_t n, const char *b)
{
    size_t m = strlen(b);
    if (n > m + 2 || m > n + 2)
        return 3;
    size_t d[12][12];
    for (size_t i = 0; i <= n; i++)
        for (size_t j = 0; j <= m; j++) {
            if (i == 0 || j == 0) {
                d[i][j] = i + j;
                continue;
            }
            int same = gz_ascii_tolower((unsigned char)a[i - 1]) == b[j - 1];
            size_t best = d[i - 1][j - 1] + !same;
            best = d[i - 1][j] + 1 < best ? d[i - 1][j] + 1 : best;
            best = d[i][j - 1] + 1 < best ? d[i][j - 1] + 1 : best;
            if (i > 1 && j > 1 &&
                gz_ascii_tolower((unsigned char)a[i - 1]) == b[j - 2] &&
                gz_ascii_tolower((unsigned char)a[i - 2]) == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m] < 3 ? d[n][m] : 3;
}

/* The type `type` ([type, type+n)) of a line Xapian cannot read
 * misspells: the nearest of stub_types, at most one edit away for a
 * short word and two for a longer one; NULL when none is so near. */
static const char *misspelt_type(const char *type, size_t n)
{
    const char *nearest = NULL;
    size_t best = 3;
    for (size_t i = 0; n > 0 && i < sizeof stub_types / sizeof *stub_types;
         i++) {
        size_t d = type_distance(type, n, stub_types[i]);
        if (d < best && d <= (strlen(stub_types[i]) > 5 ? 2u : 1u)) {
            best = d;
            nearest = stub_types[i];
        }
    }
    return nearest;
}

/* What is wrong with the line [text, text+len) that Xapian cannot read,
 * in `out`. */
static void say_bad_line(const char *text, size_t len, char *out,
                         size_t outlen)
{
    const char *space = memchr(text, ' ', len);
    size_t typelen = space ? (size_t)(space - text) : len;
    int rest = space && space + 1 < text + len;
    const char *near = misspelt_type(text, typelen);
    if (typelen == 0)
        snprintf(out, outlen, "it starts with a space, where its type "
                 "goes");
    else if (typelen == 6 && memcmp(text, "remote", 6) == 0)
        snprintf(out, outlen, "'remote' takes HOST:PORT or :PROGRAM ARGS");
    else if (typelen == 8 && memcmp(text, "inmemory", 8) == 0)
        snprintf(out, outlen, "'inmemory' takes nothing after it");
    else if (near)
        snprintf(out, outlen, "'%.*s' is no database type (did you mean "
                 "'%s'?)", (int)(typelen < 40 ? typelen : 40), text, near);
    else
        snprintf(out, outlen, "'%.*s' is no database type (auto, glass, "
                 "chert, remote or inmemory)%s",
                 (int)(typelen < 40 ? typelen : 40), text,
                 rest ? "" : ", or a type without its database");
}

/* Stub files gz_stub_bad_line reads at most: stubs naming the same
 * stubs would be read once for each way down to them (10 naming 10, 6
 * deep: a million ways), so past this it says nothing. */
#define MAX_BAD_LINE_READS 512

/* Looking for a line Xapian cannot read (gz_stub_bad_line). */
typedef struct bad_line {
    char *why;
    size_t whylen;
    int depth;
    int reads;      /* stub files read so far */
} bad_line;

static int find_bad_line(bad_line *b, const char *stub, int strict);

/* The stub the part `path` of a stub is (a stub file, or a directory
 * holding XAPIANDB), searched for a bad line; 0 when it is none. */
static int find_in_part(bad_line *b, const char *path)
{
    struct stat sb;
    char inner[4200];
    if (b->depth >= MAX_STUB_DEPTH || stat(path, &sb) != 0)
        return 0;
    if (S_ISDIR(sb.st_mode)) {
        snprintf(inner, sizeof inner, "%s/XAPIANDB", path);
        if (stat(inner, &sb) != 0 || !S_ISREG(sb.st_mode))
            return 0;
        path = inner;
    } else if (!S_ISREG(sb.st_mode) || gz_is_single_file_db(path)) {
        return 0;
    }
    b->depth++;
    int found = find_bad_line(b, path, 1);
    b->depth--;
    return found;
}

/* Say in b->why that line `number` ([text, text+n)) of the stub file
 * `stub` is one Xapian cannot read (`verb`: "read", or "open" for one it
 * reads but cannot open), and `what` is wrong with it. */
static void say_stub_line(bad_line *b, const char *stub, size_t number,
                          const char *text, size_t n, const char *verb,
                          const char *what)
{
    size_t shown = strcspn(text, "\r\n");
    if (shown > n)
        shown = n;
    snprintf(b->why, b->whylen, "the stub file %.300s has a line Xapian "
             "cannot %s, line %zu '%.*s': %s", stub, verb, number,
             (int)(shown < 100 ? shown : 100), text, what);
}

/* 1 when `line`, of a stub, names a single-file database by a type
 * other than "auto": Xapian's glass and chert backends take the path for
 * a directory ("single.db/iamglass ... Not a directory"), and only auto
 * looks at what the path is. */
static int single_file_by_type(const gz_stub_line *line)
{
    return line->kind == GZ_STUB_LOCAL && strcmp(line->type, "auto") != 0 &&
           gz_is_single_file_db(line->path);
}

/* The first line Xapian cannot read of the stub file `stub` (a stub when
 * `strict`, else only when it looks like one), or of a stub it names,
 * or one naming a single-file database by a type other than "auto",
 * said in b->why: 1, else 0. */
static int find_bad_line(bad_line *b, const char *stub, int strict)
{
    char *text = NULL;
    size_t len = 0, number = 0, good = 0;
    if (++b->reads > MAX_BAD_LINE_READS || read_text(stub, &text, &len) != 0)
        return 0;
    int found = 0;
    for (size_t at = 0; !found && at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len, n = end - at;
        gz_stub_line line;
        number++;
        if (gz_stub_lex(stub, text + at, n, &line) != 0)
            break;
        if (line.kind == GZ_STUB_UNKNOWN) {
            const char *space = memchr(text + at, ' ', n);
            size_t typelen = space ? (size_t)(space - text - at) : n;
            if (strict || good || misspelt_type(text + at, typelen)) {
                char what[200];
                say_bad_line(text + at, n, what, sizeof what);
                say_stub_line(b, stub, number, text + at, n, "read", what);
                found = 1;
            } else {
                at = len;   /* no stub: its first line is none's */
            }
        } else if (single_file_by_type(&line)) {
            say_stub_line(b, stub, number, text + at, n, "open",
                          "it names a single-file Xapian database (as "
                          "xapian-compact --single-file makes), which a stub "
                          "opens only by type 'auto'");
            found = 1;
        } else if (line.kind != GZ_STUB_SKIP) {
            good++;
        }
        if (!found && line.kind == GZ_STUB_LOCAL)
            found = find_in_part(b, line.path);
        gz_stub_line_free(&line);
        if (at < len)
            at = end + 1;
    }
    free(text);
    return found;
}

int gz_stub_bad_line(const char *path, char *why, size_t whylen)
{
    struct stat sb;
    char inner[4200];
    bad_line b = {why, whylen, 0, 0};
    if (stat(path, &sb) != 0)
        return 0;
    if (S_ISREG(sb.st_mode))
        return !gz_is_single_file_db(path) && find_bad_line(&b, path, 0);
    snprintf(inner, sizeof inner, "%s/XAPIANDB", path);
    return S_ISDIR(sb.st_mode) && stat(inner, &sb) == 0 &&
           S_ISREG(sb.st_mode) && find_bad_line(&b, inner, 1);
}

/* gz_is_shard_dir_name - see schema.h. */
int gz_is_shard_dir_name(const char *name)
{
    if (strncmp(name, "shard", 5) != 0 || !name[5])
        return 0;
    for (const char *p = name + 5; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}
