/*
 * pause_writing.c - an LD_PRELOAD module for tests that must act at one
 * exact point of a run: the process stops itself (SIGSTOP) just before
 * the N-th document it writes to a Xapian database, and writes it when
 * continued (SIGCONT). The test waits for the stop (waitpid with
 * WUNTRACED), so what it does then (a SIGINT, handled on SIGCONT; a
 * SIGKILL) lands at that point however loaded the machine is, where a
 * sleep, or polling for a sign of progress, lands there by chance.
 *
 *   PAUSE_AT_DOCUMENT   N: the document to stop before (1 the first;
 *                       unset or 0: never)
 *   PAUSE_WRITTEN_FILE  a file that gets, when the process exits (not
 *                       when it is killed), how many documents it wrote
 *   PAUSE_AT_READ       N: stop just before the N-th document the process
 *                       reads by Xapian::Database::get_document(docid)
 *                       instead (a dry run writes none: it walks the
 *                       index without a lock, and a writer may commit
 *                       while it is stopped)
 *   PAUSE_AT_VALUES     N: stop just before the N-th stream of a value
 *                       slot the process opens, by
 *                       Xapian::Database::valuestream_begin (an update
 *                       reads what it knows of each file so, four slots
 *                       a database, before it walks the corpus)
 *   PAUSE_FROM_VALUES   N: as PAUSE_AT_VALUES, and before every later
 *                       stream too (an index that keeps changing: each
 *                       reading of it again meets a newer revision)
 *   PAUSE_AT_METADATA   N: stop just before the N-th metadata value the
 *                       process reads, by Xapian::Database::get_metadata
 *                       (an update reads the index's language, format and
 *                       records of its corpus roots so)
 *   PAUSE_AT_TERM       N: stop just before the N-th lookup of whether a
 *                       term exists, by Xapian::Database::term_exists (an
 *                       update asks so whether a path with '#' in it is
 *                       also an article's id, before it walks the corpus)
 *   PAUSE_FROM_TERM     N: as PAUSE_AT_TERM, and before every later lookup
 *                       too (each lookup made again meets a newer
 *                       revision)
 *   PAUSE_FROM_REOPEN   N: stop just after the N-th
 *                       Xapian::Database::reopen the process makes, and
 *                       after every later one (a search reopens its index
 *                       at each try, then reads the revision it got: a
 *                       writer committing twice while it is stopped
 *                       overtakes that try)
 *   PAUSE_FROM_OPEN     N: stop just before the N-th
 *                       Xapian::Database(path) the process opens, and
 *                       before every later one (a search reads the stub
 *                       file it opens before Xapian does: a stub replaced
 *                       while it is stopped is one a --full switched)
 *
 * A document is written by Xapian::WritableDatabase::add_document (as a
 * --full copies the articles of a file it cannot read from the index it
 * replaces) or replace_document by unique term (as the shard writers add
 * a file's articles). Both are replaced here under their mangled names
 * (this module is C, like the rest of the tests): a member function's
 * `this` is its first argument, references are pointers, and the
 * Xapian::docid returned goes back as unsigned long, which carries the
 * 32-bit docid of Debian's Xapian as it would a 64-bit one.
 */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ADD "_ZN6Xapian16WritableDatabase12add_documentERKNS_8DocumentE"
#define REPLACE                                                              \
    "_ZN6Xapian16WritableDatabase16replace_documentERKNSt7__cxx1112basic_"  \
    "stringIcSt11char_traitsIcESaIcEEERKNS_8DocumentE"

#define GET "_ZNK6Xapian8Database12get_documentEj"
#define VALUES "_ZNK6Xapian8Database17valuestream_beginEj"
#define METADATA                                                             \
    "_ZNK6Xapian8Database12get_metadataERKNSt7__cxx1112basic_stringIcSt11"  \
    "char_traitsIcESaIcEEE"
#define TERM_EXISTS                                                          \
    "_ZNK6Xapian8Database11term_existsERKNSt7__cxx1112basic_stringIcSt11"   \
    "char_traitsIcESaIcEEE"
#define REOPEN "_ZN6Xapian8Database6reopenEv"
#define OPEN                                                                 \
    "_ZN6Xapian8DatabaseC1ERKNSt7__cxx1112basic_stringIcSt11char_traitsIcE" \
    "SaIcEEEi"

typedef unsigned long (*add_fn)(void *self, const void *doc);
/* Xapian::Document, returned in memory the caller gives (its one member:
 * an intrusive pointer), as the first argument */
typedef void *(*get_fn)(void *ret, const void *self, unsigned did);
typedef unsigned long (*replace_fn)(void *self, const void *term,
                                    const void *doc);

static unsigned long written;   /* documents so far (atomic) */
static unsigned long read_so_far;   /* documents read (atomic) */
static unsigned long streams;   /* value streams opened (atomic) */
static unsigned long metadata;   /* metadata values read (atomic) */
static unsigned long term_lookups;   /* term_exists calls (atomic) */
static unsigned long reopens;   /* Database::reopen calls (atomic) */
static unsigned long opens;   /* Database(path) opens (atomic) */

/* Count one document; stop the process (every thread) before the one
 * PAUSE_AT_DOCUMENT names. */
static void count_document(void)
{
    const char *at = getenv("PAUSE_AT_DOCUMENT");
    unsigned long n = at ? strtoul(at, NULL, 10) : 0;
    if (__atomic_add_fetch(&written, 1, __ATOMIC_SEQ_CST) == n)
        kill(getpid(), SIGSTOP);
}

/* At exit: the number of documents written, into PAUSE_WRITTEN_FILE. */
__attribute__((destructor)) static void report_written(void)
{
    const char *path = getenv("PAUSE_WRITTEN_FILE");
    FILE *f = path && *path ? fopen(path, "w") : NULL;
    if (f) {
        fprintf(f, "%lu\n", __atomic_load_n(&written, __ATOMIC_SEQ_CST));
        fclose(f);
    }
}

/* The real function `name`, from the libraries after this module. */
static void *next_function(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        fprintf(stderr, "pause_writing: no %s after this module\n", name);
        abort();
    }
    return f;
}

unsigned long _ZN6Xapian16WritableDatabase12add_documentERKNS_8DocumentE(
    void *self, const void *doc);
unsigned long _ZN6Xapian16WritableDatabase12add_documentERKNS_8DocumentE(
    void *self, const void *doc)
{
    count_document();
    return ((add_fn)next_function(ADD))(self, doc);
}

unsigned long
_ZN6Xapian16WritableDatabase16replace_documentERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEERKNS_8DocumentE(
    void *self, const void *term, const void *doc);
unsigned long
_ZN6Xapian16WritableDatabase16replace_documentERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEERKNS_8DocumentE(
    void *self, const void *term, const void *doc)
{
    count_document();
    return ((replace_fn)next_function(REPLACE))(self, term, doc);
}

void *_ZNK6Xapian8Database12get_documentEj(void *ret, const void *self,
                                           unsigned did);
void *_ZNK6Xapian8Database12get_documentEj(void *ret, const void *self,
                                           unsigned did)
{
    const char *at = getenv("PAUSE_AT_READ");
    unsigned long n = at ? strtoul(at, NULL, 10) : 0;
    if (__atomic_add_fetch(&read_so_far, 1, __ATOMIC_SEQ_CST) == n)
        kill(getpid(), SIGSTOP);
    return ((get_fn)next_function(GET))(ret, self, did);
}

/* Xapian::ValueIterator, returned as a Xapian::Document is (above) */
typedef void *(*values_fn)(void *ret, const void *self, unsigned slot);

void *_ZNK6Xapian8Database17valuestream_beginEj(void *ret, const void *self,
                                                unsigned slot);
void *_ZNK6Xapian8Database17valuestream_beginEj(void *ret, const void *self,
                                                unsigned slot)
{
    const char *at = getenv("PAUSE_AT_VALUES");
    const char *from = getenv("PAUSE_FROM_VALUES");
    unsigned long n = at ? strtoul(at, NULL, 10) : 0;
    unsigned long first = from ? strtoul(from, NULL, 10) : 0;
    unsigned long now = __atomic_add_fetch(&streams, 1, __ATOMIC_SEQ_CST);
    if (now == n || (first && now >= first))
        kill(getpid(), SIGSTOP);
    return ((values_fn)next_function(VALUES))(ret, self, slot);
}

/* std::string, returned as a Xapian::Document is (above); `key` a
 * const std::string & */
typedef void *(*metadata_fn)(void *ret, const void *self, const void *key);

void *
_ZNK6Xapian8Database12get_metadataERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE(
    void *ret, const void *self, const void *key);
void *
_ZNK6Xapian8Database12get_metadataERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE(
    void *ret, const void *self, const void *key)
{
    const char *at = getenv("PAUSE_AT_METADATA");
    unsigned long n = at ? strtoul(at, NULL, 10) : 0;
    if (__atomic_add_fetch(&metadata, 1, __ATOMIC_SEQ_CST) == n)
        kill(getpid(), SIGSTOP);
    return ((metadata_fn)next_function(METADATA))(ret, self, key);
}

/* bool Xapian::Database::term_exists(const std::string &) const */
typedef _Bool (*term_exists_fn)(const void *self, const void *term);

_Bool
_ZNK6Xapian8Database11term_existsERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE(
    const void *self, const void *term);
_Bool
_ZNK6Xapian8Database11term_existsERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE(
    const void *self, const void *term)
{
    const char *at = getenv("PAUSE_AT_TERM");
    const char *from = getenv("PAUSE_FROM_TERM");
    unsigned long n = at ? strtoul(at, NULL, 10) : 0;
    unsigned long first = from ? strtoul(from, NULL, 10) : 0;
    unsigned long now = __atomic_add_fetch(&term_lookups, 1, __ATOMIC_SEQ_CST);
    if (now == n || (first && now >= first))
        kill(getpid(), SIGSTOP);
    return ((term_exists_fn)next_function(TERM_EXISTS))(self, term);
}

/* bool Xapian::Database::reopen() */
typedef _Bool (*reopen_fn)(void *self);

_Bool _ZN6Xapian8Database6reopenEv(void *self);
_Bool _ZN6Xapian8Database6reopenEv(void *self)
{
    _Bool moved = ((reopen_fn)next_function(REOPEN))(self);
    const char *from = getenv("PAUSE_FROM_REOPEN");
    unsigned long first = from ? strtoul(from, NULL, 10) : 0;
    if (first && __atomic_add_fetch(&reopens, 1, __ATOMIC_SEQ_CST) >= first)
        kill(getpid(), SIGSTOP);
    return moved;
}

/* Xapian::Database::Database(const std::string &path, int flags) */
typedef void (*open_fn)(void *self, const void *path, int flags);

void _ZN6Xapian8DatabaseC1ERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEi(
    void *self, const void *path, int flags);
void _ZN6Xapian8DatabaseC1ERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEi(
    void *self, const void *path, int flags)
{
    const char *from = getenv("PAUSE_FROM_OPEN");
    unsigned long first = from ? strtoul(from, NULL, 10) : 0;
    if (first && __atomic_add_fetch(&opens, 1, __ATOMIC_SEQ_CST) >= first)
        kill(getpid(), SIGSTOP);
    ((open_fn)next_function(OPEN))(self, path, flags);
}
