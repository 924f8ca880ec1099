package io.captioner.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.ImageEvent;
import io.captioner.events.LabeledPair;
import io.captioner.events.ModelTopicRecord;
import io.captioner.events.TrainingCommand;
import io.captioner.events.TrainingRun;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Enforces the evolution rules of the contracts on every schema reachable from a topic. */
class SchemaContractTest {

    private static final List<Schema> TOPIC_SCHEMAS =
            List.of(
                    ImageEvent.getClassSchema(),
                    CaptionEvent.getClassSchema(),
                    CaptionFailure.getClassSchema(),
                    LabeledPair.getClassSchema(),
                    ModelTopicRecord.getClassSchema(),
                    TrainingRun.getClassSchema(),
                    TrainingCommand.getClassSchema());

    @Test
    void shouldDocumentEveryRecordEnumAndField() {
        List<String> undocumented = new ArrayList<>();
        for (Schema schema : named()) {
            if (isBlank(schema.getDoc())) {
                undocumented.add(schema.getFullName());
            }
            if (schema.getType() == Schema.Type.RECORD) {
                for (Schema.Field field : schema.getFields()) {
                    if (isBlank(field.doc())) {
                        undocumented.add(schema.getFullName() + "." + field.name());
                    }
                }
            }
        }
        assertThat(undocumented).isEmpty();
    }

    @Test
    void shouldGiveEveryNullableFieldNullFirstAndDefaultNull() {
        List<String> broken = new ArrayList<>();
        for (Schema schema : named()) {
            if (schema.getType() != Schema.Type.RECORD) {
                continue;
            }
            for (Schema.Field field : schema.getFields()) {
                Schema type = field.schema();
                boolean nullable =
                        type.getType() == Schema.Type.UNION
                                && type.getTypes().stream()
                                        .anyMatch(t -> t.getType() == Schema.Type.NULL);
                if (nullable
                        && (type.getTypes().get(0).getType() != Schema.Type.NULL
                                || !field.hasDefaultValue()
                                || field.defaultVal()
                                        != org.apache.avro.JsonProperties.NULL_VALUE)) {
                    broken.add(schema.getFullName() + "." + field.name());
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void shouldGiveEveryEnumADefaultSymbol() {
        List<String> withoutDefault = new ArrayList<>();
        for (Schema schema : named()) {
            if (schema.getType() == Schema.Type.ENUM && schema.getEnumDefault() == null) {
                withoutDefault.add(schema.getFullName());
            }
        }
        assertThat(withoutDefault).isEmpty();
    }

    @Test
    void shouldKeepEveryRecordInCaptionerNamespace() {
        assertThat(named())
                .allSatisfy(s -> assertThat(s.getNamespace()).isEqualTo("io.captioner.events"));
    }

    private static Set<Schema> named() {
        Set<Schema> seen = new HashSet<>();
        TOPIC_SCHEMAS.forEach(s -> collect(s, seen));
        return seen;
    }

    private static void collect(Schema schema, Set<Schema> seen) {
        switch (schema.getType()) {
            case RECORD:
                if (seen.add(schema)) {
                    schema.getFields().forEach(f -> collect(f.schema(), seen));
                }
                break;
            case ENUM:
            case FIXED:
                seen.add(schema);
                break;
            case UNION:
                schema.getTypes().forEach(t -> collect(t, seen));
                break;
            case ARRAY:
                collect(schema.getElementType(), seen);
                break;
            case MAP:
                collect(schema.getValueType(), seen);
                break;
            default:
                break;
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
