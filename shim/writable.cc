// writable.cc - the shim: writable databases: open, add, replace, delete, commit, transactions, compaction.
#include "internal.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace {

// Room for a commit, reserved before Xapian starts it.
//
// Xapian 1.4 (glass, up to 1.4.29 and 2.x as of this writing) merges the
// value slots of the changed documents at the start of a commit
// (GlassValueManager::merge_changes) through Glass::ValueUpdater, whose
// destructor writes the last value chunk into postlist.glass. A write that
// fails there (disk full, EFBIG) throws out of that destructor, or throws
// while the destructor of the failed update runs, and the process ends in
// std::terminate ("terminate called after throwing an instance of
// 'Xapian::DatabaseError'", or "without an active exception") before any
// catch of ours: no guard can turn it into a status. A write that fails
// in any other phase of a commit is reported and rolled back as usual.
//
// So a commit first reserves room past the end of postlist.glass
// (fallocate, FALLOC_FL_KEEP_SIZE: the file's size is unchanged and Xapian
// writes its new blocks into the reserved space), enough for all that
// the postlist table can grow by in the commit (commit_room, below): the
// posting lists flushed just before the values are merged use it first,
// and the other tables write outside it, so the merge always has its
// room. When the room is not there the commit is refused as disk full
// (ENOSPC in Xapian's message form, so callers map it to an I/O error)
// with nothing written. Where fallocate is not supported, free space
// (statvfs) is checked instead. What the commit did not use is given back
// afterwards, and so is what a failed reservation did allocate. What a
// failed commit wrote is given back when the next writer opens the
// database (reclaim_uncommitted).
constexpr uint64_t kCommitRoomFloor = 1u << 20;  // bytes

// Keys of a document already in the index that its length does not
// count (boolean terms: Xapian caps its count of unique terms at the
// length) and its value slots.
constexpr uint64_t kOldDocumentSlack = 32;

// What one change can make the postlist table grow by: the keys it
// touches there and the bytes it adds.
struct Growth {
    uint64_t keys = 0, bytes = 0;
};

uint64_t saturated_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

uint64_t saturated_mul(uint64_t a, uint64_t b)
{
    return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

// Bytes a posting adds to a posting list chunk: the document id as a
// difference from the one before and the within-document frequency, one
// to five bytes each (fresh builds of generated articles measure 2.6
// bytes a posting, keys and chunk headers included).
constexpr uint64_t kPostingBytes = 6;

// A document written by `w`: each term's posting (a new key, as long as
// the term, the first time a commit writes the term: it may be new to
// the index), each value slot's chunk and the document's length.
Growth document_growth(xap_writable &w, const Xapian::Document &doc)
{
    Growth g;
    g.keys = 1 + uint64_t(doc.values_count());
    g.bytes = 16;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        const std::string term = *t;
        g.bytes += kPostingBytes;
        if (w.pending_terms.insert(std::hash<std::string>{}(term)).second) {
            g.keys++;
            g.bytes += term.size() + 16;
        }
    }
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v)
        g.bytes += (*v).size() + 8;
    return g;
}

// The keys document `did` of `db` touches as it is deleted or replaced
// (0 for a document not there: an add).
uint64_t old_document_keys(Xapian::WritableDatabase &db, Xapian::docid did)
{
    if (did == 0 || did > db.get_lastdocid())
        return 0;
    try {
        return db.get_unique_terms(did) + kOldDocumentSlack;
    } catch (const Xapian::DocNotFoundError &) {
        return 0;
    }
}

// The same for every document holding `term`, and their number.
uint64_t old_documents_keys(Xapian::WritableDatabase &db,
                            const std::string &term, Xapian::doccount &n)
{
    uint64_t keys = 0;
    n = 0;
    for (auto p = db.postlist_begin(term); p != db.postlist_end(term); ++p) {
        keys = saturated_add(keys, old_document_keys(db, *p));
        n++;
    }
    return keys;
}

[[noreturn]] void no_room(const std::string &path, int err)
{
    throw Xapian::DatabaseError("Not enough free space to commit " + path,
                                err);
}

// Space reserved past the end of a table for one commit, in each glass
// database the commit writes (one, or every local shard of a stub); what
// the commit did not use is given back when it is destroyed (a hole
// punched past the end, tmpfs and most file systems; a truncation to the
// same size, ext4), so an index takes no more room than Xapian's own.
class CommitRoom {
  public:
    CommitRoom() = default;
    CommitRoom(const CommitRoom &) = delete;
    CommitRoom &operator=(const CommitRoom &) = delete;
    ~CommitRoom()
    {
        for (const Held &h : held_)
            give_back(h);
    }
    void reserve(const xap_writable &w);

  private:
    struct Held {
        int fd;
        off_t end;
    };
    static void give_back(const Held &h);
    void reserve_in(const std::string &dir, uint64_t keys, uint64_t bytes);
    std::vector<Held> held_;
};

// Free the blocks allocated past the end of the open table `fd` (up to
// `end`, the end of what was reserved): a hole punched past the end
// (tmpfs and most file systems), then a truncation to the same size
// (ext4, which punches no hole past the end but drops such blocks when
// truncating). Best effort: when it fails, the blocks past the end stay
// allocated (du counts them) until the table grows into them or a later
// commit gives them back; the committed index is whole either way.
void release_past_end(int fd, off_t end)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return;
    const off_t size = st.st_size;
#ifdef FALLOC_FL_PUNCH_HOLE
    if (end > size)
        (void)fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, size,
                        end - size);
#endif
    // Tested, not cast to void: glibc declares ftruncate
    // warn_unused_result under _FORTIFY_SOURCE (as in Debian's build
    // flags), which GCC does not let a (void) cast silence.
    if (ftruncate(fd, size) != 0) {
        // nothing to undo
    }
}

void CommitRoom::give_back(const Held &h)
{
    release_past_end(h.fd, h.end);
    close(h.fd);
}

// The glass databases a writer opened at `path` commits to: `path` itself,
// or the local databases its stub file lists ("auto shard0", "glass
// /abs/db", relative to the stub's directory); a remote or nested stub
// line has no table here to reserve in.
std::vector<std::string> glass_dirs(const std::string &path)
{
    struct stat st;
    if (stat((path + "/postlist.glass").c_str(), &st) == 0)
        return {path};
    const bool dir = stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    const std::string stub = dir ? path + "/XAPIANDB" : path;
    const size_t slash = path.rfind('/');
    const std::string base =
        dir ? path : slash == std::string::npos ? "." : path.substr(0, slash);
    std::vector<std::string> dirs;
    std::ifstream in(stub);
    std::string line;
    while (std::getline(in, line)) {
        // As Xapian reads a stub line: the type up to the first space,
        // the path the whole rest of the line (spaces and all), so that
        // the tables reserved in and cut back (reclaim_uncommitted) are
        // those of the database Xapian opened and locked.
        const size_t space = line.find(' ');
        if (space == std::string::npos)
            continue;
        const std::string type = line.substr(0, space);
        const std::string where = line.substr(space + 1);
        if (where.empty() || (type != "auto" && type != "glass"))
            continue;
        std::string shard = where[0] == '/' ? where : base + "/" + where;
        if (stat((shard + "/postlist.glass").c_str(), &st) == 0)
            dirs.push_back(shard);
    }
    return dirs;
}

// What a commit that failed left in the table files.
//
// A glass table grows by blocks past the last one its committed revision
// uses (first_unused_block, recorded in the revision file iamglass); a
// commit that fails (a full disk, in any table) or a writer killed
// before its commit leaves the blocks it wrote there, and the file that
// long. Xapian overwrites them in the next commit of that table, but
// CommitRoom reserves past the end of postlist.glass, and the blocks left
// in the other tables are no room for the postlist table: after a full
// disk, every later commit was refused until as much again was freed. So
// a writer cuts each table back to its committed end as it opens the
// database (it holds the lock; no reader reads past that end), which
// gives the room to the file system for whichever table needs it.
//
// The revision file's layout (Xapian 1.4 glass_version.cc, RootInfo and
// GlassFreeList::pack): a 14-byte magic, the 2-byte format version, a
// 16-byte UUID, the revision, then per table (postlist, docdata,
// termlist, position, spelling, synonym) its root block, level and
// flags, entry count, block size / 2048, compress_min and the packed
// free list (revision, first unused block, two cursors): each number a
// 7-bit little-endian varint. Anything else, or anything out of place,
// and nothing is cut.
constexpr const char *kGlassTables[] = {"postlist", "docdata", "termlist",
                                        "position", "spelling", "synonym"};
constexpr uint64_t kNoEnd = UINT64_MAX;

bool unpack_varint(const char *&p, const char *end, uint64_t &out)
{
    out = 0;
    for (unsigned shift = 0; p != end && shift < 64; shift += 7) {
        const unsigned char c = static_cast<unsigned char>(*p++);
        out |= uint64_t(c & 0x7f) << shift;
        if (c < 0x80)
            return true;
    }
    return false;
}

// One table's root info: its committed end (bytes; kNoEnd when the table
// has no free list recorded, not written yet, or its numbers do not hold
// together), and then the level of its root (0: the root is a leaf) and
// its block size (bytes), else 0.
struct TableRoot {
    uint64_t end = kNoEnd, level = 0, block = 0;
};

// The root info of one table at `p` into `out`; p is moved past it. False
// when the file ends early.
bool table_root(const char *&p, const char *end, TableRoot &out)
{
    uint64_t root, flags, entries, size, compress, fl_len;
    if (!unpack_varint(p, end, root) || !unpack_varint(p, end, flags) ||
        !unpack_varint(p, end, entries) || !unpack_varint(p, end, size) ||
        !unpack_varint(p, end, compress) || !unpack_varint(p, end, fl_len) ||
        fl_len > uint64_t(end - p))
        return false;
    const char *fl = p, *fl_end = p + fl_len;
    p = fl_end;
    out = TableRoot();
    uint64_t rev, first_unused, n, c, wn, wc;
    const uint64_t block = size << 11;
    if (fl_len == 0 || !unpack_varint(fl, fl_end, rev) ||
        !unpack_varint(fl, fl_end, first_unused) ||
        !unpack_varint(fl, fl_end, n) || !unpack_varint(fl, fl_end, c) ||
        !unpack_varint(fl, fl_end, wn) || !unpack_varint(fl, fl_end, wc) ||
        fl != fl_end)
        return true;
    const bool fake_root = flags & 1;
    if (block < 2048 || block > 65536 || (block & (block - 1)) != 0 ||
        first_unused == 0 || first_unused > (uint64_t(1) << 32) ||
        (!fake_root && root >= first_unused) ||
        (c != 0 && n >= first_unused) || (wc != 0 && wn >= first_unused))
        return true;
    out.end = first_unused * block;
    out.level = flags >> 2;
    out.block = block;
    return true;
}

// The root info of each glass table of the database in `dir` into
// roots[] (in the order of kGlassTables); false when iamglass cannot be
// read as the format above.
bool table_roots(const std::string &dir, TableRoot (&roots)[6])
{
    static const char magic[] = "\x0f\x0dXapian Glass\x04\x6e";  // 2016-03-14
    char buf[4096];
    int fd = open((dir + "/iamglass").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t got = read(fd, buf, sizeof buf);
    close(fd);
    const size_t head = sizeof magic - 1 + 16;
    if (got < ssize_t(head) || std::memcmp(buf, magic, sizeof magic - 1) != 0)
        return false;
    const char *p = buf + head, *end = buf + got;
    uint64_t rev;
    if (!unpack_varint(p, end, rev))
        return false;
    for (TableRoot &r : roots)
        if (!table_root(p, end, r))
            return false;
    return true;
}

// Cut each table of the glass database in `dir` back to its committed
// end (above), and free what is allocated past that end (a reservation
// a killed writer held). Best effort: a table left long only keeps its
// blocks until Xapian reuses them.
void reclaim_uncommitted(const std::string &dir)
{
    TableRoot roots[6];
    if (!table_roots(dir, roots))
        return;
    for (size_t i = 0; i < 6; i++) {
        const uint64_t end = roots[i].end;
        if (end == kNoEnd)
            continue;
        const std::string table = dir + "/" + kGlassTables[i] + ".glass";
        int fd = open(table.c_str(), O_WRONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0)
            continue;
        const uint64_t held =
            fstat(fd, &st) == 0 ? uint64_t(st.st_blocks) * 512 : 0;
        if (held && (uint64_t(st.st_size) > end ||
                     held > uint64_t(st.st_size))) {
            // A reservation starts at most at the old end and is no
            // longer than all that is allocated.
            if (uint64_t(st.st_size) <= end ||
                ftruncate(fd, off_t(end)) == 0)
                release_past_end(fd, st.st_size + off_t(held));
        }
        close(fd);
    }
}

// The room a commit needs past the end of the postlist table of the
// database in `dir`, `size` bytes long, for changes touching `keys` keys
// there and adding `bytes`: all the table can grow by in the commit.
//
// Glass never writes a block in place: the first change to a block in a
// commit copies it to a new block, and every block on the path to the
// root with it; a block copied once is changed in place after that. So a
// commit copies at most one leaf a key, and above the leaves at most one
// block a key and level, never more blocks than the table holds: a
// branch block is split only when full, so each of its halves points to
// at least a block's worth of its largest items (a key of up to 245
// bytes and a block number), and there are at most 1/14 as many branch
// blocks as leaves (8 KB blocks). A full block (all of them after a
// compaction, gazette-index --full) that gets an item splits in two, so
// the copies may take twice their size, and so may the new bytes. Blocks
// freed by earlier commits are reused first, which only makes the table
// grow less. Measured in docs/reliability.md (the full disk).
uint64_t commit_room(const std::string &dir, uint64_t size, uint64_t keys,
                     uint64_t bytes)
{
    uint64_t copied = size;  // the whole table, when its shape is unknown
    TableRoot roots[6];
    if (table_roots(dir, roots) && roots[0].block) {
        const uint64_t block = roots[0].block;
        const uint64_t blocks = (size + block - 1) / block;
        // One level more: the root may split too.
        const uint64_t levels = roots[0].level + 1;
        const uint64_t fanout = std::max<uint64_t>(block / (2 * 263), 2);
        const uint64_t branches = blocks / (fanout - 1) + levels;
        const uint64_t leaves_copied = std::min(keys, blocks);
        const uint64_t branches_copied =
            std::min(saturated_mul(keys, levels), branches);
        copied = std::min(leaves_copied + branches_copied, blocks) * block;
    }
    return saturated_add(kCommitRoomFloor,
                         saturated_add(saturated_mul(copied, 2),
                                       saturated_mul(bytes, 2)));
}

void CommitRoom::reserve(const xap_writable &w)
{
    if (w.pending_keys == 0 && w.pending_bytes == 0)
        return;
    // How a sharded commit's changes split between its shards is Xapian's
    // affair: each shard gets room for all of them.
    for (const std::string &dir : glass_dirs(w.path))
        reserve_in(dir, w.pending_keys, w.pending_bytes);
}

void CommitRoom::reserve_in(const std::string &dir, uint64_t keys,
                           uint64_t bytes)
{
    const std::string table = dir + "/postlist.glass";
    struct stat st;
    if (stat(table.c_str(), &st) != 0)
        return;  // Xapian reports what fails
    const uint64_t need = commit_room(dir, uint64_t(st.st_size), keys, bytes);
    if (need > uint64_t(INT64_MAX) - uint64_t(st.st_size))
        no_room(dir, EFBIG);
    struct rlimit fsize;
    if (getrlimit(RLIMIT_FSIZE, &fsize) == 0 && fsize.rlim_cur != RLIM_INFINITY &&
        uint64_t(st.st_size) + need > uint64_t(fsize.rlim_cur))
        no_room(dir, EFBIG);
#ifdef FALLOC_FL_KEEP_SIZE
    int fd = open(table.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (fallocate(fd, FALLOC_FL_KEEP_SIZE, st.st_size, off_t(need)) == 0) {
            held_.push_back({fd, st.st_size + off_t(need)});
            return;
        }
        int err = errno;
        // ext4 keeps what a failed fallocate did allocate (tmpfs undoes
        // it): the whole free space of the disk, held past the end of
        // the table, where no other program could use it.
        release_past_end(fd, st.st_size + off_t(need));
        close(fd);
        if (err == ENOSPC || err == EDQUOT || err == EFBIG)
            no_room(dir, err);
    }
#endif
    struct statvfs vfs;
    if (statvfs(dir.c_str(), &vfs) == 0 &&
        uint64_t(vfs.f_bavail) * vfs.f_frsize < need)
        no_room(dir, ENOSPC);
}

// Xapian's flush threshold (glass: check_flush_threshold), read as Xapian
// reads it when a database is opened for writing: the change that brings
// its count of changes to XAPIAN_FLUSH_THRESHOLD (10 000 by default)
// flushes them, and commits them outside a transaction.
uint64_t flush_threshold()
{
    const char *p = getenv("XAPIAN_FLUSH_THRESHOLD");
    Xapian::doccount t = p ? Xapian::doccount(atoi(p)) : 0;
    return t ? t : Xapian::doccount(10000);
}

// Nothing left for a commit to write.
void forget_pending(xap_writable &w)
{
    w.pending_keys = w.pending_bytes = 0;
    std::unordered_set<uint64_t>().swap(w.pending_terms);  // its memory too
}

// Before `n` changes growing the postlist table by `g` (an add, a
// replace, or the deletion of `n` documents): when Xapian will commit
// inside the call (its threshold reached outside a transaction), reserve
// that commit's room in `room` first and count from zero after it, so a
// final commit reserves for its own changes only.
void before_changes(xap_writable &w, uint64_t n, const Growth &g,
                    CommitRoom &room)
{
    w.pending_keys = saturated_add(w.pending_keys, g.keys);
    w.pending_bytes = saturated_add(w.pending_bytes, g.bytes);
    const uint64_t threshold = w.flush_threshold;
    if (w.changes + n < threshold) {
        w.changes += n;
        return;
    }
    if (!w.in_transaction)
        room.reserve(w);
    w.changes = (w.changes + n) % threshold;
    if (!w.in_transaction)
        forget_pending(w);  // committed, or rolled back by Xapian
}

// Xapian committed or dropped every change (commit, cancel).
void no_changes(xap_writable &w)
{
    forget_pending(w);
    w.changes = 0;
}

}  // namespace


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
        w->path = path;
        for (const std::string &dir : glass_dirs(w->path))
            reclaim_uncommitted(dir);
        w->flush_threshold = flush_threshold();
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
        CommitRoom room;
        before_changes(*w, 1, document_growth(*w, doc->doc), room);
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
        std::string t(unique_term);
        Growth g = document_growth(*w, doc->doc);
        Xapian::doccount n = 0;
        g.keys = saturated_add(g.keys, old_documents_keys(w->wdb, t, n));
        CommitRoom room;
        before_changes(*w, 1, g, room);
        xap_docid did = w->wdb.replace_document(t, doc->doc);
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
        Growth g = document_growth(*w, doc->doc);
        g.keys = saturated_add(g.keys, old_document_keys(w->wdb, id));
        CommitRoom room;
        before_changes(*w, 1, g, room);
        w->wdb.replace_document(id, doc->doc);
        return XAP_OK;
    });
}

xap_status xap_writable_delete_document(xap_writable *w, xap_docid id)
{
    return guard(__func__, [&] {
        NEED(w);
        Growth g;
        g.keys = old_document_keys(w->wdb, id);
        CommitRoom room;
        before_changes(*w, 1, g, room);
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
        // Xapian deletes (and counts) each document with the term.
        std::string t(term);
        Xapian::doccount n = 0;
        Growth g;
        g.keys = old_documents_keys(w->wdb, t, n);
        CommitRoom room;
        before_changes(*w, std::max<Xapian::doccount>(n, 1), g, room);
        w->wdb.delete_document(t);
        return XAP_OK;
    });
}

xap_status xap_writable_commit(xap_writable *w)
{
    return guard(__func__, [&] {
        NEED(w);
        CommitRoom room;
        room.reserve(*w);
        no_changes(*w);  // committed, or rolled back by Xapian
        w->wdb.commit();
        return XAP_OK;
    });
}

xap_status xap_writable_begin_transaction(xap_writable *w, int flushed)
{
    return guard(__func__, [&] {
        NEED(w);
        CommitRoom room;
        if (flushed) {
            room.reserve(*w);  // begin_transaction(true) commits first
            no_changes(*w);
        }
        w->wdb.begin_transaction(flushed != 0);
        w->flushed_transaction = flushed != 0;
        w->in_transaction = true;
        return XAP_OK;
    });
}

xap_status xap_writable_commit_transaction(xap_writable *w)
{
    return guard(__func__, [&] {
        NEED(w);
        CommitRoom room;
        if (w->flushed_transaction)
            room.reserve(*w);  // it commits
        w->in_transaction = false;
        if (w->flushed_transaction)
            no_changes(*w);
        w->wdb.commit_transaction();
        return XAP_OK;
    });
}

xap_status xap_writable_cancel_transaction(xap_writable *w)
{
    return guard(__func__, [&] {
        NEED(w);
        w->in_transaction = false;
        no_changes(*w);  // Xapian drops every change since the last commit
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
        CommitRoom room;
        room.reserve(*w);
        no_changes(*w);
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

