package io.ledgerstream.sdk;

import io.ledgerstream.sdk.internal.TransactionHook;

/** Reaches the SDK's package-private test seams from the system tests (same package, test classpath only). */
public final class SdkTestAccess {

    private SdkTestAccess() {}

    /**
     * Connects a real client whose publisher calls {@code hook} after every record it sends.
     *
     * @param config the client settings
     * @param hook the fault-injection hook
     * @return the connected client; the caller closes it
     */
    public static LedgerClient clientWithHook(LedgerClientConfig config, TransactionHook hook) {
        return new LedgerClient(config, hook);
    }
}
