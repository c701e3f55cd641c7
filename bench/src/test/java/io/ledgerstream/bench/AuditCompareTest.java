package io.ledgerstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.core.LedgerEvent;
import org.junit.jupiter.api.Test;

class AuditCompareTest {

    @Test
    void shouldLoadTheProjectsClassesInEachVariantsOwnLoaderButShareTheHarness() throws Exception {
        AuditCompare.Variant one = AuditCompare.variant("one=");
        AuditCompare.Variant two = AuditCompare.variant("two=");

        Class<?> eventInOne = one.loader().loadClass(LedgerEvent.class.getName());
        Class<?> eventInTwo = two.loader().loadClass(LedgerEvent.class.getName());

        assertThat(one.name()).isEqualTo("one");
        assertThat(one.jars()).isEmpty();
        assertThat(eventInOne).isNotSameAs(LedgerEvent.class).isNotSameAs(eventInTwo);
        assertThat(eventInOne.getClassLoader()).isSameAs(one.loader());
        assertThat(one.loader().loadClass(AuditCompare.class.getName())).isSameAs(AuditCompare.class);
        assertThat(one.loader().loadClass("org.apache.kafka.clients.consumer.KafkaConsumer"))
                .isSameAs(org.apache.kafka.clients.consumer.KafkaConsumer.class);
    }

    @Test
    void shouldRefuseAVariantWithoutANameOrWithAMissingJar() {
        assertThatThrownBy(() -> AuditCompare.variant("no-equals-sign"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NAME=JAR");
        assertThatThrownBy(() -> AuditCompare.variant("=x.jar")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditCompare.variant("a=/nonexistent/audit.jar"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no such jar");
    }
}
