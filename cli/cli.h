/*
 * cli.h - what gazette-index and gazette-query share as command-line
 * programs: the exit codes scripts rely on, and the one-line error.
 * (Not part of libgazette: the library never prints and never exits.)
 */
#ifndef GAZETTE_CLI_H
#define GAZETTE_CLI_H

/* Exit codes: sysexits.h values, spelled out so that scripts can rely on
 * them, plus 1 for "done, but something was skipped". Each program's
 * --help says which it uses and when. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_SKIPPED = 1,     /* gazette-index: done, files skipped */
    CLI_EXIT_USAGE = 64,      /* bad option, malformed query */
    CLI_EXIT_DATAERR = 65,    /* the index is corrupt or of another version */
    CLI_EXIT_NOINPUT = 66,    /* a corpus or the index is missing */
    CLI_EXIT_SOFTWARE = 70,   /* internal error */
    CLI_EXIT_IOERR = 74,      /* I/O error */
    CLI_EXIT_TEMPFAIL = 75    /* locked or changing: try again later */
};

/* The program's name for messages ("gazette-index"); set once in main. */
void cli_set_program(const char *name);

/* Print "<program>: <message>\n" to stderr: every error and warning of
 * the programs is one such line. */
__attribute__((format(printf, 1, 2)))
void cli_complain(const char *fmt, ...);

#endif
