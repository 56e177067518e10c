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
 * source does. "features" is what such a program does to offer the
 * features libgazette has on by default, each the way Xapian's own API
 * offers it: pseudo-relevance feedback (the top prf_docs hits as an RSet,
 * an ESet of prf_terms plain stemmed words, not stopwords, added with
 * AND_MAYBE at prf_weight, as ranking.c does; without libgazette's
 * "in at least two feedback documents" filter, which Xapian has no way
 * to express), a spelling correction (the parser's
 * FLAG_SPELLING_CORRECTION), duplicates collapsed on the duplicate key,
 * and a 200-byte MSet::snippet of each hit's stored text.
 * Exit 0, 64 usage, 66 index or queries unreadable, 70 a search failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qbench.h"
#include "ranking.h"
#include "schema.h"
#include "stoplist.h"
#include "xapian_shim.h"

#define FLAGS                                                             \
    (XAP_QP_FLAG_BOOLEAN | XAP_QP_FLAG_PHRASE | XAP_QP_FLAG_LOVEHATE |    \
     XAP_QP_FLAG_WILDCARD | XAP_QP_FLAG_PURE_NOT |                        \
     XAP_QP_FLAG_AUTO_SYNONYMS | XAP_QP_FLAG_AUTO_MULTIWORD_SYNONYMS)

typedef enum { MODE_PLAIN, MODE_FACETS, MODE_FEATURES } bench_mode;

typedef struct bench {
    xap_database *db;
    xap_stem *stem;
    xap_queryparser *qp;
    unsigned hits;
    bench_mode mode;
    uint32_t doccount;
    size_t touched;   /* bytes of snippets and corrections, so none is
                         optimised away */
} bench;

#define SNIPPET_BYTES 200

/* The id of hit i of `mset` (decoded document data) to `out`; with
 * `b->mode` MODE_FEATURES also the snippet of its stored text. */
static xap_status read_hit(bench *b, const xap_mset *mset, uint32_t i,
                           FILE *out)
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
        char *snippet = NULL;
        if (b->mode == MODE_FEATURES)
            s = xap_mset_snippet(mset, d.body, d.body_len, SNIPPET_BYTES,
                                 b->stem, XAP_SNIPPET_EXHAUSTIVE, NULL, NULL,
                                 NULL, &snippet);
        if (snippet)
            b->touched += strlen(snippet);
        free(snippet);
    }
    free(copy);
    xap_document_free(doc);
    return s;
}

/* ExpandDecider: a plain stemmed word that is not a stopword. */
static int plain_stem(const char *term, void *ctx)
{
    (void)ctx;
    return term[0] == 'Z' && term[1] >= 'a' && term[1] <= 'z' &&
           !gz_is_stopword(term + 1);
}

/* Pseudo-relevance feedback with Xapian's RSet and ESet, libgazette's
 * parameters: `query` AND_MAYBE the best expansion terms of its top hits
 * (scaled), set on `enq`. Leaves `enq` as it was when the first pass
 * finds nothing. */
static xap_status add_feedback(xap_enquire *enq, const xap_query *query)
{
    const gz_ranking_params *p = &gz_ranking_defaults;
    xap_mset *top = NULL;
    xap_rset *rset = NULL;
    xap_eset *eset = NULL;
    xap_query *subs[16] = {NULL}, *expansion = NULL, *both_q = NULL;
    uint32_t nterms = 0, nsubs = 0;
    double best = 0;
    xap_status s = xap_enquire_get_mset(enq, 0, p->prf_docs, 0, NULL, &top);
    if (s == XAP_OK)
        s = xap_rset_new(&rset);
    for (uint32_t i = 0; s == XAP_OK && i < xap_mset_size(top); i++) {
        xap_docid id = 0;
        s = xap_mset_docid(top, i, &id);
        if (s == XAP_OK)
            s = xap_rset_add(rset, id);
    }
    if (s == XAP_OK && xap_mset_size(top) > 0)
        s = xap_enquire_get_eset_filtered(enq, p->prf_terms, rset,
                                          XAP_ESET_EXACT_TERMFREQ,
                                          plain_stem, NULL, &eset);
    if (s == XAP_OK && eset)
        s = xap_eset_size(eset, &nterms);
    for (uint32_t i = 0; s == XAP_OK && i < nterms && nsubs < 16; i++) {
        const char *term = NULL;
        double w = 0;
        xap_query *t = NULL;
        s = xap_eset_term(eset, i, &term, &w);
        if (s != XAP_OK || w <= 0)
            continue;
        if (best == 0)
            best = w;
        s = xap_query_new_term(term, 1, 0, &t);
        if (s == XAP_OK)
            s = xap_query_new_scaled(t, p->prf_weight * w / best,
                                     &subs[nsubs]);
        nsubs += s == XAP_OK;
        xap_query_free(t);
    }
    if (s == XAP_OK && nsubs > 0)
        s = xap_query_new_combine(XAP_OP_OR, (const xap_query *const *)subs,
                                  nsubs, 0, &expansion);
    if (s == XAP_OK && expansion) {
        const xap_query *both[2] = {query, expansion};
        s = xap_query_new_combine(XAP_OP_AND_MAYBE, both, 2, 0, &both_q);
    }
    if (s == XAP_OK && both_q)
        s = xap_enquire_set_query(enq, both_q, 0);
    for (uint32_t i = 0; i < nsubs; i++)
        xap_query_free(subs[i]);
    xap_query_free(expansion);
    xap_query_free(both_q);
    xap_eset_free(eset);
    xap_rset_free(rset);
    xap_mset_free(top);
    return s;
}

static int run_one(const qb_query *q, FILE *out, void *ctx)
{
    bench *b = ctx;
    xap_query *query = NULL;
    xap_enquire *enq = NULL;
    xap_mset *mset = NULL;
    xap_valuecount_spy *spy = NULL;
    int features = b->mode == MODE_FEATURES;
    if (out)
        fprintf(out, "%s\t", q->qid);
    xap_status s = xap_queryparser_parse(
        b->qp, q->text,
        FLAGS | (features ? XAP_QP_FLAG_SPELLING_CORRECTION : 0), NULL,
        &query);
    if (s == XAP_ERR_QUERY_PARSE) {
        if (out)
            fputs("!syntax\n", out);
        return 0;
    }
    char *corrected = NULL;
    if (s == XAP_OK && features)
        s = xap_queryparser_corrected_query(b->qp, &corrected);
    if (corrected)
        b->touched += strlen(corrected);
    free(corrected);
    if (s == XAP_OK)
        s = xap_enquire_new(b->db, &enq);
    if (s == XAP_OK)
        s = gz_ranking_set_weighting(enq);
    if (s == XAP_OK)
        s = xap_enquire_set_query(enq, query, 0);
    if (s == XAP_OK && features)
        s = add_feedback(enq, query);
    if (s == XAP_OK && features)
        s = xap_enquire_set_collapse_key(enq, GZ_SLOT_DEDUP, 1);
    if (s == XAP_OK && b->mode == MODE_FACETS) {
        s = xap_valuecount_spy_new(GZ_SLOT_SOURCE, &spy);
        if (s == XAP_OK)
            s = xap_enquire_add_valuecount_spy(enq, spy);
    }
    if (s == XAP_OK)
        s = xap_enquire_get_mset(enq, 0, b->hits,
                                 b->mode == MODE_FACETS ? b->doccount : 0,
                                 NULL, &mset);
    /* Snippets highlight the words typed, not the feedback terms. */
    if (s == XAP_OK && features)
        s = xap_enquire_set_query(enq, query, 0);
    for (uint32_t i = 0; s == XAP_OK && i < xap_mset_size(mset); i++)
        s = read_hit(b, mset, i, out);
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
    fprintf(stderr, "usage: xapian_qbench [-m plain|facets|features] "
                    "[-r ROUNDS] "
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
        b.mode = MODE_FACETS;
    else if (strcmp(mode, "features") == 0)
        b.mode = MODE_FEATURES;
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
