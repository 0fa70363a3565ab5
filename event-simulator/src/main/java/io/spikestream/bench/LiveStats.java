package io.spikestream.bench;

/**
 * The decisions of the running load so far, for a live display: NaN where nothing has been seen yet.
 *
 * @param accuracy  of the labelled decisions
 * @param meanSteps time steps per decision
 * @param p50Ms     decision latency median
 * @param p99Ms     decision latency 99th percentile
 */
public record LiveStats(int cameras, long classified, long expected, double accuracy, double meanSteps, double p50Ms,
                        double p99Ms) {
}
