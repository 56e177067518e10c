/* aliases.c - entity: filters with the index's entity aliases
 * (indexer/entity_aliases.h): entity:"Man Utd" also finds the articles
 * that name "Manchester United" when the aliases file puts both names on
 * one line; and the synonyms of a key (gazette-index --synonyms) for the
 * words Xapian's parser does not expand itself (capitals.c). */
#include "search_private.h"

#include <stdlib.h>
#include <string.h>

/* The queries of one entity: filter, collected (ctx of add_alias). */
typedef struct alias_terms {
    xap_query **terms;
    size_t count;
    xap_status status;
    const xap_database *heads_of;   /* entity: the index whose head terms
                                       each alias adds (add_head); NULL:
                                       none (synonyms) */
} alias_terms;

static int add_term(alias_terms *a, const char *term)
{
    xap_query **grown = realloc(a->terms, (a->count + 1) * sizeof *grown);
    if (!grown) {
        a->status = XAP_ERR_NOMEM;
        return 1;
    }
    a->terms = grown;
    a->status = xap_query_new_term(term, 1, 0, &a->terms[a->count]);
    a->count += a->status == XAP_OK;
    return a->status != XAP_OK;
}

/* The head term of `value` (schema.h, "XHbbc") into `a` when the index
 * has it and also has the entity `term` itself: an acronym that opens
 * longer names ("BBC News") stands for its own entity only where some
 * article names it alone ("JP" of "JP Morgan" does not). */
static void add_head(alias_terms *a, const xap_database *db,
                     const char *value, const char *term)
{
    char head[GZ_TERM_BUF];
    int has_entity = 0, has_head = 0;
    if (!gz_entity_head_term(value, head, sizeof head)) {
        a->status = XAP_ERR_NOMEM;
        return;
    }
    a->status = xap_database_term_exists(db, head, &has_head);
    if (a->status == XAP_OK && has_head)
        a->status = xap_database_term_exists(db, term, &has_entity);
    if (a->status == XAP_OK && has_head && has_entity)
        add_term(a, head);
}

/* xap_database_each_synonym callback: one alias term, and for entity:
 * its head term (add_head), so that an alias finds what its name finds
 * typed ("British Broadcasting Corporation = BBC" finds "BBC News" as
 * entity:BBC does). The alias's key is the term without its prefix:
 * folding it again changes nothing (a hashed one has no head term). */
static int add_alias(const char *synonym, void *ctx)
{
    alias_terms *a = ctx;
    size_t prefix = strlen(GZ_PREFIX_ENTITY);
    if (add_term(a, synonym))
        return 1;
    if (a->heads_of && strncmp(synonym, GZ_PREFIX_ENTITY, prefix) == 0)
        add_head(a, a->heads_of, synonym + prefix, synonym);
    return a->status != XAP_OK;
}

/* xap_field_fn of entity: (ctx: the index): the entity's term OR the
 * terms of its aliases, OR the head terms of each (add_head). `value` is
 * the name as the normaliser wrote it. */
static xap_status entity_query(const char *value, void *ctx, xap_query **out)
{
    gazette_index_t *index = ctx;
    char term[GZ_TERM_BUF];
    alias_terms a = {NULL, 0, XAP_OK, index->db};
    *out = NULL;
    index->entity_asked = 1;
    if (!gz_entity_term(value, term, sizeof term))
        return xap_query_new_term(GZ_PREFIX_ENTITY, 1, 0, out);   /* none */
    if (add_term(&a, term) == 0)
        add_head(&a, index->db, value, term);
    xap_status s = a.status;
    if (s == XAP_OK)
        s = xap_database_each_synonym(index->db, term, add_alias, &a);
    if (s == XAP_OK)
        s = a.status;
    if (s == XAP_OK && a.count == 1) {
        *out = a.terms[0];
        a.terms[0] = NULL;
    } else if (s == XAP_OK) {
        s = xap_query_new_combine(XAP_OP_OR, (const xap_query *const *)a.terms,
                                  a.count, 0, out);
    }
    for (size_t i = 0; i < a.count; i++)
        xap_query_free(a.terms[i]);
    free(a.terms);
    return s;
}

xap_status gz_synonyms_of(const gazette_index_t *index, const char *key,
                          xap_query **out)
{
    alias_terms a = {NULL, 0, XAP_OK, NULL};
    *out = NULL;
    xap_status s = xap_database_each_synonym(index->db, key, add_alias, &a);
    if (s == XAP_OK)
        s = a.status;
    if (s == XAP_OK && a.count)
        s = xap_query_new_combine(XAP_OP_SYNONYM,
                                  (const xap_query *const *)a.terms, a.count,
                                  0, out);
    for (size_t i = 0; i < a.count; i++)
        xap_query_free(a.terms[i]);
    free(a.terms);
    return s;
}

xap_status gz_aliases_setup(gazette_index_t *index)
{
    xap_status s = XAP_OK;
    for (size_t i = 0; s == XAP_OK && i < gz_nfields; i++) {
        const gz_field *f = &gz_fields[i];
        if (f->name && f->fold == GZ_FOLD_ENTITY)
            s = xap_queryparser_add_boolean_prefix_callback(
                index->qp, f->name, f->exclusive, entity_query, index);
    }
    return s;
}
