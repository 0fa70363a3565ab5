package io.spikestream.stream.processor;

import io.spikestream.stream.metrics.StreamMetrics;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' production exception handler for the stream app. A record the producer refuses for
 * its own sake (too large for the producer or the topic) is logged, counted and skipped, and the input
 * that produced it is noted in {@link UnwritableInputs}: when that input is processed again (exactly-once
 * aborts the transaction), it goes to the dead-letter topic instead of failing the task forever.
 * Retriable errors are retried and everything else fails the thread, as Kafka's default handler does.
 *
 * <p>Configured by {@link #install}: Kafka Streams creates the handler from its class name and passes it
 * the shared {@link UnwritableInputs} and {@link StreamMetrics} through the configuration.
 */
public final class UnwritableOutputHandler implements ProductionExceptionHandler {
    /** Configuration key under which the shared {@link UnwritableInputs} travels. */
    public static final String INPUTS_CONFIG = "spikestream.unwritable.inputs";
    /** Configuration key under which the {@link StreamMetrics} travel. */
    public static final String METRICS_CONFIG = "spikestream.metrics";
    private static final Logger LOG = LoggerFactory.getLogger(UnwritableOutputHandler.class);

    private UnwritableInputs inputs = new UnwritableInputs();
    private StreamMetrics metrics = StreamMetrics.noop();

    /** Puts this handler and what it shares into Kafka Streams properties. */
    public static void install(Properties streamsProperties, UnwritableInputs inputs, StreamMetrics metrics) {
        streamsProperties.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                UnwritableOutputHandler.class.getName());
        streamsProperties.put(INPUTS_CONFIG, inputs);
        streamsProperties.put(METRICS_CONFIG, metrics);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        if (configs.get(INPUTS_CONFIG) instanceof UnwritableInputs u) {
            inputs = u;
        }
        if (configs.get(METRICS_CONFIG) instanceof StreamMetrics m) {
            metrics = m;
        }
    }

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                                     Exception exception) {
        if (exception instanceof RecordTooLargeException || exception instanceof RecordBatchTooLargeException) {
            int size = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
            String reason = "a " + size + "-byte record to " + record.topic() + " was refused: " + exception.getMessage();
            metrics.unwritable(record.topic());
            if (context != null && context.topic() != null) {
                inputs.refused(context.topic(), context.partition(), context.offset(), reason);
                LOG.error("{}; produced from input {}-{}@{}, which goes to the dead-letter topic when it is processed again",
                        reason, context.topic(), context.partition(), context.offset());
            } else {
                LOG.error("{}; produced by a punctuation, dropped", reason);
            }
            return ProductionExceptionHandlerResponse.CONTINUE;
        }
        return exception instanceof RetriableException ? ProductionExceptionHandlerResponse.RETRY
                : ProductionExceptionHandlerResponse.FAIL;
    }
}
