package io.spikestream.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.app.SpikestreamCli;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.SensorGeometry;
import io.spikestream.proto.v1.Classification;
import io.spikestream.replay.ProducerSettings;
import io.spikestream.replay.ReplayConfig;
import io.spikestream.replay.ReplayListener;
import io.spikestream.replay.ReplayResult;
import io.spikestream.replay.Replayer;
import io.spikestream.replay.SampleRef;
import io.spikestream.replay.SampleSource;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.snn.exit.ExitPolicy;
import io.spikestream.snn.exit.OfflineDecider;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.snn.inference.SparseEngine;
import io.spikestream.topics.ClassificationMapper;
import io.spikestream.topics.Decision;
import io.spikestream.topics.DecisionKey;
import io.spikestream.topics.Decisions;
import io.spikestream.topics.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At-least-once across SIGKILLs of real {@code serve} processes while three cameras stream at real time
 * (watermarks and heartbeats from the real replay). The first instance never commits, so the second
 * processes everything again and repeats every decision the first made; the second keeps no state cache,
 * so its changelog runs ahead of its (never committed) input offsets and the third instance finds records
 * that its restored state already holds, which it must skip. Every sample still gets its decision, equal to
 * the offline path's, and every repeated decision is identical to the first.
 */
class ServeCrashTest {
    private static final SensorGeometry SENSOR = new SensorGeometry(16, 16);
    private static final int T = 6;
    private static final Duration BOUND = Duration.ofSeconds(150);

    @Test
    void killedAtLeastOnceServesLoseNothingAndRepeatOnlyIdenticalDecisions(@TempDir Path tmp) throws Exception {
        long start = System.nanoTime();
        FramingSpec framing = FramingSpec.timeWindow(SENSOR, 10_000, 8, 8, CountMode.BINARY, 1);
        ModelSpec spec = ModelSpec.of("c4-p2-f16", framing.frameShape(), T, framing, List.of("a", "b", "c", "d"));
        BnntModel model = BnntModel.of(spec, BnntParams.init(spec, 7)).withEarlyExit(EarlyExitSettings.confidence(0.3f));
        Path ckpt = tmp.resolve("tiny.ckpt");
        CheckpointCodec.write(ckpt, model);
        SampleSource source = samples(210);
        OfflineDecider offline = new OfflineDecider(framing, T, new SparseEngine(model), ExitPolicy.fromModel(model));
        Map<String, OfflineDecider.Result> expected = new HashMap<>();
        for (SampleRef s : source.samples()) {
            expected.put(s.id(), offline.decide(source.load(s)));
        }

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Topics topics = Topics.defaults();
            broker.createTopic(topics.events().name(), 2, Topics.APPEND_TIME);
            broker.createTopic(topics.classifications().name(), 2, Topics.APPEND_TIME);
            broker.createTopic(topics.deadLetters().name(), 1);
            String bootstrap = broker.bootstrapServers();
            List<Decision> read = new ArrayList<>();
            double skipped;
            try (KafkaConsumer<DecisionKey, Classification> reader = reader(bootstrap, topics)) {
                Serve first = Serve.start(bootstrap, ckpt, tmp, "first", "commit.interval.ms=600000");
                ReplayConfig replay = ReplayConfig.builder().cameras(3).splitSamples(true).seed(3).cameraPrefix("cam-")
                        .build();
                CompletableFuture<ReplayResult> replaying = CompletableFuture.supplyAsync(() -> {
                    try {
                        return Replayer.run(replay, source, ProducerSettings.defaults(bootstrap), ReplayListener.NONE);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                poll(reader, read, () -> read.size() >= 10, "decisions of the first instance", first);
                first.kill();
                int beforeSecond = read.size();
                Serve second = Serve.start(bootstrap, ckpt, tmp, "second", "commit.interval.ms=600000",
                        "statestore.cache.max.bytes=0");
                poll(reader, read, () -> read.size() >= beforeSecond + 20, "decisions of the second instance", second);
                second.kill();
                Serve third = Serve.start(bootstrap, ckpt, tmp, "third");
                try {
                    ReplayResult rr = replaying.get(60, TimeUnit.SECONDS);
                    assertThat(rr.samples()).isEqualTo(210);
                    assertThat(rr.heartbeats()).as("the quiet stretches sent heartbeats").isPositive();
                    poll(reader, read, () -> distinctKeys(read) >= 210, "every sample's decision", third);
                    long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    poll(reader, read, () -> System.nanoTime() > settle, "late repeats", third);
                    skipped = third.metric("spikestream_records_skipped_total");
                } finally {
                    third.stop();
                }
            }
            Decisions decisions = new Decisions();
            List<Decision> unique = decisions.distinct(read);
            assertThat(decisions.conflicts()).as("a repeated key with another outcome").isZero();
            assertThat(decisions.duplicates()).as("the first instance's decisions came again").isGreaterThanOrEqualTo(10);
            assertThat(unique).extracting(Decision::sampleId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (Decision d : unique) {
                OfflineDecider.Result want = expected.get(d.sampleId());
                assertThat(d.predictedClass()).as(d.sampleId()).isEqualTo(want.predicted());
                assertThat(d.stepsUsed()).as(d.sampleId()).isEqualTo(want.steps());
                assertThat(d.exit()).as(d.sampleId()).isEqualTo(want.reason());
                float[] scores = new float[d.scores().size()];
                for (int i = 0; i < scores.length; i++) {
                    scores[i] = d.scores().get(i);
                }
                assertThat(scores).as(d.sampleId()).containsExactly(want.scores());
            }
            assertThat(skipped).as("the third instance skipped records its restored state already held").isPositive();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded in time").isLessThan(BOUND);
    }

    /** Random events over 50-80 ms per sample, every third with a 30 ms quiet stretch (heartbeats fill it). */
    private static SampleSource samples(int count) {
        Map<SampleRef, EventBatch> m = new LinkedHashMap<>();
        SplittableRandom r = new SplittableRandom(11);
        for (int s = 0; s < count; s++) {
            int n = 150 + r.nextInt(200);
            long span = 50_000 + r.nextInt(30_000);
            long[] ts = new long[n];
            for (int i = 0; i < n; i++) {
                ts[i] = 1_000 + r.nextLong(span);
            }
            Arrays.sort(ts);
            EventBuffer b = new EventBuffer(SENSOR, n);
            int cx = r.nextInt(16);
            int cy = r.nextInt(16);
            for (int i = 0; i < n; i++) {
                long t = ts[i] + (s % 3 == 0 && i > n / 2 ? 30_000 : 0);
                b.add(Math.floorMod(cx + (int) Math.round(r.nextGaussian() * 3), 16),
                        Math.floorMod(cy + (int) Math.round(r.nextGaussian() * 3), 16), r.nextBoolean(), t);
            }
            m.put(new SampleRef(String.format("%d/%05d.bin", s % 4, s), s % 4), b.toBatch());
        }
        return SampleSource.of(m);
    }

    private static KafkaConsumer<DecisionKey, Classification> reader(String bootstrap, Topics topics) {
        Map<String, Object> cc = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "crash-checker", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<DecisionKey, Classification> c = new KafkaConsumer<>(cc, topics.classifications().keyDeserializer(),
                topics.classifications().valueDeserializer());
        c.subscribe(List.of(topics.classifications().name()));
        return c;
    }

    private static long distinctKeys(List<Decision> read) {
        return read.stream().map(Decision::key).distinct().count();
    }

    /** Reads decisions until {@code done}; fails with the serve log after the bound. */
    private static void poll(KafkaConsumer<DecisionKey, Classification> reader, List<Decision> into, BooleanSupplier done,
                             String what, Serve serve) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within 60 s (" + into.size() + " read); serve log:\n"
                        + serve.log());
            }
            for (ConsumerRecord<DecisionKey, Classification> r : reader.poll(Duration.ofMillis(100))) {
                Decision d = ClassificationMapper.fromProto(r.value());
                assertThat(r.key()).isEqualTo(d.key());
                into.add(d);
            }
        }
    }

    /** A {@code spikestream serve --guarantee at-least-once} process with its own log. */
    private record Serve(Process process, Path logFile) {
        static Serve start(String bootstrap, Path ckpt, Path dir, String name, String... kafka) throws IOException {
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", cp, SpikestreamCli.class.getName(), "serve",
                    "--bootstrap-servers", bootstrap, "--model", ckpt.toString(), "--guarantee", "at-least-once",
                    "--state-dir", dir.resolve("state-" + name).toString(), "--metrics-host", "127.0.0.1",
                    "--metrics-port", "0",
                    // static membership: a restarted instance takes over at once instead of after the session timeout
                    "-X", "main.consumer.group.instance.id=crash-test", "-X", "main.consumer.session.timeout.ms=10000"));
            for (String kv : kafka) {
                cmd.add("-X");
                cmd.add(kv);
            }
            Path log = dir.resolve(name + ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Serve s = new Serve(p, log);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!s.log().contains("serving model")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new AssertionError("serve " + name + " did not start: " + s.log());
                }
                sleep();
            }
            return s;
        }

        String log() throws IOException {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        }

        /** SIGKILL: no commit, no close. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        /** SIGTERM: a clean stop. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }

        /** A counter from the instance's Prometheus endpoint. */
        double metric(String name) throws IOException, InterruptedException {
            Matcher m = Pattern.compile("metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(log());
            assertThat(m.find()).as("the metrics address in the log").isTrue();
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + m.group(1) + "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher v = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
            assertThat(v.find()).as(name + " in /metrics").isTrue();
            return Double.parseDouble(v.group(1));
        }

        private static void sleep() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
