package io.ledgerstream.faults;

/**
 * Settings of the full fault suite ({@code -Pfaults}): its JUnit tag and the sizes of its runs, each overridable with a
 * system property (e.g. {@code -Dfaults.crash.cycles=40}).
 */
final class FaultSuite {

    /** JUnit tag of the full suite; the default build excludes it, the {@code faults} profile selects it. */
    static final String TAG = "fault-suite";

    private FaultSuite() {}

    static int intProperty(String name, int defaultValue) {
        return Integer.parseInt(System.getProperty(name, Integer.toString(defaultValue)));
    }

    static long seed() {
        return Long.parseLong(System.getProperty("faults.seed", "20261125"));
    }
}
