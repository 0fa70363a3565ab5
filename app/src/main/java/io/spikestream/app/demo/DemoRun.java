package io.spikestream.app.demo;

import io.spikestream.app.bench.BenchCommand;
import io.spikestream.app.bench.BenchRunner;
import io.spikestream.app.bench.ModelInfos;
import io.spikestream.bench.BenchConfig;
import io.spikestream.bench.BenchListener;
import io.spikestream.bench.BenchResult;
import io.spikestream.events.dataset.DatasetKind;
import io.spikestream.events.emulator.DigitSetGenerator;
import io.spikestream.events.emulator.EmulationProgress;
import io.spikestream.events.emulator.MovingDigitsProtocol;
import io.spikestream.replay.RecordingSource;
import io.spikestream.replay.ReplayConfig;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.topics.Guarantee;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole pipeline in one call: moving-digit recordings (or the given data), an in-process broker and
 * stream app with the bundled model (or the given one), the recordings replayed as live cameras, each
 * once, and the latency bench's result ({@code demo --live} shows the same inputs through simulated
 * cameras and ingest instead: {@link LiveDemo}). Temporary files are removed at the end.
 */
public final class DemoRun {
    /** The model shipped in the jar: trained on generated digits of seed 1. */
    static final String BUNDLED_MODEL = "/models/digits-bntt.ckpt";
    /** Topic partitions at least (more with more cameras), so that the stream app can spread the cameras. */
    private static final int MIN_PARTITIONS = 4;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private DemoRun() {
    }

    /**
     * @param model            checkpoint to serve; null: the bundled digits model
     * @param data             recordings to replay; null: {@code digits} freshly generated ones
     * @param digits           recordings to generate when {@code data} is null
     * @param seed             seed of the generated digits and of the replay order
     * @param cameras          concurrent cameras; each replays its share of the recordings once
     * @param speed            multiple of real time ({@link Double#POSITIVE_INFINITY}: as fast as possible)
     * @param warmup           replayed first and drained, unmeasured
     * @param commitIntervalMs the embedded stream app's commit interval; null: the guarantee's default
     * @param guarantee        the embedded stream app's guarantee
     */
    public record Settings(Path model, Path data, int digits, long seed, int cameras, double speed, Duration warmup,
                           Integer commitIntervalMs, Guarantee guarantee) {
        public Settings {
            if (cameras < 1 || digits < 1) {
                throw new IllegalArgumentException("--cameras and --digits must be at least 1");
            }
        }
    }

    /** What the demo tells along the way, besides the bench's own messages and live figures. */
    public interface Listener extends BenchListener {
        /** {@code total} digit recordings are about to be generated; the result is called after each. */
        default EmulationProgress generatingDigits(int total) {
            return (events, skipped) -> { };
        }

        /** The digit recordings are written. */
        default void digitsGenerated() {
        }
    }

    /** What a demo does with its model and recordings. */
    @FunctionalInterface
    interface Body<T> {
        T run(BnntModel model, Path checkpoint, Path recordings) throws IOException, InterruptedException;
    }

    public static BenchResult run(Settings s, Listener listener) throws IOException, InterruptedException {
        return prepared(s, listener, (model, checkpoint, recordings) -> replay(s, listener, model, checkpoint, recordings));
    }

    /**
     * Reads the model (the bundled one when none is given) and the recordings (freshly generated digits when none
     * are given), runs {@code body} on them, and removes the temporary files.
     */
    static <T> T prepared(Settings s, Listener listener, Body<T> body) throws IOException, InterruptedException {
        Path temp = Files.createTempDirectory("spikestream-demo-");
        try {
            Path checkpoint = s.model() != null ? s.model() : extractBundledModel(temp);
            BnntModel model = CheckpointCodec.read(checkpoint);
            Path recordings = s.data() != null ? s.data() : generateDigits(temp.resolve("digits"), s, listener);
            return body.run(model, checkpoint, recordings);
        } finally {
            deleteTree(temp);
        }
    }

    private static BenchResult replay(Settings s, Listener listener, BnntModel model, Path checkpoint, Path recordings)
            throws InterruptedException {
        RecordingSource source = RecordingSource.open(recordings, DatasetKind.AUTO);
        listener.message(String.format(Locale.ROOT, "model %s (%s, T = %d); %s", model.modelId(),
                model.spec().architecture(), model.spec().timesteps(), source.describe()));
        listener.message("starting an embedded Kafka broker and the stream app");
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("embedded", true);
        extra.put("demo", true);
        extra.put("data_generated", s.data() == null);
        extra.put("commit_interval_ms", s.commitIntervalMs() == null ? "default" : s.commitIntervalMs());
        int partitions = Math.max(MIN_PARTITIONS, s.cameras());
        BenchConfig config = BenchConfig.builder(source, ModelInfos.of(model, checkpoint))
                .replay(ReplayConfig.builder().cameras(s.cameras()).speed(s.speed()).splitSamples(true)
                        .seed(s.seed()).cameraPrefix("demo-").build())
                .loads(List.of(s.cameras())).warmup(s.warmup()).drainTimeout(DRAIN_TIMEOUT)
                .partitions(partitions).configuration(extra).guarantee(s.guarantee())
                .offline(BenchCommand.offlineCheck(model)).build();
        return BenchRunner.runEmbedded(config, new BenchRunner.Embedded(model, partitions, 1, s.guarantee(),
                BenchRunner.Embedded.withCommitInterval(Map.of(), s.commitIntervalMs())), listener);
    }

    private static Path generateDigits(Path out, Settings s, Listener listener) {
        // every recording goes to Test/: all are held out from the bundled model's training
        DigitSetGenerator.generate(out, s.digits(), 0.0, MovingDigitsProtocol.defaults(), s.seed(),
                Math.max(1, Runtime.getRuntime().availableProcessors()), listener.generatingDigits(s.digits()));
        listener.digitsGenerated();
        return out;
    }

    static Path extractBundledModel(Path dir) {
        try (InputStream in = DemoRun.class.getResourceAsStream(BUNDLED_MODEL)) {
            if (in == null) {
                throw new IllegalStateException("the bundled model " + BUNDLED_MODEL
                        + " is missing from this build; pass --model CKPT");
            }
            Path file = dir.resolve("digits-bntt.ckpt");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the bundled model: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }
}
