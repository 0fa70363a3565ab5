package io.spikestream.events.dataset;

import io.spikestream.events.EventBatch;
import io.spikestream.events.NaturalOrder;
import io.spikestream.events.emulator.Cifar10DvsProtocol;
import io.spikestream.events.io.FilePaths;
import io.spikestream.events.io.Recordings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A labelled set of recordings laid out in class folders. Samples are ordered class by class
 * (label order) and, within a class, by file name in natural order (numbers compared as numbers,
 * so {@code x_9} precedes {@code x_10}), which makes "first 90 % by index" mean the recording index.
 */
public final class Dataset {

    /** CIFAR-10's class order, which CIFAR10-DVS keeps. */
    public static final List<String> CIFAR10_CLASSES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    /** File extensions that count as recordings in class folders. */
    static final List<String> RECORDING_EXTENSIONS = List.of(".aedat", ".aedat4", ".bin", ".raw", ".dat");

    private final Path root;
    private final DatasetKind kind;
    private final List<String> classNames;
    private final List<Sample> samples;
    private final DatasetSplit predefined;
    private final Orientation orientation;
    /** Set for {@link DatasetKind#EMULATED_IMAGES}: samples are images, read through the emulator. */
    private final EmulatedImages emulated;
    /** Recording files of the class folders that are no samples, as "path: reason". */
    private final List<String> skipped;

    /**
     * The emulation seed of {@link DatasetKind#EMULATED_IMAGES} when none is given: the default of
     * {@code spikestream events emulate --seed}.
     */
    public static final long DEFAULT_EMULATION_SEED = 1;

    private Dataset(Path root, DatasetKind kind, List<String> classNames, List<Sample> samples,
            DatasetSplit predefined, Orientation orientation, List<String> skipped) {
        this(root, kind, classNames, samples, predefined, orientation, null, skipped);
    }

    private Dataset(Path root, DatasetKind kind, List<String> classNames, List<Sample> samples,
            DatasetSplit predefined, Orientation orientation, EmulatedImages emulated, List<String> skipped) {
        this.emulated = emulated;
        this.skipped = List.copyOf(skipped);
        this.root = root;
        this.kind = kind;
        this.classNames = List.copyOf(classNames);
        this.samples = List.copyOf(samples);
        this.predefined = predefined;
        this.orientation = orientation;
    }

    /** {@link #open(Path, DatasetKind)} with the layout detected ({@link DatasetKind#AUTO}). */
    public static Dataset open(Path dir) {
        return open(dir, DatasetKind.AUTO);
    }

    public static Dataset open(Path dir, DatasetKind kind) {
        return open(dir, kind, Orientation.AS_DECODED);
    }

    /**
     * Opens a data set.
     *
     * @param orientation applied by {@link #read(Sample)} (for CIFAR10-DVS, whose published readers
     *                    disagree about flips)
     * @throws DatasetException for a missing, empty or mixed folder
     */
    public static Dataset open(Path dir, DatasetKind kind, Orientation orientation) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("data set folder " + dir + " does not exist or is not a folder");
        }
        Path root = dir.toAbsolutePath().normalize();
        DatasetKind k = kind == DatasetKind.AUTO ? detect(root) : kind;
        return switch (k) {
            case NMNIST -> openNmnist(root, orientation);
            case CIFAR10_DVS -> openClassFolders(root, DatasetKind.CIFAR10_DVS, CIFAR10_CLASSES, orientation);
            case FOLDERS -> openClassFolders(root, DatasetKind.FOLDERS, null, orientation);
            case EMULATED_IMAGES -> openEmulated(root, DEFAULT_EMULATION_SEED, orientation);
            case AUTO -> throw new IllegalStateException();
        };
    }

    /**
     * Images in class folders as an emulated CIFAR10-DVS data set ({@link DatasetKind#EMULATED_IMAGES}):
     * {@link #read(Sample)} returns what {@code spikestream events emulate --images dir --seed seed}
     * writes for the sample's image, computed in memory. Classes, labels and sample order are those
     * of a data set opened on that command's output, so seeded splits pick the same recordings.
     */
    public static Dataset openEmulated(Path dir, long seed, Orientation orientation) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("image folder " + dir + " does not exist or is not a folder");
        }
        Path root = dir.toAbsolutePath().normalize();
        EmulatedImages e = new EmulatedImages(root, Cifar10DvsProtocol.defaults(), seed);
        return new Dataset(root, DatasetKind.EMULATED_IMAGES, e.classNames(), e.samples(), null, orientation, e,
                e.skipped());
    }

    static DatasetKind detect(Path root) {
        List<Path> dirs = subdirs(root);
        List<String> names = dirs.stream().map(d -> d.getFileName().toString()).toList();
        if (names.stream().anyMatch(n -> n.equalsIgnoreCase("Train") || n.equalsIgnoreCase("Test"))) {
            return DatasetKind.NMNIST;
        }
        if (!names.isEmpty() && names.stream().allMatch(n -> n.matches("[0-9]"))
                && dirs.stream().anyMatch(d -> hasExtension(d, ".bin"))) {
            return DatasetKind.NMNIST;
        }
        if (!names.isEmpty() && CIFAR10_CLASSES.containsAll(names)) {
            return DatasetKind.CIFAR10_DVS;
        }
        return DatasetKind.FOLDERS;
    }

    private static Dataset openNmnist(Path root, Orientation orientation) {
        List<Path> parts = new ArrayList<>();
        for (Path d : subdirs(root)) {
            String n = d.getFileName().toString();
            if (n.equalsIgnoreCase("Train")) {
                parts.add(0, d);
            } else if (n.equalsIgnoreCase("Test")) {
                parts.add(d);
            }
        }
        List<String> digits = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            digits.add(Integer.toString(i));
        }
        if (parts.isEmpty()) {
            Dataset d = openClassFolders(root, DatasetKind.NMNIST, digits, orientation);
            return d;
        }
        List<Sample> all = new ArrayList<>();
        List<Sample> train = new ArrayList<>();
        List<Sample> test = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path part : parts) {
            List<Sample> s = scanClasses(root, part, digits, DatasetKind.NMNIST, skipped);
            (part.getFileName().toString().equalsIgnoreCase("Train") ? train : test).addAll(s);
        }
        all.addAll(train);
        all.addAll(test);
        all.sort(Comparator.comparingInt(Sample::label));
        return new Dataset(root, DatasetKind.NMNIST, digits, all,
                new DatasetSplit(train, test), orientation, skipped);
    }

    private static Dataset openClassFolders(Path root, DatasetKind kind, List<String> fixedClasses,
            Orientation orientation) {
        List<String> classes = fixedClasses;
        if (classes == null) {
            classes = subdirs(root).stream().map(d -> d.getFileName().toString()).sorted(NATURAL).toList();
            if (classes.isEmpty()) {
                throw new DatasetException("data set folder " + root + " has no class folders");
            }
        }
        List<String> skipped = new ArrayList<>();
        List<Sample> samples = scanClasses(root, root, classes, kind, skipped);
        return new Dataset(root, kind, classes, samples, null, orientation, skipped);
    }

    /**
     * Samples of the class folders under {@code dir}, in label then natural file order; recording files that
     * cannot be samples (empty, unreadable, dangling links, devices) go to {@code skipped} as "path: reason".
     */
    private static List<Sample> scanClasses(Path root, Path dir, List<String> classes, DatasetKind kind,
                                            List<String> skipped) {
        List<Path> loose = recordings(dir);
        if (!loose.isEmpty()) {
            throw new DatasetException("data set folder " + dir + " mixes recordings (" + loose.get(0).getFileName()
                    + ") with class folders; put every recording in a class folder");
        }
        List<Path> dirs = subdirs(dir);
        if (dirs.isEmpty()) {
            throw new DatasetException("data set folder " + dir + " has no class folders");
        }
        List<Sample> out = new ArrayList<>();
        for (Path d : dirs) {
            String name = d.getFileName().toString();
            int label = classes.indexOf(name);
            if (label < 0) {
                throw new DatasetException("folder " + d + " is not a class of this " + kind + " data set (classes: "
                        + String.join(", ", classes) + ")");
            }
        }
        for (int label = 0; label < classes.size(); label++) {
            Path d = dir.resolve(classes.get(label));
            if (!Files.isDirectory(d)) {
                continue;
            }
            if (!subdirs(d).isEmpty()) {
                throw new DatasetException("class folder " + d + " contains folders; expected recordings only");
            }
            List<Path> files = new ArrayList<>();
            int before = skipped.size();
            for (Path f : recordings(d)) {
                String why = unusable(f);
                if (why == null) {
                    files.add(f);
                } else {
                    skipped.add(f + ": " + why);
                }
            }
            if (files.isEmpty()) {
                throw new DatasetException("class folder " + d + " holds no recordings (" + String.join(", ", RECORDING_EXTENSIONS)
                        + ")" + (skipped.size() > before ? "; unusable: " + skipped.get(before) : ""));
            }
            TreeSet<String> exts = new TreeSet<>();
            files.forEach(f -> exts.add(extension(f)));
            if (exts.size() > 1) {
                throw new DatasetException("class folder " + d + " mixes recording formats " + exts);
            }
            for (Path f : files) {
                String id = root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
                out.add(new Sample(id, f, label, classes.get(label)));
            }
        }
        if (out.isEmpty()) {
            throw new DatasetException("data set folder " + dir + " holds no recordings");
        }
        return out;
    }

    public Path root() {
        return root;
    }

    public DatasetKind kind() {
        return kind;
    }

    public Orientation orientation() {
        return orientation;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** All samples, class by class, natural file order within a class (N-MNIST: Train before Test). */
    public List<Sample> samples() {
        return samples;
    }

    /** The split the data set ships with (N-MNIST Train/Test), if any. */
    public Optional<DatasetSplit> predefinedSplit() {
        return Optional.ofNullable(predefined);
    }

    /**
     * Decodes a sample (whole recording) with this data set's orientation applied; for
     * {@link DatasetKind#EMULATED_IMAGES}, emulates the recording of the sample's image.
     */
    public EventBatch read(Sample sample) {
        return orientation.apply(emulated != null ? emulated.read(sample) : Recordings.readAll(sample.path()));
    }

    /**
     * Inputs that are not samples, as "path: reason": recording files that are empty or cannot be read
     * (dangling links, devices, no permission), and for {@link DatasetKind#EMULATED_IMAGES} unusable
     * images and files outside class folders. Train and eval report them.
     */
    public List<String> skippedInputs() {
        return skipped;
    }

    /** Why a recording file cannot be a sample, or null. */
    private static String unusable(Path f) {
        String why = FilePaths.unreadable(f);
        if (why != null) {
            return why;
        }
        try {
            return Files.size(f) == 0 ? "empty file" : null;
        } catch (IOException e) {
            return FilePaths.reason(e);
        }
    }

    /** The emulation seed of an {@link DatasetKind#EMULATED_IMAGES} data set; empty for recordings. */
    public OptionalLong emulationSeed() {
        return emulated == null ? OptionalLong.empty() : OptionalLong.of(emulated.seed());
    }

    /**
     * The first {@code floor(trainFraction × n)} samples of each class (by index) for training, the
     * rest for testing: CIFAR10-DVS's common 90/10 split with 0.9.
     */
    public DatasetSplit splitByIndex(double trainFraction) {
        checkFraction(trainFraction);
        List<Sample> train = new ArrayList<>();
        List<Sample> test = new ArrayList<>();
        for (List<Sample> cls : byClass()) {
            int k = trainCount(trainFraction, cls.size());
            train.addAll(cls.subList(0, k));
            test.addAll(cls.subList(k, cls.size()));
        }
        return new DatasetSplit(train, test);
    }

    /**
     * Per class, a seeded shuffle picks {@code floor(trainFraction × n)} samples for training; both
     * lists keep data-set order. The same seed gives the same split on every machine.
     */
    public DatasetSplit splitRandom(double trainFraction, long seed) {
        checkFraction(trainFraction);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Sample> train = new ArrayList<>();
        List<Sample> test = new ArrayList<>();
        for (List<Sample> cls : byClass()) {
            int n = cls.size();
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int tmp = idx[i];
                idx[i] = idx[j];
                idx[j] = tmp;
            }
            int k = trainCount(trainFraction, n);
            boolean[] inTrain = new boolean[n];
            for (int i = 0; i < k; i++) {
                inTrain[idx[i]] = true;
            }
            for (int i = 0; i < n; i++) {
                (inTrain[i] ? train : test).add(cls.get(i));
            }
        }
        return new DatasetSplit(train, test);
    }

    private List<List<Sample>> byClass() {
        List<List<Sample>> out = new ArrayList<>();
        for (int i = 0; i < classNames.size(); i++) {
            out.add(new ArrayList<>());
        }
        for (Sample s : samples) {
            out.get(s.label()).add(s);
        }
        return out;
    }

    private static int trainCount(double fraction, int n) {
        return (int) Math.min(n, Math.floor(fraction * n + 1e-9));
    }

    private static void checkFraction(double f) {
        if (!(f >= 0 && f <= 1)) {
            throw new IllegalArgumentException("train fraction " + f + " outside 0..1");
        }
    }

    private static List<Path> subdirs(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString(), NATURAL)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Entries of {@code dir} named like recordings that are not folders (links, devices and all). */
    private static List<Path> recordings(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !Files.isDirectory(p))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> RECORDING_EXTENSIONS.contains(extension(p)))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString(), NATURAL)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasExtension(Path dir, String ext) {
        return recordings(dir).stream().anyMatch(p -> extension(p).equals(ext));
    }

    static String extension(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot);
    }

    static final Comparator<String> NATURAL = NaturalOrder.INSTANCE;

    @Override
    public String toString() {
        return kind + " data set " + root + " (" + classNames.size() + " classes, " + samples.size() + " samples)";
    }
}
