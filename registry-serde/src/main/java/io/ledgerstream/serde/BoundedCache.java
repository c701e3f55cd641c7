package io.ledgerstream.serde;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A least-recently-used cache holding at most {@code maxEntries} entries.
 *
 * <p>Thread-safe: every operation holds the cache's lock. {@link #computeIfAbsent} runs the loader outside the lock, so
 * a slow registry call never blocks readers of other keys; two threads missing the same key may both load it, and the
 * first result stored wins.
 */
final class BoundedCache<K, V> {

    private final int maxEntries;
    private final LinkedHashMap<K, V> entries;

    BoundedCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > BoundedCache.this.maxEntries;
            }
        };
    }

    /** Returns the cached value or null. */
    synchronized V get(K key) {
        return entries.get(key);
    }

    /** Stores a value, evicting the least recently used entry if the cache is full. */
    synchronized void put(K key, V value) {
        entries.put(key, value);
    }

    /** Returns the cached value, or loads, stores and returns it. The loader must not return null. */
    V computeIfAbsent(K key, Function<? super K, ? extends V> loader) {
        V cached = get(key);
        if (cached != null) {
            return cached;
        }
        V loaded = loader.apply(key);
        synchronized (this) {
            V raced = entries.putIfAbsent(key, loaded);
            return raced != null ? raced : loaded;
        }
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized void clear() {
        entries.clear();
    }

    int maxEntries() {
        return maxEntries;
    }
}
