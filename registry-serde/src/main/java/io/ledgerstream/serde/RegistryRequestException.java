package io.ledgerstream.serde;

/**
 * The registry answered a request with an error this module has no more specific exception for, e.g. 400, 401, 403
 * or 404 on a subject, or an answer that could not be understood. Such answers are not retried.
 */
public final class RegistryRequestException extends RegistrySerdeException {

    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final int errorCode;

    /**
     * Creates an exception.
     *
     * @param request the method and path, e.g. {@code "PUT /config"}, not null
     * @param statusCode the HTTP status
     * @param errorCode the registry's {@code error_code}, or -1 if absent
     * @param message the registry's message or a description of the unexpected answer, not null
     */
    public RegistryRequestException(String request, int statusCode, int errorCode, String message) {
        super("Schema registry request " + request + " failed with HTTP " + statusCode
                + (errorCode >= 0 ? " (error_code " + errorCode + ")" : "") + ": " + message);
        this.statusCode = statusCode;
        this.errorCode = errorCode;
    }

    /**
     * Returns the HTTP status.
     *
     * @return the status code
     */
    public int statusCode() {
        return statusCode;
    }

    /**
     * Returns the registry's {@code error_code}.
     *
     * @return the code, or -1 if the answer had none
     */
    public int errorCode() {
        return errorCode;
    }
}
