/*
 * writer_load INDEX COUNT BATCH SEED - put COUNT generated articles into
 * INDEX through the writer API (gazette.h), committing every BATCH, for
 * the full-disk tests of the writer (test_faults). Exit status: 0 when
 * every article was committed, 74 on IO_ERROR (one line on stderr), 70 on
 * any other failure; a crash or abort shows as a signal.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gazette.h"

static const char *const words[] = {
    "harbour", "grain",  "council", "storm",   "election", "ceasefire",
    "market",  "league", "vaccine", "drought", "festival", "pipeline",
    "budget",  "strike", "summit",  "reactor", "tribunal", "glacier"};
enum { NWORDS = sizeof words / sizeof *words };

/* xorshift: the same articles for the same seed */
static unsigned long next(unsigned long *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Article `i`: a body of 300 words, a date, a source and two tags (values
 * and boolean terms, which every commit merges). */
static gazette_status_t put(gazette_writer_t *w, unsigned long i,
                            unsigned long *seed)
{
    static char body[8192], id[64], title[128], date[16], tag[32];
    size_t at = 0;
    for (int k = 0; k < 300 && at < sizeof body - 32; k++)
        at += (size_t)snprintf(body + at, sizeof body - at, "%s%lu ",
                               words[next(seed) % NWORDS], next(seed) % 500);
    snprintf(id, sizeof id, "load/%06lu", i);
    snprintf(title, sizeof title, "%s %s %lu", words[next(seed) % NWORDS],
             words[next(seed) % NWORDS], i);
    snprintf(date, sizeof date, "20%02lu-%02lu-%02lu", 10 + next(seed) % 14,
             1 + next(seed) % 12, 1 + next(seed) % 28);
    snprintf(tag, sizeof tag, "t%lu", next(seed) % 40);
    gazette_article_t *a = NULL;
    gazette_status_t s = gazette_article_new(&a);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_set(a, GAZETTE_FIELD_ID, id);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_set(a, GAZETTE_FIELD_TITLE, title);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_set(a, GAZETTE_FIELD_BODY, body);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_set(a, GAZETTE_FIELD_DATE, date);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_set(a, GAZETTE_FIELD_SOURCE, words[i % NWORDS]);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_article_add_tag(a, tag);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_writer_put(w, a);
    gazette_article_free(a);
    return s;
}

static int finish(gazette_status_t s, const char *what)
{
    if (s == GAZETTE_STATUS_OK)
        return 0;
    fprintf(stderr, "writer_load: %s: %s\n", what,
            gazette_status_to_string(s));
    return s == GAZETTE_STATUS_IO_ERROR ? 74 : 70;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: writer_load INDEX COUNT BATCH SEED\n");
        return 64;
    }
    unsigned long count = strtoul(argv[2], NULL, 10);
    unsigned long batch = strtoul(argv[3], NULL, 10);
    unsigned long seed = strtoul(argv[4], NULL, 10) | 1;
    gazette_writer_t *w = NULL;
    gazette_status_t s = gazette_writer_open(argv[1], NULL, 0, &w);
    if (s != GAZETTE_STATUS_OK)
        return finish(s, "open");
    for (unsigned long i = 0; s == GAZETTE_STATUS_OK && i < count; i++) {
        s = put(w, i, &seed);
        if (s == GAZETTE_STATUS_OK && batch && (i + 1) % batch == 0)
            s = gazette_writer_commit(w);
    }
    gazette_status_t closed = gazette_writer_close(w);
    return finish(s != GAZETTE_STATUS_OK ? s : closed, "write");
}
