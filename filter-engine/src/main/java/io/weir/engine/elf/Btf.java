package io.weir.engine.elf;

import io.weir.engine.maps.MapSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of BTF (the kernel's {@code Documentation/bpf/btf.rst}) a loader needs: the type table, the sizes of
 * types, whether a type is an integer, and the map definitions of the {@code .maps} data section
 * ({@code __uint(name, n)} as a pointer to an array of {@code n} elements, {@code __type(name, T)} as a pointer
 * to {@code T}). Every type is kept as its kind, name, size-or-type field and its member list.
 */
final class Btf {
    static final int INT = 1;
    static final int PTR = 2;
    static final int ARRAY = 3;
    static final int STRUCT = 4;
    static final int UNION = 5;
    static final int ENUM = 6;
    static final int FWD = 7;
    static final int TYPEDEF = 8;
    static final int VOLATILE = 9;
    static final int CONST = 10;
    static final int RESTRICT = 11;
    static final int FUNC = 12;
    static final int FUNC_PROTO = 13;
    static final int VAR = 14;
    static final int DATASEC = 15;
    static final int FLOAT = 16;
    static final int DECL_TAG = 17;
    static final int TYPE_TAG = 18;
    static final int ENUM64 = 19;

    /** One member of a struct or union, or one variable of a data section. */
    record Member(String name, int type, int offset) {}

    /** One type: {@code sizeOrType} is the size (INT, STRUCT, UNION, ENUM, DATASEC) or a type id. */
    record Type(int kind, String name, int sizeOrType, int intEncoding, int arrayElem, int arrayLen,
            List<Member> members) {}

    private final List<Type> types = new ArrayList<>();
    private byte[] raw = new byte[0];
    private int stringsAt;
    private int stringsLen;

    private Btf() {
        types.add(new Type(0, "void", 0, 0, 0, 0, List.of()));
    }

    /** Parses a {@code .BTF} section. */
    static Btf parse(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 24 || (b.getShort(0) & 0xffff) != 0xeB9F) {
            throw new ElfLoadException("section '.BTF': bad magic");
        }
        int hdrLen = b.getInt(4);
        int typeOff = hdrLen + b.getInt(8);
        int typeLen = b.getInt(12);
        int strOff = hdrLen + b.getInt(16);
        int strLen = b.getInt(20);
        Btf btf = new Btf();
        btf.raw = data;
        btf.stringsAt = strOff;
        btf.stringsLen = strLen;
        int p = typeOff;
        int end = typeOff + typeLen;
        while (p < end) {
            String name = string(data, strOff, strLen, b.getInt(p));
            int info = b.getInt(p + 4);
            int kind = (info >>> 24) & 0x1f;
            int vlen = info & 0xffff;
            int sizeOrType = b.getInt(p + 8);
            p += 12;
            int enc = 0;
            int elem = 0;
            int len = 0;
            List<Member> members = List.of();
            switch (kind) {
                case INT -> {
                    enc = b.getInt(p);
                    p += 4;
                }
                case ARRAY -> {
                    elem = b.getInt(p);
                    len = b.getInt(p + 8);
                    p += 12;
                }
                case STRUCT, UNION -> {
                    members = new ArrayList<>();
                    for (int i = 0; i < vlen; i++) {
                        members.add(new Member(string(data, strOff, strLen, b.getInt(p)), b.getInt(p + 4),
                                b.getInt(p + 8)));
                        p += 12;
                    }
                }
                case ENUM -> p += 8 * vlen;
                case ENUM64 -> p += 12 * vlen;
                case FUNC_PROTO -> p += 8 * vlen;
                case VAR, DECL_TAG -> p += 4;
                case DATASEC -> {
                    members = new ArrayList<>();
                    for (int i = 0; i < vlen; i++) {
                        members.add(new Member(null, b.getInt(p), b.getInt(p + 4)));
                        p += 12;
                    }
                }
                case PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG -> { }
                default -> throw new ElfLoadException("section '.BTF': unknown type kind " + kind + " (type "
                        + btf.types.size() + ")");
            }
            btf.types.add(new Type(kind, name, sizeOrType, enc, elem, len, members));
        }
        return btf;
    }

    private static String string(byte[] data, int strOff, int strLen, int off) {
        if (off < 0 || off >= strLen) {
            return "";
        }
        int s = strOff + off;
        int e = s;
        while (e < data.length && data[e] != 0) {
            e++;
        }
        return new String(data, s, e - s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The string at {@code off} of the string section. */
    String string(int off) {
        return string(raw, stringsAt, stringsLen, off);
    }

    Type type(int id) {
        if (id < 0 || id >= types.size()) {
            throw new ElfLoadException("section '.BTF': no type " + id);
        }
        return types.get(id);
    }

    /** Follows typedefs and qualifiers. */
    int resolve(int id) {
        for (int guard = 0; guard < 64; guard++) {
            Type t = type(id);
            if (t.kind() != TYPEDEF && t.kind() != VOLATILE && t.kind() != CONST && t.kind() != RESTRICT
                    && t.kind() != TYPE_TAG) {
                return id;
            }
            id = t.sizeOrType();
        }
        throw new ElfLoadException("section '.BTF': type chain too long at type " + id);
    }

    /** The size in bytes of type {@code id}. */
    long size(int id) {
        Type t = type(resolve(id));
        return switch (t.kind()) {
            case INT, STRUCT, UNION, ENUM, ENUM64, DATASEC, FLOAT -> t.sizeOrType() & 0xffff_ffffL;
            case PTR -> 8;
            case ARRAY -> t.arrayLen() * size(t.arrayElem());
            default -> throw new ElfLoadException("section '.BTF': type " + id + " (" + t.name() + ") has no size");
        };
    }

    /** How a value of type {@code id} is displayed. */
    MapSpec.Kind kindOf(int id) {
        Type t = type(resolve(id));
        if (t.kind() == INT) {
            int size = t.sizeOrType();
            if (size == 1 || size == 2 || size == 4 || size == 8) {
                return (t.intEncoding() >>> 24 & 1) != 0 ? MapSpec.Kind.SIGNED : MapSpec.Kind.UNSIGNED;
            }
        }
        if (t.kind() == ENUM || t.kind() == ENUM64) {
            return MapSpec.Kind.UNSIGNED;
        }
        return MapSpec.Kind.BYTES;
    }

    /** A BTF-defined map: the fields set by {@code __uint} and the key/value types of {@code __type}. */
    record MapDef(String name, Map<String, Long> ints, Integer keyType, Integer valueType) {}

    /** The map definitions of the {@code .maps} data section, in offset order, by variable name. */
    List<MapDef> mapDefs(String section) {
        List<MapDef> out = new ArrayList<>();
        for (Type t : types) {
            if (t.kind() != DATASEC || !section.equals(t.name())) {
                continue;
            }
            List<Member> vars = new ArrayList<>(t.members());
            vars.sort((a, c) -> Integer.compare(a.offset(), c.offset()));
            for (Member v : vars) {
                Type var = type(v.type());
                if (var.kind() != VAR) {
                    throw new ElfLoadException("section '" + section + "': entry of kind " + var.kind()
                            + " is not a variable");
                }
                Type def = type(resolve(var.sizeOrType()));
                if (def.kind() != STRUCT) {
                    throw new ElfLoadException("section '" + section + "': map '" + var.name()
                            + "' is not defined by a struct");
                }
                Map<String, Long> ints = new HashMap<>();
                Integer key = null;
                Integer value = null;
                for (Member m : def.members()) {
                    Type mt = type(resolve(m.type()));
                    if (mt.kind() != PTR) {
                        throw new ElfLoadException("section '" + section + "': map '" + var.name() + "' field '"
                                + m.name() + "' is not a __uint or __type pointer");
                    }
                    Type target = type(resolve(mt.sizeOrType()));
                    if (m.name().equals("key") || m.name().equals("value")) {
                        if (m.name().equals("key")) {
                            key = mt.sizeOrType();
                        } else {
                            value = mt.sizeOrType();
                        }
                    } else if (target.kind() == ARRAY) {
                        ints.put(m.name(), (long) target.arrayLen());
                    } else {
                        throw new ElfLoadException("section '" + section + "': map '" + var.name() + "' field '"
                                + m.name() + "' is not supported (inner maps and pinning are not)");
                    }
                }
                out.add(new MapDef(var.name(), ints, key, value));
            }
        }
        return out;
    }
}
