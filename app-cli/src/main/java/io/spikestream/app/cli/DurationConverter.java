package io.spikestream.app.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** "30s", "2m", "500ms", "1h" or a plain number of seconds, as an option value. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                Duration d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                if (d.isNegative()) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is negative");
                }
                return d;
            }
            double n;
            long unitMs;
            if (v.endsWith("s")) {
                n = Double.parseDouble(v.substring(0, v.length() - 1));
                unitMs = 1000;
            } else if (v.endsWith("m")) {
                n = Double.parseDouble(v.substring(0, v.length() - 1));
                unitMs = 60_000;
            } else if (v.endsWith("h")) {
                n = Double.parseDouble(v.substring(0, v.length() - 1));
                unitMs = 3_600_000;
            } else {
                n = Double.parseDouble(v);
                unitMs = 1000;
            }
            if (!Double.isFinite(n) || n < 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration ≥ 0");
            }
            return Duration.ofMillis(Math.round(n * unitMs));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is not a duration (use e.g. 30s, 2m, 500ms or a number of seconds)");
        }
    }
}
