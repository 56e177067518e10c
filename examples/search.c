/*
 * search.c - the smallest useful program on libgazette: search an index
 * and print the best hits.
 *
 *   cc -std=c11 search.c $(pkg-config --cflags --libs gazette) -o search
 *   ./search INDEX "humanitarian pauses"
 */
#include <stdio.h>

#include <gazette.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s INDEX QUERY\n", argv[0]);
        return 64;
    }
    gazette_index_t *index = NULL;
    if (gazette_index_open(argv[1], &index) != GAZETTE_STATUS_OK) {
        fprintf(stderr, "search: %s\n", gazette_last_open_error());
        return 66;
    }
    gazette_results_t *results = NULL;
    gazette_status_t status = gazette_search(index, argv[2], NULL, &results);
    if (status != GAZETTE_STATUS_OK) {
        fprintf(stderr, "search: %s (%s)\n", gazette_index_error(index),
                gazette_status_to_string(status));
        gazette_index_close(index);
        return status == GAZETTE_STATUS_QUERY_SYNTAX ? 64 : 70;
    }
    for (size_t i = 0; i < gazette_results_count(results); i++) {
        const gazette_hit_t *hit = gazette_results_hit(results, i);
        printf("%u. %s [%s]\n   %s\n", (unsigned)gazette_hit_rank(hit),
               gazette_hit_title(hit), gazette_hit_id(hit),
               gazette_hit_snippet(hit));
    }
    gazette_results_free(results);
    gazette_index_close(index);
    return 0;
}
