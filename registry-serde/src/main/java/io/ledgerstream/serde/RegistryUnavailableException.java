package io.ledgerstream.serde;

/**
 * The schema registry could not be reached, timed out or answered with a server error (5xx) on every attempt.
 *
 * <p>This is an infrastructure failure, not a property of the record being (de)serialized: retrying later may succeed.
 */
public final class RegistryUnavailableException extends RegistrySerdeException {

    private static final long serialVersionUID = 1L;

    private final String url;
    private final int attempts;

    /**
     * Creates an exception.
     *
     * @param url the registry URL that was tried, not null
     * @param attempts how many requests were sent, at least 1
     * @param lastFailure what went wrong on the last attempt, not null
     * @param cause the last exception, or null if the last attempt got a 5xx answer
     */
    public RegistryUnavailableException(String url, int attempts, String lastFailure, Throwable cause) {
        super(
                "Schema registry at " + url + " unavailable after " + attempts + " attempt(s); last failure: "
                        + lastFailure,
                cause);
        this.url = url;
        this.attempts = attempts;
    }

    /**
     * Returns the registry URL that was tried.
     *
     * @return the URL, never null
     */
    public String url() {
        return url;
    }

    /**
     * Returns how many requests were sent before giving up.
     *
     * @return at least 1
     */
    public int attempts() {
        return attempts;
    }
}
