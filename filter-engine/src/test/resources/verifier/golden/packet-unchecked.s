# Reads past the proven range: the rejection names the instruction and the range.
ldxw %r2, [%r1+76]
ldxw %r3, [%r1+80]
mov %r4, %r2
add %r4, 54
jgt %r4, %r3, drop
mov %r0, 0
ldxw %r0, [%r2+80]
exit
drop:
mov %r0, 0
exit
