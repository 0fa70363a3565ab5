package io.spikestream.app.replay;

import io.spikestream.app.cli.Converters;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.replay.ReplayConfig;
import io.spikestream.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** What to replay and how: the options {@code replay} and {@code bench} share. */
public final class ReplayOptions {
    @Option(names = "--data", required = true, paramLabel = "DIR|FILE",
            description = "Data-set folder (N-MNIST Train/Test, CIFAR10-DVS or class folders) or one recording.")
    public Path data;

    @Option(names = "--data-kind", paramLabel = "KIND", defaultValue = "AUTO",
            description = "Layout of --data: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    public DatasetKind dataKind;

    @Option(names = "--speed", paramLabel = "X|max", defaultValue = "1", converter = Converters.SpeedConverter.class,
            description = "Multiple of real time, or 'max' for as fast as possible (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--loop", description = "Start over (reshuffled) when a camera has replayed all its samples.")
    boolean loop;

    @Option(names = "--packet-us", paramLabel = "US", defaultValue = "5000",
            description = "Event time per packet in µs (default: ${DEFAULT-VALUE}).")
    long packetUs;

    @Option(names = "--max-events-per-packet", paramLabel = "N", defaultValue = "4096",
            description = "Split busier windows into several packets (default: ${DEFAULT-VALUE}).")
    int maxEventsPerPacket;

    @Option(names = "--gap-us", paramLabel = "US", defaultValue = "0",
            description = "Event time between consecutive samples of a camera (default: ${DEFAULT-VALUE}).")
    long gapUs;

    @Option(names = "--samples-per-camera", paramLabel = "N", defaultValue = "0",
            description = "Stop a camera after N samples; 0 = no limit (default: ${DEFAULT-VALUE}).")
    int samplesPerCamera;

    @Option(names = "--split-samples",
            description = "Cameras share the shuffled data set (each sample once per round) instead of each replaying all of it.")
    boolean splitSamples;

    @Option(names = "--seed", defaultValue = "1", description = "Shuffle seed; camera c uses seed + c (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--topic", defaultValue = Topics.DEFAULT_EVENTS, description = "Input topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--no-watermarks", negatable = false,
            description = "Send packets without watermarks (and no heartbeats), as an older producer does: frames then"
                    + " close only on a later event or the idle grace period.")
    boolean noWatermarks;

    @Option(names = "--heartbeat-ms", paramLabel = "MS", defaultValue = "5",
            description = "Within a sample, a camera silent for this long (wall time) sends a heartbeat, an empty packet"
                    + " with a watermark; 0 = never (default: ${DEFAULT-VALUE}).")
    long heartbeatMs;

    /** The options as a replay configuration; {@code duration} null: until every camera is done. */
    public ReplayConfig toConfig(int cameras, Duration duration, String cameraPrefix) {
        return ReplayConfig.builder().topic(topic).cameras(cameras).speed(speed).loop(loop).duration(duration)
                .packetUs(packetUs).maxEventsPerPacket(maxEventsPerPacket).gapUs(gapUs)
                .samplesPerCamera(samplesPerCamera).splitSamples(splitSamples).seed(seed).cameraPrefix(cameraPrefix)
                .watermarks(!noWatermarks).heartbeat(Duration.ofMillis(heartbeatMs)).build();
    }
}
