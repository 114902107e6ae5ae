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

        Mode mode = Settings.DEFAULTS.mode();
        boolean stackTraces = Settings.DEFAULTS.stackTraces();
        IgnoreList ignore = Settings.DEFAULTS.ignore();
        Boolean risks = null;
        String auditFile = null;
        for (Map.Entry<SettingName, RawValue> entry : raw.entrySet()) {
            SettingName name = entry.getKey();
            RawValue value = entry.getValue();
            switch (name) {
                case MODE:
                    mode = Mode.parse(value.text);
                    if (mode == null) {
                        throw invalid(name, value, null);
                    }
                    break;
                case STACK_TRACES:
                    stackTraces = parseBoolean(name, value);
                    break;
                case IGNORE:
                    try {
                        ignore = IgnoreList.parse(value.text);
                    } catch (IgnoreList.MalformedEntry e) {
                        throw invalid(name, value, "entry '" + e.getMessage() + "' is malformed");
                    }
                    break;
                case RISKS:
                    risks = parseBoolean(name, value);
                    break;
                case AUDIT_FILE:
                    auditFile = value.text.trim();
                    if (auditFile.isEmpty()) {
                        auditFile = null;
                        break;
                    }
                    String problem = AuditFileCheck.problem(auditFile);
                    if (problem != null) {
                        throw invalid(name, value, problem);
                    }
                    break;
                default:
                    throw new AssertionError(name);
            }
        }
        return new Settings(mode, stackTraces, ignore, risks, auditFile);
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
            raw.put(name, new RawValue(variable.getValue(), origin));
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
            raw.put(name, new RawValue(value, origin));
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
                    raw.put(previous, new RawValue(list.text + "," + piece, list.origin + "," + piece));
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
            raw.put(name, new RawValue(value, origin));
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

    private static final class RawValue {
        final String text;
        final String origin;

        RawValue(String text, String origin) {
            this.text = text;
            this.origin = origin;
        }
    }
}
