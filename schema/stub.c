/* stub.c - Xapian stub files: one line read as Xapian reads it
 * (gz_stub_lex), the databases a stub names (gz_stub_each_part), and the
 * check that each of them exists (schema.h). */
#include "schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Stub files naming stub files are followed this deep at most (Gazette
 * writes two levels: DB naming a generation that holds XAPIANDB). */
#define MAX_STUB_DEPTH 4
/* A bigger file is no stub file: it is not read. */
#define MAX_STUB_BYTES (1 << 20)

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

static int each_part(const char *stub, int depth, gz_stub_part_fn fn,
                     void *ctx);

/* One part named by a stub: a stub file or a directory holding one is
 * followed, anything else (a database directory, nothing) given to fn. */
static int visit_part(const char *path, int depth, gz_stub_part_fn fn,
                      void *ctx)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || depth > MAX_STUB_DEPTH)
        return fn(path, ctx);
    if (S_ISREG(sb.st_mode))
        return each_part(path, depth, fn, ctx);
    char inner[8420];
    snprintf(inner, sizeof inner, "%s/XAPIANDB", path);
    if (S_ISDIR(sb.st_mode) && stat(inner, &sb) == 0 && S_ISREG(sb.st_mode))
        return each_part(inner, depth, fn, ctx);
    return fn(path, ctx);
}

static int each_part(const char *stub, int depth, gz_stub_part_fn fn,
                     void *ctx)
{
    struct stat sb;
    if (stat(stub, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        sb.st_size > MAX_STUB_BYTES)
        return 0;
    FILE *f = fopen(stub, "r");
    if (!f)
        return 0;   /* opening the index says what is wrong */
    const char *slash = strrchr(stub, '/');
    int dirlen = slash ? (int)(slash - stub) + 1 : 0;
    char line[4200], part[8400];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *rest = strchr(line, ' ');
        if (line[0] == '#' || !rest || !rest[1])
            continue;
        *rest++ = '\0';
        if (strcmp(line, "auto") != 0 && strcmp(line, "glass") != 0 &&
            strcmp(line, "chert") != 0 && strcmp(line, "honey") != 0)
            continue;   /* remote ("remote", "tcp"...) or unknown */
        snprintf(part, sizeof part, "%.*s%s", rest[0] == '/' ? 0 : dirlen,
                 stub, rest);
        rc = visit_part(part, depth + 1, fn, ctx);
    }
    fclose(f);
    return rc;
}

int gz_stub_each_part(const char *stub, gz_stub_part_fn fn, void *ctx)
{
    return stub ? each_part(stub, 0, fn, ctx) : 0;
}

typedef struct missing_ctx {
    char *part;
    size_t partlen;
} missing_ctx;

static int on_part_missing(const char *path, void *ctx)
{
    struct stat sb;
    if (stat(path, &sb) == 0 || (errno != ENOENT && errno != ENOTDIR))
        return 0;
    const missing_ctx *m = ctx;
    if (m->part && m->partlen)
        snprintf(m->part, m->partlen, "%s", path);
    return 1;
}

int gz_stub_missing_part(const char *path, char *part, size_t partlen)
{
    missing_ctx m = {part, partlen};
    return gz_stub_each_part(path, on_part_missing, &m);
}
