package org.debian.bootc.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.InstalledPackage;

class DpkgQueryTest {

    @Test
    void onlyInstalledPackagesAreListed() {
        String output = "ii \tbase-files\t12.4+deb12u5\tamd64\nrc \told-conffiles\t1.0\tamd64\n"
                + "ii \tdebhelper\t13.11.4\tall\n";
        assertEquals(List.of(new InstalledPackage("base-files", "12.4+deb12u5", "amd64"),
                new InstalledPackage("debhelper", "13.11.4", "all")), DpkgQuery.parse(output));
    }

    @Test
    void packagesFromLocalRepositoriesAreNotCountedAsDownloads() {
        String apt = "Need to get 120 kB/173 kB of archives.\n"
                + "Get:1 http://archive.example.invalid/debian bookworm/main amd64 hello amd64 2.10-3 [53.1 kB]\n"
                + "Get:2 file:/srv/compose-repo ./ libfoo1 1.0 [12 kB]\n"
                + "Get:3 http://archive.example.invalid/debian bookworm/main amd64 tree amd64 2.1.0-1 [47 kB]\n";
        assertEquals(2, BuildPipeline.downloads(apt));
        assertEquals(0, BuildPipeline.downloads("Need to get 0 B/53.1 kB of archives.\n"));
    }
}
