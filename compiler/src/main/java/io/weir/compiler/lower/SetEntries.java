package io.weir.compiler.lower;

import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Ast;
import io.weir.compiler.parse.Ast.Id;
import io.weir.compiler.parse.Ast.IdKind;
import io.weir.compiler.parse.Lexer;
import io.weir.compiler.parse.Span;
import io.weir.compiler.parse.Token;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of a set, as ids of the filter language: the items of a {@code {...}} list as parsed, or the
 * lines of an {@code @FILE}. A file holds one entry per line, written as in an expression ({@code 10.0.0.1},
 * {@code 10.0.0.0/8}, {@code 10.1}, {@code 2001:db8::/32}, {@code 443}, {@code https}); blank lines and
 * everything after a {@code #} are ignored. Entries of a file are located at the {@code @FILE} token, and their
 * messages start with {@code FILE:LINE:}.
 */
final class SetEntries {
    /** One entry; {@code line} is its line in the file, 0 for a list item. */
    record Entry(Id id, int line) {
    }

    private final List<Entry> entries;
    private final String file;
    private final Span setSpan;

    private SetEntries(List<Entry> entries, String file, Span setSpan) {
        this.entries = entries;
        this.file = file;
        this.setSpan = setSpan;
    }

    /** The entries of {@code s}, reading its file (relative to {@code baseDir}) if it has one. */
    static SetEntries of(Lowering lw, Ast.SetPrim s, Path baseDir) throws FilterSyntaxException {
        if (s.file() == null) {
            List<Entry> out = new ArrayList<>(s.items().size());
            for (Id id : s.items()) {
                out.add(new Entry(id, 0));
            }
            return new SetEntries(out, null, s.setSpan());
        }
        Path path;
        try {
            path = baseDir.resolve(s.file());
        } catch (InvalidPathException e) { // e.g. a NUL byte: no file can have that name (a fuzz finding)
            throw lw.error("invalid set file name '" + s.file() + "': " + e.getReason(), s.setSpan());
        }
        List<Entry> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            int n = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                n++;
                int hash = line.indexOf('#');
                String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!text.isEmpty()) {
                    out.add(new Entry(parseLine(lw, s, text, n), n));
                }
            }
        } catch (NoSuchFileException e) {
            throw lw.error("cannot read set file '" + s.file() + "': no such file", s.setSpan());
        } catch (IOException e) {
            throw lw.error("cannot read set file '" + s.file() + "': " + e.getMessage(), s.setSpan());
        }
        return new SetEntries(out, s.file(), s.setSpan());
    }

    /** One line as an id: an address, a network, a number or a name, as the expression syntax writes them. */
    private static Id parseLine(Lowering lw, Ast.SetPrim s, String text, int line) throws FilterSyntaxException {
        List<Token> t;
        try {
            t = Lexer.tokenize(text);
        } catch (FilterSyntaxException e) {
            throw lw.error(s.file() + ":" + line + ": " + e.getMessage(), s.setSpan());
        }
        Span at = s.setSpan();
        Token a = t.get(0);
        int n = t.size() - 1; // without EOF
        if (n == 1) {
            switch (a.kind()) {
                case NUM: return new Id(IdKind.NUM, a.text(), a.num(), null, at);
                case HID: return new Id(IdKind.HID, a.text(), 0, null, at);
                case HID6: return new Id(IdKind.HID6, a.text(), 0, null, at);
                case EID: return new Id(IdKind.EID, a.text(), 0, null, at);
                case ID: case ESCAPED_ID: return new Id(IdKind.NAME, a.text(), 0, null, at);
                default: break;
            }
        } else if (n == 3 && t.get(1).is("/") && t.get(2).kind() == Token.Kind.NUM
                && (a.kind() == Token.Kind.HID || a.kind() == Token.Kind.HID6)) {
            IdKind k = a.kind() == Token.Kind.HID ? IdKind.HID_LEN : IdKind.HID6_LEN;
            return new Id(k, a.text(), t.get(2).num(), null, at);
        } else if (n == 3 && t.get(1).is("mask") && a.kind() == Token.Kind.HID && t.get(2).kind() == Token.Kind.HID) {
            return new Id(IdKind.HID_MASK, a.text(), 0, t.get(2).text(), at);
        }
        throw lw.error(s.file() + ":" + line + ": not an address, network or port: '" + text + "'", s.setSpan());
    }

    /** The entries, in order. */
    List<Entry> entries() {
        return entries;
    }

    /** How many. */
    int size() {
        return entries.size();
    }

    /** The set in messages: {@code @FILE} or {@code {...}}. */
    String origin() {
        return file != null ? "@" + file : "{...}";
    }

    /** An error about entry {@code e}: located at the item, or at the file with its line. */
    FilterSyntaxException error(Lowering lw, Entry e, String msg) {
        if (e.line() == 0) {
            return lw.error(msg, e.id().span());
        }
        return lw.error(file + ":" + e.line() + ": " + msg, setSpan);
    }

    /** Re-locates an error the lowering of entry {@code e} raised (a file entry has no place in the source). */
    FilterSyntaxException relocate(Lowering lw, Entry e, FilterSyntaxException x) {
        return e.line() == 0 ? x : error(lw, e, x.getMessage());
    }
}
