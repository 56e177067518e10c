/* schema.c - the field table, document data and unique id terms
 * (schema.h). */
#include "schema.h"
#include "ascii.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fold.h"
#include "utf8.h"
#include "gazette.h"
#include "xapian_shim.h"

const gz_field gz_fields[] = {
    /* name      prefix               slot              kind */
    {"title",  GZ_PREFIX_TITLE,  -1,             GZ_KIND_TEXT,   GZ_FOLD_TEXT,
     0, -1},
    {"author", GZ_PREFIX_AUTHOR, -1,             GZ_KIND_TEXT,   GZ_FOLD_TEXT,
     0, -1},
    /* Words written with capitals (indexer/capitals.h): upper: in
     * capitals ("WHO"), caps: in capitals or capitalised ("Nasa"); a query
     * word in capitals is searched so (query/query_text.c). A field named
     * twice has both prefixes. */
    {"upper",  GZ_PREFIX_UPPER,  -1,             GZ_KIND_CAPITALS,
     GZ_FOLD_CAPITALS, 0, -1},
    {"caps",   GZ_PREFIX_UPPER,  -1,             GZ_KIND_CAPITALS,
     GZ_FOLD_CAPITALS, 0, -1},
    {"caps",   GZ_PREFIX_CAPS,   -1,             GZ_KIND_CAPITALS,
     GZ_FOLD_CAPITALS, 0, -1},
    {"source", GZ_PREFIX_SOURCE, GZ_SLOT_SOURCE, GZ_KIND_FILTER, GZ_FOLD_VALUE,
     1, GAZETTE_FACET_SOURCE},
    /* The tag and author facets read the slot (a facet list, schema.h)
     * when the index has GZ_META_LIST_SLOTS, else the terms. */
    {"tag",    GZ_PREFIX_TAG,    GZ_SLOT_TAGS,   GZ_KIND_FILTER, GZ_FOLD_VALUE,
     0, GAZETTE_FACET_TAG},
    {"entity", GZ_PREFIX_ENTITY, GZ_SLOT_ENTITIES, GZ_KIND_FILTER,
     GZ_FOLD_ENTITY, 0, GAZETTE_FACET_ENTITY},
    {"url",    GZ_PREFIX_URL,    -1,             GZ_KIND_FILTER, GZ_FOLD_EXACT,
     1, -1},
    {"id",     GZ_PREFIX_ID,     -1,             GZ_KIND_FILTER, GZ_FOLD_EXACT,
     1, -1},
    {"year",   GZ_PREFIX_YEAR,   GZ_SLOT_YEAR,   GZ_KIND_FILTER, GZ_FOLD_ASCII,
     1, GAZETTE_FACET_YEAR},
    {"date",   GZ_PREFIX_DATE,   GZ_SLOT_DATE,   GZ_KIND_DATE,   GZ_FOLD_ASCII,
     1, -1},
    /* Not queryable by name: the author facet's exact names, the month
     * terms Omega's date filters use, the file an article came from. */
    {NULL, GZ_PREFIX_AUTHOR_NAME, GZ_SLOT_AUTHORS, GZ_KIND_INTERNAL,
     GZ_FOLD_VALUE, 0, GAZETTE_FACET_AUTHOR},
    {NULL, GZ_PREFIX_MONTH, -1, GZ_KIND_INTERNAL, GZ_FOLD_ASCII, 1, -1},
    {NULL, GZ_PREFIX_PATH, GZ_SLOT_FILE_PATH, GZ_KIND_INTERNAL, GZ_FOLD_EXACT,
     1, -1},
};
const size_t gz_nfields = sizeof gz_fields / sizeof gz_fields[0];

int gz_format_supported(const char *format, size_t len)
{
    return len == 0 || (len == strlen(GZ_FORMAT_VERSION) &&
                        memcmp(format, GZ_FORMAT_VERSION, len) == 0);
}

int gz_cjk_at(const char *p, size_t len)
{
    const unsigned char *u = (const unsigned char *)p;
    uint32_t cp = 0;
    if (len == 0 || u[0] < 0xE2)
        return 0;
    gz_utf8_next(u, u + len, &cp);
    return gz_is_cjk(cp);
}

size_t gz_cjk_count(const char *s, size_t len, size_t max)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    size_t count = 0;
    while (p < end && count < max) {
        if (*p < 0xE2) {
            p++;
            continue;
        }
        uint32_t cp;
        size_t n = gz_utf8_next(p, end, &cp);
        count += gz_is_cjk(cp) != 0;
        p += n;
    }
    return count;
}

int gz_cjk_ngrams_recorded(const char *value, size_t len)
{
    return len == strlen(GZ_CJK_NGRAMS_ON) &&
           memcmp(value, GZ_CJK_NGRAMS_ON, len) == 0;
}

int gz_database_records_cjk_ngrams(const xap_database *db, xap_status *s)
{
    char *value = NULL;
    size_t len = 0;
    *s = xap_database_get_metadata(db, GZ_META_CJK_NGRAMS, &value, &len);
    int on = *s == XAP_OK && gz_cjk_ngrams_recorded(value, len);
    free(value);
    return on;
}

int gz_index_is_foreign(uint64_t docs, size_t len)
{
    return docs > 0 && len == 0;
}

void gz_foreign_index_error(const char *path, uint64_t docs, char *err,
                            size_t errlen)
{
    snprintf(err, errlen, "%s holds %llu document%s not written by Gazette "
             "(no " GZ_META_FORMAT " metadata): another program's Xapian "
             "database is neither written into nor replaced; give a new "
             "index path", path, (unsigned long long)docs,
             docs == 1 ? "" : "s");
}

xap_status gz_index_language(const xap_database *db, char **out)
{
    char *format = NULL;
    size_t len = 0, format_len = 0;
    *out = NULL;
    xap_status s = xap_database_get_metadata(db, GZ_META_LANGUAGE, out, &len);
    if (s == XAP_OK && len == 0)
        s = xap_database_get_metadata(db, GZ_META_FORMAT, &format,
                                      &format_len);
    free(format);
    if (s == XAP_OK && len == 0 && format_len) {
        free(*out);
        if (!(*out = strdup("none")))
            s = XAP_ERR_NOMEM;
    }
    /* Earlier versions recorded a language as given, ISO code included
     * ("en"): it is the full name's stemmer, and compares as that. */
    char *name = NULL;
    xap_status named = s == XAP_OK && len ? xap_stem_canonical(*out, &name)
                                          : XAP_ERR_INVALID_ARG;
    if (named == XAP_OK) {
        free(*out);
        *out = name;
    } else if (named == XAP_ERR_NOMEM) {
        s = named;
    }
    if (s != XAP_OK) {
        free(*out);
        *out = NULL;
    }
    return s;
}

const gz_field *gz_field_by_name(const char *name, size_t len)
{
    for (size_t i = 0; i < gz_nfields; i++)
        if (gz_fields[i].name && strlen(gz_fields[i].name) == len &&
            gz_ascii_ncase_eq(gz_fields[i].name, name, len))
            return &gz_fields[i];
    return NULL;
}

const gz_field *gz_field_of_term(const char *term)
{
    const gz_field *best = NULL;
    size_t best_len = 0;
    if (strncmp(term, GZ_STEM_PREFIX, strlen(GZ_STEM_PREFIX)) == 0)
        term += strlen(GZ_STEM_PREFIX);
    for (size_t i = 0; i < gz_nfields; i++) {
        size_t n = strlen(gz_fields[i].prefix);
        if (n > best_len && strncmp(term, gz_fields[i].prefix, n) == 0) {
            best = &gz_fields[i];
            best_len = n;
        }
    }
    return best;
}

/* The fields of document data, in the order they are written. */
#define DOCDATA_FIELDS(X) \
    X(id) X(path) X(title) X(date) X(source) X(author) X(authors) X(url) \
    X(tags) X(entities) X(date_text)

/* 1 when `value` holds a byte a "key=value" line cannot carry. */
static int needs_escape(const char *value)
{
    return value && strpbrk(value, "\n\r") != NULL;
}

/* Bytes of `value` escaped for a GZ_DOCDATA_ESCAPED line (schema.h). */
static size_t escaped_size(const char *value)
{
    size_t n = 0;
    for (const char *v = value; *v; v++)
        n += (*v == '\n' || *v == '\r' || *v == '\\') ? 2 : 1;
    return n;
}

/* Bytes needed for "key=value\n" with value's newlines flattened, and
 * for the escaped copy of the value when it has any. */
static size_t field_size(const char *key, const char *value)
{
    if (!value)
        return 0;
    size_t n = strlen(key) + 1 + strlen(value) + 1;
    if (needs_escape(value))
        n += strlen(key) + strlen(GZ_DOCDATA_ESCAPED) + 1 +
             escaped_size(value) + 1;
    return n;
}

static char *put_field(char *p, const char *key, const char *value)
{
    if (!value)
        return p;
    size_t klen = strlen(key);
    memcpy(p, key, klen);
    p += klen;
    *p++ = '=';
    for (const char *v = value; *v; v++)
        *p++ = (*v == '\n' || *v == '\r') ? ' ' : *v;
    *p++ = '\n';
    if (!needs_escape(value))
        return p;
    /* "key" GZ_DOCDATA_ESCAPED "=" the value itself, escaped */
    memcpy(p, key, klen);
    p += klen;
    memcpy(p, GZ_DOCDATA_ESCAPED, strlen(GZ_DOCDATA_ESCAPED));
    p += strlen(GZ_DOCDATA_ESCAPED);
    *p++ = '=';
    for (const char *v = value; *v; v++) {
        if (*v == '\n' || *v == '\r' || *v == '\\') {
            *p++ = '\\';
            *p++ = *v == '\n' ? 'n' : *v == '\r' ? 'r' : '\\';
        } else {
            *p++ = *v;
        }
    }
    *p++ = '\n';
    return p;
}

int gz_docdata_encode(const gz_docdata *d, char **out, size_t *out_len)
{
    size_t size = 1 + d->body_len + 1;
#define SIZE_FIELD(f) size += field_size(#f, d->f);
    DOCDATA_FIELDS(SIZE_FIELD)
#undef SIZE_FIELD
    char *buf = malloc(size);
    if (!buf)
        return -1;
    char *p = buf;
#define PUT_FIELD(f) p = put_field(p, #f, d->f);
    DOCDATA_FIELDS(PUT_FIELD)
#undef PUT_FIELD
    *p++ = '\n';
    if (d->body_len)
        memcpy(p, d->body, d->body_len);
    p += d->body_len;
    *p = '\0';
    *out = buf;
    *out_len = (size_t)(p - buf);
    return 0;
}

/* The field named [key, key+klen) of `d`, or NULL for a key it does not
 * have: unknown keys are ignored so that newer indexes stay readable by
 * older code. */
static const char **field_of(gz_docdata *d, const char *key, size_t klen)
{
#define MATCH_FIELD(f)                                                   \
    if (klen == sizeof(#f) - 1 && memcmp(key, #f, klen) == 0)            \
        return &d->f;
    DOCDATA_FIELDS(MATCH_FIELD)
#undef MATCH_FIELD
    return NULL;
}

/* Undo put_field's escapes of the NUL-terminated `s`, in place. */
static void unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r == '\\' && (r[1] == 'n' || r[1] == 'r' || r[1] == '\\')) {
            r++;
            *w++ = *r == 'n' ? '\n' : *r == 'r' ? '\r' : '\\';
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

int gz_docdata_decode(char *data, size_t len, gz_docdata *d)
{
#define EMPTY_FIELD(f) d->f = "";
    DOCDATA_FIELDS(EMPTY_FIELD)
#undef EMPTY_FIELD
    d->body = "";
    d->body_len = 0;
    gz_docdata escaped = {0};   /* the values of "<key>_escaped" lines */
    size_t elen = strlen(GZ_DOCDATA_ESCAPED);
    char *end = data + len;
    char *p = data;
    while (p < end && *p != '\n') {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *eq = memchr(p, '=', (size_t)((nl ? nl : end) - p));
        if (!nl)
            nl = end;
        if (eq) {
            *nl = '\0';
            size_t klen = (size_t)(eq - p);
            const char **f = field_of(d, p, klen);
            if (f) {
                *f = eq + 1;
            } else if (klen > elen &&
                       memcmp(eq - elen, GZ_DOCDATA_ESCAPED, elen) == 0 &&
                       (f = field_of(&escaped, p, klen - elen))) {
                unescape(eq + 1);
                *f = eq + 1;
            }
        }
        p = nl + 1;
    }
#define TAKE_ESCAPED(f) if (escaped.f) d->f = escaped.f;
    DOCDATA_FIELDS(TAKE_ESCAPED)
#undef TAKE_ESCAPED
    if (p < end) {   /* skip the blank separator line */
        d->body = p + 1;
        d->body_len = (size_t)(end - p - 1);
    }
    return 0;
}

size_t gz_make_term(const char *prefix, const char *value, char *buf,
                    size_t bufsize)
{
    size_t plen = strlen(prefix);
    size_t vlen = strlen(value);
    if (plen + vlen <= GZ_MAX_TERM_BYTES) {
        int n = snprintf(buf, bufsize, "%s%s", prefix, value);
        return n < 0 ? 0 : (size_t)n;
    }
    size_t keep = GZ_MAX_TERM_BYTES - plen - 17;   /* '#' + 16 hex digits */
    while (keep > 0 && ((unsigned char)value[keep] & 0xC0) == 0x80)
        keep--;
    uint64_t hash = gz_fnv1a64(GZ_FNV_BASIS, value, vlen);
    int n = snprintf(buf, bufsize, "%s%.*s#%016llx", prefix, (int)keep, value,
                     (unsigned long long)hash);
    return n < 0 ? 0 : (size_t)n;
}

int gz_term_is_hashed(const char *term)
{
    size_t n = strlen(term);
    if (n + 3 < GZ_MAX_TERM_BYTES || n < 17 || term[n - 17] != '#')
        return 0;
    for (size_t i = n - 16; i < n; i++)
        if (!strchr("0123456789abcdef", term[i]))
            return 0;
    return 1;
}

/* Copy `name` into a new string with white space trimmed and each run of
 * it made one space, and U+2019 made an ASCII apostrophe (typeset and
 * typed names then meet). Returns NULL on out of memory. */
static char *entity_spaces(const char *name, size_t *out_len)
{
    char *out = malloc(strlen(name) + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    int pending_space = 0;
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
            c == '\v' || c == (unsigned char)GZ_ENTITY_SEP) {
            pending_space = n > 0;
            continue;
        }
        if (pending_space)
            out[n++] = ' ';
        pending_space = 0;
        if (c == 0xE2 && (unsigned char)p[1] == 0x80 &&
            (unsigned char)p[2] == 0x99) {
            out[n++] = '\'';
            p += 2;
            continue;
        }
        out[n++] = (char)c;
    }
    out[n] = '\0';
    *out_len = n;
    return out;
}

/* ASCII upper case to lower in place: what Xapian's Unicode::tolower
 * does to ASCII, at a fraction of its cost (it looks every character up
 * in its Unicode tables). */
static void ascii_lower(char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        s[i] = (char)gz_ascii_tolower((unsigned char)s[i]);
}

char *gz_value_fold(const char *value, size_t len, size_t *out_len)
{
    char *folded = NULL, *lower = NULL;
    size_t flen = 0;
    if (!gz_fold_accents_needed(value, len)) {
        /* ASCII, most text: accents fold to nothing, case as ASCII */
        lower = malloc(len + 1);
        if (lower) {
            memcpy(lower, value, len);
            lower[len] = '\0';
            ascii_lower(lower, len);
            if (out_len)
                *out_len = len;
        }
        return lower;
    }
    if (gz_fold_accents(value, len, &folded, &flen, NULL) == 0 &&
        xap_unicode_tolower_utf8(folded, flen, &lower, out_len) != XAP_OK)
        lower = NULL;
    free(folded);
    return lower;
}

/* `prefix` + [value, value+len) folded by gz_value_fold, into `buf` as
 * gz_make_term builds it. Returns the term length, or 0 when memory ran
 * out (buf is then ""). */
static size_t folded_term(const char *prefix, const char *value, size_t len,
                          char *buf, size_t size)
{
    size_t n = 0;
    if (size)
        buf[0] = '\0';
    char *lower = gz_value_fold(value, len, NULL);
    if (lower)
        n = gz_make_term(prefix, lower, buf, size);
    free(lower);
    return n;
}

/* `prefix` + the entity key of `name` (gz_entity_term) into buf. */
static size_t entity_key_term(const char *prefix, const char *name,
                              char *buf, size_t size)
{
    if (size)
        buf[0] = '\0';
    size_t len = 0;
    char *spaced = entity_spaces(name ? name : "", &len);
    size_t n = spaced && len ? folded_term(prefix, spaced, len, buf, size)
                             : 0;
    free(spaced);
    return n;
}

size_t gz_entity_term(const char *name, char *buf, size_t size)
{
    return entity_key_term(GZ_PREFIX_ENTITY, name, buf, size);
}

size_t gz_entity_head_term(const char *head, char *buf, size_t size)
{
    return entity_key_term(GZ_PREFIX_ENTITY_HEAD, head, buf, size);
}

size_t gz_value_term(const char *prefix, const char *value, char *buf,
                     size_t size)
{
    return folded_term(prefix, value, strlen(value), buf, size);
}

size_t gz_old_value_term(const char *prefix, const char *value, char *buf,
                         size_t size)
{
    /* As the writer made it: ASCII letters lower-cased into a term-sized
     * buffer (so cut at GZ_TERM_BUF - 1 bytes), then gz_make_term. */
    char lower[GZ_TERM_BUF];
    size_t i = 0;
    for (; value[i] && i + 1 < sizeof lower; i++)
        lower[i] = (char)gz_ascii_tolower((unsigned char)value[i]);
    lower[i] = '\0';
    return gz_make_term(prefix, lower, buf, size);
}

size_t gz_source_length(const char *value, size_t len)
{
    size_t n = len < GZ_SOURCE_BYTES ? len : GZ_SOURCE_BYTES, lead = n;
    while (lead > 0 && ((unsigned char)value[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0 || (unsigned char)value[lead - 1] < 0xC0)
        return n;
    unsigned char c = (unsigned char)value[lead - 1];
    size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return lead - 1 + need > n ? lead - 1 : n;
}

void gz_dedup_key(const char *text, size_t len, char buf[17])
{
    uint64_t h = GZ_FNV_BASIS;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x80 && !gz_ascii_isalnum(c))
            continue;
        unsigned char folded = (unsigned char)gz_ascii_tolower(c);
        h = gz_fnv1a64(h, &folded, 1);
    }
    snprintf(buf, 17, "%016llx", (unsigned long long)h);
}

/* A 64-bit finaliser (SplitMix64's): FNV-1a's low bits over three word
 * hashes are too alike for a fingerprint that votes on every bit. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* The hash of one shingle: three consecutive words' hashes, as
 * little-endian bytes (the same on every host), hashed and mixed. */
static uint64_t shingle_hash(const uint64_t w[3])
{
    uint64_t h = GZ_FNV_BASIS;   /* gz_fnv1a64 of the 24 bytes, inline */
    for (int i = 0; i < 3; i++)
        for (int shift = 0; shift < 64; shift += 8) {
            h ^= (w[i] >> shift) & 0xff;
            h *= GZ_FNV_PRIME;
        }
    return mix64(h);
}

/* How many of a set of 64-bit values have each bit: bits_add adds a
 * value eight bits at a time, acc[k] holding in its byte j the count of
 * bit 8j+k since the last bits_flush, which moves the counts to ones[]
 * before a byte can overflow. A loop over the 64 bits was a fifth of the
 * fingerprint's cost. */
typedef struct bit_counts {
    uint64_t acc[8];
    unsigned pending;   /* values in acc[] */
    uint32_t ones[64];
} bit_counts;

static void bits_flush(bit_counts *c)
{
    for (int k = 0; k < 8; k++) {
        for (int j = 0; j < 8; j++)
            c->ones[8 * j + k] += (uint32_t)(c->acc[k] >> (8 * j)) & 0xff;
        c->acc[k] = 0;
    }
    c->pending = 0;
}

static void bits_add(bit_counts *c, uint64_t v)
{
    for (int k = 0; k < 8; k++)
        c->acc[k] += (v >> k) & 0x0101010101010101ULL;
    if (++c->pending == 255)
        bits_flush(c);
}

/* Adds each distinct value of sh[0..n) bit by bit to ones[] and returns
 * how many distinct values there were, through a hash set (the values
 * are mixed hashes: their low bits index it) rather than a sort:
 * qsort's calls of a comparison were a tenth of an indexing run. Returns
 * (size_t)-1 when memory ran out. */
static size_t count_distinct_bits(const uint64_t *sh, size_t n,
                                  uint32_t ones[64])
{
    bit_counts c = {{0}, 0, {0}};
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    uint64_t *set = calloc(cap, sizeof *set);
    if (!set)
        return (size_t)-1;
    size_t distinct = 0;
    int zero_seen = 0;   /* 0 marks an empty slot, so it is kept aside */
    for (size_t i = 0; i < n; i++) {
        uint64_t v = sh[i];
        if (v == 0) {
            if (zero_seen)
                continue;
            zero_seen = 1;
        } else {
            size_t slot = (size_t)v & (cap - 1);
            while (set[slot] && set[slot] != v)
                slot = (slot + 1) & (cap - 1);
            if (set[slot])
                continue;
            set[slot] = v;
        }
        distinct++;
        bits_add(&c, v);
    }
    free(set);
    bits_flush(&c);
    memcpy(ones, c.ones, sizeof c.ones);
    return distinct;
}

/* A character of a fingerprint word: Xapian's word characters but the
 * connector punctuation ('_' and the like), which would make words of
 * lines of underscores and ASCII art. */
static int simhash_wordchar_multibyte(uint32_t cp)
{
    if (cp == 0x203F || cp == 0x2040 || cp == 0x2054 ||
        cp == 0xFE33 || cp == 0xFE34 || (cp >= 0xFE4D && cp <= 0xFE4F) ||
        cp == 0xFF3F)
        return 0;
    return xap_unicode_is_wordchar(cp);
}

static inline int simhash_wordchar(uint32_t cp)
{
    if (cp < 0x80)   /* Xapian's ASCII word characters: these and '_' */
        return gz_ascii_isalnum((unsigned char)cp);
    return simhash_wordchar_multibyte(cp);
}

size_t gz_simhash(const char *text, size_t len, int cjk_chars,
                  uint64_t *out)
{
    *out = 0;
    if (len > GZ_SIMHASH_MAX_BYTES) {
        len = GZ_SIMHASH_MAX_BYTES;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    size_t flen = 0;
    char *folded = gz_value_fold(text, len, &flen);
    /* At most one shingle a word; each distinct shingle votes once, so
     * a line repeated (a signature, a table) does not outvote the text. */
    uint64_t *sh = folded ? malloc((flen / 2 + 1) * sizeof *sh) : NULL;
    if (!sh) {
        free(folded);
        return 0;
    }
    uint64_t w[3] = {0, 0, 0};
    size_t words = 0, nsh = 0;
    const unsigned char *p = (const unsigned char *)folded;
    const unsigned char *end = p + flen;
    while (p < end) {
        uint32_t cp;
        size_t n = gz_utf8_next(p, end, &cp);
        if (!simhash_wordchar(cp)) {
            p += n;
            continue;
        }
        const unsigned char *start = p;
        if (cjk_chars && gz_is_cjk(cp))
            p += n;   /* a word of one character */
        else
            while (p < end && (n = gz_utf8_next(p, end, &cp)) &&
                   simhash_wordchar(cp) &&
                   !(cjk_chars && gz_is_cjk(cp)))
                p += n;
        w[0] = w[1];
        w[1] = w[2];
        w[2] = gz_fnv1a64(GZ_FNV_BASIS, start, (size_t)(p - start));
        if (++words >= 3)
            sh[nsh++] = shingle_hash(w);
    }
    free(folded);
    if (words < GZ_SIMHASH_MIN_WORDS) {
        free(sh);
        return words;
    }
    /* Each bit is set when more distinct shingles have it than not. */
    uint32_t ones[64];
    size_t distinct = count_distinct_bits(sh, nsh, ones);
    free(sh);
    if (distinct == (size_t)-1)
        return 0;
    uint64_t h = 0;
    for (int b = 0; b < 64; b++)
        if (2 * (uint64_t)ones[b] > distinct)
            h |= 1ULL << b;
    *out = h;
    return words;
}

void gz_simhash_format(uint64_t h, char buf[17])
{
    snprintf(buf, 17, "%016llx", (unsigned long long)h);
}

int gz_simhash_parse(const char *value, size_t len, uint64_t *out)
{
    *out = 0;
    if (len != 16)
        return 0;
    uint64_t h = 0;
    for (size_t i = 0; i < 16; i++) {
        char c = value[i];
        int d = c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return 0;
        h = h << 4 | (uint64_t)d;
    }
    *out = h;
    return 1;
}

int gz_index_language_readable(const char *path)
{
    xap_database *db = NULL;
    char *language = NULL;
    int readable = xap_database_open(path, &db) == XAP_OK &&
                   gz_index_language(db, &language) == XAP_OK && *language;
    free(language);
    xap_database_free(db);
    return readable;
}
