package org.debian.bootc.debian.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DebianVersionTest {

    @ParameterizedTest(name = "{0} < {1}")
    @CsvSource({
            "1.0~rc1, 1.0",
            "1.0, 1.0-1",
            "1.0-1, 1.0-1+b1",
            "2.9-1, 2.10-1",
            "2.10-2, 2.10-3",
            "9.9, 1:0.1",
            "1.0a, 1.0+",
            "1.0, 1.0a",
            "1.0~~, 1.0~",
            "2.36-9+deb12u4, 2.36-9+deb12u10",
            "252.19-1~deb12u1, 252.19-1",
            "1.2.3, 1.2.10",
    })
    void ordersAsDpkg(String lower, String higher) {
        assertTrue(DebianVersion.compare(lower, higher) < 0, lower + " < " + higher);
        assertTrue(DebianVersion.compare(higher, lower) > 0, higher + " > " + lower);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"1.0, 1.00", "0:1.0-1, 1.0-1", "1.01, 1.1"})
    void equalVersions(String a, String b) {
        assertEquals(0, DebianVersion.compare(a, b));
    }

    @Test
    void sortsALists() {
        List<String> versions = new ArrayList<>(List.of("1:1.0", "1.0", "1.0~beta", "1.0-1", "0.9"));
        versions.sort(DebianVersion.ORDER);
        assertEquals(List.of("0.9", "1.0~beta", "1.0", "1.0-1", "1:1.0"), versions);
    }
}
