package io.spikestream.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spikestream.proto.v1.Classification;
import io.spikestream.proto.v1.ExitReason;
import io.spikestream.snn.exit.ExitDecision;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ClassificationMapperTest {

    static Decision decision(ExitDecision exit, OptionalInt label) {
        return Decision.builder().cameraId("cam-01").sampleId("Test/3/00042.bin").episode(7).predictedClass(3)
                .predictedLabel("3").scores(new float[] {0.1f, -0.0f, Float.MIN_VALUE, 2.5f}).confidence(0.93f)
                .margin(0.4f).stepsUsed(4).maxSteps(15).exit(exit).label(label).episodeStartUs(1_000)
                .decisionEventTimeUs(81_000).eventsUsed(1234).decidingPacketIntendedSendNs(5_000_000_123L)
                .emittedAtNs(5_020_000_000L).modelId("bntt-0123456789abcdef")
                .stages(new StageTimes(5_000_000_200L, 5_001, 5_001_900_000L, 5_019_000_000L)).build();
    }

    @Test
    void everyExitReasonAndLabelRoundTripsExactly() throws Exception {
        for (ExitDecision exit : ExitDecision.values()) {
            if (!exit.stops()) {
                continue;
            }
            for (OptionalInt label : List.of(OptionalInt.empty(), OptionalInt.of(0), OptionalInt.of(3))) {
                Decision d = decision(exit, label);
                Classification c = ClassificationMapper.toProto(d);
                assertThat(c.hasLabel()).isEqualTo(label.isPresent());
                assertThat(ClassificationMapper.fromProto(c)).isEqualTo(d);
                assertThat(c.getDecidingRecordTimestampMs()).isEqualTo(5_001);
                assertThat(c.getFrameClosedNs()).isEqualTo(5_019_000_000L);
                assertThat(Classification.parseFrom(c.toByteArray()).getExitReason().name())
                        .isEqualTo("EXIT_REASON_" + exit.name());
            }
        }
    }

    @Test
    void aClassificationWithoutStageTimesReadsAsUnknownTimes() {
        Classification old = ClassificationMapper.toProto(decision(ExitDecision.MARGIN, OptionalInt.empty())).toBuilder()
                .clearDecidingPacketActualSendNs().clearDecidingRecordTimestampMs().clearDecidingRecordPolledNs()
                .clearFrameClosedNs().build();
        assertThat(ClassificationMapper.fromProto(old).stages()).isEqualTo(StageTimes.NONE);
    }

    @Test
    void aDecisionMustStopAndAWireReasonMustBeKnown() {
        assertThatThrownBy(() -> decision(ExitDecision.CONTINUE, OptionalInt.empty()))
                .hasMessageContaining("not a reason to stop");
        Classification unspecified = ClassificationMapper.toProto(decision(ExitDecision.MARGIN, OptionalInt.empty()))
                .toBuilder().setExitReason(ExitReason.EXIT_REASON_UNSPECIFIED).build();
        assertThatThrownBy(() -> ClassificationMapper.fromProto(unspecified)).hasMessageContaining("exit_reason 0");
        Classification future = unspecified.toBuilder().setExitReasonValue(42).build();
        assertThatThrownBy(() -> ClassificationMapper.fromProto(future)).hasMessageContaining("exit_reason 42");
    }
}
