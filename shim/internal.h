// internal.h - what the shim's source files share: the C handles' C++
// insides, and the error plumbing that keeps every exception on the C++
// side (guard()). Private to shim/.
//
// The xap_* definitions take C linkage from their declarations in
// xapian_shim.h; the .cc files have no extern "C" block of their own, so
// their helpers (in unnamed namespaces) stay C++ and local to the file.
#ifndef GAZETTE_SHIM_INTERNAL_H
#define GAZETTE_SHIM_INTERNAL_H

#include "xapian_shim.h"

#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <unordered_set>
#include <vector>

// ------------------------------------------------------------------ handles

struct xap_database {
    Xapian::Database db;
};

struct xap_writable {
    Xapian::WritableDatabase wdb;
    // The path it was opened with, and what the changes since the last
    // commit can make the postlist table grow by: the keys they touch
    // (terms, value slots, document lengths) and the bytes they add; the
    // room a commit reserves first (writable.cc, CommitRoom).
    std::string path;
    uint64_t pending_keys = 0, pending_bytes = 0;
    // Hashes of the terms counted in pending_keys: a term written by many
    // documents of a commit is one key.
    std::unordered_set<uint64_t> pending_terms;
    // Changes Xapian counts towards its flush threshold, and whether a
    // transaction is open (then reaching it flushes without a commit).
    uint64_t changes = 0, flush_threshold = 10000;
    bool in_transaction = false;
    bool flushed_transaction = false;
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
};

namespace shim {
class ReparseProbe;
}

struct xap_queryparser {
    Xapian::QueryParser qp;
    // Xapian keeps only a raw pointer to a stopper we don't release() to it.
    std::shared_ptr<const Xapian::Stopper> stopper;
    // add_rangeprocessor() keeps raw pointers: we own the processors.
    std::vector<std::unique_ptr<Xapian::RangeProcessor>> ranges;
    // One of them once a strict parse ran (XAP_QP_FLAG_STRICT, query.cc):
    // counts the passes over a text that begins with its sentinel range.
    shim::ReparseProbe *probe = nullptr;
    // The free-text fields given a FieldProcessor: their groups are
    // checked before Xapian reads them (query.cc, unsafe_group).
    std::vector<std::string> processed_fields;
    // The same parser with a marker prefix for each of those fields in
    // place of its FieldProcessor, so that Xapian's own grammar tells
    // where their words go before the real parser reads them (query.cc,
    // joined_processed_words): configured by every call that configures
    // qp, with the same range processors.
    Xapian::QueryParser marked;
};

struct xap_query {
    Xapian::Query q;
};

struct xap_enquire {
    Xapian::Enquire enq;
    // Databases searched as one (xap_enquire_weight_of_doc maps document
    // numbers with it).
    size_t shards;
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

// A spy's key function failed (xap_value_key_fn) with `status`: the call
// that made the spy count (get_mset) or report returns it (enquire.cc).
[[noreturn]] void spy_key_failed(xap_status status);

// Counts of byte strings: what a match spy keeps while it sees every
// match of a query. One open-addressing hash table over an arena of the
// bytes, so counting a value seen before allocates nothing (a std::map or
// std::unordered_set<std::string> allocates a node, and a copy of any
// string over 15 bytes, per value looked up or added).
class ByteCounts {
  public:
    // Add `by` to the count of [p, p + n); true when it was not counted.
    bool add(const char *p, size_t n, uint32_t by = 1)
    {
        bool added = false;
        put(p, n, by, &added);
        return added;
    }
    // Add `by` to the count of [p, p + n): its entry's index; *added
    // true when it had none.
    size_t put(const char *p, size_t n, uint32_t by, bool *added)
    {
        if (n > UINT32_MAX)
            throw std::length_error("a counted value of 4 GiB or more");
        if (2 * (entries.size() + 1) > slots.size())
            grow();
        uint32_t h = hash_of(p, n);
        size_t mask = slots.size() - 1;
        for (size_t i = h & mask;; i = (i + 1) & mask) {
            Slot at = slots[i];
            if (at.entry == 0) {
                entries.push_back({bytes.size(), uint32_t(n), by});
                bytes.insert(bytes.end(), p, p + n);
                slots[i] = {h, uint32_t(entries.size())};
                *added = true;
                return entries.size() - 1;
            }
            Entry &e = entries[at.entry - 1];
            if (at.hash == h && e.len == n &&
                (n == 0 || std::memcmp(bytes.data() + e.off, p, n) == 0)) {
                e.count += by;
                *added = false;
                return at.entry - 1;
            }
        }
    }
    // Take one from the count of entry `i` (a count of 0 stays 0).
    void take(size_t i)
    {
        if (entries[i].count > 0)
            entries[i].count--;
    }
    void give(size_t i) { entries[i].count++; }
    size_t size() const { return entries.size(); }
    std::string_view key(size_t i) const
    {
        return std::string_view(bytes.data() + entries[i].off,
                                entries[i].len);
    }
    uint32_t count(size_t i) const { return entries[i].count; }

    // The entries' indexes ordered by count, highest first, ties in byte
    // order (Xapian's order for its top values); only the first `max` are
    // ordered and returned (0: all). Most values of a large facet are ties
    // (counted once): each key's first 8 bytes, read as one big-endian
    // number, order most of them without a memcmp.
    std::vector<size_t> top(size_t max) const
    {
        struct Rank {
            uint32_t count;
            uint64_t head;
            size_t i;
        };
        std::vector<Rank> ranks(entries.size());
        for (size_t i = 0; i < ranks.size(); i++)
            ranks[i] = {entries[i].count, head_of(key(i)), i};
        auto before = [this](const Rank &a, const Rank &b) {
            if (a.count != b.count)
                return a.count > b.count;
            if (a.head != b.head)
                return a.head < b.head;
            return key(a.i) < key(b.i);
        };
        size_t n = max == 0 || max >= ranks.size() ? ranks.size() : max;
        if (n == ranks.size())
            std::sort(ranks.begin(), ranks.end(), before);
        else
            std::partial_sort(ranks.begin(), ranks.begin() + long(n),
                              ranks.end(), before);
        std::vector<size_t> order(n);
        for (size_t i = 0; i < n; i++)
            order[i] = ranks[i].i;
        return order;
    }
    // The entries' indexes in byte order of their keys.
    std::vector<size_t> in_byte_order() const
    {
        std::vector<size_t> order(entries.size());
        for (size_t i = 0; i < order.size(); i++)
            order[i] = i;
        std::sort(order.begin(), order.end(),
                  [this](size_t a, size_t b) { return key(a) < key(b); });
        return order;
    }

  private:
    // The first 8 bytes of `k` (zeros after its end) as a big-endian
    // number: when two heads differ, they order as their keys do.
    static uint64_t head_of(std::string_view k)
    {
        uint64_t h = 0;
        for (size_t i = 0; i < 8; i++)
            h = (h << 8) | (i < k.size() ? uint8_t(k[i]) : 0);
        return h;
    }
    struct Entry {
        size_t off;   // in bytes
        uint32_t len;
        uint32_t count;
    };
    // A slot of the table: the entry's hash, so that a probe compares
    // bytes only when the hashes agree and growing reads no entry.
    struct Slot {
        uint32_t hash;
        uint32_t entry;   // index + 1; 0 for empty
    };
    // A hash of [p, p + n) read 8 bytes at a time: std::hash's Murmur
    // was a call of about 60 instructions for a name of a dozen bytes,
    // and a facet hashes each value of each match. Only the table's speed
    // depends on it (the entries keep the order they were added in).
    static uint32_t hash_of(const char *p, size_t n)
    {
        uint64_t h = mix(n);
        for (; n >= 8; p += 8, n -= 8)
            h = mix(h ^ load64(p));
        h = mix(h ^ last_bytes(p, n));
        return uint32_t(h ^ (h >> 32));
    }
    // The 0 to 7 bytes [p, p + n) as one number (the middle of 5 to 7
    // read twice, of 3 once: enough for a hash).
    static uint64_t last_bytes(const char *p, size_t n)
    {
        if (n >= 4)
            return uint64_t(load32(p)) << 32 | load32(p + n - 4);
        if (n == 0)
            return 0;
        return uint64_t(uint8_t(p[0])) << 16 |
               uint64_t(uint8_t(p[n / 2])) << 8 | uint8_t(p[n - 1]);
    }
    static uint64_t mix(uint64_t x)
    {
        x *= 0x9E3779B97F4A7C15u;
        return x ^ (x >> 29);
    }
    static uint64_t load64(const char *p)
    {
        uint64_t v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    static uint32_t load32(const char *p)
    {
        uint32_t v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    // Twice the slots, so at least half stay empty.
    void grow()
    {
        std::vector<Slot> more(slots.empty() ? 64 : 2 * slots.size(),
                               Slot{0, 0});
        size_t mask = more.size() - 1;
        for (const Slot &s : slots) {
            if (s.entry == 0)
                continue;
            size_t i = s.hash & mask;
            while (more[i].entry != 0)
                i = (i + 1) & mask;
            more[i] = s;
        }
        slots.swap(more);
    }
    // Every key, one after the other: a vector, whose insert() is
    // inlined where std::string's append() is a call into libstdc++.
    std::vector<char> bytes;
    std::vector<Entry> entries;    // in the order first added
    std::vector<Slot> slots;
};

// Counts a document only once per non-empty value of `slot` (when set):
// facet counts that agree with collapsing on that slot. It keeps the
// document it counted for each value, and the later ones (copies) it
// did not count, so that a caller can count another copy instead
// (recount). Xapian gives a spy each document with its id in its own
// shard, and the shards' documents one shard after another.
struct DistinctFilter {
    int slot = -1;
    ByteCounts seen;
    std::vector<Xapian::docid> counted;   // per entry of `seen`
    std::vector<std::pair<uint32_t, Xapian::docid>> copies;   // entry, doc
    bool first_time(const Xapian::Document &doc)
    {
        if (slot < 0)
            return true;
        std::string v = doc.get_value(Xapian::valueno(slot));
        if (v.empty())
            return true;
        bool added = false;
        size_t i = seen.put(v.data(), v.size(), 1, &added);
        if (added)
            counted.push_back(doc.get_docid());
        else
            copies.emplace_back(uint32_t(i), doc.get_docid());
        return added;
    }
    // Call fn(value, ids, n, ctx) for each value seen on more than one
    // document: the ids of those documents, the counted one first, the
    // others in the order seen; until fn returns non-zero.
    void each_group(int (*fn)(const char *value, size_t len,
                              const xap_docid *ids, size_t n, void *ctx),
                    void *ctx) const
    {
        std::vector<std::pair<uint32_t, Xapian::docid>> sorted(copies);
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const auto &a, const auto &b) {
                             return a.first < b.first;
                         });
        std::vector<xap_docid> ids;
        for (size_t i = 0; i < sorted.size();) {
            uint32_t e = sorted[i].first;
            ids.assign(1, counted[e]);
            for (; i < sorted.size() && sorted[i].first == e; i++)
                ids.push_back(sorted[i].second);
            std::string_view v = seen.key(e);
            if (fn(v.data(), v.size(), ids.data(), ids.size(), ctx))
                return;
        }
    }
};

// Calls add(piece, length) for each non-empty piece of `value` cut at
// `separator`: the values of a multi-valued field kept in one slot.
template <typename Add>
void each_piece(const std::string &value, char separator, Add add)
{
    size_t start = 0;
    while (start < value.size()) {
        size_t end = value.find(separator, start);
        if (end == std::string::npos)
            end = value.size();
        if (end > start)
            add(value.data() + start, end - start);
        start = end + 1;
    }
}

// Xapian's ValueCountMatchSpy, with a distinct filter, counting the
// pieces of each value (split) or counting documents by a key of their
// values (set_key). With none of them it is Xapian's spy unchanged
// (xapian_qbench's raw peer counts with it). With any, the documents of
// local databases are counted in `local` (a hash table: cheaper than the
// base class's std::map per document). A remote database runs the base
// class on its server (the only kind xapian-tcpsrv knows), which counts
// each document's whole value, every copy; Xapian merges that into the
// base class (merge_results), and a split spy cuts those values into
// pieces when read (all_counts, documents).
class DistinctValueCountSpy : public Xapian::ValueCountMatchSpy {
  public:
    explicit DistinctValueCountSpy(Xapian::valueno s)
        : Xapian::ValueCountMatchSpy(s), slot(s) {}
    DistinctValueCountSpy(Xapian::valueno s, char sep)
        : Xapian::ValueCountMatchSpy(s), slot(s), split(true), separator(sep)
    {
    }
    void operator()(const Xapian::Document &doc, double wt) override
    {
        if (distinct.slot < 0 && !split && !key_fn) {
            Xapian::ValueCountMatchSpy::operator()(doc, wt);
            return;
        }
        if (!distinct.first_time(doc))
            return;
        ++local_total;
        count(doc.get_value(slot), true);
    }
    // Count `instead` in place of `counted`, a document counted locally.
    void recount(const Xapian::Document &counted,
                 const Xapian::Document &instead)
    {
        count(counted.get_value(slot), false);
        count(instead.get_value(slot), true);
    }
    // Every value counted, locally and by remote servers: `local` itself
    // when no server counted any (no copy), else `merged` filled.
    const ByteCounts &all_counts(ByteCounts &merged) const
    {
        if (values_begin() == values_end())
            return local;
        merged = local;
        for (auto it = values_begin(); it != values_end(); ++it)
            add_value(merged, *it, it.get_termfreq());
        return merged;
    }
    // With a key: one row per key counted, (the entry in `raw` of its most
    // frequent value, ties: the first in byte order; the documents
    // counted under the key), locally and by remote servers; `raw` is
    // all_counts(merged). Without remote values no copy is made.
    std::vector<std::pair<size_t, uint32_t>>
    key_rows(const ByteCounts &raw, ByteCounts &merged_keys) const
    {
        bool remote = values_begin() != values_end();
        if (remote)
            merged_keys = keys;
        const ByteCounts &all_keys = remote ? merged_keys : keys;
        std::vector<uint32_t> extra;   // keys of raw entries past `local`
        for (size_t i = key_index.size(); i < raw.size(); i++) {
            std::string_view v = raw.key(i);
            extra.push_back(make_key(merged_keys, v.data(), v.size()));
        }
        for (auto it = values_begin(); it != values_end(); ++it) {
            std::vector<uint32_t> once;   // a document's keys, once each
            each_values_piece(*it, [&](const char *p, size_t n) {
                uint32_t k = make_key(merged_keys, p, n);
                if (k != NONE &&
                    std::find(once.begin(), once.end(), k) == once.end())
                    once.push_back(k);
            });
            for (uint32_t k : once) {
                std::string key(merged_keys.key(k));
                merged_keys.put(key.data(), key.size(), it.get_termfreq(),
                                &ignored);
            }
        }
        std::vector<size_t> best(all_keys.size(), SIZE_MAX);
        for (size_t i = 0; i < raw.size(); i++) {
            uint32_t k = i < key_index.size() ? key_index[i]
                                               : extra[i - key_index.size()];
            if (k == NONE || k == UNMAPPED || raw.count(i) == 0)
                continue;
            size_t b = best[k];
            if (b == SIZE_MAX || raw.count(i) > raw.count(b) ||
                (raw.count(i) == raw.count(b) && raw.key(i) < raw.key(b)))
                best[k] = i;
        }
        std::vector<std::pair<size_t, uint32_t>> rows;
        rows.reserve(all_keys.size());
        for (size_t k = 0; k < all_keys.size(); k++)
            if (best[k] != SIZE_MAX && all_keys.count(k) > 0)
                rows.emplace_back(best[k], all_keys.count(k));
        return rows;
    }
    // Documents counted, locally and by remote servers.
    Xapian::doccount documents() const { return get_total() + local_total; }
    bool keyed() const { return key_fn != nullptr; }
    DistinctFilter distinct;
    xap_value_key_fn key_fn = nullptr;
    void *key_ctx = nullptr;

  private:
    // Enumerators, not static constexpr members: push_back() takes its value
    // by reference, which would make a member an object of "unique"
    // binding in libgazette.a (docs/api.md lists the few there are).
    enum : uint32_t {
        NONE = UINT32_MAX,           // a value of no key
        UNMAPPED = UINT32_MAX - 1,
    };
    template <typename Add>
    void each_values_piece(const std::string &v, Add add) const
    {
        if (split)
            each_piece(v, separator, add);
        else if (!v.empty())
            add(v.data(), v.size());
    }
    void add_value(ByteCounts &counts, const std::string &v,
                   uint32_t by) const
    {
        each_values_piece(v, [&](const char *p, size_t n) {
            counts.put(p, n, by, &ignored);
        });
    }
    // Count (`give`) or uncount one document's value `v`: each piece,
    // and with a key each key of its pieces once.
    void count(const std::string &v, bool give)
    {
        ++serial;
        each_values_piece(v, [&](const char *p, size_t n) {
            bool added = false;
            size_t i = local.put(p, n, give ? 1 : 0, &added);
            if (!give)
                local.take(i);
            if (!key_fn)
                return;
            uint32_t k = key_of(i, p, n);
            if (k == NONE || !first_in_count(k))
                return;
            if (give)
                keys.give(k);
            else
                keys.take(k);
        });
    }
    // The key of entry `i` of `local`, the value [p, p + n): made the
    // first time the entry is met. key_index grows one entry at a time
    // (an inlined push_back; a resize() to one more was a call and a fill
    // for each new value).
    uint32_t key_of(size_t i, const char *p, size_t n)
    {
        while (key_index.size() <= i)
            key_index.push_back(UNMAPPED);
        if (key_index[i] == UNMAPPED)
            key_index[i] = make_key(keys, p, n);
        return key_index[i];
    }
    // True the first time key `k` is met in this count() (its serial):
    // a document counts once under a key however many of its values
    // have it.
    bool first_in_count(uint32_t k)
    {
        while (stamp.size() <= k)
            stamp.push_back(0);
        if (stamp[k] == serial)
            return false;
        stamp[k] = serial;
        return true;
    }
    // The index in `into` of the key of [p, p + n) (added, uncounted,
    // when new), or NONE.
    uint32_t make_key(ByteCounts &into, const char *p, size_t n) const
    {
        char small[256];
        std::string big;
        char *buf = small;
        size_t len = 0;
        xap_status s = key_fn(p, n, small, sizeof small, &len, key_ctx);
        if (s == XAP_OK && len > sizeof small) {
            big.resize(len);
            buf = &big[0];
            s = key_fn(p, n, buf, len, &len, key_ctx);
        }
        if (s != XAP_OK)
            spy_key_failed(s);
        if (len == 0)
            return NONE;
        return uint32_t(into.put(buf, len, 0, &ignored));
    }
    Xapian::valueno slot;
    bool split = false;
    char separator = 0;
    ByteCounts local;
    Xapian::doccount local_total = 0;
    ByteCounts keys;                   // documents counted per key
    std::vector<uint32_t> key_index;   // per entry of `local`: its key
    std::vector<uint32_t> stamp;       // per key: the last count() under it
    uint32_t serial = 0;
    mutable bool ignored = false;
};

struct xap_valuecount_spy {
    DistinctValueCountSpy spy;
};

// Counts the terms with a prefix in each matching document: a facet over
// a multi-valued field kept as terms. Runs locally only (xapian-tcpsrv
// knows no such spy).
class TermCountMatchSpy : public Xapian::MatchSpy {
  public:
    explicit TermCountMatchSpy(std::string p) : prefix(std::move(p)) {}
    void operator()(const Xapian::Document &doc, double) override
    {
        if (!distinct.first_time(doc))
            return;
        ++documents;
        count(doc, true);
    }
    // Count `instead` in place of `counted`, a document counted.
    void recount(const Xapian::Document &counted,
                 const Xapian::Document &instead)
    {
        count(counted, false);
        count(instead, true);
    }
    std::string prefix;
    ByteCounts counts;
    DistinctFilter distinct;
    Xapian::doccount documents = 0;   // counted (after the distinct filter)

  private:
    void count(const Xapian::Document &doc, bool give)
    {
        Xapian::TermIterator it = doc.termlist_begin();
        it.skip_to(prefix);
        for (; it != doc.termlist_end(); ++it) {
            const std::string &term = *it;
            if (term.compare(0, prefix.size(), prefix) != 0)
                break;
            bool added = false;
            size_t i = counts.put(term.data() + prefix.size(),
                                  term.size() - prefix.size(), give ? 1 : 0,
                                  &added);
            if (!give)
                counts.take(i);
        }
    }
};

struct xap_termcount_spy {
    TermCountMatchSpy spy;
};

// ------------------------------------------------------------ error plumbing

namespace shim {

// The last error's message on this thread (xap_last_error) lives in
// errors.cc: a fixed array of kMessageRoom bytes per thread, written in
// place by the functions below, which neither allocate nor throw. Nothing
// may allocate when the error to record is that memory ran out, and a
// thread_local with a destructor (the std::string it was) makes glibc
// register a TLS destructor, with calloc, on the thread's first use:
// when that use was recording std::bad_alloc in an indexing thread,
// glibc found no memory either and abort()ed ("failed to register TLS
// destructor"). A longer message is cut at a character boundary; the
// library copies messages into buffers of that size anyway.
constexpr size_t kMessageRoom = 1024;

// Sets the message to "<type>: <fn>: <msg>" (no "<fn>: " when fn is
// NULL).
void set_message(const char *type, const char *fn, const char *msg) noexcept;

// Sets the message to e.get_description(), written from its parts
// ("<Type>: <msg>[ (context: <context>)][ (<error string>)]") without the
// std::string get_description() would allocate.
void set_message(const Xapian::Error &e) noexcept;

// Touches this thread's message before a call can fail: in a library
// loaded with dlopen(), glibc allocates a thread's thread-local storage
// on its first access, and aborts when it cannot; done while memory is
// there rather than at the failure. Costs a store otherwise.
void touch_message() noexcept;

// An error the shim detects itself (NULL argument, bad enum, index out of
// range).  guard() reports it as "<type>: <function>: <msg>", where the
// function name is known (__func__ inside a lambda is "operator()").
struct ShimError {
    xap_status status;
    const char *type;
    std::string msg;
};

[[noreturn]] inline void fail(xap_status st, const char *type, std::string msg)
{
    throw ShimError{st, type, std::move(msg)};
}

inline xap_status record(xap_status st, const char *type, const char *fn,
                  const char *msg) noexcept
{
    set_message(type, fn, msg);
    return st;
}

// Whether `e` says a system call failed for want of a resource: file
// descriptors (EMFILE, ENFILE), memory (ENOMEM), room (ENOSPC, EDQUOT,
// EFBIG), whatever Xapian's class for it (errors.cc tells how). Defined
// in errors.cc, not inline here: the static tables of an inline function
// are objects of GNU "unique" binding, which libgazette.a could not make
// local (docs/api.md lists the few it keeps global).
bool out_of_resources(const Xapian::Error &e) noexcept;

// Records `e` and returns `st`, the status of its class, or
// XAP_ERR_RESOURCE when the system ran short of a resource.
inline xap_status record(xap_status st, const Xapian::Error &e) noexcept
{
    if (out_of_resources(e))
        st = XAP_ERR_RESOURCE;
    set_message(e);
    return st;
}

// Classifies the exception being handled.  Catch clauses run in order, so
// each derived class precedes its base (DatabaseNotFoundError and
// DatabaseVersionError both derive from DatabaseOpeningError in 1.4).
inline xap_status current_exception_status(const char *fn) noexcept
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
    touch_message();
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

[[noreturn]] inline void bad_arg(std::string msg)
{
    fail(XAP_ERR_INVALID_ARG, "InvalidArgumentError", std::move(msg));
}

// NULL-tolerant conversion for optional C strings.
inline std::string opt(const char *s)
{
    return s ? std::string(s) : std::string();
}

// A malloc()ed, NUL-terminated copy that keeps embedded NULs.
inline char *dup_bytes(const std::string &s)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

inline void check_index(uint32_t i, size_t size)
{
    if (i >= size)
        fail(XAP_ERR_RANGE, "RangeError",
             "index " + std::to_string(i) + " >= size " +
                 std::to_string(size));
}

inline bool starts_with(const std::string &s, const std::string &prefix)
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

inline Xapian::Query::op to_op(const xap_query_op &op)
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
inline std::string range_prefix(const char *field)
{
    std::string s = opt(field);
    if (!s.empty() && s.back() != ':')
        s += ':';
    return s;
}

inline xap_status add_range(xap_queryparser *qp,
                     std::unique_ptr<Xapian::RangeProcessor> rp)
{
    qp->ranges.push_back(std::move(rp));
    qp->qp.add_rangeprocessor(qp->ranges.back().get());
    qp->marked.add_rangeprocessor(qp->ranges.back().get());
    return XAP_OK;
}

// The hit at index `i` (checked: MSet::operator[] is not bounds-checked).
inline Xapian::MSetIterator hit(const xap_mset *mset, uint32_t i)
{
    need(mset, "mset");
    check_index(i, mset->mset.size());
    return mset->mset[i];
}

}  // namespace shim

using namespace shim;

#endif
