package io.captioner.stack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.schemas.registry.CompatibilityLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SchemaRegistryServiceTest {

    static final String USER_V1 =
            "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"}]}";
    static final String USER_V2_WITH_DEFAULT =
            "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
                    + "{\"name\":\"age\",\"type\":\"int\",\"default\":0}]}";
    static final String USER_V2_NO_DEFAULT =
            "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
                    + "{\"name\":\"age\",\"type\":\"int\"}]}";

    private final InMemorySchemaStore store = new InMemorySchemaStore();
    private final SchemaRegistryService service = SchemaRegistryService.recover(store);

    @Test
    void shouldAssignIdsFromOneAndVersionsPerSubject() {
        int first = service.register("users-value", USER_V1, null);
        int second = service.register("users-value", USER_V2_WITH_DEFAULT, "AVRO");

        assertThat(first).isEqualTo(1);
        assertThat(second).isEqualTo(2);
        assertThat(service.versions("users-value")).containsExactly(1, 2);
        assertThat(service.version("users-value", SchemaRegistryService.LATEST).id()).isEqualTo(2);
    }

    @Test
    void shouldReturnTheSameIdWhenTheSameSchemaIsRegisteredAgain() {
        int first = service.register("users-value", USER_V1, null);
        // Same schema, different whitespace: the canonical form is what counts.
        int again = service.register("users-value", USER_V1.replace(",", " , "), null);

        assertThat(again).isEqualTo(first);
        assertThat(service.versions("users-value")).containsExactly(1);
        assertThat(store.entries).hasSize(1);
    }

    @Test
    void shouldShareTheIdOfIdenticalSchemasAcrossSubjects() {
        int inUsers = service.register("users-value", USER_V1, null);
        int inPeople = service.register("people-value", USER_V1, null);

        assertThat(inPeople).isEqualTo(inUsers);
        assertThat(service.version("people-value", 1).version()).isEqualTo(1);
        assertThat(service.versionsOfId(inUsers))
                .extracting(StoreEntry.SchemaVersion::subject)
                .containsExactly("people-value", "users-value");
    }

    @Test
    void shouldRejectABackwardIncompatibleSchemaWith409() {
        service.register("users-value", USER_V1, null);

        assertThatThrownBy(() -> service.register("users-value", USER_V2_NO_DEFAULT, null))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(409);
                            assertThat(e.errorCode()).isEqualTo(409);
                            assertThat(e.getMessage())
                                    .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                                    .contains("age");
                        });
        assertThat(service.versions("users-value")).containsExactly(1);
    }

    @Test
    void shouldAcceptAnyChangeWhenTheSubjectLevelIsNone() {
        service.register("users-value", USER_V1, null);
        service.setSubjectLevel("users-value", CompatibilityLevel.NONE);

        int id = service.register("users-value", USER_V2_NO_DEFAULT, null);

        assertThat(id).isEqualTo(2);
        assertThat(service.effectiveLevel("other")).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void shouldCheckOnlyTheLatestVersionUnlessTransitive() {
        String v1 =
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
        String v2 = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}";
        // v3 re-adds "a" as a string with a default: it cannot read v1's int "a".
        String v3 =
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\",\"default\":\"\"}]}";
        service.register("r", v1, null);
        service.register("r", v2, null);

        assertThat(service.checkCompatibility("r", SchemaRegistryService.LATEST, v3, null))
                .isEmpty();
        service.setSubjectLevel("r", CompatibilityLevel.BACKWARD_TRANSITIVE);
        assertThat(service.checkCompatibility("r", SchemaRegistryService.LATEST, v3, null))
                .singleElement()
                .asString()
                .contains("TYPE_MISMATCH")
                .contains("version 1");
        assertThat(service.checkCompatibility("r", 2, v3, null)).isEmpty();
    }

    @Test
    void shouldCheckForwardCompatibilityWithTheOldSchemaAsReader() {
        service.register("users-value", USER_V1, null);
        service.setGlobalLevel(CompatibilityLevel.FORWARD);

        // Old readers ignore the extra field, so adding one without default is forward compatible.
        assertThat(
                        service.checkCompatibility(
                                "users-value",
                                SchemaRegistryService.LATEST,
                                USER_V2_NO_DEFAULT,
                                null))
                .isEmpty();
        String dropsName = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[]}";
        assertThat(
                        service.checkCompatibility(
                                "users-value", SchemaRegistryService.LATEST, dropsName, null))
                .isNotEmpty();
    }

    @Test
    void shouldRejectInvalidSchemasAndOtherSchemaTypesWith42201() {
        assertThatThrownBy(() -> service.register("s", "{\"type\":\"recrd\"}", null))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42201));
        assertThatThrownBy(() -> service.register("s", "{\"type\":\"object\"}", "JSON"))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.errorCode()).isEqualTo(42201);
                            assertThat(e.getMessage()).contains("AVRO only");
                        });
        assertThat(store.entries).isEmpty();
    }

    @Test
    void shouldReportMissingSubjectsVersionsAndIdsWithConfluentCodes() {
        service.register("users-value", USER_V1, null);

        assertThat(codeOf(() -> service.versions("nope"))).isEqualTo(40401);
        assertThat(codeOf(() -> service.version("users-value", 7))).isEqualTo(40402);
        assertThat(codeOf(() -> service.schemaById(99))).isEqualTo(40403);
        assertThat(codeOf(() -> service.lookup("users-value", USER_V2_WITH_DEFAULT, null)))
                .isEqualTo(40403);
        assertThat(codeOf(() -> service.lookup("nope", USER_V1, null))).isEqualTo(40401);
    }

    @Test
    void shouldRebuildTheSameStateFromTheStore() {
        service.register("users-value", USER_V1, null);
        service.register("users-value", USER_V2_WITH_DEFAULT, null);
        service.setGlobalLevel(CompatibilityLevel.FULL);
        service.setSubjectLevel("users-value", CompatibilityLevel.NONE);

        SchemaRegistryService recovered = SchemaRegistryService.recover(store);

        assertThat(recovered.versions("users-value")).containsExactly(1, 2);
        assertThat(recovered.schemaById(2)).isEqualTo(service.schemaById(2));
        assertThat(recovered.globalLevel()).isEqualTo(CompatibilityLevel.FULL);
        assertThat(recovered.subjectLevel("users-value")).contains(CompatibilityLevel.NONE);
        assertThat(recovered.register("other", "\"string\"", null)).isEqualTo(3);
    }

    @Test
    void shouldLeaveTheStateUnchangedWhenTheStoreFails() {
        store.failure = RegistryException.storeError("broker down", null);

        assertThat(codeOf(() -> service.register("users-value", USER_V1, null))).isEqualTo(50001);
        store.failure = null;

        assertThat(service.subjects()).isEmpty();
        assertThat(service.register("users-value", USER_V1, null)).isEqualTo(1);
    }

    @Test
    void shouldNeverHandOutTheSameIdTwiceUnderConcurrentRegistrations() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> ids = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String schema =
                        "{\"type\":\"fixed\",\"name\":\"F" + i + "\",\"size\":" + (i + 1) + "}";
                String subject = "s" + (i % 4);
                service.setSubjectLevel(subject, CompatibilityLevel.NONE);
                Callable<Integer> task = () -> service.register(subject, schema, null);
                ids.add(pool.submit(task));
            }
            Set<Integer> distinct = new java.util.HashSet<>();
            for (Future<Integer> id : ids) {
                distinct.add(id.get());
            }
            assertThat(distinct).hasSize(64);
            assertThat(distinct).allMatch(id -> id >= 1 && id <= 64);
        } finally {
            pool.shutdownNow();
        }
    }

    private static int codeOf(Runnable call) {
        try {
            call.run();
        } catch (RegistryException e) {
            return e.errorCode();
        }
        throw new AssertionError("expected a RegistryException");
    }
}
