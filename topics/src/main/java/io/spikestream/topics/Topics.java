package io.spikestream.topics;

import io.spikestream.proto.v1.Classification;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The pipeline's three topics, the one definition that the stream app, the replay and bench, and the
 * command line share. Events and dead letters are keyed by camera id, classifications by
 * {@link DecisionKey} (camera id and episode, partitioned by camera id).
 *
 * <ul>
 *   <li>{@link #events}: {@code neuro.v1.EventPacket}s. The value is kept as raw bytes on purpose: the stream
 *       app must receive every record, malformed ones included, so that it can forward a bad record's
 *       original bytes to the dead-letter topic with the reason; a protobuf deserializer would fail the
 *       record before the app could do so. Packets are parsed, checked and decoded by
 *       {@code io.spikestream.events.PacketCodec}.</li>
 *   <li>{@link #classifications}: {@code neuro.v1.Classification}s, one per decided episode (protobuf serde;
 *       {@link ClassificationMapper} turns them into {@link Decision}s and back), keyed
 *       {@code <camera_id>#<episode>} so that a decision emitted again after a crash is recognised
 *       ({@link Decisions}).</li>
 *   <li>{@link #deadLetters}: the rejected input records, bytes unchanged, why and where in
 *       {@link DeadLetterHeaders}.</li>
 * </ul>
 *
 * The names are configurable (defaults {@value #DEFAULT_EVENTS}, {@value #DEFAULT_CLASSIFICATIONS},
 * {@value #DEFAULT_DEAD_LETTERS}) and must differ from each other.
 */
public record Topics(Topic<String, byte[]> events, Topic<DecisionKey, Classification> classifications,
                     Topic<String, byte[]> deadLetters) {

    public static final String DEFAULT_EVENTS = "dvs-events";
    public static final String DEFAULT_CLASSIFICATIONS = "classifications";
    public static final String DEFAULT_DEAD_LETTERS = "dvs-events-dlq";

    /**
     * Configuration for creating the events and classifications topics: record timestamps are the broker's
     * append times ({@code LogAppendTime}), so that a decision's latency can be split at the broker
     * ({@link StageTimes#recordTimestampMs()}, and the classification record's own timestamp). Kafka
     * timestamps have millisecond resolution. Topics created with the broker's default ({@code CreateTime})
     * work too; their timestamps are then the producers' clocks at send.
     */
    public static final Map<String, String> APPEND_TIME = Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
            "LogAppendTime");

    private static final Topics DEFAULTS = named(DEFAULT_EVENTS, DEFAULT_CLASSIFICATIONS, DEFAULT_DEAD_LETTERS);

    public Topics {
        if (events == null || classifications == null || deadLetters == null) {
            throw new IllegalArgumentException("topics: events, classifications and dead letters are required");
        }
        String in = events.name();
        String out = classifications.name();
        String dead = deadLetters.name();
        if (in.equals(out) || in.equals(dead) || out.equals(dead)) {
            throw new IllegalArgumentException("input, output and dead-letter topics must differ: " + in + ", " + out
                    + ", " + dead);
        }
    }

    /** {@value #DEFAULT_EVENTS}, {@value #DEFAULT_CLASSIFICATIONS}, {@value #DEFAULT_DEAD_LETTERS}. */
    public static Topics defaults() {
        return DEFAULTS;
    }

    /** The three topics under these names. */
    public static Topics named(String events, String classifications, String deadLetters) {
        return new Topics(events(events), classifications(classifications), deadLetters(deadLetters));
    }

    /** An event topic of this name. */
    public static Topic<String, byte[]> events(String name) {
        return new Topic<>(name, Serdes.String(), Serdes.ByteArray());
    }

    /** A classification topic of this name. */
    public static Topic<DecisionKey, Classification> classifications(String name) {
        return new Topic<>(name, new DecisionKeySerde(), new ProtobufSerde<>(Classification.parser(), "Classification"));
    }

    /** A dead-letter topic of this name. */
    public static Topic<String, byte[]> deadLetters(String name) {
        return new Topic<>(name, Serdes.String(), Serdes.ByteArray());
    }
}
