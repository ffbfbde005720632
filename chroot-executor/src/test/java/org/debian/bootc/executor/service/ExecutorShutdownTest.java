package org.debian.bootc.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ExecutorShutdownTest {

    @Test
    void theGraceMustBePositiveAndShorterThanAnyOrchestratorWaits() {
        assertEquals(Duration.ofSeconds(30), ExecutorShutdown.checkGrace(Duration.ofSeconds(30)));
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> ExecutorShutdown.checkGrace(Duration.ZERO));
        assertTrue(zero.getMessage().startsWith("bootc.executor.shutdown-grace must be positive, was PT0S"),
                zero.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> ExecutorShutdown.checkGrace(Duration.ofSeconds(-5)));
        assertTrue(negative.getMessage().contains("was PT-5S"), negative.getMessage());
        IllegalArgumentException hour = assertThrows(IllegalArgumentException.class,
                () -> ExecutorShutdown.checkGrace(Duration.ofHours(1)));
        assertTrue(hour.getMessage().startsWith("bootc.executor.shutdown-grace must be at most 10m, was PT1H"),
                hour.getMessage());
    }
}
