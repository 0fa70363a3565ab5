package io.spikestream.ingest;

import io.spikestream.topics.Topic;
import io.spikestream.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an ingest does: its sources and how their events become packets on the topic.
 *
 * @param sources         one camera per source; camera ids are distinct
 * @param topic           the events topic (key = camera id, value = EventPacket bytes)
 * @param packetUs        a packet holds at most this much event time (windows aligned to multiples of it);
 *                        a packet is also cut when the source has nothing more to read, at most once per
 *                        this much wall time (so an event waits at most this long in ingest)
 * @param maxPacketEvents a busier window is split into packets of at most this many events
 * @param heartbeat       a quiet camera sends an empty packet with an advanced watermark this often;
 *                        zero: never (for a sender that is not real time, e.g. a recording at full speed).
 *                        A file read to its end (not followed) never sends heartbeats
 * @param latenessUs      a heartbeat's watermark stays this far behind the camera clock estimated from the
 *                        wall clock and the largest arrival delay seen lately: room for delays not seen yet
 * @param queuePackets    packets each source may hold while Kafka is slower than the camera
 * @param reconnectMin    first wait before reconnecting a TCP source; doubles per failed attempt
 * @param reconnectMax    longest wait between reconnection attempts
 * @param stopTimeout     how long a stop may take to deliver what was read before the rest is abandoned (counted)
 */
public record IngestConfig(List<SourceConfig> sources, Topic<String, byte[]> topic, long packetUs, int maxPacketEvents,
                           Duration heartbeat, long latenessUs, int queuePackets, Duration reconnectMin,
                           Duration reconnectMax, Duration stopTimeout) {

    public IngestConfig {
        sources = List.copyOf(sources);
        Objects.requireNonNull(topic, "topic");
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no source: name at least one (dv-tcp://, udp://, file: or -)");
        }
        Set<String> cameras = new HashSet<>();
        for (SourceConfig s : sources) {
            if (!cameras.add(s.camera())) {
                throw new IllegalArgumentException("camera id '" + s.camera() + "' is given to two sources; each source is one camera");
            }
        }
        long stdin = sources.stream().filter(s -> s.spec() instanceof SourceSpec.ByteStream b && b.path() == null).count();
        if (stdin > 1) {
            throw new IllegalArgumentException("standard input (-) can be one source only");
        }
        positive(packetUs, "packet-us");
        positive(maxPacketEvents, "max-packet-events");
        positive(queuePackets, "queue-packets");
        if (latenessUs < 0) {
            throw new IllegalArgumentException("lateness " + latenessUs + " us is negative");
        }
        if (heartbeat.isNegative()) {
            throw new IllegalArgumentException("heartbeat interval " + heartbeat + " is negative");
        }
        for (Duration d : List.of(reconnectMin, reconnectMax, stopTimeout)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive, got " + d);
            }
        }
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("reconnect-max " + reconnectMax + " is shorter than reconnect-min " + reconnectMin);
        }
    }

    private static void positive(long v, String name) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " = " + v + ": must be at least 1");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: the default events topic ({@link Topics#DEFAULT_EVENTS}), 5 ms packets (as replay's) of at most 4096 events, heartbeats every 20 ms with 100 ms lateness. */
    public static final class Builder {
        private final List<SourceConfig> sources = new ArrayList<>();
        private Topic<String, byte[]> topic = Topics.defaults().events();
        private long packetUs = 5_000;
        private int maxPacketEvents = 4096;
        private Duration heartbeat = Duration.ofMillis(20);
        private long latenessUs = 100_000;
        private int queuePackets = 1024;
        private Duration reconnectMin = Duration.ofMillis(100);
        private Duration reconnectMax = Duration.ofSeconds(5);
        private Duration stopTimeout = Duration.ofSeconds(30);

        public Builder source(SourceConfig s) {
            sources.add(s);
            return this;
        }

        public Builder topic(Topic<String, byte[]> t) {
            topic = t;
            return this;
        }

        /** The events topic under this name. */
        public Builder topic(String name) {
            topic = Topics.events(name);
            return this;
        }

        public Builder packetUs(long v) {
            packetUs = v;
            return this;
        }

        public Builder maxPacketEvents(int v) {
            maxPacketEvents = v;
            return this;
        }

        public Builder heartbeat(Duration d) {
            heartbeat = d;
            return this;
        }

        public Builder latenessUs(long v) {
            latenessUs = v;
            return this;
        }

        public Builder queuePackets(int v) {
            queuePackets = v;
            return this;
        }

        public Builder reconnect(Duration min, Duration max) {
            reconnectMin = min;
            reconnectMax = max;
            return this;
        }

        public Builder stopTimeout(Duration d) {
            stopTimeout = d;
            return this;
        }

        public IngestConfig build() {
            return new IngestConfig(sources, topic, packetUs, maxPacketEvents, heartbeat, latenessUs, queuePackets,
                    reconnectMin, reconnectMax, stopTimeout);
        }
    }
}
