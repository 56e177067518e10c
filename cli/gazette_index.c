/*
 * gazette-index - build or update a Gazette index from article files.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "gazette.h"

/* The limits of the numeric options that are this program's (the
 * library's own are GAZETTE_MAX_JOBS, GAZETTE_MIN_MEMORY and
 * GAZETTE_MAX_WAIT_LOCK): any 64-bit size; a batch of ten million
 * articles or a budget of 1 PiB (2^30 MB) at most, more being a typing
 * slip. --help and the man page state them all. */
#define MAX_FILE_SIZE 18446744073709551615ULL
#define MAX_BATCH 10000000ULL
/* The library takes a budget up to SIZE_MAX / 2 bytes: with a 32-bit
 * size_t 2047 MB, which --memory must refuse in MB itself (the library
 * would say it in bytes, after --help promised 1 PiB). */
#define MEMORY_MB_SIZE_T ((uint64_t)SIZE_MAX / 2 >> 20)
#define MAX_MEMORY_MB \
    (MEMORY_MB_SIZE_T < (1ULL << 30) ? MEMORY_MB_SIZE_T : (1ULL << 30))
_Static_assert(MAX_MEMORY_MB << 20 <= (uint64_t)SIZE_MAX / 2,
               "a --memory the parser takes is one the library takes");

typedef struct cli_options {
    char *db;
    const char *language;   /* --language; NULL: the index's own */
    unsigned long long max_file_bytes;
    unsigned batch_size;
    unsigned jobs;          /* 0: one per core */
    unsigned long long memory;   /* bytes, 0: default */
    int json;
    int quiet;
    int verbose;
    int dry_run;
    int full;
    int follow_symlinks;    /* --follow-symlinks */
    double wait_lock;
    const char *wait_lock_text;   /* --wait-lock as given, or NULL */
    unsigned max_remove;    /* --max-remove PERCENT */
    int no_delete;
    int force;
    int no_create;          /* --no-create */
    int progress;       /* stderr is a terminal */
    const char *synonyms;   /* --synonyms FILE, or NULL */
    const char **include, **exclude;   /* --include, --exclude GLOB */
    size_t ninclude, nexclude;
    const char *aliases;    /* --entity-aliases FILE, or NULL */
    double last_progress;
    double start;
} cli_options;

/* The signal that asked us to stop (SIGINT, SIGTERM or SIGHUP), or 0. */
static volatile sig_atomic_t stop_signal;

static const char usage_text[] =
"Usage: gazette-index [OPTION]... CORPUS...\n"
"Index the article files below each CORPUS directory into a Gazette index,\n"
"creating the index when it does not exist yet, or bring an existing index\n"
"up to date.\n"
"\n"
"Articles are read from these files, each also gzip-compressed (NAME.gz):\n"
"  .txt             an optional header block of 'Key: value' lines (Title,\n"
"                   Date, Author, Source, URL, Tags; lines of other keys\n"
"                   in it are text) ended by a blank line; then the first\n"
"                   non-empty line is the title, the rest the body\n"
"  .md .markdown    optional '---' YAML or '+++' TOML front matter (title,\n"
"                   date, author(s), source, url, tags, categories,\n"
"                   keywords; a description or summary opens the body);\n"
"                   title else the first '# heading'; the body without\n"
"                   Markdown syntax\n"
"  .html .htm       title from <title>, og:title, JSON-LD headline or <h1>;\n"
"                   the visible text; date, author(s), keywords,\n"
"                   description, url from <meta> and schema.org JSON-LD\n"
"                   (a date also from the first <time datetime>, authors\n"
"                   also from <a rel=\"author\"> links)\n"
"  .jsonl .ndjson   one JSON object per line: id, title, body (or text),\n"
"                   date, author, source, url, tags (headline for a missing\n"
"                   title, content for a missing body); a bad line is skipped\n"
"                   and reported as FILE:LINE (by every run: one found\n"
"                   unchanged, not read again, names its first bad line\n"
"                   and counts them all)\n"
"  .eml, and files without an extension (news spools, MH, maildir) or .txt\n"
"                   files that start with a mail header block: one message,\n"
"                   read with GMime; Subject the title, From name the\n"
"                   author, Date, Newsgroups the tags; the text parts\n"
"                   that are not attachments (text/plain, text/html, other\n"
"                   text subtypes but data such as text/calendar; one\n"
"                   version of an alternative) are the body, headers are\n"
"                   not; a message with no text is indexed with a warning\n"
"An article's id is its path relative to its CORPUS directory (plus #id in\n"
"a JSON Lines file); its default source is the top-level folder it is in.\n"
"A CORPUS may also be one file: its id is then its name, with no source.\n"
"Give each CORPUS once: the same CORPUS twice (also written another way or\n"
"through a symlink), or one inside another that the other's walk enters\n"
"(not below a hidden directory or an --exclude), would index its files\n"
"twice and is refused (exit 64) before the index is touched.\n"
"Extensions are case-sensitive. Files named README, SOURCE, LICENSE or\n"
"LICENCE (with any extension) describe a corpus and are not indexed. Other\n"
"files, hidden files and directories (a leading '.') are not read either;\n"
"each counts as ignored. A file is indexed once, under its real path: a\n"
"symlink whose target lies inside its CORPUS (current -> 2024-11) is not\n"
"followed, as the walk reaches the target at its own path, and counts as\n"
"ignored; one to what the walk would not read there (hidden, left out by\n"
"--include/--exclude, a name of another kind) is followed, its files\n"
"indexed under the link's path. What an earlier version indexed through a\n"
"link no longer followed goes at the next run (its content still indexed:\n"
"no loss for the removal guards). A CORPUS may itself be a symlink.\n"
"Dates: ISO 8601 (also '20261127', week dates '2026-W48-5' and ordinal\n"
"dates '2026-331'), RFC 2822 and written forms such as '27 November 2026' or\n"
"'Nov 27, 2026'; a year or a month alone ('2026-11', 'Nov 2026') is not a\n"
"date. An article without one is dated by a date in its path\n"
"(2023-11-03-x.txt, 2023/11/03/x.html, 20231103-x.txt), else undated; never\n"
"by the file's modification time. A date not understood is kept as written\n"
"and a warning names the file.\n"
"\n"
"Reruns are incremental. A file whose size and modification time match the\n"
"index costs one stat and is not read. Otherwise its bytes are hashed: same\n"
"hash (a mere touch) and it is left alone; new or changed and it is\n"
"(re)indexed. Files indexed before and no longer found below any CORPUS are\n"
"removed from the index, so EVERY RUN MUST NAME ALL THE CORPUS DIRECTORIES\n"
"of the index; a renamed file is removed and added. Ids are relative to the\n"
"CORPUS directory, so moving a corpus and naming its new place does not\n"
"reindex it; two CORPUS directories holding the same relative path would\n"
"share one id: the first CORPUS's file is indexed and the other skipped,\n"
"also while the first one cannot be read (nor a directory above it, nor\n"
"that whole CORPUS), as it keeps its articles (name their common parent\n"
"instead); so is a file whose path, cut at a #, is that of a JSON Lines\n"
"file read, or kept while it cannot be read (its articles' ids are\n"
"FILE#ID). A file that cannot be read,\n"
"or a path the walk cannot use (an unreadable directory, a broken\n"
"symlink), keeps the articles indexed from it before; they are removed\n"
"once it is gone for good. A file that reads\n"
"but holds no article any more (emptied, binary, too large, a truncated\n"
"gzip) is skipped, and its old articles are removed as a vanished file's:\n"
"under the removal guards. So is a changed file that holds fewer articles\n"
"than the index has of it (a JSON Lines file cut short): it loses the\n"
"others under the guards.\n"
"\n"
"Options:\n"
"  -d, --db DIR            index to write (default: see ENVIRONMENT)\n"
"  -l, --language LANG     stemming language (default: the index's\n"
"                          own, english for a new index); one of the\n"
"                          Snowball stemmers (or its ISO code: en is\n"
"                          english), or 'none'\n"
"      --max-file-size N   skip files over N bytes, after decompression\n"
"                          (default 67108864, i.e. 64 MiB; N from 1 to\n"
"                          18446744073709551615)\n"
"      --batch N           commit each shard every N articles (default\n"
"                          1000, N from 1 to 10000000; at most once a\n"
"                          second), or sooner when its share of --memory\n"
"                          is full; commits fall between files (a file\n"
"                          too large for its share of --memory goes in\n"
"                          pieces)\n"
"  -j, --jobs N            read and analyse files in N threads and write a\n"
"                          new index as N shards, at most 64 (default,\n"
"                          and -j0: one per core; N from 0 to 256; -j1\n"
"                          uses no threads); see SHARDS\n"
"      --memory MB         memory budget for articles between threads and\n"
"                          changes waiting for their commit (default 256;\n"
"                          MB from 16 to 1073741824; to 2047 where size_t\n"
"                          has 32 bits); a file over a thread's share of\n"
"                          MB/32 is read while the other such files leave\n"
"                          room, else alone (one file alone may take four\n"
"                          times its size and some 100 MB; see below)\n"
"      --full              rebuild the whole index into a new generation\n"
"                          beside the live one, then switch atomically\n"
"                          (see FULL REBUILDS); counts every file as added\n"
"  -n, --dry-run           report what would change; write nothing (the\n"
"                          index is opened read-only, no lock is taken);\n"
"                          exits as the real run would (a --db that is\n"
"                          not an index or cannot be written included),\n"
"                          except that another writer's lock is not seen\n"
"                          (the real run would exit 75)\n"
"      --max-remove PERCENT  remove nothing (and reindex no file that\n"
"                          would lose articles) when the index would lose\n"
"                          more than PERCENT of its files or articles (a\n"
"                          file renamed, moved or copied is no loss)\n"
"                          (0 to 100, default 10; 0: no limit); --full:\n"
"                          do not switch to a rebuild with more than\n"
"                          PERCENT fewer articles\n"
"      --no-delete         never remove the articles of vanished files\n"
"                          (nor of files now skipped); a file that holds\n"
"                          fewer articles is still reindexed, within\n"
"                          --max-remove\n"
"      --force             remove (or switch) even when a CORPUS looks\n"
"                          empty or moved, or a mount point below it is\n"
"                          gone, or over --max-remove\n"
"      --no-create         never make a new index: when none is at DIR\n"
"                          (nothing there, or an empty directory: a disk\n"
"                          not mounted?), exit 66 and make nothing (for\n"
"                          cron, once the first index is built)\n"
"      --follow-symlinks   also follow symlinks that lead out of the CORPUS\n"
"                          directory (by default they are skipped with a\n"
"                          warning, and what was indexed through them goes);\n"
"                          links within it are judged as above\n"
"      --wait-lock SECONDS if another process is writing the index, wait up\n"
"                          to SECONDS for it (default 0: exit 75 at once;\n"
"                          SECONDS from 0 to 10000000, fractions allowed);\n"
"                          a run that waited says how long, in a note\n"
"                          (75: 'gave up after waiting S s');\n"
"                          SIGINT or SIGTERM meanwhile ends it: nothing\n"
"                          is written\n"
"      --synonyms FILE     replace the index's synonyms with those of FILE:\n"
"                          lines 'word = synonym, synonym' ('#' starts a\n"
"                          comment); a query for the word also finds its\n"
"                          synonyms. Without it the index keeps the synonyms\n"
"                          it has (--full carries them to the new build).\n"
"      --include GLOB      index only files whose path relative to CORPUS,\n"
"                          or a directory above them, matches GLOB\n"
"                          (fnmatch; '*' also matches '/'; a GLOB without\n"
"                          '/' also matches a file or directory name alone:\n"
"                          --include '*.eml', --include world; 'world/' is\n"
"                          'world'; '/world' and '' are refused, exit 64);\n"
"                          repeatable\n"
"      --exclude GLOB      leave out the files and directories that match\n"
"                          GLOB (same matching; wins over --include);\n"
"                          repeatable. Files left out count as ignored and\n"
"                          lose the articles indexed from them before.\n"
"                          The patterns come first: a symlink they leave\n"
"                          out (broken, or leading out of CORPUS) or a\n"
"                          FIFO is ignored, not skipped\n"
"      --entity-aliases FILE\n"
"                          replace the index's entity aliases with those of\n"
"                          FILE: lines 'Name = Alias, Alias' (such as\n"
"                          'Manchester United = Man Utd'); entity: finds\n"
"                          the articles naming any name of the line. Kept\n"
"                          like the synonyms without it.\n"
"      --json              print the summary as one JSON object (ASCII, on\n"
"                          the last line of stdout, after any --verbose\n"
"                          lines)\n"
"  -v, --verbose           list each added, updated and removed file on\n"
"                          stdout ('added PATH', ...; PATH relative to its\n"
"                          CORPUS, as ids are), and each ignored one with\n"
"                          the reason ('ignored CORPUS/PATH (reason)')\n"
"  -q, --quiet             print nothing but errors: no summary, no progress,\n"
"                          no --verbose lines, no skipped files, warnings or\n"
"                          notes (a run that skipped files still exits 1)\n"
"  -h, --help              show this help and exit\n"
"  -V, --version           show the version and exit\n"
"Numbers are written in decimal digits alone (010 is ten; SECONDS may have\n"
"a fraction, 0.5 or .5; PERCENT a '%' after it, 10%); a sign, a blank, 0x, an\n"
"exponent or a number out of range is refused (exit 64). --db, --language,\n"
"--synonyms and --entity-aliases take one value: given twice with two,\n"
"they are refused (exit 64; a run writes one index; a trailing '/' makes\n"
"no other --db).\n"
"\n"
"Output: skipped files (and skipped JSON Lines lines) are listed on stderr,\n"
"one line each with the reason; warnings likewise, and notes ('note: ...',\n"
"what the run did though nothing is wrong) (with --quiet none is, only\n"
"errors). When stderr is not a terminal each of its lines starts with\n"
"the local time (ISO 8601). File names are written with control\n"
"characters, bidirectional controls (U+202A-U+202E, U+2066-U+2069),\n"
"backslashes and bytes that are not UTF-8 escaped (\\n, \\xHH, \\\\). On\n"
"a terminal a progress line shows the files done, the rate and,\n"
"when the index already held files, an ETA based on their number. At the\n"
"end one summary line goes to stdout, also when the run failed (the\n"
"counts then say what was committed: files of a last batch the failure\n"
"kept from its commit are not counted, though --verbose listed them;\n"
"a --full that was not switched in counts nothing: all 0); not when the\n"
"command line is refused, by the option parser or by the checks made\n"
"before the index is written: of the --synonyms and --entity-aliases\n"
"files (missing 66, malformed 64, unreadable 74), each CORPUS (missing\n"
"66, given twice 64), the index's path and stubs (not an index 64, a\n"
"stub line Xapian cannot read 65, a database named missing 66,\n"
"one listed twice 65, a sharded index's stub DIR/XAPIANDB lost 65,\n"
"a server tcp://HOST:PORT\n"
"65, the directory it goes in missing 74, no index with --no-create 66)\n"
"and its language (64) and format (another format version, or a\n"
"language this Xapian lacks, 65);\n"
"nor when another writer holds\n"
"the index (75, at once or once --wait-lock ran out): nothing was done,\n"
"and the one error line says why. The summary:\n"
"  scanned N, added N, updated N, removed N, unchanged N, skipped N,\n"
"  ignored N, seconds S, index DIR, corpus CORPUS...\n"
"(DIR as given less a trailing '/' or '/.', as gazette-query names it;\n"
"when stdout is not a terminal the line starts with the local time, as\n"
"stderr's lines do: 2026-11-27T02:15:03+01:00 scanned N, ...; a\n"
"--dry-run's line has 'dry run: ' before 'scanned': nothing was written)\n"
"or with --json: {\"scanned\":N,\"added\":N,\"updated\":N,\"removed\":N,\n"
"\"unchanged\":N,\"skipped\":N,\"ignored\":N,\"seconds\":S,\"index\":\"DIR\",\n"
"\"roots\":[\"CORPUS\",...],\"finished\":\"TIME\",\"dry_run\":false} (TIME:\n"
"that local time, ISO 8601 with its offset, terminal or not; dry_run\n"
"true for a --dry-run). All counts are FILES: each\n"
"scanned file is exactly one of added (new), updated (content changed),\n"
"unchanged or skipped; removed counts files indexed before whose articles\n"
"were removed: gone now, or skipped as holding no article now or as\n"
"sharing an id (those count in skipped too; --full: those the rebuild\n"
"does not hold); ignored\n"
"counts what is not an article file (unknown type, README and the like,\n"
"a file without extension that is not mail and that the index does not\n"
"hold (one it holds, emptied, cut short or binary, is skipped), hidden\n"
"entries, what --include/--exclude leave out, symlinks within a CORPUS),\n"
"outside scanned.\n"
"A bad line of a JSON Lines file whose other lines were indexed, a path\n"
"the walk cannot use (unreadable directory, broken symlink, loop), a\n"
"FIFO, socket or device file, whatever its name ('not a regular file or\n"
"directory'; hidden, it is ignored), and a\n"
"symlink leading out of its CORPUS directory (without --follow-symlinks)\n"
"add one to skipped as well, without being scanned (unless --include or\n"
"--exclude leave them out: ignored then).\n"
"\n"
"Removal guards: files gone since the last run, and files the index holds\n"
"that are now skipped as holding no article (emptied by an interrupted\n"
"copy or a full disk, binary, over --max-file-size), are removed only\n"
"when that does not look like an accident; so are the articles a changed\n"
"file would lose (a JSON Lines export cut short). A CORPUS that cannot be\n"
"read, or one that is empty or on another file system than at the last\n"
"run (an unmounted disk; each CORPUS is known by its absolute path\n"
"however written: c/, ./c/. and /srv//archive are one, symlinks not\n"
"resolved) while files would be removed, or an index that\n"
"would lose more than --max-remove percent of its files or of its\n"
"articles (a file renamed, moved or copied, the same content found under\n"
"another walked path, is no loss; no other new file makes up for a\n"
"removal):\n"
"then nothing is removed, no file that would lose articles is\n"
"reindexed (each keeps its articles, counts as skipped and is read again\n"
"by the next run), the rest of the run is done, one line says why and the\n"
"exit status is 69.\n"
"Check the corpus; if the files are really gone, rerun with --force (or,\n"
"for the limit alone, --max-remove 0; only --force overrides an empty or\n"
"moved CORPUS). Files a new --exclude leaves out, or a new --include no\n"
"longer chooses, count as removed too: the line then says they are left\n"
"out (by which option), not gone (drop them with\n"
"--max-remove 0 or --force, or keep them by running without the pattern).\n"
"The folders below each CORPUS that were mount points (on another file\n"
"system than the folder above them) are remembered too: when one is not\n"
"a mount point any more (a disk not mounted leaves an empty folder, or\n"
"none) while the index holds files below it, they keep their articles,\n"
"the rest of the run is done (other removals too, under the guards), one\n"
"line names the folder and what was kept, and the exit status is 69 (a\n"
"--full is not switched in), each run until the disk is back or --force\n"
"accepts the loss.\n"
"\n"
"Locking and safety: writers exclude each other with a lock file DIR.lock\n"
"(mode 0600, holding the writer's pid; never opened through a symlink;\n"
"for a DIR that is a symlink to a stub file, beside that file, so runs\n"
"through the link and through the stub share it) and Xapian's own lock;\n"
"readers are never blocked. Changes are committed\n"
"in batches; killed at any moment, the index stays consistent and the next\n"
"run redoes what was not committed.\n"
"SIGINT and SIGTERM stop taking files, finish those in hand (with -j1 the\n"
"current file; with -j4 a few dozen already read or being read), commit,\n"
"print the summary and exit 130 or 143, also when they come after the last\n"
"file was found (the files not started are left to the next run; files\n"
"removed since the last run and not yet taken out when the signal came are\n"
"taken out by the next complete run). SIGHUP (a closed terminal or ssh\n"
"session) does the same and exits 129, unless it was ignored when the run\n"
"started (nohup): then it is ignored.\n"
"Before the run starts they write nothing and print no summary: while no\n"
"index is at DIR yet, \"stopped by signal N before starting; nothing was\n"
"made\"; on an index (--full too), \"stopped by signal N before starting;\n"
"the index is as it was\". While --wait-lock waits for another writer, they\n"
"write nothing either (--full too) and print no summary: \"stopped by\n"
"signal N while waiting for the index's lock (lock DIR.lock held by process\n"
"P); nothing was written\". A --dry-run, which takes no lock and so never\n"
"waits, says \"stopped by signal N; a dry run changes nothing\" after its\n"
"summary.\n"
"\n"
"Full rebuilds: after --full, DIR is a Xapian stub file naming the\n"
"database in use, DIR.d/<generation>. The new generation is built while\n"
"readers keep using the old one; then a new stub is renamed over DIR (a\n"
"plain database directory at DIR is exchanged with it atomically, which\n"
"NFS, SMB and FAT cannot do: there that --full fails, 74, the index as\n"
"it was; build one with --full at a new path instead) and the\n"
"old generation is deleted. Readers opening DIR see the old or the new\n"
"complete index, never a partial one. An interrupted --full deletes its\n"
"unfinished generation and leaves the index as it was; the first --full\n"
"of a new index makes none (\"the unfinished --full build was deleted,\n"
"and no index was made (there was none before)\"). DIR.d is made only\n"
"once --full holds the lock: one that does not get it (exit 75, or a\n"
"signal while --wait-lock waits) leaves none where there was none.\n"
"Before it builds, --full takes Xapian's lock on each database of the\n"
"index it replaces and holds it until the switch: another program\n"
"writing it (one embedding Xapian, xapian-metadata set) makes --full exit\n"
"75, as an update does, or waits with --wait-lock; none can start writing\n"
"the old generation meanwhile, which the switch would lose. A file the\n"
"rebuild cannot read, and what is below a directory it cannot read,\n"
"keep their articles: copied from the index it replaces (not when the\n"
"language or the index format changes, or the index's records of them\n"
"cannot be read: a warning says so, and what it found). Incremental runs\n"
"work on a stub DIR as on a directory, also through a symlink to either\n"
"(through a link, no leftover generation in DIR.d is cleaned; a stub's\n"
"relative lines are read from the link's directory, as Xapian and\n"
"gazette-query read them, so make the link beside the stub). --full\n"
"refuses (exit 64) a DIR that is not a Xapian index, holds other files\n"
"too or holds a corpus root, a DIR that is a symlink (a rebuild would\n"
"replace the link: give the index's own path), or a DIR.d that is a\n"
"symlink, and deletes a DIR.stub-tmp left by killed runs. A killed\n"
"--full leaves its generation marked DIR.d/<generation>.building (or,\n"
"killed after the switch, the old one marked .retired): the next run of\n"
"either kind deletes it, and says so of a .building one in a note, a line\n"
"('note: DIR: deleted DIR.d/<generation>, the unfinished build of\n"
"gazette-index --full, which stopped before its switch (killed?)'; the\n"
"exit status is not changed). A generation\n"
"DIR uses (any line of its stub names it or a shard in it) or without a\n"
"marker (an index archived by renaming its stub still names it) is never\n"
"deleted. Any run refuses (exit 64) to write an index into an existing\n"
"file or non-empty directory that is not one.\n"
"\n"
"Shards: with -j N (N > 1) a new index is N Xapian databases (at most\n"
"64: -j 100 reads in 100 threads, writes 64 shards) written in\n"
"parallel, DIR/shard0 ... DIR/shard<N-1>, listed in the stub file\n"
"DIR/XAPIANDB, which Xapian (gazette-query, quest, delve) opens as one\n"
"index. All the articles of a file go to one shard, chosen by a hash of the\n"
"file's path, so each commit covers whole files. An existing index keeps its\n"
"number of shards whatever -j says (-j still sets the threads); --full\n"
"rebuilds with N shards, then compacts them into one database.\n"
"One article is indexed up to 64 KiB of title and 8 MiB or 200 000\n"
"distinct terms of text (the rest is stored, not searchable: a warning\n"
"says so), so one huge file cannot exhaust memory (a 50 MB line of\n"
"distinct words: about 200 MiB at -j1, 300 MiB for two at -j2). It keeps\n"
"its first 64 authors' names and 64 tags (a warning says how many more).\n"
"\n"
"Environment:\n"
"  GAZETTE_INDEX   index used without --db (set but empty: as unset);\n"
"                  otherwise $XDG_DATA_HOME/gazette/index (an absolute\n"
"                  path only: a relative one is ignored), or\n"
"                  ~/.local/share/gazette/index, whose missing\n"
"                  directories are made (mode 0700); with HOME unset\n"
"                  or empty too, exit 64 (name the index); the directory\n"
"                  of a --db or GAZETTE_INDEX must exist (exit 74;\n"
"                  66 with --no-create)\n"
"\n"
"Exit status:\n"
"  0   success\n"
"  1   success, but some files or lines were skipped (listed on stderr;\n"
"      with --quiet they are not listed)\n"
"  64  usage error (also: --language differs from the one the index was\n"
"      built with, or is not given to a --full of an index that does not\n"
"      open, whose language cannot be read; --db exists and is not an\n"
"      index: a file, a directory of other files, another program's\n"
"      Xapian database, a single-file one (xapian-compact --single-file:\n"
"      Xapian cannot write it); a CORPUS is given twice or inside\n"
"      another; or no\n"
"      --db nor GAZETTE_INDEX, and HOME unset or empty)\n"
"  65  the index is corrupt (the line says how to recover: --full, and\n"
"      --language LANG when its language cannot be read from it) or in\n"
"      an unsupported format, or stemmed in\n"
"      a language this Xapian does not know (rebuild it with --full in\n"
"      one it has); also: its stubs list one database twice (every run\n"
"      refuses it, --full and --dry-run too; nothing was changed), or a\n"
"      sharded index lost its stub DB/XAPIANDB (the message names the\n"
"      lines to write back; --full rebuilds it), or --db names a server,\n"
"      tcp://HOST:PORT, or is a stub with a 'remote' line (a remote\n"
"      index cannot be written) or naming a single-file database (nor\n"
"      can it), or a stub (--db, or DB/XAPIANDB) has a\n"
"      line Xapian cannot read, such as 'atuo DIR' (the line is named,\n"
"      with what is wrong; as gazette-query says it)\n"
"  66  an input named on the command line does not exist: a CORPUS\n"
"      directory, the --synonyms or --entity-aliases file, the index\n"
"      with --no-create (a disk not mounted?), a database\n"
"      that the --db stub file names (but for --full, which replaces\n"
"      the stub), the target of a --db symlink (a disk not mounted?\n"
"      no index is made through a link), a loop of links (any of these,\n"
"      or a directory on the way to one); nothing was changed\n"
"  69  removal guard: nothing was removed nor any file that would lose\n"
"      articles reindexed (a CORPUS is unreadable, also for want of the\n"
"      right to search a directory above it, or empty or moved while\n"
"      files would be removed, or over --max-remove), or a --full build\n"
"      was not switched in; the rest of the run was done; or a folder\n"
"      below a CORPUS that was a mount point is not one now: the files\n"
"      below it kept their articles, the rest (other removals too) done\n"
"  70  internal error\n"
"  74  I/O error writing the index (disk full, permissions, the\n"
"      directory of a --db or GAZETTE_INDEX index missing, the default\n"
"      location's directories impossible to make), a --synonyms or\n"
"      --entity-aliases file unreadable (permissions, a directory;\n"
"      nothing was changed), or the summary or\n"
"      --verbose lines could not be written to stdout (after a run that\n"
"      was otherwise 0 or 1): a full disk (> /dev/full), or a pipe whose\n"
"      reader has gone before the last write, which does not stop the\n"
"      run: it ignores SIGPIPE, and indexes and commits to its end\n"
"  75  another process is writing this index (or, for --full, the index it\n"
"      replaces: a lock file held, or Xapian's lock); nothing was written,\n"
"      no summary; try again later. Or a --dry-run gave up: the index\n"
"      kept changing while it was read (another writer's commits\n"
"      overtook each of its readings, at least 10 over at least 2 s);\n"
"      no summary; try again. A run that writes gives up so only when\n"
"      its own commits overtook its readings of its shards: it keeps\n"
"      what it committed, which its summary counts; rerun\n"
"  129 hung up by SIGHUP, as 143 (not under nohup, which ignores it)\n"
"  130 interrupted by SIGINT (work so far committed; before the run\n"
"      started, or while it waited for the lock: nothing written, no\n"
"      index made)\n"
"  143 terminated by SIGTERM (work so far committed; before the run\n"
"      started, or while it waited for the lock: nothing written, no\n"
"      index made)\n"
"  141 (in the shell) killed by SIGPIPE: --help and --version, which do\n"
"      nothing else, when the reader has closed the pipe before they\n"
"      write, as gazette-query is (74 instead when SIGPIPE is ignored);\n"
"      a race: their output fits in the pipe, so '| head -1' mostly\n"
"      gets all of it written first, exit 0\n";

/* "2", "0.5", ".5": the digits of cli_is_decimal, and of a fraction
 * after one '.' at most, the whole part left out as people write it
 * (strtod alone takes " +1", "1e3", "0x10", "inf"). */
static int is_seconds(const char *s)
{
    size_t whole = strspn(s, "0123456789");
    if (s[whole] == '.')
        return cli_is_decimal(s + whole + 1, NULL);
    return whole > 0 && s[whole] == '\0';
}

/* --wait-lock: a number of seconds (fractions allowed) from 0 to
 * GAZETTE_MAX_WAIT_LOCK. */
static int parse_seconds(const char *s, double *out)
{
    double v = is_seconds(s) ? strtod(s, NULL) : -1;
    if (!(v >= 0) || v > GAZETTE_MAX_WAIT_LOCK) {
        cli_complain("--wait-lock takes a number of seconds from 0 to %.0f, "
                     "not '%s'", GAZETTE_MAX_WAIT_LOCK, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* --max-remove: a whole number of percent, 0 to 100 ("10" or "10%"). */
static int parse_percent(const char *s, unsigned *out)
{
    unsigned long long v;
    if (cli_parse_number("--max-remove", "a percentage", s, "%", 0, 100,
                         &v) != 0)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* 0 when `language` names a stemmer Xapian has. */
static int check_language(const char *language)
{
    if (gazette_language_known(language))
        return 0;
    cli_complain("--language takes a stemming language, not '%s'; known: "
                 "none %s", language, gazette_languages());
    return -1;
}

/* Append `pattern` (borrowed from argv) to a --include/--exclude list. */
static int add_pattern(const char ***list, size_t *n, const char *pattern)
{
    const char **l = realloc(*list, (*n + 1) * sizeof *l);
    if (!l)
        return -1;
    l[(*n)++] = pattern;
    *list = l;
    return 0;
}

/* Option `opt` given again, `now` after `before` (NULL: not before):
 * 0 when that is the first time or the same value, else -1, said in one
 * line with `why`. The values are compared up to `length` of each (NULL:
 * strlen), so that "--db a.idx --db a.idx/", one index as the library
 * names it, is no conflict. The last one won without a word, so that
 * "--db a --db b", as gazette-query searches two indexes, wrote b alone,
 * and "--synonyms a --synonyms b" stored b's rules alone. */
static int given_once(const char *opt, const char *before, const char *now,
                      size_t (*length)(const char *), const char *why)
{
    if (!length)
        length = strlen;
    if (!before || (length(before) == length(now) &&
                    memcmp(before, now, length(now)) == 0))
        return 0;
    cli_complain("%s given twice, '%s' and '%s': %s; try 'gazette-index "
                 "--help'", opt, before, now, why);
    return -1;
}

/* Parse argv; returns the index of the first CORPUS, or -1 to exit with
 * *code. */
static int parse_args(int argc, char **argv, cli_options *o, int *code)
{
    enum { OPT_MAX_FILE = 256, OPT_BATCH, OPT_JSON, OPT_SYNONYMS, OPT_WAIT_LOCK,
           OPT_FOLLOW, OPT_FULL, OPT_INCLUDE, OPT_EXCLUDE, OPT_MAX_REMOVE,
           OPT_NO_DELETE, OPT_FORCE, OPT_ALIASES, OPT_MEMORY,
           OPT_NO_CREATE };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"language", required_argument, NULL, 'l'},
        {"max-file-size", required_argument, NULL, OPT_MAX_FILE},
        {"batch", required_argument, NULL, OPT_BATCH},
        {"jobs", required_argument, NULL, 'j'},
        {"memory", required_argument, NULL, OPT_MEMORY},
        {"json", no_argument, NULL, OPT_JSON},
        {"synonyms", required_argument, NULL, OPT_SYNONYMS},
        {"entity-aliases", required_argument, NULL, OPT_ALIASES},
        {"dry-run", no_argument, NULL, 'n'},
        {"full", no_argument, NULL, OPT_FULL},
        {"wait-lock", required_argument, NULL, OPT_WAIT_LOCK},
        {"follow-symlinks", no_argument, NULL, OPT_FOLLOW},
        {"include", required_argument, NULL, OPT_INCLUDE},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {"max-remove", required_argument, NULL, OPT_MAX_REMOVE},
        {"no-delete", no_argument, NULL, OPT_NO_DELETE},
        {"force", no_argument, NULL, OPT_FORCE},
        {"no-create", no_argument, NULL, OPT_NO_CREATE},
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    unsigned long long n;
    int c;
    /* getopt's own messages lack the log line's time (cli_bad_option) */
    static const char optstring[] = ":d:l:j:nvqhV";
    opterr = 0;
    *code = CLI_EXIT_USAGE;
    while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (given_once("--db", o->db, optarg, cli_index_name_length,
                           "a run writes one index"))
                return -1;
            free(o->db);
            if (!(o->db = strdup(optarg)))
                return *code = CLI_EXIT_SOFTWARE, -1;
            break;
        case 'l':
            if (given_once("--language", o->language, optarg, NULL,
                           "an index has one language"))
                return -1;
            o->language = optarg;
            break;
        case OPT_MAX_FILE:
            if (cli_parse_number("--max-file-size", "a number of bytes",
                                 optarg, NULL, 1, MAX_FILE_SIZE, &n) != 0)
                return -1;
            o->max_file_bytes = n;
            break;
        case OPT_BATCH:
            if (cli_parse_number("--batch", "a number", optarg, NULL, 1,
                                 MAX_BATCH, &n) != 0)
                return -1;
            o->batch_size = (unsigned)n;
            break;
        case 'j':
            /* 0 is the library's default: one thread per core */
            if (cli_parse_number("--jobs", "a number", optarg, NULL, 0,
                                 GAZETTE_MAX_JOBS, &n) != 0)
                return -1;
            o->jobs = (unsigned)n;
            break;
        case OPT_MEMORY:
            if (cli_parse_number("--memory", "a number of MB", optarg, NULL,
                                 GAZETTE_MIN_MEMORY >> 20, MAX_MEMORY_MB,
                                 &n) != 0)
                return -1;
            o->memory = n << 20;
            break;
        case OPT_JSON:
            o->json = 1;
            break;
        case OPT_SYNONYMS:
            if (given_once("--synonyms", o->synonyms, optarg, NULL,
                           "the index keeps the rules of one file (join "
                           "them into one)"))
                return -1;
            o->synonyms = optarg;
            break;
        case OPT_INCLUDE:
        case OPT_EXCLUDE:
            if (!*optarg) {
                /* the library would say it in its API's words */
                cli_complain("%s takes a pattern ('world', '*.eml'), not ''",
                             c == OPT_INCLUDE ? "--include" : "--exclude");
                return -1;
            }
            if (add_pattern(c == OPT_INCLUDE ? &o->include : &o->exclude,
                            c == OPT_INCLUDE ? &o->ninclude : &o->nexclude,
                            optarg) != 0)
                return *code = CLI_EXIT_SOFTWARE, -1;
            break;
        case OPT_ALIASES:
            if (given_once("--entity-aliases", o->aliases, optarg, NULL,
                           "the index keeps the aliases of one file (join "
                           "them into one)"))
                return -1;
            o->aliases = optarg;
            break;
        case 'n':
            o->dry_run = 1;
            break;
        case OPT_FULL:
            o->full = 1;
            break;
        case 'v':
            o->verbose = 1;
            break;
        case OPT_FOLLOW:
            o->follow_symlinks = 1;
            break;
        case OPT_WAIT_LOCK:
            if (parse_seconds(optarg, &o->wait_lock) != 0)
                return -1;
            o->wait_lock_text = optarg;
            break;
        case OPT_MAX_REMOVE:
            if (parse_percent(optarg, &o->max_remove) != 0)
                return -1;
            break;
        case OPT_NO_DELETE:
            o->no_delete = 1;
            break;
        case OPT_FORCE:
            o->force = 1;
            break;
        case OPT_NO_CREATE:
            o->no_create = 1;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case 'h':
            *code = cli_print_info("the help", "%s", usage_text);
            return -1;
        case 'V':
            *code = cli_print_info("the version", "gazette-index %s (Xapian "
                                   "%s)\n", gazette_version(),
                                   gazette_xapian_version());
            return -1;
        default:
            cli_bad_option(c, argv, optstring, longopts);
            return -1;
        }
    }
    if (optind >= argc) {
        cli_complain("no CORPUS directory given; try 'gazette-index "
                     "--help'");
        return -1;
    }
    if (o->language && check_language(o->language) != 0)
        return -1;
    return optind;
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Clear the progress line before printing anything else. */
static void clear_progress(const cli_options *o)
{
    if (o->progress)
        fputs("\r\033[K", stderr);
}

/* A progress line on a terminal, at most ten times a second. Counting the
 * files first would cost a second walk, so the total is estimated by the
 * number of files the index already held: a rerun shows an ETA, a first
 * run (or one past that number) the rate only. */
static void show_progress(const gazette_update_t *u, cli_options *o)
{
    double now = wall_seconds();
    if (!o->progress || now - o->last_progress < 0.1)
        return;
    o->last_progress = now;
    uint64_t scanned = gazette_update_count(u, GAZETTE_COUNT_SCANNED);
    uint64_t known = gazette_update_count(u, GAZETTE_COUNT_KNOWN);
    double elapsed = now - o->start;
    double rate = elapsed > 0 ? (double)scanned / elapsed : 0.0;
    char eta[64] = "";
    if (known > scanned && rate > 0)
        snprintf(eta, sizeof eta, ", ETA %.0f s",
                 (double)(known - scanned) / rate);
    fprintf(stderr, "\r\033[Kscanned %llu file%s (%.0f/s%s): %llu added, "
            "%llu updated, %llu unchanged, %llu skipped",
            (unsigned long long)scanned, scanned == 1 ? "" : "s", rate, eta,
            (unsigned long long)gazette_update_count(u, GAZETTE_COUNT_ADDED),
            (unsigned long long)gazette_update_count(u, GAZETTE_COUNT_UPDATED),
            (unsigned long long)gazette_update_count(u,
                                                     GAZETTE_COUNT_UNCHANGED),
            (unsigned long long)gazette_update_count(u,
                                                     GAZETTE_COUNT_SKIPPED));
}

/* The library's words in this program's (cli_in_our_words): it names a
 * setting by its setter ("rerun with gazette_update_set_force", "over the
 * gazette_update_set_max_remove limit of 10%"), which is an option here
 * ("--force", "--max-remove"), and a run with one is this program with it
 * ("until a run with gazette_update_set_full rebuilds the index": "until
 * gazette-index --full rebuilds the index"); "this library" is this
 * program. */
#define SETTER(name, option)                                               \
    {"a run with gazette_update_set_" name, "gazette-index --" option},   \
    {"gazette_update_set_" name, "--" option}
static const cli_word our_words[] = {
    /* a damaged index's remedy, when its language cannot be read */
    {"a run with gazette_update_set_full and gazette_update_set_language "
     "LANG", "gazette-index --full --language LANG"},
    SETTER("batch", "batch"),
    SETTER("dry_run", "dry-run"),
    SETTER("entity_aliases_file", "entity-aliases"),
    SETTER("follow_symlinks", "follow-symlinks"),
    SETTER("force", "force"),
    SETTER("full", "full"),
    SETTER("jobs", "jobs"),
    SETTER("language", "language"),
    SETTER("max_file_size", "max-file-size"),
    SETTER("max_remove", "max-remove"),
    SETTER("memory", "memory"),
    SETTER("no_create", "no-create"),
    SETTER("no_delete", "no-delete"),
    SETTER("synonyms_file", "synonyms"),
    SETTER("wait_lock", "wait-lock"),
    {"this library writes format", "gazette-index writes format"},
    {"this library can write", "gazette-index can write"},
    {"of this library: move it away", "of gazette-index: move it away"},
    {"gazette_update_add_include", "--include"},
    {"gazette_update_add_exclude", "--exclude"},
    /* the library's corpus directories are this program's operands */
    {"relative to each corpus directory",
     "relative to each CORPUS directory"},
    {NULL, NULL}};
#undef SETTER

/* Library message `msg` in this program's words: malloc()ed, or NULL
 * (out of memory: then say `msg` as it is). */
static char *here(const char *msg)
{
    return cli_in_our_words(our_words, msg);
}

/* Say "<what> <path>: <message>" of an event, in this program's words.
 * The library escaped the message (gazette.h) as the path is escaped
 * here: escaping the line again would show a backslash of a file name
 * twice over. */
static void complain_of(const char *what, const char *path,
                        const char *message)
{
    char *ours = here(message);
    char *where = cli_escaped(path);
    if (where)
        cli_complain_escaped("%s %s: %s", what, where, ours ? ours : message);
    else   /* out of memory: escaped twice over, but one line */
        cli_complain("%s %s: %s", what, path, ours ? ours : message);
    free(where);
    free(ours);
}

/* Everything the run reports: changes on stdout with --verbose, skips and
 * warnings on stderr, progress on a terminal. */
static void on_event(const gazette_update_t *u, gazette_event_t event,
                     const char *path, const char *message, void *ctx)
{
    cli_options *o = ctx;
    static const char *const change[] = {
        [GAZETTE_EVENT_ADDED] = "added", [GAZETTE_EVENT_UPDATED] = "updated",
        [GAZETTE_EVENT_REMOVED] = "removed"};
    switch (event) {
    case GAZETTE_EVENT_ADDED:
    case GAZETTE_EVENT_UPDATED:
    case GAZETTE_EVENT_REMOVED:
        if (!o->verbose || o->quiet || ferror(stdout))
            return;   /* stdout failed (a closed pipe): 74 at the end */
        clear_progress(o);
        printf("%s ", change[event]);
        cli_put_escaped(stdout, path);
        putchar('\n');
        return;
    case GAZETTE_EVENT_IGNORED:
        if (!o->verbose || o->quiet || ferror(stdout))
            return;
        clear_progress(o);
        fputs("ignored ", stdout);
        cli_put_escaped(stdout, path);
        printf(" (%s)\n", message);   /* escaped by the library */
        return;
    case GAZETTE_EVENT_SKIPPED:
    case GAZETTE_EVENT_WARNING:
    case GAZETTE_EVENT_NOTE:
        clear_progress(o);
        if (!o->quiet)
            complain_of(event == GAZETTE_EVENT_SKIPPED   ? "skipped"
                        : event == GAZETTE_EVENT_WARNING ? "warning:"
                                                         : "note:",
                        path, message);
        return;
    case GAZETTE_EVENT_PROGRESS:
        show_progress(u, o);
        return;
    }
}

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

/* SIGINT/SIGTERM set a flag the run polls between files; no SA_RESTART,
 * so a --wait-lock sleep is cut short too. They are unblocked: blocked
 * by the parent (a mask is inherited), they could not stop the run, and
 * one already pending stops it before it starts. SIGHUP (the terminal or
 * ssh session of a first build run by hand closed) stops it the same
 * way, committing what is in hand, where its default would kill the run
 * with the batch in hand lost; unless it was ignored when we started:
 * `nohup` asked for the run to outlive its terminal. */
static void install_signal_handlers(void)
{
    struct sigaction sa, hangup;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    if (sigaction(SIGHUP, NULL, &hangup) == 0 &&
        hangup.sa_handler != SIG_IGN) {
        sigaction(SIGHUP, &sa, NULL);
        sigaddset(&stops, SIGHUP);
    }
    sigprocmask(SIG_UNBLOCK, &stops, NULL);
    /* Over a file size limit (ulimit -f) a write then fails with EFBIG,
     * reported as an I/O error (74), instead of killing the run. */
    signal(SIGXFSZ, SIG_IGN);
    /* Likewise stdout a pipe whose reader is gone ('gazette-index -v |
     * head -1'): a write fails with EPIPE instead of killing the run with
     * what it had not committed; the run goes on to its end (the index is
     * the product, stdout a report) and exits 74 for the lost output. */
    signal(SIGPIPE, SIG_IGN);
}

/* The summary: the counts, then which index and corpus roots the run
 * covered (a cron log holding several jobs says which one it was), and
 * when it ended: off a terminal the line starts with the time, as the
 * stderr lines do, so that a log of many nights dates a run that said
 * nothing else (a person at a terminal knows when); --json has it as a
 * member, "finished", terminal or not, where a prefix would break the
 * JSON. A dry run's counts are what a real run would do, which a log
 * must not pass off as done: its line starts "dry run: " (after the
 * time), and --json ends with "dry_run": true (false otherwise). */
static void print_summary(const gazette_update_t *u, const cli_options *o,
                          char *const *roots, int nroots)
{
    clear_progress(o);
    if (o->quiet)
        return;
    char now[48];
    cli_iso_time(now, sizeof now);
    if (!o->json && *now && !isatty(STDOUT_FILENO))
        printf("%s ", now);
    if (!o->json && o->dry_run)
        fputs("dry run: ", stdout);
    const char *fmt = o->json
        ? "{\"scanned\":%llu,\"added\":%llu,\"updated\":%llu,\"removed\":%llu,"
          "\"unchanged\":%llu,\"skipped\":%llu,\"ignored\":%llu,"
          "\"seconds\":%.3f,\"index\":"
        : "scanned %llu, added %llu, updated %llu, removed %llu, "
          "unchanged %llu, skipped %llu, ignored %llu, seconds %.2f, index ";
#define COUNT(what) (unsigned long long)gazette_update_count(u, what)
    printf(fmt, COUNT(GAZETTE_COUNT_SCANNED), COUNT(GAZETTE_COUNT_ADDED),
           COUNT(GAZETTE_COUNT_UPDATED), COUNT(GAZETTE_COUNT_REMOVED),
           COUNT(GAZETTE_COUNT_UNCHANGED), COUNT(GAZETTE_COUNT_SKIPPED),
           COUNT(GAZETTE_COUNT_IGNORED), gazette_update_seconds(u));
#undef COUNT
    void (*put)(FILE *, const char *) =
        o->json ? cli_put_json_string : cli_put_escaped;
    /* the index named as the library and gazette-query name it */
    char *db = strndup(o->db, cli_index_name_length(o->db));
    put(stdout, db ? db : o->db);
    free(db);
    fputs(o->json ? ",\"roots\":[" : ", corpus", stdout);
    for (int i = 0; i < nroots; i++) {
        fputs(o->json ? (i ? "," : "") : " ", stdout);
        put(stdout, roots[i]);
    }
    if (!o->json) {
        putchar('\n');
        return;
    }
    fputs("],\"finished\":", stdout);
    if (*now)
        cli_put_json_string(stdout, now);
    else
        fputs("null", stdout);   /* no clock to read */
    printf(",\"dry_run\":%s}\n", o->dry_run ? "true" : "false");
}

static int exit_code_for(gazette_status_t status, const gazette_update_t *u)
{
    switch (status) {
    case GAZETTE_STATUS_OK:
        return gazette_update_count(u, GAZETTE_COUNT_SKIPPED)
                   ? CLI_EXIT_SKIPPED : CLI_EXIT_OK;
    case GAZETTE_STATUS_INPUT_NOT_FOUND: return CLI_EXIT_NOINPUT;
    case GAZETTE_STATUS_LANGUAGE_MISMATCH:
    case GAZETTE_STATUS_NOT_AN_INDEX:
    case GAZETTE_STATUS_BAD_INPUT:
    case GAZETTE_STATUS_INVALID_ARGUMENT: return CLI_EXIT_USAGE;
    case GAZETTE_STATUS_INDEX_LOCKED:
    case GAZETTE_STATUS_INDEX_MODIFIED: return CLI_EXIT_TEMPFAIL;
    case GAZETTE_STATUS_INTERRUPTED:
        return 128 + (stop_signal ? stop_signal : SIGINT);
    case GAZETTE_STATUS_INDEX_CORRUPT:
    case GAZETTE_STATUS_INDEX_VERSION: return CLI_EXIT_DATAERR;
    case GAZETTE_STATUS_IO_ERROR: return CLI_EXIT_IOERR;
    case GAZETTE_STATUS_REMOVAL_REFUSED: return CLI_EXIT_REFUSED;
    default: return CLI_EXIT_SOFTWARE;
    }
}

/* Set `u` up from the options: OK, or the status of the first setter
 * that refused (said). The options were checked when parsed, so a refusal
 * means the library's limits and this program's disagree. */
static gazette_status_t configure(gazette_update_t *u, cli_options *o)
{
    gazette_status_t s = gazette_update_set_language(u, o->language);
    if (s == GAZETTE_STATUS_OK && o->max_file_bytes)
        s = gazette_update_set_max_file_size(u, o->max_file_bytes);
    if (s == GAZETTE_STATUS_OK && o->batch_size)
        s = gazette_update_set_batch(u, o->batch_size);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_update_set_jobs(u, o->jobs);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_update_set_memory(u, o->memory);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_update_set_dry_run(u, o->dry_run);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_update_set_full(u, o->full);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_update_set_wait_lock(u, o->wait_lock);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_update_set_follow_symlinks(u, o->follow_symlinks);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_update_set_max_remove(u, o->max_remove);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_update_set_no_delete(u, o->no_delete);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_update_set_force(u, o->force);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_update_set_no_create(u, o->no_create);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_update_set_synonyms_file(u, o->synonyms);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_update_set_entity_aliases_file(u, o->aliases);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_update_set_stop_flag(u, &stop_signal);
    if (s == GAZETTE_STATUS_OK)
        s = gazette_update_set_callback(u, on_event, o);
    for (size_t i = 0; s == GAZETTE_STATUS_OK && i < o->ninclude; i++)
        s = gazette_update_add_include(u, o->include[i]);
    for (size_t i = 0; s == GAZETTE_STATUS_OK && i < o->nexclude; i++)
        s = gazette_update_add_exclude(u, o->exclude[i]);
    if (s != GAZETTE_STATUS_OK) {
        const char *error = gazette_update_error(u);
        char *why = here(error);
        cli_complain("%s", *error ? why ? why : error
                                  : gazette_status_to_string(s));
        free(why);
    }
    return s;
}

/* 1 when no index is at `db`: nothing, or an empty directory, as the
 * library counts a new index. A stopped --full deletes its build and
 * leaves the index it replaces alone, so none was there before either.
 * (The library's message says so too, but in the API's words.) */
static int no_index_at(const char *db)
{
    struct stat sb;
    if (lstat(db, &sb) != 0)
        return errno == ENOENT;
    DIR *d = S_ISDIR(sb.st_mode) ? opendir(db) : NULL;
    if (!d)
        return 0;
    int empty = 1;
    struct dirent *e;
    while (empty && (e = readdir(d)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

/* What held the index's lock while a run stopped waiting for it
 * (--wait-lock) waited ("lock DIR.lock held by process N", "Xapian lock
 * held"), read out of the library's message of that stop, `msg`, which
 * ends "...while the run waited for the index's lock (<holder>); nothing
 * was written" (say_interrupted, indexer/indexer.c): malloc()ed, or NULL
 * when the run did not wait (or out of memory). The sentence's start
 * comes before the holder, the end after it, so a path holding either
 * cannot mislead. */
static char *lock_holder_waited_for(const char *msg)
{
    static const char before[] = "while the run waited for the index's "
                                 "lock (";
    static const char after[] = "); nothing was written";
    const char *from = strstr(msg, before);
    size_t len = strlen(msg), tail = sizeof after - 1;
    if (!from || len < tail || strcmp(msg + len - tail, after) != 0)
        return NULL;
    from += sizeof before - 1;
    const char *to = msg + len - tail;
    return from <= to ? strndup(from, (size_t)(to - from)) : NULL;
}

/* The one line that says why the run failed or stopped. */
static void explain_outcome(gazette_status_t status, const gazette_update_t *u,
                            const cli_options *o)
{
    char *ours = here(gazette_update_error(u));
    const char *why = ours ? ours : gazette_update_error(u);
    char *holder = status == GAZETTE_STATUS_INTERRUPTED
                       ? lock_holder_waited_for(gazette_update_error(u))
                       : NULL;
    if (status == GAZETTE_STATUS_INTERRUPTED && o->dry_run)
        cli_complain("stopped by signal %d; a dry run changes nothing",
                     (int)stop_signal);
    else if (holder)   /* it never had the lock: nothing written */
        cli_complain("stopped by signal %d while waiting for the index's "
                     "lock (%s); nothing was written", (int)stop_signal,
                     holder);
    else if (status == GAZETTE_STATUS_INTERRUPTED &&
             !gazette_update_started(u) && no_index_at(o->db))
        cli_complain("stopped by signal %d before starting; nothing was "
                     "made (no index is at %s yet)", (int)stop_signal,
                     o->db);
    else if (status == GAZETTE_STATUS_INTERRUPTED &&
             !gazette_update_started(u))
        cli_complain("stopped by signal %d before starting; the index is "
                     "as it was", (int)stop_signal);
    else if (status == GAZETTE_STATUS_INTERRUPTED && o->full &&
             no_index_at(o->db))
        cli_complain("stopped by signal %d; the unfinished --full build was "
                     "deleted, and no index was made (there was none "
                     "before)", (int)stop_signal);
    else if (status == GAZETTE_STATUS_INTERRUPTED && o->full)
        cli_complain("stopped by signal %d; the unfinished --full build was "
                     "deleted, the index is as it was", (int)stop_signal);
    else if (status == GAZETTE_STATUS_INTERRUPTED)
        cli_complain("stopped by signal %d after committing the files done",
                     (int)stop_signal);
    else if (status == GAZETTE_STATUS_INDEX_LOCKED &&
             gazette_update_lock_wait(u) > 0)   /* --wait-lock ran out */
        cli_complain("index %s is being written by another process (%s); "
                     "gave up after waiting %.1f s (--wait-lock %s)", o->db,
                     why, gazette_update_lock_wait(u),
                     o->wait_lock_text ? o->wait_lock_text : "?");
    else if (status == GAZETTE_STATUS_INDEX_LOCKED)
        cli_complain("index %s is being written by another process (%s)",
                     o->db, why);
    else if (status != GAZETTE_STATUS_OK)
        cli_complain("%s", *why ? why : gazette_status_to_string(status));
    free(holder);
    free(ours);
}

/* The directories made for the default index location by
 * make_default_dir: `dir` (the one the index goes in) and every directory
 * above it up to and including the `made_len` first bytes of it, which
 * did not exist before (made_len 0: none was made). */
typedef struct made_dirs {
    char dir[4096];
    size_t made_len;
} made_dirs;

/* 1 when the index location is the default of the user's data directory
 * ($XDG_DATA_HOME/gazette/index or ~/.local/share/gazette/index): no --db
 * (`db_given` 0) and no GAZETTE_INDEX. A location the user named is never
 * made: a missing directory there is most often a disk not mounted, and
 * must not get a new empty index. */
static int default_location(int db_given)
{
    const char *env = getenv("GAZETTE_INDEX");
    return !db_given && !(env && *env);
}

/* Make the directory the index `db` goes in and its missing parents
 * (mkdir -p), each new one mode 0700 as the XDG base directory spec asks
 * of $XDG_DATA_HOME; existing ones are left as they are. Records in
 * `made` what was made. 0, or -1 with errno and the path that failed
 * said (cli_complain). */
static int make_default_dir(const char *db, made_dirs *made)
{
    made->made_len = 0;
    int n = snprintf(made->dir, sizeof made->dir, "%s", db);
    char *slash = strrchr(made->dir, '/');
    if (n < 0 || (size_t)n >= sizeof made->dir || !slash)
        return 0;   /* in the working directory: nothing to make */
    *slash = '\0';
    for (char *p = made->dir + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        struct stat sb;
        if (mkdir(made->dir, 0700) == 0) {
            if (!made->made_len)
                made->made_len = strlen(made->dir);
        } else if (errno != EEXIST || stat(made->dir, &sb) != 0 ||
                   !S_ISDIR(sb.st_mode)) {
            int saved = errno == EEXIST ? ENOTDIR : errno;
            cli_complain("cannot make %s for the default index %s: %s",
                         made->dir, db, strerror(saved));
            errno = saved;
            return -1;
        }
        *p = c;
        if (!c)
            return 0;
    }
}

/* Remove what make_default_dir made that is still empty (after a dry
 * run, which writes nothing, or a run that failed before writing),
 * deepest first; a directory holding the index stays. */
static void remove_default_dir(made_dirs *made)
{
    while (made->made_len && strlen(made->dir) >= made->made_len &&
           rmdir(made->dir) == 0) {
        char *slash = strrchr(made->dir, '/');
        if (!slash)
            break;
        *slash = '\0';
    }
}

int main(int argc, char **argv)
{
    cli_set_program("gazette-index");
    cli_hold_standard_streams();
    /* In a log that takes both streams (cron's '>>log 2>&1') the
     * --verbose lines stand in order among the skipped and warning lines,
     * not all after them at exit. */
    cli_order_stdout_before_stderr();
    cli_options o = {.max_remove = GAZETTE_DEFAULT_MAX_REMOVE};
    int code;
    int first = parse_args(argc, argv, &o, &code);
    if (first < 0) {
        free(o.db);
        free(o.include);
        free(o.exclude);
        return code;
    }
    int make_dir = default_location(o.db != NULL);
    if (!o.db && !(o.db = gazette_default_index_path())) {
        int why = errno;
        free(o.include);
        free(o.exclude);
        return cli_no_default_index(why);
    }
    made_dirs made = {.made_len = 0};
    if (make_dir && make_default_dir(o.db, &made) != 0) {
        free(o.db);
        free(o.include);
        free(o.exclude);
        return CLI_EXIT_IOERR;
    }
    o.progress = !o.quiet && isatty(STDERR_FILENO);
    o.start = o.last_progress = wall_seconds();
    install_signal_handlers();
    gazette_update_t *u = NULL;
    gazette_status_t status = gazette_update_new(&u);
    if (status == GAZETTE_STATUS_OK)
        status = configure(u, &o);
    if (status != GAZETTE_STATUS_OK) {
        int code = exit_code_for(status, u);
        gazette_update_free(u);
        free(o.db);
        free(o.include);
        free(o.exclude);
        return code;
    }
    status = gazette_update_run(
        u, o.db, (const char *const *)argv + first, (size_t)(argc - first));
    code = exit_code_for(status, u);
    /* A summary for a run that got past the checks of what its command
     * line names (the --synonyms and --entity-aliases files, each CORPUS,
     * the index's path, stubs and language), which the library makes
     * before it writes: it then says what the run did, also when that is
     * nothing (a full disk). A command line refused
     * there did nothing, whatever its exit status (a usage error, 64; a
     * missing input, 66; a rules file that cannot be read, or the
     * directory of the index missing, 74; a stub
     * listing one database twice, 65): like a bad option, it gets its one
     * error line and no summary, whose zeros a log reader (or a --json
     * consumer) would take for a run that found no file. So does a run
     * a signal stopped before it started, or while it waited for the
     * lock (--wait-lock), and one another writer kept from the lock (75,
     * at once or once the wait ran out): it wrote nothing. */
    if (gazette_update_started(u))
        print_summary(u, &o, argv + first, argc - first);   /* failed too */
    explain_outcome(status, u, &o);
    /* The summary (and --verbose's lines) unwritten is an I/O error,
     * said in one line, unless the run has a more telling status. */
    if (cli_flush_stdout("the summary") != 0 &&
        (code == CLI_EXIT_OK || code == CLI_EXIT_SKIPPED))
        code = CLI_EXIT_IOERR;
    remove_default_dir(&made);
    gazette_update_free(u);
    free(o.db);
    free(o.include);
    free(o.exclude);
    return code;
}
