package io.spikestream.ingest;

import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.PacketCodec;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.topics.Topic;
import io.spikestream.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/** One real in-process KRaft broker for all of this module's tests, and what they do with it. */
final class Kafka {
    private static EmbeddedKafkaBroker broker;
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private Kafka() {
    }

    static synchronized EmbeddedKafkaBroker broker() {
        if (broker == null) {
            broker = EmbeddedKafkaBroker.start();
        }
        return broker;
    }

    static String bootstrap() {
        return broker().bootstrapServers();
    }

    /** A fresh topic of {@code partitions} partitions. */
    static String topic(String prefix, int partitions) {
        String name = prefix + "-" + TOPICS.incrementAndGet();
        broker().createTopic(name, partitions);
        return name;
    }

    /** A producer as the CLI builds it (acks=all, idempotent, linger 1 ms), with {@code extra} over it. */
    static KafkaProducer<String, byte[]> producer(Map<String, Object> extra) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        p.putAll(extra);
        Topic<String, byte[]> events = Topics.defaults().events(); // the tests' topics differ in name only
        return new KafkaProducer<>(p, events.keySerializer(), events.valueSerializer());
    }

    /** Every EventPacket on {@code topic} (read from the start until {@code total} events arrived or the timeout), by camera. */
    static Map<String, List<EventPacket>> packets(String topic, long total, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, List<EventPacket>> out = new HashMap<>();
        long events = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        Topic<String, byte[]> t = Topics.events(topic);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, t.keyDeserializer(), t.valueDeserializer())) {
            c.subscribe(List.of(t.name()));
            while (events < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    EventPacket e = PacketCodec.parse(r.value());
                    if (!r.key().equals(e.getCameraId())) {
                        throw new AssertionError("record key " + r.key() + " differs from camera_id " + e.getCameraId());
                    }
                    out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(e);
                    events += e.getEventCount();
                }
            }
        }
        return out;
    }

    /** The events of one camera's packets, in order. */
    static EventBatch events(List<EventPacket> packets) {
        EventBuffer all = new EventBuffer(PacketCodec.geometryOf(packets.get(0)), 1024);
        for (EventPacket e : packets) {
            PacketCodec.decodeInto(e, all);
        }
        return all.toBatch();
    }

    /** Free UDP port for a source to bind (found by binding and releasing it). */
    static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> props(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
