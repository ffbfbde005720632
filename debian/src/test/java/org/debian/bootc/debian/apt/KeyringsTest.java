package org.debian.bootc.debian.apt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class KeyringsTest {

    @Test
    void aFileDirectlyInAKeyringDirectoryMayBeNamed() {
        for (String path : new String[] {"/usr/share/keyrings/debian-archive-keyring.gpg", "/etc/apt/keyrings/x.asc",
                "/etc/apt/trusted.gpg.d/y.gpg"}) {
            assertEquals(Optional.empty(), Keyrings.whyNot(path), path);
        }
    }

    @Test
    void anyOtherPathIsRefusedSayingWhereKeyringsGo() {
        for (String path : new String[] {"/dev/zero", "/etc/shadow", "/usr/share/keyrings/../../../etc/shadow",
                "/usr/share/keyrings/./x.gpg", "/usr/share/keyrings/sub/x.gpg", "/usr/share/keyrings", "x.gpg",
                "usr/share/keyrings/x.gpg", "/"}) {
            String why = Keyrings.whyNot(path).orElseThrow(() -> new AssertionError(path + " was allowed"));
            assertTrue(why.startsWith("is not a keyring file in /usr/share/keyrings, /etc/apt/keyrings,"
                    + " /etc/apt/trusted.gpg.d"), why);
        }
    }
}
