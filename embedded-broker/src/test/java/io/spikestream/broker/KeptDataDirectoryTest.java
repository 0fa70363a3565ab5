package io.spikestream.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker on a kept data directory comes back on the same address with its topics and records. */
class KeptDataDirectoryTest {

    @Test
    void aRestartedBrokerKeepsItsAddressTopicsAndRecords(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("broker-data");
        String address;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, 0, Map.of())) {
            address = broker.bootstrapServers();
            broker.createTopic("t", 2);
            Map<String, Object> pc = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, address,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kept-tx");
            try (KafkaProducer<String, String> p = new KafkaProducer<>(pc, new StringSerializer(), new StringSerializer())) {
                p.initTransactions();
                p.beginTransaction();
                p.send(new ProducerRecord<>("t", "cam", "before restart"));
                p.commitTransaction();
            }
            // the directory is in use: a second broker on it is refused with the reason
            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(data, 0, Map.of()))
                    .hasMessageContaining("is in use by another broker").hasMessageContaining(data.toAbsolutePath().toString());
        }
        assertThat(data.resolve(EmbeddedKafkaBroker.STATE_FILE)).isRegularFile();
        assertThat(Files.list(data.resolve(EmbeddedKafkaBroker.LOG_DIR)).map(p -> p.getFileName().toString()))
                .contains("t-0", "t-1");
        try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.start(data, 0, Map.of())) {
            assertThat(again.bootstrapServers()).isEqualTo(address);
            assertThat(again.admin().listTopics().names().get()).contains("t");
            Map<String, Object> cc = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, address,
                    ConsumerConfig.GROUP_ID_CONFIG, "g", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            List<String> got = new ArrayList<>();
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(cc, new StringDeserializer(), new StringDeserializer())) {
                c.subscribe(List.of("t"));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (got.isEmpty() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                        got.add(r.value());
                    }
                }
            }
            assertThat(got).containsExactly("before restart");
        }
        assertThat(data).isDirectory();
    }

    @Test
    void aGivenPortIsUsedAndABusyOneIsNamed(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("a"), port, Map.of())) {
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(dir.resolve("b"), port, Map.of()))
                    .hasMessageContaining("client port 127.0.0.1:" + port + " is in use");
        }
    }
}
