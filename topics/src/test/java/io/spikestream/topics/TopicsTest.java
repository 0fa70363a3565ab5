package io.spikestream.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.ExitReason;
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
        Topic<String, Classification> t = Topics.defaults().classifications();
        Classification c = Classification.newBuilder().setCameraId("cam").setEpisode(3).setStepsUsed(2)
                .setExitReason(ExitReason.EXIT_REASON_MARGIN).addScores(0.5f).setLabel(1).build();
        byte[] bytes = t.valueSerializer().serialize(t.name(), c);
        assertThat(t.valueDeserializer().deserialize(t.name(), bytes)).isEqualTo(c);
        assertThat(t.valueSerializer().serialize(t.name(), null)).isNull();
        assertThat(t.valueDeserializer().deserialize(t.name(), null)).isNull();
    }

    @Test
    void bytesThatAreNoClassificationFailNamingTheTypeAndTopic() {
        Topic<String, Classification> t = Topics.defaults().classifications();
        assertThatThrownBy(() -> t.valueDeserializer().deserialize("classifications", new byte[] {0x0a, (byte) 0xff}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not a Classification")
                .hasMessageContaining("classifications");
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
