package io.spikestream.simulator.bench;

import io.spikestream.events.PacketCodec;
import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.proto.v1.ExitReason;
import io.spikestream.simulator.WallClock;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A stand-in for the stream app with known behaviour: one decision per sample at its end-of-sample
 * packet, predicting the label when the sample's index (from its id) is even and label+1 otherwise,
 * with steps = 1 + index % maxSteps. It can stall once for a known time, like a GC pause or a
 * rebalance in the real app.
 */
final class FakeClassifier implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    private volatile long stallAtNs = Long.MAX_VALUE;
    private volatile long stallMs;

    FakeClassifier(String bootstrap, int maxSteps, int classes) {
        Properties c = new Properties();
        c.put("bootstrap.servers", bootstrap);
        c.put("group.id", "fake-classifier");
        c.put("auto.offset.reset", "earliest");
        c.put("key.deserializer", StringDeserializer.class.getName());
        c.put("value.deserializer", ByteArrayDeserializer.class.getName());
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("linger.ms", "0");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p);
        consumer.subscribe(List.of("dvs-events"));
        thread = new Thread(() -> {
            Map<String, Long> episodeStart = new HashMap<>();
            Map<String, Long> episodes = new HashMap<>();
            try (consumer; producer) {
                while (!stop.get()) {
                    for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(10))) {
                        if (WallClock.nowNs() >= stallAtNs) {
                            stallAtNs = Long.MAX_VALUE;
                            Thread.sleep(stallMs);
                        }
                        EventPacket pkt = PacketCodec.parse(rec.value());
                        if (pkt.getReplay().getStartOfSample()) {
                            episodeStart.put(rec.key(), pkt.getTBaseUs());
                        }
                        if (!pkt.getReplay().getEndOfSample()) {
                            continue;
                        }
                        String id = pkt.getReplay().getSampleId();
                        int index = Integer.parseInt(id.substring(id.lastIndexOf('/') + 1, id.indexOf('.')));
                        int label = pkt.getReplay().getLabel();
                        long last = PacketCodec.decode(pkt).t((int) pkt.getEventCount() - 1);
                        Classification out = Classification.newBuilder()
                                .setCameraId(rec.key()).setSampleId(id)
                                .setEpisode(episodes.merge(rec.key(), 1L, Long::sum) - 1)
                                .setPredictedClass(index % 2 == 0 ? label : (label + 1) % classes)
                                .setStepsUsed(1 + index % maxSteps).setMaxSteps(maxSteps)
                                .setExitReason(ExitReason.EXIT_REASON_END_OF_SAMPLE)
                                .setLabel(label)
                                .setEpisodeStartUs(episodeStart.getOrDefault(rec.key(), pkt.getTBaseUs()))
                                .setDecisionEventTimeUs(last + 1)
                                .setDecidingPacketIntendedSendNs(pkt.getReplay().getIntendedSendTimeNs())
                                .setEmittedAtNs(WallClock.nowNs())
                                .build();
                        producer.send(new ProducerRecord<>("classifications", rec.key(), out.toByteArray()));
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
