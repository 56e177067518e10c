/*
 * gazette_private.h - what every part of libgazette shares behind the
 * public header: status mapping and the per-thread error message.
 * Private: not installed.
 */
#ifndef GAZETTE_PRIVATE_H
#define GAZETTE_PRIVATE_H

#include <stddef.h>

#include "gazette.h"
#include "xapian_shim.h"

/* The public status for a shim status, refined by the shim's last error
 * message: an error of the system (out of descriptors, permissions, disk
 * full: "(Too many open files)") is IO_ERROR whatever the Xapian class,
 * and a missing or truncated table of an existing index is INDEX_CORRUPT
 * (gz_shim_error_is_damage). Call it right after the failed shim call. */
gazette_status_t gz_status_from_shim(xap_status s);

/* 1 when the shim's last error ends in the text of a system error that is
 * an I/O problem rather than a property of the index (EMFILE, ENFILE,
 * EACCES, EPERM, EIO, ENOSPC, EDQUOT, EROFS, EFBIG, ENOMEM). */
int gz_shim_error_is_io(void);

/* gz_shim_error_is_io of `msg`, a Xapian message as xap_last_error()
 * gives it ("<Type>: <msg>"), kept from another thread (a shard writer's:
 * the shim's last error is per thread). */
int gz_error_is_io(const char *msg);

/* 1 when the shim's last error says a table of an existing index is
 * missing, cut short or holds data that does not decode ("Database has
 * no termlist", "Couldn't open X/termlist.glass (No such file or
 * directory)", a DatabaseError "EOF reading block" or "inflate failed"):
 * a damaged index, although Xapian's class is not DatabaseCorruptError.
 * Check gz_shim_error_is_io() first: a failed read (EIO) is not damage. */
int gz_shim_error_is_damage(void);

/* gz_shim_error_is_damage of `msg` (as gz_error_is_io). */
int gz_error_is_damage(const char *msg);

/* 1 when a failure of status `s` with Xapian message `msg` (as
 * xap_last_error() gives it) is damage to the index: Xapian's
 * DatabaseCorruptError, a DocNotFoundError not asked for (the index
 * contradicting itself), a table missing or cut short or data that does
 * not decode (gz_error_is_damage); never a system error
 * (gz_error_is_io), nor an index of another version. */
int gz_is_damage(xap_status s, const char *msg);

/* The message of a damaged index, the same wherever the damage is met
 * (an open, a search, an update), into out[size]: "index WHERE is
 * damaged (SAID); to recover, rebuild it: a run with
 * gazette_update_set_full", and when the language it was stemmed in
 * cannot be read from it (`language_known` 0: it does not open), " and
 * gazette_update_set_language LANG (...)" after that, since a rebuild
 * must then be told the language. SAID is `said`, Xapian's message
 * without its class ("DatabaseError: ") or the verdict of one of ours
 * (": the index is damaged"), cut short; the programs put their own
 * words for the setters. Returns `out`. */
char *gz_damage_message(char *out, size_t size, const char *where,
                        const char *said, int language_known);

/* When `err`, a message of ours about a failure of the index at the
 * local path `where`, quotes Xapian's message for damage ("X: writing
 * the index: DatabaseCorruptError: dir_end invalid in block 1", its
 * class named: gz_is_damage) or ends in the verdict of our table check
 * (": the index is damaged"), rewrite it in err[errlen] as the
 * damaged-index message (gz_damage_message), told whether the index's
 * language can still be read (gz_index_language_readable); returns 1.
 * Else 0 and `err` is left as it was: other refusals (a stub lost, an
 * index too new) keep their own words. The writer API and an update say
 * damage through it, so that both say it as a search does. */
int gz_say_damaged(char *err, size_t errlen, const char *where);

/* The calling thread's error message buffer for calls on indexes
 * (GZ_ERROR_SIZE bytes): what gazette_index_error() returns. Writers keep
 * their own (writer.c), so neither family overwrites the other's. */
#define GZ_ERROR_SIZE 1024
char *gz_thread_error(void);

/* Make the message `msg` (NUL-terminated, changed in place) one line, as
 * gazette.h promises of every error message, whatever it quotes (a path,
 * an id, a language, Xapian's text): each character that gazette_escape
 * escapes as one that can break a line (C0 controls such as newlines
 * and tabs, DEL, the C1 controls U+0080..U+009F, U+2028 and U+2029)
 * becomes one space; other characters, and bytes that are not UTF-8,
 * stay. Returns `msg`. */
char *gz_one_line(char *msg);

/* printf into the thread's index error message, made one line
 * (gz_one_line); returns `status` so a failing path can end in
 * `return gz_fail(STATUS, "...", ...)`. */
__attribute__((format(printf, 2, 3)))
gazette_status_t gz_fail(gazette_status_t status, const char *fmt, ...);

/* Record "<what>: <the shim's last error>" and return the mapped status. */
gazette_status_t gz_fail_shim(xap_status s, const char *what);

/* The thread's message for failed opens (gazette_last_open_error()). */
char *gz_open_error(void);

#endif
