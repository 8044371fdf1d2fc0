# A map lookup's result is usable only after a null check.
stw [%r10-4], 0
mov %r2, %r10
add %r2, -4
lddw %r1, map_by_fd(1)
call 1
jeq %r0, 0, miss
ldxw %r0, [%r0+4]
exit
miss:
mov %r0, 0
exit
