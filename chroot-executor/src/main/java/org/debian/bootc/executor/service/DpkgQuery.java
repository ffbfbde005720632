package org.debian.bootc.executor.service;

import java.util.ArrayList;
import java.util.List;

import org.debian.bootc.events.InstalledPackage;

/** Reads {@code dpkg-query -W -f '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n'}. */
final class DpkgQuery {

    private DpkgQuery() {
    }

    /** The installed packages ({@code ii}), in dpkg's order; removed or half-installed ones are left out. */
    static List<InstalledPackage> parse(String output) {
        List<InstalledPackage> installed = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] fields = line.split("\t");
            if (fields.length == 4 && fields[0].strip().equals("ii")) {
                installed.add(new InstalledPackage(fields[1], fields[2], fields[3]));
            }
        }
        return List.copyOf(installed);
    }
}
