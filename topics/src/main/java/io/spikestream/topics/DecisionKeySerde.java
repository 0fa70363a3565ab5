package io.spikestream.topics;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A {@link DecisionKey} as its UTF-8 text {@code <camera_id>#<episode>}. Null stays null; bytes that are not a
 * decision key fail with a {@link SerializationException} naming the text and the topic.
 */
final class DecisionKeySerde implements Serde<DecisionKey> {
    @Override
    public Serializer<DecisionKey> serializer() {
        return (topic, key) -> key == null ? null : key.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Deserializer<DecisionKey> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return DecisionKey.parse(new String(bytes, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new SerializationException(e.getMessage() + " on topic " + topic, e);
            }
        };
    }
}
