package dev.rampart.app.outbound;

/** A call the outbound policy does not allow; the message says why, without the resolved address. */
public final class OutboundRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OutboundRefusedException(String message) {
        super(message);
    }
}
