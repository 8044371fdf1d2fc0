# A loop with a constant trip count is explored to its end.
mov %r0, 0
mov %r2, 3
loop:
add %r0, %r2
sub %r2, 1
jne %r2, 0, loop
exit
