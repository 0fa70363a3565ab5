package io.spikestream.stream;

import io.spikestream.proto.v1.Classification;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.EarlyExitSettings;
import io.spikestream.snn.exit.ExitDecision;
import io.spikestream.snn.exit.ExitPolicy;
import io.spikestream.snn.inference.DenseReferenceEngine;
import io.spikestream.snn.inference.InferenceEngine;
import io.spikestream.snn.inference.SparseEngine;
import io.spikestream.stream.metrics.StreamMetrics;
import io.spikestream.stream.processor.ClassifierProcessor;
import io.spikestream.stream.processor.EpisodeRunner;
import io.spikestream.stream.processor.EpochNanos;
import io.spikestream.stream.processor.RecordLimits;
import io.spikestream.stream.processor.UnwritableInputs;
import io.spikestream.stream.processor.UnwritableOutputHandler;
import io.spikestream.topics.ClassificationMapper;
import io.spikestream.topics.DeadLetterRecord;
import io.spikestream.topics.Decision;
import io.spikestream.topics.DecisionKey;
import io.spikestream.topics.StageTimes;
import io.spikestream.topics.Topic;
import io.spikestream.topics.Topics;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The stream app's topology: the events topic (EventPacket bytes by camera) → classifier with a
 * changelogged per-camera store → the classifications topic (keyed by camera and episode, partitioned by
 * camera), and → the dead-letter topic. Topics and their serdes come from {@link Topics}.
 */
public final class ClassifierTopology {
    public static final String SOURCE = "events-source";
    public static final String PROCESSOR = "classifier";
    public static final String OUTPUT_SINK = "classifications-sink";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";
    /** Per-camera state; its changelog topic is {@code <application id>-camera-state-changelog}. */
    public static final String STORE = "camera-state";
    /** Cameras per task whose network state stays in memory (the rest is recomputed on demand). */
    static final int RUNTIME_CACHE = 256;

    private ClassifierTopology() {
    }

    /** The topology with meters in a throw-away registry. */
    public static Topology buildTopology(AppConfig config, BnntModel model) {
        return buildTopology(config, model, StreamMetrics.noop());
    }

    public static Topology buildTopology(AppConfig config, BnntModel model, StreamMetrics metrics) {
        return buildTopology(config, model, metrics, new UnwritableInputs());
    }

    /**
     * The topology whose processor sets aside the inputs that {@code unwritable} names (the production
     * exception handler's notes, see {@link UnwritableOutputHandler}).
     *
     * @throws IllegalArgumentException when even the model's smallest classification could not be written
     *                                  under the producer's {@code max.request.size}
     */
    public static Topology buildTopology(AppConfig config, BnntModel model, StreamMetrics metrics,
                                         UnwritableInputs unwritable) {
        RecordLimits limits = RecordLimits.of(config.streamsProperties());
        checkClassificationsFit(model, limits);
        InferenceEngine engine = engine(config, model);
        ExitPolicy policy = exitPolicy(config, model);
        StoreBuilder<KeyValueStore<String, byte[]>> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled()
                .withLoggingEnabled(Map.of("cleanup.policy", "compact"));
        Topics topics = config.topics();
        Topic<String, byte[]> in = topics.events();
        Topology t = new Topology();
        t.addSource(SOURCE, in.keyDeserializer(), in.valueDeserializer(), in.name());
        t.addProcessor(PROCESSOR, () -> new ClassifierProcessor(STORE, OUTPUT_SINK, DEAD_LETTER_SINK,
                clock -> new EpisodeRunner(model, engine, policy, metrics, clock, EpochNanos::now,
                        RUNTIME_CACHE),
                metrics, config.idleGrace(), limits, unwritable), SOURCE);
        t.addStateStore(store, PROCESSOR);
        Topic<DecisionKey, Classification> cls = topics.classifications();
        // by camera id: one camera's decisions stay in one partition, in order
        StreamPartitioner<DecisionKey, Classification> byCamera = (topic, key, value, partitions) ->
                Optional.of(Set.of(key.partition(partitions)));
        t.addSink(OUTPUT_SINK, cls.name(), cls.keySerializer(), cls.valueSerializer(), byCamera, PROCESSOR);
        t.addSink(DEAD_LETTER_SINK, topics.deadLetters().name(), topics.deadLetters().keySerializer(),
                topics.deadLetters().valueSerializer(), PROCESSOR);
        return t;
    }

    /** The engine the config selects; both are immutable and shared by all tasks. */
    public static InferenceEngine engine(AppConfig config, BnntModel model) {
        return config.engine() == AppConfig.EngineKind.DENSE ? new DenseReferenceEngine(model) : new SparseEngine(model);
    }

    /** The checkpoint's calibrated exit rule with the config's overrides applied. */
    public static ExitPolicy exitPolicy(AppConfig config, BnntModel model) {
        AppConfig.ExitOverrides o = config.exit();
        int t = model.spec().timesteps();
        if (o.disabled()) {
            return ExitPolicy.never(t);
        }
        EarlyExitSettings s = model.earlyExit();
        if (o.confidenceThreshold() != null) {
            s = s.withConfidenceThreshold(o.confidenceThreshold());
        }
        if (o.marginThreshold() != null) {
            s = s.withMarginThreshold(o.marginThreshold());
        }
        if (o.gammaExitStep() != null) {
            if (o.gammaExitStep() > t) {
                throw new IllegalArgumentException("exit: gamma exit step " + o.gammaExitStep() + " exceeds the model's T=" + t);
            }
            s = s.withGammaExitStep(o.gammaExitStep());
        }
        if (o.minSteps() != null) {
            if (o.minSteps() > t) {
                throw new IllegalArgumentException("exit: min steps " + o.minSteps() + " exceeds the model's T=" + t);
            }
            s = s.withMinSteps(o.minSteps());
        }
        return ExitPolicy.of(s, t);
    }

    /**
     * The largest classification the model can produce (the longest camera and sample ids, the longest
     * class name, every score) must fit in a record; else every decision would be refused, so the app
     * refuses to start.
     */
    static void checkClassificationsFit(BnntModel model, RecordLimits limits) {
        String longest = "";
        for (String name : model.spec().classNames()) {
            longest = name.length() > longest.length() ? name : longest;
        }
        float[] scores = new float[model.spec().classNames().size()];
        Arrays.fill(scores, 1f);
        Decision worst = Decision.builder().cameraId("c".repeat(RecordLimits.MAX_CAMERA_ID_BYTES))
                .sampleId("s".repeat(RecordLimits.MAX_SAMPLE_ID_BYTES)).episode(Long.MAX_VALUE)
                .predictedClass(Integer.MAX_VALUE).predictedLabel(longest).scores(scores).confidence(1f).margin(1f)
                .stepsUsed(Integer.MAX_VALUE).maxSteps(Integer.MAX_VALUE).exit(ExitDecision.MAX_STEPS)
                .label(Integer.MAX_VALUE).episodeStartUs(Long.MAX_VALUE).decisionEventTimeUs(Long.MAX_VALUE)
                .eventsUsed(Long.MAX_VALUE).decidingPacketIntendedSendNs(Long.MAX_VALUE).emittedAtNs(Long.MAX_VALUE)
                .stages(new StageTimes(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE))
                .modelId(model.modelId()).build();
        int size = ClassificationMapper.toProto(worst).getSerializedSize();
        int key = DeadLetterRecord.utf8Length(new DecisionKey(worst.cameraId(), worst.episode()).toString());
        if (!limits.fits(key, size)) {
            throw new IllegalArgumentException("the model's classifications can take " + size
                    + " bytes (its model id and class names are long), more than fit in a record under max.request.size "
                    + limits.maxRecordBytes());
        }
    }

}
