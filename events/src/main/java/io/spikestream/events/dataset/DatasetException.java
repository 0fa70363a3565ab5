package io.spikestream.events.dataset;

/** A data-set directory that does not have the expected layout; the message names the folder. */
public final class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }
}
