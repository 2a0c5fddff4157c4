"""Turn the world into registers: which items each monthly register lists (`listings`),
which rows carry injected warnings (`plan`), how each row reads (`rows`, `noise`), and
the files a township sends (`register`, `naming`).

A register for month M lists what was found/received in M plus what was still open at
the start of M, each row a snapshot as of M's end. Everything row-level is decided by an
RNG seeded with (seed, township, template, month), so a file's bytes do not depend on
which other files were produced before it.
"""
