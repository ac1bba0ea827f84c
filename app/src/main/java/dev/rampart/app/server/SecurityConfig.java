package dev.rampart.app.server;

import dev.rampart.app.security.ApiTokens;
import dev.rampart.app.security.Audit;
import dev.rampart.app.security.BearerTokenFilter;
import dev.rampart.app.security.OidcAccounts;
import dev.rampart.app.security.RampartOidcUser;
import dev.rampart.app.security.SignInProvider;
import dev.rampart.app.security.Users;
import dev.rampart.app.web.Problems;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;

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

    /** Password sign-in; as a bean it also keeps Boot from creating its default user (and logging its password). */
    @Bean
    SignInProvider signInProvider(Users users, Audit audit) {
        return new SignInProvider(users, audit);
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
        AuthenticationEntryPoint login = new LoginUrlAuthenticationEntryPoint("/login");
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
                    a.requestMatchers("/api/**", "/", "/projects/**", "/admin", "/admin/**")
                            .authenticated();
                    a.anyRequest().denyAll();
                })
                .addFilterBefore(new BearerTokenFilter(tokens, audit), UsernamePasswordAuthenticationFilter.class)
                .authenticationProvider(signIn)
                .formLogin(f -> f.loginPage("/login").permitAll())
                .httpBasic(b -> b.disable())
                // CSRF protects the session cookie; a bearer token, or a request with no session at all, has none to
                // abuse.
                .csrf(c -> c.ignoringRequestMatchers(
                        r -> r.getRequestedSessionId() == null || BearerTokenFilter.hasBearer(r)))
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
        return http.build();
    }
}
