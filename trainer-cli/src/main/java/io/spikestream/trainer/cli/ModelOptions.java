package io.spikestream.trainer.cli;

import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.snn.framing.CountMode;
import io.spikestream.snn.framing.FrameMode;
import io.spikestream.trainer.FramingOptions;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Architecture, T and framing options of {@code train}, and the data-set kind names the commands share. */
public final class ModelOptions {
    @Option(names = "--arch", defaultValue = "nmnist", paramLabel = "SPEC",
            description = "Preset (nmnist, vgg9) or layers such as c32-p2-c64-p2-f256; the readout is appended (default: ${DEFAULT-VALUE}).")
    String architecture;

    @Option(names = "--timesteps", defaultValue = "15", paramLabel = "T", description = "Time steps (default: ${DEFAULT-VALUE}).")
    int timesteps;

    @Option(names = "--frame-mode", defaultValue = "time", paramLabel = "MODE",
            description = "time (fixed time window per step) or events (fixed event count per step) (default: ${DEFAULT-VALUE}).")
    String frameMode;

    @Option(names = "--window-us", defaultValue = "20000", paramLabel = "US",
            description = "Time window per step in µs (default: ${DEFAULT-VALUE}).")
    long windowUs;

    @Option(names = "--events-per-frame", defaultValue = "1000", paramLabel = "N",
            description = "Events per step with --frame-mode events (default: ${DEFAULT-VALUE}).")
    int eventsPerFrame;

    @Option(names = "--frame-size", paramLabel = "WxH",
            description = "Frame size after down-sampling by area (default: the sensor's size).")
    String frameSize;

    @Option(names = "--count", defaultValue = "binary", paramLabel = "MODE",
            description = "binary or clipped event counts per pixel (default: ${DEFAULT-VALUE}).")
    String count;

    @Option(names = "--clip-max", defaultValue = "4", paramLabel = "N",
            description = "Largest count with --count clipped (default: ${DEFAULT-VALUE}).")
    int clipMax;

    FramingOptions framing() {
        FrameMode mode = switch (frameMode.toLowerCase(Locale.ROOT)) {
            case "time", "time-window" -> FrameMode.TIME_WINDOW;
            case "events", "event-count" -> FrameMode.EVENT_COUNT;
            default -> throw new IllegalArgumentException("--frame-mode: expected time or events, got '" + frameMode + "'");
        };
        CountMode cm = switch (count.toLowerCase(Locale.ROOT)) {
            case "binary" -> CountMode.BINARY;
            case "clipped" -> CountMode.CLIPPED;
            default -> throw new IllegalArgumentException("--count: expected binary or clipped, got '" + count + "'");
        };
        int w = 0;
        int h = 0;
        if (frameSize != null) {
            int[] wh = parseSize(frameSize, "--frame-size");
            w = wh[0];
            h = wh[1];
        }
        return new FramingOptions(mode, windowUs, eventsPerFrame, w, h, cm, cm == CountMode.BINARY ? 1 : clipMax);
    }

    /** "34x34" → {34, 34}. */
    static int[] parseSize(String s, String option) {
        String[] p = s.toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                int w = Integer.parseInt(p[0].trim());
                int h = Integer.parseInt(p[1].trim());
                if (w > 0 && h > 0) {
                    return new int[] {w, h};
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException(option + ": expected WIDTHxHEIGHT such as 34x34, got '" + s + "'");
    }

    static DatasetKind datasetKind(String s) {
        return switch (s.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "auto" -> DatasetKind.AUTO;
            case "nmnist", "n-mnist" -> DatasetKind.NMNIST;
            case "cifar10-dvs", "cifar10dvs" -> DatasetKind.CIFAR10_DVS;
            case "folders" -> DatasetKind.FOLDERS;
            case "emulated-images" -> DatasetKind.EMULATED_IMAGES;
            default -> throw new IllegalArgumentException("--dataset: expected auto, nmnist, cifar10-dvs, folders or"
                    + " emulated-images, got '" + s + "'");
        };
    }
}
