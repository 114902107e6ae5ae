package dev.selfconnect.architecture;

import dev.selfconnect.SelfConnectException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassFileTest {

    /** Names types in declarations, generic signatures, a call, an array and a class literal. */
    @SuppressWarnings("unused")
    private static final class Sample<T extends Comparable<T>> {
        private Map<String, List<InetSocketAddress>> generic;
        private Thread[][] array;

        <E extends Exception> SelfConnectException declared(StringBuilder in) throws E {
            return null;
        }

        Object called() {
            return new TreeSet<Integer>().descendingSet();
        }

        Object constant() {
            return Supplier.class;
        }
    }

    @Test
    void readsTheTypesAClassNames() throws IOException {
        ClassFile sample = read(Sample.class);

        assertEquals("dev/selfconnect/architecture/ClassFileTest$Sample", sample.name());
        Set<String> types = sample.referencedTypes();
        for (String expected : List.of("java/lang/Comparable", "java/util/Map", "java/util/List",
                "java/net/InetSocketAddress", "java/lang/Thread", "java/lang/Exception",
                "dev/selfconnect/SelfConnectException", "java/lang/StringBuilder", "java/util/TreeSet",
                "java/util/NavigableSet", "java/util/function/Supplier")) {
            assertTrue(types.contains(expected), expected + " not in " + types);
        }
        assertTrue(types.stream().noneMatch(t -> t.contains(";") || t.contains("<") || t.startsWith("[")), types.toString());
    }

    /** A lambda, a reflective call and a field read. */
    @SuppressWarnings("unused")
    private static final class Dynamic {
        Runnable lambda() {
            return () -> { };
        }

        Object reflective() throws ClassNotFoundException {
            return Class.forName("java.lang.Thread");
        }

        Object field() {
            return System.out;
        }
    }

    @Test
    void readsTheMembersAndTheDynamicConstantsAClassUses() throws IOException {
        ClassFile dynamic = read(Dynamic.class);

        assertTrue(dynamic.memberReferences().contains("java/lang/Class.forName:(Ljava/lang/String;)Ljava/lang/Class;"),
                dynamic.memberReferences().toString());
        assertTrue(dynamic.memberReferences().contains("java/lang/System.out:Ljava/io/PrintStream;"), dynamic.memberReferences().toString());
        assertTrue(dynamic.dynamicConstants().contains("invokedynamic run:()Ljava/lang/Runnable;"),
                dynamic.dynamicConstants().toString());
        assertTrue(dynamic.dynamicConstants().contains("method-handle"), dynamic.dynamicConstants().toString());

        ClassFile sample = read(Sample.class);
        assertEquals(Set.of(), sample.dynamicConstants());
        assertTrue(sample.memberReferences().contains("java/util/TreeSet.descendingSet:()Ljava/util/NavigableSet;"),
                sample.memberReferences().toString());
    }

    @Test
    void parsesGenericSignatures() {
        Set<String> types = new TreeSet<>();
        ClassFile.signature("<K:Ljava/lang/Object;V::Ljava/lang/Comparable<-TV;>;>(TK;[[Ljava/util/Map$Entry<+TK;*>;"
                + "Ljava/util/Optional<TV;>.Inner<[I>;I)Ljava/util/List<TV;>;^TX;^Ljava/io/IOException;", types);
        assertEquals(Set.of("java/lang/Object", "java/lang/Comparable", "java/util/Map$Entry", "java/util/Optional",
                "java/util/List", "java/io/IOException"), types);
    }

    private static ClassFile read(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return ClassFile.read(in.readAllBytes());
        }
    }
}
