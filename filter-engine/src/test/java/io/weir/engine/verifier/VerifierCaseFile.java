package io.weir.engine.verifier;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the verifier's table of cases ({@code verifier/cases.txt}): each case starts with a header
 * {@code == name | ACCEPT|REJECT | message substring | type}, the last two optional, followed by the program in
 * the conformance assembler syntax. {@code type} is {@code socket} (default) or {@code xdp}.
 */
record VerifierCaseFile(String name, boolean accept, String message, String type, String program, int line) {

    static List<VerifierCaseFile> load(String resource) throws IOException {
        try (InputStream in = VerifierCaseFile.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing resource " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<VerifierCaseFile> out = new ArrayList<>();
            String[] lines = text.split("\n", -1);
            String[] head = null;
            int headLine = 0;
            StringBuilder body = new StringBuilder();
            for (int k = 0; k <= lines.length; k++) {
                String l = k < lines.length ? lines[k] : "== end";
                if (l.startsWith("== ")) {
                    if (head != null) {
                        out.add(make(head, body.toString(), headLine));
                    }
                    head = l.substring(3).split(" \\| ", -1);
                    headLine = k + 1;
                    body.setLength(0);
                } else if (head != null) {
                    body.append(l).append('\n');
                }
            }
            return out;
        }
    }

    private static VerifierCaseFile make(String[] h, String body, int line) {
        String verdict = h[1].strip();
        if (!verdict.equals("ACCEPT") && !verdict.equals("REJECT")) {
            throw new IllegalArgumentException("line " + line + ": verdict must be ACCEPT or REJECT: " + verdict);
        }
        String msg = h.length > 2 && !h[2].strip().equals("-") ? h[2].strip() : "";
        String type = h.length > 3 && !h[3].isBlank() ? h[3].strip() : "socket";
        return new VerifierCaseFile(h[0].strip(), verdict.equals("ACCEPT"), msg, type, body, line);
    }
}
