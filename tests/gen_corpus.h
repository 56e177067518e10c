/*
 * gen_corpus.h - a seeded generator of news-like article corpora, so that
 * the tests need nothing but this repository (and the benches can make a
 * corpus of any size).
 *
 * A corpus is a directory with one folder per source (business/,
 * politics/, sport/, tech/, world/) holding numbered .txt files, some of
 * them gzipped (.txt.gz). Most files start with a header block (Title,
 * Date, Author, Source, URL, Tags), the others are "title line, blank
 * line, body" as in the BBC collection. Bodies are sentences drawn from a
 * word list with Zipf-like frequencies, topic words and phrases per source
 * ("interest rates", "prime minister", "world cup"), and capitalised
 * names: a cast of people per source (first mention "Tom Hartley", later
 * "Hartley"), organisations and places. Some files are byte-identical
 * copies of another, some near copies (same body, other title and line
 * breaks), a few are written in Windows-1252 (a raw 0xA3 pound sign).
 *
 * Everything is decided by one splitmix64 stream seeded from the options:
 * the same seed and the same calls give byte-identical files on every
 * machine. The generator keeps a manifest (gen_file) of what it wrote, so
 * tests derive their expected counts from it instead of hard-coding them.
 * The mutation helpers (edit, touch, rename, delete, add) change the files
 * on disk and the manifest together, for the incremental-update tests.
 *
 * Failures to write files abort the program with a message: this is test
 * tooling, and a half-written corpus would only give confusing failures.
 */
#ifndef GAZETTE_GEN_CORPUS_H
#define GAZETTE_GEN_CORPUS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The sources, one top-level folder each, in this order. */
#define GEN_NSOURCES 5
extern const char *const gen_sources[GEN_NSOURCES];

/* At most this many files of each kind in one gen_corpus_mutate(). */
#define GEN_MAX_PICK 64
#define GEN_PATH_MAX 64

typedef struct gen_options {
    uint64_t seed;
    size_t articles;          /* original articles (copies come on top) */
    unsigned gzip_pct;        /* % of files written as .txt.gz */
    unsigned headerless_pct;  /* % without a header block */
    unsigned copy_pct;        /* extra byte-identical copies, % of articles */
    unsigned near_copy_pct;   /* extra near copies, % of articles */
    unsigned cp1252_pct;      /* % of articles written in Windows-1252 */
    int readme;               /* also README.TXT and SOURCE.md at the root
                               * (files that describe a corpus, not articles) */
} gen_options;

/* Realistic defaults: 10 % gzipped, 15 % without header, 4 % copies, 2 %
 * near copies, 1 % Windows-1252 (at least one file of each kind whenever
 * `articles` >= 50), no README. */
gen_options gen_default_options(uint64_t seed, size_t articles);

/* One file of the corpus, as written. Strings are UTF-8 (the Windows-1252
 * files are stored here as the reader should decode them). */
typedef struct gen_file {
    char path[GEN_PATH_MAX];   /* relative to the root: "sport/017.txt.gz" */
    char folder[16];           /* its top-level folder */
    char source[16];           /* what source: matches: header, else folder */
    char source_header[16];    /* the Source: header, "" when none */
    char date[11];             /* ISO date of the Date: header, "" if none */
    char date_text[32];        /* that date as written in the file */
    char money[24];            /* a "£12.5m" amount in the body ("" = none) */
    char *title;               /* Title: header, else the first line */
    char *author;              /* Author: header, "" when none */
    char *tags;                /* Tags: header as written, "" when none */
    char *url;                 /* URL: header, "" when none */
    char *body;                /* paragraphs separated by blank lines */
    char *entities;            /* names the body mentions, '|' between them:
                                * people (full names), organisations,
                                * places, capitalised topic words */
    long copy_of;              /* byte copy: index of the original, else -1 */
    long near_copy_of;         /* same body, other title/wrapping, else -1 */
    unsigned gzip : 1, header : 1, cp1252 : 1, wrapped : 1;
    unsigned present : 1;      /* 0 once deleted (or renamed: see below) */
    unsigned edited : 1;       /* content changed since it was written */
    unsigned picked : 1;       /* chosen by a mutation already */
} gen_file;

typedef struct gen_people gen_people;   /* the cast (private) */

typedef struct gen_corpus {
    char *root;                /* the directory written (copied string) */
    gen_file *files;           /* every file ever written, deleted too */
    size_t n, cap;
    uint64_t rng;              /* the splitmix64 state */
    unsigned next_number[GEN_NSOURCES];   /* next file number per folder */
    gen_people *people;
} gen_corpus;

/* Write a corpus below `root` (created with its missing parents; it
 * should be empty) and return its manifest, to be freed with
 * gen_corpus_free(). */
gen_corpus *gen_corpus_create(const char *root, const gen_options *opts);

/* Free the manifest (the files stay). NULL is fine. */
void gen_corpus_free(gen_corpus *c);

/* Files present now. */
size_t gen_corpus_count(const gen_corpus *c);

/* Present files whose source is `source` (ASCII case-insensitive). */
size_t gen_corpus_count_source(const gen_corpus *c, const char *source);

/* Present files whose top-level folder is `folder`. */
size_t gen_corpus_count_folder(const gen_corpus *c, const char *folder);

/* Present, unedited byte copies of a present, unedited original: the
 * number of files whose bytes equal those of another file. */
size_t gen_corpus_count_copies(const gen_corpus *c);

/* Present gzipped / Windows-1252 files. */
size_t gen_corpus_count_gzip(const gen_corpus *c);
size_t gen_corpus_count_cp1252(const gen_corpus *c);

/* Index of the present file at `path`, or -1. */
long gen_corpus_find(const gen_corpus *c, const char *path);

/* Choose one present file not chosen before (seeded), preferring a
 * gzipped one when `prefer_gzip`; marks it picked. -1 when none is left. */
long gen_corpus_pick(gen_corpus *c, int prefer_gzip);

/* Record that the test itself deleted file `i`. */
void gen_corpus_forget(gen_corpus *c, size_t i);

/* Changes for gen_corpus_mutate(); each count at most GEN_MAX_PICK. */
typedef struct gen_changes {
    size_t edit;        /* a paragraph appended (the size changes) */
    size_t retype;      /* two letters of a word swapped (same size) */
    size_t touch;       /* mtime set to a past date, bytes unchanged */
    size_t rename;      /* moved to a new name; the 2nd, 4th... into
                         * another folder */
    size_t remove;      /* deleted */
    size_t add;         /* new articles */
    const char *marker; /* a word put in each appended paragraph, or NULL */
} gen_changes;

/* What gen_corpus_mutate() did: indexes into c->files. A renamed file
 * keeps its index (its path is the new one); renamed_from has the old. */
typedef struct gen_mutation {
    size_t edited[GEN_MAX_PICK], n_edited;     /* edit and retype */
    size_t touched[GEN_MAX_PICK], n_touched;
    size_t renamed[GEN_MAX_PICK], n_renamed;
    char renamed_from[GEN_MAX_PICK][GEN_PATH_MAX];
    size_t removed[GEN_MAX_PICK], n_removed;
    size_t added[GEN_MAX_PICK], n_added;
} gen_mutation;

/* Apply `want` to the files and the manifest. Files are chosen (seeded)
 * among present files not picked before, so the kinds never overlap and a
 * later mutation changes other files; the first file of each kind is a
 * gzipped one while there are any. An edited file's mtime is moved 2 s
 * past its old one, so that even a same-size edit is seen at once. */
void gen_corpus_mutate(gen_corpus *c, const gen_changes *want,
                       gen_mutation *done);

/* A news-like body for `source` (index into gen_sources): `paragraphs`
 * paragraphs, malloc()ed; draws from the corpus stream. */
char *gen_corpus_text(gen_corpus *c, size_t source, size_t paragraphs);

/* The cast: full names of the people bodies mention, n of them. */
const char *gen_corpus_person(const gen_corpus *c, size_t i);
size_t gen_corpus_people(const gen_corpus *c);

/* Write the manifest as tab-separated lines (path, source, date, gzip,
 * header, cp1252, copy of, near copy of, title) with a header line. */
void gen_corpus_write_manifest(const gen_corpus *c, FILE *out);

#endif /* GAZETTE_GEN_CORPUS_H */
