package dev.rampart.emulator.tenant;

/**
 * What a synthetic tenant is made from. The same spec and seed always give the same tenant.
 *
 * @param seed the random seed
 * @param devices number of devices (10 to several hundred thousand)
 * @param cves size of the CVE catalog
 * @param vulnerabilitiesPerDevice mean number of vulnerable software rows per onboarded device (skewed: most devices
 *     have a few, some have hundreds)
 * @param alertsPerThousandDevicesPerDay new alerts per day per thousand devices
 */
public record TenantSpec(
        long seed, int devices, int cves, double vulnerabilitiesPerDevice, double alertsPerThousandDevicesPerDay) {

    public TenantSpec {
        if (devices < 0) {
            throw new IllegalArgumentException("devices must be >= 0");
        }
        if (cves < 50) {
            throw new IllegalArgumentException("the CVE catalog needs at least 50 entries");
        }
    }

    public static TenantSpec of(long seed, int devices) {
        return new TenantSpec(seed, devices, defaultCves(devices), 66, 8);
    }

    public static int defaultCves(int devices) {
        return Math.min(8000, 1500 + devices / 20);
    }
}
