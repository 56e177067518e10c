/*
 * read_jsonl.c - JSON Lines (.jsonl, .ndjson): one article per line.
 *
 *   {"id": "a1", "title": "...", "body": "...", "date": "2023-11-05",
 *    "author": "...", "source": "...", "url": "...", "tags": ["x", "y"]}
 *
 * Each non-blank line is parsed with jansson and must be a JSON object.
 * "body" may be called "text"; as common exports name them, "headline" is
 * read for the title when the line has no "title", and "content" for the
 * body when it has no "body" or "text" (a key that is null counts as
 * absent; the canonical key wins when both are there, even "" or of the
 * wrong type). "title", "body" and "text" that are not strings make the
 * line a bad line, but "headline" and "content", once keys nobody read,
 * are only left out with a warning (an export's {"headline": {"main":
 * ..}} must not cost the article its body).
 *
 * "id" is a string or an integer, printed in full (jansson reads integers
 * below 2^63 exactly; a larger one is invalid JSON to it, and the line a
 * bad line). A real that is whole and below 2^53 in magnitude, where every
 * integer has its own double, is that integer ("id": 1.0 is "1", 1e3 is
 * "1000", the same article id as 1 and 1000); any other real makes the line
 * a bad line: 1.5 has no integer, and printing it would make "1.10" and
 * "1.1" one id. The article id is "<relpath>#<id>", or
 * "<relpath>#line-<number>" when the line has no id. Unknown keys are
 * ignored. The id is kept as written, control characters included, as a
 * file name is: the index stores it whole (schema.h) and printers escape
 * it.
 *
 * The metadata fields are read as exports write them (read_metadata):
 *   "date"    a string, or a number: an integer that is a day written
 *             YYYYMMDD (20240305, as GDELT and many exports write dates;
 *             years 1900-2199: as seconds these would be five weeks of
 *             1970), or a day and a time YYYYMMDDhhmmss or YYYYMMDDhhmm
 *             (GDELT's DATEADDED, 20231103101500: as milliseconds the
 *             year 2611, or 1976 for twelve digits), else Unix time in
 *             seconds, UTC (1709654400, 1709654400.5), or in milliseconds
 *             when its magnitude is 10^11 or more (1709654400000): as
 *             seconds that would be past the year 5000, as milliseconds
 *             it is any day after 3 March 1973 (or before 1966 when
 *             negative). A number that makes a day more than a year from
 *             now (corpus_date_too_late) is left out, as below;
 *   "author", "source"
 *             a string, an object's "name" ({"name": "Ann", "email": ..}),
 *             or an array of these, joined with ", " (each name of an
 *             "author" array an author of its own: corpus.h);
 *   "tags"    one string of comma-separated tags, or an array of strings
 *             and objects with a "name";
 *   "url"     a string.
 * A metadata field of any other type (a boolean, an object without a
 * "name", a date out of the years 1-9999) is left out with a warning
 * (corpus_warning, with the line number), and so is an item of an array
 * that is not a string or a named object: the article is indexed without
 * it, never lost for it.
 *
 * A bad line (not JSON, not an object, an id, title or body that is not a
 * string, an id that is a real but not a whole number, neither title nor
 * body, an id an earlier line has) is reported
 * with its line number through corpus_bad_article() and left out; the
 * other lines are read. A file in which no line is good is not JSON Lines at all and is
 * skipped whole with one reason, instead of one report per line: reports
 * of the first bad lines are held back until the first good line shows
 * the file is worth reading. Past MAX_BAD_BEFORE_GOOD of them the rest of
 * the file is searched for a good line (memory stays bounded): none, and
 * the file is skipped; one, and every bad line is reported.
 *
 * A body that is HTML (looks_like_html: a common element's start and end
 * tags, a <br>, <hr> or <img>, a closed comment), as content systems
 * export "content", is read for its visible text by the HTML reader
 * (html_body), as a mail's HTML part is.
 *
 * Each line is decoded alone (corpus_text_to_utf8 when it is not UTF-8):
 * the lines of one file often come from many sources, and one line in
 * Windows-1252 must not garble the accents of the others.
 */
#include "corpus.h"
#include "ascii.h"
#include "calendar.h"
#include "corpus_internal.h"
#include "strmap.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bad lines held back before any good line; one more and the rest of the
 * file is searched for a good line (has_good_line_after). */
#define MAX_BAD_BEFORE_GOOD 10

/* A bad line's report, held until we know the file is JSON Lines. */
typedef struct held_report {
    unsigned long line;
    char reason[256];
} held_report;

typedef struct jsonl_state {
    corpus_reader *rd;
    unsigned long good;              /* articles emitted */
    unsigned long bad;               /* bad lines seen */
    int good_ahead;                  /* a good line lies ahead: report */
    held_report held[MAX_BAD_BEFORE_GOOD];
    size_t nheld;
    held_report overflow;            /* the bad line that found no room */
    gz_strmap ids;                   /* article id -> its line << 1, | 1
                                        when the line wrote the id */
    unsigned long html_unread;       /* HTML bodies gumbo was missing for */
} jsonl_state;

/* The fields of one line. Strings point into the json_t (or into the
 * buffers and copies below) and live as long as it. */
typedef struct jsonl_fields {
    const char *id, *title, *body, *date, *author, *source, *url;
    size_t body_len;
    char id_buf[32];                 /* an integer id, printed */
    char date_buf[32];               /* a number date, as ISO 8601 */
    const char **tags;               /* malloc()ed */
    size_t ntags;
    char *tag_copy;                  /* writable copy of a "tags" string */
    const char **authors;            /* an "author" array's names,
                                        malloc()ed */
    size_t nauthors;
    char *source_copy;               /* joined names, malloc()ed */
    const char *body_key;            /* "body", "text" or "content" */
    char *body_text;                 /* the text of an HTML body, malloc()ed */
    char html_note[200];             /* an HTML body kept as written: why */
    char dropped[240];               /* what was left out, for a warning */
    int ndropped;
} jsonl_fields;

static void fields_free(jsonl_fields *f)
{
    free(f->body_text);
    free(f->tags);
    free(f->tag_copy);
    free(f->authors);
    free(f->source_copy);
}

/* 1 when string `v` holds a NUL character (\u0000, which the parser
 * lets through: JSON_ALLOW_NUL). */
static int has_nul(const json_t *v)
{
    return strlen(json_string_value(v)) != json_string_length(v);
}

/* Make each NUL character of string `v` a space, as every field but the
 * id has its control characters made spaces (a C string would end at
 * it: "a\u0000b" would be "a"). Returns 0, or -2 when out of memory. */
static int nul_to_space(json_t *v)
{
    if (!has_nul(v))
        return 0;
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    char *copy = malloc(n);
    if (!copy)
        return -2;
    for (size_t i = 0; i < n; i++)
        copy[i] = s[i] ? s[i] : ' ';
    int rc = json_string_setn(v, copy, n);
    free(copy);
    return rc == 0 ? 0 : -2;
}

/* Make the NUL characters of every string in `v` spaces (nul_to_space),
 * but those of the line's "id" (`top`: v is the line's object), kept
 * exact and refused by read_id. Returns 0, or -2 when out of memory. */
static int nuls_to_spaces(json_t *v, int top)
{
    int rc = 0;
    if (json_is_string(v))
        return nul_to_space(v);
    if (json_is_array(v)) {
        for (size_t i = 0; rc == 0 && i < json_array_size(v); i++)
            rc = nuls_to_spaces(json_array_get(v, i), 0);
        return rc;
    }
    const char *key;
    json_t *member;
    if (json_is_object(v))
        json_object_foreach(v, key, member) {
            if (rc == 0 && !(top && strcmp(key, "id") == 0))
                rc = nuls_to_spaces(member, 0);
        }
    return rc;
}

/*
 * optional_string - the string member `key` of `obj` into *out (NULL when
 * absent or null). Returns 0, or -1 with `err` worded when the member is
 * of another type.
 */
static int optional_string(json_t *obj, const char *key, const char **out,
                           size_t *len, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        snprintf(err, errlen, "\"%s\" is not a string", key);
        return -1;
    }
    *out = json_string_value(v);
    if (len)
        *len = json_string_length(v);
    return 0;
}

/* Largest magnitude of a real id read as an integer: 2^53, from where on
 * a double no longer holds every integer (9007199254740993.0 would be
 * ...992). */
#define ID_REAL_LIMIT 9007199254740992.0

/* `x` in as few significant digits as read back to the same double, for
 * messages ("1.5", not "1.5000000000000000"). */
static void shortest_real(double x, char *buf, size_t n)
{
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, n, "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

/* "id": a string, or an integer printed into f->id_buf (also when written
 * as a whole real, see the top of this file). */
static int read_id(json_t *obj, jsonl_fields *f, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, "id");
    f->id = NULL;
    if (v && json_is_real(v)) {
        double x = json_real_value(v);
        char num[32];
        shortest_real(x, num, sizeof num);
        if (!(x > -ID_REAL_LIMIT && x < ID_REAL_LIMIT)) {
            snprintf(err, errlen, "\"id\" %s is a real number too large to "
                     "be exact: write it as an integer or a string", num);
            return -1;
        }
        if (x != (double)(json_int_t)x) {        /* in range: see above */
            snprintf(err, errlen, "\"id\" %s is not a whole number: write it "
                     "as a string", num);
            return -1;
        }
        snprintf(f->id_buf, sizeof f->id_buf, "%" JSON_INTEGER_FORMAT,
                 (json_int_t)x);
        f->id = f->id_buf;
        return 0;
    }
    if (v && json_is_integer(v)) {
        snprintf(f->id_buf, sizeof f->id_buf, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(v));
        f->id = f->id_buf;
        return 0;
    }
    if (v && json_is_string(v) && has_nul(v)) {
        /* an id is kept exact, control characters included */
        snprintf(err, errlen, "\"id\" holds a NUL character (\\u0000)");
        return -1;
    }
    int rc = optional_string(obj, "id", &f->id, NULL, err, errlen);
    if (rc == -1)
        snprintf(err, errlen, "\"id\" is not a string or a number");
    return rc;
}

/* The JSON type of `v` in words, for messages. */
static const char *kind_of(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:  return "an object";
    case JSON_ARRAY:   return "an array";
    case JSON_STRING:  return "a string";
    case JSON_INTEGER:
    case JSON_REAL:    return "a number";
    case JSON_TRUE:
    case JSON_FALSE:   return "a boolean";
    case JSON_NULL:    return "null";
    }
    return "something else";
}

/* Note a metadata value left out (printf-style), for the one warning
 * the article gets when it is handed on. */
static void dropped(jsonl_fields *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void dropped(jsonl_fields *f, const char *fmt, ...)
{
    size_t used = strlen(f->dropped);
    if (used + 3 >= sizeof f->dropped)
        return;
    if (f->ndropped++)
        used += (size_t)snprintf(f->dropped + used,
                                 sizeof f->dropped - used, "; ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->dropped + used, sizeof f->dropped - used, fmt, ap);
    va_end(ap);
}

/* Smallest magnitude of a number date read as milliseconds (see the top
 * of this file): 10^11 seconds is past the year 5000, 10^11 milliseconds
 * is 3 March 1973. */
#define EPOCH_MS_FROM 1e11

/* A number date (Unix time, see the top of this file) written into
 * f->date_buf as "YYYY-MM-DDThh:mm:ssZ" (UTC). 0 when it names no day of
 * the years 1-9999. */
static int epoch_date(double v, jsonl_fields *f)
{
    if (v >= EPOCH_MS_FROM || v <= -EPOCH_MS_FROM)
        v /= 1000;
    /* 1 Jan 0001 is -62135596800, 31 Dec 9999 ends at 253402300800 */
    if (!(v >= -62135596800.0 && v < 253402300800.0))
        return 0;
    long long secs = (long long)v;       /* toward zero, then down */
    if ((double)secs > v)
        secs--;
    long long days = secs / 86400, rest = secs % 86400;
    if (rest < 0) {
        rest += 86400;
        days--;
    }
    long long year;
    int month, day;
    gz_civil_from_days(days, &year, &month, &day);
    snprintf(f->date_buf, sizeof f->date_buf,
             "%04lld-%02d-%02dT%02d:%02d:%02dZ", year, month, day,
             (int)(rest / 3600), (int)(rest / 60 % 60), (int)(rest % 60));
    return 1;
}

/* 1 when `v` is an integer whose digits write a day as YYYYMMDD, or a
 * day and a time as YYYYMMDDhhmm or YYYYMMDDhhmmss (see the top of this
 * file), then put in f->date_buf as such. */
static int compact_date(const json_t *v, jsonl_fields *f)
{
    if (!json_is_integer(v) || json_integer_value(v) < 19000101)
        return 0;
    int n = snprintf(f->date_buf, sizeof f->date_buf,
                     "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return (n == 8 || n == 12 || n == 14) &&
           corpus_date_form(f->date_buf, NULL, NULL, NULL);
}

/* 1 when the date in f->date_buf, read from the number `v` (`how` it
 * was read), is too late to be an article's (corpus_date_too_late):
 * then left out, noted for the warning. */
static int too_late(jsonl_fields *f, double v, const char *how)
{
    int y, m, d;
    if (!corpus_date_form(f->date_buf, &y, &m, &d) ||
        !corpus_date_too_late(y, m, d))
        return 0;
    dropped(f, "\"date\" %.15g is %04d-%02d-%02d%s, more than a year from "
            "now", v, y, m, d, how);
    return 1;
}

/* "date": a string, or a number: a day (and time) as YYYYMMDD[hhmm[ss]],
 * else seconds or milliseconds since 1970 (UTC); a number that makes a
 * day more than a year from now is left out with a warning, as it cannot
 * be when the article appeared (a string is checked by corpus_emit, as
 * every format's date). */
static void read_date(json_t *obj, jsonl_fields *f)
{
    json_t *v = json_object_get(obj, "date");
    if (!v || json_is_null(v))
        return;
    if (json_is_string(v)) {
        f->date = json_string_value(v);
    } else if (compact_date(v, f)) {
        if (!too_late(f, json_number_value(v), ""))
            f->date = f->date_buf;
    } else if (json_is_number(v)) {
        double x = json_number_value(v);
        if (!epoch_date(x, f))
            dropped(f, "\"date\" %.15g is out of the years 1-9999 as Unix "
                    "time", x);
        else if (!too_late(f, x, x >= EPOCH_MS_FROM || x <= -EPOCH_MS_FROM
                                     ? " as Unix time in milliseconds"
                                     : " as Unix time in seconds"))
            f->date = f->date_buf;
    } else {
        dropped(f, "\"date\" is %s", kind_of(v));
    }
}

/* The name an array item or a whole value stands for: a string, or the
 * string "name" of an object; NULL for anything else. */
static const char *name_of(const json_t *v)
{
    if (json_is_object(v))
        v = json_object_get(v, "name");
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "author" or "source" (`key`): a name (see name_of) into *out, or the
 * non-empty names of an array into *names (a new array, *n of them,
 * pointing into `obj`). Returns 0, or -1 when out of memory. */
static int read_names(json_t *obj, const char *key, jsonl_fields *f,
                      const char **out, const char ***names, size_t *n)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v)) {
        *out = name_of(v);
        if (!*out)
            dropped(f, "\"%s\" is %s%s", key, kind_of(v),
                    json_is_object(v) ? " without a \"name\"" : "");
        return 0;
    }
    size_t size = json_array_size(v);
    if (!size)
        return 0;
    if (!(*names = malloc(size * sizeof **names)))
        return -1;
    for (size_t i = 0; i < size; i++) {
        json_t *item = json_array_get(v, i);
        const char *name = name_of(item);
        if (!name)
            dropped(f, "\"%s\"[%zu] is %s%s", key, i, kind_of(item),
                    json_is_object(item) ? " without a \"name\"" : "");
        else if (*name)
            (*names)[(*n)++] = name;
    }
    return 0;
}

/* "author": its name, or the names of its array, each an author
 * (corpus_emit joins them). Returns 0, or -1 when out of memory. */
static int read_authors(json_t *obj, jsonl_fields *f)
{
    return read_names(obj, "author", f, &f->author, &f->authors,
                      &f->nauthors);
}

/* "source": its name, or the names of its array joined with ", ".
 * Returns 0, or -1 when out of memory. */
static int read_source(json_t *obj, jsonl_fields *f)
{
    const char **names = NULL;
    size_t n = 0;
    int rc = read_names(obj, "source", f, &f->source, &names, &n);
    if (rc == 0 && names) {
        f->source_copy = corpus_join_names(names, n, ", ");
        f->source = f->source_copy;
        rc = f->source_copy ? 0 : -1;
    }
    free(names);
    return rc;
}

/* "url": a string. */
static void read_url(json_t *obj, jsonl_fields *f)
{
    json_t *v = json_object_get(obj, "url");
    if (!v || json_is_null(v))
        return;
    if (json_is_string(v))
        f->url = json_string_value(v);
    else
        dropped(f, "\"url\" is %s", kind_of(v));
}

/* "tags": one comma-separated string, or an array of names (see
 * name_of). Returns 0, or -1 when out of memory. */
static int read_tags(json_t *obj, jsonl_fields *f)
{
    json_t *v = json_object_get(obj, "tags");
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        f->tag_copy = strdup(json_string_value(v));
        if (!f->tag_copy ||
            corpus_split_list(f->tag_copy, &f->tags, &f->ntags) != 0)
            return -1;
        return 0;
    }
    if (!json_is_array(v)) {
        dropped(f, "\"tags\" is %s", kind_of(v));
        return 0;
    }
    size_t n = json_array_size(v);
    if (n == 0)
        return 0;
    f->tags = malloc(n * sizeof *f->tags);
    if (!f->tags)
        return -1;
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_array_get(v, i);
        const char *name = name_of(t);
        if (!name)
            dropped(f, "\"tags\"[%zu] is %s%s", i, kind_of(t),
                    json_is_object(t) ? " without a \"name\"" : "");
        else if (*name)
            f->tags[f->ntags++] = name;
    }
    return 0;
}

/* The metadata of one line (see the top of this file): what cannot be
 * read is left out and noted in f->dropped. Returns 0, or -1 when out
 * of memory. */
static int read_metadata(json_t *obj, jsonl_fields *f)
{
    read_date(obj, f);
    read_url(obj, f);
    if (read_authors(obj, f) != 0 || read_source(obj, f) != 0)
        return -1;
    return read_tags(obj, f);
}

/* A synonym of a missing title or body ("headline", "content", see the
 * top of this file): the string member `key` into *out (and its length
 * into *len when not NULL); one of another type is noted in f->dropped
 * and left out. */
static void read_synonym(json_t *obj, const char *key, jsonl_fields *f,
                         const char **out, size_t *len)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return;
    if (!json_is_string(v)) {
        dropped(f, "\"%s\" is %s", key, kind_of(v));
        return;
    }
    *out = json_string_value(v);
    if (len)
        *len = json_string_length(v);
}

/*
 * read_fields - pull the article fields out of one parsed line. Returns 0,
 * -1 with `err` worded when the line is bad, -2 when out of memory.
 * f's copies may be allocated whatever the result (fields_free).
 */
static int read_fields(json_t *obj, jsonl_fields *f, char *err,
                       size_t errlen)
{
    int rc = read_id(obj, f, err, errlen);
    if (rc == 0)
        rc = optional_string(obj, "title", &f->title, NULL, err, errlen);
    if (rc == 0 && !f->title)
        read_synonym(obj, "headline", f, &f->title, NULL);
    if (rc == 0)
        rc = optional_string(obj, f->body_key = "body", &f->body,
                             &f->body_len, err, errlen);
    if (rc == 0 && !f->body)
        rc = optional_string(obj, f->body_key = "text", &f->body,
                             &f->body_len, err, errlen);
    if (rc == 0 && !f->body)
        read_synonym(obj, f->body_key = "content", f, &f->body,
                     &f->body_len);
    if (rc == 0 && (!f->title || !*f->title) && (!f->body || !*f->body)) {
        /* with what a synonym of the wrong type was, if any */
        snprintf(err, errlen, "no \"title\", \"headline\", \"body\", "
                 "\"text\" or \"content\"%s%.150s%s", f->ndropped ? " (" : "",
                 f->ndropped ? f->dropped : "", f->ndropped ? ")" : "");
        rc = -1;
    }
    if (rc == 0 && read_metadata(obj, f) != 0)
        rc = -2;
    return rc;
}

/* ------------------------------------------------------- HTML bodies */

/* The elements whose tags make a body HTML (looks_like_html): those of
 * the HTML of articles as content systems export it. The first
 * N_VOID_ELEMENTS have no end tag. At most 64 (a bit each). */
static const char *const html_elements[] = {
    "br", "hr", "img",
    "a", "abbr", "article", "aside", "audio", "b", "blockquote", "caption",
    "cite", "code", "dd", "del", "div", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "i", "iframe", "ins",
    "li", "mark", "noscript", "ol", "p", "picture", "pre", "q", "s",
    "script", "section", "small", "span", "strong", "style", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "time", "tr", "u", "ul",
    "video",
};
#define N_VOID_ELEMENTS 3
#define N_HTML_ELEMENTS (sizeof html_elements / sizeof html_elements[0])
_Static_assert(N_HTML_ELEMENTS <= 64, "one bit of a uint64_t each");

/* A tag longer than this (its attributes) is taken for no tag. */
#define MAX_TAG_BYTES 2048

/* The index in html_elements of the tag name [p, p+n), any case, or -1. */
static int html_element(const char *p, size_t n)
{
    for (size_t i = 0; i < N_HTML_ELEMENTS; i++) {
        const char *name = html_elements[i];
        size_t j = 0;
        while (j < n && name[j] && (p[j] | 0x20) == name[j])
            j++;
        if (j == n && !name[j])
            return (int)i;
    }
    return -1;
}

/* The tag at p ('<') in [p, end): its element (html_element) and 1 for
 * an end tag in *closing; returns the byte after its '>', or NULL when p
 * opens no tag of a known element (a name, then a blank, '/' or '>',
 * and a '>' before the next '<' and within MAX_TAG_BYTES). */
static const char *html_tag(const char *p, const char *end, int *element,
                            int *closing)
{
    const char *q = p + 1;
    *closing = q < end && *q == '/';
    q += *closing;
    const char *name = q;
    while (q < end && (gz_ascii_isalnum(*q)))
        q++;
    if (q == name || q >= end ||
        (*q != '>' && *q != '/' && !corpus_is_space((unsigned char)*q)) ||
        (*element = html_element(name, (size_t)(q - name))) < 0)
        return NULL;
    for (; q < end && q - p < MAX_TAG_BYTES && *q != '<'; q++)
        if (*q == '>')
            return q + 1;
    return NULL;
}

/*
 * looks_like_html - 1 when the body [s, s+n) is HTML, as exports of
 * WordPress or Ghost write "content": it holds a start tag of a common
 * element (html_elements) and, after it, that element's end tag
 * ("<p>...</p>", "<a href=...>...</a>"), or a <br>, <hr> or <img> tag,
 * or a closed comment ("<!-- wp:paragraph -->"). Text that mentions a
 * tag ("the <p> element", "a<b and c>d") is none of these, and is kept
 * as written: read as HTML it could lose words.
 */
static int looks_like_html(const char *s, size_t n)
{
    const char *end = s + n;
    uint64_t opened = 0;                 /* elements whose start tag met */
    int comment_closes = 1;              /* a "-->" may lie ahead */
    for (const char *p = s; (p = memchr(p, '<', (size_t)(end - p)));) {
        if (comment_closes && end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
            for (const char *q = p + 4; q + 3 <= end; q++)
                if (memcmp(q, "-->", 3) == 0)
                    return 1;
            comment_closes = 0;          /* none after this one either */
        }
        int element, closing;
        const char *after = html_tag(p, end, &element, &closing);
        if (!after) {
            p++;
            continue;
        }
        if (element < N_VOID_ELEMENTS ||
            (closing && (opened >> element & 1)))
            return 1;
        if (!closing)
            opened |= (uint64_t)1 << element;
        p = after;
    }
    return 0;
}

/* The HTML reader's body of a JSON Lines body, kept (its callback). */
typedef struct html_text {
    char *body;
    size_t len;
} html_text;

static int keep_html_text(const corpus_article *a, void *ctx)
{
    html_text *h = ctx;
    h->body = malloc(a->body_len + 1);
    if (!h->body)
        return 1;
    memcpy(h->body, a->body, a->body_len);
    h->body[a->body_len] = '\0';
    h->len = a->body_len;
    return 0;
}

/*
 * html_body - when f->body is HTML (looks_like_html), read it as the
 * HTML reader reads the HTML part of a mail (corpus_parse_html, all its
 * visible text the body: no tags, attributes, comments, scripts or
 * styles) into f->body_text, and make that the body. A body the HTML
 * reader cannot read (gumbo not loaded, a page too deep or too costly)
 * is kept as written, why in f->html_note. Returns 0, -1 with `err`
 * worded when no text is left and the line has no title (a bad line), or
 * -2 when out of memory.
 */
static int html_body(jsonl_state *st, jsonl_fields *f, char *err,
                     size_t errlen)
{
    if (!f->body || !looks_like_html(f->body, f->body_len))
        return 0;
    char *copy = malloc(f->body_len + 1);
    if (!copy)
        return -2;
    memcpy(copy, f->body, f->body_len);
    copy[f->body_len] = '\0';
    html_text h = {NULL, 0};
    char why[160] = "";
    corpus_options quiet = {.max_bytes = st->rd->opts->max_bytes};
    corpus_reader sub = {.file = st->rd->file, .opts = &quiet,
                         .on_article = keep_html_text, .ctx = &h,
                         .why = why, .whylen = sizeof why,
                         .html_text_only = 1};
    corpus_buf buf = {copy, f->body_len};
    corpus_status s = corpus_parse_html(&sub, &buf);
    free(buf.data);          /* the parser may have freed it */
    if (s == CORPUS_ERR_NOMEM || (s == CORPUS_STOPPED && !h.body))
        return -2;
    if (s != CORPUS_OK && s != CORPUS_SKIP_EMPTY) {
        /* gumbo missing is said once a file, not on every line */
        if (s != CORPUS_ERR_RESOURCES || !st->html_unread++)
            snprintf(f->html_note, sizeof f->html_note, "%s", why);
        return 0;
    }
    f->body_text = h.body;
    f->body = h.body ? h.body : "";
    f->body_len = h.len;
    if (!f->body_len && (!f->title || !*f->title)) {
        snprintf(err, errlen, "\"%s\" is HTML without text, and there is "
                 "no \"title\" or \"headline\"", f->body_key);
        return -1;
    }
    return 0;
}

/* A bad line: held back while no line has been good, reported otherwise.
 * Returns 1 when no more can be held (the caller looks ahead). */
static int bad_line(jsonl_state *st, unsigned long line, const char *reason)
{
    st->bad++;
    if (st->good || st->good_ahead) {
        corpus_bad_article(st->rd, line, "%s", reason);
        return 0;
    }
    held_report *h = st->nheld == MAX_BAD_BEFORE_GOOD
                         ? &st->overflow : &st->held[st->nheld++];
    h->line = line;
    snprintf(h->reason, sizeof h->reason, "%s", reason);
    return h == &st->overflow;
}

/* The first good line: the held-back bad lines are real bad lines of a
 * JSON Lines file, report them now. */
static void release_held(jsonl_state *st)
{
    for (size_t i = 0; i < st->nheld; i++)
        corpus_bad_article(st->rd, st->held[i].line, "%s",
                           st->held[i].reason);
    st->nheld = 0;
}

/* CORPUS_OK when no earlier line of the file has the article id `id`
 * (it is then remembered for `line`; `given` 0 when the line has no id
 * and `id` is the "line-N" made for it); CORPUS_SKIP_MALFORMED with
 * `err` worded when one has: the later line is a bad one, not a
 * replacement (the two would be one article and the first would vanish
 * unsaid); CORPUS_ERR_NOMEM. The message says which line wrote the id:
 * a line without one has none to repeat. */
static corpus_status repeated_id(jsonl_state *st, const char *id,
                                 int given, unsigned long line, char *err,
                                 size_t errlen)
{
    size_t len = strlen(id);
    long first = gz_strmap_get(&st->ids, id, len);
    if (first >= 0) {
        const char *hash = strrchr(id, '#');
        const char *shown = hash ? hash + 1 : id;
        long at = first >> 1;
        if (!given)
            snprintf(err, errlen, "no \"id\", and the id a line without "
                     "one is given, \"%.150s\", is line %ld's", shown, at);
        else if (!(first & 1))
            snprintf(err, errlen, "id \"%.150s\" is line %ld's too (the "
                     "id of a line without one)", shown, at);
        else
            snprintf(err, errlen, "id \"%.150s\" is line %ld's too",
                     shown, at);
        return CORPUS_SKIP_MALFORMED;
    }
    /* the line, and 1 when its id was written (not made up) */
    return gz_strmap_put(&st->ids, id, len, (long)(line << 1) | !!given) == 0
               ? CORPUS_OK : CORPUS_ERR_NOMEM;
}

/* Build "<relpath>#<id>" (malloc; caller frees). NULL when out of memory. */
static char *article_id(const char *relpath, const char *id,
                        unsigned long line)
{
    char num[32];
    if (!id || !*id) {
        /* not a bare number: "id": "4" on another line must not meet it */
        snprintf(num, sizeof num, "line-%lu", line);
        id = num;
    }
    size_t n = strlen(relpath) + 1 + strlen(id) + 1;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s#%s", relpath, id);
    return out;
}

/* The line [p, p+len) parsed by jansson, decoded first when it is not
 * UTF-8 (each line alone: see the top of this file), its strings'
 * NUL characters made spaces but the id's (nuls_to_spaces). NULL with
 * `jerr` filled when it is not JSON, or with *nomem set when memory ran
 * out. */
static json_t *load_line(const char *p, size_t len, json_error_t *jerr,
                         int *nomem)
{
    *nomem = 0;
    json_t *obj = NULL;
    if (corpus_utf8_valid(p, len)) {
        obj = json_loadb(p, len, JSON_ALLOW_NUL, jerr);
    } else {
        char *decoded = corpus_text_to_utf8(p, len, &len);
        if (!decoded) {
            *nomem = 1;
            return NULL;
        }
        obj = json_loadb(decoded, len, JSON_ALLOW_NUL, jerr);
        free(decoded);
    }
    if (obj && nuls_to_spaces(obj, 1) != 0) {
        json_decref(obj);
        *nomem = 1;
        return NULL;
    }
    return obj;
}

/*
 * one_line - parse and hand on the line [p, p+len) (number `line`).
 * Returns CORPUS_OK (also for a bad line), CORPUS_STOPPED,
 * CORPUS_ERR_NOMEM, or CORPUS_SKIP_MALFORMED when the file is given up.
 */
static corpus_status one_line(jsonl_state *st, const char *p, size_t len,
                              unsigned long line)
{
    json_error_t jerr;
    char err[256];
    int nomem;
    json_t *obj = load_line(p, len, &jerr, &nomem);
    if (nomem)
        return CORPUS_ERR_NOMEM;
    if (!obj) {
        snprintf(err, sizeof err, "invalid JSON at column %d: %s",
                 jerr.column, jerr.text);
        return bad_line(st, line, err) ? CORPUS_SKIP_MALFORMED : CORPUS_OK;
    }
    if (!json_is_object(obj)) {
        json_decref(obj);
        return bad_line(st, line, "not a JSON object")
                   ? CORPUS_SKIP_MALFORMED : CORPUS_OK;
    }

    jsonl_fields f = {0};
    corpus_status s = CORPUS_OK;
    int rc = read_fields(obj, &f, err, sizeof err);
    if (rc == 0)
        rc = html_body(st, &f, err, sizeof err);
    char *id = NULL;
    if (rc == -2 || (rc == 0 && !(id = article_id(st->rd->file->relpath,
                                                  f.id, line)))) {
        s = CORPUS_ERR_NOMEM;
    } else if (rc == -1) {
        if (bad_line(st, line, err))
            s = CORPUS_SKIP_MALFORMED;
    } else if ((s = repeated_id(st, id, f.id && *f.id, line, err,
                                sizeof err)) != CORPUS_OK) {
        if (s == CORPUS_SKIP_MALFORMED && !bad_line(st, line, err))
            s = CORPUS_OK;
    } else {
        release_held(st);
        st->good++;
        if (f.ndropped)
            corpus_warning(st->rd, line, "%s: the article is indexed "
                           "without %s", f.dropped,
                           f.ndropped == 1 ? "it" : "them");
        if (f.html_note[0])
            corpus_warning(st->rd, line, "\"%s\" is HTML but is indexed "
                           "as written: %s", f.body_key, f.html_note);
        corpus_article a = {
            .id = id, .title = f.title ? f.title : "",
            .body = f.body ? f.body : "", .body_len = f.body ? f.body_len : 0,
            .date = f.date, .author = f.author, .authors = f.authors,
            .nauthors = f.nauthors, .source = f.source, .url = f.url,
            .tags = f.tags, .ntags = f.ntags};
        s = corpus_emit(st->rd, &a, line);
    }
    free(id);
    fields_free(&f);
    json_decref(obj);
    return s;
}

/* 1 when [p, e) is only whitespace. */
static int blank(const char *p, const char *e)
{
    for (; p < e; p++)
        if (!corpus_is_space((unsigned char)*p))
            return 0;
    return 1;
}

/* 1 when a line of [p, end) would make an article (its id unchecked):
 * the bad lines held so far belong to a JSON Lines file after all. Else
 * 0, with the bad (non-blank) lines added to *bad. */
static int has_good_line_after(const char *p, const char *end,
                               unsigned long *bad)
{
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *line = p;
        p = nl ? nl + 1 : end;
        if (blank(line, eol))
            continue;
        json_error_t jerr;
        int nomem;
        json_t *obj = load_line(line, (size_t)(eol - line), &jerr, &nomem);
        int good = 0;
        if (obj && json_is_object(obj)) {
            jsonl_fields f = {0};
            char err[256];
            good = read_fields(obj, &f, err, sizeof err) == 0;
            fields_free(&f);
        }
        json_decref(obj);
        if (good)
            return 1;
        ++*bad;
    }
    return 0;
}

/* The skip reason of a file with no good line, quoting its first bad
 * line. */
static corpus_status not_jsonl(jsonl_state *st)
{
    const held_report *h = &st->held[0];
    return corpus_why(st->rd->why, st->rd->whylen, CORPUS_SKIP_MALFORMED,
                      "no valid article in %lu line%s (line %lu: %s)",
                      st->bad, st->bad == 1 ? "" : "s", h->line, h->reason);
}

/*
 * corpus_parse_jsonl - see corpus_internal.h. Lines are numbered from 1,
 * blank lines count but are ignored.
 */
corpus_status corpus_parse_jsonl(corpus_reader *rd, corpus_buf *text)
{
    jsonl_state st = {.rd = rd};
    const char *p = text->data, *end = text->data + text->len;
    unsigned long line = 0;
    corpus_status s = CORPUS_OK;

    while (p < end && s == CORPUS_OK) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        line++;
        if (!blank(p, eol))
            s = one_line(&st, p, (size_t)(eol - p), line);
        p = nl ? nl + 1 : end;
        if (s == CORPUS_SKIP_MALFORMED &&
            has_good_line_after(p, end, &st.bad)) {
            st.good_ahead = 1;           /* report them all, go on */
            release_held(&st);
            corpus_bad_article(rd, st.overflow.line, "%s",
                               st.overflow.reason);
            s = CORPUS_OK;
        }
    }
    gz_strmap_free(&st.ids);
    if (s == CORPUS_SKIP_MALFORMED || (s == CORPUS_OK && !st.good && st.bad))
        return not_jsonl(&st);
    if (s == CORPUS_OK && !st.good)
        return corpus_why(rd->why, rd->whylen, CORPUS_SKIP_EMPTY,
                          "no articles");
    return s;
}
