package org.debian.bootc.publisher.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.debian.bootc.debian.FileSyntaxException;
import org.debian.bootc.debian.PackageId;

class RepositoryPhaseTest {

    @Test
    void theRepositorysPackagesAreReadFromItsIndexWhateverTheFieldOrder() {
        String index = """
                Package: hello
                Architecture: amd64
                Version: 2.10-3+b1
                Description: example package based on GNU hello
                 Longer description,
                 .
                 over several lines.

                Version: 1:2.4-1
                Package: docs-all
                Architecture: all
                """;

        assertEquals(List.of(new PackageId("hello", "2.10-3+b1", "amd64"), new PackageId("docs-all", "1:2.4-1", "all")),
                RepositoryPhase.parsePackages(index));
    }

    @Test
    void anIndexThatIsNotDeb822NamesItsLine() {
        FileSyntaxException e = assertThrows(FileSyntaxException.class,
                () -> RepositoryPhase.parsePackages("Package: hello\nVersion 2.10-3\n"));
        assertTrue(e.getMessage().startsWith("Packages:2: "), e.getMessage());
    }
}
