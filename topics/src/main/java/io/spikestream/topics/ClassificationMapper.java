package io.spikestream.topics;

import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.ExitReason;
import io.spikestream.snn.exit.ExitDecision;
import java.util.OptionalInt;

/** {@link Decision} ↔ {@code neuro.v1.Classification}: the only place that maps a classification. */
public final class ClassificationMapper {
    private ClassificationMapper() {
    }

    public static Classification toProto(Decision d) {
        Classification.Builder b = Classification.newBuilder()
                .setCameraId(d.cameraId())
                .setSampleId(d.sampleId())
                .setEpisode(d.episode())
                .setPredictedClass(d.predictedClass())
                .setPredictedLabel(d.predictedLabel())
                .addAllScores(d.scores())
                .setConfidence(d.confidence())
                .setMargin(d.margin())
                .setStepsUsed(d.stepsUsed())
                .setMaxSteps(d.maxSteps())
                .setExitReason(toProto(d.exit()))
                .setEpisodeStartUs(d.episodeStartUs())
                .setDecisionEventTimeUs(d.decisionEventTimeUs())
                .setEventsUsed(d.eventsUsed())
                .setDecidingPacketIntendedSendNs(d.decidingPacketIntendedSendNs())
                .setEmittedAtNs(d.emittedAtNs())
                .setModelId(d.modelId())
                .setDecidingPacketActualSendNs(d.stages().actualSendNs())
                .setDecidingRecordTimestampMs(d.stages().recordTimestampMs())
                .setDecidingRecordPolledNs(d.stages().polledNs())
                .setFrameClosedNs(d.stages().frameClosedNs());
        d.label().ifPresent(b::setLabel);
        return b.build();
    }

    /** @throws IllegalArgumentException when the exit reason is unspecified or unknown to this build */
    public static Decision fromProto(Classification c) {
        return Decision.builder()
                .cameraId(c.getCameraId())
                .sampleId(c.getSampleId())
                .episode(c.getEpisode())
                .predictedClass(c.getPredictedClass())
                .predictedLabel(c.getPredictedLabel())
                .scores(c.getScoresList())
                .confidence(c.getConfidence())
                .margin(c.getMargin())
                .stepsUsed(c.getStepsUsed())
                .maxSteps(c.getMaxSteps())
                .exit(fromProto(c.getExitReason(), c.getExitReasonValue()))
                .label(c.hasLabel() ? OptionalInt.of(c.getLabel()) : OptionalInt.empty())
                .episodeStartUs(c.getEpisodeStartUs())
                .decisionEventTimeUs(c.getDecisionEventTimeUs())
                .eventsUsed(c.getEventsUsed())
                .decidingPacketIntendedSendNs(c.getDecidingPacketIntendedSendNs())
                .emittedAtNs(c.getEmittedAtNs())
                .modelId(c.getModelId())
                .stages(new StageTimes(c.getDecidingPacketActualSendNs(), c.getDecidingRecordTimestampMs(),
                        c.getDecidingRecordPolledNs(), c.getFrameClosedNs()))
                .build();
    }

    static ExitReason toProto(ExitDecision d) {
        return switch (d) {
            case CONFIDENCE -> ExitReason.EXIT_REASON_CONFIDENCE;
            case MARGIN -> ExitReason.EXIT_REASON_MARGIN;
            case BNTT_GAMMA -> ExitReason.EXIT_REASON_BNTT_GAMMA;
            case MAX_STEPS -> ExitReason.EXIT_REASON_MAX_STEPS;
            case END_OF_SAMPLE -> ExitReason.EXIT_REASON_END_OF_SAMPLE;
            case CONTINUE -> throw new IllegalArgumentException("CONTINUE is not a reason to stop");
        };
    }

    private static ExitDecision fromProto(ExitReason r, int value) {
        return switch (r) {
            case EXIT_REASON_CONFIDENCE -> ExitDecision.CONFIDENCE;
            case EXIT_REASON_MARGIN -> ExitDecision.MARGIN;
            case EXIT_REASON_BNTT_GAMMA -> ExitDecision.BNTT_GAMMA;
            case EXIT_REASON_MAX_STEPS -> ExitDecision.MAX_STEPS;
            case EXIT_REASON_END_OF_SAMPLE -> ExitDecision.END_OF_SAMPLE;
            default -> throw new IllegalArgumentException("classification: exit_reason " + value + " is not known");
        };
    }
}
