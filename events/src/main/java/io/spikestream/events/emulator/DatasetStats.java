package io.spikestream.events.emulator;

import io.spikestream.events.EventBatch;
/**
 * Statistics of the recordings an emulation run produced, for comparison with published figures of
 * real data sets: events per recording, ON fraction, duration, event rate, spatial spread. Thread-safe.
 */
public final class DatasetStats {
    private long recordings;
    private long events;
    private long on;
    private long minEvents = Long.MAX_VALUE;
    private long maxEvents;
    private double sumSqEvents;
    private long sumDurationUs;
    private long minDurationUs = Long.MAX_VALUE;
    private long maxDurationUs;
    private double sumActiveFraction;
    private double sumSpreadX;
    private double sumSpreadY;
    private long cpuNanos;

    /** Summary values, as the JSON report and the documentation table show them. */
    public record Summary(long recordings, double meanEvents, double sdEvents, long minEvents, long maxEvents,
                          double onFraction, double meanDurationMs, double minDurationMs, double maxDurationMs,
                          double meanEventRatePerS, double meanActivePixelFraction, double meanSdX, double meanSdY) {
    }

    /** Adds worker CPU time spent on one item (including skipped ones). */
    public synchronized void addCpuNanos(long nanos) {
        cpuNanos += nanos;
    }

    public synchronized double cpuSeconds() {
        return cpuNanos / 1e9;
    }

    public void add(EventBatch b) {
        int n = b.size();
        long onHere = 0;
        int w = b.geometry().width();
        boolean[] active = new boolean[w * b.geometry().height()];
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            int x = b.x(i);
            int y = b.y(i);
            onHere += b.on(i) ? 1 : 0;
            active[y * w + x] = true;
            sx += x;
            sy += y;
            sxx += (double) x * x;
            syy += (double) y * y;
        }
        int activeCount = 0;
        for (boolean a : active) {
            activeCount += a ? 1 : 0;
        }
        long duration = n > 1 ? b.t(n - 1) - b.t(0) : 0;
        double sdX = n > 0 ? Math.sqrt(Math.max(0, sxx / n - (sx / n) * (sx / n))) : 0;
        double sdY = n > 0 ? Math.sqrt(Math.max(0, syy / n - (sy / n) * (sy / n))) : 0;
        synchronized (this) {
            recordings++;
            events += n;
            on += onHere;
            minEvents = Math.min(minEvents, n);
            maxEvents = Math.max(maxEvents, n);
            sumSqEvents += (double) n * n;
            sumDurationUs += duration;
            minDurationUs = Math.min(minDurationUs, duration);
            maxDurationUs = Math.max(maxDurationUs, duration);
            sumActiveFraction += (double) activeCount / active.length;
            sumSpreadX += sdX;
            sumSpreadY += sdY;
        }
    }

    public synchronized Summary summary() {
        if (recordings == 0) {
            return new Summary(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        double mean = (double) events / recordings;
        double sd = Math.sqrt(Math.max(0, sumSqEvents / recordings - mean * mean));
        double meanDur = (double) sumDurationUs / recordings;
        return new Summary(recordings, mean, sd, minEvents, maxEvents, events == 0 ? 0 : (double) on / events,
                meanDur / 1e3, minDurationUs / 1e3, maxDurationUs / 1e3, meanDur > 0 ? mean / (meanDur / 1e6) : 0,
                sumActiveFraction / recordings, sumSpreadX / recordings, sumSpreadY / recordings);
    }
}
