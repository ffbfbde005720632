package org.debian.bootc.debian.deb822;

/** Index text shaped like Debian's (the planner's test fixtures, in small): a Packages and a Sources. */
final class ControlFiles {

    private ControlFiles() {
    }
    static final String PACKAGES_AMD64 = """
            Package: base-files
            Version: 12.4+deb12u1
            Architecture: amd64
            Essential: yes
            Priority: required
            Maintainer: Fixture Maintainer <fixture@example.invalid>
            Filename: pool/main/b/base-files/base-files_12.4+deb12u1_amd64.deb
            Size: 70000
            Description: Debian base system miscellaneous files

            Package: mawk
            Version: 1.3.4.20200120-3.1
            Architecture: amd64
            Priority: required
            Provides: awk
            Filename: pool/main/m/mawk/mawk_1.3.4.20200120-3.1_amd64.deb
            Size: 120000
            Description: Pattern scanning and text processing language

            Package: libc6
            Source: glibc
            Version: 2.36-9+deb12u4
            Architecture: amd64
            Priority: optional
            Multi-Arch: same
            Filename: pool/main/g/glibc/libc6_2.36-9+deb12u4_amd64.deb
            Size: 2700000
            Description: GNU C Library: Shared libraries

            Package: hello
            Version: 2.10-3
            Architecture: amd64
            Depends: libc6 (>= 2.34)
            Conflicts: hello-traditional
            Priority: optional
            Tag: devel::debian, devel::examples,
             role::program, suite::gnu
            Filename: pool/main/h/hello/hello_2.10-3_amd64.deb
            Size: 53080
            Description: example package based on GNU hello
             Longer description,
             .
             over several lines.

            Package: hello-traditional
            Version: 2.10-6
            Architecture: amd64
            Depends: libc6 (>= 2.34)
            Conflicts: hello
            Priority: optional
            Filename: pool/main/h/hello-traditional/hello-traditional_2.10-6_amd64.deb
            Size: 50000
            Description: the traditional hello

            Package: docs-all
            Source: docs-src (1.0-1)
            Version: 1.0-1+b1
            Architecture: all
            Priority: optional
            Provides: documentation (= 1.0), manual:any
            Filename: pool/main/d/docs-src/docs-all_1.0-1+b1_all.deb
            Size: 1000
            Description: architecture-independent documentation

            Package: needs-missing
            Version: 1.0
            Architecture: amd64
            Depends: not-in-the-archive
            Priority: optional
            Filename: pool/main/n/needs-missing/needs-missing_1.0_amd64.deb
            Size: 1000
            Description: depends on something nobody ships
            """;

    /** A tiny main/source/Sources: hello in two versions, one with folded build-dependencies. */
    static final String SOURCES = """
            Package: hello
            Binary: hello
            Version: 2.10-3
            Maintainer: Fixture Maintainer <fixture@example.invalid>
            Build-Depends: debhelper-compat (= 13), help2man, texinfo
            Architecture: any
            Format: 3.0 (quilt)
            Files:
             af0c4d1ec4eb1af8e20843cee44bbcde 1721 hello_2.10-3.dsc
             6cd0ffea3884a4e79330338dcc2987d6 725946 hello_2.10.orig.tar.gz
            Checksums-Sha256:
             75296f5ef618ae2f1849e22b142a2b5ab52c452ebefa4e7b0564c44617db3790 1721 hello_2.10-3.dsc
             31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b 725946 hello_2.10.orig.tar.gz
            Directory: pool/main/h/hello
            Priority: source
            Section: devel

            Package: hello
            Binary: hello
            Version: 2.10-2
            Build-Depends: debhelper-compat (= 12), help2man, texinfo
            Architecture: any
            Checksums-Sha256:
             1111111111111111111111111111111111111111111111111111111111111111 1700 hello_2.10-2.dsc
            Directory: pool/main/h/hello

            Package: glibc
            Binary: libc-bin, libc-dev-bin,
             libc6, libc6-dev
            Version: 2.36-9+deb12u4
            Build-Depends: gettext, dpkg (>= 1.18.0), xz-utils, file, quilt,
             autoconf, gawk, debhelper-compat (= 13)
            Build-Depends-Arch: gcc-12, binutils (>= 2.38)
            Build-Depends-Indep: perl, po-debconf (>= 1.0)
            Architecture: any all
            Checksums-Sha256:
             2222222222222222222222222222222222222222222222222222222222222222 9000 glibc_2.36-9+deb12u4.dsc
             3333333333333333333333333333333333333333333333333333333333333333 18000000 glibc_2.36.orig.tar.xz
            Directory: pool/main/g/glibc
            """;
}
