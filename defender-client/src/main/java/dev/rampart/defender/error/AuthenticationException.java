package dev.rampart.defender.error;

/**
 * Entra ID refused to issue a token, or an API refused the token. {@link #sentence()} says in one sentence what is
 * wrong and how to fix it; {@link #aadsts()} is the Entra error code (0 when there is none). Never retried.
 */
public final class AuthenticationException extends DefenderException {
    private static final long serialVersionUID = 1L;
    private final int aadsts;
    private final String sentence;

    public AuthenticationException(
            String sentence,
            int aadsts,
            int status,
            String requestId,
            String method,
            String url,
            String errorCode,
            String errorMessage,
            Throwable cause) {
        super(sentence, status, requestId, method, url, errorCode, errorMessage, cause);
        this.aadsts = aadsts;
        this.sentence = sentence;
    }

    public int aadsts() {
        return aadsts;
    }

    public String sentence() {
        return sentence;
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
