package io.spikestream.events;

/** Base of the errors raised for malformed event data: the message says what and where. */
public class EventDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EventDataException(String message) {
        super(message);
    }

    public EventDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
