package io.spikestream.bench;

import io.spikestream.events.PacketCodec;
import io.spikestream.events.ReplayMetadata;
import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.replay.WallClock;
import io.spikestream.snn.exit.ExitDecision;
import io.spikestream.topics.ClassificationMapper;
import io.spikestream.topics.Decision;
import io.spikestream.topics.DecisionKey;
import io.spikestream.topics.StageTimes;
import io.spikestream.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A stand-in for the stream app with known behaviour: one decision per sample at its end-of-sample
 * packet, predicting the label when the sample's index (from its id) is even and label+1 otherwise,
 * with steps = 1 + index % maxSteps, keyed (camera, episode), with every stage time filled in. It can
 * stall once for a known time, like a GC pause or a rebalance in the real app, and send each decision
 * again, as at-least-once does after a crash, or send another decision under the same key (a conflict).
 */
final class FakeClassifier implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    private volatile long stallAtNs = Long.MAX_VALUE;
    private volatile long stallMs;
    private volatile boolean repeat;
    private volatile boolean conflictOnIndexZeroModFive;

    FakeClassifier(String bootstrap, int maxSteps, int classes) {
        Properties c = new Properties();
        c.put("bootstrap.servers", bootstrap);
        c.put("group.id", "fake-classifier");
        c.put("auto.offset.reset", "earliest");
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("linger.ms", "0");
        Topics topics = Topics.defaults();
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, topics.events().keyDeserializer(),
                topics.events().valueDeserializer());
        KafkaProducer<DecisionKey, Classification> producer = new KafkaProducer<>(p,
                topics.classifications().keySerializer(), topics.classifications().valueSerializer());
        consumer.subscribe(List.of(topics.events().name()));
        thread = new Thread(() -> {
            Map<String, Long> episodeStart = new HashMap<>();
            Map<String, Long> episodes = new HashMap<>();
            try (consumer; producer) {
                while (!stop.get()) {
                    for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(10))) {
                        long polled = WallClock.nowNs();
                        if (WallClock.nowNs() >= stallAtNs) {
                            stallAtNs = Long.MAX_VALUE;
                            Thread.sleep(stallMs);
                        }
                        EventPacket pkt = PacketCodec.parse(rec.value());
                        ReplayMetadata replay = PacketCodec.replayOf(pkt);
                        var events = PacketCodec.decode(pkt);
                        if (replay.start()) {
                            episodeStart.put(rec.key(), events.size() > 0 ? events.t(0) : 0L);
                        }
                        if (!replay.end()) {
                            continue;
                        }
                        String id = replay.sampleId();
                        int index = Integer.parseInt(id.substring(id.lastIndexOf('/') + 1, id.indexOf('.')));
                        int label = replay.label();
                        long last = events.t(events.size() - 1);
                        Decision out = Decision.builder()
                                .cameraId(rec.key()).sampleId(id)
                                .episode(episodes.merge(rec.key(), 1L, Long::sum) - 1)
                                .predictedClass(index % 2 == 0 ? label : (label + 1) % classes)
                                .stepsUsed(1 + index % maxSteps).maxSteps(maxSteps)
                                .exit(ExitDecision.END_OF_SAMPLE)
                                .label(label)
                                .episodeStartUs(episodeStart.getOrDefault(rec.key(), events.size() > 0 ? events.t(0) : 0L))
                                .decisionEventTimeUs(last + 1)
                                .decidingPacketIntendedSendNs(replay.intendedNs())
                                .stages(new StageTimes(replay.actualNs(), rec.timestamp(), polled, WallClock.nowNs()))
                                .emittedAtNs(WallClock.nowNs())
                                .build();
                        send(producer, topics, out);
                        if (repeat) {
                            send(producer, topics, out.toBuilder().emittedAtNs(WallClock.nowNs()).build());
                        }
                        if (conflictOnIndexZeroModFive && index % 5 == 0) {
                            send(producer, topics, out.toBuilder().predictedClass((out.predictedClass() + 1) % classes).build());
                        }
                    }
                    producer.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fake-classifier");
        thread.setDaemon(true);
        thread.start();
    }

    private static void send(KafkaProducer<DecisionKey, Classification> producer, Topics topics, Decision d) {
        producer.send(new ProducerRecord<>(topics.classifications().name(), d.key(), ClassificationMapper.toProto(d)));
    }

    /** Sends every decision twice from now on, the second time as a crashed at-least-once app would. */
    void repeatDecisions() {
        repeat = true;
    }

    /** From now on, sends a second, different decision under the key of every fifth sample's. */
    void conflictingDecisions() {
        conflictOnIndexZeroModFive = true;
    }

    /** Stalls once for {@code ms} at the first record handled at or after {@code atNs} (epoch ns). */
    void stallOnce(long atNs, long ms) {
        stallMs = ms;
        stallAtNs = atNs;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(10_000);
    }
}
