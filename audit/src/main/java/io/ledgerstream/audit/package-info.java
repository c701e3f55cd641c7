/**
 * The audit replayer: reads the ledger events (and outcomes) from Kafka with {@code isolation.level=read_committed},
 * rebuilds every account with the same {@link io.ledgerstream.core.Ledger#evolve} the engine uses, and proves the
 * ledger's invariants from the log alone.
 *
 * <p>Entry points: {@link io.ledgerstream.audit.Auditor#run(AuditOptions)} (library, returns an {@link
 * io.ledgerstream.audit.AuditReport}), {@link io.ledgerstream.audit.AuditMain} (the {@code ledgerstream audit}
 * command line) and {@link io.ledgerstream.audit.LedgerAudit} (the in-memory checker, fed with core events, for tests
 * and benchmarks). See {@code docs/audit.md}.
 */
package io.ledgerstream.audit;
