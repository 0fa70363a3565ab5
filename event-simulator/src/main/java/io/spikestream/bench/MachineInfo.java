package io.spikestream.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a bench ran: cores, memory, JVM and OS, for the report. */
public final class MachineInfo {
    private MachineInfo() {
    }

    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        Object physical = null;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            physical = os.getTotalMemorySize();
        }
        m.put("memory_bytes", physical);
        m.put("jvm_max_heap_bytes", Runtime.getRuntime().maxMemory());
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        String host = System.getenv("HOSTNAME");
        if (host != null) {
            m.put("host", host);
        }
        return m;
    }
}
