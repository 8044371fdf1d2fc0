package io.weir.engine.maps;

/** Little-endian key and value encoding for map tests. */
final class MapTestSupport {
    private MapTestSupport() {}

    static byte[] u32(long v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    static byte[] u64(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (i * 8));
        }
        return b;
    }

    static long le(byte[] b) {
        long v = 0;
        for (int i = Math.min(8, b.length) - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }
}
