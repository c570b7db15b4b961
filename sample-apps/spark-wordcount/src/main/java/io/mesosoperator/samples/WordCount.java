package io.mesosoperator.samples;

import static org.apache.spark.sql.functions.asc;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.split;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Sample Spark job: counts the words of a text file and writes {@code word,count} CSV (with that header line,
 * one part file, most frequent first) to an output directory, replacing what is there.
 *
 * <pre>
 * WordCount [--fail-until-attempt N --attempts-dir DIR] [--hold-until FILE] [--stream-every SECONDS] &lt;input&gt; &lt;output&gt;
 * </pre>
 *
 * <p>With {@code --stream-every SECONDS} it is a Structured Streaming job instead: input is a directory, and every
 * file that arrives there is counted in the next micro-batch (one every SECONDS at most, none while nothing
 * arrives), its counts written to {@code output/batch-ID} (the checkpoint is {@code output/_checkpoint}), until the
 * {@code --hold-until} file exists (what arrived by then is counted first): for tests of a streaming job whose
 * executors follow its micro-batches.
 *
 * <p>Deliberate failures, for tests of restart policies: with {@code --attempts-dir DIR} every run first
 * increments the number in {@code DIR/attempts} (created at 0 if missing, so the first run is attempt 1); with
 * {@code --fail-until-attempt N} too, a run whose attempt is below N fails (after the Spark session started,
 * before any output is written) and exits non-zero. Attempts 1..N-1 fail, attempt N and later succeed. DIR must
 * outlive a single run (not the task sandbox) for the count to carry across runs; delete the file to start over.
 *
 * <p>With {@code --hold-until FILE} the run keeps its Spark session (and UI) open after the output is written,
 * until FILE exists: for tests that look at a running driver.
 */
public final class WordCount {

  private WordCount() {}

  public static void main(String[] args) throws IOException {
    Options options = Options.parse(args);
    int attempt = options.attemptsDir == null ? 1 : nextAttempt(options.attemptsDir);
    System.out.printf("wordcount: attempt %d, input %s, output %s%n", attempt, options.input, options.output);

    SparkSession.Builder builder = SparkSession.builder().appName("wordcount");
    if (!new SparkConf().contains("spark.master")) {
      builder.master("local[2]"); // run as a plain java process, without spark-submit
    }
    SparkSession spark = builder.getOrCreate();
    try {
      if (attempt < options.failUntilAttempt) {
        throw new IllegalStateException(String.format(
            "deliberate failure: attempt %d of --fail-until-attempt %d (counter %s)",
            attempt, options.failUntilAttempt, options.attemptsDir.resolve(ATTEMPTS_FILE)));
      }
      if (options.streamEverySeconds > 0) {
        stream(spark, options);
        return;
      }
      Dataset<Row> counts = count(spark.read().text(options.input)).cache();
      counts.coalesce(1).write().mode(SaveMode.Overwrite).option("header", true).csv(options.output);
      List<Row> top = counts.takeAsList(3);
      System.out.printf("wordcount: %d distinct words written to %s, top %s%n", counts.count(), options.output, top);
      if (options.holdUntil != null) {
        System.out.printf("wordcount: holding the session open until %s exists%n", options.holdUntil);
        while (!Files.exists(options.holdUntil)) {
          Thread.sleep(200);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      spark.stop();
    }
  }

  /** The words of text lines (a {@code value} column), counted, most frequent first. */
  static Dataset<Row> count(Dataset<Row> lines) {
    return lines.select(explode(split(lower(col("value")), "[^\\p{L}\\p{N}']+")).as("word"))
        .select(regexp_replace(col("word"), "^'+|'+$", "").as("word"))
        .where(length(col("word")).gt(0))
        .groupBy("word").count()
        .orderBy(desc("count"), asc("word"));
  }

  /** Counts each micro-batch of new files in the input directory into output/batch-ID, until the hold file exists. */
  static void stream(SparkSession spark, Options options) throws InterruptedException {
    String output = options.output.replaceAll("/+$", "");
    StreamingQuery query;
    try {
      query = spark.readStream().text(options.input).writeStream()
          .queryName("wordcount-stream")
          .trigger(Trigger.ProcessingTime(options.streamEverySeconds * 1000L))
          .option("checkpointLocation", output + "/_checkpoint")
          .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
            count(batch).coalesce(1).write().mode(SaveMode.Overwrite).option("header", true)
                .csv(output + "/batch-" + id);
            System.out.printf("wordcount: batch %d counted into %s/batch-%d%n", id, output, id);
          })
          .start();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the streaming query did not start", e);
    }
    System.out.printf("wordcount: counting the files arriving in %s every %d s until %s exists%n", options.input,
        options.streamEverySeconds, options.holdUntil);
    while (!Files.exists(options.holdUntil)) {
      try {
        if (query.awaitTermination(200)) {
          return; // ended on its own: failed (the exception has been thrown) or stopped
        }
      } catch (StreamingQueryException e) {
        throw new IllegalStateException("the streaming query failed", e);
      }
    }
    try {
      query.processAllAvailable(); // what arrived before the hold file is counted, never cut off mid-batch
      query.stop();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the streaming query did not stop", e);
    }
  }

  static final String ATTEMPTS_FILE = "attempts";

  /** Increments DIR/attempts under a file lock and returns the new value. */
  static int nextAttempt(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(ATTEMPTS_FILE);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 64));
      channel.read(buffer, 0);
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).trim();
      int attempt = (text.isEmpty() ? 0 : Integer.parseInt(text)) + 1;
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((attempt + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(true);
      return attempt;
    }
  }

  record Options(String input, String output, int failUntilAttempt, Path attemptsDir, Path holdUntil,
                 int streamEverySeconds) {

    static Options parse(String[] args) {
      List<String> positional = new ArrayList<>();
      int failUntil = 0;
      Path attemptsDir = null;
      Path holdUntil = null;
      int streamEvery = 0;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--fail-until-attempt" -> failUntil = Integer.parseInt(value(args, ++i));
          case "--attempts-dir" -> attemptsDir = Path.of(value(args, ++i));
          case "--hold-until" -> holdUntil = Path.of(value(args, ++i));
          case "--stream-every" -> streamEvery = Integer.parseInt(value(args, ++i));
          default -> positional.add(args[i]);
        }
      }
      if (positional.size() != 2) {
        throw usage("expected <input> <output>, got " + positional);
      }
      if (failUntil > 0 && attemptsDir == null) {
        throw usage("--fail-until-attempt needs --attempts-dir to count attempts across runs");
      }
      if (streamEvery > 0 && holdUntil == null) {
        throw usage("--stream-every needs --hold-until FILE to know when to stop");
      }
      return new Options(positional.get(0), positional.get(1), failUntil, attemptsDir, holdUntil, streamEvery);
    }

    private static String value(String[] args, int i) {
      if (i >= args.length) {
        throw usage(args[i - 1] + " needs a value");
      }
      return args[i];
    }

    private static IllegalArgumentException usage(String problem) {
      return new IllegalArgumentException(problem
          + "; usage: WordCount [--fail-until-attempt N --attempts-dir DIR] [--hold-until FILE] [--stream-every SECONDS]"
          + " <input> <output>");
    }
  }
}
