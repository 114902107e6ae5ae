package dev.selfconnect.config;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsLoaderTest {

    private static final String DEFAULT_DESCRIPTION = "mode=log, stack-traces=true, ignore=none";
    /** Error messages list every known setting, in each spelling (other settings may follow these three). */
    private static final String KNOWN_PROPERTIES = spellings(SettingName::propertyName);
    private static final String KNOWN_VARIABLES = spellings(SettingName::environmentName);
    private static final String KNOWN_KEYS = spellings(name -> name.key);
    private static final String KNOWN_SETTINGS = "known settings are " + KNOWN_PROPERTIES
            + " (as environment variables " + KNOWN_VARIABLES + ")";
    private static final String IGNORE_ACCEPTED = "a comma-separated list of PORT, LOW-HIGH, IP:PORT, [IPv6]:PORT"
            + " or localhost:PORT, ports 1-65535, or @FILE to read the list from a file";
    private static final String NOT_KEY_VALUE = "is not key=value: expected settings such as"
            + " mode=throw,stack-traces=false";

    /** The three places a setting can come from, each spelling the setting its own way. */
    enum Source {
        AGENT_ARGUMENT {
            @Override
            Settings load(String key, String value) throws InvalidSettingException {
                return SettingsLoader.load(key + "=" + value, new Properties(), Map.of());
            }

            @Override
            String origin(String key, String value) {
                return "agent argument " + key + "=" + value;
            }
        },
        SYSTEM_PROPERTY {
            @Override
            Settings load(String key, String value) throws InvalidSettingException {
                return SettingsLoader.load(null, properties("selfconnect." + key, value), Map.of());
            }

            @Override
            String origin(String key, String value) {
                return "system property selfconnect." + key;
            }
        },
        ENVIRONMENT_VARIABLE {
            @Override
            Settings load(String key, String value) throws InvalidSettingException {
                return SettingsLoader.load(null, new Properties(), Map.of(variable(key), value));
            }

            @Override
            String origin(String key, String value) {
                return "environment variable " + variable(key);
            }
        };

        abstract Settings load(String key, String value) throws InvalidSettingException;

        abstract String origin(String key, String value);

        String error(String key, String value) {
            return assertThrows(InvalidSettingException.class, () -> load(key, value)).getMessage();
        }

        static String variable(String key) {
            return "SELFCONNECT_" + key.replace('-', '_').toUpperCase(Locale.ROOT);
        }
    }

    @Test
    void nothingSetGivesTheDefaults() throws Exception {
        Settings settings = SettingsLoader.load(null, new Properties(), Map.of());

        assertEquals(Mode.LOG, settings.mode());
        assertTrue(settings.stackTraces());
        assertTrue(settings.ignore().isEmpty());
        assertEquals(DEFAULT_DESCRIPTION, settings.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "  \t "})
    void blankAgentArgumentsGiveTheDefaults(String arguments) throws Exception {
        assertEquals(DEFAULT_DESCRIPTION, SettingsLoader.load(arguments, new Properties(), Map.of()).describe());
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void modeIsReadFromEachSource(Source source) throws Exception {
        assertEquals(Mode.THROW, source.load("mode", "throw").mode());
        assertEquals(Mode.OFF, source.load("mode", "off").mode());
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void stackTracesIsReadFromEachSource(Source source) throws Exception {
        assertFalse(source.load("stack-traces", "false").stackTraces());
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void ignoreIsReadFromEachSource(Source source) throws Exception {
        Settings settings = source.load("ignore", "40000");

        assertTrue(settings.ignore().matches(InetAddress.getLoopbackAddress(), 40000));
        assertEquals("mode=log, stack-traces=true, ignore=40000", settings.describe());
    }

    @Test
    void agentArgumentWinsOverSystemPropertyAndEnvironmentVariable() throws Exception {
        Settings settings = SettingsLoader.load("mode=throw",
                properties("selfconnect.mode", "off"), Map.of("SELFCONNECT_MODE", "log"));

        assertEquals(Mode.THROW, settings.mode());
    }

    @Test
    void systemPropertyWinsOverEnvironmentVariable() throws Exception {
        Settings settings = SettingsLoader.load(null,
                properties("selfconnect.mode", "off"), Map.of("SELFCONNECT_MODE", "throw"));

        assertEquals(Mode.OFF, settings.mode());
    }

    @Test
    void aBadValueInAnOverriddenSourceIsStillAnError() {
        String message = assertThrows(InvalidSettingException.class, () -> SettingsLoader.load(null,
                properties("selfconnect.mode", "log"), Map.of("SELFCONNECT_MODE", "banana"))).getMessage();

        assertEquals("invalid value 'banana' for selfconnect.mode (environment variable SELFCONNECT_MODE): "
                + "expected log, throw or off", message);
    }

    @Test
    void aBadListOverriddenByAnAgentArgumentIsStillAnError() {
        String message = assertThrows(InvalidSettingException.class, () -> SettingsLoader.load("ignore=8080",
                properties("selfconnect.ignore", "80x"), Map.of())).getMessage();

        assertTrue(message.startsWith("invalid value '80x' for selfconnect.ignore (system property "
                + "selfconnect.ignore), entry '80x' is malformed"), message);
    }

    @Test
    void precedenceIsDecidedSettingBySetting() throws Exception {
        Settings settings = SettingsLoader.load("mode=throw",
                properties("selfconnect.stack-traces", "false"),
                Map.of("SELFCONNECT_MODE", "off", "SELFCONNECT_IGNORE", "9090"));

        assertEquals("mode=throw, stack-traces=false, ignore=9090", settings.describe());
    }

    @Test
    void piecesWithoutEqualsContinueTheIgnoreListInAgentArguments() throws Exception {
        Settings settings = SettingsLoader.load("mode=throw,ignore=8080,9090", new Properties(), Map.of());

        assertEquals(Mode.THROW, settings.mode());
        assertEquals("8080,9090", settings.ignore().toString());
        assertTrue(settings.ignore().matches(InetAddress.getLoopbackAddress(), 9090));
    }

    @Test
    void theNextKeyEndsTheIgnoreListInAgentArguments() throws Exception {
        Settings settings = SettingsLoader.load("ignore=8080, 9090,stack-traces=false", new Properties(), Map.of());

        assertEquals("mode=log, stack-traces=false, ignore=8080,9090", settings.describe());
    }

    @Test
    void spacesAroundAgentArgumentsAreAllowed() throws Exception {
        Settings settings = SettingsLoader.load(" mode = throw , stack-traces = false ", new Properties(), Map.of());

        assertEquals("mode=throw, stack-traces=false, ignore=none", settings.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"THROW", "Throw", " throw "})
    void modeIgnoresCaseAndSurroundingSpace(String value) throws Exception {
        assertEquals(Mode.THROW, Source.SYSTEM_PROPERTY.load("mode", value).mode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"FALSE", "False", " false "})
    void stackTracesIgnoresCaseAndSurroundingSpace(String value) throws Exception {
        assertFalse(Source.SYSTEM_PROPERTY.load("stack-traces", value).stackTraces());
    }

    @Test
    void trueIsAcceptedForStackTracesInAnyCase() throws Exception {
        Settings settings = SettingsLoader.load("stack-traces=TRUE", new Properties(),
                Map.of("SELFCONNECT_STACK_TRACES", "false"));

        assertTrue(settings.stackTraces());
    }

    @Test
    void unrelatedSystemPropertiesAndEnvironmentVariablesAreIgnored() throws Exception {
        Properties properties = properties("java.version", "17");
        properties.setProperty("selfconnectmode", "banana");
        properties.setProperty("other.selfconnect.mode", "banana");
        Map<String, String> environment = Map.of("PATH", "/usr/bin", "SELFCONNECTMODE", "banana",
                "MY_SELFCONNECT_MODE", "banana");

        assertEquals(DEFAULT_DESCRIPTION, SettingsLoader.load(null, properties, environment).describe());
    }

    @Test
    void knownSettingsAreListedInEachSpelling() {
        assertTrue(KNOWN_KEYS.startsWith("mode, stack-traces, ignore"), KNOWN_KEYS);
        assertTrue(KNOWN_PROPERTIES.startsWith("selfconnect.mode, selfconnect.stack-traces, selfconnect.ignore"),
                KNOWN_PROPERTIES);
        assertTrue(KNOWN_VARIABLES.startsWith("SELFCONNECT_MODE, SELFCONNECT_STACK_TRACES, SELFCONNECT_IGNORE"),
                KNOWN_VARIABLES);
    }

    @Test
    void unknownAgentArgumentIsRejected() {
        String message = agentArgumentError("mode=throw,colour=red");

        assertEquals("unknown setting 'colour' (agent argument colour=red): known settings are " + KNOWN_KEYS,
                message);
    }

    @Test
    void unknownSystemPropertyIsRejected() {
        String message = assertThrows(InvalidSettingException.class, () -> SettingsLoader.load(null,
                properties("selfconnect.stack_traces", "false"), Map.of())).getMessage();

        assertEquals("unknown setting system property selfconnect.stack_traces='false': " + KNOWN_SETTINGS,
                message);
    }

    @Test
    void unknownEnvironmentVariableIsRejected() {
        String message = assertThrows(InvalidSettingException.class, () -> SettingsLoader.load(null,
                new Properties(), Map.of("SELFCONNECT_COLOUR", "red"))).getMessage();

        assertEquals("unknown setting environment variable SELFCONNECT_COLOUR='red': " + KNOWN_SETTINGS, message);
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void unknownModeIsRejectedNamingItsSource(Source source) {
        assertEquals("invalid value 'loud' for selfconnect.mode (" + source.origin("mode", "loud")
                + "): expected log, throw or off", source.error("mode", "loud"));
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void nonBooleanStackTracesIsRejectedNamingItsSource(Source source) {
        assertEquals("invalid value 'yes' for selfconnect.stack-traces (" + source.origin("stack-traces", "yes")
                + "): expected true or false", source.error("stack-traces", "yes"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"80x", "256.1.1.1:80", "[zz::1]:80", "host.example:80"})
    void malformedIgnoreEntryIsRejectedNamingTheEntry(String entry) {
        String value = "8080," + entry;

        assertEquals("invalid value '" + value + "' for selfconnect.ignore (system property selfconnect.ignore),"
                + " entry '" + entry + "' is malformed: expected " + IGNORE_ACCEPTED,
                Source.SYSTEM_PROPERTY.error("ignore", value));
    }

    @ParameterizedTest
    @EnumSource(value = Source.class, names = {"SYSTEM_PROPERTY", "ENVIRONMENT_VARIABLE"})
    void emptyIgnoreEntryIsRejected(Source source) {
        assertEquals("invalid value '8080,,9090' for selfconnect.ignore (" + source.origin("ignore", "8080,,9090")
                + "), entry '' is empty: expected " + IGNORE_ACCEPTED, source.error("ignore", "8080,,9090"));
    }

    @Test
    void emptyIgnoreEntryInAgentArgumentsIsRejected() {
        assertEquals("invalid value '8080,,9090' for selfconnect.ignore (agent argument ignore=8080,,9090),"
                + " entry '' is empty: expected " + IGNORE_ACCEPTED, agentArgumentError("ignore=8080,,9090"));
    }

    @Test
    void pieceWithoutEqualsAfterANonListSettingIsRejected() {
        assertEquals("agent argument '9090' in 'mode=throw,9090' " + NOT_KEY_VALUE,
                agentArgumentError("mode=throw,9090"));
    }

    @Test
    void firstPieceWithoutEqualsIsRejected() {
        assertEquals("agent argument 'throw' in 'throw' " + NOT_KEY_VALUE, agentArgumentError("throw"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mode=throw,", "mode=throw, ", "stack-traces=false,mode=throw,"})
    void aCommaAtTheEndOfTheAgentArgumentsIsAllowed(String arguments) throws Exception {
        assertEquals(Mode.THROW, SettingsLoader.load(arguments, new Properties(), Map.of()).mode());
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void aCommaAtTheEndOfTheIgnoreListIsAllowed(Source source) throws Exception {
        assertEquals("8080,9090", source.load("ignore", "8080,9090,").ignore().toString());
    }

    @Test
    void anEmptyPieceInsideTheAgentArgumentsIsStillRejected() {
        assertEquals("agent argument '' in 'mode=throw,,stack-traces=false' " + NOT_KEY_VALUE,
                agentArgumentError("mode=throw,,stack-traces=false"));
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void ignoreNoneIsTheEmptyList(Source source) throws Exception {
        Settings settings = source.load("ignore", "none");

        assertTrue(settings.ignore().isEmpty());
        assertEquals(DEFAULT_DESCRIPTION, settings.describe());
    }

    @Test
    void aSettingGivenTwiceInTheAgentArgumentsIsAnErrorNamingBoth() {
        assertEquals("setting mode is given twice in the agent arguments (mode=log and mode=throw): give it once",
                agentArgumentError("mode=log,mode=throw"));
    }

    @Test
    void aListGivenTwiceInTheAgentArgumentsIsAnErrorNamingBothWholeLists() {
        assertEquals("setting ignore is given twice in the agent arguments (ignore=8080,9090 and ignore=1000):"
                + " give it once", agentArgumentError("ignore=8080,9090,stack-traces=false,ignore=1000"));
    }

    @Test
    void theSameValueGivenTwiceIsStillAnError() {
        assertEquals("setting stack-traces is given twice in the agent arguments (stack-traces=false and"
                + " stack-traces = false): give it once", agentArgumentError("stack-traces=false, stack-traces = false"));
    }

    @Test
    void anAgentArgumentOverASystemPropertyIsNoDuplicate() throws Exception {
        Settings settings = SettingsLoader.load("mode=throw", properties("selfconnect.mode", "log"), Map.of());

        assertEquals(Mode.THROW, settings.mode());
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void aPortAbove65535IsNamedWithItsLimit(Source source) {
        assertEquals("invalid value '8080,70000' for selfconnect.ignore (" + source.origin("ignore", "8080,70000")
                + "), port 70000 is above 65535: expected " + IGNORE_ACCEPTED, source.error("ignore", "8080,70000"));
    }

    @Test
    void anUpsideDownRangeIsNamedAsSuch() {
        assertEquals("invalid value '5-1' for selfconnect.ignore (system property selfconnect.ignore), range 5-1 has"
                + " its low port above its high port: expected " + IGNORE_ACCEPTED,
                Source.SYSTEM_PROPERTY.error("ignore", "5-1"));
    }

    @Test
    void portZeroIsNamedWithItsLimit() {
        assertEquals("invalid value '0' for selfconnect.ignore (environment variable SELFCONNECT_IGNORE), port 0 is"
                + " below 1: expected " + IGNORE_ACCEPTED, Source.ENVIRONMENT_VARIABLE.error("ignore", "0"));
    }

    @Test
    void aRelativeAuditFileIsShownAbsolute(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        assertFalse(relative.isAbsolute());

        Settings settings = SettingsLoader.load("audit.file=" + relative, new Properties(), Map.of());

        assertEquals(file.toString(), settings.auditFile());
        assertEquals(DEFAULT_DESCRIPTION + ", audit.file=" + file, settings.describe());
        assertTrue(Files.exists(file));
    }

    @Test
    void theAgentSwitchedOffCreatesNoAuditFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");

        Settings off = SettingsLoader.load("audit.file=" + file + ",mode=off", new Properties(), Map.of());
        Settings offFromEnvironment = SettingsLoader.load("audit.file=" + file, new Properties(),
                Map.of("SELFCONNECT_MODE", "off"));

        assertEquals(file.toString(), off.auditFile());
        assertEquals(file.toString(), offFromEnvironment.auditFile());
        assertFalse(Files.exists(file), "created by an agent switched off");
        SettingsLoader.load("mode=log,audit.file=" + file, new Properties(), Map.of());
        assertTrue(Files.exists(file), "the same settings with the agent on create it");
    }

    @Test
    void anAuditFilePathIsShownNormalized(@TempDir Path dir) throws Exception {
        Files.createDirectory(dir.resolve("sub"));
        Settings settings = SettingsLoader.load("audit.file=" + dir + "/sub/../events.jsonl", new Properties(),
                Map.of());

        assertEquals(dir.resolve("events.jsonl").toString(), settings.auditFile());
    }

    @Test
    void theStartupLinesSettingsReadBackAsAgentArguments() throws Exception {
        Settings settings = SettingsLoader.load(DEFAULT_DESCRIPTION, new Properties(), Map.of());

        assertEquals(DEFAULT_DESCRIPTION, settings.describe());
        assertEquals(Settings.DEFAULTS, settings);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mode=throw", "mode=off,stack-traces=false", "ignore=8080,9000-9100,[::1]:81,localhost:82",
            "ignore=127.0.0.1:80,mode=throw,risks=true", "risks=false", "mode=throw,risks=false",
            "stack-traces=false,ignore=40000,AUDIT"})
    void everyDescriptionReadsBackAsAgentArguments(String arguments, @TempDir Path dir) throws Exception {
        String withFile = arguments.replace("AUDIT", "audit.file=" + dir.resolve("events.jsonl"));
        Settings settings = SettingsLoader.load(withFile, new Properties(), Map.of());

        Settings readBack = SettingsLoader.load(settings.describe(), new Properties(), Map.of());

        assertEquals(settings.describe(), readBack.describe());
        assertEquals(settings, readBack);
    }

    @Test
    void overChangesOnlyTheNamedSettings() throws Exception {
        Settings current = SettingsLoader.load("mode=throw,ignore=8080", new Properties(), Map.of());

        Settings changed = SettingsLoader.over(current, "stack-traces=false");

        assertEquals("mode=throw, stack-traces=false, ignore=8080", changed.describe());
        assertEquals("stack-traces: true -> false", changed.changesFrom(current));
    }

    @Test
    void overWithNothingNamedChangesNothing() throws Exception {
        Settings current = SettingsLoader.load("mode=throw,risks=true", new Properties(), Map.of());

        for (String arguments : new String[] {null, "", "  "}) {
            Settings same = SettingsLoader.over(current, arguments);
            assertEquals(current, same);
            assertEquals("nothing changed", same.changesFrom(current));
        }
    }

    @Test
    void overLeavesRisksFollowingTheModeUnlessItWasSet() throws Exception {
        Settings followsMode = SettingsLoader.over(Settings.DEFAULTS, "mode=throw");
        assertEquals("mode: log -> throw, risks: true -> false", followsMode.changesFrom(Settings.DEFAULTS));

        Settings explicit = SettingsLoader.load("risks=true", new Properties(), Map.of());
        Settings stillOn = SettingsLoader.over(explicit, "mode=throw");
        assertTrue(stillOn.risks());
        assertEquals("mode: log -> throw", stillOn.changesFrom(explicit));
    }

    @Test
    void overReadsNeitherSystemPropertiesNorEnvironment() throws Exception {
        System.setProperty("selfconnect.mode", "off");
        try {
            assertEquals(Mode.LOG, SettingsLoader.over(Settings.DEFAULTS, "stack-traces=false").mode());
        } finally {
            System.clearProperty("selfconnect.mode");
        }
    }

    @Test
    void overChecksTheArgumentsAsALoadDoes() {
        for (String arguments : new String[] {"mode=banana", "colour=red", "mode=log,mode=throw", "ignore=70000",
                "throw"}) {
            String loadError = agentArgumentError(arguments);
            String overError = assertThrows(InvalidSettingException.class,
                    () -> SettingsLoader.over(Settings.DEFAULTS, arguments)).getMessage();
            assertEquals(loadError, overError);
        }
    }

    @Test
    void overCanSetAndClearTheAuditFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        Settings withFile = SettingsLoader.over(Settings.DEFAULTS, "audit.file=" + file);
        assertEquals("audit.file: none -> " + file, withFile.changesFrom(Settings.DEFAULTS));

        Settings without = SettingsLoader.over(withFile, "audit.file=");
        assertEquals("audit.file: " + file + " -> none", without.changesFrom(withFile));
    }

    @Test
    void changesFromListsEveryChangedSettingInOrder() throws Exception {
        Settings before = SettingsLoader.load("mode=log,ignore=8080", new Properties(), Map.of());
        Settings after = SettingsLoader.load("mode=throw,stack-traces=false,ignore=none,risks=true", new Properties(),
                Map.of());

        assertEquals("mode: log -> throw, stack-traces: true -> false, ignore: 8080 -> none",
                after.changesFrom(before));
        assertEquals("mode: throw -> log, stack-traces: false -> true, ignore: none -> 8080",
                before.changesFrom(after));
        assertFalse(before.equals(after));
    }

    @Test
    void aNewlineInASettingValueForgesNoLineOfItsOwn() {
        String error = assertThrows(InvalidSettingException.class, () -> SettingsLoader.load(null, new Properties(),
                Map.of("SELFCONNECT_MODE", "log\n[selfconnect] INFO FORGED \u001b[2J"))).getMessage();

        assertTrue(error.startsWith("invalid value 'log\\n[selfconnect] INFO FORGED \\u001b[2J' for selfconnect.mode"
                + " (environment variable SELFCONNECT_MODE): expected "), error);
        assertFalse(error.contains("\n") || error.contains("\u001b"), error);
    }

    @Test
    void controlCharactersInAnyErrorLineAreEscaped() {
        for (String arguments : new String[] {"mode=\u009b2J", "colo\nur=red", "mode=log,\u001b[2J",
                "mode=log,mode=\r\n", "ignore=80\n81", "report-interval=\u0007"}) {
            String error = agentArgumentError(arguments);
            for (char c : error.toCharArray()) {
                assertFalse(c < ' ' || c >= 0x7f && c <= 0x9f, "control " + (int) c + " in: " + error);
            }
        }
        String unknown = assertThrows(InvalidSettingException.class, () -> SettingsLoader.load(null,
                properties("selfconnect.x\ny", "1\u001b"), Map.of())).getMessage();
        assertTrue(unknown.startsWith("unknown setting system property selfconnect.x\\ny='1\\u001b'"), unknown);
    }

    @Test
    void aLongValueInAnErrorIsShownCut() {
        String value = "x".repeat(100_000);
        String error = agentArgumentError("mode=" + value);
        assertTrue(error.length() < 2_000, "length " + error.length());
        assertTrue(error.contains("...(" + (100_000 - dev.selfconnect.vocabulary.PlainText.MAX_VALUE_CHARS)
                + " more characters)"), error);
    }

    @Test
    void anAuditFileWithANewlineIsShownEscapedInTheSettings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a\n[selfconnect] WARN FORGED.jsonl");
        Settings settings = SettingsLoader.load("audit.file=" + file, new Properties(), Map.of());

        assertEquals(file.toString(), settings.auditFile());
        assertTrue(settings.describe().endsWith(", audit.file=" + dir + "/a\\n[selfconnect] WARN FORGED.jsonl"),
                settings.describe());
    }

    /** Ten thousand entries, each piece of the agent arguments continuing the list: read in linear time. */
    @Test
    void aTenThousandEntryIgnoreListReadsTheSameAsAgentArgumentsAndAsAProperty() throws Exception {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            list.append(list.length() == 0 ? "" : ",").append(i % 2 == 0 ? Integer.toString(1 + i)
                    : "127.0.0." + (i % 250 + 1) + ":" + (20_000 + i));
        }
        Settings asArguments = SettingsLoader.load("mode=throw,ignore=" + list + ",stack-traces=false",
                new Properties(), Map.of());
        Settings asProperty = SettingsLoader.load("mode=throw,stack-traces=false",
                properties("selfconnect.ignore", list.toString()), Map.of());

        assertEquals(list.toString(), asArguments.ignore().toString());
        assertEquals(asProperty, asArguments);
        assertTrue(asArguments.ignore().matches(InetAddress.getByName("127.0.0.2"), 20_001));
        assertTrue(asArguments.ignore().matches(InetAddress.getByName("10.0.0.1"), 9_999));
        assertFalse(asArguments.ignore().matches(InetAddress.getByName("127.0.0.1"), 20_001));
        assertFalse(asArguments.stackTraces());
    }

    @Test
    void aMalformedEntryDeepInALongArgumentListIsNamed() {
        StringBuilder list = new StringBuilder("ignore=1");
        for (int i = 2; i < 5_000; i++) {
            list.append(',').append(i);
        }
        list.append(",80x,81");
        String error = agentArgumentError(list.toString());
        assertTrue(error.contains(", entry '80x' is malformed: expected a comma-separated list"), error);
    }

    @Test
    void anAuditFileOfAnotherUserDoesNotStopTheJvmAndSaysWhyItIsNotUsed(@TempDir Path dir) throws Exception {
        if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
            assertFalse("true".equalsIgnoreCase(System.getenv("CI")), "changing a file's owner needs root");
            Assumptions.abort("changing a file's owner needs root");
        }
        Path file = Files.createFile(dir.resolve("events.jsonl"));
        Files.setAttribute(file, "unix:uid", 65534, java.nio.file.LinkOption.NOFOLLOW_LINKS);

        Settings settings = SettingsLoader.load("audit.file=" + file, new Properties(), Map.of());

        assertEquals(file.toString(), settings.auditFile());
        assertEquals("it is owned by uid 65534, not by the JVM's user (uid 0)", settings.unusableAuditFile());
        assertEquals(0, Files.size(file));
        Settings fixed = SettingsLoader.over(settings, "audit.file=" + dir.resolve("other.jsonl"));
        assertEquals(null, fixed.unusableAuditFile());
        assertEquals(settings.unusableAuditFile(), SettingsLoader.over(settings, "mode=throw").unusableAuditFile());
    }

    @Test
    void anAuditFileOnProcIsNotUsedAndAWrongPathStillStopsTheJvm(@TempDir Path dir) throws Exception {
        Settings proc = SettingsLoader.load("audit.file=/proc/self/status", new Properties(), Map.of());
        assertEquals("it is on /proc, a kernel file system whose files are not logs", proc.unusableAuditFile());

        String error = agentArgumentError("audit.file=" + dir.resolve("missing/events.jsonl"));
        assertTrue(error.startsWith("invalid value '" + dir.resolve("missing/events.jsonl") + "' for"
                + " selfconnect.audit.file"), error);
    }

    private static String agentArgumentError(String arguments) {
        return assertThrows(InvalidSettingException.class,
                () -> SettingsLoader.load(arguments, new Properties(), Map.of())).getMessage();
    }

    private static String spellings(Function<SettingName, String> spelling) {
        return Arrays.stream(SettingName.values()).map(spelling).collect(Collectors.joining(", "));
    }

    private static Properties properties(String key, String value) {
        Properties properties = new Properties();
        properties.setProperty(key, value);
        return properties;
    }

    @Test
    void theReportIntervalIsSecondsFromZeroToADay() throws Exception {
        assertEquals(Settings.DEFAULT_REPORT_INTERVAL, SettingsLoader.load("", new Properties(), Map.of())
                .reportInterval());
        assertEquals(0, SettingsLoader.load("report-interval=0", new Properties(), Map.of()).reportInterval());
        assertEquals(120, SettingsLoader.load(null, new Properties(), Map.of("SELFCONNECT_REPORT_INTERVAL", "120"))
                .reportInterval());
        assertEquals("mode=log, stack-traces=true, ignore=none, report-interval=0",
                SettingsLoader.load("report-interval=0", new Properties(), Map.of()).describe());
        for (String bad : new String[] {"-1", "1m", "", "86401", "999999"}) {
            InvalidSettingException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidSettingException.class,
                    () -> SettingsLoader.load("report-interval=" + bad, new Properties(), Map.of()), bad);
            assertEquals("invalid value '" + bad + "' for selfconnect.report-interval (agent argument report-interval="
                    + bad + "): expected a number of seconds from 0 to 86400 (0: every self-connection in full)",
                    e.getMessage());
        }
    }
}
