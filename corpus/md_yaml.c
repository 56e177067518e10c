/*
 * md_yaml.c - the YAML front matter of a Markdown file (between two "---"
 * lines): corpus_md_read_yaml() reads it with libyaml into the
 * corpus_front_matter read_md.c keeps.
 *
 *   ---
 *   title: "Blinken visits Ankara"
 *   date: 2023-11-06
 *   tags: [diplomacy, turkey]
 *   ---
 *
 * Folded and literal blocks, quoting and lists (block or flow) mean what
 * YAML says. A block that is not valid YAML (or too big or too deeply
 * nested for libyaml to be given it) is refused with the reason, and
 * read_md.c reads it line by line instead.
 */
#include "corpus.h"
#include "corpus_internal.h"

#include <stdio.h>
#include <string.h>
#include <yaml.h>

/* Front matter handed to libyaml at most: its parser spends time in
 * proportion to the bytes times the nesting of flow collections ("[[[",
 * "{{{"), so both are bounded (real front matter is a few hundred bytes,
 * nested two or three deep). Beyond either, the block is read line by
 * line. */
#define MAX_YAML_BYTES (256 * 1024)
#define MAX_FLOW_DEPTH 256

/* The deepest nesting of '[' and '{' in [s, e), counting every bracket
 * (quoted ones too: an overestimate only sends a block to be read line
 * by line). */
static long flow_depth(const char *s, const char *e)
{
    long depth = 0, max = 0;
    for (; s < e; s++) {
        if (*s == '[' || *s == '{') {
            if (++depth > max)
                max = depth;
        } else if ((*s == ']' || *s == '}') && depth > 0) {
            depth--;
        }
    }
    return max;
}

/* Where the event stream of one front matter block is. */
typedef struct yaml_reader {
    yaml_parser_t parser;
    yaml_event_t event;
    int have_event;              /* `event` holds one to delete */
} yaml_reader;

/* Next event into yr->event; 0 on a YAML error. */
static int next_event(yaml_reader *yr)
{
    if (yr->have_event)
        yaml_event_delete(&yr->event);
    yr->have_event = yaml_parser_parse(&yr->parser, &yr->event) != 0;
    return yr->have_event;
}

/* Skip the value whose first event is in yr->event (a scalar, an alias,
 * or a whole sequence or mapping, however nested). 0 on a YAML error. */
static int skip_value(yaml_reader *yr)
{
    long depth = 0;
    do {
        switch (yr->event.type) {
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            depth++;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_STREAM_END_EVENT:
            return 0;
        default:
            break;
        }
        if (depth > 0 && !next_event(yr))
            return 0;
    } while (depth > 0);
    return 1;
}

static const char *scalar_text(const yaml_event_t *ev, const char **end)
{
    const char *s = (const char *)ev->data.scalar.value;
    *end = s + ev->data.scalar.length;
    return s;
}

/* 1 when the event is YAML's null: a plain (unquoted) scalar that is
 * empty, "~", "null", "Null" or "NULL" (YAML 1.2's core schema; a quoted
 * "null" is text). A null value is no value: the key counts as absent,
 * as a JSON Lines key that is null does. */
static int is_null(const yaml_event_t *ev)
{
    if (ev->type != YAML_SCALAR_EVENT ||
        ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
        !ev->data.scalar.plain_implicit)     /* "!!str null" is text */
        return 0;
    const char *e, *s = scalar_text(ev, &e);
    size_t n = (size_t)(e - s);
    return n == 0 || (n == 1 && *s == '~') ||
           (n == 4 && (memcmp(s, "null", 4) == 0 ||
                       memcmp(s, "Null", 4) == 0 ||
                       memcmp(s, "NULL", 4) == 0));
}

/* The mapping whose start is in yr->event: the scalar value of its key
 * "name" is taken for field k (as a list item when `item`), its other
 * keys skipped; *named is set when it has one. 0 on a YAML error. */
static int read_named_mapping(yaml_reader *yr, corpus_front_matter *fm,
                              int k, int item, int *named)
{
    const char *s, *e;
    for (;;) {
        if (!next_event(yr))
            return 0;
        if (yr->event.type == YAML_MAPPING_END_EVENT)
            return 1;
        int is_name = 0;
        if (yr->event.type == YAML_SCALAR_EVENT) {
            s = scalar_text(&yr->event, &e);
            is_name = e - s == 4 && memcmp(s, "name", 4) == 0;
        } else if (!skip_value(yr)) {
            return 0;
        }
        if (!next_event(yr))
            return 0;
        if (is_name && yr->event.type == YAML_SCALAR_EVENT &&
            !is_null(&yr->event)) {
            s = scalar_text(&yr->event, &e);
            corpus_front_take(fm, k, s, e, item);
            *named = 1;
        } else if (!skip_value(yr)) {
            return 0;
        }
    }
}

/*
 * read_field - the value of a known key (field k, named `key` for
 * messages), whose first event is in yr->event. A scalar is the value; for
 * names and tags (not corpus_front_is_text) a mapping gives its "name"
 * and a list (block "- a" or flow "[a, 'b, c']", however quoted) one
 * name or tag per item. What does not fit the field (a list or mapping
 * where a title belongs, an alias, a list in a list) is skipped and
 * noted (corpus_front_problem()). A null (is_null) is no value: the key
 * is as if absent (it does not undo an earlier "author" either), and a
 * null item no item. 0 on a YAML error.
 */
static int read_field(yaml_reader *yr, corpus_front_matter *fm, int k,
                      const char *key)
{
    const char *s, *e;
    int text_only = corpus_front_is_text(k), named = 0;
    size_t kl = strlen(key);
    if (is_null(&yr->event))
        return 1;
    corpus_front_begin(fm, k);
    switch (yr->event.type) {
    case YAML_SCALAR_EVENT:
        s = scalar_text(&yr->event, &e);
        corpus_front_take(fm, k, s, e, 0);
        return 1;
    case YAML_MAPPING_START_EVENT:
        if (text_only) {
            corpus_front_problem(fm, key, kl, "is a mapping");
            return skip_value(yr);
        }
        if (!read_named_mapping(yr, fm, k, 0, &named))
            return 0;
        if (!named)
            corpus_front_problem(fm, key, kl,
                                 "is a mapping without a \"name\"");
        return 1;
    case YAML_SEQUENCE_START_EVENT:
        if (text_only) {
            corpus_front_problem(fm, key, kl, "is a list");
            return skip_value(yr);
        }
        break;
    default:
        corpus_front_problem(fm, key, kl, "is an alias (not followed)");
        return skip_value(yr);
    }
    int noted = 0;
    for (;;) {
        if (!next_event(yr))
            return 0;
        if (yr->event.type == YAML_SEQUENCE_END_EVENT)
            return 1;
        named = 0;
        if (is_null(&yr->event)) {
            named = 1;                   /* no item, and nothing wrong */
        } else if (yr->event.type == YAML_SCALAR_EVENT) {
            s = scalar_text(&yr->event, &e);
            corpus_front_take(fm, k, s, e, 1);
            named = 1;
        } else if (yr->event.type == YAML_MAPPING_START_EVENT) {
            if (!read_named_mapping(yr, fm, k, 1, &named))
                return 0;
        } else if (!skip_value(yr)) {
            return 0;
        }
        if (!named && !noted++)
            corpus_front_problem(fm, key, kl,
                                 "has an item that is not a name");
    }
}

/*
 * read_yaml - read the YAML block [s, e) into *fm with libyaml. Returns 1
 * when it is a valid YAML mapping (or empty), 0 otherwise with a
 * one-line description in `err` (e.g. "line 2: mapping values are not
 * allowed in this context"; the line counts from the first line of the
 * file). *fm may hold part of the block after a failure.
 */
static int read_yaml(const char *s, const char *e, corpus_front_matter *fm,
                     char *err, size_t errlen)
{
    yaml_reader yr = {.have_event = 0};
    if (!yaml_parser_initialize(&yr.parser)) {
        corpus_front_set_nomem(fm);
        snprintf(err, errlen, "out of memory");
        return 0;
    }
    yaml_parser_set_input_string(&yr.parser, (const unsigned char *)s,
                                 (size_t)(e - s));
    int ok = 1, top = 1, docs = 0;
    while (ok && next_event(&yr) && yr.event.type != YAML_STREAM_END_EVENT) {
        if (yr.event.type == YAML_DOCUMENT_START_EVENT)
            ok = ++docs == 1;
        else if (yr.event.type == YAML_DOCUMENT_END_EVENT ||
                 yr.event.type == YAML_STREAM_START_EVENT)
            continue;
        else if (top && yr.event.type == YAML_MAPPING_START_EVENT)
            top = 0;
        else if (top)
            ok = 0;                    /* a scalar or list, not a mapping */
        else if (yr.event.type == YAML_MAPPING_END_EVENT)
            continue;
        else if (yr.event.type != YAML_SCALAR_EVENT)
            ok = skip_value(&yr) && next_event(&yr) && skip_value(&yr);
        else {
            const char *ke, *ks = scalar_text(&yr.event, &ke);
            int k = corpus_front_field(ks, (size_t)(ke - ks));
            char key[24] = "";          /* the event goes with next_event */
            if (k >= 0)
                snprintf(key, sizeof key, "%.*s", (int)(ke - ks), ks);
            ok = next_event(&yr) &&
                 (k >= 0 ? read_field(&yr, fm, k, key) : skip_value(&yr));
        }
        if (!ok && yr.parser.error == YAML_NO_ERROR)
            snprintf(err, errlen, "%s", docs > 1 ? "more than one document"
                                                 : "not a mapping of keys "
                                                   "to values");
    }
    if (ok && yr.parser.error != YAML_NO_ERROR)
        ok = 0;
    if (!ok && yr.parser.error != YAML_NO_ERROR) {
        if (yr.parser.error == YAML_MEMORY_ERROR)
            corpus_front_set_nomem(fm);
        snprintf(err, errlen, "line %lu: %.200s",
                 (unsigned long)yr.parser.problem_mark.line + 2,
                 yr.parser.problem ? yr.parser.problem : "syntax error");
    }
    if (yr.have_event)
        yaml_event_delete(&yr.event);
    yaml_parser_delete(&yr.parser);
    return ok;
}

/* corpus_md_read_yaml - see corpus_internal.h. */
int corpus_md_read_yaml(const char *s, const char *e, corpus_front_matter *fm,
                        char *err, size_t errlen)
{
    if (e - s > MAX_YAML_BYTES) {
        snprintf(err, errlen, "over %d bytes", MAX_YAML_BYTES);
        return 0;
    }
    if (flow_depth(s, e) > MAX_FLOW_DEPTH) {
        snprintf(err, errlen, "lists nested over %d deep", MAX_FLOW_DEPTH);
        return 0;
    }
    return read_yaml(s, e, fm, err, errlen);
}
