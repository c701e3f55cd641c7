package io.ledgerstream.bench;

import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.sdk.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The benchmark's command mix over a fixed universe of accounts: by default 70% transfers (half of them between
 * accounts on different partitions, on purpose, chosen with the same {@link ConsistentHash} the engine uses), 20%
 * deposits and 10% withdrawals; the driver resends a completed command (same request ID) for {@link
 * Mix#duplicateShare()} of its submissions. Accounts are opened with a large overdraft and amounts are small, so
 * business rejections stay rare and the accepted path (events, state, outcome) is what is measured.
 *
 * <p>Immutable and thread-safe; each caller passes its own random generator.
 */
final class Workload {

    /** The currency of every account and command. */
    static final String CURRENCY = "EUR";

    /**
     * Shares of the mix.
     *
     * @param transfer share of transfers among new commands, [0, 1]
     * @param crossPartition share of transfers whose destination lives on another partition, [0, 1]
     * @param deposit share of deposits among new commands, [0, 1]
     * @param withdraw share of withdrawals among new commands, [0, 1]; the three shares sum to 1
     * @param duplicateShare share of submissions that resend a completed command, [0, 1)
     */
    record Mix(double transfer, double crossPartition, double deposit, double withdraw, double duplicateShare) {
        /** The mix: 70/20/10, half the transfers cross-partition, 1% duplicates. */
        static final Mix DEFAULT = new Mix(0.70, 0.5, 0.20, 0.10, 0.01);

        Mix {
            for (double v : new double[] {transfer, crossPartition, deposit, withdraw, duplicateShare}) {
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException("mix shares must be in [0, 1]: " + this);
                }
            }
            if (Math.abs(transfer + deposit + withdraw - 1) > 1e-9) {
                throw new IllegalArgumentException(
                        "transfer + deposit + withdraw must be 1, got " + (transfer + deposit + withdraw));
            }
            if (duplicateShare >= 1) {
                throw new IllegalArgumentException("duplicateShare must be below 1, got " + duplicateShare);
            }
        }
    }

    /** The kinds of command the mix draws. */
    enum Kind {
        TRANSFER_LOCAL,
        TRANSFER_CROSS,
        DEPOSIT,
        WITHDRAW
    }

    /** Most accounts a run may use: bounds the account arrays (about 12 bytes each plus the ID string). */
    static final int ACCOUNTS_MAX = 50_000_000;

    private final int accounts;
    private final int partitions;
    private final Mix mix;
    private final long amountMax;
    private final int[] partitionOf;
    private final int[][] byPartition;
    private final int[] nonEmptyPartitions;

    /**
     * @param accounts how many accounts, [2, {@link #ACCOUNTS_MAX}]
     * @param partitions the commands topic's partition count, >= 1
     * @param mix the shares
     * @param amountMax largest amount of a deposit, withdrawal or transfer, minor units, >= 1
     */
    Workload(int accounts, int partitions, Mix mix, long amountMax) {
        if (accounts < 2 || accounts > ACCOUNTS_MAX) {
            throw new IllegalArgumentException("accounts must be in [2, " + ACCOUNTS_MAX + "], was " + accounts);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
        }
        if (amountMax < 1) {
            throw new IllegalArgumentException("amountMax must be >= 1, was " + amountMax);
        }
        this.accounts = accounts;
        this.partitions = partitions;
        this.mix = Objects.requireNonNull(mix, "mix");
        this.amountMax = amountMax;
        this.partitionOf = new int[accounts];
        int[] counts = new int[partitions];
        for (int i = 0; i < accounts; i++) {
            partitionOf[i] = ConsistentHash.partition(accountId(i), partitions);
            counts[partitionOf[i]]++;
        }
        this.byPartition = new int[partitions][];
        List<Integer> nonEmpty = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            byPartition[p] = new int[counts[p]];
            if (counts[p] > 0) {
                nonEmpty.add(p);
            }
        }
        int[] fill = new int[partitions];
        for (int i = 0; i < accounts; i++) {
            int p = partitionOf[i];
            byPartition[p][fill[p]++] = i;
        }
        this.nonEmptyPartitions = nonEmpty.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The ID of account {@code i}: {@code acct-<i>} (so every run and the raw producer use the same key sizes). */
    static String accountId(int i) {
        return "acct-" + i;
    }

    int accounts() {
        return accounts;
    }

    int partitions() {
        return partitions;
    }

    Mix mix() {
        return mix;
    }

    /** The partition that owns account {@code i}. */
    int partitionOf(int i) {
        return partitionOf[i];
    }

    /** Whether cross-partition transfers are possible (at least two partitions hold accounts). */
    boolean crossPartitionPossible() {
        return nonEmptyPartitions.length > 1;
    }

    /** The command that opens account {@code i}, with an overdraft large enough that the mix rarely runs dry. */
    Command open(int i, long overdraftLimit) {
        return Command.openAccount(accountId(i), CURRENCY, overdraftLimit);
    }

    /** Whether the next submission should resend a completed command. */
    boolean nextIsDuplicate(SplittableRandom random) {
        return random.nextDouble() < mix.duplicateShare();
    }

    /** Draws the kind of the next new command. */
    Kind nextKind(SplittableRandom random) {
        double x = random.nextDouble();
        if (x < mix.transfer()) {
            return random.nextDouble() < mix.crossPartition() && crossPartitionPossible()
                    ? Kind.TRANSFER_CROSS
                    : Kind.TRANSFER_LOCAL;
        }
        return x < mix.transfer() + mix.deposit() ? Kind.DEPOSIT : Kind.WITHDRAW;
    }

    /** Draws the next new command. */
    Command next(SplittableRandom random) {
        Kind kind = nextKind(random);
        int from = random.nextInt(accounts);
        long amount = 1 + random.nextLong(amountMax);
        return switch (kind) {
            case DEPOSIT -> Command.deposit(accountId(from), amount, CURRENCY);
            case WITHDRAW -> Command.withdraw(accountId(from), amount, CURRENCY);
            case TRANSFER_LOCAL, TRANSFER_CROSS -> Command.transfer(
                    accountId(from),
                    accountId(destination(random, from, kind == Kind.TRANSFER_CROSS)),
                    amount,
                    CURRENCY);
        };
    }

    /** A destination for a transfer from {@code from}: on another partition if {@code cross}, else on the same one. */
    int destination(SplittableRandom random, int from, boolean cross) {
        int p = partitionOf[from];
        if (!cross && byPartition[p].length > 1) {
            while (true) { // terminates: the partition holds another account; expected iterations < 2
                int to = byPartition[p][random.nextInt(byPartition[p].length)];
                if (to != from) {
                    return to;
                }
            }
        }
        if (nonEmptyPartitions.length < 2) {
            // one partition holding every account: a local transfer to any other account
            int to = random.nextInt(accounts - 1);
            return to >= from ? to + 1 : to;
        }
        int q = nonEmptyPartitions[random.nextInt(nonEmptyPartitions.length - 1)];
        if (q == p) {
            q = nonEmptyPartitions[nonEmptyPartitions.length - 1];
        }
        return byPartition[q][random.nextInt(byPartition[q].length)];
    }
}
