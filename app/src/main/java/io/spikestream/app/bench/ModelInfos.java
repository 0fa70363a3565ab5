package io.spikestream.app.bench;

import io.spikestream.bench.ModelInfo;
import io.spikestream.snn.BnntModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the bench reports about a checkpoint. */
public final class ModelInfos {
    private ModelInfos() {
    }

    public static ModelInfo of(BnntModel model, Path checkpoint) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("checkpoint", checkpoint == null ? null : checkpoint.toString());
        d.put("architecture", model.spec().architecture());
        d.put("framing", model.spec().framing().describe());
        d.put("confidence_threshold", model.earlyExit().confidenceThreshold());
        d.put("min_steps", model.earlyExit().minSteps());
        d.put("trained_on", model.provenance().dataset());
        return new ModelInfo(model.modelId(), model.spec().classNames(), model.spec().timesteps(), d);
    }
}
