/*
 * LuceneIndex.java - Lucene 8 indexing, for bench/index-bench.sh.
 *
 *   java -cp CLASSES:LUCENE_JARS LuceneIndex CORPUS_DIR INDEX_DIR
 *
 * Every "*.txt" file below CORPUS_DIR (title = first line, body = the
 * rest) becomes one document: the path as a stored StringField, title and
 * body in one "text" TextField (positions, not stored) analysed by
 * EnglishAnalyzer; one IndexWriter with its defaults (16 MB RAM buffer,
 * concurrent merges), one commit at the end, into an FSDirectory
 * (replaced).
 */
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;

public final class LuceneIndex {
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: LuceneIndex CORPUS_DIR INDEX_DIR");
            System.exit(64);
        }
        Path root = Paths.get(args[0]);
        IndexWriterConfig cfg = new IndexWriterConfig(new EnglishAnalyzer());
        cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        long[] n = {0};
        try (IndexWriter w = new IndexWriter(FSDirectory.open(Paths.get(args[1])), cfg);
             Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".txt") && Files.isRegularFile(p))
                 .forEach(p -> {
                try {
                    String s = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
                    Document d = new Document();
                    d.add(new StringField("path", root.relativize(p).toString(), Field.Store.YES));
                    d.add(new TextField("text", s, Field.Store.NO));
                    w.addDocument(d);
                    n[0]++;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            w.commit();
        }
        System.out.println(n[0] + " documents");
    }
}
