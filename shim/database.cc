// database.cc - the shim: read-only databases: open, reopen, shards, metadata, terms, postings, synonyms.
#include "internal.h"

// ------------------------------------------------------------ read-only db

xap_status xap_database_open(const char *path, xap_database **out)
{
    return guard(__func__, [&] {
        NEED(path);
        NEED(out);
        *out = new xap_database{Xapian::Database(path)};
        return XAP_OK;
    });
}

xap_status xap_database_open_remote(const char *host, unsigned port,
                                    unsigned timeout_ms,
                                    unsigned connect_timeout_ms,
                                    xap_database **out)
{
    return guard(__func__, [&] {
        NEED(host);
        NEED(out);
        *out = new xap_database{
            Xapian::Remote::open(host, port, timeout_ms, connect_timeout_ms)};
        return XAP_OK;
    });
}

xap_status xap_database_new_empty(xap_database **out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = new xap_database{};
        return XAP_OK;
    });
}

xap_status xap_database_add_database(xap_database *db,
                                     const xap_database *shard)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(shard);
        db->db.add_database(shard->db);
        return XAP_OK;
    });
}

xap_status xap_database_shard_count(const xap_database *db, size_t *out)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(out);
        *out = db->db.size();
        return XAP_OK;
    });
}

xap_status xap_database_reopen(xap_database *db, int *changed)
{
    return guard(__func__, [&] {
        NEED(db);
        bool moved = db->db.reopen();
        if (changed)
            *changed = moved ? 1 : 0;
        return XAP_OK;
    });
}

void xap_database_free(xap_database *db)
{
    delete db;
}

xap_status xap_database_doc_count(const xap_database *db, uint32_t *out)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(out);
        *out = db->db.get_doccount();
        return XAP_OK;
    });
}

xap_status xap_database_value_freq(const xap_database *db, unsigned slot,
                                   uint32_t *out)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(out);
        *out = db->db.get_value_freq(slot);
        return XAP_OK;
    });
}

xap_status xap_database_total_length(const xap_database *db, uint64_t *out)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(out);
        *out = db->db.get_total_length();
        return XAP_OK;
    });
}

xap_status xap_database_term_exists(const xap_database *db, const char *term,
                                    int *out)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(term);
        NEED(out);
        *out = db->db.term_exists(term) ? 1 : 0;
        return XAP_OK;
    });
}

xap_status xap_database_termfreq(const xap_database *db, const char *term,
                                 uint32_t *out)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(term);
        NEED(out);
        *out = db->db.get_termfreq(term);
        return XAP_OK;
    });
}

xap_status xap_database_first_posting(const xap_database *db,
                                      const char *term, xap_docid *out)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(term);
        NEED(out);
        Xapian::PostingIterator it = db->db.postlist_begin(term);
        if (it == db->db.postlist_end(term))
            fail(XAP_ERR_DOC_NOT_FOUND, "DocNotFoundError",
                 std::string("no document has term ") + term);
        *out = *it;
        return XAP_OK;
    });
}

xap_status xap_database_each_posting(const xap_database *db, const char *term,
                                     int (*fn)(xap_docid id, void *ctx),
                                     void *ctx)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(term);
        NEED(fn);
        for (auto it = db->db.postlist_begin(term);
             it != db->db.postlist_end(term); ++it) {
            if (fn(*it, ctx))
                break;
        }
        return XAP_OK;
    });
}

xap_status xap_database_each_value(const xap_database *db, unsigned slot,
                                   int (*fn)(xap_docid id, const char *value,
                                             size_t len, void *ctx),
                                   void *ctx)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(fn);
        for (auto it = db->db.valuestream_begin(slot);
             it != db->db.valuestream_end(slot); ++it) {
            std::string v = *it;
            if (fn(it.get_docid(), v.data(), v.size(), ctx))
                break;
        }
        return XAP_OK;
    });
}

xap_status xap_database_each_term(const xap_database *db, const char *prefix,
                                  int (*fn)(const char *term, size_t len,
                                            uint32_t termfreq, void *ctx),
                                  void *ctx)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(fn);
        std::string p = opt(prefix);
        for (auto it = db->db.allterms_begin(p); it != db->db.allterms_end(p);
             ++it) {
            std::string t = *it;
            if (fn(t.c_str(), t.size(), it.get_termfreq(), ctx))
                break;
        }
        return XAP_OK;
    });
}

xap_status xap_database_last_docid(const xap_database *db, xap_docid *out)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(out);
        *out = db->db.get_lastdocid();
        return XAP_OK;
    });
}

xap_status xap_database_get_document(const xap_database *db, xap_docid id,
                                     xap_document **out)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(out);
        *out = new xap_document{db->db.get_document(id), {}, {}};
        return XAP_OK;
    });
}

xap_status xap_database_get_metadata(const xap_database *db, const char *key,
                                     char **value, size_t *len)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(key);
        NEED(value);
        std::string v = db->db.get_metadata(key);
        *value = dup_bytes(v);
        if (len)
            *len = v.size();
        return XAP_OK;
    });
}

xap_status xap_database_get_shard_metadata(const xap_database *db,
                                           size_t shard, const char *key,
                                           char **value, size_t *len)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(key);
        NEED(value);
#if XAPIAN_AT_LEAST(1, 5, 0)
        if (shard >= db->db.size())
            fail(XAP_ERR_INVALID_ARG, "InvalidArgumentError",
                 "no such shard");
        if (db->db.size() > 1)   // no per-shard access known there yet
            fail(XAP_ERR_UNIMPLEMENTED, "UnimplementedError",
                 "metadata of one shard");
        std::string v = db->db.get_metadata(key);
#else
        // A combined database answers for its first shard only; one
        // Database around the shard's Internal (a public constructor,
        // marked internal) answers for that shard.
        if (shard >= db->db.internal.size())
            fail(XAP_ERR_INVALID_ARG, "InvalidArgumentError",
                 "no such shard");
        Xapian::Database one(db->db.internal[shard].get());
        std::string v = one.get_metadata(key);
#endif
        *value = dup_bytes(v);
        if (len)
            *len = v.size();
        return XAP_OK;
    });
}

xap_status xap_database_spelling_suggestion(const xap_database *db,
                                            const char *word,
                                            unsigned max_edit_distance,
                                            char **out)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(word);
        NEED(out);
        *out = dup_bytes(db->db.get_spelling_suggestion(word, max_edit_distance));
        return XAP_OK;
    });
}

xap_status xap_database_each_synonym_key(const xap_database *db,
                                         const char *prefix,
                                         int (*fn)(const char *key, void *ctx),
                                         void *ctx)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(prefix);
        NEED(fn);
        for (auto it = db->db.synonym_keys_begin(prefix);
             it != db->db.synonym_keys_end(prefix); ++it) {
            std::string key = *it;
            if (fn(key.c_str(), ctx))
                break;
        }
        return XAP_OK;
    });
}

xap_status xap_database_each_synonym(const xap_database *db, const char *term,
                                     int (*fn)(const char *synonym, void *ctx),
                                     void *ctx)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(term);
        NEED(fn);
        for (auto it = db->db.synonyms_begin(term);
             it != db->db.synonyms_end(term); ++it) {
            std::string syn = *it;
            if (fn(syn.c_str(), ctx))
                break;
        }
        return XAP_OK;
    });
}

