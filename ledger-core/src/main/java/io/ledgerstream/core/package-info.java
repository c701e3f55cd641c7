/**
 * The pure core of ledgerstream: commands, events, account state, and the rules that connect them ({@link
 * io.ledgerstream.core.Ledger#decide} and {@link io.ledgerstream.core.Ledger#evolve}), plus the request fingerprint
 * and the consistent hash. Plain Java with no runtime dependencies; every type is immutable or stateless, and
 * thread-safe. Amounts are {@code long} minor units of the account's currency (e.g. cents); times are epoch
 * milliseconds passed in by the caller.
 */
package io.ledgerstream.core;
