package org.debian.bootc.planner.config;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.planner.archive.AptResolver;
import org.debian.bootc.planner.archive.ArchiveClient;
import org.debian.bootc.planner.archive.ArchiveLocation;
import org.debian.bootc.planner.archive.BaseVariant;
import org.debian.bootc.planner.archive.IndexCache;
import org.debian.bootc.planner.plan.ComposePlanning;

import org.debian.bootc.debian.apt.AptSources;
import org.debian.bootc.debian.release.ReleaseVerifier;

/** Wires the archive side of planning from {@link PlannerConfig}. */
public class PlanningProducer {

    @Produces
    @ApplicationScoped
    ComposePlanning planning(PlannerConfig config) {
        PlannerConfig.Archive archive = config.archive();
        ProcessRunner tools = new ProcessRunner(archive.toolTimeout());
        ArchiveClient client = new ArchiveClient(new IndexCache(archive.cacheDir()),
                new ReleaseVerifier(archive.toolTimeout()), tools, Clock.systemUTC(),
                new ArchiveClient.Options(archive.keyring(), true, archive.requestTimeout()));
        return new ComposePlanning(new ArchiveLocation(AptSources.ofMachine(), archive.mirror()), client,
                new AptResolver(tools, archive.workDir(), BaseVariant.REQUIRED));
    }
}
