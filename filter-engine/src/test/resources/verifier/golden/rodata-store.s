# A store into .rodata (fd 5) is rejected: the section is read-only for programs.
lddw %r1, map_val_by_fd(5,8)
stdw [%r1+0], 0
mov %r0, 0
exit
