/*
 * tries.h - the one rule for how often a reading is made again after it
 * failed in a way worth trying again: a reader (a search, an open, a dry
 * run's walk, a shard read by another thread of the run) whose revision
 * a writer's commits overtook (Xapian's DatabaseModifiedError), or a
 * database a --full switch deleted under it. Private to libgazette.
 */
#ifndef GAZETTE_TRIES_H
#define GAZETTE_TRIES_H

/* A reading is made at least this many times: a slow search on a loaded
 * machine during a reindex that commits every batch needs more than two
 * or three. */
#define MODIFIED_RETRIES 10
/* ...and, while a writer keeps overtaking it, until this many seconds
 * have passed since its first try: where a try is quick and a writer
 * commits back to back (or a busy writer on a slow disk), ten tries in a
 * row can each see two commits within milliseconds (test_threads
 * test_open_while_committing failed so once in CI under ASan). Other
 * failures worth a try again (a damaged block, which a writer's reuse of
 * it also looks like) are tried MODIFIED_RETRIES times only: a damaged
 * index fails as soon. */
#define MODIFIED_RETRY_SECONDS 2.0

/* The tries of one reading, counted by gz_tries_more. */
typedef struct gz_tries {
    int made;              /* tries so far */
    double give_up;        /* CLOCK_MONOTONIC seconds: the time floor's end */
} gz_tries;

/* Start counting into *t the tries of one reading, none made yet. */
void gz_tries_start(gz_tries *t);

/* gz_tries_start for a loop that asks gz_tries_more only after a try (a
 * do ... while): its first try is counted as made. */
void gz_tries_start_made(gz_tries *t);

/* 1 when one more try is due, counting it in *t: the first always; a
 * later one (after a try that failed in a way worth trying again) while
 * fewer than MODIFIED_RETRIES were made, or, with `overtaken` (a
 * writer's commits overtook the try that failed), until
 * MODIFIED_RETRY_SECONDS have passed since gz_tries_start. */
int gz_tries_more(gz_tries *t, int overtaken);

#endif /* GAZETTE_TRIES_H */
