package io.spikestream.bench;

import io.spikestream.proto.v1.Classification;
import io.spikestream.replay.ReplayConfig;
import io.spikestream.replay.ReplayListener;
import io.spikestream.replay.ReplayResult;
import io.spikestream.replay.Replayer;
import io.spikestream.replay.SampleRef;
import io.spikestream.replay.WallClock;
import io.spikestream.topics.ClassificationMapper;
import io.spikestream.topics.Decision;
import io.spikestream.topics.DecisionKey;
import io.spikestream.topics.Topic;
import io.spikestream.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.record.TimestampType;

/**
 * The latency bench: for each load, replays the data set with that many cameras onto the input
 * topic of a running stream app, consumes its classifications (read_committed), joins each to the
 * replayed sample, and records decision latency — from the intended send time of the packet that
 * closed the deciding frame (stamped by the open-loop replay) to the moment this consumer reads
 * the decision — so stalls anywhere downstream show up in the high percentiles instead of being
 * hidden by a sender that waits — and splits it into {@link Stage}s. Decisions are deduplicated on their
 * key (camera, episode); after each load every decision can be checked against the offline path
 * ({@link OfflineCheck}). Topics the bench creates take the broker's append time as record timestamps, so
 * the stages can be split at the broker. Library entry point for {@code bench} and {@code demo}.
 */
public final class LatencyBench {
    private static final Duration POLL = Duration.ofMillis(20);
    /** After the last expected decision, listen this long more for duplicates. */
    private static final long DUPLICATE_GRACE_NS = 1_000_000_000L;

    private LatencyBench() {
    }

    public static BenchResult run(BenchConfig config, BenchListener listener) throws InterruptedException {
        String startedAt = Instant.now().toString();
        long t0 = System.nanoTime();
        Map<String, String> timestampTypes = ensureTopics(config);
        String runId = UUID.randomUUID().toString().substring(0, 8);
        List<LoadResult> rows = new ArrayList<>();
        for (int i = 0; i < config.loads().size(); i++) {
            int cameras = config.loads().get(i);
            listener.message(String.format(Locale.ROOT, "load %d/%d: %d camera%s", i + 1, config.loads().size(),
                    cameras, cameras == 1 ? "" : "s"));
            String prefix = "bench-" + runId + "-n" + cameras;
            if (!config.warmup().isZero()) {
                // warm the JIT, caches and the pipeline at this load, then let it drain, so that the measured
                // run starts from a steady, empty system rather than from a cold start's backlog
                ReplayConfig warm = config.replay().withCameras(cameras).withCameraPrefix(prefix + "-warm")
                        .withDuration(config.warmup());
                listener.message(String.format(Locale.ROOT, "warm-up: %.1f s", config.warmup().toMillis() / 1000.0));
                LoadResult w = runLoad(config, warm, listener);
                listener.message(String.format(Locale.ROOT, "warm-up done: %d of %d samples classified; measuring",
                        w.classified(), w.expected()));
            }
            ReplayConfig replay = config.replay().withCameras(cameras).withCameraPrefix(prefix + "-cam");
            rows.add(runLoad(config, replay, listener));
        }
        Integer knee = config.sweep() ? BenchResult.knee(rows, config.p99BoundMs()) : null;
        if (!config.sweep() && BenchResult.knee(rows, config.p99BoundMs()) != null) {
            knee = rows.get(0).cameras();
        }
        return new BenchResult(config, rows, knee, MachineInfo.describe(), startedAt, (System.nanoTime() - t0) / 1e9,
                timestampTypes);
    }

    private static final long REPORT_EVERY_NS = 1_000_000_000L;

    private static LoadResult runLoad(BenchConfig config, ReplayConfig replay, BenchListener listener)
            throws InterruptedException {
        ClassificationTracker tracker = new ClassificationTracker(config.model().maxSteps(), 0);
        String prefix = replay.cameraPrefix();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> consumerError = new AtomicReference<>();
        AtomicLong lastRecordNs = new AtomicLong(System.nanoTime());
        Topic<DecisionKey, Classification> topic = config.classifications();
        try (KafkaConsumer<DecisionKey, Classification> consumer = new KafkaConsumer<>(consumerProperties(config),
                topic.keyDeserializer(), topic.valueDeserializer())) {
            List<TopicPartition> parts = partitions(consumer, topic.name());
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            for (TopicPartition tp : parts) {
                consumer.position(tp); // resolve the seek now: nothing after this point is missed
            }
            Thread poller = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        ConsumerRecords<DecisionKey, Classification> recs = consumer.poll(POLL);
                        long now = WallClock.nowNs();
                        for (ConsumerRecord<DecisionKey, Classification> rec : recs) {
                            if (rec.key() == null || !rec.key().cameraId().startsWith(prefix)) {
                                continue; // another run's or a live camera's decision
                            }
                            String where = rec.topic() + "-" + rec.partition() + "@" + rec.offset();
                            Decision d;
                            try {
                                d = ClassificationMapper.fromProto(rec.value());
                            } catch (RuntimeException e) {
                                throw new IllegalStateException("unreadable classification at " + where + ": "
                                        + e.getMessage(), e);
                            }
                            long appendMs = rec.timestampType() == TimestampType.LOG_APPEND_TIME ? rec.timestamp() : 0;
                            tracker.record(d, appendMs, now, where);
                            lastRecordNs.set(System.nanoTime());
                        }
                    }
                } catch (Throwable e) {
                    consumerError.compareAndSet(null, e);
                }
            }, "bench-consumer");
            poller.setDaemon(true);
            poller.start();
            try {
                ReplayResult rr = Replayer.run(replay, config.source(), config.producer(), new ReplayListener() {
                    @Override
                    public void sampleStarted(String cameraId, SampleRef sample, long intendedNs) {
                        tracker.started(cameraId, sample);
                    }

                    @Override
                    public void progress(long packets, long events, double seconds, double behindMs) {
                        listener.progress(replay.cameras(), packets, events, seconds, behindMs,
                                tracker.classified(), tracker.expected());
                        listener.decisions(tracker.live(replay.cameras()));
                        failIfConsumerFailed(consumerError);
                    }
                });
                listener.message(String.format(Locale.ROOT, "replayed %d samples, %d events in %.1f s; draining",
                        rr.samples(), rr.events(), rr.seconds()));
                drain(config, tracker, consumerError, () -> listener.decisions(tracker.live(replay.cameras())));
                ClassificationTracker.Snapshot s = tracker.snapshot();
                OfflineCheck.Result offline = null;
                if (config.offline() != null) {
                    listener.message(String.format(Locale.ROOT, "checking %d decisions against the offline path",
                            s.served().size()));
                    offline = config.offline().check(s.served(), config.source());
                }
                return LoadResult.of(replay.cameras(), rr, s, offline);
            } finally {
                stop.set(true);
                poller.join(10_000);
            }
        }
    }

    private static void drain(BenchConfig config, ClassificationTracker tracker, AtomicReference<Throwable> error,
                              Runnable report) throws InterruptedException {
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        long allSince = -1;
        long nextReport = System.nanoTime() + REPORT_EVERY_NS;
        while (System.nanoTime() < deadline) {
            failIfConsumerFailed(error);
            if (System.nanoTime() >= nextReport) {
                report.run();
                nextReport += REPORT_EVERY_NS;
            }
            if (tracker.classified() >= tracker.expected()) {
                if (allSince < 0) {
                    allSince = System.nanoTime();
                } else if (System.nanoTime() - allSince >= DUPLICATE_GRACE_NS) {
                    return;
                }
            }
            Thread.sleep(20);
        }
    }

    private static void failIfConsumerFailed(AtomicReference<Throwable> error) {
        Throwable e = error.get();
        if (e != null) {
            throw new IllegalStateException("reading classifications failed: " + e.getMessage(), e);
        }
    }

    private static Properties consumerProperties(BenchConfig config) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.producer().bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "spikestream-bench");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        return p;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions");
        }
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    /**
     * Creates the input and classifications topics when they are missing (a fresh external broker), with the
     * broker's append time as record timestamp ({@link Topics#APPEND_TIME}); returns each topic's timestamp type
     * as the broker reports it, for the report.
     */
    private static Map<String, String> ensureTopics(BenchConfig config) throws InterruptedException {
        Properties p = new Properties();
        p.put("bootstrap.servers", config.producer().bootstrapServers());
        p.put("default.api.timeout.ms", "15000");
        p.put("request.timeout.ms", "10000");
        List<String> names = List.of(config.replay().topic().name(), config.classifications().name());
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String t : names) {
                if (!existing.contains(t)) {
                    missing.add(new NewTopic(t, config.partitions(), (short) 1).configs(Topics.APPEND_TIME));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            List<ConfigResource> resources = names.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                    .toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
            Map<String, String> types = new LinkedHashMap<>();
            for (ConfigResource r : resources) {
                ConfigEntry e = configs.get(r).get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
                types.put(r.name(), e == null ? "unknown" : e.value());
            }
            return types;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot reach or prepare topics on " + config.producer().bootstrapServers()
                    + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
