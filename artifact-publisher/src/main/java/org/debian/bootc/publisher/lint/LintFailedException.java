package org.debian.bootc.publisher.lint;

import org.debian.bootc.publisher.phase.PhaseFailedException;
import org.debian.bootc.publisher.phase.Stage;

/** The tree breaks one of bootc's fatal lint rules; the message starts with the rule's name. */
public class LintFailedException extends PhaseFailedException {

    private final String rule;

    public LintFailedException(String rule, String why) {
        super(Stage.LINT, "lint rule " + rule + ": " + why);
        this.rule = rule;
    }

    public String rule() {
        return rule;
    }
}
