/*
 * filemap.h - what the index already knows about each corpus file.
 *
 * An incremental run needs, for every file indexed before, the size, mtime
 * and content hash recorded at the time, and the bad lines it had. They are
 * stored per document (GZ_SLOT_FILE_STAT, GZ_SLOT_FILE_HASH,
 * GZ_SLOT_FILE_PATH, GZ_SLOT_FILE_BAD: only files with bad lines have it)
 * and every document carries its file's path term (GZ_PREFIX_PATH).
 * gz_filemap_load reads them in five streaming passes (four value streams,
 * then the list of path terms, which only costs a lookup for a term no path
 * value named) instead of one lookup per file, and keeps one small entry
 * per file in an array, found by path term through a string map
 * (util/strmap.h). The list of path terms also gives each file's number of
 * articles (the term's frequency in each shard): the removal guards count
 * articles a run would remove, not only files (safety.h).
 */
#ifndef GAZETTE_FILEMAP_H
#define GAZETTE_FILEMAP_H

#include <stddef.h>
#include <stdint.h>

#include "strmap.h"
#include "xapian_shim.h"

typedef struct gz_file_entry {
    char *term;          /* path term, "P" + relpath (hashed when long) */
    char *path;          /* relpath, when the term is hashed (it keeps
                            only the head) and the index told it
                            (GZ_SLOT_FILE_PATH); else NULL (owned) */
    uint64_t size;       /* recorded size; UINT64_MAX when unknown */
    int64_t mtime_ns;    /* recorded mtime */
    uint64_t hash;       /* recorded content hash, when has_hash */
    unsigned char has_hash;
    unsigned char seen;  /* set by the caller when the file was walked */
    unsigned char gone;  /* set by the caller: walked, but now holds no
                            article (skipped): its articles are to go */
    unsigned char kept;  /* set by the caller: walked and indexed (or left
                            as it was) under this path: overrides `gone`
                            (a held file read again) */
    unsigned char reread; /* set by the caller: read it again, whatever
                             its stat and hash say */
    unsigned short shard; /* the shard its articles are in */
    /* Its bad lines when it was read (GZ_SLOT_FILE_BAD): how many (0:
     * none), the first one's line and reason (malloc()ed, or NULL). */
    uint32_t bad_lines;
    uint64_t bad_line;
    char *bad_reason;
    uint64_t articles;   /* articles indexed under its path term, in
                            every shard */
} gz_file_entry;

/* Zeroed ({0}) it is empty. Entries stay where they are once loaded: a
 * pointer from gz_filemap_find is good until gz_filemap_free. */
typedef struct gz_filemap {
    gz_file_entry *entries;   /* count entries (capacity allocated) */
    size_t count, capacity;
    uint64_t articles;        /* sum of the entries' articles */
    gz_strmap index;          /* path term -> position in entries */
} gz_filemap;

/* Add the files of `db`, shard number `shard` of the index, to `map`
 * (zeroed by the caller before the first shard; a file already in the map
 * keeps its first entry). On failure the map is left empty and the shim
 * status returned. */
xap_status gz_filemap_load(const xap_database *db, unsigned shard,
                           gz_filemap *map);

/* The entry for path term `term`, or NULL. */
gz_file_entry *gz_filemap_find(const gz_filemap *map, const char *term);

void gz_filemap_free(gz_filemap *map);

/* The GZ_SLOT_FILE_STAT of a file written in part (the pipeline's
 * pieces), or one an article of which gazette_writer_put put over or
 * gazette_writer_delete deleted (writer.c): no stat, so the file map
 * takes the file for changed and the next update reads it again. */
#define GZ_STAT_PARTIAL "partial"

/* "<size>:<mtime_ns>", the GZ_SLOT_FILE_STAT format; returns the length. */
int gz_format_stat(char *buf, size_t size, uint64_t file_size,
                   int64_t mtime_ns);

/* How long after a file's mtime a change of it may still leave the same
 * mtime: the coarsest timestamps in use (FAT's 2 s; ext3, NFS and SMB
 * keep seconds). */
#define GZ_RACY_NS (2 * 1000000000LL)

/* The mtime to record for a file whose stat gave `mtime_ns` and which was
 * read by `now_ns` (the system clock): `mtime_ns`, or 0 when it is less
 * than GZ_RACY_NS before `now_ns` (or after it). A file rewritten at the
 * same size just after it was read may keep its mtime to the second, and
 * would pass for unchanged forever ("racy clean", as git calls it); 0
 * matches no later stat of it, so the next run reads it again, and its
 * content hash tells whether it changed. */
int64_t gz_stat_mtime_to_record(int64_t mtime_ns, int64_t now_ns);

/* 16 lower-case hex digits, the GZ_SLOT_FILE_HASH format; buf has >= 17
 * bytes. */
void gz_format_hash(char *buf, uint64_t hash);

/* "<count> <line> <reason>", the GZ_SLOT_FILE_BAD format: `count` bad
 * lines, the first at `line` for `reason` (cut to fit); returns the
 * length. */
int gz_format_bad_lines(char *buf, size_t size, uint32_t count,
                        uint64_t line, const char *reason);

/* What gz_hash_file found of one file: 64-bit FNV-1a hashes. */
typedef struct gz_file_hash {
    uint64_t raw;      /* of its bytes as they are on disk */
    uint64_t content;  /* of the text it holds, the one recorded
                          (GZ_SLOT_FILE_HASH): for a name ending in ".gz"
                          that inflates whole (concatenated members too)
                          to at most the size limit, of the inflated
                          bytes, so a file compressed or decompressed in
                          place keeps its content hash; else `raw` */
} gz_file_hash;

/* Hash the file at `path` into *out (returns 0), reading it once (a
 * ".gz" file is inflated as it is read, never held whole here:
 * gz_hash_file_keep holds it). Returns 1,
 * reading nothing (or stopping as soon as the file grows past the limit),
 * when it is not a regular file or holds more than `max_bytes` bytes (0 =
 * CORPUS_DEFAULT_MAX_BYTES): the caller then goes on without a hash and
 * lets the reader word the skip. Returns -1 with errno set when the file
 * cannot be opened or read. Never blocks on a FIFO. */
int gz_hash_file(const char *path, uint64_t max_bytes, gz_file_hash *out);

/* The text of a ".gz" file, as gz_hash_file_keep inflated it. */
typedef struct gz_inflated {
    char *text;     /* malloc()ed, `len` bytes and a NUL, or NULL */
    size_t len;
} gz_inflated;

/* gz_hash_file(), keeping in *keep what a ".gz" file inflated to when it
 * inflated whole (out->content is then its hash): the caller frees
 * keep->text, or hands it to corpus_read_inflated() so that a changed
 * file is not inflated a second time to be read. keep->text is NULL for
 * any other file or outcome (not a ".gz" name, not gzip data whole, not
 * hashed, an error; or memory ran short for it: the reader then inflates
 * the file itself). */
int gz_hash_file_keep(const char *path, uint64_t max_bytes,
                      gz_file_hash *out, gz_inflated *keep);

#endif
