package io.spikestream.events.dataset;

import java.util.List;

/** A train/test partition of a data set's samples, each list in data-set order. */
public record DatasetSplit(List<Sample> train, List<Sample> test) {
    public DatasetSplit {
        train = List.copyOf(train);
        test = List.copyOf(test);
    }
}
