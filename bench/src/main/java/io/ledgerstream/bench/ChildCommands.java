package io.ledgerstream.bench;

import io.ledgerstream.engine.EngineConfig;
import io.ledgerstream.engine.LedgerService;
import io.ledgerstream.testkit.EmbeddedKafka;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The subcommands a run starts in child JVMs. Each prints {@code READY <detail>} when up, then runs until its stdin
 * reaches end of file (the parent closed it, or died) and stops in order.
 */
final class ChildCommands {

    private ChildCommands() {}

    /** An embedded KRaft broker (the testkit's), in its own JVM. */
    @Command(
            name = "broker",
            hidden = true,
            description = "Child JVM: an embedded KRaft broker; prints READY <bootstrap>; stops at stdin EOF.")
    static final class Broker implements Callable<Integer> {

        @Option(names = "--set", description = "Broker property key=value; repeatable.")
        Map<String, String> properties = new LinkedHashMap<>();

        @Override
        public Integer call() {
            try (EmbeddedKafka kafka =
                    EmbeddedKafka.builder().brokerProperties(properties).start()) {
                System.out.println(ChildJvm.READY + " " + kafka.bootstrapServers());
                System.out.flush();
                ChildJvm.awaitStdinClosed();
            }
            return 0;
        }
    }

    /**
     * One engine instance: {@link LedgerService#start} with the given settings (the same code {@code EngineMain}
     * runs), in its own JVM so its CPU and RSS are measured on their own.
     */
    @Command(
            name = "engine",
            hidden = true,
            description = "Child JVM: one engine instance; prints READY when RUNNING; stops at stdin EOF.")
    static final class Engine implements Callable<Integer> {

        @Option(names = "--set", description = "Engine setting key=value (see docs/configuration.md); repeatable.")
        Map<String, String> settings = new LinkedHashMap<>();

        @Override
        public Integer call() {
            EngineConfig config = new EngineConfig(new HashMap<>(settings));
            try (LedgerService service = LedgerService.start(config)) {
                service.awaitRunning(Duration.ofSeconds(150));
                System.out.println(
                        ChildJvm.READY + " " + ProcessHandle.current().pid());
                System.out.flush();
                ChildJvm.awaitStdinClosed();
            }
            return 0;
        }
    }
}
