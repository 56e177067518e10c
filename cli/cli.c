/* cli.c - shared by the command-line programs (cli.h). */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gazette.h"

static const char *program = "gazette";

void cli_set_program(const char *name)
{
    program = name;
}

void cli_hold_standard_streams(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        /* The lowest free number is `fd`, the ones below it held. Where
         * /dev/null is missing (a bare chroot) a directory serves: it
         * cannot be written either. */
        int held = open("/dev/null", fd ? O_RDONLY : O_WRONLY);
        if (held < 0)
            held = open("/", O_RDONLY | O_DIRECTORY);
        if (held >= 0 && held != fd)
            close(held);
    }
}

/* Length of the well-formed UTF-8 sequence at `s` (1 to 4 bytes; no
 * overlong forms, surrogates or code points past U+10FFFF), or 0 when the
 * bytes there are not one. `*cp` gets the code point. */
static size_t utf8_sequence(const unsigned char *s, unsigned long *cp)
{
    unsigned char c = s[0];
    size_t n;
    unsigned long min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        n = 2, min = 0x80, *cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, min = 0x800, *cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, min = 0x10000, *cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3f);
    }
    if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
        return 0;
    return n;
}

/* 1 for the characters a terminal or a log must not get raw: C0
 * controls, DEL and the C1 controls (U+0080 to U+009F, which some
 * terminals obey like ESC sequences); and the bidirectional embedding,
 * override and isolate controls (U+202A to U+202E, U+2066 to U+2069),
 * which make a terminal show the text after them reordered, so that a
 * title or a path reads as another ("Trojan Source"); and the line and
 * paragraph separators (U+2028, U+2029), which log viewers and tools
 * take for line breaks, so a name could forge a log line. The marks
 * U+200E, U+200F and U+061C, and right-to-left letters, reorder nothing
 * that follows and are kept. */
static int is_control(unsigned long cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 ||
           cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

char *cli_escaped(const char *s)
{
    size_t n = gazette_escape(s, NULL, 0);
    char *escaped = malloc(n + 1);
    if (escaped)
        gazette_escape(s, escaped, n + 1);
    return escaped;
}

void cli_put_escaped(FILE *f, const char *s)
{
    char fixed[1024];
    size_t n = gazette_escape(s, fixed, sizeof fixed);
    char *big = n >= sizeof fixed ? cli_escaped(s) : NULL;
    /* out of memory: cut, still escaped */
    fputs(big ? big : fixed, f);
    free(big);
}

void cli_put_clean(FILE *f, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    char seq[5];
    for (size_t i = 0; i < n;) {
        /* A sequence cut by the end of [s, s+n) is not one: copy what
         * is left so utf8_sequence cannot read past it. */
        size_t left = n - i < 4 ? n - i : 4;
        memcpy(seq, p + i, left);
        seq[left] = '\0';
        unsigned long cp;
        size_t k = utf8_sequence((const unsigned char *)seq, &cp);
        if (k == 0) {
            putc('?', f);   /* not UTF-8 (an 8-bit C1 code such as 0x9B) */
            k = 1;
        } else if (cp == '\t' || cp == '\n' || cp == '\r') {
            putc(' ', f);
        } else if (is_control(cp)) {
            putc('?', f);
        } else {
            fwrite(p + i, 1, k, f);
        }
        i += k;
    }
}

void cli_put_json_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    putc('"', f);
    while (*p) {
        unsigned long cp;
        size_t n = utf8_sequence(p, &cp);
        if (n == 0) {
            fputs("\\uFFFD", f);   /* a byte that is not UTF-8 */
            p++;
            continue;
        }
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (cp >= 0x10000)   /* a surrogate pair */
            fprintf(f, "\\u%04lX\\u%04lX", 0xD800 + ((cp - 0x10000) >> 10),
                    0xDC00 + ((cp - 0x10000) & 0x3FF));
        else if (cp < 0x20 || cp >= 0x7f)
            fprintf(f, "\\u%04lX", cp);
        else
            fwrite(p, 1, n, f);
        p += n;
    }
    putc('"', f);
}

char *cli_to_utf8(const char *s)
{
    size_t len = strlen(s);
    /* Each bad byte becomes U+FFFD, three bytes. */
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    char *q = out;
    while (*p) {
        unsigned long cp;
        size_t n = utf8_sequence(p, &cp);
        if (n == 0) {
            memcpy(q, "\xef\xbf\xbd", 3);
            q += 3;
            p++;
        } else {
            memcpy(q, p, n);
            q += n;
            p += n;
        }
    }
    *q = '\0';
    return out;
}

int cli_is_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned long cp;
    size_t n;
    while (*p && (n = utf8_sequence(p, &cp)) > 0)
        p += n;
    return *p == '\0';
}

void cli_iso_time(char *buf, size_t size)
{
    time_t now = time(NULL);
    struct tm tm;
    char zone[8] = "";
    buf[0] = '\0';
    if (!localtime_r(&now, &tm))
        return;
    size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    /* %z is "+0100"; ISO 8601's extended form wants "+01:00". */
    if (n && strftime(zone, sizeof zone, "%z", &tm) == 5)
        snprintf(buf + n, size - n, "%.3s:%.2s", zone, zone + 3);
}

int cli_no_default_index(int err)
{
    if (err == ENOENT) {
        /* HOME="" is no home either: say which of the two it is, as
         * "not set" sends one looking for a missing variable. */
        cli_complain("no index named, and no default one as HOME is %s: "
                     "name the index with --db INDEX or GAZETTE_INDEX",
                     getenv("HOME") ? "empty" : "not set");
        return CLI_EXIT_USAGE;
    }
    cli_complain("out of memory");
    return CLI_EXIT_SOFTWARE;
}

/* cli_complain's line: `message` escaped, or with `escaped` as it is. */
static void complain_line(const char *message, int escaped)
{
    /* A log (not a terminal) gets the time; a file name in the message
     * cannot break the line or hold escape sequences. */
    char stamp[48] = "";
    if (!isatty(STDERR_FILENO))
        cli_iso_time(stamp, sizeof stamp);
    fprintf(stderr, "%s%s%s: ", stamp, *stamp ? " " : "", program);
    if (escaped)
        fputs(message, stderr);
    else
        cli_put_escaped(stderr, message);
    fputc('\n', stderr);
    fflush(stderr);
}

/* Say the message of `fmt` and `ap` (whole, however long: a path deep
 * below the corpus runs past PATH_MAX, and the reason comes after it; cut
 * only when out of memory) as complain_line does. */
/* Set by cli_order_stdout_before_stderr: flush stdout before each line
 * to stderr. The errno of the first such flush that failed, for
 * flush_stdout_after to name (the text it dropped leaves nothing for the
 * last flush to fail on). */
static int ordered_output;
static int ordered_flush_errno;

void cli_order_stdout_before_stderr(void)
{
    ordered_output = 1;
}

static void complain(int escaped, const char *fmt, va_list ap)
{
    if (ordered_output) {
        errno = 0;
        if (fflush(stdout) != 0 && !ordered_flush_errno)
            ordered_flush_errno = errno ? errno : EIO;
    }
    char fixed[4096], *message = fixed;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(fixed, sizeof fixed, fmt, ap);
    if (n >= (int)sizeof fixed && (message = malloc((size_t)n + 1)) != NULL)
        vsnprintf(message, (size_t)n + 1, fmt, again);
    else if (!message)
        message = fixed;
    va_end(again);
    complain_line(message, escaped);
    if (message != fixed)
        free(message);
}

void cli_complain(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    complain(0, fmt, ap);
    va_end(ap);
}

void cli_complain_escaped(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    complain(1, fmt, ap);
    va_end(ap);
}

/* cli_flush_stdout, told the errno of a write that failed before
 * (`write_err`, 0 when none or not known): a text longer than the buffer
 * is written at once, so its failure leaves nothing for the flush to
 * fail on and name. */
static int flush_stdout_after(const char *what, int write_err)
{
    errno = 0;
    int flushed = fflush(stdout) == 0;
    int err = flushed ? (write_err ? write_err : ordered_flush_errno) : errno;
    if (flushed && !ferror(stdout))
        return 0;
    if (err)
        cli_complain("cannot write %s: %s", what, strerror(err));
    else
        cli_complain("cannot write %s (a write to the standard output "
                     "failed)", what);
    return -1;
}

int cli_flush_stdout(const char *what)
{
    return flush_stdout_after(what, 0);
}

int cli_print_info(const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    errno = 0;
    int write_err = vprintf(fmt, ap) < 0 ? errno : 0;
    va_end(ap);
    return flush_stdout_after(what, write_err) == 0 ? CLI_EXIT_OK
                                                    : CLI_EXIT_IOERR;
}

int cli_is_decimal(const char *s, const char *suffix)
{
    size_t digits = strspn(s, "0123456789");
    const char *rest = s + digits;
    return digits > 0 &&
           (*rest == '\0' || (suffix && strcmp(rest, suffix) == 0));
}

int cli_parse_number(const char *opt, const char *what, const char *s,
                     const char *suffix, unsigned long long min,
                     unsigned long long max, unsigned long long *out)
{
    int decimal = cli_is_decimal(s, suffix);
    errno = 0;
    /* strtoull on checked digits only: it stops at the suffix */
    unsigned long long v = decimal ? strtoull(s, NULL, 10) : 0;
    if (!decimal || errno == ERANGE || v < min || v > max) {
        cli_complain("%s takes %s from %llu to %llu, not '%s'", opt, what,
                     min, max, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* Long options whose name starts with `prefix` (`len` bytes). */
static int long_options_starting(const char *prefix, size_t len,
                                 const struct option *longopts)
{
    int n = 0;
    for (const struct option *o = longopts; o->name; o++)
        n += strncmp(o->name, prefix, len) == 0;
    return n;
}

void cli_bad_option(int c, char *const *argv, const char *optstring,
                    const struct option *longopts)
{
    /* The element getopt stopped at: a long option is all of it (up to
     * '='); a short one is optopt, one letter of it. A long option given
     * an argument it does not take sets optopt to its value. */
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    int is_long = strncmp(arg, "--", 2) == 0 &&
                  (c == ':' || optopt == 0 || optopt >= 256 ||
                   strchr(optstring, optopt) != NULL);
    size_t len = strcspn(arg, "=");
    char name[256];
    if (is_long)
        snprintf(name, sizeof name, "%.*s", (int)len, arg);
    else
        snprintf(name, sizeof name, "-%c", optopt);
    const char *what =
        c == ':' ? "needs an argument"
        : !is_long ? NULL
        : optopt ? "takes no argument"
        : long_options_starting(arg + 2, len - 2, longopts) > 1
            ? "is ambiguous"
            : NULL;
    if (what)
        cli_complain("option '%s' %s; try '%s --help'", name, what, program);
    else
        cli_complain("unknown option '%s'; try '%s --help'", name, program);
}

size_t cli_index_name_length(const char *path)
{
    /* as util/path.c's gz_path_trimmed_length, which the library does not
     * export */
    size_t n = strlen(path);
    for (;;) {
        while (n > 1 && path[n - 1] == '/')
            n--;
        if (n > 2 && path[n - 1] == '.' && path[n - 2] == '/')
            n -= 2;
        else
            return n;
    }
}

/* 1 when a library phrase may start after `before` ('\0': at the start
 * of the message) or end at `at` (followed by `next`): between words of
 * prose, not inside a word or a path ("p/gazette_update_set_full/db" is
 * a directory's name). */
static int phrase_starts_after(char before)
{
    return before == '\0' || strchr(" (\"'", before) != NULL;
}

static int phrase_ends_at(char at, char next)
{
    if (at == '.')
        return next == '\0' || next == ' ';
    return at == '\0' || strchr(" ),:;\"'", at) != NULL;
}

/* When the quote at `in` (after `before`, '\0' at the start) opens
 * text the library quotes ("date \"...\" not understood", "cannot read
 * '...'"): the quote closing it, the same character before a blank,
 * punctuation or the end; else NULL (an apostrophe: "line 3's"). */
static const char *quoted_text_end(const char *in, char before)
{
    if ((*in != '\'' && *in != '"') ||
        !(before == '\0' || before == ' ' || before == '('))
        return NULL;
    for (const char *q = strchr(in + 1, *in); q; q = strchr(q + 1, *in))
        if (q[1] == '\0' || strchr(" ),:;.", q[1]))
            return q;
    return NULL;
}

/* `msg` in the words of `words` into out (NULL: only counted); returns
 * the length. Text the library quotes is as written. */
static size_t put_our_words(const cli_word *words, const char *msg,
                            char *out)
{
    size_t n = 0;
    const char *in = msg;
    while (*in) {
        const char *close = quoted_text_end(in, in == msg ? 0 : in[-1]);
        if (close) {
            size_t len = (size_t)(close + 1 - in);
            if (out)
                memcpy(out + n, in, len);
            n += len;
            in += len;
            continue;
        }
        const cli_word *w = NULL;
        for (const cli_word *t = words;
             !w && t->library && phrase_starts_after(in == msg ? 0 : in[-1]);
             t++) {
            size_t len = strlen(t->library);
            if (strncmp(in, t->library, len) == 0 &&
                phrase_ends_at(in[len], in[len] ? in[len + 1] : 0))
                w = t;
        }
        if (!w) {
            if (out)
                out[n] = *in;
            n++, in++;
            continue;
        }
        size_t len = strlen(w->here);
        if (out)
            memcpy(out + n, w->here, len);
        n += len;
        in += strlen(w->library);
    }
    if (out)
        out[n] = '\0';
    return n;
}

char *cli_in_our_words(const cli_word *words, const char *msg)
{
    char *out = malloc(put_our_words(words, msg, NULL) + 1);
    if (out)
        put_our_words(words, msg, out);
    return out;
}
