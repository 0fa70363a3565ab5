package io.spikestream.jmh;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.PacketCodec;
import io.spikestream.events.ReplayMetadata;
import io.spikestream.events.dataset.Dataset;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.events.dataset.Sample;
import io.spikestream.events.io.Recordings;
import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.stream.AppConfig;
import io.spikestream.stream.ClassifierApp;
import io.spikestream.stream.ClassifierTopology;
import io.spikestream.stream.metrics.StreamMetrics;
import io.spikestream.stream.processor.EpisodeRunner;
import io.spikestream.stream.processor.PacketInfo;
import io.spikestream.stream.state.CameraState;
import io.spikestream.topics.DecisionKey;
import io.spikestream.topics.Topic;
import io.spikestream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Maximum sustained throughput of one stream-app instance with the N-MNIST checkpoint: a backlog of
 * replayed N-MNIST recordings (packets of 250 events, 8 cameras, sample boundaries marked) waits in the
 * input topic of the embedded broker; the app (exactly-once, {@code threads} stream threads) starts, and
 * the drain rate from RUNNING to the last classification read (read_committed) is the events/s it can
 * sustain. Printed per iteration with the step compute-time percentiles; JMH's own score is the whole
 * iteration (start-up included). {@code computeOnly} runs the same packets through the episode logic
 * without Kafka: the compute bound.
 *
 * <p>Run: {@code benchmarks/jmh -f 1 -wi 0 -i 3 StreamAppBenchmark} (needs ../shared/data/nmnist-small and
 * {@code -p model=CKPT}, default models/nmnist-bntt.ckpt).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class StreamAppBenchmark {
    static final int CAMERAS = 8;

    @Param({"models/nmnist-bntt.ckpt"})
    public String model;

    @Param({"200"})
    public int samples;

    @Param({"2"})
    public int threads;

    @Param({"sparse"})
    public String engine;

    private EmbeddedKafkaBroker broker;
    private BnntModel bnnt;
    private final List<EventPacket> packets = new ArrayList<>();
    private long events;
    private int iteration;
    private Topics topics;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path ckpt = Path.of(model);
        if (!Files.exists(ckpt)) {
            ckpt = Path.of("..").resolve(model);
        }
        bnnt = CheckpointCodec.read(ckpt);
        // benchmarks/jmh runs from the repository root; ../shared holds the recordings (never copied in)
        Path shared = Path.of(System.getProperty("spikestream.shared", "../shared"));
        Dataset data = Dataset.open(shared.resolve("data/nmnist-small/Train"), DatasetKind.NMNIST);
        List<Sample> all = data.samples();
        long[] seq = new long[CAMERAS];
        for (int k = 0; k < samples; k++) {
            Sample s = all.get((int) ((long) k * all.size() / samples));
            EventBatch e = Recordings.readAll(s.path());
            events += e.size();
            int cam = k % CAMERAS;
            for (int i = 0, p = 0; i < e.size(); i += 250, p++) {
                int end = Math.min(e.size(), i + 250);
                packets.add(PacketCodec.packet("cam" + cam, seq[cam]++, e.slice(i, end),
                        ReplayMetadata.of(s.id(), true, s.label(), i == 0, end == e.size(), 0, 0)));
            }
        }
        broker = EmbeddedKafkaBroker.start();
        System.out.printf("%n%d recordings, %d events, %d packets; model %s (%s, T=%d)%n", samples, events,
                packets.size(), bnnt.modelId(), bnnt.spec().framing().describe(), bnnt.spec().timesteps());
    }

    @Setup(Level.Iteration)
    public void preload() {
        ++iteration;
        topics = Topics.named("bench-in-" + iteration, "bench-out-" + iteration, "bench-dlq-" + iteration);
        broker.createTopic(topics.events().name(), CAMERAS);
        // created up front: a reader subscribed to a missing topic waits a metadata refresh (5 min) to see it
        broker.createTopic(topics.classifications().name(), 1);
        broker.createTopic(topics.deadLetters().name(), 1);
        Map<String, Object> pc = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        Topic<String, byte[]> in = topics.events();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(pc, in.keySerializer(), in.valueSerializer())) {
            for (EventPacket e : packets) {
                p.send(new ProducerRecord<>(in.name(), e.getCameraId(), e.toByteArray()));
            }
            p.flush();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        broker.close();
    }

    @Benchmark
    public long drainBacklog() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AppConfig config = AppConfig.defaults(broker.bootstrapServers()).withApplicationId("bench-" + iteration)
                .withTopics(topics).withThreads(threads)
                .withIdleGrace(Duration.ofMinutes(10))
                .withEngine(engine.equals("dense") ? AppConfig.EngineKind.DENSE : AppConfig.EngineKind.SPARSE)
                .withStateDir(Files.createTempDirectory("bench-state"));
        Map<String, Object> cc = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + iteration, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long read = 0;
        try (ClassifierApp app = ClassifierApp.start(config, bnnt, registry);
             KafkaConsumer<DecisionKey, Classification> c = new KafkaConsumer<>(cc, topics.classifications().keyDeserializer(),
                     topics.classifications().valueDeserializer())) {
            c.subscribe(List.of(topics.classifications().name()));
            if (!app.awaitRunning(Duration.ofMinutes(2))) {
                throw new IllegalStateException("app did not reach RUNNING: " + app.state());
            }
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
            while (read < samples && System.nanoTime() < deadline) {
                read += c.poll(Duration.ofMillis(50)).count();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            Timer step = registry.get("spikestream.step.compute").timer();
            StringBuilder pct = new StringBuilder();
            for (ValueAtPercentile v : step.takeSnapshot().percentileValues()) {
                pct.append(String.format(" p%s=%.0fus", trim(v.percentile() * 100), v.value(TimeUnit.MICROSECONDS)));
            }
            System.out.printf("%ndrain: %d classifications in %.2f s = %.0f events/s (%.1f samples/s), %d threads; "
                            + "steps %d, step compute mean %.0f us%s, max %.0f us%n", read, s, events / s, read / s, threads,
                    step.count(), step.mean(TimeUnit.MICROSECONDS), pct, step.max(TimeUnit.MICROSECONDS));
        }
        if (read < samples) {
            throw new IllegalStateException("only " + read + " of " + samples + " classifications");
        }
        return read;
    }

    @Benchmark
    public long computeOnly() {
        StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry());
        AppConfig config = AppConfig.defaults("unused").withEngine(engine.equals("dense") ? AppConfig.EngineKind.DENSE
                : AppConfig.EngineKind.SPARSE);
        EpisodeRunner runner = new EpisodeRunner(bnnt, ClassifierTopology.engine(config, bnnt),
                ClassifierTopology.exitPolicy(config, bnnt), metrics, () -> 0L, System::nanoTime, CAMERAS);
        CameraState[] states = new CameraState[CAMERAS];
        for (int i = 0; i < CAMERAS; i++) {
            states[i] = new CameraState(bnnt.spec().framing().sensor());
        }
        EventBuffer buf = new EventBuffer(bnnt.spec().framing().sensor(), 1024);
        long[] out = {0};
        long t0 = System.nanoTime();
        for (EventPacket p : packets) {
            buf.clear();
            PacketCodec.decodeInto(p, buf);
            int cam = p.getCameraId().charAt(3) - '0';
            runner.onPacket(p.getCameraId(), states[cam], buf, PacketInfo.of(PacketCodec.replayOf(p)), c -> out[0]++);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%ncompute only: %d classifications, %.0f events/s on one thread%n", out[0], events / s);
        return out[0];
    }

    private static String trim(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }
}
