package io.spikestream.app.bench;

import io.spikestream.app.SpikestreamCli;
import io.spikestream.app.cli.CommitIntervalOption;
import io.spikestream.app.cli.DurationConverter;
import io.spikestream.app.cli.HelpOption;
import io.spikestream.app.cli.JsonOut;
import io.spikestream.app.cli.OutputOption;
import io.spikestream.app.replay.ProducerOptions;
import io.spikestream.app.replay.ReplayOptions;
import io.spikestream.app.serve.GuaranteeOption;
import io.spikestream.bench.BenchConfig;
import io.spikestream.bench.BenchResult;
import io.spikestream.bench.LatencyBench;
import io.spikestream.bench.LoadResult;
import io.spikestream.bench.ModelInfo;
import io.spikestream.bench.OfflineCheck;
import io.spikestream.bench.report.Report;
import io.spikestream.events.io.FilePaths;
import io.spikestream.replay.RecordingSource;
import io.spikestream.replay.ReplayConfig;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.snn.exit.ExitPolicy;
import io.spikestream.snn.exit.OfflineDecider;
import io.spikestream.snn.inference.SparseEngine;
import io.spikestream.topics.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code spikestream bench}: offered load → decision latency, accuracy and steps, written as
 * report.json and report.html. Against a running broker and stream app, or {@code --embedded}.
 */
@Command(name = "bench",
        description = {"Measure decision latency, accuracy and steps under load.",
            "Replays a data set as N cameras into a stream app and times each decision",
            "from the intended send time of the packet that closed its deciding frame",
            "to the moment the classification is read, split into stages (broker, poll,",
            "frame, step, produce, visible). Every decision is checked against the offline",
            "path for its recording. --sweep runs several loads and finds the knee.",
            "Writes report.json and report.html (offline plots)."})
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final class Target {
        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
                description = "Kafka bootstrap servers of a running broker with the stream app (spikestream serve) attached.")
        String bootstrapServers;

        @Option(names = "--embedded", description = "Start an in-process broker and stream app for the run.")
        boolean embedded;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--model", required = true, paramLabel = "CKPT",
            description = "Checkpoint the stream app serves (read for its id, classes and T; --embedded serves it).")
    Path model;

    @Option(names = "--cameras", defaultValue = "1", paramLabel = "N", description = "Cameras (default: ${DEFAULT-VALUE}).")
    int cameras;

    @Option(names = "--sweep", split = ",", paramLabel = "N,N,...",
            description = "Run these camera counts in turn and report the knee (overrides --cameras).")
    List<Integer> sweep;

    @Option(names = "--duration", defaultValue = "20s", paramLabel = "D", converter = DurationConverter.class,
            description = "Replay time per load (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "5s", paramLabel = "W", converter = DurationConverter.class,
            description = "Before each load's measured run, replay W at that load and let it drain: warms the "
                    + "JIT and the pipeline so a cold start's backlog is not measured; 0 skips it (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--report", defaultValue = "bench-report", paramLabel = "DIR",
            description = "Folder for report.json and report.html (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--p99-bound-ms", paramLabel = "MS", defaultValue = "200",
            description = "The knee is the highest load whose p99 stays at or under this (default: "
                    + "${DEFAULT-VALUE}, two thirds of an N-MNIST recording: decisions keep up with the scene).")
    double p99BoundMs;

    @Option(names = "--drain-timeout", defaultValue = "30s", paramLabel = "D", converter = DurationConverter.class,
            description = "Wait this long after a replay for outstanding classifications (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--expect-failover", defaultValue = "0s", paramLabel = "D", converter = DurationConverter.class,
            description = "A stream-app instance may stop or fail during the run (a failover test): wait up to D "
                    + "longer for outstanding classifications, on top of --drain-timeout. A killed instance's "
                    + "partitions move after the session timeout (serve's default 10 s) and its open transaction "
                    + "is aborted after the transaction timeout (10 s), so about 25s covers a kill -9 (default: ${DEFAULT-VALUE}).")
    Duration expectFailover;

    @Option(names = "--classifications-topic", defaultValue = Topics.DEFAULT_CLASSIFICATIONS, paramLabel = "TOPIC",
            description = "Output topic of the stream app (default: ${DEFAULT-VALUE}).")
    String classificationsTopic;

    @Option(names = "--partitions", defaultValue = "4", paramLabel = "N",
            description = "Partitions of topics the bench creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--stream-threads", defaultValue = "1", paramLabel = "N",
            description = "Stream threads of the --embedded app (default: ${DEFAULT-VALUE}).")
    int streamThreads;

    @Mixin
    CommitIntervalOption commitInterval;

    @Mixin
    GuaranteeOption guarantee;

    @Option(names = "--stream-property", paramLabel = "KEY=VALUE",
            description = "A Kafka Streams or client property of the --embedded stream app (repeatable), as serve -X.")
    Map<String, String> streamProperties = new LinkedHashMap<>();

    @Option(names = "--no-offline-check", negatable = false,
            description = "Skip checking every decision against the offline path (class, steps, exit reason, scores),"
                    + " e.g. for a stream app serving with exit overrides.")
    boolean noOfflineCheck;

    @Mixin
    ReplayOptions replay;

    @Mixin
    ProducerOptions producer;

    @Option(names = "--json", description = "Print the report's JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        OutputOption.check(spec.commandLine(), "--report", report, FilePaths.unwritableDirectory(report));
        ReplayConfig replayConfig = replayConfig();
        BnntModel bnnt = CheckpointCodec.read(model);
        ModelInfo info = ModelInfos.of(bnnt, model);
        RecordingSource source = RecordingSource.open(replay.data, replay.dataKind);
        PrintWriter err = spec.commandLine().getErr();
        if (!source.classNames().isEmpty() && !source.classNames().equals(info.classNames())) {
            err.println("bench: warning: data classes " + source.classNames() + " differ from the model's "
                    + info.classNames() + "; accuracy compares class indices");
        }
        StderrBenchListener listener = new StderrBenchListener(err, "bench");
        BenchResult result;
        try {
            BenchConfig config = config(source, info, replayConfig, bnnt);
            if (target.embedded) {
                listener.message("starting an embedded broker and stream app (" + config.guarantee() + ")");
                result = BenchRunner.runEmbedded(config, new BenchRunner.Embedded(bnnt, partitions, streamThreads,
                        config.guarantee(), BenchRunner.Embedded.withCommitInterval(streamProperties,
                        commitInterval.commitIntervalMs)), listener);
            } else {
                result = LatencyBench.run(config, listener);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path written = Report.write(report, result);
        listener.message("report written to " + written.getParent().resolve(Report.HTML_FILE) + " and " + written);
        if (json) {
            JsonOut.print(spec.commandLine().getOut(), result.toJson());
        } else {
            printSummary(spec.commandLine().getOut(), result);
        }
        return failed(err, "bench", result) ? SpikestreamCli.EXIT_FAILURE : SpikestreamCli.EXIT_OK;
    }

    /**
     * True, with the reason on {@code err}, when the run broke the stream app's promise: decisions missing or
     * unexpected, a repeat with another outcome, a decision unlike the offline path's, or a duplicate under
     * exactly-once.
     */
    public static boolean failed(PrintWriter err, String command, BenchResult result) {
        if (result.ok()) {
            return false;
        }
        err.printf(Locale.ROOT, "%s: error: expected %d classifications, got %d (%d duplicates under %s, %d conflicting,"
                + " %d missing, %d unexpected; %d unlike the offline path)%n", command, result.expected(), result.classified(),
                result.duplicates(), result.config().guarantee(), result.conflicts(), result.missing(), result.unexpected(),
                result.offlineDiffering());
        err.flush();
        return true;
    }

    private ReplayConfig replayConfig() {
        try {
            ReplayConfig c = replay.toConfig(1, duration, "bench-");
            if (duration.isZero()) {
                throw new IllegalArgumentException("--duration must be positive");
            }
            return c;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The options as a bench configuration (an embedded run points the producer at its own broker). */
    private BenchConfig config(RecordingSource source, ModelInfo info, ReplayConfig replayConfig, BnntModel bnnt) {
        List<Integer> loads = sweep == null || sweep.isEmpty() ? List.of(cameras) : sweep;
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("embedded", target.embedded);
        if (target.embedded) {
            extra.put("stream_threads", streamThreads);
            extra.put("commit_interval_ms", commitInterval.commitIntervalMs == null ? "default"
                    : commitInterval.commitIntervalMs);
            extra.put("stream_properties", new LinkedHashMap<>(streamProperties));
        }
        extra.put("partitions", partitions);
        extra.put("expect_failover_s", expectFailover.toMillis() / 1000.0);
        String bootstrap = target.embedded ? "embedded" : target.bootstrapServers;
        return BenchConfig.builder(source, info).replay(replayConfig).producer(producer.toSettings(bootstrap))
                .loads(loads).warmup(warmup).drainTimeout(drainTimeout.plus(expectFailover)).p99BoundMs(p99BoundMs)
                .classifications(Topics.classifications(classificationsTopic)).partitions(partitions)
                .configuration(extra).guarantee(guarantee.orDefault())
                .offline(noOfflineCheck ? null : offlineCheck(bnnt)).build();
    }

    /** Every decision against the offline path under the checkpoint's own exit rule, with the serving engine. */
    public static OfflineCheck offlineCheck(BnntModel model) {
        return new OfflineCheck(new OfflineDecider(model.spec().framing(), model.spec().timesteps(),
                new SparseEngine(model), ExitPolicy.fromModel(model)));
    }

    /** The per-load table (and the knee of a sweep) that {@code bench} and {@code demo} print. */
    public static void printSummary(PrintWriter out, BenchResult r) {
        out.printf(Locale.ROOT, "%-8s %12s %12s %9s %9s %9s %9s %9s %9s %9s %7s%n", "cameras", "offered ev/s",
                "achieved", "classif.", "expected", "accuracy", "steps", "p50 ms", "p99 ms", "p99.9 ms", "max ms");
        for (LoadResult l : r.loads()) {
            out.printf(Locale.ROOT, "%-8d %12.0f %12.0f %9d %9d %9.4f %9.2f %9.1f %9.1f %9.1f %7.0f%n", l.cameras(),
                    l.replay().offeredEventsPerS(), l.replay().achievedEventsPerS(), l.classified(), l.expected(),
                    l.accuracy(), l.meanSteps(), l.latencyMs().p50(), l.latencyMs().p99(), l.latencyMs().p999(),
                    l.latencyMs().max());
        }
        for (LoadResult l : r.loads()) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d cam, stages p50/p99 ms:", l.cameras()));
            l.stages().forEach((stage, p) -> sb.append(String.format(Locale.ROOT, " %s %.2f/%.2f", stage.jsonName(),
                    p.p50(), p.p99())));
            out.println(sb);
        }
        for (LoadResult l : r.loads()) {
            out.printf(Locale.ROOT, "%d cam, %s: %d duplicates, %d conflicting", l.cameras(), r.config().guarantee(),
                    l.duplicates(), l.conflicts());
            if (l.offline() != null) {
                out.printf(Locale.ROOT, "; offline check: %d of %d identical (offline accuracy %.4f, steps %.2f)",
                        l.offline().identical(), l.offline().checked(), l.offline().accuracy(), l.offline().meanSteps());
            }
            out.println();
        }
        if (r.config().sweep()) {
            out.printf(Locale.ROOT, "knee: %s (highest load with p99 <= %.0f ms and nothing missing)%n",
                    r.kneeCameras() == null ? "none" : r.kneeCameras() + " cameras", r.config().p99BoundMs());
        }
        out.flush();
    }
}
