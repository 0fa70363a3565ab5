package io.spikestream.replay;

import io.spikestream.topics.Topic;
import io.spikestream.topics.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a replay does. Build one with {@link #builder()} (defaults: {@link #defaults()}), change one with
 * the {@code with...} methods.
 *
 * @param topic               input topic of the stream app (EventPacket bytes by camera id)
 * @param cameras             number of concurrent cameras
 * @param speed               multiple of real time; {@link Double#POSITIVE_INFINITY} = as fast as possible
 * @param loop                start over (reshuffled) when a camera has replayed all its samples
 * @param duration            stop starting new samples after this much wall time; null = until done
 * @param packetUs            event time covered by one packet
 * @param maxEventsPerPacket  a busier window is split into several packets
 * @param gapUs               event time between consecutive samples of one camera
 * @param samplesPerCamera    at most this many samples per camera (0 = no limit)
 * @param splitSamples        cameras take disjoint parts of the shuffled data set (each sample once per round)
 * @param seed                shuffle seed; camera c uses seed + c
 * @param cameraPrefix        camera ids are prefix + two-digit index; a fresh prefix per run keeps state apart
 * @param watermarks          packets carry watermarks (the event time up to which the camera has sent
 *                            everything), so the stream app closes frames without waiting for a later event;
 *                            false sends packets as a producer without watermarks would
 * @param heartbeat           wall time after which a camera that has nothing to send within a sample sends a
 *                            heartbeat (an empty packet with a watermark); zero: never (nor at full speed,
 *                            where nothing waits)
 */
public record ReplayConfig(Topic<String, byte[]> topic, int cameras, double speed, boolean loop, Duration duration,
                           long packetUs, int maxEventsPerPacket, long gapUs, int samplesPerCamera,
                           boolean splitSamples, long seed, String cameraPrefix, boolean watermarks,
                           Duration heartbeat) {

    public ReplayConfig {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(cameraPrefix, "cameraPrefix");
        if (cameras < 1) {
            throw new IllegalArgumentException("cameras = " + cameras + ": need at least 1");
        }
        if (!(speed > 0)) {
            throw new IllegalArgumentException("speed = " + speed + ": must be positive");
        }
        if (packetUs < 1) {
            throw new IllegalArgumentException("packet-us = " + packetUs + ": must be at least 1");
        }
        if (maxEventsPerPacket < 1) {
            throw new IllegalArgumentException("max-events-per-packet = " + maxEventsPerPacket + ": must be at least 1");
        }
        if (gapUs < 0) {
            throw new IllegalArgumentException("gap-us = " + gapUs + ": must not be negative");
        }
        if (samplesPerCamera < 0) {
            throw new IllegalArgumentException("samples per camera = " + samplesPerCamera + ": must not be negative");
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("duration = " + duration + ": must be positive");
        }
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (heartbeat.isNegative()) {
            throw new IllegalArgumentException("heartbeat = " + heartbeat + ": must not be negative");
        }
        if (!heartbeat.isZero() && !watermarks) {
            heartbeat = Duration.ZERO; // a heartbeat is a watermark and nothing else
        }
        if (loop && duration == null && samplesPerCamera == 0) {
            throw new IllegalArgumentException("--loop needs --duration or a sample limit, or it never ends");
        }
    }

    /**
     * One camera at real time onto {@code Topics.DEFAULT_EVENTS}, packets of 5 ms of events split above 4,096
     * events, no gap between samples, every camera replays every sample once, seed 1, cameras {@code cam-NN},
     * watermarks on, a heartbeat after 5 ms of silence.
     */
    public static ReplayConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder().topic(topic).cameras(cameras).speed(speed).loop(loop).duration(duration).packetUs(packetUs)
                .maxEventsPerPacket(maxEventsPerPacket).gapUs(gapUs).samplesPerCamera(samplesPerCamera)
                .splitSamples(splitSamples).seed(seed).cameraPrefix(cameraPrefix).watermarks(watermarks)
                .heartbeat(heartbeat);
    }

    /** The default silence after which a camera sends a heartbeat: one default packet interval. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofMillis(5);

    /** The heartbeat interval in ns of wall time; 0 when heartbeats are off (or nothing waits: full speed). */
    public long heartbeatNs() {
        return maxSpeed() ? 0 : heartbeat.toNanos();
    }

    public boolean maxSpeed() {
        return Double.isInfinite(speed);
    }

    public String cameraId(int index) {
        return cameraPrefix + String.format("%02d", index);
    }

    public ReplayConfig withCameras(int n) {
        return toBuilder().cameras(n).build();
    }

    public ReplayConfig withCameraPrefix(String prefix) {
        return toBuilder().cameraPrefix(prefix).build();
    }

    public ReplayConfig withDuration(Duration d) {
        return toBuilder().duration(d).build();
    }

    /** The configuration as a JSON-friendly map for reports. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topic", topic.name());
        m.put("cameras", cameras);
        m.put("speed", maxSpeed() ? "max" : speed);
        m.put("loop", loop);
        m.put("duration_s", duration == null ? null : duration.toMillis() / 1000.0);
        m.put("packet_us", packetUs);
        m.put("max_events_per_packet", maxEventsPerPacket);
        m.put("gap_us", gapUs);
        m.put("samples_per_camera", samplesPerCamera);
        m.put("split_samples", splitSamples);
        m.put("seed", seed);
        m.put("watermarks", watermarks);
        m.put("heartbeat_ms", heartbeat.toNanos() / 1e6);
        return m;
    }

    /** Collects a replay configuration; {@link #build()} validates it. Not thread-safe. */
    public static final class Builder {
        private Topic<String, byte[]> topic = Topics.defaults().events();
        private int cameras = 1;
        private double speed = 1.0;
        private boolean loop;
        private Duration duration;
        private long packetUs = 5_000;
        private int maxEventsPerPacket = 4096;
        private long gapUs;
        private int samplesPerCamera;
        private boolean splitSamples;
        private long seed = 1;
        private String cameraPrefix = "cam-";
        private boolean watermarks = true;
        private Duration heartbeat = DEFAULT_HEARTBEAT;

        private Builder() {
        }

        public Builder topic(Topic<String, byte[]> v) {
            topic = v;
            return this;
        }

        /** The default event topic under this name. */
        public Builder topic(String name) {
            topic = Topics.events(name);
            return this;
        }

        public Builder cameras(int v) {
            cameras = v;
            return this;
        }

        public Builder speed(double v) {
            speed = v;
            return this;
        }

        public Builder loop(boolean v) {
            loop = v;
            return this;
        }

        /** Null: until every camera is done. */
        public Builder duration(Duration v) {
            duration = v;
            return this;
        }

        public Builder packetUs(long v) {
            packetUs = v;
            return this;
        }

        public Builder maxEventsPerPacket(int v) {
            maxEventsPerPacket = v;
            return this;
        }

        public Builder gapUs(long v) {
            gapUs = v;
            return this;
        }

        public Builder samplesPerCamera(int v) {
            samplesPerCamera = v;
            return this;
        }

        public Builder splitSamples(boolean v) {
            splitSamples = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder cameraPrefix(String v) {
            cameraPrefix = v;
            return this;
        }

        public Builder watermarks(boolean v) {
            watermarks = v;
            return this;
        }

        /** Zero: no heartbeats. */
        public Builder heartbeat(Duration v) {
            heartbeat = v;
            return this;
        }

        public ReplayConfig build() {
            return new ReplayConfig(topic, cameras, speed, loop, duration, packetUs, maxEventsPerPacket, gapUs,
                    samplesPerCamera, splitSamples, seed, cameraPrefix, watermarks, heartbeat);
        }
    }
}
