/*
 * stub_refs.h - what an index path makes Xapian open, as a set of files
 * and directories (device and inode), so that the generations in DB.d it
 * uses are known however its stub names them.
 *
 * Xapian opens a stub file line by line ("auto PATH", "glass PATH",
 * "chert PATH": a database, or another stub, PATH relative to the stub's
 * directory unless absolute; "remote ..." and "inmemory" name nothing on
 * disk), and a directory holding XAPIANDB through that stub. The lines
 * are read as Xapian reads them (gz_stub_lex), by the strict walk of
 * schema/stub.c (gz_stub_each_path), which also reads a XAPIANDB beside
 * a database, as gazette-index's writer does. Every directory such a
 * PATH is or lies below is recorded: a line naming "DB.d/g1-1/shard0"
 * keeps generation g1-1, one naming it through a symbolic link or "./"
 * too.
 */
#ifndef GAZETTE_STUB_REFS_H
#define GAZETTE_STUB_REFS_H

#include <stddef.h>
#include <sys/stat.h>

typedef struct gz_stub_refs {
    size_t n, cap;
    struct gz_file_id {
        dev_t dev;
        ino_t ino;
    } *ids;
} gz_stub_refs;

/* Record what opening `db` as a Xapian database goes through: `db`, what
 * its stub lines (nested stubs and XAPIANDB included) name, and every
 * directory above each of them. A missing `db` references nothing. 0, or
 * -1 with errno when what it references cannot be known (a stub that
 * cannot be read or is over 1 MiB, a line Xapian would refuse, a path
 * that cannot be looked at, stubs nested too deep: ELOOP; out of
 * memory): then the caller must assume any generation is in use. Free
 * with gz_stub_refs_free (also after -1). */
int gz_stub_refs_collect(const char *db, gz_stub_refs *refs);

/* 1 when the file or directory `sb` describes is one `refs` holds. */
int gz_stub_refs_has(const gz_stub_refs *refs, const struct stat *sb);

void gz_stub_refs_free(gz_stub_refs *refs);

#endif
