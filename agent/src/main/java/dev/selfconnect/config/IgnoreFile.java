package dev.selfconnect.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * {@code ignore=@FILE}: the list read from a file, for lists too long for a command line or an attach. Entries are
 * separated by commas or line breaks; a {@code #} starts a comment to the end of its line. The file is trusted only as
 * far as the JVM's own configuration is: a regular file (never read through a symbolic link), of root or of the JVM's
 * user, that no other user may write to, at most {@link #MAX_BYTES} of UTF-8.
 */
final class IgnoreFile {

    static final char MARK = '@';
    static final int MAX_BYTES = 1 << 20;
    private static final int GROUP_OR_OTHERS_MAY_WRITE = 022;
    private static final int ROOT = 0;

    private IgnoreFile() {
    }

    /**
     * The list in the file a value such as {@code @/etc/myapp/ignore.txt} names, shown as that value. Kept out of
     * {@link IgnoreList}, whose class loads in premain, so that this class and its exception load only for a file.
     */
    static IgnoreList read(String value) throws IgnoreList.MalformedEntry {
        String file = value.trim().substring(1).trim();
        if (file.isEmpty()) {
            throw new IgnoreList.MalformedEntry(value, "'" + MARK + "' names no file");
        }
        String list;
        try {
            list = list(file);
        } catch (Unreadable unreadable) {
            throw new IgnoreList.MalformedEntry(value, unreadable.getMessage());
        }
        if (!list.isEmpty() && list.charAt(0) == MARK) {
            throw new IgnoreList.MalformedEntry(value, "the file " + file + " names another file ('"
                    + list.split(",", 2)[0] + "'): it must hold the entries themselves");
        }
        try {
            return IgnoreList.parse(list).shownAs(MARK + file);
        } catch (IgnoreList.MalformedEntry malformed) {
            throw new IgnoreList.MalformedEntry(value, malformed.getMessage() + " (in the file " + file + ")");
        }
    }

    /**
     * The file's entries joined by commas, as the list would be written in a setting.
     *
     * @throws Unreadable with the one-line reason ("the file ... is ...")
     */
    static String list(String file) throws Unreadable {
        Path path;
        try {
            path = Paths.get(file);
        } catch (RuntimeException e) {
            throw new Unreadable("'" + file + "' is not a valid path (" + e.getMessage() + ")");
        }
        byte[] content;
        try {
            AuditFileCheck.Stat before = AuditFileCheck.Stat.of(path);
            check(file, before);
            try (SeekableByteChannel in = Files.newByteChannel(path, StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS)) {
                content = readAtMost(in, file);
            }
            AuditFileCheck.Stat after = AuditFileCheck.Stat.of(path);
            if (after == null || !after.sameFile(before)) {
                throw new Unreadable("the file " + file + " was replaced while being read");
            }
        } catch (Unreadable unreadable) {
            throw unreadable;
        } catch (IOException e) {
            throw new Unreadable("the file " + file + " cannot be read (" + e + ")");
        }
        return entries(decode(content, file));
    }

    private static void check(String file, AuditFileCheck.Stat stat) throws Unreadable {
        if (stat == null) {
            throw new Unreadable("the file " + file + " does not exist");
        }
        if (stat.isSymbolicLink()) {
            throw new Unreadable("the file " + file + " is a symbolic link; name the file itself");
        }
        if (!stat.isRegular()) {
            throw new Unreadable("the file " + file + " is " + stat.typeName() + ", not a regular file");
        }
        int self = AuditFileCheck.Stat.effectiveUid();
        if (stat.uid >= 0 && self >= 0 && stat.uid != self && stat.uid != ROOT) {
            throw new Unreadable("the file " + file + " is owned by uid " + stat.uid + ", neither root nor the JVM's"
                    + " user (uid " + self + "), so another user chooses what is left unchecked");
        }
        if (stat.permissions >= 0 && (stat.permissions & GROUP_OR_OTHERS_MAY_WRITE) != 0) {
            throw new Unreadable("the file " + file + " may be written by its group or others (mode "
                    + Integer.toOctalString(stat.permissions) + "): chmod go-w it");
        }
    }

    private static byte[] readAtMost(SeekableByteChannel in, String file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_BYTES + 1);
        while (buffer.hasRemaining() && in.read(buffer) >= 0) {
            // reads until the end or one byte past the limit
        }
        if (!buffer.hasRemaining()) {
            throw new Unreadable("the file " + file + " is larger than " + MAX_BYTES + " bytes");
        }
        byte[] content = new byte[buffer.position()];
        buffer.flip();
        buffer.get(content);
        return content;
    }

    private static String decode(byte[] content, String file) throws Unreadable {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new Unreadable("the file " + file + " is not UTF-8 text");
        }
    }

    /** The entries of the text, comments and blank pieces dropped, joined by commas; one pass over the text. */
    static String entries(String text) {
        StringBuilder list = new StringBuilder(text.length());
        int pieceStart = 0;
        boolean inComment = false;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '\n';
            if (c == '\n' || c == ',' && !inComment || c == '#' && !inComment) {
                if (!inComment) {
                    String piece = text.substring(pieceStart, i).trim();
                    if (!piece.isEmpty()) {
                        list.append(list.length() == 0 ? "" : ",").append(piece);
                    }
                }
                inComment = c == '#' || inComment && c != '\n';
                pieceStart = i + 1;
            }
        }
        return list.toString();
    }

    /** Why the file cannot be the list; the message is the detail of the one-line setting error. */
    static final class Unreadable extends IOException {
        private static final long serialVersionUID = 1L;

        Unreadable(String reason) {
            super(reason);
        }
    }
}
