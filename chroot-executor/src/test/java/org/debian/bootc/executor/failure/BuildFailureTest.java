package org.debian.bootc.executor.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.BuildResult;

class BuildFailureTest {

    /** The published table (README): changing a code breaks scripts that read the build log's status. */
    @Test
    void everyKindKeepsItsExitCodeAndResult() {
        Map<Class<?>, String> expected = new LinkedHashMap<>();
        expected.put(ConfigError.class, "5 error");
        expected.put(BuildError.class, "10 failure");
        expected.put(BuildTimeout.class, "11 error");
        expected.put(RootError.class, "20 error");
        expected.put(SourceError.class, "30 error");
        expected.put(PackageManagerError.class, "40 failure");
        expected.put(ArchiveUnreachable.class, "50 error");
        expected.put(Cancelled.class, "60 error");
        expected.put(Interrupted.class, "61 error");
        expected.put(DiskFull.class, "70 error");
        List<BuildFailure> all = List.of(new ConfigError("x"), new BuildError("x"), new BuildTimeout("x"),
                new RootError("x"), new SourceError("x"), new PackageManagerError("x"), new ArchiveUnreachable("x"),
                new Cancelled("x"), new Interrupted("x"), new DiskFull("x"));
        Map<Class<?>, String> actual = all.stream().collect(Collectors.toMap(Object::getClass,
                f -> f.exitCode() + " " + f.result().wireName(), (a, b) -> a, LinkedHashMap::new));
        assertEquals(expected, actual);
        assertEquals(expected.keySet(), Arrays.stream(BuildFailure.class.getPermittedSubclasses())
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new)), "the table covers the hierarchy");
        assertEquals(all.size(), all.stream().map(BuildFailure::exitCode).distinct().count(), "codes are distinct");
    }

    @Test
    void aptsOwnWordsTellTheArchiveFromThePackage() {
        assertInstanceOf(ArchiveUnreachable.class, Diagnosis.apt("build-deps", TestFailures.failed(100,
                "E: Failed to fetch http://archive.invalid/pool/main/d/debhelper.deb  Could not resolve 'archive.invalid'"),
                (m, c) -> new PackageManagerError(m, c.lastLines(), c)));
        assertInstanceOf(PackageManagerError.class, Diagnosis.apt("build-deps", TestFailures.failed(100,
                "The following packages have unmet dependencies:\n builddeps:hello : Depends: libfoo-dev but it is not installable\nE: Unable to correct problems, you have held broken packages."),
                (m, c) -> new PackageManagerError(m, c.lastLines(), c)));
        assertInstanceOf(DiskFull.class, Diagnosis.apt("build-deps", TestFailures.failed(100,
                "dpkg: error processing archive x.deb: cannot copy extracted data: No space left on device"),
                (m, c) -> new PackageManagerError(m, c.lastLines(), c)));
        assertInstanceOf(BuildTimeout.class, Diagnosis.build("build", TestFailures.timedOut("make: compiling")));
        assertInstanceOf(BuildError.class, Diagnosis.build("build", TestFailures.failed(2, "make: *** [all] Error 1")));
        assertInstanceOf(RootError.class, Diagnosis.root("mount", TestFailures.failed(32, "mount: permission denied")));
        BuildFailure f = Diagnosis.build("dpkg-buildpackage", TestFailures.failed(2, "make: *** [all] Error 1"));
        assertEquals(BuildResult.FAILURE, f.result());
        assertEquals(List.of("make: *** [all] Error 1"), f.lastLines());
    }
}
