package org.debian.bootc.events;

import java.util.List;

/**
 * A fresh buildroot for one build attempt is prepared: base chroot unpacked and
 * build dependencies installed. Written by chroot-executor, read by task-scheduler
 * (it records the buildroot, Koji-style) and by monitoring.
 *
 * @param taskId the record key
 * @param baseKey sha256 identifying the cached base chroot the buildroot was made from
 * @param installed every binary package installed in the buildroot
 */
public record ChrootReady(BuildrootId buildrootId, TaskId taskId, int attempt, ComposeId composeId,
        ExecutorId executorId, String architecture, String baseKey, List<InstalledPackage> installed)
        implements Event {

    public ChrootReady {
        Invariants.required("buildrootId", buildrootId);
        Invariants.required("taskId", taskId);
        Invariants.atLeast("attempt", attempt, 1);
        Invariants.required("composeId", composeId);
        Invariants.required("executorId", executorId);
        Invariants.text("architecture", architecture);
        Invariants.sha256("baseKey", baseKey);
        installed = Invariants.list("installed", installed);
    }

    @Override
    public String key() {
        return taskId.value();
    }

    @Override
    public EventType<ChrootReady> eventType() {
        return EventType.CHROOT_READY;
    }
}
