/**
 * The ledgerstream client SDK: submit commands to the ledger exactly once and consume its results.
 *
 * <ul>
 *   <li>{@link io.ledgerstream.sdk.LedgerClientConfig}: typed, validated settings.
 *   <li>{@link io.ledgerstream.sdk.Command}: validated commands whose request ID is fixed at creation.
 *   <li>{@link io.ledgerstream.sdk.LedgerClient}: {@code submit} / {@code submitAll} over an idempotent,
 *       transactional producer; futures complete with the engine's {@link io.ledgerstream.sdk.Outcome}.
 *   <li>{@link io.ledgerstream.sdk.ResultStream}: read_committed streams of outcomes and ledger events with offsets
 *       committed only after the handler returns.
 *   <li>{@link io.ledgerstream.sdk.ConsistentHashPartitioner}: the shared partitioner, for plain Kafka producers.
 * </ul>
 *
 * <p>Amounts are {@code long} minor units (e.g. cents); times are epoch milliseconds unless a type says otherwise.
 * Everything in {@code io.ledgerstream.sdk.internal} is an implementation detail that may change without notice.
 * See {@code docs/sdk.md} for a guide.
 */
package io.ledgerstream.sdk;
