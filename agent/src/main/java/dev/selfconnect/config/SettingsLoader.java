package dev.selfconnect.config;

import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the settings from their three sources. Precedence: agent argument, then system property, then
 * environment variable, then the default. An unknown name under the agent's prefix, or a value a setting does
 * not accept, is an {@link InvalidSettingException} whose message names the setting, the value and what is accepted.
 */
public final class SettingsLoader {

    private SettingsLoader() {
    }

    public static Settings load(String agentArguments, Properties systemProperties, Map<String, String> environment)
            throws InvalidSettingException {
        Map<SettingName, RawValue> raw = new EnumMap<SettingName, RawValue>(SettingName.class);
        readEnvironment(environment, raw);
        readSystemProperties(systemProperties, raw);
        readAgentArguments(agentArguments, raw);

        Parsed parsed = new Parsed();
        for (RawValue winner : raw.values()) {
            for (RawValue value = winner.shadowed; value != null; value = value.shadowed) {
                // A value that a higher source overrides must still be valid: a bad input is never silently dropped.
                parse(value.name, value, new Parsed(), false);
            }
        }
        for (Map.Entry<SettingName, RawValue> entry : raw.entrySet()) {
            parse(entry.getKey(), entry.getValue(), parsed, true);
        }
        return new Settings(parsed.mode, parsed.stackTraces, parsed.ignore, parsed.risks, parsed.auditFile);
    }

    /** The values read so far; starts at the defaults. */
    private static final class Parsed {
        Mode mode = Settings.DEFAULTS.mode();
        boolean stackTraces = Settings.DEFAULTS.stackTraces();
        IgnoreList ignore = Settings.DEFAULTS.ignore();
        Boolean risks;
        String auditFile;
    }

    /**
     * Parses one value into {@code parsed}. Only the winning audit file is checked for writability, because the
     * check creates the file.
     */
    private static void parse(SettingName name, RawValue value, Parsed parsed, boolean winner)
            throws InvalidSettingException {
        switch (name) {
            case MODE:
                parsed.mode = Mode.parse(value.text);
                if (parsed.mode == null) {
                    throw invalid(name, value, null);
                }
                break;
            case STACK_TRACES:
                parsed.stackTraces = parseBoolean(name, value);
                break;
            case IGNORE:
                try {
                    parsed.ignore = IgnoreList.parse(value.text);
                } catch (IgnoreList.MalformedEntry e) {
                    throw invalid(name, value, "entry '" + e.getMessage() + "' is malformed");
                }
                break;
            case RISKS:
                parsed.risks = parseBoolean(name, value);
                break;
            case AUDIT_FILE:
                String auditFile = value.text.trim();
                parsed.auditFile = auditFile.isEmpty() ? null : auditFile;
                if (winner && parsed.auditFile != null) {
                    String problem = AuditFileCheck.problem(auditFile);
                    if (problem != null) {
                        throw invalid(name, value, problem);
                    }
                }
                break;
            default:
                throw new AssertionError(name);
        }
    }

    private static void readEnvironment(Map<String, String> environment, Map<SettingName, RawValue> raw)
            throws InvalidSettingException {
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            String key = variable.getKey();
            if (!key.startsWith(SettingName.ENVIRONMENT_PREFIX)) {
                continue;
            }
            SettingName name = SettingName.byEnvironmentName(key);
            String origin = "environment variable " + key;
            if (name == null) {
                throw unknown(origin, variable.getValue());
            }
            put(raw, name, new RawValue(name, variable.getValue(), origin));
        }
    }

    private static void readSystemProperties(Properties properties, Map<SettingName, RawValue> raw)
            throws InvalidSettingException {
        for (String key : properties.stringPropertyNames()) {
            if (!key.startsWith(SettingName.PROPERTY_PREFIX)) {
                continue;
            }
            String value = properties.getProperty(key);
            SettingName name = SettingName.byKey(key.substring(SettingName.PROPERTY_PREFIX.length()));
            String origin = "system property " + key;
            if (name == null) {
                throw unknown(origin, value);
            }
            put(raw, name, new RawValue(name, value, origin));
        }
    }

    /**
     * Agent arguments are {@code key=value} pairs separated by commas. A piece without '=' continues the list
     * value before it, so {@code ignore=8080,9090} reads as one list, as it does in a system property.
     */
    private static void readAgentArguments(String arguments, Map<SettingName, RawValue> raw)
            throws InvalidSettingException {
        if (arguments == null || arguments.trim().isEmpty()) {
            return;
        }
        SettingName previous = null;
        for (String piece : arguments.split(",", -1)) {
            int equals = piece.indexOf('=');
            if (equals < 0) {
                if (previous == SettingName.IGNORE) {
                    RawValue list = raw.get(previous);
                    RawValue continued = new RawValue(previous, list.text + "," + piece, list.origin + "," + piece);
                    continued.shadowed = list.shadowed;
                    raw.put(previous, continued);
                    continue;
                }
                throw new InvalidSettingException("agent argument '" + piece + "' in '" + arguments
                        + "' is not key=value: expected settings such as mode=throw,stack-traces=false");
            }
            String key = piece.substring(0, equals).trim();
            String value = piece.substring(equals + 1);
            SettingName name = SettingName.byKey(key);
            String origin = "agent argument " + piece.trim();
            if (name == null) {
                throw new InvalidSettingException("unknown setting '" + key + "' (" + origin
                        + "): known settings are " + SettingName.joined(n -> n.key));
            }
            put(raw, name, new RawValue(name, value, origin));
            previous = name;
        }
    }

    private static boolean parseBoolean(SettingName name, RawValue value) throws InvalidSettingException {
        String text = value.text.trim();
        if ("true".equalsIgnoreCase(text)) {
            return true;
        }
        if ("false".equalsIgnoreCase(text)) {
            return false;
        }
        throw invalid(name, value, null);
    }

    private static InvalidSettingException invalid(SettingName name, RawValue value, String detail) {
        return new InvalidSettingException("invalid value '" + value.text + "' for " + name.propertyName()
                + " (" + value.origin + ")" + (detail == null ? "" : ", " + detail)
                + ": expected " + name.accepted);
    }

    private static InvalidSettingException unknown(String origin, String value) {
        return new InvalidSettingException("unknown setting " + origin + "='" + value
                + "': known settings are " + SettingName.joined(SettingName::propertyName)
                + " (as environment variables " + SettingName.joined(SettingName::environmentName) + ")");
    }

    private static void put(Map<SettingName, RawValue> raw, SettingName name, RawValue value) {
        value.shadowed = raw.put(name, value);
    }

    private static final class RawValue {
        final SettingName name;
        final String text;
        final String origin;
        /** The value of a lower-precedence source that this one overrides, if any. */
        RawValue shadowed;

        RawValue(SettingName name, String text, String origin) {
            this.name = name;
            this.text = text;
            this.origin = origin;
        }
    }
}
