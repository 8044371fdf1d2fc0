package io.weir.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Community ID v1 against the spec's baseline vectors (corelight/community-id-spec, as Zeek tests them). */
class CommunityIdTest {
    @ParameterizedTest(name = "{0} {1}:{2} > {3}:{4} seed {5}")
    @CsvSource({
        "6, 1.2.3.4, 1122, 5.6.7.8, 3344, 0, 1:wCb3OG7yAFWelaUydu0D+125CLM=",
        "6, 5.6.7.8, 3344, 1.2.3.4, 1122, 0, 1:wCb3OG7yAFWelaUydu0D+125CLM=",
        "17, 1.2.3.4, 1122, 5.6.7.8, 3344, 0, 1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=",
        "17, 5.6.7.8, 3344, 1.2.3.4, 1122, 0, 1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=",
        "1, 1.2.3.4, 8, 5.6.7.8, 0, 0, 1:crodRHL2FEsHjbv3UkRrfbs4bZ0=",
        "1, 5.6.7.8, 0, 1.2.3.4, 0, 0, 1:crodRHL2FEsHjbv3UkRrfbs4bZ0=",
        "58, fe80:1:203:405:607:809:a0b:c0d, 128, fe80:1011:1213:1415:1617:1819:1a1b:1c1d, 0, 0,"
            + " 1:0bf7hyMJUwt3fMED7z8LIfRpBeo=",
        "6, 1.2.3.4, 1122, 5.6.7.8, 3344, 1, 1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=",
        "17, 1.2.3.4, 1122, 5.6.7.8, 3344, 1, 1:OShq+iKDAMVouh/4bMxB9Sz4amw=",
        "1, 1.2.3.4, 8, 5.6.7.8, 0, 1, 1:9pr4ZGTICiuZoIh90RRYE2RyXpU=",
        "58, fe80:1:203:405:607:809:a0b:c0d, 128, fe80:1011:1213:1415:1617:1819:1a1b:1c1d, 0, 1,"
            + " 1:IO27GQzPuCtNnwFvjWALMHu5tJE=",
        "46, 1.2.3.4, -1, 5.6.7.8, -1, 0, 1:ikv3kmf89luf73WPz1jOs49S768=",
    })
    void specVectors(int proto, String src, int sport, String dst, int dport, int seed, String want)
            throws Exception {
        byte[] s = InetAddress.getByName(src).getAddress();
        byte[] d = InetAddress.getByName(dst).getAddress();
        assertEquals(want, CommunityId.v1(seed, s, d, proto, sport, dport));
    }
}
