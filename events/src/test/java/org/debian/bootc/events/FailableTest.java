package org.debian.bootc.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FailableTest {

    private static final Failable RULES = new Failable(List.of("arm64"), List.of("gettext"));

    private static PackageResult result(String source, String arch, TaskResult result) {
        return new PackageResult(new TaskId("c:" + source + ":" + arch), source, "1.0-1", arch, result, List.of());
    }

    @Test
    void everySuccessIsComplete() {
        assertEquals(ComposeOutcome.COMPLETE, RULES.judge(List.of(result("hello", "amd64", TaskResult.SUCCESS))));
        assertEquals(ComposeOutcome.COMPLETE, RULES.judge(List.of()));
    }

    @Test
    void onlyFailableFailuresAreIncomplete() {
        assertEquals(ComposeOutcome.INCOMPLETE, RULES.judge(List.of(
                result("hello", "amd64", TaskResult.SUCCESS),
                result("hello", "arm64", TaskResult.FAILURE),
                result("gettext", "amd64", TaskResult.ERROR))));
    }

    @Test
    void aSkippedTaskCountsAsNotBuilt() {
        assertEquals(ComposeOutcome.DOOMED, RULES.judge(List.of(result("hello", "amd64", TaskResult.SKIPPED))));
        assertEquals(ComposeOutcome.INCOMPLETE, RULES.judge(List.of(result("gettext", "amd64", TaskResult.SKIPPED))));
    }

    @Test
    void anyOtherFailureDooms() {
        assertEquals(ComposeOutcome.DOOMED, RULES.judge(List.of(
                result("gettext", "amd64", TaskResult.FAILURE),
                result("hello", "amd64", TaskResult.FAILURE))));
        assertEquals(ComposeOutcome.DOOMED, Failable.NONE.judge(List.of(result("hello", "arm64", TaskResult.ERROR))));
    }

    @Test
    void outcomeWireNames() {
        assertEquals("incomplete", ComposeOutcome.INCOMPLETE.wireName());
        assertEquals(ComposeOutcome.DOOMED, ComposeOutcome.fromWireName("doomed"));
        assertThrows(IllegalArgumentException.class, () -> ComposeOutcome.fromWireName("DOOMED"));
    }
}
