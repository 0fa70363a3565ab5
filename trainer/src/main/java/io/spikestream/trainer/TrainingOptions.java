package io.spikestream.trainer;

import io.spikestream.events.dataset.DatasetKind;
import java.nio.file.Path;

/**
 * Everything a {@link TrainingRun} takes ({@code spikestream train}'s options).
 *
 * @param validationSplit fraction of each class held out by the seed, in [0, 1)
 * @param out             the checkpoint to write; the resume state goes next to it
 * @param commandLine     recorded in the provenance
 * @param softwareVersion recorded in the provenance
 */
public record TrainingOptions(Path data, DatasetKind datasetKind, String architecture, int timesteps,
        FramingOptions framing, TrainConfig train, String backend, double validationSplit, Path out, boolean resume,
        String commandLine, String softwareVersion) {

    public TrainingOptions {
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new IllegalArgumentException("validation split " + validationSplit + " outside [0, 1)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().data(data).datasetKind(datasetKind).architecture(architecture).timesteps(timesteps)
                .framing(framing).train(train).backend(backend).validationSplit(validationSplit).out(out).resume(resume)
                .commandLine(commandLine).softwareVersion(softwareVersion);
    }

    /** "90/10 per class, seed 42", or "no validation split". */
    String splitDescription() {
        if (validationSplit == 0) {
            return "no validation split";
        }
        long trainPct = Math.round(100 * (1 - validationSplit));
        return trainPct + "/" + (100 - trainPct) + " per class, seed " + train.seed();
    }

    /** Builds {@link TrainingOptions}: data set kind auto, backend auto, 10 % held out, no resume. */
    public static final class Builder {
        private Path data;
        private DatasetKind datasetKind = DatasetKind.AUTO;
        private String architecture;
        private int timesteps;
        private FramingOptions framing;
        private TrainConfig train;
        private String backend = "auto";
        private double validationSplit = 0.1;
        private Path out;
        private boolean resume;
        private String commandLine = "";
        private String softwareVersion = "";

        private Builder() {
        }

        public Builder data(Path v) {
            data = v;
            return this;
        }

        public Builder datasetKind(DatasetKind v) {
            datasetKind = v;
            return this;
        }

        public Builder architecture(String v) {
            architecture = v;
            return this;
        }

        public Builder timesteps(int v) {
            timesteps = v;
            return this;
        }

        public Builder framing(FramingOptions v) {
            framing = v;
            return this;
        }

        public Builder train(TrainConfig v) {
            train = v;
            return this;
        }

        public Builder backend(String v) {
            backend = v;
            return this;
        }

        public Builder validationSplit(double v) {
            validationSplit = v;
            return this;
        }

        public Builder out(Path v) {
            out = v;
            return this;
        }

        public Builder resume(boolean v) {
            resume = v;
            return this;
        }

        public Builder commandLine(String v) {
            commandLine = v;
            return this;
        }

        public Builder softwareVersion(String v) {
            softwareVersion = v;
            return this;
        }

        public TrainingOptions build() {
            return new TrainingOptions(data, datasetKind, architecture, timesteps, framing, train, backend,
                    validationSplit, out, resume, commandLine, softwareVersion);
        }
    }
}
