// xapian_shim.cc - the C binding of Xapian declared in xapian_shim.h.
//
// Every extern "C" entry point runs its body through guard(), which turns
// any exception into an xap_status and a thread-local message, so no C++
// exception ever reaches C.  Bodies compute into locals and assign the
// out-parameters last, so a failure leaves them untouched.

#include "xapian_shim.h"

#include <xapian.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

// ------------------------------------------------------------------ handles

struct xap_database {
    Xapian::Database db;
};

struct xap_writable {
    Xapian::WritableDatabase wdb;
    // Shares wdb's internals (Xapian handles are reference counted), so
    // reads through it see the writer's uncommitted changes.
    xap_database view;
};

struct xap_document {
    Xapian::Document doc;
    // Xapian returns data and values by value; the header promises borrowed
    // pointers, so the last fetched copies live here (mutable: filled by
    // the const getters).
    mutable std::string data;
    mutable std::map<unsigned, std::string> values;
};

struct xap_stem {
    Xapian::Stem stem;
};

struct xap_stopper {
    std::shared_ptr<const Xapian::SimpleStopper> stopper;
};

struct xap_termgen {
    Xapian::TermGenerator tg;
    // Xapian keeps only a raw pointer to a stopper we don't release() to it.
    std::shared_ptr<const Xapian::Stopper> stopper;
};

struct xap_queryparser {
    Xapian::QueryParser qp;
    std::shared_ptr<const Xapian::Stopper> stopper;
    // add_rangeprocessor() keeps raw pointers: we own the processors.
    std::vector<std::unique_ptr<Xapian::RangeProcessor>> ranges;
};

struct xap_query {
    Xapian::Query q;
};

struct xap_enquire {
    Xapian::Enquire enq;
};

struct xap_mset {
    Xapian::MSet mset;
};

struct xap_eset {
    // ESet iterators return terms by value: these copies back the borrowed
    // pointers xap_eset_term() hands out.
    std::vector<std::pair<std::string, double>> items;
};

struct xap_rset {
    Xapian::RSet rset;
};

// Counts a document only once per non-empty value of `slot` (when set):
// facet counts that agree with collapsing on that slot.
struct DistinctFilter {
    int slot = -1;
    std::unordered_set<std::string> seen;
    bool first_time(const Xapian::Document &doc)
    {
        if (slot < 0)
            return true;
        std::string v = doc.get_value(Xapian::valueno(slot));
        return v.empty() || seen.insert(v).second;
    }
};

class DistinctValueCountSpy : public Xapian::ValueCountMatchSpy {
  public:
    explicit DistinctValueCountSpy(Xapian::valueno s)
        : Xapian::ValueCountMatchSpy(s) {}
    void operator()(const Xapian::Document &doc, double wt) override
    {
        if (distinct.first_time(doc))
            Xapian::ValueCountMatchSpy::operator()(doc, wt);
    }
    DistinctFilter distinct;
};

struct xap_valuecount_spy {
    DistinctValueCountSpy spy;
};

// Counts the terms with a prefix in each matching document, or the pieces
// of a value split at a separator: a facet over a multi-valued field.
class TermCountMatchSpy : public Xapian::MatchSpy {
  public:
    explicit TermCountMatchSpy(std::string p) : prefix(std::move(p)) {}
    TermCountMatchSpy(Xapian::valueno s, char sep)
        : split_slot(int(s)), separator(sep) {}
    void operator()(const Xapian::Document &doc, double) override
    {
        if (!distinct.first_time(doc))
            return;
        ++documents;
        if (split_slot >= 0)
            count_pieces(doc.get_value(Xapian::valueno(split_slot)));
        else
            count_terms(doc);
    }
    void count_pieces(const std::string &value)
    {
        size_t start = 0;
        while (start < value.size()) {
            size_t end = value.find(separator, start);
            if (end == std::string::npos)
                end = value.size();
            if (end > start)
                ++counts[value.substr(start, end - start)];
            start = end + 1;
        }
    }
    void count_terms(const Xapian::Document &doc)
    {
        Xapian::TermIterator it = doc.termlist_begin();
        it.skip_to(prefix);
        for (; it != doc.termlist_end(); ++it) {
            const std::string &term = *it;
            if (term.compare(0, prefix.size(), prefix) != 0)
                break;
            ++counts[term.substr(prefix.size())];
        }
    }
    std::string prefix;
    int split_slot = -1;
    char separator = 0;
    std::map<std::string, uint32_t> counts;
    uint32_t documents = 0;
    DistinctFilter distinct;
};

struct xap_termcount_spy {
    TermCountMatchSpy spy;
};

// ------------------------------------------------------------ error plumbing

namespace {

thread_local std::string t_last_error;

// An error the shim detects itself (NULL argument, bad enum, index out of
// range).  guard() reports it as "<type>: <function>: <msg>", where the
// function name is known (__func__ inside a lambda is "operator()").
struct ShimError {
    xap_status status;
    const char *type;
    std::string msg;
};

[[noreturn]] void fail(xap_status st, const char *type, std::string msg)
{
    throw ShimError{st, type, std::move(msg)};
}

xap_status record(xap_status st, const char *type, const char *fn,
                  const char *msg) noexcept
{
    try {
        t_last_error.assign(type).append(": ");
        if (fn)
            t_last_error.append(fn).append(": ");
        t_last_error.append(msg);
    } catch (...) {
        t_last_error.clear();  // keeps capacity: never NULL, never throws
    }
    return st;
}

xap_status record(xap_status st, const Xapian::Error &e) noexcept
{
    try {
        t_last_error = e.get_description();  // "<Type>: <msg>[ (errno)]"
    } catch (...) {
        t_last_error.clear();
    }
    return st;
}

// Classifies the exception being handled.  Catch clauses run in order, so
// each derived class precedes its base (DatabaseNotFoundError and
// DatabaseVersionError both derive from DatabaseOpeningError in 1.4).
xap_status current_exception_status(const char *fn) noexcept
{
    try {
        throw;
    } catch (const ShimError &e) {
        return record(e.status, e.type, fn, e.msg.c_str());
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return record(XAP_ERR_DB_NOT_FOUND, e);
    } catch (const Xapian::DatabaseVersionError &e) {
        return record(XAP_ERR_DB_VERSION, e);
    } catch (const Xapian::DatabaseOpeningError &e) {
        return record(XAP_ERR_DB_OPENING, e);
    } catch (const Xapian::DatabaseLockError &e) {
        return record(XAP_ERR_DB_LOCKED, e);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return record(XAP_ERR_DB_CORRUPT, e);
    } catch (const Xapian::DatabaseModifiedError &e) {
        return record(XAP_ERR_DB_MODIFIED, e);
    } catch (const Xapian::DatabaseClosedError &e) {
        return record(XAP_ERR_DB_CLOSED, e);
    } catch (const Xapian::DatabaseError &e) {
        return record(XAP_ERR_DB, e);
    } catch (const Xapian::DocNotFoundError &e) {
        return record(XAP_ERR_DOC_NOT_FOUND, e);
    } catch (const Xapian::QueryParserError &e) {
        return record(XAP_ERR_QUERY_PARSE, e);
    } catch (const Xapian::NetworkError &e) {
        return record(XAP_ERR_NETWORK, e);
    } catch (const Xapian::UnimplementedError &e) {
        return record(XAP_ERR_UNIMPLEMENTED, e);
    } catch (const Xapian::RangeError &e) {
        return record(XAP_ERR_RANGE, e);
    } catch (const Xapian::WildcardError &e) {
        return record(XAP_ERR_WILDCARD, e);
    } catch (const Xapian::InvalidArgumentError &e) {
        return record(XAP_ERR_INVALID_ARG, e);
    } catch (const Xapian::Error &e) {
        return record(XAP_ERR_XAPIAN, e);
    } catch (const std::bad_alloc &) {
        return record(XAP_ERR_NOMEM, "std::bad_alloc", fn, "out of memory");
    } catch (const std::exception &e) {
        return record(XAP_ERR_UNKNOWN, "std::exception", fn, e.what());
    } catch (...) {
        return record(XAP_ERR_UNKNOWN, "UnknownException", fn,
                      "non-standard C++ exception");
    }
}

// Runs `body` (returning xap_status) with every exception mapped.
template <typename F>
xap_status guard(const char *fn, F &&body) noexcept
{
    try {
        return body();
    } catch (...) {
        return current_exception_status(fn);
    }
}

// Any pointer, including callbacks.
template <typename P>
void need(P p, const char *what)
{
    if (!p)
        fail(XAP_ERR_INVALID_ARG, "InvalidArgumentError",
             std::string("NULL ") + what);
}
#define NEED(p) need((p), #p)

[[noreturn]] void bad_arg(std::string msg)
{
    fail(XAP_ERR_INVALID_ARG, "InvalidArgumentError", std::move(msg));
}

// NULL-tolerant conversion for optional C strings.
std::string opt(const char *s)
{
    return s ? std::string(s) : std::string();
}

// A malloc()ed, NUL-terminated copy that keeps embedded NULs.
char *dup_bytes(const std::string &s)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

void check_index(uint32_t i, size_t size)
{
    if (i >= size)
        fail(XAP_ERR_RANGE, "RangeError",
             "index " + std::to_string(i) + " >= size " +
                 std::to_string(size));
}

bool starts_with(const std::string &s, const std::string &prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

// C may pass any int as an enum argument, but reading an out-of-range value
// through the C++ enum type is undefined (UBSan flags it), so inspect the
// object representation instead.
template <typename E>
int raw(const E &e)
{
    std::underlying_type_t<E> v;
    static_assert(sizeof v == sizeof e, "enum representation");
    std::memcpy(&v, &e, sizeof v);
    return static_cast<int>(v);
}

Xapian::Query::op to_op(const xap_query_op &op)
{
    switch (raw(op)) {
    case XAP_OP_AND: return Xapian::Query::OP_AND;
    case XAP_OP_OR: return Xapian::Query::OP_OR;
    case XAP_OP_AND_NOT: return Xapian::Query::OP_AND_NOT;
    case XAP_OP_XOR: return Xapian::Query::OP_XOR;
    case XAP_OP_AND_MAYBE: return Xapian::Query::OP_AND_MAYBE;
    case XAP_OP_FILTER: return Xapian::Query::OP_FILTER;
    case XAP_OP_NEAR: return Xapian::Query::OP_NEAR;
    case XAP_OP_PHRASE: return Xapian::Query::OP_PHRASE;
    case XAP_OP_SCALE_WEIGHT: return Xapian::Query::OP_SCALE_WEIGHT;
    case XAP_OP_ELITE_SET: return Xapian::Query::OP_ELITE_SET;
    case XAP_OP_SYNONYM: return Xapian::Query::OP_SYNONYM;
    case XAP_OP_MAX: return Xapian::Query::OP_MAX;
    }
    bad_arg("unknown query op " + std::to_string(raw(op)));
}

// TermGenerator::stem_strategy and QueryParser::stem_strategy number their
// strategies like xap_stem_strategy, so validate and cast.
template <typename Strategy>
Strategy to_strategy(const xap_stem_strategy &s)
{
    static_assert(int(Strategy::STEM_NONE) == XAP_STEM_NONE &&
                      int(Strategy::STEM_SOME) == XAP_STEM_SOME &&
                      int(Strategy::STEM_ALL) == XAP_STEM_ALL &&
                      int(Strategy::STEM_ALL_Z) == XAP_STEM_ALL_Z &&
                      int(Strategy::STEM_SOME_FULL_POS) ==
                          XAP_STEM_SOME_FULL_POS,
                  "stemming strategies renumbered");
    const int v = raw(s);
    if (v < XAP_STEM_NONE || v > XAP_STEM_SOME_FULL_POS)
        bad_arg("unknown stemming strategy " + std::to_string(v));
    return static_cast<Strategy>(v);
}

// "date" and "date:" both mean the field "date:" of the query syntax.
std::string range_prefix(const char *field)
{
    std::string s = opt(field);
    if (!s.empty() && s.back() != ':')
        s += ':';
    return s;
}

xap_status add_range(xap_queryparser *qp,
                     std::unique_ptr<Xapian::RangeProcessor> rp)
{
    qp->ranges.push_back(std::move(rp));
    qp->qp.add_rangeprocessor(qp->ranges.back().get());
    return XAP_OK;
}

// The hit at index `i` (checked: MSet::operator[] is not bounds-checked).
Xapian::MSetIterator hit(const xap_mset *mset, uint32_t i)
{
    need(mset, "mset");
    check_index(i, mset->mset.size());
    return mset->mset[i];
}

}  // namespace

// -------------------------------------------------------------------- misc

extern "C" {

const char *xap_status_name(xap_status status)
{
    switch (raw(status)) {
    case XAP_OK: return "OK";
    case XAP_ERR_NOMEM: return "ERR_NOMEM";
    case XAP_ERR_INVALID_ARG: return "ERR_INVALID_ARG";
    case XAP_ERR_DB_NOT_FOUND: return "ERR_DB_NOT_FOUND";
    case XAP_ERR_DB_OPENING: return "ERR_DB_OPENING";
    case XAP_ERR_DB_LOCKED: return "ERR_DB_LOCKED";
    case XAP_ERR_DB_CORRUPT: return "ERR_DB_CORRUPT";
    case XAP_ERR_DB_VERSION: return "ERR_DB_VERSION";
    case XAP_ERR_DB_MODIFIED: return "ERR_DB_MODIFIED";
    case XAP_ERR_DB_CLOSED: return "ERR_DB_CLOSED";
    case XAP_ERR_DB: return "ERR_DB";
    case XAP_ERR_DOC_NOT_FOUND: return "ERR_DOC_NOT_FOUND";
    case XAP_ERR_QUERY_PARSE: return "ERR_QUERY_PARSE";
    case XAP_ERR_NETWORK: return "ERR_NETWORK";
    case XAP_ERR_UNIMPLEMENTED: return "ERR_UNIMPLEMENTED";
    case XAP_ERR_RANGE: return "ERR_RANGE";
    case XAP_ERR_WILDCARD: return "ERR_WILDCARD";
    case XAP_ERR_XAPIAN: return "ERR_XAPIAN";
    case XAP_ERR_UNKNOWN: return "ERR_UNKNOWN";
    }
    return "INVALID_STATUS";
}

const char *xap_last_error(void)
{
    return t_last_error.c_str();
}

const char *xap_version_string(void)
{
    return Xapian::version_string();
}

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

xap_status xap_database_close(xap_database *db)
{
    return guard(__func__, [&] {
        NEED(db);
        db->db.close();
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

xap_status xap_database_last_docid(const xap_database *db, xap_docid *out)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(out);
        *out = db->db.get_lastdocid();
        return XAP_OK;
    });
}

xap_status xap_database_avlength(const xap_database *db, double *out)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(out);
        *out = db->db.get_avlength();
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

xap_status xap_writable_delete_document(xap_writable *w, xap_docid id)
{
    return guard(__func__, [&] {
        NEED(w);
        w->wdb.delete_document(id);
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
        all.compact(dest);
        return XAP_OK;
    });
}

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

xap_status xap_document_docid(const xap_document *doc, xap_docid *out)
{
    return guard(__func__, [&] {
        NEED(doc);
        NEED(out);
        *out = doc->doc.get_docid();
        return XAP_OK;
    });
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

xap_status xap_document_add_boolean_term(xap_document *doc, const char *term)
{
    return guard(__func__, [&] {
        NEED(doc);
        NEED(term);
        doc->doc.add_boolean_term(term);
        return XAP_OK;
    });
}

xap_status xap_document_clear_terms(xap_document *doc)
{
    return guard(__func__, [&] {
        NEED(doc);
        doc->doc.clear_terms();
        return XAP_OK;
    });
}

xap_status xap_document_each_term(const xap_document *doc, const char *prefix,
                                  int (*fn)(const char *term, size_t len,
                                            unsigned wdf, void *ctx),
                                  void *ctx)
{
    return guard(__func__, [&] {
        NEED(doc);
        NEED(fn);
        std::string p = opt(prefix);
        auto it = doc->doc.termlist_begin();
        it.skip_to(p);
        for (; it != doc->doc.termlist_end(); ++it) {
            std::string t = *it;
            if (!starts_with(t, p) || fn(t.c_str(), t.size(), it.get_wdf(), ctx))
                break;
        }
        return XAP_OK;
    });
}

xap_status xap_sortable_serialise(double value, char *buf, size_t bufsize,
                                  size_t *len)
{
    return guard(__func__, [&] {
        NEED(buf);
        NEED(len);
        std::string s = Xapian::sortable_serialise(value);
        if (s.size() > bufsize)
            bad_arg("buffer of " + std::to_string(bufsize) +
                                  " bytes, need " + std::to_string(s.size()));
        std::memcpy(buf, s.data(), s.size());
        if (s.size() < bufsize)
            buf[s.size()] = '\0';
        *len = s.size();
        return XAP_OK;
    });
}

double xap_sortable_unserialise(const char *buf, size_t len)
{
    try {
        return Xapian::sortable_unserialise(std::string(buf ? buf : "",
                                                        buf ? len : 0));
    } catch (...) {
        return std::numeric_limits<double>::quiet_NaN();
    }
}

// ----------------------------------------------------------------- unicode

// Code points past U+10FFFF are not characters; Xapian's tables assume
// valid input, so they are answered here.
static bool is_code_point(uint32_t ch)
{
    return ch <= 0x10FFFF;
}

int xap_unicode_is_upper(uint32_t ch)
{
    if (!is_code_point(ch))
        return 0;
    Xapian::Unicode::category c = Xapian::Unicode::get_category(ch);
    return c == Xapian::Unicode::UPPERCASE_LETTER ||
           c == Xapian::Unicode::TITLECASE_LETTER;
}

int xap_unicode_is_lower(uint32_t ch)
{
    return is_code_point(ch) && Xapian::Unicode::get_category(ch) ==
                                    Xapian::Unicode::LOWERCASE_LETTER;
}

int xap_unicode_is_wordchar(uint32_t ch)
{
    return is_code_point(ch) && Xapian::Unicode::is_wordchar(ch);
}

uint32_t xap_unicode_tolower(uint32_t ch)
{
    return is_code_point(ch) ? Xapian::Unicode::tolower(ch) : ch;
}

uint32_t xap_unicode_toupper(uint32_t ch)
{
    return is_code_point(ch) ? Xapian::Unicode::toupper(ch) : ch;
}

xap_status xap_unicode_tolower_utf8(const char *text, size_t len, char **out,
                                    size_t *out_len)
{
    return guard(__func__, [&] {
        if (len)
            NEED(text);
        NEED(out);
        std::string lower =
            Xapian::Unicode::tolower(std::string(text ? text : "", len));
        char *copy = dup_bytes(lower);
        if (out_len)
            *out_len = lower.size();
        *out = copy;
        return XAP_OK;
    });
}

// -------------------------------------------------------- stemmer, stopper

xap_status xap_stem_new(const char *language, xap_stem **out)
{
    return guard(__func__, [&] {
        NEED(language);
        NEED(out);
        *out = new xap_stem{Xapian::Stem(language)};
        return XAP_OK;
    });
}

void xap_stem_free(xap_stem *stem)
{
    delete stem;
}

xap_status xap_stem_word(const xap_stem *stem, const char *word, char **out)
{
    return guard(__func__, [&] {
        NEED(stem);
        NEED(word);
        NEED(out);
        *out = dup_bytes(stem->stem(word));
        return XAP_OK;
    });
}

const char *xap_stem_languages(void)
{
    try {
        // Function-local static: initialised once, thread-safely; retried
        // on a later call if the first attempt throws.
        static const std::string langs =
            Xapian::Stem::get_available_languages();
        return langs.c_str();
    } catch (...) {
        return "";
    }
}

xap_status xap_stopper_new(const char *const *words, size_t nwords,
                           xap_stopper **out)
{
    return guard(__func__, [&] {
        if (nwords)
            NEED(words);
        NEED(out);
        auto s = std::make_shared<Xapian::SimpleStopper>();
        for (size_t i = 0; i < nwords; i++) {
            NEED(words[i]);
            s->add(words[i]);
        }
        *out = new xap_stopper{std::move(s)};
        return XAP_OK;
    });
}

void xap_stopper_free(xap_stopper *stopper)
{
    delete stopper;
}

// ----------------------------------------------------------- termgenerator

xap_status xap_termgen_new(xap_termgen **out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = new xap_termgen{};
        return XAP_OK;
    });
}

void xap_termgen_free(xap_termgen *tg)
{
    delete tg;
}

xap_status xap_termgen_set_stemmer(xap_termgen *tg, const xap_stem *stem)
{
    return guard(__func__, [&] {
        NEED(tg);
        NEED(stem);
        tg->tg.set_stemmer(stem->stem);
        return XAP_OK;
    });
}

xap_status xap_termgen_set_stemming_strategy(xap_termgen *tg,
                                             xap_stem_strategy strategy)
{
    return guard(__func__, [&] {
        NEED(tg);
        tg->tg.set_stemming_strategy(to_strategy<Xapian::TermGenerator::stem_strategy>(strategy));
        return XAP_OK;
    });
}

xap_status xap_termgen_set_stopper(xap_termgen *tg, const xap_stopper *stopper)
{
    return guard(__func__, [&] {
        NEED(tg);
        // NULL removes the stopper; otherwise share ownership so the
        // caller may free its handle.
        std::shared_ptr<const Xapian::Stopper> s;
        if (stopper)
            s = stopper->stopper;
        tg->tg.set_stopper(s.get());
        tg->stopper = std::move(s);
        return XAP_OK;
    });
}

xap_status xap_termgen_set_flags(xap_termgen *tg, unsigned flags)
{
    return guard(__func__, [&] {
        NEED(tg);
        if (flags & ~static_cast<unsigned>(XAP_TG_FLAG_SPELLING))
            bad_arg("unknown flags " + std::to_string(flags));
        int x = 0;
        if (flags & XAP_TG_FLAG_SPELLING)
            x |= Xapian::TermGenerator::FLAG_SPELLING;
        // A zero mask replaces all flags by `x`.
        tg->tg.set_flags(static_cast<Xapian::TermGenerator::flags>(x));
        return XAP_OK;
    });
}

xap_status xap_termgen_set_database(xap_termgen *tg, xap_writable *w)
{
    return guard(__func__, [&] {
        NEED(tg);
        NEED(w);
        tg->tg.set_database(w->wdb);
        return XAP_OK;
    });
}

xap_status xap_termgen_set_document(xap_termgen *tg, xap_document *doc)
{
    return guard(__func__, [&] {
        NEED(tg);
        NEED(doc);
        // Document copies share their internals, so terms the generator
        // adds show up in `doc`.
        tg->tg.set_document(doc->doc);
        return XAP_OK;
    });
}

xap_status xap_termgen_index_text(xap_termgen *tg, const char *text,
                                  size_t len, unsigned wdf_inc,
                                  const char *prefix)
{
    return guard(__func__, [&] {
        NEED(tg);
        if (len)
            NEED(text);
        tg->tg.index_text(std::string(text ? text : "", len), wdf_inc,
                          opt(prefix));
        return XAP_OK;
    });
}

xap_status xap_termgen_index_text_without_positions(xap_termgen *tg,
                                                    const char *text,
                                                    size_t len,
                                                    unsigned wdf_inc,
                                                    const char *prefix)
{
    return guard(__func__, [&] {
        NEED(tg);
        if (len)
            NEED(text);
        tg->tg.index_text_without_positions(std::string(text ? text : "", len),
                                            wdf_inc, opt(prefix));
        return XAP_OK;
    });
}

xap_status xap_termgen_increase_termpos(xap_termgen *tg, unsigned delta)
{
    return guard(__func__, [&] {
        NEED(tg);
        tg->tg.increase_termpos(delta);
        return XAP_OK;
    });
}

xap_status xap_termgen_get_termpos(const xap_termgen *tg, unsigned *out)
{
    return guard(__func__, [&] {
        NEED(tg);
        NEED(out);
        *out = tg->tg.get_termpos();
        return XAP_OK;
    });
}

xap_status xap_termgen_set_termpos(xap_termgen *tg, unsigned pos)
{
    return guard(__func__, [&] {
        NEED(tg);
        tg->tg.set_termpos(pos);
        return XAP_OK;
    });
}

// ------------------------------------------------------------------- query

xap_status xap_query_new_term(const char *term, unsigned wqf, unsigned pos,
                              xap_query **out)
{
    return guard(__func__, [&] {
        NEED(term);
        NEED(out);
        *out = new xap_query{Xapian::Query(term, wqf, pos)};
        return XAP_OK;
    });
}

xap_status xap_query_new_combine(xap_query_op op, const xap_query *const *subs,
                                 size_t n, unsigned window, xap_query **out)
{
    return guard(__func__, [&] {
        if (n)
            NEED(subs);
        NEED(out);
        Xapian::Query::op xop = to_op(op);
        std::vector<Xapian::Query> qs;
        qs.reserve(n);
        for (size_t i = 0; i < n; i++) {
            NEED(subs[i]);
            qs.push_back(subs[i]->q);
        }
        *out = new xap_query{Xapian::Query(xop, qs.begin(), qs.end(), window)};
        return XAP_OK;
    });
}

xap_status xap_query_new_scaled(const xap_query *sub, double factor,
                                xap_query **out)
{
    return guard(__func__, [&] {
        NEED(sub);
        NEED(out);
        *out = new xap_query{Xapian::Query(factor, sub->q)};
        return XAP_OK;
    });
}

xap_status xap_query_new_value_range(unsigned slot, const char *lo,
                                     const char *hi, xap_query **out)
{
    return guard(__func__, [&] {
        NEED(out);
        Xapian::Query q;
        if (lo && hi)
            q = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi);
        else if (hi)
            q = Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi);
        else if (lo)
            q = Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo);
        else  // VALUE_GE "" would match all documents, valued or not
            q = Xapian::Query(Xapian::Query::OP_VALUE_GE, slot,
                              std::string(1, '\0'));
        *out = new xap_query{q};
        return XAP_OK;
    });
}

xap_status xap_query_new_match_all(xap_query **out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = new xap_query{Xapian::Query::MatchAll};
        return XAP_OK;
    });
}

void xap_query_free(xap_query *q)
{
    delete q;
}

int xap_query_is_empty(const xap_query *q)
{
    return !q || q->q.empty();
}

xap_status xap_query_description(const xap_query *q, char **out)
{
    return guard(__func__, [&] {
        NEED(q);
        NEED(out);
        *out = dup_bytes(q->q.get_description());
        return XAP_OK;
    });
}

xap_status xap_query_each_term(const xap_query *q,
                               int (*fn)(const char *term, void *ctx),
                               void *ctx)
{
    return guard(__func__, [&] {
        NEED(q);
        NEED(fn);
        // get_terms_begin() is in query order but repeats terms;
        // get_unique_terms_begin() is sorted.  Dedupe the former.
        std::unordered_set<std::string> seen;
        for (auto it = q->q.get_terms_begin(); it != q->q.get_terms_end(); ++it) {
            std::string t = *it;
            if (seen.insert(t).second && fn(t.c_str(), ctx))
                break;
        }
        return XAP_OK;
    });
}

// ------------------------------------------------------------- queryparser

xap_status xap_queryparser_new(xap_queryparser **out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = new xap_queryparser{};
        return XAP_OK;
    });
}

void xap_queryparser_free(xap_queryparser *qp)
{
    delete qp;
}

xap_status xap_queryparser_set_stemmer(xap_queryparser *qp,
                                       const xap_stem *stem)
{
    return guard(__func__, [&] {
        NEED(qp);
        NEED(stem);
        qp->qp.set_stemmer(stem->stem);
        return XAP_OK;
    });
}

xap_status xap_queryparser_set_stemming_strategy(xap_queryparser *qp,
                                                 xap_stem_strategy strategy)
{
    return guard(__func__, [&] {
        NEED(qp);
        qp->qp.set_stemming_strategy(to_strategy<Xapian::QueryParser::stem_strategy>(strategy));
        return XAP_OK;
    });
}

xap_status xap_queryparser_set_stopper(xap_queryparser *qp,
                                       const xap_stopper *stopper)
{
    return guard(__func__, [&] {
        NEED(qp);
        std::shared_ptr<const Xapian::Stopper> s;
        if (stopper)
            s = stopper->stopper;
        qp->qp.set_stopper(s.get());
        qp->stopper = std::move(s);
        return XAP_OK;
    });
}

xap_status xap_queryparser_set_default_op(xap_queryparser *qp, xap_query_op op)
{
    return guard(__func__, [&] {
        NEED(qp);
        qp->qp.set_default_op(to_op(op));
        return XAP_OK;
    });
}

xap_status xap_queryparser_set_database(xap_queryparser *qp,
                                        const xap_database *db)
{
    return guard(__func__, [&] {
        NEED(qp);
        NEED(db);
        qp->qp.set_database(db->db);
        return XAP_OK;
    });
}

xap_status xap_queryparser_set_max_expansion(xap_queryparser *qp,
                                             unsigned max)
{
    return guard(__func__, [&] {
        NEED(qp);
        qp->qp.set_max_expansion(max);
        return XAP_OK;
    });
}

xap_status xap_queryparser_add_prefix(xap_queryparser *qp, const char *field,
                                      const char *prefix)
{
    return guard(__func__, [&] {
        NEED(qp);
        NEED(field);
        qp->qp.add_prefix(field, opt(prefix));
        return XAP_OK;
    });
}

xap_status xap_queryparser_add_boolean_prefix(xap_queryparser *qp,
                                              const char *field,
                                              const char *prefix,
                                              int exclusive)
{
    return guard(__func__, [&] {
        NEED(qp);
        NEED(field);
        NEED(prefix);
        qp->qp.add_boolean_prefix(field, prefix, exclusive != 0);
        return XAP_OK;
    });
}

xap_status xap_queryparser_add_date_range(xap_queryparser *qp, unsigned slot,
                                          const char *field)
{
    return guard(__func__, [&] {
        NEED(qp);
        std::string str = range_prefix(field);
        // RP_REPEATED also accepts "date:A..date:B".
        unsigned flags = str.empty() ? 0u : unsigned(Xapian::RP_REPEATED);
        return add_range(qp,
                         std::make_unique<Xapian::DateRangeProcessor>(
                             slot, str, flags));
    });
}

xap_status xap_queryparser_add_string_range(xap_queryparser *qp,
                                            unsigned slot, const char *field)
{
    return guard(__func__, [&] {
        NEED(qp);
        std::string str = range_prefix(field);
        unsigned flags = str.empty() ? 0u : unsigned(Xapian::RP_REPEATED);
        return add_range(qp,
                         std::make_unique<Xapian::RangeProcessor>(slot, str,
                                                                  flags));
    });
}

xap_status xap_queryparser_parse(xap_queryparser *qp, const char *text,
                                 unsigned flags, const char *default_prefix,
                                 xap_query **out)
{
    return guard(__func__, [&] {
        NEED(qp);
        NEED(text);
        NEED(out);
        // The XAP_QP_FLAG_* values are Xapian's own.
        Xapian::Query q = qp->qp.parse_query(text, flags, opt(default_prefix));
        *out = new xap_query{q};
        return XAP_OK;
    });
}

xap_status xap_queryparser_corrected_query(const xap_queryparser *qp,
                                           char **out)
{
    return guard(__func__, [&] {
        NEED(qp);
        NEED(out);
        *out = dup_bytes(qp->qp.get_corrected_query_string());
        return XAP_OK;
    });
}

// ----------------------------------------------------------------- enquire

xap_status xap_enquire_new(const xap_database *db, xap_enquire **out)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(out);
        *out = new xap_enquire{Xapian::Enquire(db->db)};
        return XAP_OK;
    });
}

void xap_enquire_free(xap_enquire *enq)
{
    delete enq;
}

xap_status xap_enquire_set_query(xap_enquire *enq, const xap_query *q,
                                 unsigned qlen)
{
    return guard(__func__, [&] {
        NEED(enq);
        NEED(q);
        enq->enq.set_query(q->q, qlen);
        return XAP_OK;
    });
}

xap_status xap_enquire_set_weighting_bm25(xap_enquire *enq, double k1,
                                          double k2, double k3, double b,
                                          double min_normlen)
{
    return guard(__func__, [&] {
        NEED(enq);
        enq->enq.set_weighting_scheme(
            Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
        return XAP_OK;
    });
}

xap_status xap_enquire_set_weighting_bm25plus(xap_enquire *enq, double k1,
                                              double k2, double k3, double b,
                                              double min_normlen,
                                              double delta)
{
    return guard(__func__, [&] {
        NEED(enq);
        enq->enq.set_weighting_scheme(
            Xapian::BM25PlusWeight(k1, k2, k3, b, min_normlen, delta));
        return XAP_OK;
    });
}

xap_status xap_enquire_set_weighting_bool(xap_enquire *enq)
{
    return guard(__func__, [&] {
        NEED(enq);
        enq->enq.set_weighting_scheme(Xapian::BoolWeight());
        return XAP_OK;
    });
}

xap_status xap_enquire_set_sort_by_relevance(xap_enquire *enq)
{
    return guard(__func__, [&] {
        NEED(enq);
        enq->enq.set_sort_by_relevance();
        return XAP_OK;
    });
}

xap_status xap_enquire_set_sort_by_value(xap_enquire *enq, unsigned slot,
                                         int reverse)
{
    return guard(__func__, [&] {
        NEED(enq);
        enq->enq.set_sort_by_value_then_relevance(slot, reverse != 0);
        return XAP_OK;
    });
}

xap_status xap_enquire_set_collapse_key(xap_enquire *enq, unsigned slot,
                                        unsigned max)
{
    return guard(__func__, [&] {
        NEED(enq);
        enq->enq.set_collapse_key(slot, max);
        return XAP_OK;
    });
}

xap_status xap_enquire_add_valuecount_spy(xap_enquire *enq,
                                          xap_valuecount_spy *spy)
{
    return guard(__func__, [&] {
        NEED(enq);
        NEED(spy);
        // Not release()d, so Xapian neither owns nor deletes the spy.
        enq->enq.add_matchspy(&spy->spy);
        return XAP_OK;
    });
}

xap_status xap_enquire_add_termcount_spy(xap_enquire *enq,
                                         xap_termcount_spy *spy)
{
    return guard(__func__, [&] {
        NEED(enq);
        NEED(spy);
        enq->enq.add_matchspy(&spy->spy);
        return XAP_OK;
    });
}

xap_status xap_enquire_get_mset(xap_enquire *enq, uint32_t first,
                                uint32_t maxitems, uint32_t checkatleast,
                                const xap_rset *rset, xap_mset **out)
{
    return guard(__func__, [&] {
        NEED(enq);
        NEED(out);
        const Xapian::RSet *rs = rset ? &rset->rset : nullptr;
        *out = new xap_mset{enq->enq.get_mset(first, maxitems, checkatleast, rs)};
        return XAP_OK;
    });
}

xap_status xap_enquire_get_eset(xap_enquire *enq, uint32_t maxitems,
                                const xap_rset *rset, xap_eset **out)
{
    return guard(__func__, [&] {
        NEED(enq);
        NEED(rset);
        NEED(out);
        Xapian::ESet es = enq->enq.get_eset(maxitems, rset->rset);
        auto e = std::make_unique<xap_eset>();
        e->items.reserve(es.size());
        for (auto it = es.begin(); it != es.end(); ++it)
            e->items.emplace_back(*it, it.get_weight());
        *out = e.release();
        return XAP_OK;
    });
}

xap_status xap_enquire_each_matching_term(const xap_enquire *enq,
                                          xap_docid id,
                                          int (*fn)(const char *term,
                                                    void *ctx),
                                          void *ctx)
{
    return guard(__func__, [&] {
        NEED(enq);
        NEED(fn);
        for (auto it = enq->enq.get_matching_terms_begin(id);
             it != enq->enq.get_matching_terms_end(id); ++it) {
            std::string t = *it;
            if (fn(t.c_str(), ctx))
                break;
        }
        return XAP_OK;
    });
}

xap_status xap_rset_new(xap_rset **out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = new xap_rset{};
        return XAP_OK;
    });
}

void xap_rset_free(xap_rset *rset)
{
    delete rset;
}

xap_status xap_rset_add(xap_rset *rset, xap_docid id)
{
    return guard(__func__, [&] {
        NEED(rset);
        rset->rset.add_document(id);
        return XAP_OK;
    });
}

xap_status xap_eset_size(const xap_eset *eset, uint32_t *out)
{
    return guard(__func__, [&] {
        NEED(eset);
        NEED(out);
        *out = static_cast<uint32_t>(eset->items.size());
        return XAP_OK;
    });
}

xap_status xap_eset_term(const xap_eset *eset, uint32_t i, const char **term,
                         double *weight)
{
    return guard(__func__, [&] {
        NEED(eset);
        NEED(term);
        check_index(i, eset->items.size());
        *term = eset->items[i].first.c_str();
        if (weight)
            *weight = eset->items[i].second;
        return XAP_OK;
    });
}

void xap_eset_free(xap_eset *eset)
{
    delete eset;
}

// -------------------------------------------------------------------- mset

void xap_mset_free(xap_mset *mset)
{
    delete mset;
}

uint32_t xap_mset_size(const xap_mset *mset)
{
    return mset ? static_cast<uint32_t>(mset->mset.size()) : 0;
}

xap_status xap_mset_matches(const xap_mset *mset, uint32_t *lower,
                            uint32_t *estimated, uint32_t *upper)
{
    return guard(__func__, [&] {
        NEED(mset);
        if (lower)
            *lower = mset->mset.get_matches_lower_bound();
        if (estimated)
            *estimated = mset->mset.get_matches_estimated();
        if (upper)
            *upper = mset->mset.get_matches_upper_bound();
        return XAP_OK;
    });
}

xap_status xap_mset_docid(const xap_mset *mset, uint32_t i, xap_docid *out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = *hit(mset, i);
        return XAP_OK;
    });
}

xap_status xap_mset_weight(const xap_mset *mset, uint32_t i, double *out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = hit(mset, i).get_weight();
        return XAP_OK;
    });
}

xap_status xap_mset_percent(const xap_mset *mset, uint32_t i, int *out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = hit(mset, i).get_percent();
        return XAP_OK;
    });
}

xap_status xap_mset_collapse_count(const xap_mset *mset, uint32_t i,
                                   uint32_t *out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = hit(mset, i).get_collapse_count();
        return XAP_OK;
    });
}

xap_status xap_mset_document(const xap_mset *mset, uint32_t i,
                             xap_document **out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = new xap_document{hit(mset, i).get_document(), {}, {}};
        return XAP_OK;
    });
}

xap_status xap_mset_snippet(const xap_mset *mset, const char *text,
                            size_t len, size_t length, const xap_stem *stem,
                            unsigned flags, const char *hi_start,
                            const char *hi_end, const char *omit, char **out)
{
    return guard(__func__, [&] {
        NEED(mset);
        if (len)
            NEED(text);
        NEED(out);
        std::string s = mset->mset.snippet(
            std::string(text ? text : "", len), length,
            stem ? stem->stem : Xapian::Stem(), flags,
            hi_start ? hi_start : "<b>", hi_end ? hi_end : "</b>",
            omit ? omit : "...");
        *out = dup_bytes(s);
        return XAP_OK;
    });
}

// ------------------------------------------------------------- match spies

namespace {

// A value slot as the spies store it (int, -1 meaning none).
int slot_index(unsigned slot)
{
    if (slot > unsigned(std::numeric_limits<int>::max()))
        fail(XAP_ERR_INVALID_ARG, "InvalidArgumentError", "slot too big");
    return int(slot);
}

}  // namespace

xap_status xap_valuecount_spy_new(unsigned slot, xap_valuecount_spy **out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = new xap_valuecount_spy{DistinctValueCountSpy(slot)};
        return XAP_OK;
    });
}

void xap_valuecount_spy_free(xap_valuecount_spy *spy)
{
    delete spy;
}

xap_status xap_valuecount_spy_set_distinct(xap_valuecount_spy *spy,
                                           unsigned slot)
{
    return guard(__func__, [&] {
        NEED(spy);
        spy->spy.distinct.slot = slot_index(slot);
        return XAP_OK;
    });
}

xap_status xap_valuecount_spy_each_top(const xap_valuecount_spy *spy,
                                       unsigned max,
                                       int (*fn)(const char *value, size_t len,
                                                 uint32_t count, void *ctx),
                                       void *ctx)
{
    return guard(__func__, [&] {
        NEED(spy);
        NEED(fn);
        const Xapian::ValueCountMatchSpy &s = spy->spy;
        size_t n = max;
        if (n == 0) {  // all: count the distinct values
            for (auto it = s.values_begin(); it != s.values_end(); ++it)
                n++;
        }
        for (auto it = s.top_values_begin(n); it != s.top_values_end(n); ++it) {
            std::string v = *it;
            if (fn(v.data(), v.size(), it.get_termfreq(), ctx))
                break;
        }
        return XAP_OK;
    });
}

xap_status xap_termcount_spy_new(const char *prefix, xap_termcount_spy **out)
{
    return guard(__func__, [&] {
        NEED(prefix);
        NEED(out);
        *out = new xap_termcount_spy{TermCountMatchSpy(prefix)};
        return XAP_OK;
    });
}

xap_status xap_termcount_spy_new_split(unsigned slot, char separator,
                                       xap_termcount_spy **out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = new xap_termcount_spy{
            TermCountMatchSpy(Xapian::valueno(slot_index(slot)), separator)};
        return XAP_OK;
    });
}

void xap_termcount_spy_free(xap_termcount_spy *spy)
{
    delete spy;
}

xap_status xap_termcount_spy_set_distinct(xap_termcount_spy *spy,
                                          unsigned slot)
{
    return guard(__func__, [&] {
        NEED(spy);
        spy->spy.distinct.slot = slot_index(slot);
        return XAP_OK;
    });
}

xap_status xap_termcount_spy_documents(const xap_termcount_spy *spy,
                                       uint32_t *out)
{
    return guard(__func__, [&] {
        NEED(spy);
        NEED(out);
        *out = spy->spy.documents;
        return XAP_OK;
    });
}

xap_status xap_termcount_spy_each_top(const xap_termcount_spy *spy,
                                      unsigned max,
                                      int (*fn)(const char *value, size_t len,
                                                uint32_t count, void *ctx),
                                      void *ctx)
{
    return guard(__func__, [&] {
        NEED(spy);
        NEED(fn);
        std::vector<std::pair<std::string, uint32_t>> top(
            spy->spy.counts.begin(), spy->spy.counts.end());
        // Stable sort of a byte-ordered map: ties stay in byte order.
        std::stable_sort(top.begin(), top.end(),
                         [](const auto &a, const auto &b) {
                             return a.second > b.second;
                         });
        size_t n = max == 0 ? top.size() : std::min<size_t>(max, top.size());
        for (size_t i = 0; i < n; i++)
            if (fn(top[i].first.data(), top[i].first.size(), top[i].second,
                   ctx))
                break;
        return XAP_OK;
    });
}

}  // extern "C"
