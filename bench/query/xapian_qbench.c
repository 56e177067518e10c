/*
 * xapian_qbench.c - query latency of the raw Xapian API on a Gazette
 * index, with Gazette's ranking: the yardstick of gz_qbench.
 *
 *   xapian_qbench [-m MODE] [-r ROUNDS] [-k HITS] [-o RESULTS]
 *                 [-l LATENCIES] INDEX QUERIES.tsv
 *
 * What a program written straight on Xapian would do per query: parse the
 * text with a QueryParser set up as libgazette sets up its own (English
 * stemmer, STEM_SOME, the same stoplist, field prefixes and flags, default
 * operator OR), run an Enquire with BM25 and Gazette's parameters for the
 * top HITS (default 10), and read each hit's document data and id. The
 * parser set-up and the weighting come from the library's own code
 * (ranking.c, the schema's field table), so both rank alike; everything
 * timed is Xapian calls through the shim (one C call per C++ call).
 * MODE "plain" (default) is that; "facets" also counts the source value of
 * every match (a ValueCountMatchSpy, every match checked), as --facet
 * source does.
 * Exit 0, 64 usage, 66 index or queries unreadable, 70 a search failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qbench.h"
#include "ranking.h"
#include "schema.h"
#include "xapian_shim.h"

#define FLAGS                                                             \
    (XAP_QP_FLAG_BOOLEAN | XAP_QP_FLAG_PHRASE | XAP_QP_FLAG_LOVEHATE |    \
     XAP_QP_FLAG_WILDCARD | XAP_QP_FLAG_PURE_NOT |                        \
     XAP_QP_FLAG_AUTO_SYNONYMS | XAP_QP_FLAG_AUTO_MULTIWORD_SYNONYMS)

typedef struct bench {
    xap_database *db;
    xap_stem *stem;
    xap_queryparser *qp;
    unsigned hits;
    int facets;
    uint32_t doccount;
} bench;

/* The id of hit i of `mset` (decoded document data) to `out`. */
static xap_status read_hit(const xap_mset *mset, uint32_t i, FILE *out)
{
    xap_document *doc = NULL;
    const char *data = NULL;
    size_t len = 0;
    xap_status s = xap_mset_document(mset, i, &doc);
    if (s == XAP_OK)
        s = xap_document_get_data(doc, &data, &len);
    char *copy = s == XAP_OK ? malloc(len + 1) : NULL;
    if (s == XAP_OK && !copy)
        s = XAP_ERR_NOMEM;
    if (s == XAP_OK) {
        gz_docdata d;
        memcpy(copy, data, len);
        copy[len] = '\0';
        gz_docdata_decode(copy, len, &d);
        if (out)
            fprintf(out, "%s%s", i ? " " : "", d.id);
    }
    free(copy);
    xap_document_free(doc);
    return s;
}

static int run_one(const qb_query *q, FILE *out, void *ctx)
{
    bench *b = ctx;
    xap_query *query = NULL;
    xap_enquire *enq = NULL;
    xap_mset *mset = NULL;
    xap_valuecount_spy *spy = NULL;
    if (out)
        fprintf(out, "%s\t", q->qid);
    xap_status s = xap_queryparser_parse(b->qp, q->text, FLAGS, NULL, &query);
    if (s == XAP_ERR_QUERY_PARSE) {
        if (out)
            fputs("!syntax\n", out);
        return 0;
    }
    if (s == XAP_OK)
        s = xap_enquire_new(b->db, &enq);
    if (s == XAP_OK)
        s = gz_ranking_set_weighting(enq);
    if (s == XAP_OK)
        s = xap_enquire_set_query(enq, query, 0);
    if (s == XAP_OK && b->facets) {
        s = xap_valuecount_spy_new(GZ_SLOT_SOURCE, &spy);
        if (s == XAP_OK)
            s = xap_enquire_add_valuecount_spy(enq, spy);
    }
    if (s == XAP_OK)
        s = xap_enquire_get_mset(enq, 0, b->hits,
                                 b->facets ? b->doccount : 0, NULL, &mset);
    for (uint32_t i = 0; s == XAP_OK && i < xap_mset_size(mset); i++)
        s = read_hit(mset, i, out);
    if (out)
        fputc('\n', out);
    xap_mset_free(mset);
    xap_enquire_free(enq);
    xap_valuecount_spy_free(spy);
    xap_query_free(query);
    if (s != XAP_OK)
        fprintf(stderr, "xapian_qbench: query %s: %s\n", q->qid,
                xap_last_error());
    return s == XAP_OK ? 0 : -1;
}

/* The parser libgazette builds (index.c): stemmer, strategy, database,
 * the schema's fields, the stoplist. */
static xap_status setup(bench *b, const char *path)
{
    xap_status s = xap_database_open(path, &b->db);
    if (s == XAP_OK)
        s = xap_database_doc_count(b->db, &b->doccount);
    if (s == XAP_OK)
        s = xap_stem_new("english", &b->stem);
    if (s == XAP_OK)
        s = xap_queryparser_new(&b->qp);
    if (s == XAP_OK)
        s = xap_queryparser_set_stemmer(b->qp, b->stem);
    if (s == XAP_OK)
        s = xap_queryparser_set_stemming_strategy(b->qp, XAP_STEM_SOME);
    if (s == XAP_OK)
        s = xap_queryparser_set_database(b->qp, b->db);
    for (size_t i = 0; s == XAP_OK && i < gz_nfields; i++) {
        const gz_field *f = &gz_fields[i];
        if (!f->name)
            continue;
        if (f->kind == GZ_KIND_TEXT)
            s = xap_queryparser_add_prefix(b->qp, f->name, f->prefix);
        else if (f->kind == GZ_KIND_FILTER)
            s = xap_queryparser_add_boolean_prefix(b->qp, f->name, f->prefix,
                                                   f->exclusive);
    }
    if (s == XAP_OK)
        s = xap_queryparser_set_max_expansion(b->qp, 1000);
    if (s == XAP_OK)
        s = gz_ranking_setup_queryparser(b->qp);
    return s;
}

static int usage(void)
{
    fprintf(stderr, "usage: xapian_qbench [-m plain|facets] [-r ROUNDS] "
                    "[-k HITS] [-o RESULTS] [-l LATENCIES] INDEX "
                    "QUERIES.tsv\n");
    return 64;
}

int main(int argc, char **argv)
{
    const char *mode = "plain", *results = NULL, *latencies = NULL;
    unsigned rounds = 3;
    bench b = {.hits = 10};
    int c;
    while ((c = getopt(argc, argv, "m:r:k:o:l:")) != -1) {
        switch (c) {
        case 'm': mode = optarg; break;
        case 'r': rounds = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'k': b.hits = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'o': results = optarg; break;
        case 'l': latencies = optarg; break;
        default: return usage();
        }
    }
    if (argc - optind != 2 || rounds == 0)
        return usage();
    if (strcmp(mode, "facets") == 0)
        b.facets = 1;
    else if (strcmp(mode, "plain") != 0)
        return usage();
    qb_list list;
    int rc = 0;
    if (setup(&b, argv[optind]) != XAP_OK) {
        fprintf(stderr, "xapian_qbench: %s: %s\n", argv[optind],
                xap_last_error());
        rc = 66;
    }
    if (rc == 0 && qb_load(argv[optind + 1], &list) != 0)
        rc = 66;
    if (rc == 0) {
        char who[64];
        snprintf(who, sizeof who, "xapian %s", mode);
        if (qb_bench(&list, rounds, who, results, latencies, run_one, &b) !=
            0)
            rc = 70;
        qb_free(&list);
    }
    xap_queryparser_free(b.qp);
    xap_stem_free(b.stem);
    xap_database_free(b.db);
    return rc;
}
