package io.spikestream.stream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.broker.EmbeddedKafkaBroker;
import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.PacketCodec;
import io.spikestream.events.ReplayMetadata;
import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.snn.BnntModel;
import io.spikestream.stream.AppConfig;
import io.spikestream.stream.ClassifierApp;
import io.spikestream.stream.testing.Samples;
import io.spikestream.stream.testing.TestModels;
import io.spikestream.topics.DeadLetterHeaders;
import io.spikestream.topics.DecisionKey;
import io.spikestream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records that the app could not write used to stall their partition for ever (the task failed, was
 * replaced, read the same input and failed again). Here each kind of such input goes through a real
 * broker while a well-behaved camera sends too: the app must dead-letter or bound what it cannot write
 * and keep classifying, with no stream thread failing. The producer's max.request.size is set to
 * 64 KiB so that the records stay small; the checks are the same at Kafka's default 1 MiB.
 */
class OversizedRecordsTest {
    private static final int LIMIT = 65_536;
    private static final Duration WAIT = Duration.ofSeconds(45);

    @Test
    void inputsWhoseOutputWouldBeTooLargeAreDeadLetteredAndTheAppMovesOn(@TempDir Path tmp) throws Exception {
        BnntModel model = TestModels.tiny();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Topics topics = Topics.defaults();
            broker.createTopic(topics.events().name(), 1);
            broker.createTopic(topics.classifications().name(), 1);
            broker.createTopic(topics.deadLetters().name(), 1);
            AppConfig config = config(broker, tmp, "oversized");
            List<ProducerRecord<String, byte[]>> input = new ArrayList<>();
            // 1. garbage whose dead-letter copy (value plus headers) would exceed the limit
            byte[] garbage = new byte[LIMIT - 200];
            Arrays.fill(garbage, (byte) 0xFF);
            input.add(new ProducerRecord<>(topics.events().name(), "garbage", garbage));
            // 2. a valid packet from a camera whose id alone makes every record about it too large
            String hugeId = "k".repeat(600_000);
            EventBatch small = Samples.random(TestModels.SENSOR, 200, 0, 3_000, 1);
            for (EventPacket p : Samples.packets("", 0, "huge/s", 1, small, 200, 0)) {
                input.add(new ProducerRecord<>(topics.events().name(), hugeId, p.toByteArray()));
            }
            // 3. eight valid packets of one 1 ms frame: the open frame's events outgrow a state record
            for (EventPacket p : densePackets("dense", 8, 4_000)) {
                input.add(new ProducerRecord<>(topics.events().name(), "dense", p.toByteArray()));
            }
            // 4. a well-behaved camera after all of them
            for (EventPacket p : Samples.packets("ok", 0, "ok/s", 2, Samples.random(TestModels.SENSOR, 300, 0, 4_000, 2),
                    60, 0)) {
                input.add(new ProducerRecord<>(topics.events().name(), "ok", p.toByteArray()));
            }
            send(broker.bootstrapServers(), input);

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (ClassifierApp app = ClassifierApp.start(config, model, registry);
                 KafkaConsumer<DecisionKey, Classification> out = Harness.committedReader(broker.bootstrapServers(),
                         topics.classifications(), "check-out");
                 KafkaConsumer<String, byte[]> dlq = deadLetterReader(broker.bootstrapServers(), topics)) {
                List<Classification> got = Harness.read(out, new ArrayList<>(), 2, WAIT, Duration.ofMillis(500));
                assertThat(got).extracting(Classification::getCameraId).as("the app moved on past the bad records")
                        .containsExactlyInAnyOrder("dense", "ok");
                Map<String, List<ConsumerRecord<String, byte[]>>> dead = readDeadLetters(dlq, 3);
                assertThat(app.threadFailures()).as("no stream thread failed").isZero();
                assertThat(app.state().isRunningOrRebalancing()).isTrue();

                ConsumerRecord<String, byte[]> g = dead.get("garbage").get(0);
                assertThat(header(g, DeadLetterHeaders.KIND)).isEqualTo("unparseable");
                assertThat(header(g, DeadLetterHeaders.TRUNCATED)).isEqualTo("value");
                assertThat(header(g, DeadLetterHeaders.ORIGINAL_VALUE_BYTES)).isEqualTo(Integer.toString(garbage.length));
                assertThat(g.value()).isEqualTo(Arrays.copyOf(garbage, g.value().length));

                ConsumerRecord<String, byte[]> h = dead.get("k".repeat(256)).get(0);
                assertThat(header(h, DeadLetterHeaders.KIND)).isEqualTo("oversized");
                assertThat(header(h, DeadLetterHeaders.REASON)).contains("600000 bytes").contains("limit is 256");
                assertThat(header(h, DeadLetterHeaders.ORIGINAL_KEY_BYTES)).isEqualTo("600000");

                List<ConsumerRecord<String, byte[]>> d = dead.get("dense");
                assertThat(d).isNotEmpty().allSatisfy(r -> {
                    assertThat(header(r, DeadLetterHeaders.KIND)).isEqualTo("oversized");
                    assertThat(header(r, DeadLetterHeaders.REASON)).contains("stored state");
                });
                assertThat(d.size()).as("some dense packets were kept").isLessThan(8);
                for (List<ConsumerRecord<String, byte[]>> rs : dead.values()) {
                    for (ConsumerRecord<String, byte[]> r : rs) {
                        assertThat(kafkaSize(r)).isLessThanOrEqualTo(LIMIT);
                    }
                }
                Classification dense = got.stream().filter(c -> c.getCameraId().equals("dense")).findFirst().orElseThrow();
                assertThat(dense.getEventsUsed()).isEqualTo((8L - d.size()) * 4_000);
            }
        }
    }

    /**
     * A record that passes the app's checks but that the broker refuses (here a classifications topic
     * that accepts only small messages): the production exception handler notes its input, the
     * transaction is aborted, and the input goes to the dead letters when it comes back.
     */
    @Test
    void anOutputTheBrokerRefusesSendsItsInputToTheDeadLettersOnce(@TempDir Path tmp) throws Exception {
        BnntModel model = TestModels.tiny();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Topics topics = Topics.defaults();
            broker.createTopic(topics.events().name(), 1);
            broker.admin().createTopics(List.of(new NewTopic(topics.classifications().name(), 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "400")))).all().get();
            broker.createTopic(topics.deadLetters().name(), 1);
            String longId = "L".repeat(250); // within the id limit, but its classification is over 400 bytes
            EventBatch sample = Samples.random(TestModels.SENSOR, 200, 0, 3_000, 3);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (ClassifierApp app = ClassifierApp.start(config(broker, tmp, "refused"), model, registry);
                 KafkaConsumer<DecisionKey, Classification> out = Harness.committedReader(broker.bootstrapServers(),
                         topics.classifications(), "check-out");
                 KafkaConsumer<String, byte[]> dlq = deadLetterReader(broker.bootstrapServers(), topics)) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                List<ProducerRecord<String, byte[]>> first = new ArrayList<>();
                for (EventPacket p : Samples.packets(longId, 0, "long/s", 1, sample, 200, 0)) {
                    first.add(new ProducerRecord<>(topics.events().name(), longId, p.toByteArray()));
                }
                send(broker.bootstrapServers(), first);
                Map<String, List<ConsumerRecord<String, byte[]>>> dead = readDeadLetters(dlq, 1);
                ConsumerRecord<String, byte[]> r = dead.get(longId).get(0);
                assertThat(header(r, DeadLetterHeaders.KIND)).isEqualTo("unwritable");
                assertThat(header(r, DeadLetterHeaders.REASON)).contains("record to " + topics.classifications().name()
                        + " was refused");

                List<ProducerRecord<String, byte[]>> then = new ArrayList<>();
                for (EventPacket p : Samples.packets("ok", 0, "ok/s", 1, sample, 200, 0)) {
                    then.add(new ProducerRecord<>(topics.events().name(), "ok", p.toByteArray()));
                }
                send(broker.bootstrapServers(), then);
                List<Classification> got = Harness.read(out, new ArrayList<>(), 1, WAIT, Duration.ofMillis(500));
                assertThat(got).extracting(Classification::getCameraId).containsExactly("ok");
                assertThat(registry.get("spikestream.records.unwritable").tag("topic", topics.classifications().name())
                        .counter().count()).isPositive();
                assertThat(app.state().isRunningOrRebalancing()).isTrue();
                // the aborted transaction fails the stream thread once; it is replaced and does not fail again
                assertThat(app.threadFailures()).isLessThanOrEqualTo(1);
            }
        }
    }

    static AppConfig config(EmbeddedKafkaBroker broker, Path tmp, String id) {
        Map<String, String> kafka = new HashMap<>();
        kafka.put("commit.interval.ms", "100");
        kafka.put("producer.max.request.size", Integer.toString(LIMIT));
        // the broker's smallest session timeout: a replaced stream thread's partitions move on sooner
        kafka.put("main.consumer.session.timeout.ms", "6000");
        return AppConfig.defaults(broker.bootstrapServers()).withApplicationId(id).withStateDir(tmp.resolve(id))
                .withIdleGrace(Duration.ofMinutes(10)).withKafkaProperties(kafka);
    }

    /** {@code count} packets of {@code perPacket} events, all inside the first 1 ms frame, then the end of the sample. */
    static List<EventPacket> densePackets(String camera, int count, int perPacket) {
        SplittableRandom r = new SplittableRandom(9);
        List<EventPacket> out = new ArrayList<>();
        long t = 0;
        for (int p = 0; p < count; p++) {
            EventBuffer b = new EventBuffer(TestModels.SENSOR, perPacket);
            for (int i = 0; i < perPacket; i++) {
                b.add(r.nextInt(16), r.nextInt(16), r.nextBoolean(), t);
                t += i % 40 == 39 ? 1 : 0;
            }
            out.add(PacketCodec.packet(camera, p, b.toBatch(), ReplayMetadata.of("dense/s", true, 0, p == 0, p == count - 1,
                    p, p)));
        }
        return out;
    }

    private static void send(String bootstrap, List<ProducerRecord<String, byte[]>> records) {
        Map<String, Object> pc = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 << 20, ProducerConfig.LINGER_MS_CONFIG, 5);
        Topics topics = Topics.defaults();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(pc, topics.events().keySerializer(),
                topics.events().valueSerializer())) {
            for (ProducerRecord<String, byte[]> r : records) {
                p.send(r);
            }
            p.flush();
        }
    }

    private static KafkaConsumer<String, byte[]> deadLetterReader(String bootstrap, Topics topics) {
        Map<String, Object> cc = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "check-dlq", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cc, new StringDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topics.deadLetters().name()));
        return c;
    }

    /** Dead letters by key until {@code keys} different keys arrived, then half a second more. */
    private static Map<String, List<ConsumerRecord<String, byte[]>>> readDeadLetters(KafkaConsumer<String, byte[]> c,
                                                                                     int keys) {
        Map<String, List<ConsumerRecord<String, byte[]>>> byKey = new HashMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        long settle = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(deadline, settle)) {
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
            }
            if (byKey.size() >= keys && settle == Long.MAX_VALUE) {
                settle = System.nanoTime() + 500_000_000L;
            }
        }
        assertThat(byKey.size()).as("dead letters by key: %s", byKey.keySet()).isGreaterThanOrEqualTo(keys);
        return byKey;
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        return DeadLetterHeaders.header(r.headers(), name);
    }

    private static int kafkaSize(ConsumerRecord<String, byte[]> r) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
                r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value(), r.headers().toArray());
    }
}
