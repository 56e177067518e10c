// document.cc - the shim: documents: terms, values, data.
#include "internal.h"

// ---------------------------------------------------------------- document

xap_status xap_document_new(xap_document **out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = new xap_document{};
        return XAP_OK;
    });
}

void xap_document_free(xap_document *doc)
{
    delete doc;
}

xap_status xap_document_set_data(xap_document *doc, const char *data,
                                 size_t len)
{
    return guard(__func__, [&] {
        NEED(doc);
        if (len)
            NEED(data);
        doc->doc.set_data(std::string(data ? data : "", len));
        return XAP_OK;
    });
}

xap_status xap_document_set_data_parts(xap_document *doc, const char *head,
                                       size_t hlen, const char *tail,
                                       size_t tlen)
{
    return guard(__func__, [&] {
        NEED(doc);
        if (hlen)
            NEED(head);
        if (tlen)
            NEED(tail);
        std::string d;
        d.reserve(hlen + tlen);
        d.append(head ? head : "", hlen);
        d.append(tail ? tail : "", tlen);
        doc->doc.set_data(d);
        return XAP_OK;
    });
}

xap_status xap_document_get_data(const xap_document *doc, const char **data,
                                 size_t *len)
{
    return guard(__func__, [&] {
        NEED(doc);
        NEED(data);
        NEED(len);
        // Only replace the cache when the data changed, so an earlier
        // pointer stays valid while the document is unchanged.
        std::string d = doc->doc.get_data();
        if (d != doc->data)
            doc->data.swap(d);
        *data = doc->data.data();
        *len = doc->data.size();
        return XAP_OK;
    });
}

xap_status xap_document_add_value(xap_document *doc, unsigned slot,
                                  const char *value, size_t len)
{
    return guard(__func__, [&] {
        NEED(doc);
        if (len)
            NEED(value);
        doc->doc.add_value(slot, std::string(value ? value : "", len));
        return XAP_OK;
    });
}

xap_status xap_document_get_value(const xap_document *doc, unsigned slot,
                                  const char **value, size_t *len)
{
    return guard(__func__, [&] {
        NEED(doc);
        NEED(value);
        NEED(len);
        std::string v = doc->doc.get_value(slot);
        std::string &cached = doc->values[slot];
        if (v != cached)
            cached.swap(v);
        *value = cached.data();
        *len = cached.size();
        return XAP_OK;
    });
}

xap_status xap_document_add_term(xap_document *doc, const char *term,
                                 unsigned wdf_inc)
{
    return guard(__func__, [&] {
        NEED(doc);
        NEED(term);
        doc->doc.add_term(term, wdf_inc);
        return XAP_OK;
    });
}

xap_status xap_document_add_boolean_term(xap_document *doc, const char *term)
{
    return guard(__func__, [&] {
        NEED(doc);
        NEED(term);
        doc->doc.add_boolean_term(term);
        return XAP_OK;
    });
}

xap_status xap_document_add_posting(xap_document *doc, const char *term,
                                    unsigned pos, unsigned wdf_inc)
{
    return guard(__func__, [&] {
        NEED(doc);
        NEED(term);
        doc->doc.add_posting(term, pos, wdf_inc);
        return XAP_OK;
    });
}

xap_status xap_document_each_position(const xap_document *doc,
                                      const char *term,
                                      int (*fn)(unsigned pos, void *ctx),
                                      void *ctx)
{
    return guard(__func__, [&] {
        NEED(doc);
        NEED(term);
        NEED(fn);
        // Xapian throws for the positions of a term the document lacks.
        auto t = doc->doc.termlist_begin();
        t.skip_to(term);
        if (t == doc->doc.termlist_end() || *t != term)
            return XAP_OK;
        for (auto it = t.positionlist_begin(); it != t.positionlist_end();
             ++it)
            if (fn(*it, ctx))
                break;
        return XAP_OK;
    });
}

xap_status xap_document_term_count(const xap_document *doc, size_t *out)
{
    return guard(__func__, [&] {
        NEED(doc);
        NEED(out);
        *out = doc->doc.termlist_count();
        return XAP_OK;
    });
}

// The iterator of a walk over a document's terms, on its current term,
// and where its callback asked it to go on from (xap_doc_term_skip_to).
struct xap_doc_term {
    Xapian::TermIterator it;
    std::string skip;
    bool skipping = false;
};

// Walks `doc`'s terms from the first not before `from` while they start
// with `prefix`, calling fn(xap_doc_term &at, const std::string &term)
// until it returns nonzero, and going on from the term fn skipped to, if
// it did; the shared body of the entry points below.
template <class Fn>
static void walk_terms(const xap_document *doc, const char *from,
                       const char *prefix, Fn fn)
{
    std::string p = opt(prefix);
    xap_doc_term at{doc->doc.termlist_begin(), {}, false};
    at.it.skip_to(std::max(opt(from), p));
    while (at.it != doc->doc.termlist_end()) {
        std::string t = *at.it;
        if ((!p.empty() && !starts_with(t, p)) || fn(at, t))
            break;
        // Xapian's skip_to passes the terms before its target without
        // copying each out, which is what a skip saves.
        if (at.skipping && at.skip > t)
            at.it.skip_to(at.skip);
        else
            ++at.it;
        at.skipping = false;
    }
}

xap_status xap_document_each_term(const xap_document *doc, const char *prefix,
                                  int (*fn)(const char *term, size_t len,
                                            unsigned wdf, void *ctx),
                                  void *ctx)
{
    return guard(__func__, [&] {
        NEED(doc);
        NEED(fn);
        walk_terms(doc, NULL, prefix, [&](const xap_doc_term &at,
                                          const std::string &t) {
            return fn(t.c_str(), t.size(), at.it.get_wdf(), ctx);
        });
        return XAP_OK;
    });
}

xap_status xap_document_each_term_at(const xap_document *doc,
                                     const char *prefix,
                                     int (*fn)(const xap_doc_term *at,
                                               const char *term, size_t len,
                                               unsigned wdf, void *ctx),
                                     void *ctx)
{
    return guard(__func__, [&] {
        NEED(doc);
        NEED(fn);
        walk_terms(doc, NULL, prefix, [&](const xap_doc_term &at,
                                          const std::string &t) {
            return fn(&at, t.c_str(), t.size(), at.it.get_wdf(), ctx);
        });
        return XAP_OK;
    });
}

xap_status xap_document_each_term_from(const xap_document *doc,
                                       const char *from,
                                       int (*fn)(xap_doc_term *at,
                                                 const char *term, size_t len,
                                                 unsigned wdf, void *ctx),
                                       void *ctx)
{
    return guard(__func__, [&] {
        NEED(doc);
        NEED(fn);
        walk_terms(doc, from, NULL, [&](xap_doc_term &at,
                                        const std::string &t) {
            return fn(&at, t.c_str(), t.size(), at.it.get_wdf(), ctx);
        });
        return XAP_OK;
    });
}

xap_status xap_doc_term_skip_to(xap_doc_term *at, const char *term)
{
    return guard(__func__, [&] {
        NEED(at);
        NEED(term);
        at->skip = term;
        at->skipping = true;
        return XAP_OK;
    });
}

xap_status xap_doc_term_each_position(const xap_doc_term *at,
                                      int (*fn)(unsigned pos, void *ctx),
                                      void *ctx)
{
    return guard(__func__, [&] {
        NEED(at);
        NEED(fn);
        for (auto it = at->it.positionlist_begin();
             it != at->it.positionlist_end(); ++it)
            if (fn(*it, ctx))
                break;
        return XAP_OK;
    });
}
