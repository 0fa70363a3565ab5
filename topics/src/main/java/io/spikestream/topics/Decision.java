package io.spikestream.topics;

import io.spikestream.snn.exit.ExitDecision;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What the stream app decided for one episode of one camera; on the wire a {@code neuro.v1.Classification}
 * ({@link ClassificationMapper}). Times in µs are event time (the sensor's clock), times in ns are wall
 * clock since the Unix epoch.
 *
 * @param cameraId                     the camera ({@link #key()} is the record key)
 * @param sampleId                     the replayed sample's id; empty for a live camera
 * @param episode                      the camera's episode counter, from 0
 * @param predictedClass               index of the predicted class
 * @param predictedLabel               its name in the model's class list
 * @param scores                       the running score per class after the last step
 * @param confidence                   softmax probability of the predicted class
 * @param margin                       softmax top-1 minus top-2 probability
 * @param stepsUsed                    network steps run
 * @param maxSteps                     the model's T
 * @param exit                         why the episode stopped (never {@link ExitDecision#CONTINUE})
 * @param label                        the ground truth, when the stream carried one
 * @param episodeStartUs               event time of the episode's first event
 * @param decisionEventTimeUs          event time of the end of the deciding frame
 * @param eventsUsed                   events in the frames used
 * @param decidingPacketIntendedSendNs intended send time of the packet that closed the deciding frame
 *                                     (0 when unknown); decision latency is measured from it
 * @param emittedAtNs                  when the stream app emitted the decision
 * @param modelId                      the deciding model's id
 * @param stages                       the deciding packet's and the decision's stage times
 */
public record Decision(String cameraId, String sampleId, long episode, int predictedClass, String predictedLabel,
                       List<Float> scores, float confidence, float margin, int stepsUsed, int maxSteps,
                       ExitDecision exit, OptionalInt label, long episodeStartUs, long decisionEventTimeUs,
                       long eventsUsed, long decidingPacketIntendedSendNs, long emittedAtNs, String modelId,
                       StageTimes stages) {

    public Decision {
        Objects.requireNonNull(cameraId, "cameraId");
        sampleId = sampleId == null ? "" : sampleId;
        predictedLabel = predictedLabel == null ? "" : predictedLabel;
        scores = scores == null ? List.of() : List.copyOf(scores);
        if (exit == null || !exit.stops()) {
            throw new IllegalArgumentException("decision of camera " + cameraId + ": exit " + exit
                    + " is not a reason to stop");
        }
        label = label == null ? OptionalInt.empty() : label;
        modelId = modelId == null ? "" : modelId;
        stages = stages == null ? StageTimes.NONE : stages;
    }

    /** The record key: this decision's camera and episode. */
    public DecisionKey key() {
        return new DecisionKey(cameraId, episode);
    }

    /**
     * True when {@code other} is the same decision: equal in everything that the input determines, that is,
     * everything but the wall-clock times the stream app takes while deciding (emit, poll and frame-close
     * times). A decision re-emitted after a crash under at-least-once must be the same decision.
     */
    public boolean sameOutcome(Decision other) {
        return deterministicPart().equals(other.deterministicPart());
    }

    private Decision deterministicPart() {
        return new Decision(cameraId, sampleId, episode, predictedClass, predictedLabel, scores, confidence, margin,
                stepsUsed, maxSteps, exit, label, episodeStartUs, decisionEventTimeUs, eventsUsed,
                decidingPacketIntendedSendNs, 0, modelId, stages.deterministicPart());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this decision's fields. */
    public Builder toBuilder() {
        return builder().cameraId(cameraId).sampleId(sampleId).episode(episode).predictedClass(predictedClass)
                .predictedLabel(predictedLabel).scores(scores).confidence(confidence).margin(margin).stepsUsed(stepsUsed)
                .maxSteps(maxSteps).exit(exit).label(label).episodeStartUs(episodeStartUs)
                .decisionEventTimeUs(decisionEventTimeUs).eventsUsed(eventsUsed)
                .decidingPacketIntendedSendNs(decidingPacketIntendedSendNs).emittedAtNs(emittedAtNs).modelId(modelId)
                .stages(stages);
    }

    /** Collects a decision's fields; not thread-safe. */
    public static final class Builder {
        private String cameraId;
        private String sampleId = "";
        private long episode;
        private int predictedClass;
        private String predictedLabel = "";
        private List<Float> scores = List.of();
        private float confidence;
        private float margin;
        private int stepsUsed;
        private int maxSteps;
        private ExitDecision exit;
        private OptionalInt label = OptionalInt.empty();
        private long episodeStartUs;
        private long decisionEventTimeUs;
        private long eventsUsed;
        private long decidingPacketIntendedSendNs;
        private long emittedAtNs;
        private String modelId = "";
        private StageTimes stages = StageTimes.NONE;

        private Builder() {
        }

        public Builder cameraId(String v) {
            cameraId = v;
            return this;
        }

        public Builder sampleId(String v) {
            sampleId = v;
            return this;
        }

        public Builder episode(long v) {
            episode = v;
            return this;
        }

        public Builder predictedClass(int v) {
            predictedClass = v;
            return this;
        }

        public Builder predictedLabel(String v) {
            predictedLabel = v;
            return this;
        }

        public Builder scores(List<Float> v) {
            scores = v;
            return this;
        }

        /** The scores as they are now (copied). */
        public Builder scores(float[] v) {
            Float[] boxed = new Float[v.length];
            for (int i = 0; i < v.length; i++) {
                boxed[i] = v[i];
            }
            scores = List.of(boxed);
            return this;
        }

        public Builder confidence(float v) {
            confidence = v;
            return this;
        }

        public Builder margin(float v) {
            margin = v;
            return this;
        }

        public Builder stepsUsed(int v) {
            stepsUsed = v;
            return this;
        }

        public Builder maxSteps(int v) {
            maxSteps = v;
            return this;
        }

        public Builder exit(ExitDecision v) {
            exit = v;
            return this;
        }

        public Builder label(OptionalInt v) {
            label = v;
            return this;
        }

        public Builder label(int v) {
            label = OptionalInt.of(v);
            return this;
        }

        public Builder episodeStartUs(long v) {
            episodeStartUs = v;
            return this;
        }

        public Builder decisionEventTimeUs(long v) {
            decisionEventTimeUs = v;
            return this;
        }

        public Builder eventsUsed(long v) {
            eventsUsed = v;
            return this;
        }

        public Builder decidingPacketIntendedSendNs(long v) {
            decidingPacketIntendedSendNs = v;
            return this;
        }

        public Builder emittedAtNs(long v) {
            emittedAtNs = v;
            return this;
        }

        public Builder modelId(String v) {
            modelId = v;
            return this;
        }

        public Builder stages(StageTimes v) {
            stages = v;
            return this;
        }

        public Decision build() {
            return new Decision(cameraId, sampleId, episode, predictedClass, predictedLabel, scores, confidence, margin,
                    stepsUsed, maxSteps, exit, label, episodeStartUs, decisionEventTimeUs, eventsUsed,
                    decidingPacketIntendedSendNs, emittedAtNs, modelId, stages);
        }
    }
}
