package io.ledgerstream.engine;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the engine until SIGTERM/SIGINT. Configuration comes from a properties file and/or {@code --set key=value}
 * (later wins), then from environment variables {@code LEDGERSTREAM_<KEY>} with dots as underscores (e.g.
 * {@code LEDGERSTREAM_BOOTSTRAP_SERVERS}), as used by {@code compose.yaml}.
 */
@Command(
        name = "ledgerstream-engine",
        mixinStandardHelpOptions = true,
        description = "Runs the ledgerstream exactly-once transaction engine.")
public final class EngineMain implements Callable<Integer> {

    static final String ENV_PREFIX = "LEDGERSTREAM_";

    @Option(names = "--config", description = "Properties file with engine settings (see docs/configuration.md).")
    Path configFile;

    @Option(names = "--set", description = "A setting key=value; repeatable; overrides the file.")
    Map<String, String> overrides = new HashMap<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new EngineMain()).execute(args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Map<String, Object> props = new HashMap<>(fromEnvironment(System.getenv()));
        if (configFile != null) {
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(configFile)) {
                file.load(reader);
            }
            file.forEach((k, v) -> props.put(String.valueOf(k), v));
        }
        props.putAll(overrides);
        EngineConfig config;
        try {
            config = new EngineConfig(props);
        } catch (ConfigException e) {
            System.err.println("invalid configuration: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        LedgerService service = LedgerService.start(config);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            service.close();
                            stopped.countDown();
                        },
                        "ledgerstream-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * Reads {@code LEDGERSTREAM_*} environment variables as settings: {@code LEDGERSTREAM_<KEY>} for every engine key,
     * and {@code LEDGERSTREAM_KAFKA_<KEY>} for a {@code kafka.*} pass-through key (Kafka's keys are lower case with
     * dots, so {@code LEDGERSTREAM_KAFKA_SASL_JAAS_CONFIG} is {@code kafka.sasl.jaas.config}): the way to hand a
     * container its Kafka credentials from a secret store.
     */
    static Map<String, Object> fromEnvironment(Map<String, String> env) {
        Map<String, Object> props = new HashMap<>();
        for (String name : EngineConfig.DEFINITION.names()) {
            String var = ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('.', '_');
            if (env.containsKey(var)) {
                props.put(name, env.get(var));
            }
        }
        String kafkaPrefix = ENV_PREFIX + "KAFKA_";
        env.forEach((var, value) -> {
            if (var.startsWith(kafkaPrefix) && var.length() > kafkaPrefix.length()) {
                String key = var.substring(kafkaPrefix.length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '.');
                props.put(EngineConfig.PASSTHROUGH_PREFIX + key, value);
            }
        });
        return props;
    }
}
