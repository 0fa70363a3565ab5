package io.spikestream.app.serve;

import io.spikestream.topics.Guarantee;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --guarantee at-least-once|exactly-once} of {@code serve}, {@code bench} and {@code demo}. */
public final class GuaranteeOption {
    @Option(names = "--guarantee", paramLabel = "at-least-once|exactly-once", converter = Converter.class,
            description = {"What the stream app promises when it fails. exactly-once (default): each decision is visible",
                "when its transaction commits. at-least-once: each decision is produced as soon as it is made; after a",
                "crash a decision may come again, with the same key (camera, episode) and the same content."})
    public Guarantee guarantee;

    /** The chosen guarantee, exactly-once when none was given. */
    public Guarantee orDefault() {
        return guarantee == null ? Guarantee.EXACTLY_ONCE : guarantee;
    }

    /** Parses the option's value; a wrong one is a usage error naming the accepted values. */
    public static final class Converter implements CommandLine.ITypeConverter<Guarantee> {
        @Override
        public Guarantee convert(String value) {
            try {
                return Guarantee.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
