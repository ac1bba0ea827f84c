package dev.rampart.emulator.hunting;

import java.util.List;

/**
 * The tables advanced hunting answers in the emulator, with the columns, order and types of Microsoft's table
 * reference (learn.microsoft.com, defender-xdr/advanced-hunting-&lt;table&gt;-table, the 2026 pages):
 * {@code DeviceInfo}, {@code DeviceTvmSoftwareVulnerabilities} and {@code DeviceTvmSoftwareInventory} (snapshots,
 * without a {@code Timestamp}), {@code DeviceLogonEvents} and {@code DeviceNetworkInfo}. The JSON columns of
 * {@code DeviceNetworkInfo} are strings, as the Defender page types them; {@code CveTags} is dynamic.
 */
final class HuntingTables {
    private HuntingTables() {}

    /** The columns both vulnerability-management tables start with: the device and the software version. */
    private static final List<Field> DEVICE_AND_SOFTWARE = List.of(
            new Field("DeviceId", Type.STRING),
            new Field("DeviceName", Type.STRING),
            new Field("OSPlatform", Type.STRING),
            new Field("OSVersion", Type.STRING),
            new Field("OSArchitecture", Type.STRING),
            new Field("SoftwareVendor", Type.STRING),
            new Field("SoftwareName", Type.STRING),
            new Field("SoftwareVersion", Type.STRING));

    static final List<Field> DEVICE_TVM_SOFTWARE_VULNERABILITIES = concat(
            DEVICE_AND_SOFTWARE,
            new Field("CveId", Type.STRING),
            new Field("VulnerabilitySeverityLevel", Type.STRING),
            new Field("RecommendedSecurityUpdate", Type.STRING),
            new Field("RecommendedSecurityUpdateId", Type.STRING),
            new Field("CveTags", Type.DYNAMIC));

    static final List<Field> DEVICE_TVM_SOFTWARE_INVENTORY = concat(
            DEVICE_AND_SOFTWARE,
            new Field("EndOfSupportStatus", Type.STRING),
            new Field("EndOfSupportDate", Type.DATETIME),
            new Field("ProductCodeCpe", Type.STRING));

    static final List<Field> DEVICE_LOGON_EVENTS = List.of(
            new Field("Timestamp", Type.DATETIME),
            new Field("DeviceId", Type.STRING),
            new Field("DeviceName", Type.STRING),
            new Field("ActionType", Type.STRING),
            new Field("LogonType", Type.STRING),
            new Field("AccountDomain", Type.STRING),
            new Field("AccountName", Type.STRING),
            new Field("AccountSid", Type.STRING),
            new Field("Protocol", Type.STRING),
            new Field("FailureReason", Type.STRING),
            new Field("IsLocalAdmin", Type.BOOL),
            new Field("LogonId", Type.LONG),
            new Field("RemoteDeviceName", Type.STRING),
            new Field("RemoteIP", Type.STRING),
            new Field("RemoteIPType", Type.STRING),
            new Field("RemotePort", Type.INT),
            new Field("InitiatingProcessAccountDomain", Type.STRING),
            new Field("InitiatingProcessAccountName", Type.STRING),
            new Field("InitiatingProcessAccountSid", Type.STRING),
            new Field("InitiatingProcessAccountUpn", Type.STRING),
            new Field("InitiatingProcessAccountObjectId", Type.STRING),
            new Field("InitiatingProcessIntegrityLevel", Type.STRING),
            new Field("InitiatingProcessTokenElevation", Type.STRING),
            new Field("InitiatingProcessSHA1", Type.STRING),
            new Field("InitiatingProcessSHA256", Type.STRING),
            new Field("InitiatingProcessMD5", Type.STRING),
            new Field("InitiatingProcessFileName", Type.STRING),
            new Field("InitiatingProcessFileSize", Type.LONG),
            new Field("InitiatingProcessVersionInfoCompanyName", Type.STRING),
            new Field("InitiatingProcessVersionInfoProductName", Type.STRING),
            new Field("InitiatingProcessVersionInfoProductVersion", Type.STRING),
            new Field("InitiatingProcessVersionInfoInternalFileName", Type.STRING),
            new Field("InitiatingProcessVersionInfoOriginalFileName", Type.STRING),
            new Field("InitiatingProcessVersionInfoFileDescription", Type.STRING),
            new Field("InitiatingProcessId", Type.LONG),
            new Field("InitiatingProcessCommandLine", Type.STRING),
            new Field("InitiatingProcessCreationTime", Type.DATETIME),
            new Field("InitiatingProcessFolderPath", Type.STRING),
            new Field("InitiatingProcessParentId", Type.LONG),
            new Field("InitiatingProcessParentFileName", Type.STRING),
            new Field("InitiatingProcessParentCreationTime", Type.DATETIME),
            new Field("ReportId", Type.LONG),
            new Field("AppGuardContainerId", Type.STRING),
            new Field("AdditionalFields", Type.STRING),
            new Field("InitiatingProcessSessionId", Type.LONG),
            new Field("IsInitiatingProcessRemoteSession", Type.BOOL),
            new Field("InitiatingProcessRemoteSessionDeviceName", Type.STRING),
            new Field("InitiatingProcessRemoteSessionIP", Type.STRING),
            new Field("InitiatingProcessUniqueId", Type.STRING));

    static final List<Field> DEVICE_NETWORK_INFO = List.of(
            new Field("Timestamp", Type.DATETIME),
            new Field("DeviceId", Type.STRING),
            new Field("DeviceName", Type.STRING),
            new Field("NetworkAdapterName", Type.STRING),
            new Field("MacAddress", Type.STRING),
            new Field("NetworkAdapterType", Type.STRING),
            new Field("NetworkAdapterStatus", Type.STRING),
            new Field("TunnelType", Type.STRING),
            new Field("ConnectedNetworks", Type.STRING),
            new Field("DnsAddresses", Type.STRING),
            new Field("IPv4Dhcp", Type.STRING),
            new Field("IPv6Dhcp", Type.STRING),
            new Field("DefaultGateways", Type.STRING),
            new Field("IPAddresses", Type.STRING),
            new Field("ReportId", Type.LONG),
            new Field("NetworkAdapterVendor", Type.STRING),
            new Field("OnboardingStatus", Type.STRING),
            new Field("NetworkAdapterDnsSuffix", Type.STRING));

    private static List<Field> concat(List<Field> head, Field... rest) {
        List<Field> all = new java.util.ArrayList<>(head);
        all.addAll(List.of(rest));
        return List.copyOf(all);
    }

    static List<Table> all() {
        return List.of(
                Table.of("DeviceInfo", DeviceInfoSchema.COLUMNS),
                Table.of("DeviceTvmSoftwareVulnerabilities", DEVICE_TVM_SOFTWARE_VULNERABILITIES),
                Table.of("DeviceTvmSoftwareInventory", DEVICE_TVM_SOFTWARE_INVENTORY),
                Table.of("DeviceLogonEvents", DEVICE_LOGON_EVENTS),
                Table.of("DeviceNetworkInfo", DEVICE_NETWORK_INFO));
    }
}
