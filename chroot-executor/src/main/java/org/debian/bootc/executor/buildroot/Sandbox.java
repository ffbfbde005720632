package org.debian.bootc.executor.buildroot;

import org.debian.bootc.debian.process.Command;

/**
 * The seam between a buildroot and what runs package code in it: turns a
 * {@link ChrootCommand} (a program as seen inside the chroot) into the host command that
 * runs it confined. {@link Bubblewrap} is the one backend today; another one (qemu-user for
 * a foreign architecture, a VM) is one more class behind this interface. Every command that
 * runs code from a package (apt and dpkg with maintainer scripts, the build) goes through
 * it; the buildroot's own set-up and clean-up (trusted tools on the host side) do not.
 */
public interface Sandbox {

    /** The host command that runs {@code command} in the sandbox. */
    Command command(ChrootCommand command);

    /** One line for the build log: what confines the build. */
    String describe();
}
