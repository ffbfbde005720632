package org.debian.bootc.events;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** One valid event of every type, with every optional field set, so a round trip exercises all of them. */
final class Samples {

    static final ComposeId COMPOSE_ID = ComposeId.of("minimal", "1", LocalDate.of(2025, 1, 31), ComposeType.NIGHTLY, 0);
    static final TaskId TASK_ID = new TaskId("minimal-1-20250131.n.0.hello.amd64");
    static final ExecutorId EXECUTOR_ID = new ExecutorId("chroot-executor-amd64-0");
    static final BuildrootId BUILDROOT_ID = new BuildrootId("3f2a9c1e-5b7d-4e21-9a0c-6d8e2f1b4c77");
    static final RequestId REQUEST_ID = new RequestId("4b0d1c52-2f3e-4d8a-b6a1-0e9f7c3d2a10");
    static final String SHA_A = "a".repeat(64);
    static final String SHA_B = "0123456789abcdef".repeat(4);

    static final String ARCHIVE = "http://archive.example/debian/";

    private static final Map<EventType<?>, Supplier<? extends Event>> BY_TYPE = Map.ofEntries(
            Map.entry(EventType.COMPOSE_REQUESTED, Samples::composeRequested),
            Map.entry(EventType.COMPOSE_PLANNED, Samples::composePlanned),
            Map.entry(EventType.COMPOSE_CANCEL_REQUESTED, Samples::composeCancelRequested),
            Map.entry(EventType.BUILD_TASK_CANCELLED, Samples::buildTaskCancelled),
            Map.entry(EventType.IMAGE_PUBLISH_FAILED, Samples::imagePublishFailed),
            Map.entry(EventType.PACKAGE_BUILD_QUEUED, Samples::packageBuildQueued),
            Map.entry(EventType.BUILD_TASK_DISPATCHED, Samples::buildTaskDispatched),
            Map.entry(EventType.CHROOT_READY, Samples::chrootReady),
            Map.entry(EventType.PACKAGE_BUILT, Samples::packageBuilt),
            Map.entry(EventType.COMPOSE_BUILT, Samples::composeBuilt),
            Map.entry(EventType.IMAGE_COMMITTED, Samples::imageCommitted),
            Map.entry(EventType.COMPOSE_STATUS_CHANGED, Samples::composeStatusChanged),
            Map.entry(EventType.TASK_STATUS_CHANGED, Samples::taskStatusChanged),
            Map.entry(EventType.EXECUTOR_HEARTBEAT, Samples::executorHeartbeat));

    private Samples() {
    }

    static Event of(EventType<?> type) {
        Supplier<? extends Event> sample = BY_TYPE.get(type);
        if (sample == null) {
            throw new AssertionError("no sample for " + type);
        }
        return sample.get();
    }

    static ObjectNode minimalManifest() {
        ObjectNode manifest = JsonNodeFactory.instance.objectNode();
        manifest.put("name", "minimal");
        manifest.put("version", "1");
        manifest.put("suite", "bookworm");
        manifest.putArray("architectures").add("amd64");
        manifest.putArray("packages").add("systemd").add("ostree");
        return manifest;
    }

    static ComposeRequested composeRequested() {
        return new ComposeRequested(REQUEST_ID, minimalManifest(), "release-team");
    }

    static SourcePackage hello() {
        String pool = "http://archive.example/debian/pool/main/h/hello/";
        return new SourcePackage("hello", "2.10-3", "hello_2.10-3.dsc", List.of(
                new SourceFile("hello_2.10-3.dsc", SHA_A, 1847, pool + "hello_2.10-3.dsc"),
                new SourceFile("hello_2.10.orig.tar.gz", SHA_B, 725946, pool + "hello_2.10.orig.tar.gz"),
                new SourceFile("hello_2.10-3.debian.tar.xz", "b".repeat(64), 12688,
                        pool + "hello_2.10-3.debian.tar.xz")));
    }

    static PackageBuildQueued packageBuildQueued() {
        return new PackageBuildQueued(COMPOSE_ID, TASK_ID, hello(), "amd64", "bookworm", ARCHIVE, SHA_A, BuildType.ANY,
                "nocheck",
                List.of(new TaskId("minimal-1-20250131.n.0.gettext.amd64")), SHA_B);
    }

    static BuildTaskDispatched buildTaskDispatched() {
        return new BuildTaskDispatched(TASK_ID, 2, COMPOSE_ID, hello(), "amd64", "bookworm", ARCHIVE, SHA_A,
                BuildType.BINARY, "nocheck", SHA_B, Instant.parse("2025-01-31T12:30:00Z"), List.of(backports()));
    }

    static ChrootReady chrootReady() {
        return new ChrootReady(BUILDROOT_ID, TASK_ID, 2, COMPOSE_ID, EXECUTOR_ID, "amd64", SHA_A, List.of(
                new InstalledPackage("build-essential", "12.9", "amd64"),
                new InstalledPackage("debhelper", "13.11.4", "all"),
                new InstalledPackage("libc6", "2.36-9+deb12u9", "amd64")));
    }

    static ArtifactRef deb() {
        return new ArtifactRef(SHA_A, ArtifactRef.BINARY_PACKAGE, "hello_2.10-3_amd64.deb", 53204,
                "file:///var/lib/deb-bootc-compose/artifacts/" + SHA_A);
    }

    static PackageBuilt packageBuilt() {
        return new PackageBuilt(TASK_ID, 2, COMPOSE_ID, EXECUTOR_ID, BUILDROOT_ID, BuildResult.SUCCESS,
                List.of(deb(), new ArtifactRef(SHA_B, ArtifactRef.BUILD_LOG, "hello_2.10-3_amd64.build", 48211,
                        "file:///var/lib/deb-bootc-compose/artifacts/" + SHA_B)),
                "file:///var/lib/deb-bootc-compose/artifacts/" + SHA_B,
                "dpkg-deb: building package 'hello' in '../hello_2.10-3_amd64.deb'.\n", 84_213);
    }

    static ComposeBuilt composeBuilt() {
        return new ComposeBuilt(COMPOSE_ID, List.of(
                new PackageResult(TASK_ID, "hello", "2.10-3", "amd64", TaskResult.SUCCESS, List.of(deb())),
                new PackageResult(new TaskId("minimal-1-20250131.n.0.gettext.amd64"), "gettext", "0.21-12",
                        "amd64", TaskResult.SKIPPED, List.of())), ComposeOutcome.INCOMPLETE, plan());
    }

    static ImageCommitted imageCommitted() {
        return new ImageCommitted(COMPOSE_ID, "amd64", "debian/bookworm/amd64/minimal", SHA_A,
                "localhost:5000/debian/minimal:1-20250131.n.0", "sha256:" + SHA_B, 42, 187_654_321L, List.of(
                        new DiskImage("raw", "file:///var/lib/deb-bootc-compose/disks/minimal-1-20250131.n.0/amd64/disk.raw",
                                SHA_B, 4_294_967_296L),
                        new DiskImage("qcow2",
                                "file:///var/lib/deb-bootc-compose/disks/minimal-1-20250131.n.0/amd64/disk.qcow2",
                                "c".repeat(64), 912_261_120L)));
    }

    static DiskSpec disk() {
        return new DiskSpec(List.of("raw", "qcow2"), 4_294_967_296L, List.of("console=ttyS0,115200n8"));
    }

    static ComposeStatusChanged composeStatusChanged() {
        return new ComposeStatusChanged(COMPOSE_ID, REQUEST_ID, ComposeStatus.STARTED,
                ComposeStatus.FINISHED_INCOMPLETE, "1 of 2 packages failed to build",
                List.of(new Violation("/packages/1", "\"gettext\"", "failed to build on amd64")));
    }

    static TaskStatusChanged taskStatusChanged() {
        return new TaskStatusChanged(TASK_ID, 2, COMPOSE_ID, "amd64", TaskStatus.RUNNING, TaskStatus.COMPLETED,
                TaskResult.SUCCESS, "package-built received from chroot-executor-amd64-0");
    }

    static ExecutorHeartbeat executorHeartbeat() {
        return new ExecutorHeartbeat(EXECUTOR_ID, List.of("amd64"), 2, List.of(TASK_ID),
                Instant.parse("2025-01-31T12:01:05.250Z"));
    }

    static AptRepository backports() {
        return new AptRepository("http://archive.example/debian/", "bookworm-backports", List.of("main"),
                "/usr/share/keyrings/debian-archive-keyring.gpg");
    }

    static ComposePlan plan() {
        return new ComposePlan("bookworm", ARCHIVE, SHA_A, new Failable(List.of("arm64"), List.of("gettext")),
                List.of(new ImageTarget("amd64", "debian/bookworm/amd64/minimal", "localhost:5000/debian/minimal",
                        "1", Map.of("org.opencontainers.image.title", "minimal"), List.of(
                                new ResolvedPackage("hello", "2.10-3", "amd64"),
                                new ResolvedPackage("systemd", "252.33-1~deb12u1", "amd64"),
                                new ResolvedPackage("tzdata", "2025a-0+deb12u1", "all")), disk())),
                List.of(backports()));
    }

    static ComposePlanned composePlanned() {
        return new ComposePlanned(COMPOSE_ID, List.of(TASK_ID, new TaskId("minimal-1-20250131.n.0.gettext.amd64")),
                plan());
    }

    static ComposeCancelRequested composeCancelRequested() {
        return new ComposeCancelRequested(COMPOSE_ID, "release-team", "wrong manifest");
    }

    static BuildTaskCancelled buildTaskCancelled() {
        return new BuildTaskCancelled(TASK_ID, 2, COMPOSE_ID, "amd64", "compose cancelled by release-team");
    }

    static ImagePublishFailed imagePublishFailed() {
        return new ImagePublishFailed(COMPOSE_ID, "amd64", "debian/bookworm/amd64/minimal", "lint",
                "var-run: /var/run is a directory, not a symlink to ../run", PublishFault.INPUT);
    }
}
