package dev.selfconnect.config;

import dev.selfconnect.vocabulary.PlainText;

import java.nio.file.Paths;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the settings from their three sources. Precedence: agent argument, then system property, then
 * environment variable, then the default. An unknown name under the agent's prefix, or a value a setting does
 * not accept, is an {@link InvalidSettingException} whose message names the setting, the value and what is accepted.
 * The settings part of the startup line ({@link Settings#describe()}) reads back as agent arguments.
 */
public final class SettingsLoader {

    private static final String AGENT_ARGUMENT = "agent argument ";

    private SettingsLoader() {
    }

    public static Settings load(String agentArguments, Properties systemProperties, Map<String, String> environment)
            throws InvalidSettingException {
        Map<SettingName, RawValue> raw = new EnumMap<SettingName, RawValue>(SettingName.class);
        readEnvironment(environment, raw);
        readSystemProperties(systemProperties, raw);
        readAgentArguments(agentArguments, raw);

        for (RawValue winner : raw.values()) {
            for (RawValue value = winner.shadowed; value != null; value = value.shadowed) {
                // A value that a higher source overrides must still be valid: a bad input is never silently dropped.
                parse(value.name, value, new Parsed(Settings.DEFAULTS), false);
            }
        }
        return apply(raw, new Parsed(Settings.DEFAULTS));
    }

    /**
     * The settings {@code current} would become if only the settings named in {@code agentArguments} changed, as
     * for an attach to a JVM where the agent already runs. Checked as {@link #load} checks agent arguments; system
     * properties and environment variables are not read. Blank arguments change nothing.
     */
    public static Settings over(Settings current, String agentArguments) throws InvalidSettingException {
        Map<SettingName, RawValue> raw = new EnumMap<SettingName, RawValue>(SettingName.class);
        readAgentArguments(agentArguments, raw);
        return apply(raw, new Parsed(current));
    }

    private static Settings apply(Map<SettingName, RawValue> raw, Parsed parsed) throws InvalidSettingException {
        for (Map.Entry<SettingName, RawValue> entry : raw.entrySet()) {
            parse(entry.getKey(), entry.getValue(), parsed, true);
        }
        RawValue auditFile = raw.get(SettingName.AUDIT_FILE);
        if (auditFile != null && parsed.auditFile != null && parsed.mode != Mode.OFF) {
            checkAuditFile(auditFile, parsed);
        }
        Settings settings = new Settings(parsed.mode, parsed.stackTraces, parsed.ignore, parsed.risks,
                parsed.auditFile, parsed.reportInterval, parsed.service);
        return parsed.unusableAuditFile == null ? settings : settings.withUnusableAuditFile(parsed.unusableAuditFile);
    }

    /** The values read so far; starts at the settings the sources change. */
    private static final class Parsed {
        Mode mode;
        boolean stackTraces;
        IgnoreList ignore;
        Boolean risks;
        String auditFile;
        int reportInterval;
        String service;
        String unusableAuditFile;

        Parsed(Settings start) {
            service = start.service();
            reportInterval = start.reportInterval();
            mode = start.mode();
            stackTraces = start.stackTraces();
            ignore = start.ignore();
            risks = start.explicitRisks();
            auditFile = start.auditFile();
            unusableAuditFile = start.unusableAuditFile();
        }
    }

    /**
     * Parses one value into {@code parsed}. Only the winning audit file is checked for writability, because the
     * check creates the file, and only after every setting is read ({@link #checkAuditFile}). An audit file that is a sound setting, but whose path holds something the agent must
     * not write (another user may have planted it), does not stop the JVM: the settings say why it is not used.
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
                    throw invalid(name, value, e.getMessage());
                }
                break;
            case RISKS:
                parsed.risks = parseBoolean(name, value);
                break;
            case AUDIT_FILE:
                String auditFile = value.text.trim();
                parsed.auditFile = auditFile.isEmpty() ? null : auditFile;
                parsed.unusableAuditFile = null;
                if (winner && parsed.auditFile != null) {
                    try {
                        // shown absolute, it says which file whatever the reader's working directory
                        parsed.auditFile = Paths.get(auditFile).toAbsolutePath().normalize().toString();
                    } catch (RuntimeException notAPath) {
                        throw invalid(name, value, "it is not a valid path (" + notAPath.getMessage() + ")");
                    }
                }
                break;
            case REPORT_INTERVAL:
                parsed.reportInterval = parseSeconds(name, value);
                break;
            case SERVICE:
                parsed.service = parseService(name, value);
                break;
            default:
                throw new AssertionError(name);
        }
    }

    /**
     * Whether the winning audit file can be written, which creates it: only once the mode is known, since the agent
     * switched off writes nothing.
     */
    private static void checkAuditFile(RawValue value, Parsed parsed) throws InvalidSettingException {
        AuditFileCheck.Problem problem = AuditFileCheck.check(parsed.auditFile);
        if (problem != null && !problem.foundAtPath) {
            throw invalid(SettingName.AUDIT_FILE, value, problem.reason);
        }
        parsed.unusableAuditFile = problem == null ? null : problem.reason;
    }

    private static int parseSeconds(SettingName name, RawValue value) throws InvalidSettingException {
        String text = value.text.trim();
        if (text.isEmpty() || text.length() > 5) {
            throw invalid(name, value, null);
        }
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                throw invalid(name, value, null);
            }
        }
        int seconds = Integer.parseInt(text);
        if (seconds > Settings.MAX_REPORT_INTERVAL) {
            throw invalid(name, value, null);
        }
        return seconds;
    }

    /** Plain characters only: the name appears unquoted in the startup line, the summary and metric labels. */
    private static String parseService(SettingName name, RawValue value) throws InvalidSettingException {
        String text = value.text.trim();
        if (text.isEmpty() || text.length() > Settings.MAX_SERVICE_LENGTH) {
            throw invalid(name, value, null);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c < 0x80 && Character.isLetterOrDigit(c) || ".-_:/@+".indexOf(c) >= 0)) {
                throw invalid(name, value, null);
            }
        }
        return text;
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
     * Agent arguments are {@code key=value} pairs separated by commas, with or without spaces after them. A piece
     * without '=' continues the list value before it, so {@code ignore=8080,9090} reads as one list, as it does in
     * a system property. A comma at the end is allowed; a setting given twice is an error. The pieces of a list are
     * gathered in one buffer, so a long list costs time in proportion to its length.
     */
    private static void readAgentArguments(String arguments, Map<SettingName, RawValue> raw)
            throws InvalidSettingException {
        if (arguments == null || arguments.trim().isEmpty()) {
            return;
        }
        ContinuedList list = null;
        String[] pieces = arguments.split(",", -1);
        for (int i = 0; i < pieces.length; i++) {
            String piece = pieces[i];
            if (i == pieces.length - 1 && i > 0 && piece.trim().isEmpty()) {
                break;
            }
            int equals = piece.indexOf('=');
            if (equals < 0) {
                if (list != null) {
                    list.add(piece);
                    continue;
                }
                throw new InvalidSettingException("agent argument '" + PlainText.value(piece) + "' in '"
                        + PlainText.value(arguments) + "' is not key=value: expected settings such as"
                        + " mode=throw,stack-traces=false");
            }
            if (list != null) {
                list.finish(raw);
                list = null;
            }
            String key = piece.substring(0, equals).trim();
            String value = piece.substring(equals + 1);
            SettingName name = SettingName.byKey(key);
            String origin = AGENT_ARGUMENT + piece.trim();
            if (name == null) {
                throw new InvalidSettingException("unknown setting '" + PlainText.value(key) + "' ("
                        + PlainText.value(origin) + "): known settings are " + SettingName.joined(n -> n.key));
            }
            RawValue earlier = raw.get(name);
            if (earlier != null && earlier.origin.startsWith(AGENT_ARGUMENT)) {
                throw new InvalidSettingException("setting " + name.key + " is given twice in the agent arguments ("
                        + PlainText.value(earlier.origin.substring(AGENT_ARGUMENT.length())) + " and "
                        + PlainText.value(piece.trim()) + "): give it once");
            }
            put(raw, name, new RawValue(name, value, origin));
            if (name == SettingName.IGNORE) {
                list = new ContinuedList(name, value, origin);
            }
        }
        if (list != null) {
            list.finish(raw);
        }
    }

    /** A list value whose pieces the agent arguments' commas split apart, gathered again. */
    private static final class ContinuedList {
        private final SettingName name;
        private final StringBuilder text;
        private final StringBuilder origin;
        private boolean continued;

        ContinuedList(SettingName name, String text, String origin) {
            this.name = name;
            this.text = new StringBuilder(text);
            this.origin = new StringBuilder(origin);
        }

        void add(String piece) {
            text.append(',').append(piece);
            origin.append(',').append(piece);
            continued = true;
        }

        /** Replaces the first piece's value by the whole list, keeping what it overrides. */
        void finish(Map<SettingName, RawValue> raw) {
            if (!continued) {
                return;
            }
            RawValue first = raw.get(name);
            RawValue whole = new RawValue(name, text.toString(), origin.toString());
            whole.shadowed = first.shadowed;
            raw.put(name, whole);
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
        return new InvalidSettingException("invalid value '" + PlainText.value(value.text) + "' for "
                + name.propertyName() + " (" + PlainText.value(value.origin) + ")"
                + (detail == null ? "" : ", " + PlainText.value(detail)) + ": expected " + name.accepted);
    }

    private static InvalidSettingException unknown(String origin, String value) {
        return new InvalidSettingException("unknown setting " + PlainText.value(origin) + "='"
                + PlainText.value(value) + "': known settings are " + SettingName.joined(SettingName::propertyName)
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
