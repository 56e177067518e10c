/* pipeline.c - workers and shard writers (pipeline.h). */
#include "pipeline.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze.h"
#include "hash.h"
#include "path.h"
#include "schema.h"
#include "shards.h"
#include "spelling.h"

/* Room kept in the job queue per worker (a job is a unit not yet read:
 * about 1 KiB and its paths): enough to keep them busy while the walk
 * stats the next files, and to hold jobs for the other shards while one
 * shard's writer commits (take_job_locked); jobs not started are dropped
 * on a stop, so a long queue does not make stopping slower. */
#define JOBS_PER_WORKER 64
/* Files waiting for one shard writer, at most: a few keep it busy, more
 * only hold memory (an analysed document takes many times its text). */
#define MAX_QUEUED_UNITS 16
/* What a deletion or a stat refresh counts for in a shard queue. */
#define SMALL_UNIT_COST 512
/* The smallest piece of a file written as it is read (hand_piece), in
 * bytes of text: a budget small enough for pieces smaller than this is
 * not worth a transaction every few articles. */
#define MIN_PIECE_BYTES (64 * 1024)
/* A shard commits at most this often for a full batch (not for the memory
 * bound): a reader must reopen when a database moves two revisions on
 * during one search, and searches take milliseconds. */
#define MIN_COMMIT_SECONDS 1.0

/* Something said about one article of a file: a bad article (skipped) or
 * a warning. */
typedef struct note {
    struct note *next;
    int warning;
    char *where;
    char *text;
} note;

typedef struct doc_item {
    xap_document *doc;
    char id_term[GZ_TERM_BUF];
} doc_item;

typedef enum unit_kind {
    UNIT_REPORT,    /* nothing to write: only report the outcome */
    UNIT_WRITE,     /* (re)index a file: delete its old articles, add docs */
    UNIT_REFRESH,   /* same bytes, new stat: rewrite the stat values */
    UNIT_DELETE,    /* a vanished file: delete its articles */
    UNIT_PIECE      /* the articles of a file read so far (hand_piece) */
} unit_kind;

/*
 * A file whose articles outgrow a shard queue's share of memory (a JSON
 * Lines export of a million articles) is written in pieces as it is
 * read, each piece in a transaction of its own, so that its documents
 * stay within --memory whatever their number (the reader still holds the
 * file's text, within --max-file-size, and a JSON Lines file's ids). A
 * file the removal guards watch is read once to count its articles
 * before the reading that writes (read_articles). Pieces replace articles by id and
 * delete nothing: the file's unit, once the whole file is read, deletes
 * the documents of the file from before this run that no article
 * replaced (`old`, `kept`), and only if the file was read whole and loses
 * no more than the guards allow; a file skipped after its first pieces
 * keeps its old articles beside the new ones. Until then the file's
 * lowest document (whose stat the file map reads) carries
 * GZ_STAT_PARTIAL and no hash, so a run killed between pieces leaves the
 * file to be read again, never taken for unchanged.
 */
typedef struct piece_chain {
    atomic_uint refs;          /* the file's unit and its pieces */
    int looked;                /* `old` was looked up (first piece) */
    xap_docid *old;            /* the file's documents before, ascending */
    unsigned char *kept;       /* old[i] was replaced by an article */
    size_t nold;
} piece_chain;

/* One file (or one deletion) on its way through the pipeline. */
typedef struct unit {
    struct unit *next;
    unit_kind kind;
    int is_file;               /* report it through hooks.file_done */
    int vanished;              /* a vanished file's deletion (hooks.removed) */
    unsigned shard;            /* where it is written */
    unsigned likely_shard;     /* a job's: where it will most likely be
                                  written (see take_job_locked) */
    /* what the walk saw and the index knew */
    corpus_file file;          /* strings in `strings` */
    char *strings;
    int known, has_hash, delete_old;
    int retry;                 /* read again (gz_pipeline_retry): its
                                  notes are not reported */
    uint64_t old_hash;
    unsigned old_shard;
    uint64_t old_articles;     /* what the index holds of it */
    uint64_t may_lose;         /* of those, lost without being held */
    char path_term[GZ_TERM_BUF];
    char stat_value[64];
    char hash_value[17];
    gz_file_hash hash;         /* its hashes, when hashed: hash_value is
                                  hash.content's */
    int hashed;
    /* what the worker made of it */
    gz_file_outcome outcome;
    char reason[512];
    int run_error;             /* reason is the message of a run failure */
    doc_item *docs;
    size_t ndocs, capdocs;
    size_t articles;           /* written (a dry run: read), for reports */
    size_t pieced;             /* of those, handed over in pieces */
    int counted;               /* articles counted before the read that
                                  writes pieces (read_articles) */
    piece_chain *chain;        /* its pieces' shared state, or NULL */
    size_t cost;               /* bytes of text, for the queue bound */
    size_t admitted;           /* bytes counted in large_out (admit_locked) */
    note *notes, **notes_tail;
    struct unit *extra;        /* a deletion in another shard, rare */
    /* Written: the commit of its shard that carries it (the number of
     * the shard's commits once it is done); 0 for nothing written. */
    unsigned needs;
} unit;

typedef struct unit_queue {
    unit *head, *tail;
    size_t count, bytes;
} unit_queue;

/* A shard_writer's view_commit before the lexicon's first lookup: no
 * commit count reaches it. */
#define VIEW_NOT_OPENED UINT_MAX

typedef struct shard_writer {
    struct gz_pipeline *p;
    unsigned index;
    xap_writable *db;          /* used by the writer thread alone */
    atomic_uint commits;       /* commits so far: the lexicon's view
                                  reopens when it moves */
    /* The entity lexicon's read-only view of this shard (lexicon_knows),
     * shared by the workers under view_lock, which the writer never
     * takes; as of commit number view_commit (VIEW_NOT_OPENED before the
     * first lookup); NULL when it could not be opened (opened again at
     * the next lookup). */
    pthread_mutex_t view_lock;
    xap_database *view;
    unsigned view_commit;
    pthread_t thread;
    int started;
    pthread_cond_t wake;       /* units arrived, or closing */
    unit_queue queue;
    unsigned pending;          /* articles since the last commit */
    size_t pending_bytes;
    double last_commit;        /* monotonic seconds */
    gz_spelling spelling;
    /* The caller's thread alone (deliver): the files added and updated
     * and the deletions reported last, all waiting for the shard's
     * commit number last_needs (each shard reports in the order it
     * writes, so every unit reported before needs an earlier commit):
     * what a run that failed before that commit counted but did not
     * do (gz_pipeline_uncommitted). */
    unsigned last_needs;
    gz_pipeline_tally last;
} shard_writer;

typedef struct worker {
    struct gz_pipeline *p;
    gz_analyzer *analyzer;
    pthread_t thread;
    int started;
} worker;

struct gz_pipeline {
    gz_pipeline_config cfg;
    int threaded;
    pthread_mutex_t mu;
    pthread_cond_t main_wake;  /* room for a job, units done, exits */
    pthread_cond_t job_wake;   /* jobs arrived, or closing */
    pthread_cond_t room_wake;  /* room in a shard queue */
    unit_queue jobs;
    size_t max_jobs;
    unit_queue done;           /* finished, to report on the main thread */
    worker *workers;
    unsigned nworkers, workers_alive;
    shard_writer *writers;
    size_t nwriters;
    unsigned writers_alive;
    unsigned writers_counted;  /* writers done counting spelling words */
    const gz_spelling **spellings;   /* each writer's table (its peers') */
    int closing_jobs, closing_writers, commit_at_end;
    int dropped;               /* a file was left out for a stop request */
    atomic_int whole_cjk_noted;  /* the run's warning of CJK text indexed
                                    as whole runs is given */
    size_t large_out;          /* bytes of the large files admitted and
                                  not yet written (admit_locked) */
    size_t files_out;          /* files handed over, not yet reported
                                  (the caller's thread alone) */
    xap_status status;         /* first failure, sticky */
    char err[512];
    char cause[1024];          /* its Xapian message, on the failing
                                  thread: gz_pipeline_cause */
};

/* ------------------------------------------------------------- queues */

static void push(unit_queue *q, unit *u)
{
    u->next = NULL;
    if (q->tail)
        q->tail->next = u;
    else
        q->head = u;
    q->tail = u;
    q->count++;
    q->bytes += u->cost;
}

static unit *pop(unit_queue *q)
{
    unit *u = q->head;
    if (!u)
        return NULL;
    q->head = u->next;
    if (!q->head)
        q->tail = NULL;
    q->count--;
    q->bytes -= u->cost;
    return u;
}

/* Take `u`, which follows `prev` (NULL: `u` is the head), out of `q`. */
static void unlink_after(unit_queue *q, unit *prev, unit *u)
{
    if (prev)
        prev->next = u->next;
    else
        q->head = u->next;
    if (q->tail == u)
        q->tail = prev;
    u->next = NULL;
    q->count--;
    q->bytes -= u->cost;
}

/* ------------------------------------------------------------- units */

static void free_docs(unit *u)
{
    for (size_t i = 0; i < u->ndocs; i++)
        xap_document_free(u->docs[i].doc);
    free(u->docs);
    u->docs = NULL;
    u->ndocs = u->capdocs = 0;
}

static void release_chain(piece_chain *c)
{
    if (c && atomic_fetch_sub(&c->refs, 1) == 1) {
        free(c->old);
        free(c->kept);
        free(c);
    }
}

static void drop_notes(unit *u)
{
    for (note *n = u->notes, *next; n; n = next) {
        next = n->next;
        free(n->where);
        free(n->text);
        free(n);
    }
    u->notes = NULL;
    u->notes_tail = &u->notes;
}

static void free_unit(unit *u)
{
    while (u) {
        unit *extra = u->extra;
        free_docs(u);
        release_chain(u->chain);
        drop_notes(u);
        free(u->strings);
        free(u);
        u = extra;
    }
}

static unit *new_unit(void)
{
    unit *u = calloc(1, sizeof *u);
    if (u)
        u->notes_tail = &u->notes;
    return u;
}

/* A unit for walked file `f` (strings copied) and what the index knows. */
static unit *file_unit(const corpus_file *f, const gz_file_entry *known,
                       uint64_t may_lose)
{
    unit *u = new_unit();
    if (!u)
        return NULL;
    if (!(u->strings = corpus_file_copy(f, &u->file))) {
        free(u);
        return NULL;
    }
    u->is_file = 1;
    u->cost = SMALL_UNIT_COST;
    if (known) {
        u->known = 1;
        u->has_hash = known->has_hash && !known->seen && !known->reread;
        u->old_hash = known->hash;
        u->old_shard = known->shard;
        u->old_articles = known->articles;
        u->may_lose = may_lose;
    }
    gz_make_term(GZ_PREFIX_PATH, u->file.relpath, u->path_term,
                 sizeof u->path_term);
    return u;
}

/* The run's warning about an article with Chinese, Japanese or Korean
 * text in an index of whole runs (schema.h, GZ_META_CJK_NGRAMS). */
#define WHOLE_CJK_RUNS                                                       \
    "Chinese, Japanese or Korean text indexed as whole runs of characters, " \
    "as this index (written before Gazette indexed such text as n-grams) "   \
    "holds it: a search finds only a whole run until a run with "           \
    "gazette_update_set_full rebuilds the index (said once a run)"

/* Remember something said about one article; dropped when out of memory
 * (a lost warning is not worth failing the run). */
static void add_note(unit *u, int warning, const char *where,
                     const char *text)
{
    note *n = calloc(1, sizeof *n);
    if (!n || !(n->where = strdup(where)) || !(n->text = strdup(text))) {
        if (n) {
            free(n->where);
            free(n);
        }
        return;
    }
    n->warning = warning;
    *u->notes_tail = n;
    u->notes_tail = &n->next;
}

/* ------------------------------------------------------------- workers */

/*
 * The entity lexicon of every worker (gz_analyzer_set_names): does the
 * index, all shards together, write `word` with capitals in mid-sentence
 * (gz_index_knows_name_in)? It is asked as of each shard's last commit,
 * through one read-only view per shard, reopened when that shard has
 * committed since. Asking the writers' databases instead meant taking
 * each writer's lock, so workers waited for commits and writers for the
 * workers: a quarter of a -j2 build of aclImdb (docs/performance.md). The
 * views' locks are held for a lookup only, and only by workers (views per
 * worker would need workers x shards open databases: file descriptors).
 * And -j1 and -jN now see the same: nothing of the batch being written
 * (before, -j1 saw the articles it had just added).
 */
static xap_status refresh_view(shard_writer *sw, const char *path,
                               int afresh)
{
    unsigned commits = atomic_load(&sw->commits);
    if (sw->view && sw->view_commit == commits && !afresh)
        return XAP_OK;
    sw->view_commit = commits;
    if (afresh) {
        xap_database_free(sw->view);
        sw->view = NULL;
    }
    xap_status s = sw->view ? xap_database_reopen(sw->view, NULL)
                            : xap_database_open(path, &sw->view);
    if (s != XAP_OK) {
        xap_database_free(sw->view);
        sw->view = NULL;
    }
    return s;
}

/* lexicon_knows with the views locked: each refreshed (opened `afresh`
 * when a lookup failed before), then asked; 0 with the failure in *s. */
static int views_know(gz_pipeline *p, size_t nshards, const char *word,
                      size_t len, int afresh, xap_status *s)
{
    xap_database *open[GZ_MAX_SHARDS];
    *s = XAP_OK;
    for (size_t i = 0; *s == XAP_OK && i < nshards; i++) {
        *s = refresh_view(&p->writers[i], p->cfg.shard_paths[i], afresh);
        open[i] = p->writers[i].view;
    }
    return *s == XAP_OK && gz_index_knows_name_in(open, nshards, word, len, s);
}

/* A view read as a writer commits to its shard may fail for the race
 * (gz_shard_read_again): asked again on views opened afresh. A failure
 * that stays (a damaged shard) is the article's (*s), so the run fails
 * as on a damaged index: it was a word not known, the article's names
 * analysed as if, and the damage unsaid. */
static int lexicon_knows(const char *word, size_t len, void *ctx,
                         xap_status *s)
{
    gz_pipeline *p = ctx;
    size_t nshards = p->nwriters < GZ_MAX_SHARDS ? p->nwriters
                                                 : GZ_MAX_SHARDS;
    int known = 0;
    gz_tries tries;
    gz_tries_start_made(&tries);
    for (size_t i = 0; i < nshards; i++)   /* in shard order */
        pthread_mutex_lock(&p->writers[i].view_lock);
    do
        known = views_know(p, nshards, word, len, tries.made > 1, s);
    while (*s != XAP_OK && gz_shard_read_again(*s, &tries));
    for (size_t i = nshards; i-- > 0;)
        pthread_mutex_unlock(&p->writers[i].view_lock);
    return known;
}

/* What corpus_read_file's callbacks work on. */
typedef struct read_ctx {
    gz_pipeline *p;
    gz_analyzer *analyzer;
    unit *u;
    xap_status status;
    size_t *given;             /* a dry run: watched ids the file gives */
    size_t ngiven, capgiven;
    int recount;               /* hand_piece stopped the read: the file's
                                  articles are to be counted first */
    int withheld;              /* counted, and not read to write: it
                                  would lose too many (read_articles) */
} read_ctx;

static void on_bad_article(const char *where, const char *reason, void *ctx)
{
    add_note(((read_ctx *)ctx)->u, 0, where, reason);
}

static void on_article_warning(const char *where, const char *reason,
                               void *ctx)
{
    add_note(((read_ctx *)ctx)->u, 1, where, reason);
}

uint64_t gz_id_watch_hash(const char *term)
{
    return gz_fnv1a64(GZ_FNV_BASIS, term, strlen(term));
}

long gz_id_watch_find(const gz_id_watch *w, const char *term)
{
    uint64_t h = gz_id_watch_hash(term);
    size_t lo = 0, hi = w ? w->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h == w->hashes[mid])
            return (long)mid;
        if (h < w->hashes[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

/* A dry run only counts what corpus_read_file finds, and notes the
 * watched ids it gives (gz_id_watch), marked once the file was read
 * whole (mark_given). */
static int count_article(const corpus_article *art, void *ctx)
{
    read_ctx *rc = ctx;
    rc->u->articles++;
    if (!rc->p->cfg.watch || !rc->p->cfg.watch->n)
        return 0;
    char term[GZ_TERM_BUF];
    gz_make_term(GZ_PREFIX_ID, art->id, term, sizeof term);
    long at = gz_id_watch_find(rc->p->cfg.watch, term);
    if (at < 0)
        return 0;
    if (rc->ngiven == rc->capgiven) {
        size_t cap = rc->capgiven ? rc->capgiven * 2 : 4;
        size_t *given = realloc(rc->given, cap * sizeof *given);
        if (!given) {
            rc->status = XAP_ERR_NOMEM;
            return 1;
        }
        rc->given = given;
        rc->capgiven = cap;
    }
    rc->given[rc->ngiven++] = (size_t)at;
    return 0;
}

/* The watched ids of a file read whole: the real run writes its
 * articles, which replace the live index's articles of no file of the
 * same ids. */
static void mark_given(read_ctx *rc)
{
    for (size_t i = 0; i < rc->ngiven; i++)
        __atomic_store_n(&rc->p->cfg.watch->mark[rc->given[i]], GZ_ID_GIVEN,
                         __ATOMIC_RELAXED);
}

static xap_status send_piece(gz_pipeline *p, unit *piece);

/* The bytes of text of a piece (the chain's note above): a shard queue's
 * share, so a piece waits in a queue as a file of that size would. */
static size_t piece_bytes(const gz_pipeline *p)
{
    return p->cfg.queue_bytes > MIN_PIECE_BYTES ? p->cfg.queue_bytes
                                                : MIN_PIECE_BYTES;
}

/* Hand the documents of `rc`'s file made so far to its shard writer as a
 * piece (piece_chain), and go on with none. 1 (rc->status set) when the
 * run failed meanwhile. */
static int hand_piece(read_ctx *rc)
{
    unit *u = rc->u;
    if (!u->chain && u->known && u->may_lose != GZ_LOSE_ANY &&
        !u->counted) {
        /* The removal guards decide before a piece is written. */
        rc->recount = 1;
        return 1;
    }
    unit *piece = new_unit();
    if (piece && !u->chain && (u->chain = calloc(1, sizeof *u->chain)))
        atomic_init(&u->chain->refs, 1);
    if (!piece || !u->chain) {
        free(piece);
        rc->status = XAP_ERR_NOMEM;
        return 1;
    }
    piece->kind = UNIT_PIECE;
    piece->shard = u->shard;
    piece->delete_old = u->delete_old;
    memcpy(piece->path_term, u->path_term, sizeof piece->path_term);
    if (!(piece->strings = strdup(u->file.relpath))) {
        free(piece);
        rc->status = XAP_ERR_NOMEM;
        return 1;
    }
    piece->file.relpath = piece->strings;
    piece->chain = u->chain;
    atomic_fetch_add(&u->chain->refs, 1);
    piece->docs = u->docs;
    piece->ndocs = u->ndocs;
    piece->capdocs = u->capdocs;
    piece->cost = u->cost;
    u->pieced += u->ndocs;
    u->docs = NULL;
    u->ndocs = u->capdocs = 0;
    u->cost = SMALL_UNIT_COST;
    rc->status = send_piece(rc->p, piece);
    return rc->status != XAP_OK;
}

/* Where article `art` of file unit `u` is, for a warning: the file as
 * the walk names it (its corpus directory first, as other warnings name
 * files), then "#id" for an article of a JSON Lines file. */
static void article_where(const unit *u, const corpus_article *art,
                          char *buf, size_t size)
{
    size_t n = strlen(u->file.relpath);
    const char *tail = strncmp(art->id, u->file.relpath, n) == 0
                           ? art->id + n : "";
    snprintf(buf, size, "%s%s", u->file.path, tail);
}

/* Turn one article of the file into a document with the file's values. */
static int collect_article(const corpus_article *art, void *ctx)
{
    read_ctx *rc = ctx;
    unit *u = rc->u;
    if (u->ndocs == u->capdocs) {
        size_t cap = u->capdocs ? u->capdocs * 2 : 1;
        doc_item *docs = realloc(u->docs, cap * sizeof *docs);
        if (!docs) {
            rc->status = XAP_ERR_NOMEM;
            return 1;
        }
        u->docs = docs;
        u->capdocs = cap;
    }
    doc_item *item = &u->docs[u->ndocs];
    xap_document *doc = NULL;
    xap_status s = gz_analyze_article(rc->analyzer, &u->file, art, &doc,
                                      item->id_term);
    if (s == XAP_OK)
        s = xap_document_add_value(doc, GZ_SLOT_FILE_STAT, u->stat_value,
                                   strlen(u->stat_value));
    /* no hash ("") when the file was not hashed (gz_hash_file) */
    if (s == XAP_OK)
        s = xap_document_add_value(doc, GZ_SLOT_FILE_HASH, u->hash_value,
                                   strlen(u->hash_value));
    if (s == XAP_OK)
        s = xap_document_add_value(doc, GZ_SLOT_FILE_PATH, u->file.relpath,
                                   strlen(u->file.relpath));
    if (s != XAP_OK) {
        xap_document_free(doc);
        rc->status = s;
        return 1;
    }
    char where[4096 + 512];
    article_where(u, art, where, sizeof where);
    const char *cut = gz_analyzer_truncation(rc->analyzer);
    if (cut)
        add_note(u, 1, where, cut);
    if (gz_analyzer_whole_cjk_runs(rc->analyzer) &&
        !atomic_exchange(&rc->p->whole_cjk_noted, 1))
        add_note(u, 1, where, WHOLE_CJK_RUNS);
    item->doc = doc;
    u->ndocs++;
    u->cost += strlen(art->title) + art->body_len + 256;
    /* One article alone is no piece: a file of one huge article would
     * only be written twice (its stat set apart). */
    return u->ndocs > 1 && u->cost >= piece_bytes(rc->p) ? hand_piece(rc)
                                                         : 0;
}

/* Drop what was said about `u` so far, for a reading again that says it
 * again; the run's warning about whole CJK runs (said once a run) is
 * then due again. */
static void forget_notes(gz_pipeline *p, unit *u)
{
    for (const note *n = u->notes; n; n = n->next)
        if (strcmp(n->text, WHOLE_CJK_RUNS) == 0)
            atomic_store(&p->whole_cjk_noted, 0);
    drop_notes(u);
}

static int count_only(const corpus_article *art, void *ctx)
{
    (void)art;
    (*(size_t *)ctx)++;
    return 0;
}

/* Read the articles of rc->u: counted (a dry run) or made into documents.
 * A guarded file large enough to be written in pieces is read once more
 * first, counting its articles (u->counted), and not read to write when
 * that count would lose more than the guards allow (rc->withheld, the
 * count in u->articles, for the caller's guard check). `text`, when not
 * NULL, is what the hash inflated of a ".gz" file, taken over: the first
 * reading reads it instead of inflating the file again (the inflating
 * was most of a dry run's work, half of it done twice). */
static corpus_status read_articles(read_ctx *rc, int dry, char *text,
                                   size_t len)
{
    unit *u = rc->u;
    corpus_options opts = {.max_bytes = rc->p->cfg.max_file_bytes,
                           .on_bad_article = on_bad_article,
                           .on_warning = on_article_warning,
                           .warn_ctx = rc};
    corpus_article_fn fn = dry ? count_article : collect_article;
    corpus_status cs =
        text ? corpus_read_inflated(&u->file, &opts, text, len, fn, rc,
                                    u->reason, sizeof u->reason)
             : corpus_read_file(&u->file, &opts, fn, rc, u->reason,
                                sizeof u->reason);
    if (!rc->recount)
        return cs;
    /* Stopped at its first piece: what it read so far is read again,
     * and said again (the count's notes are those reported when the file
     * is withheld; a retry reports none: gz_pipeline_retry). */
    free_docs(u);
    forget_notes(rc->p, u);
    u->cost = SMALL_UNIT_COST;
    rc->recount = 0;
    size_t n = 0;
    cs = corpus_read_file(&u->file, &opts, count_only, &n, u->reason,
                          sizeof u->reason);
    u->counted = 1;
    if (cs == CORPUS_OK && n < u->old_articles &&
        u->old_articles - n > u->may_lose) {
        u->articles = n;
        rc->withheld = 1;
        return cs;
    }
    if (cs != CORPUS_OK)
        return cs;
    forget_notes(rc->p, u);
    return corpus_read_file(&u->file, &opts, collect_article, rc, u->reason,
                            sizeof u->reason);
}

/* The worker's part for one file: hash it, then either nothing to write
 * (same bytes: a stat refresh), a skip, or its documents. Returns XAP_OK
 * or a failure that stops the run; for a failure that is not the
 * index's (out of descriptors or memory while opening the file: not the
 * file's fault, so no skip) u->reason holds the run's message. */
static xap_status prepare_unit(gz_pipeline *p, gz_analyzer *analyzer,
                               unit *u)
{
    int dry = p->cfg.shards == NULL;
    gz_file_hash hash = {0, 0};
    gz_inflated text;   /* a ".gz" file's, else none (never when not 0) */
    /* Not hashed (1): over the size limit or no longer a regular file;
     * the reader says which, and no hash is recorded. */
    int hashed = gz_hash_file_keep(u->file.path, p->cfg.max_file_bytes,
                                   &hash, &text);
    if (hashed < 0 && corpus_errno_is_exhaustion(errno)) {
        int e = errno;
        snprintf(u->reason, sizeof u->reason, "%s: %s", u->file.path,
                 strerror(e));
        u->run_error = 1;
        return e == ENOMEM ? XAP_ERR_NOMEM : XAP_ERR_DB;
    }
    if (hashed < 0) {
        u->kind = UNIT_REPORT;   /* there, but unreadable: keep it */
        u->outcome = GZ_FILE_UNREADABLE;
        snprintf(u->reason, sizeof u->reason, "%s", strerror(errno));
        return XAP_OK;
    }
    struct timespec read_by;
    clock_gettime(CLOCK_REALTIME, &read_by);
    gz_format_stat(u->stat_value, sizeof u->stat_value, u->file.size,
                   gz_stat_mtime_to_record(u->file.mtime_ns,
                                           (int64_t)read_by.tv_sec *
                                                   1000000000LL +
                                               read_by.tv_nsec));
    u->hashed = hashed == 0;
    u->hash = hash;
    if (u->hashed)
        gz_format_hash(u->hash_value, hash.content);
    else
        u->hash_value[0] = '\0';
    /* An index written before ".gz" files were hashed by their content
     * recorded their raw bytes' hash: the same bytes, unchanged too. */
    if (hashed == 0 && u->known && u->has_hash &&
        (u->old_hash == hash.content || u->old_hash == hash.raw)) {
        free(text.text);
        u->outcome = GZ_FILE_UNCHANGED;
        u->kind = dry ? UNIT_REPORT : UNIT_REFRESH;
        u->shard = u->old_shard;
        return XAP_OK;
    }
    /* Known before reading: pieces of a large file go there. */
    u->shard = (unsigned)gz_shard_of(u->file.relpath, p->cfg.nshards);
    u->delete_old = u->known && u->old_shard == u->shard;
    read_ctx rc = {.p = p, .analyzer = analyzer, .u = u, .status = XAP_OK};
    corpus_status cs = read_articles(&rc, dry, text.text, text.len);
    if (cs == CORPUS_OK)
        mark_given(&rc);
    free(rc.given);
    if (cs == CORPUS_ERR_RESOURCES) {
        free_docs(u);
        /* "path: why" (the reader's reason, cut to fit) */
        char why[256];
        snprintf(why, sizeof why, "%.255s", u->reason);
        snprintf(u->reason, sizeof u->reason, "%.250s: %s", u->file.path,
                 why);
        u->run_error = 1;
        return XAP_ERR_DB;
    }
    if (cs == CORPUS_STOPPED || cs == CORPUS_ERR_NOMEM) {
        free_docs(u);
        return rc.status != XAP_OK ? rc.status : XAP_ERR_NOMEM;
    }
    if (!dry && !rc.withheld)
        u->articles = u->ndocs + u->pieced;
    u->kind = dry ? UNIT_REPORT : UNIT_WRITE;
    if (cs != CORPUS_OK) {
        /* Nothing is written for a skipped file. One that cannot be read
         * keeps its old articles (it may be back tomorrow); one that reads
         * but holds no article any more (emptied, binary, too large,
         * malformed) is reported as such, and the caller removes its old
         * articles with the vanished files', under the removal guards. */
        free_docs(u);
        u->articles = 0;
        u->outcome = cs == CORPUS_SKIP_UNREADABLE ? GZ_FILE_UNREADABLE
                     : u->known                   ? GZ_FILE_SKIPPED_GONE
                                                  : GZ_FILE_SKIPPED;
        u->kind = UNIT_REPORT;
        return XAP_OK;
    }
    if (u->known && u->may_lose != GZ_LOSE_ANY &&
        u->articles < u->old_articles &&
        u->old_articles - u->articles > u->may_lose) {
        /* It would lose articles: the removal guards decide once the run
         * has seen every file; until then the index keeps the old ones
         * (and their stat, so a later run looks at it again). Its
         * documents are not kept meanwhile: it is read again if allowed
         * (gz_pipeline_retry), so memory stays bounded. */
        free_docs(u);
        u->outcome = GZ_FILE_SHRUNK;
        u->kind = UNIT_REPORT;
        return XAP_OK;
    }
    u->outcome = u->known ? GZ_FILE_UPDATED : GZ_FILE_ADDED;
    if (!dry && u->known && u->old_shard != u->shard) {
        /* Written under another shard count: move it. */
        unit *del = new_unit();
        if (!del)
            return XAP_ERR_NOMEM;
        del->kind = UNIT_DELETE;
        del->shard = u->old_shard;
        del->cost = SMALL_UNIT_COST;
        memcpy(del->path_term, u->path_term, sizeof del->path_term);
        u->extra = del;
    }
    return XAP_OK;
}

/* ------------------------------------------------------------- writers */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Commit one shard as it stands. */
static xap_status commit_now(shard_writer *sw)
{
    sw->last_commit = now_seconds();
    xap_status s = xap_writable_commit(sw->db);
    if (s == XAP_OK)
        atomic_fetch_add(&sw->commits, 1);
    sw->pending = 0;
    sw->pending_bytes = 0;
    return s;
}

/* The paths of the shards other than `sw`'s, into others (room for
 * GZ_MAX_SHARDS); returns how many. */
static size_t other_shards(const shard_writer *sw, const char **others)
{
    const gz_pipeline *p = sw->p;
    size_t nother = 0;
    for (size_t i = 0; p->cfg.shard_paths && i < p->nwriters; i++)
        if (i != sw->index && nother < GZ_MAX_SHARDS)
            others[nother++] = p->cfg.shard_paths[i];
    return nother;
}

/* Commit a full batch of one shard. The spelling words counted so far go
 * in only at the end of the run (commit_spelling), or here when their
 * table outgrows an eighth of the batch's share of memory (Xapian's merge
 * then takes about ten times the table: every word's trigrams): Xapian
 * rewrites (and recompresses) every spelling entry a commit touches, so
 * merging them rarely costs far less than once a batch. Such a flush asks
 * what the other shards have committed about the words seen once, and
 * comes after this shard's commit (its words are committed with the next
 * batch): of two articles of a word in two shards, the shard that flushes
 * later then finds the other's committed. (A run killed before the end
 * leaves the words of its files out of "did you mean"; the index itself
 * is whole.) */
static xap_status commit_batch(shard_writer *sw)
{
    xap_status s = commit_now(sw);
    if (s == XAP_OK &&
        gz_spelling_bytes(&sw->spelling) > sw->p->cfg.batch_bytes / 8) {
        const char *others[GZ_MAX_SHARDS];
        size_t nother = other_shards(sw, others);
        s = gz_spelling_flush(&sw->spelling, sw->db, others, nother);
    }
    return s;
}

/* The run's last spelling words of one shard, and their commit: called
 * once every shard has committed all its articles, so that the other
 * shards' databases, which gz_spelling_flush_last reads, hold this run's
 * additions and deletions too. */
static xap_status commit_spelling(shard_writer *sw)
{
    const char *others[GZ_MAX_SHARDS];
    size_t nother = other_shards(sw, others);
    xap_status s = gz_spelling_flush_last(&sw->spelling, sw->db,
                                          sw->p->spellings, sw->p->nwriters,
                                          others, nother);
    return s == XAP_OK ? commit_now(sw) : s;
}

typedef struct docid_buf {
    xap_docid *next, *end;
} docid_buf;

static int collect_docid(xap_docid id, void *ctx)
{
    docid_buf *b = ctx;
    if (b->next == b->end)
        return 1;
    *b->next++ = id;
    return 0;
}

/* The docids of the documents under `term` in shard `sw`, ascending, into
 * a new array *ids (NULL when none) of *n. */
static xap_status term_docids(shard_writer *sw, const char *term,
                              xap_docid **ids, size_t *n)
{
    xap_database *view = xap_writable_database(sw->db);
    uint32_t freq = 0;
    *ids = NULL;
    *n = 0;
    xap_status s = xap_database_termfreq(view, term, &freq);
    if (s != XAP_OK || freq == 0)
        return s;
    if (!(*ids = calloc(freq, sizeof **ids)))
        return XAP_ERR_NOMEM;
    docid_buf buf = {*ids, *ids + freq};
    s = xap_database_each_posting(view, term, collect_docid, &buf);
    *n = (size_t)(buf.next - *ids);
    return s;
}

/* The file was touched but its bytes are the same: record the new stat on
 * its documents so the next run needs a stat only. Docids are kept. */
static xap_status refresh_stat(shard_writer *sw, const unit *u)
{
    xap_database *view = xap_writable_database(sw->db);
    xap_docid *ids = NULL;
    size_t n = 0;
    xap_status s = term_docids(sw, u->path_term, &ids, &n);
    for (size_t i = 0; s == XAP_OK && i < n; i++) {
        xap_document *doc = NULL;
        s = xap_database_get_document(view, ids[i], &doc);
        if (s == XAP_OK)
            s = xap_document_add_value(doc, GZ_SLOT_FILE_STAT, u->stat_value,
                                       strlen(u->stat_value));
        /* Documents written before the path slot existed get it now. */
        if (s == XAP_OK)
            s = xap_document_add_value(doc, GZ_SLOT_FILE_PATH,
                                       u->file.relpath,
                                       strlen(u->file.relpath));
        if (s == XAP_OK)
            s = xap_writable_replace_document(sw->db, ids[i], doc);
        xap_document_free(doc);
        sw->pending++;
    }
    free(ids);
    return s;
}

/* The GZ_SLOT_FILE_BAD value of file unit `u` into buf: its bad articles
 * (notes "path:line"), how many and the first; "" when none. */
static void bad_lines_value(const unit *u, char *buf, size_t size)
{
    uint32_t count = 0;
    const note *first = NULL;
    for (const note *n = u->notes; n; n = n->next) {
        if (n->warning)
            continue;
        if (!first)
            first = n;
        if (count < UINT32_MAX)
            count++;
    }
    buf[0] = '\0';
    if (!first)
        return;
    size_t len = strlen(u->file.path);
    const char *at = strncmp(first->where, u->file.path, len) == 0 &&
                             first->where[len] == ':'
                         ? first->where + len + 1 : "";
    char *end;
    unsigned long long line = strtoull(at, &end, 10);
    gz_format_bad_lines(buf, size, count, *end ? 0 : line, first->text);
}

/* Docid `id` was written: one of the file's old documents when in
 * c->old (a replaced document keeps its docid), which is then kept. */
static void mark_kept(piece_chain *c, xap_docid id)
{
    size_t lo = 0, hi = c->nold;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->old[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->nold && c->old[lo] == id)
        c->kept[lo] = 1;
}

/* Write the documents of `u` by their id terms (two roots may hold the
 * same path), noting for its chain which of the file's old documents
 * each replaced, and count their words for spelling. */
static xap_status write_docs(shard_writer *sw, unit *u)
{
    xap_status s = XAP_OK;
    for (size_t i = 0; s == XAP_OK && i < u->ndocs; i++) {
        xap_docid id = 0;
        s = xap_writable_replace_document_by_term(sw->db, u->docs[i].id_term,
                                                  u->docs[i].doc, &id);
        if (s == XAP_OK && u->chain)
            mark_kept(u->chain, id);
        if (s == XAP_OK)
            s = gz_spelling_add_document(&sw->spelling, u->docs[i].doc);
    }
    return s;
}

/* First piece of a file: the docids of its documents from before, which
 * its last step deletes unless an article replaced them (none when it
 * was in another shard: the file's extra unit deletes those). */
static xap_status look_up_old(shard_writer *sw, const unit *u)
{
    piece_chain *c = u->chain;
    if (c->looked)
        return XAP_OK;
    c->looked = 1;
    if (!u->delete_old)
        return XAP_OK;
    xap_status s = term_docids(sw, u->path_term, &c->old, &c->nold);
    if (s == XAP_OK && c->nold && !(c->kept = calloc(c->nold, 1)))
        s = XAP_ERR_NOMEM;
    return s;
}

/* The last piece: delete the file's old documents no article replaced. */
static xap_status delete_unkept(shard_writer *sw, const piece_chain *c)
{
    xap_status s = XAP_OK;
    for (size_t i = 0; s == XAP_OK && i < c->nold; i++)
        if (!c->kept[i]) {
            s = xap_writable_delete_document(sw->db, c->old[i]);
            sw->pending++;
        }
    return s;
}

/* Set the stat, hash, path and (when not "") bad lines values of the
 * lowest document of `u`'s path, the one the file map reads: the lowest
 * with a path value, which a document written before the path slot
 * existed lacks, so it gets one. */
static xap_status mark_lowest(shard_writer *sw, const unit *u,
                              const char *stat, const char *hash,
                              const char *bad)
{
    xap_database *view = xap_writable_database(sw->db);
    xap_docid id = 0;
    xap_document *doc = NULL;
    xap_status s = xap_database_first_posting(view, u->path_term, &id);
    if (s == XAP_OK)
        s = xap_database_get_document(view, id, &doc);
    if (s == XAP_OK)
        s = xap_document_add_value(doc, GZ_SLOT_FILE_STAT, stat,
                                   strlen(stat));
    if (s == XAP_OK)
        s = xap_document_add_value(doc, GZ_SLOT_FILE_HASH, hash,
                                   strlen(hash));
    if (s == XAP_OK)
        s = xap_document_add_value(doc, GZ_SLOT_FILE_PATH, u->file.relpath,
                                   strlen(u->file.relpath));
    if (s == XAP_OK && bad[0])
        s = xap_document_add_value(doc, GZ_SLOT_FILE_BAD, bad, strlen(bad));
    if (s == XAP_OK)
        s = xap_writable_replace_document(sw->db, id, doc);
    xap_document_free(doc);
    return s;
}

/* Commit or cancel a file's transaction as `s` says; count what it
 * wrote towards the shard's batch. */
static xap_status end_transaction(shard_writer *sw, const unit *u,
                                  xap_status s)
{
    if (s == XAP_OK)
        s = xap_writable_commit_transaction(sw->db);
    else
        xap_writable_cancel_transaction(sw->db);
    sw->pending += (unsigned)u->ndocs;
    sw->pending_bytes += u->cost;
    return s;
}

/* A piece of a large file (piece_chain), in a transaction of its own
 * that leaves the file marked as partly written. */
static xap_status write_piece(shard_writer *sw, unit *u)
{
    xap_status s = xap_writable_begin_transaction(sw->db, 0);
    if (s != XAP_OK)
        return s;
    s = look_up_old(sw, u);
    if (s == XAP_OK)
        s = write_docs(sw, u);
    if (s == XAP_OK)
        s = mark_lowest(sw, u, GZ_STAT_PARTIAL, "", "");
    return end_transaction(sw, u, s);
}

/* Write a file's documents in one transaction: Xapian's own automatic
 * commit (every XAPIAN_FLUSH_THRESHOLD changes) must not land inside a
 * file, or a run killed then would leave part of the file under its new
 * stat, which later runs take for unchanged. A file written in pieces
 * ends here: its old documents no article replaced go, and its lowest
 * document gets the file's stat. */
static xap_status write_file(shard_writer *sw, unit *u)
{
    xap_status s = xap_writable_begin_transaction(sw->db, 0);
    if (s != XAP_OK)
        return s;
    char bad[600];
    bad_lines_value(u, bad, sizeof bad);
    if (u->chain) {
        s = write_docs(sw, u);
        if (s == XAP_OK)
            s = delete_unkept(sw, u->chain);
        if (s == XAP_OK)
            s = mark_lowest(sw, u, u->stat_value, u->hash_value, bad);
        return end_transaction(sw, u, s);
    }
    if (u->delete_old)
        s = xap_writable_delete_document_by_term(sw->db, u->path_term);
    /* On the first article only: the one the file map reads (the
     * file's lowest docid, as its articles are added in order). */
    if (s == XAP_OK && bad[0] && u->ndocs)
        s = xap_document_add_value(u->docs[0].doc, GZ_SLOT_FILE_BAD, bad,
                                   strlen(bad));
    if (s == XAP_OK)
        s = write_docs(sw, u);
    return end_transaction(sw, u, s);
}

static xap_status delete_file(shard_writer *sw, const unit *u)
{
    uint32_t n = 0;
    xap_status s = xap_database_termfreq(xap_writable_database(sw->db),
                                         u->path_term, &n);
    if (s == XAP_OK && n)
        s = xap_writable_delete_document_by_term(sw->db, u->path_term);
    sw->pending += n;
    return s;
}

/* Apply one unit to its shard, then commit when the batch is full.
 * Commits fall between units: between files, or between the pieces of
 * a file too large for memory (piece_chain). */
static xap_status apply_unit(shard_writer *sw, unit *u)
{
    xap_status s = XAP_OK;
    /* The writer thread alone counts this shard's commits: the next one
     * carries u (commit_batch below, or a later one). */
    u->needs = u->kind == UNIT_REPORT ? 0 : atomic_load(&sw->commits) + 1;
    switch (u->kind) {
    case UNIT_WRITE: s = write_file(sw, u); break;
    case UNIT_REFRESH: s = refresh_stat(sw, u); break;
    case UNIT_DELETE: s = delete_file(sw, u); break;
    case UNIT_PIECE: s = write_piece(sw, u); break;
    case UNIT_REPORT: break;
    }
    free_docs(u);
    const gz_pipeline_config *cfg = &sw->p->cfg;
    if (s == XAP_OK &&
        ((sw->pending >= cfg->batch &&
          now_seconds() - sw->last_commit >= MIN_COMMIT_SECONDS) ||
         sw->pending_bytes >= cfg->batch_bytes))
        s = commit_batch(sw);
    return s;
}

/* ------------------------------------------------------ shared state */

/* Record the first failure (with the calling thread's Xapian message,
 * also kept whole as its cause) and wake everyone so they stop. Called
 * with the lock held. */
static void fail_locked(gz_pipeline *p, xap_status s, const char *where)
{
    if (p->status == XAP_OK) {
        p->status = s;
        snprintf(p->cause, sizeof p->cause, "%s",
                 s == XAP_ERR_NOMEM ? "" : xap_last_error());
        snprintf(p->err, sizeof p->err, "%s: %s", where,
                 s == XAP_ERR_NOMEM ? "out of memory" : xap_last_error());
    }
    pthread_cond_broadcast(&p->main_wake);
    pthread_cond_broadcast(&p->job_wake);
    pthread_cond_broadcast(&p->room_wake);
    for (size_t i = 0; i < p->nwriters; i++)
        pthread_cond_broadcast(&p->writers[i].wake);
}

/* The words a full disk under the database at `db` is said in, after
 * "DB: writing the index: " (no ": " after them), into `out` (`len` bytes), when the shim's
 * last message says the disk (or the user's quota on it) is full; else
 * "". Xapian names the block it could not write, which tells an operator
 * nothing: the file system to free room on is what they need. */
static void say_disk_full(const char *db, char *out, size_t len)
{
    const char *msg = xap_last_error();
    const char *full = strstr(msg, "(No space left on device)")
                           ? "is full"
                           : strstr(msg, "(Disk quota exceeded)")
                                 ? "is over its disk quota"
                                 : NULL;
    char mount[256];
    out[0] = '\0';
    if (!full)
        return;
    if (db && gz_path_mount_point(db, mount, sizeof mount) == 0)
        snprintf(out, len, "the file system it is on (mounted on %s) %s",
                 gz_path_tail(mount, 120), full);
    else
        snprintf(out, len, "the file system it is on %s", full);
}

/* fail_locked for a failure of shard `sw` while `what` ("committing the
 * index"): the message names the shard's database, so a cron log says
 * which index (and which of its shards) ran out of room, and on a full
 * disk says so and where it is mounted. */
static void fail_shard_locked(shard_writer *sw, xap_status s,
                              const char *what)
{
    const gz_pipeline *p = sw->p;
    const char *db = p->cfg.shard_paths ? p->cfg.shard_paths[sw->index]
                                        : NULL;
    char full[200];
    say_disk_full(db, full, sizeof full);
    char where[400];   /* fits in p->err with the reason after it */
    snprintf(where, sizeof where, "%s%s%s%s%s", db ? db : "", db ? ": " : "",
             what, full[0] ? ": " : "", full);
    fail_locked(sw->p, s, where);
}

/* fail_locked for the failure of unit `u` (its own message when it has
 * one, else `where` and the shim's). */
static void fail_unit_locked(gz_pipeline *p, xap_status s, const unit *u,
                             const char *where)
{
    if (u->run_error && p->status == XAP_OK) {
        p->status = s;
        p->cause[0] = '\0';   /* a system call's, not Xapian's */
        snprintf(p->err, sizeof p->err, "%s", u->reason);
    }
    fail_locked(p, s, where);
}

/* The stop flag is set by a signal handler (or another thread) and read
 * here by every thread: an atomic load, as volatile alone does not make
 * a read from another thread defined in C11. */
static int stop_requested(const gz_pipeline *p)
{
    return p->cfg.stop && __atomic_load_n(p->cfg.stop, __ATOMIC_RELAXED);
}

/* Whether shard writer `sw`'s queue takes a unit of `cost` bytes now:
 * an empty queue always does, so a file over the bound still goes. */
static int queue_takes_locked(const gz_pipeline *p, const shard_writer *sw,
                              size_t cost)
{
    return !sw->queue.head ||
           (sw->queue.bytes + cost <= p->cfg.queue_bytes &&
            sw->queue.count < MAX_QUEUED_UNITS);
}

/* The bytes of text `u` is expected to hold (corpus_text_size_hint:
 * those of a ".gz" inflated, from its trailer), as far as whether they
 * are over `share` goes, read with p->mu, which is held, let go
 * meanwhile. By its size on disk, a 4 MB ".gz" of a 50 MB line was a
 * small file, and two workers held two such at once. */
static size_t text_size_locked(gz_pipeline *p, const unit *u, size_t share)
{
    pthread_mutex_unlock(&p->mu);
    uint64_t size = corpus_text_size_hint(&u->file, share);
    pthread_mutex_lock(&p->mu);
    return size < SIZE_MAX ? (size_t)size : SIZE_MAX;
}

/* Let a worker go on with file unit `u` (p->mu held), waiting first when
 * it is large: over its worker's share of cfg.large_bytes (the bytes of
 * text, text_size_locked), it waits until the other large files admitted
 * leave it room, or are all written. A file costs several times its size
 * while it is read, analysed and written (a 50 MB line some 200 MB), so
 * two workers each holding one took twice what one file takes, whatever
 * --memory said; small files never wait. */
static void admit_locked(gz_pipeline *p, unit *u)
{
    size_t bound = p->cfg.large_bytes;
    if (!p->threaded || !bound)
        return;
    size_t size = text_size_locked(p, u, bound / p->nworkers);
    if (size <= bound / p->nworkers)
        return;
    while (p->status == XAP_OK && p->large_out &&
           (p->large_out > bound || size > bound - p->large_out))
        pthread_cond_wait(&p->room_wake, &p->mu);
    p->large_out += size;
    u->admitted = size;
}

/* `u` is done with (written, reported, or dropped): what admit_locked
 * counted of it is free again (p->mu held). */
static void settle_locked(gz_pipeline *p, unit *u)
{
    if (!u->admitted)
        return;
    p->large_out -= u->admitted;
    u->admitted = 0;
    pthread_cond_broadcast(&p->room_wake);
}

/* Queue `u` (and its extra deletion) for its shard writer, waiting while
 * that queue is over its byte bound; or straight to `done` when there is
 * nothing to write. Called with the lock held; takes `u`. */
static void route_locked(gz_pipeline *p, unit *u)
{
    while (u) {
        unit *extra = u->extra;
        u->extra = NULL;
        if (u->kind == UNIT_REPORT) {
            settle_locked(p, u);
            push(&p->done, u);
            pthread_cond_signal(&p->main_wake);
        } else {
            shard_writer *sw = &p->writers[u->shard];
            while (p->status == XAP_OK && !queue_takes_locked(p, sw, u->cost))
                pthread_cond_wait(&p->room_wake, &p->mu);
            if (p->status != XAP_OK) {
                settle_locked(p, u);
                free_unit(u);
                free_unit(extra);
                return;
            }
            push(&sw->queue, u);
            pthread_cond_signal(&sw->wake);
        }
        u = extra;
    }
}

/* A worker's piece of a large file (hand_piece) to its shard writer:
 * queued behind the shard's other units, waiting for room as any file
 * does, or without threads written at once. Takes `piece`; returns the
 * run's status. */
static xap_status send_piece(gz_pipeline *p, unit *piece)
{
    if (!p->threaded) {
        xap_status s = apply_unit(&p->writers[piece->shard], piece);
        /* The index's failure, not the file's being read: said so here,
         * before run_inline would name the file. */
        if (s != XAP_OK)
            fail_shard_locked(&p->writers[piece->shard], s,
                              "writing the index");
        free_unit(piece);
        return s;
    }
    pthread_mutex_lock(&p->mu);
    route_locked(p, piece);
    xap_status s = p->status;
    pthread_mutex_unlock(&p->mu);
    return s;
}

/* The next job for a worker: the first whose shard's queue has room, else
 * the oldest. A shard writer stalls for the length of a commit while the
 * other shards' writers go on; taking the jobs in order, every worker
 * would soon hold an analysed file for the stalled shard and wait, and
 * the other writers would run dry. NULL when there is no job. */
static unit *take_job_locked(gz_pipeline *p)
{
    unit *prev = NULL;
    for (unit *u = p->jobs.head; u; prev = u, u = u->next)
        if (u->likely_shard >= p->nwriters ||
            queue_takes_locked(p, &p->writers[u->likely_shard], 1)) {
            unlink_after(&p->jobs, prev, u);
            return u;
        }
    return pop(&p->jobs);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    gz_pipeline *p = w->p;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->jobs.head && !p->closing_jobs)
            pthread_cond_wait(&p->job_wake, &p->mu);
        unit *u = take_job_locked(p);
        if (!u)
            break;
        pthread_cond_signal(&p->main_wake);   /* room for another job */
        admit_locked(p, u);   /* may wait: a stop is looked at after */
        if (p->status != XAP_OK || stop_requested(p)) {
            p->dropped |= p->status == XAP_OK;
            settle_locked(p, u);
            free_unit(u);   /* not started: not counted either */
            continue;
        }
        pthread_mutex_unlock(&p->mu);
        xap_status s = prepare_unit(p, w->analyzer, u);
        pthread_mutex_lock(&p->mu);
        if (s != XAP_OK) {
            fail_unit_locked(p, s, u, u->file.path);
            settle_locked(p, u);
            free_unit(u);
        } else {
            route_locked(p, u);
        }
    }
    p->workers_alive--;
    pthread_cond_broadcast(&p->main_wake);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Wait (p->mu held) until every writer has committed its last article, so
 * that the spelling tables and the shard databases the last commit reads
 * (commit_spelling) no longer change, or until something failed. */
static void wait_for_peers_locked(shard_writer *sw)
{
    gz_pipeline *p = sw->p;
    if (++p->writers_counted == p->writers_alive)
        for (size_t i = 0; i < p->nwriters; i++)
            pthread_cond_broadcast(&p->writers[i].wake);
    while (p->status == XAP_OK && p->writers_counted < p->writers_alive)
        pthread_cond_wait(&sw->wake, &p->mu);
}

/* Run `commit` (commit_now or commit_spelling) on `sw` with p->mu, which
 * is held, let go meanwhile; a failure fails the pipeline. */
static void commit_unlocked(shard_writer *sw,
                            xap_status (*commit)(shard_writer *))
{
    pthread_mutex_unlock(&sw->p->mu);
    xap_status s = commit(sw);
    pthread_mutex_lock(&sw->p->mu);
    if (s != XAP_OK)
        fail_shard_locked(sw, s, "committing the index");
}

static void *writer_main(void *arg)
{
    shard_writer *sw = arg;
    gz_pipeline *p = sw->p;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!sw->queue.head && !p->closing_writers)
            pthread_cond_wait(&sw->wake, &p->mu);
        unit *u = pop(&sw->queue);
        if (!u)
            break;
        pthread_cond_broadcast(&p->room_wake);
        if (p->status != XAP_OK) {
            settle_locked(p, u);
            free_unit(u);
            continue;
        }
        pthread_mutex_unlock(&p->mu);
        xap_status s = apply_unit(sw, u);
        pthread_mutex_lock(&p->mu);
        settle_locked(p, u);
        if (s != XAP_OK) {
            fail_shard_locked(sw, s, "writing the index");
            free_unit(u);
        } else {
            push(&p->done, u);
            pthread_cond_signal(&p->main_wake);
        }
    }
    /* The end: articles first, in every shard, then spelling words (one
     * commit for both when there is one shard). */
    if (p->commit_at_end && p->status == XAP_OK && p->nwriters > 1)
        commit_unlocked(sw, commit_now);
    if (p->commit_at_end && p->status == XAP_OK)
        wait_for_peers_locked(sw);
    if (p->commit_at_end && p->status == XAP_OK)
        commit_unlocked(sw, commit_spelling);
    p->writers_alive--;
    pthread_cond_broadcast(&p->main_wake);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ------------------------------------------------ the caller's thread */

/* Note reported unit `u` in its shard's tally of what waits for a
 * commit, when it wrote something that counts: a file added or updated,
 * a vanished file's deletion. */
static void tally_reported(gz_pipeline *p, const unit *u)
{
    int added = u->is_file && u->outcome == GZ_FILE_ADDED;
    int updated = u->is_file && u->outcome == GZ_FILE_UPDATED;
    if (!u->needs || u->shard >= p->nwriters ||
        !(added || updated || u->vanished))
        return;
    shard_writer *sw = &p->writers[u->shard];
    if (sw->last_needs != u->needs) {
        sw->last_needs = u->needs;
        memset(&sw->last, 0, sizeof sw->last);
    }
    sw->last.added += added;
    sw->last.updated += updated;
    sw->last.removed += u->vanished;
}

/* Report finished units through the hooks and free them. */
static void deliver(gz_pipeline *p, unit *u)
{
    const gz_pipeline_hooks *h = &p->cfg.hooks;
    for (unit *next; u; u = next) {
        next = u->next;
        u->next = NULL;
        for (note *n = u->retry ? NULL : u->notes; n; n = n->next) {
            if (n->warning && h->warning)
                h->warning(n->where, n->text, h->ctx);
            else if (!n->warning && h->bad_article)
                h->bad_article(n->where, n->text, h->ctx);
        }
        if (u->is_file)
            p->files_out--;
        tally_reported(p, u);
        if (u->is_file && h->file_done)
            h->file_done(&u->file, u->outcome, u->reason, u->articles,
                         u->hashed ? &u->hash : NULL, h->ctx);
        if (u->vanished && h->removed)
            h->removed(u->path_term, h->ctx);
        free_unit(u);
    }
}

/* Take the finished units out of the queue (lock held). */
static unit *take_done_locked(gz_pipeline *p)
{
    unit *u = p->done.head;
    p->done = (unit_queue){0};
    return u;
}

/* Without threads: do the work of a worker and a writer at once. A
 * failure to write is the index's (a full disk), named as a writer
 * thread names it, not the file's whose articles were being written. */
static void run_inline(gz_pipeline *p, unit *u)
{
    xap_status s = XAP_OK;
    if (u->is_file)
        s = prepare_unit(p, p->workers[0].analyzer, u);
    if (s != XAP_OK)
        fail_unit_locked(p, s, u, u->file.path);   /* only files prepare */
    for (unit *v = u; s == XAP_OK && v; v = v->extra)
        if (v->kind != UNIT_REPORT &&
            (s = apply_unit(&p->writers[v->shard], v)) != XAP_OK)
            fail_shard_locked(&p->writers[v->shard], s, "writing the index");
    if (s != XAP_OK) {
        free_unit(u);
        return;
    }
    deliver(p, u);
}

/* One step of the calling thread's wait, p->mu held: report a finished
 * file when there is one (the lock let go meanwhile), else sleep until a
 * thread signals. */
static void deliver_or_wait_locked(gz_pipeline *p)
{
    unit *done = take_done_locked(p);
    if (done) {
        pthread_mutex_unlock(&p->mu);
        deliver(p, done);
        pthread_mutex_lock(&p->mu);
    } else {
        pthread_cond_wait(&p->main_wake, &p->mu);
    }
}

/* Hand `u` to the workers (to a writer when `direct`), waiting for room
 * and reporting finished files meanwhile. */
static xap_status submit(gz_pipeline *p, unit *u, int direct)
{
    if (!p->threaded) {
        if (p->status == XAP_OK)
            run_inline(p, u);
        else
            free_unit(u);
        return p->status;
    }
    pthread_mutex_lock(&p->mu);
    while (p->status == XAP_OK && !direct && p->jobs.count >= p->max_jobs)
        deliver_or_wait_locked(p);
    if (p->status != XAP_OK) {
        free_unit(u);
    } else if (direct) {
        route_locked(p, u);
    } else {
        push(&p->jobs, u);
        pthread_cond_signal(&p->job_wake);
    }
    unit *done = take_done_locked(p);
    xap_status s = p->status;
    pthread_mutex_unlock(&p->mu);
    deliver(p, done);
    return s;
}

static xap_status submit_file(gz_pipeline *p, const corpus_file *file,
                              const gz_file_entry *known, uint64_t may_lose,
                              int retry)
{
    unit *u = file_unit(file, known, may_lose);
    if (!u) {
        pthread_mutex_lock(&p->mu);
        fail_locked(p, XAP_ERR_NOMEM, file->path);
        pthread_mutex_unlock(&p->mu);
        return p->status;
    }
    u->retry = retry;
    p->files_out++;
    /* Unchanged or changed, a known file mostly stays where it is. */
    u->likely_shard = known ? known->shard
                            : (unsigned)gz_shard_of(file->relpath,
                                                    p->cfg.nshards);
    return submit(p, u, 0);
}

xap_status gz_pipeline_file(gz_pipeline *p, const corpus_file *file,
                            const gz_file_entry *known, uint64_t may_lose)
{
    return submit_file(p, file, known, may_lose, 0);
}

xap_status gz_pipeline_retry(gz_pipeline *p, const corpus_file *file,
                             const gz_file_entry *known, uint64_t may_lose)
{
    return submit_file(p, file, known, may_lose, 1);
}

xap_status gz_pipeline_delete(gz_pipeline *p, unsigned shard,
                              const char *term)
{
    unit *u = new_unit();
    if (!u || shard >= p->nwriters) {
        free(u);
        pthread_mutex_lock(&p->mu);
        fail_locked(p, u ? XAP_ERR_INVALID_ARG : XAP_ERR_NOMEM, term);
        pthread_mutex_unlock(&p->mu);
        return p->status;
    }
    u->kind = p->cfg.shards ? UNIT_DELETE : UNIT_REPORT;
    u->vanished = 1;
    u->shard = shard;
    u->cost = SMALL_UNIT_COST;
    snprintf(u->path_term, sizeof u->path_term, "%s", term);
    return submit(p, u, 1);
}

xap_status gz_pipeline_settle(gz_pipeline *p)
{
    if (!p->threaded)
        return p->status;   /* each file was done when handed over */
    pthread_mutex_lock(&p->mu);
    while (p->status == XAP_OK && !p->dropped && !stop_requested(p) &&
           (p->files_out > 0 || p->done.head))
        deliver_or_wait_locked(p);
    xap_status s = p->status;
    pthread_mutex_unlock(&p->mu);
    return s;
}

/* Wait (lock held) until *count is 0, reporting finished files. */
static void wait_for_zero(gz_pipeline *p, const unsigned *count)
{
    while (*count > 0 || p->done.head)
        deliver_or_wait_locked(p);
}

/* Stop and join every thread (work still queued is done first, unless
 * something failed). */
static void join_all(gz_pipeline *p, int commit)
{
    if (!p->threaded)
        return;
    pthread_mutex_lock(&p->mu);
    p->closing_jobs = 1;
    pthread_cond_broadcast(&p->job_wake);
    wait_for_zero(p, &p->workers_alive);
    p->commit_at_end = commit;
    p->closing_writers = 1;
    for (size_t i = 0; i < p->nwriters; i++)
        pthread_cond_broadcast(&p->writers[i].wake);
    wait_for_zero(p, &p->writers_alive);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->nworkers; i++)
        if (p->workers[i].started)
            pthread_join(p->workers[i].thread, NULL);
    for (size_t i = 0; i < p->nwriters; i++)
        if (p->writers[i].started)
            pthread_join(p->writers[i].thread, NULL);
    p->threaded = 0;
}

/* Without threads, the end of a run as the writers do it (writer_main):
 * every shard's articles, then every shard's spelling words; one commit
 * for both when there is one shard. */
static void commit_inline(gz_pipeline *p)
{
    for (int step = p->nwriters > 1 ? 0 : 1; step < 2; step++)
        for (size_t i = 0; p->status == XAP_OK && i < p->nwriters; i++) {
            shard_writer *sw = &p->writers[i];
            xap_status s = step == 0 ? commit_now(sw) : commit_spelling(sw);
            if (s != XAP_OK)
                fail_shard_locked(sw, s, "committing the index");
        }
}

xap_status gz_pipeline_finish(gz_pipeline *p, int commit, char *err,
                              size_t errlen)
{
    int was_threaded = p->threaded;
    join_all(p, commit && p->cfg.shards);
    if (!was_threaded && commit && p->cfg.shards)
        commit_inline(p);
    if (p->status != XAP_OK)
        snprintf(err, errlen, "%s", p->err);
    return p->status;
}

const char *gz_pipeline_cause(const gz_pipeline *p)
{
    return p->status != XAP_OK ? p->cause : NULL;
}

void gz_pipeline_uncommitted(gz_pipeline *p, gz_pipeline_tally *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < p->nwriters; i++) {
        const shard_writer *sw = &p->writers[i];
        if (sw->last_needs && atomic_load(&sw->commits) < sw->last_needs) {
            out->added += sw->last.added;
            out->updated += sw->last.updated;
            out->removed += sw->last.removed;
        }
    }
}

int gz_pipeline_dropped(gz_pipeline *p)
{
    pthread_mutex_lock(&p->mu);
    int dropped = p->dropped;
    pthread_mutex_unlock(&p->mu);
    return dropped;
}

void gz_pipeline_free(gz_pipeline *p)
{
    if (!p)
        return;
    if (p->threaded) {
        /* Abandoned: make everyone drop their work, then join. */
        pthread_mutex_lock(&p->mu);
        if (p->status == XAP_OK)
            fail_locked(p, XAP_ERR_UNKNOWN, "abandoned");
        pthread_mutex_unlock(&p->mu);
        join_all(p, 0);
    }
    free_unit(take_done_locked(p));
    free_unit(p->jobs.head);
    /* workers or writers is NULL when its allocation failed */
    for (unsigned i = 0; p->workers && i < p->nworkers; i++)
        gz_analyzer_free(p->workers[i].analyzer);
    for (size_t i = 0; p->writers && i < p->nwriters; i++) {
        free_unit(p->writers[i].queue.head);
        gz_spelling_free(&p->writers[i].spelling);
        pthread_cond_destroy(&p->writers[i].wake);
        xap_database_free(p->writers[i].view);
        pthread_mutex_destroy(&p->writers[i].view_lock);
    }
    free(p->workers);
    free(p->writers);
    free(p->spellings);
    pthread_cond_destroy(&p->main_wake);
    pthread_cond_destroy(&p->job_wake);
    pthread_cond_destroy(&p->room_wake);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

/* Start the threads; on failure the ones started are told to stop. */
static xap_status start_threads(gz_pipeline *p)
{
    p->threaded = 1;
    for (unsigned i = 0; i < p->nworkers; i++) {
        if (pthread_create(&p->workers[i].thread, NULL, worker_main,
                           &p->workers[i]) != 0)
            return XAP_ERR_NOMEM;
        p->workers[i].started = 1;
        p->workers_alive++;
    }
    for (size_t i = 0; p->cfg.shards && i < p->nwriters; i++) {
        if (pthread_create(&p->writers[i].thread, NULL, writer_main,
                           &p->writers[i]) != 0)
            return XAP_ERR_NOMEM;
        p->writers[i].started = 1;
        p->writers_alive++;
    }
    return XAP_OK;
}

xap_status gz_pipeline_new(const gz_pipeline_config *cfg, gz_pipeline **out)
{
    gz_pipeline *p = calloc(1, sizeof *p);
    if (!p)
        return XAP_ERR_NOMEM;
    p->cfg = *cfg;
    p->nworkers = cfg->jobs ? cfg->jobs : 1;
    p->nwriters = cfg->nshards ? cfg->nshards : 1;
    p->max_jobs = (size_t)p->nworkers * JOBS_PER_WORKER;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->main_wake, NULL);
    pthread_cond_init(&p->job_wake, NULL);
    pthread_cond_init(&p->room_wake, NULL);
    atomic_init(&p->whole_cjk_noted, 0);
    p->workers = calloc(p->nworkers, sizeof *p->workers);
    p->writers = calloc(p->nwriters, sizeof *p->writers);
    p->spellings = calloc(p->nwriters, sizeof *p->spellings);
    xap_status s = p->workers && p->writers && p->spellings ? XAP_OK
                                                            : XAP_ERR_NOMEM;
    for (size_t i = 0; p->writers && i < p->nwriters; i++) {
        if (p->spellings)
            p->spellings[i] = &p->writers[i].spelling;
        p->writers[i].p = p;
        p->writers[i].index = (unsigned)i;
        p->writers[i].db = cfg->shards ? cfg->shards[i] : NULL;
        pthread_cond_init(&p->writers[i].wake, NULL);
        atomic_init(&p->writers[i].commits, 0);
        pthread_mutex_init(&p->writers[i].view_lock, NULL);
        p->writers[i].view_commit = VIEW_NOT_OPENED;
    }
    for (unsigned i = 0; s == XAP_OK && i < p->nworkers; i++) {
        p->workers[i].p = p;
        s = gz_analyzer_new(cfg->language, cfg->cjk_ngrams,
                            &p->workers[i].analyzer);
        /* names: from the index being written (not in a dry run) */
        if (s == XAP_OK && cfg->shards && cfg->shard_paths)
            gz_analyzer_set_names(p->workers[i].analyzer, lexicon_knows,
                                  p);
    }
    if (s == XAP_OK && p->nworkers > 1)
        s = start_threads(p);
    if (s != XAP_OK) {
        gz_pipeline_free(p);
        return s;
    }
    *out = p;
    return XAP_OK;
}
