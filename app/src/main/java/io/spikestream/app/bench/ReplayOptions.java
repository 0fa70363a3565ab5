package io.spikestream.app.bench;

import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.simulator.replay.ReplayConfig;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** What to replay and how: shared by {@code replay} and {@code bench}. */
public final class ReplayOptions {
    @Option(names = "--data", required = true, paramLabel = "DIR|FILE",
            description = "Data-set folder (N-MNIST Train/Test, CIFAR10-DVS or class folders) or one recording.")
    Path data;

    @Option(names = "--data-kind", paramLabel = "KIND", defaultValue = "AUTO",
            description = "Layout of --data: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    DatasetKind dataKind;

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

    @Option(names = "--topic", defaultValue = "dvs-events", description = "Input topic (default: ${DEFAULT-VALUE}).")
    String topic;

    ReplayConfig toConfig(int cameras, Duration duration, String cameraPrefix) {
        return new ReplayConfig(topic, cameras, speed, loop, duration, packetUs, maxEventsPerPacket, gapUs,
                samplesPerCamera, splitSamples, seed, cameraPrefix);
    }
}
