/*
 * spell_eval.c - "did you mean" for a list of queries (bench/spelling).
 *
 *   spell_eval INDEX FILE
 *
 * FILE has one query per line, optionally followed by a tab and anything
 * (the expected correction, the kind of edit); empty lines and lines
 * starting with '#' are skipped. For each query, prints the query, a tab
 * and the suggestion gazette_search() gives with spelling on ("" when
 * none). Exit status 0, or 1 when the index cannot be searched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gazette.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: spell_eval INDEX FILE\n");
        return 2;
    }
    FILE *in = fopen(argv[2], "r");
    if (!in) {
        perror(argv[2]);
        return 1;
    }
    gazette_index_t *index = NULL;
    gazette_search_options_t *opts = NULL;
    if (gazette_index_open(argv[1], &index) != GAZETTE_STATUS_OK) {
        fprintf(stderr, "spell_eval: %s\n", gazette_last_open_error());
        fclose(in);
        return 1;
    }
    int rc = gazette_search_options_new(&opts) == GAZETTE_STATUS_OK &&
                     gazette_search_options_set_range(opts, 0, 1) ==
                         GAZETTE_STATUS_OK &&
                     gazette_search_options_set_snippet(opts, 0, NULL,
                                                        NULL) ==
                         GAZETTE_STATUS_OK
                 ? 0 : 1;
    char line[4096];
    while (rc == 0 && fgets(line, sizeof line, in)) {
        line[strcspn(line, "\t\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        gazette_results_t *r = NULL;
        if (gazette_search(index, line, opts, &r) != GAZETTE_STATUS_OK) {
            fprintf(stderr, "spell_eval: '%s': %s\n", line,
                    gazette_index_error(index));
            printf("%s\t\n", line);
            continue;
        }
        printf("%s\t%s\n", line, gazette_results_suggestion(r));
        gazette_results_free(r);
    }
    gazette_search_options_free(opts);
    gazette_index_close(index);
    fclose(in);
    return rc;
}
