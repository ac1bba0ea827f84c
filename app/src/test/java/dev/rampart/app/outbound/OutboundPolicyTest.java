package dev.rampart.app.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The outbound address policy, as a table: each URL with what a server without configuration says about it. */
class OutboundPolicyTest {
    private static final Set<String> HTTPS = Set.of("https");
    private static final Set<String> HTTP_S = Set.of("http", "https");

    /** A URL, and the start of the refusal (null: allowed). */
    record Row(String url, String refusal) {}

    private static final List<Row> STRICT_TABLE = List.of(
            // public hosts and addresses
            new Row("https://api.security.microsoft.com", null),
            new Row("https://defender.example.com/api", null),
            new Row("https://20.190.151.7/", null),
            new Row("https://[2603:1030::5]/", null),
            // cloud metadata, in every spelling
            new Row("https://169.254.169.254/latest/meta-data", "is a cloud metadata address"),
            new Row("https://168.63.129.16/", "is a cloud metadata address"),
            new Row("https://100.100.100.200/", "is a cloud metadata address"),
            new Row("https://[fd00:ec2::254]/", "is a cloud metadata address"),
            new Row("https://[::ffff:169.254.169.254]/", "is a cloud metadata address"),
            new Row("https://[::ffff:a9fe:a9fe]/", "is a cloud metadata address"),
            new Row("https://[64:ff9b::a9fe:a9fe]/", "is a cloud metadata address"),
            new Row("https://[2002:a9fe:a9fe::]/", "is a cloud metadata address"),
            // loopback
            new Row("https://127.0.0.1:5432", "is a loopback address"),
            new Row("https://127.9.9.9/", "is a loopback address"),
            new Row("https://[::1]:6379", "is a loopback address"),
            new Row("https://[::ffff:127.0.0.1]/", "is a loopback address"),
            new Row("https://[::127.0.0.1]/", "is a loopback address"),
            // numeric spellings that resolvers take for 127.0.0.1
            new Row("https://0x7f000001/", "has a host that is neither a name nor a plain address"),
            new Row("https://2130706433/", "has a host that is neither a name nor a plain address"),
            new Row("https://0177.0.0.1/", "has a host that is neither a name nor a plain address"),
            new Row("https://127.1/", "has a host that is neither a name nor a plain address"),
            new Row("https://0x7f.0.0.1/", "has a host that is neither a name nor a plain address"),
            new Row("https://127.000.000.001/", "has a host that is neither a name nor a plain address"),
            // private, shared, link-local, multicast, unspecified, reserved
            new Row("https://10.0.0.1/", "is a private address"),
            new Row("https://172.16.5.4/", "is a private address"),
            new Row("https://192.168.1.1/", "is a private address"),
            new Row("https://100.64.0.1/", "is a private address"),
            new Row("https://[fd12:3456::1]/", "is a private address"),
            new Row("https://169.254.10.10/", "is a link-local address"),
            new Row("https://[fe80::1]/", "is a link-local address"),
            new Row("https://224.0.0.1/", "is a multicast address"),
            new Row("https://[ff02::1]/", "is a multicast address"),
            new Row("https://0.0.0.0/", "is the unspecified address"),
            new Row("https://[::]/", "is the unspecified address"),
            new Row("https://255.255.255.255/", "is a reserved address"),
            new Row("https://198.18.0.1/", "is a reserved address"),
            new Row("https://[2001:db8::1]/", "is a reserved address"),
            // URL shape
            new Row("https://user:pw@defender.example.com/", "must not carry a user name or password"),
            new Row("https://user@defender.example.com/", "must not carry a user name or password"),
            new Row("http://defender.example.com/", "must be an absolute https URL"),
            new Row("file:///etc/passwd", "must be an absolute https URL"),
            new Row("https:///path", "must name a host"),
            new Row("not a url at all", "is not a URL"),
            new Row("https://user:pw@127.1/", "must not carry a user name or password"),
            new Row("https://exa mple.com/", "is not a URL"));

    @Test
    void aServerWithoutConfigurationShouldCallPublicAddressesOnly() {
        List<String> wrong = new ArrayList<>();
        for (Row r : STRICT_TABLE) {
            Optional<String> got = OutboundPolicy.STRICT.refusal(r.url(), HTTPS);
            boolean ok = r.refusal() == null
                    ? got.isEmpty()
                    : got.isPresent() && got.get().startsWith(r.refusal());
            if (!ok) {
                wrong.add(r.url() + ": expected " + (r.refusal() == null ? "allowed" : r.refusal()) + ", got "
                        + got.orElse("allowed"));
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void configuredNetworksShouldOpenPrivateAddressesButNeverTheMetadataOnesUnlessAskedTwice() {
        OutboundPolicy demo = OutboundPolicy.of(List.of("127.0.0.0/8", "::1/128", "169.254.0.0/16"), false);
        assertThat(demo.refusal("http://127.0.0.1:8080", HTTP_S)).isEmpty();
        assertThat(demo.refusal("http://[::1]:8080", HTTP_S)).isEmpty();
        assertThat(demo.refusal("https://169.254.10.10/", HTTPS)).isEmpty();
        assertThat(demo.refusal("http://169.254.169.254/", HTTP_S))
                .contains("is a cloud metadata address, which" + " this server does not call");
        assertThat(demo.refusal("https://10.0.0.1/", HTTPS)).isPresent();
        OutboundPolicy both = OutboundPolicy.of(List.of("169.254.169.254/32"), true);
        assertThat(both.refusal("http://169.254.169.254/", HTTP_S)).isEmpty();
        assertThat(OutboundPolicy.of(List.of(), true).refusal("http://169.254.169.254/", HTTP_S))
                .isPresent();
    }

    @Test
    void aNameShouldBeJudgedByEveryAddressItResolvesTo() {
        // localhost is a name: fine as text, refused when called
        assertThat(OutboundPolicy.STRICT.refusal("https://localhost:8443/", HTTPS))
                .isEmpty();
        assertThatThrownBy(() -> OutboundPolicy.STRICT.check(URI.create("https://localhost:8443/")))
                .isInstanceOf(OutboundRefusedException.class)
                .hasMessage("the host localhost resolves to a loopback address, which this server does not call"
                        + " (rampart.outbound.allowed-networks)");
        OutboundPolicy.of(List.of("127.0.0.0/8", "::1/128"), false).check(URI.create("https://localhost:8443/"));
        // a name that does not resolve is left to fail on its own
        OutboundPolicy.STRICT.check(URI.create("https://no-such-host.invalid/"));
        assertThatThrownBy(() -> OutboundPolicy.STRICT.check(URI.create("https://0x7f000001/")))
                .isInstanceOf(OutboundRefusedException.class);
    }

    @Test
    void aNetworkThatIsNotOneShouldStopTheServerFromStarting() {
        assertThatThrownBy(() -> OutboundPolicy.of(List.of("localhost/8"), false))
                .hasMessageContaining("is not a network");
        assertThatThrownBy(() -> OutboundPolicy.of(List.of("10.0.0.0/33"), false))
                .hasMessageContaining("prefix length");
        assertThat(Network.parse("10.20.0.0/16").contains(java.net.InetAddress.getLoopbackAddress()))
                .isFalse();
    }
}
