package io.weir.capture.live;

/**
 * One capture interface as {@code pcap_findalldevs} lists it, printed the way {@code tcpdump -D} prints it:
 * {@code 1.eth0 [Up, Running, Connected]}, {@code 2.any (Pseudo-device that captures on all interfaces) [Up,
 * Running]}, {@code 4.ifb0 [none]}.
 *
 * @param index       position in the list, from 1 (tcpdump's {@code -i} accepts it in place of the name)
 * @param name        the name to pass to {@code -i}
 * @param description libpcap's description, or {@code null}
 * @param flags       libpcap's {@code PCAP_IF_*} bits
 */
public record LiveInterface(int index, String name, String description, int flags) {
    /** {@code PCAP_IF_LOOPBACK}. */
    public static final int LOOPBACK = 0x1;
    /** {@code PCAP_IF_UP}. */
    public static final int UP = 0x2;
    /** {@code PCAP_IF_RUNNING}. */
    public static final int RUNNING = 0x4;
    /** {@code PCAP_IF_WIRELESS}. */
    public static final int WIRELESS = 0x8;
    /** {@code PCAP_IF_CONNECTION_STATUS}: a two-bit field. */
    public static final int CONNECTION_STATUS = 0x30;
    static final int STATUS_UNKNOWN = 0x00;
    static final int STATUS_CONNECTED = 0x10;
    static final int STATUS_DISCONNECTED = 0x20;

    /** tcpdump's flag names, in the order tcpdump prints them. */
    private static final Object[][] NAMES = {
        {UP, "Up"}, {RUNNING, "Running"}, {WIRELESS, "Wireless"}, {LOOPBACK, "Loopback"},
    };

    /** Whether the interface is a loopback interface. */
    public boolean loopback() {
        return (flags & LOOPBACK) != 0;
    }

    /** The line {@code tcpdump -D} prints for this interface, without the newline. */
    public String tcpdumpLine() {
        StringBuilder sb = new StringBuilder().append(index).append('.').append(name);
        if (description != null) {
            sb.append(" (").append(description).append(')');
        }
        if (flags != 0) {
            sb.append(" [");
            int start = sb.length();
            for (Object[] n : NAMES) {
                if ((flags & (Integer) n[0]) != 0) {
                    sb.append(sb.length() > start ? ", " : "").append((String) n[1]);
                }
            }
            if (sb.length() == start) {
                sb.append("none");
            }
            // The connection status, worded as an association for wireless interfaces; "not applicable" is silent.
            boolean wireless = (flags & WIRELESS) != 0;
            switch (flags & CONNECTION_STATUS) {
                case STATUS_UNKNOWN:
                    sb.append(wireless ? ", Association status unknown" : ", Connection status unknown");
                    break;
                case STATUS_CONNECTED:
                    sb.append(wireless ? ", Associated" : ", Connected");
                    break;
                case STATUS_DISCONNECTED:
                    sb.append(wireless ? ", Not associated" : ", Disconnected");
                    break;
                default:
                    break;
            }
            sb.append(']');
        }
        return sb.toString();
    }
}
