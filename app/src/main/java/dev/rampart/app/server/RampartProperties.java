package dev.rampart.app.server;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Deployment settings, under {@code rampart.*} (application properties, or the environment: {@code RAMPART_HOME},
 * {@code RAMPART_DATABASE_URL}, {@code RAMPART_MASTER_KEY}, ...).
 *
 * @param home the data directory: the embedded PostgreSQL and the master key file live here (default ~/.rampart)
 * @param database where the data is: a PostgreSQL JDBC URL, or none for the embedded PostgreSQL
 * @param masterKey the master key (base64 of 32 bytes); none: the key file
 * @param masterKeyPrevious the key being rotated out, while {@code rampart key rotate} re-encrypts
 * @param masterKeyFile the key file, created with mode 0600 on first start (default {@code home/master.key})
 */
@ConfigurationProperties("rampart")
public record RampartProperties(
        Path home,
        @DefaultValue Database database,
        String masterKey,
        String masterKeyPrevious,
        Path masterKeyFile,
        @DefaultValue Connectors connectors,
        @DefaultValue Api api,
        @DefaultValue Metrics metrics,
        @DefaultValue Scheduler scheduler,
        @DefaultValue Runs runs,
        @DefaultValue Oidc oidc,
        @DefaultValue SignIn signIn,
        @DefaultValue Credentials credentials,
        @DefaultValue Outbound outbound,
        @DefaultValue Actions actions,
        @DefaultValue Hunting hunting,
        @DefaultValue Query query,
        @DefaultValue Graph graph,
        String node) {

    /**
     * The entity graph's API (F20).
     *
     * @param maxEntities the entities one answer (neighbours, paths) holds at most
     * @param maxNeighbours the neighbours one relationship adds at one level at most
     */
    public record Graph(@DefaultValue("2000") int maxEntities, @DefaultValue("500") int maxNeighbours) {}

    /**
     * Queries in Rampart's query language (F21, docs/queries.md).
     *
     * @param maxRows the rows an answer holds at most; the answer says {@code truncated} when there were more
     * @param timeoutMillis how long PostgreSQL lets one query run before it stops it (the query's cost cap)
     */
    public record Query(@DefaultValue("10000") int maxRows, @DefaultValue("5000") long timeoutMillis) {}

    /**
     * The hunting console (F19).
     *
     * @param maxRows the rows of an answer Rampart returns and shows (Defender's own limit is 100,000); the answer
     *     says {@code truncated} when Defender sent more
     */
    public record Hunting(@DefaultValue("10000") int maxRows) {}

    /**
     * Response actions (F18).
     *
     * @param pollSeconds how soon after a request Defender is first asked about it (then with back-off, at most every
     *     5 minutes)
     * @param giveUpDays Rampart stops following an action Defender has not ended after this many days
     * @param maxBulkScan how many devices one bulk scan may name
     */
    public record Actions(
            @DefaultValue("5") int pollSeconds,
            @DefaultValue("4") int giveUpDays,
            @DefaultValue("25") int maxBulkScan) {}

    /**
     * Sign-in limits (docs/security.md).
     *
     * @param attemptsPerMinute sign-in attempts one client address may make per minute on one node
     * @param failuresPerAddress failures in a row from one address that lock the account for that address
     * @param failuresPerAccount failures in a row from any addresses that lock the account everywhere
     * @param lockMinutes how long a lock-out lasts (an administrator can lift it sooner)
     */
    public record SignIn(
            @DefaultValue("30") int attemptsPerMinute,
            @DefaultValue("5") int failuresPerAddress,
            @DefaultValue("25") int failuresPerAccount,
            @DefaultValue("15") int lockMinutes) {}

    /**
     * Credential references ({@code env:NAME}, {@code file:PATH}) make the server read its own environment or files,
     * so none are accepted unless listed here, and only server administrators may set them.
     *
     * @param referenceDirectories directories whose files may hold connector secrets (symbolic links are followed and
     *     must stay inside)
     * @param referenceEnvPrefixes prefixes of the environment variables that may hold connector secrets (e.g.
     *     {@code RAMPART_SECRET_})
     */
    public record Credentials(
            @DefaultValue({}) java.util.List<Path> referenceDirectories,
            @DefaultValue({}) java.util.List<String> referenceEnvPrefixes) {}

    /**
     * Where connectors (and anything else that calls out) may connect: public addresses only, unless listed here.
     *
     * @param allowedNetworks networks (CIDR, e.g. {@code 127.0.0.0/8}, {@code 10.20.0.0/16}) that may be called although
     *     they are private, loopback or link-local
     * @param allowMetadata lets the cloud metadata addresses (169.254.169.254 and the like) be called when also in
     *     {@code allowedNetworks}; off by default, and there is hardly ever a reason
     */
    public record Outbound(
            @DefaultValue({}) java.util.List<String> allowedNetworks, @DefaultValue("false") boolean allowMetadata) {}

    /**
     * Single sign-on, active when an OIDC client is configured under {@code spring.security.oauth2.client.*}.
     *
     * @param usernameClaim the claim matched against Rampart user names on a first sign-in
     * @param autoCreate creates a user (no password, no memberships) for an unknown person instead of refusing
     */
    public record Oidc(
            @DefaultValue("preferred_username") String usernameClaim, @DefaultValue("false") boolean autoCreate) {}

    /** @param url a {@code jdbc:postgresql:} URL (user and password in it or as parameters) */
    public record Database(String url) {}

    /**
     * @param allowSandboxUrls lets project admins point connectors at plain-http sandbox URLs (the demo, tests); off in
     *     production: a connector's URL decides where the tenant's credential is sent
     */
    public record Connectors(@DefaultValue("false") boolean allowSandboxUrls) {}

    /** @param maxBodyBytes request bodies over this are refused (413); push imports have their own limit */
    public record Api(@DefaultValue("1048576") long maxBodyBytes, @DefaultValue("536870912") long maxImportBytes) {}

    /** @param publicEndpoint serves /actuator/prometheus without sign-in (for a scraper inside a trusted network) */
    public record Metrics(@DefaultValue("false") boolean publicEndpoint, @DefaultValue("60") int refreshSeconds) {}

    /**
     * @param enabled runs scheduled imports on this node (every node of a cluster may; each tick runs once)
     * @param checkinIntervalMs how often a node tells the cluster it is alive; a node silent for longer is taken for
     *     dead and its running jobs are recovered
     */
    public record Scheduler(
            @DefaultValue("rampart") String cluster,
            @DefaultValue("true") boolean enabled,
            @DefaultValue("15000") long checkinIntervalMs,
            @DefaultValue("60000") long misfireThresholdMs,
            @DefaultValue("2") int threads,
            @DefaultValue("60") int reconcileSeconds) {}

    /** @param threads imports started with "run now" that this node runs at once */
    public record Runs(@DefaultValue("2") int threads) {}

    public Path resolvedHome() {
        if (home != null) {
            return home;
        }
        return Path.of(System.getProperty("user.home"), ".rampart");
    }
}
