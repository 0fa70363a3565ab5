package io.spikestream.events.emulator;

import io.spikestream.events.EventBatch;
import io.spikestream.events.NaturalOrder;
import io.spikestream.events.io.Aedat2Writer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns a folder of images in class folders ({@code <class>/*.jpg|png}) into CIFAR10-DVS-layout
 * recordings {@code <out>/<class>/cifar10_<class>_<i>.aedat}, where i is the image's position in
 * its class folder (natural file-name order). Bad inputs (unreadable, zero-size, not an image, empty
 * folders, files outside class folders) are reported and skipped; the good ones are still done.
 * The output depends only on the images, the protocol and the seed — not on the thread count.
 */
public final class ImageSetEmulator {
    static final Set<String> IMAGE_EXTENSIONS = Set.of(".jpg", ".jpeg", ".png", ".bmp", ".gif");
    /** Larger images are skipped: decoding them could exhaust the heap (and a DVS sees 128×128). */
    static final long MAX_PIXELS = 40_000_000L;

    /** One image to emulate. */
    public record Item(String className, int index, Path image) {
        public String relativeOutput() {
            return className + "/cifar10_" + className + "_" + index + ".aedat";
        }
    }

    /** The images found and the inputs already known to be unusable. */
    public record Plan(Path root, List<Item> items, List<Skipped> skipped) {
        public Plan {
            items = List.copyOf(items);
            skipped = List.copyOf(skipped);
        }
    }

    private ImageSetEmulator() {
    }

    /**
     * Scans {@code images}: class folders in natural order, image files in natural order, at most
     * {@code limitPerClass} per class (0 = all).
     *
     * @throws IllegalArgumentException when the folder does not exist or holds no class folder
     */
    public static Plan plan(Path images, int limitPerClass) {
        if (!Files.isDirectory(images)) {
            throw new IllegalArgumentException("image folder " + images + " does not exist or is not a folder");
        }
        if (limitPerClass < 0) {
            throw new IllegalArgumentException("limit per class " + limitPerClass + " is negative");
        }
        List<Item> items = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<Path> classDirs = new ArrayList<>();
        for (Path p : list(images)) {
            if (Files.isDirectory(p)) {
                classDirs.add(p);
            } else {
                skipped.add(new Skipped(images.relativize(p).toString(), "not in a class folder"));
            }
        }
        if (classDirs.isEmpty()) {
            throw new IllegalArgumentException("image folder " + images + " has no class folders (expected <class>/<image>.jpg)");
        }
        for (Path dir : classDirs) {
            String cls = dir.getFileName().toString();
            int index = 0;
            int found = 0;
            for (Path f : list(dir)) {
                String rel = images.relativize(f).toString().replace('\\', '/');
                if (Files.isDirectory(f)) {
                    skipped.add(new Skipped(rel, "a folder inside a class folder"));
                    continue;
                }
                if (!isImageName(f)) {
                    skipped.add(new Skipped(rel, "not an image file (expected .jpg, .jpeg, .png, .bmp or .gif)"));
                    continue;
                }
                int i = index++;
                if (limitPerClass > 0 && found >= limitPerClass) {
                    continue;
                }
                found++;
                items.add(new Item(cls, i, f));
            }
            if (index == 0) {
                skipped.add(new Skipped(cls + "/", "class folder holds no images"));
            }
        }
        return new Plan(images, items, skipped);
    }

    /** Emulates every planned image into {@code out} with {@code threads} workers. */
    public static EmulationSummary run(Plan plan, Path out, Cifar10DvsProtocol protocol, long seed, int threads,
                                       EmulationProgress progress) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads + " must be at least 1");
        }
        long start = System.nanoTime();
        PixelMismatch sensor = protocol.sensorPattern(seed);
        ThreadLocal<PictureRecorder> recorders = ThreadLocal.withInitial(() -> new PictureRecorder(sensor));
        DatasetStats stats = new DatasetStats();
        createDirectories(out);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "emulator");
            t.setDaemon(true);
            return t;
        });
        List<Future<Object>> futures = new ArrayList<>();
        try {
            for (Item item : plan.items()) {
                futures.add(pool.submit(() -> {
                    long cpu0 = CpuTime.now();
                    try {
                        return emulateOne(plan.root(), item, out, protocol, recorders.get(), seed, stats, progress);
                    } finally {
                        stats.addCpuNanos(CpuTime.now() - cpu0);
                    }
                }));
            }
            List<Skipped> skipped = new ArrayList<>(plan.skipped());
            int recordings = 0;
            long events = 0;
            for (Future<Object> f : futures) {
                Object r = get(f);
                if (r instanceof Skipped s) {
                    skipped.add(s);
                } else {
                    recordings++;
                    events += (Long) r;
                }
            }
            return new EmulationSummary(recordings, events, (System.nanoTime() - start) / 1e9, stats.cpuSeconds(), skipped,
                    stats.summary());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The seed of one recording: from the run seed and the image's class and index only. */
    public static long recordingSeed(long seed, Item item) {
        return Seeds.derive(seed, Seeds.RECORDING, fnv1a(item.className() + "/" + item.index()));
    }

    private static Object emulateOne(Path root, Item item, Path out, Cifar10DvsProtocol protocol,
                                     PictureRecorder recorder, long seed, DatasetStats stats,
                                     EmulationProgress progress) {
        String rel = root.relativize(item.image()).toString().replace('\\', '/');
        BufferedImage image;
        try {
            image = decode(item.image());
        } catch (UnusableImageException e) {
            progress.itemDone(0, true);
            return new Skipped(rel, e.getMessage());
        }
        EventBatch events = protocol.record(image, recorder, recordingSeed(seed, item));
        Path target = out.resolve(item.relativeOutput());
        createDirectories(target.getParent());
        Aedat2Writer.write(target, events);
        stats.add(events);
        progress.itemDone(events.size(), false);
        return (long) events.size();
    }

    /** Why an image cannot be emulated (the message is the reason, as reported for skipped inputs). */
    public static final class UnusableImageException extends Exception {
        private static final long serialVersionUID = 1L;

        UnusableImageException(String reason) {
            super(reason);
        }
    }

    /**
     * Decodes an image the way {@link #run} does (size checked in the header first).
     *
     * @throws UnusableImageException for a zero-size, too large, unreadable or undecodable file
     */
    public static BufferedImage decode(Path file) throws UnusableImageException {
        BufferedImage image;
        try {
            if (Files.size(file) == 0) {
                throw new UnusableImageException("zero-size file");
            }
            String tooLarge = tooLarge(file);
            if (tooLarge != null) {
                throw new UnusableImageException(tooLarge);
            }
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new UnusableImageException(unreadable(e));
        }
        if (image == null) {
            throw new UnusableImageException(NOT_DECODABLE);
        }
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw new UnusableImageException("image has no pixels");
        }
        return image;
    }

    /**
     * The recording {@link #run} writes for {@code item}, emulated in memory: the same decoding,
     * protocol, sensor pattern ({@code recorder} must be made from {@code protocol.sensorPattern(seed)})
     * and per-recording seed.
     */
    public static EventBatch emulate(Item item, Cifar10DvsProtocol protocol, PictureRecorder recorder, long seed)
            throws UnusableImageException {
        return protocol.record(decode(item.image()), recorder, recordingSeed(seed, item));
    }

    /**
     * Why {@code file} cannot be an image, judged from its size and header only (no pixels are
     * decoded, so it is cheap enough to run over a whole data set before training), or null when
     * the header is fine; {@link #decode} can still fail on damaged pixel data.
     */
    public static String headerProblem(Path file) {
        try {
            if (Files.size(file) == 0) {
                return "zero-size file";
            }
            try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                if (in == null || !ImageIO.getImageReaders(in).hasNext()) {
                    return NOT_DECODABLE;
                }
            }
            return tooLarge(file);
        } catch (IOException | RuntimeException e) {
            return unreadable(e);
        }
    }

    private static final String NOT_DECODABLE = "not a decodable image (no JPEG/PNG/BMP/GIF content)";

    private static String unreadable(Exception e) {
        return "unreadable image: " + e.getMessage();
    }

    /** Checks the size in the header before decoding, so a huge image cannot exhaust the heap. */
    private static String tooLarge(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return null; // ImageIO.read reports it as undecodable
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                return pixels > MAX_PIXELS ? "image of " + reader.getWidth(0) + "x" + reader.getHeight(0)
                        + " pixels exceeds the limit of " + MAX_PIXELS + " pixels" : null;
            } finally {
                reader.dispose();
            }
        }
    }

    static boolean isImageName(Path f) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot));
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted((a, b) -> NaturalOrder.INSTANCE.compare(a.getFileName().toString(), b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output folder " + dir + ": " + e.getMessage(), e);
        }
    }

    static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("emulation interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c.getMessage(), c);
        }
    }

    static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
