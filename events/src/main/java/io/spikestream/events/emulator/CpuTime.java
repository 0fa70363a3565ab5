package io.spikestream.events.emulator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** CPU time of the calling thread in ns (0 where the JVM cannot measure it). */
final class CpuTime {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final boolean SUPPORTED = MX.isCurrentThreadCpuTimeSupported();

    private CpuTime() {
    }

    static long now() {
        return SUPPORTED ? MX.getCurrentThreadCpuTime() : 0;
    }
}
