/* status.c - versions, status strings, the per-thread error message. */
#include "gazette_private.h"

#include "schema.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char thread_error[GZ_ERROR_SIZE];
static _Thread_local char open_error[GZ_ERROR_SIZE];

const char *gazette_version(void)
{
    return GAZETTE_VERSION_STRING;
}

int gazette_version_number(void)
{
    return GAZETTE_VERSION_NUMBER;
}

const char *gazette_xapian_version(void)
{
    return xap_version_string();
}

/* Xapian takes "" as no stemmer, but an index records no empty language
 * (Xapian keeps no empty metadata) and its readers would then stem: ""
 * is no language here; "none" says no stemming. */
int gazette_language_known(const char *language)
{
    xap_stem *stem = NULL;
    if (!language || !*language || xap_stem_new(language, &stem) != XAP_OK)
        return 0;
    xap_stem_free(stem);
    return 1;
}

const char *gazette_languages(void)
{
    return xap_stem_languages();
}

char *gazette_default_index_path(void)
{
    const char *env = getenv("GAZETTE_INDEX");
    if (env && *env)
        return strdup(env);
    /* A relative XDG_DATA_HOME is invalid and ignored, as the XDG base
     * directory spec says: the index would move with the working
     * directory. */
    const char *base = getenv("XDG_DATA_HOME");
    const char *tail = "/gazette/index";
    if (!base || base[0] != '/') {
        base = getenv("HOME");
        tail = "/.local/share/gazette/index";
    }
    if (!base || !*base) {
        /* No user to keep it for (cron, a service): an index made in the
         * working directory would be a trap. */
        errno = ENOENT;
        return NULL;
    }
    size_t n = strlen(base) + strlen(tail) + 1;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s%s", base, tail);
    else
        errno = ENOMEM;
    return path;
}

/* For bindings that cannot reach the C library's free() (gazette.h):
 * what the library hands over is malloc()ed, so this is free(). */
void gazette_free(void *p)
{
    free(p);
}

const char *gazette_status_to_string(gazette_status_t status)
{
    switch (status) {
    case GAZETTE_STATUS_OK: return "success";
    case GAZETTE_STATUS_OUT_OF_MEMORY: return "out of memory";
    case GAZETTE_STATUS_INVALID_ARGUMENT: return "invalid argument";
    case GAZETTE_STATUS_INDEX_NOT_FOUND: return "index not found";
    case GAZETTE_STATUS_INDEX_CORRUPT: return "index corrupt";
    case GAZETTE_STATUS_INDEX_VERSION: return "index format not supported";
    case GAZETTE_STATUS_INDEX_LOCKED: return "index locked by a writer";
    case GAZETTE_STATUS_INDEX_MODIFIED: return "index modified while being read";
    case GAZETTE_STATUS_QUERY_SYNTAX: return "query syntax error";
    case GAZETTE_STATUS_IO_ERROR: return "I/O error";
    case GAZETTE_STATUS_INTERNAL_ERROR: return "internal error";
    case GAZETTE_STATUS_ARTICLE_NOT_FOUND: return "article not found";
    case GAZETTE_STATUS_INPUT_NOT_FOUND: return "input not found";
    case GAZETTE_STATUS_INTERRUPTED: return "interrupted";
    case GAZETTE_STATUS_LANGUAGE_MISMATCH: return "index language differs";
    case GAZETTE_STATUS_NOT_AN_INDEX: return "not an index";
    case GAZETTE_STATUS_BAD_INPUT: return "malformed input file";
    /* short, as gazette.h promises: the reason is the update's error */
    case GAZETTE_STATUS_REMOVAL_REFUSED: return "refused to remove articles";
    }
    return "unknown status";
}

int gz_error_is_io(const char *msg)
{
    /* Xapian puts the errno text of a failed system call at the end of
     * its message: "Couldn't open X (Too many open files)". */
    static const int io_errors[] = {EMFILE, ENFILE, EACCES, EPERM, EIO,
                                    ENOSPC, EDQUOT, EROFS, EFBIG, ENOMEM};
    for (size_t i = 0; i < sizeof io_errors / sizeof *io_errors; i++) {
        char text[128];
        snprintf(text, sizeof text, "(%s)", strerror(io_errors[i]));
        if (strstr(msg, text))
            return 1;
    }
    return 0;
}

int gz_shim_error_is_io(void)
{
    return gz_error_is_io(xap_last_error());
}

/* Xapian's messages of the DatabaseError class (the class of a failed
 * read too) that say stored data could not be decoded rather than that a
 * system call failed: a table shorter than its blocks claim, a
 * compressed tag (document data, term list) zlib cannot inflate. Damage
 * Xapian notices in a block's structure has its own class,
 * DatabaseCorruptError, mapped by the shim. A remote error carries the
 * same class with "REMOTE:" before the text. */
static const char *const damage_messages[] = {
    "EOF reading block",
    "inflate failed",
};

int gz_error_is_damage(const char *msg)
{
    static const char database_error[] = "DatabaseError: ";
    char enoent[128];
    snprintf(enoent, sizeof enoent, "(%s)", strerror(ENOENT));
    if (strstr(msg, "FeatureUnavailableError: Database has no ") ||
        (strstr(msg, ".glass") && strstr(msg, enoent)))
        return 1;
    if (strncmp(msg, database_error, sizeof database_error - 1) != 0)
        return 0;
    for (size_t i = 0; i < sizeof damage_messages / sizeof *damage_messages;
         i++)
        if (strstr(msg, damage_messages[i]))
            return 1;
    return 0;
}

int gz_shim_error_is_damage(void)
{
    return gz_error_is_damage(xap_last_error());
}

/* Whether a failure of status `s` comes with Xapian's message for it. The
 * shim's last message is not cleared by a call that succeeds, so for a
 * status our own code raises (out of memory in a malloc of ours, a bad
 * argument) or that names another failure (a lock, a network, a query),
 * that message is an earlier failure's: a damaged index searched before
 * must not make an out-of-memory read as damage. */
static int comes_with_database_message(xap_status s)
{
    switch (s) {
    case XAP_ERR_NOMEM:
    case XAP_ERR_INVALID_ARG:
    case XAP_ERR_DB_LOCKED:
    case XAP_ERR_DB_MODIFIED:
    case XAP_ERR_DB_CLOSED:
    case XAP_ERR_RESOURCE:
    case XAP_ERR_NETWORK:
    case XAP_ERR_QUERY_PARSE:
    case XAP_ERR_QUERY_GRAMMAR:
    case XAP_ERR_WILDCARD:
        return 0;
    default:
        return 1;
    }
}

int gz_is_damage(xap_status s, const char *msg)
{
    if (s == XAP_OK || s == XAP_ERR_DB_VERSION || gz_error_is_io(msg))
        return 0;
    return s == XAP_ERR_DB_CORRUPT || s == XAP_ERR_DOC_NOT_FOUND ||
           (comes_with_database_message(s) && gz_error_is_damage(msg));
}

/* Xapian's message without its class ("DatabaseCorruptError: ") nor a
 * remote's "REMOTE:", and without our own verdict: the damaged-index
 * message says both once. */
static void damage_said(const char *said, char *out, size_t size)
{
    static const char verdict[] = ": the index is damaged";
    const char *colon = strstr(said, ": ");
    const char *space = strchr(said, ' ');
    /* a class is one word ending in "Error" before the first ": " */
    if (colon && (!space || colon < space) && colon - said > 5 &&
        strncmp(colon - 5, "Error", 5) == 0)
        said = colon + 2;
    if (strncmp(said, "REMOTE:", 7) == 0)
        said += 7;
    snprintf(out, size, "%s", said);
    size_t n = strlen(out), v = sizeof verdict - 1;
    if (n > v && strcmp(out + n - v, verdict) == 0)
        out[n - v] = '\0';
}

char *gz_damage_message(char *out, size_t size, const char *where,
                        const char *said, int language_known)
{
    /* Xapian's text is a clue, not the point: short enough that the
     * remedy stays on a terminal's line or two */
    char clue[200];
    damage_said(said ? said : "", clue, sizeof clue);
    snprintf(out, size, "index %s is damaged (%s); to recover, rebuild it: "
             "a run with gazette_update_set_full%s", where, clue,
             language_known ? "" : " and gazette_update_set_language LANG "
             "(LANG: the language it was built in, english unless another "
             "was given; it cannot be read from the damaged index)");
    return gz_one_line(out);
}

/* The class of the Xapian message quoted in `err` ("DatabaseError",
 * after our words for the step: "DB: writing the index: "), as a
 * status: the class names the damage gz_is_damage recognises; *said is
 * where that message starts. XAP_ERR_UNKNOWN when `err` quotes none. */
static xap_status quoted_class(const char *err, const char **said)
{
    static const struct {
        const char *name;
        xap_status s;
    } classes[] = {{"DatabaseCorruptError: ", XAP_ERR_DB_CORRUPT},
                   {"DocNotFoundError: ", XAP_ERR_DOC_NOT_FOUND},
                   {"DatabaseOpeningError: ", XAP_ERR_DB_OPENING},
                   {"FeatureUnavailableError: ", XAP_ERR_XAPIAN},
                   {"DatabaseError: ", XAP_ERR_DB}};
    for (size_t i = 0; i < sizeof classes / sizeof *classes; i++) {
        const char *at = strstr(err, classes[i].name);
        if (at && (at == err || at[-1] == ' ')) {
            *said = at;
            return classes[i].s;
        }
    }
    return XAP_ERR_UNKNOWN;
}

int gz_say_damaged(char *err, size_t errlen, const char *where)
{
    static const char verdict[] = ": the index is damaged";
    const char *said = err;
    xap_status s = quoted_class(err, &said);
    size_t n = strlen(err);
    int ours = s == XAP_ERR_UNKNOWN && n > sizeof verdict - 1 &&
               strcmp(err + n - (sizeof verdict - 1), verdict) == 0;
    if (!(ours || gz_is_damage(s, said)))
        return 0;
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", said);
    gz_damage_message(err, errlen, where, copy,
                      gz_index_language_readable(where));
    return 1;
}

gazette_status_t gz_status_from_shim(xap_status s)
{
    if (s != XAP_OK && s != XAP_ERR_QUERY_PARSE && s != XAP_ERR_WILDCARD &&
        s != XAP_ERR_QUERY_GRAMMAR && s != XAP_ERR_INVALID_ARG &&
        gz_shim_error_is_io())
        return GAZETTE_STATUS_IO_ERROR;
    if ((s == XAP_ERR_XAPIAN || s == XAP_ERR_DB_OPENING || s == XAP_ERR_DB) &&
        gz_shim_error_is_damage())
        return GAZETTE_STATUS_INDEX_CORRUPT;
    switch (s) {
    case XAP_OK: return GAZETTE_STATUS_OK;
    case XAP_ERR_NOMEM: return GAZETTE_STATUS_OUT_OF_MEMORY;
    case XAP_ERR_INVALID_ARG: return GAZETTE_STATUS_INVALID_ARGUMENT;
    case XAP_ERR_DB_NOT_FOUND:
    case XAP_ERR_DB_OPENING: return GAZETTE_STATUS_INDEX_NOT_FOUND;
    case XAP_ERR_DB_CORRUPT:
    /* A caller that names a document (gazette_index_get_article) says
     * "not found" itself; any other DocNotFoundError is the index
     * contradicting itself: a posting or a match result naming a document
     * whose length or term list is not there (damage). */
    case XAP_ERR_DOC_NOT_FOUND: return GAZETTE_STATUS_INDEX_CORRUPT;
    case XAP_ERR_DB_VERSION: return GAZETTE_STATUS_INDEX_VERSION;
    case XAP_ERR_DB_LOCKED: return GAZETTE_STATUS_INDEX_LOCKED;
    case XAP_ERR_DB_MODIFIED: return GAZETTE_STATUS_INDEX_MODIFIED;
    case XAP_ERR_QUERY_PARSE:
    case XAP_ERR_QUERY_GRAMMAR: return GAZETTE_STATUS_QUERY_SYNTAX;
    case XAP_ERR_DB:
    case XAP_ERR_RESOURCE:
    case XAP_ERR_DB_CLOSED:
    case XAP_ERR_NETWORK: return GAZETTE_STATUS_IO_ERROR;
    default: return GAZETTE_STATUS_INTERNAL_ERROR;
    }
}

char *gz_thread_error(void)
{
    return thread_error;
}

char *gz_open_error(void)
{
    return open_error;
}

gazette_status_t gz_fail(gazette_status_t status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(thread_error, sizeof thread_error, fmt, ap);
    va_end(ap);
    /* one line, whatever the message quotes (a query, Xapian's text) */
    gz_one_line(thread_error);
    return status;
}

gazette_status_t gz_fail_shim(xap_status s, const char *what)
{
    /* Xapian's text tells its own caller to call
     * Xapian::Database::reopen() and retry, which a program on gazette.h
     * cannot do and the library has done (each call on an index reopens
     * it, and a search or read tries again): said in gazette.h's words. */
    if (s == XAP_ERR_DB_MODIFIED)
        return gz_fail(GAZETTE_STATUS_INDEX_MODIFIED,
                       "%s: the index kept changing while it was read (a "
                       "writer committing all the while); try again", what);
    return gz_fail(gz_status_from_shim(s), "%s: %s", what, xap_last_error());
}

const char *gazette_last_open_error(void)
{
    return open_error;
}
