package io.spikestream.snn.checkpoint;

/**
 * A checkpoint that cannot be read: a foreign file, a truncated one, an unknown format version or
 * parameters whose shapes do not match the model config. The message names the file and what is wrong.
 */
public final class CheckpointFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
