package io.spikestream.stream.it;

import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.topics.DecisionKey;
import io.spikestream.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Producing packets and reading classifications (read_committed) against a real broker, typed by the topics. */
final class Harness {
    private Harness() {
    }

    static void produce(String bootstrap, Topic<String, byte[]> topic, List<EventPacket> packets) {
        Map<String, Object> pc = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(pc, topic.keySerializer(), topic.valueSerializer())) {
            for (EventPacket e : packets) {
                p.send(new ProducerRecord<>(topic.name(), e.getCameraId(), e.toByteArray()));
            }
            p.flush();
        }
    }

    static KafkaConsumer<DecisionKey, Classification> committedReader(String bootstrap, Topic<DecisionKey, Classification> topic,
                                                               String group) {
        Map<String, Object> cc = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<DecisionKey, Classification> c = new KafkaConsumer<>(cc, topic.keyDeserializer(),
                topic.valueDeserializer());
        c.subscribe(List.of(topic.name()));
        return c;
    }

    /** Polls until {@code expected} classifications arrived, then {@code settle} longer to catch duplicates. */
    static List<Classification> read(KafkaConsumer<DecisionKey, Classification> c, List<Classification> into, int expected,
                                     Duration timeout, Duration settle) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long settleUntil = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(deadline, settleUntil)) {
            for (ConsumerRecord<DecisionKey, Classification> r : c.poll(Duration.ofMillis(100))) {
                into.add(r.value());
            }
            if (into.size() >= expected && settleUntil == Long.MAX_VALUE) {
                settleUntil = System.nanoTime() + settle.toNanos();
            }
        }
        return new ArrayList<>(into);
    }
}
