"""The benchmark of DESIGN.md's performance targets: data generator, floor app and runner."""
