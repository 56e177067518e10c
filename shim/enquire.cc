// enquire.cc - the shim: running a query: enquire, match sets, facet spies.
#include "internal.h"

namespace {

// Xapian 1.4 (1.4.22, and still 1.4.29) reads freed memory when an OP_XOR
// runs out in one shard of several searched as one: MultiXorPostList
// deletes its subqueries' postlists as they end, and after the last two
// end together the MergePostList over the shards still asks it for its
// maximum weight, which reads the first of them again. gazette-query
// "a XOR b" crashed on -j2 indexes that way, now and then (the shard
// layout depends on thread timing). So no OP_XOR reaches the matcher:
// XOR(a, b) becomes (a OR b) AND_NOT (a AND b), which matches the same
// documents with the same weights. An XOR of more subqueries is paired up
// in a balanced tree: the same documents; one matching three or more of
// its subqueries weighs only what the pairs leave it. Each pairing runs
// both halves twice, so n subqueries run as about n * n: more than
// MAX_XOR_SUBQUERIES is refused as a query error (XAP_ERR_QUERY_PARSE).
// XORs nested in XORs multiply: each level runs what is below it twice
// again, so eight levels of "a XOR (b XOR (c ...))" ran the innermost
// 256 times (a fuzzed query of 90 words took seconds on 47 articles).
// What the matcher would run (each copy of each term counted) beyond
// MAX_XOR_RUNS is refused as well: a single XOR of 16 words runs 256.
constexpr size_t MAX_XOR_SUBQUERIES = 16;
constexpr size_t MAX_XOR_RUNS = 4096;

// a + b, or b * 2, kept from overflowing (past MAX_XOR_RUNS it only
// has to stay past it)
size_t runs_add(size_t a, size_t b)
{
    return a > SIZE_MAX / 4 || b > SIZE_MAX / 4 ? SIZE_MAX / 2 : a + b;
}

// The XOR of subs[from, to) as OR and AND_NOT; *runs gets the leaf
// queries it runs, from those of each sub (sub_runs).
Xapian::Query xor_as_or(const std::vector<Xapian::Query> &subs,
                        const std::vector<size_t> &sub_runs, size_t from,
                        size_t to, size_t *runs)
{
    if (to - from == 1) {
        *runs = sub_runs[from];
        return subs[from];
    }
    size_t mid = from + (to - from) / 2, ra = 0, rb = 0;
    Xapian::Query a = xor_as_or(subs, sub_runs, from, mid, &ra);
    Xapian::Query b = xor_as_or(subs, sub_runs, mid, to, &rb);
    size_t both = runs_add(ra, rb);
    *runs = runs_add(both, both);
    return Xapian::Query(Xapian::Query::OP_AND_NOT,
                         Xapian::Query(Xapian::Query::OP_OR, a, b),
                         Xapian::Query(Xapian::Query::OP_AND, a, b));
}

// `q` with every OP_XOR replaced as above, rebuilding the operators above
// one (those without parameters: what the query parser puts there); true
// when something was replaced. *runs gets the leaf queries the result
// runs (a term, a wildcard, a value range: one each).
bool without_xor(const Xapian::Query &q, Xapian::Query &out, size_t *runs)
{
    size_t n = q.get_num_subqueries();
    Xapian::Query::op op = q.get_type();
    std::vector<Xapian::Query> subs;
    std::vector<size_t> sub_runs;
    bool changed = false;
    *runs = n == 0 ? 1 : 0;
    for (size_t i = 0; i < n; i++) {
        Xapian::Query sub = q.get_subquery(i), plain;
        size_t r = 0;
        if (without_xor(sub, plain, &r)) {
            sub = plain;
            changed = true;
        }
        subs.push_back(sub);
        sub_runs.push_back(r);
        *runs = runs_add(*runs, r);
    }
    if (op == Xapian::Query::OP_XOR && n > 0) {
        if (n > MAX_XOR_SUBQUERIES)
            throw Xapian::QueryParserError(
                "XOR joins more than " +
                std::to_string(MAX_XOR_SUBQUERIES) + " parts");
        out = xor_as_or(subs, sub_runs, 0, n, runs);
        if (*runs > MAX_XOR_RUNS)
            throw Xapian::QueryParserError(
                "XOR nested in XOR too deep (the query would run more "
                "than " + std::to_string(MAX_XOR_RUNS) + " parts)");
        return true;
    }
    if (!changed)
        return false;
    switch (op) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX:
        out = Xapian::Query(op, subs.begin(), subs.end());
        return true;
    default:
        return false;   // not rebuilt: the XOR below stays
    }
}

}  // namespace


// ----------------------------------------------------------------- enquire

xap_status xap_enquire_new(const xap_database *db, xap_enquire **out)
{
    return guard(__func__, [&] {
        NEED(db);
        NEED(out);
        *out = new xap_enquire{Xapian::Enquire(db->db), db->db.size()};
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
        Xapian::Query run = q->q;
        size_t runs = 0;
        without_xor(q->q, run, &runs);   // see the top of this file
        enq->enq.set_query(run, qlen);
        return XAP_OK;
    });
}

xap_status xap_enquire_get_query(const xap_enquire *enq, xap_query **out)
{
    return guard(__func__, [&] {
        NEED(enq);
        NEED(out);
        *out = new xap_query{enq->enq.get_query()};
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

xap_status xap_enquire_set_sort_by_value(xap_enquire *enq, unsigned slot,
                                         int reverse)
{
    return guard(__func__, [&] {
        NEED(enq);
        enq->enq.set_sort_by_value_then_relevance(slot, reverse != 0);
        return XAP_OK;
    });
}

xap_status xap_enquire_set_sort_by_relevance_then_value(xap_enquire *enq,
                                                      unsigned slot,
                                                      int reverse)
{
    return guard(__func__, [&] {
        NEED(enq);
        enq->enq.set_sort_by_relevance_then_value(slot, reverse != 0);
        return XAP_OK;
    });
}

xap_status xap_enquire_set_sort_by_values(xap_enquire *enq,
                                          const xap_sort_value *values,
                                          size_t n)
{
    return guard(__func__, [&] {
        NEED(enq);
        NEED(values);
        if (n == 0)
            bad_arg("no sort key");
        for (size_t i = 0; i < n; i++)
            NEED(values[i].missing);
        // Ours until the enquire takes it: add_value() may throw.
        std::unique_ptr<Xapian::MultiValueKeyMaker> keys(
            new Xapian::MultiValueKeyMaker);
        for (size_t i = 0; i < n; i++)
            keys->add_value(values[i].slot, values[i].reverse != 0,
                            values[i].missing);
        // Xapian's release(): the enquire owns the key maker from now on.
        enq->enq.set_sort_by_key_then_relevance(keys->release(), false);
        keys.release();
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

xap_status xap_enquire_set_weight_cutoff(xap_enquire *enq, double cutoff)
{
    return guard(__func__, [&] {
        NEED(enq);
        enq->enq.set_cutoff(0, cutoff);
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

xap_status xap_enquire_clear_spies(xap_enquire *enq)
{
    return guard(__func__, [&] {
        NEED(enq);
        enq->enq.clear_matchspies();
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

namespace {

// A MatchDecider for one document, `id` of the databases searched as one.
// Xapian 1.4 hands a decider the document with its number in its own
// database (the matcher's ValueStreamDocument): over n databases, document
// id is number (id - 1) / n + 1 of database (id - 1) % n, and the same
// number in the other databases is accepted too. A number as searched
// (which another version might hand over) is accepted as well, so the
// caller looks for id among at most 2 * n documents.
class OneDocDecider : public Xapian::MatchDecider {
  public:
    OneDocDecider(Xapian::docid id, size_t shards)
        : id_(id), local_(Xapian::docid((id - 1) / shards + 1)) {}
    bool operator()(const Xapian::Document &doc) const override
    {
        Xapian::docid d = doc.get_docid();
        return d == local_ || d == id_;
    }

  private:
    Xapian::docid id_, local_;
};

}  // namespace

xap_status xap_enquire_weight_of_doc(xap_enquire *enq, xap_docid id,
                                     int *matched, double *weight)
{
    return guard(__func__, [&] {
        NEED(enq);
        NEED(matched);
        NEED(weight);
        if (id == 0)
            bad_arg("document 0");
        size_t shards = enq->shards ? enq->shards : 1;
        OneDocDecider only(id, shards);
        Xapian::MSet m = enq->enq.get_mset(
            0, Xapian::doccount(2 * shards), 0, nullptr, &only);
        *matched = 0;
        *weight = 0;
        for (auto it = m.begin(); it != m.end(); ++it)
            if (*it == id) {
                *matched = 1;
                *weight = it.get_weight();
            }
        return XAP_OK;
    });
}

namespace {

// An ExpandDecider calling back into C.
class CallbackExpandDecider : public Xapian::ExpandDecider {
  public:
    CallbackExpandDecider(int (*fn)(const char *, void *), void *ctx)
        : fn_(fn), ctx_(ctx) {}
    bool operator()(const std::string &term) const override
    {
        return fn_(term.c_str(), ctx_) != 0;
    }

  private:
    int (*fn_)(const char *, void *);
    void *ctx_;
};

xap_eset *eset_of(xap_enquire *enq, uint32_t maxitems, const xap_rset *rset,
                  unsigned flags, const Xapian::ExpandDecider *decider)
{
    if (flags & ~unsigned(XAP_ESET_EXACT_TERMFREQ))
        bad_arg("unknown eset flags " + std::to_string(flags));
    int xflags = (flags & XAP_ESET_EXACT_TERMFREQ)
                     ? Xapian::Enquire::USE_EXACT_TERMFREQ
                     : 0;
    Xapian::ESet es = enq->enq.get_eset(maxitems, rset->rset, xflags,
                                        decider);
    auto e = std::make_unique<xap_eset>();
    e->items.reserve(es.size());
    for (auto it = es.begin(); it != es.end(); ++it)
        e->items.emplace_back(*it, it.get_weight());
    return e.release();
}

}  // namespace

xap_status xap_enquire_get_eset(xap_enquire *enq, uint32_t maxitems,
                                const xap_rset *rset, unsigned flags,
                                xap_eset **out)
{
    return guard(__func__, [&] {
        NEED(enq);
        NEED(rset);
        NEED(out);
        *out = eset_of(enq, maxitems, rset, flags, nullptr);
        return XAP_OK;
    });
}

xap_status xap_enquire_get_eset_filtered(xap_enquire *enq, uint32_t maxitems,
                                         const xap_rset *rset, unsigned flags,
                                         int (*accept)(const char *term,
                                                       void *ctx),
                                         void *ctx, xap_eset **out)
{
    return guard(__func__, [&] {
        NEED(enq);
        NEED(rset);
        NEED(accept);
        NEED(out);
        CallbackExpandDecider decider(accept, ctx);
        *out = eset_of(enq, maxitems, rset, flags, &decider);
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

xap_status xap_mset_max_possible(const xap_mset *mset, double *out)
{
    return guard(__func__, [&] {
        NEED(mset);
        NEED(out);
        *out = mset->mset.get_max_possible();
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

// Asks Xapian for hits [first, last] of `m` in one go (0 <= first <=
// last < m.size()). Xapian 1.4's MSet::fetch(begin, end) hands fetch_()
// the iterators' off_from_end, their distances from the end, where
// fetch_() takes the first and last index to fetch counted from the
// match's first hit (get_firstitem()): a range so given fetches nothing,
// one hit the wrong one, and fetch() of an MSet that starts past the
// first hit reads outside its hits (SIGSEGV). The iterators below carry
// the indexes fetch_() takes. Xapian clamps the last to size() - 1
// without the first hit's offset, so past the first hit the tail of the
// range may go unfetched: a hint lost, each such document is then read
// alone. Another version's fetch_() may read its arguments otherwise:
// the whole MSet is asked for there, as before.
static void fetch_range(const Xapian::MSet &m, Xapian::doccount first,
                        Xapian::doccount last)
{
#if XAPIAN_AT_LEAST(1, 5, 0)
    (void)first;
    (void)last;
    m.fetch();
#else
    Xapian::doccount from = m.get_firstitem(), size = m.size();
    if (from >= size)
        return;
    last = std::min(last, size - 1 - from);
    if (first > last)
        return;
    Xapian::MSetIterator begin = m.end(), end = m.end();
    begin.off_from_end = from + first;
    end.off_from_end = from + last;
    m.fetch(begin, end);
#endif
}

xap_status xap_mset_fetch(const xap_mset *mset, uint32_t first,
                          uint32_t count)
{
    return guard(__func__, [&] {
        NEED(mset);
        uint32_t size = mset->mset.size();
        if (first >= size || count == 0)
            return XAP_OK;
        uint32_t last = count > size - first ? size - 1 : first + count - 1;
        fetch_range(mset->mset, first, last);
        return XAP_OK;
    });
}

// The XAP_SNIPPET_* flags are Xapian's own values, passed as they are.
static_assert(unsigned(XAP_SNIPPET_CJK_NGRAM) ==
                      unsigned(Xapian::MSet::SNIPPET_CJK_NGRAM) &&
                  unsigned(XAP_SNIPPET_EXHAUSTIVE) ==
                      unsigned(Xapian::MSet::SNIPPET_EXHAUSTIVE),
              "snippet flags");

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

void spy_key_failed(xap_status status)
{
    fail(status, "KeyError", "a spy's key function failed");
}

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

xap_status xap_valuecount_spy_new_split(unsigned slot, char separator,
                                        xap_valuecount_spy **out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = new xap_valuecount_spy{DistinctValueCountSpy(
            Xapian::valueno(slot_index(slot)), separator)};
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

xap_status xap_valuecount_spy_each_copies(const xap_valuecount_spy *spy,
                                          int (*fn)(const char *value,
                                                    size_t len,
                                                    const xap_docid *ids,
                                                    size_t n, void *ctx),
                                          void *ctx)
{
    return guard(__func__, [&] {
        NEED(spy);
        NEED(fn);
        spy->spy.distinct.each_group(fn, ctx);
        return XAP_OK;
    });
}

xap_status xap_valuecount_spy_recount(xap_valuecount_spy *spy,
                                      const xap_document *counted,
                                      const xap_document *instead)
{
    return guard(__func__, [&] {
        NEED(spy);
        NEED(counted);
        NEED(instead);
        spy->spy.recount(counted->doc, instead->doc);
        return XAP_OK;
    });
}

xap_status xap_valuecount_spy_set_key(xap_valuecount_spy *spy,
                                      xap_value_key_fn fn, void *ctx)
{
    return guard(__func__, [&] {
        NEED(spy);
        NEED(fn);
        spy->spy.key_fn = fn;
        spy->spy.key_ctx = ctx;
        return XAP_OK;
    });
}

xap_status xap_valuecount_spy_documents(const xap_valuecount_spy *spy,
                                        uint32_t *out)
{
    return guard(__func__, [&] {
        NEED(spy);
        NEED(out);
        *out = uint32_t(spy->spy.documents());
        return XAP_OK;
    });
}

namespace {

// Call `fn` for the entries `order` of `counts` until it returns non-zero.
// (Entries counted and then uncounted, recount's, have a count of 0:
// not reported.)
void each_count(const ByteCounts &counts, const std::vector<size_t> &order,
                int (*fn)(const char *value, size_t len, uint32_t count,
                          void *ctx),
                void *ctx)
{
    for (size_t i : order) {
        std::string_view v = counts.key(i);
        if (counts.count(i) > 0 && fn(v.data(), v.size(), counts.count(i), ctx))
            break;
    }
}

// What a value spy reports, in `order` (byte_order, else by count:
// top(max)): each value with its count, or with a key each key's row.
void report(const DistinctValueCountSpy &spy, bool byte_order, unsigned max,
            int (*fn)(const char *value, size_t len, uint32_t count,
                      void *ctx),
            void *ctx)
{
    ByteCounts merged, merged_keys;
    const ByteCounts &counts = spy.all_counts(merged);
    if (!spy.keyed()) {
        each_count(counts,
                   byte_order ? counts.in_byte_order() : counts.top(max), fn,
                   ctx);
        return;
    }
    // Most frequent first, ties in byte order (ByteCounts::top's order),
    // or byte order: the rows' values are distinct. As in top(), the
    // first 8 bytes of each value order most ties without a memcmp.
    struct Row {
        uint32_t order;   // the count, or 0 in byte order
        uint32_t count;
        uint64_t head;
        size_t i;
    };
    std::vector<Row> rows;
    for (const auto &r : spy.key_rows(counts, merged_keys)) {
        std::string_view v = counts.key(r.first);
        uint64_t h = 0;
        for (size_t b = 0; b < 8; b++)
            h = (h << 8) | (b < v.size() ? uint8_t(v[b]) : 0);
        rows.push_back({byte_order ? 0 : r.second, r.second, h, r.first});
    }
    auto before = [&](const Row &a, const Row &b) {
        if (a.order != b.order)
            return a.order > b.order;
        if (a.head != b.head)
            return a.head < b.head;
        return counts.key(a.i) < counts.key(b.i);
    };
    size_t n = max == 0 || byte_order || max >= rows.size() ? rows.size()
                                                             : max;
    if (n == rows.size())
        std::sort(rows.begin(), rows.end(), before);
    else
        std::partial_sort(rows.begin(), rows.begin() + long(n), rows.end(),
                          before);
    for (size_t i = 0; i < n; i++) {
        std::string_view v = counts.key(rows[i].i);
        if (fn(v.data(), v.size(), rows[i].count, ctx))
            break;
    }
}

}  // namespace

xap_status xap_valuecount_spy_each_top(const xap_valuecount_spy *spy,
                                       unsigned max,
                                       int (*fn)(const char *value, size_t len,
                                                 uint32_t count, void *ctx),
                                       void *ctx)
{
    return guard(__func__, [&] {
        NEED(spy);
        NEED(fn);
        report(spy->spy, false, max, fn, ctx);
        return XAP_OK;
    });
}

xap_status xap_valuecount_spy_each(const xap_valuecount_spy *spy,
                                   int (*fn)(const char *value, size_t len,
                                             uint32_t count, void *ctx),
                                   void *ctx)
{
    return guard(__func__, [&] {
        NEED(spy);
        NEED(fn);
        report(spy->spy, true, 0, fn, ctx);
        return XAP_OK;
    });
}

xap_status xap_valuecount_spy_each_unsorted(
    const xap_valuecount_spy *spy,
    int (*fn)(const char *value, size_t len, uint32_t count, void *ctx),
    void *ctx)
{
    return guard(__func__, [&] {
        NEED(spy);
        NEED(fn);
        if (spy->spy.keyed()) {   // rows are made sorted: no cheaper way
            report(spy->spy, true, 0, fn, ctx);
            return XAP_OK;
        }
        ByteCounts merged;
        const ByteCounts &counts = spy->spy.all_counts(merged);
        for (size_t i = 0; i < counts.size(); i++) {
            std::string_view v = counts.key(i);
            if (counts.count(i) > 0 &&
                fn(v.data(), v.size(), counts.count(i), ctx))
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

xap_status xap_termcount_spy_each_copies(const xap_termcount_spy *spy,
                                         int (*fn)(const char *value,
                                                   size_t len,
                                                   const xap_docid *ids,
                                                   size_t n, void *ctx),
                                         void *ctx)
{
    return guard(__func__, [&] {
        NEED(spy);
        NEED(fn);
        spy->spy.distinct.each_group(fn, ctx);
        return XAP_OK;
    });
}

xap_status xap_termcount_spy_recount(xap_termcount_spy *spy,
                                     const xap_document *counted,
                                     const xap_document *instead)
{
    return guard(__func__, [&] {
        NEED(spy);
        NEED(counted);
        NEED(instead);
        spy->spy.recount(counted->doc, instead->doc);
        return XAP_OK;
    });
}

xap_status xap_termcount_spy_documents(const xap_termcount_spy *spy,
                                       uint32_t *out)
{
    return guard(__func__, [&] {
        NEED(spy);
        NEED(out);
        *out = uint32_t(spy->spy.documents);
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
        each_count(spy->spy.counts, spy->spy.counts.top(max), fn, ctx);
        return XAP_OK;
    });
}

