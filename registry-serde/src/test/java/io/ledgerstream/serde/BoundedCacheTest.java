package io.ledgerstream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedCacheTest {

    @Test
    void shouldEvictLeastRecentlyUsedEntryBeyondMax() {
        BoundedCache<String, Integer> cache = new BoundedCache<>(2);
        cache.put("a", 1);
        cache.put("b", 2);
        cache.get("a");

        cache.put("c", 3);

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("b")).isNull();
        assertThat(cache.get("a")).isEqualTo(1);
        assertThat(cache.get("c")).isEqualTo(3);
    }

    @Test
    void shouldLoadOnlyOnMiss() {
        BoundedCache<String, Integer> cache = new BoundedCache<>(10);
        AtomicInteger loads = new AtomicInteger();

        cache.computeIfAbsent("k", k -> loads.incrementAndGet());
        cache.computeIfAbsent("k", k -> loads.incrementAndGet());

        assertThat(loads).hasValue(1);
    }

    @Test
    void shouldNotCacheFailedLoad() {
        BoundedCache<String, Integer> cache = new BoundedCache<>(10);
        try {
            cache.computeIfAbsent("k", k -> {
                throw new IllegalStateException("registry down");
            });
        } catch (IllegalStateException expected) {
            // the next call must try again
        }

        assertThat(cache.computeIfAbsent("k", k -> 5)).isEqualTo(5);
    }
}
