package io.spikestream.app.cli;

import picocli.CommandLine;

/** Option value converters shared by {@code replay}, {@code demo} and {@code camera} (durations: {@link DurationConverter}). */
public final class Converters {
    private Converters() {
    }

    /** A positive multiple of real time, or "max" for as fast as possible. */
    public static final class SpeedConverter implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            if (value.equalsIgnoreCase("max")) {
                return Double.POSITIVE_INFINITY;
            }
            try {
                double d = Double.parseDouble(value);
                if (d > 0 && Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a positive speed or 'max'");
        }
    }
}
