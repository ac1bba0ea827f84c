package dev.rampart.emulator.tenant;

/**
 * Operating systems as Defender reports them in {@code osPlatform}, with the share of a typical fleet. The open set of
 * values is documented in REFERENCE.md section 4.4 ({@code Windows10}, {@code Windows11}, {@code WindowsServer2019},
 * {@code Linux}, {@code macOS}, {@code iOS}, {@code Android}); recorded traffic also shows Linux distribution names
 * such as {@code Ubuntu} in {@code osPlatform}.
 */
public enum Platform {
    WINDOWS11("Windows11", Family.WINDOWS, 34, new String[] {"22H2", "23H2", "24H2"}, new long[] {22621, 22631, 26100}),
    WINDOWS10("Windows10", Family.WINDOWS, 27, new String[] {"21H2", "22H2", "1809"}, new long[] {19044, 19045, 17763}),
    SERVER2022("WindowsServer2022", Family.WINDOWS_SERVER, 6, new String[] {"21H2"}, new long[] {20348}),
    SERVER2019("WindowsServer2019", Family.WINDOWS_SERVER, 6, new String[] {"1809"}, new long[] {17763}),
    SERVER2016("WindowsServer2016", Family.WINDOWS_SERVER, 3, new String[] {"1607"}, new long[] {14393}),
    SERVER2012R2("WindowsServer2012R2", Family.WINDOWS_SERVER, 1, new String[] {"Other"}, new long[] {9600}),
    MACOS("macOS", Family.MAC, 8, new String[] {"13.6", "14.5", "15.1"}, null),
    UBUNTU("Ubuntu", Family.LINUX, 4, new String[] {"20.4", "22.4", "24.4"}, null),
    REDHAT("RedHatEnterpriseLinux", Family.LINUX, 2, new String[] {"8.9", "9.4"}, null),
    LINUX("Linux", Family.LINUX, 2, new String[] {"Other"}, null),
    IOS("iOS", Family.MOBILE, 3, new String[] {"17.5", "18.1"}, null),
    ANDROID("Android", Family.MOBILE, 3, new String[] {"13", "14"}, null),
    OTHER("Other", Family.OTHER, 1, new String[] {"Other"}, null);

    public enum Family {
        WINDOWS,
        WINDOWS_SERVER,
        MAC,
        LINUX,
        MOBILE,
        OTHER,
        ANY
    }

    private final String apiName;
    private final Family family;
    private final double share;
    private final String[] versions;
    private final long[] builds;

    Platform(String apiName, Family family, double share, String[] versions, long[] builds) {
        this.apiName = apiName;
        this.family = family;
        this.share = share;
        this.versions = versions;
        this.builds = builds;
    }

    public String apiName() {
        return apiName;
    }

    public Family family() {
        return family;
    }

    public boolean windows() {
        return family == Family.WINDOWS || family == Family.WINDOWS_SERVER;
    }

    public String version(int pick) {
        return versions[Math.floorMod(pick, versions.length)];
    }

    /** The OS build for the version at the same pick, or null where Defender reports none. */
    public Long build(int pick) {
        return builds == null ? null : builds[Math.floorMod(pick, versions.length) % builds.length];
    }

    static final double[] SHARES;

    static {
        Platform[] all = values();
        SHARES = new double[all.length];
        for (int i = 0; i < all.length; i++) {
            SHARES[i] = all[i].share;
        }
    }
}
