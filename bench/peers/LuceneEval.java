/*
 * LuceneEval.java - the Lucene peer: Lucene 8 with its usual English setup
 * on the converted documents.
 *
 *   java -cp CLASSES:LUCENE_JARS LuceneEval DOCS_DIR QUERIES.tsv > RUN
 *
 * Indexing: one in-memory index, each document's title and body in one
 * "text" field analysed by EnglishAnalyzer (standard tokenizer, English
 * possessives, lower case, English stopwords, Porter stemmer). Searching:
 * BM25Similarity with Lucene's defaults (k1=1.2, b=0.75); the query text is
 * analysed by the same analyzer and its terms OR-ed (QueryBuilder, the
 * operator-free path, so AND/OR/NOT in capitals are plain words). Writes a
 * TREC run (top 1000) to stdout and the median latency to stderr.
 */
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
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

public final class LuceneEval {
    private static final int DEPTH = 1000;

    /* Title header value and body of a converted article, joined. */
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

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: LuceneEval DOCS_DIR QUERIES.tsv");
            System.exit(64);
        }
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
        IndexSearcher searcher = new IndexSearcher(reader);
        searcher.setSimilarity(new BM25Similarity());
        QueryBuilder builder = new QueryBuilder(analyzer);
        List<Long> lat = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(Paths.get(args[1]),
                                              StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            if (tab < 0)
                continue;
            String qid = line.substring(0, tab);
            long t0 = System.nanoTime();
            Query q = builder.createBooleanQuery("text", line.substring(tab + 1));
            if (q != null) {
                ScoreDoc[] hits = searcher.search(q, DEPTH).scoreDocs;
                for (int i = 0; i < hits.length; i++)
                    out.append(qid).append(" Q0 ")
                       .append(searcher.doc(hits[i].doc).get("docno"))
                       .append(' ').append(i + 1).append(' ')
                       .append(String.format("%.6f", hits[i].score))
                       .append(" lucene\n");
            }
            lat.add((System.nanoTime() - t0) / 1000);
        }
        System.out.print(out);
        Collections.sort(lat);
        if (!lat.isEmpty())
            System.err.printf("lucene: %d queries, p50 %d us%n", lat.size(),
                              lat.get(lat.size() / 2));
        reader.close();
    }
}
