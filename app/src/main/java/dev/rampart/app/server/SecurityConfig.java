package dev.rampart.app.server;

import dev.rampart.app.security.ApiTokens;
import dev.rampart.app.security.Audit;
import dev.rampart.app.security.BearerTokenFilter;
import dev.rampart.app.security.CurrentAccountFilter;
import dev.rampart.app.security.OidcAccounts;
import dev.rampart.app.security.RampartOidcUser;
import dev.rampart.app.security.SignInProvider;
import dev.rampart.app.security.SignInThrottle;
import dev.rampart.app.security.Users;
import dev.rampart.app.web.Problems;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.authentication.builders.AuthenticationManagerBuilder;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;

/**
 * Who gets past the front door. The API ({@code /api/**}) takes a bearer API token or the session of the sign-in form
 * (with a CSRF token for writes); what each endpoint then allows is decided per endpoint by its {@code @Requires}
 * ({@link dev.rampart.app.security.AccessInterceptor}). Health and the OpenAPI document are public; metrics need a
 * server admin unless {@code rampart.metrics.public-endpoint}; everything else is refused.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class SecurityConfig {

    static boolean api(HttpServletRequest r) {
        String uri = r.getRequestURI();
        return uri.startsWith("/api/") || uri.startsWith("/actuator") || uri.startsWith("/v3/");
    }

    /** The Content-Security-Policy of every answer: the pages run only Rampart's own scripts and styles. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Bean
    SignInThrottle signInThrottle(RampartProperties props, java.time.Clock clock) {
        return new SignInThrottle(props.signIn().attemptsPerMinute(), 100_000, clock);
    }

    /** Password sign-in; as a bean it also keeps Boot from creating its default user (and logging its password). */
    @Bean
    SignInProvider signInProvider(Users users, Audit audit, SignInThrottle throttle) {
        return new SignInProvider(users, audit, throttle);
    }

    @Bean
    SecurityFilterChain filterChain(
            HttpSecurity http,
            ApiTokens tokens,
            SignInProvider signIn,
            Audit audit,
            Users users,
            javax.sql.DataSource dataSource,
            RampartProperties props,
            org.springframework.beans.factory.ObjectProvider<
                            org.springframework.security.oauth2.client.registration.ClientRegistrationRepository>
                    oidc)
            throws Exception {
        AuthenticationEntryPoint problem = (request, response, e) -> Problems.write(
                response,
                HttpStatus.UNAUTHORIZED,
                "unauthenticated",
                "Unauthenticated",
                "sign in, or send an API token as 'Authorization: Bearer <token>'");
        LoginUrlAuthenticationEntryPoint login = new LoginUrlAuthenticationEntryPoint("/login");
        // Redirects are relative: an absolute one would be built from the request's Host header.
        login.setFavorRelativeUris(true);
        // The API answers a problem; a page gets the error page (Boot's /error renders templates/error.html).
        AccessDeniedHandler denied = (request, response, e) -> {
            if (api(request)) {
                Problems.write(response, HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "you may not do this");
            } else {
                response.sendError(HttpStatus.FORBIDDEN.value());
            }
        };
        http.authorizeHttpRequests(a -> {
                    // A streamed export (async dispatch) or an error page was authorized on its first dispatch.
                    a.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                            .permitAll();
                    a.requestMatchers(
                                    "/actuator/health",
                                    "/actuator/health/**",
                                    "/v3/api-docs",
                                    "/v3/api-docs/**",
                                    "/v3/api-docs.yaml",
                                    "/error",
                                    "/login",
                                    "/oauth2/authorization/*",
                                    "/login/oauth2/code/*",
                                    "/problems/**")
                            .permitAll();
                    if (props.metrics().publicEndpoint()) {
                        a.requestMatchers("/actuator/prometheus").permitAll();
                    }
                    a.requestMatchers("/actuator/**").hasAuthority("SERVER_ADMIN");
                    a.requestMatchers("/css/**", "/js/**", "/webjars/**").permitAll();
                    a.requestMatchers("/api/**", "/", "/projects/**", "/admin", "/admin/**", "/help/**")
                            .authenticated();
                    a.anyRequest().denyAll();
                })
                .addFilterAfter(new CurrentAccountFilter(users, audit), SecurityContextHolderFilter.class)
                .addFilterBefore(new BearerTokenFilter(tokens, audit), UsernamePasswordAuthenticationFilter.class)
                .authenticationProvider(signIn)
                .formLogin(f -> f.loginPage("/login")
                        .successHandler(new RelativeSuccessRedirect())
                        .failureHandler((request, response, e) -> response.sendRedirect(
                                e instanceof SignInProvider.ThrottledException ? "/login?throttled" : "/login?error"))
                        .permitAll())
                .httpBasic(b -> b.disable())
                // CSRF protects the session cookie; a bearer token, or a request with no session at all, has none to
                // abuse. The sign-in form always needs its token (login CSRF: signing a victim in as the attacker).
                .csrf(c -> c.ignoringRequestMatchers(r -> !"/login".equals(r.getServletPath())
                        && (r.getRequestedSessionId() == null || BearerTokenFilter.hasBearer(r))))
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(CSP))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
                .exceptionHandling(e -> e.authenticationEntryPoint((request, response, ex) ->
                                (api(request) ? problem : login).commence(request, response, ex))
                        .accessDeniedHandler(denied));
        if (oidc.getIfAvailable() != null) {
            // Single sign-on when an OIDC client is configured (spring.security.oauth2.client.registration.*).
            OidcAccounts accounts =
                    new OidcAccounts(dataSource, users, audit, props.oidc().autoCreate());
            http.oauth2Login(o -> o.loginPage("/login")
                    .userInfoEndpoint(u -> u.oidcUserService(
                            RampartOidcUser.service(accounts, props.oidc().usernameClaim()))));
        }
        // One sign-in attempt is one check: without this, a refused password went on to the global manager, which
        // holds the same provider, and every failure counted twice.
        http.getSharedObject(AuthenticationManagerBuilder.class).parentAuthenticationManager(null);
        return http.build();
    }

    /**
     * After a sign-in, back to the page that asked for it, by path: the saved request's full URL was built from the
     * Host header, which the client chooses.
     */
    static final class RelativeSuccessRedirect implements AuthenticationSuccessHandler {
        private final RequestCache cache = new HttpSessionRequestCache();

        @Override
        public void onAuthenticationSuccess(
                HttpServletRequest request,
                HttpServletResponse response,
                org.springframework.security.core.Authentication authentication)
                throws java.io.IOException {
            SavedRequest saved = cache.getRequest(request, response);
            cache.removeRequest(request, response);
            String target = "/";
            if (saved != null) {
                try {
                    java.net.URI u = java.net.URI.create(saved.getRedirectUrl());
                    String path = u.getRawPath();
                    if (path != null && path.startsWith("/") && !path.startsWith("//")) {
                        // without the marker the request cache adds to find the saved request again
                        String query = u.getRawQuery() == null
                                ? ""
                                : u.getRawQuery().replaceAll("(^|&)continue(=[^&]*)?(?=&|$)", "");
                        query = query.startsWith("&") ? query.substring(1) : query;
                        target = path + (query.isEmpty() ? "" : "?" + query);
                    }
                } catch (IllegalArgumentException e) {
                    target = "/";
                }
            }
            response.sendRedirect(target);
        }
    }
}
