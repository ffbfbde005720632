package org.debian.bootc.scheduler.rest;

/** An error answer. */
public record Problem(String error) {
}
