package dev.rampart.emulator.junit;

import dev.rampart.emulator.DefenderEmulator;
import java.time.Instant;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one emulator per test class and injects it into test constructors and methods. Configure it with
 * {@link Sandbox} on the class; between tests it clears faults and the request log, so each test starts clean (the
 * clock and manual changes stay: tests that move the clock should use their own class).
 *
 * <pre>{@code
 * @ExtendWith(EmulatorExtension.class)
 * @Sandbox(devices = 200, quotas = "off")
 * class MyClientTest {
 *     @Test void listsMachines(DefenderEmulator emulator) { ... }
 * }
 * }</pre>
 */
public final class EmulatorExtension implements ParameterResolver, BeforeEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(EmulatorExtension.class);

    private static final class Holder implements ExtensionContext.Store.CloseableResource {
        final DefenderEmulator emulator;

        Holder(DefenderEmulator emulator) {
            this.emulator = emulator;
        }

        @Override
        public void close() {
            emulator.close();
        }
    }

    private static DefenderEmulator emulator(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        ExtensionContext classContext = context;
        while (classContext.getParent().isPresent()
                && classContext.getTestMethod().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext
                .getStore(NS)
                .getOrComputeIfAbsent(
                        testClass,
                        c -> {
                            Sandbox s = findSandbox(testClass);
                            DefenderEmulator.Builder b = DefenderEmulator.builder();
                            if (s != null) {
                                b.devices(s.devices())
                                        .seed(s.seed())
                                        .quotas(s.quotas())
                                        .vulnerabilitiesPerDevice(s.vulnerabilitiesPerDevice());
                                if (!s.start().isEmpty()) {
                                    b.start(Instant.parse(s.start()));
                                }
                            } else {
                                b.devices(100).quotas("off");
                            }
                            return new Holder(b.start());
                        },
                        Holder.class)
                .emulator;
    }

    private static Sandbox findSandbox(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            Sandbox s = k.getAnnotation(Sandbox.class);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == DefenderEmulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return emulator(e);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        DefenderEmulator emulator = emulator(context);
        emulator.faults().clear();
        emulator.requests().clear();
    }
}
