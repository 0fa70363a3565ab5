package io.spikestream.replay;

import java.util.Objects;

/**
 * One recording that a camera can replay: its id (path relative to the data set root, or the file
 * name of a single recording) and its ground-truth class index, {@link #NO_LABEL} when unknown.
 */
public record SampleRef(String id, int label) {
    public static final int NO_LABEL = -1;

    public SampleRef {
        Objects.requireNonNull(id, "id");
        if (label < NO_LABEL) {
            throw new IllegalArgumentException("sample " + id + ": label " + label + " is negative");
        }
    }

    public boolean hasLabel() {
        return label != NO_LABEL;
    }
}
