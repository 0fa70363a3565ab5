package io.spikestream.topics;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A protobuf message as a Kafka value: its binary encoding, nothing around it (the topic fixes the type).
 * Null stays null (a tombstone). Bytes that do not parse fail with a {@link SerializationException}
 * naming the message type, which Kafka clients report with the record's topic, partition and offset.
 */
public final class ProtobufSerde<M extends MessageLite> implements Serde<M> {
    private final Parser<M> parser;
    private final String typeName;

    /** @param typeName the message's name, for errors */
    public ProtobufSerde(Parser<M> parser, String typeName) {
        this.parser = parser;
        this.typeName = typeName;
    }

    @Override
    public Serializer<M> serializer() {
        return (topic, message) -> message == null ? null : message.toByteArray();
    }

    @Override
    public Deserializer<M> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return parser.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                throw new SerializationException("not a " + typeName + " (" + bytes.length + " bytes) on topic "
                        + topic + ": " + e.getMessage(), e);
            }
        };
    }
}
