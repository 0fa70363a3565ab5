package io.spikestream.simulator.replay;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a replay does.
 *
 * @param topic               input topic of the stream app
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
 */
public record ReplayConfig(String topic, int cameras, double speed, boolean loop, Duration duration,
                           long packetUs, int maxEventsPerPacket, long gapUs, int samplesPerCamera,
                           boolean splitSamples, long seed, String cameraPrefix) {

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
        if (loop && duration == null && samplesPerCamera == 0) {
            throw new IllegalArgumentException("--loop needs --duration or a sample limit, or it never ends");
        }
    }

    public static ReplayConfig defaults() {
        return new ReplayConfig("dvs-events", 1, 1.0, false, null, 5_000, 4096, 0, 0, false, 1, "cam-");
    }

    public boolean maxSpeed() {
        return Double.isInfinite(speed);
    }

    public String cameraId(int index) {
        return cameraPrefix + String.format("%02d", index);
    }

    public ReplayConfig withCameras(int n) {
        return new ReplayConfig(topic, n, speed, loop, duration, packetUs, maxEventsPerPacket, gapUs,
                samplesPerCamera, splitSamples, seed, cameraPrefix);
    }

    public ReplayConfig withCameraPrefix(String prefix) {
        return new ReplayConfig(topic, cameras, speed, loop, duration, packetUs, maxEventsPerPacket, gapUs,
                samplesPerCamera, splitSamples, seed, prefix);
    }

    public ReplayConfig withDuration(Duration d) {
        return new ReplayConfig(topic, cameras, speed, loop, d, packetUs, maxEventsPerPacket, gapUs,
                samplesPerCamera, splitSamples, seed, cameraPrefix);
    }

    /** The configuration as a JSON-friendly map for reports. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topic", topic);
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
        return m;
    }
}
