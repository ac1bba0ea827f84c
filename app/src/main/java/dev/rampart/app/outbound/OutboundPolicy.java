package dev.rampart.app.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which addresses the server may call. Public addresses, yes; loopback, private (RFC 1918, carrier-grade NAT, IPv6
 * unique-local), link-local, multicast, unspecified and reserved ones only when a configured network
 * ({@code rampart.outbound.allowed-networks}) holds them; cloud metadata addresses (169.254.169.254 and its
 * siblings) never, unless {@code rampart.outbound.allow-metadata} and a configured network both say so. IPv6 forms
 * that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address.
 *
 * <p>A URL is checked twice: {@link #refusal} by its text when it is entered (scheme, no user name or password, a host
 * that is a name or a plain address: {@code 0x7f000001}, {@code 2130706433}, {@code 0177.0.0.1} and {@code 127.1} are
 * refused as spellings), and {@link #check} before every call, after resolving the name, so that a name that points
 * at an internal address is caught too. The JDK caches name lookups (30 s by default), so the connection that follows
 * the check uses the address that was checked.
 */
public final class OutboundPolicy {
    /** Public addresses only: what a server without configuration allows. */
    public static final OutboundPolicy STRICT = new OutboundPolicy(List.of(), false);

    private static final Pattern HOST_NAME =
            Pattern.compile("(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?");
    /** Addresses that hand out cloud credentials or control the host: AWS, Azure, GCP, Alibaba, Oracle, ECS. */
    private static final Set<String> METADATA = Set.of(
            "169.254.169.254",
            "169.254.169.253",
            "169.254.170.2",
            "169.254.170.23",
            "168.63.129.16",
            "100.100.100.200",
            "192.0.0.192",
            "fd00:ec2:0:0:0:0:0:254");

    private final List<Network> allowed;
    private final boolean allowMetadata;

    private OutboundPolicy(List<Network> allowed, boolean allowMetadata) {
        this.allowed = List.copyOf(allowed);
        this.allowMetadata = allowMetadata;
    }

    /** The policy of a server's configuration; a network that is not one is a startup error. */
    public static OutboundPolicy of(List<String> allowedNetworks, boolean allowMetadata) {
        return new OutboundPolicy(
                allowedNetworks.stream()
                        .filter(s -> !s.isBlank())
                        .map(Network::parse)
                        .toList(),
                allowMetadata);
    }

    /**
     * Why this URL may not be called, judged by its text alone (no name is resolved); empty when it may be, subject to
     * {@link #check} at call time.
     */
    public Optional<String> refusal(String url, Set<String> schemes) {
        URI u;
        try {
            u = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return Optional.of("is not a URL");
        }
        if (u.getScheme() == null || !schemes.contains(u.getScheme().toLowerCase(Locale.ROOT))) {
            return Optional.of("must be an absolute "
                    + String.join(" or ", schemes.stream().sorted().toList()) + " URL");
        }
        String authority = u.getRawAuthority();
        if (u.getRawUserInfo() != null || (authority != null && authority.contains("@"))) {
            return Optional.of("must not carry a user name or password");
        }
        String host = u.getHost();
        if (host == null && authority != null) {
            // java.net.URI leaves the host out when it is not a valid name (127.1): judge what was written
            host = authority.replaceFirst(":[0-9]*$", "");
        }
        if (host == null || host.isEmpty()) {
            return Optional.of("must name a host");
        }
        return hostRefusal(host.toLowerCase(Locale.ROOT));
    }

    private Optional<String> hostRefusal(String host) {
        InetAddress literal = Network.literal(host);
        if (literal != null) {
            return Optional.ofNullable(refusal(literal)).map(r -> "is " + r + ", which this server does not call");
        }
        if (host.startsWith("[") || !HOST_NAME.matcher(host).matches()) {
            return Optional.of("has a host that is neither a name nor a plain address (write an IPv4 address as four"
                    + " decimal numbers, an IPv6 address in brackets)");
        }
        return Optional.empty();
    }

    /**
     * Checks a URL just before it is called: its host's spelling, then every address the host resolves to. A name
     * that does not resolve passes (the call fails on its own, as any unreachable host does).
     *
     * @throws OutboundRefusedException when an address is not allowed
     */
    public void check(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        Optional<String> spelling = hostRefusal(host);
        if (spelling.isPresent()) {
            throw new OutboundRefusedException("the address " + host + " " + spelling.get());
        }
        if (Network.literal(host) != null) {
            return;
        }
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return;
        }
        for (InetAddress a : all) {
            String why = refusal(a);
            if (why != null) {
                throw new OutboundRefusedException("the host " + host + " resolves to " + why
                        + ", which this server does not call" + " (rampart.outbound.allowed-networks)");
            }
        }
    }

    /** Why this address may not be called ("a loopback address", ...), or null when it may. */
    String refusal(InetAddress a) {
        String kind = kind(a);
        if (kind == null) {
            return null;
        }
        boolean listed = allowed.stream().anyMatch(n -> n.contains(a));
        if (kind.equals(METADATA_KIND)) {
            return allowMetadata && listed ? null : kind;
        }
        return listed ? null : kind;
    }

    static final String METADATA_KIND = "a cloud metadata address";

    /** What kind of special address this is, or null for an ordinary public one. */
    static String kind(InetAddress a) {
        if (a instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            if (METADATA.contains(v6.getHostAddress().replaceAll("%.*", ""))) {
                return METADATA_KIND;
            }
            Inet4Address embedded = embeddedV4(b);
            if (embedded != null) {
                return kind(embedded);
            }
            int b0 = b[0] & 0xff;
            int b1 = b[1] & 0xff;
            if (a.isLoopbackAddress()) {
                return "a loopback address";
            }
            if (a.isAnyLocalAddress()) {
                return "the unspecified address";
            }
            if (a.isLinkLocalAddress()) {
                return "a link-local address";
            }
            if (a.isMulticastAddress()) {
                return "a multicast address";
            }
            if (a.isSiteLocalAddress() || (b0 & 0xfe) == 0xfc) {
                return "a private address";
            }
            if ((b0 == 0x20 && b1 == 0x01 && b[2] == 0 && b[3] == 0) // Teredo
                    || (b0 == 0x20 && b1 == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) // documentation
                    || (b0 == 0x01 && b1 == 0 && allZero(b, 2, 8)) // discard-only 100::/64
                    || allZero(b, 0, 10)) { // the rest of ::/80 (IPv4-compatible was handled above)
                return "a reserved address";
            }
            return null;
        }
        byte[] b = a.getAddress();
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        int b2 = b[2] & 0xff;
        if (METADATA.contains(a.getHostAddress())) {
            return METADATA_KIND;
        }
        if (b0 == 127) {
            return "a loopback address";
        }
        if (b0 == 0) {
            return "the unspecified address";
        }
        if (b0 == 10 || (b0 == 172 && b1 >= 16 && b1 <= 31) || (b0 == 192 && b1 == 168)) {
            return "a private address";
        }
        if (b0 == 100 && b1 >= 64 && b1 <= 127) {
            return "a private address"; // carrier-grade NAT, RFC 6598
        }
        if (b0 == 169 && b1 == 254) {
            return "a link-local address";
        }
        if (b0 >= 224 && b0 <= 239) {
            return "a multicast address";
        }
        if (b0 >= 240
                || (b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2))
                || (b0 == 198 && (b1 == 18 || b1 == 19))
                || (b0 == 198 && b1 == 51 && b2 == 100)
                || (b0 == 203 && b1 == 0 && b2 == 113)) {
            return "a reserved address";
        }
        return null;
    }

    /** The IPv4 address an IPv6 one carries: mapped, compatible, NAT64 (64:ff9b::/96) or 6to4 (2002::/16). */
    private static Inet4Address embeddedV4(byte[] b) {
        int at = -1;
        if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            at = 12; // ::ffff:a.b.c.d
        } else if (allZero(b, 0, 12) && !allZero(b, 12, 15)) {
            at = 12; // ::a.b.c.d, but not :: or ::1
        } else if ((b[0] & 0xff) == 0
                && (b[1] & 0xff) == 0x64
                && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x9b
                && allZero(b, 4, 12)) {
            at = 12; // NAT64
        } else if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            at = 2; // 6to4
        }
        if (at < 0) {
            return null;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {b[at], b[at + 1], b[at + 2], b[at + 3]});
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
