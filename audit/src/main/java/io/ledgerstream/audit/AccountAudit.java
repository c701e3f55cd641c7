package io.ledgerstream.audit;

import io.ledgerstream.core.AccountState;

/** The audit's running view of one account. Owned by one shard; not thread-safe. */
final class AccountAudit {
    final String accountId;
    /** The account ID's number in the shard's {@link StringPool}. */
    final int nameId;

    /** The partition that owns the account (consistent hash), or -1 if the partition count is unknown. */
    int ownerPartition = -1;

    /** The state rebuilt with Ledger.evolve (or re-synchronised on a violation), or null before the first event. */
    AccountState state;
    /** The account's currency (from its first event). */
    String currency;
    /** Overdraft limit from AccountOpened, or -1 when unknown (the account was anchored mid-log). */
    long declaredOverdraft = -1;
    /** The account's first event in the range was not AccountOpened and the range starts mid-log. */
    boolean anchored;
    /** A violation left no state to continue from: later events are counted, not replayed. */
    boolean broken;

    /** Balance before the range (anchored accounts), minor units. */
    long openingBalance;
    /** balanceAfter of the last event accepted into the sequence; valid when hasBalance. */
    long lastBalanceAfter;

    boolean hasBalance;

    int lastPartition = -1;
    long lastOffset = -1;
    long events;

    long deposits;
    long withdrawals;
    long captured;

    /** The state after the last event at or before the as-of time (prefix of the log), or null. */
    AccountState asOfState;
    /** An event after the as-of time was seen: asOfState is final. */
    boolean asOfFrozen;

    AccountAudit(String accountId, int nameId) {
        this.accountId = accountId;
        this.nameId = nameId;
    }
}
