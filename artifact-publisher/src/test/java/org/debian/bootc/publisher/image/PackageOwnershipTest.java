package org.debian.bootc.publisher.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageOwnershipTest {

    @TempDir
    Path root;

    @Test
    void listsAreReadThroughTheMergedUsrSymlinksAndInfoFilesBelongToTheirPackage() throws Exception {
        Path info = Files.createDirectories(root.resolve("usr/lib/sysimage/dpkg/info"));
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        Files.writeString(info.resolve("bash.list"), "/.\n/bin\n/bin/bash\n/usr/share/doc/bash/copyright\n");
        Files.writeString(info.resolve("python3.11.list"), "/usr/bin/python3.11\n");
        Files.writeString(info.resolve("libc6:amd64.list"), "/usr/lib/x86_64-linux-gnu/libc.so.6\n");

        PackageOwnership owners = PackageOwnership.read(root, "usr/lib/sysimage/dpkg");

        assertEquals(Optional.of("bash"), owners.owner("usr/bin/bash"));
        assertEquals(Optional.of("bash"), owners.owner("usr/share/doc/bash/copyright"));
        assertEquals(Optional.of("python3.11"), owners.owner("usr/bin/python3.11"));
        assertEquals(Optional.of("libc6"), owners.owner("usr/lib/x86_64-linux-gnu/libc.so.6"));
        assertEquals(Optional.of("python3.11"), owners.owner("usr/lib/sysimage/dpkg/info/python3.11.md5sums"));
        assertEquals(Optional.of("libc6"), owners.owner("usr/lib/sysimage/dpkg/info/libc6:amd64.list"));
        assertEquals(Optional.empty(), owners.owner("usr/lib/sysimage/dpkg/status"));
        assertEquals(Optional.empty(), owners.owner("etc/ld.so.cache"));
    }
}
