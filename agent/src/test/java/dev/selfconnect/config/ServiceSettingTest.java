package dev.selfconnect.config;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The {@code service} setting: three spellings, their precedence, what it accepts, how it reads back. */
class ServiceSettingTest {

    private static final String ACCEPTED = "expected a service name of 1 to 128 letters, digits and . _ - : / @ +"
            + " (default: OTEL_SERVICE_NAME, then service.name in OTEL_RESOURCE_ATTRIBUTES, then the main class or jar)";

    @Test
    void unsetByDefault() throws Exception {
        Settings settings = SettingsLoader.load(null, new Properties(), Map.of());
        assertNull(settings.service());
        assertEquals("mode=log, stack-traces=true, ignore=none", settings.describe());
    }

    @Test
    void eachSpellingAndItsPrecedence() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("selfconnect.service", "from-property");
        Map<String, String> environment = Map.of("SELFCONNECT_SERVICE", "from-environment");

        assertEquals("from-environment", SettingsLoader.load(null, new Properties(), environment).service());
        assertEquals("from-property", SettingsLoader.load(null, properties, environment).service());
        Settings settings = SettingsLoader.load("mode=throw,service=orders-api", properties, environment);
        assertEquals("orders-api", settings.service());
        assertEquals("mode=throw, stack-traces=true, ignore=none, service=orders-api", settings.describe());
        // the startup line's settings read back as agent arguments
        assertEquals(settings, SettingsLoader.load(settings.describe().replace(", ", ","), new Properties(),
                Map.of()));
    }

    @Test
    void aReconfigurationChangesIt() throws Exception {
        Settings before = SettingsLoader.load("service=orders-api", new Properties(), Map.of());
        Settings after = SettingsLoader.over(before, "service=orders-eu:v2/x@y+z");
        assertEquals("orders-eu:v2/x@y+z", after.service());
        assertEquals("service: orders-api -> orders-eu:v2/x@y+z", after.changesFrom(before));
        assertEquals("orders-eu:v2/x@y+z", SettingsLoader.over(after, "mode=log").service());
    }

    @Test
    void aBadValueIsOneLineNamingTheSettingTheValueAndWhatIsAccepted() {
        for (String bad : new String[] {"", "  ", "orders api", "orders\"x", "orders;rm", "x".repeat(129), "ordérs"}) {
            InvalidSettingException e = assertThrows(InvalidSettingException.class,
                    () -> SettingsLoader.load("service=" + bad, new Properties(), Map.of()), bad);
            assertEquals("invalid value '" + bad + "' for selfconnect.service (agent argument service=" + bad.trim()
                    + "): " + ACCEPTED, e.getMessage());
        }
        InvalidSettingException fromEnvironment = assertThrows(InvalidSettingException.class,
                () -> SettingsLoader.load(null, new Properties(), Map.of("SELFCONNECT_SERVICE", "a b")));
        assertEquals("invalid value 'a b' for selfconnect.service (environment variable SELFCONNECT_SERVICE): "
                + ACCEPTED, fromEnvironment.getMessage());
        assertEquals("x".repeat(128), assertDoesNotThrow("x".repeat(128)));
    }

    private static String assertDoesNotThrow(String value) {
        try {
            return SettingsLoader.load("service=" + value, new Properties(), Map.of()).service();
        } catch (InvalidSettingException e) {
            throw new AssertionError(e);
        }
    }
}
