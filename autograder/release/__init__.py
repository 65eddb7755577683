"""Release: turn the reference solutions into what students get.

`stubs` strips the solution regions of `solutions/cs231n/` into the student
stubs of `assignment/cs231n/` (the `autograder build` command).
"""
