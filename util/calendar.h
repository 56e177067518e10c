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

/* The day `days` after 1970-01-01 (negative: before it) in *year,
 * *month (1..12) and *day of the proleptic Gregorian calendar, whatever
 * range the platform's gmtime() has; |days| must be below 10^15. */
static inline void gz_civil_from_days(long long days, long long *year,
                                      int *month, int *day)
{
    /* counted in 400-year eras from 0000-03-01, so a leap day ends a year */
    long long z = days + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;                    /* 0..146096 */
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* 0..365 */
    long long mp = (5 * doy + 2) / 153;                  /* 0 = March */
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

/* The number of days from 1970-01-01 to year-month-day of the proleptic
 * Gregorian calendar (negative before it): gz_civil_from_days' inverse.
 * `month` 1..12, `day` 1..31, |year| below 10^12. */
static inline long long gz_days_from_civil(long long year, int month,
                                           int day)
{
    year -= month <= 2;                    /* years begin in March */
    long long era = (year >= 0 ? year : year - 399) / 400;
    long long yoe = year - era * 400;                     /* 0..399 */
    long long mp = month > 2 ? month - 3 : month + 9;     /* 0 = March */
    long long doy = (153 * mp + 2) / 5 + day - 1;         /* 0..365 */
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

#endif /* GAZETTE_CALENDAR_H */
