package io.captioner.stack;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The serde and registry contract against our embedded broker and registry. */
class EmbeddedStackSerdeIT extends SerdeRegistryContract {

    private static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build();
        stack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Override
    protected String bootstrapServers() {
        return stack.bootstrapServers();
    }

    @Override
    protected String registryUrl() {
        return stack.registryUrl();
    }
}
