/*
 * calendar.h - the Gregorian calendar, as article dates (corpus/date.c)
 * and query date ranges (query/query_text.c) both need it. Private to
 * libgazette.
 */
#ifndef GAZETTE_CALENDAR_H
#define GAZETTE_CALENDAR_H

/* 1 in a leap year of the Gregorian calendar. */
static inline int gz_is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Days in `month` (1..12) of `year`. */
static inline int gz_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    return month == 2 && gz_is_leap_year(year) ? 29 : days[month - 1];
}

#endif /* GAZETTE_CALENDAR_H */
