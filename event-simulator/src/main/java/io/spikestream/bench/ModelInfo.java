package io.spikestream.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the bench knows of the model behind the stream app (the simulator does not classify, so it
 * gets this from the caller, who reads the checkpoint): id, class names, its maximum steps T and
 * any details worth reporting.
 */
public record ModelInfo(String modelId, List<String> classNames, int maxSteps, Map<String, Object> details) {
    public ModelInfo {
        Objects.requireNonNull(modelId, "modelId");
        classNames = List.copyOf(classNames);
        if (maxSteps < 1) {
            throw new IllegalArgumentException("model " + modelId + ": maxSteps " + maxSteps + " < 1");
        }
        details = details == null ? Map.of() : new LinkedHashMap<>(details);
    }

    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_id", modelId);
        m.put("classes", classNames);
        m.put("max_steps", maxSteps);
        m.putAll(details);
        return m;
    }
}
