package io.spikestream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {
    private final DurationConverter c = new DurationConverter();

    @Test
    void unitsAndPlainSecondsConvert() {
        assertThat(c.convert("150s")).isEqualTo(Duration.ofSeconds(150));
        assertThat(c.convert("3m")).isEqualTo(Duration.ofMinutes(3));
        assertThat(c.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(c.convert("2.5")).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void negativeOrMalformedValuesAreRefusedWithTheValue() {
        assertThatThrownBy(() -> c.convert("-1s")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'-1s'");
        assertThatThrownBy(() -> c.convert("-5ms")).hasMessageContaining("negative");
        assertThatThrownBy(() -> c.convert("soon")).hasMessageContaining("not a duration");
    }
}
