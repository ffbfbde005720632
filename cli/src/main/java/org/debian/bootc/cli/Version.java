package org.debian.bootc.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest (the Maven project version), or "development". */
public class Version implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] { "bootc-compose " + (v == null ? "(development build)" : v) };
    }
}
