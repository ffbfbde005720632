package org.debian.bootc.cli.config;

import java.net.URI;
import java.util.Optional;

/**
 * Where the services and the broker are, resolved by {@link ConfigResolver}.
 *
 * @param planner compose-planner's base URL (POST /composes, GET /composes/{id})
 * @param scheduler task-scheduler's base URL (/api/composes, /api/tasks)
 * @param kafka the broker's bootstrap servers, host:port[,host:port]
 * @param token the scheduler's API token for mutating calls; empty when none is configured
 */
public record CliConfig(Setting planner, Setting scheduler, Setting kafka, Optional<Setting> token) {

    public URI plannerUri() {
        return URI.create(strip(planner.value()));
    }

    public URI schedulerUri() {
        return URI.create(strip(scheduler.value()));
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
