/* escape.c - gazette_escape: text made one line and safe for a terminal
 * or a log, the one escaping of the library and of its programs; and
 * gz_one_line, which makes a message one line by the same rule. */
#include "gazette_private.h"

#include <stdio.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at `s` (1 to 4 bytes; no
 * overlong forms, surrogates or code points past U+10FFFF), or 0 when the
 * bytes there are not one. `*cp` gets the code point. The NUL ending `s`
 * is no continuation byte, so no byte past it is read. */
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

/* 1 for the characters that can break a line or act on a terminal: C0
 * controls, DEL and the C1 controls (U+0080 to U+009F: NEL, U+0085, is a
 * line break to some terminals and log viewers, others obey them like
 * ESC sequences); and the line and paragraph separators (U+2028,
 * U+2029), which log viewers take for line breaks. */
static int breaks_line(unsigned long cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 ||
           cp == 0x2029;
}

/* 1 for the characters a terminal or a log must not get raw: those that
 * break a line, and the bidirectional embedding, override and isolate
 * controls (U+202A to U+202E, U+2066 to U+2069), which make a terminal
 * show the text after them reordered ("Trojan Source"). The marks
 * U+200E, U+200F and U+061C, and right-to-left letters, reorder nothing
 * that follows and are kept. */
static int is_control(unsigned long cp)
{
    return breaks_line(cp) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

char *gz_one_line(char *msg)
{
    unsigned char *from = (unsigned char *)msg, *to = from;
    while (*from) {
        unsigned long cp;
        size_t n = utf8_sequence(from, &cp);
        if (n == 0) {         /* not UTF-8: the byte as it is */
            *to++ = *from++;
        } else if (breaks_line(cp)) {
            *to++ = ' ';      /* one space for the whole character */
            from += n;
        } else {
            memmove(to, from, n);
            to += n;
            from += n;
        }
    }
    *to = '\0';
    return msg;
}

/* The longest escape of one character: four bytes as \xHH each. */
#define UNIT_MAX 16

/* The escape of the character at `p` (not its end) into `unit`; returns
 * its length, and in *used the bytes of `p` it stands for. */
static size_t escape_one(const unsigned char *p, char unit[UNIT_MAX + 1],
                         size_t *used)
{
    unsigned long cp;
    size_t n = utf8_sequence(p, &cp);
    if (n != 0 && !is_control(cp)) {
        *used = n;
        if (*p == '\\')
            return (size_t)snprintf(unit, UNIT_MAX + 1, "\\\\");
        memcpy(unit, p, n);
        return n;
    }
    /* Each byte of a control or of a malformed sequence. */
    *used = n ? n : 1;
    size_t len = 0;
    for (size_t i = 0; i < *used; i++) {
        const char *named = p[i] == '\n' ? "\\n"
                            : p[i] == '\t' ? "\\t"
                            : p[i] == '\r' ? "\\r" : NULL;
        if (named)
            len += (size_t)snprintf(unit + len, UNIT_MAX + 1 - len, "%s",
                                    named);
        else
            len += (size_t)snprintf(unit + len, UNIT_MAX + 1 - len,
                                    "\\x%02X", p[i]);
    }
    return len;
}

size_t gazette_escape(const char *text, char *out, size_t size)
{
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    size_t total = 0, written = 0;
    int cut = 0;   /* a character did not fit: none after it is written */
    char unit[UNIT_MAX + 1];
    while (*p) {
        size_t used = 0;
        size_t n = escape_one(p, unit, &used);
        /* whole characters only, room kept for the NUL */
        if (!cut && written + n < size) {
            memcpy(out + written, unit, n);
            written += n;
        } else {
            cut = 1;
        }
        total += n;
        p += used;
    }
    if (size > 0)
        out[written] = '\0';
    return total;
}
