package dev.rampart.app.security;

import java.util.ArrayList;
import java.util.List;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** The Spring Security authorities of a principal; only used for the few URL rules outside the API (actuator). */
final class Authorities {
    static final String SERVER_ADMIN = "SERVER_ADMIN";

    private Authorities() {}

    static List<GrantedAuthority> of(RampartPrincipal p) {
        List<GrantedAuthority> a = new ArrayList<>();
        a.add(new SimpleGrantedAuthority("USER"));
        if (p.serverAdmin() && (p.tokenRole() == null || p.tokenRole() == Role.ADMIN)) {
            a.add(new SimpleGrantedAuthority(SERVER_ADMIN));
        }
        return a;
    }
}
