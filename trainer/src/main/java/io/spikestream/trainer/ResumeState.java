package io.spikestream.trainer;

import io.spikestream.snn.BnntModel;
import io.spikestream.snn.BnntParams;
import io.spikestream.snn.ModelSpec;
import io.spikestream.snn.checkpoint.CheckpointCodec;
import io.spikestream.snn.checkpoint.CheckpointContents;
import io.spikestream.trainer.net.BpttNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a training run starts: fresh parameters from the seed, or the state {@code <out>.resume}
 * holds (parameters, momentum buffers, epochs done, the best validation accuracy so far), refused
 * when it belongs to another model or to a budgeted run planned for another epoch count (the
 * learning-rate schedule follows that count). Also writes that state after every epoch.
 */
record ResumeState(BnntParams params, int firstEpoch, float bestSoFar, List<float[]> momentum) {

    static Path file(Path out) {
        return out.resolveSibling(out.getFileName() + ".resume");
    }

    static ResumeState start(TrainingOptions o, ModelSpec spec, TrainingListener listener) {
        if (!o.resume()) {
            return new ResumeState(BnntParams.init(spec, o.train().seed()), 0, -1f, null);
        }
        Path path = file(o.out());
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("--resume: " + path + " does not exist (it is written after every epoch)");
        }
        CheckpointContents saved = CheckpointCodec.readContents(path);
        BnntModel m = saved.model();
        io.spikestream.snn.checkpoint.ResumeState state = saved.resumeState().orElseThrow(() ->
                new IllegalArgumentException("--resume: " + path + " holds no training state"));
        if (!m.spec().equals(spec)) {
            throw new IllegalArgumentException("--resume: " + path + " holds " + m.spec().layerSpec() + ", T="
                    + m.spec().timesteps() + ", framing " + m.spec().framing().describe() + " but the options give "
                    + spec.layerSpec() + ", T=" + spec.timesteps() + ", framing " + spec.framing().describe());
        }
        int planned = state.budgetPlannedEpochs();
        if (planned > 0 && planned != o.train().epochs()) {
            throw new IllegalArgumentException("--resume: " + path + " comes from a run whose time budget planned "
                    + planned + " epochs, and its learning-rate schedule follows that count; resume with --epochs "
                    + planned + " (not " + o.train().epochs() + ")");
        }
        ResumeState s = new ResumeState(m.params(), state.epochsDone(), m.provenance().bestAccuracy(),
                new ArrayList<>(state.momentum()));
        listener.message("resuming after epoch " + s.firstEpoch() + " (best validation accuracy so far "
                + String.format(Locale.ROOT, "%.2f %%", 100 * s.bestSoFar()) + ")");
        return s;
    }

    /** Puts the saved momentum buffers into the network (nothing for a fresh start). */
    void restoreMomentum(BpttNetwork net) {
        if (momentum != null) {
            net.setMomentum(momentum);
        }
    }

    /**
     * Writes {@code model} with the state to continue after {@code epochsDone} epochs.
     *
     * @param budgetPlannedEpochs the epoch count a time budget planned, 0 without a budget
     */
    static void write(Path out, BnntModel model, int epochsDone, List<float[]> momentum, int budgetPlannedEpochs) {
        CheckpointCodec.write(file(out), model,
                new io.spikestream.snn.checkpoint.ResumeState(epochsDone, momentum, budgetPlannedEpochs));
    }
}
