/*
 * update.c - the update API of gazette.h: bring an index up to date with
 * corpus directories in-process (indexer.c does the run), as gazette-index
 * does.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "gazette_private.h"
#include "indexer.h"
#include "path.h"
#include "entity_aliases.h"
#include "schema.h"
#include "shards.h"
#include "synonyms.h"

/* A growing list of copied strings. */
typedef struct gz_patterns {
    char **items;
    size_t count;
} gz_patterns;

struct gazette_update {
    char *language;          /* NULL: the index's own (gz_index_config) */
    uint64_t max_file_bytes;
    unsigned batch;
    unsigned jobs;
    size_t memory;
    int dry_run;
    int full;
    int follow_symlinks;
    double wait_lock;
    unsigned max_remove;     /* percent; 0 = no limit */
    int no_delete;
    int force;
    int no_create;
    char *synonyms_path;
    gz_patterns include, exclude;   /* --include / --exclude globs */
    size_t synonym_rules;
    char *aliases_path;
    size_t alias_groups;
    const volatile int *stop;
    gazette_update_callback_t callback;
    void *ctx;
    gz_index_stats stats;
    int past_own_checks;   /* the last run got to gz_index_run */
    gazette_status_t last_status;   /* of the last run */
    char error[GZ_ERROR_SIZE];
    /* Set for the length of a run: its callback may call back into the
     * update (a binding sees no const), and a second run or a setter
     * then would reset the counts and message under the run, or free the
     * strings and patterns its configuration points to. Such calls are
     * refused (refuse_running), and a free is deferred to the run's end
     * (gazette_update_free). */
    int running;
    int free_at_end;         /* gazette_update_free came from the callback */
    char running_note[192];  /* why a call was refused during the run:
                                what gazette_update_error says then */
};

gazette_status_t gz_status_from_outcome(gz_index_outcome outcome)
{
    switch (outcome) {
    case GZ_INDEX_OK: return GAZETTE_STATUS_OK;
    case GZ_INDEX_NO_INPUT: return GAZETTE_STATUS_INPUT_NOT_FOUND;
    case GZ_INDEX_LOCKED: return GAZETTE_STATUS_INDEX_LOCKED;
    case GZ_INDEX_CORRUPT: return GAZETTE_STATUS_INDEX_CORRUPT;
    case GZ_INDEX_IO_ERROR: return GAZETTE_STATUS_IO_ERROR;
    case GZ_INDEX_NO_MEMORY: return GAZETTE_STATUS_OUT_OF_MEMORY;
    case GZ_INDEX_INTERRUPTED: return GAZETTE_STATUS_INTERRUPTED;
    case GZ_INDEX_WRONG_LANGUAGE: return GAZETTE_STATUS_LANGUAGE_MISMATCH;
    case GZ_INDEX_REFUSED: return GAZETTE_STATUS_NOT_AN_INDEX;
    case GZ_INDEX_UNSAFE: return GAZETTE_STATUS_REMOVAL_REFUSED;
    case GZ_INDEX_OLD_FORMAT: return GAZETTE_STATUS_INDEX_VERSION;
    case GZ_INDEX_BAD_ROOTS:
    case GZ_INDEX_NO_LANGUAGE: return GAZETTE_STATUS_INVALID_ARGUMENT;
    case GZ_INDEX_MODIFIED: return GAZETTE_STATUS_INDEX_MODIFIED;
    case GZ_INDEX_INTERNAL: break;
    }
    return GAZETTE_STATUS_INTERNAL_ERROR;
}

gazette_status_t gazette_update_new(gazette_update_t **out)
{
    if (!out)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    gazette_update_t *u = calloc(1, sizeof *u);
    if (u)
        u->max_remove = GAZETTE_DEFAULT_MAX_REMOVE;
    *out = u;
    return u ? GAZETTE_STATUS_OK : GAZETTE_STATUS_OUT_OF_MEMORY;
}

/* INVALID_ARGUMENT when `update` is running (its callback called `what`
 * on it), said in running_note, what gazette_update_error gives until
 * the run ends; the run's own message and counts are left alone.
 * OK otherwise. */
static gazette_status_t refuse_running(gazette_update_t *update,
                                       const char *what)
{
    if (!update || !update->running)
        return GAZETTE_STATUS_OK;
    snprintf(update->running_note, sizeof update->running_note,
             "%s refused: the update is running (the call came from its "
             "callback); nothing of it was changed", what);
    return GAZETTE_STATUS_INVALID_ARGUMENT;
}

/* Return from a setter named `what` when the update is running. */
#define REFUSE_IF_RUNNING(update, what)                                     \
    do {                                                                    \
        gazette_status_t busy_ = refuse_running((update), (what));         \
        if (busy_ != GAZETTE_STATUS_OK)                                     \
            return busy_;                                                   \
    } while (0)

void gazette_update_free(gazette_update_t *update)
{
    if (!update)
        return;
    /* From the run's callback: the run still uses it; freed at its end */
    if (update->running) {
        update->free_at_end = 1;
        return;
    }
    free(update->language);
    free(update->synonyms_path);
    for (size_t i = 0; i < update->include.count; i++)
        free(update->include.items[i]);
    for (size_t i = 0; i < update->exclude.count; i++)
        free(update->exclude.items[i]);
    free(update->include.items);
    free(update->exclude.items);
    free(update->aliases_path);
    free(update);
}

/* INVALID_ARGUMENT with the reason in update->error (when there is an
 * update to hold it), made one line (gz_one_line: a value quoted may
 * hold a newline), for the setters. */
static gazette_status_t refuse(gazette_update_t *update, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static gazette_status_t refuse(gazette_update_t *update, const char *fmt, ...)
{
    if (update) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(update->error, sizeof update->error, fmt, ap);
        va_end(ap);
        gz_one_line(update->error);
    }
    return GAZETTE_STATUS_INVALID_ARGUMENT;
}

/* Replace the string *slot with a copy of `value` (NULL allowed). */
static gazette_status_t set_string(char **slot, const char *value)
{
    char *copy = value ? strdup(value) : NULL;
    if (value && !copy)
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    free(*slot);
    *slot = copy;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_set_language(gazette_update_t *update,
                                             const char *language)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_language");
    if (!update)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    if (!language)   /* back to the default: the index's own */
        return set_string(&update->language, NULL);
    if (!gazette_language_known(language))
        return refuse(update, "unknown language '%.64s' (gazette_languages "
                      "lists them, or \"none\")", language);
    /* Under the name gazette_languages() lists ("en" is "english"), as
     * the index records and compares it. */
    char *name = NULL;
    if (xap_stem_canonical(language, &name) != XAP_OK)
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    free(update->language);
    update->language = name;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_set_max_file_size(gazette_update_t *update,
                                                  uint64_t bytes)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_max_file_size");
    if (!update || bytes == 0)
        return refuse(update, "the largest file size must be at least 1 "
                      "byte");
    update->max_file_bytes = bytes;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_set_batch(gazette_update_t *update,
                                          unsigned articles)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_batch");
    if (!update || articles == 0)
        return refuse(update, "a batch must be at least 1 article");
    update->batch = articles;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_set_jobs(gazette_update_t *update,
                                         unsigned jobs)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_jobs");
    if (!update || jobs > GAZETTE_MAX_JOBS)
        return refuse(update, "%u jobs is over the limit of %u", jobs,
                      GAZETTE_MAX_JOBS);
    update->jobs = jobs;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_set_memory(gazette_update_t *update,
                                           uint64_t bytes)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_memory");
    if (!update || (bytes && bytes < GAZETTE_MIN_MEMORY) ||
        bytes > (uint64_t)SIZE_MAX / 2)
        return refuse(update, "a memory budget of %llu byte%s is outside "
                      "%llu (16 MiB) to %llu", (unsigned long long)bytes,
                      bytes == 1 ? "" : "s",
                      (unsigned long long)GAZETTE_MIN_MEMORY,
                      (unsigned long long)(SIZE_MAX / 2));
    update->memory = (size_t)bytes;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_set_dry_run(gazette_update_t *update,
                                            int dry_run)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_dry_run");
    if (!update)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    update->dry_run = dry_run != 0;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_set_full(gazette_update_t *update, int full)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_full");
    if (!update)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    update->full = full != 0;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_set_follow_symlinks(gazette_update_t *update,
                                                    int follow)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_follow_symlinks");
    if (!update)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    update->follow_symlinks = follow != 0;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_set_wait_lock(gazette_update_t *update,
                                              double seconds)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_wait_lock");
    if (!update || !(seconds >= 0) || seconds > GAZETTE_MAX_WAIT_LOCK)
        return refuse(update, "a lock wait of %g seconds is not a number "
                      "from 0 to 1e7", seconds);
    update->wait_lock = seconds;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_set_max_remove(gazette_update_t *update,
                                               unsigned percent)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_max_remove");
    if (!update || percent > 100)
        return refuse(update, "a removal limit of %u%% is over 100%%",
                      percent);
    update->max_remove = percent;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_set_no_delete(gazette_update_t *update,
                                              int no_delete)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_no_delete");
    if (!update)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    update->no_delete = no_delete != 0;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_set_force(gazette_update_t *update,
                                          int force)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_force");
    if (!update)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    update->force = force != 0;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_set_no_create(gazette_update_t *update,
                                              int no_create)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_no_create");
    if (!update)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    update->no_create = no_create != 0;
    return GAZETTE_STATUS_OK;
}

/* An empty path would be "not found" at the run: refused here, as every
 * empty path is (gazette.3). */
gazette_status_t gazette_update_set_synonyms_file(gazette_update_t *update,
                                                  const char *path)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_synonyms_file");
    if (!update)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    if (path && !*path)
        return refuse(update, "the synonyms file path is empty");
    return set_string(&update->synonyms_path, path);
}

/* Add `glob` (`kind` "include" or "exclude", for messages) to `list`, as
 * the walk matches it: relative to a corpus directory, so a leading "./"
 * and a trailing '/' (a directory, as in a .gitignore: "world/") are
 * dropped; a pattern that could match nothing ("/world", "./") is
 * refused rather than silently matching nothing. */
static gazette_status_t add_pattern(gazette_update_t *update,
                                    gz_patterns *list, const char *kind,
                                    const char *glob)
{
    if (!update || !glob || !*glob)
        return refuse(update, "an %s pattern is NULL or empty", kind);
    const char *given = glob;   /* quoted as the caller wrote it */
    while (glob[0] == '.' && glob[1] == '/')
        glob += 2 + strspn(glob + 2, "/");
    size_t n = strlen(glob);
    while (n > 0 && glob[n - 1] == '/')
        n--;
    if (glob[0] == '/' || n == 0)
        return refuse(update, "the %s pattern '%.200s' matches nothing: "
                      "patterns match paths relative to each corpus "
                      "directory ('world', 'world/2023-*', '*.eml')",
                      kind, given);
    char **grown = realloc(list->items, (list->count + 1) * sizeof *grown);
    if (!grown)
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    list->items = grown;
    if (!(grown[list->count] = strndup(glob, n)))
        return GAZETTE_STATUS_OUT_OF_MEMORY;
    list->count++;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_add_include(gazette_update_t *update,
                                            const char *glob)
{
    REFUSE_IF_RUNNING(update, "gazette_update_add_include");
    return add_pattern(update, update ? &update->include : NULL, "include",
                       glob);
}

gazette_status_t gazette_update_add_exclude(gazette_update_t *update,
                                            const char *glob)
{
    REFUSE_IF_RUNNING(update, "gazette_update_add_exclude");
    return add_pattern(update, update ? &update->exclude : NULL, "exclude",
                       glob);
}

gazette_status_t gazette_update_set_entity_aliases_file(
    gazette_update_t *update, const char *path)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_entity_aliases_file");
    if (!update)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    if (path && !*path)
        return refuse(update, "the entity aliases file path is empty");
    return set_string(&update->aliases_path, path);
}

gazette_status_t gazette_update_set_stop_flag(gazette_update_t *update,
                                              const volatile int *flag)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_stop_flag");
    if (!update)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    update->stop = flag;
    return GAZETTE_STATUS_OK;
}

gazette_status_t gazette_update_set_callback(gazette_update_t *update,
                                             gazette_update_callback_t fn,
                                             void *ctx)
{
    REFUSE_IF_RUNNING(update, "gazette_update_set_callback");
    if (!update)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    update->callback = fn;
    update->ctx = ctx;
    return GAZETTE_STATUS_OK;
}

/* The indexer's callbacks, passed on as events. The message is escaped
 * (gazette_escape), as gazette.h says: it may quote a file name, which
 * may hold a newline; the path is given as it is, to be opened. */
static void emit(gazette_update_t *u, gazette_event_t event,
                 const char *path, const char *message)
{
    /* freed by the callback (deferred): no event names it again */
    if (!u->callback || u->free_at_end)
        return;
    char fixed[4096], *big = NULL;
    const char *line = fixed;
    size_t n = gazette_escape(message, fixed, sizeof fixed);
    /* out of memory: the message cut, still one line */
    if (n >= sizeof fixed && (big = malloc(n + 1)) != NULL) {
        gazette_escape(message, big, n + 1);
        line = big;
    }
    u->callback(u, event, path ? path : "", line, u->ctx);
    free(big);
}

static void on_change(const char *path, const char *what, void *ctx)
{
    gazette_event_t event = strcmp(what, "added") == 0 ? GAZETTE_EVENT_ADDED
                            : strcmp(what, "updated") == 0
                                ? GAZETTE_EVENT_UPDATED
                                : GAZETTE_EVENT_REMOVED;
    emit(ctx, event, path, NULL);
}

static void on_skip(const char *path, const char *reason, void *ctx)
{
    emit(ctx, GAZETTE_EVENT_SKIPPED, path, reason);
}

static void on_ignored(const char *path, const char *reason, void *ctx)
{
    emit(ctx, GAZETTE_EVENT_IGNORED, path, reason);
}

static void on_warning(const char *path, const char *message, void *ctx)
{
    emit(ctx, GAZETTE_EVENT_WARNING, path, message);
}

static void on_note(const char *path, const char *message, void *ctx)
{
    emit(ctx, GAZETTE_EVENT_NOTE, path, message);
}

static void on_progress(const gz_index_stats *so_far, void *ctx)
{
    gazette_update_t *u = ctx;
    u->stats = *so_far;
    emit(u, GAZETTE_EVENT_PROGRESS, NULL, NULL);
}

/* The status of a synonyms or entity aliases file that could not be
 * read, from the errno its reader left (rules_file.h): missing (also
 * through a loop of links), not readable (permissions, a directory, a
 * failing disk), out of memory, or read and malformed (errno 0). */
static gazette_status_t rules_file_status(int error)
{
    switch (error) {
    case 0: return GAZETTE_STATUS_BAD_INPUT;
    case ENOENT:
    case ENOTDIR:
    case ELOOP: return GAZETTE_STATUS_INPUT_NOT_FOUND;
    case ENOMEM: return GAZETTE_STATUS_OUT_OF_MEMORY;
    default: return GAZETTE_STATUS_IO_ERROR;
    }
}

/* Read the synonyms file, if any, before anything is written: a bad file
 * changes nothing. */
static gazette_status_t read_synonyms(gazette_update_t *u, gz_synonyms **out)
{
    *out = NULL;
    u->synonym_rules = 0;
    if (!u->synonyms_path)
        return GAZETTE_STATUS_OK;
    if (gz_synonyms_read(u->synonyms_path, out, u->error,
                         sizeof u->error) != 0)
        return rules_file_status(errno);
    u->synonym_rules = gz_synonyms_count(*out);
    return GAZETTE_STATUS_OK;
}

/* Read the entity aliases file, if any, before anything is written. */
static gazette_status_t read_aliases(gazette_update_t *u,
                                     gz_entity_aliases **out)
{
    *out = NULL;
    u->alias_groups = 0;
    if (!u->aliases_path)
        return GAZETTE_STATUS_OK;
    if (gz_entity_aliases_read(u->aliases_path, out, u->error,
                               sizeof u->error) != 0)
        return rules_file_status(errno);
    u->alias_groups = gz_entity_aliases_count(*out);
    return GAZETTE_STATUS_OK;
}

/* 0 when the paths of a run can be used; else -1 with the reason in
 * u->error. A NULL or empty corpus path would reach stat() (and the
 * message's %s) as it is; an empty index path, Xapian. (The setters
 * refuse an empty synonyms or aliases path.) */
static int check_run_paths(gazette_update_t *u, const char *db_path,
                           const char *const *roots, size_t nroots)
{
    if (!db_path || !roots || nroots == 0) {
        snprintf(u->error, sizeof u->error,
                 "no index or no corpus directory given");
        return -1;
    }
    if (!*db_path) {
        snprintf(u->error, sizeof u->error, "the index path is empty");
        return -1;
    }
    for (size_t i = 0; i < nroots; i++)
        if (!roots[i] || !*roots[i]) {
            snprintf(u->error, sizeof u->error,
                     "corpus directory %zu of %zu is %s", i + 1, nroots,
                     roots[i] ? "an empty path" : "NULL");
            return -1;
        }
    return 0;
}

/* 1 when the symbolic link `link` lies in the directory of `target`, its
 * real path (or when that cannot be known). */
static int link_beside(const char *link, const char *target)
{
    char *trimmed = strndup(link, gz_path_trimmed_length(link));
    char *dir = trimmed ? gz_path_real_dir(trimmed) : NULL;
    free(trimmed);
    if (!dir)
        return 1;
    const char *t = strrchr(target, '/');
    size_t len = t && t > target ? (size_t)(t - target) : 1;   /* "/" */
    int beside = strlen(dir) == len && strncmp(dir, target, len) == 0;
    free(dir);
    return beside;
}

/* 1 when `db_path` is a stub file, or a sharded index, naming a database
 * that does not exist (gz_stub_missing_part), said in u->error: an update
 * would create that part empty (a disk not mounted, a generation
 * deleted), so it changes nothing; a full rebuild replaces the stub and
 * runs. Through a symbolic link, which a full run refuses, the message
 * names the index's own path instead: for the full run, or, when the
 * database is there from the stub's directory, for the update (the
 * link reads the stub's relative lines from its own directory). */
static int stub_part_missing(gazette_update_t *u, const char *db_path)
{
    char part[4096];
    int missing = gz_stub_missing_part(db_path, part, sizeof part);
    if (!missing)
        return 0;
    struct stat sb;
    char real[PATH_MAX];
    if (lstat(db_path, &sb) != 0 || !S_ISLNK(sb.st_mode)) {
        snprintf(u->error, sizeof u->error,
                 "index %.400s: the stub file names %.400s, %s (nothing "
                 "changed: mount or restore it; a run with "
                 "gazette_update_set_full builds a new index in its place, "
                 "in the language gazette_update_set_language names)",
                 db_path, part, gz_stub_part_problem(missing));
    } else if (!realpath(db_path, real)) {
        /* gone meanwhile */
        snprintf(u->error, sizeof u->error,
                 "index %.400s: the stub file names %.400s, %s (nothing "
                 "changed: give the index's own path)",
                 db_path, part, gz_stub_part_problem(missing));
    } else if (!gz_stub_missing_part(real, NULL, 0)) {
        /* A stub's relative lines are read from the link's directory (as
         * Xapian reads them): the database is there from the stub's. */
        snprintf(u->error, sizeof u->error,
                 "index %.200s: the stub file names %.200s, %s (nothing "
                 "changed: the index is a symbolic link to the stub file "
                 "%.200s, whose relative lines are read from the link's "
                 "directory, as Xapian reads them: make the link beside "
                 "the stub, or give the stub's own path)",
                 db_path, part, gz_stub_part_problem(missing), real);
    } else if (link_beside(db_path, real)) {
        /* A full run refuses the link: it would replace it. */
        snprintf(u->error, sizeof u->error,
                 "index %.200s: the stub file names %.200s, %s (nothing "
                 "changed: mount or restore it; a run with "
                 "gazette_update_set_full on the index's own path, %.200s, "
                 "builds a new index in its place, in the language "
                 "gazette_update_set_language names; gazette_update_set_full "
                 "refuses the link)",
                 db_path, part, gz_stub_part_problem(missing), real);
    } else {
        /* Read from the link's directory its part was never there: name
         * the one missing beside the stub, and the link's place. */
        char own[1024];
        int own_missing = gz_stub_missing_part(real, own, sizeof own);
        snprintf(u->error, sizeof u->error,
                 "index %.150s: the stub file names %.150s from the link's "
                 "directory and %.150s from its own, %s (nothing changed: "
                 "mount or restore it, or a run with gazette_update_set_full "
                 "on the index's own path, %.150s, builds a new index in its "
                 "place; then make the link beside the stub, whose relative "
                 "lines are read from the link's directory as Xapian reads "
                 "them, or give the stub's own path)",
                 db_path, part, own_missing ? own : part,
                 gz_stub_part_problem(own_missing ? own_missing : missing),
                 real);
    }
    return 1;
}

/* 1 when the index at `db_path` lists one database twice
 * (gz_shards_listed_twice), said in u->error: refused by every run, a
 * full rebuild and a dry run as well (each would have its own answer:
 * the update's second shard writer found the first's lock, 75 forever;
 * the dry run counted the articles twice). */
static int stub_lists_twice(gazette_update_t *u, const char *db_path)
{
    char why[8192];
    if (!gz_shards_listed_twice(db_path, why, sizeof why))
        return 0;
    snprintf(u->error, sizeof u->error, "index %.150s: %.800s; nothing "
             "changed", db_path, why);
    return 1;
}

/* 1 when a stub file of the index at `db_path` has a line naming no
 * local database (gz_shards_unwritable), said in u->error: an update has
 * nothing to write, and is refused before it starts, with no counts to
 * report (a full rebuild replaces the stub). */
static int stub_unwritable(gazette_update_t *u, const char *db_path)
{
    return gz_shards_unwritable(db_path, u->error, sizeof u->error);
}

/* The status of a run refused because the index at `db_path` is a stub
 * file, or has one, with a line Xapian cannot read (gz_stub_bad_line),
 * said in u->error; GAZETTE_STATUS_OK when it has none. INDEX_CORRUPT,
 * the status a search's open gives the same stub: the index is there
 * but cannot be read until the line is mended (or, for a sharded
 * index's XAPIANDB, a full run rebuilds it). A stub file given as the
 * index was NOT_AN_INDEX, as a file that is no stub at all (a full run
 * does not replace it either): gazette-index said 64 where gazette-query
 * said 65 for the same typo. It was said to be no Xapian index, or the
 * line no local database. */
static gazette_status_t stub_bad_line(gazette_update_t *u,
                                      const char *db_path)
{
    char why[1024];
    struct stat sb;
    int dir = stat(db_path, &sb) == 0 && S_ISDIR(sb.st_mode);
    if ((dir && u->full) || !gz_stub_bad_line(db_path, why, sizeof why))
        return GAZETTE_STATUS_OK;
    snprintf(u->error, sizeof u->error, "index %.200s: %.700s; nothing "
             "changed", db_path, why);
    return GAZETTE_STATUS_INDEX_CORRUPT;
}

/* gazette_update_run into `db_path`, given without trailing slashes. */
static gazette_status_t run_trimmed(gazette_update_t *update,
                                    const char *db_path,
                                    const char *const *roots, size_t nroots)
{
    if (!update->full && stub_part_missing(update, db_path))
        return GAZETTE_STATUS_INPUT_NOT_FOUND;
    if (stub_lists_twice(update, db_path))
        return GAZETTE_STATUS_INDEX_CORRUPT;
    if (!update->full && stub_unwritable(update, db_path))
        return GAZETTE_STATUS_INDEX_CORRUPT;
    gazette_status_t bad = stub_bad_line(update, db_path);
    if (bad != GAZETTE_STATUS_OK)
        return bad;
    gz_synonyms *synonyms = NULL;
    gz_entity_aliases *aliases = NULL;
    gazette_status_t status = read_synonyms(update, &synonyms);
    if (status == GAZETTE_STATUS_OK)
        status = read_aliases(update, &aliases);
    if (status != GAZETTE_STATUS_OK) {
        gz_synonyms_free(synonyms);
        return status;
    }
    update->past_own_checks = 1;
    gz_index_config cfg = {
        .db_path = db_path, .roots = roots, .nroots = nroots,
        .language = update->language, .max_file_bytes = update->max_file_bytes,
        .include = (const char *const *)update->include.items,
        .ninclude = update->include.count,
        .exclude = (const char *const *)update->exclude.items,
        .nexclude = update->exclude.count, .on_ignored = on_ignored,
        .batch_size = update->batch, .jobs = update->jobs,
        .memory_bytes = update->memory, .dry_run = update->dry_run,
        .full = update->full, .wait_lock_seconds = update->wait_lock,
        .follow_symlinks = update->follow_symlinks,
        .max_remove_percent = update->max_remove,
        .no_delete = update->no_delete, .force = update->force,
        .no_create = update->no_create,
        .stop = update->stop, .on_change = on_change, .on_skip = on_skip,
        .on_warning = on_warning, .on_note = on_note,
        .on_progress = on_progress, .ctx = update,
        .synonyms = synonyms, .entity_aliases = aliases};
    gz_index_outcome outcome = gz_index_run(&cfg, &update->stats,
                                            update->error,
                                            sizeof update->error);
    gz_synonyms_free(synonyms);
    gz_entity_aliases_free(aliases);
    return gz_status_from_outcome(outcome);
}

gazette_status_t gazette_update_run(gazette_update_t *update,
                                    const char *db_path,
                                    const char *const *roots, size_t nroots)
{
    if (!update)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    /* from its own callback: the running run's state is left as it is */
    REFUSE_IF_RUNNING(update, "gazette_update_run");
    memset(&update->stats, 0, sizeof update->stats);
    update->error[0] = '\0';
    update->past_own_checks = 0;
    update->last_status = GAZETTE_STATUS_INVALID_ARGUMENT;
    if (check_run_paths(update, db_path, roots, nroots) != 0)
        return GAZETTE_STATUS_INVALID_ARGUMENT;
    char *db = strndup(db_path, gz_path_trimmed_length(db_path));
    if (!db) {
        snprintf(update->error, sizeof update->error, "out of memory");
        return update->last_status = GAZETTE_STATUS_OUT_OF_MEMORY;
    }
    update->running = 1;
    update->running_note[0] = '\0';
    gazette_status_t status = run_trimmed(update, db, roots, nroots);
    update->running = 0;
    free(db);
    /* The run's message quotes paths and Xapian's text: made one line in
     * one place rather than at each of its writers. */
    gz_one_line(update->error);
    update->last_status = status;
    if (update->free_at_end)
        gazette_update_free(update);
    return status;
}

int gazette_update_started(const gazette_update_t *update)
{
    if (!update || !update->past_own_checks || update->stats.unstarted)
        return 0;
    /* What gz_index_run refuses with these it finds before it writes:
     * the corpus paths (missing, repeated), the index's path (a link to
     * nothing, a loop; not an index; another program's database), its
     * language and its format (INDEX_VERSION: only open_run's checks of
     * these return it, before anything is written). */
    switch (update->last_status) {
    case GAZETTE_STATUS_INDEX_VERSION:
    case GAZETTE_STATUS_INVALID_ARGUMENT:
    case GAZETTE_STATUS_INPUT_NOT_FOUND:
    case GAZETTE_STATUS_BAD_INPUT:
    case GAZETTE_STATUS_NOT_AN_INDEX:
    case GAZETTE_STATUS_LANGUAGE_MISMATCH:
        return 0;
    default:
        return 1;
    }
}

uint64_t gazette_update_count(const gazette_update_t *update,
                              gazette_count_t what)
{
    if (!update)
        return 0;
    const gz_index_stats *s = &update->stats;
    switch (what) {
    case GAZETTE_COUNT_SCANNED: return s->scanned;
    case GAZETTE_COUNT_ADDED: return s->added;
    case GAZETTE_COUNT_UPDATED: return s->updated;
    case GAZETTE_COUNT_REMOVED: return s->removed;
    case GAZETTE_COUNT_UNCHANGED: return s->unchanged;
    case GAZETTE_COUNT_SKIPPED: return s->skipped;
    case GAZETTE_COUNT_KNOWN: return s->known;
    case GAZETTE_COUNT_IGNORED: return s->ignored;
    }
    return 0;
}

double gazette_update_seconds(const gazette_update_t *update)
{
    return update ? update->stats.seconds : 0.0;
}

double gazette_update_lock_wait(const gazette_update_t *update)
{
    return update ? update->stats.lock_wait : 0.0;
}

size_t gazette_update_entity_alias_count(const gazette_update_t *update)
{
    return update ? update->alias_groups : 0;
}

size_t gazette_update_synonym_count(const gazette_update_t *update)
{
    return update ? update->synonym_rules : 0;
}

const char *gazette_update_error(const gazette_update_t *update)
{
    if (!update)
        return "no update handle";
    /* During the run (its callback asking) the run's message is not
     * written yet: "", or why a call back into the update was refused. */
    return update->running ? update->running_note : update->error;
}
