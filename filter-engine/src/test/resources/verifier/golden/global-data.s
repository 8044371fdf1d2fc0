# Global data: a threshold in .rodata (fd 5, read-only) and a counter in .bss (fd 6).
ldxw %r2, [%r1+0]
lddw %r3, map_val_by_fd(5,4)
ldxw %r3, [%r3+0]
mov %r0, 0
jle %r2, %r3, out
lddw %r1, map_val_by_fd(6,0)
mov %r4, 1
lock add [%r1+0], %r4
mov %r0, %r2
out:
exit
