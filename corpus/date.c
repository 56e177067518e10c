/*
 * date.c - turning the dates written in articles into year/month/day.
 *
 * Each accepted form is one parser function in the `parsers` table at the
 * bottom; corpus_parse_date() tries them in order. To accept a new form
 * (RFC 2822 "Sun, 05 Nov 2023 10:00:00 +0000", "5 November 2023", ...)
 * write a parser with the date_parser signature and add it to the table.
 * Parsers get the text with surrounding whitespace already trimmed and must
 * match all of it; they may use ymd_valid() and the scanning helpers here.
 *
 * Every form names one day: the index keeps a day (D, M and Y terms and a
 * YYYYMMDD value, with no notion of precision), so a partial date, a year
 * ("2024"), a month ("2024-03", "March 2024", "Mar 2024") or an ISO week
 * without its day ("2024-W10"), is not understood rather than read as a
 * first day the article does not claim. Such a text is kept as written
 * (the reader's warning, date_text in the index) and the article is dated
 * by its path when that holds a date. ISO 8601's week dates ("2024-W10-2",
 * "2024W102") and ordinal dates ("2024-065") name a day and are read; the
 * ordinal date's basic form ("2024065") is not: seven bare digits are as
 * often an eight-digit date with a digit lost, or a number, and would be
 * read as a wrong day without a warning.
 *
 * Nor is a day more than a year after the day the date is read
 * (DAYS_AHEAD_MAX): that is a typo or a number misread, not when an
 * article appeared (corpus_date_too_late). The clock is read each time,
 * so a date refused today may be read a year on (a file not changed
 * since is not read again, though, until a --full run).
 */
#include "corpus.h"
#include "ascii.h"
#include "corpus_internal.h"

#include "calendar.h"

#include <limits.h>
#include <string.h>
#include <time.h>

typedef struct ymd {
    int year, month, day;
} ymd;

/* Try to read [s, s+len) as one form. Returns 1 and fills *out on a match
 * (a complete, range-checked date), 0 otherwise. */
typedef int (*date_parser)(const char *s, size_t len, ymd *out);

/* ------------------------------------------------------------ helpers */

/* 1 when year/month/day name a real day of the Gregorian calendar (years
 * 1..9999, which is what four digits can write). */
static int ymd_valid(int year, int month, int day)
{
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 &&
           day >= 1 && day <= gz_days_in_month(year, month);
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

static void skip_blanks(const char **p, const char *end)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
}

/* A run of ASCII letters at *p: its start and length (0 when none). */
static size_t take_word(const char **p, const char *end, const char **word)
{
    *word = *p;
    while (*p < end && gz_ascii_isalpha(**p))
        (*p)++;
    return (size_t)(*p - *word);
}

/* 1 when [w, w+n) equals `name` (lower case) or, when n >= `min`, is a
 * prefix of it, ignoring case. */
static int word_is(const char *w, size_t n, const char *name, size_t min)
{
    size_t len = strlen(name);
    if (n > len || (n < len && n < min))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((w[i] | 0x20) != name[i])
            return 0;
    return 1;
}

/* A zone written as a name: "UTC", "GMT", "EST", ... (RFC 2822's and a
 * few common European ones), any case. */
static int named_zone(const char **p, const char *end)
{
    static const char *const zones[] = {"ut", "utc", "gmt", "est", "edt",
                                        "cst", "cdt", "mst", "mdt", "pst",
                                        "pdt", "bst", "cet", "cest"};
    const char *start = *p, *w;
    size_t n = take_word(p, end, &w);
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++)
        if (n == strlen(zones[i]) && word_is(w, n, zones[i], n))
            return 1;
    *p = start;
    return 0;
}

/* A zone after a time and blanks, as YAML and Jekyll write it
 * ("10:00:00 +0100", "10:00:00 +01:00", "10:00:00.5 -5", "10:00:00 Z")
 * or by name ("10:00:00 UTC"). One digit of hours only here (YAML's
 * spaced form); glued to the time, a zone is ISO's (iso_zone). */
static int spaced_zone(const char **p, const char *end)
{
    if (named_zone(p, end))
        return 1;
    const char *q = *p;
    int h, m = 0;
    if ((take_char(&q, end, '+') || take_char(&q, end, '-')) &&
        take_digits(&q, end, 1, &h) && !(q < end && gz_ascii_isdigit(*q))) {
        if (take_char(&q, end, ':') && !take_digits(&q, end, 2, &m))
            return 0;
        if (m > 59)
            return 0;
        *p = q;
        return 1;
    }
    return iso_zone(p, end);
}

/* The seconds of a time, "ss" (60: a leap second), and a fraction of
 * them if any (".5", ",25"). 1 when they are well formed. */
static int take_seconds(const char **p, const char *end)
{
    int s, digit, any = 0;
    if (!take_digits(p, end, 2, &s) || s > 60)
        return 0;
    if (!take_char(p, end, '.') && !take_char(p, end, ','))
        return 1;
    while (take_digits(p, end, 1, &digit))
        any = 1;
    return any;
}

/* Time after the date: "hh:mm", "hh:mm:ss", "hh:mm:ss.fff", each with an
 * optional zone, glued ("10:00Z", "10:00+01:00") or after blanks (see
 * spaced_zone). Seconds may be 60 (leap second). Only checked, not kept:
 * the day is the calendar day as written, the zone is not applied (a paper
 * dated 23:30-05:00 on the 5th was published on the 5th for its readers). */
static int iso_time(const char **p, const char *end)
{
    int h, m;
    if (!iso_hhmm(p, end, &h, &m))
        return 0;
    if (take_char(p, end, ':') && !take_seconds(p, end))
        return 0;
    if (*p == end)
        return 1;
    const char *before = *p;
    skip_blanks(p, end);
    if (*p == before)
        return iso_zone(p, end);
    return spaced_zone(p, end);
}

/* RFC 9557's suffixes after a zone, as Java's ZonedDateTime writes them:
 * "[Europe/Paris]", "[!Europe/Paris]", "[u-ca=gregory]" (the day is the
 * one written before them, as for any zone). Nothing is a suffix too.
 * 0 when a '[' opens one that is empty, holds a blank or is not closed. */
static int rfc9557_suffix(const char **p, const char *end)
{
    while (*p < end && **p == '[') {
        const char *q = *p + 1;
        while (q < end && *q != ']' && *q != '[' && *q != ' ' && *q != '\t')
            q++;
        if (q >= end || *q != ']' || q == *p + 1)
            return 0;
        *p = q + 1;
    }
    return 1;
}

/* What may follow a date in ISO 8601's extended form (calendar, week or
 * ordinal): nothing, or 'T' or blanks (YAML's timestamps, Jekyll's front
 * matter) and a time (see iso_time), and after a zone RFC 9557's
 * "[Europe/Paris]". 1 when that reaches the end. */
static int iso_tail(const char **p, const char *end)
{
    if (*p == end)
        return 1;
    const char *before = *p;
    skip_blanks(p, end);
    if (*p == before && !take_char(p, end, 'T') && !take_char(p, end, 't'))
        return 0;
    return iso_time(p, end) && rfc9557_suffix(p, end) && *p == end;
}

/* ISO 8601 / RFC 3339 calendar dates: "YYYY-MM-DD", optionally followed by
 * a time (iso_tail). */
static int parse_iso8601(const char *s, size_t len, ymd *out)
{
    const char *p = s, *end = s + len;
    ymd d;
    if (!take_digits(&p, end, 4, &d.year) || !take_char(&p, end, '-') ||
        !take_digits(&p, end, 2, &d.month) || !take_char(&p, end, '-') ||
        !take_digits(&p, end, 2, &d.day))
        return 0;
    if (!ymd_valid(d.year, d.month, d.day) || !iso_tail(&p, end))
        return 0;
    *out = d;
    return 1;
}

/* The day `days` after 1970-01-01 into *out; 0 when it is outside the
 * years 1-9999. */
static int ymd_from_days(long long days, ymd *out)
{
    long long year;
    int month, day;
    gz_civil_from_days(days, &year, &month, &day);
    if (year < 1 || year > 9999)
        return 0;
    out->year = (int)year;
    out->month = month;
    out->day = day;
    return 1;
}

/* ISO weekday (1 Monday .. 7 Sunday) of the day `days` after 1970-01-01,
 * a Thursday. */
static int iso_weekday(long long days)
{
    long long r = (days + 3) % 7;
    return (int)(r < 0 ? r + 7 : r) + 1;
}

/* Day `wday` (1 Monday .. 7 Sunday) of week `week` of ISO 8601's
 * week-numbering year `year` into *out. Week 1 holds the year's first
 * Thursday (and January 4th); a year has 52 weeks, 53 when it begins on
 * a Thursday, or on a Wednesday in a leap year (then December 28th, in
 * the last week always, is in week 53). 0 when there is no such week or
 * day, or it falls outside the years 1-9999 (9999-W52-6 is in 10000). */
static int week_date(int year, int week, int wday, ymd *out)
{
    if (year < 1 || year > 9999 || week < 1 || wday < 1 || wday > 7)
        return 0;
    long long jan4 = gz_days_from_civil(year, 1, 4);
    long long monday = jan4 - (iso_weekday(jan4) - 1);   /* of week 1 */
    long long weeks = (gz_days_from_civil(year, 12, 28) - monday) / 7 + 1;
    if (week > weeks)
        return 0;
    return ymd_from_days(monday + (week - 1) * 7LL + (wday - 1), out);
}

/* ISO 8601's basic form of a time after a date in basic form: 'T', then
 * "hhmm" or "hhmmss", a fraction of a second, a zone ("Z", "+0100"), each
 * optional. 1 when that reaches the end. */
static int basic_time(const char **p, const char *end)
{
    int h, m;
    if (!take_char(p, end, 'T') && !take_char(p, end, 't'))
        return 0;
    if (!take_digits(p, end, 2, &h) || !take_digits(p, end, 2, &m) ||
        h > 23 || m > 59)
        return 0;
    if (*p < end && **p >= '0' && **p <= '9' && !take_seconds(p, end))
        return 0;
    if (*p < end && !iso_zone(p, end))
        return 0;
    return *p == end;
}

/* ISO 8601 week dates: "2024-W10-2" (Tuesday of week 10 of 2024, that is
 * 2024-03-05) with what may follow an extended date (iso_tail), and the
 * basic form "2024W102", alone or with a time in basic form
 * ("2024W102T1000Z", basic_time). 'w' is read as 'W'. The week-numbering
 * year may differ from the calendar year of the day: "2020-W01-1" is
 * 2019-12-30. A week without its day ("2024-W10") is not a date. */
static int parse_week_date(const char *s, size_t len, ymd *out)
{
    const char *p = s, *end = s + len;
    int year, week, wday;
    ymd d;
    if (!take_digits(&p, end, 4, &year))
        return 0;
    int extended = take_char(&p, end, '-');
    if ((!take_char(&p, end, 'W') && !take_char(&p, end, 'w')) ||
        !take_digits(&p, end, 2, &week) ||
        (extended && !take_char(&p, end, '-')) ||
        !take_digits(&p, end, 1, &wday) || !week_date(year, week, wday, &d))
        return 0;
    if (extended ? !iso_tail(&p, end) : (p != end && !basic_time(&p, end)))
        return 0;
    *out = d;
    return 1;
}

/* ISO 8601 ordinal dates in extended form: "2024-065" (day 65 of 2024,
 * 2024-03-05; days 1-365, 366 in a leap year), with what may follow an
 * extended date (iso_tail). Not the basic form "2024065" (see the top of
 * this file). */
static int parse_ordinal(const char *s, size_t len, ymd *out)
{
    const char *p = s, *end = s + len;
    int year, yday;
    ymd d;
    if (!take_digits(&p, end, 4, &year) || !take_char(&p, end, '-') ||
        !take_digits(&p, end, 3, &yday) || year < 1 || yday < 1 ||
        yday > (gz_is_leap_year(year) ? 366 : 365) ||
        !ymd_from_days(gz_days_from_civil(year, 1, 1) + yday - 1, &d) ||
        !iso_tail(&p, end))
        return 0;
    *out = d;
    return 1;
}

/* ------------------------------------------------- written and RFC 2822 */

/* Month number of an English month name, full or abbreviated to three
 * letters or more ("Nov", "Sept", "November"), optionally followed by a
 * '.'; 0 when not a month. */
static int take_month(const char **p, const char *end)
{
    static const char *const months[12] = {
        "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december"};
    const char *start = *p, *w;
    size_t n = take_word(p, end, &w);
    for (int m = 0; n >= 3 && m < 12; m++)
        if (word_is(w, n, months[m], 3)) {
            (void)take_char(p, end, '.');
            return m + 1;
        }
    *p = start;
    return 0;
}

/* An optional weekday name ("Mon", "Monday", "Thurs") and comma. */
static void skip_weekday(const char **p, const char *end)
{
    static const char *const days[7] = {"monday", "tuesday", "wednesday",
                                        "thursday", "friday", "saturday",
                                        "sunday"};
    const char *start = *p, *w;
    size_t n = take_word(p, end, &w);
    for (int d = 0; n >= 3 && d < 7; d++)
        if (word_is(w, n, days[d], 3)) {
            (void)take_char(p, end, '.');
            (void)take_char(p, end, ',');
            skip_blanks(p, end);
            return;
        }
    *p = start;
}

/* A day of the month: one or two digits, optionally "st"/"nd"/"rd"/"th". */
static int take_day(const char **p, const char *end, int *day)
{
    if (!take_digits(p, end, 2, day) && !take_digits(p, end, 1, day))
        return 0;
    if (*p < end && gz_ascii_isdigit(**p))
        return 0;
    const char *w, *save = *p;
    size_t n = take_word(p, end, &w);
    if (n && !(n == 2 && (word_is(w, n, "st", 2) || word_is(w, n, "nd", 2) ||
                          word_is(w, n, "rd", 2) || word_is(w, n, "th", 2))))
        *p = save;
    return 1;
}

/* A four-digit year not followed by another digit. */
static int take_year(const char **p, const char *end, int *year)
{
    return take_digits(p, end, 4, year) && !(*p < end && gz_ascii_isdigit(**p));
}

/* A year as RFC 5322 reads one in a date (section 4.3): four digits, or
 * the obsolete two ("93": 00-49 are 2000-2049, 50-99 are 1950-1999) and
 * three ("101", old software's year - 1900: 2001), not followed by
 * another digit. */
static int take_rfc_year(const char **p, const char *end, int *year)
{
    const char *q = *p;
    int n = 0, v = 0;
    while (q < end && gz_ascii_isdigit(*q) && n < 5) {
        v = v * 10 + (*q - '0');
        q++;
        n++;
    }
    if (n == 4)
        *year = v;
    else if (n == 2)
        *year = v < 50 ? 2000 + v : 1900 + v;
    else if (n == 3)
        *year = 1900 + v;
    else
        return 0;
    *p = q;
    return 1;
}

/* The end of an RFC 2822 date: nothing, or a comment such as "(CET)"
 * that mail programs write after the zone. */
static int rfc_end(const char **p, const char *end)
{
    skip_blanks(p, end);
    if (*p < end && **p == '(' && end[-1] == ')' &&
        !memchr(*p + 1, '(', (size_t)(end - *p - 2)) &&
        !memchr(*p + 1, ')', (size_t)(end - *p - 2)))
        *p = end;
    return *p == end;
}

/* "am", "pm", "a.m.", "p.m." (any case) at *p, not followed by a letter:
 * 1 for am, 2 for pm, 0 when none (*p unchanged). */
static int take_am_pm(const char **p, const char *end)
{
    const char *q = *p;
    if (q >= end || ((*q | 0x20) != 'a' && (*q | 0x20) != 'p'))
        return 0;
    int pm = (*q | 0x20) == 'p';
    q++;
    int dots = take_char(&q, end, '.');
    if (q >= end || (*q | 0x20) != 'm')
        return 0;
    q++;
    if (dots && !take_char(&q, end, '.'))
        return 0;
    if (q < end && gz_ascii_isalpha(*q))
        return 0;
    *p = q;
    return 1 + pm;
}

/* A named zone, and for GMT and UTC an offset glued to it, as
 * JavaScript's Date writes "GMT+0100". */
static int named_zone_offset(const char **p, const char *end)
{
    const char *start = *p;
    if (!named_zone(p, end))
        return 0;
    if (*p < end && (**p == '+' || **p == '-') && *p - start >= 2 &&
        ((start[0] | 0x20) == 'g' || (start[0] | 0x20) == 'u') &&
        !iso_zone(p, end))
        return 0;
    return 1;
}

/* A time and zone after a date, optional as a whole, which must reach the
 * end: ", " or " at " first ("March 5, 2024, 10:30 a.m.", "March 5, 2024
 * at 10:30 AM"), "h:mm" or "hh:mm[:ss[.fff]]", "AM"/"PM" ("a.m."...; the
 * hour then 1-12), then a zone ("+0000", "GMT", "EST", "GMT+0100") and a
 * comment ("(CET)"). */
static int rfc_time_zone(const char **p, const char *end)
{
    (void)take_char(p, end, ',');
    skip_blanks(p, end);
    if (*p == end)
        return 1;
    const char *w, *save = *p;
    size_t n = take_word(p, end, &w);
    if (!(n == 2 && word_is(w, n, "at", 2) && *p < end && **p == ' '))
        *p = save;
    skip_blanks(p, end);
    int h, m, s;
    if (!take_digits(p, end, 2, &h) && !take_digits(p, end, 1, &h))
        return 0;
    if (!take_char(p, end, ':') || !take_digits(p, end, 2, &m) || h > 23 ||
        m > 59)
        return 0;
    if (take_char(p, end, ':')) {
        if (!take_digits(p, end, 2, &s) || s > 60)
            return 0;
        if (take_char(p, end, '.')) {
            int digit, any = 0;
            while (take_digits(p, end, 1, &digit))
                any = 1;
            if (!any)
                return 0;
        }
    }
    skip_blanks(p, end);
    if (take_am_pm(p, end)) {
        if (h < 1 || h > 12)
            return 0;
        skip_blanks(p, end);
    }
    if (*p == end)
        return 1;
    if (**p == '+' || **p == '-' || **p == 'Z')
        return iso_zone(p, end) && rfc_end(p, end);
    return named_zone_offset(p, end) && rfc_end(p, end);
}

/* RFC 2822 and British style: "[Mon, ]27 Nov 2026[ 10:00:00 +0000]",
 * "27 November 2026", "27th November 2026"; the year may have two or
 * three digits ("5 Apr 93", see take_rfc_year); RFC 850 and Usenet's
 * RFC 1036 write "Monday, 05-Apr-93 12:00:00 GMT". */
static int parse_day_month_year(const char *s, size_t len, ymd *out)
{
    const char *p = s, *end = s + len;
    ymd d;
    skip_weekday(&p, end);
    if (!take_day(&p, end, &d.day))
        return 0;
    int dashed = take_char(&p, end, '-');
    if (!dashed)
        skip_blanks(&p, end);
    if (!(d.month = take_month(&p, end)))
        return 0;
    if (dashed) {
        if (!take_char(&p, end, '-'))
            return 0;
    } else {
        (void)take_char(&p, end, ',');
        skip_blanks(&p, end);
    }
    if (!take_rfc_year(&p, end, &d.year) ||
        !ymd_valid(d.year, d.month, d.day))
        return 0;
    if (!rfc_time_zone(&p, end))
        return 0;
    *out = d;
    return 1;
}

/* American style: "[Friday, ]November 27, 2026", "Nov 27 2026",
 * "Nov. 27th, 2026", optionally with a time as in RFC 2822. */
static int parse_month_day_year(const char *s, size_t len, ymd *out)
{
    const char *p = s, *end = s + len;
    ymd d;
    skip_weekday(&p, end);
    if (!(d.month = take_month(&p, end)))
        return 0;
    skip_blanks(&p, end);
    if (!take_day(&p, end, &d.day))
        return 0;
    (void)take_char(&p, end, ',');
    skip_blanks(&p, end);
    if (!take_year(&p, end, &d.year) || !ymd_valid(d.year, d.month, d.day))
        return 0;
    if (!rfc_time_zone(&p, end))
        return 0;
    *out = d;
    return 1;
}

/* "2026/11/27", "2026.11.27" (year first, so never ambiguous between day
 * and month). */
static int parse_slashed(const char *s, size_t len, ymd *out)
{
    const char *p = s, *end = s + len;
    ymd d;
    if (len < 5 || (s[4] != '/' && s[4] != '.'))
        return 0;
    char sep = s[4];
    if (!take_digits(&p, end, 4, &d.year) || !take_char(&p, end, sep) ||
        !take_digits(&p, end, 2, &d.month) || !take_char(&p, end, sep) ||
        !take_digits(&p, end, 2, &d.day) || p != end ||
        !ymd_valid(d.year, d.month, d.day))
        return 0;
    *out = d;
    return 1;
}

/* Years a date written as bare digits may have (a path's date, or
 * "YYYYMMDD"): digits are often ids or counters, so only plausible
 * publication years count. */
#define DIGITS_YEAR_MIN 1900
#define DIGITS_YEAR_MAX 2199

/* ISO 8601's basic form "20231103": exactly eight digits naming a real day
 * of a year DIGITS_YEAR_MIN..MAX, as a path date may be written; and the
 * same digits followed by a time, hhmm or hhmmss, twelve or fourteen
 * digits in all ("20231103101500", GDELT's DATEADDED), which a time
 * makes no likelier a number than the eight. */
static int parse_compact(const char *s, size_t len, ymd *out)
{
    const char *p = s, *end = s + len;
    ymd d;
    int h, m, sec = 0;
    if ((len != 8 && len != 12 && len != 14) ||
        !take_digits(&p, end, 4, &d.year) ||
        !take_digits(&p, end, 2, &d.month) ||
        !take_digits(&p, end, 2, &d.day) || d.year < DIGITS_YEAR_MIN ||
        d.year > DIGITS_YEAR_MAX || !ymd_valid(d.year, d.month, d.day))
        return 0;
    if (len > 8 && (!take_digits(&p, end, 2, &h) ||
                    !take_digits(&p, end, 2, &m) || h > 23 || m > 59 ||
                    (len == 14 && (!take_digits(&p, end, 2, &sec) ||
                                   sec > 60))))
        return 0;
    *out = d;
    return 1;
}

/* C's asctime() and ctime(), and date(1): "Tue Mar  5 10:00:00 2024",
 * "Tue Mar  5 10:00:00 UTC 2024" (the year last). */
static int parse_ctime(const char *s, size_t len, ymd *out)
{
    const char *p = s, *end = s + len;
    ymd d;
    int h, m, sec;
    skip_weekday(&p, end);
    if (!(d.month = take_month(&p, end)))
        return 0;
    skip_blanks(&p, end);
    if (!take_day(&p, end, &d.day))
        return 0;
    skip_blanks(&p, end);
    if (!take_digits(&p, end, 2, &h) || !take_char(&p, end, ':') ||
        !take_digits(&p, end, 2, &m) || h > 23 || m > 59)
        return 0;
    if (take_char(&p, end, ':') && (!take_digits(&p, end, 2, &sec) ||
                                    sec > 60))
        return 0;
    skip_blanks(&p, end);
    if (named_zone(&p, end) ||
        ((*p == '+' || *p == '-') && iso_zone(&p, end)))
        skip_blanks(&p, end);
    if (!take_year(&p, end, &d.year) || p != end ||
        !ymd_valid(d.year, d.month, d.day))
        return 0;
    *out = d;
    return 1;
}

/* Day first, with dots, as German, Russian, Polish... write a date:
 * "05.03.2024", "5.3.2024" (the 5th of March; the year has four digits),
 * optionally with a time ("05.03.2024 10:30"). A date with dots is never
 * read month first. */
static int parse_dotted(const char *s, size_t len, ymd *out)
{
    const char *p = s, *end = s + len;
    ymd d;
    if (!take_day(&p, end, &d.day) || !take_char(&p, end, '.') ||
        (!take_digits(&p, end, 2, &d.month) &&
         !take_digits(&p, end, 1, &d.month)) ||
        !take_char(&p, end, '.') || !take_year(&p, end, &d.year) ||
        !ymd_valid(d.year, d.month, d.day))
        return 0;
    if (p < end && (*p != ' ' && *p != '\t' && *p != ','))
        return 0;
    if (!rfc_time_zone(&p, end))
        return 0;
    *out = d;
    return 1;
}

/* ISO 8601's basic form of a date and time: "20240305T100000Z",
 * "20240305T1000", "20240305T100000.5+0100" (the date as parse_compact
 * reads eight digits, the time as basic_time). */
static int parse_compact_time(const char *s, size_t len, ymd *out)
{
    const char *p = s + 8, *end = s + len;
    ymd d;
    if (len < 9 || !parse_compact(s, 8, &d) || !basic_time(&p, end))
        return 0;
    *out = d;
    return 1;
}

/* -------------------------------------------------------- the future */

/* How many days after the day it is read an article's date may be: a
 * year (a leap year's 366 days). An article dated later than that was
 * not published when it was read: its date is a typo (2203 for 2023), a
 * number read the wrong way, or none, and kept it would stay at the head
 * of every sort by date for as long as the index lives. */
#define DAYS_AHEAD_MAX 366

/* corpus_date_set_today()'s day, as days after 1970-01-01, or
 * LLONG_MIN for the clock's. */
static long long today_fixed = LLONG_MIN;

/* corpus_date_set_today - see corpus_internal.h. */
void corpus_date_set_today(int year, int month, int day)
{
    today_fixed = year ? gz_days_from_civil(year, month, day) : LLONG_MIN;
}

/* Today (UTC) as days after 1970-01-01; LLONG_MAX / 2 when the clock
 * cannot be read, so that no date is taken for a future one. */
static long long today(void)
{
    if (today_fixed != LLONG_MIN)
        return today_fixed;
    time_t now = time(NULL);
    if (now == (time_t)-1)
        return LLONG_MAX / 2;
    long long secs = (long long)now;
    return secs / 86400 - (secs % 86400 < 0);
}

/* corpus_date_too_late - see corpus_internal.h. */
int corpus_date_too_late(int year, int month, int day)
{
    return gz_days_from_civil(year, month, day) > today() + DAYS_AHEAD_MAX;
}

/* ------------------------------------------------------------- table */

/* Tried in order; the first that matches wins. Add new forms here. */
static const date_parser parsers[] = {
    parse_iso8601,
    parse_week_date,
    parse_ordinal,
    parse_day_month_year,
    parse_month_day_year,
    parse_ctime,
    parse_slashed,
    parse_dotted,
    parse_compact,
    parse_compact_time,
};

/*
 * corpus_date_form - see corpus_internal.h.
 *
 * Trims surrounding whitespace, then asks each parser in turn. The outputs
 * are written only on success. NULL outputs are allowed (when the caller
 * only wants to know whether the text is a date).
 */
int corpus_date_form(const char *text, int *year, int *month, int *day)
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

/* corpus_parse_date - see corpus.h: a date's form, and a day not too
 * late to be an article's. */
int corpus_parse_date(const char *text, int *year, int *month, int *day)
{
    int y, m, d;
    if (!corpus_date_form(text, &y, &m, &d) || corpus_date_too_late(y, m, d))
        return 0;
    if (year)
        *year = y;
    if (month)
        *month = m;
    if (day)
        *day = d;
    return 1;
}

/* ---------------------------------------------------------- path dates */


/* Read 1 or 2 digits at p (not followed by a third): a month or day.
 * Returns the number of digits read (0 when none or more than two). */
static int take_small(const char *p, int *value)
{
    if (!gz_ascii_isdigit(p[0]))
        return 0;
    int n = gz_ascii_isdigit(p[1]) ? 2 : 1;
    if (gz_ascii_isdigit(p[n]))
        return 0;
    *value = n == 2 ? (p[0] - '0') * 10 + (p[1] - '0') : p[0] - '0';
    return n;
}

/*
 * path_date_at - is a date written at `p` (a position in `path` where no
 * digit precedes)? Forms: "YYYY-MM-DD", "YYYY_MM_DD", "YYYY.MM.DD"
 * (two-digit fields) and "YYYYMMDD", each not followed by a digit;
 * "YYYY/M[M]/D[D]/" as three directories. Fills *out on success.
 */
static int path_date_at(const char *path, const char *p, ymd *out)
{
    const char *end = p + strlen(p);
    const char *q = p;
    ymd d;
    if (!take_digits(&q, end, 4, &d.year) || d.year < DIGITS_YEAR_MIN ||
        d.year > DIGITS_YEAR_MAX)
        return 0;
    char sep = *q;
    if (sep == '-' || sep == '_' || sep == '.') {
        q++;
        if (!take_digits(&q, end, 2, &d.month) || *q != sep)
            return 0;
        q++;
        if (!take_digits(&q, end, 2, &d.day) || (q < end && gz_ascii_isdigit(*q)))
            return 0;
    } else if (sep == '/') {
        /* three whole directories: "/2023/11/03/" */
        if (p != path && p[-1] != '/')
            return 0;
        int n = take_small(q + 1, &d.month);
        if (!n || q[1 + n] != '/')
            return 0;
        q += 2 + n;
        n = take_small(q, &d.day);
        if (!n || q[n] != '/')
            return 0;
    } else {
        if (!take_digits(&q, end, 2, &d.month) ||
            !take_digits(&q, end, 2, &d.day) || (q < end && gz_ascii_isdigit(*q)))
            return 0;
    }
    if (!ymd_valid(d.year, d.month, d.day))
        return 0;
    *out = d;
    return 1;
}

/*
 * corpus_path_date - see corpus.h. Every position that starts a run of
 * digits is tried; the last date found wins, so a date in the file name
 * beats one in a directory above it (a day more than a year ahead is no
 * date: corpus_date_too_late).
 */
int corpus_path_date(const char *relpath, int *year, int *month, int *day)
{
    if (!relpath)
        return 0;
    int found = 0;
    ymd best = {0, 0, 0};
    for (const char *p = relpath; *p; p++) {
        if (!gz_ascii_isdigit(*p) || (p > relpath && gz_ascii_isdigit(p[-1])))
            continue;
        ymd d;
        if (path_date_at(relpath, p, &d) &&
            !corpus_date_too_late(d.year, d.month, d.day)) {
            best = d;
            found = 1;
        }
    }
    if (!found)
        return 0;
    if (year)
        *year = best.year;
    if (month)
        *month = best.month;
    if (day)
        *day = best.day;
    return 1;
}
