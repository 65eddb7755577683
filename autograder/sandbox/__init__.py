"""Running untrusted student code: a child process that the grader talks to with plain data.

- `wire`: the message format (JSON header + raw numeric arrays; no pickle, so no code or
  objects can travel).
- `child`: the program that runs inside the child process; it imports the student's
  modules and calls them on request.
- `process`: the grader's side: starts the child with resource limits, sends requests,
  enforces time limits, restarts it after a crash.
- `channel`: the grader's end of a child's pipes: requests sent ahead, answers read in
  order, a failure pinned on the request the child was handling.
- `zygote` and `zygote_launch`: the clean process children are forked from, and its
  launch (early, by the `autograder grade` command).
"""
