package org.debian.bootc.publisher.failure;

import org.debian.bootc.events.PublishFault;

/**
 * The compose's inputs cannot give an image: the plan (an archive that is not a URI, a
 * package set without a kernel or with two), the target (an image repository without a
 * registry, a disk that cannot hold the tree), a built artifact (a wrong digest, a name
 * that is not a {@code .deb}) or the tree they make. Publishing the same inputs again fails
 * the same way.
 */
public final class InputRejected extends PublishFailure {

    public InputRejected(Stage stage, String reason) {
        this(stage, reason, null);
    }

    public InputRejected(Stage stage, String reason, Throwable cause) {
        super(stage, reason, cause);
    }

    @Override
    public PublishFault fault() {
        return PublishFault.INPUT;
    }
}
