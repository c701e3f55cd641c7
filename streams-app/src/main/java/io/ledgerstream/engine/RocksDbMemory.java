package io.ledgerstream.engine;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * The off-heap memory budget of one engine instance's RocksDB state stores ({@link
 * EngineConfig#ROCKSDB_MEMORY_MAX_BYTES}): one LRU block cache shared by every store, which also holds the index and
 * filter blocks (by default RocksDB keeps those outside any cache, so an instance's memory grows with its state), and
 * a write buffer manager that charges the memtables to the same cache, a quarter of the budget.
 *
 * <p>Kafka Streams creates its {@link RocksDBConfigSetter} by class name, once per store; the setter finds this
 * instance in the application's configs under {@link #CONFIG_KEY}, where {@link #attach} puts it, so no static state
 * is shared between engines in one JVM. The owner closes it after Kafka Streams has closed its stores.
 *
 * <p>Thread-safe (RocksDB's cache and write buffer manager are).
 */
public final class RocksDbMemory implements AutoCloseable {

    /** Key of this object in the Kafka Streams configs. */
    public static final String CONFIG_KEY = "ledgerstream.rocksdb.memory";

    /** Share of the cache for memtables (through the write buffer manager). */
    static final double MEMTABLE_SHARE = 0.25;

    /** Share of the cache reserved for index and filter blocks (high priority). */
    static final double HIGH_PRIORITY_SHARE = 0.1;

    private final long capacityBytes;
    private final Cache cache;
    private final WriteBufferManager writeBuffers;

    RocksDbMemory(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacityBytes must be > 0, was " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        RocksDB.loadLibrary(); // idempotent; the cache is created before Kafka Streams opens any store
        this.cache = new LRUCache(capacityBytes, -1, false, HIGH_PRIORITY_SHARE);
        this.writeBuffers = new WriteBufferManager((long) (capacityBytes * MEMTABLE_SHARE), cache);
    }

    /**
     * Creates the budget of {@code config} and registers it, with its config setter, in the Kafka Streams properties.
     *
     * @return the budget, to close after Kafka Streams; null if {@code rocksdb.memory.max.bytes=0} (RocksDB defaults)
     */
    static RocksDbMemory attach(Properties streamsProperties, EngineConfig config) {
        long bytes = config.rocksDbMemoryMaxBytes();
        if (bytes == 0) {
            return null;
        }
        RocksDbMemory memory = new RocksDbMemory(bytes);
        streamsProperties.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, Setter.class);
        streamsProperties.put(CONFIG_KEY, memory);
        return memory;
    }

    long capacityBytes() {
        return capacityBytes;
    }

    /** Bytes the shared cache holds now (data, index and filter blocks, and memtable reservations). */
    long usageBytes() {
        return cache.getUsage();
    }

    @Override
    public void close() {
        writeBuffers.close();
        cache.close();
    }

    @Override
    public String toString() {
        return "RocksDbMemory[" + capacityBytes + " bytes]";
    }

    /** Points each store at the shared budget. Created by Kafka Streams, one per store. */
    public static final class Setter implements RocksDBConfigSetter {

        /** Public for Kafka Streams, which instantiates it by class name. */
        public Setter() {}

        @Override
        public void setConfig(String storeName, Options options, Map<String, Object> configs) {
            Object value = configs.get(CONFIG_KEY);
            if (!(value instanceof RocksDbMemory memory)) {
                throw new IllegalStateException("store " + storeName + ": " + CONFIG_KEY + " is "
                        + (value == null ? "missing" : value.getClass().getName())
                        + "; RocksDbMemory.attach() must register the budget with the config setter");
            }
            BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
            table.setBlockCache(memory.cache);
            table.setCacheIndexAndFilterBlocks(true);
            table.setCacheIndexAndFilterBlocksWithHighPriority(true);
            table.setPinTopLevelIndexAndFilter(true);
            options.setTableFormatConfig(table);
            options.setWriteBufferManager(memory.writeBuffers);
        }

        @Override
        public void close(String storeName, Options options) {
            // nothing per store: the cache and write buffer manager are shared, and their owner closes them
        }
    }
}
