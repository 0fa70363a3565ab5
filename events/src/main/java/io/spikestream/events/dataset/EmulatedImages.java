package io.spikestream.events.dataset;

import io.spikestream.events.EventBatch;
import io.spikestream.events.emulator.Cifar10DvsProtocol;
import io.spikestream.events.emulator.ImageSetEmulator;
import io.spikestream.events.emulator.PictureRecorder;
import io.spikestream.events.emulator.PixelMismatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Images in class folders seen through the DVS emulator ({@link DatasetKind#EMULATED_IMAGES}): a
 * sample is one image, and reading it emulates its recording in memory, exactly the events that
 * {@code spikestream events emulate --images DIR --seed S} writes to AEDAT for that image (the same
 * plan, so the same image index within its class; the same sensor pattern and per-recording seed).
 * Training on emulated CIFAR10-DVS then needs no recordings on disk (10,000 AEDAT files are about
 * 35 GB). Safe for concurrent reads: each thread keeps its own recorder buffers.
 */
final class EmulatedImages {
    private final Cifar10DvsProtocol protocol;
    private final long seed;
    private final Map<Path, ImageSetEmulator.Item> items = new HashMap<>();
    private final List<String> classNames;
    private final List<Sample> samples;
    private final List<String> skipped;
    private final ThreadLocal<PictureRecorder> recorders;

    EmulatedImages(Path root, Cifar10DvsProtocol protocol, long seed) {
        this.protocol = protocol;
        this.seed = seed;
        ImageSetEmulator.Plan plan;
        try {
            plan = ImageSetEmulator.plan(root, 0);
        } catch (IllegalArgumentException e) {
            throw new DatasetException(e.getMessage());
        }
        if (plan.items().isEmpty()) {
            throw new DatasetException("image folder " + root + " holds no images in class folders (<class>/*.jpg|png)");
        }
        // the classes that `events emulate` writes recordings for, labelled as a data set of its output is
        LinkedHashSet<String> found = new LinkedHashSet<>();
        plan.items().forEach(i -> found.add(i.className()));
        classNames = Dataset.CIFAR10_CLASSES.containsAll(found) ? Dataset.CIFAR10_CLASSES
                : found.stream().sorted(Dataset.NATURAL).toList();
        List<Sample> out = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        plan.skipped().forEach(k -> bad.add(k.path() + ": " + k.reason()));
        for (String cls : classNames) {
            for (ImageSetEmulator.Item item : plan.items()) {
                if (item.className().equals(cls)) {
                    String id = root.relativize(item.image()).toString().replace(item.image().getFileSystem().getSeparator(), "/");
                    // `events emulate` skips an image it cannot use and writes no recording for it, so
                    // it is no sample here either; the others keep their plan index, hence their seeds
                    String problem = ImageSetEmulator.headerProblem(item.image());
                    if (problem != null) {
                        bad.add(id + ": " + problem);
                        continue;
                    }
                    out.add(new Sample(id, item.image(), classNames.indexOf(cls), cls));
                    items.put(item.image(), item);
                }
            }
        }
        samples = List.copyOf(out);
        skipped = List.copyOf(bad);
        PixelMismatch sensor = protocol.sensorPattern(seed);
        recorders = ThreadLocal.withInitial(() -> new PictureRecorder(sensor));
    }

    List<String> classNames() {
        return classNames;
    }

    List<Sample> samples() {
        return samples;
    }

    long seed() {
        return seed;
    }

    /** Inputs that are not samples, as "path: reason" (what `events emulate` would skip and report). */
    List<String> skipped() {
        return skipped;
    }

    /** The emulated recording of {@code sample}'s image. */
    EventBatch read(Sample sample) {
        ImageSetEmulator.Item item = items.get(sample.path());
        if (item == null) {
            throw new DatasetException("sample " + sample.id() + " (" + sample.path() + ") is not an image of this data set");
        }
        try {
            return ImageSetEmulator.emulate(item, protocol, recorders.get(), seed);
        } catch (ImageSetEmulator.UnusableImageException e) {
            throw new DatasetException("image " + sample.path() + ": " + e.getMessage());
        }
    }
}
