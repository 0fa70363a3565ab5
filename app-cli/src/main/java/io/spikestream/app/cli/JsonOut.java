package io.spikestream.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes the one JSON object that a {@code --json} command prints on stdout, and the JSON files commands write. */
public final class JsonOut {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonOut() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    public static void print(PrintWriter out, Object value) {
        out.println(toJson(value));
        out.flush();
    }

    /**
     * {@code value} with every NaN or infinite number (in maps, lists and float or double arrays)
     * replaced by null: JSON has no such numbers, and a reader should see "no value", not a string.
     */
    public static Object nonFiniteAsNull(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, nonFiniteAsNull(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(nonFiniteAsNull(v)));
            return out;
        }
        if (value instanceof float[] f) {
            List<Object> out = new ArrayList<>();
            for (float v : f) {
                out.add(nonFiniteAsNull(v));
            }
            return out;
        }
        if (value instanceof double[] d) {
            List<Object> out = new ArrayList<>();
            for (double v : d) {
                out.add(nonFiniteAsNull(v));
            }
            return out;
        }
        if (value instanceof Double d && !Double.isFinite(d) || value instanceof Float f && !Float.isFinite(f)) {
            return null;
        }
        return value;
    }
}
