package io.spikestream.stream.processor;

import io.spikestream.events.EventBuffer;
import io.spikestream.events.ReplayMetadata;
import io.spikestream.snn.BnntModel;
import io.spikestream.snn.exit.ExitDecision;
import io.spikestream.snn.exit.ExitMetrics;
import io.spikestream.snn.exit.ExitPolicy;
import io.spikestream.snn.framing.FrameMode;
import io.spikestream.snn.framing.FrameSink;
import io.spikestream.snn.framing.Framer;
import io.spikestream.snn.framing.FramingSpec;
import io.spikestream.snn.inference.InferenceEngine;
import io.spikestream.snn.inference.Session;
import io.spikestream.stream.metrics.StreamMetrics;
import io.spikestream.stream.metrics.StreamMetrics.FrameCause;
import io.spikestream.stream.state.CameraState;
import io.spikestream.stream.state.CameraState.Phase;
import io.spikestream.stream.state.FramerReplay;
import io.spikestream.stream.state.StoredFrame;
import io.spikestream.topics.Decision;
import io.spikestream.topics.StageTimes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The per-camera episode logic, free of Kafka: packets and idle ticks go in with the camera's
 * {@link CameraState}, decisions come out. The state is the truth; the network state
 * (a framer and a session per camera) is a cache, rebuilt from the state's stored frames whenever its
 * generation does not match (after a restore, a rebalance, or eviction). A packet's watermark closes the
 * frames whose windows it passes, after the packet's events; a packet without events (a heartbeat) is
 * not activity and does not postpone the idle close. One instance per stream task; not thread-safe.
 */
public final class EpisodeRunner {
    private final BnntModel model;
    private final InferenceEngine engine;
    private final ExitPolicy policy;
    private final StreamMetrics metrics;
    private final FramingSpec framing;
    private final int maxSteps;
    private final List<String> classNames;
    private final LongSupplierNs wallClock;
    private final LongSupplierNs emitClock;
    private final Map<String, CameraRuntime> cache;
    private final float[] scratch;
    /** When this runner (its task) started: no camera counts as idle for longer than this instance has seen. */
    private final long startedNs;

    // the camera being worked on, for the frame sink (set per call)
    private CameraState state;
    private CameraRuntime runtime;
    private FrameCause cause;
    private boolean byCall;
    private long closingIntendedNs;
    private PacketInfo packet;
    private ExitDecision decided = ExitDecision.CONTINUE;
    private final FrameSink sink = this::frameClosed;

    /** A time source in ns since the epoch. */
    @FunctionalInterface
    public interface LongSupplierNs {
        long nowNs();
    }

    /** Membrane state and framer of one camera, valid for one state generation. */
    static final class CameraRuntime {
        final Framer framer;
        final Session session;
        long generation = -1;
        /** Stage times of the episode's last closed frame, and how many frames the episode had then. */
        StageTimes lastClose = StageTimes.NONE;
        int lastCloseFrames = -1;

        CameraRuntime(Framer framer, Session session) {
            this.framer = framer;
            this.session = session;
        }
    }

    /**
     * @param wallClock the clock of the idle grace period (the processor context's, so tests can move it)
     * @param emitClock the precise clock for {@code emitted_at_ns}
     * @param cacheSize how many cameras keep their network state in memory; the others are recomputed
     *                  from their stored frames when they next send events
     */
    public EpisodeRunner(BnntModel model, InferenceEngine engine, ExitPolicy policy, StreamMetrics metrics,
                         LongSupplierNs wallClock, LongSupplierNs emitClock, int cacheSize) {
        this.model = model;
        this.engine = engine;
        this.policy = policy;
        this.metrics = metrics;
        this.framing = model.spec().framing();
        this.maxSteps = model.spec().timesteps();
        this.classNames = model.spec().classNames();
        this.wallClock = wallClock;
        this.emitClock = emitClock;
        this.scratch = new float[framing.frameSize()];
        this.startedNs = wallClock.nowNs();
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CameraRuntime> eldest) {
                return size() > cacheSize;
            }
        };
    }

    public FramingSpec framing() {
        return framing;
    }

    /** Forgets the cached network state of every camera (e.g. when the task's state is reloaded). */
    public void clearCache() {
        cache.clear();
    }

    /** Forgets the cached network state of {@code camera}: it is rebuilt from the stored state next time. */
    public void evict(String camera) {
        cache.remove(camera);
    }

    /**
     * One valid packet of {@code camera}: its events are {@code events} (already decoded and checked).
     * Updates {@code s} and passes any decisions to {@code out}.
     */
    public void onPacket(String camera, CameraState s, EventBuffer events, PacketInfo info, Consumer<Decision> out) {
        ReplayMetadata p = info.replay();
        long wallNs = wallClock.nowNs();
        CameraRuntime rt = runtimeFor(camera, s);
        int n = events.size();
        packet = info;
        if (p.replayed() && s.phase() != Phase.IDLE && (p.start() || !p.sampleId().equals(s.sampleId()))) {
            // a new sample begins: the previous one ends here, decided or not
            if (s.phase() == Phase.OPEN) {
                finishSample(camera, s, rt, p.intendedNs(), out);
            } else {
                s.endEpisode(Phase.IDLE);
            }
        }
        if (n > 0) {
            // an empty packet (a live camera's heartbeat) is not activity: it must not postpone the idle close
            s.notePacket(p.intendedNs(), wallNs);
        }
        int i = 0;
        if (s.phase() == Phase.DECIDED) {
            metrics.ignored(n);
            i = n;
        } else {
            metrics.packet(n);
        }
        boolean timeWindow = framing.mode() == FrameMode.TIME_WINDOW;
        while (i < n) {
            if (s.phase() == Phase.IDLE) {
                s.startEpisode(p.replayed(), p.sampleId(), p.hasLabel(), p.label(), events.t(i));
                rt.framer.reset();
                rt.session.reset();
                rt.lastCloseFrames = -1;
            }
            begin(s, rt, FrameCause.EVENT, false, p.intendedNs());
            for (; i < n && !decided.stops(); i++) {
                int x = events.x(i);
                int y = events.y(i);
                boolean on = events.on(i);
                long t = events.t(i);
                if (!timeWindow) {
                    s.partial().add(x, y, on, t);
                    rt.framer.accept(x, y, on, t, sink);
                } else {
                    rt.framer.accept(x, y, on, t, sink);
                    if (decided.stops()) {
                        // this event closed the deciding frame; it belongs to what comes after
                        break;
                    }
                    s.partial().add(x, y, on, t);
                }
                s.noteEvent(t);
            }
            if (decided.stops()) {
                ExitDecision reason = decided;
                end();
                emit(camera, s, rt, reason, out);
                if (s.replayed()) {
                    // the sample is decided: the rest of it (this packet included) is ignored
                    s.endEpisode(Phase.DECIDED);
                    metrics.ignored(n - i);
                    i = n;
                } else {
                    s.endEpisode(Phase.IDLE);
                }
            } else {
                end();
            }
        }
        if (info.hasWatermark() && s.phase() == Phase.OPEN && timeWindow) {
            applyWatermark(camera, s, rt, info, out);
        }
        if (p.end() && s.phase() == Phase.OPEN) {
            finishSample(camera, s, rt, p.intendedNs(), out);
        } else if (p.end() && s.phase() == Phase.DECIDED) {
            s.endEpisode(Phase.IDLE);
        }
        rt.generation = s.touch();
        packet = null;
    }

    /** Closes the frames whose windows end at or before the packet's watermark (what its next event would close). */
    private void applyWatermark(String camera, CameraState s, CameraRuntime rt, PacketInfo info, Consumer<Decision> out) {
        begin(s, rt, FrameCause.WATERMARK, false, info.replay().intendedNs());
        rt.framer.advanceTo(info.watermarkUs(), sink);
        ExitDecision reason = decided;
        end();
        if (reason.stops()) {
            emit(camera, s, rt, reason, out);
            s.endEpisode(s.replayed() ? Phase.DECIDED : Phase.IDLE);
        }
    }

    /**
     * The wall clock moved on: if the camera's partial frame has waited {@code graceNs} since its last
     * packet, close it and step.
     *
     * @return true when the state changed
     */
    public boolean onIdle(String camera, CameraState s, long graceNs, Consumer<Decision> out) {
        // a state restored after a restart was last touched by another instance, and the camera's packets may
        // be waiting in the backlog: its idle time counts from this runner's start
        long since = Math.max(s.lastRecordWallNs(), startedNs);
        if (s.phase() != Phase.OPEN || s.partial().size() == 0 || wallClock.nowNs() - since < graceNs) {
            return false;
        }
        CameraRuntime rt = runtimeFor(camera, s);
        begin(s, rt, FrameCause.IDLE, true, s.lastIntendedNs());
        rt.framer.closeFrame(sink);
        ExitDecision reason = decided;
        end();
        if (reason.stops()) {
            emit(camera, s, rt, reason, out);
            s.endEpisode(s.replayed() ? Phase.DECIDED : Phase.IDLE);
        }
        rt.generation = s.touch();
        return true;
    }

    /** End of sample: close the partial frame, step, and decide with what there is. */
    private void finishSample(String camera, CameraState s, CameraRuntime rt, long intendedNs, Consumer<Decision> out) {
        begin(s, rt, FrameCause.END_OF_SAMPLE, true, intendedNs);
        rt.framer.closeFrame(sink);
        ExitDecision reason = decided;
        end();
        if (rt.session.steps() > 0) {
            emit(camera, s, rt, reason.stops() ? reason : ExitDecision.END_OF_SAMPLE, out);
        }
        s.endEpisode(Phase.IDLE);
    }

    private void begin(CameraState s, CameraRuntime rt, FrameCause c, boolean call, long intendedNs) {
        state = s;
        runtime = rt;
        cause = c;
        byCall = call;
        closingIntendedNs = intendedNs;
        decided = ExitDecision.CONTINUE;
    }

    private void end() {
        state = null;
        runtime = null;
        decided = ExitDecision.CONTINUE;
    }

    private void frameClosed(float[] frame, long endUs, int events) {
        if (decided.stops()) {
            return; // empty frames of a time gap after the deciding frame
        }
        state.frameClosed(StoredFrame.of(frame, endUs, events, byCall, closingIntendedNs));
        PacketInfo in = packet;
        runtime.lastClose = in == null ? new StageTimes(0, 0, 0, emitClock.nowNs())
                : new StageTimes(in.replay().actualNs(), in.recordTimestampMs(), in.polledNs(), emitClock.nowNs());
        runtime.lastCloseFrames = state.frames().size();
        long t0 = System.nanoTime();
        float[] scores = runtime.session.step(frame);
        metrics.stepComputed(System.nanoTime() - t0);
        metrics.frameClosed(cause);
        decided = policy.check(scores, runtime.session.steps());
    }

    private void emit(String camera, CameraState s, CameraRuntime rt, ExitDecision reason, Consumer<Decision> out) {
        float[] scores = rt.session.scores();
        List<StoredFrame> frames = s.frames();
        StoredFrame last = frames.get(frames.size() - 1);
        long used = 0;
        for (StoredFrame f : frames) {
            used += f.events();
        }
        int top = ExitMetrics.argmax(scores);
        Decision.Builder b = Decision.builder()
                .cameraId(camera)
                .sampleId(s.sampleId())
                .episode(s.episode())
                .predictedClass(top)
                .predictedLabel(top < classNames.size() ? classNames.get(top) : Integer.toString(top))
                .scores(scores)
                .confidence(ExitMetrics.confidence(scores))
                .margin(ExitMetrics.margin(scores))
                .stepsUsed(rt.session.steps())
                .maxSteps(maxSteps)
                .exit(reason)
                .episodeStartUs(s.episodeStartUs())
                .decisionEventTimeUs(last.endUs())
                .eventsUsed(used)
                .decidingPacketIntendedSendNs(last.closingIntendedNs())
                .modelId(model.modelId())
                // the deciding frame's stage times, unless it closed before this runtime was rebuilt
                .stages(rt.lastCloseFrames == frames.size() ? rt.lastClose : StageTimes.NONE);
        if (s.hasLabel()) {
            b.label(s.label());
        }
        b.emittedAtNs(emitClock.nowNs());
        metrics.classified(reason, rt.session.steps());
        out.accept(b.build());
    }

    /** The camera's network state matching {@code s}, recomputed from the stored frames when stale. */
    private CameraRuntime runtimeFor(String camera, CameraState s) {
        CameraRuntime rt = cache.get(camera);
        if (rt != null && rt.generation == s.generation()) {
            return rt;
        }
        if (rt == null) {
            rt = new CameraRuntime(new Framer(framing, maxSteps), engine.newSession());
            cache.put(camera, rt);
        }
        long t0 = System.nanoTime();
        rt.session.reset();
        rt.framer.reset();
        rt.lastCloseFrames = -1;
        if (s.phase() == Phase.OPEN) {
            for (StoredFrame f : s.frames()) {
                f.expandInto(scratch);
                rt.session.step(scratch);
            }
            FramerReplay.restore(rt.framer, s.episodeStartUs(), s.frames(), s.partial());
            metrics.replayed(System.nanoTime() - t0);
        }
        rt.generation = s.generation();
        return rt;
    }
}
