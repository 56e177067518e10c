/*
 * fuzz_date.c - corpus_parse_date(): the input is the date text. When a
 * date is understood it must be a real calendar day (1 <= month <= 12,
 * the day within that month, February 29 only in leap years, year
 * 1..9999), the same when parsed again, and unchanged by the white space
 * around it.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

static int days_in(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                               31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 3);
    FUZZ_CHECK(text != NULL);
    memcpy(text + 1, data, size);
    text[size + 1] = '\0';
    int y = -1, m = -1, d = -1;
    int ok = corpus_parse_date(text + 1, &y, &m, &d);
    if (ok) {
        FUZZ_CHECK(y >= 1 && y <= 9999);
        FUZZ_CHECK(m >= 1 && m <= 12);
        FUZZ_CHECK(d >= 1 && d <= days_in(y, m));
    }
    int y2 = -2, m2 = -2, d2 = -2;
    FUZZ_CHECK(corpus_parse_date(text + 1, &y2, &m2, &d2) == ok);
    FUZZ_CHECK(!ok || (y2 == y && m2 == m && d2 == d));
    FUZZ_CHECK(corpus_parse_date(text + 1, NULL, NULL, NULL) == ok);
    /* surrounding white space is ignored */
    if (!memchr(data, 0, size)) {
        text[0] = ' ';
        text[size + 1] = '\t';
        text[size + 2] = '\0';
        y2 = m2 = d2 = -3;
        FUZZ_CHECK(corpus_parse_date(text, &y2, &m2, &d2) == ok);
        FUZZ_CHECK(!ok || (y2 == y && m2 == m && d2 == d));
    }
    free(text);
    return 0;
}
