package io.spikestream.snn.checkpoint;

import io.spikestream.snn.BnntModel;
import java.util.Optional;

/**
 * Everything a checkpoint file holds: the model and, in files written for {@code --resume}, the
 * training state; and how much of it could be verified against its content hash.
 */
public record CheckpointContents(BnntModel model, Optional<ResumeState> resumeState,
                                 CheckpointIntegrity.Level integrity) {
    public CheckpointContents {
        resumeState = resumeState == null ? Optional.empty() : resumeState;
        integrity = integrity == null ? CheckpointIntegrity.Level.UNVERIFIED : integrity;
    }
}
