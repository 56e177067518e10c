/*
 * read_txt.c - the plain text format: one article per file.
 *
 *   Title: Optional headline            <- optional header block: only
 *   Date: 2023-11-05                       "Key: value" lines, one key a
 *   Tags: politics, elections              known one, ended by a blank
 *                                          line or the end of the file
 *
 *   Headline when there was no Title:   <- first non-empty line
 *
 *   Body paragraphs ...                 <- the rest
 *
 * The header block counts only when every line before the first blank line
 * (or the end of the file: a file that is only a header block, as a mail
 * header block may be) is a "Key: value" line, the key one word (an ASCII
 * letter, then letters, digits, '-' or '_': "Slug", "X-Category"; the
 * value not "//...", as in "https://..."), and at least one key is a
 * known one; the lines with other keys (Slug:, Category:, By:, Link:, a
 * dateline "ISLAMABAD:", "Q:") are then text, read first in the body (or
 * as the title when no Title: was given): known_lines_first. Otherwise
 * the file has no header and its first line is ordinary text: many real
 * articles start "Word: ...", but such a line alone is no header ("Note:
 * the minister said", "Update: ..." have no known key), nor is a
 * paragraph with a line that is not "Key: value" ("Editor's note: ..."). A file that opens with a mail header block
 * instead (From, Subject, Newsgroups, Message-ID: a message saved as
 * .txt) is read as mail (read_mail.c), unless its first block is a
 * header block of ours with a key that no mail has (all ours but Date:
 * Title, Author...): then its "From: Cairo bureau" is a byline, text.
 * Authors: is Author: too, as in Markdown front matter; the tags of every
 * Tags: line add up, of another key given twice the last counts.
 * Fields are cut out of the text buffer in place (NULs written into it), so
 * nothing but the tag list is allocated (and, while its lines are moved, a
 * copy of a header block that has lines of other keys).
 */
#include "corpus.h"
#include "ascii.h"
#include "corpus_internal.h"

#include <stdlib.h>
#include <string.h>

/* The fields of a header block. */
enum { H_TITLE, H_DATE, H_AUTHOR, H_SOURCE, H_URL, H_TAGS, H_COUNT };

/* Its keys, matched case-insensitively: "authors" too, as in Markdown
 * front matter. */
static const struct header_key {
    const char *name;
    int field;
} header_keys[] = {
    {"title", H_TITLE}, {"date", H_DATE},     {"author", H_AUTHOR},
    {"authors", H_AUTHOR}, {"source", H_SOURCE}, {"url", H_URL},
    {"tags", H_TAGS},
};

/* End of the line starting at p: its '\n' or `end`. */
static char *line_end(char *p, char *end)
{
    char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? nl : end;
}

/* Start of the line after the one ending at eol. */
static char *next_line(char *eol, char *end)
{
    return eol < end ? eol + 1 : end;
}

/* 1 when [p, eol) holds only whitespace. */
static int is_blank(const char *p, const char *eol)
{
    for (; p < eol; p++)
        if (!corpus_is_space((unsigned char)*p))
            return 0;
    return 1;
}

/* Longest key of a header line. */
#define MAX_KEY 40

/*
 * header_line - is [p, eol) a "Key: value" line (see the top of this
 * file)? Returns the key's H_* field when it is a known one, -2 when it
 * is another, -1 when the line is not a header line; sets *value to the
 * first byte after the colon.
 */
static int header_line(char *p, char *eol, char **value)
{
    char *q = p;
    if (q >= eol || !gz_ascii_isalpha((unsigned char)*q))
        return -1;
    while (q < eol && q - p <= MAX_KEY &&
           (gz_ascii_isalnum((unsigned char)*q) || *q == '-' || *q == '_'))
        q++;
    if (q >= eol || *q != ':' || q - p > MAX_KEY)
        return -1;
    if (eol - q >= 3 && q[1] == '/' && q[2] == '/')
        return -1;                     /* "https://...": a URL, not a key */
    size_t klen = (size_t)(q - p);
    *value = q + 1;
    for (size_t k = 0; k < sizeof header_keys / sizeof header_keys[0]; k++) {
        const char *key = header_keys[k].name;
        if (strlen(key) != klen)
            continue;
        size_t i = 0;
        while (i < klen && (char)gz_ascii_tolower(p[i]) == key[i])
            i++;
        if (i == klen)
            return header_keys[k].field;
    }
    return -2;
}

/*
 * header_block_end - where the header block of [text, end) stops, i.e. the
 * start of the line after its terminating blank line, or `end` when it
 * runs to the end of the text (a file that is only a header block); or
 * NULL when the text does not open with a header block (a line that is
 * not a header line, or no known key, before the first blank line). A
 * block that runs to the end is one, as corpus_mail_header_len takes a
 * mail's, when it leaves the article a title: a Title: line, or a line
 * of another key, which is text; else the file is its lines as text
 * ("Source: a senior official said..." alone is a headline, not an
 * article with no title and no body). *ours counts its keys that no mail
 * header block has: all the known ones but Date (0 when no line is a
 * header line).
 */
static char *header_block_end(char *text, char *end, int *ours)
{
    char *p = text;
    int known = 0, mine = 0, titled = 0;
    *ours = 0;
    while (p < end) {
        char *eol = line_end(p, end);
        char *value;
        if (is_blank(p, eol)) {
            if (!known)
                return NULL;
            *ours = mine;
            return next_line(eol, end);
        }
        int k = header_line(p, eol, &value);
        if (k == -1)
            return NULL;
        known += k >= 0;
        mine += k >= 0 && k != H_DATE;
        titled |= k == H_TITLE || k == -2;
        p = next_line(eol, end);
    }
    *ours = mine;
    return known && titled ? end : NULL;
}

/* Cut the header values out of [text, stop) into values[] (NULL stays for
 * keys not given or given empty; a repeated key keeps its last value) and
 * the tags of every Tags: line, in order, into *tags (a new array: see
 * corpus_split_list). Returns 0, or -1 when out of memory. */
static int parse_header(char *text, char *stop, char *values[H_COUNT],
                        const char ***tags, size_t *ntags)
{
    char *p = text;
    while (p < stop) {
        char *eol = line_end(p, stop);
        char *next = next_line(eol, stop);
        char *value;
        int k = header_line(p, eol, &value);
        if (k >= 0) {
            value = corpus_trim_in_place(value, eol);
            values[k] = *value ? value : NULL;
        }
        if (k == H_TAGS && corpus_split_list(value, tags, ntags) != 0)
            return -1;
        p = next;
    }
    return 0;
}

/* Reorder the lines of the header block that ends before `after` (the
 * start of the line after its blank line, or the end of the text) so that
 * its lines with a known key come first, each group in its order, and
 * return where the others start: they are text ("Slug: ...", a dateline
 * "ISLAMABAD: ...", "Q:"), read with the body. `after` when there are
 * none; NULL when out of memory. The lines are written back one '\n'
 * between two, and one after the last when the block had one there: the
 * last line of a file may have none, and the block keeps its length. */
static char *known_lines_first(char *text, char *after)
{
    char *p = text, *blank = after, *value;
    size_t others = 0;
    while (p < after) {
        char *eol = line_end(p, after);
        if (is_blank(p, eol)) {
            blank = p;
            break;
        }
        others += header_line(p, eol, &value) < 0;
        p = next_line(eol, after);
    }
    if (!others)
        return after;
    size_t len = (size_t)(blank - text);
    int ends_nl = text[len - 1] == '\n';
    char *copy = malloc(len), *w = text, *other = NULL;
    if (!copy)
        return NULL;
    memcpy(copy, text, len);
    for (int pass = 0; pass < 2; pass++) {
        for (char *q = copy, *qend = copy + len; q < qend;) {
            char *eol = line_end(q, qend), *next = next_line(eol, qend);
            if ((header_line(q, eol, &value) >= 0) == (pass == 0)) {
                if (w > text)
                    *w++ = '\n';
                if (pass == 1 && !other)
                    other = w;
                memcpy(w, q, (size_t)(eol - q));
                w += eol - q;
            }
            q = next;
        }
    }
    if (ends_nl)
        *w = '\n';
    free(copy);
    return other;
}

/* First non-blank line of [p, end) as a trimmed, NUL-terminated title;
 * *rest gets the start of the following line. "" when all is blank. */
static char *take_title(char *p, char *end, char **rest)
{
    while (p < end) {
        char *eol = line_end(p, end);
        if (!is_blank(p, eol)) {
            *rest = next_line(eol, end);
            return corpus_trim_in_place(p, eol);
        }
        p = next_line(eol, end);
    }
    *rest = end;
    return end;          /* the buffer's NUL: an empty string */
}

/* Body from [p, end): leading blank lines and trailing whitespace dropped,
 * NUL-terminated in place. Indentation of the first line is kept. */
static char *take_body(char *p, char *end, size_t *len)
{
    while (p < end) {
        char *eol = line_end(p, end);
        if (!is_blank(p, eol))
            break;
        p = next_line(eol, end);
    }
    char *e = end;
    while (e > p && corpus_is_space((unsigned char)e[-1]))
        e--;
    *e = '\0';
    *len = (size_t)(e - p);
    return p;
}

/*
 * corpus_parse_txt - see corpus_internal.h for the contract. One article,
 * id = relpath. CORPUS_SKIP_EMPTY when there is neither a title nor a body
 * (a file holding only a header block).
 */
corpus_status corpus_parse_txt(corpus_reader *rd, corpus_buf *text)
{
    /* A mail or news message saved as .txt (its header block has From,
     * Subject... and no key of ours that mail never has): read as the
     * message it is, so that "From:" is not its title nor its headers
     * body text, and its bytes are decoded once, by the charset it
     * declares. A block with Title:, Author:... is ours, its "From:
     * Cairo bureau" a byline. */
    int ours;
    header_block_end(text->data, text->data + text->len, &ours);
    if (!ours && corpus_mail_header_len(text->data, text->len) > 0)
        return corpus_parse_mail(rd, text);
    corpus_status s = corpus_fix_encoding(text, rd->why, rd->whylen);
    if (s != CORPUS_OK)
        return s;

    char *p = text->data, *end = text->data + text->len;
    char *values[H_COUNT] = {NULL};
    char *after = header_block_end(p, end, &ours);
    char *others = after ? known_lines_first(p, after) : NULL;
    if (after && !others)
        return corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                          "out of memory reading the header block");
    const char **tags = NULL;
    size_t ntags = 0;
    if (after) {
        if (parse_header(p, others, values, &tags, &ntags) != 0) {
            free(tags);
            return corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                              "out of memory splitting tags");
        }
        p = others;
    }

    /* Without a Title: header the title line is cut first: the body
     * starts on the line after it. */
    char *title = values[H_TITLE];
    if (!title)
        title = take_title(p, end, &p);
    size_t body_len;
    char *body = take_body(p, end, &body_len);
    if (!*title && body_len == 0) {
        free(tags);
        return corpus_why(rd->why, rd->whylen, CORPUS_SKIP_EMPTY,
                          "no title and no body");
    }

    corpus_article a = {
        .id = rd->file->relpath,
        .title = title,
        .body = body,
        .body_len = body_len,
        .date = values[H_DATE],
        .author = values[H_AUTHOR],
        .source = values[H_SOURCE],
        .url = values[H_URL],
        .tags = tags,
        .ntags = ntags,
    };
    s = corpus_emit(rd, &a, 0);
    free(tags);
    return s;
}
