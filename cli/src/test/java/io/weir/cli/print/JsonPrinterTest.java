package io.weir.cli.print;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.weir.capture.PcapReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code --json}: one well-formed object per packet, with the summary line and the layers in order. */
class JsonPrinterTest {
    @Test
    void oneObjectPerPacketWithLayers() throws Exception {
        Path f = Path.of(System.getProperty("weir.projectDir", "..")).resolve("pcaps").resolve("mixed-ether.pcap");
        Assumptions.assumeTrue(Files.isRegularFile(f), "pcaps/mixed-ether.pcap is missing");
        StringWriter out = new StringWriter();
        PrintOptions o = new PrintOptions();
        JsonPrinter json = new JsonPrinter(out, o);
        LinePrinter lines = new LinePrinter(plain());
        List<String> summaries = new ArrayList<>();
        try (PcapReader r = PcapReader.open(f)) {
            while (r.next()) {
                json.write(r.packet());
                summaries.add(lines.format(r.packet()).toString());
            }
        }
        json.flush();
        String[] objects = out.toString().split("\n");
        assertEquals(summaries.size(), objects.length);
        JsonFactory jf = new JsonFactory();
        for (int i = 0; i < objects.length; i++) {
            List<String> protos = new ArrayList<>();
            String summary = null;
            long len = -1;
            try (JsonParser p = jf.createParser(objects[i])) {
                for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                    if (t == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        if (name.equals("proto")) {
                            protos.add(p.getText());
                        } else if (name.equals("summary")) {
                            summary = p.getText();
                        } else if (name.equals("len") && len < 0) {
                            len = p.getLongValue();
                        }
                    }
                }
            }
            assertEquals(summaries.get(i), summary, "packet " + (i + 1));
            assertTrue(len > 0, objects[i]);
            assertEquals("ethernet", protos.get(0), objects[i]);
            assertTrue(protos.size() >= 2, objects[i]);
        }
    }

    private static PrintOptions plain() {
        PrintOptions o = new PrintOptions();
        o.timeMode = 1;
        return o;
    }
}
