/*
 * xapian_peer.c - the "raw Xapian" peer: Xapian's out-of-the-box English
 * setup, through the shim, on the converted documents.
 *
 *   xapian_peer DOCS_DIR DB_DIR QUERIES.tsv > RUN
 *
 * Indexing: a TermGenerator with the English stemmer (its default
 * STEM_SOME: unstemmed terms plus Z-prefixed stems), title then body as
 * one text, document data = docno. Searching: a QueryParser with the same
 * stemmer, STEM_SOME and the default flags (boolean operators, phrases,
 * +/-), Enquire's default weighting (BM25, k1=1, k2=0, k3=1, b=0.5,
 * min_normlen=0.5). No stopwords, no title weighting, nothing else.
 * DB_DIR is created (overwritten). Writes a TREC run (top 1000) to stdout
 * and the median query latency to stderr. Exit 0, 64 usage, 70 on error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs.h"
#include "xapian_shim.h"

#define DEPTH 1000

typedef struct peer {
    xap_writable *w;
    xap_termgen *tg;
    xap_stem *stem;
    xap_queryparser *qp;
    xap_database *db;
    peer_latencies lat;
} peer;

static int fail(const char *what)
{
    fprintf(stderr, "xapian_peer: %s: %s\n", what, xap_last_error());
    return -1;
}

/* Index one converted document. */
static int add_doc(const peer_doc *d, void *ctx)
{
    peer *p = ctx;
    xap_document *doc = NULL;
    xap_status s = xap_document_new(&doc);
    if (s == XAP_OK)
        s = xap_termgen_set_document(p->tg, doc);
    if (s == XAP_OK)
        s = xap_termgen_index_text(p->tg, d->title, strlen(d->title), 1, "");
    if (s == XAP_OK)
        s = xap_termgen_increase_termpos(p->tg, 100);
    if (s == XAP_OK)
        s = xap_termgen_index_text(p->tg, d->body, strlen(d->body), 1, "");
    if (s == XAP_OK)
        s = xap_document_set_data(doc, d->docno, strlen(d->docno));
    if (s == XAP_OK)
        s = xap_writable_add_document(p->w, doc, NULL);
    xap_document_free(doc);
    return s == XAP_OK ? 0 : fail("indexing");
}

/* Print the run lines of `mset` for `qid`. */
static xap_status print_mset(const xap_mset *mset, const char *qid)
{
    xap_status s = XAP_OK;
    uint32_t n = xap_mset_size(mset);
    for (uint32_t i = 0; s == XAP_OK && i < n; i++) {
        xap_document *doc = NULL;
        const char *data = NULL;
        size_t len = 0;
        double weight = 0;
        s = xap_mset_document(mset, i, &doc);
        if (s == XAP_OK)
            s = xap_document_get_data(doc, &data, &len);
        if (s == XAP_OK)
            s = xap_mset_weight(mset, i, &weight);
        if (s == XAP_OK)
            printf("%s Q0 %.*s %u %.6f xapian\n", qid, (int)len, data, i + 1,
                   weight);
        xap_document_free(doc);
    }
    return s;
}

/* Run one query and print its top DEPTH. A parse error answers nothing. */
static int run_query(const char *qid, const char *text, void *ctx)
{
    peer *p = ctx;
    double t0 = peer_now_us();
    xap_query *q = NULL;
    xap_enquire *enq = NULL;
    xap_mset *mset = NULL;
    xap_status s = xap_queryparser_parse(p->qp, text, XAP_QP_FLAG_DEFAULT,
                                         NULL, &q);
    if (s == XAP_ERR_QUERY_PARSE) {
        fprintf(stderr, "xapian_peer: query %s: %s\n", qid, xap_last_error());
        return 0;
    }
    if (s == XAP_OK)
        s = xap_enquire_new(p->db, &enq);
    if (s == XAP_OK)
        s = xap_enquire_set_query(enq, q, 0);
    if (s == XAP_OK)
        s = xap_enquire_get_mset(enq, 0, DEPTH, 0, NULL, &mset);
    if (s == XAP_OK)
        s = print_mset(mset, qid);
    xap_mset_free(mset);
    xap_enquire_free(enq);
    xap_query_free(q);
    if (peer_latency_add(&p->lat, peer_now_us() - t0) != 0)
        return -1;
    return s == XAP_OK ? 0 : fail("searching");
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: xapian_peer DOCS_DIR DB_DIR QUERIES.tsv\n");
        return 64;
    }
    peer p = {0};
    int rc = 0;
    xap_status s = xap_stem_new("english", &p.stem);
    if (s == XAP_OK)
        s = xap_writable_open(argv[2], XAP_DB_CREATE_OR_OVERWRITE,
                              XAP_DB_NO_SYNC, &p.w);
    if (s == XAP_OK)
        s = xap_termgen_new(&p.tg);
    if (s == XAP_OK)
        s = xap_termgen_set_stemmer(p.tg, p.stem);
    if (s != XAP_OK)
        rc = fail("setup");
    if (rc == 0)
        rc = peer_each_doc(argv[1], add_doc, &p);
    if (rc == 0 && xap_writable_close(p.w) != XAP_OK)
        rc = fail("commit");
    if (rc == 0) {
        s = xap_database_open(argv[2], &p.db);
        if (s == XAP_OK)
            s = xap_queryparser_new(&p.qp);
        if (s == XAP_OK)
            s = xap_queryparser_set_stemmer(p.qp, p.stem);
        if (s == XAP_OK)
            s = xap_queryparser_set_stemming_strategy(p.qp, XAP_STEM_SOME);
        if (s == XAP_OK)
            s = xap_queryparser_set_database(p.qp, p.db);
        if (s != XAP_OK)
            rc = fail("opening the index");
    }
    if (rc == 0)
        rc = peer_each_query(argv[3], run_query, &p);
    peer_latency_report(&p.lat, "xapian_peer");
    xap_queryparser_free(p.qp);
    xap_database_free(p.db);
    xap_termgen_free(p.tg);
    xap_writable_free(p.w);
    xap_stem_free(p.stem);
    return rc == 0 ? 0 : 70;
}
