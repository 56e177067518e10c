/* filemap.c - the stored path -> (stat, hash) map of an index. */
#include "filemap.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "corpus.h"

#include "schema.h"

/* Per-document facts gathered from the value streams, in docid order. */
typedef struct doc_fact {
    xap_docid docid;
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash;
    int has_hash;
    char *bad;          /* its GZ_SLOT_FILE_BAD value, or NULL */
} doc_fact;

typedef struct fact_list {
    doc_fact *v;
    size_t n, cap;
    size_t cursor;      /* merge position for the stream being read */
    int nomem;
} fact_list;

typedef struct load_state {
    const xap_database *db;
    unsigned shard;
    fact_list *facts;
    gz_filemap *map;
    xap_status status;
} load_state;

int gz_format_stat(char *buf, size_t size, uint64_t file_size,
                   int64_t mtime_ns)
{
    return snprintf(buf, size, "%llu:%lld", (unsigned long long)file_size,
                    (long long)mtime_ns);
}

int64_t gz_stat_mtime_to_record(int64_t mtime_ns, int64_t now_ns)
{
    /* no difference of the two: a saturated INT64_MIN mtime (walk.c)
     * would overflow it */
    return mtime_ns <= now_ns - GZ_RACY_NS ? mtime_ns : 0;
}

void gz_format_hash(char *buf, uint64_t hash)
{
    snprintf(buf, 17, "%016" PRIx64, hash);
}

int gz_format_bad_lines(char *buf, size_t size, uint32_t count,
                        uint64_t line, const char *reason)
{
    int n = snprintf(buf, size, "%" PRIu32 " %" PRIu64 " %s", count, line,
                     reason);
    return n < 0 ? 0 : (size_t)n < size ? n : (int)size - 1;
}

/* A ".gz" file's bytes inflated as gz_hash_file reads them, to hash the
 * text they hold. */
typedef struct gunzip_hash {
    z_stream z;
    int active;        /* inflating: 0 when not a ".gz" name, after an
                          error or once past the limit */
    int ended;         /* the last member read has ended */
    uint64_t hash, total, max;
    char *kept;        /* the inflated bytes so far, when kept (NULL:
                          not asked for, or memory ran short) */
    size_t kcap;       /* bytes allocated at kept (total + NUL fit) */
} gunzip_hash;

/* 1 when the base name of `path` ends in ".gz" after at least one byte,
 * as the readers tell a compressed file (corpus/read.c). */
static int is_gz_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t len = strlen(base);
    return len > 3 && strcmp(base + len - 3, ".gz") == 0;
}

/* Start *g for the file at `path` (inflating only a ".gz" name) with a
 * limit of `max` inflated bytes; with `keep`, the inflated bytes are kept
 * too, room first made for `hint` of them. Out of memory it stays
 * inactive: the content hash is then the raw one, which only misses a
 * rename. */
static void gunzip_hash_start(gunzip_hash *g, const char *path, uint64_t max,
                              int keep, uint64_t hint)
{
    memset(g, 0, sizeof *g);
    g->hash = GZ_FNV_BASIS;
    g->max = max;
    g->active = is_gz_name(path) &&
                inflateInit2(&g->z, 16 + MAX_WBITS) == Z_OK;
    if (!g->active || !keep)
        return;
    if (hint > max)
        hint = max;
    g->kcap = (hint < SIZE_MAX / 2 ? (size_t)hint : SIZE_MAX / 2) + 1;
    g->kept = malloc(g->kcap);
}

/* Append the n inflated bytes at `out` to g->kept, growing it by
 * doubling; out of memory it is dropped (the reader inflates the file
 * again: slower, never wrong). */
static void gunzip_keep(gunzip_hash *g, const unsigned char *out, size_t n)
{
    size_t len = (size_t)(g->total - n);     /* kept before these */
    if (!g->kept || n == 0)
        return;
    if (len + n + 1 > g->kcap) {
        size_t cap = g->kcap;
        while (cap < len + n + 1 && cap <= SIZE_MAX / 2)
            cap *= 2;
        char *k = cap >= len + n + 1 ? realloc(g->kept, cap) : NULL;
        if (!k) {
            free(g->kept);
            g->kept = NULL;
            return;
        }
        g->kept = k;
        g->kcap = cap;
    }
    memcpy(g->kept + len, out, n);
}

/* Inflate the n bytes at `in` (n fits a uInt) into the hash. A member
 * that ends is followed by another one, as gzip -d reads "cat a.gz
 * b.gz". Any error stops the inflating for good. */
static void gunzip_hash_feed(gunzip_hash *g, const unsigned char *in,
                             size_t n)
{
    unsigned char out[16384];
    g->z.next_in = (Bytef *)in;
    g->z.avail_in = (uInt)n;
    while (g->active) {
        if (g->ended) {
            if (g->z.avail_in == 0)
                return;
            if (inflateReset(&g->z) != Z_OK)
                break;
            g->ended = 0;
        }
        g->z.next_out = out;
        g->z.avail_out = sizeof out;
        int r = inflate(&g->z, Z_NO_FLUSH);
        size_t got = sizeof out - g->z.avail_out;
        g->total += got;
        if ((r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) ||
            g->total > g->max)
            break;
        g->hash = gz_fnv1a64(g->hash, out, got);
        gunzip_keep(g, out, got);
        if (r == Z_STREAM_END)
            g->ended = 1;
        else if (g->z.avail_in == 0 && g->z.avail_out != 0)
            return;               /* all taken, nothing more to give */
    }
    g->active = 0;
}

/* Free *g's stream; 1 with *hash set when it inflated whole (its last
 * member ended), else 0. *keep (when not NULL) gets the kept bytes of a
 * whole inflating, NUL-terminated, else NULL. */
static int gunzip_hash_end(gunzip_hash *g, uint64_t *hash, gz_inflated *keep)
{
    int whole = g->active && g->ended;
    if (g->z.state)
        inflateEnd(&g->z);
    if (whole)
        *hash = g->hash;
    if (keep && whole && g->kept) {
        keep->text = g->kept;
        keep->len = (size_t)g->total;
        keep->text[keep->len] = '\0';
    } else {
        free(g->kept);
    }
    g->kept = NULL;
    return whole;
}

/*
 * gz_hash_file - see filemap.h. The size is checked on the opened
 * descriptor before a byte is read (a 20 GB sparse file must not be hashed
 * whole only to be refused as too large afterwards), and reading stops
 * one byte past the limit in case the file grows meanwhile. O_NONBLOCK
 * keeps the open of a FIFO that replaced the file from blocking.
 */
int gz_hash_file(const char *path, uint64_t max_bytes, gz_file_hash *out)
{
    return gz_hash_file_keep(path, max_bytes, out, NULL);
}

/* gz_hash_file_keep - see filemap.h; gz_hash_file with the inflated
 * bytes kept when `keep` is not NULL. */
int gz_hash_file_keep(const char *path, uint64_t max_bytes,
                      gz_file_hash *out, gz_inflated *keep)
{
    if (keep)
        *keep = (gz_inflated){NULL, 0};
    if (max_bytes == 0)
        max_bytes = CORPUS_DEFAULT_MAX_BYTES;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max_bytes) {
        close(fd);
        return 1;
    }
    uint64_t h = GZ_FNV_BASIS, total = 0;
    gunzip_hash g;
    /* text compresses about 3-4x (as corpus/read.c guesses) */
    gunzip_hash_start(&g, path, max_bytes, keep != NULL,
                      (uint64_t)st.st_size * 4 + 64 * 1024);
    unsigned char buf[65536];
    ssize_t n;
    int r = 0, e = 0;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            e = errno;
            r = -1;
            break;
        }
        total += (uint64_t)n;
        if (total > max_bytes) {      /* grew past the limit meanwhile */
            r = 1;
            break;
        }
        h = gz_fnv1a64(h, buf, (size_t)n);
        gunzip_hash_feed(&g, buf, (size_t)n);
    }
    close(fd);
    out->raw = h;
    if (!gunzip_hash_end(&g, &out->content, r == 0 ? keep : NULL))
        out->content = h;
    errno = e;
    return r;
}

/* Parse "<size>:<mtime_ns>"; 0 when well formed. */
static int parse_stat(const char *v, size_t len, uint64_t *size,
                      int64_t *mtime)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, v, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    unsigned long long sz = strtoull(buf, &end, 10);
    if (errno || *end != ':')
        return -1;
    long long mt = strtoll(end + 1, &end, 10);
    if (errno || *end)
        return -1;
    *size = sz;
    *mtime = mt;
    return 0;
}

static int on_stat_value(xap_docid id, const char *v, size_t len, void *ctx)
{
    fact_list *f = ctx;
    doc_fact d = {.docid = id};
    if (parse_stat(v, len, &d.size, &d.mtime_ns) != 0)
        return 0;   /* unreadable: the file will be seen as changed */
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 1024;
        doc_fact *v2 = realloc(f->v, cap * sizeof *v2);
        if (!v2) {
            f->nomem = 1;
            return 1;
        }
        f->v = v2;
        f->cap = cap;
    }
    f->v[f->n++] = d;
    return 0;
}

/* The hash stream is in docid order too, so it merges in one forward pass. */
static int on_hash_value(xap_docid id, const char *v, size_t len, void *ctx)
{
    fact_list *f = ctx;
    while (f->cursor < f->n && f->v[f->cursor].docid < id)
        f->cursor++;
    if (f->cursor == f->n)
        return 1;
    if (f->v[f->cursor].docid != id || len != 16)
        return 0;
    char buf[17];
    memcpy(buf, v, 16);
    buf[16] = '\0';
    char *end;
    uint64_t h = strtoull(buf, &end, 16);
    if (*end == '\0') {
        f->v[f->cursor].hash = h;
        f->v[f->cursor].has_hash = 1;
    }
    return 0;
}

/* The bad lines stream (one document a file with bad lines, in docid
 * order): merged too. */
static int on_bad_value(xap_docid id, const char *v, size_t len, void *ctx)
{
    fact_list *f = ctx;
    while (f->cursor < f->n && f->v[f->cursor].docid < id)
        f->cursor++;
    if (f->cursor == f->n)
        return 1;
    if (f->v[f->cursor].docid != id)
        return 0;
    if (!(f->v[f->cursor].bad = strndup(v, len))) {
        f->nomem = 1;
        return 1;
    }
    return 0;
}

/* Parse a GZ_SLOT_FILE_BAD value into `e`; a malformed one is dropped (the
 * file then counts as without bad lines until it changes). */
static xap_status set_bad_lines(gz_file_entry *e, const char *v)
{
    char *end;
    errno = 0;
    unsigned long long count = strtoull(v, &end, 10);
    if (errno || end == v || *end != ' ' || count == 0 ||
        count > UINT32_MAX)
        return XAP_OK;
    const char *at = end + 1;
    unsigned long long line = strtoull(at, &end, 10);
    if (errno || end == at || *end != ' ')
        return XAP_OK;
    if (!(e->bad_reason = strdup(end + 1)))
        return XAP_ERR_NOMEM;
    e->bad_lines = (uint32_t)count;
    e->bad_line = line;
    return XAP_OK;
}

static const doc_fact *find_fact(const fact_list *f, xap_docid id)
{
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->v[mid].docid < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < f->n && f->v[lo].docid == id ? &f->v[lo] : NULL;
}

gz_file_entry *gz_filemap_find(const gz_filemap *map, const char *term)
{
    long at = gz_strmap_get(&map->index, term, strlen(term));
    return at < 0 ? NULL : &map->entries[at];
}

/* 1 when path term `term` is in the map already. */
static int known(const gz_filemap *map, const char *term)
{
    return gz_strmap_get(&map->index, term, strlen(term)) >= 0;
}

/* Record path term `term` (not yet in the map) with the facts `d` of one
 * of its documents (NULL when unknown), and its path `path` when the term
 * is hashed (NULL: not known). */
static xap_status insert_entry(gz_filemap *map, const char *term,
                               const char *path, const doc_fact *d,
                               unsigned shard)
{
    if (map->count == map->capacity) {
        size_t cap = map->capacity ? map->capacity * 2 : 1024;
        gz_file_entry *e = realloc(map->entries, cap * sizeof *e);
        if (!e)
            return XAP_ERR_NOMEM;
        map->entries = e;
        map->capacity = cap;
    }
    gz_file_entry *e = &map->entries[map->count];
    *e = (gz_file_entry){0};
    if (!(e->term = strdup(term)))
        return XAP_ERR_NOMEM;
    if (gz_strmap_put(&map->index, term, strlen(term), (long)map->count)) {
        free(e->term);
        return XAP_ERR_NOMEM;
    }
    map->count++;
    /* the guards match files below a folder by path: a hashed term's
     * head may be that of a sibling's files (indexer.c entry_below) */
    if (path && gz_term_is_hashed(term) && !(e->path = strdup(path)))
        return XAP_ERR_NOMEM;
    e->size = d ? d->size : UINT64_MAX;
    e->mtime_ns = d ? d->mtime_ns : 0;
    e->hash = d ? d->hash : 0;
    e->has_hash = d ? (unsigned char)d->has_hash : 0;
    e->shard = (unsigned short)shard;
    return d && d->bad ? set_bad_lines(e, d->bad) : XAP_OK;
}

/* One value of the path stream (docid order, like the fact list): the
 * file's path term, with this document's facts. The first document of a
 * file wins; all of them were written with the same facts. */
static int on_path_value(xap_docid id, const char *v, size_t len, void *ctx)
{
    load_state *ls = ctx;
    fact_list *f = ls->facts;
    char path[4096], term[GZ_TERM_BUF];
    if (len >= sizeof path)
        return 0;   /* left to the term pass */
    memcpy(path, v, len);
    path[len] = '\0';
    gz_make_term(GZ_PREFIX_PATH, path, term, sizeof term);
    if (known(ls->map, term))
        return 0;
    while (f->cursor < f->n && f->v[f->cursor].docid < id)
        f->cursor++;
    const doc_fact *d = f->cursor < f->n && f->v[f->cursor].docid == id
                            ? &f->v[f->cursor] : NULL;
    ls->status = insert_entry(ls->map, term, path, d, ls->shard);
    return ls->status != XAP_OK;
}

/* One path term, with the number of documents that hold it in this
 * shard: the file's articles (added to what other shards hold of it).
 * Indexes written before the path slot existed (or a path too long for
 * on_path_value) are found here: look up the term's first document and
 * record its facts. Terms already known cost a lookup. */
static int on_path_term(const char *term, size_t len, uint32_t freq,
                        void *ctx)
{
    (void)len;
    load_state *ls = ctx;
    long at = gz_strmap_get(&ls->map->index, term, strlen(term));
    if (at < 0) {
        xap_docid id = 0;
        ls->status = xap_database_first_posting(ls->db, term, &id);
        if (ls->status == XAP_OK)
            ls->status = insert_entry(ls->map, term, NULL,
                                      find_fact(ls->facts, id), ls->shard);
        if (ls->status != XAP_OK)
            return 1;
        at = (long)ls->map->count - 1;
    }
    ls->map->entries[at].articles += freq;
    ls->map->articles += freq;
    return 0;
}

xap_status gz_filemap_load(const xap_database *db, unsigned shard,
                           gz_filemap *map)
{
    fact_list facts = {0};
    load_state ls = {.db = db, .shard = shard, .facts = &facts, .map = map,
                     .status = XAP_OK};
    xap_status s = xap_database_each_value(db, GZ_SLOT_FILE_STAT,
                                           on_stat_value, &facts);
    if (s == XAP_OK && facts.nomem)
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK)
        s = xap_database_each_value(db, GZ_SLOT_FILE_HASH, on_hash_value,
                                    &facts);
    facts.cursor = 0;
    if (s == XAP_OK)
        s = xap_database_each_value(db, GZ_SLOT_FILE_BAD, on_bad_value,
                                    &facts);
    if (s == XAP_OK && facts.nomem)
        s = XAP_ERR_NOMEM;
    facts.cursor = 0;
    if (s == XAP_OK)
        s = xap_database_each_value(db, GZ_SLOT_FILE_PATH, on_path_value,
                                    &ls);
    if (s == XAP_OK)
        s = ls.status;
    if (s == XAP_OK)
        s = xap_database_each_term(db, GZ_PREFIX_PATH, on_path_term, &ls);
    if (s == XAP_OK)
        s = ls.status;
    for (size_t i = 0; i < facts.n; i++)
        free(facts.v[i].bad);
    free(facts.v);
    if (s != XAP_OK)
        gz_filemap_free(map);
    return s;
}

void gz_filemap_free(gz_filemap *map)
{
    for (size_t i = 0; i < map->count; i++) {
        free(map->entries[i].term);
        free(map->entries[i].path);
        free(map->entries[i].bad_reason);
    }
    free(map->entries);
    gz_strmap_free(&map->index);
    memset(map, 0, sizeof *map);
}
