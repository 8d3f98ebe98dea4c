"""The benchmark harness behind `make bench` (not part of the app or of `make test`).

`floor` is the fastest Django endpoint this machine can serve, `run` drives the
app and the floor with wrk and writes docs/performance.md, `lua/` holds the
wrk scripts.
"""
