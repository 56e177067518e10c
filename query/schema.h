/*
 * schema.h - the layout of a Gazette index, shared by the indexer (which
 * writes it) and libgazette (which reads it). Private: not installed.
 *
 * Term prefixes follow Xapian Omega's conventions so that quest,
 * xapian-delve and Omega can read a Gazette index.
 */
#ifndef GAZETTE_SCHEMA_H
#define GAZETTE_SCHEMA_H

#include <stddef.h>

/* Boolean and free-text term prefixes. */
#define GZ_PREFIX_ID      "Q"      /* unique id: article id (hashed if long) */
#define GZ_PREFIX_TITLE   "S"      /* title words (free text) */
#define GZ_PREFIX_AUTHOR  "A"      /* author words (free text) */
#define GZ_PREFIX_DATE    "D"      /* D20231105 */
#define GZ_PREFIX_MONTH   "M"      /* M202311 */
#define GZ_PREFIX_YEAR    "Y"      /* Y2023 */
#define GZ_PREFIX_TAG     "K"      /* K + lower-cased tag */
#define GZ_PREFIX_URL     "U"      /* U + url (hashed if long) */
#define GZ_PREFIX_PATH    "P"      /* P + relative path of the file */
#define GZ_PREFIX_SOURCE  "XSOURCE"  /* XSOURCE + lower-cased source */
#define GZ_PREFIX_ENTITY  "XE"     /* XE + lower-cased entity name */

/* Value slots. */
enum {
    GZ_SLOT_DATE = 0,      /* "YYYYMMDD", sortable and range-searchable */
    GZ_SLOT_SOURCE = 1,    /* source as written, for facets */
    GZ_SLOT_FILE_STAT = 2, /* "<size>:<mtime_ns>" of the file (incremental) */
    GZ_SLOT_FILE_HASH = 3, /* content hash of the file (incremental) */
    GZ_SLOT_YEAR = 4,      /* "YYYY", for facets */
    GZ_SLOT_FILE_PATH = 5  /* relative path of the file (incremental) */
};

/* Metadata keys. */
#define GZ_META_FORMAT    "gazette.format"   /* GZ_FORMAT_VERSION */
#define GZ_META_LANGUAGE  "gazette.language" /* stemmer used at index time */
#define GZ_FORMAT_VERSION "1"

/* Xapian's glass backend refuses terms over 245 bytes. Longer ids are
 * replaced by a prefix of the id and a hash of the whole. */
#define GZ_MAX_TERM_BYTES 240

/*
 * Document data: Omega-style "key=value" lines (values have no newline),
 * then one empty line, then the article body verbatim.
 *
 *   id=politics/001.txt
 *   path=politics/001.txt
 *   title=...
 *   date=2023-11-05
 *   source=politics
 *   author=...
 *   url=...
 *   tags=a,b
 *
 *   body text...
 */
typedef struct gz_docdata {
    const char *id, *path, *title, *date, *source, *author, *url, *tags;
    const char *body;
    size_t body_len;
} gz_docdata;

/* Encode `d` into a new malloc()ed buffer (*out, *out_len). NULL fields are
 * left out; newlines in fields become spaces. Returns 0, or -1 on out of
 * memory. */
int gz_docdata_encode(const gz_docdata *d, char **out, size_t *out_len);

/* Decode `data` into `d`. Decoding is destructive and zero-copy: `data`
 * must be a writable, NUL-terminated copy that outlives `d`; every field
 * points into it (missing fields point to ""). Returns 0. */
int gz_docdata_decode(char *data, size_t len, gz_docdata *d);

/* Build the boolean term `prefix` + `value` into `buf` (at least
 * GZ_TERM_BUF bytes). A term that would exceed GZ_MAX_TERM_BYTES keeps a
 * head of `value` (cut on a UTF-8 boundary) and ends in '#' and a 64-bit
 * hash of the whole value, so it stays unique. Returns the term length. */
#define GZ_TERM_BUF (GZ_MAX_TERM_BYTES + 1)
size_t gz_make_term(const char *prefix, const char *value, char *buf,
                    size_t bufsize);

#endif /* GAZETTE_SCHEMA_H */
