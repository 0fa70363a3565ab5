package io.spikestream.events.emulator;

import io.spikestream.events.EventBatch;
import io.spikestream.events.io.NmnistWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Generates the self-made moving-digits data set in the N-MNIST layout:
 * {@code <out>/Train/<digit>/NNNNN.bin} and {@code <out>/Test/<digit>/NNNNN.bin} (numbered from
 * 00001 per folder), so the N-MNIST reader and network apply unchanged. Sample i shows digit
 * i mod 10; of each digit's samples the first floor({@code trainFraction} × count) go to Train, the
 * rest to Test.
 */
public final class DigitSetGenerator {

    /** One recording to make. */
    public record Item(int sample, int digit, boolean train, int number) {
        public String relativeOutput() {
            return (train ? "Train" : "Test") + "/" + digit + "/" + String.format("%05d", number) + ".bin";
        }
    }

    private DigitSetGenerator() {
    }

    /** The deterministic assignment of samples to digits, splits and file numbers. */
    public static List<Item> plan(int count, double trainFraction) {
        if (count < 1 || count > 10_000_000) {
            throw new IllegalArgumentException("digit count " + count + " outside 1..10000000");
        }
        if (!(trainFraction >= 0 && trainFraction <= 1)) {
            throw new IllegalArgumentException("train fraction " + trainFraction + " outside 0..1");
        }
        List<Item> items = new ArrayList<>(count);
        int[] trainNo = new int[10];
        int[] testNo = new int[10];
        for (int i = 0; i < count; i++) {
            int digit = i % 10;
            int perDigit = count / 10 + (digit < count % 10 ? 1 : 0);
            int j = i / 10;
            boolean train = j < (int) Math.floor(perDigit * trainFraction + 1e-9);
            int number = train ? ++trainNo[digit] : ++testNo[digit];
            items.add(new Item(i, digit, train, number));
        }
        return items;
    }

    public static EmulationSummary generate(Path out, int count, double trainFraction, MovingDigitsProtocol protocol,
                                            long seed, int threads, EmulationProgress progress) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads + " must be at least 1");
        }
        List<Item> items = plan(count, trainFraction);
        long start = System.nanoTime();
        PixelMismatch sensor = protocol.sensorPattern(seed);
        ThreadLocal<PictureRecorder> recorders = ThreadLocal.withInitial(() -> new PictureRecorder(sensor));
        DatasetStats stats = new DatasetStats();
        ImageSetEmulator.createDirectories(out);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "emulator");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (Item item : items) {
                futures.add(pool.submit(() -> {
                    long cpu0 = CpuTime.now();
                    EventBatch ev = protocol.record(item.digit(), recorders.get(),
                            Seeds.derive(seed, Seeds.RECORDING, item.sample()));
                    Path target = out.resolve(item.relativeOutput());
                    ImageSetEmulator.createDirectories(target.getParent());
                    NmnistWriter.write(target, ev);
                    stats.add(ev);
                    stats.addCpuNanos(CpuTime.now() - cpu0);
                    progress.itemDone(ev.size(), false);
                    return (long) ev.size();
                }));
            }
            long events = 0;
            for (Future<Long> f : futures) {
                events += ImageSetEmulator.get(f);
            }
            return new EmulationSummary(items.size(), events, (System.nanoTime() - start) / 1e9, stats.cpuSeconds(), List.of(),
                    stats.summary());
        } finally {
            pool.shutdownNow();
        }
    }
}
