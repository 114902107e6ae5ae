package dev.selfconnect.architecture;

import dev.selfconnect.SelfConnectException;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The types one class file names (JVMS chapter 4): its constant pool's class entries, the descriptors of the members
 * it uses and declares, and its generic signatures. Types that appear only in annotations, or only as compile-time
 * constants the compiler inlined, are not seen.
 */
public final class ClassFile {

    private static final int UTF8 = 1;
    private static final int CLASS = 7;
    private static final int NAME_AND_TYPE = 12;
    private static final int METHOD_TYPE = 16;
    private static final int FIELD_REF = 9;
    private static final int METHOD_REF = 10;
    private static final int INTERFACE_METHOD_REF = 11;
    private static final int METHOD_HANDLE = 15;
    private static final int DYNAMIC = 17;
    private static final int INVOKE_DYNAMIC = 18;

    private final String name;
    private final Set<String> referencedTypes;
    private final Set<String> memberReferences;
    private final Set<String> dynamicConstants;

    private ClassFile(String name, Set<String> referencedTypes, Set<String> memberReferences,
                      Set<String> dynamicConstants) {
        this.name = name;
        this.referencedTypes = referencedTypes;
        this.memberReferences = memberReferences;
        this.dynamicConstants = dynamicConstants;
    }

    /** The internal name, as in {@code dev/selfconnect/cli/Main}. */
    public String name() {
        return name;
    }

    /** Internal names of the classes and interfaces this class names, itself included; array types by element. */
    public Set<String> referencedTypes() {
        return referencedTypes;
    }

    /**
     * The fields and methods this class uses (its constant pool's field and method references), each as
     * {@code owner.name:descriptor} with the owner's internal name, as in
     * {@code java/lang/Class.forName:(Ljava/lang/String;)Ljava/lang/Class;}.
     */
    public Set<String> memberReferences() {
        return memberReferences;
    }

    /**
     * The constants that only a lambda, a method reference, a string concatenation compiled for Java 9 or later, or
     * another call site bound at run time needs: {@code invokedynamic <name:descriptor>}, {@code dynamic
     * <name:descriptor>} and {@code method-handle}. A class without any has no invokedynamic instruction (the
     * instruction names such a constant).
     */
    public Set<String> dynamicConstants() {
        return dynamicConstants;
    }

    public static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
    }

    /** The directory the agent's main classes were compiled to ({@code agent/target/classes}). */
    public static Path compiledAgentClasses() {
        try {
            Path location = Path.of(SelfConnectException.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isDirectory(location.resolve("dev/selfconnect"))) {
                throw new IllegalStateException("the agent's classes are not a directory of class files: " + location);
            }
            return location;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every class file under the directory, except those under the given relative path prefixes. */
    public static List<ClassFile> readAll(Path directory, String... skippedPrefixes) {
        List<ClassFile> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class")).sorted()::iterator) {
                String relative = directory.relativize(file).toString().replace('\\', '/');
                if (Stream.of(skippedPrefixes).noneMatch(relative::startsWith)) {
                    classes.add(read(Files.readAllBytes(file)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }

    public static ClassFile read(byte[] bytes) {
        try {
            return parse(new DataInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException("not a class file", e);
        }
    }

    private static ClassFile parse(DataInputStream in) throws IOException {
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("bad magic number");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] tags = new int[count];
        int[] firstIndex = new int[count];
        int[] secondIndex = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            tags[i] = tag;
            switch (tag) {
                case UTF8 -> utf8[i] = in.readUTF();
                case CLASS, 8, METHOD_TYPE, 19, 20 -> firstIndex[i] = in.readUnsignedShort();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                case FIELD_REF, METHOD_REF, INTERFACE_METHOD_REF, NAME_AND_TYPE, DYNAMIC, INVOKE_DYNAMIC -> {
                    firstIndex[i] = in.readUnsignedShort();
                    secondIndex[i] = in.readUnsignedShort();
                }
                case METHOD_HANDLE -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at " + i);
            }
        }
        Set<String> types = new TreeSet<>();
        Set<String> usedMembers = new TreeSet<>();
        Set<String> dynamic = new TreeSet<>();
        for (int i = 1; i < count; i++) {
            switch (tags[i]) {
                case FIELD_REF, METHOD_REF, INTERFACE_METHOD_REF -> {
                    int nameAndType = secondIndex[i];
                    usedMembers.add(utf8[firstIndex[firstIndex[i]]] + "." + utf8[firstIndex[nameAndType]] + ":"
                            + utf8[secondIndex[nameAndType]]);
                }
                case DYNAMIC, INVOKE_DYNAMIC -> dynamic.add((tags[i] == DYNAMIC ? "dynamic " : "invokedynamic ")
                        + utf8[firstIndex[secondIndex[i]]] + ":" + utf8[secondIndex[secondIndex[i]]]);
                case METHOD_HANDLE -> dynamic.add("method-handle");
                default -> {
                }
            }
            switch (tags[i]) {
                case CLASS -> {
                    String className = utf8[firstIndex[i]];
                    if (className.startsWith("[")) {
                        signature(className, types);
                    } else {
                        types.add(className);
                    }
                }
                case NAME_AND_TYPE -> signature(utf8[secondIndex[i]], types);
                case METHOD_TYPE -> signature(utf8[firstIndex[i]], types);
                default -> {
                }
            }
        }
        in.readUnsignedShort();
        String name = utf8[firstIndex[in.readUnsignedShort()]];
        in.readUnsignedShort();
        in.skipBytes(2 * in.readUnsignedShort());
        for (int kind = 0; kind < 2; kind++) {
            int members = in.readUnsignedShort();
            for (int m = 0; m < members; m++) {
                in.readUnsignedShort();
                in.readUnsignedShort();
                signature(utf8[in.readUnsignedShort()], types);
                attributes(in, utf8, types);
            }
        }
        attributes(in, utf8, types);
        return new ClassFile(name, types, usedMembers, dynamic);
    }

    private static void attributes(DataInputStream in, String[] utf8, Set<String> types) throws IOException {
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            String attribute = utf8[in.readUnsignedShort()];
            int length = in.readInt();
            if (attribute.equals("Signature")) {
                signature(utf8[in.readUnsignedShort()], types);
            } else {
                in.skipBytes(length);
            }
        }
    }

    /** The class types in a descriptor or a generic signature (JVMS 4.3, 4.7.9.1). */
    static void signature(String signature, Set<String> types) {
        int i = 0;
        if (signature.startsWith("<")) {
            i = 1;
            while (signature.charAt(i) != '>') {
                i = signature.indexOf(':', i);
                while (signature.charAt(i) == ':') {
                    i++;
                    if ("LT[".indexOf(signature.charAt(i)) >= 0) {
                        i = referenceType(signature, i, types);
                    }
                }
            }
            i++;
        }
        while (i < signature.length()) {
            char c = signature.charAt(i);
            i = "()^BCDFIJSZV".indexOf(c) >= 0 ? i + 1 : referenceType(signature, i, types);
        }
    }

    private static int referenceType(String signature, int start, Set<String> types) {
        switch (signature.charAt(start)) {
            case 'T':
                return signature.indexOf(';', start) + 1;
            case '[':
                int element = start + 1;
                return "BCDFIJSZ".indexOf(signature.charAt(element)) >= 0
                        ? element + 1 : referenceType(signature, element, types);
            case 'L':
                int i = start + 1;
                int nameEnd = identifierEnd(signature, i);
                types.add(signature.substring(i, nameEnd));
                i = nameEnd;
                while (signature.charAt(i) != ';') {
                    if (signature.charAt(i) == '<') {
                        i++;
                        while (signature.charAt(i) != '>') {
                            char c = signature.charAt(i);
                            if (c == '*') {
                                i++;
                            } else {
                                i = referenceType(signature, c == '+' || c == '-' ? i + 1 : i, types);
                            }
                        }
                        i++;
                    } else {
                        i = identifierEnd(signature, i + 1);
                    }
                }
                return i + 1;
            default:
                throw new IllegalArgumentException("not a type at " + start + " of " + signature);
        }
    }

    private static int identifierEnd(String signature, int start) {
        int i = start;
        while (";<.".indexOf(signature.charAt(i)) < 0) {
            i++;
        }
        return i;
    }
}
