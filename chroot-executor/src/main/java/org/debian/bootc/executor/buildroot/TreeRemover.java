package org.debian.bootc.executor.buildroot;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.debian.process.ProcessRunner;

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

    /**
     * Bytes in {@code tree}, for the cache's size limit: in root mode the regular files'
     * sizes ({@link Trees#size}); in the unprivileged mode {@code du --bytes} inside a user
     * namespace, since this user cannot read the tree's root-only directories from outside
     * (walking it from here counted a fraction of a base).
     */
    default long size(Path tree) {
        return Trees.size(tree);
    }

    /** Root mode: debian's {@link org.debian.bootc.debian.fs.Trees#delete}, which never deletes through a mount. */
    TreeRemover PLAIN = tree -> {
        try {
            org.debian.bootc.debian.fs.Trees.delete(tree);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("cannot remove " + tree, e);
        }
    };

    static TreeRemover of(IsolationMode mode, ProcessRunner runner, int builderUid) {
        if (mode == IsolationMode.ROOT) {
            return PLAIN;
        }
        return new TreeRemover() {
            @Override
            public void delete(Path tree) {
                if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
                    return;
                }
                try {
                    runner.run(Command.of(UserNamespace.ofThisProcess(builderUid).remove(tree.toAbsolutePath()))
                            .withTimeout(Duration.ofMinutes(10)), LogSink.NONE);
                } catch (CommandFailedException e) {
                    throw new UncheckedIOException("cannot remove " + tree + " in the user namespace: "
                            + e.getMessage(), new java.io.IOException(e));
                }
            }

            @Override
            public long size(Path tree) {
                try {
                    String out = runner.run(Command.of(UserNamespace.ofThisProcess(builderUid)
                            .measure(tree.toAbsolutePath())).withTimeout(Duration.ofMinutes(10)), LogSink.NONE)
                            .output();
                    return parseDu(out, tree);
                } catch (CommandFailedException e) {
                    throw new UncheckedIOException("cannot measure " + tree + " in the user namespace: "
                            + e.getMessage(), new java.io.IOException(e));
                }
            }
        };
    }

    /**
     * The byte count of {@code du --summarize --bytes}'s {@code <bytes>\t<tree>} line (the output
     * also holds what du wrote on standard error, so the line is looked for).
     */
    static long parseDu(String output, Path tree) {
        String suffix = "\t" + tree.toAbsolutePath();
        for (String line : output.lines().toList()) {
            if (line.endsWith(suffix) && line.substring(0, line.length() - suffix.length()).matches("[0-9]{1,18}")) {
                return Long.parseLong(line.substring(0, line.length() - suffix.length()));
            }
        }
        throw new UncheckedIOException("cannot measure " + tree + ": du printed no size for it: '" + output.strip()
                + "'", new java.io.IOException("unexpected du output"));
    }
}
