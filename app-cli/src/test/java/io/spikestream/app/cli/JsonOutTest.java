package io.spikestream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonOutTest {

    @Test
    void stringsAreEscapedAndNonFiniteNumbersBecomeNull() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\nd");
        m.put("f", new float[] {1.5f, Float.NaN});
        m.put("d", Double.POSITIVE_INFINITY);
        m.put("l", List.of(1, true, Map.of("x", Float.NaN)));
        String json = JsonOut.toJson(JsonOut.nonFiniteAsNull(m));
        assertThat(JsonOut.mapper().readTree(json).toString())
                .isEqualTo("{\"s\":\"a\\\"b\\\\c\\nd\",\"f\":[1.5,null],\"d\":null,\"l\":[1,true,{\"x\":null}]}");
    }
}
