// query.cc - the shim: queries and the query parser.
#include "internal.h"


extern "C" {

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

xap_status xap_query_new_fixed_weight(double weight, xap_query **out)
{
    return guard(__func__, [&] {
        NEED(out);
        if (!(weight >= 0))
            shim::fail(XAP_ERR_INVALID_ARG, "InvalidArgumentError",
                       "weight must be >= 0");
        auto *source = new Xapian::FixedWeightPostingSource(weight);
        // release(): the query owns the posting source from now on.
        *out = new xap_query{Xapian::Query(source->release())};
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

namespace {

// Reads one length as Xapian 1.4 serialises it (one byte below 255, else
// 255 then seven bits a byte, low first, the last byte's top bit set) at
// *p, moving *p past it; false when the bytes run out first.
bool read_serialised_length(const char **p, const char *end, size_t *out)
{
    if (*p == end)
        return false;
    size_t len = static_cast<unsigned char>(*(*p)++);
    if (len == 0xff) {
        len = 0;
        unsigned shift = 0;
        unsigned char ch;
        do {
            if (*p == end || shift > 56)
                return false;
            ch = static_cast<unsigned char>(*(*p)++);
            len |= size_t(ch & 0x7f) << shift;
            shift += 7;
        } while (!(ch & 0x80));
        len += 255;
    }
    *out = len;
    return true;
}

// The pattern and combiner of the wildcard query `q` (get_type()
// OP_WILDCARD). Xapian 1.4 offers no getter, so they are read from the
// query's serialised form, the one the remote protocol sends: 0x0b, the
// expansion limit, the limit type and the combining operator (a byte
// each), then the pattern's length and bytes; and checked by serialising
// a wildcard made of what was read. False when it does not read so.
bool read_wildcard(const Xapian::Query &q, std::string &pattern,
                   Xapian::Query::op &combiner)
{
    const std::string s = q.serialise();
    const char *p = s.data(), *end = p + s.size();
    size_t limit = 0, len = 0;
    if (p == end || *p++ != '\x0b' || !read_serialised_length(&p, end, &limit) ||
        end - p < 2)
        return false;
    int limit_type = static_cast<unsigned char>(*p++);
    combiner = Xapian::Query::op(static_cast<unsigned char>(*p++));
    if (!read_serialised_length(&p, end, &len) || size_t(end - p) != len)
        return false;
    pattern.assign(p, len);
    Xapian::Query check(Xapian::Query::OP_WILDCARD, pattern,
                        Xapian::termcount(limit), limit_type, combiner);
    return check.serialise() == s;
}

// The pattern of the wildcard query `q`; throws when it cannot be read.
std::string wildcard_pattern(const Xapian::Query &q)
{
    std::string pattern;
    Xapian::Query::op combiner;
    if (!read_wildcard(q, pattern, combiner))
        shim::fail(XAP_ERR_XAPIAN, "InternalError",
                   "unexpected serialised wildcard query");
    return pattern;
}

// Calls fn for each wildcard below `q`; true when fn asked to stop.
bool each_wildcard(const Xapian::Query &q,
                   int (*fn)(const char *pattern, size_t len, void *ctx),
                   void *ctx)
{
    if (q.get_type() == Xapian::Query::OP_WILDCARD) {
        const std::string pattern = wildcard_pattern(q);
        return fn(pattern.c_str(), pattern.size(), ctx) != 0;
    }
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        if (each_wildcard(q.get_subquery(i), fn, ctx))
            return true;
    return false;
}

}  // namespace

// ----------------------------------------------------------- snippet parts

namespace {

using RenameFn = const char *(*)(const char *term, void *ctx);

// xap_query_snippet_parts' walk: the renaming and the parts kept so far.
struct SnippetParts {
    RenameFn rename;
    void *ctx;
    std::vector<Xapian::Query> parts;

    // `name` renamed into `out`; false when the callback leaves it out.
    bool renamed(const std::string &name, std::string &out) const
    {
        const char *r = rename(name.c_str(), ctx);
        if (!r)
            return false;
        out = r;
        return true;
    }
};

// The term of the term query `q`.
std::string term_of(const Xapian::Query &q)
{
    return *q.get_terms_begin();
}

// Keep the tight phrase of terms `q` renamed (the whole phrase left out
// when one of its terms is). False when `q` is not one: a phrase with a
// subquery other than a term, or a window wider than its terms (1.4 shows
// the window only in the description: compared with a tight phrase's),
// which snippets read as loose terms.
bool keep_phrase(const Xapian::Query &q, SnippetParts &sp)
{
    std::vector<Xapian::Query> terms;
    for (size_t i = 0; i < q.get_num_subqueries(); i++) {
        terms.push_back(q.get_subquery(i));
        if (terms.back().get_type() != Xapian::Query::LEAF_TERM)
            return false;
    }
    Xapian::Query tight(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(),
                        Xapian::termcount(terms.size()));
    if (tight.get_description() != q.get_description())
        return false;
    std::vector<Xapian::Query> renamed;
    for (const auto &t : terms) {
        std::string name;
        if (!sp.renamed(term_of(t), name))
            return true;
        renamed.emplace_back(name);
    }
    sp.parts.emplace_back(Xapian::Query::OP_PHRASE, renamed.begin(),
                          renamed.end(), Xapian::termcount(renamed.size()));
    return true;
}

// Walk `q` as Xapian's snippets do (check_query in its
// termgenerator_internal.cc), keeping its parts renamed.
void collect_parts(const Xapian::Query &q, SnippetParts &sp)
{
    std::string name, pattern;
    Xapian::Query::op combiner;
    switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM:
        if (sp.renamed(term_of(q), name))
            sp.parts.emplace_back(name);
        return;
    case Xapian::Query::OP_WILDCARD:
        // One expansion at most: snippets read only the pattern.
        if (read_wildcard(q, pattern, combiner) && sp.renamed(pattern, name))
            sp.parts.emplace_back(Xapian::Query::OP_WILDCARD, name, 1,
                                  Xapian::Query::WILDCARD_LIMIT_FIRST,
                                  combiner);
        return;
    case Xapian::Query::OP_PHRASE:
        if (keep_phrase(q, sp))
            return;
        break;
    default:
        break;
    }
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        collect_parts(q.get_subquery(i), sp);
}

}  // namespace

xap_status xap_query_each_wildcard(const xap_query *q,
                                   int (*fn)(const char *pattern, size_t len,
                                             void *ctx),
                                   void *ctx)
{
    return guard(__func__, [&] {
        NEED(q);
        NEED(fn);
        each_wildcard(q->q, fn, ctx);
        return XAP_OK;
    });
}

xap_status xap_query_snippet_parts(const xap_query *q,
                                   const char *(*rename)(const char *term,
                                                         void *ctx),
                                   void *ctx, xap_query **out)
{
    return guard(__func__, [&] {
        NEED(q);
        NEED(rename);
        NEED(out);
        SnippetParts sp{rename, ctx, {}};
        collect_parts(q->q, sp);
        *out = new xap_query{Xapian::Query(Xapian::Query::OP_OR,
                                           sp.parts.begin(), sp.parts.end())};
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

namespace {

// A FieldProcessor that hands the field's text to a C callback. A failed
// callback ends the parse with the callback's status (ShimError), which
// the guard() of xap_queryparser_parse() reports.
class CallbackFieldProcessor : public Xapian::FieldProcessor {
  public:
    CallbackFieldProcessor(xap_field_fn fn, void *ctx) : fn_(fn), ctx_(ctx) {}
    Xapian::Query operator()(const std::string &text) override
    {
        xap_query *q = nullptr;
        xap_status st = fn_(text.c_str(), ctx_, &q);
        std::unique_ptr<xap_query> owned(q);
        if (st == XAP_ERR_NOMEM)
            throw std::bad_alloc();
        if (st != XAP_OK)
            shim::fail(st, "FieldProcessorError",
                       "the field callback failed: " +
                           std::string(xap_last_error()));
        return owned ? owned->q : Xapian::Query();
    }

  private:
    xap_field_fn fn_;
    void *ctx_;
};

}  // namespace

xap_status xap_queryparser_add_prefix_callback(xap_queryparser *qp,
                                               const char *field,
                                               xap_field_fn fn, void *ctx)
{
    return guard(__func__, [&] {
        NEED(qp);
        NEED(field);
        NEED(fn);
        auto *proc = new CallbackFieldProcessor(fn, ctx);
        // release(): the parser owns the processor from now on.
        qp->qp.add_prefix(field, proc->release());
        return XAP_OK;
    });
}

xap_status xap_queryparser_add_boolean_prefix_callback(xap_queryparser *qp,
                                                       const char *field,
                                                       int exclusive,
                                                       xap_field_fn fn,
                                                       void *ctx)
{
    return guard(__func__, [&] {
        NEED(qp);
        NEED(field);
        NEED(fn);
        auto *proc = new CallbackFieldProcessor(fn, ctx);
        qp->qp.add_boolean_prefix(field, proc->release(), exclusive != 0);
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

}  // extern "C"
