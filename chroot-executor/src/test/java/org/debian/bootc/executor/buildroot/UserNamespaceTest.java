package org.debian.bootc.executor.buildroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.debian.bootc.executor.failure.RootError;

class UserNamespaceTest {

    private static final String SUBUID = "# comment\nroot:1000000:65536\nbob:100000:65536\nbob:500000:65536\n";
    private static final String SUBGID = "1001:200000:70000\n";

    @Test
    void theUsersFirstRangeByNameOrUidIsMappedFromZeroAndTheUserJustAboveIt() {
        UserNamespace ns = UserNamespace.of("bob", 1001, 1001, SUBUID, SUBGID, 2000);
        assertEquals(new UserNamespace("bob", 1001, 1001, 100000, 65536, 200000, 70000), ns);
        assertEquals(List.of("unshare", "--user", "--map-users=100000,0,65536", "--map-groups=200000,0,70000",
                "--map-user=65536", "--map-group=70000", "--setuid", "0", "--setgid", "0"), ns.unshare());
        assertEquals(102000, ns.hostUid(2000));
        assertEquals(1001, ns.hostUid(65536));
        List<String> rm = ns.remove(Path.of("/state/buildroots/x"));
        assertEquals(List.of("--", "rm", "-rf", "--one-file-system", "--", "/state/buildroots/x"),
                rm.subList(ns.unshare().size(), rm.size()));
    }

    @Test
    void aTreeIsMeasuredByDuInsideTheNamespaceAndItsLineIsFoundAmongWarnings() {
        UserNamespace ns = UserNamespace.of("bob", 1001, 1001, SUBUID, SUBGID, 2000);
        List<String> du = ns.measure(Path.of("/state/bases/abc/root"));
        assertEquals(List.of("--", "du", "--summarize", "--bytes", "--one-file-system", "--", "/state/bases/abc/root"),
                du.subList(ns.unshare().size(), du.size()));
        Path tree = Path.of("/state/bases/abc/root");
        assertEquals(312_000_123L, TreeRemover.parseDu("du: warning: something odd\n312000123\t/state/bases/abc/root\n",
                tree));
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> TreeRemover.parseDu("du: cannot access '/state/bases/abc/root': No such file\n", tree));
        assertTrue(e.getMessage().contains("du printed no size for it"), e.getMessage());
        assertThrows(UncheckedIOException.class, () -> TreeRemover.parseDu("12x\t/state/bases/abc/root\n", tree));
    }

    @Test
    void aUserWithoutSubordinateIdsIsToldWhichFileLacksWhat() {
        RootError e = assertThrows(RootError.class, () -> UserNamespace.of("alice", 1002, 1002, SUBUID, SUBGID, 2000));
        assertTrue(e.getMessage().contains("/etc/subuid has no line for user alice (uid 1002)"), e.getMessage());
        RootError g = assertThrows(RootError.class, () -> UserNamespace.of("bob", 1003, 1003, SUBUID, "", 2000));
        assertTrue(g.getMessage().contains("/etc/subgid has no line for user bob"), g.getMessage());
    }

    @Test
    void aMalformedLineIsNamedWithItsNumber() {
        RootError e = assertThrows(RootError.class,
                () -> UserNamespace.of("bob", 1001, 1001, "bob:many:65536\n", SUBGID, 2000));
        assertTrue(e.getMessage().contains("/etc/subuid line 1 'bob:many:65536' is not <user>:<first id>:<count>"),
                e.getMessage());
        assertThrows(RootError.class, () -> UserNamespace.of("bob", 1001, 1001, "bob:100000:0\n", SUBGID, 2000));
    }

    @Test
    void aBuilderUidOutsideTheRangesIsRefused() {
        RootError e = assertThrows(RootError.class,
                () -> UserNamespace.of("bob", 1001, 1001, "bob:100000:1000\n", SUBGID, 2000));
        assertTrue(e.getMessage().contains("bootc.executor.builder-uid 2000 is not inside user bob's subordinate ranges"),
                e.getMessage());
        assertThrows(RootError.class, () -> UserNamespace.of("bob", 1001, 1001, SUBUID, SUBGID, 0));
    }
}
