package io.ledgerstream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.schemas.Schemas;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import io.ledgerstream.testkit.TopicNames;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every top-level record of the {@code schemas} module registers in a real Apicurio Registry and round-trips through
 * the serde with random but valid contents.
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
class SchemasModuleRoundTripIT {

    private static final int SAMPLES_PER_TYPE = 25;

    private final RegistryClient client;
    private final TopicNames topics;

    SchemasModuleRoundTripIT(EmbeddedRegistry registry, TopicNames topics) {
        this.client =
                new RegistryClient(RegistryClientConfig.builder(registry.url()).build());
        this.topics = topics;
    }

    @AfterEach
    void close() {
        client.close();
    }

    static Stream<Class<? extends SpecificRecord>> topLevelRecords() {
        return Schemas.TOP_LEVEL.stream();
    }

    @Test
    void shouldListTopLevelRecords() {
        assertThat(Schemas.TOP_LEVEL).isNotEmpty().doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topLevelRecords")
    <T extends SpecificRecord> void shouldRoundTripThroughRealRegistry(Class<T> type) {
        String topic = topics.unique(type.getSimpleName().toLowerCase(java.util.Locale.ROOT));
        var serializer = new AvroSerializer<>(client, type, false, true);
        var deserializer = new AvroDeserializer<>(client, type, false);
        RandomAvro random = new RandomAvro(type.getName().hashCode());

        for (int i = 0; i < SAMPLES_PER_TYPE; i++) {
            T record = random.specific(type);
            byte[] bytes = serializer.serialize(topic, record);
            assertThat(deserializer.deserialize(topic, bytes))
                    .as("%s sample %d", type.getSimpleName(), i)
                    .isEqualTo(record);
        }
        int id = client.lookup(SubjectNames.forTopic(topic, false), Schemas.schemaOf(type))
                .orElseThrow();
        assertThat(client.schemaById(id)).isEqualTo(Schemas.schemaOf(type));
    }
}
