/*
 * cli.h - what gazette-index and gazette-query share as command-line
 * programs: the exit codes scripts rely on, and the one-line error.
 * (Not part of libgazette: the library never prints and never exits.)
 */
#ifndef GAZETTE_CLI_H
#define GAZETTE_CLI_H

#include <stdio.h>

/* Exit codes: sysexits.h values, spelled out so that scripts can rely on
 * them, plus 1 for "done, but something was skipped". Each program's
 * --help says which it uses and when. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_SKIPPED = 1,     /* gazette-index: done, files skipped */
    CLI_EXIT_USAGE = 64,      /* bad option, malformed query */
    CLI_EXIT_DATAERR = 65,    /* the index is corrupt or of another version */
    CLI_EXIT_NOINPUT = 66,    /* an input is missing: a corpus, the
                                 synonyms or aliases file, the index */
    CLI_EXIT_REFUSED = 69,    /* gazette-index removed nothing (or did not
                                 switch in a --full build): a corpus looked
                                 empty, unreadable or moved, or the removal
                                 limit was passed */
    CLI_EXIT_SOFTWARE = 70,   /* internal error */
    CLI_EXIT_IOERR = 74,      /* I/O error */
    CLI_EXIT_TEMPFAIL = 75    /* locked or changing: try again later */
};

/* Say why there is no default index (gazette_default_index_path gave
 * NULL with errno `err`) and return the exit status: CLI_EXIT_USAGE when
 * there is none (HOME unset or empty: a cron job must not get an index
 * in its working directory), CLI_EXIT_SOFTWARE when out of memory. */
int cli_no_default_index(int err);

/* The program's name for messages ("gazette-index"); set once in main. */
void cli_set_program(const char *name);

/* Called first in main: each of descriptors 0, 1 and 2 that is closed
 * (a job started with '2>&-', or by a supervisor that closes them) is
 * taken by /dev/null, opened so that it cannot be used that way (stdin
 * for writing, stdout and stderr for reading): a write to stdout or
 * stderr still fails with EBADF, as it did, and no file the run opens
 * (its lock file, a Xapian table or lock) gets the number and the
 * program's lines. */
void cli_hold_standard_streams(void);

/* The local time now, ISO 8601 with its offset from UTC
 * ("2026-11-27T02:15:03+01:00"), into `buf` (48 bytes are enough): what
 * starts a line of a log (cli_complain, gazette-index's summary). ""
 * when the clock cannot be read; without the offset when the zone's
 * cannot be had. */
void cli_iso_time(char *buf, size_t size);

/* Print "<program>: <message>\n" to stderr: every error and warning of
 * the programs is one such line. When stderr is not a terminal (a cron
 * log, the journal) the line starts with the local time (cli_iso_time)
 * and a blank ("2026-11-27T02:15:03+01:00 gazette-index: ..."). Control
 * characters and bytes that are not UTF-8 in the message are escaped as
 * by cli_put_escaped, so a file name can neither break the line nor
 * reach a terminal raw. */
__attribute__((format(printf, 1, 2)))
void cli_complain(const char *fmt, ...);

/* cli_complain, but the message is written as it is: every part of it
 * must be escaped already (gazette_escape: a path through cli_escaped,
 * the message of an update's event as the library gives it), so that
 * nothing is escaped twice. */
__attribute__((format(printf, 1, 2)))
void cli_complain_escaped(const char *fmt, ...);

/* From now on, flush stdout before each line cli_complain writes to
 * stderr, so that a log taking both streams has them in the order they
 * were written (gazette-index, which ignores SIGPIPE: a flush cannot kill
 * it). A failed flush is named later by cli_flush_stdout. */
void cli_order_stdout_before_stderr(void);

/* Flush stdout. When that or an earlier write to it failed (a full disk,
 * a closed pipe with SIGPIPE ignored), say so in one cli_complain line,
 * "cannot write <what>: <reason>", and return -1; else 0. */
int cli_flush_stdout(const char *what);

/* Print --help or --version, the text of `fmt` that `what` names, and
 * flush: CLI_EXIT_OK, or CLI_EXIT_IOERR when it could not be written,
 * said as cli_flush_stdout says it, naming the reason ("cannot write the
 * help: Broken pipe"). */
__attribute__((format(printf, 2, 3)))
int cli_print_info(const char *what, const char *fmt, ...);

/* The rule of every numeric option of the programs: its argument is
 * decimal digits and nothing else (leading zeros are no octal: "010" is
 * ten), but the suffix `suffix` an option documents (NULL: none, "%":
 * --max-remove 10%). No sign, no blank before or after, no "0x", not
 * empty: strtoull alone takes " +5" and turns " -1" into 2^64-1. */
int cli_is_decimal(const char *s, const char *suffix);

/* Option `opt`'s argument `s` as a whole number from `min` to `max`
 * (cli_is_decimal with `suffix`; one too large for any type is out of
 * range too). When it is not, say it in one cli_complain line, "<opt>
 * takes <what> from <min> to <max>, not '<s>'" (`what` names what it
 * counts: "a number of MB"), and return -1 (exit CLI_EXIT_USAGE). */
int cli_parse_number(const char *opt, const char *what, const char *s,
                     const char *suffix, unsigned long long min,
                     unsigned long long max, unsigned long long *out);

struct option;

/* After getopt_long(argc, argv, optstring, longopts, ...) returned '?' or
 * ':' (opterr set to 0, `optstring` starting with ':'), say what was wrong
 * as one cli_complain line: "unknown option '--bogus'", "option '--db'
 * needs an argument", "option '--json' takes no argument", "option '--f'
 * is ambiguous", each followed by "; try '<program> --help'". getopt's
 * own messages would lack the time a log line carries. */
void cli_bad_option(int c, char *const *argv, const char *optstring,
                    const struct option *longopts);

/* Write `s` to `f` with what must not reach a terminal or a log raw
 * escaped, by the library's gazette_escape (one escaping for the library
 * and the programs): newline, tab and CR as \n \t \r, other C0
 * controls, DEL, C1 controls (U+0080-U+009F), the line and paragraph
 * separators (U+2028, U+2029), the bidirectional embedding, override and
 * isolate controls (U+202A-U+202E, U+2066-U+2069, which reorder what a
 * terminal shows after them) and bytes that are not UTF-8 as \xHH (each
 * byte: U+202E is \xE2\x80\xAE), and a backslash as \\. Other valid
 * UTF-8 text (right-to-left letters and the marks U+200E, U+200F too) is
 * written as it is. Cut only when out of memory. */
void cli_put_escaped(FILE *f, const char *s);

/* `s` escaped as cli_put_escaped writes it: malloc()ed, or NULL when out
 * of memory. */
char *cli_escaped(const char *s);

/* Write [s, s+n) to `f` for a person reading a terminal: tab, newline and
 * CR as a space; other C0 controls, DEL, C1 controls (U+0080-U+009F), the
 * bidirectional embedding, override and isolate controls (U+202A-U+202E,
 * U+2066-U+2069: "Trojan Source" reordering) and each byte that is not
 * UTF-8 (such as a lone 0x9B, which an 8-bit terminal obeys as CSI) as
 * '?'. Other valid UTF-8 text (right-to-left letters and the marks
 * U+200E, U+200F too) is written as it is. */
void cli_put_clean(FILE *f, const char *s, size_t n);

/* Write `s` to `f` as a JSON string (quotes included) in ASCII, as
 * gazette-query --json writes its strings (jansson's JSON_ENSURE_ASCII):
 * control and non-ASCII characters as \uXXXX (a surrogate pair past
 * U+FFFF), each byte that is not UTF-8 as \uFFFD. */
void cli_put_json_string(FILE *f, const char *s);

/* A copy of `s` with each byte that is not UTF-8 replaced by U+FFFD (what
 * a JSON library accepts); malloc()ed, NULL when out of memory. */
char *cli_to_utf8(const char *s);

/* 1 when `s` is valid UTF-8 (cli_to_utf8 would change nothing), else 0. */
int cli_is_utf8(const char *s);

/* A library phrase and what a program says for it: the library speaks in
 * its API's words (a setting by its setter, "gazette_update_set_full"),
 * the programs in their options ("--full"). Whole phrases, each listed:
 * a message may quote a file, a path or a query, whose text is not to be
 * rewritten, and a phrase made of an API name is not found there by
 * chance. A table ends with a NULL `library`. */
typedef struct cli_word {
    const char *library;
    const char *here;
} cli_word;

/* Library message `msg` (an error, a warning) in the program's words:
 * each occurrence of a `words` phrase standing between words of prose
 * (after a blank, '(' or a quote, before a blank, punctuation or the end;
 * not inside a word or a path) replaced (the first of the table that
 * fits, so a longer phrase is listed before a shorter one it starts
 * with). Text the library quotes is not prose and stays as written: it
 * quotes what it was given in '...' or "..." (a query, a date, an id, a
 * pattern), a quote after a blank or '(' or at the start, closed by the
 * same character before a blank, punctuation or the end. malloc()ed;
 * NULL when out of memory. */
char *cli_in_our_words(const cli_word *words, const char *msg);

/* The length of index path `path` as the library names the index: less
 * trailing slashes and "/." ("news.idx/" and "news.idx/." are
 * "news.idx"), as gazette-query's --json "index" shows it. */
size_t cli_index_name_length(const char *path);

#endif
