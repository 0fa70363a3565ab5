package io.spikestream.topics;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.utils.Utils;

/**
 * The record key of a classification: the episode it decides. Decisions are deterministic functions of
 * the input, so a decision emitted again after a crash (at-least-once) has the same key and the same
 * content; consumers deduplicate on the key ({@link Decisions}).
 *
 * <p>On the wire the key is the UTF-8 text {@code <camera_id>#<episode>}, the episode in decimal, e.g.
 * {@code cam-07#42}. A camera id may itself contain {@code #}: the episode is what follows the last one.
 * Records are partitioned by the camera id alone ({@link #partition}), as Kafka's default partitioner places a
 * record keyed by the camera id, so one camera's decisions stay in one partition, in order.
 *
 * @param cameraId the camera (not empty)
 * @param episode  the camera's episode counter, from 0
 */
public record DecisionKey(String cameraId, long episode) {
    public static final char SEPARATOR = '#';

    public DecisionKey {
        if (cameraId == null || cameraId.isEmpty()) {
            throw new IllegalArgumentException("decision key: the camera id must not be empty");
        }
        if (episode < 0) {
            throw new IllegalArgumentException("decision key of camera " + cameraId + ": episode " + episode
                    + " is negative");
        }
    }

    /**
     * The key in its text form.
     *
     * @throws IllegalArgumentException naming the text when it is not {@code <camera_id>#<episode>}
     */
    public static DecisionKey parse(String text) {
        Objects.requireNonNull(text, "text");
        int at = text.lastIndexOf(SEPARATOR);
        if (at <= 0 || at == text.length() - 1) {
            throw new IllegalArgumentException("decision key \"" + text + "\": expected <camera_id>" + SEPARATOR
                    + "<episode>");
        }
        String episode = text.substring(at + 1);
        for (int i = 0; i < episode.length(); i++) {
            if (episode.charAt(i) < '0' || episode.charAt(i) > '9') {
                throw new IllegalArgumentException("decision key \"" + text + "\": episode \"" + episode
                        + "\" is not a decimal number");
            }
        }
        try {
            return new DecisionKey(text.substring(0, at), Long.parseLong(episode));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("decision key \"" + text + "\": episode \"" + episode
                    + "\" is out of range", e);
        }
    }

    /** The partition of this key's record among {@code partitions}: by camera id, as the default partitioner would. */
    public int partition(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(cameraId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Override
    public String toString() {
        return cameraId + SEPARATOR + episode;
    }
}
