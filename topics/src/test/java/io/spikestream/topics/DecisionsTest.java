package io.spikestream.topics;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.snn.exit.ExitDecision;
import io.spikestream.topics.Decisions.Outcome;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DecisionsTest {

    private static Decision decision(String camera, long episode, int predicted, long emittedAtNs, long polledNs) {
        return ClassificationMapperTest.decision(ExitDecision.CONFIDENCE, OptionalInt.of(3)).toBuilder()
                .cameraId(camera).episode(episode).predictedClass(predicted).emittedAtNs(emittedAtNs)
                .stages(new StageTimes(11, 22, polledNs, emittedAtNs - 5)).build();
    }

    @Test
    void aRepeatWithOtherWallClockTimesIsADuplicateAndAnotherOutcomeIsAConflict() {
        Decisions d = new Decisions();
        assertThat(d.accept(decision("a", 0, 3, 100, 50))).isEqualTo(Outcome.NEW);
        assertThat(d.accept(decision("a", 1, 3, 200, 150))).isEqualTo(Outcome.NEW);
        assertThat(d.accept(decision("b", 0, 3, 200, 150))).as("another camera's episode 0").isEqualTo(Outcome.NEW);
        // re-emitted after a crash: computed again, so emitted, polled and frame-closed times differ
        assertThat(d.accept(decision("a", 1, 3, 900, 850))).isEqualTo(Outcome.DUPLICATE);
        assertThat(d.accept(decision("a", 1, 4, 900, 850))).as("another class").isEqualTo(Outcome.CONFLICT);
        Decision otherRecordTime = decision("a", 0, 3, 100, 50).toBuilder().stages(new StageTimes(11, 23, 50, 95))
                .build();
        assertThat(d.accept(otherRecordTime)).as("another input record").isEqualTo(Outcome.CONFLICT);
        assertThat(d.unique()).isEqualTo(3);
        assertThat(d.duplicates()).isEqualTo(1);
        assertThat(d.conflicts()).isEqualTo(2);
    }

    @Test
    void theWindowIsBoundedAndKeysOlderThanItCountAsDuplicates() {
        Decisions d = new Decisions(2);
        for (long e = 0; e < 5; e++) {
            assertThat(d.accept(decision("a", e, 1, 10, 5))).isEqualTo(Outcome.NEW);
        }
        assertThat(d.accept(decision("a", 4, 2, 10, 5))).as("inside the window: compared").isEqualTo(Outcome.CONFLICT);
        assertThat(d.accept(decision("a", 1, 2, 10, 5))).as("forgotten: not compared").isEqualTo(Outcome.DUPLICATE);
        assertThat(d.accept(decision("a", 7, 1, 10, 5))).isEqualTo(Outcome.NEW);
    }

    @Test
    void distinctKeepsTheFirstOfEachKeyInOrder() {
        Decisions d = new Decisions();
        Decision a0 = decision("a", 0, 1, 10, 5);
        Decision a1 = decision("a", 1, 1, 20, 5);
        List<Decision> got = d.distinct(List.of(a0, a1, decision("a", 0, 1, 30, 25), decision("a", 1, 1, 40, 35)));
        assertThat(got).containsExactly(a0, a1);
        assertThat(d.duplicates()).isEqualTo(2);
    }

    @Test
    void theKeyOfADecisionIsItsCameraAndEpisode() {
        Decision x = decision("cam-3", 12, 1, 10, 5);
        assertThat(x.key()).isEqualTo(new DecisionKey("cam-3", 12));
        assertThat(x.key()).hasToString("cam-3#12");
        assertThat(DecisionKey.parse(x.key().toString())).isEqualTo(x.key());
    }
}
