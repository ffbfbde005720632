package org.debian.bootc.executor.buildroot;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

import org.debian.bootc.executor.process.Command;
import org.debian.bootc.executor.process.CommandFailedException;
import org.debian.bootc.executor.process.LogSink;
import org.debian.bootc.executor.process.ProcessRunner;

/**
 * Removes trees that builds and base creations made. In root mode that is a plain
 * recursive delete; in the unprivileged mode those trees are owned by subordinate
 * ids, which the executor's user cannot remove from outside, so {@code rm -rf} runs
 * as root of a {@link UserNamespace} (what {@code mmdebstrap --mode=unshare} users do
 * with {@code unshare --map-auto}).
 */
public interface TreeRemover {

    /** Removes {@code tree} and everything below it; absent is fine. */
    void delete(Path tree);

    /** Root mode: {@link Trees#delete}. */
    TreeRemover PLAIN = Trees::delete;

    static TreeRemover of(IsolationMode mode, ProcessRunner runner, int builderUid) {
        if (mode == IsolationMode.ROOT) {
            return PLAIN;
        }
        return tree -> {
            if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            try {
                runner.run(Command.of(UserNamespace.ofThisProcess(builderUid).remove(tree.toAbsolutePath()))
                        .withTimeout(Duration.ofMinutes(10)), LogSink.NONE);
            } catch (CommandFailedException e) {
                throw new UncheckedIOException("cannot remove " + tree + " in the user namespace: " + e.getMessage(),
                        new java.io.IOException(e));
            }
        };
    }
}
