package dev.rampart.app.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The Rampart server: {@code rampart serve}. Settings: {@link RampartProperties}; docs: README "Serving". */
@SpringBootApplication(scanBasePackages = "dev.rampart.app")
@EnableConfigurationProperties(RampartProperties.class)
@EnableScheduling
public class RampartServer {
    public static void main(String[] args) {
        start(args);
    }

    public static ConfigurableApplicationContext start(String... args) {
        SpringApplication app = new SpringApplication(RampartServer.class);
        return app.run(args);
    }
}
