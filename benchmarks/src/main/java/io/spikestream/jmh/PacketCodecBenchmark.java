package io.spikestream.jmh;

import io.spikestream.events.EventBatch;
import io.spikestream.events.EventBuffer;
import io.spikestream.events.PacketCodec;
import io.spikestream.events.SensorGeometry;
import io.spikestream.proto.v1.EventPacket;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode and decode throughput of the packed event codec on about 1 ms of a busy 128×128 sensor
 * (4,000 events). Scores are events per second (each invocation handles one packet of
 * {@value #EVENTS} events); bytes per event are printed at setup. Single-threaded: the target
 * (decode ≥ 20 M events/s) is per core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class PacketCodecBenchmark {

    /** Events in 1 ms: a DVS128 in a busy scene emits a few million events per second. */
    static final int EVENTS = 4000;

    private EventBatch batch;
    private EventPacket packet;
    private byte[] wire;
    private EventBuffer buffer;

    @Setup(Level.Trial)
    public void setUp() {
        Random rnd = new Random(2026);
        int[] x = new int[EVENTS];
        int[] y = new int[EVENTS];
        boolean[] on = new boolean[EVENTS];
        long[] t = new long[EVENTS];
        long time = 5_000_000_000L;
        for (int i = 0; i < EVENTS; i++) {
            // an edge sweeping across the sensor: neighbouring events are spatially clustered
            int cx = (i * 3) % 128;
            x[i] = Math.floorMod(cx + (int) Math.round(rnd.nextGaussian() * 4), 128);
            y[i] = rnd.nextInt(128);
            on[i] = rnd.nextBoolean();
            time += rnd.nextInt(4) == 0 ? 1 : 0;
            t[i] = time;
        }
        batch = EventBatch.of(SensorGeometry.DVS128, EVENTS, x, y, on, t);
        packet = PacketCodec.encode(batch).setCameraId("camera-0001").setSequence(12345).build();
        wire = packet.toByteArray();
        buffer = new EventBuffer(SensorGeometry.DVS128, EVENTS);
        System.out.printf("%n[codec] %d events over %d µs: %d packed bytes (%.3f bytes/event), "
                + "%d bytes serialized (%.3f bytes/event)%n", EVENTS, t[EVENTS - 1] - t[0],
                packet.getPackedEvents().size(), packet.getPackedEvents().size() / (double) EVENTS,
                wire.length, wire.length / (double) EVENTS);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public EventPacket encode() {
        return PacketCodec.encode(batch).setCameraId("camera-0001").setSequence(12345).build();
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int parseAndDecode() {
        buffer.clear();
        PacketCodec.decodeInto(PacketCodec.parse(wire), buffer);
        return buffer.size();
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int decode() {
        buffer.clear();
        PacketCodec.decodeInto(packet, buffer);
        return buffer.size();
    }
}
