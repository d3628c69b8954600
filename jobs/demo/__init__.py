"""The demo board: `loader` reads the fixtures `make run` shows, `generator` makes large boards
for the benchmarks. Used by management commands and benchmarks only, never by a request."""
