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
}
