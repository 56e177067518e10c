/* cli.c - shared by the command-line programs (cli.h). */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>

static const char *program = "gazette";

void cli_set_program(const char *name)
{
    program = name;
}

void cli_complain(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", program);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
