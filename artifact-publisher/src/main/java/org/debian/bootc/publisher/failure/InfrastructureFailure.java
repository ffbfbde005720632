package org.debian.bootc.publisher.failure;

import org.debian.bootc.events.PublishFault;

/**
 * The publisher's side failed: a tool (timed out, or failed for a reason that is not the
 * package set), the disk, the network, the archive or a registry, or the publisher's own
 * configuration (no signing key). A retry, perhaps after an operator's fix, may succeed.
 */
public final class InfrastructureFailure extends PublishFailure {

    public InfrastructureFailure(Stage stage, String reason) {
        this(stage, reason, null);
    }

    public InfrastructureFailure(Stage stage, String reason, Throwable cause) {
        super(stage, reason, cause);
    }

    @Override
    public PublishFault fault() {
        return PublishFault.INFRASTRUCTURE;
    }
}
