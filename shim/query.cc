// query.cc - the shim: queries and the query parser.
#include "internal.h"

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

namespace {

// Matches the documents of a list of ids, in each shard the query runs on
// (their ids in their own shard), with no weight.
class IdsPostingSource : public Xapian::PostingSource {
  public:
    explicit IdsPostingSource(std::vector<Xapian::docid> v)
        : ids(std::move(v)) {}
    Xapian::PostingSource *clone() const override
    {
        return new IdsPostingSource(ids);
    }
    void init(const Xapian::Database &db) override
    {
        last = db.get_lastdocid();
        end = size_t(std::upper_bound(ids.begin(), ids.end(), last) -
                      ids.begin());
        at = 0;
        started = false;
        set_maxweight(0);
    }
    Xapian::doccount get_termfreq_min() const override { return 0; }
    Xapian::doccount get_termfreq_est() const override
    {
        return Xapian::doccount(end);
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return Xapian::doccount(end);
    }
    void next(double) override
    {
        if (started)
            at++;
        started = true;
    }
    void skip_to(Xapian::docid did, double) override
    {
        started = true;
        at = size_t(std::lower_bound(ids.begin() + long(at),
                                     ids.begin() + long(end), did) -
                    ids.begin());
    }
    bool at_end() const override { return started && at >= end; }
    Xapian::docid get_docid() const override { return ids[at]; }

  private:
    std::vector<Xapian::docid> ids;   // sorted, distinct
    Xapian::docid last = 0;
    size_t at = 0, end = 0;
    bool started = false;
};

}  // namespace

xap_status xap_query_new_ids(const xap_docid *ids, size_t n, xap_query **out)
{
    return guard(__func__, [&] {
        NEED(out);
        if (n)
            NEED(ids);
        std::vector<Xapian::docid> v(ids, ids + n);
        std::sort(v.begin(), v.end());
        v.erase(std::unique(v.begin(), v.end()), v.end());
        auto *source = new IdsPostingSource(std::move(v));
        *out = new xap_query{Xapian::Query(source->release())};
        return XAP_OK;
    });
}

xap_status xap_query_new_match_all(xap_query **out)
{
    return guard(__func__, [&] {
        NEED(out);
        // A new leaf, not a copy of Query::MatchAll: copying that shared
        // object bumps its reference count, which is not atomic, from
        // every thread that searches.
        *out = new xap_query{Xapian::Query(std::string())};
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

// xap_query_snippet_parts' walk: the renaming, the flags and the parts
// kept so far.
struct SnippetParts {
    RenameFn rename;
    void *ctx;
    unsigned flags;
    std::vector<Xapian::Query> parts;
    // NEARs and wide phrases the walk is inside (their terms are loose
    // terms to snippets, but matched by position).
    unsigned positional = 0;

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

// TermGenerator's ending of a possessive ("Blair's", "Blair’s": blair's).
constexpr std::string_view kPossessive = "'s";

bool is_possessive(const std::string &term)
{
    return term.size() > kPossessive.size() &&
           term.compare(term.size() - kPossessive.size(), kPossessive.size(),
                        kPossessive) == 0;
}

// With XAP_SNIPPET_PARTS_POSSESSIVES: the tight phrase of `names` also as
// the phrases with one of its words possessive, added to sp.parts.
void add_possessive_phrases(const std::vector<std::string> &names,
                            SnippetParts &sp)
{
    if (!(sp.flags & XAP_SNIPPET_PARTS_POSSESSIVES))
        return;
    for (size_t i = 0; i < names.size(); i++) {
        if (is_possessive(names[i]))
            continue;
        std::vector<Xapian::Query> variant(names.begin(), names.end());
        variant[i] = Xapian::Query(names[i] + std::string(kPossessive));
        sp.parts.emplace_back(Xapian::Query::OP_PHRASE, variant.begin(),
                              variant.end(),
                              Xapian::termcount(variant.size()));
    }
}

// With XAP_SNIPPET_PARTS_POSSESSIVES, for a term `name` of a NEAR or wide
// phrase: its possessive as a wildcard pattern, which snippets compare
// with the start of each word, needing no statistics (a term does: the
// possessive's, never matched, would be dropped).
void add_possessive_pattern(const std::string &name, SnippetParts &sp)
{
    if (!(sp.flags & XAP_SNIPPET_PARTS_POSSESSIVES) || !sp.positional ||
        is_possessive(name))
        return;
    sp.parts.emplace_back(Xapian::Query::OP_WILDCARD,
                          name + std::string(kPossessive), 1,
                          Xapian::Query::WILDCARD_LIMIT_FIRST);
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
    std::vector<std::string> names;
    for (const auto &t : terms) {
        std::string name;
        if (!sp.renamed(term_of(t), name))
            return true;
        names.push_back(name);
    }
    std::vector<Xapian::Query> renamed(names.begin(), names.end());
    sp.parts.emplace_back(Xapian::Query::OP_PHRASE, renamed.begin(),
                          renamed.end(), Xapian::termcount(renamed.size()));
    add_possessive_phrases(names, sp);
    return true;
}

// The names of the term `q`, or of the terms that are the subqueries of
// `q`, in the order of its subqueries (get_terms_begin() sorts them).
std::vector<std::string> names_of(const Xapian::Query &q)
{
    if (q.get_type() == Xapian::Query::LEAF_TERM)
        return {term_of(q)};
    std::vector<std::string> names;
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        names.push_back(term_of(q.get_subquery(i)));
    return names;
}

// Whether `q` is a tight phrase, checked as keep_phrase does: its window
// is its number of subqueries.
bool is_tight(const Xapian::Query &q)
{
    std::vector<Xapian::Query> subs;
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        subs.push_back(q.get_subquery(i));
    Xapian::Query tight(Xapian::Query::OP_PHRASE, subs.begin(), subs.end(),
                        Xapian::termcount(subs.size()));
    return tight.get_description() == q.get_description();
}

// The forms of each place of `q` when it is a phrase of
// xap_query_phrase_forms: (AND of terms and SYNONYMs of terms) FILTER
// (tight PHRASE of the same terms and ORs), each place's terms alike on
// both sides. Empty when it is not one.
std::vector<std::vector<std::string>> phrase_forms_of(const Xapian::Query &q)
{
    std::vector<std::vector<std::string>> places;
    if (q.get_type() != Xapian::Query::OP_FILTER ||
        q.get_num_subqueries() != 2)
        return places;
    const Xapian::Query weigh = q.get_subquery(0), match = q.get_subquery(1);
    size_t n = match.get_num_subqueries();
    if (match.get_type() != Xapian::Query::OP_PHRASE ||
        weigh.get_type() != Xapian::Query::OP_AND ||
        weigh.get_num_subqueries() != n || !is_tight(match))
        return places;
    for (size_t i = 0; i < n; i++) {
        const Xapian::Query m = match.get_subquery(i), w = weigh.get_subquery(i);
        bool term = m.get_type() == Xapian::Query::LEAF_TERM &&
                    w.get_type() == Xapian::Query::LEAF_TERM;
        bool forms = m.get_type() == Xapian::Query::OP_OR &&
                     w.get_type() == Xapian::Query::OP_SYNONYM &&
                     m.get_num_subqueries() == w.get_num_subqueries();
        for (size_t k = 0; forms && k < m.get_num_subqueries(); k++)
            forms = m.get_subquery(k).get_type() == Xapian::Query::LEAF_TERM &&
                    w.get_subquery(k).get_type() == Xapian::Query::LEAF_TERM;
        if (!(term || forms))
            return {};
        places.push_back(names_of(m));
        if (places.back() != names_of(w))
            return {};
    }
    return places;
}

// Keep the tight phrases of the forms of a phrase of
// xap_query_phrase_forms (its weighing AND is no part: the phrase marks),
// the first XAP_SNIPPET_PARTS_MAX_FORMS, renamed (a form renamed to
// nothing is left out, and the phrase with the last form of a place).
// False when `q` is not one.
bool keep_phrase_forms(const Xapian::Query &q, SnippetParts &sp)
{
    std::vector<std::vector<std::string>> places = phrase_forms_of(q);
    if (places.empty())
        return false;
    for (auto &forms : places) {
        std::vector<std::string> kept;
        for (const auto &form : forms) {
            std::string name;
            if (sp.renamed(form, name))
                kept.push_back(name);
        }
        if (kept.empty())
            return true;
        forms = std::move(kept);
    }
    // Each form of each place with each of the others', the first place
    // turning slowest: the phrase as written first.
    std::vector<size_t> at(places.size(), 0);
    for (unsigned made = 0; made < XAP_SNIPPET_PARTS_MAX_FORMS; made++) {
        std::vector<std::string> names;
        for (size_t i = 0; i < places.size(); i++)
            names.push_back(places[i][at[i]]);
        std::vector<Xapian::Query> terms(names.begin(), names.end());
        sp.parts.emplace_back(Xapian::Query::OP_PHRASE, terms.begin(),
                              terms.end(), Xapian::termcount(terms.size()));
        add_possessive_phrases(names, sp);
        size_t i = places.size();
        while (i > 0 && ++at[i - 1] == places[i - 1].size())
            at[--i] = 0;
        if (i == 0)
            break;
    }
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
        if (sp.renamed(term_of(q), name)) {
            sp.parts.emplace_back(name);
            add_possessive_pattern(name, sp);
        }
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
    case Xapian::Query::OP_FILTER:
        if (keep_phrase_forms(q, sp))
            return;
        break;
    default:
        break;
    }
    // What an AND_NOT excludes is its subqueries after the first.
    size_t n = q.get_num_subqueries();
    if (q.get_type() == Xapian::Query::OP_AND_NOT && n > 0 &&
        (sp.flags & XAP_SNIPPET_PARTS_NO_EXCLUDED))
        n = 1;
    bool positional = q.get_type() == Xapian::Query::OP_NEAR ||
                      q.get_type() == Xapian::Query::OP_PHRASE;
    sp.positional += positional;
    for (size_t i = 0; i < n; i++)
        collect_parts(q.get_subquery(i), sp);
    sp.positional -= positional;
}

}  // namespace

// ------------------------------------------------------------ phrase forms

namespace {

// xap_query_phrase_forms' rewrite: the callback and its bound.
struct PhraseForms {
    xap_phrase_forms_fn fn;
    size_t max;
    void *ctx;
};

// The within-query frequency and position of the term query `t` (of
// `term`), which Xapian 1.4 shows only in the description ("mail#2@3"):
// read from its end, and checked by describing a query made of them;
// 1 and 0 when they do not read so.
void wqf_and_pos(const Xapian::Query &t, const std::string &term,
                 Xapian::termcount &wqf, Xapian::termpos &pos)
{
    std::string desc = t.get_description();
    // "Query(" ... ")"
    std::string inner = desc.size() > 7 ? desc.substr(6, desc.size() - 7)
                                        : std::string();
    auto number_after = [&inner](char mark, unsigned &out) {
        size_t at = inner.find_last_of(mark);
        if (at == std::string::npos || at + 1 == inner.size() ||
            inner.find_first_not_of("0123456789", at + 1) != std::string::npos)
            return;
        out = unsigned(std::strtoul(inner.c_str() + at + 1, nullptr, 10));
        inner.resize(at);
    };
    unsigned w = 1, p = 0;
    number_after('@', p);
    number_after('#', w);
    bool same = Xapian::Query(term, w, p).get_description() == desc;
    wqf = same ? w : 1;
    pos = same ? p : 0;
}

// The term `t` (a term query) at place `at` of the phrase of `names`,
// with the forms pf.fn gives it, into *weigh (their SYNONYM) and *match
// (their OR); the term itself in both when it has none. True when it
// has some.
bool place_forms(const Xapian::Query &t,
                 const std::vector<const char *> &names, size_t at,
                 PhraseForms &pf, std::vector<Xapian::Query> &weigh,
                 std::vector<Xapian::Query> &match)
{
    std::vector<const char *> got(pf.max ? pf.max : 1, nullptr);
    size_t k = 0;
    xap_status st = pf.fn(names.data(), names.size(), at, got.data(), pf.max,
                          &k, pf.ctx);
    if (st == XAP_ERR_NOMEM)
        throw std::bad_alloc();
    if (st != XAP_OK)
        shim::fail(st, "PhraseFormsError",
                   "the phrase forms callback failed: " +
                       std::string(xap_last_error()));
    const std::string term = names[at];
    Xapian::termcount wqf;
    Xapian::termpos pos;
    wqf_and_pos(t, term, wqf, pos);
    std::unordered_set<std::string> seen{term};
    std::vector<Xapian::Query> forms{t};
    for (size_t j = 0; j < k && j < pf.max; j++)
        if (got[j] && seen.insert(got[j]).second)
            forms.emplace_back(got[j], wqf, pos);
    if (forms.size() == 1) {
        weigh.push_back(t);
        match.push_back(t);
        return false;
    }
    weigh.emplace_back(Xapian::Query::OP_SYNONYM, forms.begin(), forms.end());
    match.emplace_back(Xapian::Query::OP_OR, forms.begin(), forms.end());
    return true;
}

// The tight phrase of terms `q` with its forms (see xap_query_phrase_forms);
// `q` itself when it gets none.
Xapian::Query phrase_with_forms(const Xapian::Query &q, PhraseForms &pf,
                                bool &changed)
{
    size_t n = q.get_num_subqueries();
    std::vector<std::string> names;
    for (size_t i = 0; i < n; i++) {
        if (q.get_subquery(i).get_type() != Xapian::Query::LEAF_TERM)
            return q;
        names.push_back(term_of(q.get_subquery(i)));
    }
    if (n < 2 || !is_tight(q))
        return q;
    std::vector<const char *> cnames;
    for (const auto &name : names)
        cnames.push_back(name.c_str());
    std::vector<Xapian::Query> weigh, match;
    bool any = false;
    for (size_t i = 0; i < n; i++)
        any |= place_forms(q.get_subquery(i), cnames, i, pf, weigh, match);
    if (!any)
        return q;
    changed = true;
    Xapian::Query w(Xapian::Query::OP_AND, weigh.begin(), weigh.end());
    Xapian::Query m(Xapian::Query::OP_PHRASE, match.begin(), match.end(),
                    Xapian::termcount(n));
    return Xapian::Query(Xapian::Query::OP_FILTER, w, m);
}

// `q` with the forms of its phrases; `changed` set when it has some. Only
// the operators that need no parameter are rebuilt.
Xapian::Query with_forms(const Xapian::Query &q, PhraseForms &pf,
                         bool &changed)
{
    Xapian::Query::op type = q.get_type();
    if (type == Xapian::Query::OP_PHRASE)
        return phrase_with_forms(q, pf, changed);
    switch (type) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX:
        break;
    default:
        return q;
    }
    std::vector<Xapian::Query> subs;
    bool any = false;
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        subs.push_back(with_forms(q.get_subquery(i), pf, any));
    if (!any)
        return q;
    changed = true;
    return Xapian::Query(type, subs.begin(), subs.end());
}

}  // namespace

xap_status xap_query_phrase_forms(const xap_query *q, xap_phrase_forms_fn fn,
                                  size_t max_forms, void *ctx,
                                  xap_query **out)
{
    return guard(__func__, [&] {
        NEED(q);
        NEED(fn);
        NEED(out);
        PhraseForms pf{fn, max_forms, ctx};
        bool changed = false;
        *out = new xap_query{with_forms(q->q, pf, changed)};
        return XAP_OK;
    });
}

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

xap_status xap_query_snippet_parts(const xap_query *q, unsigned flags,
                                   const char *(*rename)(const char *term,
                                                         void *ctx),
                                   void *ctx, xap_query **out)
{
    return guard(__func__, [&] {
        NEED(q);
        NEED(rename);
        NEED(out);
        if (flags & ~unsigned(XAP_SNIPPET_PARTS_NO_EXCLUDED |
                              XAP_SNIPPET_PARTS_POSSESSIVES))
            shim::fail(XAP_ERR_INVALID_ARG, "InvalidArgumentError",
                       "unknown snippet parts flag");
        SnippetParts sp{rename, ctx, flags, {}};
        collect_parts(q->q, sp);
        *out = new xap_query{Xapian::Query(Xapian::Query::OP_OR,
                                           sp.parts.begin(), sp.parts.end())};
        return XAP_OK;
    });
}

namespace {

using SnippetTermFn = int (*)(const char *const *terms, size_t n, int phrase,
                              void *ctx);

// The terms of `q` when it is a tight phrase of terms, in order; empty
// when it is not one (Xapian's snippets then read its terms alone).
std::vector<std::string> tight_phrase_terms(const Xapian::Query &q)
{
    std::vector<std::string> terms;
    if (q.get_type() != Xapian::Query::OP_PHRASE)
        return terms;
    for (size_t i = 0; i < q.get_num_subqueries(); i++) {
        if (q.get_subquery(i).get_type() != Xapian::Query::LEAF_TERM)
            return {};
        terms.push_back(term_of(q.get_subquery(i)));
    }
    if (!is_tight(q))
        terms.clear();
    return terms;
}

// xap_query_each_snippet_term's walk below `q`; true when fn asked to stop.
bool each_snippet_term(const Xapian::Query &q, SnippetTermFn fn, void *ctx)
{
    if (q.get_type() == Xapian::Query::LEAF_TERM) {
        const std::string term = term_of(q);
        const char *one = term.c_str();
        return fn(&one, 1, 0, ctx) != 0;
    }
    const std::vector<std::string> phrase = tight_phrase_terms(q);
    if (!phrase.empty()) {
        std::vector<const char *> terms;
        for (const auto &t : phrase)
            terms.push_back(t.c_str());
        return fn(terms.data(), terms.size(), 1, ctx) != 0;
    }
    if (q.get_type() == Xapian::Query::OP_WILDCARD)
        return false;
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        if (each_snippet_term(q.get_subquery(i), fn, ctx))
            return true;
    return false;
}

}  // namespace

xap_status xap_query_each_snippet_term(const xap_query *q, SnippetTermFn fn,
                                       void *ctx)
{
    return guard(__func__, [&] {
        NEED(q);
        NEED(fn);
        each_snippet_term(q->q, fn, ctx);
        return XAP_OK;
    });
}

// ------------------------------------------------------------- queryparser

namespace {

// The prefix of the words of every field with a FieldProcessor in the
// marked parser (xap_queryparser::marked): one for all, as Xapian 1.4
// takes such fields for one (their lists of prefixes are equally empty).
// Control characters: no word Xapian reads holds one.
constexpr const char *kProcessedMarker = "\x01\x02";
// The prefix of the filters with a FieldProcessor there.
constexpr const char *kFilterMarker = "\x01\x03";

}  // namespace

namespace shim {

// Xapian 1.4's QueryParser::parse_query() reparses a text whose grammar
// failed ("parse error") without the syntax flags, and returns that plain
// reading as if nothing had happened. Both passes read the text from its
// start, and range tokens ("a..b") are handed to the range processors as
// they are read. So a text that starts with this processor's sentinel
// range meets it once when it parses, and twice when the first pass failed
// and the plain one followed. What is probed is the query in brackets
// after the sentinel, which fails where the query alone fails.
class ReparseProbe : public Xapian::RangeProcessor {
  public:
    static constexpr const char *kBound = "xapshimreparseprobe";

    Xapian::Query operator()(const std::string &begin,
                             const std::string &end) override
    {
        if (begin != kBound || end != kBound)
            return Xapian::Query(Xapian::Query::OP_INVALID);
        ++passes;
        return Xapian::Query(std::string());   // not the shared MatchAll
    }

    unsigned passes = 0;
};

}  // namespace shim

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
        qp->marked.set_stemmer(stem->stem);
        return XAP_OK;
    });
}

xap_status xap_queryparser_set_stemming_strategy(xap_queryparser *qp,
                                                 xap_stem_strategy strategy)
{
    return guard(__func__, [&] {
        NEED(qp);
        auto s = to_strategy<Xapian::QueryParser::stem_strategy>(strategy);
        qp->qp.set_stemming_strategy(s);
        qp->marked.set_stemming_strategy(s);
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
        qp->marked.set_stopper(s.get());
        qp->stopper = std::move(s);
        return XAP_OK;
    });
}

xap_status xap_queryparser_set_default_op(xap_queryparser *qp, xap_query_op op)
{
    return guard(__func__, [&] {
        NEED(qp);
        Xapian::Query::op xop = to_op(op);
        qp->qp.set_default_op(xop);
        // Words joined by a positional default operator are no phrase
        // Xapian fails to build: the marked parser must not see one.
        bool positional = xop == Xapian::Query::OP_NEAR ||
                          xop == Xapian::Query::OP_PHRASE;
        qp->marked.set_default_op(positional ? Xapian::Query::OP_OR : xop);
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
        qp->marked.set_database(db->db);
        return XAP_OK;
    });
}

xap_status xap_queryparser_set_max_expansion(xap_queryparser *qp,
                                             unsigned max)
{
    return guard(__func__, [&] {
        NEED(qp);
        qp->qp.set_max_expansion(max);
        qp->marked.set_max_expansion(max);
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
        qp->marked.add_prefix(field, opt(prefix));
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
        qp->processed_fields.emplace_back(field);
        qp->marked.add_prefix(field, kProcessedMarker);
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
        // A filter's value is one term whatever it holds: any prefix
        // reads it as the processor's field is read.
        qp->marked.add_boolean_prefix(field, kFilterMarker, exclusive != 0);
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
        qp->marked.add_boolean_prefix(field, prefix, exclusive != 0);
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

namespace {

// 1 when `word` (of `len` bytes) is one of the grammar's operator words,
// in capitals unless any case is allowed.
bool is_operator_word(const char *word, size_t len, bool any_case)
{
    static const char *const ops[] = {"AND", "OR", "NOT", "XOR", "NEAR",
                                      "ADJ"};
    for (const char *op : ops) {
        if (std::strlen(op) != len)
            continue;
        size_t i = 0;
        while (i < len && (word[i] == op[i] ||
                           (any_case && word[i] == op[i] + ('a' - 'A'))))
            i++;
        if (i == len)
            return true;
    }
    return false;
}

// An ASCII letter or digit, whatever the locale.
bool is_ascii_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

// Whether the grammar may fail on `text`: it fails only on syntax (signs,
// brackets, quotes, fields, wildcards, ranges, operator words), so a text
// of ASCII letters, digits and spaces without an operator word cannot.
// Other bytes (UTF-8 quotation marks among them) count as syntax.
bool may_fail_to_parse(const char *text, unsigned flags)
{
    bool boolean = flags & Xapian::QueryParser::FLAG_BOOLEAN;
    bool any_case = flags & Xapian::QueryParser::FLAG_BOOLEAN_ANY_CASE;
    for (const char *p = text; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        if (!is_ascii_alnum(*p))
            return true;
        const char *word = p;
        while (is_ascii_alnum(*p))
            p++;
        if (boolean && is_operator_word(word, size_t(p - word), any_case))
            return true;
    }
    return false;
}

// Xapian 1.4.22 reads a group of a field that has a FieldProcessor,
// "f:(a b)", as f:a f:b. Whatever in the group is not a word (a phrase,
// quoted or made by "s:l", "a_-b"; NEAR, ADJ; a range; another field's
// word) gets no query: it is dropped in silence, or, under a '+',
// dereferenced as null (SIGSEGV in Query::operator&=: the process dies).
// Which spellings reach that path is Xapian's parser's business, so the
// check is a list of what is known to be safe: words of letters and
// digits, with signs, AND, OR, NOT, XOR, brackets, a trailing '*', an
// apostrophe or a decimal point inside, and capitals with dots ("U.S.").
// Any other group of such a field is refused before Xapian reads it. (A
// trailing '*' is safe from that death but matches nothing: the marked
// parser refuses it, unprocessed_words.)

bool is_ascii_digit(char c)
{
    return c >= '0' && c <= '9';
}

// The Unicode quotation marks Xapian's parser may take for '"': U+00AB,
// U+00BB and U+2018 to U+201F, at `p` (UTF-8).
bool is_unicode_quote(const char *p)
{
    const unsigned char *u = reinterpret_cast<const unsigned char *>(p);
    return (u[0] == 0xC2 && (u[1] == 0xAB || u[1] == 0xBB)) ||
           (u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x98 && u[2] <= 0x9F);
}

// "U.S." or "U.S": capitals each followed by a dot, one word to Xapian.
bool is_acronym(const char *w, size_t n)
{
    size_t i = 0;
    while (i + 1 < n && w[i] >= 'A' && w[i] <= 'Z' && w[i + 1] == '.')
        i += 2;
    return i >= 2 && (i == n || (i + 1 == n && w[i] >= 'A' && w[i] <= 'Z'));
}

// Whether the token `w` (n bytes, no blank or bracket) is safe in such a
// group (see above).
bool is_safe_group_token(const char *w, size_t n)
{
    while (n > 0 && (*w == '+' || *w == '-')) {
        w++;
        n--;
    }
    std::string word(w, n);
    if (word == "NEAR" || word == "ADJ")   // "NEAR/3" fails at the '/'
        return false;
    if (n == 0 || word == "AND" || word == "OR" || word == "NOT" ||
        word == "XOR" || is_acronym(w, n))
        return true;
    if (n > 1 && w[n - 1] == '*')
        n--;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = static_cast<unsigned char>(w[i]);
        bool inside = i > 0 && i + 1 < n;
        if (is_ascii_alnum(w[i]) || (c >= 0x80 && !is_unicode_quote(w + i)))
            continue;
        if (inside && w[i] == '\'' && is_ascii_alnum(w[i - 1]) &&
            is_ascii_alnum(w[i + 1]))
            continue;
        if (inside && w[i] == '.' && is_ascii_digit(w[i - 1]) &&
            is_ascii_digit(w[i + 1]))
            continue;
        return false;
    }
    return true;
}

// Whether the group that starts after the '(' at `p`, up to its ')'
// (brackets inside counted) or the end of the text, is safe.
bool is_safe_group(const char *p)
{
    int depth = 1;
    while (*p && depth > 0) {
        if (*p == '(' || *p == ')') {
            depth += *p == '(' ? 1 : -1;
            p++;
            continue;
        }
        size_t n = std::strcspn(p, " \t\n\r\f\v()");
        if (n == 0) {
            p++;
            continue;
        }
        if (!is_safe_group_token(p, n))
            return false;
        p += n;
    }
    return true;
}

// Whether the value after such a field's ':' at `v` is safe: a group
// (see above), or one token as a group may hold. A value that is not
// ("+caps:a-b", "+caps:zs:l") is read as a phrase, gets no query and
// under a '+' kills the process as a group's would.
bool is_safe_value(const char *v, bool *group)
{
    *group = *v == '(';
    if (*group)
        return is_safe_group(v + 1);
    return is_safe_group_token(v, std::strcspn(v, " \t\n\r\f\v()"));
}

// The field of the first group or value of `text` that is not safe (see
// above), or "" when there is none; *group tells which. A field's name
// counts after any byte that is no ASCII letter, digit or '_' (Xapian
// reads ",caps:(" as the field).
std::string unsafe_group(const xap_queryparser *qp, const char *text,
                         bool *group)
{
    for (const char *p = text; *p; p++) {
        if (p != text && (is_ascii_alnum(p[-1]) || p[-1] == '_'))
            continue;
        for (const std::string &field : qp->processed_fields)
            if (std::strncmp(p, field.c_str(), field.size()) == 0 &&
                p[field.size()] == ':' &&
                !is_safe_value(p + field.size() + 1, group))
                return field;
    }
    return "";
}

// Whether `text` may name a field with a FieldProcessor ("caps:"
// anywhere: the checks below are needed only then).
bool mentions_processed_field(const xap_queryparser *qp, const char *text)
{
    for (const std::string &field : qp->processed_fields)
        if (std::strstr(text, (field + ':').c_str()))
            return true;
    return false;
}

// Whether `term` is a word of such a field in the marked parser (after
// the 'Z' of a stemmed term).
bool is_marked(const std::string &term)
{
    const std::string marker = kProcessedMarker;
    return term.compare(0, marker.size(), marker) == 0 ||
           (term.size() > marker.size() && term[0] == 'Z' &&
            term.compare(1, marker.size(), marker) == 0);
}

// What Xapian 1.4 builds no query for among the words of fields with a
// FieldProcessor (see unprocessed_words).
enum class Unprocessed { none, window, wildcard, cjk };

// Whether `term` holds a character that FLAG_CJK_NGRAM reads as n-grams.
bool has_cjk(const std::string &term)
{
    for (Xapian::Utf8Iterator it(term); it != Xapian::Utf8Iterator(); ++it)
        if (xap_unicode_is_cjk(*it))
            return true;
    return false;
}

// Whether `q` is a phrase or a NEAR all of whose words are marked.
bool is_marked_window(const Xapian::Query &q)
{
    Xapian::Query::op type = q.get_type();
    size_t n = q.get_num_subqueries();
    bool all_marked = (type == Xapian::Query::OP_PHRASE ||
                       type == Xapian::Query::OP_NEAR) && n > 0;
    for (size_t i = 0; all_marked && i < n; i++) {
        const Xapian::Query sub = q.get_subquery(i);
        all_marked = sub.get_type() == Xapian::Query::LEAF_TERM &&
                     is_marked(*sub.get_terms_begin());
    }
    return all_marked;
}

// The first window, wildcard or (parsed with `ngrams`, FLAG_CJK_NGRAM)
// CJK n-gram of marked words in `q` (of the marked parser), or none.
Unprocessed find_unprocessed(const Xapian::Query &q, bool ngrams)
{
    if (is_marked_window(q))
        return Unprocessed::window;
    if (q.get_type() == Xapian::Query::OP_WILDCARD)
        return is_marked(wildcard_pattern(q)) ? Unprocessed::wildcard
                                              : Unprocessed::none;
    if (ngrams && q.get_type() == Xapian::Query::LEAF_TERM) {
        const std::string term = *q.get_terms_begin();
        return is_marked(term) && has_cjk(term) ? Unprocessed::cjk
                                                : Unprocessed::none;
    }
    for (size_t i = 0; i < q.get_num_subqueries(); i++) {
        Unprocessed u = find_unprocessed(q.get_subquery(i), ngrams);
        if (u != Unprocessed::none)
            return u;
    }
    return Unprocessed::none;
}

// Xapian 1.4.22 builds a phrase, NEAR or ADJ (also "a-b" and "a:b") of
// words that all belong to fields with a FieldProcessor ("caps:a NEAR
// caps:b", "title:(caps:a ADJ upper:b)") from their prefixes, which such
// fields have none of: it gets no query, drops it in silence, or under a
// '+' or '-' dereferences it (SIGSEGV in Query::operator&=). A wildcard
// of such a field ("caps:nas*") expands over no prefix: an empty query,
// dropped in silence or emptying what it is ANDed with. With
// FLAG_CJK_NGRAM, CJK text of such a field ("caps:北京") is made n-grams
// under the field's prefixes, of which it has none: dropped in silence
// too, or the query left with nothing to search. Where the words
// end up is Xapian's grammar's business, so the marked parser reads
// `text` first and says which of them it built. Its errors are thrown:
// the real parser may meet the null query before them. `flags` without
// STRICT.
Unprocessed unprocessed_words(xap_queryparser *qp, const char *text,
                              unsigned flags,
                              const std::string &default_prefix)
{
    // Without positions Xapian makes the window an AND, which is no
    // different from the AND of the grammar: ask for positions.
    flags &= ~unsigned(Xapian::QueryParser::FLAG_NO_POSITIONS);
    return find_unprocessed(
        qp->marked.parse_query(text, flags, default_prefix),
        flags & Xapian::QueryParser::FLAG_CJK_NGRAM);
}

// The fields with a FieldProcessor, for a message: "caps: or upper:".
std::string processed_field_list(const xap_queryparser *qp)
{
    std::string list;
    for (size_t i = 0; i < qp->processed_fields.size(); i++) {
        if (i > 0)
            list += i + 1 == qp->processed_fields.size() ? " or " : ", ";
        list += qp->processed_fields[i] + ':';
    }
    return list;
}

// True when Xapian's grammar fails on `text` with `flags`, which
// parse_query() would hide by reading it as plain words (ReparseProbe).
bool grammar_fails(xap_queryparser *qp, const std::string &text,
                   unsigned flags, const std::string &default_prefix)
{
    if (!qp->probe) {
        // Added at the first strict parse, after the parser's own ranges:
        // a parser with no range reads "a..b" as words until then.
        auto probe = std::make_unique<shim::ReparseProbe>();
        shim::ReparseProbe *p = probe.get();
        if (add_range(qp, std::move(probe)) != XAP_OK)
            throw std::bad_alloc();
        qp->probe = p;
    }
    std::string probed = shim::ReparseProbe::kBound;
    probed += "..";
    probed += shim::ReparseProbe::kBound;
    // In brackets: a text's start is a query's start ("-(a OR b)" fails
    // there and would parse after the sentinel).
    probed += " (";
    probed += text;
    probed += ')';
    qp->probe->passes = 0;
    try {
        qp->marked.parse_query(probed, flags, default_prefix);
    } catch (const Xapian::QueryParserError &) {
        // Another error: the real parse meets it and says so.
        return false;
    }
    return qp->probe->passes > 1;
}

}  // namespace

// The XAP_QP_FLAG_* values but STRICT are Xapian's own.
static_assert(unsigned(XAP_QP_FLAG_CJK_NGRAM) ==
                      unsigned(Xapian::QueryParser::FLAG_CJK_NGRAM) &&
                  unsigned(XAP_QP_FLAG_AUTO_MULTIWORD_SYNONYMS) ==
                      unsigned(
                          Xapian::QueryParser::FLAG_AUTO_MULTIWORD_SYNONYMS),
              "query parser flags");

xap_status xap_queryparser_parse(xap_queryparser *qp, const char *text,
                                 unsigned flags, const char *default_prefix,
                                 xap_query **out)
{
    return guard(__func__, [&] {
        NEED(qp);
        NEED(text);
        NEED(out);
        bool in_group = false;
        std::string group = unsafe_group(qp, text, &in_group);
        if (!group.empty() && !in_group)
            throw Xapian::QueryParserError(
                "the value of " + group + ": can be only a word of letters "
                "and digits (no phrase, hyphen or other punctuation); "
                "search such text without " + group + ":");
        if (!group.empty())
            throw Xapian::QueryParserError(
                "the group " + group + ":(...) can hold only words of "
                "letters and digits, joined by spaces, AND, OR, NOT or "
                "XOR (no phrase, NEAR, ADJ, range or other field); put "
                "the rest outside the group, or " + group +
                ": before each word");
        bool strict = flags & XAP_QP_FLAG_STRICT;
        flags &= ~unsigned(XAP_QP_FLAG_STRICT);
        bool processed = mentions_processed_field(qp, text);
        Unprocessed u = processed ? unprocessed_words(qp, text, flags,
                                                      opt(default_prefix))
                                  : Unprocessed::none;
        if (u == Unprocessed::window)
            throw Xapian::QueryParserError(
                "words of " + processed_field_list(qp) + " cannot be "
                "joined by NEAR or ADJ or into a phrase; join them with "
                "AND or OR, or search the words without the field");
        if (u == Unprocessed::wildcard)
            throw Xapian::QueryParserError(
                "a word of " + processed_field_list(qp) + " cannot end "
                "in a wildcard '*'; search the whole word, or the "
                "wildcard without the field");
        if (u == Unprocessed::cjk)
            throw Xapian::QueryParserError(
                "a word of " + processed_field_list(qp) + " cannot be "
                "Chinese, Japanese or Korean text (it is searched as its "
                "characters, which the field does not take); search that "
                "text without the field");
        // Probed on the marked parser, which Xapian reads as it reads
        // this one but for the null queries above.
        bool fails = (strict || processed) && may_fail_to_parse(text, flags) &&
                     grammar_fails(qp, text, flags, opt(default_prefix));
        // The reading Xapian falls back to when its grammar fails: asked
        // for at once, since the failing reading may meet a null query
        // before it fails.
        unsigned pass = fails ? flags & unsigned(
                                    Xapian::QueryParser::FLAG_CJK_NGRAM |
                                    Xapian::QueryParser::FLAG_NO_POSITIONS)
                              : flags;
        // The other XAP_QP_FLAG_* values are Xapian's own.
        Xapian::Query q = qp->qp.parse_query(text, pass, opt(default_prefix));
        // Signs or brackets alone read as no word at all: the empty query
        // says so without an error. Not strict: the plain words are the
        // reading asked for, as Xapian would have fallen back to them.
        if (fails && strict && !q.empty())
            fail(XAP_ERR_QUERY_GRAMMAR, "QueryParserError", "parse error");
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

