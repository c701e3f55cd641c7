package io.ledgerstream.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Numbers distinct strings (account IDs, currencies), so that per-event records hold an int and one copy of each
 * string is kept. Grows with the number of distinct strings (accounts), not with events. In front of the map, a
 * bounded direct-mapped cache keyed by identity answers for the string instances the decoder's {@link NameCache}
 * hands out again and again, with two array reads. Not thread-safe.
 */
final class StringPool {
    private static final int RECENT_SLOTS = 1 << 16;

    private final Map<String, Integer> ids = new HashMap<>(1024);
    private final List<String> strings = new ArrayList<>(1024);
    private final String[] recent = new String[RECENT_SLOTS];
    private final int[] recentIds = new int[RECENT_SLOTS];

    /** The string's number, assigned on first use; -1 for null. */
    int id(String value) {
        if (value == null) {
            return -1;
        }
        int slot = value.hashCode() & (RECENT_SLOTS - 1);
        if (recent[slot] == value) {
            return recentIds[slot];
        }
        Integer id = ids.get(value);
        if (id == null) {
            id = strings.size();
            strings.add(value);
            ids.put(value, id);
        }
        recent[slot] = value;
        recentIds[slot] = id;
        return id;
    }

    /** The string of a number; null for -1. */
    String get(int id) {
        return id < 0 ? null : strings.get(id);
    }
}
