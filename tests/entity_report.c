/*
 * entity_report - list, time and score the named entities that the indexer
 * extracts (indexer/entities.c), for docs/entities.md and its ctest.
 *
 *   entity_report list ROOT
 *       One line per distinct entity of each article, in corpus order:
 *       "<article id>\t<name>\t<mentions>\t<full name or empty>".
 *   entity_report time ROOT
 *       Seconds spent reading articles and extracting their entities.
 *   entity_report score JUDGMENTS GOLD ROOT MIN_PRECISION MIN_RECALL
 *       Precision: of the (article, name) pairs extracted, the share whose
 *       name JUDGMENTS marks "yes" (a name judged "no", or not judged at
 *       all, counts as wrong). Recall: of the (article, name) pairs in
 *       GOLD, the share extracted (same entity term). Prints both and exits
 *       1 when either is below its minimum (0..1).
 *
 * JUDGMENTS lines: "<name>\t<yes|no>\t<note>"; GOLD lines: "<article
 * id>\t<name>"; '#' starts a comment line. Scoring lists the gold names
 * missed on stderr.
 *
 * With ENTITY_LEXICON=INDEX in the environment, the index at INDEX is the
 * extractor's lexicon (names that only start sentences, entities.h), as
 * when gazette-index indexes the article into that index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze.h"
#include "corpus.h"
#include "entities.h"
#include "schema.h"
#include "xapian_shim.h"

/* A list of tab-separated lines read from a file; fields point into it. */
typedef struct table {
    char *text;
    char **f1, **f2;
    size_t n;
} table;

/* Read `path` into `t`, two first fields of each non-comment line. */
static int table_read(const char *path, table *t)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    rewind(f);
    if (size < 0) {
        fclose(f);
        return -1;
    }
    t->text = malloc((size_t)size + 1);
    size_t lines = 1;
    if (!t->text || fread(t->text, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        return -1;
    }
    fclose(f);
    t->text[size] = '\0';
    for (long i = 0; i < size; i++)
        lines += t->text[i] == '\n';
    t->f1 = calloc(lines, sizeof *t->f1);
    t->f2 = calloc(lines, sizeof *t->f2);
    if (!t->f1 || !t->f2)
        return -1;
    for (char *line = strtok(t->text, "\n"); line; line = strtok(NULL, "\n")) {
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab)
            continue;
        *tab = '\0';
        char *rest = tab + 1, *tab2 = strchr(rest, '\t');
        if (tab2)
            *tab2 = '\0';
        t->f1[t->n] = line;
        t->f2[t->n++] = rest;
    }
    return 0;
}

static void table_free(table *t)
{
    free(t->text);
    free(t->f1);
    free(t->f2);
}

typedef enum mode { MODE_LIST, MODE_TIME, MODE_SCORE } mode;

typedef struct run {
    mode mode;
    const corpus_file *file;
    table judged, gold;
    size_t pairs, correct, gold_found;
    double read_s, extract_s;
    clock_t mark;
    int failed;
    gz_entity_lexicon lexicon;   /* ENTITY_LEXICON, when set */
} run;

/* "yes", "no" or NULL for `name` in the judgments. */
static const char *verdict(const run *r, const char *name)
{
    for (size_t i = 0; i < r->judged.n; i++)
        if (strcmp(r->judged.f1[i], name) == 0)
            return r->judged.f2[i];
    return NULL;
}

/* Count the gold names of article `id` found among `l`; list the others
 * on stderr. */
static void score_gold(run *r, const char *id, const gz_entity_list *l)
{
    char term[GZ_TERM_BUF];
    for (size_t i = 0; i < r->gold.n; i++) {
        if (strcmp(r->gold.f1[i], id) != 0)
            continue;
        gz_entity_term(r->gold.f2[i], term, sizeof term);
        size_t k = 0;
        while (k < l->n && strcmp(l->items[k].term, term) != 0)
            k++;
        if (k < l->n)
            r->gold_found++;
        else
            fprintf(stderr, "missed: %s (%s)\n", r->gold.f2[i], id);
    }
}

/* The lexicon of ENTITY_LEXICON (ctx: the database). */
static int lexicon_is_name(const char *word, size_t len, void *ctx)
{
    return gz_index_knows_name(ctx, word, len);
}

static int on_article(const corpus_article *art, void *ctx)
{
    run *r = ctx;
    clock_t start = clock();
    r->read_s += (double)(start - r->mark) / CLOCKS_PER_SEC;
    gz_entity_list l = {0};
    if (gz_entities_extract_with(art->title, art->body, art->body_len,
                                 r->lexicon.ctx ? &r->lexicon : NULL,
                                 &l) != 0) {
        r->failed = 1;
        return 1;
    }
    r->extract_s += (double)(clock() - start) / CLOCKS_PER_SEC;
    for (size_t i = 0; i < l.n; i++) {
        const gz_entity *e = &l.items[i];
        if (r->mode == MODE_LIST)
            printf("%s\t%s\t%u\t%s\n", art->id, e->name, e->count,
                   e->alias_of >= 0 ? l.items[e->alias_of].name : "");
        if (r->mode == MODE_SCORE) {
            const char *v = verdict(r, e->name);
            r->pairs++;
            r->correct += v && strcmp(v, "yes") == 0;
            if (!v)
                fprintf(stderr, "not judged: %s (%s)\n", e->name, art->id);
        }
    }
    if (r->mode == MODE_SCORE)
        score_gold(r, art->id, &l);
    gz_entity_list_free(&l);
    r->mark = clock();
    return 0;
}

static int on_file(const corpus_file *file, void *ctx)
{
    run *r = ctx;
    char why[256];
    r->file = file;
    r->mark = clock();
    corpus_status s = corpus_read_file(file, NULL, on_article, r, why,
                                       sizeof why);
    if (s != CORPUS_OK && s != CORPUS_STOPPED)
        fprintf(stderr, "skipped %s: %s\n", file->path, why);
    return r->failed;
}

static int usage(void)
{
    fprintf(stderr, "usage: entity_report list ROOT\n"
                    "       entity_report time ROOT\n"
                    "       entity_report score JUDGMENTS GOLD ROOT "
                    "MIN_PRECISION MIN_RECALL\n");
    return 2;
}

int main(int argc, char **argv)
{
    run r;
    memset(&r, 0, sizeof r);
    const char *root;
    if (argc == 3 && strcmp(argv[1], "list") == 0) {
        r.mode = MODE_LIST;
        root = argv[2];
    } else if (argc == 3 && strcmp(argv[1], "time") == 0) {
        r.mode = MODE_TIME;
        root = argv[2];
    } else if (argc == 7 && strcmp(argv[1], "score") == 0) {
        r.mode = MODE_SCORE;
        root = argv[4];
        if (table_read(argv[2], &r.judged) != 0 ||
            table_read(argv[3], &r.gold) != 0) {
            fprintf(stderr, "entity_report: cannot read %s or %s\n", argv[2],
                    argv[3]);
            return 2;
        }
    } else {
        return usage();
    }
    const char *lexicon = getenv("ENTITY_LEXICON");
    xap_database *db = NULL;
    if (lexicon && *lexicon) {
        if (xap_database_open(lexicon, &db) != XAP_OK) {
            fprintf(stderr, "entity_report: %s: %s\n", lexicon,
                    xap_last_error());
            return 2;
        }
        r.lexicon = (gz_entity_lexicon){lexicon_is_name, db};
    }
    if (corpus_walk(root, on_file, NULL, &r) != 0 || r.failed) {
        fprintf(stderr, "entity_report: cannot walk %s\n", root);
        return 2;
    }
    int rc = 0;
    if (r.mode == MODE_TIME)
        printf("read %.3f s, extract %.3f s\n", r.read_s, r.extract_s);
    if (r.mode == MODE_SCORE) {
        double p = r.pairs ? (double)r.correct / (double)r.pairs : 0;
        double rec = r.gold.n ? (double)r.gold_found / (double)r.gold.n : 0;
        printf("precision %.4f (%zu of %zu pairs)\n", p, r.correct, r.pairs);
        printf("recall %.4f (%zu of %zu gold pairs)\n", rec, r.gold_found,
               r.gold.n);
        if (p < atof(argv[5]) || rec < atof(argv[6])) {
            fprintf(stderr, "below the minimum (precision %s, recall %s)\n",
                    argv[5], argv[6]);
            rc = 1;
        }
    }
    table_free(&r.judged);
    table_free(&r.gold);
    xap_database_free(db);
    return rc;
}
