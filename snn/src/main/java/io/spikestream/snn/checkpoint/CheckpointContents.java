package io.spikestream.snn.checkpoint;

import io.spikestream.snn.BnntModel;
import java.util.Optional;

/**
 * Everything a checkpoint file holds: the model and, in files written for {@code --resume}, the
 * training state.
 */
public record CheckpointContents(BnntModel model, Optional<ResumeState> resumeState) {
    public CheckpointContents {
        resumeState = resumeState == null ? Optional.empty() : resumeState;
    }
}
