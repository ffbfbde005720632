package org.debian.bootc.publisher.failure;

import org.debian.bootc.events.PublishFault;

/**
 * The tree breaks one of bootc's fatal lint rules; the message starts with the rule's
 * name. The package set made the tree, so the same inputs break the same rule.
 */
public final class LintFailure extends PublishFailure {

    private final String rule;

    public LintFailure(String rule, String why) {
        super(Stage.LINT, "lint rule " + rule + ": " + why, null);
        this.rule = rule;
    }

    public String rule() {
        return rule;
    }

    @Override
    public PublishFault fault() {
        return PublishFault.INPUT;
    }
}
