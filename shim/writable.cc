// writable.cc - the shim: writable databases: open, add, replace, delete, commit, transactions, compaction.
#include "internal.h"


extern "C" {

// ------------------------------------------------------------- writable db

xap_status xap_writable_open(const char *path, xap_db_action action,
                             unsigned flags, xap_writable **out)
{
    return guard(__func__, [&] {
        NEED(path);
        NEED(out);
        int xflags = 0;
        switch (raw(action)) {
        case XAP_DB_CREATE_OR_OPEN: xflags = Xapian::DB_CREATE_OR_OPEN; break;
        case XAP_DB_CREATE_OR_OVERWRITE:
            xflags = Xapian::DB_CREATE_OR_OVERWRITE;
            break;
        case XAP_DB_CREATE: xflags = Xapian::DB_CREATE; break;
        case XAP_DB_OPEN: xflags = Xapian::DB_OPEN; break;
        default:
            bad_arg("unknown action " + std::to_string(raw(action)));
        }
        const unsigned known =
            XAP_DB_RETRY_LOCK | XAP_DB_NO_SYNC | XAP_DB_DANGEROUS;
        if (flags & ~known)
            bad_arg("unknown flags " + std::to_string(flags));
        if (flags & XAP_DB_RETRY_LOCK)
            xflags |= Xapian::DB_RETRY_LOCK;
        if (flags & XAP_DB_NO_SYNC)
            xflags |= Xapian::DB_NO_SYNC;
        if (flags & XAP_DB_DANGEROUS)
            xflags |= Xapian::DB_DANGEROUS;
        auto w = std::make_unique<xap_writable>();
        w->wdb = Xapian::WritableDatabase(path, xflags);
        w->view.db = w->wdb;
        *out = w.release();
        return XAP_OK;
    });
}

xap_database *xap_writable_database(xap_writable *w)
{
    return w ? &w->view : nullptr;
}

xap_status xap_writable_add_document(xap_writable *w, const xap_document *doc,
                                     xap_docid *id)
{
    return guard(__func__, [&] {
        NEED(w);
        NEED(doc);
        xap_docid did = w->wdb.add_document(doc->doc);
        if (id)
            *id = did;
        return XAP_OK;
    });
}

xap_status xap_writable_replace_document_by_term(xap_writable *w,
                                                 const char *unique_term,
                                                 const xap_document *doc,
                                                 xap_docid *id)
{
    return guard(__func__, [&] {
        NEED(w);
        NEED(unique_term);
        NEED(doc);
        xap_docid did = w->wdb.replace_document(unique_term, doc->doc);
        if (id)
            *id = did;
        return XAP_OK;
    });
}

xap_status xap_writable_replace_document(xap_writable *w, xap_docid id,
                                         const xap_document *doc)
{
    return guard(__func__, [&] {
        NEED(w);
        NEED(doc);
        w->wdb.replace_document(id, doc->doc);
        return XAP_OK;
    });
}

xap_status xap_writable_delete_document_by_term(xap_writable *w,
                                                const char *term)
{
    return guard(__func__, [&] {
        NEED(w);
        NEED(term);
        w->wdb.delete_document(std::string(term));
        return XAP_OK;
    });
}

xap_status xap_writable_commit(xap_writable *w)
{
    return guard(__func__, [&] {
        NEED(w);
        w->wdb.commit();
        return XAP_OK;
    });
}

xap_status xap_writable_begin_transaction(xap_writable *w, int flushed)
{
    return guard(__func__, [&] {
        NEED(w);
        w->wdb.begin_transaction(flushed != 0);
        return XAP_OK;
    });
}

xap_status xap_writable_commit_transaction(xap_writable *w)
{
    return guard(__func__, [&] {
        NEED(w);
        w->wdb.commit_transaction();
        return XAP_OK;
    });
}

xap_status xap_writable_cancel_transaction(xap_writable *w)
{
    return guard(__func__, [&] {
        NEED(w);
        w->wdb.cancel_transaction();
        return XAP_OK;
    });
}

xap_status xap_writable_set_metadata(xap_writable *w, const char *key,
                                     const char *value, size_t len)
{
    return guard(__func__, [&] {
        NEED(w);
        NEED(key);
        if (len)
            NEED(value);
        w->wdb.set_metadata(key, std::string(value ? value : "", len));
        return XAP_OK;
    });
}

xap_status xap_writable_add_synonym(xap_writable *w, const char *term,
                                    const char *synonym)
{
    return guard(__func__, [&] {
        NEED(w);
        NEED(term);
        NEED(synonym);
        w->wdb.add_synonym(term, synonym);
        return XAP_OK;
    });
}

xap_status xap_writable_clear_synonyms(xap_writable *w, const char *term)
{
    return guard(__func__, [&] {
        NEED(w);
        NEED(term);
        w->wdb.clear_synonyms(term);
        return XAP_OK;
    });
}

xap_status xap_writable_add_spelling(xap_writable *w, const char *word,
                                     unsigned freqinc)
{
    return guard(__func__, [&] {
        NEED(w);
        NEED(word);
        w->wdb.add_spelling(word, freqinc);
        return XAP_OK;
    });
}

xap_status xap_writable_close(xap_writable *w)
{
    return guard(__func__, [&] {
        NEED(w);
        // Commits (unless a transaction is active, which it cancels) and
        // releases the lock; if the commit throws the lock stays held
        // until xap_writable_free().
        w->wdb.close();
        return XAP_OK;
    });
}

void xap_writable_free(xap_writable *w)
{
    if (!w)
        return;
    // ~WritableDatabase commits pending changes unless a transaction is
    // active, in which case it cancels it.  The header promises discarding,
    // so open an unflushed transaction (a no-op when one is already open or
    // the db is closed) and cancel it: that drops everything since the last
    // commit.
    try {
        w->wdb.begin_transaction(false);
    } catch (...) {
    }
    try {
        w->wdb.cancel_transaction();
    } catch (...) {
    }
    delete w;
}

xap_status xap_compact(const char *const *sources, size_t nsources,
                       const char *dest)
{
    return guard(__func__, [&] {
        NEED(sources);
        NEED(dest);
        if (nsources == 0)
            bad_arg("no source databases");
        Xapian::Database all;
        for (size_t i = 0; i < nsources; i++) {
            NEED(sources[i]);
            all.add_database(Xapian::Database(sources[i]));
        }
        // FULL, as xapian-compact does by default: blocks filled up.
        all.compact(dest, Xapian::Compactor::FULL);
        return XAP_OK;
    });
}

}  // extern "C"
