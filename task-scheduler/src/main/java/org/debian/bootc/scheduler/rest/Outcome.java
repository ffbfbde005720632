package org.debian.bootc.scheduler.rest;

/** The answer to a mutating call. */
public record Outcome(String message) {
}
