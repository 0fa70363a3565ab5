package io.spikestream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikestream.events.EventBatch;
import io.spikestream.events.PacketCodec;
import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.EventPacket;
import io.spikestream.stream.metrics.StreamMetrics;
import io.spikestream.stream.testing.Samples;
import io.spikestream.stream.testing.TestModels;
import io.spikestream.topics.DecisionKey;
import io.spikestream.topics.Topic;
import io.spikestream.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A live camera that goes quiet sends heartbeats: packets with no events, only a watermark. They are
 * valid input (no dead letter), and, carrying no events, they do not count as activity for the idle
 * grace period, so a quiet camera's partial frame still closes on time.
 */
class HeartbeatPacketTest {
    private TopologyTestDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void heartbeatsAreNotDeadLetteredAndDoNotPostponeTheIdleClose() {
        AppConfig config = AppConfig.defaults("unused:9092").withExit(new AppConfig.ExitOverrides(0.01f, null, null, false))
                .withIdleGrace(Duration.ofMillis(200));
        Properties p = config.streamsProperties();
        p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/ttd-hb-" + System.nanoTime());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        driver = new TopologyTestDriver(ClassifierTopology.buildTopology(config, TestModels.tiny(), new StreamMetrics(registry)),
                p, Instant.ofEpochMilli(1_000_000));
        Topics topics = config.topics();
        TestInputTopic<String, byte[]> in = driver.createInputTopic(topics.events().name(), topics.events().keySerializer(),
                topics.events().valueSerializer());
        Topic<DecisionKey, Classification> cls = topics.classifications();
        TestOutputTopic<DecisionKey, Classification> out = driver.createOutputTopic(cls.name(), cls.keyDeserializer(),
                cls.valueDeserializer());
        TestOutputTopic<String, byte[]> dlq = driver.createOutputTopic(topics.deadLetters().name(),
                topics.deadLetters().keyDeserializer(), topics.deadLetters().valueDeserializer());

        EventBatch s = Samples.random(TestModels.SENSOR, 30, 10_000, 600, 4); // all inside frame 0
        for (EventPacket e : Samples.livePackets("live", s, 10)) {
            in.pipeInput("live", e.toByteArray());
        }
        long sequence = 3;
        for (int k = 0; k < 5; k++) {
            driver.advanceWallClockTime(Duration.ofMillis(60));
            // the watermark stays just past the last event (inside the open frame), so only the idle
            // close can close that frame: a watermark past its window would close it on its own
            EventPacket heartbeat = PacketCodec.encode(EventBatch.empty(TestModels.SENSOR)).setCameraId("live")
                    .setSequence(sequence++).setWatermarkUs(s.t(29) + 1).build();
            in.pipeInput("live", heartbeat.toByteArray());
        }
        assertThat(dlq.isEmpty()).as("a heartbeat is valid input").isTrue();
        // 300 ms after the last packet with events, heartbeats every 60 ms: the grace of 200 ms has passed
        assertThat(out.readRecordsToList()).as("the partial frame closed on idle and the network decided").hasSize(1);
        assertThat(registry.get("spikestream.frames").tag("cause", "idle").counter().count()).isEqualTo(1);
        assertThat(registry.get("spikestream.packets").counter().count()).isEqualTo(8);
    }
}
