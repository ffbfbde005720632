package org.debian.bootc.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

    private final ObjectMapper mapper = new EventCodec().mapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "PRODUCTION, minimal-1-20250131.0",
            "NIGHTLY,    minimal-1-20250131.n.0",
            "TEST,       minimal-1-20250131.t.0",
            "CI,         minimal-1-20250131.ci.0"})
    void composeIdOfEveryType(ComposeType type, String expected) {
        ComposeId id = ComposeId.of("minimal", "1", LocalDate.of(2025, 1, 31), type, 0);
        assertEquals(expected, id.value());
        assertEquals("minimal", id.name());
        assertEquals("1", id.version());
        assertEquals(LocalDate.of(2025, 1, 31), id.date());
        assertEquals(type, id.type());
        assertEquals(0, id.respin());
        assertEquals(id, new ComposeId(expected));
    }

    @Test
    void composeIdNameMayHoldHyphensAndParsesBack() {
        ComposeId id = ComposeId.of("debian-bootc-base", "13.1", LocalDate.of(2025, 12, 1), ComposeType.CI, 12);
        assertEquals("debian-bootc-base-13.1-20251201.ci.12", id.value());
        assertEquals("debian-bootc-base", id.name());
        assertEquals("13.1", id.version());
        assertEquals(12, id.respin());
    }

    static Stream<Arguments> badComposeIds() {
        String form = "is not valid: expected <name>-<version>-<YYYYMMDD>[.n|.t|.ci].<respin>, e.g. minimal-1-20250131.n.0";
        return Stream.of(
                Arguments.of("", "ComposeId must not be blank"),
                Arguments.of("   ", "ComposeId must not be blank"),
                Arguments.of("minimal", "ComposeId 'minimal' " + form),
                Arguments.of("minimal-1-20250131", "ComposeId 'minimal-1-20250131' " + form),
                Arguments.of("minimal-1-20250131.x.0", "ComposeId 'minimal-1-20250131.x.0' " + form),
                Arguments.of("minimal-1-2025013.n.0", "ComposeId 'minimal-1-2025013.n.0' " + form),
                Arguments.of("minimal 1-1-20250131.n.0", "ComposeId 'minimal 1-1-20250131.n.0' " + form),
                Arguments.of("minimal-1-20250131.n.0\n", "ComposeId 'minimal-1-20250131.n.0\\n' " + form),
                Arguments.of("minimal-1-20251301.n.0",
                        "ComposeId 'minimal-1-20251301.n.0' is not valid: 20251301 is not a calendar date (YYYYMMDD)"),
                Arguments.of("m".repeat(190) + "-1-20250131.n.0",
                        "ComposeId is 205 characters long, over the limit of 200"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badComposeIds")
    void badComposeIdsAreRejectedClearly(String value, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> new ComposeId(value)).getMessage());
    }

    @Test
    void composeIdOfRefusesPartsThatBreakTheForm() {
        LocalDate date = LocalDate.of(2025, 1, 31);
        assertEquals("compose version '1-2' is not valid: letters, digits and . _ + ~ (no '-'), starting with a letter or digit",
                assertThrows(IllegalArgumentException.class,
                        () -> ComposeId.of("minimal", "1-2", date, ComposeType.NIGHTLY, 0)).getMessage());
        assertEquals("compose name 'a/b' is not valid: letters, digits and . _ + -, starting with a letter or digit",
                assertThrows(IllegalArgumentException.class,
                        () -> ComposeId.of("a/b", "1", date, ComposeType.NIGHTLY, 0)).getMessage());
        assertEquals("respin must not be negative, was -1", assertThrows(IllegalArgumentException.class,
                () -> ComposeId.of("minimal", "1", date, ComposeType.NIGHTLY, -1)).getMessage());
    }

    static Stream<Arguments> simpleIds() {
        return Stream.of(
                Arguments.of("RequestId", (Function<String, Object>) RequestId::new),
                Arguments.of("TaskId", (Function<String, Object>) TaskId::new),
                Arguments.of("BuildrootId", (Function<String, Object>) BuildrootId::new),
                Arguments.of("ExecutorId", (Function<String, Object>) ExecutorId::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("simpleIds")
    void simpleIdsAcceptDebianishNamesAndRejectTheRest(String kind, Function<String, Object> create) {
        for (String good : new String[] {"a", "4b0d1c52-2f3e-4d8a-b6a1-0e9f7c3d2a10", "hello_1:2.10+dfsg~rc1-3.amd64",
                "executor@host-1", "x".repeat(200)}) {
            assertEquals(good, create.apply(good).toString());
        }
        assertEquals(kind + " is required", assertThrows(IllegalArgumentException.class,
                () -> create.apply(null)).getMessage());
        assertEquals(kind + " must not be blank", assertThrows(IllegalArgumentException.class,
                () -> create.apply(" ")).getMessage());
        assertEquals(kind + " is 201 characters long, over the limit of 200", assertThrows(
                IllegalArgumentException.class, () -> create.apply("x".repeat(201))).getMessage());
        for (String bad : new String[] {"a b", "a/b", "-a", ".a", "a\tb", "ä"}) {
            String message = assertThrows(IllegalArgumentException.class, () -> create.apply(bad)).getMessage();
            assertTrue(message.startsWith(kind + " '"), message);
            assertTrue(message.endsWith("' is not valid: letters, digits and . _ : + ~ @ -, starting with a letter or digit"),
                    message);
        }
    }

    @Test
    void idsAreJsonStrings() throws Exception {
        assertEquals("\"minimal-1-20250131.n.0\"", mapper.writeValueAsString(Samples.COMPOSE_ID));
        assertEquals(Samples.COMPOSE_ID, mapper.readValue("\"minimal-1-20250131.n.0\"", ComposeId.class));
        assertEquals("\"t1\"", mapper.writeValueAsString(new TaskId("t1")));
        assertEquals(new TaskId("t1"), mapper.readValue("\"t1\"", TaskId.class));
    }

    @Test
    void randomIdsAreValid() {
        assertTrue(RequestId.random().value().matches("[0-9a-f-]{36}"));
        assertTrue(BuildrootId.random().value().matches("[0-9a-f-]{36}"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ComposeType.class)
    void composeTypeWireNames(ComposeType type) throws Exception {
        assertEquals('"' + type.name().toLowerCase() + '"', mapper.writeValueAsString(type));
        assertEquals(type, mapper.readValue('"' + type.wireName() + '"', ComposeType.class));
    }

    @Test
    void enumWireNames() throws Exception {
        assertEquals("\"FINISHED_INCOMPLETE\"", mapper.writeValueAsString(ComposeStatus.FINISHED_INCOMPLETE));
        assertEquals("\"completed\"", mapper.writeValueAsString(TaskStatus.COMPLETED));
        assertEquals("\"skipped\"", mapper.writeValueAsString(TaskResult.SKIPPED));
        assertEquals("\"error\"", mapper.writeValueAsString(BuildResult.ERROR));
        assertEquals("\"binary\"", mapper.writeValueAsString(BuildType.BINARY));
        assertEquals(TaskStatus.BLOCKED, TaskStatus.fromWireName("blocked"));
        assertEquals("-B", BuildType.ANY.dpkgBuildpackageOption());
        assertEquals("-A", BuildType.ALL.dpkgBuildpackageOption());
        assertEquals("-b", BuildType.BINARY.dpkgBuildpackageOption());
        assertEquals(".ci", ComposeType.CI.suffix());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"BLOCKED", "done", ""})
    void unknownWireNameSaysWhatIsAllowed(String wire) {
        assertEquals("TaskStatus '" + wire + "' is not one of pending, blocked, running, completed, aborted",
                assertThrows(IllegalArgumentException.class, () -> TaskStatus.fromWireName(wire)).getMessage());
    }
}
