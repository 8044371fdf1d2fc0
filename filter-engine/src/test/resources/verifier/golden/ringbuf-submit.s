# A ring buffer record: reserved, null-checked, written, submitted on one path and discarded on the other.
ldxw %r6, [%r1+0]
lddw %r1, map_by_fd(4)
mov %r2, 16
mov %r3, 0
call 131
jeq %r0, 0, out
stxdw [%r0+0], %r6
mov %r1, %r0
mov %r2, 0
jgt %r6, 64, big
call 133
ja out
big:
call 132
out:
mov %r0, 0
exit
