/*
 * date.c - turning the dates written in articles into year/month/day.
 *
 * Each accepted form is one parser function in the `parsers` table at the
 * bottom; corpus_parse_date() tries them in order. To accept a new form
 * (RFC 2822 "Sun, 05 Nov 2023 10:00:00 +0000", "5 November 2023", ...)
 * write a parser with the date_parser signature and add it to the table.
 * Parsers get the text with surrounding whitespace already trimmed and must
 * match all of it; they may use ymd_valid() and the scanning helpers here.
 */
#include "corpus.h"
#include "corpus_internal.h"

#include <string.h>

typedef struct ymd {
    int year, month, day;
} ymd;

/* Try to read [s, s+len) as one form. Returns 1 and fills *out on a match
 * (a complete, range-checked date), 0 otherwise. */
typedef int (*date_parser)(const char *s, size_t len, ymd *out);

/* ------------------------------------------------------------ helpers */

static int is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap(year))
        return 29;
    return days[month - 1];
}

/* 1 when year/month/day name a real day of the Gregorian calendar (years
 * 1..9999, which is what four digits can write). */
static int ymd_valid(int year, int month, int day)
{
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 &&
           day >= 1 && day <= days_in_month(year, month);
}

/* Read exactly `n` ASCII digits at *p (before `end`) into *value and
 * advance *p. Returns 0, leaving *p alone, when there are fewer. */
static int take_digits(const char **p, const char *end, int n, int *value)
{
    if (end - *p < n)
        return 0;
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return 0;
        v = v * 10 + (c - '0');
    }
    *value = v;
    *p += n;
    return 1;
}

/* Consume the character `c` at *p if it is there. */
static int take_char(const char **p, const char *end, char c)
{
    if (*p < end && **p == c) {
        (*p)++;
        return 1;
    }
    return 0;
}

/* ---------------------------------------------------------- ISO 8601 */

/* "hh:mm" (hours 0-23, minutes 0-59). */
static int iso_hhmm(const char **p, const char *end, int *h, int *m)
{
    return take_digits(p, end, 2, h) && take_char(p, end, ':') &&
           take_digits(p, end, 2, m) && *h <= 23 && *m <= 59;
}

/* Zone designator: "Z", "+hh:mm", "-hh:mm", "+hhmm" or "+hh". */
static int iso_zone(const char **p, const char *end)
{
    if (take_char(p, end, 'Z') || take_char(p, end, 'z'))
        return 1;
    if (!take_char(p, end, '+') && !take_char(p, end, '-'))
        return 0;
    int h, m = 0;
    if (!take_digits(p, end, 2, &h))
        return 0;
    if (take_char(p, end, ':')) {
        if (!take_digits(p, end, 2, &m))
            return 0;
    } else {
        (void)take_digits(p, end, 2, &m);   /* optional in basic form */
    }
    return h <= 23 && m <= 59;
}

/* Time after the date: "hh:mm", "hh:mm:ss", "hh:mm:ss.fff", each with an
 * optional zone. Seconds may be 60 (leap second). Only checked, not kept:
 * the day is the calendar day as written, the zone is not applied (a paper
 * dated 23:30-05:00 on the 5th was published on the 5th for its readers). */
static int iso_time(const char **p, const char *end)
{
    int h, m, s;
    if (!iso_hhmm(p, end, &h, &m))
        return 0;
    if (take_char(p, end, ':')) {
        if (!take_digits(p, end, 2, &s) || s > 60)
            return 0;
        if (take_char(p, end, '.') || take_char(p, end, ',')) {
            int digit, any = 0;
            while (take_digits(p, end, 1, &digit))
                any = 1;
            if (!any)
                return 0;
        }
    }
    if (*p < end)
        return iso_zone(p, end);
    return 1;
}

/* ISO 8601 / RFC 3339 calendar dates: "YYYY-MM-DD", optionally followed by
 * 'T' or one space and a time (see iso_time). */
static int parse_iso8601(const char *s, size_t len, ymd *out)
{
    const char *p = s, *end = s + len;
    ymd d;
    if (!take_digits(&p, end, 4, &d.year) || !take_char(&p, end, '-') ||
        !take_digits(&p, end, 2, &d.month) || !take_char(&p, end, '-') ||
        !take_digits(&p, end, 2, &d.day))
        return 0;
    if (!ymd_valid(d.year, d.month, d.day))
        return 0;
    if (p < end) {
        if (!take_char(&p, end, 'T') && !take_char(&p, end, 't') &&
            !take_char(&p, end, ' '))
            return 0;
        if (!iso_time(&p, end) || p != end)
            return 0;
    }
    *out = d;
    return 1;
}

/* ------------------------------------------------------------- table */

/* Tried in order; the first that matches wins. Add new forms here. */
static const date_parser parsers[] = {
    parse_iso8601,
};

/*
 * corpus_parse_date - see corpus.h.
 *
 * Trims surrounding whitespace, then asks each parser in turn. The outputs
 * are written only on success. NULL outputs are allowed (when the caller
 * only wants to know whether the text is a date).
 */
int corpus_parse_date(const char *text, int *year, int *month, int *day)
{
    if (!text)
        return 0;
    const char *s = text;
    size_t len = strlen(text);
    while (len > 0 && corpus_is_space((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len > 0 && corpus_is_space((unsigned char)s[len - 1]))
        len--;

    for (size_t i = 0; i < sizeof parsers / sizeof parsers[0]; i++) {
        ymd d;
        if (parsers[i](s, len, &d)) {
            if (year)
                *year = d.year;
            if (month)
                *month = d.month;
            if (day)
                *day = d.day;
            return 1;
        }
    }
    return 0;
}
