package io.ledgerstream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class RocksDbMemoryTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void shouldChargeEveryStoresBlocksAndMemtablesToOneSharedCache(@TempDir Path tmp) throws Exception {
        try (RocksDbMemory memory = new RocksDbMemory(32 * MIB)) {
            assertThat(memory.usageBytes()).isZero();
            RocksDbMemory.Setter setter = new RocksDbMemory.Setter();
            Map<String, Object> configs = Map.of(RocksDbMemory.CONFIG_KEY, memory);
            try (Options first = options(setter, "accounts", configs);
                    Options second = options(setter, "dedup", configs);
                    RocksDB a = RocksDB.open(first, tmp.resolve("a").toString());
                    RocksDB b = RocksDB.open(second, tmp.resolve("b").toString());
                    FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                for (int i = 0; i < 20_000; i++) {
                    a.put(key(i), new byte[100]);
                }
                long withMemtable = memory.usageBytes();
                assertThat(withMemtable)
                        .as("memtable reservations are charged to the cache")
                        .isPositive();
                a.flush(flush);
                for (int i = 0; i < 20_000; i += 7) {
                    assertThat(a.get(key(i))).hasSize(100);
                }
                b.put(key(1), new byte[10]);
                assertThat(b.get(key(1))).hasSize(10);
                assertThat(memory.usageBytes())
                        .as("data, index and filter blocks read from the table files sit in the same cache")
                        .isPositive()
                        .isLessThanOrEqualTo(memory.capacityBytes() + 8 * MIB);
            }
        }
    }

    @Test
    void shouldRefuseAStoreWhoseBudgetWasNotAttached() {
        try (Options options = new Options()) {
            assertThatThrownBy(() -> new RocksDbMemory.Setter().setConfig("accounts", options, Map.of()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ledgerstream.rocksdb.memory is missing");
        }
    }

    @Test
    void shouldRegisterTheSetterAndTheBudgetInTheStreamsProperties() {
        Properties props = new Properties();
        try (RocksDbMemory memory = RocksDbMemory.attach(props, config(64 * MIB))) {
            assertThat(memory.capacityBytes()).isEqualTo(64 * MIB);
            assertThat(props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
                    .isEqualTo(RocksDbMemory.Setter.class);
            assertThat(props.get(RocksDbMemory.CONFIG_KEY)).isSameAs(memory);
        }
    }

    @Test
    void shouldLeaveRocksDbDefaultsWhenTheBudgetIsZero() {
        Properties props = new Properties();
        assertThat(RocksDbMemory.attach(props, config(0))).isNull();
        assertThat(props)
                .doesNotContainKeys(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RocksDbMemory.CONFIG_KEY);
    }

    @Test
    void shouldRejectABudgetTooSmallToHoldTheMemtables() {
        assertThatThrownBy(() -> config(MIB))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(EngineConfig.ROCKSDB_MEMORY_MAX_BYTES)
                .hasMessageContaining("must be 0 or in [16 MiB, 1 TiB]");
    }

    private static Options options(RocksDbMemory.Setter setter, String store, Map<String, Object> configs) {
        Options options = new Options().setCreateIfMissing(true);
        options.setTableFormatConfig(new BlockBasedTableConfig());
        setter.setConfig(store, options, configs);
        return options;
    }

    private static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static EngineConfig config(long bytes) {
        return new EngineConfig(Map.of(
                EngineConfig.BOOTSTRAP_SERVERS, "unused:9092",
                EngineConfig.REGISTRY_URL, "http://127.0.0.1:1",
                EngineConfig.ROCKSDB_MEMORY_MAX_BYTES, bytes));
    }
}
