/*
 * xapian_index.c - the raw single-threaded Xapian indexing loop, for
 * bench/index-bench.sh: what a minimal indexer on the Xapian API does,
 * through the shim (C, no Gazette code).
 *
 *   xapian_index CORPUS_DIR DB_DIR
 *
 * Every "*.txt" file below CORPUS_DIR (title = first line, body = the
 * rest, as gazette-index reads a plain .txt) becomes one document: a
 * TermGenerator with the English stemmer and its default STEM_SOME
 * (unstemmed terms with positions plus Z-prefixed stems, the free-text
 * terms Gazette makes too), title then body with a gap of 100 positions,
 * document data = the relative path; add_document, Xapian's default
 * automatic commit, one final commit. No spelling, no boolean terms, no
 * values. DB_DIR is overwritten. Exit 0, 64 usage, 70 on error.
 */
#include <stdio.h>
#include <string.h>

#include "docs.h"
#include "xapian_shim.h"

typedef struct loop {
    xap_writable *w;
    xap_termgen *tg;
    unsigned long docs;
} loop;

static int add_doc(const peer_doc *d, void *ctx)
{
    loop *l = ctx;
    xap_document *doc = NULL;
    xap_status s = xap_document_new(&doc);
    if (s == XAP_OK)
        s = xap_termgen_set_document(l->tg, doc);
    if (s == XAP_OK)
        s = xap_termgen_index_text(l->tg, d->title, strlen(d->title), 1, "");
    if (s == XAP_OK)
        s = xap_termgen_increase_termpos(l->tg, 100);
    if (s == XAP_OK)
        s = xap_termgen_index_text(l->tg, d->body, strlen(d->body), 1, "");
    if (s == XAP_OK)
        s = xap_document_set_data(doc, d->docno, strlen(d->docno));
    if (s == XAP_OK)
        s = xap_writable_add_document(l->w, doc, NULL);
    xap_document_free(doc);
    if (s != XAP_OK) {
        fprintf(stderr, "xapian_index: %s: %s\n", d->docno, xap_last_error());
        return -1;
    }
    l->docs++;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: xapian_index CORPUS_DIR DB_DIR\n");
        return 64;
    }
    loop l = {0};
    xap_stem *stem = NULL;
    xap_status s = xap_stem_new("english", &stem);
    if (s == XAP_OK)
        s = xap_writable_open(argv[2], XAP_DB_CREATE_OR_OVERWRITE, 0, &l.w);
    if (s == XAP_OK)
        s = xap_termgen_new(&l.tg);
    if (s == XAP_OK)
        s = xap_termgen_set_stemmer(l.tg, stem);
    int rc = s == XAP_OK ? peer_each_file(argv[1], add_doc, &l) : -1;
    if (rc == 0 && (s = xap_writable_close(l.w)) != XAP_OK)
        rc = -1;
    if (s != XAP_OK)
        fprintf(stderr, "xapian_index: %s\n", xap_last_error());
    xap_termgen_free(l.tg);
    xap_writable_free(l.w);
    xap_stem_free(stem);
    if (rc == 0)
        printf("%lu documents\n", l.docs);
    return rc == 0 ? 0 : 70;
}
