/*
 * LuceneQBench.java - query latency of Lucene 8, timed like gz_qbench
 * (bench/query/qbench.h): warm-up, then ROUNDS timed rounds; a query's
 * latency is its median over the rounds; p50 and p99 over the queries.
 *
 *   java -cp CLASSES:LUCENE_JARS LuceneQBench DOCS_DIR QUERIES.tsv \
 *        [ROUNDS [HITS [RESULTS]]]
 *
 * The set-up of the relevance peer (bench/peers/LuceneEval.java): one
 * in-memory index, title and body in one "text" field analysed by
 * EnglishAnalyzer, BM25Similarity. A query's words are OR-ed
 * (QueryBuilder); a query in double quotes is a phrase query. The top
 * HITS (default 10) and their stored docno are read. Java compiles the
 * hot code while it runs: the untimed warm-up is three rounds.
 */
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.QueryBuilder;

public final class LuceneQBench {
    private static String articleText(Path file) throws IOException {
        String s = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        if (s.startsWith("Title: ")) {
            int eol = s.indexOf('\n');
            String title = eol < 0 ? s.substring(7) : s.substring(7, eol);
            String body = eol < 0 ? "" : s.substring(eol + 1);
            return title + "\n" + body;
        }
        return s;
    }

    private static IndexSearcher searcher;
    private static QueryBuilder builder;
    private static int hits;

    /* One query; its docnos into `out` when not null. */
    private static void runOne(String text, StringBuilder out)
            throws IOException {
        boolean phrase = text.length() >= 2 && text.startsWith("\"")
                         && text.endsWith("\"");
        Query q = phrase
            ? builder.createPhraseQuery("text",
                                        text.substring(1, text.length() - 1))
            : builder.createBooleanQuery("text", text);
        if (q == null)
            return;
        ScoreDoc[] top = searcher.search(q, hits).scoreDocs;
        for (int i = 0; i < top.length; i++) {
            String docno = searcher.doc(top[i].doc).get("docno");
            if (out != null)
                out.append(i > 0 ? " " : "").append(docno);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: LuceneQBench DOCS_DIR QUERIES.tsv "
                               + "[ROUNDS [HITS [RESULTS]]]");
            System.exit(64);
        }
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        hits = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Analyzer analyzer = new EnglishAnalyzer();
        ByteBuffersDirectory dir = new ByteBuffersDirectory();
        IndexWriterConfig cfg = new IndexWriterConfig(analyzer);
        cfg.setSimilarity(new BM25Similarity());
        try (IndexWriter w = new IndexWriter(dir, cfg);
             DirectoryStream<Path> files =
                 Files.newDirectoryStream(Paths.get(args[0]), "*.txt")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                Document doc = new Document();
                doc.add(new StringField("docno",
                        name.substring(0, name.length() - 4), Field.Store.YES));
                doc.add(new TextField("text", articleText(f), Field.Store.NO));
                w.addDocument(doc);
            }
        }
        DirectoryReader reader = DirectoryReader.open(dir);
        searcher = new IndexSearcher(reader);
        searcher.setSimilarity(new BM25Similarity());
        builder = new QueryBuilder(analyzer);
        List<String> ids = new ArrayList<>(), texts = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(args[1]),
                                              StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            if (tab < 0)
                continue;
            ids.add(line.substring(0, tab));
            texts.add(line.substring(tab + 1));
        }
        int n = texts.size();
        StringBuilder res = new StringBuilder();
        for (int w = 0; w < 3; w++)
            for (int i = 0; i < n; i++) {
                StringBuilder one = w == 0 ? new StringBuilder() : null;
                runOne(texts.get(i), one);
                if (one != null)
                    res.append(ids.get(i)).append('\t').append(one)
                       .append('\n');
            }
        if (args.length > 4)
            try (PrintWriter pw = new PrintWriter(args[4], "UTF-8")) {
                pw.print(res);
            }
        double[][] t = new double[n][rounds];
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                runOne(texts.get(i), null);
                t[i][r] = (System.nanoTime() - t0) / 1000.0;
            }
        double[] med = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            Arrays.sort(t[i]);
            med[i] = t[i][rounds / 2];
            sum += med[i];
        }
        Arrays.sort(med);
        System.err.printf("lucene: %d queries, p50 %.0f us, p99 %.0f us, "
                          + "mean %.0f us%n", n, pct(med, 50), pct(med, 99),
                          sum / n);
        reader.close();
    }

    /* Nearest-rank percentile of sorted v, as qbench.c computes it. */
    private static double pct(double[] v, double p) {
        int rank = (int) Math.ceil(p / 100.0 * v.length - 1e-9);
        rank = Math.max(1, Math.min(v.length, rank));
        return v[rank - 1];
    }
}
