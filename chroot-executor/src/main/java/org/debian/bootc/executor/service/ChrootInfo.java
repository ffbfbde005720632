package org.debian.bootc.executor.service;

import java.util.List;

import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.events.InstalledPackage;

/** A buildroot ready to build: what {@code chroot-ready} says. */
public record ChrootInfo(BuildrootId buildrootId, String baseKey, List<InstalledPackage> installed) {

    public ChrootInfo {
        installed = List.copyOf(installed);
    }
}
