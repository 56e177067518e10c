/* tries.c - how often a reading is made again (tries.h). */
#include "tries.h"

#include <time.h>

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void gz_tries_start(gz_tries *t)
{
    t->made = 0;
    t->give_up = seconds_now() + MODIFIED_RETRY_SECONDS;
}

void gz_tries_start_made(gz_tries *t)
{
    gz_tries_start(t);
    t->made = 1;
}

int gz_tries_more(gz_tries *t, int overtaken)
{
    int more = t->made < MODIFIED_RETRIES ||
               (overtaken && seconds_now() < t->give_up);
    t->made += more;
    return more;
}
