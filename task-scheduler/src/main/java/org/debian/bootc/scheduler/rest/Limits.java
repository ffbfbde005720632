package org.debian.bootc.scheduler.rest;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Bounds of list sizes. */
final class Limits {

    static final int MAX = 10_000;

    private Limits() {
    }

    static int check(int limit) {
        if (limit < 1 || limit > MAX) {
            throw new BadRequestException(Response.status(400).type(MediaType.APPLICATION_JSON)
                    .entity(new Problem("limit " + limit + " is out of range: 1 to " + MAX)).build());
        }
        return limit;
    }
}
