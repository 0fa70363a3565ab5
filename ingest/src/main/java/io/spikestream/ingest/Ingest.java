package io.spikestream.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;

/**
 * Bridges live cameras onto the events topic: one thread per source reads, decodes and packetizes,
 * a bounded queue per source holds packets, one sender thread hands them to the Kafka producer (key =
 * camera id). {@link #stop()} is a clean stop: the sources stop reading, send what they have read,
 * and the sender delivers it within the stop timeout (the rest is counted as dropped). The producer
 * belongs to the caller, who closes it after the stop.
 */
public final class Ingest implements AutoCloseable {
    private final IngestConfig config;
    private final List<SourceStats> stats;
    private final List<Source> sources;
    private final List<PacketQueue> queues;
    private final List<Thread> threads;
    private final Sender sender;
    private final Thread senderThread;
    private final long startNs;
    private volatile long endNs;
    private boolean stopped;

    private Ingest(IngestConfig config, Producer<String, byte[]> producer, IngestListener listener, InputStream stdin) {
        this.config = config;
        this.stats = new ArrayList<>();
        this.sources = new ArrayList<>();
        this.queues = new ArrayList<>();
        this.threads = new ArrayList<>();
        List<PacketQueue> qs = new ArrayList<>();
        Sender[] holder = new Sender[1];
        for (SourceConfig sc : config.sources()) {
            SourceStats st = new SourceStats(sc);
            PacketQueue q = new PacketQueue(config.queuePackets(), sc.overflow(), st, () -> holder[0].wake());
            Source s;
            if (sc.spec() instanceof SourceSpec.DvTcp) {
                s = new DvTcpSource(sc, config, st, q, listener);
            } else if (sc.spec() instanceof SourceSpec.Udp) {
                s = new UdpSource(sc, config, st, q, listener);
            } else {
                s = new StreamSource(sc, config, st, q, listener, stdin);
            }
            stats.add(st);
            qs.add(q);
            sources.add(s);
        }
        queues.addAll(qs);
        this.sender = new Sender(producer, config.topic(), List.copyOf(qs));
        holder[0] = sender;
        this.senderThread = new Thread(sender, "ingest-sender");
        senderThread.setDaemon(true);
        for (Source s : sources) {
            Thread t = new Thread(s, "ingest-source " + s.config.camera());
            t.setDaemon(true);
            threads.add(t);
        }
        this.startNs = System.nanoTime();
    }

    /** Starts reading every source (standard input is {@code System.in}). */
    public static Ingest start(IngestConfig config, Producer<String, byte[]> producer, IngestListener listener,
                               MeterRegistry registry) {
        return start(config, producer, listener, registry, System.in);
    }

    /** As {@link #start(IngestConfig, Producer, IngestListener, MeterRegistry)} with {@code stdin} as the {@code -} source. */
    public static Ingest start(IngestConfig config, Producer<String, byte[]> producer, IngestListener listener,
                               MeterRegistry registry, InputStream stdin) {
        Ingest ingest = new Ingest(config, producer, listener, stdin);
        IngestMetrics.bind(registry, ingest.stats);
        ingest.senderThread.start();
        ingest.threads.forEach(Thread::start);
        return ingest;
    }

    public IngestConfig config() {
        return config;
    }

    /** Each source's live counters, in the order of the configuration. */
    public List<SourceStats> sources() {
        return List.copyOf(stats);
    }

    /** True when every source has ended by itself or failed (streams at their end); TCP and UDP sources never do. */
    public boolean sourcesDone() {
        for (Thread t : threads) {
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** Waits until {@link #sourcesDone()} or the timeout. */
    public boolean awaitSourcesDone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return sourcesDone();
            }
            t.join(Math.max(1, left / 1_000_000));
        }
        return sourcesDone();
    }

    /** True while no source has failed. */
    public boolean healthy() {
        return stats.stream().noneMatch(s -> s.state() == SourceStats.State.FAILED);
    }

    /**
     * Stops every source, sends what was read and waits for the broker's acknowledgements, within the
     * stop timeout; what is still queued then is counted as dropped. Idempotent.
     */
    public synchronized void stop() throws InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        long deadline = System.nanoTime() + config.stopTimeout().toNanos();
        sources.forEach(Source::stop);
        for (Thread t : threads) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        if (!sourcesDone()) {
            queues.forEach(PacketQueue::abandon);
            for (Thread t : threads) {
                t.join(1_000);
            }
        }
        senderThread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        if (senderThread.isAlive()) {
            sender.abandon();
            queues.forEach(PacketQueue::abandon);
            senderThread.join(5_000);
        }
        endNs = System.nanoTime();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** Seconds since the start (until the stop, once stopped). */
    public double seconds() {
        long end = endNs == 0 ? System.nanoTime() : endNs;
        return (end - startNs) / 1e9;
    }

    /** Totals and each source's counters, as the {@code --json} summary prints them. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        double s = Math.max(1e-9, seconds());
        long in = 0;
        long out = 0;
        long dropped = 0;
        long late = 0;
        long failed = 0;
        long packets = 0;
        long errors = 0;
        List<Map<String, Object>> per = new ArrayList<>();
        for (SourceStats st : stats) {
            in += st.eventsIn();
            out += st.eventsOut();
            dropped += st.droppedEvents();
            late += st.lateEvents();
            failed += st.failedEvents();
            packets += st.packetsOut();
            errors += st.errors();
            per.add(st.toJson());
        }
        m.put("seconds", Math.round(s * 1000) / 1000.0);
        m.put("topic", config.topic().name());
        m.put("events_in", in);
        m.put("events_out", out);
        m.put("events_per_s_in", Math.round(in / s));
        m.put("events_per_s_out", Math.round(out / s));
        m.put("packets_out", packets);
        m.put("dropped_events", dropped);
        m.put("late_events", late);
        m.put("failed_events", failed);
        m.put("errors", errors);
        m.put("packet_us", config.packetUs());
        m.put("sources", per);
        return m;
    }
}
