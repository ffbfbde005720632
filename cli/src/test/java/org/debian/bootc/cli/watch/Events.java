package org.debian.bootc.cli.watch;

import java.util.List;
import java.util.Map;

import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.ComposePlanned;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.DiskImage;
import org.debian.bootc.events.Failable;
import org.debian.bootc.events.ImageCommitted;
import org.debian.bootc.events.ImagePublishFailed;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.events.PackageResult;
import org.debian.bootc.events.RequestId;
import org.debian.bootc.events.ResolvedPackage;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.events.TaskStatusChanged;

/** Events of one compose, as the services write them, for the tests. */
public final class Events {

    public static final String COMMIT = "c0ffee".repeat(10) + "c0ff";
    public static final String DIGEST = "sha256:" + "ab".repeat(32);

    private final ComposeId id;

    public Events(String composeId) {
        this.id = new ComposeId(composeId);
    }

    public ComposeId id() {
        return id;
    }

    public TaskId task(String source) {
        return new TaskId(id.value() + "." + source + ".amd64");
    }

    public ComposeStatusChanged status(ComposeStatus old, ComposeStatus now, String reason) {
        return new ComposeStatusChanged(id, new RequestId("req-" + id.value()), old, now, reason, List.of());
    }

    public ComposePlan plan() {
        return new ComposePlan("bookworm", "http://archive.example/debian/", "a".repeat(64), Failable.NONE,
                List.of(new ImageTarget("amd64", ref(), "localhost:5000/debian/minimal", "1", Map.of(),
                        List.of(new ResolvedPackage("hello", "2.10-3", "amd64")))),
                List.of());
    }

    public String ref() {
        return "debian/bookworm/amd64/" + id.name();
    }

    public ComposePlanned planned(String... sources) {
        return new ComposePlanned(id, List.of(sources).stream().map(this::task).toList(), plan());
    }

    public TaskStatusChanged task(String source, int attempt, TaskStatus old, TaskStatus now, TaskResult result,
            String reason) {
        return new TaskStatusChanged(task(source), attempt, id, "amd64", old, now, result, reason);
    }

    public ComposeBuilt built(ComposeOutcome outcome, String... sources) {
        return new ComposeBuilt(id, List.of(sources).stream().map(s -> new PackageResult(task(s), s, "1.0-1", "amd64",
                outcome == ComposeOutcome.COMPLETE ? TaskResult.SUCCESS : TaskResult.FAILURE, List.of())).toList(),
                outcome, plan());
    }

    public ImageCommitted image() {
        return new ImageCommitted(id, "amd64", ref(), COMMIT, "localhost:5000/debian/minimal:1-" + id.value(), DIGEST, 7,
                1234);
    }

    /** {@link #image()} with a raw and a qcow2 disk image. */
    public ImageCommitted imageWithDisks() {
        ImageCommitted i = image();
        return new ImageCommitted(id, i.architecture(), i.ref(), i.commit(), i.imageReference(), i.manifestDigest(),
                i.layerCount(), i.bytesPushed(), List.of(
                        new DiskImage("raw", "file:///srv/disks/" + id.value() + "/amd64/disk.raw", "a".repeat(64),
                                4_294_967_296L),
                        new DiskImage("qcow2", "file:///srv/disks/" + id.value() + "/amd64/disk.qcow2",
                                "b".repeat(64), 912_261_120L)));
    }

    public ImagePublishFailed imageFailed(String reason) {
        return new ImagePublishFailed(id, "amd64", ref(), "lint", reason);
    }
}
