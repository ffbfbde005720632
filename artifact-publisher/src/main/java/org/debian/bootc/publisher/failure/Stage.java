package org.debian.bootc.publisher.failure;

/** The publisher's phases, named as {@code image-failed} names them in its {@code stage} field. */
public enum Stage {
    REPOSITORY("repository"),
    ROOTFS("rootfs"),
    OSTREE("ostree"),
    IMAGE("image"),
    LINT("lint"),
    PUSH("push"),
    DISK("disk");

    private final String wireName;

    Stage(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
