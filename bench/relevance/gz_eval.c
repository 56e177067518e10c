/*
 * gz_eval.c - run judged queries through libgazette with its default
 * ranking and write a TREC run file.
 *
 *   gz_eval [-k DEPTH] [-t TAG] [-l LATENCY_FILE] INDEX QUERIES.tsv
 *
 * QUERIES.tsv holds "<qid>\t<text>" lines (bench/relevance/convert.sh). Each
 * text goes to gazette_search() exactly as a user would type it. Output on
 * stdout: "<qid> Q0 <docno> <rank> <weight> <TAG>" for the top DEPTH hits
 * (default 1000), where <docno> is the hit's file name without directory
 * and ".txt". A query the library refuses (e.g. a syntax error) is
 * reported on stderr and answers nothing, so it scores 0.
 * Built a second time as gz_tune (static library, GZ_EVAL_TUNING), it also
 * takes -p "k1=..,b=..,stop=0|1,caps=0|1,prfd=..,prft=..,prfw=..,prfm=..,minlen=..,k3=..,delta=.."
 * to override the ranking defaults: that is how the defaults were chosen.
 * With -l, the wall-clock time of each search in microseconds is written
 * one per line to LATENCY_FILE; the median goes to stderr either way.
 * Exit status 0, 64 bad usage, 66 index or query file unreadable, 71 out
 * of memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs.h"
#include "gazette.h"
#ifdef GZ_EVAL_TUNING
#include "ranking.h"

/* Its messages and usage name the program run, which takes -p. */
#define PROGRAM "gz_tune"
#define TUNING_USAGE " [-p KEY=VALUE,...]"

/* gz_tune only: parse "k1=1.2,b=0.75,stop=1,caps=1,prfd=10,prft=20,
 * prfw=0.5,minlen=0.5" (any subset) over the library's defaults and make
 * them the ranking parameters. Returns 0, or -1 on an unknown key. */
static int set_tuning(const char *spec)
{
    gz_ranking_params p = gz_ranking_defaults;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *kv = strtok(buf, ", "); kv; kv = strtok(NULL, ", ")) {
        char *eq = strchr(kv, '=');
        if (!eq)
            return -1;
        *eq = '\0';
        double v = strtod(eq + 1, NULL);
        if (strcmp(kv, "k1") == 0) p.k1 = v;
        else if (strcmp(kv, "b") == 0) p.b = v;
        else if (strcmp(kv, "minlen") == 0) p.min_normlen = v;
        else if (strcmp(kv, "k3") == 0) p.k3 = v;
        else if (strcmp(kv, "delta") == 0) p.delta = v;
        else if (strcmp(kv, "stop") == 0) p.stopwords = (int)v;
        else if (strcmp(kv, "caps") == 0) p.fold_capitals = (int)v;
        else if (strcmp(kv, "prfd") == 0) p.prf_docs = (unsigned)v;
        else if (strcmp(kv, "prft") == 0) p.prf_terms = (unsigned)v;
        else if (strcmp(kv, "prfw") == 0) p.prf_weight = v;
        else if (strcmp(kv, "prfm") == 0) p.prf_min_docs = (unsigned)v;
        else return -1;
    }
    gz_ranking_set_params(&p);
    return 0;
}
#else
#define PROGRAM "gz_eval"
#define TUNING_USAGE ""
#endif

/* Copy the hit's document number (file name without dirs and ".txt") into
 * buf. */
static void docno_of(const char *id, char *buf, size_t size)
{
    const char *slash = strrchr(id, '/');
    const char *base = slash ? slash + 1 : id;
    size_t n = strcspn(base, ".#");
    snprintf(buf, size, "%.*s", (int)n, base);
}

/* Search one query and print its run lines. Returns the status. */
static gazette_status_t run_query(gazette_index_t *index,
                                  const gazette_search_options_t *opts,
                                  const char *qid, const char *text,
                                  const char *tag)
{
    gazette_results_t *res = NULL;
    gazette_status_t s = gazette_search(index, text, opts, &res);
    if (s != GAZETTE_STATUS_OK) {
        fprintf(stderr, PROGRAM ": query %s: %s: %s\n", qid,
                gazette_status_to_string(s), gazette_index_error(index));
        return s;
    }
    char docno[256];
    for (size_t i = 0; i < gazette_results_count(res); i++) {
        const gazette_hit_t *hit = gazette_results_hit(res, i);
        docno_of(gazette_hit_id(hit), docno, sizeof docno);
        printf("%s Q0 %s %u %.6f %s\n", qid, docno, gazette_hit_rank(hit),
               gazette_hit_weight(hit), tag);
    }
    gazette_results_free(res);
    return s;
}

int main(int argc, char **argv)
{
    unsigned depth = 1000;
    const char *tag = "gazette", *latency_path = NULL;
    int argi = 1;
    for (; argi + 1 < argc && argv[argi][0] == '-'; argi += 2) {
        if (strcmp(argv[argi], "-k") == 0)
            depth = (unsigned)strtoul(argv[argi + 1], NULL, 10);
        else if (strcmp(argv[argi], "-t") == 0)
            tag = argv[argi + 1];
        else if (strcmp(argv[argi], "-l") == 0)
            latency_path = argv[argi + 1];
#ifdef GZ_EVAL_TUNING
        else if (strcmp(argv[argi], "-p") == 0) {
            if (set_tuning(argv[argi + 1]) != 0) {
                fprintf(stderr, PROGRAM ": bad -p %s\n", argv[argi + 1]);
                return 64;
            }
        }
#endif
        else
            break;
    }
    if (argc - argi != 2 || depth == 0) {
        fprintf(stderr, "usage: " PROGRAM " [-k DEPTH] [-t TAG]"
                        " [-l LATENCY_FILE]" TUNING_USAGE
                        " INDEX QUERIES.tsv\n");
        return 64;
    }
    gazette_index_t *index = NULL;
    if (gazette_index_open(argv[argi], &index) != GAZETTE_STATUS_OK) {
        fprintf(stderr, PROGRAM ": %s\n", gazette_last_open_error());
        return 66;
    }
    FILE *qf = fopen(argv[argi + 1], "r");
    if (!qf) {
        perror(argv[argi + 1]);
        gazette_index_close(index);
        return 66;
    }
    gazette_search_options_t *opts = NULL;
    int status = 0;
    if (gazette_search_options_new(&opts) != GAZETTE_STATUS_OK ||
        gazette_search_options_set_range(opts, 0, depth) != GAZETTE_STATUS_OK ||
        gazette_search_options_set_snippet(opts, 0, NULL, NULL) !=
            GAZETTE_STATUS_OK)
        status = 71;

    peer_latencies lat = {0};
    char line[8192];
    while (status == 0 && fgets(line, sizeof line, qf)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        double t0 = peer_now_us();
        run_query(index, opts, line, tab + 1, tag);
        if (peer_latency_add(&lat, peer_now_us() - t0) != 0)
            status = 71;
    }
    if (latency_path && status == 0) {
        FILE *lf = fopen(latency_path, "w");
        for (size_t i = 0; lf && i < lat.n; i++)
            fprintf(lf, "%.0f\n", lat.us[i]);
        if (lf)
            fclose(lf);
    }
    peer_latency_report(&lat, PROGRAM);
    fclose(qf);
    gazette_search_options_free(opts);
    gazette_index_close(index);
    return status;
}
