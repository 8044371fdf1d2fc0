# Ethernet type check with direct packet access.
ldxw %r2, [%r1+76]
ldxw %r3, [%r1+80]
mov %r4, %r2
add %r4, 14
jgt %r4, %r3, drop
ldxh %r5, [%r2+12]
jne %r5, 0x8, drop
mov %r0, 0xffff
exit
drop:
mov %r0, 0
exit
