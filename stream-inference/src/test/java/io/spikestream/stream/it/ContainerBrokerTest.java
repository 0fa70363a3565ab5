package io.spikestream.stream.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikestream.events.testing.SharedData;
import io.spikestream.topics.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The replayed-recordings check of {@link ReplayedRecordingsTest} against the official apache/kafka
 * image (same Kafka version as the embedded broker) through Testcontainers; skipped when no Docker
 * engine is reachable.
 */
class ContainerBrokerTest {
    static final String IMAGE = "apache/kafka:4.1.1";

    @Test
    void nmnistRecordingsOnTheApacheKafkaImage(@TempDir Path tmp) throws Exception {
        SharedData.require("data/nmnist-small/Train");
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        assumeTrue(docker, "skipped: no Docker engine reachable, so no " + IMAGE + " container (the embedded-broker test covers the same check)");
        try (KafkaContainer kafka = new KafkaContainer(IMAGE)) {
            kafka.start();
            Topics topics = ReplayedRecordingsTest.topics();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(topics.events().name(), 3, (short) 1),
                        new NewTopic(topics.classifications().name(), 1, (short) 1),
                        new NewTopic(topics.deadLetters().name(), 1, (short) 1))).all().get();
            }
            ReplayedRecordingsTest.classifyRecordings(kafka.getBootstrapServers(), topics, tmp);
        }
    }
}
