package io.spikestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.spikestream.replay.ReplayResult;
import io.spikestream.replay.SampleRef;
import io.spikestream.snn.exit.ExitDecision;
import io.spikestream.topics.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;

class KneeTest {

    /** A load of {@code n} decisions, all taking {@code ms}; the last {@code lost} never arrive. */
    private static LoadResult load(int cameras, int n, long ms, int lost) {
        ClassificationTracker t = new ClassificationTracker(4, 0);
        for (int i = 0; i < n; i++) {
            SampleRef ref = new SampleRef("s" + i, i % 2);
            t.started("cam", ref);
            if (i >= n - lost) {
                continue;
            }
            long sent = 1_000_000_000L + i * 1_000_000L;
            Decision c = Decision.builder().cameraId("cam").episode(i).sampleId(ref.id()).predictedClass(0).stepsUsed(1 + i % 4)
                    .exit(ExitDecision.CONFIDENCE).episodeStartUs(0).decisionEventTimeUs(1000)
                    .decidingPacketIntendedSendNs(sent).build();
            t.record(c, sent + ms * 1_000_000L);
        }
        ReplayResult r = new ReplayResult(n, 0, n * 10L, n, 1, cameras, 1000.0 * cameras, 1000.0 * cameras, 0, 0, 0, 0, 0, false);
        return LoadResult.of(cameras, r, t.snapshot(), null);
    }

    @Test
    void kneeIsTheHighestLoadUnderTheBoundWithNothingMissing() {
        List<LoadResult> rows = List.of(load(1, 100, 20, 0), load(2, 100, 50, 0), load(4, 100, 150, 0),
                load(8, 100, 400, 0));
        assertThat(BenchResult.knee(rows, 200)).isEqualTo(4);
        assertThat(BenchResult.knee(rows, 10)).isNull();
        // a load that lost decisions does not qualify, however fast the ones that came
        List<LoadResult> lossy = List.of(load(1, 100, 20, 0), load(2, 100, 30, 5));
        assertThat(BenchResult.knee(lossy, 200)).isEqualTo(1);
    }

    @Test
    void loadFiguresComeFromTheRecordedDecisions() {
        LoadResult l = load(1, 100, 50, 10);
        assertThat(l.expected()).isEqualTo(100);
        assertThat(l.classified()).isEqualTo(90);
        assertThat(l.missing()).isEqualTo(10);
        assertThat(l.exactlyOnce()).isFalse();
        assertThat(l.latencyMs().p50()).isBetween(49.9, 50.1);
        assertThat(l.latencyMs().count()).isEqualTo(90);
        // labels alternate 0/1 and the prediction is always 0
        assertThat(l.accuracy()).isEqualTo(0.5);
        assertThat(l.meanSteps()).isEqualTo(223.0 / 90);
        assertThat(l.sensorMs().p50()).isEqualTo(1.0);
    }

    @Test
    void duplicatesConflictsAndStrangersAreCountedNotTimed() {
        ClassificationTracker t = new ClassificationTracker(4, 0);
        SampleRef ref = new SampleRef("a", 1);
        t.started("cam", ref);
        Decision.Builder b = Decision.builder().cameraId("cam").sampleId("a").predictedClass(1).stepsUsed(2)
                .exit(ExitDecision.MAX_STEPS).decidingPacketIntendedSendNs(1_000_000_000L);
        Decision c = b.build();
        t.record(c, 1_010_000_000L);
        t.record(c.toBuilder().emittedAtNs(5).build(), 0, 1_020_000_000L, "classifications-0@7");
        t.record(c.toBuilder().predictedClass(0).build(), 0, 1_025_000_000L, "classifications-0@8");
        t.record(b.episode(1).sampleId("b").build(), 1_030_000_000L);
        t.record(b.episode(2).sampleId("a").build(), 1_040_000_000L); // a second decision for one replay of a
        ClassificationTracker.Snapshot s = t.snapshot();
        assertThat(s.classified()).isEqualTo(1);
        assertThat(s.duplicates()).isEqualTo(1);
        assertThat(s.conflicts()).isEqualTo(1);
        assertThat(s.conflictExamples()).singleElement().asString().contains("classifications-0@8");
        assertThat(s.unexpected()).isEqualTo(2);
        assertThat(s.missing()).isZero();
        assertThat(s.latencyUs().getTotalCount()).isEqualTo(1);
        assertThat(s.duplicateExamples()).singleElement().asString().contains("classifications-0@7");
    }
}
