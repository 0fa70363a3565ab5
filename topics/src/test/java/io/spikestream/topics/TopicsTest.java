package io.spikestream.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.ExitReason;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void theDefaultNamesAreTheDocumentedOnes() {
        Topics t = Topics.defaults();
        assertThat(t.events().name()).isEqualTo("dvs-events");
        assertThat(t.classifications().name()).isEqualTo("classifications");
        assertThat(t.deadLetters().name()).isEqualTo("dvs-events-dlq");
    }

    @Test
    void namesMustBeGivenAndDiffer() {
        assertThatThrownBy(() -> Topics.named("a", "a", "b")).hasMessageContaining("must differ");
        assertThatThrownBy(() -> Topics.named("a", "b", " ")).hasMessageContaining("must not be empty");
        assertThat(Topics.named("in", "out", "dead").events().withName("other").name()).isEqualTo("other");
    }

    @Test
    void classificationsRoundTripThroughTheProtobufSerde() {
        Topic<DecisionKey, Classification> t = Topics.defaults().classifications();
        Classification c = Classification.newBuilder().setCameraId("cam").setEpisode(3).setStepsUsed(2)
                .setExitReason(ExitReason.EXIT_REASON_MARGIN).addScores(0.5f).setLabel(1).build();
        byte[] bytes = t.valueSerializer().serialize(t.name(), c);
        assertThat(t.valueDeserializer().deserialize(t.name(), bytes)).isEqualTo(c);
        assertThat(t.valueSerializer().serialize(t.name(), null)).isNull();
        assertThat(t.valueDeserializer().deserialize(t.name(), null)).isNull();
    }

    @Test
    void bytesThatAreNoClassificationFailNamingTheTypeAndTopic() {
        Topic<DecisionKey, Classification> t = Topics.defaults().classifications();
        assertThatThrownBy(() -> t.valueDeserializer().deserialize("classifications", new byte[] {0x0a, (byte) 0xff}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not a Classification")
                .hasMessageContaining("classifications");
    }

    @Test
    void classificationKeysAreCameraHashEpisodeAndBadKeysFailNamingTheTextAndTopic() {
        Topic<DecisionKey, Classification> t = Topics.defaults().classifications();
        byte[] bytes = t.keySerializer().serialize(t.name(), new DecisionKey("cam#7", 42));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("cam#7#42");
        assertThat(t.keyDeserializer().deserialize(t.name(), bytes)).isEqualTo(new DecisionKey("cam#7", 42));
        assertThat(t.keySerializer().serialize(t.name(), null)).isNull();
        assertThatThrownBy(() -> t.keyDeserializer().deserialize("classifications", "cam-01".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("\"cam-01\"")
                .hasMessageContaining("classifications");
        assertThatThrownBy(() -> DecisionKey.parse("cam#-1")).hasMessageContaining("not a decimal number");
        assertThatThrownBy(() -> DecisionKey.parse("#3")).hasMessageContaining("expected <camera_id>#<episode>");
        assertThatThrownBy(() -> DecisionKey.parse("cam#99999999999999999999")).hasMessageContaining("out of range");
    }

    @Test
    void decisionsOfACameraGoWhereItsEventsGoUnderTheDefaultPartitioner() {
        for (String camera : new String[] {"cam-00", "cam-01", "bench-1234abcd-n4-cam03", "x"}) {
            byte[] serialized = Topics.defaults().events().keySerializer().serialize("t", camera);
            for (int parts : new int[] {1, 4, 7}) {
                int expected = BuiltInPartitioner.partitionForKey(serialized, parts);
                for (long episode : new long[] {0, 1, 12345}) {
                    assertThat(new DecisionKey(camera, episode).partition(parts)).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void eventValuesStayRawBytesSoThatMalformedRecordsReachTheApp() {
        byte[] garbage = {1, 2, 3};
        Topic<String, byte[]> t = Topics.defaults().events();
        assertThat(t.valueDeserializer().deserialize(t.name(), garbage)).isEqualTo(garbage);
    }

    @Test
    void deadLetterHeadersCarryKindReasonAndOrigin() {
        RecordHeaders original = new RecordHeaders();
        original.add("trace", new byte[] {7});
        var h = DeadLetterRecord.of("cam", new byte[] {1}, original, DeadLetterKind.TIME_BACKWARDS, "event 0 is early",
                "dvs-events", 2, 41, 1 << 20).headers();
        assertThat(h.lastHeader(DeadLetterHeaders.TRUNCATED)).as("nothing cut").isNull();
        assertThat(h.lastHeader("trace").value()).containsExactly(7);
        assertThat(DeadLetterHeaders.header(h, DeadLetterHeaders.KIND)).isEqualTo("time-backwards");
        assertThat(DeadLetterHeaders.header(h, DeadLetterHeaders.REASON)).isEqualTo("event 0 is early");
        assertThat(DeadLetterHeaders.header(h, DeadLetterHeaders.PARTITION)).isEqualTo("2");
        assertThat(DeadLetterHeaders.header(h, DeadLetterHeaders.OFFSET)).isEqualTo("41");
        assertThat(DeadLetterHeaders.header(h, "absent")).isNull();
        for (DeadLetterKind k : DeadLetterKind.values()) {
            assertThat(DeadLetterKind.ofWireName(k.wireName())).hasValue(k);
        }
        assertThat(DeadLetterKind.ofWireName("bad-state")).isEmpty();
    }
}
