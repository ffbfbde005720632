package org.debian.bootc.executor.buildroot;

import java.nio.file.Path;

import org.debian.bootc.debian.process.LogSink;

/** Makes a base chroot for a key into a directory that does not exist yet. */
@FunctionalInterface
public interface BaseMaker {

    /**
     * @param target where the chroot goes; its parent exists, it does not
     * @throws org.debian.bootc.executor.failure.BuildFailure when the base cannot be made
     */
    void make(BaseKey key, Path target, LogSink log);
}
