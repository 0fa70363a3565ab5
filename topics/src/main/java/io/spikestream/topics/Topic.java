package io.spikestream.topics;

import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka topic: its name and how its keys and values are written. Producers, consumers and the stream
 * topology take their (de)serializers from here, so a topic's record types are declared once.
 *
 * @param name       the topic name (configurable; the types are not)
 * @param keySerde   how keys are written
 * @param valueSerde how values are written
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    public Topic {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a topic name must not be empty");
        }
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
    }

    /** The same topic under another name. */
    public Topic<K, V> withName(String other) {
        return new Topic<>(other, keySerde, valueSerde);
    }

    public Serializer<K> keySerializer() {
        return keySerde.serializer();
    }

    public Serializer<V> valueSerializer() {
        return valueSerde.serializer();
    }

    public Deserializer<K> keyDeserializer() {
        return keySerde.deserializer();
    }

    public Deserializer<V> valueDeserializer() {
        return valueSerde.deserializer();
    }

    @Override
    public String toString() {
        return name;
    }
}
