# The record is released only when the packet is long: the other path exits holding it.
ldxw %r6, [%r1+0]
lddw %r1, map_by_fd(4)
mov %r2, 8
mov %r3, 0
call 131
jeq %r0, 0, out
stdw [%r0+0], 1
jlt %r6, 64, out
mov %r1, %r0
mov %r2, 0
call 132
out:
mov %r0, 0
exit
