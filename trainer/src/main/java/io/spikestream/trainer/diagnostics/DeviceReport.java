package io.spikestream.trainer.diagnostics;

/**
 * What a device backend can say about itself beyond its results, for the GPU check's report: how
 * its memory is used and which library algorithms it chose. Backends without a device have
 * nothing to add and do not implement it.
 */
public interface DeviceReport {
    /** Memory in use, cached and at its peak, and allocation counts, in one line. */
    String memoryReport();

    /** The convolution algorithm chosen per shape and direction, in one line. */
    String convolutionReport();
}
