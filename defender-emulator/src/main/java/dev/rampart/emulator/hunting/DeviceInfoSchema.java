package dev.rampart.emulator.hunting;

import java.util.List;

/**
 * The schema of the emulated {@code DeviceInfo} table: its columns and their types, in the order of the real table's
 * documentation (see {@link HuntingQuery} for the list and how input rows are read).
 */
final class DeviceInfoSchema {

    /** The columns of {@code DeviceInfo}, in order. */
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
            new Field("AadDeviceId", Type.STRING),
            new Field("LoggedOnUsers", Type.STRING),
            new Field("OSVersion", Type.STRING),
            new Field("MachineGroup", Type.STRING),
            new Field("ReportId", Type.LONG),
            new Field("OnboardingStatus", Type.STRING),
            new Field("DeviceCategory", Type.STRING),
            new Field("DeviceType", Type.STRING),
            new Field("OSDistribution", Type.STRING),
            new Field("SensorHealthState", Type.STRING),
            new Field("IsExcluded", Type.BOOL),
            new Field("ExposureLevel", Type.STRING),
            new Field("AssetValue", Type.STRING),
            new Field("DeviceManualTags", Type.STRING),
            new Field("DeviceDynamicTags", Type.STRING));

    /** The index of {@code Timestamp} in {@link #COLUMNS}. */
    static final int TIMESTAMP = 0;

    private DeviceInfoSchema() {}
}
