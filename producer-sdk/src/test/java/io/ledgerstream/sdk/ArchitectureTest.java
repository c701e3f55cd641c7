package io.ledgerstream.sdk;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Dependencies point one way: the SDK never depends on the engine, and internals never on the CLI. */
class ArchitectureTest {

    private final JavaClasses sdk = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ledgerstream.sdk");

    @Test
    void shouldNeverDependOnTheEngine() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.ledgerstream.engine..", "org.apache.kafka.streams..")
                .check(sdk);
    }

    @Test
    void shouldKeepInternalsFreeOfTheCli() {
        noClasses()
                .that()
                .resideInAPackage("io.ledgerstream.sdk.internal..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.ledgerstream.sdk.cli..")
                .check(sdk);
    }

    @Test
    void shouldKeepTheLibraryFreeOfTheCli() {
        noClasses()
                .that()
                .resideInAPackage("io.ledgerstream.sdk")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.ledgerstream.sdk.cli..", "picocli..")
                .check(sdk);
    }
}
