package dev.rampart.emulator.hunting;

import java.util.List;

/**
 * The schema of the emulated {@code DeviceInfo} table: its columns and their types, in the order of the real table's
 * documentation (see {@link HuntingQuery} for the list and how input rows are read).
 */
final class DeviceInfoSchema {

    /**
     * The columns of {@code DeviceInfo}, in the order and with the types of Microsoft's table reference
     * (learn.microsoft.com, defender-xdr/advanced-hunting-deviceinfo-table, the 51-column version of 2026).
     */
    static final List<Field> COLUMNS = List.of(
            new Field("Timestamp", Type.DATETIME),
            new Field("DeviceId", Type.STRING),
            new Field("DeviceName", Type.STRING),
            new Field("ClientVersion", Type.STRING),
            new Field("PublicIP", Type.STRING),
            new Field("OSArchitecture", Type.STRING),
            new Field("OSPlatform", Type.STRING),
            new Field("OSBuild", Type.LONG),
            new Field("IsAzureADJoined", Type.BOOL),
            new Field("JoinType", Type.STRING),
            new Field("AadDeviceId", Type.STRING),
            new Field("LoggedOnUsers", Type.STRING),
            new Field("RegistryDeviceTag", Type.STRING),
            new Field("OSVersion", Type.STRING),
            new Field("MachineGroup", Type.STRING),
            new Field("ReportId", Type.LONG),
            new Field("OnboardingStatus", Type.STRING),
            new Field("AdditionalFields", Type.STRING),
            new Field("DeviceCategory", Type.STRING),
            new Field("DeviceType", Type.STRING),
            new Field("DeviceSubtype", Type.STRING),
            new Field("Model", Type.STRING),
            new Field("Vendor", Type.STRING),
            new Field("OSDistribution", Type.STRING),
            new Field("OSVersionInfo", Type.STRING),
            new Field("MergedDeviceIds", Type.STRING),
            new Field("MergedToDeviceId", Type.STRING),
            new Field("IsInternetFacing", Type.BOOL),
            new Field("SensorHealthState", Type.STRING),
            new Field("IsExcluded", Type.BOOL),
            new Field("ExclusionReason", Type.STRING),
            new Field("ExposureLevel", Type.STRING),
            new Field("AssetValue", Type.STRING),
            new Field("DeviceManualTags", Type.STRING),
            new Field("DeviceDynamicTags", Type.STRING),
            new Field("ConnectivityType", Type.STRING),
            new Field("HostDeviceId", Type.STRING),
            new Field("AzureResourceId", Type.STRING),
            new Field("AwsResourceName", Type.STRING),
            new Field("GcpFullResourceName", Type.STRING),
            new Field("HardwareUuid", Type.STRING),
            new Field("CloudPlatforms", Type.STRING),
            new Field("AzureVmId", Type.STRING),
            new Field("AzureVmSubscriptionId", Type.STRING),
            new Field("IsTransient", Type.BOOL),
            new Field("OsBuildRevision", Type.STRING),
            new Field("MitigationStatus", Type.STRING),
            new Field("Site", Type.STRING),
            new Field("DiscoverySources", Type.STRING),
            new Field("DeviceRoles", Type.STRING),
            new Field("DlpInfo", Type.STRING));

    /** The index of {@code Timestamp} in {@link #COLUMNS}. */
    static final int TIMESTAMP = 0;

    private DeviceInfoSchema() {}
}
