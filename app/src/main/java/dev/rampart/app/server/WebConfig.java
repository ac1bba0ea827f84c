package dev.rampart.app.server;

import dev.rampart.app.security.AccessInterceptor;
import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Caller;
import dev.rampart.app.security.Users;
import dev.rampart.app.web.BodyLimitFilter;
import dev.rampart.app.web.InputFilter;
import dev.rampart.app.web.JsonStrings;
import dev.rampart.app.web.KnownParameters;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The permission check on every handler, the {@link Caller} argument, the body size limit and the static files. */
@Configuration(proxyBeanMethods = false)
public class WebConfig implements WebMvcConfigurer {
    private final AccessInterceptor access;

    public WebConfig(DataSource dataSource, Users users, Audit audit) {
        this.access = new AccessInterceptor(dataSource, users, audit);
    }

    /**
     * The web UI's own files and the WebJars (htmx), addressed without their version through the WebJars locator. Only
     * these paths are static, so links to pages never reach the resource chain.
     */
    @Override
    public void addResourceHandlers(
            org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/css/**").addResourceLocations("classpath:/static/css/");
        registry.addResourceHandler("/js/**").addResourceLocations("classpath:/static/js/");
        registry.addResourceHandler("/webjars/**")
                .addResourceLocations("classpath:/META-INF/resources/webjars/")
                .resourceChain(true)
                .addResolver(new org.springframework.web.servlet.resource.LiteWebJarsResourceResolver());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(access).addPathPatterns("/**");
        registry.addInterceptor(new KnownParameters()).addPathPatterns("/api/**");
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == Caller.class;
            }

            @Override
            public Object resolveArgument(
                    MethodParameter parameter,
                    ModelAndViewContainer mav,
                    NativeWebRequest request,
                    WebDataBinderFactory binderFactory) {
                Object caller = request.getAttribute(AccessInterceptor.CALLER, RequestAttributes.SCOPE_REQUEST);
                if (caller == null) {
                    throw new IllegalStateException(
                            "no caller: the endpoint is public or the access check did not" + " run");
                }
                return caller;
            }
        });
    }

    /** Control characters and over-long values are refused before anything reads them (and before sign-in). */
    @Bean
    FilterRegistrationBean<InputFilter> inputFilter() {
        FilterRegistrationBean<InputFilter> r = new FilterRegistrationBean<>(new InputFilter());
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        r.addUrlPatterns("/*");
        return r;
    }

    /** API request bodies: strings with NUL or other control characters are the field's error. */
    @Bean
    tools.jackson.databind.JacksonModule rampartStrings() {
        return JsonStrings.module();
    }

    /** Tomcat's own error reports (requests refused before Rampart sees them) as problems, not Tomcat's HTML. */
    @Bean
    org.springframework.boot.web.server.WebServerFactoryCustomizer<
                    org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory>
            containerErrors() {
        return factory -> factory.addContextCustomizers(context -> context.addLifecycleListener(event -> {
            if (!org.apache.catalina.Lifecycle.BEFORE_START_EVENT.equals(event.getType())
                    || !(context.getParent() instanceof org.apache.catalina.Host host)) {
                return;
            }
            for (org.apache.catalina.Valve v : host.getPipeline().getValves()) {
                if (v instanceof org.apache.catalina.valves.ErrorReportValve && !(v instanceof ContainerErrorValve)) {
                    host.getPipeline().removeValve(v);
                }
            }
            if (java.util.Arrays.stream(host.getPipeline().getValves())
                    .noneMatch(v -> v instanceof ContainerErrorValve)) {
                host.getPipeline().addValve(new ContainerErrorValve());
            }
            if (host instanceof org.apache.catalina.core.StandardHost sh) {
                sh.setErrorReportValveClass(ContainerErrorValve.class.getName());
            }
        }));
    }

    @Bean
    FilterRegistrationBean<BodyLimitFilter> bodyLimit(RampartProperties p) {
        FilterRegistrationBean<BodyLimitFilter> r = new FilterRegistrationBean<>(
                new BodyLimitFilter(p.api().maxBodyBytes(), p.api().maxImportBytes()));
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        r.addUrlPatterns("/*");
        return r;
    }
}
