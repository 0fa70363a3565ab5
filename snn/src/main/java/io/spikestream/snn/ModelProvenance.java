package io.spikestream.snn;

import java.util.List;

/**
 * Where a model came from: the data, split, seed and settings it was trained with, on which backend,
 * and how it scored. Stored in the checkpoint with the model; {@link #UNKNOWN} (empty texts, zeros) for
 * a model without a training history. Build one with {@link #builder()}, change one with
 * {@link #toBuilder()}.
 *
 * @param dataset           data-set kind ("nmnist", "cifar10-dvs", "folders", ...)
 * @param dataDir           the data directory as given on the command line
 * @param seed              seed of every random choice (split, initialisation, shuffling, augmentation)
 * @param epochs            epochs trained
 * @param backend           compute backend ("cpu-nd4j", "cuda", ...)
 * @param device            device description (CPU model or GPU name)
 * @param accuracyByStep    held-out accuracy after each time step 1..T (empty when not evaluated)
 * @param split             how the held-out split was made, e.g. "90/10 per class, seed 42"
 * @param trainSamples      training samples
 * @param validationSamples held-out samples
 * @param learningRate      initial learning rate
 * @param batchSize         batch size
 * @param trainingSeconds   wall-clock training time
 * @param createdAt         ISO-8601 creation time
 * @param softwareVersion   spikestream version and git revision that trained the model
 * @param commandLine       the full training command line
 * @param bestAccuracy      best held-out accuracy at T
 */
public record ModelProvenance(String dataset, String dataDir, long seed, int epochs, String backend, String device,
                              List<Float> accuracyByStep, String split, int trainSamples, int validationSamples,
                              float learningRate, int batchSize, double trainingSeconds, String createdAt,
                              String softwareVersion, String commandLine, float bestAccuracy) {

    /** No training history. */
    public static final ModelProvenance UNKNOWN = builder().build();

    public ModelProvenance {
        dataset = text(dataset);
        dataDir = text(dataDir);
        backend = text(backend);
        device = text(device);
        accuracyByStep = accuracyByStep == null ? List.of() : List.copyOf(accuracyByStep);
        split = text(split);
        createdAt = text(createdAt);
        softwareVersion = text(softwareVersion);
        commandLine = text(commandLine);
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    /** The held-out accuracy after each step as an array (a copy). */
    public float[] accuracyByStepArray() {
        float[] a = new float[accuracyByStep.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = accuracyByStep.get(i);
        }
        return a;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().dataset(dataset).dataDir(dataDir).seed(seed).epochs(epochs).backend(backend).device(device)
                .accuracyByStep(accuracyByStep).split(split).trainSamples(trainSamples)
                .validationSamples(validationSamples).learningRate(learningRate).batchSize(batchSize)
                .trainingSeconds(trainingSeconds).createdAt(createdAt).softwareVersion(softwareVersion)
                .commandLine(commandLine).bestAccuracy(bestAccuracy);
    }

    /** Mutable, so that a training run can fill it in as epochs finish; not thread-safe. */
    public static final class Builder {
        private String dataset = "";
        private String dataDir = "";
        private long seed;
        private int epochs;
        private String backend = "";
        private String device = "";
        private List<Float> accuracyByStep = List.of();
        private String split = "";
        private int trainSamples;
        private int validationSamples;
        private float learningRate;
        private int batchSize;
        private double trainingSeconds;
        private String createdAt = "";
        private String softwareVersion = "";
        private String commandLine = "";
        private float bestAccuracy;

        private Builder() {
        }

        public Builder dataset(String v) {
            dataset = v;
            return this;
        }

        public Builder dataDir(String v) {
            dataDir = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder backend(String v) {
            backend = v;
            return this;
        }

        public Builder device(String v) {
            device = v;
            return this;
        }

        public Builder accuracyByStep(List<Float> v) {
            accuracyByStep = v;
            return this;
        }

        /** Replaces the accuracy per step with these values. */
        public Builder accuracyByStep(float[] v) {
            Float[] boxed = new Float[v.length];
            for (int i = 0; i < v.length; i++) {
                boxed[i] = v[i];
            }
            accuracyByStep = List.of(boxed);
            return this;
        }

        public Builder split(String v) {
            split = v;
            return this;
        }

        public Builder trainSamples(int v) {
            trainSamples = v;
            return this;
        }

        public Builder validationSamples(int v) {
            validationSamples = v;
            return this;
        }

        public Builder learningRate(float v) {
            learningRate = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder trainingSeconds(double v) {
            trainingSeconds = v;
            return this;
        }

        public Builder createdAt(String v) {
            createdAt = v;
            return this;
        }

        public Builder softwareVersion(String v) {
            softwareVersion = v;
            return this;
        }

        public Builder commandLine(String v) {
            commandLine = v;
            return this;
        }

        public Builder bestAccuracy(float v) {
            bestAccuracy = v;
            return this;
        }

        public ModelProvenance build() {
            return new ModelProvenance(dataset, dataDir, seed, epochs, backend, device, accuracyByStep, split,
                    trainSamples, validationSamples, learningRate, batchSize, trainingSeconds, createdAt,
                    softwareVersion, commandLine, bestAccuracy);
        }
    }
}
