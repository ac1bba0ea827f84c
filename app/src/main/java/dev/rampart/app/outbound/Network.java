package dev.rampart.app.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** A network in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}) or one address; written as numbers only. */
record Network(byte[] prefix, int bits) {
    static final Pattern DOTTED_QUAD = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}");

    static Network parse(String cidr) {
        String s = cidr.trim();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        InetAddress a = literal(address);
        if (a == null) {
            throw new IllegalArgumentException(
                    "'" + cidr + "' is not a network: write it as a.b.c.d/n or an IPv6" + " address with /n");
        }
        int max = a.getAddress().length * 8;
        int bits;
        try {
            bits = slash < 0 ? max : Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (bits < 0 || bits > max) {
            throw new IllegalArgumentException("'" + cidr + "' has a prefix length outside 0 to " + max);
        }
        return new Network(a.getAddress(), bits);
    }

    /** The address written as a plain IPv4 dotted quad or an IPv6 literal, or null: never a name lookup. */
    static InetAddress literal(String s) {
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        boolean v6 = t.contains(":") && t.matches("[0-9A-Fa-f:.]+");
        if (!v6 && !DOTTED_QUAD.matcher(t).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(t); // a literal: parsed, not resolved
        } catch (UnknownHostException e) {
            return null;
        }
    }

    boolean contains(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != prefix.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (b[full] & mask) == (prefix[full] & mask);
    }
}
