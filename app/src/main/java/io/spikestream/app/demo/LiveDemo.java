package io.spikestream.app.demo;

import io.spikestream.app.bench.BenchRunner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.serve.EmbeddedPipeline;
import io.spikestream.events.io.Aedat4Writer;
import io.spikestream.ingest.Ingest;
import io.spikestream.ingest.IngestConfig;
import io.spikestream.ingest.IngestListener;
import io.spikestream.ingest.SourceConfig;
import io.spikestream.ingest.SourceStats;
import io.spikestream.ingest.camera.CameraTimeline;
import io.spikestream.ingest.camera.DvTcpCamera;
import io.spikestream.ingest.camera.Recording;
import io.spikestream.proto.v1.Classification;
import io.spikestream.replay.ProducerSettings;
import io.spikestream.snn.BnntModel;
import io.spikestream.topics.ClassificationMapper;
import io.spikestream.topics.Decision;
import io.spikestream.topics.DecisionKey;
import io.spikestream.topics.Topic;
import io.spikestream.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine;

/**
 * {@code spikestream demo --live}: simulated DV cameras show recordings back to back over DV's TCP
 * stream, {@code ingest} bridges them onto an embedded broker, the stream app classifies, and each
 * recording's decision prints as it arrives (a gap of T + 2 frames between recordings lets every
 * recording's first episode start at its first event). Latency is measured from the camera's send of
 * the packet holding the event that closed the deciding frame to the moment the decision is read
 * (read_committed), on one clock: everything runs in this process.
 */
public final class LiveDemo {
    private final PrintWriter err;
    private final PrintWriter out;

    private LiveDemo(CommandLine cl) {
        this.err = cl.getErr();
        this.out = cl.getOut();
    }

    /** A recording's decision. */
    private record Decided(Decision d, Recording r) {
    }

    /** What one camera showed and sent: recordings by start time, packets by last event time. */
    private record CameraLog(String camera, ConcurrentSkipListMap<Long, CameraTimeline.Shown> shown,
                             ConcurrentSkipListMap<Long, Long> sentNs) {
        CameraLog(String camera) {
            this(camera, new ConcurrentSkipListMap<>(), new ConcurrentSkipListMap<>());
        }
    }

    /**
     * Runs the live demo; decisions read in the first {@code warmup} (JIT, first transactions) print but
     * do not count towards the latency percentiles, as in the replay demo.
     */
    static int run(CommandLine cl, BnntModel model, List<Recording> recordings, DemoRun.Settings settings, boolean json)
            throws IOException, InterruptedException {
        return new LiveDemo(cl).run(model, recordings, settings, json);
    }

    private int run(BnntModel model, List<Recording> recordings, DemoRun.Settings settings, boolean json)
            throws IOException, InterruptedException {
        int cameras = settings.cameras();
        double speed = settings.speed();
        Duration warmup = settings.warmup();
        long seed = settings.seed();
        List<Recording> order = new ArrayList<>(recordings);
        Collections.shuffle(order, new Random(seed));
        long gapUs = (model.spec().timesteps() + 2L) * model.spec().framing().windowUs();
        err.printf(Locale.ROOT, "demo --live: %d recordings on %d simulated DV cameras at %s, %d ms apart; starting an"
                + " embedded Kafka broker and the stream app%n", order.size(), cameras,
                Double.isInfinite(speed) ? "full speed" : speed + "x real time", gapUs / 1000);
        err.flush();
        Map<String, CameraLog> logs = new ConcurrentHashMap<>();
        List<DvTcpCamera> cams = new ArrayList<>();
        Histogram latency = new Histogram(3);
        List<Decided> firsts = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        Map<String, Object> ingestSummary;
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(model, Math.max(4, cameras), 1,
                settings.guarantee(), BenchRunner.Embedded.withCommitInterval(Map.of(), settings.commitIntervalMs()))) {
            IngestConfig.Builder ic = IngestConfig.builder()
                    .heartbeat(Double.isFinite(speed) ? Duration.ofMillis(10) : Duration.ZERO);
            long clock = System.currentTimeMillis() * 1000;
            for (int c = 0; c < cameras; c++) {
                List<Recording> mine = new ArrayList<>();
                for (int i = c; i < order.size(); i += cameras) {
                    mine.add(order.get(i));
                }
                if (mine.isEmpty()) {
                    continue;
                }
                CameraLog log = new CameraLog(String.format(Locale.ROOT, "cam-%02d", c));
                logs.put(log.camera(), log);
                DvTcpCamera cam = DvTcpCamera.start("127.0.0.1", 0, new CameraTimeline(mine, clock, gapUs, false),
                        new DvTcpCamera.Options(speed, 1000, Aedat4Writer.Compression.NONE, log.camera()),
                        s -> log.shown().put(s.startUs(), s), (t, ns) -> log.sentNs().put(t, ns));
                cams.add(cam);
                ic.source(SourceConfig.parse(cam.uri() + "?camera=" + log.camera(), SourceConfig.Defaults.NONE));
            }
            // the pipeline's default topics
            Topic<String, byte[]> events = Topics.defaults().events();
            Topic<DecisionKey, Classification> classifications = Topics.defaults().classifications();
            ic.topic(events);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(pipeline.bootstrapServers()),
                    events.keySerializer(), events.valueSerializer());
                 KafkaConsumer<DecisionKey, Classification> decisions = new KafkaConsumer<>(
                         consumerProps(pipeline.bootstrapServers()), classifications.keyDeserializer(),
                         classifications.valueDeserializer())) {
                decisions.subscribe(List.of(classifications.name()));
                Ingest ingest = Ingest.start(ic.build(), producer, IngestListener.NONE, new SimpleMeterRegistry());
                long measureFrom = System.nanoTime() + warmup.toNanos();
                try {
                    long quietSince = Long.MAX_VALUE;
                    while (true) {
                        for (ConsumerRecord<DecisionKey, Classification> r : decisions.poll(Duration.ofMillis(50))) {
                            long readNs = System.nanoTime();
                            Decision d = ClassificationMapper.fromProto(r.value());
                            CameraLog log = logs.get(d.cameraId());
                            CameraTimeline.Shown s = log == null ? null : log.shown().get(d.episodeStartUs());
                            if (s == null) {
                                continue; // the rest of a recording after an early decision: a new episode, not a recording
                            }
                            Map.Entry<Long, Long> closing = log.sentNs().ceilingEntry(d.decisionEventTimeUs());
                            double ms = closing == null ? Double.NaN : (readNs - closing.getValue()) / 1e6;
                            if (closing != null && readNs > closing.getValue() && readNs >= measureFrom) {
                                latency.recordValue((readNs - closing.getValue()) / 1000);
                            }
                            firsts.add(new Decided(d, s.recording()));
                            print(d, s, ms, firsts.size(), order.size());
                        }
                        boolean camerasDone = cams.stream().allMatch(k -> awaitQuietly(k));
                        if (camerasDone && quietSince == Long.MAX_VALUE) {
                            quietSince = System.nanoTime();
                        }
                        // after the last recording, the decisions still on their way get a few seconds
                        if (firsts.size() >= order.size() || System.nanoTime() - quietSince > 5_000_000_000L) {
                            break;
                        }
                    }
                } finally {
                    ingest.stop();
                    cams.forEach(DvTcpCamera::close);
                }
                ingestSummary = ingest.summary();
                for (SourceStats s : ingest.sources()) {
                    if (s.droppedEvents() + s.lateEvents() > 0) {
                        err.printf(Locale.ROOT, "demo --live: %s: %d events dropped, %d late%n", s.config().camera(),
                                s.droppedEvents(), s.lateEvents());
                    }
                }
            }
        }
        return summary(order.size(), firsts, latency, ingestSummary, (System.nanoTime() - start) / 1e9, json);
    }

    private static boolean awaitQuietly(DvTcpCamera c) {
        try {
            return c.awaitDone(0, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void print(Decision d, CameraTimeline.Shown s, double ms, int n, int total) {
        Recording r = s.recording();
        String verdict = r.label() < 0 ? "" : r.label() == d.predictedClass() ? "  right" : "  WRONG (label " + r.label() + ")";
        err.printf(Locale.ROOT, "demo --live: %d/%d %s shows %-28s -> %s after %d of %d steps, %.1f ms%s%n", n, total,
                d.cameraId(), r.id(), d.predictedLabel(), d.stepsUsed(), d.maxSteps(), ms, verdict);
        err.flush();
    }

    private int summary(int shown, List<Decided> decided, Histogram latency, Map<String, Object> ingest, double seconds,
                        boolean json) {
        long labelled = 0;
        long right = 0;
        double steps = 0;
        for (Decided d : decided) {
            steps += d.d().stepsUsed();
            if (d.r().label() >= 0) {
                labelled++;
                right += d.r().label() == d.d().predictedClass() ? 1 : 0;
            }
        }
        Double p50 = latency.getTotalCount() == 0 ? null : latency.getValueAtPercentile(50) / 1000.0;
        Double p99 = latency.getTotalCount() == 0 ? null : latency.getValueAtPercentile(99) / 1000.0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recordings", shown);
        m.put("classified", decided.size());
        m.put("accuracy", labelled == 0 ? null : (double) right / labelled);
        m.put("mean_steps", decided.isEmpty() ? null : steps / decided.size());
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("p50", p50);
        lat.put("p90", latency.getTotalCount() == 0 ? null : latency.getValueAtPercentile(90) / 1000.0);
        lat.put("p99", p99);
        lat.put("max", latency.getTotalCount() == 0 ? null : latency.getMaxValue() / 1000.0);
        m.put("latency_ms", lat);
        m.put("seconds", Math.round(seconds * 10) / 10.0);
        m.put("ingest", ingest);
        if (json) {
            JsonOut.print(out, m);
        } else {
            out.printf(Locale.ROOT, "%d of %d recordings classified live in %.1f s; accuracy %s; mean steps %s;"
                            + " latency from the camera's send p50 %s ms, p99 %s ms%n", decided.size(), shown, seconds,
                    labelled == 0 ? "-" : String.format(Locale.ROOT, "%.1f %%", 100.0 * right / labelled),
                    decided.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", steps / decided.size()), p50, p99);
            out.flush();
        }
        return decided.size() == shown ? SpikestreamCli.EXIT_OK : SpikestreamCli.EXIT_FAILURE;
    }

    private static Properties producerProps(String bootstrap) {
        Properties p = ProducerSettings.defaults(bootstrap).toProperties();
        p.put("client.id", "spikestream-ingest");
        return p;
    }

    private static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-live-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }
}
