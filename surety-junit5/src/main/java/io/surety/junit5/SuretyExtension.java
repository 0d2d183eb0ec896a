package io.surety.junit5;

import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContextException;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The JUnit 5 extension behind {@link SuretyTest}; usable alone as
 * {@code @ExtendWith(SuretyExtension.class)}, with {@link SuretyTest}'s defaults (one broker per
 * class, no topics).
 *
 * <p>Implementation notes: the running broker is kept in the extension context's store, the class's
 * for {@link SuretyTest.Lifecycle#PER_CLASS} and the method's for
 * {@link SuretyTest.Lifecycle#PER_METHOD}; JUnit closes it when that context ends, after a failure
 * too. A method's store sees its class's, so one lookup serves both lifecycles.
 */
public final class SuretyExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SuretyExtension.class);
    private static final String FIXTURE = "fixture";

    /** Where {@link SuretyTest}'s defaults are read from when a class only names the extension. */
    @SuretyTest
    private static final class Defaults {
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        SuretyTest settings = settings(context);
        if (settings.lifecycle() == SuretyTest.Lifecycle.PER_CLASS) {
            context.getStore(NAMESPACE).put(FIXTURE, SuretyFixture.start(settings));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (settings(context).lifecycle() == SuretyTest.Lifecycle.PER_METHOD) {
            context.getStore(NAMESPACE).put(FIXTURE, SuretyFixture.start(settings(context)));
        }
        SuretyFixture fixture = fixture(context);
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            inject(instance, fixture);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        SuretyTest settings = settings(context);
        if (settings.lifecycle() == SuretyTest.Lifecycle.PER_CLASS && settings.wipeAfterEach()) {
            fixture(context).wipe();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Parameter parameter = parameterContext.getParameter();
        return supported(parameter.getType(), parameterContext.isAnnotated(BootstrapServers.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Parameter parameter = parameterContext.getParameter();
        SuretyFixture fixture = running(extensionContext).orElseThrow(() -> new ParameterResolutionException(
                "No Surety broker is running yet for " + parameter + " (with lifecycle PER_METHOD the broker"
                        + " starts after the test instance is made: use a field or a test method parameter)"));
        return resolve(parameter.getType(), fixture, parameter.toString());
    }

    private static void inject(Object instance, SuretyFixture fixture) throws IllegalAccessException {
        for (Field field : ReflectionSupport.findFields(instance.getClass(), SuretyExtension::injectable,
                HierarchyTraversalMode.TOP_DOWN)) {
            field.setAccessible(true);
            field.set(instance, resolve(field.getType(), fixture, field.toString()));
        }
    }

    private static boolean injectable(Field field) {
        int modifiers = field.getModifiers();
        return !Modifier.isStatic(modifiers) && !Modifier.isFinal(modifiers)
                && supported(field.getType(), field.isAnnotationPresent(BootstrapServers.class));
    }

    private static boolean supported(Class<?> type, boolean bootstrapServers) {
        return type == SuretyBroker.class || type == SuretyCluster.class || type == Admin.class
                || (type == String.class && bootstrapServers);
    }

    private static Object resolve(Class<?> type, SuretyFixture fixture, String target) {
        if (type == String.class) {
            return fixture.bootstrapServers();
        }
        if (type == Admin.class) {
            return fixture.admin();
        }
        if (type == SuretyBroker.class) {
            return fixture.broker().orElseThrow(() -> new ParameterResolutionException(target
                    + ": this test runs a cluster (@SuretyTest(nodes > 1)); ask for a SuretyCluster"));
        }
        return fixture.cluster().orElseThrow(() -> new ParameterResolutionException(target
                + ": this test runs one broker (@SuretyTest(nodes = 1)); ask for a SuretyBroker"));
    }

    private static SuretyFixture fixture(ExtensionContext context) {
        return running(context).orElseThrow(() -> new ExtensionContextException(
                "No Surety broker is running for " + context.getDisplayName()));
    }

    private static Optional<SuretyFixture> running(ExtensionContext context) {
        return Optional.ofNullable(context.getStore(NAMESPACE).get(FIXTURE, SuretyFixture.class));
    }

    private static SuretyTest settings(ExtensionContext context) {
        return AnnotationSupport.findAnnotation(context.getRequiredTestClass(), SuretyTest.class)
                .orElseGet(() -> Defaults.class.getAnnotation(SuretyTest.class));
    }
}
