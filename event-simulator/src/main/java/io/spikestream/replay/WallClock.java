package io.spikestream.replay;

import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Wall-clock time in ns since the Unix epoch with {@link System#nanoTime()} resolution: the epoch
 * offset is taken once, so readings are monotonic and precise within this process. The replayer
 * stamps intended send times and the bench reads consume times with the same clock, so decision
 * latency never mixes two clocks even when the stream app runs elsewhere (it only copies the stamp).
 */
public final class WallClock {
    private static final long OFFSET_NS;

    static {
        Instant now = Instant.now();
        long nano = System.nanoTime();
        OFFSET_NS = now.getEpochSecond() * 1_000_000_000L + now.getNano() - nano;
    }

    private WallClock() {
    }

    /** Now, in ns since the Unix epoch. */
    public static long nowNs() {
        return System.nanoTime() + OFFSET_NS;
    }

    /**
     * Parks until {@code deadlineNs} (epoch ns); returns at once when it has passed. No spinning:
     * the cores are shared, and the park's wake-up slack (tens of µs) is counted as lateness.
     */
    public static void sleepUntil(long deadlineNs) throws InterruptedException {
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long left = deadlineNs - nowNs();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(left);
        }
    }

    /** The longest single park of {@link #sleepUntil(long, java.util.function.BooleanSupplier)}. */
    private static final long STOP_POLL_NS = 20_000_000L;

    /**
     * {@link #sleepUntil(long)} that also wakes within 20 ms when {@code stop} turns true.
     *
     * @return false when stopped before the deadline
     */
    public static boolean sleepUntil(long deadlineNs, BooleanSupplier stop)
            throws InterruptedException {
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (stop.getAsBoolean()) {
                return false;
            }
            long left = deadlineNs - nowNs();
            if (left <= 0) {
                return true;
            }
            LockSupport.parkNanos(Math.min(left, STOP_POLL_NS));
        }
    }
}
