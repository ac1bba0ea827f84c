package dev.rampart.emulator.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.emulator.api.Hunting;
import dev.rampart.emulator.http.ApiError;
import dev.rampart.emulator.http.Call;
import dev.rampart.emulator.http.Router;
import dev.rampart.emulator.http.Router.Policy;
import dev.rampart.emulator.http.Router.Service;
import dev.rampart.emulator.hunting.HuntingResult;
import dev.rampart.emulator.odata.ODataException;
import dev.rampart.emulator.odata.ODataFilter;
import dev.rampart.emulator.tenant.Directory;
import dev.rampart.emulator.tenant.SyntheticTenant;
import dev.rampart.emulator.tenant.Times;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Microsoft Graph v1.0 calls Rampart uses (REFERENCE.md section 13): {@code /organization}, {@code /users},
 * {@code /groups}, {@code /groups/{id}/members} and {@code /transitiveMembers}, and {@code /security/runHuntingQuery}.
 * Paging is server-driven with an opaque {@code $skiptoken} in {@code @odata.nextLink}; {@code $top} is 1 to 999
 * (default 100), {@code $skip} is refused on directory lists, {@code $select} picks properties.
 */
public final class GraphApi {
    private static final List<String> ORG_ROLES = List.of(
            "Organization.Read.All", "Directory.Read.All", "Organization.ReadWrite.All", "Directory.ReadWrite.All");
    private static final List<String> USER_ROLES =
            List.of("User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All");
    private static final List<String> GROUP_ROLES = List.of(
            "GroupMember.Read.All",
            "Group.Read.All",
            "Directory.Read.All",
            "Group.ReadWrite.All",
            "GroupMember.ReadWrite.All");

    private static final List<String> USER_DEFAULT = List.of(
            "businessPhones",
            "displayName",
            "givenName",
            "jobTitle",
            "mail",
            "mobilePhone",
            "officeLocation",
            "preferredLanguage",
            "surname",
            "userPrincipalName",
            "id");
    private static final Set<String> USER_SELECTABLE = Stream.concat(
                    USER_DEFAULT.stream(),
                    Stream.of(
                            "accountEnabled",
                            "userType",
                            "onPremisesSamAccountName",
                            "onPremisesDomainName",
                            "onPremisesSecurityIdentifier",
                            "onPremisesSyncEnabled",
                            "onPremisesUserPrincipalName",
                            "onPremisesImmutableId",
                            "createdDateTime",
                            "department",
                            "employeeId",
                            "companyName"))
            .collect(Collectors.toUnmodifiableSet());
    private static final Set<String> USER_NOT_IN_LISTS = Set.of(
            "aboutMe",
            "birthday",
            "hireDate",
            "interests",
            "mySite",
            "pastProjects",
            "preferredName",
            "responsibilities",
            "schools",
            "skills",
            "mailboxSettings");

    private final SyntheticTenant tenant;
    private final Hunting hunting;

    public GraphApi(SyntheticTenant tenant, Hunting hunting) {
        this.tenant = tenant;
        this.hunting = hunting;
    }

    public void register(Router r) {
        Service g = Service.GRAPH;
        r.add("GET", "/v1.0/organization", g, new Policy(null, 0, 0, ORG_ROLES, false), this::organization);
        r.add("GET", "/v1.0/organization/{id}", g, new Policy(null, 0, 0, ORG_ROLES, false), this::organization);
        r.add("GET", "/v1.0/users", g, new Policy(null, 0, 0, USER_ROLES, false), this::users);
        r.add("GET", "/v1.0/users/{id}", g, new Policy(null, 0, 0, USER_ROLES, false), this::user);
        r.add("GET", "/v1.0/groups", g, new Policy(null, 0, 0, GROUP_ROLES, false), this::groups);
        r.add("GET", "/v1.0/groups/{id}", g, new Policy(null, 0, 0, GROUP_ROLES, false), this::group);
        r.add(
                "GET",
                "/v1.0/groups/{id}/members",
                g,
                new Policy(null, 0, 0, GROUP_ROLES, false),
                c -> members(c, false));
        r.add(
                "GET",
                "/v1.0/groups/{id}/transitiveMembers",
                g,
                new Policy(null, 0, 0, GROUP_ROLES, false),
                c -> members(c, true));
        r.add(
                "POST",
                "/v1.0/security/runHuntingQuery",
                g,
                new Policy(null, 0, 0, List.of("ThreatHunting.Read.All"), false),
                this::runHuntingQuery);
    }

    private static ApiError badRequest(String message) {
        return new ApiError(400, "Request_BadRequest", message);
    }

    /**
     * Graph's answer to {@code $filter} naming a property the type does not have: 400 {@code BadRequest}, "Could not
     * find a property named 'x' on type 'microsoft.graph.user'."
     */
    private static ApiError unknownProperty(String name, String type) {
        return new ApiError(
                400,
                "BadRequest",
                "Could not find a property named '" + name + "' on type 'microsoft.graph." + type + "'.");
    }

    /**
     * The same for {@code $select}, with the prefix real responses carry (seen in Graph issue reports, e.g.
     * microsoftgraph/microsoft-graph-docs#9988).
     */
    private static ApiError unknownSelected(String name, String type) {
        return new ApiError(
                400,
                "BadRequest",
                "Parsing OData Select and Expand failed: "
                        + unknownProperty(name, type).getMessage());
    }

    /**
     * The {@code $filter} of a directory list, over the properties a directory object carries; a malformed or unknown
     * one is Graph's 400 {@code BadRequest}. Parameters that are not OData options are ignored, as Graph ignores them.
     */
    private static ODataFilter filter(Call call, Set<String> properties, String type) {
        String text = call.query("$filter");
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return ODataFilter.parse(text, properties);
        } catch (ODataException e) {
            java.util.regex.Matcher unknown = java.util.regex.Pattern.compile("filterable property named '([^']*)'")
                    .matcher(e.getMessage());
            if (unknown.find()) {
                throw unknownProperty(unknown.group(1), type);
            }
            // real Graph says no more than this (msgraph-sdk-dotnet#1190)
            throw new ApiError(400, "BadRequest", "Invalid filter clause");
        }
    }

    /** The list positions of the items that pass the filter (all of them without one). */
    private static int[] matching(int size, ODataFilter filter, IntFunction<ObjectNode> full) {
        if (filter == null) {
            return null;
        }
        return java.util.stream.IntStream.range(0, size)
                .filter(i -> filter.test(full.apply(i)))
                .toArray();
    }

    // ------------------------------------------------------------------ organization

    private void organization(Call call) {
        String id = call.pathParam("id");
        ObjectNode org = Call.JSON.createObjectNode();
        org.put("id", tenant.tenantId());
        org.putNull("deletedDateTime");
        org.putArray("businessPhones");
        org.putNull("city");
        org.putNull("country");
        org.put("countryLetterCode", "DE");
        org.put("createdDateTime", Times.seconds(tenant.origin().minus(java.time.Duration.ofDays(1800))));
        org.putNull("defaultUsageLocation");
        org.put("displayName", tenant.organizationName());
        org.putNull("isMultipleDataLocationsForServicesEnabled");
        org.putArray("marketingNotificationEmails");
        org.put("onPremisesLastSyncDateTime", Times.seconds(tenant.origin().minus(java.time.Duration.ofMinutes(37))));
        org.put("onPremisesSyncEnabled", true);
        org.putNull("partnerTenantType");
        org.putNull("postalCode");
        org.put("preferredLanguage", "en");
        org.putArray("securityComplianceNotificationMails");
        org.putArray("securityComplianceNotificationPhones");
        org.putNull("state");
        org.putNull("street");
        org.putArray("technicalNotificationMails").add("secops@corp.contoso.com");
        org.put("tenantType", "AAD");
        org.putObject("directorySizeQuota")
                .put("used", tenant.userCount() + tenant.groupCount())
                .put("total", 300000);
        ArrayNode plans = org.putArray("assignedPlans");
        plans.addObject()
                .put("assignedDateTime", Times.seconds(tenant.origin().minus(java.time.Duration.ofDays(400))))
                .put("capabilityStatus", "Enabled")
                .put("service", "WindowsDefenderATP")
                .put("servicePlanId", "871d91ec-ec1a-452b-a83f-bd76c7d770ef");
        org.putArray("onPremisesSyncStatus");
        org.putObject("privacyProfile").put("contactEmail", "").put("statementUrl", "");
        org.putArray("provisionedPlans");
        ArrayNode domains = org.putArray("verifiedDomains");
        domains.addObject()
                .put("capabilities", "Email, OfficeCommunicationsOnline")
                .put("isDefault", false)
                .put("isInitial", true)
                .put("name", tenant.initialDomain())
                .put("type", "Managed");
        domains.addObject()
                .put("capabilities", "Email")
                .put("isDefault", true)
                .put("isInitial", false)
                .put("name", "corp.contoso.com")
                .put("type", "Federated");
        if (id != null) {
            if (!id.equalsIgnoreCase(tenant.tenantId())) {
                throw notFound(id);
            }
            ObjectNode body = Call.JSON.createObjectNode();
            body.put("@odata.context", call.base() + "/v1.0/$metadata#organization/$entity");
            body.setAll(org);
            call.json(200, body);
            return;
        }
        ObjectNode body = Call.JSON.createObjectNode();
        body.put("@odata.context", call.base() + "/v1.0/$metadata#organization");
        body.putArray("value").add(org);
        call.json(200, body);
    }

    private static ApiError notFound(String id) {
        return new ApiError(
                404,
                "Request_ResourceNotFound",
                "Resource '" + id
                        + "' does not exist or one of its queried reference-property objects are not present.");
    }

    // ------------------------------------------------------------------ users

    private List<String> userSelect(Call call) {
        String select = call.query("$select");
        if (select == null || select.isBlank()) {
            return USER_DEFAULT;
        }
        List<String> out = new ArrayList<>();
        for (String raw : select.split(",")) {
            String f = raw.trim();
            String canonical = null;
            for (String s : USER_SELECTABLE) {
                if (s.equalsIgnoreCase(f)) {
                    canonical = s;
                }
            }
            if (canonical == null) {
                if (USER_NOT_IN_LISTS.stream().anyMatch(f::equalsIgnoreCase) && call.pathParam("id") == null) {
                    throw new ApiError(
                            501,
                            "NotImplemented",
                            "The property '" + f + "' does not support being"
                                    + " returned in a collection; request it for a single user.");
                }
                throw unknownSelected(f, "user");
            }
            out.add(canonical);
        }
        return out;
    }

    ObjectNode user(int u, List<String> fields) {
        ObjectNode o = Call.JSON.createObjectNode();
        for (String f : fields) {
            switch (f) {
                case "businessPhones" -> o.putArray("businessPhones");
                case "displayName" -> o.put(f, Directory.displayName(tenant, u));
                case "givenName" -> o.put(f, Directory.first(tenant, u));
                case "surname" -> o.put(f, Directory.last(tenant, u));
                case "jobTitle" -> o.put(f, Directory.isAdmin(tenant, u) ? "Systems Administrator" : "Analyst");
                case "mail", "userPrincipalName" -> o.put(f, Directory.upn(tenant, u));
                case "mobilePhone", "officeLocation", "employeeId", "onPremisesImmutableId" -> o.putNull(f);
                case "preferredLanguage" -> o.put(f, "en-US");
                case "id" -> o.put(f, Directory.id(tenant, u));
                case "accountEnabled" -> o.put(f, Directory.enabled(tenant, u));
                case "userType" -> o.put(f, "Member");
                case "onPremisesSamAccountName" -> o.put(f, Directory.sam(tenant, u));
                case "onPremisesDomainName" -> o.put(f, "corp.contoso.com");
                case "onPremisesSecurityIdentifier" -> o.put(f, Directory.sid(tenant, u));
                case "onPremisesSyncEnabled" -> o.put(f, true);
                case "onPremisesUserPrincipalName" -> o.put(f, Directory.upn(tenant, u));
                case "createdDateTime" -> o.put(f, Times.seconds(Directory.created(tenant, u)));
                case "department" -> o.put(f, Directory.department(tenant, u));
                case "companyName" -> o.put(f, "Contoso");
                default -> o.putNull(f);
            }
        }
        return o;
    }

    private void users(Call call) {
        List<String> fields = userSelect(call);
        String select = call.query("$select");
        String context =
                call.base() + "/v1.0/$metadata#users" + (select == null ? "" : "(" + String.join(",", fields) + ")");
        List<String> all = List.copyOf(USER_SELECTABLE);
        int[] matched = matching(tenant.userCount(), filter(call, USER_SELECTABLE, "user"), u -> user(u, all));
        // deleted users are gone from the list
        int[] hits = matched == null && !anyDeleted()
                ? null
                : java.util.Arrays.stream(
                                matched != null
                                        ? matched
                                        : java.util.stream.IntStream.range(0, tenant.userCount())
                                                .toArray())
                        .filter(u -> Directory.exists(tenant, u))
                        .toArray();
        page(
                call,
                context,
                hits == null ? tenant.userCount() : hits.length,
                k -> user(hits == null ? k : hits[k], fields));
    }

    private boolean anyDeleted() {
        for (int u = 0; u < tenant.userCount(); u++) {
            if (!Directory.exists(tenant, u)) {
                return true;
            }
        }
        return false;
    }

    private void user(Call call) {
        String id = call.pathParam("id");
        int u = Directory.userIndex(tenant, id);
        if (u < 0) {
            for (int k = 0; k < tenant.userCount() && u < 0; k++) {
                if (Directory.upn(tenant, k).equalsIgnoreCase(id)) {
                    u = k;
                }
            }
        }
        if (u < 0 || !Directory.exists(tenant, u)) {
            throw notFound(id);
        }
        ObjectNode body = Call.JSON.createObjectNode();
        body.put("@odata.context", call.base() + "/v1.0/$metadata#users/$entity");
        body.setAll(user(u, userSelect(call)));
        call.json(200, body);
    }

    // ------------------------------------------------------------------ groups

    /**
     * The properties {@code GET /groups} returns by default on v1.0, in the order Graph writes them; {@code $select}
     * may name any of them.
     */
    private static final List<String> GROUP_DEFAULT = List.of(
            "id",
            "deletedDateTime",
            "classification",
            "createdDateTime",
            "creationOptions",
            "description",
            "displayName",
            "expirationDateTime",
            "groupTypes",
            "isAssignableToRole",
            "mail",
            "mailEnabled",
            "mailNickname",
            "membershipRule",
            "membershipRuleProcessingState",
            "onPremisesDomainName",
            "onPremisesLastSyncDateTime",
            "onPremisesNetBiosName",
            "onPremisesSamAccountName",
            "onPremisesSecurityIdentifier",
            "onPremisesSyncEnabled",
            "preferredDataLocation",
            "preferredLanguage",
            "proxyAddresses",
            "renewedDateTime",
            "resourceBehaviorOptions",
            "resourceProvisioningOptions",
            "securityEnabled",
            "securityIdentifier",
            "theme",
            "visibility",
            "onPremisesProvisioningErrors",
            "serviceProvisioningErrors");

    private static final Set<String> GROUP_PROPERTIES = Set.copyOf(GROUP_DEFAULT);

    ObjectNode group(int g) {
        ObjectNode o = Call.JSON.createObjectNode();
        String id = Directory.groupId(tenant, g);
        String created = Times.seconds(tenant.origin().minus(java.time.Duration.ofDays(100 + g)));
        o.put("id", id);
        o.putNull("deletedDateTime");
        o.putNull("classification");
        o.put("createdDateTime", created);
        o.putArray("creationOptions");
        o.put("description", "Synthetic group " + Directory.groupName(tenant, g));
        o.put("displayName", Directory.groupName(tenant, g));
        o.putNull("expirationDateTime"); // set only for Microsoft 365 groups under an expiration policy
        o.putArray("groupTypes");
        o.putNull("isAssignableToRole");
        o.putNull("mail");
        o.put("mailEnabled", false);
        o.put("mailNickname", Directory.groupName(tenant, g).replace(" ", "").toLowerCase(Locale.ROOT));
        o.putNull("membershipRule");
        o.putNull("membershipRuleProcessingState"); // "On" or "Paused" for dynamic groups only
        o.putNull("onPremisesDomainName");
        o.putNull("onPremisesLastSyncDateTime");
        o.putNull("onPremisesNetBiosName");
        o.putNull("onPremisesSamAccountName");
        o.putNull("onPremisesSecurityIdentifier");
        o.putNull("onPremisesSyncEnabled");
        o.putNull("preferredDataLocation");
        o.putNull("preferredLanguage");
        o.putArray("proxyAddresses");
        o.put("renewedDateTime", created);
        o.putArray("resourceBehaviorOptions");
        o.putArray("resourceProvisioningOptions");
        o.put("securityEnabled", true);
        o.put("securityIdentifier", securityIdentifier(id));
        o.putNull("theme");
        o.put("visibility", "Private");
        o.putArray("onPremisesProvisioningErrors");
        o.putArray("serviceProvisioningErrors");
        return o;
    }

    /**
     * The SID Entra gives a cloud group: {@code S-1-12-1-} and the object id's 16 bytes, in .NET's GUID byte order, as
     * four unsigned 32-bit little-endian numbers.
     */
    public static String securityIdentifier(String guid) {
        String hex = guid.replace("-", "");
        long data1 = Long.parseLong(hex.substring(0, 8), 16);
        long data2 = Long.parseLong(hex.substring(8, 12), 16);
        long data3 = Long.parseLong(hex.substring(12, 16), 16);
        StringBuilder sid =
                new StringBuilder("S-1-12-1-").append(data1).append('-').append(data2 | data3 << 16);
        for (int at = 16; at < 32; at += 8) {
            long le = 0;
            for (int b = 3; b >= 0; b--) {
                le = le << 8 | Long.parseLong(hex.substring(at + 2 * b, at + 2 * b + 2), 16);
            }
            sid.append('-').append(le);
        }
        return sid.toString();
    }

    private List<String> groupSelect(Call call) {
        String select = call.query("$select");
        if (select == null || select.isBlank()) {
            return GROUP_DEFAULT;
        }
        List<String> out = new ArrayList<>();
        for (String raw : select.split(",")) {
            String f = raw.trim();
            String canonical = GROUP_DEFAULT.stream()
                    .filter(f::equalsIgnoreCase)
                    .findFirst()
                    .orElseThrow(() -> unknownSelected(f, "group"));
            out.add(canonical);
        }
        return out;
    }

    private ObjectNode group(int g, List<String> fields) {
        ObjectNode all = group(g);
        if (fields == GROUP_DEFAULT) {
            return all;
        }
        ObjectNode o = Call.JSON.createObjectNode();
        fields.forEach(f -> o.set(f, all.get(f)));
        return o;
    }

    private int requireGroup(Call call) {
        String id = call.pathParam("id");
        for (int g = 0; g < tenant.groupCount(); g++) {
            if (Directory.groupId(tenant, g).equalsIgnoreCase(id)) {
                return g;
            }
        }
        throw notFound(id);
    }

    private void groups(Call call) {
        List<String> fields = groupSelect(call);
        String context = call.base() + "/v1.0/$metadata#groups"
                + (call.query("$select") == null ? "" : "(" + String.join(",", fields) + ")");
        int[] hits = matching(tenant.groupCount(), filter(call, GROUP_PROPERTIES, "group"), this::group);
        page(
                call,
                context,
                hits == null ? tenant.groupCount() : hits.length,
                k -> group(hits == null ? k : hits[k], fields));
    }

    private void group(Call call) {
        int g = requireGroup(call);
        ObjectNode body = Call.JSON.createObjectNode();
        body.put("@odata.context", call.base() + "/v1.0/$metadata#groups/$entity");
        body.setAll(group(g, groupSelect(call)));
        call.json(200, body);
    }

    /** A member is encoded as an int: users as their index, groups as {@code -1 - index}. */
    private void members(Call call, boolean transitive) {
        int g = requireGroup(call);
        LinkedHashSet<Integer> members = new LinkedHashSet<>();
        collect(g, transitive, members, 0);
        List<Integer> list = new ArrayList<>(members);
        List<String> userFields = new ArrayList<>(USER_DEFAULT);
        page(call, call.base() + "/v1.0/$metadata#directoryObjects", list.size(), k -> {
            int m = list.get(k);
            ObjectNode o = Call.JSON.createObjectNode();
            if (m >= 0) {
                o.put("@odata.type", "#microsoft.graph.user");
                o.setAll(user(m, userFields));
            } else {
                o.put("@odata.type", "#microsoft.graph.group");
                o.setAll(group(-1 - m));
            }
            return o;
        });
    }

    private void collect(int g, boolean transitive, Set<Integer> out, int depth) {
        for (int child : Directory.childGroups(tenant, g)) {
            out.add(-1 - child);
            if (transitive && depth < 10) {
                collect(child, true, out, depth + 1);
            }
        }
        int[] range = Directory.userRange(tenant, g);
        for (int u = range[0]; u < range[1]; u++) {
            if (Directory.exists(tenant, u)) {
                out.add(u);
            }
        }
    }

    // ------------------------------------------------------------------ paging

    private void page(Call call, String context, int size, IntFunction<ObjectNode> render) {
        if (call.query("$skip") != null) {
            throw badRequest("'$skip' is not supported by the service.");
        }
        int top = 100;
        String topText = call.query("$top");
        if (topText != null) {
            try {
                top = Integer.parseInt(topText.trim());
            } catch (NumberFormatException e) {
                top = -1;
            }
            if (top < 1 || top > 999) {
                throw badRequest(
                        "Invalid page size specified: '" + topText + "'. Must be between 1 and 999 inclusive.");
            }
        }
        int start = 0;
        String token = call.query("$skiptoken");
        if (token != null) {
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                if (!decoded.startsWith("RFNwdA:")) {
                    throw new IllegalArgumentException();
                }
                start = Integer.parseInt(decoded.substring(7));
            } catch (IllegalArgumentException e) {
                throw badRequest("Invalid $skiptoken value; follow @odata.nextLink as returned.");
            }
        }
        start = Math.max(0, start + (token != null ? call.pagingShift : 0));
        int end = Math.min(size, start + top);
        ObjectNode body = Call.JSON.createObjectNode();
        body.put("@odata.context", context);
        if (end < size) {
            String next = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(("RFNwdA:" + end).getBytes(StandardCharsets.UTF_8));
            body.put("@odata.nextLink", call.linkWith("$skiptoken", next));
        }
        ArrayNode value = body.putArray("value");
        for (int i = start; i < end; i++) {
            value.add(render.apply(i));
        }
        call.json(200, body);
    }

    // ------------------------------------------------------------------ hunting

    private void runHuntingQuery(Call call) {
        HuntingResult result = hunting.run(Hunting.queryFrom(call));
        ObjectNode body = Call.JSON.createObjectNode();
        body.put("@odata.context", call.base() + "/v1.0/$metadata#microsoft.graph.security.huntingQueryResults");
        ArrayNode schema = body.putArray("schema");
        for (HuntingResult.Column c : result.schema()) {
            schema.addObject().put("name", c.name()).put("type", c.type());
        }
        ArrayNode results = body.putArray("results");
        for (JsonNode row : result.rows()) {
            results.add(row);
        }
        call.json(200, body);
    }
}
