/*
 * read_jsonl.c - JSON Lines (.jsonl, .ndjson): one article per line.
 *
 *   {"id": "a1", "title": "...", "body": "...", "date": "2023-11-05",
 *    "author": "...", "source": "...", "url": "...", "tags": ["x", "y"]}
 *
 * Each non-blank line is parsed with jansson and must be a JSON object.
 * "body" may be called "text"; "tags" is an array of strings or one string
 * of comma-separated tags; "id" is a string or an integer. The article id
 * is "<relpath>#<id>", or "<relpath>#line-<number>" when the line has no
 * id. Unknown keys are ignored. The id is kept as written, control
 * characters included, as a file name is: the index stores it whole
 * (schema.h) and printers escape it.
 *
 * A bad line (not JSON, not an object, a field of the wrong type, neither
 * title nor body, an id an earlier line has) is reported with its line
 * number through corpus_bad_article() and left out; the other lines are
 * read. A file in which no line is good is not JSON Lines at all and is
 * skipped whole with one reason, instead of one report per line: reports
 * of the first bad lines are held back until the first good line shows
 * the file is worth reading. Past MAX_BAD_BEFORE_GOOD of them the rest of
 * the file is searched for a good line (memory stays bounded): none, and
 * the file is skipped; one, and every bad line is reported.
 *
 * Each line is decoded alone (corpus_text_to_utf8 when it is not UTF-8):
 * the lines of one file often come from many sources, and one line in
 * Windows-1252 must not garble the accents of the others.
 */
#include "corpus.h"
#include "corpus_internal.h"
#include "strmap.h"

#include <inttypes.h>
#include <jansson.h>
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
    gz_strmap ids;                   /* article id -> its line */
} jsonl_state;

/* The fields of one line. Strings point into the json_t (or into
 * `tag_copy`) and live as long as it. */
typedef struct jsonl_fields {
    const char *id, *title, *body, *date, *author, *source, *url;
    size_t body_len;
    char id_buf[32];                 /* an integer id, printed */
    const char **tags;               /* malloc()ed */
    size_t ntags;
    char *tag_copy;                  /* writable copy of a "tags" string */
} jsonl_fields;

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

/*
 * optional_string - the string member `key` of `obj` into *out (NULL when
 * absent or null), NUL characters made spaces. Returns 0, -1 with `err`
 * worded when the member is of another type, -2 when out of memory.
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
    if (nul_to_space(v) != 0)
        return -2;
    *out = json_string_value(v);
    if (len)
        *len = json_string_length(v);
    return 0;
}

/* "id": a string, or an integer printed into f->id_buf. */
static int read_id(json_t *obj, jsonl_fields *f, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, "id");
    f->id = NULL;
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
        snprintf(err, errlen, "\"id\" is not a string or an integer");
    return rc;
}

/* "tags": an array of strings or one comma-separated string. Returns 0,
 * -1 with `err` worded on a wrong type, -2 when out of memory. */
static int read_tags(json_t *obj, jsonl_fields *f, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, "tags");
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        if (nul_to_space(v) != 0)
            return -2;
        f->tag_copy = strdup(json_string_value(v));
        if (!f->tag_copy ||
            corpus_split_list(f->tag_copy, &f->tags, &f->ntags) != 0)
            return -2;
        return 0;
    }
    if (!json_is_array(v)) {
        snprintf(err, errlen, "\"tags\" is not a string or an array");
        return -1;
    }
    size_t n = json_array_size(v);
    if (n == 0)
        return 0;
    f->tags = malloc(n * sizeof *f->tags);
    if (!f->tags)
        return -2;
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_array_get(v, i);
        if (!json_is_string(t)) {
            snprintf(err, errlen, "\"tags\"[%zu] is not a string", i);
            return -1;
        }
        if (nul_to_space(t) != 0)
            return -2;
        if (json_string_value(t)[0])
            f->tags[f->ntags++] = json_string_value(t);
    }
    return 0;
}

/*
 * read_fields - pull the article fields out of one parsed line. Returns 0,
 * -1 with `err` worded when the line is bad, -2 when out of memory.
 * f->tags / f->tag_copy may be allocated whatever the result.
 */
static int read_fields(json_t *obj, jsonl_fields *f, char *err,
                       size_t errlen)
{
    int rc = read_id(obj, f, err, errlen);
    if (rc == 0)
        rc = optional_string(obj, "title", &f->title, NULL, err, errlen);
    if (rc == 0)
        rc = optional_string(obj, "body", &f->body, &f->body_len, err,
                             errlen);
    if (rc == 0 && !f->body)
        rc = optional_string(obj, "text", &f->body, &f->body_len, err,
                             errlen);
    if (rc == 0)
        rc = optional_string(obj, "date", &f->date, NULL, err, errlen);
    if (rc == 0)
        rc = optional_string(obj, "author", &f->author, NULL, err, errlen);
    if (rc == 0)
        rc = optional_string(obj, "source", &f->source, NULL, err, errlen);
    if (rc == 0)
        rc = optional_string(obj, "url", &f->url, NULL, err, errlen);
    if (rc == 0)
        rc = read_tags(obj, f, err, errlen);
    if (rc == 0 && (!f->title || !*f->title) && (!f->body || !*f->body)) {
        snprintf(err, errlen, "no \"title\", \"body\" or \"text\"");
        rc = -1;
    }
    return rc;
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
 * (it is then remembered for `line`); CORPUS_SKIP_MALFORMED with `err`
 * worded when one has: the later line is a bad one, not a replacement
 * (the two would be one article and the first would vanish unsaid);
 * CORPUS_ERR_NOMEM. */
static corpus_status repeated_id(jsonl_state *st, const char *id,
                                 unsigned long line, char *err,
                                 size_t errlen)
{
    size_t len = strlen(id);
    long first = gz_strmap_get(&st->ids, id, len);
    if (first >= 0) {
        const char *hash = strrchr(id, '#');
        snprintf(err, errlen, "id \"%.200s\" is line %ld's too",
                 hash ? hash + 1 : id, first);
        return CORPUS_SKIP_MALFORMED;
    }
    return gz_strmap_put(&st->ids, id, len, (long)line) == 0
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
 * UTF-8 (each line alone: see the top of this file). NULL with `jerr`
 * filled when it is not JSON, or with *nomem set when memory ran out. */
static json_t *load_line(const char *p, size_t len, json_error_t *jerr,
                         int *nomem)
{
    *nomem = 0;
    if (corpus_utf8_valid(p, len))
        return json_loadb(p, len, JSON_ALLOW_NUL, jerr);
    char *decoded = corpus_text_to_utf8(p, len, &len);
    if (!decoded) {
        *nomem = 1;
        return NULL;
    }
    json_t *obj = json_loadb(decoded, len, JSON_ALLOW_NUL, jerr);
    free(decoded);
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
    char *id = NULL;
    if (rc == -2 || (rc == 0 && !(id = article_id(st->rd->file->relpath,
                                                  f.id, line)))) {
        s = CORPUS_ERR_NOMEM;
    } else if (rc == -1) {
        if (bad_line(st, line, err))
            s = CORPUS_SKIP_MALFORMED;
    } else if ((s = repeated_id(st, id, line, err, sizeof err)) != CORPUS_OK) {
        if (s == CORPUS_SKIP_MALFORMED && !bad_line(st, line, err))
            s = CORPUS_OK;
    } else {
        release_held(st);
        st->good++;
        corpus_article a = {
            .id = id, .title = f.title ? f.title : "",
            .body = f.body ? f.body : "", .body_len = f.body ? f.body_len : 0,
            .date = f.date, .author = f.author, .source = f.source,
            .url = f.url, .tags = f.tags, .ntags = f.ntags};
        s = corpus_emit(st->rd, &a, line);
    }
    free(id);
    free(f.tags);
    free(f.tag_copy);
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
            free(f.tags);
            free(f.tag_copy);
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
